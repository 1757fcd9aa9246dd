//! `analyst`: the command line of AI Analyst. Parsing lives here; the work lives in the
//! library crates, one subcommand per file under `cli/`.

mod cli;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let matches = match cli::Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return usage_error(error),
    };
    let command = match cli::Cli::from_arg_matches(&matches) {
        Ok(command) => command,
        Err(error) => return usage_error(error),
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

/// Help and version go to stdout as clap writes them; a usage error is one line on stderr
/// (clap's "For more information, try '--help'" hint is left out: `--help` is in every message
/// of ours that needs it).
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let text = error.render().to_string();
    let first = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("error: invalid arguments");
    eprintln!("{first} (see --help)");
    ExitCode::from(2)
}
