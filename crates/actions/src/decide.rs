//! People's decisions on proposals: approve (signing the payload hash), reject, ask for the
//! execution, and expiry. Each checks the user's rights and the proposal's state inside one
//! transaction, with the state change guarded by the state it was read in, so two decisions at
//! once cannot both pass.

use analyst_accounts::Rights;
use analyst_jobs::{Job, NewJob, queue};
use analyst_store::{Connection, Value, transaction};
use chrono::NaiveDateTime;
use serde_json::json;

use crate::execution::PROPOSAL_EXECUTE;
use crate::proposal::{self, Proposal, ProposalState, atomically, record_event};
use crate::{ActionError, Result};

/// Reads a proposal the user may see (anyone else is told there is none).
pub fn visible(connection: &dyn Connection, rights: &Rights, key: &str) -> Result<Proposal> {
    proposal::find(connection, key)?
        .filter(|proposal| proposal.may_see(rights))
        .ok_or_else(|| ActionError::NotFound(key.trim().to_string()))
}

/// Moves the proposal from `from` to `to`, or fails when someone else moved it first.
fn move_state(
    connection: &dyn Connection,
    proposal: &Proposal,
    from: ProposalState,
    to: ProposalState,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    let moved = connection.execute(
        "UPDATE app.proposal SET state = $1, reason = COALESCE($2, reason), decided_at = $3 \
         WHERE id = $4 AND state = $5",
        &[
            to.name().into(),
            reason.map_or(Value::Null, Value::from),
            at.into(),
            proposal.id.into(),
            from.name().into(),
        ],
    )?;
    if moved == 0 {
        return Err(ActionError::Conflict(format!(
            "{} changed meanwhile; look at it again",
            proposal.reference
        )));
    }
    Ok(())
}

/// Marks expired every proposal still waiting at its expiry; returns their references.
pub fn expire_due(connection: &dyn Connection, at: NaiveDateTime) -> Result<Vec<String>> {
    let expired = transaction(connection, || {
        let rows = connection.query(
            "UPDATE app.proposal SET state = 'expired', decided_at = $1 \
             WHERE state IN ('draft', 'reviewed') AND expires_at <= $1 RETURNING id, reference",
            &[at.into()],
        )?;
        let mut references = Vec::with_capacity(rows.rows.len());
        for row in &rows.rows {
            let id = row.first().and_then(Value::as_i64).unwrap_or_default();
            record_event(connection, id, "expired", None, "not decided in time", at)?;
            references.push(
                row.get(1)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        Ok(references)
    })?;
    Ok(expired)
}

/// Approves as `rights`' user: signs the stored payload's hash. The proposal is `approved`
/// once it has all the approvals it needs (two for high risk when so set), `reviewed` before.
pub fn approve(
    connection: &dyn Connection,
    rights: &Rights,
    key: &str,
    at: NaiveDateTime,
) -> Result<Proposal> {
    expire_due(connection, at)?;
    let proposal = visible(connection, rights, key)?;
    if let Some(refusal) = proposal.approval_refusal(rights) {
        return Err(refusal);
    }
    if !proposal.payload_intact() {
        return Err(ActionError::Conflict(format!(
            "the stored payload of {} does not match its hash: it was altered and cannot be approved",
            proposal.reference
        )));
    }
    let approvals = proposal.approvals.len() as i64 + 1;
    let to = if approvals >= proposal.approvals_needed {
        ProposalState::Approved
    } else {
        ProposalState::Reviewed
    };
    atomically(connection, || {
        connection.execute(
            "INSERT INTO app.proposal_approval (proposal_id, user_id, payload_hash, approved_at) \
             VALUES ($1, $2, $3, $4)",
            &[
                proposal.id.into(),
                rights.user_id.into(),
                proposal.payload_hash.clone().into(),
                at.into(),
            ],
        )?;
        // Guarded by the state read: of two approvals at once, one fails here instead of both
        // counting as the last one.
        move_state(connection, &proposal, proposal.state, to, None, at)?;
        record_event(
            connection,
            proposal.id,
            to.name(),
            Some(rights.user_id),
            &format!(
                "approval {approvals} of {} signed payload {}",
                proposal.approvals_needed, proposal.payload_hash
            ),
            at,
        )?;
        Ok(())
    })?;
    proposal::get(connection, proposal.id)?.ok_or_else(|| ActionError::NotFound(key.into()))
}

/// Rejects (an approver) or withdraws (the requester) a proposal waiting for a decision.
pub fn reject(
    connection: &dyn Connection,
    rights: &Rights,
    key: &str,
    reason: &str,
    at: NaiveDateTime,
) -> Result<Proposal> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1_000 {
        return Err(ActionError::Invalid(
            "give a reason of 1 to 1,000 characters".into(),
        ));
    }
    expire_due(connection, at)?;
    let proposal = visible(connection, rights, key)?;
    if !proposal.state.is_pending() {
        return Err(proposal.not_pending());
    }
    if proposal.requested_by != rights.user_id
        && let Some(refusal) = proposal.decide_refusal(rights)
    {
        return Err(refusal);
    }
    atomically(connection, || {
        move_state(
            connection,
            &proposal,
            proposal.state,
            ProposalState::Rejected,
            Some(reason),
            at,
        )?;
        Ok(record_event(
            connection,
            proposal.id,
            "rejected",
            Some(rights.user_id),
            reason,
            at,
        )?)
    })?;
    proposal::get(connection, proposal.id)?.ok_or_else(|| ActionError::NotFound(key.into()))
}

/// Queues the execution of an approved proposal as `rights`' user (who must be allowed to
/// decide it); returns the job. Asking again while one is queued or running returns that one.
pub fn request_execution(
    connection: &dyn Connection,
    rights: &Rights,
    key: &str,
    at: NaiveDateTime,
) -> Result<(Proposal, Job)> {
    let proposal = visible(connection, rights, key)?;
    if let Some(refusal) = proposal.decide_refusal(rights) {
        return Err(refusal);
    }
    if let Some(job) = proposal
        .job_id
        .map(|id| queue::get(connection, id))
        .transpose()?
        .flatten()
        .filter(|job| !job.state.is_final() || proposal.state == ProposalState::Executed)
    {
        return Ok((proposal, job));
    }
    if proposal.state != ProposalState::Approved {
        return Err(ActionError::Conflict(format!(
            "{} is {}: only an approved proposal can be executed",
            proposal.reference,
            proposal.state.name()
        )));
    }
    let job = transaction(connection, || {
        let job = queue::enqueue(
            connection,
            &NewJob::new(PROPOSAL_EXECUTE, json!({"proposal_id": proposal.id}))
                .for_user(rights.user_id),
        )?;
        connection.execute(
            "UPDATE app.proposal SET job_id = $1 WHERE id = $2",
            &[job.id.into(), proposal.id.into()],
        )?;
        record_event(
            connection,
            proposal.id,
            "execution_queued",
            Some(rights.user_id),
            &format!("job {}", job.id),
            at,
        )?;
        Ok(job)
    })?;
    let proposal =
        proposal::get(connection, proposal.id)?.ok_or_else(|| ActionError::NotFound(key.into()))?;
    Ok((proposal, job))
}
