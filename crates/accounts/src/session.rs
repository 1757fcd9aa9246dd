//! Signed-in sessions: browser sessions (cookie + CSRF token) and API tokens for scripts.

use analyst_store::{Connection, Value};
use chrono::{Duration, NaiveDateTime, Utc};

use crate::Result;
use crate::secret::{digest, random_hex};
use crate::user::{User, from_row};

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser cookie: state-changing requests must also carry the CSRF token.
    Browser,
    /// `Authorization: Bearer …`: not sent by browsers on their own, so no CSRF token needed.
    ApiToken,
}

/// A resolved session: the user and, for browsers, the CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub kind: SessionKind,
    pub csrf_token: Option<String>,
    pub expires_at: NaiveDateTime,
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Starts a browser session; returns the cookie token and the CSRF token.
pub fn start_session(
    connection: &dyn Connection,
    user_id: i64,
    lifetime: Duration,
    ip: Option<&str>,
) -> Result<(String, String)> {
    let (token, csrf) = (random_hex(32), random_hex(32));
    let started = now();
    connection.execute(
        "DELETE FROM app.session WHERE expires_at < $1",
        &[started.into()],
    )?;
    connection.execute(
        "INSERT INTO app.session (token_hash, user_id, csrf_token, created_at, expires_at, ip)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            digest(&token).into(),
            user_id.into(),
            csrf.clone().into(),
            started.into(),
            (started + lifetime).into(),
            ip.map_or(Value::Null, Value::from),
        ],
    )?;
    Ok((token, csrf))
}

/// Issues a bearer token for scripts.
pub fn issue_api_token(
    connection: &dyn Connection,
    user_id: i64,
    lifetime: Duration,
) -> Result<String> {
    let token = random_hex(32);
    let issued = now();
    connection.execute(
        "DELETE FROM app.api_token WHERE expires_at < $1",
        &[issued.into()],
    )?;
    connection.execute(
        "INSERT INTO app.api_token (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        &[
            digest(&token).into(),
            user_id.into(),
            issued.into(),
            (issued + lifetime).into(),
        ],
    )?;
    Ok(token)
}

/// The live session a token belongs to, if any (unknown, expired and inactive users: none).
pub fn resolve(
    connection: &dyn Connection,
    token: &str,
    kind: SessionKind,
) -> Result<Option<Session>> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let sql = match kind {
        SessionKind::Browser => {
            "SELECT u.id, u.username, u.is_admin, u.must_change_password, u.active, u.created_at, s.csrf_token, s.expires_at
             FROM app.session s JOIN app.users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active"
        }
        SessionKind::ApiToken => {
            "SELECT u.id, u.username, u.is_admin, u.must_change_password, u.active, u.created_at, CAST(NULL AS VARCHAR), t.expires_at
             FROM app.api_token t JOIN app.users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.expires_at > $2 AND u.active"
        }
    };
    let rows = connection.query(sql, &[digest(token).into(), now().into()])?;
    Ok(rows.rows.first().and_then(|row| {
        Some(Session {
            user: from_row(row)?,
            kind,
            csrf_token: row.get(6).and_then(Value::as_str).map(str::to_string),
            expires_at: row.get(7).and_then(Value::as_timestamp)?,
        })
    }))
}

/// Signs a browser session out.
pub fn end_session(connection: &dyn Connection, token: &str) -> Result<()> {
    connection.execute(
        "DELETE FROM app.session WHERE token_hash = $1",
        &[digest(token).into()],
    )?;
    Ok(())
}

/// Signs a user out everywhere (after a password change).
pub(crate) fn end_all_sessions(connection: &dyn Connection, user_id: i64) -> Result<()> {
    connection.execute(
        "DELETE FROM app.session WHERE user_id = $1",
        &[user_id.into()],
    )?;
    connection.execute(
        "DELETE FROM app.api_token WHERE user_id = $1",
        &[user_id.into()],
    )?;
    Ok(())
}
