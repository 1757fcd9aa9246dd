//! Signing in and out: browser sessions, one-time password changes, API tokens.

use analyst_accounts::{
    AccountError, AuditEntry, AuditEvent, Session, SessionKind, User, change_password, end_session,
    issue_api_token, start_session, verify_login,
};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{ClientIp, SESSION_COOKIE, SignedIn};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

/// A username and password.
#[derive(Deserialize, ToSchema)]
pub(crate) struct Credentials {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct UserInfo {
    username: String,
    is_admin: bool,
    /// True after a one-time password: change it before anything else.
    must_change_password: bool,
}

/// The signed-in user (`null` when nobody is) and the token to send as `X-CSRF-Token` on
/// state-changing requests.
#[derive(Serialize, ToSchema)]
pub(crate) struct SessionInfo {
    user: Option<UserInfo>,
    csrf_token: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// A bearer token for `Authorization: Bearer …`.
#[derive(Serialize, ToSchema)]
pub(crate) struct TokenInfo {
    token: String,
    expires_in_seconds: i64,
}

fn info(user: &User, csrf_token: Option<String>) -> SessionInfo {
    SessionInfo {
        user: Some(UserInfo {
            username: user.username.clone(),
            is_admin: user.is_admin,
            must_change_password: user.must_change_password,
        }),
        csrf_token,
    }
}

fn session_cookie(state: &AppState, token: String) -> Result<HeaderValue, AppError> {
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .path("/")
        .max_age(cookie::time::Duration::hours(i64::from(
            state.settings.session_hours,
        )));
    HeaderValue::from_str(&cookie.to_string())
        .map_err(|error| AppError::internal(error.to_string()))
}

fn expired_cookie() -> HeaderValue {
    HeaderValue::from_static("analyst_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0")
}

fn with_cookie(cookie: HeaderValue, body: SessionInfo) -> Response {
    let mut response = Json(body).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

/// The rate limits of sign-in attempts; counted per account and per client address.
fn throttled(state: &AppState, username: &str, ip: &Option<String>) -> Option<u64> {
    let account = state.login_by_account.check(&username.to_lowercase());
    let address = ip
        .as_deref()
        .map_or(Ok(()), |ip| state.login_by_ip.check(ip));
    match (account, address) {
        (Ok(()), Ok(())) => None,
        (Err(wait), _) | (_, Err(wait)) => Some(wait.as_secs() + 1),
    }
}

/// Verifies credentials under the rate limits, auditing failures; the same answer whether the
/// user exists or not.
async fn sign_in(
    state: &AppState,
    credentials: Credentials,
    ip: Option<String>,
) -> Result<User, AppError> {
    if let Some(wait) = throttled(state, &credentials.username, &ip) {
        state.audit(
            AuditEntry::new(AuditEvent::LoginThrottled)
                .username(&credentials.username)
                .ip(ip.as_deref()),
        );
        return Err(AppError::rate_limited(
            wait,
            format!("too many failed sign-ins; try again in {wait} seconds"),
        ));
    }
    state
        .run(move |connection, state| {
            let Credentials { username, password } = credentials;
            match verify_login(connection, &username, &password) {
                Ok(user) => {
                    state.login_by_account.clear(&username.to_lowercase());
                    state.audit(
                        AuditEntry::new(AuditEvent::LoginSucceeded)
                            .user(user.id, &user.username)
                            .ip(ip.as_deref()),
                    );
                    Ok(user)
                }
                Err(AccountError::InvalidCredentials) => {
                    state.login_by_account.hit(&username.to_lowercase());
                    if let Some(ip) = &ip {
                        state.login_by_ip.hit(ip);
                    }
                    tracing::info!(username = %username, "sign-in failed");
                    state.audit(
                        AuditEntry::new(AuditEvent::LoginFailed)
                            .username(&username)
                            .ip(ip.as_deref()),
                    );
                    Err(AccountError::InvalidCredentials.into())
                }
                Err(other) => Err(other.into()),
            }
        })
        .await
}

/// The current session; `user` is null when the caller is not signed in (so a browser can ask
/// without logging an error).
#[utoipa::path(get, path = "/api/v1/session", tag = "auth",
    responses((status = 200, body = SessionInfo)))]
pub(crate) async fn current(
    signed_in: Result<SignedIn, AppError>,
) -> Result<Json<SessionInfo>, AppError> {
    match signed_in {
        Ok(signed_in) => Ok(Json(info(
            &signed_in.session.user,
            signed_in.session.csrf_token.clone(),
        ))),
        Err(error) if error.status == StatusCode::UNAUTHORIZED => Ok(Json(SessionInfo {
            user: None,
            csrf_token: None,
        })),
        Err(error) => Err(error),
    }
}

/// Signs in a browser: sets an HttpOnly session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Credentials,
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(credentials): Body<Credentials>,
) -> Result<Response, AppError> {
    let user = sign_in(&state, credentials, ip.clone()).await?;
    let lifetime = Duration::hours(i64::from(state.settings.session_hours));
    let user_id = user.id;
    let (token, csrf) = state
        .run(move |connection, _| Ok(start_session(connection, user_id, lifetime, ip.as_deref())?))
        .await?;
    Ok(with_cookie(
        session_cookie(&state, token)?,
        info(&user, Some(csrf)),
    ))
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    signed_in: SignedIn,
) -> Result<Response, AppError> {
    let user = signed_in.session.user.clone();
    state
        .run(move |connection, state| {
            if let Some(token) = &signed_in.cookie_token {
                end_session(connection, token)?;
            }
            state.audit(
                AuditEntry::new(AuditEvent::Logout)
                    .user(user.id, &user.username)
                    .ip(ip.as_deref()),
            );
            Ok(())
        })
        .await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, expired_cookie());
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// Changes the caller's password (required after a one-time password). Every other session
/// of the user ends; a browser gets a fresh session.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 200, body = SessionInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    signed_in: SignedIn,
    Body(change): Body<PasswordChange>,
) -> Result<Response, AppError> {
    let Session { user, kind, .. } = signed_in.session;
    let lifetime = Duration::hours(i64::from(state.settings.session_hours));
    let (user, new_session) = state
        .run(move |connection, state| {
            let user = change_password(
                connection,
                &user,
                &change.current_password,
                &change.new_password,
            )?;
            state.audit(
                AuditEntry::new(AuditEvent::PasswordChanged)
                    .user(user.id, &user.username)
                    .ip(ip.as_deref()),
            );
            let new_session = match kind {
                SessionKind::Browser => {
                    Some(start_session(connection, user.id, lifetime, ip.as_deref())?)
                }
                SessionKind::ApiToken => None,
            };
            Ok((user, new_session))
        })
        .await?;
    Ok(match new_session {
        Some((token, csrf)) => with_cookie(session_cookie(&state, token)?, info(&user, Some(csrf))),
        None => Json(info(&user, None)).into_response(),
    })
}

/// Issues a bearer token for scripts.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = Credentials,
    responses((status = 200, body = TokenInfo), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(credentials): Body<Credentials>,
) -> Result<Json<TokenInfo>, AppError> {
    let user = sign_in(&state, credentials, ip.clone()).await?;
    if user.must_change_password {
        return Err(AppError::forbidden(
            "password_change_required",
            "change your one-time password first (sign in with a browser, or POST /api/v1/auth/password)",
        ));
    }
    let lifetime = Duration::days(i64::from(state.settings.token_days));
    let token = state
        .run(move |connection, state| {
            let token = issue_api_token(connection, user.id, lifetime)?;
            state.audit(
                AuditEntry::new(AuditEvent::TokenIssued)
                    .user(user.id, &user.username)
                    .ip(ip.as_deref()),
            );
            Ok(token)
        })
        .await?;
    Ok(Json(TokenInfo {
        token,
        expires_in_seconds: lifetime.num_seconds(),
    }))
}
