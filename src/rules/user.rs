//! User rule directories (`--rules-dir DIR`, `[rules] extra = ["DIR"]`): declarative rule
//! records in the format of `rules/` ([`RecordFile`]), loaded at run time so an organisation can
//! add checks without recompiling.
//!
//! A user record must have a `[check]` table and `scope = "policy"` (the default), its code must
//! not start with `CMK` (reserved for built-in rules, so an upgrade never clashes) and neither
//! its code nor its name may repeat another rule's. Anything else wrong is a [`LoadError`] naming
//! the file, line and column; the run exits 2.

use super::declarative::{Compiled, SpecField};
use super::record::{DeclarativeSpec, RuleRecord, Scope};
use super::record_file::{KindName, RecordFile, ScopeName, SeverityName};
use crate::diagnostic::Severity;
use crate::policy::PolicyKind;
use std::path::{Path, PathBuf};

/// A rule record or rule directory that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    /// 1-based line and column, when the problem is inside the file.
    pub position: Option<(usize, usize)>,
    pub message: String,
    /// The byte range the problem is about and the file's text, when it is inside the file
    /// (for a report that quotes the file).
    pub source: Option<Box<(std::ops::Range<usize>, std::sync::Arc<str>)>>,
    /// A hint (did-you-mean), when there is one.
    pub help: Option<String>,
}

/// A did-you-mean hint for a TOML deserialization message naming an unknown field or variant
/// (`unknown variant `warn`, expected one of `info`, `warning`, ...`).
pub fn toml_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown variant `").or_else(|| message.strip_prefix("unknown field `"))?;
    let (word, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected")?.1;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    super::util::did_you_mean(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some((line, column)) => {
                write!(f, "{}:{line}:{column}: invalid rule record: {}", self.path.display(), self.message)
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A loaded user rule. Its record lives for the rest of the process (rules are loaded once per
/// run), which lets it share the `&'static` record type of the built-in rules.
pub struct UserRule {
    pub record: &'static RuleRecord,
    pub compiled: Compiled,
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.trim().to_string().into_boxed_str())
}

/// Load every `*.toml` of `dirs` (in file-name order), checking codes and names against the
/// `taken` ones (the built-in rules) and each other.
pub fn load(dirs: &[PathBuf], taken: &[&'static RuleRecord]) -> Result<Vec<UserRule>, LoadError> {
    let mut codes: Vec<String> = taken.iter().map(|r| r.code.to_string()).collect();
    let mut names: Vec<String> = taken.iter().map(|r| r.name.to_string()).collect();
    let mut rules = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|e| LoadError {
            path: dir.clone(),
            position: None,
            message: format!("cannot read rules directory: {e}"),
            source: None,
            help: None,
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| LoadError {
                path: path.clone(),
                position: None,
                message: format!("cannot read rule record: {e}"),
                source: None,
                help: None,
            })?;
            let rule = load_one(&path, &text, &codes, &names)?;
            codes.push(rule.record.code.to_string());
            names.push(rule.record.name.to_string());
            rules.push(rule);
        }
    }
    Ok(rules)
}

