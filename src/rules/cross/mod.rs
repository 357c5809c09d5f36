//! Cross-document rules (CMK6xx): checks over a whole CMEK setup (role trusting Pinecone, key,
//! key policy, permissions policies, Pinecone-side values) grouped by [`crate::setup`].
//!
//! They do not run per document: their registry entries are `Implementation::Setup`, and the
//! setup pass calls [`check`], which hands every setup to each rule's `check` (one rule per
//! file). Rules only produce [`SetupFinding`]s: whether and how one is reported (enabled, per-file
//! ignores, severity, suppressions) is decided by the engine's sink, as for every finding.

pub(super) mod external_id_mismatch;
pub(super) mod key_arn_mismatch;
pub(super) mod key_policy_other_role;
pub(super) mod key_policy_role_created_together;
pub(super) mod key_role_partition_mismatch;
pub(super) mod role_missing_key_access;
pub(super) mod trust_regions_miss_key_region;

use crate::diagnostic::{Diagnostic, Label, Resolved, ResolvedLabel, Severity};
use crate::rules::{Implementation, Registry, RuleId};
use crate::settings::ConsoleValues;
use crate::settings::Settings;
use crate::setup::{Grant, Setup, TrustFact, names_role};
use crate::source::{LineCol, Loc, SourceLine};
use std::collections::HashMap;

/// A cross-document rule: findings for one setup.
pub type SetupCheck = fn(&SetupContext<'_>, &mut SetupFindings);

/// One setup as the rules see it.
pub struct SetupContext<'a> {
    pub setup: &'a Setup<'a>,
    /// The role trusting Pinecone, its ARN filled in from the configured role ARN when only
    /// known at deploy time.
    pub role: &'a TrustFact,
    pub values: &'a ConsoleValues,
    pub settings: &'a Settings,
    /// The first setup of this role (a role is in several setups when its folder has several
    /// keys): per-role checks run once.
    pub first_time: bool,
}

impl SetupContext<'_> {
    /// The secondary label pointing at the trust policy.
    fn trust_label(&self) -> (&Loc, String) {
        (&self.role.at, format!("the role trusting Pinecone: {}", role_desc(self.role)))
    }

    fn role_arn(&self) -> Option<crate::policy::Arn<'_>> {
        self.role.arn.as_deref().and_then(crate::policy::Arn::parse)
    }

    /// The key policy's grants naming the role.
    fn mine(&self) -> Vec<&Grant> {
        let Some(kp) = self.setup.key_policy else { return Vec::new() };
        kp.grants.iter().filter(|g| names_role(&g.principal, self.role)).collect()
    }

    /// When no grant names the role: the grants naming a role of the same name in another
    /// account, path or partition (a miscopied ARN).
    fn near_misses(&self) -> Vec<(&Grant, crate::policy::Arn<'_>)> {
        let (Some(kp), Some(ra)) = (self.setup.key_policy, self.role_arn()) else { return Vec::new() };
        if !self.mine().is_empty() {
            return Vec::new();
        }
        kp.grants
            .iter()
            .filter_map(|g| crate::policy::Arn::parse(&g.principal).map(|a| (g, a)))
            .filter(|(_, a)| a.resource_type == "role" && a.name().eq_ignore_ascii_case(ra.name()))
            .collect()
    }
}

/// Findings of the setup pass, with the run-wide state some rules keep.
#[derive(Default)]
pub struct SetupFindings {
    found: Vec<SetupFinding>,
    /// The first use of each external id per folder (CMK603 reuse).
    first_use: HashMap<(String, String), Loc>,
}

/// A finding of a cross-document rule, as the rule reports it.
pub struct SetupFinding {
    pub rule: RuleId,
    /// The primary location: the finding is reported in its file.
    pub at: Loc,
    pub message: String,
    pub help: String,
    /// Secondary locations, in this file or others.
    pub labels: Vec<(Loc, String)>,
}

impl SetupFindings {
    fn push(&mut self, rule: RuleId, at: &Loc, message: String, help: String, label: Option<(&Loc, String)>) {
        self.push_labelled(rule, at, message, help, label.into_iter().collect());
    }

    /// [`SetupFindings::push`] with any number of secondary labels, in this file or others.
    fn push_labelled(&mut self, rule: RuleId, at: &Loc, message: String, help: String, labels: Vec<(&Loc, String)>) {
        let labels = labels.into_iter().map(|(l, m)| (l.clone(), m)).collect();
        self.found.push(SetupFinding { rule, at: at.clone(), message, help, labels });
    }
}

