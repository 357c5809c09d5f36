//! Finding fingerprints and the baseline file.
//!
//! A fingerprint identifies a finding across unrelated edits of its file: it hashes the rule
//! code, the policy's origin in the file, the JSON pointer of the node and the node's source
//! text with all whitespace removed — never a line or column. Adding lines above a finding,
//! re-indenting the file or editing another statement leaves it unchanged; changing the flagged
//! value, or inserting a statement before it (which shifts `/Statement/N`), changes it. When
//! several findings of one file share a fingerprint, the second gets `:2` appended, and so on.
//!
//! `--write-baseline FILE` records the fingerprints of the current findings; `--baseline FILE`
//! reports only findings whose `(file, fingerprint)` is not recorded. The file is JSON, sorted
//! and pretty-printed one field per line so it diffs well:
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": "cmek-lint",
//!   "findings": [
//!     { "file": "infra/trust.json", "code": "CMK115", "fingerprint": "9c1d0b7a51e3f0d2",
//!       "pointer": "/Statement/0/Principal/AWS", "message": "..." }
//!   ]
//! }
//! ```
//!
//! `file` is relative to the folder of the baseline file, with `/` separators, so a baseline
//! works from any working directory and on any OS.

use crate::diagnostic::Notice;
use crate::diagnostic::Resolved;
use crate::engine::FileReport;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// The key SARIF `partialFingerprints` use for [`fingerprints`].
pub const FINGERPRINT_KEY: &str = "cmekLint/v1";

/// 64-bit FNV-1a: small, stable across platforms and releases (unlike `std`'s hasher).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The source text of a diagnostic's primary span, whitespace removed; empty when the span
/// covers several lines (then the pointer alone identifies the node).
pub fn normalized_value(d: &Resolved) -> String {
    if d.start.line != d.end.line {
        return String::new();
    }
    let Some(line) = d.lines.iter().find(|l| l.number == d.start.line) else {
        return String::new();
    };
    line.slice(d.start.column, d.end.column).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The fingerprint of every diagnostic of a report, in the report's order.
pub fn fingerprints(report: &FileReport) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let g = &d.diagnostic;
            let value = normalized_value(d);
            let h = fnv1a(&[g.code, g.origin.as_deref().unwrap_or(""), &g.pointer, &value]);
            let n = seen.entry(h).or_insert(0);
            *n += 1;
            if *n == 1 { format!("{h:016x}") } else { format!("{h:016x}:{n}") }
        })
        .collect()
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub file: String,
    pub code: String,
    pub fingerprint: String,
    /// For people reading the file; not used for matching.
    #[serde(default)]
    pub pointer: String,
    /// For people reading the file; not used for matching.
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    tool: String,
    findings: Vec<BaselineEntry>,
}

