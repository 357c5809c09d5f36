//! Turning command-line arguments into a run: settings, discovery, checking, output, exit code.

use crate::cli::{CheckArgs, Cli, Command};
use crate::config::{self, Settings};
use crate::diagnostic::{FileReport, Severity};
use crate::engine::{self, Input};
use crate::render::{self, Format, RenderOptions, Summary};
use crate::rules::Registry;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

/// Process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// Nothing at or above the fail threshold.
    Success = 0,
    /// Findings at or above the fail threshold.
    Failure = 1,
    /// Usage, configuration, I/O or internal error.
    Error = 2,
}

/// Run the command line. `Err` carries a one-line message for exit code 2.
pub fn run(cli: Cli) -> Result<ExitStatus, String> {
    let registry = Registry::builtin();
    match cli.command {
        Some(Command::Rules { format }) => crate::explain::rules(&registry, format),
        Some(Command::Explain { rule, format }) => crate::explain::explain(&registry, &rule, format),
        Some(Command::Check(args)) => check(args, &registry),
        Some(Command::Preflight(args)) => crate::preflight::run(args, &registry),
        None => check(cli.check, &registry),
    }
}

/// Build the settings of a check run: defaults, then the config file, then the flags.
pub fn settings_for(args: &CheckArgs, registry: &Registry) -> Result<Settings, String> {
    let mut settings = Settings::defaults(registry);
    let config_path = if args.isolated {
        None
    } else if let Some(p) = &args.config {
        Some(p.clone())
    } else {
        std::env::current_dir().ok().and_then(|d| config::discover(&d))
    };
    if let Some(path) = config_path {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        config::apply(&path, &text, registry, &mut settings).map_err(|e| e.to_string())?;
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
    settings.forced_kind = args.kind;
    Ok(settings)
}

fn check(args: CheckArgs, registry: &Registry) -> Result<ExitStatus, String> {
    let started = std::time::Instant::now();
    let settings = settings_for(&args, registry)?;
    let threads = args.jobs.unwrap_or(0);
    if threads > 0 {
        // A second initialisation (in tests) keeps the first pool; that is fine.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
    }
    let paths: Vec<PathBuf> = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };

    let mut reports: Vec<FileReport> = Vec::new();
    let stdin_used = paths.iter().any(|p| p.as_os_str() == "-");
    let file_paths: Vec<PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    let opts = crate::discover::Options {
        exclude: args.exclude.clone(),
        follow_symlinks: args.follow_symlinks,
        threads: if threads == 0 { std::thread::available_parallelism().map_or(2, |n| n.get()) } else { threads },
    };
    let (candidates, walk_errors) = crate::discover::discover(&file_paths, &opts)?;
    if stdin_used {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("reading standard input: {e}"))?;
        let name = args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".into());
        reports.push(engine::check_guarded(Input::Text { name: &name, text }, registry, &settings));
    }
    let list: Vec<(PathBuf, bool)> = candidates.into_iter().map(|c| (c.path, c.explicit)).collect();
    reports.extend(engine::check_files(&list, registry, &settings));
    if !walk_errors.is_empty() {
        reports.push(FileReport { path: String::new(), errors: walk_errors, ..Default::default() });
    }

    let mut summary = Summary::new(&reports, started.elapsed().as_millis());
    summary.setups = crate::setup::describe(&reports, &settings); // setup pass: `setups` of --format json
    let format = args.format.unwrap_or(Format::Human);
    let color =
        !args.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written =
        render::render(format, &reports, &summary, &RenderOptions { color }, &mut out).and_then(|()| out.flush());
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("writing output: {e}"));
        }
    }
    let errors: Vec<&String> = reports.iter().flat_map(|r| r.errors.iter()).collect();
    for e in &errors {
        eprintln!("cmek-lint: error: {e}");
    }
    if !args.quiet && format != Format::Json {
        eprintln!("{}", render::summary_line(&summary));
    }

    if !errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let fail_on = args.fail_on.unwrap_or(Severity::Error);
    let failing = engine::max_severity(&reports).is_some_and(|s| s >= fail_on);
    Ok(if failing && !args.exit_zero { ExitStatus::Failure } else { ExitStatus::Success })
}
