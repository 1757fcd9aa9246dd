//! `analyst jobs list|show|cancel`: the job queue from the command line, and `analyst jobs
//! schedules|schedule|unschedule|pause|resume`: the schedules that queue jobs (while the server
//! is stopped; a running server holds the store and shows the same at /api/v1/jobs and
//! /api/v1/job-schedules).

use std::process::ExitCode;

use analyst_jobs::{Job, Schedule, queue, schedule};
use analyst_store::AccessMode;
use analyst_web::check_maintenance_kind;
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
    /// List the schedules that queue jobs: kind, cron expression (UTC), next run, last job.
    Schedules,
    /// Add or change a schedule: from the next time its cron expression comes (UTC), it queues
    /// a job of its kind each time, never a second while one is not over. A changed schedule
    /// stays paused or enabled as it was.
    Schedule {
        /// Its name: letters, digits, '_', '-' or '.'.
        name: String,
        /// The kind of job it queues (refresh_gold, export_cleanup, upload_cleanup,
        /// proposal_expiry).
        #[arg(long)]
        kind: String,
        /// Five fields, minute hour day month weekday, in UTC: "17 * * * *" is every hour at
        /// :17, "0 3 * * MON-FRI" weekdays at 03:00.
        #[arg(long)]
        cron: String,
        /// The params of the jobs it queues, as JSON.
        #[arg(long, default_value = "{}")]
        params: String,
    },
    /// Remove a schedule (the jobs it queued stay).
    Unschedule { name: String },
    /// Pause a schedule: it queues nothing until resumed.
    Pause { name: String },
    /// Resume a paused schedule from its next time (the times missed while paused are skipped).
    Resume { name: String },
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

fn describe_schedule(schedule: &Schedule) -> String {
    format!(
        "schedule {} ({}): '{}' (UTC), {}, next run {}\n  params: {}",
        schedule.name,
        schedule.kind,
        schedule.cron,
        if schedule.enabled {
            "enabled"
        } else {
            "paused"
        },
        next_run(schedule),
        schedule.params,
    )
}

fn next_run(schedule: &Schedule) -> String {
    match schedule.next_run_at {
        _ if !schedule.enabled => "none (paused)".into(),
        Some(moment) => format!("{} UTC", time(Some(moment))),
        None => "set when the server starts".into(),
    }
}

pub fn run(settings: &Settings, command: JobsCommand) -> anyhow::Result<ExitCode> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    let connection = connection.as_ref();
    let missing = |id: i64| anyhow::anyhow!("no job {id}; `analyst jobs list` lists them");
    let no_schedule = |name: &str| {
        anyhow::anyhow!("no job schedule '{name}'; `analyst jobs schedules` lists them")
    };
    match command {
        JobsCommand::List { limit } => {
            let mut grid = render::new_grid(
                [
                    "id", "kind", "state", "progress", "attempts", "created", "message",
                ]
                .map(String::from),
            );
            for job in queue::list(connection, None, None, limit as usize)? {
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
        JobsCommand::Schedules => {
            let mut grid = render::new_grid(
                [
                    "name",
                    "kind",
                    "cron (UTC)",
                    "enabled",
                    "next run",
                    "last job",
                ]
                .map(String::from),
            );
            for schedule in schedule::list(connection)? {
                let last = match schedule.last_job_id {
                    Some(id) => match queue::get(connection, id)? {
                        Some(job) => format!("{id} ({})", job.state.name()),
                        None => id.to_string(),
                    },
                    None => String::new(),
                };
                grid.add_row([
                    schedule.name.clone(),
                    schedule.kind.clone(),
                    schedule.cron.clone(),
                    if schedule.enabled { "yes" } else { "no" }.to_string(),
                    next_run(&schedule),
                    last,
                ]);
            }
            println!("{grid}");
        }
        JobsCommand::Schedule {
            name,
            kind,
            cron,
            params,
        } => {
            check_maintenance_kind(&kind).map_err(anyhow::Error::msg)?;
            let params: serde_json::Value = serde_json::from_str(&params)
                .map_err(|error| anyhow::anyhow!("--params is not JSON ({error})"))?;
            let stored = schedule::put(connection, &name, &kind, &params, &cron)?;
            println!("{}", describe_schedule(&stored));
        }
        JobsCommand::Unschedule { name } => {
            if !schedule::remove(connection, &name)? {
                return Err(no_schedule(&name));
            }
            println!("Removed the job schedule {name}.");
        }
        JobsCommand::Pause { name } => {
            let paused = schedule::set_enabled(connection, &name, false)?
                .ok_or_else(|| no_schedule(&name))?;
            println!("{}", describe_schedule(&paused));
        }
        JobsCommand::Resume { name } => {
            let resumed = schedule::set_enabled(connection, &name, true)?
                .ok_or_else(|| no_schedule(&name))?;
            println!("{}", describe_schedule(&resumed));
        }
    }
    Ok(ExitCode::SUCCESS)
}
