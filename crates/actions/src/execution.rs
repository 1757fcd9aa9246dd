//! Executing approved proposals, as durable jobs, and expiring undecided ones.
//!
//! The `proposal_execute` job runs under the user who asked for it, with their rights as they
//! are when it runs. It writes only the payload as stored, after checking that its hash is the
//! one stored and the one every approval signed, and that the data has not moved since. The
//! write and the move to `executed` are one transaction: a crash before the commit leaves
//! nothing, so the job run again writes once; a job run after the commit finds the proposal
//! executed and returns what was written then. With an ERP connected, its writer runs first
//! (idempotent by the proposal's reference): a refusal fails the proposal, an ERP that cannot
//! be reached leaves it approved for the job's next attempt.

use std::sync::Arc;

use analyst_accounts::{AuditEntry, AuditEvent, get_user, rights};
use analyst_jobs::{Job, JobContext, JobFailure, JobKind};
use analyst_store::Connection;
use chrono::NaiveDateTime;
use serde_json::{Value as Json, json};

use crate::decide::expire_due;
use crate::erp::{ErpFailure, ErpWriter};
use crate::kinds;
use crate::proposal::{self, Proposal, ProposalState, atomically, record_event, to_json};
use crate::settings::now;
use crate::{ActionError, Result};

/// The queue's name of execution jobs.
pub const PROPOSAL_EXECUTE: &str = "proposal_execute";
/// The queue's name of the job that expires undecided proposals.
pub const PROPOSAL_EXPIRY: &str = "proposal_expiry";

/// Where execution jobs record their audit entries (the server's single audit writer, or the
/// store directly from the command line).
pub type Auditor = Arc<dyn Fn(AuditEntry) + Send + Sync>;

/// How an execution ended for the proposal.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Written now, or by an earlier run (the proposal was executed already).
    Executed(Json),
    /// Not written: the proposal is now `failed`, for this reason.
    Failed(String),
}

/// Executes an approved proposal as `user_id` (what the job does; callable directly), in the
/// ERP too when `erp` has one connected.
pub fn execute(
    connection: &dyn Connection,
    proposal_id: i64,
    user_id: i64,
    at: NaiveDateTime,
    erp: Option<&dyn ErpWriter>,
) -> Result<Outcome> {
    let proposal = proposal::get(connection, proposal_id)?
        .ok_or_else(|| ActionError::NotFound(proposal_id.to_string()))?;
    match proposal.state {
        ProposalState::Executed => {
            return Ok(Outcome::Executed(proposal.result.unwrap_or(Json::Null)));
        }
        ProposalState::Approved => {}
        state => {
            return Err(ActionError::Conflict(format!(
                "{} is {}: only an approved proposal can be executed",
                proposal.reference,
                state.name()
            )));
        }
    }
    // The executing user's rights as they are now.
    let user = get_user(connection, user_id)
        .map_err(|error| ActionError::Invalid(error.to_string()))?
        .filter(|user| user.active)
        .ok_or_else(|| {
            ActionError::Forbidden(
                "the user who asked for the execution is no longer active".into(),
            )
        })?;
    let rights =
        rights(connection, &user).map_err(|error| ActionError::Invalid(error.to_string()))?;
    if let Some(refusal) = proposal.decide_refusal(&rights) {
        return Err(refusal);
    }
    if let Some(problem) = signature_problem(&proposal) {
        return fail(connection, &proposal, user_id, &problem, at);
    }
    match kinds::check(connection, &proposal.payload) {
        Ok(()) => {}
        Err(ActionError::Stale(reason)) => {
            return fail(connection, &proposal, user_id, &reason, at);
        }
        Err(other) => return Err(other),
    }
    let in_erp = match erp.map(|erp| erp.write(connection, &proposal.payload, &proposal.reference))
    {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(written))) => Some(written),
        Some(Err(ErpFailure::Refused(reason))) => {
            return fail(connection, &proposal, user_id, &reason, at);
        }
        Some(Err(ErpFailure::Unavailable(reason))) => {
            return Err(ActionError::ErpUnavailable(reason));
        }
    };
    let written = atomically(connection, || {
        let mut result = kinds::write(connection, &proposal.payload, &proposal.reference)?;
        if let (Some(written), Json::Object(fields)) = (&in_erp, &mut result) {
            fields.insert("erp".into(), written.clone());
        }
        let moved = connection.execute(
            "UPDATE app.proposal SET state = 'executed', result = $1, executed_at = $2 \
             WHERE id = $3 AND state = 'approved'",
            &[to_json(&result).into(), at.into(), proposal.id.into()],
        )?;
        if moved == 0 {
            return Err(ActionError::Conflict(format!(
                "{} changed meanwhile",
                proposal.reference
            )));
        }
        record_event(
            connection,
            proposal.id,
            "executed",
            Some(user_id),
            &to_json(&result),
            at,
        )?;
        Ok(result)
    });
    match written {
        Ok(result) => Ok(Outcome::Executed(result)),
        // Executed by another run meanwhile: what it wrote stands.
        Err(ActionError::Conflict(_)) => match proposal::get(connection, proposal.id)? {
            Some(now) if now.state == ProposalState::Executed => {
                Ok(Outcome::Executed(now.result.unwrap_or(Json::Null)))
            }
            _ => Err(ActionError::Conflict(format!(
                "{} changed during its execution",
                proposal.reference
            ))),
        },
        Err(other) => Err(other),
    }
}

