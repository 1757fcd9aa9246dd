//! The signed-in user's conversations: list, read, delete (their own only).

use analyst_accounts::{AuditEntry, AuditEvent};
use analyst_core::Answer;
use analyst_gateway::conversations::{self, Conversation};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub(crate) struct ConversationSummary {
    id: String,
    title: String,
    workspace: String,
    created_at: String,
    updated_at: String,
    message_count: u64,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ConversationList {
    conversations: Vec<ConversationSummary>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MessageView {
    id: String,
    question: String,
    #[schema(value_type = Object)]
    answer: Answer,
    created_at: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ConversationView {
    id: String,
    title: String,
    workspace: String,
    created_at: String,
    messages: Vec<MessageView>,
}

fn rfc3339(moment: NaiveDateTime) -> String {
    moment
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn summary(conversation: Conversation) -> ConversationSummary {
    ConversationSummary {
        id: conversation.id,
        title: conversation.title,
        workspace: conversation.workspace,
        created_at: rfc3339(conversation.created_at),
        updated_at: rfc3339(conversation.updated_at),
        message_count: conversation.message_count,
    }
}

/// The user's conversations, most recent first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations",
    responses((status = 200, body = ConversationList), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> Result<Json<ConversationList>, AppError> {
    let user_id = session.user.id;
    let found = state
        .run(move |connection, state| {
            state.flush_writes();
            Ok(conversations::list(connection, user_id)?)
        })
        .await?;
    Ok(Json(ConversationList {
        conversations: found.into_iter().map(summary).collect(),
    }))
}

/// One conversation with every question and answer.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = String, Path, description = "conversation id")),
    responses((status = 200, body = ConversationView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ConversationView>, AppError> {
    let user_id = session.user.id;
    let (conversation, messages) = state
        .run(move |connection, state| {
            state.flush_writes();
            let conversation = conversations::get(connection, user_id, &id)?;
            let messages = conversations::messages(connection, user_id, &id)?;
            Ok((conversation, messages))
        })
        .await?;
    Ok(Json(ConversationView {
        id: conversation.id,
        title: conversation.title,
        workspace: conversation.workspace,
        created_at: rfc3339(conversation.created_at),
        messages: messages
            .into_iter()
            .map(|message| MessageView {
                id: message.id,
                question: message.question,
                answer: message.answer,
                created_at: rfc3339(message.created_at),
            })
            .collect(),
    }))
}

/// Deletes one of the user's conversations.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = String, Path, description = "conversation id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let user = session.user;
    state
        .run(move |connection, state| {
            state.flush_writes();
            conversations::delete(connection, user.id, &id)?;
            state.audit(
                AuditEntry::new(AuditEvent::ConversationDeleted)
                    .user(user.id, &user.username)
                    .ip(ip.as_deref())
                    .detail(&id),
            );
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
