//! The state of checking one file: its rules dispatched by scope, their findings handed to
//! the sink, its setup facts collected.

use super::FileReport;
use super::fix_place::Placement;
use super::sink::Sink;
use crate::diagnostic::{Diagnostic, Label};
use crate::extract::{Document, Extraction, SpanMap, Subject};
use crate::fix::Fix;
use crate::json::{self, Node, ParseError};
use crate::policy::{self, Policy, PolicyKind};
use crate::rules::{Cache, Finding, Implementation, Registry, Reporter, RuleContext, RuleId, Scope};
use crate::settings::Settings;
use crate::source::{LineIndex, Span};
use std::path::Path;

/// Where the findings of a dispatch land: what they are reported with.
struct Target<'n> {
    kind: Option<PolicyKind>,
    /// The policy document (findings get a pointer into it).
    root: Option<&'n Node>,
    map: &'n SpanMap,
    origin: Option<String>,
    /// Where the fixes' edits can be placed in the file (see `super::fix_place`).
    placement: Placement,
}

/// The state of checking one file.
pub(super) struct FileRun<'a> {
    pub display: &'a str,
    path: &'a Path,
    text: &'a str,
    sink: Sink<'a>,
    settings: &'a Settings,
    diagnostics: Vec<Diagnostic>,
    policies: usize,
    /// Origin of file-level findings (a referred-to file: the resource that refers to it).
    pub origin: Option<String>,
    /// Setup facts of the documents (see `crate::setup`).
    facts: Vec<crate::setup::Fact>,
    line_index: Option<LineIndex<'a>>,
    /// The file as the setup facts name it (built for the first fact).
    site: Option<crate::source::Site>,
    /// The text was read from `path` (not standard input or a test's text).
    pub on_disk: bool,
    /// The folder of the setup the facts belong to, when not the file's own (see `Context`).
    pub scope: Option<&'a str>,
    /// The syntax of the text, when it is the file's own bytes (not decoded from UTF-16 or
    /// a string): only then do fixes have edits (see [`FileRun::placement`]).
    pub syntax: Option<crate::fix::Syntax>,
    /// Where the file's bytes are not the documents' values (see [`crate::extract::Unwritten`]).
    unwritten: Vec<crate::extract::Unwritten>,
    /// The file is a tool's output (see `Extraction::generated`): its fixes are display-only.
    generated: bool,
    /// The statement the last finding's pointer went through (see [`Node::pointer_near`]).
    pointer_hint: usize,
    /// Where the extraction resolved references (see [`crate::extract::refs`]): a finding at
    /// such a site gets a label saying where the value came from.
    resolved: Vec<crate::extract::refs::Provenance>,
    /// The configured CMEK role and key as the values of the file's references to its own
    /// account, role and key (see [`template_bindings`]), for the policy-scope rules.
    bindings: Option<crate::extract::bind::Bindings>,
}

impl<'a> FileRun<'a> {
    pub fn new(display: &'a str, path: &'a Path, text: &'a str, sink: Sink<'a>) -> Self {
        Self {
            display,
            path,
            text,
            sink,
            settings: sink.settings,
            diagnostics: Vec::new(),
            policies: 0,
            origin: None,
            facts: Vec::new(),
            line_index: None,
            site: None,
            on_disk: false,
            scope: None,
            syntax: None,
            unwritten: Vec::new(),
            generated: false,
            pointer_hint: 0,
            resolved: Vec::new(),
            bindings: None,
        }
    }

    /// The text being checked.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The report of a file skipped (walked into, holding no policy).
    pub fn skipped(&self) -> FileReport {
        FileReport { path: self.display.to_string(), skipped: true, ..Default::default() }
    }

    /// CMK008: the input is larger than `[limits] max_file_size` and was not read (or not kept).
    /// `len` is its size, or, for standard input (read up to the limit), a lower bound.
    pub fn too_large(&mut self, len: u64, exact: bool) {
        let limit = self.settings.max_file_size;
        let what = if exact { format!("file is {},", human_size(len)) } else { "input is".to_string() };
        let limit =
            if limit == 0 { "the limit of 0 bytes".to_string() } else { format!("the {} limit", human_size(limit)) };
        self.engine_finding(
            RuleId::FileTooLarge,
            Span::empty(0),
            format!("{what} larger than {limit}; it was not checked"),
            Some("raise `[limits] max_file_size` in cmek-lint.toml if this file really holds policies".into()),
            None,
        );
    }

