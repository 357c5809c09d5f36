//! Renderers: the only code that knows output formats. They receive finished diagnostics and
//! decide nothing about them.

mod concise;
pub mod escape;
mod github;
mod html;
mod human;
mod json;
mod junit;
pub mod rule_docs;
mod sarif;

pub use crate::diagnostic::Notice;
use crate::diagnostic::Severity;
use crate::engine::FileReport;
use crate::rules::Registry;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets with labels (default).
    Human,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Concise,
    /// One versioned JSON document (schema in docs/output-formats.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// JUnit XML: one test case per file, one failure per finding.
    Junit,
    /// A self-contained HTML audit report (use with --output).
    Html,
}

impl Format {
    /// Formats read by people on a terminal (the summary line goes with them on stderr).
    pub fn is_human(self) -> bool {
        matches!(self, Format::Human | Format::Concise | Format::Github)
    }

    /// Formats that show the source lines of a finding (snippets, SARIF's context regions).
    pub fn shows_source_lines(self) -> bool {
        matches!(self, Format::Human | Format::Sarif | Format::Html)
    }

    /// The format a file name implies (`--output report.html` without `--format`).
    pub fn from_file_name(path: &std::path::Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        Some(if name.ends_with(".sarif") || name.ends_with(".sarif.json") {
            Format::Sarif
        } else if name.ends_with(".html") || name.ends_with(".htm") {
            Format::Html
        } else if name.ends_with(".xml") {
            Format::Junit
        } else if name.ends_with(".json") {
            Format::Json
        } else if name.ends_with(".txt") || name.ends_with(".log") {
            Format::Concise
        } else {
            return None;
        })
    }
}

/// Totals of a run.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub files_skipped: usize,
    pub policies: usize,
    pub critical: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    /// Findings removed by `[[suppress]]` entries and suppression comments.
    pub suppressed: usize,
    /// Findings removed because `--baseline` records them.
    pub baselined: usize,
    pub elapsed_ms: u128,
    /// The setups of the run (`--format json` only), from `crate::setup::describe`.
    #[serde(skip)]
    pub setups: Vec<serde_json::Value>,
}

impl Summary {
    pub fn new(reports: &[FileReport], elapsed_ms: u128) -> Self {
        let mut s = Summary { elapsed_ms, ..Default::default() };
        for r in reports {
            if r.skipped {
                s.files_skipped += 1;
            } else if r.errors.is_empty() {
                s.files_checked += 1;
            }
            s.policies += r.policies;
            for d in &r.diagnostics {
                match d.diagnostic.severity {
                    Severity::Critical => s.critical += 1,
                    Severity::Error => s.error += 1,
                    Severity::Warning => s.warning += 1,
                    Severity::Info => s.info += 1,
                }
            }
        }
        s
    }

    pub fn findings(&self) -> usize {
        self.critical + self.error + self.warning + self.info
    }
}

pub struct RenderOptions {
    pub color: bool,
}

/// `cmek-lint access`'s table, for the HTML report too: a position of a deciding statement.
pub struct AccessPosition {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// One row of the table.
pub struct AccessCheck {
    pub scenario: String,
    pub principal: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    pub expected: Option<crate::eval::Decision>,
    pub decision: crate::eval::Decision,
    pub deciding: Vec<AccessPosition>,
    /// Why the decision (the evaluator's sentence, or what the scenario needs).
    pub reason: String,
    /// The counterexample, for an unexpected decision.
    pub witness: Option<String>,
}

impl AccessCheck {
    pub fn unexpected(&self) -> bool {
        self.decision != crate::eval::Decision::Unknown && self.expected.is_some_and(|e| e != self.decision)
    }
}

/// One setup's table.
pub struct AccessSetup {
    pub folder: String,
    pub role_arn: Option<String>,
    pub key_arn: Option<String>,
    pub notes: Vec<String>,
    pub checks: Vec<AccessCheck>,
}

/// Everything a renderer may show about a run.
pub struct Run<'a> {
    pub reports: &'a [FileReport],
    pub summary: &'a Summary,
    pub notices: &'a [Notice],
    /// The rules of the run (built-in and user), for SARIF rule descriptors and the HTML
    /// report's explanations.
    pub registry: &'a Registry,
    /// Effective severity of each rule (config overrides applied), by registry index.
    pub rule_severity: &'a [Severity],
    /// Findings at or above this severity fail the run (JUnit failures).
    pub fail_on: Severity,
    /// The scenario table of each setup (`cmek-lint access`), shown by the HTML report.
    pub access: &'a [AccessSetup],
}

/// Write `run` in `format` to `out`.
pub fn render(format: Format, run: &Run<'_>, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::render(run.reports, opts, out),
        Format::Concise => concise::render(run.reports, out),
        Format::Json => json::render(run.reports, run.summary, run.notices, out),
        Format::Sarif => sarif::render(run, out),
        Format::Github => github::render(run, out),
        Format::Junit => junit::render(run, out),
        Format::Html => html::render(run, out),
    }
}

/// The one-line summary printed on stderr after human and concise output.
pub fn summary_line(summary: &Summary) -> String {
    let files = if summary.files_checked == 1 { "file" } else { "files" };
    let policies = if summary.policies == 1 { "policy" } else { "policies" };
    let mut parts = Vec::new();
    for (n, word) in
        [(summary.critical, "critical"), (summary.error, "error"), (summary.warning, "warning"), (summary.info, "info")]
    {
        if n > 0 {
            let plural = if n == 1 || word == "info" || word == "critical" { "" } else { "s" };
            parts.push(format!("{n} {word}{plural}"));
        }
    }
    let found = if parts.is_empty() { "no problems found".to_string() } else { parts.join(", ") };
    let skipped = if summary.files_skipped > 0 {
        format!(", {} without policies skipped", summary.files_skipped)
    } else {
        String::new()
    };
    let mut hidden = Vec::new();
    if summary.suppressed > 0 {
        hidden.push(format!("{} suppressed", summary.suppressed));
    }
    if summary.baselined > 0 {
        hidden.push(format!("{} in baseline", summary.baselined));
    }
    let hidden = if hidden.is_empty() { String::new() } else { format!(" ({})", hidden.join(", ")) };
    format!(
        "Checked {} {files} ({} {policies}) in {} ms{skipped}: {found}{hidden}",
        summary.files_checked, summary.policies, summary.elapsed_ms
    )
}

pub use json::SCHEMA_VERSION;
