//! `POST /ai_analyst/chat` and the questions the UI suggests.

use analyst_accounts::{AuditEntry, AuditEvent, User};
use analyst_core::{Answer, SemanticQuery, Tool};
use analyst_gateway::{
    Access, AskContext, Asker, ChatTurn, DEFAULT_WORKSPACE, LlmContext, REFUSED_ROUTE,
    answer_query, budgets, chat,
};
use axum::Json;
use axum::extract::State;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::{AppState, DataView};

#[derive(Deserialize, ToSchema)]
pub(crate) struct ChatRequest {
    /// The question (at most 8,000 characters).
    message: String,
    /// Continue this conversation; a new one starts when absent.
    #[serde(default)]
    conversation_id: Option<String>,
    /// The workspace to ask in (`sales` today).
    #[serde(default)]
    workspace: Option<String>,
}

/// The answer contract (ARCHITECTURE.md) plus the conversation it was added to.
#[derive(Serialize, ToSchema)]
pub(crate) struct ChatResponse {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    answer: Answer,
    conversation_id: String,
    message_id: String,
}

/// Asks the analyst a question.
#[utoipa::path(post, path = "/ai_analyst/chat", tag = "chat", request_body = ChatRequest,
    responses(
        (status = 200, description = "An answer; `error` is set when the question could not be answered", body = ChatResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn ask(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Body(request): Body<ChatRequest>,
) -> Result<Json<ChatResponse>, AppError> {
    let user = session.user;
    let user_id = user.id;
    take_question(&state, user_id)?;
    let _slot = state.query_slot().await?;
    let reply = state
        .run(move |connection, state| {
            let workspace = request.workspace.as_deref().unwrap_or(DEFAULT_WORKSPACE);
            let (now, seconds_left) =
                within_budget(connection, state, &user, workspace, ip.as_deref())?;
            let view = state.data_view(connection)?;
            if let Some(code) = request.workspace.as_deref()
                && !view.workspaces.iter().any(|known| known.code == code)
            {
                let known: Vec<&str> = view.workspaces.iter().map(|w| w.code.as_str()).collect();
                return Err(AppError::bad_request(format!(
                    "unknown workspace '{code}'; the workspaces are {}",
                    known.join(", ")
                )));
            }
            let context = ask_context(connection, state, &user, &view, seconds_left)?;
            let turn = ChatTurn {
                user_id,
                message: &request.message,
                conversation_id: request.conversation_id.as_deref(),
                workspace: request.workspace.as_deref(),
            };
            if turn.conversation_id.is_some() {
                // The conversation's earlier messages are read: they must be written first.
                state.flush_writes();
            }
            let reply = chat(connection, &view.vocabulary, &turn, &context, &|message| {
                state.save_message(message)
            })?;
            account_for(
                state,
                &user,
                now,
                ip.as_deref(),
                &request.message,
                &reply.answer,
            );
            Ok(reply)
        })
        .await?;
    state
        .metrics
        .answered(&reply.answer.meta.route, reply.answer.error.is_none());
    Ok(Json(ChatResponse {
        answer: reply.answer,
        conversation_id: reply.conversation_id,
        message_id: reply.message_id,
    }))
}

/// Counts a question against the user's per-minute allowance.
fn take_question(state: &AppState, user_id: i64) -> Result<(), AppError> {
    state.chat.take(&user_id.to_string()).map_err(|wait| {
        let seconds = wait.as_secs() + 1;
        AppError::rate_limited(
            seconds,
            format!(
                "you asked {} questions in the last minute; try again in {seconds} seconds",
                state.settings.chat_per_minute
            ),
        )
    })
}

/// Today, the shared answers, the data's freshness, the user's tools and rows, and the query
/// time left in their budget.
fn ask_context(
    connection: &dyn analyst_store::Connection,
    state: &AppState,
    user: &User,
    view: &DataView,
    seconds_left: Option<f64>,
) -> Result<AskContext, AppError> {
    let rights = state.rights(connection, user)?;
    let llm = state
        .providers
        .current(connection)?
        .map(|providers| LlmContext {
            providers,
            asker: Some(Asker {
                user_id: user.id,
                username: user.username.clone(),
            }),
            auditor: Some(state.auditor()),
            exchange_rate: state.settings.exchange_rate,
        });
    Ok(AskContext {
        today: state.today(),
        answers: Some(state.answers.clone()),
        access: Access::from(&rights).in_workspaces(&view.workspaces, None),
        data_as_of: view.data_as_of,
        seconds_left,
        llm,
    })
}

/// The moment of the question and the query time left today, when the user's budget allows
/// one more; a refusal is audited.
fn within_budget(
    connection: &dyn analyst_store::Connection,
    state: &AppState,
    user: &User,
    workspace: &str,
    ip: Option<&str>,
) -> Result<(NaiveDateTime, Option<f64>), AppError> {
    let now = chrono::Utc::now().naive_utc();
    let verdict = state.usage.check(
        connection,
        || state.flush_writes(),
        (user.id, &user.username),
        workspace,
        now,
    )?;
    match verdict {
        Ok(seconds_left) => Ok((now, seconds_left)),
        Err(exceeded) => {
            state.audit(
                AuditEntry::new(AuditEvent::BudgetExceeded)
                    .user(user.id, &user.username)
                    .workspace(workspace)
                    .ip(ip)
                    .detail(exceeded.to_string()),
            );
            Err(AppError::over_budget(&exceeded))
        }
    }
}

/// After an answer: its rows, time and tokens counted against the user's budget, and the
/// question and what answered it (route, tool, semantic query, SQL, rows, time) in the audit
/// log; a refusal is recorded as `access_denied`. Both are written in the background.
fn account_for(
    state: &AppState,
    user: &User,
    now: NaiveDateTime,
    ip: Option<&str>,
    question: &str,
    answer: &Answer,
) {
    let meta = &answer.meta;
    let (user_id, rows, ms) = (user.id, meta.row_count, meta.total_time_ms);
    let tokens = meta.tokens_used.input + meta.tokens_used.output;
    state.usage.count(user_id, now, rows, ms, tokens);
    state.save_charge(budgets::Charge {
        user_id,
        at: now,
        rows,
        milliseconds: ms,
        llm_tokens: tokens,
    });
    let event = if meta.route == REFUSED_ROUTE {
        AuditEvent::AccessDenied
    } else {
        AuditEvent::Query
    };
    let detail = serde_json::json!({
        "question": question,
        "route": meta.route,
        "tool": meta.tool,
        "query": meta.query,
        "cached": meta.cached,
        "error": answer.error,
    });
    let mut entry = AuditEntry::new(event)
        .user(user.id, &user.username)
        .ip(ip)
        .detail(detail.to_string())
        .row_count(answer.table.as_ref().map_or(0, |table| table.rows.len()))
        .latency(std::time::Duration::from_millis(meta.total_time_ms));
    if let Some(workspace) = &meta.workspace {
        entry = entry.workspace(workspace);
    }
    if let Some(sql) = &meta.sql {
        entry = entry.sql(sql);
    }
    state.audit(entry);
}

/// A semantic query (the IR of `meta.query`), as JSON.
#[derive(Deserialize, ToSchema)]
#[schema(value_type = Object)]
pub(crate) struct QueryRequest(SemanticQuery);

/// Answers a semantic query directly (the IR an answer's `meta.query` shows), under the same
/// rights, record rules and limits as a question.
#[utoipa::path(post, path = "/api/v1/query", tag = "chat", request_body = QueryRequest,
    responses(
        (status = 200, description = "An answer; `error` is set when the query could not be answered", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn query(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Body(QueryRequest(query)): Body<QueryRequest>,
) -> Result<Json<Answer>, AppError> {
    query
        .validate()
        .map_err(|error| AppError::bad_request(error.to_string()))?;
    let user = session.user;
    take_question(&state, user.id)?;
    let _slot = state.query_slot().await?;
    let answer = state
        .run(move |connection, state| {
            let (now, seconds_left) = within_budget(connection, state, &user, "", ip.as_deref())?;
            let view = state.data_view(connection)?;
            let context = ask_context(connection, state, &user, &view, seconds_left)?;
            let answer = answer_query(connection, query, &context);
            account_for(
                state,
                &user,
                now,
                ip.as_deref(),
                "(semantic query)",
                &answer,
            );
            Ok(answer)
        })
        .await?;
    state
        .metrics
        .answered(&answer.meta.route, answer.error.is_none());
    Ok(Json(answer))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct WorkspaceView {
    code: String,
    name: String,
    description: String,
    /// The tools that answer here (the user's groups allow each).
    tools: Vec<String>,
    dashboard: String,
    /// Questions to start with.
    prompts: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct WorkspaceContext {
    /// The workspace a new conversation uses.
    workspace: Option<String>,
    workspaces: Vec<WorkspaceView>,
}

/// The workspaces the user may enter, with their tools and suggested questions.
#[utoipa::path(post, path = "/ai_analyst/workspace/context", tag = "chat",
    responses((status = 200, body = WorkspaceContext), (status = 401, body = ErrorBody)))]
pub(crate) async fn workspace_context(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> Result<Json<WorkspaceContext>, AppError> {
    let user = session.user;
    let access = state
        .run(move |connection, state| {
            let view = state.data_view(connection)?;
            let rights = state.rights(connection, &user)?;
            Ok(Access::from(&rights).in_workspaces(&view.workspaces, None))
        })
        .await?;
    let workspaces: Vec<WorkspaceView> = access
        .workspaces
        .as_deref()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|workspace| WorkspaceView {
            code: workspace.code.clone(),
            name: workspace.name.clone(),
            description: workspace.description.clone(),
            tools: Tool::ALL
                .iter()
                .filter(|tool| workspace.allows(**tool) && access.may_use(**tool))
                .map(|tool| tool.name().to_string())
                .collect(),
            dashboard: workspace.dashboard.clone(),
            prompts: workspace.prompts.clone(),
        })
        .collect();
    let workspace = workspaces
        .iter()
        .find(|workspace| workspace.code == DEFAULT_WORKSPACE)
        .or(workspaces.first())
        .map(|workspace| workspace.code.clone());
    Ok(Json(WorkspaceContext {
        workspace,
        workspaces,
    }))
}