/// Why the stored payload is not what was approved, if it is not.
fn signature_problem(proposal: &Proposal) -> Option<String> {
    if !proposal.payload_intact() {
        return Some(format!(
            "the stored payload of {} does not match the hash it was proposed with: nothing was written",
            proposal.reference
        ));
    }
    if (proposal.approvals.len() as i64) < proposal.approvals_needed {
        return Some(format!(
            "{} has {} of the {} approvals it needs",
            proposal.reference,
            proposal.approvals.len(),
            proposal.approvals_needed
        ));
    }
    proposal
        .approvals
        .iter()
        .find(|approval| approval.payload_hash != proposal.payload_hash)
        .map(|approval| {
            format!(
                "{} approved another payload than the one stored: nothing was written",
                approval.username
            )
        })
}

/// Marks the proposal failed with `reason` (nothing was written).
fn fail(
    connection: &dyn Connection,
    proposal: &Proposal,
    user_id: i64,
    reason: &str,
    at: NaiveDateTime,
) -> Result<Outcome> {
    atomically(connection, || {
        connection.execute(
            "UPDATE app.proposal SET state = 'failed', reason = $1, executed_at = $2 \
             WHERE id = $3 AND state = 'approved'",
            &[reason.into(), at.into(), proposal.id.into()],
        )?;
        Ok(record_event(
            connection,
            proposal.id,
            "failed",
            Some(user_id),
            reason,
            at,
        )?)
    })?;
    Ok(Outcome::Failed(reason.to_string()))
}

/// The `proposal_execute` job kind.
pub struct ExecuteKind {
    auditor: Auditor,
    erp: Option<Arc<dyn ErpWriter>>,
}

impl JobKind for ExecuteKind {
    fn name(&self) -> &'static str {
        PROPOSAL_EXECUTE
    }

    fn run(&self, job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        let proposal_id = job.params["proposal_id"]
            .as_i64()
            .ok_or_else(|| JobFailure::Refused("params.proposal_id must be a number".into()))?;
        let user_id = job
            .user_id
            .ok_or_else(|| JobFailure::Refused("an execution belongs to a user".into()))?;
        let connection = context.connection();
        let outcome = execute(connection, proposal_id, user_id, now(), self.erp.as_deref());
        let reference = proposal::reference(proposal_id);
        let username = get_user(connection, user_id)
            .ok()
            .flatten()
            .map(|user| user.username)
            .unwrap_or_default();
        let audit = |detail: String| {
            (self.auditor)(
                AuditEntry::new(AuditEvent::ActionExecuted)
                    .user(user_id, &username)
                    .detail(detail),
            );
        };
        match outcome {
            Ok(Outcome::Executed(result)) => {
                audit(format!("{reference} executed: {result}"));
                Ok(json!({"proposal_id": proposal_id, "state": "executed", "result": result}))
            }
            Ok(Outcome::Failed(reason)) => {
                audit(format!("{reference} failed: {reason}"));
                Err(JobFailure::Refused(reason))
            }
            // Tried again with backoff: nothing was written, or the ERP has it by reference.
            Err(error @ (ActionError::Store(_) | ActionError::ErpUnavailable(_))) => {
                Err(JobFailure::Failed(error.to_string()))
            }
            Err(refused) => {
                audit(format!("{reference} not executed: {refused}"));
                Err(JobFailure::Refused(refused.to_string()))
            }
        }
    }
}

/// The `proposal_expiry` job kind (scheduled every quarter of an hour).
pub struct ExpiryKind {
    auditor: Auditor,
}

impl JobKind for ExpiryKind {
    fn name(&self) -> &'static str {
        PROPOSAL_EXPIRY
    }

    fn run(&self, _job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        let expired = expire_due(context.connection(), now())?;
        if !expired.is_empty() {
            (self.auditor)(
                AuditEntry::new(AuditEvent::ActionExecuted)
                    .detail(format!("expired undecided: {}", expired.join(", "))),
            );
        }
        Ok(json!({"expired": expired}))
    }
}

/// The kinds the server runs; executions also write to `erp` when it has an ERP connected.
pub fn kinds(auditor: &Auditor, erp: Option<Arc<dyn ErpWriter>>) -> Vec<Arc<dyn JobKind>> {
    vec![
        Arc::new(ExecuteKind {
            auditor: auditor.clone(),
            erp,
        }),
        Arc::new(ExpiryKind {
            auditor: auditor.clone(),
        }),
    ]
}