/// Parse, check and compile one user record.
pub fn load_one(path: &Path, text: &str, codes: &[String], names: &[String]) -> Result<UserRule, LoadError> {
    let shared: std::sync::Arc<str> = std::sync::Arc::from(text);
    let at = |span: std::ops::Range<usize>, message: String| {
        let lc = crate::source::LineIndex::new(text).line_col(span.start.min(text.len()));
        let help = toml_help(&message);
        LoadError {
            path: path.to_path_buf(),
            position: Some((lc.line as usize, lc.column as usize)),
            message,
            source: Some(Box::new((span, shared.clone()))),
            help,
        }
    };
    let r = RecordFile::parse(text).map_err(|(span, message)| at(span, message))?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    r.check_identity(&stem).map_err(|(span, message)| at(span, message))?;
    let code = r.code.get_ref();
    let name = r.name.get_ref();
    if code.starts_with("CMK") {
        return Err(at(
            r.code.span(),
            format!("code `{code}`: the `CMK` prefix is reserved for built-in rules; use your own (e.g. `ACME001`)"),
        ));
    }
    if codes.iter().any(|c| c == code) {
        return Err(at(r.code.span(), format!("code `{code}` is already used by another rule")));
    }
    if names.iter().any(|n| n == name) {
        return Err(at(r.name.span(), format!("name `{name}` is already used by another rule")));
    }
    // Where `scope` and `summary` are (the record type keeps them unspanned, as `build.rs`
    // reads it too): from the same parser, never from a text search.
    #[derive(serde::Deserialize)]
    struct Positions {
        scope: Option<toml::Spanned<toml::Value>>,
        autofix: Option<toml::Spanned<toml::Value>>,
        summary: Option<toml::Spanned<toml::Value>>,
    }
    let positions: Option<Positions> = toml::from_str(text).ok();
    let span_of = |f: fn(&Positions) -> Option<std::ops::Range<usize>>| positions.as_ref().and_then(f).unwrap_or(0..0);
    if r.scope != ScopeName::Policy {
        let span = span_of(|p| p.scope.as_ref().map(toml::Spanned::span));
        return Err(at(span, "user rules must have `scope = \"policy\"` (the default)".into()));
    }
    let Some(check) = &r.check else {
        return Err(at(
            r.code.span(),
            "user rules need a `[check]` table (select, matches/not_matches, message): only built-in rules can be implemented in Rust".into(),
        ));
    };
    if r.autofix.is_some() {
        let span = span_of(|p| p.autofix.as_ref().map(toml::Spanned::span));
        return Err(at(span, "user rules cannot have `autofix`: only built-in rules have fixes".into()));
    }
    if r.summary.trim().is_empty() {
        let span = span_of(|p| p.summary.as_ref().map(toml::Spanned::span));
        return Err(at(span, "`summary` must not be empty".into()));
    }
    let spec = DeclarativeSpec {
        select: leak(check.select.get_ref()),
        matches: check.matches.as_ref().map(|m| leak(m.get_ref())),
        not_matches: check.not_matches.as_ref().map(|m| leak(m.get_ref())),
        message: leak(check.message.get_ref()),
    };
    let compiled = Compiled::new(&spec).map_err(|e| {
        let span = match e.field {
            SpecField::Select => check.select.span(),
            SpecField::Matches => check.matches.as_ref().map_or(check.select.span(), |m| m.span()),
            SpecField::NotMatches => check.not_matches.as_ref().map_or(check.select.span(), |m| m.span()),
        };
        at(span, e.message)
    })?;
    let kinds: Vec<PolicyKind> = r.kinds.iter().map(|k| policy_kind(*k)).collect();
    let record = RuleRecord {
        code: leak(code),
        name: leak(name),
        severity: severity(r.severity),
        kinds: Box::leak(kinds.into_boxed_slice()),
        scope: Scope::Policy,
        summary: leak(&r.summary),
        why: leak(&r.why),
        fix: leak(&r.fix),
        autofix: None,
        bad: leak(&r.bad),
        good: leak(&r.good),
        valid: Box::leak(r.valid.iter().map(|s| leak(s)).collect::<Vec<&'static str>>().into_boxed_slice()),
        invalid: Box::leak(r.invalid.iter().map(|s| leak(s)).collect::<Vec<&'static str>>().into_boxed_slice()),
        example_kind: r.example_kind.map(policy_kind),
        example_config: r.example_config.as_deref().map(leak),
        check: Some(spec),
    };
    Ok(UserRule { record: Box::leak(Box::new(record)), compiled })
}

fn policy_kind(k: KindName) -> PolicyKind {
    match k {
        KindName::Trust => PolicyKind::Trust,
        KindName::Key => PolicyKind::Key,
        KindName::Identity => PolicyKind::Identity,
        KindName::Resource => PolicyKind::Resource,
    }
}

fn severity(s: SeverityName) -> Severity {
    match s {
        SeverityName::Info => Severity::Info,
        SeverityName::Warning => Severity::Warning,
        SeverityName::Error => Severity::Error,
        SeverityName::Critical => Severity::Critical,
    }
}

/// The JSON Schema of a rule record, as published in `docs/rule-record.schema.json`.
pub fn record_schema() -> String {
    let schema = schemars::schema_for!(RecordFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
