//! Declarative rules: a JSONPath selector (evaluated with jsonpath-rust on the document) and a
//! regex test on each selected value. Hits map back to spans by resolving the normalized path
//! jsonpath-rust returns in the spanned tree.

use super::context::{Reporter, RuleContext};
use super::record::DeclarativeSpec;
use crate::json::{Node, Value};
use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use regex::Regex;
use std::sync::OnceLock;

/// A declarative check, compiled when it first runs (built-in rules: most runs never need
/// some of them, and compiling JSONPath and regexes is a large part of a one-file run's start)
/// or when it is loaded (user rules: their errors are reported before any file is checked).
pub struct Compiled {
    spec: DeclarativeSpec,
    compiled: OnceLock<Matcher>,
}

struct Matcher {
    /// The parsed selector: parsed when needed (a built-in rule's simple selector rarely
    /// needs it, and parsing runs `stacker`'s stack probe), or when loaded (user rules).
    query: OnceLock<JpQuery>,
    /// The selector as steps walked on the spanned tree, when it is a simple path (names,
    /// indexes, wildcards): no copy of the document into a `serde_json::Value`.
    steps: Option<Vec<Step>>,
    matches: Option<Box<Pattern>>,
    not_matches: Option<Box<Pattern>>,
}

/// A regex, compiled when a value could match it. Compiling is most of a declarative rule's
/// cost on a one-file run, and most values cannot match: an anchored pattern's literal
/// prefixes (`^(AROA|AIDA)[A-Z0-9]{12,}$` → `AROA`, `AIDA`) rule them out without it.
struct Pattern {
    source: String,
    /// Every match starts at the start of the value with one of these; `None` when the
    /// pattern is not anchored or its prefixes are not a small finite set.
    prefixes: Option<Vec<Vec<u8>>>,
    regex: OnceLock<Regex>,
}

impl Pattern {
    /// The pattern, compiled now when `eager` (user rules: errors before any file is checked).
    fn new(source: &str, eager: bool) -> Result<Self, regex::Error> {
        let regex = OnceLock::new();
        if eager {
            let _ = regex.set(Regex::new(source)?);
        }
        let prefixes = match KNOWN_PREFIXES.iter().find(|(known, _)| *known == source) {
            Some((_, literals)) => Some(literals.iter().map(|l| l.as_bytes().to_vec()).collect()),
            None => anchored_prefixes(source),
        };
        Ok(Self { source: source.to_string(), prefixes, regex })
    }

    fn is_match(&self, value: &str) -> bool {
        if let Some(prefixes) = &self.prefixes
            && !prefixes.iter().any(|p| value.as_bytes().starts_with(p))
        {
            return false;
        }
        self.regex
            .get_or_init(|| Regex::new(&self.source).unwrap_or_else(|e| panic!("declarative check regex: {e}")))
            .is_match(value)
    }
}

/// The prefixes of the built-in rules' patterns, as [`anchored_prefixes`] gives them (a test
/// holds them to it): parsing a pattern to find them costs a pre-commit call more than checking
/// its one file.
const KNOWN_PREFIXES: &[(&str, &[&str])] =
    &[("^2008-10-17$", &["2008-10-17"]), ("^(AROA|AIDA)[A-Z0-9]{12,}$", &["AROA", "AIDA"])];

