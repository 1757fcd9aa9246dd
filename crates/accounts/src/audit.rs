//! The audit log: who did what, from where. Sign-in failures are recorded too.

use analyst_store::{Connection, Value};

use crate::Result;

/// Events recorded by the accounts layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    Logout,
    TokenIssued,
    PasswordChanged,
    UserAdded,
    ConversationDeleted,
    DictionaryChanged,
}

impl AuditEvent {
    pub fn name(self) -> &'static str {
        match self {
            AuditEvent::LoginSucceeded => "login_succeeded",
            AuditEvent::LoginFailed => "login_failed",
            AuditEvent::LoginThrottled => "login_throttled",
            AuditEvent::Logout => "logout",
            AuditEvent::TokenIssued => "token_issued",
            AuditEvent::PasswordChanged => "password_changed",
            AuditEvent::UserAdded => "user_added",
            AuditEvent::ConversationDeleted => "conversation_deleted",
            AuditEvent::DictionaryChanged => "dictionary_changed",
        }
    }
}

/// Appends one entry. `username` is what was typed for failed sign-ins (it may not exist).
pub fn record(
    connection: &dyn Connection,
    event: AuditEvent,
    user_id: Option<i64>,
    username: Option<&str>,
    ip: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    let text = |value: Option<&str>| value.map_or(Value::Null, |v| Value::from(truncate(v)));
    connection.execute(
        "INSERT INTO app.audit_log (event, user_id, username, ip, detail) VALUES ($1, $2, $3, $4, $5)",
        &[
            event.name().into(),
            user_id.map_or(Value::Null, Value::from),
            text(username),
            text(ip),
            text(detail),
        ],
    )?;
    Ok(())
}

/// Log fields are bounded: a 10 MB "username" is not kept.
fn truncate(value: &str) -> String {
    value.chars().take(200).collect()
}
