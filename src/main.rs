use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmek_lint::cli::Cli::parse();
    match cmek_lint::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(message) => {
            eprintln!("cmek-lint: error: {}", cmek_lint::render::escape::terminal(&message));
            ExitCode::from(2)
        }
    }
}
