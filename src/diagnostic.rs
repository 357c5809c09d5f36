//! The diagnostic model: plain data produced by rules and consumed by renderers.

use crate::policy::PolicyKind;
use crate::source::{LineCol, Span};
use serde::{Deserialize, Serialize};

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

/// A secondary location with its own message (e.g. the first of two duplicate keys).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
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
    pub help: Option<String>,
    pub kind: Option<PolicyKind>,
    /// RFC 6901 pointer of the node inside its policy document (empty for file-level findings).
    pub pointer: String,
    /// Where in the file the policy lives, for files holding several (e.g. a CloudFormation
    /// resource path or a Terraform address). `None` for a bare policy file.
    pub origin: Option<String>,
}

/// A label resolved to line and column.
#[derive(Clone, Debug)]
pub struct ResolvedLabel {
    pub start: LineCol,
    pub end: LineCol,
    pub message: String,
    /// Another file (cross-document findings), with the text of the label's line: rendered as
    /// a second snippet.
    pub file: Option<String>,
    pub line_text: Option<String>,
}

/// A diagnostic resolved against its file's text: positions and the source lines needed to
/// render a snippet (so the file text need not be kept after checking).
#[derive(Clone, Debug)]
pub struct Resolved {
    pub diagnostic: Diagnostic,
    pub start: LineCol,
    pub end: LineCol,
    pub labels: Vec<ResolvedLabel>,
    /// `(line number, text)` for every line a snippet shows, sorted, without duplicates.
    pub lines: Vec<(u32, String)>,
}

/// Everything found in one file.
#[derive(Clone, Debug, Default)]
pub struct FileReport {
    pub path: String,
    pub diagnostics: Vec<Resolved>,
    /// Policy documents found and checked.
    pub policies: usize,
    /// The file was walked into but holds no policy (not counted as checked).
    pub skipped: bool,
    /// One-line errors that stopped the file from being checked (I/O, internal errors): they
    /// make the run exit 2.
    pub errors: Vec<String>,
    /// Small facts about the setup found in this file (roles, keys, grants), for the setup
    /// pass (`crate::setup`). Not rendered.
    pub facts: Vec<crate::setup::Fact>,
}
