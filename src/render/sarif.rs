//! SARIF 2.1.0 (`--format sarif`), as GitHub code scanning and other SARIF viewers read it.
//!
//! One `reportingDescriptor` per rule of the run (built-in and user rules) with its docs;
//! results with 1-based regions in Unicode code points (`columnKind`), related locations for
//! labels, and `partialFingerprints` that do not depend on line numbers (see
//! `crate::baseline`). File-level problems and notices go to the invocation's
//! `toolExecutionNotifications`.

use super::{Notice, Run};
use crate::baseline::{FINGERPRINT_KEY, fingerprints};
use crate::diagnostic::{Resolved, Severity};
use crate::engine::FileReport;
use crate::source::LineCol;
use serde_json::{Value, json};
use std::io::{self, Write};

pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF result level.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's numeric `security-severity` (critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::Error => "7.5",
        Severity::Warning => "4.0",
        Severity::Info => "1.0",
    }
}

/// GitHub's `problem.severity`.
fn problem_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "recommendation",
    }
}

/// A path as a SARIF URI reference: relative paths stay relative (GitHub resolves them against
/// the repository root) with `/` separators; absolute paths become `file://` URIs. Characters
/// outside RFC 3986's unreserved set are percent-encoded.
pub fn uri_for(path: &str) -> String {
    uri_for_bytes(path.as_bytes())
}