/// The literals every match of an anchored pattern (`^` or `\A` first, outside multi-line mode)
/// begins the value with, when they are a finite set of at most 64 non-empty literals.
fn anchored_prefixes(source: &str) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::{HirKind, Look};
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    let first = match hir.kind() {
        HirKind::Concat(parts) => parts.first()?,
        _ => return None,
    };
    if !matches!(first.kind(), HirKind::Look(Look::Start)) {
        return None;
    }
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > 64 || literals.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    Some(literals.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// One segment of a simple JSONPath selector.
#[derive(Debug, PartialEq)]
enum Step {
    /// `.name` or `['name']`: the member (the last of duplicates, as [`Node::get`]).
    Name(String),
    /// `[n]`: the array element.
    Index(usize),
    /// `[*]` or `.*` on an array: its elements (on an object the walk gives up: see [`walk`]).
    Wildcard,
}

/// Parse a simple selector: `$` then `.name`, `.*`, `[*]`, `[n]` or `['name']` segments (no
/// escapes, filters, slices, negative indexes or descendants); `None` for anything else.
fn simple_steps(select: &str) -> Option<Vec<Step>> {
    let mut rest = select.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(".*") {
            steps.push(Step::Wildcard);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            steps.push(Step::Name(name.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("[*]") {
            steps.push(Step::Wildcard);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("['") {
            let end = after.find('\'')?;
            let name = &after[..end];
            if name.contains('\\') {
                return None;
            }
            steps.push(Step::Name(name.to_string()));
            rest = after[end + 1..].strip_prefix(']')?;
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let digits = &after[..end];
            if digits.is_empty()
                || !digits.bytes().all(|b| b.is_ascii_digit())
                || (digits.len() > 1 && digits.starts_with('0'))
            {
                return None;
            }
            steps.push(Step::Index(digits.parse().ok()?));
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// The nodes `steps` select from `node`, in document order; `None` when the walk meets a case
/// it leaves to jsonpath-rust (a wildcard on an object: its member order and duplicate keys
/// follow the `serde_json::Value` copy).
fn walk<'n>(node: &'n Node, steps: &[Step], out: &mut Vec<&'n Node>) -> Option<()> {
    let Some((step, rest)) = steps.split_first() else {
        out.push(node);
        return Some(());
    };
    match step {
        Step::Name(name) => match node.as_object() {
            Some(_) => match node.get(name) {
                Some(m) => walk(&m.value, rest, out),
                None => Some(()),
            },
            None => Some(()),
        },
        Step::Index(i) => match node.as_array().and_then(|a| a.get(*i)) {
            Some(n) => walk(n, rest, out),
            None => Some(()),
        },
        Step::Wildcard => match &node.value {
            Value::Array(items) => items.iter().try_for_each(|n| walk(n, rest, out)),
            Value::Object(members) if members.is_empty() => Some(()),
            Value::Object(_) => None,
            _ => Some(()),
        },
    }
}

/// The part of a [`DeclarativeSpec`] that did not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecField {
    Select,
    Matches,
    NotMatches,
}

/// Why a [`DeclarativeSpec`] did not compile, and which field is at fault.
#[derive(Debug, Clone)]
pub struct CompileError {
    pub field: SpecField,
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Compiled {
    /// Compile `spec` now, reporting what does not compile.
    pub fn new(spec: &DeclarativeSpec) -> Result<Self, CompileError> {
        let compiled = OnceLock::new();
        let _ = compiled.set(Matcher::new(spec, true)?);
        Ok(Self { spec: spec.clone(), compiled })
    }

    /// Compile `spec` when it first runs. For specs known to compile (the built-in rules,
    /// which the test suite compiles): one that does not panics when it runs.
    pub fn lazy(spec: &DeclarativeSpec) -> Self {
        Self { spec: spec.clone(), compiled: OnceLock::new() }
    }

    /// Compile now if not done yet.
    pub fn force(&self) -> Result<(), CompileError> {
        if self.compiled.get().is_none() {
            let _ = self.compiled.set(Matcher::new(&self.spec, true)?);
        }
        Ok(())
    }

    fn matcher(&self) -> &Matcher {
        self.compiled.get_or_init(|| {
            Matcher::new(&self.spec, false)
                .unwrap_or_else(|e| panic!("declarative check `{}`: {}", self.spec.select, e.message))
        })
    }

    /// Run on the policy of `ctx`. A simple selector walks the spanned tree; any other is
    /// evaluated by jsonpath-rust on the document as a `serde_json::Value`, made on first need
    /// into `json` (shared by the declarative checks of one document).
    pub fn run(&self, ctx: &RuleContext<'_>, json: &mut Option<serde_json::Value>, out: &mut Reporter) {
        let Some(root) = ctx.root else { return };
        let m = self.matcher();
        let mut nodes = Vec::new();
        if m.steps.as_ref().is_none_or(|steps| walk(root, steps, &mut nodes).is_none()) {
            nodes.clear();
            let json = json.get_or_insert_with(|| root.to_json());
            let query = m.query.get_or_init(|| {
                parse_json_path(self.spec.select)
                    .unwrap_or_else(|e| panic!("declarative check `{}`: {e}", self.spec.select))
            });
            let Ok(hits) = js_path_process(query, json) else {
                return;
            };
            nodes.extend(hits.iter().filter_map(|hit| root.at_normalized_path(&hit.path)));
        }
        for node in nodes {
            for item in node.one_or_many() {
                let Some((value, template)) = item.as_text() else {
                    continue;
                };
                if template {
                    continue;
                }
                let fire = m.matches.as_ref().is_none_or(|r| r.is_match(value))
                    && m.not_matches.as_ref().is_none_or(|r| !r.is_match(value));
                if fire {
                    out.report(item.span, self.spec.message.replace("{value}", value));
                }
            }
        }
    }
}

impl Matcher {
    /// Compile `spec`; the selector is parsed now when `eager` or when it is not simple.
    fn new(spec: &DeclarativeSpec, eager: bool) -> Result<Self, CompileError> {
        let steps = simple_steps(spec.select);
        let query = OnceLock::new();
        if eager || steps.is_none() {
            let parsed = parse_json_path(spec.select).map_err(|e| CompileError {
                field: SpecField::Select,
                message: format!("invalid JSONPath `{}`: {e}", spec.select),
            })?;
            let _ = query.set(parsed);
        }
        let re = |p: Option<&str>, field| {
            p.map(|p| Pattern::new(p, eager).map(Box::new))
                .transpose()
                .map_err(|e| CompileError { field, message: format!("invalid regex: {e}") })
        };
        Ok(Self {
            query,
            steps,
            matches: re(spec.matches, SpecField::Matches)?,
            not_matches: re(spec.not_matches, SpecField::NotMatches)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::RECORDS;
    use super::{Compiled, Pattern, anchored_prefixes};

    #[test]
    fn anchored_patterns_give_their_literal_prefixes() {
        let p = |s: &str| {
            anchored_prefixes(s).map(|v| v.into_iter().map(|b| String::from_utf8(b).unwrap()).collect::<Vec<_>>())
        };
        assert_eq!(p("^(AROA|AIDA)[A-Z0-9]{12,}$"), Some(vec!["AROA".into(), "AIDA".into()]));
        assert_eq!(p("^2008-10-17$"), Some(vec!["2008-10-17".into()]));
        assert_eq!(p("\\Aarn:aws:"), Some(vec!["arn:aws:".into()]));
        // Not anchored, multi-line, anchored only in one branch, or no literal prefix.
        for s in ["AROA", "(?m)^AROA", "^AROA|x", "^[A-Z]+$", "^.*x", "(", ""] {
            assert_eq!(p(s), None, "{s}");
        }
    }

    /// The table of known prefixes says what the extraction says, for every pattern of the
    /// built-in records (a record whose pattern is missing from it only costs time).
    #[test]
    fn known_prefixes_are_the_extracted_ones() {
        for (source, literals) in super::KNOWN_PREFIXES {
            let expected: Vec<Vec<u8>> = literals.iter().map(|l| l.as_bytes().to_vec()).collect();
            assert_eq!(anchored_prefixes(source), Some(expected), "{source}");
        }
        let builtin: Vec<&str> = RECORDS
            .iter()
            .filter_map(|r| r.check.as_ref())
            .flat_map(|c| [c.matches, c.not_matches])
            .flatten()
            .collect();
        for source in builtin {
            assert!(
                super::KNOWN_PREFIXES.iter().any(|(k, _)| *k == source) || anchored_prefixes(source).is_none(),
                "add `{source}` to KNOWN_PREFIXES"
            );
        }
    }

    /// The prefix test never changes an answer: the pattern matches exactly when the regex does.
    #[test]
    fn prefix_test_agrees_with_the_regex() {
        let patterns = ["^(AROA|AIDA)[A-Z0-9]{12,}$", "^2008-10-17$", "(?i)^arn:aws:iam::", "^a?b", "x$", "^(ab|a)c"];
        let values = [
            "AROA4EXAMPLEID1234567",
            "AIDAEXAMPLE",
            "2008-10-17",
            "2012-10-17",
            "ARN:AWS:IAM::1",
            "b",
            "ab",
            "abc",
            "ac",
            "x",
            "",
            "é",
        ];
        for p in patterns {
            let re = regex::Regex::new(p).unwrap();
            for eager in [false, true] {
                let pattern = Pattern::new(p, eager).unwrap();
                for v in values {
                    assert_eq!(pattern.is_match(v), re.is_match(v), "{p} on {v:?}");
                }
            }
        }
    }

    /// The nodes jsonpath-rust selects on the `serde_json::Value` copy, resolved in the tree.
    fn by_jsonpath<'n>(root: &'n crate::json::Node, select: &str) -> Vec<&'n crate::json::Node> {
        let query = jsonpath_rust::parser::parse_json_path(select).unwrap();
        let json = root.to_json();
        let hits = jsonpath_rust::query::js_path_process(&query, &json).unwrap_or_default();
        hits.iter().filter_map(|h| root.at_normalized_path(&h.path)).collect()
    }

    /// The spanned-tree walk of a simple selector selects exactly what jsonpath-rust selects
    /// on the `serde_json::Value` copy (or gives up), on the rule examples and the corpora.
    #[test]
    fn simple_walk_selects_what_jsonpath_selects() {
        let mut texts: Vec<String> = Vec::new();
        for r in RECORDS {
            texts.push(r.bad.to_string());
            texts.push(r.good.to_string());
            texts.extend(r.valid.iter().chain(r.invalid.iter()).map(|s| s.to_string()));
        }
        texts.push(r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "AROA4EXAMPLEID1234567"}}}"#.into());
        texts.push(r#"{"Statement": [{"Principal": {"AWS": ["a", {"x": 1}], "AWS": "b"}}, 3, [], {}], "Version": ["2008-10-17", 1]}"#.into());
        texts.push(r#"{"Statement": {}, "a b": {"c": [[1, 2], {"d": null}]}}"#.into());
        texts.push("[1, 2]".into());
        for dir in ["corpus", "../shared/corpus/aws-managed"] {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            let mut stack: Vec<std::path::PathBuf> = entries.flatten().map(|e| e.path()).collect();
            while let Some(p) = stack.pop() {
                if p.is_dir() {
                    stack.extend(std::fs::read_dir(&p).unwrap().flatten().map(|e| e.path()));
                } else if p.extension().is_some_and(|e| e == "json") {
                    texts.extend(std::fs::read_to_string(&p).ok());
                }
            }
        }
        let selectors = [
            "$.Version",
            "$.Statement[*].Principal.AWS",
            "$.Statement[0].Effect",
            "$.Statement.*",
            "$['a b'].c[0][1]",
            "$.a b",
            "$.Statement[*].Condition.*",
            "$",
        ];
        let mut walked = 0;
        for text in &texts {
            let parsed = crate::json::parse(text);
            let Some(root) = parsed.root.as_ref() else { continue };
            for select in selectors {
                let Some(steps) = super::simple_steps(select) else { continue };
                let mut nodes = Vec::new();
                if super::walk(root, &steps, &mut nodes).is_none() {
                    continue;
                }
                walked += 1;
                let expected = by_jsonpath(root, select);
                assert!(
                    nodes.len() == expected.len() && nodes.iter().zip(&expected).all(|(a, b)| std::ptr::eq(*a, *b)),
                    "selector {select} on {text}"
                );
            }
        }
        assert!(walked > 100);
    }

    /// The built-in declarative checks compile (they are compiled lazily, when first run).
    #[test]
    fn builtin_declarative_checks_compile() {
        let specs: Vec<_> = RECORDS.iter().filter_map(|r| r.check.as_ref().map(|c| (r.code, c))).collect();
        assert!(!specs.is_empty());
        for (code, spec) in specs {
            if let Err(e) = Compiled::lazy(spec).force() {
                panic!("rule {code}: {}", e.message);
            }
        }
    }
}
