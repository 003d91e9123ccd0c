//! The `tfsynth` command: maps the CLI's result to an exit code.

mod cli;

use std::process::ExitCode;

use clap::FromArgMatches;

fn main() -> ExitCode {
    let args = match cli::Cli::from_arg_matches(&cli::command().get_matches()) {
        Ok(args) => args,
        Err(error) => error.exit(),
    };
    let json = args.message_format == cli::MessageFormat::Json;
    match cli::run(args) {
        Ok(code) => code,
        Err(failure) => {
            if json {
                for line in failure.json_lines() {
                    println!("{line}");
                }
            }
            eprintln!("{failure}");
            ExitCode::from(failure.code)
        }
    }
}
