//! `analyst sync odoo [--full] [--reconcile]`: one sync run of the configured Odoo connection
//! (the same run the `odoo_sync` job makes every 5 minutes), and `analyst sync status`: the
//! latest run of every model (rows, lag, duration, row-count check, errors).

use std::process::ExitCode;

use analyst_odoo::OdooClient;
use analyst_odoo_sync::{SyncOptions, load_connection, sync, sync_status};
use analyst_store::AccessMode;
use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Sync Odoo into the store now: the changes since the last run.
    Odoo {
        /// Read everything again (the cursors are reset) and reconcile ids.
        #[arg(long)]
        full: bool,
        /// Look for records deleted in Odoo now, whenever the last check was.
        #[arg(long)]
        reconcile: bool,
        /// The connection (`analyst odoo connect` names it `odoo` by default).
        #[arg(long, default_value = "odoo")]
        connection: String,
    },
    /// The latest sync of every model: rows read, lag, duration, row counts, errors.
    Status,
}

pub fn run(settings: &Settings, command: SyncCommand) -> anyhow::Result<ExitCode> {
    let store = settings.open(AccessMode::ReadWrite)?;
    let store = store.as_ref();
    match command {
        SyncCommand::Odoo {
            full,
            reconcile,
            connection,
        } => {
            let connection = load_connection(store, &connection)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "no Odoo connection '{connection}'; add one with `analyst odoo connect --url … --db … --user … --api-key-env VAR`"
                )
            })?;
            let client = OdooClient::connect(connection.client_config()?)?;
            let options = SyncOptions { full, reconcile };
            let bar = ProgressBar::new(1_000).with_style(
                ProgressStyle::with_template("syncing {msg:<32} [{bar:30}] {percent}% {elapsed}")
                    .context("progress bar template")?,
            );
            let report = sync(
                store,
                &client,
                &connection,
                &options,
                &mut |share, model| {
                    bar.set_position((share * 1_000.0) as u64);
                    bar.set_message(model.to_owned());
                    Ok(())
                },
            );
            bar.finish_and_clear();
            let report = report?;
            for notice in &report.notices {
                println!("notice: {notice}");
            }
            println!(
                "synced {} records from Odoo; {} gold rows rebuilt",
                report.rows_fetched(),
                report.gold_rows
            );
        }
        SyncCommand::Status => {
            let mut grid = render::new_grid(
                [
                    "model",
                    "last run",
                    "status",
                    "rows",
                    "deleted",
                    "lag",
                    "ms",
                    "Odoo",
                    "local",
                    "notice / error",
                ]
                .map(String::from),
            );
            let statuses = sync_status(store)?;
            if statuses.is_empty() {
                println!("Odoo was never synced; `analyst sync odoo` syncs it now");
                return Ok(ExitCode::SUCCESS);
            }
            let count = |value: Option<i64>| value.map(|n| n.to_string()).unwrap_or_default();
            for status in statuses {
                let mismatch = status.counts_match == Some(false);
                grid.add_row([
                    status.model,
                    status.last_run_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    status.status,
                    status.rows_fetched.to_string(),
                    status.rows_deleted.to_string(),
                    status
                        .lag_s
                        .map(|lag| format!("{lag} s"))
                        .unwrap_or_default(),
                    status.duration_ms.to_string(),
                    count(status.odoo_count),
                    format!(
                        "{}{}",
                        count(status.local_count),
                        if mismatch { " ≠" } else { "" }
                    ),
                    status.error.or(status.notice).unwrap_or_default(),
                ]);
            }
            println!("{grid}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
