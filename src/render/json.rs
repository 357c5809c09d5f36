//! The versioned JSON output (`--format json`). The schema is documented in the README; bump
//! [`SCHEMA_VERSION`] on any incompatible change.

use super::{Notice, Summary};
use crate::engine::FileReport;
use serde::Serialize;
use std::io::{self, Write};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    diagnostics: Vec<Entry<'a>>,
    errors: Vec<&'a str>,
    /// Added in 0.1 within version 1: messages about the run (expired or unused suppressions).
    notices: &'a [Notice],
    summary: &'a Summary,
    /// The CMEK setups the setup pass paired (additive to schema version 1).
    setups: &'a [serde_json::Value],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Entry<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    offset: u32,
    length: u32,
    pointer: &'a str,
    kind: Option<&'a str>,
    origin: Option<&'a str>,
    labels: Vec<LabelOut<'a>>,
    /// How to fix it (`check --fix`), if the rule knows (additive to schema version 1).
    fix: Option<FixOut<'a>>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    /// `safe`, `unsafe` or `display-only`.
    applicability: &'static str,
    message: &'a str,
    /// Byte ranges of the file and their replacements (none for a suggestion).
    edits: Vec<EditOut<'a>>,
}

#[derive(Serialize)]
struct EditOut<'a> {
    offset: u32,
    length: u32,
    replacement: &'a str,
}

#[derive(Serialize)]
struct LabelOut<'a> {
    message: &'a str,
    /// Set when the label points into another file than the diagnostic (cross-document rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    offset: u32,
    length: u32,
}

pub fn render(reports: &[FileReport], summary: &Summary, notices: &[Notice], out: &mut dyn Write) -> io::Result<()> {
    let mut diagnostics = Vec::new();
    for r in reports {
        for d in &r.diagnostics {
            let g = &d.diagnostic;
            diagnostics.push(Entry {
                code: g.code,
                name: g.name,
                severity: g.severity.as_str(),
                message: &g.message,
                help: g.help.as_deref(),
                file: &r.path,
                line: d.start.line,
                column: d.start.column,
                end_line: d.end.line,
                end_column: d.end.column,
                offset: g.span.start,
                length: g.span.end - g.span.start,
                pointer: &g.pointer,
                kind: g.kind.map(|k| k.as_str()),
                origin: g.origin.as_deref(),
                labels: g
                    .labels
                    .iter()
                    .zip(&d.labels)
                    .map(|(l, rl)| LabelOut {
                        message: &l.message,
                        file: rl.file.as_deref(),
                        line: rl.start.line,
                        column: rl.start.column,
                        end_line: rl.end.line,
                        end_column: rl.end.column,
                        offset: l.span.start,
                        length: l.span.end - l.span.start,
                    })
                    .collect(),
                fix: g.fix.as_ref().map(|f| FixOut {
                    applicability: f.applicability.as_str(),
                    message: &f.message,
                    edits: f
                        .edits
                        .iter()
                        .map(|e| EditOut {
                            offset: e.range.start,
                            length: e.range.end - e.range.start,
                            replacement: &e.replacement,
                        })
                        .collect(),
                }),
            });
        }
    }
    let errors = reports.iter().flat_map(|r| r.errors.iter().map(String::as_str)).collect();
    let output = Output {
        version: SCHEMA_VERSION,
        tool: Tool { name: "cmek-lint", version: env!("CARGO_PKG_VERSION") },
        diagnostics,
        errors,
        notices,
        summary,
        setups: &summary.setups,
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
