//! Errors as clients see them: `{"error": {"code", "message"}}` with the right status.
//! Unexpected failures are logged in full and shown as a plain 500.

use analyst_accounts::AccountError;
use analyst_actions::ActionError;
use analyst_gateway::ChatError;
use analyst_gateway::conversations::ConversationError;
use analyst_semantic::SemanticError;
use analyst_semantic::dictionary::DictionaryError;
use analyst_store::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug)]
pub(crate) struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after_seconds: Option<u64>,
}

/// The error body (also documented in the OpenAPI document).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_credentials`.
    code: String,
    /// What went wrong and what to do, for people.
    message: String,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        AppError {
            status,
            code,
            message: message.into(),
            retry_after_seconds: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthenticated() -> Self {
        AppError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in first (a session cookie or an `Authorization: Bearer` token)",
        )
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        AppError::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn rate_limited(retry_after_seconds: u64, message: impl Into<String>) -> Self {
        AppError {
            retry_after_seconds: Some(retry_after_seconds.max(1)),
            ..AppError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
        }
    }

    /// Over a query budget: 429 with the seconds until it resets.
    pub fn over_budget(exceeded: &analyst_gateway::budgets::BudgetExceeded) -> Self {
        let now = chrono::Utc::now().naive_utc();
        let seconds = (exceeded.resets_at - now).num_seconds().max(1) as u64;
        AppError {
            code: "budget_exceeded",
            ..AppError::rate_limited(seconds, exceeded.to_string())
        }
    }

    /// A failure that is ours, not the client's: logged, never shown in detail.
    pub fn internal(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        tracing::error!(%detail, "internal error");
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        )
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.into(),
                message: self.message,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after_seconds
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<ActionError> for AppError {
    fn from(error: ActionError) -> Self {
        match error {
            ActionError::Invalid(message) => AppError::bad_request(message),
            ActionError::Forbidden(message) => AppError::forbidden("forbidden", message),
            ActionError::NotFound(_) => AppError::not_found(error.to_string()),
            ActionError::Conflict(message) => {
                AppError::new(StatusCode::CONFLICT, "conflict", message)
            }
            ActionError::Stale(message) => AppError::new(StatusCode::CONFLICT, "stale", message),
            ActionError::ErpUnavailable(message) => AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "erp_unavailable",
                format!("the ERP could not take the write now; it is tried again: {message}"),
            ),
            ActionError::Store(error) => error.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::internal(error.to_string())
    }
}

impl From<SemanticError> for AppError {
    fn from(error: SemanticError) -> Self {
        AppError::internal(error.to_string())
    }
}

impl From<DictionaryError> for AppError {
    fn from(error: DictionaryError) -> Self {
        match error {
            DictionaryError::Invalid(message) => AppError::bad_request(message),
            DictionaryError::NotFound(message) => AppError::not_found(message),
            DictionaryError::Store(error) => error.into(),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::InvalidCredentials => AppError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "wrong username or password",
            ),
            AccountError::WeakPassword(message) => {
                AppError::new(StatusCode::BAD_REQUEST, "weak_password", message)
            }
            AccountError::InvalidUsername(message) => AppError::bad_request(message),
            AccountError::UserExists(_)
            | AccountError::NoSuchUser(_)
            | AccountError::Rights(_)
            | AccountError::InvalidEmail(_) => AppError::bad_request(error.to_string()),
            AccountError::Hashing(detail) => AppError::internal(detail),
            AccountError::Store(error) => error.into(),
        }
    }
}

impl From<ConversationError> for AppError {
    fn from(error: ConversationError) -> Self {
        match error {
            ConversationError::NotFound(_) => AppError::not_found(error.to_string()),
            ConversationError::Forbidden(_) => {
                AppError::forbidden("forbidden", "this conversation belongs to another user")
            }
            ConversationError::Corrupt(detail) => AppError::internal(detail),
            ConversationError::Store(error) => error.into(),
        }
    }
}

impl From<ChatError> for AppError {
    fn from(error: ChatError) -> Self {
        match error {
            ChatError::EmptyMessage | ChatError::TooLong(_) | ChatError::OtherWorkspace(_) => {
                AppError::bad_request(error.to_string())
            }
            ChatError::UnknownWorkspace(_) | ChatError::NoWorkspace => {
                AppError::forbidden("workspace", error.to_string())
            }
            ChatError::Conversation(error) => error.into(),
        }
    }
}
