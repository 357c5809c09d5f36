//! The pipeline for one file — read (`read`) → parse and extract, per input format
//! (`front_end`) → rules, dispatched by scope (`run`) → the sink (`sink`), which decides what is
//! reported, for file-level and cross-document (`setup_pass`) findings alike. The driver over
//! many files is `crate::driver`.

use crate::settings::Settings;
mod documents;
mod encoding;
mod fix_place;
mod front_end;
mod read;
mod report;
mod run;
mod setup_pass;
mod sink;

pub use documents::{FileDocument, FileDocuments, documents_with_referenced, outline};
pub use report::{FileReport, STDIN_NAME};
pub use setup_pass::{cross_enabled, setup_pass};

use crate::diagnostic::{Diagnostic, Resolved, ResolvedLabel, Severity};
use crate::extract::{self, Followed};
use crate::policy::PolicyKind;
use crate::rules::Registry;
use crate::source::{LineIndex, SourceLine};
use read::Read;
use run::FileRun;
use sink::Sink;
use std::path::Path;

/// Input of one check: a path on disk, a text with a display name, or bytes read from a
/// stream (standard input) with a display name. Bytes longer than `[limits] max_file_size` are
/// taken as "at least that long": read standard input with [`read_bounded`].
pub enum Input<'a> {
    /// `explicit`: named by the user (a file without a policy is reported). `walked`: found by
    /// walking a folder, a regular file by its directory entry (opened before its metadata is
    /// read: see `read`).
    File {
        path: &'a Path,
        explicit: bool,
        walked: bool,
    },
    Text {
        name: &'a str,
        text: String,
    },
    Bytes {
        name: &'a str,
        bytes: Vec<u8>,
    },
}

