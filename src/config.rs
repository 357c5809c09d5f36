//! The config loader: finds `cmek-lint.toml`, parses it with positioned errors and applies it
//! onto [`Settings`] (plain data in `crate::settings`), one function per section.
//!
//! Every error carries the byte span the TOML parser gives (a value's or a key's
//! [`Spanned`] span, or [`toml::de::Error::span`]), the config text and, where a valid value is
//! close, a did-you-mean `help`. The value checks ([`check_region`], [`check_role_arn`], ...)
//! and the rule selection ([`apply_selection`]) are shared with the command-line flags.

use crate::diagnostic::Severity;
use crate::policy::PolicyKind;
use crate::rules::Registry;
use crate::settings::{ConsoleValues, PerFile, Settings};
use globset::Glob;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

pub const CONFIG_FILE: &str = "cmek-lint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub pinecone: PineconeSection,
    #[serde(default)]
    pub customer: CustomerSection,
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub limits: LimitsSection,
    #[serde(default, rename = "per-file")]
    pub per_file: Vec<PerFileSection>,
    /// `[files]`: which files a run skips.
    #[serde(default)]
    pub files: FilesSection,
    /// `[[suppress]]` entries (see `crate::suppress`).
    #[serde(default)]
    pub suppress: Vec<SuppressSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PineconeSection {
    pub account_id: Option<Spanned<String>>,
    pub regions: Option<Vec<Spanned<String>>>,
    /// KMS actions the customer role must be granted on the key.
    pub key_actions: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct CustomerSection {
    pub role_arn: Option<Spanned<String>>,
    pub key_arn: Option<Spanned<String>>,
    pub external_id: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    #[serde(default)]
    pub select: Vec<Spanned<String>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Severity overrides: `CMK101 = "error"` (keys spanned, so an error points at the key).
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Directories of user rule records, relative to the config file's folder.
    #[serde(default)]
    pub extra: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    /// Non-whitespace characters allowed in a role trust policy (IAM default quota 2,048).
    pub trust_policy_size: Option<usize>,
    /// Files larger than this many bytes are skipped with a diagnostic.
    pub max_file_size: Option<u64>,
}

/// `[files]`: `exclude` globs (as `--exclude`, which adds to them) and `force-exclude` (as
/// `--force-exclude`: the globs apply to files named on the command line too).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesSection {
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default, rename = "force-exclude")]
    pub force_exclude: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerFileSection {
    pub path: Spanned<String>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressSection {
    /// Rule code, code prefix or name.
    pub rule: Spanned<String>,
    /// Glob of the files it covers, relative to the config file's folder.
    pub path: Spanned<String>,
    /// RFC 6901 pointer of the node it covers (and everything inside it).
    pub pointer: Option<Spanned<String>>,
    /// Why the finding is accepted (required).
    pub reason: Spanned<String>,
    /// Last day the suppression applies: a TOML date (`2026-06-30`) or a string.
    pub expires: Option<Spanned<toml::Value>>,
}

/// A configuration error: the config file, where in it (none when it cannot be read), what is
/// wrong and, when there is one, a hint.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub path: PathBuf,
    pub at: Option<TextAt>,
    pub message: String,
    pub help: Option<String>,
}

/// A position in a file's text: 1-based line and column, and the byte range it covers.
#[derive(Debug, Clone)]
pub struct TextAt {
    pub line: usize,
    pub column: usize,
    pub span: Range<usize>,
    /// The whole file, for a report that quotes it.
    pub text: Arc<str>,
}

