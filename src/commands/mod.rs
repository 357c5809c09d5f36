//! The commands: `check` (the default), `rules`, `explain` and `preflight`. Each turns its
//! parsed arguments into a run and an exit status.

mod check;
mod explain;
mod preflight;

use crate::cli::{Cli, Command, RuleSource};
use crate::config::{load_config, registry_for};
use crate::rules::Registry;

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
    let color = cli.color_choice();
    match cli.command {
        Some(Command::Rules { format, rules }) => explain::rules(&rule_source(&rules)?, format),
        Some(Command::Explain { rule, format, rules }) => explain::explain(&rule_source(&rules)?, &rule, format),
        Some(Command::Check(args)) => check::run(args, color),
        Some(Command::Preflight(args)) => preflight::run(args, &Registry::builtin()),
        None => check::run(cli.check, color),
    }
}

fn rule_source(src: &RuleSource) -> Result<Registry, String> {
    let config = load_config(src.config.as_deref(), src.isolated)?;
    registry_for(&src.rules_dir, config.as_ref())
}
