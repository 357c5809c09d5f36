//! Renderers: the only code that knows output formats. They receive finished diagnostics and
//! decide nothing about them.

mod concise;
mod human;
mod json;

use crate::diagnostic::{FileReport, Severity};
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets with labels (default).
    Human,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Concise,
    /// One versioned JSON document (schema in the README).
    Json,
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

/// Write the diagnostics of `reports` in `format` to `out`.
pub fn render(
    format: Format,
    reports: &[FileReport],
    summary: &Summary,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(reports, opts, out),
        Format::Concise => concise::render(reports, out),
        Format::Json => json::render(reports, summary, out),
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
    format!(
        "Checked {} {files} ({} {policies}) in {} ms{skipped}: {found}",
        summary.files_checked, summary.policies, summary.elapsed_ms
    )
}

pub use json::SCHEMA_VERSION;
