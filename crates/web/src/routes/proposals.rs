//! Proposals (seed 000's endpoints for approval, REST for the rest): propose from an answer's
//! action, list and read them, approve, reject, and execute as a job. The user's rights are
//! read afresh for every decision; a proposal the caller may not see is "not found".

use analyst_accounts::{AuditEvent, Rights, User};
use analyst_actions::decide::{self, visible};
use analyst_actions::proposal::{ProposalEvent, events};
use analyst_actions::{ActionError, Origin, Proposal, ProposalFilter, ProposalRequest};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

/// A proposal as the caller sees it: what it is, and what they may do with it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ProposalView {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    proposal: Proposal,
    /// The caller may approve or reject it now.
    can_decide: bool,
    /// The caller may execute it now.
    can_execute: bool,
    /// For those who may not decide it: whose decision it waits for.
    waiting_for: Option<String>,
    #[schema(value_type = Vec<Object>)]
    events: Vec<ProposalEvent>,
}

fn view(proposal: Proposal, rights: &Rights, events: Vec<ProposalEvent>) -> ProposalView {
    let can_decide = proposal.approval_refusal(rights).is_none();
    let waiting_for = (proposal.state.is_pending() && !can_decide).then(|| {
        let still = proposal.approvals_needed - proposal.approvals.len() as i64;
        format!(
            "waiting for approval by {} of the group {}",
            if still > 1 {
                format!("{still} members")
            } else {
                "a member".to_string()
            },
            proposal.required_group
        )
    });
    ProposalView {
        can_decide,
        can_execute: proposal.may_decide(rights)
            && proposal.state == analyst_actions::ProposalState::Approved,
        waiting_for,
        events,
        proposal,
    }
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct ProposeRequest {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    request: ProposalRequest,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    origin: Origin,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Proposed {
    proposals: Vec<ProposalView>,
}

/// The caller's rights as they are now (decisions never use rights read earlier).
fn fresh_rights(
    connection: &dyn analyst_store::Connection,
    user: &User,
) -> Result<Rights, AppError> {
    Ok(analyst_accounts::rights(connection, user)?)
}

/// Proposes a change: `{"kind": "create_purchase_order", "suggestion_ids": [..]}`,
/// `update_reorder_rule {sku, store, min_qty, max_qty}`, `archive_product {skus}` or
/// `create_activity {assignee, summary, note, due_date, customer}`; optional
/// `conversation_id`, `query` and `idempotency_key`. Purchase orders make one proposal per
/// supplier and company.
#[utoipa::path(post, path = "/api/v1/proposals", tag = "proposals", request_body = ProposeRequest,
    responses((status = 201, body = Proposed), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn propose(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Body(request): Body<ProposeRequest>,
) -> Result<(StatusCode, Json<Proposed>), AppError> {
    let user = session.user;
    let proposals = state
        .run(move |connection, state| {
            let rights = fresh_rights(connection, &user)?;
            let settings = state.settings.actions.clone();
            let created = analyst_actions::create(
                connection,
                &settings,
                &rights,
                &request.request,
                &request.origin,
            )?;
            for proposal in &created {
                state.audit_by(
                    AuditEvent::ActionExecuted,
                    &user,
                    ip.as_deref(),
                    format!(
                        "proposed {} ({}, {} risk): {}",
                        proposal.reference,
                        proposal.kind.name(),
                        proposal.risk.name(),
                        proposal.summary
                    ),
                );
            }
            Ok(created
                .into_iter()
                .map(|proposal| {
                    let history = events(connection, proposal.id)?;
                    Ok(view(proposal, &rights, history))
                })
                .collect::<Result<Vec<_>, ActionError>>()?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Proposed { proposals })))
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct ListQuery {
    /// `draft`, `reviewed`, `approved`, `executed`, `failed`, `rejected` or `expired`.
    state: Option<String>,
    kind: Option<String>,
    /// Only those waiting for the caller's decision.
    #[serde(default)]
    pending_for_me: bool,
    limit: Option<usize>,
}

/// Proposals the caller may see (their own, and those they may decide), newest first.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals", params(ListQuery),
    responses((status = 200, body = Vec<ProposalView>), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<ProposalView>>, AppError> {
    let user = session.user;
    let views = state
        .run(move |connection, _| {
            let rights = fresh_rights(connection, &user)?;
            decide::expire_due(connection, chrono::Utc::now().naive_utc())?;
            let filter = ProposalFilter {
                state: query.state,
                kind: query.kind,
                pending_for_me: query.pending_for_me,
                limit: query.limit,
            };
            Ok(analyst_actions::list(connection, &rights, &filter)?
                .into_iter()
                .map(|proposal| view(proposal, &rights, Vec::new()))
                .collect())
        })
        .await?;
    Ok(Json(views))
}

/// One proposal with its history.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals",
    params(("id" = String, Path, description = "id or reference (AIPROP-0001)")),
    responses((status = 200, body = ProposalView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ProposalView>, AppError> {
    let user = session.user;
    let view = state
        .run(move |connection, _| {
            let rights = fresh_rights(connection, &user)?;
            decide::expire_due(connection, chrono::Utc::now().naive_utc())?;
            let proposal = visible(connection, &rights, &id)?;
            let history = events(connection, proposal.id)?;
            Ok(view(proposal, &rights, history))
        })
        .await?;
    Ok(Json(view))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct ApproveRequest {
    /// Also queue the execution once the proposal is approved ("Approve and execute").
    #[serde(default)]
    execute: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Decided {
    proposal: ProposalView,
    /// The execution job, when one was queued.
    job_id: Option<i64>,
}

/// Approves a proposal (signing its payload hash); with `{"execute": true}` also queues its
/// execution once it has every approval it needs.
#[utoipa::path(post, path = "/ai_analyst/proposal/{id}/approve", tag = "proposals",
    params(("id" = String, Path, description = "id or reference")),
    request_body = ApproveRequest,
    responses((status = 200, body = Decided), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub(crate) async fn approve(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Decided>, AppError> {
    let user = session.user;
    // The body is optional: an empty one approves without executing.
    let execute = if body.iter().all(u8::is_ascii_whitespace) {
        false
    } else {
        serde_json::from_slice::<ApproveRequest>(&body)
            .map_err(|error| AppError::bad_request(format!("the JSON body is not valid: {error}")))?
            .execute
    };
    let decided = state
        .run(move |connection, state| {
            let rights = fresh_rights(connection, &user)?;
            let now = chrono::Utc::now().naive_utc();
            let proposal = decide::approve(connection, &rights, &id, now)?;
            state.audit_by(
                AuditEvent::ActionExecuted,
                &user,
                ip.as_deref(),
                format!(
                    "approved {} ({} of {} approvals; payload {})",
                    proposal.reference,
                    proposal.approvals.len(),
                    proposal.approvals_needed,
                    proposal.payload_hash
                ),
            );
            let mut job_id = None;
            let proposal = if execute && proposal.state == analyst_actions::ProposalState::Approved
            {
                let (proposal, job) =
                    decide::request_execution(connection, &rights, &proposal.reference, now)?;
                state.audit_by(
                    AuditEvent::ActionExecuted,
                    &user,
                    ip.as_deref(),
                    format!("asked to execute {} (job {})", proposal.reference, job.id),
                );
                job_id = Some(job.id);
                proposal
            } else {
                proposal
            };
            let history = events(connection, proposal.id)?;
            Ok(Decided {
                proposal: view(proposal, &rights, history),
                job_id,
            })
        })
        .await?;
    Ok(Json(decided))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct RejectRequest {
    reason: String,
}

/// Rejects a proposal (an approver), or withdraws it (its requester), with a reason.
#[utoipa::path(post, path = "/ai_analyst/proposal/{id}/reject", tag = "proposals",
    params(("id" = String, Path, description = "id or reference")),
    request_body = RejectRequest,
    responses((status = 200, body = ProposalView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn reject(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Path(id): Path<String>,
    Body(request): Body<RejectRequest>,
) -> Result<Json<ProposalView>, AppError> {
    let user = session.user;
    let view = state
        .run(move |connection, state| {
            let rights = fresh_rights(connection, &user)?;
            let now = chrono::Utc::now().naive_utc();
            let proposal = decide::reject(connection, &rights, &id, &request.reason, now)?;
            state.audit_by(
                AuditEvent::ActionExecuted,
                &user,
                ip.as_deref(),
                format!("rejected {}: {}", proposal.reference, request.reason.trim()),
            );
            let history = events(connection, proposal.id)?;
            Ok(view(proposal, &rights, history))
        })
        .await?;
    Ok(Json(view))
}

/// Queues the execution of an approved proposal (the caller's rights are checked again when
/// it runs). Asking again while it is queued or running returns the same job.
#[utoipa::path(post, path = "/ai_analyst/proposal/{id}/execute", tag = "proposals",
    params(("id" = String, Path, description = "id or reference")),
    responses((status = 202, body = Decided), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub(crate) async fn execute(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Decided>), AppError> {
    let user = session.user;
    let decided = state
        .run(move |connection, state| {
            let rights = fresh_rights(connection, &user)?;
            let now = chrono::Utc::now().naive_utc();
            let (proposal, job) = decide::request_execution(connection, &rights, &id, now)?;
            state.audit_by(
                AuditEvent::ActionExecuted,
                &user,
                ip.as_deref(),
                format!("asked to execute {} (job {})", proposal.reference, job.id),
            );
            let history = events(connection, proposal.id)?;
            Ok(Decided {
                proposal: view(proposal, &rights, history),
                job_id: Some(job.id),
            })
        })
        .await?;
    Ok((StatusCode::ACCEPTED, Json(decided)))
}
