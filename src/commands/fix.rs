//! `check --fix` and `check --diff`: the fixes of the findings applied to the files the run
//! checks, in rounds (a fix that conflicts with another waits for the next round, after the
//! file is checked again), never leaving a text that does not parse, documents that are not
//! the ones it had, or a finding its fix was to remove; never the fix of a finding the run
//! does not report (suppressed, or recorded in the baseline); written atomically.

use crate::baseline::Baseline;
use crate::diagnostic::Resolved;
use crate::engine::{self, FileReport, Input};
use crate::fix::{self, Applied, Fix};
use crate::json::LenienceKind;
use crate::rules::Registry;
use crate::settings::Settings;
use std::path::Path;

/// Rounds of check-and-fix on one text, at most: each round applies every fix that does not
/// conflict with another, so a few rounds suffice; the bound stops fixes that undo each other.
pub const MAX_ROUNDS: usize = 10;

/// What fixing one text gave.
#[derive(Debug)]
pub struct Fixed {
    pub text: String,
    /// Fixes applied, over all rounds.
    pub applied: usize,
}

impl Fixed {
    pub fn changed(&self, original: &str) -> bool {
        self.text != original
    }
}

/// Which fixes a run applies.
#[derive(Clone, Copy)]
pub struct FixOptions<'a> {
    pub registry: &'a Registry,
    pub settings: &'a Settings,
    /// `--unsafe-fixes`.
    pub unsafe_ok: bool,
    /// `--baseline`: the findings it records are left as they are, as suppressed ones are.
    pub baseline: Option<&'a Baseline>,
}

/// What identifies a finding from one check of a text to the next: its rule, document,
/// place in the document and message.
type FindingKey<'r> = (&'r str, Option<&'r str>, &'r str, &'r str);

fn key(d: &Resolved) -> FindingKey<'_> {
    let g = &d.diagnostic;
    (g.code, g.origin.as_deref(), &g.pointer, &g.message)
}

/// The fixes of a report that a run applies, with the finding each fixes: not those of
/// findings the baseline records (suppressed ones are not in the report at all), nor one whose
/// edits touch a recorded finding's fix (a rename of the operator two findings share would
/// change the recorded one too).
pub fn applicable<'r>(report: &'r FileReport, options: &FixOptions<'_>) -> Vec<(&'r Fix, FindingKey<'r>)> {
    let recorded = options.baseline.map(|b| b.recorded(report)).unwrap_or_default();
    let is_recorded = |i: usize| recorded.get(i).copied().unwrap_or(false);
    let held: Vec<(u32, u32)> = report
        .diagnostics
        .iter()
        .enumerate()
        .filter(|(i, _)| is_recorded(*i))
        .flat_map(|(_, d)| d.diagnostic.fix.iter().flat_map(|f| f.edits.iter().map(|e| (e.range.start, e.range.end))))
        .collect();
    let touches_held =
        |f: &Fix| f.edits.iter().any(|e| held.iter().any(|&(a, b)| e.range.start <= b && a <= e.range.end));
    let kept = report.diagnostics.iter().enumerate().filter(|(i, _)| !is_recorded(*i));
    kept.filter_map(|(_, d)| {
        d.diagnostic.fix.as_deref().filter(|f| f.applies(options.unsafe_ok) && !touches_held(f)).map(|f| (f, key(d)))
    })
    .collect()
}

