//! What a run knows, as plain data the rules read: Pinecone's account and regions, the console
//! values, limits, which rules run with which severity, per-path overrides and the
//! suppressions. Built from defaults, the config file (`crate::config`) and the command line.

use crate::diagnostic::Severity;
use crate::pinecone::{DEFAULT_KEY_ACTIONS, PINECONE_REGIONS};
use crate::policy::PolicyKind;
use crate::source::Loc;
use crate::suppress::Suppressions;
use globset::GlobMatcher;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The three values typed into the Pinecone console ("Add CMEK"): from `[customer]` of the
/// config file, overridden by `--role-arn`, `--key-arn` and `--external-id`, with where the
/// config file wrote them (for labels of the cross-document findings; `None` for a flag).
#[derive(Debug, Default, Clone, Serialize)]
pub struct ConsoleValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(skip)]
    pub role_arn_at: Option<Loc>,
    #[serde(skip)]
    pub key_arn_at: Option<Loc>,
    #[serde(skip)]
    pub external_id_at: Option<Loc>,
}

impl ConsoleValues {
    /// Put the values given on the command line over these (whose config positions then no
    /// longer apply).
    pub fn override_with(&mut self, role_arn: Option<&str>, key_arn: Option<&str>, external_id: Option<&str>) {
        for (flag, value, at) in [
            (role_arn, &mut self.role_arn, &mut self.role_arn_at),
            (key_arn, &mut self.key_arn, &mut self.key_arn_at),
            (external_id, &mut self.external_id, &mut self.external_id_at),
        ] {
            if let Some(v) = flag {
                *value = Some(v.to_string());
                *at = None;
            }
        }
    }
}

/// Per-path settings.
pub struct PerFile {
    pub matcher: GlobMatcher,
    pub ignore: Vec<usize>,
    pub kind: Option<PolicyKind>,
}

/// Everything a run needs to know, resolved from defaults, the config file and the command line.
pub struct Settings {
    pub pinecone_account: Option<String>,
    pub regions: Vec<String>,
    pub key_actions: Vec<String>,
    /// The values entered in the Pinecone console.
    pub console: ConsoleValues,
    pub trust_policy_size: usize,
    pub max_file_size: u64,
    /// Enabled flag per registry index.
    pub enabled: Vec<bool>,
    /// Severity override per registry index.
    pub severity: Vec<Option<Severity>>,
    pub per_file: Vec<PerFile>,
    pub forced_kind: Option<PolicyKind>,
    /// Directory that per-file globs are relative to.
    pub root: PathBuf,
    /// `[[suppress]]` entries and what they did (see `crate::suppress`).
    pub suppress: Suppressions,
    /// `[files] exclude`: globs of paths to skip (`--exclude` adds to them).
    pub exclude: Vec<String>,
    /// `[files] force-exclude`: `exclude` applies to files named on the command line too.
    pub force_exclude: bool,
    /// Findings keep the source lines a snippet shows (human, SARIF and HTML output, baseline
    /// fingerprints); off, a finding is resolved to its positions only.
    pub source_lines: bool,
    /// Threads the rules of one large policy may run on (`--jobs`; 1: the calling thread; 0:
    /// the available cores, asked only when a large policy comes, since asking reads the
    /// cgroup's CPU quota: files and syscalls a pre-commit call need not pay).
    pub rule_threads: usize,
}

impl Settings {
    /// Whether the project's Pinecone regions were configured (`[pinecone] regions`,
    /// `--regions`): a list equal to the built-in default, all of Pinecone's regions, reads as
    /// not configured.
    pub fn regions_configured(&self) -> bool {
        Self::regions_are_configured(&self.regions)
    }

    /// [`Self::regions_configured`] of a region list.
    pub fn regions_are_configured(regions: &[String]) -> bool {
        regions.len() != crate::pinecone::PINECONE_REGIONS.len()
            || regions.iter().any(|r| !crate::pinecone::PINECONE_REGIONS.contains(&r.as_str()))
    }

    /// The defaults for a run of the rules `known` (`(code, name)` in registry order).
    pub fn defaults(known: Vec<(&'static str, &'static str)>) -> Self {
        Settings {
            pinecone_account: None,
            regions: PINECONE_REGIONS.iter().map(|s| s.to_string()).collect(),
            key_actions: DEFAULT_KEY_ACTIONS.iter().map(|s| s.to_string()).collect(),
            console: ConsoleValues::default(),
            trust_policy_size: 2048,
            max_file_size: 10 * 1024 * 1024,
            enabled: vec![true; known.len()],
            severity: vec![None; known.len()],
            per_file: Vec::new(),
            forced_kind: None,
            root: PathBuf::from("."),
            suppress: Suppressions::new(known),
            exclude: Vec::new(),
            force_exclude: false,
            source_lines: true,
            rule_threads: 1,
        }
    }

    /// The kind forced for `path` by `--kind` or a `[[per-file]]` entry.
    pub fn kind_for(&self, path: &Path) -> Option<PolicyKind> {
        self.forced_kind.or_else(|| {
            let rel = path.strip_prefix(&self.root).unwrap_or(path);
            self.per_file
                .iter()
                .rev()
                .find(|p| p.matcher.is_match(rel) || p.matcher.is_match(path))
                .and_then(|p| p.kind)
        })
    }

    /// Whether rule `index` is ignored for `path` by a `[[per-file]]` entry.
    pub fn ignored_for(&self, path: &Path, index: usize) -> bool {
        if self.per_file.is_empty() {
            return false;
        }
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        self.per_file.iter().any(|p| (p.matcher.is_match(rel) || p.matcher.is_match(path)) && p.ignore.contains(&index))
    }
}
