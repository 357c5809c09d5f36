//! `cmek-lint check`: command-line arguments into a run: settings, discovery, checking, output,
//! exit code.

use super::{ExitStatus, ToolError, registry_for, write_stderr, write_stdout};
use crate::cli::{CheckArgs, ColorChoice, ConsoleArgs};
use crate::config::{self, Invalid, LoadedConfig, load_config};
use crate::diagnostic::Severity;
use crate::engine::FileReport;
use crate::engine::{self, Input};
use crate::render::{self, Format, Notice, RenderOptions, Run, Summary};
use crate::rules::Registry;
use crate::settings::Settings;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// A command-line value that cannot be valid: a usage error.
fn usage(invalid: Invalid) -> ToolError {
    ToolError::usage(invalid.message, invalid.help)
}

/// Build the settings of a check run: defaults, then the config file, then the flags.
fn settings_with(args: &CheckArgs, registry: &Registry, config: Option<&LoadedConfig>) -> Result<Settings, ToolError> {
    let mut settings = registry.default_settings();
    if let Some(c) = config {
        config::apply_parsed(&c.path, &c.text, &c.file, registry, &mut settings)?;
    }
    let flag = |name: &'static str| move |s: &String| (format!("{name} `{s}`"), s.clone());
    config::apply_selection(registry, &mut settings, &args.select, &[], flag("--select")).map_err(|(_, e)| usage(e))?;
    config::apply_selection(registry, &mut settings, &[], &args.ignore, flag("--ignore")).map_err(|(_, e)| usage(e))?;
    if let Some(acct) = &args.pinecone_account {
        config::check_account_id("--pinecone-account", acct).map_err(usage)?;
        settings.pinecone_account = Some(acct.clone());
    }
    if !args.regions.is_empty() {
        for r in &args.regions {
            config::check_region(&format!("--regions `{r}`"), r).map_err(usage)?;
        }
        settings.regions = args.regions.clone();
    }
    check_console_args(&args.console)?;
    args.console.apply(&mut settings.console);
    settings.forced_kind = args.kind;
    Ok(settings)
}

/// `--role-arn`, `--key-arn`, `--external-id`: refused when they can never be valid.
pub(super) fn check_console_args(console: &ConsoleArgs) -> Result<(), ToolError> {
    if let Some(v) = &console.role_arn {
        config::check_role_arn(&format!("--role-arn `{v}`"), v).map_err(usage)?;
    }
    if let Some(v) = &console.key_arn {
        config::check_key_arn(&format!("--key-arn `{v}`"), v).map_err(usage)?;
    }
    if let Some(v) = &console.external_id {
        config::check_external_id(&format!("--external-id `{v}`"), v).map_err(usage)?;
    }
    Ok(())
}

/// A path that does not exist but is a subcommand's name, misspelt (`cmek-lint chek x`).
fn misspelt_subcommand(paths: &[PathBuf]) -> Option<ToolError> {
    let first = paths.first()?;
    let name = first.to_str()?;
    if first.exists() || name == "-" || name.contains(['/', '\\', '.']) {
        return None;
    }
    let subcommand = crate::rules::util::did_you_mean(name, crate::cli::SUBCOMMANDS.iter().copied())?;
    Some(ToolError::usage(
        format!("{name}: no such file or directory"),
        Some(format!(
            "did you mean the subcommand `{subcommand}`? Options may come before or after it: \
             `cmek-lint {subcommand} --format concise infra`"
        )),
    ))
}

