//! `POST /ai_analyst/chat` and the questions the UI suggests.

use analyst_core::Answer;
use analyst_gateway::{AskContext, ChatTurn, DEFAULT_WORKSPACE, chat};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

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
    CurrentUser(session): CurrentUser,
    Body(request): Body<ChatRequest>,
) -> Result<Json<ChatResponse>, AppError> {
    let user_id = session.user.id;
    if let Err(wait) = state.chat.take(&user_id.to_string()) {
        let seconds = wait.as_secs() + 1;
        return Err(AppError::rate_limited(
            seconds,
            format!(
                "you asked {} questions in the last minute; try again in {seconds} seconds",
                state.settings.chat_per_minute
            ),
        ));
    }
    let reply = state
        .run(move |connection, state| {
            let vocabulary = state.vocabulary(connection)?;
            let turn = ChatTurn {
                user_id,
                message: &request.message,
                conversation_id: request.conversation_id.as_deref(),
                workspace: request.workspace.as_deref(),
            };
            let context = AskContext {
                today: state.today(),
                answers: Some(state.answers.clone()),
            };
            Ok(chat(connection, &vocabulary, &turn, &context)?)
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

#[derive(Serialize, ToSchema)]
pub(crate) struct Workspace {
    code: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Suggestions {
    /// The workspace a new conversation uses.
    workspace: String,
    workspaces: Vec<Workspace>,
    suggestions: Vec<String>,
}

/// Workspaces the user may enter and questions to start with.
#[utoipa::path(get, path = "/api/v1/suggestions", tag = "chat",
    responses((status = 200, body = Suggestions), (status = 401, body = ErrorBody)))]
pub(crate) async fn suggestions(CurrentUser(_): CurrentUser) -> Json<Suggestions> {
    Json(Suggestions {
        workspace: DEFAULT_WORKSPACE.into(),
        workspaces: vec![Workspace {
            code: DEFAULT_WORKSPACE.into(),
            name: "Sales".into(),
        }],
        suggestions: analyst_gateway::SUGGESTED_QUESTIONS
            .iter()
            .map(|question| question.to_string())
            .collect(),
    })
}