impl TextAt {
    pub fn new(text: &str, span: Range<usize>) -> Self {
        let idx = crate::source::LineIndex::new(text);
        let lc = idx.line_col(span.start.min(text.len()));
        TextAt { line: lc.line as usize, column: lc.column as usize, span, text: Arc::from(text) }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.at {
            Some(at) => {
                write!(f, "{}:{}:{}: invalid configuration: {}", self.path.display(), at.line, at.column, self.message)
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A value that can never be valid: the message (naming the value) and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    pub help: Option<String>,
}

impl Invalid {
    fn new(message: String, help: Option<String>) -> Self {
        Invalid { message, help }
    }
}

fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    crate::rules::util::did_you_mean(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// A config file read and parsed (shape only; values are checked when applied).
pub struct LoadedConfig {
    pub path: PathBuf,
    pub text: String,
    pub file: ConfigFile,
}

/// Find, read and parse the config file of a run: `--config`, else `cmek-lint.toml` in the
/// working directory or an ancestor; none with `--isolated`.
pub fn load_config(explicit: Option<&Path>, isolated: bool) -> Result<Option<LoadedConfig>, ConfigError> {
    let path = if isolated {
        None
    } else if let Some(p) = explicit {
        Some(p.to_path_buf())
    } else {
        // Shown relative to the working directory when found in it (messages, notices).
        std::env::current_dir()
            .ok()
            .and_then(|d| discover(&d).map(|p| p.strip_prefix(&d).map(Path::to_path_buf).unwrap_or(p)))
    };
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        path: path.clone(),
        at: None,
        message: e.to_string(),
        help: None,
    })?;
    let file = parse(&path, &text)?;
    Ok(Some(LoadedConfig { path, text, file }))
}

/// Find `cmek-lint.toml` in `start` or its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(CONFIG_FILE)).find(|p| p.is_file())
}

/// Parse a config text (syntax and shape only; [`apply_parsed`] checks the values).
pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ConfigError {
            path: path.to_path_buf(),
            at: Some(TextAt::new(text, span)),
            message: e.message().trim().replace('\n', ": "),
            help: crate::rules::user::toml_help(e.message()),
        }
    })
}

/// The user rule directories of `[rules] extra`, resolved against the config file's folder;
/// one that does not exist is an error at its position.
pub fn extra_rule_dirs(path: &Path, text: &str, file: &ConfigFile) -> Result<Vec<PathBuf>, ConfigError> {
    let base = path.parent().unwrap_or(Path::new(""));
    let mut dirs = Vec::new();
    for d in &file.rules.extra {
        let dir = base.join(d.get_ref());
        if !dir.is_dir() {
            return Err(ConfigError {
                path: path.to_path_buf(),
                at: Some(TextAt::new(text, d.span())),
                message: format!("rules directory `{}` does not exist", d.get_ref()),
                help: Some("paths in `[rules] extra` are relative to the config file's folder".into()),
            });
        }
        dirs.push(dir);
    }
    Ok(dirs)
}

/// Parse a config text and apply it onto `settings`.
pub fn apply(path: &Path, text: &str, registry: &Registry, settings: &mut Settings) -> Result<(), ConfigError> {
    let file = parse(path, text)?;
    apply_parsed(path, text, &file, registry, settings)
}

/// Apply a parsed config onto `settings`, checking every value against `registry`.
pub fn apply_parsed(
    path: &Path,
    text: &str,
    file: &ConfigFile,
    registry: &Registry,
    settings: &mut Settings,
) -> Result<(), ConfigError> {
    let cx = Cx { path, text, registry };
    cx.pinecone(&file.pinecone, settings)?;
    cx.customer(&file.customer, settings)?;
    cx.limits(&file.limits, settings);
    cx.rules(&file.rules, settings)?;
    cx.per_file(&file.per_file, settings)?;
    cx.files(&file.files, settings)?;
    if let Some(dir) = path.parent() {
        settings.root = dir.to_path_buf();
    }
    cx.suppress(&file.suppress, settings)
}

/// What every section needs: the file (for positions) and the rules (for selectors).
struct Cx<'a> {
    path: &'a Path,
    text: &'a str,
    registry: &'a Registry,
}

