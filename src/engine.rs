//! The pipeline for one file — read → parse → extract → model → rules → diagnostics — and the
//! parallel driver over many files.

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, FileReport, Label, Resolved, ResolvedLabel, Severity};
use crate::extract::{self, Document, SpanMap};
use crate::json::{self, Node, ParseError};
use crate::policy::{self, Policy, PolicyKind};
use crate::rules::{Ctx, Finding, Impl, Registry, Reporter, Scope};
use crate::source::{LineIndex, Span};
use rayon::prelude::*;
use std::path::Path;

/// Input of one check: a path on disk, or a text (stdin) with a display name.
pub enum Input<'a> {
    File { path: &'a Path, explicit: bool },
    Text { name: &'a str, text: String },
}

/// Check many files in parallel. Output order is the input order, whatever the thread count.
pub fn check_files(paths: &[(std::path::PathBuf, bool)], registry: &Registry, settings: &Settings) -> Vec<FileReport> {
    paths
        .par_iter()
        .map(|(p, explicit)| check_guarded(Input::File { path: p, explicit: *explicit }, registry, settings))
        .collect()
}

/// Check one input, turning a panic into an internal-error report naming the file.
pub fn check_guarded(input: Input<'_>, registry: &Registry, settings: &Settings) -> FileReport {
    let name = match &input {
        Input::File { path, .. } => path.display().to_string(),
        Input::Text { name, .. } => (*name).to_string(),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(input, registry, settings))) {
        Ok(report) => report,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            FileReport {
                path: name.clone(),
                errors: vec![format!("{name}: internal error: {what} (please report this)")],
                ..Default::default()
            }
        }
    }
}

fn check(input: Input<'_>, registry: &Registry, settings: &Settings) -> FileReport {
    let (display, path_for_settings, explicit, bytes) = match input {
        Input::File { path, explicit } => {
            let display = path.display().to_string();
            match std::fs::metadata(path) {
                Ok(m) if m.len() > settings.max_file_size => {
                    let mut run = FileRun::new(&display, path, "", registry, settings);
                    run.too_large(m.len());
                    return run.finish("");
                }
                Ok(_) => {}
                Err(e) => return io_failure(&display, &e),
            }
            match std::fs::read(path) {
                Ok(b) => (display, path.to_path_buf(), explicit, b),
                Err(e) => return io_failure(&display, &e),
            }
        }
        Input::Text { name, text } => (name.to_string(), std::path::PathBuf::from(name), true, text.into_bytes()),
    };
    let path = path_for_settings.as_path();
    if bytes.len() as u64 > settings.max_file_size {
        let mut run = FileRun::new(&display, path, "", registry, settings);
        run.too_large(bytes.len() as u64);
        return run.finish("");
    }

    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let lossy = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            if !explicit && !extract::may_hold_policy(&lossy) {
                return FileReport { path: display, skipped: true, ..Default::default() };
            }
            let at = e.valid_up_to();
            let mut run = FileRun::new(&display, path, &lossy, registry, settings);
            let error = ParseError {
                message: format!("the file is not valid UTF-8 (byte 0x{:02X}); policies must be UTF-8 text", bytes[at]),
                span: Span::empty(at),
            };
            run.file_rules(&[], Some(&error));
            return run.finish(&lossy);
        }
    };

    if !explicit && !extract::may_hold_policy(text) {
        return FileReport { path: display, skipped: true, ..Default::default() };
    }

    let parsed = json::parse(text);
    let mut run = FileRun::new(&display, path, text, registry, settings);
    let documents = parsed.root.as_ref().map(extract::documents).unwrap_or_default();
    if parsed.error.is_none() && documents.is_empty() {
        if let Some(root) = parsed.root.as_ref().filter(|r| extract::is_statement_fragment(r)) {
            run.file_rules(&parsed.lenience, None);
            run.engine_finding(
                "statement-without-policy",
                Span::new(root.span.start as usize, root.span.start as usize + 1),
                "this file holds policy statements without the policy around them: IAM and KMS reject it".into(),
                Some("wrap it: `{\"Version\": \"2012-10-17\", \"Statement\": [ ...this statement... ]}`".into()),
            );
            return run.finish(text);
        }
        if !explicit {
            return FileReport { path: display, skipped: true, ..Default::default() };
        }
        let span = parsed
            .root
            .as_ref()
            .map_or(Span::empty(0), |r| Span::new(r.span.start as usize, r.span.start as usize + 1));
        run.engine_finding(
            "no-policy-found",
            span,
            "no IAM or KMS policy found in this file; it was not checked".into(),
            Some("a policy is a JSON object with a `Statement` element".into()),
        );
        return run.finish(text);
    }
    run.file_rules(&parsed.lenience, parsed.error.as_ref());
    for doc in &documents {
        run.policy_rules(doc);
    }
    run.finish(text)
}

fn io_failure(display: &str, e: &std::io::Error) -> FileReport {
    FileReport { path: display.to_string(), errors: vec![format!("{display}: {e}")], ..Default::default() }
}

/// The state of checking one file.
struct FileRun<'a> {
    display: &'a str,
    path: &'a Path,
    text: &'a str,
    registry: &'a Registry,
    settings: &'a Settings,
    diagnostics: Vec<Diagnostic>,
    policies: usize,
}

impl<'a> FileRun<'a> {
    fn new(display: &'a str, path: &'a Path, text: &'a str, registry: &'a Registry, settings: &'a Settings) -> Self {
        Self { display, path, text, registry, settings, diagnostics: Vec::new(), policies: 0 }
    }

    fn enabled(&self, index: usize) -> bool {
        self.settings.enabled[index] && !self.settings.ignored_for(self.path, index)
    }