/// A report's path as the baseline records it: relative to `base` (the baseline's folder) when
/// inside it, with `/` separators.
fn baseline_path(report_path: &str, base: &Path, cwd: &Path) -> String {
    let abs = crate::suppress::absolute_in(cwd, Path::new(report_path));
    let rel = abs.strip_prefix(base).map(Path::to_path_buf).unwrap_or(abs);
    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

fn base_of(baseline: &Path) -> PathBuf {
    crate::suppress::absolute(baseline.parent().unwrap_or(Path::new("")))
}

/// Write the findings of `reports` to `path`; returns how many were written.
pub fn write(path: &Path, reports: &[FileReport]) -> Result<usize, String> {
    let base = base_of(path);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut findings = Vec::new();
    for r in reports {
        let file = baseline_path(&r.path, &base, &cwd);
        for (d, fp) in r.diagnostics.iter().zip(fingerprints(r)) {
            findings.push(BaselineEntry {
                file: file.clone(),
                code: d.diagnostic.code.to_string(),
                fingerprint: fp,
                pointer: d.diagnostic.pointer.clone(),
                message: d.diagnostic.message.clone(),
            });
        }
    }
    findings.sort();
    let n = findings.len();
    let doc = BaselineFile { version: BASELINE_VERSION, tool: "cmek-lint".into(), findings };
    let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    text.push('\n');
    write_atomic(path, |w| w.write_all(text.as_bytes()))
        .map_err(|e| format!("writing baseline {}: {e}", path.display()))?;
    Ok(n)
}

/// Write a file whole or not at all: into a temporary file of the same folder, renamed over
/// `path` once complete, so an interrupted run never leaves half a report or baseline. A path
/// that exists and is no regular file (`/dev/stdout`, a named pipe) is written to directly.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    // Not a file to replace (`/dev/stdout`, a named pipe): written to as it is.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let mut w = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        fill(&mut w)?;
        return w.flush();
    }
    // A symbolic link is written through (its target replaced), as `File::create` would.
    let resolved;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = std::fs::canonicalize(path)?;
        resolved.as_path()
    } else {
        path
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut n = 0u32;
    let (tmp, file) = loop {
        let tmp = dir.join(format!(".{name}.cmek-lint-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let written = (|| {
        let mut w = std::io::BufWriter::new(file);
        fill(&mut w)?;
        w.flush()?;
        w.get_ref().sync_all()?;
        drop(w);
        // A replaced file keeps its permissions (a policy fixed by `check --fix`).
        if let Ok(m) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, m.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A loaded baseline.
pub struct Baseline {
    path: PathBuf,
    base: PathBuf,
    keys: BTreeSet<(String, String)>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("reading baseline {}: {e}", path.display()))?;
        let doc: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("{}:{}:{}: invalid baseline: {e}", path.display(), e.line(), e.column()))?;
        if doc.version != BASELINE_VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {BASELINE_VERSION}); rewrite it with --write-baseline",
                path.display(),
                doc.version
            ));
        }
        let keys = doc.findings.into_iter().map(|e| (e.file, e.fingerprint)).collect();
        Ok(Baseline { path: path.to_path_buf(), base: base_of(path), keys })
    }

    /// For each finding of `report`, whether the baseline records it.
    pub fn recorded(&self, report: &FileReport) -> Vec<bool> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let file = baseline_path(&report.path, &self.base, &cwd);
        fingerprints(report).into_iter().map(|fp| self.keys.contains(&(file.clone(), fp))).collect()
    }

    /// Remove the findings the baseline records from `reports`; returns how many were removed
    /// and a notice when recorded findings of the checked files are gone (fixed), so the
    /// baseline can be pruned.
    pub fn filter(&self, reports: &mut [FileReport]) -> (usize, Option<Notice>) {
        let mut removed = 0;
        let mut checked_files = BTreeSet::new();
        let mut hit: BTreeSet<(String, String)> = BTreeSet::new();
        let cwd = std::env::current_dir().unwrap_or_default();
        for r in reports.iter_mut() {
            let file = baseline_path(&r.path, &self.base, &cwd);
            let fps = fingerprints(r);
            let mut keep = fps.iter().map(|fp| {
                let key = (file.clone(), fp.clone());
                let known = self.keys.contains(&key);
                if known {
                    hit.insert(key);
                }
                !known
            });
            let before = r.diagnostics.len();
            r.diagnostics.retain(|_| keep.next().unwrap_or(true));
            removed += before - r.diagnostics.len();
            checked_files.insert(file);
        }
        let gone = self.keys.iter().filter(|k| checked_files.contains(&k.0) && !hit.contains(*k)).count();
        let notice = (gone > 0).then(|| {
            Notice::general(
                crate::diagnostic::Severity::Info,
                format!(
                    "{gone} finding{} recorded in baseline {} no longer occur{}; rewrite it with --write-baseline to prune",
                    if gone == 1 { "" } else { "s" },
                    self.path.display(),
                    if gone == 1 { "s" } else { "" }
                ),
            )
        });
        (removed, notice)
    }
}