impl Cx<'_> {
    fn error(&self, span: Range<usize>, message: String, help: Option<String>) -> ConfigError {
        ConfigError { path: self.path.to_path_buf(), at: Some(TextAt::new(self.text, span)), message, help }
    }

    fn invalid<T>(&self, at: &Spanned<T>, invalid: Invalid) -> ConfigError {
        self.error(at.span(), invalid.message, invalid.help)
    }

    fn selector(&self, sel: &Spanned<String>) -> Result<Vec<usize>, ConfigError> {
        resolve_selector(self.registry, &format!("`{}`", sel.get_ref()), sel.get_ref())
            .map_err(|e| self.invalid(sel, e))
    }

    /// `[pinecone]`: account id, regions, key actions.
    fn pinecone(&self, p: &PineconeSection, settings: &mut Settings) -> Result<(), ConfigError> {
        if let Some(acct) = &p.account_id {
            check_account_id("`account_id`", acct.get_ref()).map_err(|e| self.invalid(acct, e))?;
            settings.pinecone_account = Some(acct.get_ref().clone());
        }
        if let Some(regions) = &p.regions {
            for r in regions {
                check_region(&format!("`{}`", r.get_ref()), r.get_ref()).map_err(|e| self.invalid(r, e))?;
            }
            settings.regions = regions.iter().map(|r| r.get_ref().clone()).collect();
        }
        if let Some(actions) = &p.key_actions {
            for a in actions {
                check_key_action(&format!("`{}`", a.get_ref()), a.get_ref()).map_err(|e| self.invalid(a, e))?;
            }
            settings.key_actions = actions.iter().map(|a| a.get_ref().clone()).collect();
        }
        Ok(())
    }

    /// `[customer]`: the three console values, kept with their positions (findings on them
    /// point into the config file).
    fn customer(&self, c: &CustomerSection, settings: &mut Settings) -> Result<(), ConfigError> {
        type Check = fn(&str, &str) -> Result<(), Invalid>;
        let checks: [(&Option<Spanned<String>>, Check); 3] =
            [(&c.role_arn, check_role_arn), (&c.key_arn, check_key_arn), (&c.external_id, check_external_id)];
        for (value, check) in checks {
            if let Some(v) = value {
                check(&format!("`{}`", v.get_ref()), v.get_ref()).map_err(|e| self.invalid(v, e))?;
            }
        }
        let index = crate::source::LineIndex::new(self.text);
        let site = crate::source::Site::new(&self.path.display().to_string(), None, None);
        let at = |v: &Spanned<String>| {
            let span = crate::source::Span::new(v.span().start, v.span().end);
            crate::source::Loc::resolve(&site, span, &index, None)
        };
        settings.console = ConsoleValues {
            role_arn: c.role_arn.as_ref().map(|v| v.get_ref().clone()),
            key_arn: c.key_arn.as_ref().map(|v| v.get_ref().clone()),
            external_id: c.external_id.as_ref().map(|v| v.get_ref().clone()),
            role_arn_at: c.role_arn.as_ref().map(at),
            key_arn_at: c.key_arn.as_ref().map(at),
            external_id_at: c.external_id.as_ref().map(at),
        };
        Ok(())
    }

    /// `[limits]`.
    fn limits(&self, l: &LimitsSection, settings: &mut Settings) {
        if let Some(n) = l.trust_policy_size {
            settings.trust_policy_size = n;
        }
        if let Some(n) = l.max_file_size {
            settings.max_file_size = n;
        }
    }

    /// `[rules]`: select, ignore, severity overrides (`extra` is read before the registry is
    /// built, by [`extra_rule_dirs`]).
    fn rules(&self, r: &RulesSection, settings: &mut Settings) -> Result<(), ConfigError> {
        apply_selection(self.registry, settings, &r.select, &r.ignore, |s| {
            (format!("`{}`", s.get_ref()), s.get_ref().clone())
        })
        .map_err(|(sel, e)| self.invalid(sel, e))?;
        for (code, sev) in &r.severity {
            let Some(severity) = Severity::parse(sev.get_ref()) else {
                return Err(self.invalid(
                    sev,
                    Invalid::new(
                        format!("unknown severity `{}` (expected critical, error, warning or info)", sev.get_ref()),
                        did_you_mean(sev.get_ref(), SEVERITIES.iter().copied()),
                    ),
                ));
            };
            for i in self.selector(code)? {
                settings.severity[i] = Some(severity);
            }
        }
        Ok(())
    }

    /// `[[per-file]]`: a glob, rules to ignore there, a forced kind.
    fn per_file(&self, entries: &[PerFileSection], settings: &mut Settings) -> Result<(), ConfigError> {
        for pf in entries {
            let matcher = Glob::new(pf.path.get_ref())
                .map_err(|e| self.error(pf.path.span(), format!("invalid glob: {e}"), None))?
                .compile_matcher();
            let mut ignore = Vec::new();
            for sel in &pf.ignore {
                ignore.extend(self.selector(sel)?);
            }
            let kind = match &pf.kind {
                Some(k) => Some(PolicyKind::parse(k.get_ref()).ok_or_else(|| {
                    self.invalid(
                        k,
                        Invalid::new(
                            format!("unknown kind `{}` (expected trust, key, identity or resource)", k.get_ref()),
                            did_you_mean(k.get_ref(), KINDS.iter().copied()),
                        ),
                    )
                })?),
                None => None,
            };
            settings.per_file.push(PerFile { matcher, ignore, kind });
        }
        Ok(())
    }

    /// `[files]`: the globs are checked here, so a bad one points at its line.
    fn files(&self, f: &FilesSection, settings: &mut Settings) -> Result<(), ConfigError> {
        for g in &f.exclude {
            Glob::new(g.get_ref()).map_err(|e| self.error(g.span(), format!("invalid glob: {e}"), None))?;
            settings.exclude.push(g.get_ref().clone());
        }
        if let Some(force) = f.force_exclude {
            settings.force_exclude = force;
        }
        Ok(())
    }

    /// `[[suppress]]`: accepted findings, each with a reason and maybe an expiry date.
    fn suppress(&self, entries: &[SuppressSection], settings: &mut Settings) -> Result<(), ConfigError> {
        settings.suppress.root = crate::suppress::absolute(self.path.parent().unwrap_or(Path::new("")));
        let today = crate::suppress::Date::today();
        for entry in entries {
            let hits = self.selector(&entry.rule)?;
            let codes = hits.iter().map(|&i| self.registry.rules[i].record.code).collect();
            let matcher = Glob::new(entry.path.get_ref())
                .map_err(|e| self.error(entry.path.span(), format!("invalid glob: {e}"), None))?
                .compile_matcher();
            let pointer = match &entry.pointer {
                Some(p) if !(p.get_ref().is_empty() || p.get_ref().starts_with('/')) => {
                    return Err(self.error(
                        p.span(),
                        format!("`pointer` must be a JSON pointer starting with `/`, found `{}`", p.get_ref()),
                        Some(format!("write `/{}`", p.get_ref())),
                    ));
                }
                Some(p) => Some(p.get_ref().clone()),
                None => None,
            };
            if entry.reason.get_ref().trim().is_empty() {
                return Err(self.error(
                    entry.reason.span(),
                    "`reason` must say why the finding is accepted".into(),
                    None,
                ));
            }
            let expires = match &entry.expires {
                None => None,
                Some(v) => {
                    let text_value = match v.get_ref() {
                        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    Some(crate::suppress::Date::parse(&text_value).ok_or_else(|| {
                        self.error(
                            v.span(),
                            format!("`expires` must be a date `YYYY-MM-DD`, found `{text_value}`"),
                            None,
                        )
                    })?)
                }
            };
            let at = TextAt::new(self.text, entry.rule.span());
            settings.suppress.entries.push(crate::suppress::Entry::new(
                entry.rule.get_ref().clone(),
                codes,
                entry.path.get_ref().clone(),
                matcher,
                pointer,
                entry.reason.get_ref().trim().to_string(),
                expires,
                self.path.to_path_buf(),
                at.line,
                at.column,
                today,
            ));
        }
        Ok(())
    }
}

