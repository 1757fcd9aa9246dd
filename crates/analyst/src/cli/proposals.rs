//! `analyst proposals list|show|propose|approve|reject|execute`: safe actions from the command
//! line (while the server is stopped; a running server holds the store and offers the same at
//! /api/v1/proposals). Decisions are taken as a named user (`--as`), with that user's rights,
//! and audited under their name.

use std::process::ExitCode;

use analyst_accounts::{AuditEntry, AuditEvent, Rights, User, find_user, record_entry, rights};
use analyst_actions::decide::{self, visible};
use analyst_actions::execution::{Outcome, execute};
use analyst_actions::proposal::events;
use analyst_actions::{ActionSettings, Origin, Proposal, ProposalFilter, ProposalRequest};
use analyst_store::{AccessMode, Connection};
use clap::Subcommand;

use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum ProposalsCommand {
    /// List proposals, newest first (with --as, those that user may see).
    List {
        /// Only in this state: draft, reviewed, approved, executed, failed, rejected, expired.
        #[arg(long)]
        state: Option<String>,
        /// Only of this kind: create_purchase_order, update_reorder_rule, archive_product,
        /// create_activity.
        #[arg(long)]
        kind: Option<String>,
        /// As this user: only what they may see.
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
    /// Show one proposal (AIPROP-0001 or 1): preview, approvals, history.
    Show {
        proposal: String,
        #[arg(long = "as", value_name = "USER")]
        user: Option<String>,
    },
    /// Propose a change, e.g. --json '{"kind": "update_reorder_rule", "sku": "STR-RUN-001-BLK-42",
    /// "store": "BKK-SIAM", "min_qty": 5, "max_qty": 20}'.
    Propose {
        #[arg(long)]
        json: String,
        #[arg(long = "as", value_name = "USER")]
        user: String,
    },
    /// Approve a proposal (signing its payload); with --execute, execute it once approved.
    Approve {
        proposal: String,
        #[arg(long = "as", value_name = "USER")]
        user: String,
        #[arg(long)]
        execute: bool,
    },
    /// Reject a proposal (an approver), or withdraw it (its requester).
    Reject {
        proposal: String,
        #[arg(long = "as", value_name = "USER")]
        user: String,
        #[arg(long)]
        reason: String,
    },
    /// Execute an approved proposal now.
    Execute {
        proposal: String,
        #[arg(long = "as", value_name = "USER")]
        user: String,
    },
}

fn acting(connection: &dyn Connection, username: &str) -> anyhow::Result<(User, Rights)> {
    let user = find_user(connection, username)?
        .filter(|user| user.active)
        .ok_or_else(|| {
            anyhow::anyhow!("no active user '{username}'; `analyst user list` lists them")
        })?;
    let rights = rights(connection, &user)?;
    Ok((user, rights))
}

/// Everything, for an operator who names no user.
fn operator() -> Rights {
    Rights {
        user_id: 0,
        groups: [analyst_accounts::ADMIN_GROUP.to_string()].into(),
        scope: analyst_core::DataScope::everything(),
    }
}

fn audit(connection: &dyn Connection, user: &User, detail: String) -> anyhow::Result<()> {
    record_entry(
        connection,
        &AuditEntry::new(AuditEvent::ActionExecuted)
            .user(user.id, &user.username)
            .detail(format!("{detail} (command line)")),
    )?;
    Ok(())
}

fn describe(connection: &dyn Connection, proposal: &Proposal) -> anyhow::Result<String> {
    let mut text = format!(
        "{} {} [{}] — {}\n  {} risk, approved by the group {} ({} of {} approvals), requested by {} on {}, expires {}\n  {}",
        proposal.reference,
        proposal.kind.name(),
        proposal.state.name(),
        proposal.title,
        proposal.risk.name(),
        proposal.required_group,
        proposal.approvals.len(),
        proposal.approvals_needed,
        proposal.requested_by_name,
        proposal.created_at.format("%Y-%m-%d %H:%M"),
        proposal.expires_at.format("%Y-%m-%d %H:%M"),
        proposal.preview.text,
    );
    for line in &proposal.preview.lines {
        text.push_str(&format!(
            "\n    {} · {}: {} → {}",
            line.item,
            line.field,
            line.before.as_deref().unwrap_or("—"),
            line.after.as_deref().unwrap_or("—")
        ));
    }
    text.push_str(&format!("\n  payload hash {}", proposal.payload_hash));
    if let Some(reason) = &proposal.reason {
        text.push_str(&format!("\n  reason: {reason}"));
    }
    if let Some(result) = &proposal.result {
        text.push_str(&format!("\n  result: {result}"));
    }
    for event in events(connection, proposal.id)? {
        text.push_str(&format!(
            "\n  {} {} {}{}",
            event.at.format("%Y-%m-%d %H:%M:%S"),
            event.step,
            event.username.as_deref().unwrap_or("(system)"),
            event
                .detail
                .map(|detail| format!(": {detail}"))
                .unwrap_or_default()
        ));
    }
    Ok(text)
}

pub fn run(settings: &Settings, command: ProposalsCommand) -> anyhow::Result<ExitCode> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    let connection = connection.as_ref();
    let now = chrono::Utc::now().naive_utc();
    let action_settings = ActionSettings {
        today: settings.fixed_today,
        ..ActionSettings::default()
    };
    decide::expire_due(connection, now)?;
    match command {
        ProposalsCommand::List { state, kind, user } => {
            let rights = match &user {
                Some(name) => acting(connection, name)?.1,
                None => operator(),
            };
            let filter = ProposalFilter {
                state,
                kind,
                ..ProposalFilter::default()
            };
            let proposals = analyst_actions::list(connection, &rights, &filter)?;
            let mut grid = render::new_grid(
                [
                    "reference",
                    "kind",
                    "state",
                    "risk",
                    "amount",
                    "requested by",
                    "title",
                ]
                .map(String::from),
            );
            for proposal in &proposals {
                grid.add_row(vec![
                    proposal.reference.clone(),
                    proposal.kind.name().to_string(),
                    proposal.state.name().to_string(),
                    proposal.risk.name().to_string(),
                    proposal
                        .amount
                        .map(|amount| format!("{amount:.2}"))
                        .unwrap_or_default(),
                    proposal.requested_by_name.clone(),
                    proposal.title.clone(),
                ]);
            }
            println!("{grid}");
            println!("{} proposal(s)", proposals.len());
        }
        ProposalsCommand::Show { proposal, user } => {
            let rights = match &user {
                Some(name) => acting(connection, name)?.1,
                None => operator(),
            };
            let proposal = visible(connection, &rights, &proposal)?;
            println!("{}", describe(connection, &proposal)?);
        }
        ProposalsCommand::Propose { json, user } => {
            let (user, rights) = acting(connection, &user)?;
            let request: ProposalRequest = serde_json::from_str(&json)
                .map_err(|error| anyhow::anyhow!("--json is not a proposal request: {error}"))?;
            let created = analyst_actions::create(
                connection,
                &action_settings,
                &rights,
                &request,
                &Origin::default(),
            )?;
            for proposal in &created {
                audit(
                    connection,
                    &user,
                    format!("proposed {}: {}", proposal.reference, proposal.summary),
                )?;
                println!("{}\n", describe(connection, proposal)?);
            }
        }
        ProposalsCommand::Approve {
            proposal,
            user,
            execute: and_execute,
        } => {
            let (user, rights) = acting(connection, &user)?;
            let approved = decide::approve(connection, &rights, &proposal, now)?;
            audit(
                connection,
                &user,
                format!(
                    "approved {} ({} of {} approvals; payload {})",
                    approved.reference,
                    approved.approvals.len(),
                    approved.approvals_needed,
                    approved.payload_hash
                ),
            )?;
            if and_execute && approved.state == analyst_actions::ProposalState::Approved {
                return run_execution(connection, &user, &rights, &approved.reference);
            }
            println!("{}", describe(connection, &approved)?);
        }
        ProposalsCommand::Reject {
            proposal,
            user,
            reason,
        } => {
            let (user, rights) = acting(connection, &user)?;
            let rejected = decide::reject(connection, &rights, &proposal, &reason, now)?;
            audit(
                connection,
                &user,
                format!("rejected {}: {}", rejected.reference, reason.trim()),
            )?;
            println!("{}", describe(connection, &rejected)?);
        }
        ProposalsCommand::Execute { proposal, user } => {
            let (user, rights) = acting(connection, &user)?;
            return run_execution(connection, &user, &rights, &proposal);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Executes at once, in this process (no server runs the queue while the command holds the
/// store); the same checks as the job: rights, signatures, fresh data.
fn run_execution(
    connection: &dyn Connection,
    user: &User,
    rights: &Rights,
    key: &str,
) -> anyhow::Result<ExitCode> {
    // `execute` checks the user's rights as the job does.
    let proposal = visible(connection, rights, key)?;
    let outcome = execute(
        connection,
        proposal.id,
        user.id,
        chrono::Utc::now().naive_utc(),
        Some(&analyst_odoo_sync::OdooWriteBack),
    )?;
    let done = visible(connection, rights, key)?;
    match outcome {
        Outcome::Executed(result) => {
            audit(
                connection,
                user,
                format!("{} executed: {result}", done.reference),
            )?;
            println!("{}", describe(connection, &done)?);
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Failed(reason) => {
            audit(
                connection,
                user,
                format!("{} failed: {reason}", done.reference),
            )?;
            println!("{}", describe(connection, &done)?);
            eprintln!("{} failed: {reason}", done.reference);
            Ok(ExitCode::FAILURE)
        }
    }
}