impl SetupFinding {
    /// The finding as reported, in the file of its primary location (returned with it), with
    /// the severity and record the sink decided on. Line texts come from `lines`.
    pub fn resolve(
        self,
        code: &'static str,
        name: &'static str,
        severity: Severity,
        lines_of: &mut crate::source::Lines,
    ) -> (String, Resolved) {
        let SetupFinding { at, message, help, labels, .. } = self;
        let other_file = |l: &Loc| (l.file != at.file).then(|| l.file.to_string());
        let label = labels
            .iter()
            .map(|(l, m)| Label { span: l.span, message: m.clone().into(), file: other_file(l) })
            .collect();
        let resolved_labels: Vec<ResolvedLabel> = labels
            .iter()
            .map(|(l, m)| ResolvedLabel {
                start: l.start,
                end: l.end,
                message: m.clone().into(),
                file: other_file(l),
                line_text: (l.file != at.file).then(|| snippet_line(l, lines_of)),
            })
            .collect();
        let first = lines_of.of(&at);
        let (span, end) = first_line(&at, &first);
        let mut here = vec![(at.start, end)];
        here.extend(labels.iter().filter(|(l, _)| l.file == at.file).map(|(l, _)| (l.start, l.end)));
        let on = |n: u32| -> Vec<(u32, u32)> {
            let line_end = |e: LineCol| if e.line == n { e.column } else { u32::MAX };
            here.iter().filter(|(s, _)| s.line == n).map(|(s, e)| (s.column, line_end(*e))).collect()
        };
        let mut lines = vec![SourceLine::around_columns(at.start.line, &first, &on(at.start.line))];
        for (l, _) in labels.iter().filter(|(l, _)| l.file == at.file) {
            if !lines.iter().any(|s| s.number == l.start.line) {
                lines.push(SourceLine::around_columns(l.start.line, &lines_of.of(l), &on(l.start.line)));
            }
        }
        lines.sort();
        let diagnostic = Diagnostic {
            code,
            name,
            severity,
            message,
            span,
            labels: label,
            help: Some(help.into()),
            kind: None,
            pointer: String::new(),
            origin: at.origin.as_deref().map(str::to_string),
            fix: None,
        };
        (at.file.to_string(), Resolved { diagnostic, start: at.start, end, labels: resolved_labels, lines })
    }
}

/// The line of a location in another file, kept around it.
fn snippet_line(at: &Loc, lines_of: &mut crate::source::Lines) -> SourceLine {
    let end = if at.end.line == at.start.line { at.end.column } else { u32::MAX };
    SourceLine::around_columns(at.start.line, &lines_of.of(at), &[(at.start.column, end)])
}

/// The part of a location on its first line: a finding's snippet shows one line, and its span
/// and end position must agree (a multi-line principal expression, a whole document).
fn first_line(at: &Loc, line_text: &str) -> (crate::source::Span, crate::source::LineCol) {
    if at.end.line == at.start.line {
        return (at.span, at.end);
    }
    let rest = line_text.chars().skip(at.start.column.saturating_sub(1) as usize);
    let (chars, bytes) = rest.fold((0u32, 0u32), |(c, b), ch| (c + 1, b + ch.len_utf8() as u32));
    let span = crate::source::Span { start: at.span.start, end: (at.span.start + bytes).min(at.span.end) };
    (span, crate::source::LineCol { line: at.start.line, column: at.start.column + chars })
}

/// How messages name the role: its ARN, else the template resource (users find roles of a
/// template by logical id or address), else its name.
fn role_desc(role: &TrustFact) -> String {
    let resource = role.created.then(|| role.ids.first().cloned()).flatten();
    role.arn
        .clone()
        .or(resource)
        .or_else(|| role.name.clone())
        .or_else(|| role.ids.first().cloned())
        .unwrap_or_else(|| "the role".into())
}

/// Run every enabled cross-document rule of `registry` on the setups of a run, in code order.
pub fn check(setups: &[Setup<'_>], registry: &Registry, settings: &Settings) -> Vec<SetupFinding> {
    let values = &settings.console;
    let rules: Vec<SetupCheck> = registry
        .rules
        .iter()
        .enumerate()
        .filter(|(i, _)| settings.enabled[*i])
        .filter_map(|(_, r)| match r.imp {
            Implementation::Setup(f) => Some(f),
            _ => None,
        })
        .collect();
    let mut out = SetupFindings::default();
    let mut seen_roles: std::collections::HashSet<*const TrustFact> = std::collections::HashSet::new();
    for setup in setups {
        let Some(role) = setup.role else { continue };
        let first_time = seen_roles.insert(role as *const _);
        let filled;
        let role = match (&role.arn, &values.role_arn) {
            (None, Some(arn)) => {
                let mut r = role.clone();
                r.ids.push(arn.to_ascii_lowercase());
                r.arn = Some(arn.clone());
                filled = r;
                &filled
            }
            _ => role,
        };
        let cx = SetupContext { setup, role, values, settings, first_time };
        for rule in &rules {
            rule(&cx, &mut out);
        }
    }
    out.found
}
