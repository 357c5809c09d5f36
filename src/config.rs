//! The config loader: finds `cmek-lint.toml`, parses it with positioned errors and applies it
//! onto [`Settings`] (plain data in `crate::settings`).

use crate::diagnostic::Severity;
use crate::policy::PolicyKind;
use crate::rules::Registry;
use crate::settings::{ConsoleValues, PerFile, Settings};
use globset::Glob;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
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
    /// Severity overrides: `CMK101 = "error"`.
    #[serde(default)]
    pub severity: BTreeMap<String, Spanned<String>>,
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

/// A configuration error, positioned in the config file.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: invalid configuration: {}", self.path.display(), self.line, self.column, self.message)
    }
}

/// A config file read and parsed (shape only; values are checked when applied).
pub struct LoadedConfig {
    pub path: PathBuf,
    pub text: String,
    pub file: ConfigFile,
}

/// Find, read and parse the config file of a run: `--config`, else `cmek-lint.toml` in the
/// working directory or an ancestor; none with `--isolated`.
pub fn load_config(explicit: Option<&Path>, isolated: bool) -> Result<Option<LoadedConfig>, String> {
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
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = parse(&path, &text).map_err(|e| e.to_string())?;
    Ok(Some(LoadedConfig { path, text, file }))
}

/// The rules of a run: built-in, plus `--rules-dir` directories, plus `[rules] extra`.
pub fn registry_for(rules_dirs: &[PathBuf], config: Option<&LoadedConfig>) -> Result<Registry, String> {
    let mut dirs = rules_dirs.to_vec();
    if let Some(c) = config {
        dirs.extend(extra_rule_dirs(&c.path, &c.text, &c.file).map_err(|e| e.to_string())?);
    }
    Registry::with_user_rules(&dirs).map_err(|e| e.to_string())
}

/// Find `cmek-lint.toml` in `start` or its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(CONFIG_FILE)).find(|p| p.is_file())
}

fn position(text: &str, offset: usize) -> (usize, usize) {
    let idx = crate::source::LineIndex::new(text);
    let lc = idx.line_col(offset);
    (lc.line as usize, lc.column as usize)
}

