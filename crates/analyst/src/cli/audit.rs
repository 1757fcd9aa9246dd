//! `analyst audit verify|list|prune`: checking, reading and trimming the audit log.

use std::process::ExitCode;

use analyst_accounts::{
    AuditEvent, AuditFilter, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, list, parse_since, prune,
    retention_cutoff, verify,
};
use analyst_store::AccessMode;
use chrono::NaiveDateTime;
use clap::Subcommand;

use super::config::RetentionOptions;
use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain: no entry altered and none removed in between. Fails naming the
    /// first broken entry.
    Verify,
    /// List entries, newest first.
    List {
        /// Only this user's entries.
        #[arg(long)]
        user: Option<String>,
        /// Only entries of this event type, e.g. login_failed, tool_call, admin_change.
        #[arg(long, value_parser = str::parse::<AuditEvent>)]
        event: Option<AuditEvent>,
        /// From this day (YYYY-MM-DD, UTC) or moment (RFC 3339, e.g. 2026-11-15T08:00:00Z).
        #[arg(long, value_parser = parse_since)]
        since: Option<NaiveDateTime>,
        /// At most this many entries (1 to 1000).
        #[arg(long, default_value_t = DEFAULT_LIST_LIMIT as u64,
              value_parser = clap::value_parser!(u64).range(1..=MAX_LIST_LIMIT as u64))]
        limit: u64,
    },
    /// Remove the entries older than the retention (audit_retention_days) and record that it
    /// was done; the rest of the chain still verifies.
    Prune {
        #[command(flatten)]
        retention: RetentionOptions,
    },
}

pub fn run(settings: &Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    let connection = connection.as_ref();
    match command {
        AuditCommand::Verify => {
            let report = verify(connection)?;
            if let Some(broken) = &report.broken {
                anyhow::bail!(
                    "{broken} (the {} entries before it are intact)",
                    report.intact
                );
            }
            println!("{} entries, chain intact", report.intact);
            if report.unchained > 0 {
                println!(
                    "{} older entries, written before the log was chained, were not checked",
                    report.unchained
                );
            }
            if let Some(hash) = &report.last_hash {
                // Entries removed from the end leave no trace in the chain itself.
                println!("newest hash: {hash} (keep it elsewhere to detect removals later)");
            }
        }
        AuditCommand::List {
            user,
            event,
            since,
            limit,
        } => {
            let filter = AuditFilter {
                username: user,
                event,
                since,
                limit: usize::try_from(limit).unwrap_or(MAX_LIST_LIMIT),
                ..AuditFilter::default()
            };
            let mut grid = render::new_grid(
                [
                    "id",
                    "time (UTC)",
                    "event",
                    "user",
                    "workspace",
                    "ip",
                    "rows",
                    "ms",
                    "detail",
                ]
                .map(String::from),
            );
            let text = |value: Option<String>| value.unwrap_or_default();
            let number = |value: Option<i64>| value.map(|n| n.to_string()).unwrap_or_default();
            for record in list(connection, &filter)? {
                grid.add_row([
                    record.id.to_string(),
                    record.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    record.event,
                    text(record.username),
                    text(record.workspace),
                    text(record.ip),
                    number(record.row_count),
                    number(record.latency_ms),
                    shortened(record.detail.as_deref().unwrap_or_default()),
                ]);
            }
            println!("{grid}");
        }
        AuditCommand::Prune { retention } => {
            let matches = settings
                .subcommand_matches()
                .and_then(|matches| matches.subcommand())
                .map(|(_, matches)| matches);
            let (days, _) = retention.resolve(&settings.file, matches)?;
            let cutoff = retention_cutoff(days);
            let removed = prune(connection, cutoff)?;
            println!(
                "Removed {removed} audit entries older than {days} days (written before {} UTC).",
                cutoff.format("%Y-%m-%d %H:%M")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Details can be long (a tool's parameters): a grid shows their start.
fn shortened(text: &str) -> String {
    const SHOWN: usize = 80;
    if text.chars().count() <= SHOWN {
        return text.to_string();
    }
    let start: String = text.chars().take(SHOWN - 1).collect();
    format!("{start}…")
}
