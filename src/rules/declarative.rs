//! Declarative rules: a JSONPath selector (evaluated with jsonpath-rust on the document) and a
//! regex test on each selected value. Hits map back to spans by resolving the normalized path
//! jsonpath-rust returns in the spanned tree.

use super::context::{Reporter, RuleContext};
use super::record::DeclarativeSpec;
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
    query: JpQuery,
    matches: Option<Regex>,
    not_matches: Option<Regex>,
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
        let _ = compiled.set(Matcher::new(spec)?);
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
            let _ = self.compiled.set(Matcher::new(&self.spec)?);
        }
        Ok(())
    }

    fn matcher(&self) -> &Matcher {
        self.compiled.get_or_init(|| {
            Matcher::new(&self.spec)
                .unwrap_or_else(|e| panic!("declarative check `{}`: {}", self.spec.select, e.message))
        })
    }

    pub fn run(&self, ctx: &RuleContext<'_>, json: &serde_json::Value, out: &mut Reporter) {
        let Some(root) = ctx.root else { return };
        let m = self.matcher();
        let Ok(hits) = js_path_process(&m.query, json) else {
            return;
        };
        for hit in hits {
            let Some(node) = root.at_normalized_path(&hit.path) else {
                continue;
            };
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
    fn new(spec: &DeclarativeSpec) -> Result<Self, CompileError> {
        let query = parse_json_path(spec.select).map_err(|e| CompileError {
            field: SpecField::Select,
            message: format!("invalid JSONPath `{}`: {e}", spec.select),
        })?;
        let re = |p: Option<&str>, field| {
            p.map(Regex::new).transpose().map_err(|e| CompileError { field, message: format!("invalid regex: {e}") })
        };
        Ok(Self {
            query,
            matches: re(spec.matches, SpecField::Matches)?,
            not_matches: re(spec.not_matches, SpecField::NotMatches)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::RECORDS;
    use super::Compiled;

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
