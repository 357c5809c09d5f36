//! Command-line interface.

use crate::diagnostic::Severity;
use crate::policy::PolicyKind;
use crate::render::Format;
use crate::settings::ConsoleValues;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "cmek-lint",
    version,
    about = "Audit the AWS IAM trust, permissions and KMS key policies of a Pinecone CMEK setup",
    long_about = "cmek-lint statically audits the IAM role trust policy, permissions policy and KMS key \
                  policy a customer writes so that Pinecone can use a customer-managed encryption key \
                  (CMEK), and reports every problem at its exact line and column.\n\n\
                  Running `cmek-lint [PATHS]` is the same as `cmek-lint check [PATHS]`.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
    /// When to use colours, for findings and for cmek-lint's own errors alike.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Same as `--color never` (also honoured: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
}

/// The largest `--jobs`: more threads than this only cost memory (each has its own stack and
/// buffers) and never speed up a run that reads files.
pub const MAX_JOBS: i64 = 256;

/// The subcommands' names (for [`subcommand_first`] and did-you-mean on a missing path).
pub const SUBCOMMANDS: &[&str] = &["check", "rules", "explain", "preflight", "generate", "access"];

/// The command line with a subcommand named after options moved first:
/// `cmek-lint --format concise check infra` is `cmek-lint check --format concise infra`
/// (options before the subcommand would otherwise be taken for `check`'s, and the subcommand
/// for a path, since `cmek-lint [PATHS]` is `cmek-lint check [PATHS]`).
pub fn subcommand_first(
    command: &clap::Command,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let takes_value = |arg: Option<&clap::Arg>| arg.is_some_and(|a| a.get_action().takes_values());
    let mut i = 1;
    while let Some(word) = args.get(i).and_then(|a| a.to_str()) {
        if word == "--" {
            break;
        } else if let Some(long) = word.strip_prefix("--") {
            if long.contains('=') {
                i += 1;
                continue;
            }
            let Some(arg) = command.get_arguments().find(|a| a.get_long() == Some(long)) else { break };
            i += if takes_value(Some(arg)) { 2 } else { 1 };
        } else if word.len() > 1 && word.starts_with('-') {
            let short = word[1..].chars().next();
            let arg = command.get_arguments().find(|a| a.get_short().is_some() && a.get_short() == short);
            i += if takes_value(arg) && word.chars().count() == 2 { 2 } else { 1 };
        } else {
            if i > 1 && SUBCOMMANDS.contains(&word) {
                let sub = args.remove(i);
                args.insert(1, sub);
            }
            break;
        }
    }
    args
}

/// Parse the command line: the `Command` is built once (building it is most of clap's cost on
/// a pre-commit call) and serves both [`subcommand_first`] and the parse. Exits as clap does on
/// `--help`, `--version` and usage errors. The values are moved out of the matches
/// (`from_arg_matches_mut`), not cloned from them first as `from_arg_matches` does.
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    let args = subcommand_first(&command, args);
    let mut matches = command.try_get_matches_from_mut(args).unwrap_or_else(|e| e.exit());
    Cli::from_arg_matches_mut(&mut matches).unwrap_or_else(|e| e.format(&mut command).exit())
}

/// `--color`: whether output gets ANSI colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colours when the stream is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colours (e.g. a CI log that renders ANSI).
    Always,
    /// Never colours.
    Never,
}

impl Cli {
    /// The colour choice of the run: `--no-color` is `--color never`.
    pub fn color_choice(&self) -> ColorChoice {
        if self.no_color { ColorChoice::Never } else { self.color }
    }
}