/// Fix one text, checked as `name` (its path: per-file settings and the format follow it):
/// check it, apply the fixes that do not conflict, and again, until nothing changes. A round
/// is kept only if it leaves no more of the text unparsable, the documents it had (subject,
/// kind and origin, in order), and none of the findings it fixed; else its fixes are tried one by
/// one and those that keep to that are kept.
pub fn fix_text(name: &str, text: &str, options: FixOptions<'_>) -> Fixed {
    let check = |text: &str| {
        engine::check_input(Input::Text { name, text: text.to_string() }, options.registry, options.settings)
    };
    let mut current = text.to_string();
    let mut report = check(&current);
    // The documents a fix may not change: none for a text holding no document yet (CMK010's
    // statements, which its fix wraps into one).
    let shape = engine::outline(name, &current).filter(|docs| !docs.is_empty());
    let mut applied = 0;
    // The rules of the findings the baseline records: after a round, a recorded finding may read
    // differently (its message quotes an operator a fix renamed) and so no longer match its
    // record; later rounds leave every finding of those rules alone rather than fix it.
    let held: Vec<&'static str> = match options.baseline {
        Some(b) => {
            let recorded = b.recorded(&report);
            let codes =
                report.diagnostics.iter().enumerate().filter(|(i, _)| recorded.get(*i).copied().unwrap_or(false));
            codes.map(|(_, d)| d.diagnostic.code).collect()
        }
        None => Vec::new(),
    };
    for round_number in 0..MAX_ROUNDS {
        let mut fixes = applicable(&report, &options);
        if round_number > 0 {
            fixes.retain(|(_, k)| !held.contains(&k.0));
        }
        if fixes.is_empty() {
            break;
        }
        let all: Vec<&Fix> = fixes.iter().map(|(f, _)| *f).collect();
        let keys: Vec<FindingKey<'_>> = fixes.iter().map(|(_, k)| *k).collect();
        let sound = |round: &Applied, checked: &FileReport, keys: &[FindingKey<'_>]| {
            invalid(checked) <= invalid(&report)
                && shape.as_ref().is_none_or(|docs| engine::outline(name, &round.text).as_ref() == Some(docs))
                && fixed(&report, checked, round.applied.iter().map(|&i| keys[i]))
        };
        let round = apply_keeping_json(name, &current, &all);
        if round.applied.is_empty() || round.text == current {
            break;
        }
        let next = check(&round.text);
        let (round, next) = if sound(&round, &next, &keys) {
            (round, next)
        } else {
            // Each fix in turn, kept if the text stays sound with it.
            let mut kept: Vec<usize> = Vec::new();
            let mut best = None;
            for i in 0..all.len() {
                kept.push(i);
                let fixes: Vec<&Fix> = kept.iter().map(|&k| all[k]).collect();
                let keys: Vec<FindingKey<'_>> = kept.iter().map(|&k| keys[k]).collect();
                let candidate = apply_keeping_json(name, &current, &fixes);
                let checked = check(&candidate.text);
                if sound(&candidate, &checked, &keys) {
                    best = Some((candidate, checked));
                } else {
                    kept.pop();
                }
            }
            match best {
                Some((candidate, checked)) if candidate.text != current => (candidate, checked),
                _ => break,
            }
        };
        applied += round.applied.len();
        current = round.text;
        report = next;
    }
    Fixed { text: current, applied }
}

/// Whether each finding fixed (`keys`, one per fix applied) is gone from `after`: of findings
/// alike, as many fewer as fixes applied to them.
fn fixed<'k>(before: &FileReport, after: &FileReport, keys: impl Iterator<Item = FindingKey<'k>>) -> bool {
    let mut fixed: Vec<FindingKey<'k>> = keys.collect();
    fixed.sort_unstable();
    fixed.chunk_by(|a, b| a == b).all(|same| {
        let k = same[0];
        let count = |r: &FileReport| r.diagnostics.iter().filter(|d| key(d) == k).count();
        count(after) + same.len() <= count(before)
    })
}

/// Findings that a text, or a policy in one of its strings or heredocs, does not parse (CMK001
/// invalid JSON, CMK011 invalid YAML, CMK012 invalid Terraform), or parses to less than it
/// says (CMK004 a key written twice, of which a parser keeps one): a round may not add any.
fn invalid(report: &FileReport) -> usize {
    use crate::rules::RuleId;
    let codes = [
        RuleId::InvalidJson.code(),
        RuleId::InvalidYaml.code(),
        RuleId::InvalidHcl.code(),
        RuleId::DuplicateKey.code(),
    ];
    report.diagnostics.iter().filter(|d| codes.contains(&d.diagnostic.code)).count()
}