    fn too_large(&mut self, len: u64) {
        let mb = |n: u64| n as f64 / 1_048_576.0;
        self.engine_finding(
            "file-too-large",
            Span::empty(0),
            format!(
                "file is {:.1} MB, larger than the {:.1} MB limit; it was not checked",
                mb(len),
                mb(self.settings.max_file_size)
            ),
            Some("raise `[limits] max_file_size` in cmek-lint.toml if this file really holds policies".into()),
        );
    }

    /// Report a finding of a rule the engine itself detects (file too large, no policy).
    fn engine_finding(&mut self, name: &str, span: Span, message: String, help: Option<String>) {
        let Some(index) = self.registry.rules.iter().position(|r| r.record.name == name) else {
            return;
        };
        if !self.enabled(index) {
            return;
        }
        let finding = Finding { span, message, help, labels: Vec::new(), severity: None };
        self.push(index, finding, None, None, &SpanMap::Identity, None);
    }

    fn file_rules(&mut self, lenience: &[json::Lenience], error: Option<&ParseError>) {
        let ctx = Ctx {
            text: self.text,
            lenience,
            error,
            root: None,
            policy: None,
            kind: PolicyKind::Identity,
            kind_forced: false,
            settings: self.settings,
        };
        let mut out = Reporter::new();
        for (index, rule) in self.registry.rules.iter().enumerate() {
            if rule.record.scope != Scope::File || !self.enabled(index) {
                continue;
            }
            if let Impl::Native(f) = &rule.imp {
                f(&ctx, &mut out);
            }
            for finding in out.take() {
                self.push(index, finding, None, None, &SpanMap::Identity, None);
            }
        }
    }

    fn policy_rules(&mut self, doc: &Document<'_>) {
        self.policies += 1;
        let policy = Policy::new(doc.root);
        let forced = self.settings.kind_for(self.path).or(doc.kind);
        let kind = forced.unwrap_or_else(|| policy::classify(&policy));
        let ctx = Ctx {
            text: self.text,
            lenience: &[],
            error: None,
            root: Some(doc.root),
            policy: Some(&policy),
            kind,
            kind_forced: forced.is_some(),
            settings: self.settings,
        };
        let mut json_value: Option<serde_json::Value> = None;
        let mut out = Reporter::new();
        for (index, rule) in self.registry.rules.iter().enumerate() {
            if rule.record.scope != Scope::Policy || !rule.record.applies_to(kind) || !self.enabled(index) {
                continue;
            }
            match &rule.imp {
                Impl::Native(f) => f(&ctx, &mut out),
                Impl::Declarative(c) => {
                    let v = json_value.get_or_insert_with(|| doc.root.to_json());
                    c.run(&ctx, v, &mut out);
                }
            }
            for finding in out.take() {
                self.push(index, finding, Some(kind), Some(doc.root), &doc.map, doc.origin.clone());
            }
        }
    }

    fn push(
        &mut self,
        index: usize,
        finding: Finding,
        kind: Option<PolicyKind>,
        root: Option<&Node>,
        map: &SpanMap,
        origin: Option<String>,
    ) {
        let record = self.registry.rules[index].record;
        let severity = self.settings.severity[index].or(finding.severity).unwrap_or(record.severity);
        let pointer = root.map(|r| r.pointer_to(finding.span)).unwrap_or_default();
        self.diagnostics.push(Diagnostic {
            code: record.code,
            name: record.name,
            severity,
            message: finding.message,
            span: map.map(finding.span),
            labels: finding.labels.into_iter().map(|l| Label { span: map.map(l.span), message: l.message }).collect(),
            help: finding.help,
            kind,
            pointer,
            origin,
        });
    }

    fn finish(mut self, text: &str) -> FileReport {
        // Suppressions (`[[suppress]]` entries, `# cmek-lint: ignore[...]` comments in YAML/HCL)
        // need the file's text; a no-op for JSON files when the config has no entries.
        crate::suppress::apply(self.path, text, &mut self.diagnostics, self.settings);
        self.diagnostics.sort_by(|a, b| (a.span.start, a.code, a.span.end).cmp(&(b.span.start, b.code, b.span.end)));
        self.diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
        let index = LineIndex::new(text);
        let diagnostics = self.diagnostics.into_iter().map(|d| resolve(d, &index)).collect();
        FileReport { path: self.display.to_string(), diagnostics, policies: self.policies, ..Default::default() }
    }
}

/// Resolve positions and capture the lines a snippet needs.
pub fn resolve(diagnostic: Diagnostic, index: &LineIndex<'_>) -> Resolved {
    let start = index.line_col(diagnostic.span.start as usize);
    let end = index.line_col(diagnostic.span.end as usize);
    let labels: Vec<ResolvedLabel> = diagnostic
        .labels
        .iter()
        .map(|l| ResolvedLabel {
            start: index.line_col(l.span.start as usize),
            end: index.line_col(l.span.end as usize),
            message: l.message.clone(),
        })
        .collect();
    let mut wanted: Vec<u32> = vec![start.line];
    if end.line != start.line {
        wanted.push(end.line);
    }
    wanted.extend(labels.iter().map(|l| l.start.line));
    wanted.sort_unstable();
    wanted.dedup();
    let lines = wanted.into_iter().map(|l| (l, index.line_text(l).to_string())).collect();
    Resolved { diagnostic, start, end, labels, lines }
}

/// Highest severity in a set of reports, if any.
pub fn max_severity(reports: &[FileReport]) -> Option<Severity> {
    reports.iter().flat_map(|r| r.diagnostics.iter().map(|d| d.diagnostic.severity)).max()
}
