//! `analyst`: the command line of AI Analyst. Parsing lives here; the work lives in the
//! library crates, one subcommand per file under `cli/`.

mod cli;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let matches = cli::Cli::command().get_matches();
    let command = match cli::Cli::from_arg_matches(&matches) {
        Ok(command) => command,
        Err(error) => error.exit(),
    };
    match cli::run(command, matches) {
        Ok(code) => code,
        Err(error) => {
            // One line that says what went wrong; never a backtrace.
            let message: Vec<String> = error.chain().map(ToString::to_string).collect();
            eprintln!("error: {}", message.join(": "));
            ExitCode::FAILURE
        }
    }
}