/// [`fix::apply`], keeping only fixes after which the text still parses as JSON (a text that
/// does not parse now is left alone). When all of them together break it, each is tried in
/// turn and kept if the text still parses.
fn apply_keeping_json(name: &str, text: &str, fixes: &[&Fix]) -> Applied {
    let none = || Applied { text: text.to_string(), applied: Vec::new() };
    // Terraform (a heredoc's JSON body): checked again after the round (see `invalid`).
    if engine::detect_syntax(name, text) != engine::Syntax::Json {
        return fix::apply(text, fixes);
    }
    if crate::json::parse(text).error.is_some() {
        return none();
    }
    let all = fix::apply(text, fixes);
    if parses(&all.text) {
        return all;
    }
    let mut kept: Vec<&Fix> = Vec::new();
    for f in fixes {
        kept.push(f);
        if !parses(&fix::apply(text, &kept).text) {
            kept.pop();
        }
    }
    let round = fix::apply(text, &kept);
    if parses(&round.text) { round } else { none() }
}

/// The text parses as JSON: leniently, and strictly (`serde_json`) once nothing but duplicate
/// keys (which strict parsers accept) is left of its deviations.
fn parses(text: &str) -> bool {
    let parsed = crate::json::parse(text);
    if parsed.error.is_some() {
        return false;
    }
    let lenient = parsed.lenience.iter().any(|l| !matches!(l.kind, LenienceKind::DuplicateKey(_)));
    lenient || serde_json::from_str::<serde_json::Value>(text).is_ok()
}

/// A unified diff of a fixed text, control characters shown visibly as in the human output's
/// snippets (`render::escape::snippet_line`: tabs kept, and a line's own `\r\n` ending, so the
/// diff of an ordinary file still applies with `patch`). Empty when nothing changed.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(before, after);
    let shown = crate::render::escape::terminal(path);
    let text = diff.unified_diff().context_radius(3).header(&shown, &shown).to_string();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, ending) = match line.strip_suffix("\r\n") {
            Some(body) => (body, "\r\n"),
            None => (line.strip_suffix('\n').unwrap_or(line), "\n"),
        };
        out.push_str(&crate::render::escape::snippet_line(body).0);
        out.push_str(ending);
    }
    out
}

/// What `--fix`/`--diff` did to the files of a run.
#[derive(Default)]
pub struct Outcome {
    /// Per file changed: its path as shown, and the fixes applied.
    pub files: Vec<(String, usize)>,
    /// The unified diffs (`--diff`).
    pub diff: String,
    /// Errors reading or writing a file.
    pub errors: Vec<String>,
}

impl Outcome {
    pub fn fixes(&self) -> usize {
        self.files.iter().map(|(_, n)| n).sum()
    }

