#![forbid(unsafe_code)]
use cmek_lint::commands::report_error;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmek_lint::cli::parse(std::env::args_os());
    let color = cli.color_choice();
    match cmek_lint::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) => {
            report_error(&error, color);
            ExitCode::from(2)
        }
    }
}