/// A path's bytes as a SARIF URI reference (see `uri_for`): bytes that are not UTF-8 (a
/// Latin-1 file name on Linux) are percent-encoded as they are, not replaced by U+FFFD, so the
/// URI still names the file.
fn uri_for_bytes(path: &[u8]) -> String {
    let p: Vec<u8> = path.iter().map(|&b| if b == b'\\' { b'/' } else { b }).collect();
    let p = p.strip_prefix(b"./").unwrap_or(&p);
    let mut out = String::new();
    if p.starts_with(b"/") {
        out.push_str("file://");
    }
    for &b in p {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a file's findings are: its URI, from the path's own bytes where the OS gave them.
/// Standard input not named by `--stdin-filename` has no URI (`<stdin>` would be taken for a
/// file of that name): a description says what it was.
fn artifact_location(report: &FileReport) -> Value {
    if report.is_unnamed_stdin() {
        return json!({ "description": { "text": "standard input (name it with --stdin-filename)" } });
    }
    let uri = match &report.fs_path {
        Some(path) => uri_for_path(path),
        None => uri_for(&report.path),
    };
    json!({ "uri": uri })
}

#[cfg(unix)]
fn uri_for_path(path: &std::path::Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    uri_for_bytes(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn uri_for_path(path: &std::path::Path) -> String {
    uri_for(&path.to_string_lossy())
}

/// A region, clamped so no line or column is ever below 1 and the end never precedes the start.
fn region(start: LineCol, end: LineCol) -> Value {
    let start_line = start.line.max(1);
    let start_col = start.column.max(1);
    let end_line = end.line.max(start_line);
    let end_col = if end_line == start_line { end.column.max(start_col) } else { end.column.max(1) };
    json!({ "startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col })
}

fn location(artifact: &Value, start: LineCol, end: LineCol) -> Value {
    json!({ "physicalLocation": { "artifactLocation": artifact, "region": region(start, end) } })
}

fn primary_location(artifact: &Value, d: &Resolved) -> Value {
    let mut loc = location(artifact, d.start, d.end);
    if d.start.line == d.end.line
        && let Some(line) = d.lines.iter().find(|l| l.number == d.start.line)
    {
        let text = line.slice(d.start.column, d.end.column);
        let phys = &mut loc["physicalLocation"];
        if !text.is_empty() {
            phys["region"]["snippet"] = json!({ "text": text });
        }
        phys["contextRegion"] = json!({
            "startLine": d.start.line.max(1),
            "endLine": d.start.line.max(1),
            "snippet": { "text": line.text },
        });
        if line.is_cut() {
            // A window of a long line: the context region is the part kept.
            let width = line.text.chars().count() as u32;
            phys["contextRegion"]["startColumn"] = json!(line.first_column);
            phys["contextRegion"]["endColumn"] = json!(line.first_column + width);
        }
    }
    loc
}

/// A fix as SARIF's `fix`: its edits as replacements of byte regions of the file.
fn fix(artifact: &Value, f: &crate::fix::Fix) -> Value {
    let replacements: Vec<Value> = f
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": { "byteOffset": e.range.start, "byteLength": e.range.end - e.range.start },
                "insertedContent": { "text": e.replacement },
            })
        })
        .collect();
    json!({
        "description": { "text": f.message },
        "artifactChanges": [{ "artifactLocation": artifact, "replacements": replacements }],
        "properties": { "applicability": f.applicability.as_str() },
    })
}

fn notification(n: &Notice) -> Value {
    let mut v = json!({ "level": level(n.severity), "message": { "text": n.message } });
    if let Some(file) = &n.file {
        let mut loc = json!({ "physicalLocation": { "artifactLocation": { "uri": uri_for(file) } } });
        if n.line > 0 {
            let lc = LineCol { line: n.line as u32, column: n.column.max(1) as u32 };
            loc["physicalLocation"]["region"] = json!({ "startLine": lc.line, "startColumn": lc.column });
        }
        v["locations"] = json!([loc]);
    }
    v
}

pub fn render(run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut rules = Vec::new();
    for (i, rule) in run.registry.rules.iter().enumerate() {
        let r = rule.record;
        let severity = run.rule_severity.get(i).copied().unwrap_or(r.severity);
        let mut tags = vec!["security".to_string(), r.family().to_string()];
        for kind in r.kinds.iter().map(|k| format!("{}-policy", k.as_str())) {
            if !tags.contains(&kind) {
                tags.push(kind);
            }
        }
        rules.push(json!({
            "id": r.code,
            "name": r.name,
            "shortDescription": { "text": r.summary },
            "fullDescription": { "text": r.why },
            "help": {
                "text": format!("{}\n\nWhy it matters: {}\n\nHow to fix: {}", r.summary, r.why, r.fix),
                "markdown": super::rule_docs::markdown(r),
            },
            "defaultConfiguration": { "level": level(severity) },
            "properties": {
                "tags": tags,
                "precision": "very-high",
                "problem.severity": problem_severity(severity),
                "security-severity": security_severity(severity),
            },
        }));
    }
    let index_of = |code: &str| run.registry.rules.iter().position(|r| r.record.code == code);

    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for report in run.reports {
        for e in &report.errors {
            notifications.push(json!({ "level": "error", "message": { "text": e } }));
        }
        if report.diagnostics.is_empty() {
            continue;
        }
        let artifact = artifact_location(report);
        for (d, fp) in report.diagnostics.iter().zip(fingerprints(report)) {
            let g = &d.diagnostic;
            let text = match &g.help {
                Some(h) => format!("{}\nhelp: {h}", g.message),
                None => g.message.clone(),
            };
            let mut result = json!({ "ruleId": g.code });
            if let Some(i) = index_of(g.code) {
                result["ruleIndex"] = json!(i);
            }
            let rest = json!({
                "level": level(g.severity),
                "message": { "text": text },
                "locations": [primary_location(&artifact, d)],
                "partialFingerprints": { FINGERPRINT_KEY: fp },
                "properties": { "severity": g.severity.as_str(), "pointer": g.pointer },
            });
            if let (Value::Object(r), Value::Object(more)) = (&mut result, rest) {
                r.extend(more);
            }
            if let Some(k) = g.kind {
                result["properties"]["policyKind"] = json!(k.as_str());
            }
            if let Some(o) = &g.origin {
                result["properties"]["origin"] = json!(o);
            }
            if let Some(f) = g.fix.as_ref().filter(|f| !f.edits.is_empty()) {
                result["fixes"] = json!([fix(&artifact, f)]);
            }
            if !d.labels.is_empty() {
                let related: Vec<Value> = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let mut loc = location(&artifact, l.start, l.end);
                        loc["id"] = json!(i + 1);
                        loc["message"] = json!({ "text": l.message });
                        loc
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            results.push(result);
        }
    }
    notifications.extend(run.notices.iter().map(notification));
    let errors = run.reports.iter().any(|r| !r.errors.is_empty());
    let mut invocation = json!({ "executionSuccessful": !errors });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cmek-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri_for("./infra/trust policy.json"), "infra/trust%20policy.json");
        assert_eq!(uri_for("infra\\trust.json"), "infra/trust.json");
        assert_eq!(uri_for("/tmp/a#b.json"), "file:///tmp/a%23b.json");
        assert_eq!(uri_for("é.json"), "%C3%A9.json");
        assert_eq!(uri_for_bytes(b"caf\xe9.json"), "caf%E9.json");
    }

    #[test]
    fn regions_never_start_below_one() {
        let r = region(LineCol { line: 0, column: 0 }, LineCol { line: 0, column: 0 });
        assert_eq!(r, json!({ "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1 }));
        let r = region(LineCol { line: 3, column: 5 }, LineCol { line: 4, column: 1 });
        assert_eq!(r["endColumn"], 1);
    }
}
