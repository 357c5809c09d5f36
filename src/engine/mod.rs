//! The pipeline for one file — read → parse → extract → model → rules → diagnostics. The
//! driver over many files is `crate::driver`.

use crate::settings::Settings;
mod report;
mod setup_pass;

pub use report::FileReport;
pub use setup_pass::{cross_enabled, setup_pass};

use crate::diagnostic::{Diagnostic, Label, Resolved, ResolvedLabel, Severity};
use crate::extract::{self, Document, Extraction, Followed, SpanMap, Subject, cfn, hcl, yaml};
use crate::json::{self, Node, ParseError};
use crate::policy::{self, Policy, PolicyKind};
use crate::rules::{Finding, Implementation, Registry, Reporter, RuleContext, Scope};
use crate::source::{LineIndex, Span};
use std::path::Path;

/// Input of one check: a path on disk, or a text (stdin) with a display name.
pub enum Input<'a> {
    File { path: &'a Path, explicit: bool },
    Text { name: &'a str, text: String },
}

/// Check one input, turning a panic into an internal-error report naming the file. Files the
/// input refers to (Terraform `file()`) are not included: see [`check_with_referenced`].
pub fn check_input(input: Input<'_>, registry: &Registry, settings: &Settings) -> FileReport {
    check_alone(input, registry, settings, false).0
}

/// [`check_input`], with the input's setups described when `describe` (`setups` of
/// `--format json`): one input is a setup pass of its own.
pub fn check_alone(
    input: Input<'_>,
    registry: &Registry,
    settings: &Settings,
    describe: bool,
) -> (FileReport, Vec<crate::setup::Described>) {
    let mut report =
        check_with_referenced(input, registry, settings).into_iter().next().map(|(r, _)| r).unwrap_or_default();
    let cross = cross_enabled(registry, settings);
    let mut setups = Vec::new();
    if cross || describe {
        setups = setup_pass(&mut [&mut report], registry, settings, describe, cross);
    }
    (report, setups)
}

/// Check one input and the files it refers to. Each report comes with `true` when it is a
/// referred-to file.
pub fn check_with_referenced(input: Input<'_>, registry: &Registry, settings: &Settings) -> Vec<(FileReport, bool)> {
    let name = match &input {
        Input::File { path, .. } => path.display().to_string(),
        Input::Text { name, .. } => (*name).to_string(),
    };
    let (report, followed) = guarded(&name, || check_file(input, registry, settings, None));
    let mut out = vec![(report, false)];
    // A file read twice the same way is checked once; read by two resources (a policy file
    // attached to two roles), once for each, so each gets the facts of its attachment.
    let mut seen: Vec<(&std::path::Path, Option<PolicyKind>, Option<&extract::Resource>)> = Vec::new();
    // Only a file that reads others needs its folder (the setup of what it reads).
    let scope = if followed.is_empty() { String::new() } else { crate::source::scope_of(&name) };
    for f in &followed {
        let key = (f.path.as_path(), f.kind, f.resource.as_deref());
        if seen.contains(&key) || !f.path.is_file() {
            continue;
        }
        seen.push(key);
        let shown = f.path.display().to_string();
        let context =
            Context { kind: f.kind, origin: f.origin.clone(), scope: scope.clone(), resource: f.resource.clone() };
        let (report, _) = guarded(&shown, || {
            check_file(Input::File { path: &f.path, explicit: true }, registry, settings, Some(&context))
        });
        out.push((report, true));
    }
    out
}

fn guarded(name: &str, f: impl FnOnce() -> (FileReport, Vec<Followed>)) -> (FileReport, Vec<Followed>) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let report = FileReport {
                path: name.to_string(),
                errors: vec![format!("{name}: internal error: {what} (please report this)")],
                ..Default::default()
            };
            (report, Vec::new())
        }
    }
}

/// The context a referred-to file is checked in.
struct Context {
    kind: Option<PolicyKind>,
    origin: String,
    /// The folder of the file referring to it: the setup its facts belong to.
    scope: String,
    /// What the resource referring to it says about itself.
    resource: Option<Box<extract::Resource>>,
}

/// The syntax of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
    Hcl,
}

