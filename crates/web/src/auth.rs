//! Who is calling: a browser session cookie (with a CSRF token on state-changing requests) or
//! a bearer token. Handlers take [`CurrentUser`] or [`Admin`] and cannot forget to check.

use std::net::SocketAddr;

use analyst_accounts::{Session, SessionKind, resolve};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};
use cookie::Cookie;

use crate::error::AppError;
use crate::state::AppState;

pub(crate) const SESSION_COOKIE: &str = "analyst_session";
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// Any signed-in caller, even one who must still change a one-time password.
pub(crate) struct SignedIn {
    pub session: Session,
    /// The session cookie's token (browser sessions), for signing out.
    pub cookie_token: Option<String>,
}

/// A signed-in caller who may use the analyst.
pub(crate) struct CurrentUser(pub Session);

/// A signed-in administrator.
pub(crate) struct Admin;

/// The client's address (for rate limits and the audit log).
pub(crate) struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip().to_string()),
        ))
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

pub(crate) fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .map(|cookie| cookie.value().to_string())
}

/// Compares secrets without leaking where they differ through timing.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |difference, (x, y)| difference | (x ^ y))
            == 0
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (token, kind) = match (bearer(parts), session_cookie(parts)) {
            (Some(token), _) => (token, SessionKind::ApiToken),
            (None, Some(token)) => (token, SessionKind::Browser),
            (None, None) => return Err(AppError::unauthenticated()),
        };
        let lookup = token.clone();
        let session = state
            .run(move |connection, _| Ok(resolve(connection, &lookup, kind)?))
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        if kind == SessionKind::Browser && changes_state(&parts.method) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            let expected = session.csrf_token.as_deref().unwrap_or_default();
            if expected.is_empty() || !same_secret(sent, expected) {
                return Err(AppError::forbidden(
                    "csrf",
                    "missing or wrong X-CSRF-Token header: reload the page and try again",
                ));
            }
        }
        Ok(SignedIn {
            cookie_token: (kind == SessionKind::Browser).then_some(token),
            session,
        })
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if signed_in.session.user.must_change_password {
            return Err(AppError::forbidden(
                "password_change_required",
                "change your one-time password first (POST /api/v1/auth/password)",
            ));
        }
        Ok(CurrentUser(signed_in.session))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let CurrentUser(session) = CurrentUser::from_request_parts(parts, state).await?;
        if !session.user.is_admin {
            return Err(AppError::forbidden(
                "admin_only",
                "only administrators may do this",
            ));
        }
        Ok(Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }
}