/// Parse a config text (syntax and shape only; [`apply_parsed`] checks the values).
pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = position(text, e.span().map_or(0, |s| s.start));
        ConfigError { path: path.to_path_buf(), line, column, message: e.message().to_string() }
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
            let (line, column) = position(text, d.span().start);
            return Err(ConfigError {
                path: path.to_path_buf(),
                line,
                column,
                message: format!("rules directory `{}` does not exist", d.get_ref()),
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
    let err_at = |offset: usize, message: String| {
        let (line, column) = position(text, offset);
        ConfigError { path: path.to_path_buf(), line, column, message }
    };

    if let Some(acct) = &file.pinecone.account_id {
        if !crate::policy::arn::is_account_id(acct.get_ref()) {
            return Err(err_at(
                acct.span().start,
                format!("`account_id` must be 12 digits, found `{}`", acct.get_ref()),
            ));
        }
        settings.pinecone_account = Some(acct.get_ref().clone());
    }
    if let Some(regions) = &file.pinecone.regions {
        let re = regex::Regex::new(r"^[a-z]{2}(-[a-z]+)+-\d$").expect("valid regex");
        for r in regions {
            if !re.is_match(r.get_ref()) {
                return Err(err_at(r.span().start, format!("`{}` is not an AWS region name", r.get_ref())));
            }
        }
        settings.regions = regions.iter().map(|r| r.get_ref().clone()).collect();
    }
    if let Some(actions) = &file.pinecone.key_actions {
        for a in actions {
            if !a.get_ref().to_ascii_lowercase().starts_with("kms:") {
                return Err(err_at(a.span().start, format!("`{}` is not a KMS action (`kms:...`)", a.get_ref())));
            }
        }
        settings.key_actions = actions.iter().map(|a| a.get_ref().clone()).collect();
    }
    let index = crate::source::LineIndex::new(text);
    let site = crate::source::Site::new(&path.display().to_string(), None, None);
    let at = |v: &Spanned<String>| {
        let span = crate::source::Span::new(v.span().start, v.span().end);
        crate::source::Loc::resolve(&site, span, &index, None)
    };
    let c = &file.customer;
    settings.console = ConsoleValues {
        role_arn: c.role_arn.as_ref().map(|v| v.get_ref().clone()),
        key_arn: c.key_arn.as_ref().map(|v| v.get_ref().clone()),
        external_id: c.external_id.as_ref().map(|v| v.get_ref().clone()),
        role_arn_at: c.role_arn.as_ref().map(at),
        key_arn_at: c.key_arn.as_ref().map(at),
        external_id_at: c.external_id.as_ref().map(at),
    };
    if let Some(n) = file.limits.trust_policy_size {
        settings.trust_policy_size = n;
    }
    if let Some(n) = file.limits.max_file_size {
        settings.max_file_size = n;
    }

    let resolve = |sel: &Spanned<String>| -> Result<Vec<usize>, ConfigError> {
        let hits = registry.select(sel.get_ref());
        if hits.is_empty() {
            Err(err_at(
                sel.span().start,
                format!("`{}` names no rule (use a code, a code prefix or a rule name)", sel.get_ref()),
            ))
        } else {
            Ok(hits)
        }
    };
    if !file.rules.select.is_empty() {
        settings.enabled.iter_mut().for_each(|e| *e = false);
        for sel in &file.rules.select {
            for i in resolve(sel)? {
                settings.enabled[i] = true;
            }
        }
    }
    for sel in &file.rules.ignore {
        for i in resolve(sel)? {
            settings.enabled[i] = false;
        }
    }
    for (code, sev) in &file.rules.severity {
        let Some(severity) = Severity::parse(sev.get_ref()) else {
            return Err(err_at(
                sev.span().start,
                format!("unknown severity `{}` (expected critical, error, warning or info)", sev.get_ref()),
            ));
        };
        let hits = registry.select(code);
        if hits.is_empty() {
            let offset = text.find(code.as_str()).unwrap_or(sev.span().start);
            return Err(err_at(offset, format!("`{code}` names no rule")));
        }
        for i in hits {
            settings.severity[i] = Some(severity);
        }
    }
    for pf in &file.per_file {
        let matcher = Glob::new(pf.path.get_ref())
            .map_err(|e| err_at(pf.path.span().start, format!("invalid glob: {e}")))?
            .compile_matcher();
        let mut ignore = Vec::new();
        for sel in &pf.ignore {
            ignore.extend(resolve(sel)?);
        }
        let kind = match &pf.kind {
            Some(k) => Some(PolicyKind::parse(k.get_ref()).ok_or_else(|| {
                err_at(
                    k.span().start,
                    format!("unknown kind `{}` (expected trust, key, identity or resource)", k.get_ref()),
                )
            })?),
            None => None,
        };
        settings.per_file.push(PerFile { matcher, ignore, kind });
    }
    if let Some(dir) = path.parent() {
        settings.root = dir.to_path_buf();
    }
    settings.suppress.root = crate::suppress::absolute(path.parent().unwrap_or(Path::new("")));
    let today = crate::suppress::Date::today();
    for entry in &file.suppress {
        let hits = resolve(&entry.rule)?;
        let codes = hits.iter().map(|&i| registry.rules[i].record.code).collect();
        let matcher = Glob::new(entry.path.get_ref())
            .map_err(|e| err_at(entry.path.span().start, format!("invalid glob: {e}")))?
            .compile_matcher();
        let pointer = match &entry.pointer {
            Some(p) if !(p.get_ref().is_empty() || p.get_ref().starts_with('/')) => {
                return Err(err_at(
                    p.span().start,
                    format!("`pointer` must be a JSON pointer starting with `/`, found `{}`", p.get_ref()),
                ));
            }
            Some(p) => Some(p.get_ref().clone()),
            None => None,
        };
        if entry.reason.get_ref().trim().is_empty() {
            return Err(err_at(entry.reason.span().start, "`reason` must say why the finding is accepted".into()));
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
                    err_at(v.span().start, format!("`expires` must be a date `YYYY-MM-DD`, found `{text_value}`"))
                })?)
            }
        };
        let (line, column) = position(text, entry.rule.span().start);
        settings.suppress.entries.push(crate::suppress::Entry::new(
            entry.rule.get_ref().clone(),
            codes,
            entry.path.get_ref().clone(),
            matcher,
            pointer,
            entry.reason.get_ref().trim().to_string(),
            expires,
            path.to_path_buf(),
            line,
            column,
            today,
        ));
    }
    Ok(())
}
