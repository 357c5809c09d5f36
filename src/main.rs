use clap::Parser;
use std::process::ExitCode;

/// Checking allocates many small nodes per file on every worker thread; mimalloc's per-thread
/// free lists make that markedly cheaper than the system allocator (see scripts/bench.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cmek_lint::cli::Cli::parse();
    match cmek_lint::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(message) => {
            eprintln!("cmek-lint: error: {message}");
            ExitCode::from(2)
        }
    }
}