/// Tell a file's syntax from its name, then its first characters: JSON (the fast path: any
/// text starting with `{` or `[`), YAML (CloudFormation), or HCL (Terraform).
pub fn detect_syntax(name: &str, text: &str) -> Syntax {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf") {
        return Syntax::Hcl;
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return Syntax::Yaml;
    }
    let first = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']).bytes().next();
    match first {
        None | Some(b'{' | b'[' | b'/' | b'"') => Syntax::Json,
        _ if looks_like_terraform(text) => Syntax::Hcl,
        _ if text.contains("AWSTemplateFormatVersion") || text.lines().any(|l| l.starts_with("Resources:")) => {
            Syntax::Yaml
        }
        _ => Syntax::Json,
    }
}

fn looks_like_terraform(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        ["resource \"", "data \"", "module \"", "provider \"", "variable \"", "output \"", "locals {", "terraform {"]
            .iter()
            .any(|p| l.starts_with(p))
    })
}

fn check_file(
    input: Input<'_>,
    registry: &Registry,
    settings: &Settings,
    context: Option<&Context>,
) -> (FileReport, Vec<Followed>) {
    let on_disk = matches!(input, Input::File { .. });
    let (display, path_for_settings, explicit, bytes) = match input {
        Input::File { path, explicit } => {
            let display = path.display().to_string();
            match std::fs::metadata(path) {
                Ok(m) if m.len() > settings.max_file_size => {
                    let mut run = FileRun::new(&display, path, "", registry, settings);
                    run.too_large(m.len());
                    return (run.finish(""), Vec::new());
                }
                Ok(m) if !m.is_file() => {
                    // A FIFO, socket or device would block or never end; never read one.
                    let e = std::io::Error::other("not a regular file; not read");
                    return (io_failure(&display, &e), Vec::new());
                }
                Ok(_) => {}
                Err(e) => return (io_failure(&display, &e), Vec::new()),
            }
            match std::fs::read(path) {
                Ok(b) => (display, path.to_path_buf(), explicit, b),
                Err(e) => return (io_failure(&display, &e), Vec::new()),
            }
        }
        Input::Text { name, text } => (name.to_string(), std::path::PathBuf::from(name), true, text.into_bytes()),
    };
    let path = path_for_settings.as_path();
    if bytes.len() as u64 > settings.max_file_size {
        let mut run = FileRun::new(&display, path, "", registry, settings);
        run.too_large(bytes.len() as u64);
        return (run.finish(""), Vec::new());
    }

    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let lossy = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            if !explicit && !extract::may_hold_policy(&lossy) {
                return (FileReport { path: display, skipped: true, ..Default::default() }, Vec::new());
            }
            let at = e.valid_up_to();
            let mut run = FileRun::new(&display, path, &lossy, registry, settings);
            let error = ParseError {
                message: format!("the file is not valid UTF-8 (byte 0x{:02X}); policies must be UTF-8 text", bytes[at]),
                span: Span::empty(at),
            };
            run.file_rules(&[], Some(&error), &SpanMap::Identity);
            return (run.finish(&lossy), Vec::new());
        }
    };

    // A referred-to file is a policy, whatever its name.
    let syntax = if context.is_some() { Syntax::Json } else { detect_syntax(&display, text) };
    let skip = || (FileReport { path: display.clone(), skipped: true, ..Default::default() }, Vec::new());
    let may_hold = match syntax {
        Syntax::Json => extract::may_hold_policy(text),
        Syntax::Yaml => extract::may_hold_cfn(text),
        Syntax::Hcl => extract::may_hold_terraform(text),
    };
    if !explicit && !may_hold {
        return skip();
    }
    let mut run = FileRun::new(&display, path, text, registry, settings);
    run.origin = context.map(|c| c.origin.clone());
    run.scope = context.map(|c| c.scope.as_str());
    run.on_disk = on_disk;
    match syntax {
        Syntax::Json => {}
        Syntax::Yaml => {
            let root = match yaml::parse(text) {
                Ok(root) => root,
                Err(e) => {
                    run.engine_finding(
                        "invalid-yaml",
                        e.span,
                        format!("invalid YAML: {}", e.message),
                        Some("fix the YAML syntax at this position; the template was not checked".into()),
                        None,
                    );
                    return (run.finish(text), Vec::new());
                }
            };
            let mut found = Extraction::default();
            if let Some(root) = root.as_ref().filter(|r| cfn::is_template(r)) {
                cfn::extract(root, &mut found);
            }
            if found.is_empty() {
                if !explicit {
                    return skip();
                }
                run.no_policy(
                    root.as_ref().map_or(0, |r| r.span.start as usize),
                    "cmek-lint reads the AWS::IAM::* and AWS::KMS::Key resources of CloudFormation templates",
                );
                return (run.finish(text), Vec::new());
            }
            run.extraction(&found);
            return (run.finish(text), Vec::new());
        }
        Syntax::Hcl => {
            let found = match hcl::extract(text, path) {
                Ok(found) => found,
                Err(e) => {
                    run.engine_finding(
                        "invalid-hcl",
                        e.span,
                        format!("invalid Terraform (HCL): {}", e.message),
                        Some("fix the syntax at this position (`terraform validate` shows the same); the file was not checked".into()),
                        None,
                    );
                    return (run.finish(text), Vec::new());
                }
            };
            if found.is_empty() {
                if !explicit {
                    return skip();
                }
                run.no_policy(
                    0,
                    "cmek-lint reads aws_iam_* and aws_kms_* resources and aws_iam_policy_document data sources",
                );
                return (run.finish(text), Vec::new());
            }
            run.extraction(&found);
            let followed = found.followed;
            return (run.finish(text), followed);
        }
    }

    let parsed = json::parse(text);
    let mut found = parsed.root.as_ref().map(|r| extract::documents(r, text)).unwrap_or_default();
    if let Some(ctx) = context {
        for doc in found.documents.iter_mut().filter(|d| d.origin.is_none()) {
            doc.kind = doc.kind.or(ctx.kind);
            doc.origin = Some(ctx.origin.clone());
            if doc.resource.is_none() {
                doc.resource.clone_from(&ctx.resource);
            }
        }
    }
    if parsed.error.is_none() && found.is_empty() {
        if let Some(root) = parsed.root.as_ref().filter(|r| extract::is_statement_fragment(r)) {
            run.file_rules(&parsed.lenience, None, &SpanMap::Identity);
            run.engine_finding(
                "statement-without-policy",
                Span::new(root.span.start as usize, root.span.start as usize + 1),
                "this file holds policy statements without the policy around them: IAM and KMS reject it".into(),
                Some("wrap it: `{\"Version\": \"2012-10-17\", \"Statement\": [ ...this statement... ]}`".into()),
                None,
            );
            return (run.finish(text), Vec::new());
        }
        if !explicit {
            return skip();
        }
        run.no_policy(
            parsed.root.as_ref().map_or(0, |r| r.span.start as usize),
            "a policy is a JSON object with a `Statement` element",
        );
        return (run.finish(text), Vec::new());
    }
    run.file_rules(&parsed.lenience, parsed.error.as_ref(), &SpanMap::Identity);
    run.extraction(&found);
    (run.finish(text), Vec::new())
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
    /// Origin of file-level findings (a referred-to file: the resource that refers to it).
    origin: Option<String>,
    /// Setup facts of the documents (see `crate::setup`).
    facts: Vec<crate::setup::Fact>,
    line_index: Option<LineIndex<'a>>,
    /// The file as the setup facts name it (built for the first fact).
    site: Option<crate::source::Site>,
    /// The text was read from `path` (not standard input or a test's text).
    on_disk: bool,
    /// The folder of the setup the facts belong to, when not the file's own (see `Context`).
    scope: Option<&'a str>,
}