impl ColorChoice {
    /// Decided once per stream: `Auto` colours a terminal unless `NO_COLOR` is set (non-empty).
    pub fn enabled(self, stream_is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

// `Check` is much larger than the others; the command line is parsed once per process.
// `defer`: a subcommand's arguments are built only when it is the one invoked (building them
// all was most of clap's cost on a pre-commit call, which names no subcommand).
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum Command {
    /// Check policy files and directories (the default command).
    Check(CheckArgs),
    /// List every rule.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
        #[command(flatten)]
        rules: RuleSource,
    },
    /// Show a rule's full record: what it checks, why, how to fix, examples.
    Explain {
        /// Rule code (`CMK201`) or name (`trust-principal-everyone`).
        rule: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
        #[command(flatten)]
        rules: RuleSource,
    },
    /// Check the role ARN, key ARN and external id to enter in the Pinecone console, and that
    /// they fit the setup's files or AWS CLI exports.
    Preflight(PreflightArgs),
    /// Write the trust policy, the key policy and (for a key in another account) the
    /// permissions policy of a Pinecone CMEK setup, as JSON, Terraform or CloudFormation.
    Generate(GenerateArgs),
    /// Evaluate Pinecone's requests (and an attacker's) against each setup's trust policy, key
    /// policy and permissions policies: a table of scenario, expected and actual decision, and
    /// the deciding statement. Exit 1 when a decision differs from the expected one (an
    /// `unknown` is shown, not counted), 2 on a usage or I/O error.
    ///
    /// A role ARN, key ARN or external ID not given (flag or `[customer]`) is taken from the
    /// documents when one is unambiguous (`aws iam get-role`, `aws kms describe-key`, the trust
    /// policy's `sts:ExternalId`); otherwise the scenarios needing it are `unknown`. Paths default
    /// to the current folder.
    Access(AccessArgs),
}

// Where rules come from, for `rules` and `explain`: the built-in ones, plus user rule
// directories from the flags and from the config file's `[rules] extra`.
#[derive(Args, Debug, Default, Clone)]
pub struct RuleSource {
    /// Also load the user rule records of this directory (repeatable).
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Vec<PathBuf>,
    /// Use this configuration file instead of looking for cmek-lint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

#[derive(Args, Debug, Default, Clone)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format. With --output, the format of the file (default: implied by its
    /// extension: .sarif, .html, .xml, .json).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the --format output to FILE; the terminal still gets the human output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report only findings not recorded in this baseline file (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE as the baseline, and exit 0 (unless a file could
    /// not be checked).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Also load the user rule records of this directory (repeatable; see docs/user-rules.md).
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Vec<PathBuf>,
    /// Skip files named on the command line that hold no policy, as when walking a directory,
    /// instead of reporting them (for pre-commit, which names every matching file).
    #[arg(long)]
    pub skip_non_policy_files: bool,
    /// Use this configuration file instead of looking for cmek-lint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Enable only these rules (codes, code prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Disable these rules (codes, code prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Exit with 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Exit 0 even when findings remain (errors reading files still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Apply the safe fixes (and with --unsafe-fixes the unsafe ones) to the files checked, then
    /// report what remains. With standard input, print the fixed text to standard output.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// With --fix or --diff, apply the unsafe fixes too (they change what a policy allows:
    /// review them).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing; exit 1 if something would change.
    #[arg(long)]
    pub diff: bool,
    /// Pinecone's AWS account id (12 digits), shown in the Pinecone console under Manage > CMEK.
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub pinecone_account: Option<String>,
    /// AWS regions your Pinecone indexes run in (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Vec<String>,
    #[command(flatten)]
    pub console: ConsoleArgs,
    /// Treat every policy as this kind instead of classifying it from its content.
    #[arg(long, value_enum)]
    pub kind: Option<PolicyKind>,
    /// Name to show for standard input.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Skip paths matching this glob (repeatable; adds to `[files] exclude`). A glob matches
    /// the path as walked (`infra/gen/x.json` for `cmek-lint infra`) or relative to the folder
    /// walked (`gen/x.json`); one without `/` matches a file or folder name anywhere. Files
    /// named on the command line are checked anyway, unless --force-exclude.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Apply the exclude globs to files named on the command line too (for pre-commit, which
    /// names the files itself; also `[files] force-exclude = true`).
    #[arg(long)]
    pub force_exclude: bool,
    /// Follow symbolic links while walking directories.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Threads checking files, 1 to 256 (default: number of CPUs); 1 runs everything on one
    /// thread.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_JOBS))]
    pub jobs: Option<u16>,
    /// Print only diagnostics, no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

// The three values entered in the Pinecone console ("Add CMEK"), given on the command line
// (they override `[customer]` of the config file in [`ConsoleValues`]).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConsoleArgs {
    /// The role ARN entered (or to enter) in the Pinecone console [default: `[customer] role_arn`].
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The key ARN entered (or to enter) in the Pinecone console [default: `[customer] key_arn`].
    #[arg(long, value_name = "ARN")]
    pub key_arn: Option<String>,
    /// The external ID entered (or to enter) in the Pinecone console, if the trust policy uses
    /// one [default: `[customer] external_id`].
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
}

impl ConsoleArgs {
    /// Put the values given over those of the config file.
    pub fn apply(&self, console: &mut ConsoleValues) {
        console.override_with(self.role_arn.as_deref(), self.key_arn.as_deref(), self.external_id.as_deref());
    }
}

// Arguments of `cmek-lint preflight`. The three values default to `[customer]` of
// `cmek-lint.toml`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PreflightArgs {
    #[command(flatten)]
    pub console: ConsoleArgs,
    /// Files or folders of the setup (policies, templates, `aws iam get-role`, `aws kms
    /// get-key-policy` and `aws kms describe-key` exports).
    pub paths: Vec<PathBuf>,
    /// Pinecone's AWS account id (12 digits) [default: `[pinecone] account_id`].
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub pinecone_account: Option<String>,
    /// Read this config file instead of `cmek-lint.toml` found from the working directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

// Arguments of `cmek-lint generate`. Pinecone's account and regions come from `[pinecone]`
// of `cmek-lint.toml` (or the flags), the role ARN, key ARN and external id from `[customer]`.
#[derive(clap::Args, Debug, Clone)]
#[command(after_long_help = "Examples:\n  \
    cmek-lint generate --target terraform --pinecone-account 905418236187 --out infra/cmek\n  \
    cmek-lint generate --target json --role-arn arn:aws:iam::493820715560:role/pinecone-cmek\n  \
    cmek-lint generate --target cloudformation --all-regions\n\n\
    Without `key_arn` the Terraform and CloudFormation outputs create a new key (symmetric, \
    ENCRYPT_DECRYPT, origin AWS_KMS, single-Region, rotation on); the JSON output is a key policy \
    for a key you create with those settings. Without `external_id` a fresh UUID v4 is generated \
    (offline) and printed: enter it in the Pinecone console. The output passes `cmek-lint check` \
    with the same configuration.")]
pub struct GenerateArgs {
    /// What to write: raw JSON policies, a Terraform module (`cmek.tf`) or a CloudFormation
    /// template (`cmek.yaml`).
    #[arg(long, value_enum)]
    pub target: crate::generate::Target,
    /// Write the files into DIR (created if missing; never over an existing file unless
    /// --force) instead of printing them with file headers.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace files that already exist in --out DIR.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Trust every `pinecone_cmek_access_*` role of Pinecone's account (`Principal: *` pinned
    /// by `aws:PrincipalArn`) instead of one role per region. Needs an external id.
    #[arg(long)]
    pub all_regions: bool,
    /// Leave out the `sts:ExternalId` condition (not recommended; CMK208 warns about it).
    #[arg(long)]
    pub no_external_id: bool,
    /// Name of the role to create when no role ARN is configured (terraform and
    /// cloudformation) [default: pinecone-cmek].
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    #[command(flatten)]
    pub console: ConsoleArgs,
    /// Pinecone's AWS account id (12 digits, from the Pinecone console) [default: `[pinecone]
    /// account_id`].
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub pinecone_account: Option<String>,
    /// Regions of Pinecone's roles to trust (comma-separated) [default: `[pinecone] regions`,
    /// else the regions Pinecone's guide names, plus the key's].
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Vec<String>,
    /// Read this config file instead of `cmek-lint.toml` found from the working directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

// Arguments of `cmek-lint access`: those of `preflight` (values default to `[pinecone]` and
// `[customer]` of `cmek-lint.toml`; a role or key ARN not given is taken from the documents
// when one is unambiguous), and the output format.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct AccessArgs {
    #[command(flatten)]
    pub setup: PreflightArgs,
    /// AWS regions your Pinecone indexes run in (comma-separated) [default: `[pinecone]
    /// regions`]: `pinecone-assume` is made from each and must be allowed from each. Not
    /// configured: made from every region Pinecone serves, and one allowed is enough (trusting
    /// only the regions a project uses is right).
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Vec<String>,
    /// The CMEK role's permissions policies in the given files are all it has (none when none
    /// is given, as Pinecone's guide sets the role up): the role's own scenarios
    /// (`role-encrypt`, `role-key-admin`, …) are decided instead of unknown where the key policy
    /// lets IAM policies grant access.
    #[arg(long)]
    pub role_policies_complete: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AccessFormat::Human)]
    pub format: AccessFormat,
}

/// Output format of `cmek-lint access`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    /// A table per setup, ✓/✗ per scenario, the counterexample of each unexpected one.
    #[default]
    Human,
    /// `{"version":1,"setups":[...]}`.
    Json,
}