const SEVERITIES: &[&str] = &["critical", "error", "warning", "info"];
const KINDS: &[&str] = &["trust", "key", "identity", "resource"];

/// The rules a selector (`ALL`, a code, a code prefix or a rule name) names; none is an error
/// saying so about `subject` (how the caller shows the selector), with the nearest rule.
pub fn resolve_selector(registry: &Registry, subject: &str, selector: &str) -> Result<Vec<usize>, Invalid> {
    let hits = registry.select(selector);
    if !hits.is_empty() {
        return Ok(hits);
    }
    let names = registry.rules.iter().flat_map(|r| [r.record.code, r.record.name]);
    Err(Invalid::new(
        format!("{subject} names no rule (use a code, a code prefix or a rule name)"),
        Some(did_you_mean(selector, names).unwrap_or_else(|| "`cmek-lint rules` lists them".into())),
    ))
}

/// Rule selection, for `[rules]` and `--select`/`--ignore` alike: a non-empty `select` enables
/// only the rules it names, then `ignore` disables rules. `show` gives a selector's subject (for
/// messages) and text; the error names the selector that names no rule.
pub fn apply_selection<'s, S>(
    registry: &Registry,
    settings: &mut Settings,
    select: &'s [S],
    ignore: &'s [S],
    show: impl Fn(&S) -> (String, String),
) -> Result<(), (&'s S, Invalid)> {
    let resolve = |s: &'s S| {
        let (subject, text) = show(s);
        resolve_selector(registry, &subject, &text).map_err(|e| (s, e))
    };
    if !select.is_empty() {
        settings.enabled.iter_mut().for_each(|e| *e = false);
        for s in select {
            resolve(s)?.into_iter().for_each(|i| settings.enabled[i] = true);
        }
    }
    for s in ignore {
        resolve(s)?.into_iter().for_each(|i| settings.enabled[i] = false);
    }
    Ok(())
}