impl<'a> FileRun<'a> {
    fn new(display: &'a str, path: &'a Path, text: &'a str, registry: &'a Registry, settings: &'a Settings) -> Self {
        Self {
            display,
            path,
            text,
            registry,
            settings,
            diagnostics: Vec::new(),
            policies: 0,
            origin: None,
            facts: Vec::new(),
            line_index: None,
            site: None,
            on_disk: false,
            scope: None,
        }
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
            None,
        );
    }

    /// Report a finding of a rule the engine itself detects (file too large, no policy).
    fn engine_finding(
        &mut self,
        name: &str,
        span: Span,
        message: String,
        help: Option<String>,
        origin: Option<String>,
    ) {
        let Some(index) = self.registry.rules.iter().position(|r| r.record.name == name) else {
            return;
        };
        if !self.enabled(index) {
            return;
        }
        let finding = Finding { span, message, help, labels: Vec::new(), severity: None };
        self.push(index, finding, None, None, &SpanMap::Identity, origin);
    }

    fn no_policy(&mut self, at: usize, help: &str) {
        let end = self.text[at.min(self.text.len())..].chars().next().map_or(at, |c| at + c.len_utf8());
        self.engine_finding(
            "no-policy-found",
            Span::new(at, end),
            "no IAM or KMS policy found in this file; it was not checked".into(),
            Some(help.into()),
            None,
        );
    }

    /// Check everything an extraction found.
    fn extraction(&mut self, found: &Extraction<'_>) {
        for e in &found.embedded {
            let saved = std::mem::replace(&mut self.origin, e.origin.clone());
            self.file_rules(&e.lenience, e.error.as_ref(), &e.map);
            self.origin = saved;
        }
        for n in &found.notes {
            self.engine_finding(n.rule, n.span, n.message.clone(), n.help.clone(), n.origin.clone());
        }
        for doc in &found.documents {
            match doc.subject {
                Subject::Policy => self.policy_rules(doc),
                Subject::KeyMetadata => self.key_rules(doc),
            }
        }
    }

    fn key_rules(&mut self, doc: &Document<'_>) {
        self.collect_facts(doc, PolicyKind::Key);
        let root = doc.root.node();
        let ctx = RuleContext {
            text: self.text,
            lenience: &[],
            error: None,
            root: Some(root),
            policy: None,
            kind: PolicyKind::Key,
            kind_forced: true,
            settings: self.settings,
        };
        let mut out = Reporter::new();
        for (index, rule) in self.registry.rules.iter().enumerate() {
            if rule.record.scope != Scope::Key || !self.enabled(index) {
                continue;
            }
            if let Implementation::Native(f) = &rule.imp {
                f(&ctx, &mut out);
            }
            for finding in out.take() {
                self.push(index, finding, None, None, &doc.map, doc.origin.clone());
            }
        }
    }

    /// Setup facts of one document (bounded: a few strings and positions per document).
    fn collect_facts(&mut self, doc: &Document<'_>, kind: PolicyKind) {
        let text = self.text;
        let index = self.line_index.get_or_insert_with(|| LineIndex::new(text));
        let (display, path, on_disk, scope) = (self.display, self.path, self.on_disk, self.scope);
        let site = self.site.get_or_insert_with(|| crate::source::Site::new(display, on_disk.then_some(path), scope));
        if let Some(mut f) = crate::setup::collect(site, index, doc, kind, self.settings) {
            f.shrink();
            self.facts.push(f);
        }
    }

    fn file_rules(&mut self, lenience: &[json::Lenience], error: Option<&ParseError>, map: &SpanMap) {
        let ctx = RuleContext {
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
            if let Implementation::Native(f) = &rule.imp {
                f(&ctx, &mut out);
            }
            for finding in out.take() {
                self.push(index, finding, None, None, map, self.origin.clone());
            }
        }
    }

    fn policy_rules(&mut self, doc: &Document<'_>) {
        self.policies += 1;
        let root = doc.root.node();
        let policy = Policy::new(root);
        let forced = self.settings.kind_for(self.path).or(doc.kind);
        let kind = forced.unwrap_or_else(|| policy::classify(&policy));
        self.collect_facts(doc, kind);
        let ctx = RuleContext {
            text: self.text,
            lenience: &[],
            error: None,
            root: Some(root),
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
                Implementation::Native(f) => f(&ctx, &mut out),
                Implementation::Declarative(c) => {
                    let v = json_value.get_or_insert_with(|| root.to_json());
                    c.run(&ctx, v, &mut out);
                }
            }
            for finding in out.take() {
                self.push(index, finding, Some(kind), Some(root), &doc.map, doc.origin.clone());
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
            labels: finding
                .labels
                .into_iter()
                .map(|l| Label { span: map.map(l.span), message: l.message, file: None })
                .collect(),
            help: finding.help,
            kind,
            pointer,
            origin,
        });
    }

    fn finish(mut self, text: &str) -> FileReport {
        // Suppressions (`[[suppress]]` entries, `# cmek-lint: ignore[...]` comments in YAML/HCL)
        // need the file's text; a no-op for JSON files when the config has no entries.
        crate::suppress::apply(self.path, text, &mut self.diagnostics, &self.settings.suppress);
        self.diagnostics.sort_by(|a, b| (a.span.start, a.code, a.span.end).cmp(&(b.span.start, b.code, b.span.end)));
        self.diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
        let index = LineIndex::new(text);
        let diagnostics = self.diagnostics.into_iter().map(|d| resolve(d, &index)).collect();
        // Facts are kept until the setup pass: no spare capacity (a pushed Vec holds 4).
        self.facts.shrink_to_fit();
        FileReport {
            path: self.display.to_string(),
            diagnostics,
            policies: self.policies,
            facts: self.facts,
            ..Default::default()
        }
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
            file: None,
            line_text: None,
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
