//! `analyst jobs list|show|cancel`: the job queue from the command line (while the server is
//! stopped; a running server holds the store and shows the same at /api/v1/jobs).

use std::process::ExitCode;

use analyst_jobs::{Job, queue};
use analyst_store::AccessMode;
use clap::Subcommand;

use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List jobs, newest first.
    List {
        /// At most this many (1 to 1000).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=1000))]
        limit: u64,
    },
    /// Show one job with its parameters and result.
    Show { id: i64 },
    /// Cancel a job: a queued one at once, a running one at its next progress report.
    Cancel { id: i64 },
}

fn time(moment: Option<chrono::NaiveDateTime>) -> String {
    moment
        .map(|moment| moment.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn describe(job: &Job) -> String {
    let mut text = format!(
        "job {} ({}): {}, {:.0}% done, attempt {} of {}\n  params: {}\n  created {}",
        job.id,
        job.kind,
        job.state.name(),
        job.progress * 100.0,
        job.attempts,
        job.max_attempts,
        job.params,
        time(Some(job.created_at)),
    );
    if job.started_at.is_some() {
        text.push_str(&format!(", started {}", time(job.started_at)));
    }
    if job.finished_at.is_some() {
        text.push_str(&format!(", finished {}", time(job.finished_at)));
    }
    if let Some(message) = &job.message {
        text.push_str(&format!("\n  message: {message}"));
    }
    if let Some(result) = &job.result {
        text.push_str(&format!("\n  result: {result}"));
    }
    text
}

pub fn run(settings: &Settings, command: JobsCommand) -> anyhow::Result<ExitCode> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    let connection = connection.as_ref();
    let missing = |id: i64| anyhow::anyhow!("no job {id}; `analyst jobs list` lists them");
    match command {
        JobsCommand::List { limit } => {
            let mut grid = render::new_grid(
                [
                    "id", "kind", "state", "progress", "attempts", "created", "message",
                ]
                .map(String::from),
            );
            for job in queue::list(connection, None, limit as usize)? {
                grid.add_row([
                    job.id.to_string(),
                    job.kind.clone(),
                    job.state.name().to_string(),
                    format!("{:.0}%", job.progress * 100.0),
                    format!("{}/{}", job.attempts, job.max_attempts),
                    time(Some(job.created_at)),
                    job.message.clone().unwrap_or_default(),
                ]);
            }
            println!("{grid}");
        }
        JobsCommand::Show { id } => {
            let job = queue::get(connection, id)?.ok_or_else(|| missing(id))?;
            println!("{}", describe(&job));
        }
        JobsCommand::Cancel { id } => {
            let job = queue::cancel(connection, id)?.ok_or_else(|| missing(id))?;
            println!("{}", describe(&job));
        }
    }
    Ok(ExitCode::SUCCESS)
}