/// A value still holding a documentation placeholder or a deploy-time expression: not judged
/// here (CMK115 and preflight report placeholders).
fn unjudged(value: &str) -> bool {
    crate::data::placeholders::find_placeholder(value.trim()).is_some()
        || crate::data::placeholders::has_expression(value)
}

/// Pinecone's AWS account id: 12 digits.
pub fn check_account_id(subject: &str, value: &str) -> Result<(), Invalid> {
    if crate::policy::arn::is_account_id(value) {
        return Ok(());
    }
    Err(Invalid::new(
        format!("{subject} must be 12 digits, found `{value}`"),
        Some("the Pinecone console shows it under Manage > CMEK".into()),
    ))
}

/// An AWS region code ([`crate::data::regions::AWS_REGIONS`]).
pub fn check_region(subject: &str, value: &str) -> Result<(), Invalid> {
    if crate::data::regions::is_aws_region(value) {
        return Ok(());
    }
    let lower = value.trim().to_ascii_lowercase();
    let help = if crate::data::regions::is_aws_region(&lower) {
        Some(format!("write `{lower}`"))
    } else {
        did_you_mean(&lower, crate::data::regions::AWS_REGIONS.iter().copied()).or_else(|| {
            Some(format!(
                "AWS region codes look like `us-east-1`; Pinecone serverless runs in {}",
                crate::pinecone::PINECONE_REGIONS.join(", ")
            ))
        })
    };
    Err(Invalid::new(format!("{subject} is not an AWS region"), help))
}

/// A KMS action (`kms:Encrypt`), or a pattern matching at least one.
pub fn check_key_action(subject: &str, value: &str) -> Result<(), Invalid> {
    if !crate::data::kms::kms_actions_matching(value).is_empty() && value.trim() != "*" {
        return Ok(());
    }
    let name = value.trim().split_once(':').map_or(value.trim(), |(_, n)| n);
    let help = did_you_mean(name, crate::data::actions::KMS_ACTIONS.iter().copied())
        .map(|h| h.replace("mean `", "mean `kms:"))
        .or_else(|| Some("Pinecone needs `kms:Encrypt` and `kms:Decrypt`".into()));
    Err(Invalid::new(format!("{subject} is not a KMS action"), help))
}

/// An IAM role ARN, `arn:<partition>:iam::<account>:role/<name>` (its fields may still be
/// placeholders: those are findings, not configuration errors).
pub fn check_role_arn(subject: &str, value: &str) -> Result<(), Invalid> {
    let arn = crate::policy::Arn::parse(value.trim());
    let ok = arn.is_some_and(|a| a.service == "iam" && a.resource_type == "role" && !a.resource_name.is_empty());
    if ok || (arn.is_none() && unjudged(value)) {
        return Ok(());
    }
    Err(Invalid::new(
        format!("{subject} is not an IAM role ARN"),
        Some("an IAM role ARN looks like `arn:aws:iam::123456789012:role/<name>`".into()),
    ))
}

/// A KMS key (or alias) ARN, `arn:<partition>:kms:<region>:<account>:key/<id>`, whose region
/// is an AWS region.
pub fn check_key_arn(subject: &str, value: &str) -> Result<(), Invalid> {
    let shape = || {
        Invalid::new(
            format!("{subject} is not a KMS key ARN"),
            Some("a KMS key ARN looks like `arn:aws:kms:us-east-1:123456789012:key/<key id>`".into()),
        )
    };
    let Some(arn) = crate::policy::Arn::parse(value.trim()) else {
        return if unjudged(value) { Ok(()) } else { Err(shape()) };
    };
    if arn.service != "kms" || !matches!(arn.resource_type, "key" | "alias") {
        return Err(shape());
    }
    if !unjudged(arn.region) && !arn.region.contains('*') {
        check_region(&format!("{subject}: its region `{}`", arn.region), arn.region)?;
    }
    Ok(())
}

/// An external id STS can pass: 2 to 1,224 characters of letters, digits and `_+=,.@:/-`.
pub fn check_external_id(subject: &str, value: &str) -> Result<(), Invalid> {
    let chars_ok = value.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
    if (chars_ok && (2..=1224).contains(&value.len())) || unjudged(value) {
        return Ok(());
    }
    Err(Invalid::new(
        format!(
            "{subject} is not an external id STS accepts (2 to 1,224 characters of letters, digits and `_+=,.@:/-`)"
        ),
        Some("Pinecone recommends a UUID v4 (`uuidgen`)".into()),
    ))
}
