//! The diagnostic model: plain data produced by rules and consumed by renderers.

use crate::fix::Fix;
use crate::policy::PolicyKind;
use crate::source::{LineCol, SourceLine, Span};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How bad a finding is. Ordered: `Info < Warning < Error < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
    Critical,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

include!(concat!(env!("OUT_DIR"), "/rule_id.rs"));

/// A secondary location with its own message (e.g. the first of two duplicate keys).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    /// Mostly a rule's fixed text (`first used here`): borrowed, not copied per finding.
    pub message: Cow<'static, str>,
    /// The file the label points into, when it is not the diagnostic's file (cross-document
    /// findings). Such labels are built resolved (see [`ResolvedLabel::file`]).
    pub file: Option<String>,
}

/// One finding, with spans in the coordinates of the file it was found in.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    /// Mostly the rule's fixed text: borrowed, not copied into every finding.
    pub help: Option<Cow<'static, str>>,
    pub kind: Option<PolicyKind>,
    /// RFC 6901 pointer of the node inside its policy document (empty for file-level findings).
    pub pointer: String,
    /// Where in the file the policy lives, for files holding several (e.g. a CloudFormation
    /// resource path or a Terraform address). `None` for a bare policy file.
    pub origin: Option<String>,
    /// How to fix it, with edits in the file's coordinates (see [`crate::fix`]); boxed, since
    /// most findings have none and a policy of 100,000 statements may have 200,000 findings.
    pub fix: Option<Box<Fix>>,
}

/// A label resolved to line and column.
#[derive(Clone, Debug)]
pub struct ResolvedLabel {
    pub start: LineCol,
    pub end: LineCol,
    pub message: Cow<'static, str>,
    /// Another file (cross-document findings), with the label's line: rendered as a second
    /// snippet.
    pub file: Option<String>,
    pub line_text: Option<SourceLine>,
}

/// A diagnostic resolved against its file's text: positions and the source lines needed to
/// render a snippet (so the file text need not be kept after checking).
#[derive(Clone, Debug)]
pub struct Resolved {
    pub diagnostic: Diagnostic,
    pub start: LineCol,
    pub end: LineCol,
    pub labels: Vec<ResolvedLabel>,
    /// Every line a snippet shows (a long one as a window around the spans on it), sorted by
    /// number, without duplicates.
    pub lines: Vec<SourceLine>,
}

/// A message about the run rather than about a policy: an expired or unused suppression, a
/// baseline that needs pruning. Notices never change the exit code.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Notice {
    pub severity: Severity,
    pub message: String,
    /// The file it is about (a config file, a YAML file with a suppression comment), if any.
    pub file: Option<String>,
    /// 1-based; 0 when the notice has no position.
    pub line: usize,
    pub column: usize,
    /// The rule a notice is about, when only relevant while that rule is enabled.
    #[serde(skip)]
    pub rule: Option<String>,
}

impl Notice {
    pub fn at(severity: Severity, message: String, file: &str, line: usize, column: usize) -> Self {
        Notice { severity, message, file: Some(file.to_string()), line, column, rule: None }
    }
    pub fn general(severity: Severity, message: String) -> Self {
        Notice { severity, message, file: None, line: 0, column: 0, rule: None }
    }
    /// `file:line:col: severity: message` (as printed on stderr).
    pub fn one_line(&self) -> String {
        match &self.file {
            Some(f) if self.line > 0 => {
                format!("{f}:{}:{}: {}: {}", self.line, self.column.max(1), self.severity.as_str(), self.message)
            }
            Some(f) => format!("{f}: {}: {}", self.severity.as_str(), self.message),
            None => format!("{}: {}", self.severity.as_str(), self.message),
        }
    }
}