    /// CMK007, an error: the file is UTF-16 or UTF-32 (decoded, it is checked all the same).
    pub(super) fn not_utf8_encoding(&mut self, sniffed: super::encoding::Sniffed) {
        let index = self.sink.index(RuleId::ByteOrderMark);
        if !self.sink.admits(index, self.path) {
            return;
        }
        let name = Path::new(self.display)
            .file_name()
            .map(|n| n.to_string_lossy())
            .filter(|n| !n.starts_with('<'))
            .unwrap_or("policy.json".into());
        let converted = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => format!("{stem}-utf8.{ext}"),
            _ => format!("{name}-utf8"),
        };
        let finding = Finding {
            span: Span::empty(0),
            message: format!(
                "the file is {}, not UTF-8: it was decoded and checked, but IAM, the AWS CLI (`file://`) and Terraform's `file()` read UTF-8 and reject it (Windows PowerShell 5 writes UTF-16 with `>` and `Out-File`)",
                sniffed.describe()
            ),
            help: Some(format!(
                "convert it to UTF-8: `Get-Content {name} | Set-Content -Encoding utf8 {converted}` (PowerShell), or `iconv -f {} -t UTF-8 {name} > {converted}`",
                sniffed.iconv()
            ).into()),
            labels: Vec::new(),
            severity: Some(crate::diagnostic::Severity::Error),
            fix: None,
        };
        let target =
            Target { kind: None, root: None, map: &SpanMap::Identity, origin: None, placement: Placement::Nowhere };
        self.push(index, finding, &target);
    }

    /// Report a finding of a rule the engine itself detects (file too large, no policy).
    pub fn engine_finding(
        &mut self,
        rule: RuleId,
        span: Span,
        message: String,
        help: Option<String>,
        origin: Option<String>,
    ) {
        self.engine_finding_fixed(rule, span, message, help, origin, None);
    }

    /// [`Self::engine_finding`] with a fix, its edits in the file's coordinates.
    pub fn engine_finding_fixed(
        &mut self,
        rule: RuleId,
        span: Span,
        message: String,
        help: Option<String>,
        origin: Option<String>,
        fix: Option<Fix>,
    ) {
        let index = self.sink.index(rule);
        if !self.sink.admits(index, self.path) {
            return;
        }
        let finding = Finding { span, message, help: help.map(Into::into), labels: Vec::new(), severity: None, fix };
        let placement = self.placement(&SpanMap::Identity);
        let target = Target { kind: None, root: None, map: &SpanMap::Identity, origin, placement };
        self.push(index, finding, &target);
    }

    pub fn no_policy(&mut self, at: usize, help: &str) {
        let end = self.text[at.min(self.text.len())..].chars().next().map_or(at, |c| at + c.len_utf8());
        self.engine_finding(
            RuleId::NoPolicyFound,
            Span::new(at, end),
            "no IAM or KMS policy found in this file; it was not checked".into(),
            Some(help.into()),
            None,
        );
    }

    /// Check everything an extraction found.
    pub fn extraction(&mut self, found: &Extraction<'_>) {
        self.resolved.clone_from(&found.resolved);
        self.unwritten.clone_from(&found.unwritten);
        self.generated = found.generated;
        self.bindings = template_bindings(found, self.settings);
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

    /// The rules of the text itself (`Scope::File`).
    pub fn file_rules(&mut self, lenience: &[json::Lenience], error: Option<&ParseError>, map: &SpanMap) {
        let (placement, decoded) = self.document_text(map);
        let cache = Cache::default();
        let ctx = RuleContext {
            text: decoded.as_deref().unwrap_or(self.text),
            syntax: placement.syntax(),
            lenience,
            error,
            root: None,
            policy: None,
            kind: PolicyKind::Identity,
            kind_forced: false,
            settings: self.settings,
            cache: &cache,
        };
        let target = Target { kind: None, root: None, map, origin: self.origin.clone(), placement };
        self.run_scope(Scope::File, &ctx, &target, |_| {});
    }

    /// The rules of a KMS key's metadata (`Scope::Key`).
    fn key_rules(&mut self, doc: &Document<'_>) {
        self.collect_facts(doc, PolicyKind::Key, None);
        let cache = Cache::default();
        let ctx = RuleContext {
            text: self.text,
            syntax: crate::fix::Syntax::Json,
            lenience: &[],
            error: None,
            root: Some(doc.root.node()),
            policy: None,
            kind: PolicyKind::Key,
            kind_forced: true,
            settings: self.settings,
            cache: &cache,
        };
        let placement = Placement::Nowhere;
        let target = Target { kind: None, root: None, map: &doc.map, origin: doc.origin.clone(), placement };
        self.run_scope(Scope::Key, &ctx, &target, |_| {});
    }

    /// The rules of a policy document (`Scope::Policy`) of its kind.
    fn policy_rules(&mut self, doc: &Document<'_>) {
        self.policies += 1;
        let root = doc.root.node();
        // The rules see the configured role and key where the template names its own (the
        // setup facts keep the references as written).
        let bound = self.bindings.as_ref().and_then(|b| crate::extract::bind::bind(root, b));
        let policy = Policy::new(bound.as_ref().unwrap_or(root));
        let forced = self.settings.kind_for(self.path).or(doc.kind);
        let kind = forced.unwrap_or_else(|| policy::classify(&policy));
        let (placement, decoded) = self.document_text(&doc.map);
        let cache = Cache::default();
        let ctx = RuleContext {
            text: decoded.as_deref().unwrap_or(self.text),
            syntax: placement.syntax(),
            lenience: &[],
            error: None,
            root: Some(root),
            policy: Some(&policy),
            kind,
            kind_forced: forced.is_some(),
            settings: self.settings,
            cache: &cache,
        };
        let target =
            Target { kind: Some(kind), root: Some(root), map: &doc.map, origin: doc.origin.clone(), placement };
        // The setup facts are collected while the rules run (by the calling thread, before it
        // takes rules, when a large policy's rules run on two). They keep references as
        // written: the model is shared only when nothing was bound.
        let shared = bound.is_none().then_some(&policy);
        self.run_scope(Scope::Policy, &ctx, &target, |run| run.collect_facts(doc, kind, shared));
    }

    /// Run every admitted rule of a scope (a policy rule: of the policy's kind) on one context,
    /// its findings handed to the sink in rule order, and `meanwhile` (work of the file's own
    /// that no rule needs) on this thread.
    fn run_scope(
        &mut self,
        scope: Scope,
        ctx: &RuleContext<'_>,
        target: &Target<'_>,
        meanwhile: impl FnOnce(&mut Self),
    ) {
        let registry = self.sink.registry;
        let admitted: Vec<usize> = (0..registry.rules.len())
            .filter(|&index| {
                let record = &registry.rules[index].record;
                record.scope == scope
                    && (scope != Scope::Policy || record.applies_to(ctx.kind))
                    && self.sink.admits(index, self.path)
            })
            .collect();
        let large = ctx.policy.is_some_and(|p| p.statements.len() >= SPLIT_STATEMENTS);
        let threads = || match self.settings.rule_threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let found = if large && threads() > 1 {
            // Two threads take the rules one at a time, sharing the per-policy cache: the
            // first to need a model builds it, the other waits for it or takes it built. The
            // last rules in code order are taken first: the semantic ones (CMK2xx-CMK6xx:
            // the evaluator's scenarios, the cross-statement checks) cost the most, and
            // started last one of them kept a thread busy long after the other was done
            // (100,000 statements: 740 ms against 490 ms; taken first, 520 ms each).
            let next = std::sync::atomic::AtomicUsize::new(0);
            let take = || {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                admitted.len().checked_sub(k + 1).map(|i| admitted[i])
            };
            let twin = *ctx;
            let (mut a, b) = std::thread::scope(|s| {
                let other = s.spawn(move || run_rules(registry, std::iter::from_fn(take), scope, &twin));
                meanwhile(self);
                let a = run_rules(registry, std::iter::from_fn(take), scope, ctx);
                (a, other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            });
            a.extend(b);
            a.sort_by_key(|(index, _)| *index);
            a
        } else {
            meanwhile(self);
            run_rules(registry, admitted.iter().copied(), scope, ctx)
        };
        for (index, findings) in found {
            for finding in findings {
                self.push(index, finding, target);
            }
        }
    }

    /// Where the edits of fixes on a document with this map can be placed in the file: in the
    /// text read as it is when the spans are its bytes (a tree built from it, a CloudFormation
    /// template lowered or a Terraform `jsonencode`, has the unwritten parts of the file
    /// refused at placing), inside a JSON string holding the document, or a heredoc's body.
    fn placement(&self, map: &SpanMap) -> Placement {
        use crate::fix::Syntax;
        let Some(syntax) = self.syntax.filter(|_| !self.generated) else { return Placement::Nowhere };
        match (syntax, map) {
            (Syntax::Hcl, SpanMap::Table(_)) => match super::fix_place::heredoc_body(map, self.text) {
                Some(base) => Placement::Heredoc(base),
                None => Placement::Nowhere,
            },
            (_, SpanMap::Identity) => Placement::Exact(syntax),
            (Syntax::Json, SpanMap::Table(_)) => Placement::InJsonString,
            (Syntax::Yaml, SpanMap::Table(_)) => Placement::Nowhere,
        }
    }

    /// Where fixes of a document with this map can be placed, and the document's own text when
    /// it is not the file's (decoded from a JSON string): what its spans, and so its rules'
    /// fixes, refer to. Without that text, its fixes are display-only.
    /// A heredoc's body is a slice of the file (its spans start at the body): borrowed, not
    /// copied, since every check of a Terraform file with heredocs comes here.
    fn document_text(&self, map: &SpanMap) -> (Placement, Option<std::borrow::Cow<'a, str>>) {
        let text: &'a str = self.text;
        match self.placement(map) {
            Placement::InJsonString => match super::fix_place::document_text(map, text) {
                Some(decoded) => (Placement::InJsonString, Some(decoded.into())),
                None => (Placement::Nowhere, None),
            },
            Placement::Heredoc(base) => (Placement::Heredoc(base), text.get(base..).map(Into::into)),
            p => (p, None),
        }
    }

    /// Setup facts of one document (bounded: a few strings and positions per document).
    fn collect_facts(&mut self, doc: &Document<'_>, kind: PolicyKind, policy: Option<&Policy<'_>>) {
        let text = self.text;
        let index = self.line_index.get_or_insert_with(|| LineIndex::new(text));
        let (display, path, on_disk, scope) = (self.display, self.path, self.on_disk, self.scope);
        let site = self.site.get_or_insert_with(|| crate::source::Site::new(display, on_disk.then_some(path), scope));
        if let Some(mut f) = crate::setup::collect(site, index, doc, kind, self.settings, policy) {
            f.shrink();
            self.facts.push(f);
        }
    }

    fn push(&mut self, index: usize, finding: Finding, target: &Target<'_>) {
        let record = self.sink.registry.rules[index].record;
        let severity = self.sink.severity(index, finding.severity);
        let pointer = target.root.map(|r| r.pointer_near(finding.span, &mut self.pointer_hint)).unwrap_or_default();
        let map = target.map;
        // The unwritten parts are about the documents' values: a fix of the text itself (a
        // comment deleted inside an intrinsic function's call) may edit them.
        let unwritten = if target.root.is_some() { &self.unwritten[..] } else { &[] };
        let fix = finding.fix.map(|fix| {
            debug_assert!(
                record.autofix.is_some_and(|a| fix.applicability <= a),
                "{}: a fix ({}) its record does not declare (`autofix`)",
                record.code,
                fix.applicability.as_str()
            );
            super::fix_place::place(fix, target.placement, map, self.text, unwritten)
        });
        let span = map.map(finding.span);
        let mut labels: Vec<Label> = finding
            .labels
            .into_iter()
            .map(|l| Label { span: map.map(l.span), message: l.message, file: None })
            .collect();
        self.provenance_labels(span, &mut labels);
        self.diagnostics.push(Diagnostic {
            code: record.code,
            name: record.name,
            severity,
            message: finding.message,
            span,
            labels,
            help: finding.help,
            kind: target.kind,
            pointer,
            origin: target.origin.clone(),
            fix: fix.map(Box::new),
        });
    }

    /// For a finding (or a label) at a resolved reference, a label saying where its value came
    /// from: at the value's definition (a parameter's `Default`), else at the reference.
    fn provenance_labels(&self, span: Span, labels: &mut Vec<Label>) {
        if self.resolved.is_empty() {
            return;
        }
        let inside = |s: Span, site: Span| site.start <= s.start && s.end <= site.end;
        let sites: Vec<Span> = std::iter::once(span).chain(labels.iter().map(|l| l.span)).collect();
        for p in self.resolved.iter().filter(|p| sites.iter().any(|s| inside(*s, p.span))) {
            let label = match (p.at, &p.file) {
                (Some(at), None) => {
                    Label { span: at, message: format!("the value comes from {}", p.from).into(), file: None }
                }
                (_, Some(_)) => Label { span: p.span, message: format!("resolved from {}", p.from).into(), file: None },
                // A pseudo parameter: documented, not worth a label on every finding.
                (None, None) => continue,
            };
            if !labels.iter().any(|l| l.span == label.span && l.message == label.message) {
                labels.push(label);
            }
        }
    }

    /// The file's report. Its suppressions (`[[suppress]]` entries, `# cmek-lint: ignore[...]`
    /// comments in YAML/HCL) need the file's text: applied here by the sink, and kept for the
    /// cross-document findings of the setup pass when the file has setup facts.
    pub fn finish(mut self, text: &str) -> FileReport {
        // One index per file: the setup facts' (if built and on the same text), else a new
        // one, which scans the text for lines only if a diagnostic is resolved.
        let index = match self.line_index.take() {
            Some(index) if std::ptr::eq(index.text(), text) => index,
            _ => LineIndex::new(text),
        };
        let lines = self.settings.source_lines;
        let found = self.diagnostics.into_iter().map(|d| super::resolve(d, &index, lines)).collect();
        let suppressions = self.sink.suppressions(self.path, text);
        let cross_may_come = !self.facts.is_empty() && self.sink.cross_enabled();
        let (diagnostics, suppressions) = self.sink.settle_file(found, suppressions, cross_may_come);
        // Facts are kept until the setup pass: no spare capacity (a pushed Vec holds 4).
        self.facts.shrink_to_fit();
        FileReport {
            path: self.display.to_string(),
            diagnostics,
            policies: self.policies,
            facts: self.facts,
            suppressions,
            ..Default::default()
        }
    }
}

/// A policy with this many statements has its rules run on two threads (`rule_threads`): the
/// evaluator's scenarios alone go over every statement a dozen times. Smaller ones are checked
/// faster on one (and a run of many files has a thread per file already).
const SPLIT_STATEMENTS: usize = 1_000;

/// Run the rules `indices` (admitted ones) of a scope on one context: the findings of each,
/// by registry index.
fn run_rules(
    registry: &Registry,
    indices: impl Iterator<Item = usize>,
    scope: Scope,
    ctx: &RuleContext<'_>,
) -> Vec<(usize, Vec<Finding>)> {
    let mut json_value: Option<serde_json::Value> = None;
    let mut out = Reporter::new();
    let mut found = Vec::new();
    for index in indices {
        match &registry.rules[index].imp {
            Implementation::Native(f) => f(ctx, &mut out),
            Implementation::Declarative(c) => {
                if ctx.root.is_some() && scope == Scope::Policy {
                    c.run(ctx, &mut json_value, &mut out);
                }
            }
            // Reported by the engine; run by the setup pass.
            Implementation::Engine | Implementation::Setup(_) => {}
        }
        found.push((index, out.take()));
    }
    found
}

/// When `[customer] role_arn` is configured and the file creates one role trusting Pinecone (a
/// template or module, whose name, if written, is the configured role's): that role is the
/// configured CMEK role, its account the template's own account, and the file's one key (if
/// any) the configured key. `None` otherwise: nothing is bound.
fn template_bindings(found: &Extraction<'_>, settings: &Settings) -> Option<crate::extract::bind::Bindings> {
    let role_arn = settings.console.role_arn.as_deref()?.trim();
    let arn = crate::policy::Arn::parse(role_arn).filter(|a| a.service == "iam" && a.resource_type == "role")?;
    fn created<'d>(d: &'d Document<'_>) -> Option<&'d crate::extract::Resource> {
        d.resource.as_deref().filter(|r| r.created && r.id.is_some())
    }
    let account = settings.pinecone_account.as_deref().map(|a| format!(":{a}:"));
    let pinecone = |d: &Document<'_>| {
        d.root.node().any_text(&|s| {
            s.contains(crate::pinecone::ROLE_PREFIX) || account.as_deref().is_some_and(|a| s.contains(a))
        })
    };
    let roles: Vec<&crate::extract::Resource> = found
        .documents
        .iter()
        .filter(|d| d.subject == Subject::Policy && d.kind == Some(PolicyKind::Trust))
        .filter(|d| created(d).is_some() && pinecone(d))
        .filter_map(created)
        .collect();
    let [role] = roles.as_slice() else { return None };
    if role.name.as_deref().is_some_and(|n| !n.eq_ignore_ascii_case(arn.name())) {
        return None;
    }
    let mut keys: Vec<String> = found
        .documents
        .iter()
        .filter(|d| d.subject == Subject::KeyMetadata)
        .filter_map(|d| created(d).and_then(|r| r.id.clone()))
        .collect();
    keys.dedup();
    let key_arn = settings.console.key_arn.clone().filter(|_| keys.len() == 1);
    Some(crate::extract::bind::Bindings {
        own_account: Some(arn.account.to_string()),
        role_ids: role.id.iter().cloned().collect(),
        role_arn: Some(role_arn.to_string()),
        key_ids: if key_arn.is_some() { keys } else { Vec::new() },
        key_arn,
    })
}

/// A size for a message: bytes under 1 MB (`512 bytes`, `1 byte`), else MB with one decimal.
fn human_size(n: u64) -> String {
    match n {
        1 => "1 byte".into(),
        n if n < 1_048_576 => format!("{n} bytes"),
        n => format!("{:.1} MB", n as f64 / 1_048_576.0),
    }
}
