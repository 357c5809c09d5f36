//! The rule framework: records (metadata + docs, from `rules/*.toml`), implementations (a
//! native check in `src/rules/<family>/<name>.rs` or a declarative JSONPath check in the record),
//! the registry joining them, and the context a check runs in.
//!
//! Adding a rule: write `rules/<CODE>-<name>.toml`; if it has no `[check]` table, add
//! `src/rules/<family>/<name_in_snake_case>.rs` with `pub(crate) fn check(ctx: &RuleContext, out: &mut
//! Reporter)` and list it in the family's `CHECKS`. `cargo test` proves the bad example fires
//! and the good one does not.

mod context;
pub mod cross;
mod declarative;
pub mod record;
pub mod record_file;
pub mod user;

mod grammar;
mod key_metadata;
mod key_policy;
mod permissions;
mod syntax;
mod trust;

pub use context::{Finding, Reporter, RuleContext};
pub use declarative::{CompileError, Compiled, SpecField};
pub use record::{DeclarativeSpec, RECORDS, RuleRecord, Scope};

/// A native check.
pub type CheckFn = fn(&RuleContext<'_>, &mut Reporter);

/// How a rule is implemented.
pub enum Implementation {
    Native(CheckFn),
    Declarative(Compiled),
}

pub struct Rule {
    pub record: &'static RuleRecord,
    pub imp: Implementation,
}

/// All native checks, by rule name.
fn native_checks() -> impl Iterator<Item = (&'static str, CheckFn)> {
    syntax::CHECKS
        .iter()
        .chain(grammar::CHECKS)
        .chain(trust::CHECKS)
        .chain(key_policy::CHECKS)
        .chain(key_metadata::CHECKS)
        .chain(permissions::CHECKS)
        .copied()
        .chain(cross::checks())
}

/// The rules of a run, in code order.
pub struct Registry {
    pub rules: Vec<Rule>,
}

impl Registry {
    /// The built-in rules. Panics only on a build defect (a record without implementation),
    /// which the test suite rules out; declarative checks compile when they first run.
    pub fn builtin() -> Self {
        let rules = RECORDS
            .iter()
            .map(|record| {
                let imp = match &record.check {
                    // Compiled when first run: see `Compiled::lazy` (the test suite compiles them all).
                    Some(spec) => Implementation::Declarative(Compiled::lazy(spec)),
                    None => Implementation::Native(
                        native_checks()
                            .find(|(name, _)| *name == record.name)
                            .unwrap_or_else(|| panic!("rule {} ({}) has no implementation", record.code, record.name))
                            .1,
                    ),
                };
                Rule { record, imp }
            })
            .collect();
        Self { rules }
    }

    /// The built-in rules plus the user rules of `dirs` (see [`user`]), in code order.
    pub fn with_user_rules(dirs: &[std::path::PathBuf]) -> Result<Self, user::LoadError> {
        let mut registry = Self::builtin();
        if dirs.is_empty() {
            return Ok(registry);
        }
        let taken: Vec<&'static RuleRecord> = registry.rules.iter().map(|r| r.record).collect();
        for u in user::load(dirs, &taken)? {
            registry.rules.push(Rule { record: u.record, imp: Implementation::Declarative(u.compiled) });
        }
        registry.rules.sort_by_key(|r| r.record.code);
        Ok(registry)
    }

    /// The settings of a run of these rules before any config or flag: every rule enabled at
    /// its record's severity.
    pub fn default_settings(&self) -> crate::settings::Settings {
        crate::settings::Settings::defaults(self.rules.iter().map(|r| (r.record.code, r.record.name)).collect())
    }

    /// The rule with this code or name (case-insensitive for codes).
    pub fn find(&self, code_or_name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.record.code.eq_ignore_ascii_case(code_or_name) || r.record.name == code_or_name)
    }

    /// Indices of the rules a selector names: `ALL`, a code, a code prefix, or a name.
    pub fn select(&self, selector: &str) -> Vec<usize> {
        let upper = selector.to_ascii_uppercase();
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| upper == "ALL" || r.record.code.starts_with(&upper) || r.record.name == selector)
            .map(|(i, _)| i)
            .collect()
    }

    /// Every native check name must have a record (the reverse is checked in `builtin`).
    pub fn orphan_checks() -> Vec<&'static str> {
        native_checks().map(|(n, _)| n).filter(|n| !RECORDS.iter().any(|r| r.name == *n && r.check.is_none())).collect()
    }
}

/// Helpers shared by checks.
pub mod util {
    use crate::json::{Node, Value};
    use crate::source::Span;

    /// The span of bytes `start..end` of a string node's *value*, when the source writes the
    /// value verbatim (no escapes); otherwise the whole node.
    pub fn sub_span(node: &Node, start: usize, end: usize) -> Span {
        let Some((value, _)) = node.as_text() else {
            return node.span;
        };
        let len = node.span.len();
        let base = if len == value.len() + 2 {
            node.span.start as usize + 1
        } else if len == value.len() {
            node.span.start as usize
        } else {
            return node.span;
        };
        Span::new(base + start, base + end.min(value.len()))
    }

    /// Visit every string value (not keys) of a tree.
    pub fn for_each_string<'a>(node: &'a Node, f: &mut impl FnMut(&'a Node, &'a str)) {
        match &node.value {
            Value::String(s) => f(node, s),
            Value::Array(items) => items.iter().for_each(|n| for_each_string(n, f)),
            Value::Object(members) => members.iter().for_each(|m| for_each_string(&m.value, f)),
            _ => {}
        }
    }

    /// Levenshtein distance, for "did you mean" suggestions.
    pub fn edit_distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        let mut cur = vec![0; b.len() + 1];
        for (i, ca) in a.chars().enumerate() {
            cur[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        prev[b.len()]
    }

    /// The closest candidate within a distance proportional to the word's length
    /// (case-insensitive).
    pub fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
        let lower = word.to_ascii_lowercase();
        let max = (word.chars().count() / 3).clamp(1, 4);
        candidates
            .into_iter()
            .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
            .filter(|(d, _)| *d <= max)
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c)
    }
}
