//! The on-disk format of a rule record: `rules/<CODE>-<name>.toml` and the files of a user rule
//! directory (`--rules-dir`, `[rules] extra`).
//!
//! This file is the one definition of the format. It is compiled twice: into `build.rs` (as a
//! `#[path]` module) which embeds the built-in records, and into the library, which loads user
//! records at run time and derives the published JSON Schema (`docs/rule-record.schema.json`)
//! from these types. It therefore must not refer to `crate::`.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// Pattern every rule code matches: upper-case letters, then three or four digits.
pub const CODE_PATTERN: &str = r"^[A-Z]{2,10}[0-9]{3,4}$";
/// Pattern every rule name matches: kebab-case.
pub const NAME_PATTERN: &str = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

/// One cmek-lint rule: its metadata, its documentation, a bad and a good example, and (for
/// declarative rules, and always for user rules) the check itself.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cmek-lint rule record")]
pub struct RecordFile {
    /// Rule code: upper-case letters then 3-4 digits. Built-in rules use `CMK`; user rules must
    /// use another prefix (e.g. `ACME001`). The file must be named `<code>-<name>.toml`.
    #[schemars(with = "String", regex(pattern = r"^[A-Z]{2,10}[0-9]{3,4}$"))]
    pub code: Spanned<String>,
    /// Rule name, kebab-case, naming the problem (e.g. `key-policy-admin-wildcard`).
    #[schemars(with = "String", regex(pattern = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"))]
    pub name: Spanned<String>,
    /// Default severity of the rule's findings (`[rules] severity` can override it).
    pub severity: SeverityName,
    /// Policy kinds the rule applies to; empty or absent means every kind.
    #[serde(default)]
    pub kinds: Vec<KindName>,
    /// Where the rule looks: once per policy document (default) or once per file. User rules
    /// must be `policy`.
    #[serde(default)]
    pub scope: ScopeName,
    /// One sentence: what the rule reports.
    pub summary: String,
    /// Why it matters (Markdown).
    pub why: String,
    /// How to fix it (Markdown).
    pub fix: String,
    /// Whether `check --fix` can fix a finding and how safely: `safe` (the meaning is kept,
    /// applied by `--fix`), `unsafe` (the meaning changes, applied with `--unsafe-fixes`) or
    /// `display-only` (a suggestion, never applied). Absent: no fix. Built-in rules only.
    pub autofix: Option<FixName>,
    /// A policy the rule reports.
    pub bad: String,
    /// The same policy, fixed: the rule does not report it.
    pub good: String,
    /// More policies the rule must NOT report, beyond `good` (edge cases: the near misses a
    /// pattern could catch by mistake). Each is checked like `good`.
    #[serde(default)]
    pub valid: Vec<String>,
    /// More policies the rule MUST report, beyond `bad` (each way the problem is written).
    /// Each is checked like `bad`.
    #[serde(default)]
    pub invalid: Vec<String>,
    /// Policy kind forced when the examples are checked.
    pub example_kind: Option<KindName>,
    /// `cmek-lint.toml` text applied when the examples are checked.
    pub example_config: Option<String>,
    /// The declarative check. Built-in rules without it are implemented in Rust; user rules
    /// must have it.
    pub check: Option<CheckFile>,
}

/// A declarative check: every value selected by the JSONPath is tested with the regexes; a
/// string value that passes both tests (and every string of a selected array) is reported.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    /// JSONPath (RFC 9535) evaluated on each policy document, e.g. `$.Statement[*].Principal.AWS`.
    #[schemars(with = "String")]
    pub select: Spanned<String>,
    /// Report selected string values that match this regex (Rust `regex` syntax).
    #[schemars(with = "Option<String>")]
    pub matches: Option<Spanned<String>>,
    /// Report selected string values that do not match this regex.
    #[schemars(with = "Option<String>")]
    pub not_matches: Option<Spanned<String>>,
    /// The finding's message; `{value}` is replaced by the selected value.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
}

/// Severity of a rule's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Info,
    Warning,
    Error,
    Critical,
}

/// A rule's fix applicability (see `crate::fix::Applicability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FixName {
    /// Keeps the policy's meaning: applied by `--fix`.
    Safe,
    /// Changes the policy's meaning: applied with `--fix --unsafe-fixes`.
    Unsafe,
    /// A suggestion, shown and never applied.
    DisplayOnly,
}

/// A policy kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KindName {
    /// A role trust policy.
    Trust,
    /// A KMS key policy.
    Key,
    /// An identity (permissions) policy.
    Identity,
    /// Another resource-based policy.
    Resource,
}

/// Where a rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScopeName {
    /// Once per parsed file (syntax-level rules; built-in only).
    File,
    /// Once per policy document.
    #[default]
    Policy,
    /// Once per KMS key's metadata (describe-key, CloudFormation, Terraform; built-in only).
    Key,
    /// Once per CMEK setup, across documents and files (built-in only).
    Setup,
}

impl RecordFile {
    /// Parse a record; the error carries the byte range it refers to.
    pub fn parse(text: &str) -> Result<Self, (std::ops::Range<usize>, String)> {
        toml::from_str(text).map_err(|e| (e.span().unwrap_or(0..0), e.message().trim().replace('\n', ": ")))
    }

    /// Checks shared by built-in and user records: code and name shape, and the file name
    /// `<code>-<name>.toml`. The error carries the byte range it refers to.
    pub fn check_identity(&self, file_stem: &str) -> Result<(), (std::ops::Range<usize>, String)> {
        let code = self.code.get_ref();
        let name = self.name.get_ref();
        if !is_code(code) {
            return Err((
                self.code.span(),
                format!("code `{code}` must be upper-case letters then 3 or 4 digits (e.g. `ACME001`)"),
            ));
        }
        if !is_name(name) {
            return Err((self.name.span(), format!("name `{name}` must be kebab-case (e.g. `key-admin-wildcard`)")));
        }
        let expected = format!("{code}-{name}");
        if file_stem != expected {
            return Err((self.code.span(), format!("the file must be named `{expected}.toml`")));
        }
        Ok(())
    }
}

/// Whether `s` matches [`CODE_PATTERN`].
pub fn is_code(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = s.len() - letters;
    (2..=10).contains(&letters) && (3..=4).contains(&digits) && s.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

/// Whether `s` matches [`NAME_PATTERN`].
pub fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