pub(super) fn run(args: CheckArgs, color: ColorChoice) -> Result<ExitStatus, ToolError> {
    let started = std::time::Instant::now();
    if let Some(e) = misspelt_subcommand(&args.paths) {
        return Err(e);
    }
    let config = load_config(args.config.as_deref(), args.isolated)?;
    let registry = registry_for(&args.rules_dir, config.as_ref())?;
    let registry = &registry;
    let mut settings = settings_with(&args, registry, config.as_ref())?;
    // Output destinations are settled before any work, so a bad --output fails fast.
    let file_format =
        match (&args.output, args.format) {
            (Some(_), Some(f)) => Some(f),
            (Some(path), None) => Some(Format::from_file_name(path).ok_or_else(|| {
                format!("cannot tell the format of `{}` from its name; pass --format", path.display())
            })?),
            (None, _) => None,
        };
    let baseline = args.baseline.as_deref().map(crate::baseline::Baseline::read).transpose()?;
    let paths: Vec<PathBuf> = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    // The files the run will write, and the inputs named before it starts: a report or a
    // baseline never replaces a file the run reads.
    let writes = Writes::new(&args)?;
    let mut named: Vec<(PathBuf, &str)> =
        paths.iter().filter(|p| p.as_os_str() != "-" && p.is_file()).map(|p| (p.clone(), "checked")).collect();
    named.extend(config.as_ref().map(|c| (c.path.clone(), "the configuration file")));
    named.extend(args.baseline.iter().map(|p| (p.clone(), "the baseline read")));
    for (input, what) in &named {
        if let Some(i) = writes.index_of(input) {
            // Reading the baseline and rewriting it is what --write-baseline is for.
            if *what == "the baseline read" && writes.targets[i].1 == "baseline" {
                continue;
            }
            return Err(writes.refuse(i, input, what));
        }
    }

    let mut reports: Vec<FileReport> = Vec::new();
    let stdin_used = paths.iter().any(|p| p.as_os_str() == "-");
    let file_paths: Vec<PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    // The HTML report shows `cmek-lint access`'s table of each setup of the files (not of
    // standard input). `access` refuses a file it cannot read or parse (the check reports it):
    // the report's notes then say why the table is missing.
    let (access, access_error) =
        if (args.format == Some(Format::Html) || file_format == Some(Format::Html)) && !file_paths.is_empty() {
            match super::access::tables(&file_paths, &mut settings, false) {
                Ok(t) => (t, None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            }
        } else {
            (Vec::new(), None)
        };
    // Findings keep source lines only for an output that shows them, or a baseline's
    // fingerprints (standard output is human when a report goes to --output).
    let stdout_format = if args.output.is_some() { Format::Human } else { args.format.unwrap_or(Format::Human) };
    settings.source_lines = stdout_format.shows_source_lines()
        || file_format.is_some_and(Format::shows_source_lines)
        || baseline.is_some()
        || args.write_baseline.is_some();
    settings.rule_threads = args.jobs.map_or(0, usize::from);
    let settings = settings;
    let json = args.format == Some(Format::Json) || file_format == Some(Format::Json);
    // Standard input is a setup pass of its own; its setups are listed first.
    let mut setups: Vec<serde_json::Value> = Vec::new();
    let fixing = args.fix || args.diff;
    let fix_options = super::fix::FixOptions {
        registry,
        settings: &settings,
        unsafe_ok: args.unsafe_fixes,
        baseline: baseline.as_ref(),
    };
    if args.unsafe_fixes && !fixing {
        return Err(ToolError::usage(
            "--unsafe-fixes applies fixes only with --fix or --diff".to_string(),
            Some("add --fix to apply the fixes, or --diff to see them".into()),
        ));
    }
    if fixing && stdin_used {
        if !file_paths.is_empty() {
            return Err(ToolError::usage(
                "--fix and --diff take standard input (`-`) alone: its fixed text goes to standard output".to_string(),
                Some("fix the files in one run and standard input in another".into()),
            ));
        }
        return fix_stdin(&args, fix_options);
    }
    if stdin_used {
        // Read no more than the size limit and a byte: over it, CMK008 without holding it all.
        let bytes = engine::read_bounded(std::io::stdin().lock(), settings.max_file_size)
            .map_err(|e| format!("reading standard input: {e}"))?;
        let name = args.stdin_filename.clone().unwrap_or_else(|| engine::STDIN_NAME.into());
        let (report, described) = engine::check_alone(Input::Bytes { name: &name, bytes }, registry, &settings, json);
        reports.push(report);
        setups.extend(described.into_iter().map(|d| d.json));
    }
    let mut exclude = settings.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let discover = crate::discover::Options {
        exclude,
        force_exclude: args.force_exclude || settings.force_exclude,
        follow_symlinks: args.follow_symlinks,
    };
    let job = crate::driver::Job {
        paths: &file_paths,
        discover: &discover,
        jobs: args.jobs.map_or(0, usize::from),
        explicit: !args.skip_non_policy_files,
        keep: crate::driver::Retention {
            // JUnit has a test case per file, clean or not, and a baseline tells recorded
            // findings that are gone from the files checked, clean ones included; otherwise
            // only files with something to show are kept, a clean file is only counted.
            clean: args.format == Some(Format::Junit) || file_format == Some(Format::Junit) || baseline.is_some(),
            facts: false,
            // `setups` appear only in JSON output.
            setups: json,
        },
    };
    let watch = crate::driver::Watch {
        guard: &writes.ids,
        // A single updating line, only for a person watching a terminal (never CI logs, pipes).
        progress: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
    };
    // `--fix`/`--diff`: the files are checked, fixed (or diffed), then checked again below for
    // what remains.
    let mut fixed = None;
    if fixing {
        let first = crate::driver::check_paths_watched(&job, &watch, registry, &settings)?;
        if let Some((i, input)) = first.clobbered.first() {
            return Err(writes.refuse(writes.index_of_id(*i), Path::new(input), "checked"));
        }
        let outcome = super::fix::fix_files(&first.reports, fix_options, args.fix);
        if args.diff {
            return finish_diff(&outcome);
        }
        fixed = Some(outcome);
    }
    let checked = crate::driver::check_paths_watched(&job, &watch, registry, &settings)?;
    if let Some((i, input)) = checked.clobbered.first() {
        return Err(writes.refuse(writes.index_of_id(*i), Path::new(input), "checked"));
    }
    let tally = checked.tally;
    reports.extend(checked.reports);
    if !checked.walk_errors.is_empty() {
        reports.push(FileReport { path: String::new(), errors: checked.walk_errors, ..Default::default() });
    }
    if let Some(outcome) = &fixed
        && !outcome.errors.is_empty()
    {
        reports.push(FileReport { path: String::new(), errors: outcome.errors.clone(), ..Default::default() });
    }
    let has_errors = reports.iter().any(|r| !r.errors.is_empty());
    // Nothing at all checked (an empty folder, a folder of non-policy files, a directory
    // named `x.json`): not a clean run. Pre-commit (`--skip-non-policy-files`) names whatever
    // files changed, policies or not: nothing to check is fine there; so is a path named and
    // excluded on purpose (`--exclude`, `--force-exclude`).
    let policies = tally.policies + reports.iter().map(|r| r.policies).sum::<usize>();
    let diagnostics = reports.iter().any(|r| !r.diagnostics.is_empty());
    if !stdin_used
        && !has_errors
        && !diagnostics
        && policies == 0
        && !args.skip_non_policy_files
        && !crate::discover::any_excluded(&file_paths, &discover)?
    {
        let looked = tally.checked + tally.skipped + reports.len();
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(ToolError::usage(
            format!(
                "nothing checked: no policy found in {} ({looked} file{} looked at)",
                shown.join(", "),
                if looked == 1 { "" } else { "s" }
            ),
            Some(
                "cmek-lint checks .json, .yaml/.yml, .template, .tf and .tfstate files holding IAM or KMS \
                 policies; pass --skip-non-policy-files to accept a run with none (as pre-commit does)"
                    .into(),
            ),
        ));
    }

    let mut notices: Vec<Notice> = settings.suppress.notices(&settings.enabled);
    if let Some(e) = access_error {
        notices.push(Notice {
            severity: Severity::Info,
            message: format!("no access table (as `cmek-lint access`): {e}"),
            file: None,
            line: 0,
            column: 0,
            rule: None,
        });
    }
    let mut written_baseline = None;
    if let Some(path) = &args.write_baseline {
        if has_errors {
            return Err(ToolError::Other(format!(
                "not writing baseline {}: some files could not be checked ({})",
                path.display(),
                reports.iter().flat_map(|r| r.errors.iter()).next().map_or("", String::as_str)
            )));
        }
        written_baseline = Some((path, crate::baseline::write(path, &reports)?));
    }
    let mut baselined = 0;
    if let Some(b) = &baseline {
        let (removed, notice) = b.filter(&mut reports);
        baselined = removed;
        notices.extend(notice);
    }

    let mut summary = Summary::new(&reports, started.elapsed().as_millis());
    summary.files_checked += tally.checked;
    summary.files_skipped += tally.skipped;
    summary.policies += tally.policies;
    setups.extend(checked.setups);
    summary.setups = setups;
    summary.suppressed = settings.suppress.suppressed();
    summary.baselined = baselined;
    let fail_on = args.fail_on.unwrap_or(Severity::Error);
    let rule_severity: Vec<Severity> =
        registry.rules.iter().enumerate().map(|(i, r)| settings.severity[i].unwrap_or(r.record.severity)).collect();
    let run = Run {
        reports: &reports,
        summary: &summary,
        notices: &notices,
        registry,
        rule_severity: &rule_severity,
        fail_on,
        access: &access,
    };

    if let (Some(path), Some(format)) = (&args.output, file_format) {
        crate::baseline::write_atomic(path, |w| render::render(format, &run, &RenderOptions { color: false }, w))
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    let format = stdout_format;
    let color = color.enabled(std::io::stdout().is_terminal());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = render::render(format, &run, &RenderOptions { color }, &mut out).and_then(|()| out.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("writing output: {e}").into());
    }
    // Standard error, written at once; a closed stderr (`2>&1 | head -1`) is not an error.
    let mut err = String::new();
    for e in reports.iter().flat_map(|r| r.errors.iter()) {
        err.push_str(&format!("cmek-lint: error: {}\n", render::escape::terminal(e)));
    }
    if matches!(format, Format::Human | Format::Concise) {
        for n in &notices {
            err.push_str(&format!("{}\n", render::escape::terminal(&n.one_line())));
        }
    }
    if let Some(outcome) = &fixed {
        err.push_str(&outcome.summary());
        let unsafe_left = reports.iter().flat_map(|r| &r.diagnostics).filter(|d| {
            d.diagnostic
                .fix
                .as_ref()
                .is_some_and(|f| f.applicability == crate::fix::Applicability::Unsafe && f.applies(true))
        });
        let n = unsafe_left.count();
        if n > 0 && !args.unsafe_fixes {
            err.push_str(&format!(
                "{n} more finding{} can be fixed with --unsafe-fixes (they change what the policy allows: review the diff with --diff --unsafe-fixes first)\n",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    if !args.quiet && format.is_human() {
        err.push_str(&format!("{}\n", render::summary_line(&summary)));
    }
    if let Some((path, n)) = written_baseline {
        err.push_str(&format!("Wrote {n} finding{} to baseline {}\n", if n == 1 { "" } else { "s" }, path.display()));
    }
    write_stderr(&err);

    let failing = engine::max_severity(&reports).is_some_and(|s| s >= fail_on);
    // Everything is written: the process ends next, and freeing a large run's findings one
    // by one only delays that (5% of a run with 200,000 findings).
    std::mem::forget(reports);
    if has_errors {
        return Ok(ExitStatus::Error);
    }
    if args.write_baseline.is_some() {
        return Ok(ExitStatus::Success);
    }
    Ok(if failing && !args.exit_zero { ExitStatus::Failure } else { ExitStatus::Success })
}

/// `--diff`: the diffs on standard output; exit 1 when a file would change.
fn finish_diff(outcome: &super::fix::Outcome) -> Result<ExitStatus, ToolError> {
    write_stdout(&outcome.diff)?;
    if !outcome.errors.is_empty() {
        let err: String =
            outcome.errors.iter().map(|e| format!("cmek-lint: error: {}\n", render::escape::terminal(e))).collect();
        write_stderr(&err);
        return Ok(ExitStatus::Error);
    }
    Ok(if outcome.files.is_empty() { ExitStatus::Success } else { ExitStatus::Failure })
}

/// `--fix`/`--diff` on standard input: the fixed text (or the diff) on standard output, as
/// ruff does for editors; what remains is counted on standard error and sets the exit code.
fn fix_stdin(args: &CheckArgs, options: super::fix::FixOptions<'_>) -> Result<ExitStatus, ToolError> {
    let bytes = engine::read_bounded(std::io::stdin().lock(), options.settings.max_file_size)
        .map_err(|e| format!("reading standard input: {e}"))?;
    let name = args.stdin_filename.clone().unwrap_or_else(|| engine::STDIN_NAME.into());
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(ToolError::usage(
            "--fix and --diff read UTF-8 standard input only".to_string(),
            Some("convert it to UTF-8 first (`iconv -t UTF-8`)".into()),
        ));
    };
    if text.len() as u64 > options.settings.max_file_size {
        return Err(ToolError::usage(
            "standard input is larger than `[limits] max_file_size`: not fixed".to_string(),
            Some("raise `[limits] max_file_size` in cmek-lint.toml".into()),
        ));
    }
    let fixed = super::fix::fix_text(&name, &text, options);
    let shown = if args.diff { super::fix::unified_diff(&name, &text, &fixed.text) } else { fixed.text.clone() };
    write_stdout(&shown)?;
    if args.diff {
        return Ok(if fixed.changed(&text) { ExitStatus::Failure } else { ExitStatus::Success });
    }
    let report = engine::check_input(Input::Text { name: &name, text: fixed.text }, options.registry, options.settings);
    let fail_on = args.fail_on.unwrap_or(Severity::Error);
    let remaining = report.diagnostics.len();
    if !args.quiet {
        write_stderr(&format!(
            "Fixed {} finding{}; {remaining} remain{} (run without --fix to see them)\n",
            fixed.applied,
            if fixed.applied == 1 { "" } else { "s" },
            if remaining == 1 { "s" } else { "" }
        ));
    }
    if !report.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let failing = engine::max_severity(std::slice::from_ref(&report)).is_some_and(|s| s >= fail_on);
    Ok(if failing && !args.exit_zero { ExitStatus::Failure } else { ExitStatus::Success })
}

/// The files a run writes: the `--output` report and the `--write-baseline` baseline.
struct Writes {
    /// The path and what it is ("report", "baseline").
    targets: Vec<(PathBuf, &'static str)>,
    /// The identities of the targets that exist already, and which target each is.
    ids: Vec<crate::discover::FileId>,
    of_id: Vec<usize>,
}

impl Writes {
    fn new(args: &CheckArgs) -> Result<Self, ToolError> {
        let mut targets = Vec::new();
        targets.extend(args.output.iter().map(|p| (p.clone(), "report")));
        targets.extend(args.write_baseline.iter().map(|p| (p.clone(), "baseline")));
        let mut ids = Vec::new();
        let mut of_id = Vec::new();
        for (i, (p, _)) in targets.iter().enumerate() {
            if p.is_dir() {
                return Err(ToolError::usage(format!("cannot write to `{}`: it is a directory", p.display()), None));
            }
            if let Some(id) = crate::discover::FileId::of(p) {
                if ids.contains(&id) || targets[..i].iter().any(|(q, _)| q == p) {
                    return Err(ToolError::usage(
                        format!("--output and --write-baseline name the same file `{}`", p.display()),
                        Some("write the report and the baseline to different files".into()),
                    ));
                }
                ids.push(id);
                of_id.push(i);
            } else if targets[..i].iter().any(|(q, _)| q == p) {
                return Err(ToolError::usage(
                    format!("--output and --write-baseline name the same file `{}`", p.display()),
                    Some("write the report and the baseline to different files".into()),
                ));
            }
        }
        Ok(Writes { targets, ids, of_id })
    }

    /// The target that `input` is (the same file on disk), if any.
    fn index_of(&self, input: &Path) -> Option<usize> {
        let id = crate::discover::FileId::of(input)?;
        self.ids.iter().position(|g| *g == id).map(|i| self.of_id[i])
    }

    fn index_of_id(&self, i: usize) -> usize {
        self.of_id[i]
    }

    /// The error refusing to write target `i` over `input`.
    fn refuse(&self, i: usize, input: &Path, what: &str) -> ToolError {
        let (path, kind) = &self.targets[i];
        let flag = if *kind == "report" { "--output" } else { "--write-baseline" };
        let is = if what == "checked" {
            format!("`{}` is a file this run checks", input.display())
        } else {
            format!("`{}` is {what}", input.display())
        };
        ToolError::usage(
            format!(
                "refusing to write the {kind} to `{}`: it would replace an input of this run ({is})",
                path.display()
            ),
            Some(format!(
                "give {flag} a file that is not checked, e.g. outside the folders checked or with another name"
            )),
        )
    }
}