/// Read a stream (standard input) up to `limit + 1` bytes: enough to tell it is over the limit
/// (CMK008) without holding more.
pub fn read_bounded(stream: impl std::io::Read, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    stream.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
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
/// referred-to file. A report with setup facts may still get cross-document findings: when a
/// cross-document rule is enabled, its findings are final only after [`setup_pass`] (which
/// applies the file's suppressions to those too).
pub fn check_with_referenced(input: Input<'_>, registry: &Registry, settings: &Settings) -> Vec<(FileReport, bool)> {
    let name = match &input {
        Input::File { path, .. } => crate::source::path_text(path),
        Input::Text { name, .. } | Input::Bytes { name, .. } => (*name).to_string(),
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
        let shown = crate::source::path_text(&f.path);
        let context =
            Context { kind: f.kind, origin: f.origin.clone(), scope: scope.clone(), resource: f.resource.clone() };
        let (mut report, _) = guarded(&shown, || {
            check_file(Input::File { path: &f.path, explicit: true, walked: false }, registry, settings, Some(&context))
        });
        report.followed = true;
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

pub use crate::fix::Syntax;

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

/// Check one file: read it (`read`), then hand its text to the front end of its format
/// (`front_end`), which runs the rules (`run`), their findings going through the sink (`sink`).
fn check_file(
    input: Input<'_>,
    registry: &Registry,
    settings: &Settings,
    context: Option<&Context>,
) -> (FileReport, Vec<Followed>) {
    let fs_path = match input {
        Input::File { path, .. } => Some(path.to_path_buf()),
        Input::Text { .. } | Input::Bytes { .. } => None,
    };
    let (mut report, followed) = check_read(input, registry, settings, context);
    report.fs_path = fs_path;
    (report, followed)
}

/// `check_file` past its path: the report of what reading and checking the input gave.
fn check_read(
    input: Input<'_>,
    registry: &Registry,
    settings: &Settings,
    context: Option<&Context>,
) -> (FileReport, Vec<Followed>) {
    let sink = Sink::new(registry, settings);
    let source = match read::read(input, settings.max_file_size) {
        Read::Bytes(source) => source,
        Read::TooLarge { display, path, len, exact } => {
            let mut run = FileRun::new(&display, &path, "", sink);
            run.too_large(len, exact);
            return (run.finish(""), Vec::new());
        }
        Read::Failed(report) => return (report, Vec::new()),
    };
    let (display, path) = (source.display.as_str(), source.path.as_path());
    // UTF-16 or UTF-32 (PowerShell 5's `>`): checked decoded, and reported (CMK007).
    let sniffed = if source.is_text { None } else { encoding::sniff(&source.bytes) };
    let decoded = sniffed.map(|s| encoding::decode(&source.bytes, s));
    let text = match decoded.as_deref().map_or_else(|| std::str::from_utf8(&source.bytes), Ok) {
        Ok(t) => t,
        Err(e) => {
            let lossy = String::from_utf8_lossy(&source.bytes[..e.valid_up_to()]).into_owned();
            // Whether it may hold a policy is told from all of it, not only the text before
            // the first invalid byte (`"Id": "café"` in Latin-1 before `"Statement"`).
            if !source.explicit && !extract::may_hold_policy(&String::from_utf8_lossy(&source.bytes)) {
                return (FileReport { path: source.display, skipped: true, ..Default::default() }, Vec::new());
            }
            let run = FileRun::new(display, path, &lossy, sink);
            return front_end::not_utf8(run, &source.bytes, e.valid_up_to());
        }
    };

    // A referred-to file is a policy, whatever its name.
    let syntax = if context.is_some() { Syntax::Json } else { detect_syntax(display, text) };
    let may_hold = match syntax {
        Syntax::Json => extract::may_hold_policy(text),
        Syntax::Yaml => extract::may_hold_cfn(text),
        Syntax::Hcl => extract::may_hold_terraform(text),
    };
    // An empty `.json` file is a finding when walked into too (CMK001): an export that failed
    // leaves one, and a gate must not pass it as "holds no policy".
    let empty_json = syntax == Syntax::Json
        && display.to_ascii_lowercase().ends_with(".json")
        && text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').is_empty();
    let mut run = FileRun::new(display, path, text, sink);
    if !source.explicit && !may_hold && !empty_json {
        return (run.skipped(), Vec::new());
    }
    run.origin = context.map(|c| c.origin.clone());
    run.scope = context.map(|c| c.scope.as_str());
    // A decoded text's lines are not the file's: locations keep their line (see `Site`).
    run.on_disk = source.on_disk && decoded.is_none();
    // Fixes are edits of the file's bytes: only a text read as it is has them.
    run.syntax = decoded.is_none().then_some(syntax);
    if let Some(sniffed) = sniffed {
        run.not_utf8_encoding(sniffed);
    }
    match syntax {
        Syntax::Json => front_end::json(run, text, source.explicit, context),
        Syntax::Yaml => front_end::yaml(run, text, source.explicit),
        Syntax::Hcl => front_end::hcl(run, text, path, source.explicit),
    }
}

/// Resolve positions and, with `lines`, capture the lines a snippet needs.
pub fn resolve(diagnostic: Diagnostic, index: &LineIndex<'_>, lines: bool) -> Resolved {
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
    if !lines {
        return Resolved { diagnostic, start, end, labels, lines: Vec::new() };
    }
    let mut wanted: Vec<u32> = vec![start.line];
    if end.line != start.line {
        wanted.push(end.line);
    }
    wanted.extend(labels.iter().map(|l| l.start.line));
    wanted.sort_unstable();
    wanted.dedup();
    // What the snippet points at, for the window kept of a long line.
    let spans: Vec<(usize, usize)> = std::iter::once(diagnostic.span)
        .chain(diagnostic.labels.iter().map(|l| l.span))
        .map(|s| (s.start as usize, s.end as usize))
        .collect();
    let lines = wanted.into_iter().map(|l| SourceLine::around(index, l, &spans)).collect();
    Resolved { diagnostic, start, end, labels, lines }
}

/// Highest severity in a set of reports, if any.
pub fn max_severity(reports: &[FileReport]) -> Option<Severity> {
    reports.iter().flat_map(|r| r.diagnostics.iter().map(|d| d.diagnostic.severity)).max()
}