    /// What `--fix` says on standard error.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for (path, n) in &self.files {
            out.push_str(&format!("Fixed {n} finding{} in {}\n", plural(*n), crate::render::escape::terminal(path)));
        }
        if self.files.is_empty() {
            out.push_str("No fixes applied\n");
        } else if self.files.len() > 1 {
            let n = self.fixes();
            out.push_str(&format!("Fixed {n} finding{} in {} files\n", plural(n), self.files.len()));
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Fix the files of a run's reports: only files on disk that the run checked and that have a
/// fix to apply. `write`: replace them (atomically); else collect a diff.
pub fn fix_files(reports: &[FileReport], options: FixOptions<'_>, write: bool) -> Outcome {
    let mut out = Outcome::default();
    // A file read through Terraform `file()` may lie outside the paths given or be excluded:
    // it is never fixed as the file read, only as one of the run's own inputs when it is one
    // too (once, under the path given: the fixes are those of the file checked alone).
    let mut seen: std::collections::HashSet<std::path::PathBuf> = std::collections::HashSet::new();
    for report in reports {
        let Some(path) = report.fs_path.as_deref() else { continue };
        if report.followed || applicable(report, &options).is_empty() {
            continue;
        }
        if !seen.insert(path.canonicalize().unwrap_or_else(|_| path.to_path_buf())) {
            continue;
        }
        match fix_file(path, &report.path, options, write) {
            Ok(Some((fixed, diff))) => {
                out.files.push((report.path.clone(), fixed));
                out.diff.push_str(&diff);
            }
            Ok(None) => {}
            Err(e) => out.errors.push(e),
        }
    }
    out
}

/// Fix one file: `Some` (fixes applied, diff) when its text changed.
fn fix_file(path: &Path, shown: &str, options: FixOptions<'_>, write: bool) -> Result<Option<(usize, String)>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    // Fixes are edits of a UTF-8 text (a UTF-16 file's are never applied: see the engine).
    let Ok(text) = String::from_utf8(bytes) else { return Ok(None) };
    let fixed = fix_text(shown, &text, options);
    if !fixed.changed(&text) {
        return Ok(None);
    }
    let diff = if write { String::new() } else { unified_diff(shown, &text, &fixed.text) };
    if write {
        use std::io::Write as _;
        crate::baseline::write_atomic(path, |w| w.write_all(fixed.text.as_bytes()))
            .map_err(|e| format!("writing {shown}: {e}"))?;
    }
    Ok(Some((fixed.applied, diff)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;
    use crate::source::Span;

    #[test]
    fn a_fix_that_would_break_the_json_is_not_applied() {
        let text = "{\"a\": 1, // x\n\"b\": 2}";
        let comment = Fix::safe("delete the comment", vec![Edit::delete(Span::new(9, 13))]);
        let breaks = Fix::safe("break it", vec![Edit::delete(Span::new(0, 1))]);
        let round = apply_keeping_json("p.json", text, &[&comment, &breaks]);
        assert_eq!(round.text, "{\"a\": 1, \n\"b\": 2}");
        assert_eq!(round.applied, vec![0]);
    }

    #[test]
    fn a_text_that_does_not_parse_is_left_alone() {
        let text = "{\"a\": 1, // x\n\"b\": }";
        let comment = Fix::safe("delete the comment", vec![Edit::delete(Span::new(9, 13))]);
        assert!(apply_keeping_json("p.json", text, &[&comment]).applied.is_empty());
    }

    #[test]
    fn a_round_is_sound_only_without_the_findings_it_fixed() {
        let registry = Registry::builtin();
        let settings = registry.default_settings();
        let options = FixOptions { registry: &registry, settings: &settings, unsafe_ok: false, baseline: None };
        let check = |text: &str| {
            engine::check_input(Input::Text { name: "p.json", text: text.to_string() }, &registry, &settings)
        };
        let text = "{\"Version\": \"2012-10-17\", // a\n// b\n\"Statement\": []}";
        let before = check(text);
        let fixes = applicable(&before, &options);
        assert_eq!(fixes.len(), 2, "{fixes:?}");
        let keys: Vec<FindingKey<'_>> = fixes.iter().map(|(_, k)| *k).collect();
        // Both comments gone; one gone (of two alike, one fix); none gone.
        let none_left = check("{\"Version\": \"2012-10-17\", \n\"Statement\": []}");
        let one_left = check("{\"Version\": \"2012-10-17\", \n// b\n\"Statement\": []}");
        assert!(fixed(&before, &none_left, keys.iter().copied()));
        assert!(fixed(&before, &one_left, keys[..1].iter().copied()));
        assert!(!fixed(&before, &one_left, keys.iter().copied()));
        assert!(!fixed(&before, &before, keys[..1].iter().copied()));
    }

    #[test]
    fn the_diff_escapes_control_characters_but_keeps_tabs_and_line_endings() {
        let diff = unified_diff("p.json", "{\"a\": \"\u{1b}[2J\"}\r\n\t{}\r\n", "{}\r\n\t{}\r\n");
        assert!(diff.starts_with("--- p.json\n+++ p.json\n"), "{diff}");
        assert!(!diff.contains('\u{1b}') && diff.contains("\\u{1b}"), "{diff}");
        assert!(diff.contains("\n+{}\r\n \t{}\r\n"), "{diff:?}");
    }
}
