//! The sink: the one place that decides whether and how a finding is reported, for file-level
//! findings (native, declarative and engine-detected rules) and cross-document ones alike.
//! Rules produce findings; the sink applies enablement, `[[per-file]] ignore`, severity
//! overrides and suppressions (`[[suppress]]` entries, inline comments: `crate::suppress`).
//! The baseline comes later, on the reports (`crate::baseline`).

use super::FileReport;
use crate::diagnostic::{Resolved, Severity};
use crate::rules::cross::SetupFinding;
use crate::rules::{Registry, RuleId, Scope};
use crate::settings::Settings;
use crate::suppress::FileSuppressions;
use std::path::Path;

#[derive(Clone, Copy)]
pub(super) struct Sink<'a> {
    pub registry: &'a Registry,
    pub settings: &'a Settings,
}

impl<'a> Sink<'a> {
    pub fn new(registry: &'a Registry, settings: &'a Settings) -> Self {
        Sink { registry, settings }
    }

    /// The registry index of a built-in rule.
    pub fn index(&self, id: RuleId) -> usize {
        self.registry.index(id)
    }

    /// Whether findings of rule `index` in the file at `path` are reported at all: the rule is
    /// enabled and not ignored for the file (`[[per-file]]`). Checked before a rule runs, too.
    pub fn admits(&self, index: usize, path: &Path) -> bool {
        self.settings.enabled[index] && !self.settings.ignored_for(path, index)
    }

    /// The severity of a finding of rule `index`: the configured one, else the one the rule
    /// proposes, else its record's.
    pub fn severity(&self, index: usize, proposed: Option<Severity>) -> Severity {
        self.settings.severity[index].or(proposed).unwrap_or(self.registry.rules[index].record.severity)
    }

    /// The suppressions of a file (see [`FileSuppressions`]).
    pub fn suppressions(&self, path: &Path, text: &str) -> Option<FileSuppressions> {
        FileSuppressions::new(path, text, &self.settings.suppress)
    }

    /// The file-level findings of a file, resolved: suppressed ones dropped, the rest sorted.
    /// The file's suppressions are finished, unless cross-document findings may still come
    /// (the file has setup facts and a cross-document rule is enabled): then they are returned
    /// to be applied to those in the setup pass.
    pub fn settle_file(
        &self,
        mut found: Vec<Resolved>,
        suppressions: Option<FileSuppressions>,
        cross_may_come: bool,
    ) -> (Vec<Resolved>, Option<FileSuppressions>) {
        let mut suppressions = suppressions;
        if let Some(s) = &mut suppressions {
            s.apply(&mut found, &self.settings.suppress);
        }
        let key = |r: &Resolved| (r.diagnostic.span.start, r.diagnostic.code, r.diagnostic.span.end);
        found.sort_by(|a, b| key(a).cmp(&key(b)));
        found.dedup_by(|a, b| {
            a.diagnostic.code == b.diagnostic.code
                && a.diagnostic.span == b.diagnostic.span
                && a.diagnostic.message == b.diagnostic.message
        });
        if cross_may_come {
            return (found, suppressions);
        }
        self.finish(suppressions);
        (found, None)
    }

    fn finish(&self, suppressions: Option<FileSuppressions>) {
        if let Some(s) = suppressions {
            s.finish(&self.settings.suppress);
        }
    }

    /// Whether a cross-document rule is enabled.
    pub fn cross_enabled(&self) -> bool {
        let mut rules = self.registry.rules.iter().enumerate();
        rules.any(|(i, r)| r.record.scope == Scope::Setup && self.settings.enabled[i])
    }

    /// Cross-document findings: the admitted ones resolved with their severity, with the
    /// file they are reported in, sorted by file and position.
    pub fn cross(&self, found: Vec<SetupFinding>) -> Vec<(String, Resolved)> {
        let mut lines = crate::source::Lines::default();
        let mut out: Vec<(String, Resolved)> = found
            .into_iter()
            .filter_map(|f| {
                let index = self.index(f.rule);
                if !self.admits(index, Path::new(&*f.at.file)) {
                    return None;
                }
                let record = self.registry.rules[index].record;
                Some(f.resolve(record.code, record.name, self.severity(index, None), &mut lines))
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.0, a.1.start.line, a.1.start.column, a.1.diagnostic.code).cmp(&(
                &b.0,
                b.1.start.line,
                b.1.start.column,
                b.1.diagnostic.code,
            ))
        });
        out.dedup_by(|a, b| a.0 == b.0 && a.1.diagnostic == b.1.diagnostic);
        out
    }

    /// Add a file's cross-document findings to its report, through the file's suppressions.
    pub fn settle_cross(&self, report: &mut FileReport, mut found: Vec<Resolved>) {
        if let Some(s) = &mut report.suppressions {
            s.apply(&mut found, &self.settings.suppress);
        }
        if found.is_empty() {
            return;
        }
        report.diagnostics.extend(found);
        report.diagnostics.sort_by(|a, b| {
            (a.start.line, a.start.column, a.diagnostic.code).cmp(&(b.start.line, b.start.column, b.diagnostic.code))
        });
    }

    /// No finding will come for this report any more: its suppressions are finished.
    pub fn close(&self, report: &mut FileReport) {
        self.finish(report.suppressions.take());
    }
}
