//! `cmek-lint check`: command-line arguments into a run: settings, discovery, checking, output,
//! exit code.

use super::ExitStatus;
use crate::cli::{CheckArgs, ColorChoice};
use crate::config::{self, LoadedConfig, load_config, registry_for};
use crate::diagnostic::Severity;
use crate::engine::FileReport;
use crate::engine::{self, Input};
use crate::render::{self, Format, Notice, RenderOptions, Run, Summary};
use crate::rules::Registry;
use crate::settings::Settings;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

/// Build the settings of a check run: defaults, then the config file, then the flags.
fn settings_with(args: &CheckArgs, registry: &Registry, config: Option<&LoadedConfig>) -> Result<Settings, String> {
    let mut settings = registry.default_settings();
    if let Some(c) = config {
        config::apply_parsed(&c.path, &c.text, &c.file, registry, &mut settings).map_err(|e| e.to_string())?;
    }
    if !args.select.is_empty() {
        settings.enabled.iter_mut().for_each(|e| *e = false);
        for sel in &args.select {
            let hits = registry.select(sel);
            if hits.is_empty() {
                return Err(format!("--select `{sel}` names no rule"));
            }
            hits.into_iter().for_each(|i| settings.enabled[i] = true);
        }
    }
    for sel in &args.ignore {
        let hits = registry.select(sel);
        if hits.is_empty() {
            return Err(format!("--ignore `{sel}` names no rule"));
        }
        hits.into_iter().for_each(|i| settings.enabled[i] = false);
    }
    if let Some(acct) = &args.pinecone_account {
        if !crate::policy::arn::is_account_id(acct) {
            return Err(format!("--pinecone-account must be 12 digits, found `{acct}`"));
        }
        settings.pinecone_account = Some(acct.clone());
    }
    if !args.regions.is_empty() {
        settings.regions = args.regions.clone();
    }
    args.console.apply(&mut settings.console);
    settings.forced_kind = args.kind;
    Ok(settings)
}

pub(super) fn run(args: CheckArgs, color: ColorChoice) -> Result<ExitStatus, String> {
    let started = std::time::Instant::now();
    let config = load_config(args.config.as_deref(), args.isolated)?;
    let registry = registry_for(&args.rules_dir, config.as_ref())?;
    let registry = &registry;
    let settings = settings_with(&args, registry, config.as_ref())?;
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

    let mut reports: Vec<FileReport> = Vec::new();
    let stdin_used = paths.iter().any(|p| p.as_os_str() == "-");
    let file_paths: Vec<PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    let json = args.format == Some(Format::Json) || file_format == Some(Format::Json);
    // Standard input is a setup pass of its own; its setups are listed first.
    let mut setups: Vec<serde_json::Value> = Vec::new();
    if stdin_used {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("reading standard input: {e}"))?;
        let name = args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".into());
        let (report, described) = engine::check_alone(Input::Text { name: &name, text }, registry, &settings, json);
        reports.push(report);
        setups.extend(described.into_iter().map(|d| d.json));
    }
    let discover = crate::discover::Options { exclude: args.exclude.clone(), follow_symlinks: args.follow_symlinks };
    let job = crate::driver::Job {
        paths: &file_paths,
        discover: &discover,
        jobs: args.jobs.unwrap_or(0),
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
    let checked = crate::driver::check_paths(&job, registry, &settings)?;
    let tally = checked.tally;
    reports.extend(checked.reports);
    if !checked.walk_errors.is_empty() {
        reports.push(FileReport { path: String::new(), errors: checked.walk_errors, ..Default::default() });
    }
    let has_errors = reports.iter().any(|r| !r.errors.is_empty());

    let mut notices: Vec<Notice> = settings.suppress.notices(&settings.enabled);
    let mut written_baseline = None;
    if let Some(path) = &args.write_baseline {
        if has_errors {
            return Err(format!(
                "not writing baseline {}: some files could not be checked ({})",
                path.display(),
                reports.iter().flat_map(|r| r.errors.iter()).next().map_or("", String::as_str)
            ));
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
    };

    if let (Some(path), Some(format)) = (&args.output, file_format) {
        let write = || -> std::io::Result<()> {
            let file = std::fs::File::create(path)?;
            let mut w = std::io::BufWriter::new(file);
            render::render(format, &run, &RenderOptions { color: false }, &mut w)?;
            w.flush()
        };
        write().map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    let format = if args.output.is_some() { Format::Human } else { args.format.unwrap_or(Format::Human) };
    let color = color.enabled(std::io::stdout().is_terminal());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = render::render(format, &run, &RenderOptions { color }, &mut out).and_then(|()| out.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("writing output: {e}"));
    }
    for e in reports.iter().flat_map(|r| r.errors.iter()) {
        eprintln!("cmek-lint: error: {}", render::escape::terminal(e));
    }
    if matches!(format, Format::Human | Format::Concise) {
        for n in &notices {
            eprintln!("{}", render::escape::terminal(&n.one_line()));
        }
    }
    if !args.quiet && format.is_human() {
        eprintln!("{}", render::summary_line(&summary));
    }
    if let Some((path, n)) = written_baseline {
        eprintln!("Wrote {n} finding{} to baseline {}", if n == 1 { "" } else { "s" }, path.display());
    }

    if has_errors {
        return Ok(ExitStatus::Error);
    }
    if args.write_baseline.is_some() {
        return Ok(ExitStatus::Success);
    }
    let failing = engine::max_severity(&reports).is_some_and(|s| s >= fail_on);
    Ok(if failing && !args.exit_zero { ExitStatus::Failure } else { ExitStatus::Success })
}
