//! The commands: `check` (the default), `rules`, `explain`, `preflight` and `access`. Each turns its
//! parsed arguments into a run and an exit status.

mod access;
mod check;
mod error;
mod explain;
pub mod fix;
mod generate;
mod preflight;

pub use error::ToolError;

use crate::cli::{Cli, ColorChoice, Command, RuleSource};
use crate::config::{LoadedConfig, extra_rule_dirs, load_config};
use crate::rules::Registry;
use std::io::{IsTerminal, Write};
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

/// Run the command line. `Err` is a tool error, for exit code 2 (see [`report_error`]).
pub fn run(cli: Cli) -> Result<ExitStatus, ToolError> {
    let color = cli.color_choice();
    match cli.command {
        Some(Command::Rules { format, rules }) => explain::rules(&rule_source(&rules)?, format),
        Some(Command::Explain { rule, format, rules }) => explain::explain(&rule_source(&rules)?, &rule, format),
        Some(Command::Check(args)) => check::run(args, color),
        Some(Command::Preflight(args)) => preflight::run(args, &Registry::builtin()),
        Some(Command::Generate(args)) => generate::run(args),
        Some(Command::Access(args)) => access::run(args, &Registry::builtin(), color),
        None => check::run(cli.check, color),
    }
}

/// Write a tool error to standard error, decided once for the run: miette's report when
/// stderr is a terminal (coloured per `--color`), the one-line `cmek-lint: error: ...` form
/// otherwise (CI logs, pipes, editors).
pub fn report_error(error: &ToolError, color: ColorChoice) {
    let terminal = std::io::stderr().is_terminal();
    write_stderr(&error.report(terminal, color.enabled(terminal)));
}

fn rule_source(src: &RuleSource) -> Result<Registry, ToolError> {
    let config = load_config(src.config.as_deref(), src.isolated)?;
    registry_for(&src.rules_dir, config.as_ref())
}

/// The rules of a run: built-in, plus `--rules-dir` directories, plus `[rules] extra`.
fn registry_for(rules_dirs: &[PathBuf], config: Option<&LoadedConfig>) -> Result<Registry, ToolError> {
    let mut dirs = rules_dirs.to_vec();
    if let Some(c) = config {
        dirs.extend(extra_rule_dirs(&c.path, &c.text, &c.file)?);
    }
    Ok(Registry::with_user_rules(&dirs)?)
}

/// Write to standard output; a closed stdout (`| head -1`) ends the output quietly.
fn write_stdout(text: &str) -> Result<(), ToolError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("writing output: {e}").into()),
        _ => Ok(()),
    }
}

/// Write to standard error; a closed stderr is ignored (nothing else could tell).
fn write_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}
