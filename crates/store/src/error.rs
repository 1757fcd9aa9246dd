//! The store's errors, worded for the person who has to fix them.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use data directory {path}: {reason}")]
    DataDir { path: PathBuf, reason: String },
    #[error(
        "the store {path} is held by another process ({holder}); stop that process or use another --data-dir"
    )]
    Locked { path: PathBuf, holder: String },
    #[error("{path} is not a usable store ({reason}); move it away or use another --data-dir")]
    Corrupt { path: PathBuf, reason: String },
    #[error("no store at {path}: create one with `analyst demo` (or any command that writes)")]
    Missing { path: PathBuf },
    #[error(
        "cannot connect to the PostgreSQL store {url}: {reason}; check that the server runs and that the URL's host, port, user, password and database are right"
    )]
    Unreachable { url: String, reason: String },
    #[error(
        "{0} asks for TLS (sslmode=require), which analyst does not speak to PostgreSQL yet (it needs a TLS connector such as tokio-postgres-rustls); use sslmode=disable on a trusted network or a Unix socket, or tunnel the connection (SSH, stunnel)"
    )]
    Tls(String),
    #[error(
        "the PostgreSQL database {0} holds no store yet: create one with `analyst demo` (or any command that writes)"
    )]
    NoStore(String),
    #[error(
        "unsupported database URL '{0}': use a postgres:// URL or leave it out for the embedded store"
    )]
    UnsupportedUrl(String),
    #[error("{0}")]
    NotReadOnly(String),
    #[error("{0}")]
    Setting(String),
    #[error("migration {version} ({name}) failed: {reason}")]
    Migration {
        version: u32,
        name: String,
        reason: String,
    },
    #[error("{0}")]
    Query(String),
}

impl StoreError {
    /// Whether a write collided with a concurrent write of the same rows (DuckDB's optimistic
    /// concurrency): the other write went through, and this one may be tried again.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Query(message) if message.to_ascii_lowercase().contains("conflict"))
    }
}

impl From<duckdb::Error> for StoreError {
    fn from(error: duckdb::Error) -> Self {
        StoreError::Query(one_line(&error.to_string()))
    }
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        StoreError::Query(postgres_message(&error))
    }
}

/// A PostgreSQL error in one line: the server's message with its detail and hint, or the
/// client's error and its cause. Serialization failures and deadlocks say "conflict", as
/// DuckDB's write conflicts do (see [`StoreError::is_conflict`]).
pub(crate) fn postgres_message(error: &postgres::Error) -> String {
    use postgres::error::SqlState;
    let Some(server) = error.as_db_error() else {
        let mut message = error.to_string();
        let mut cause = std::error::Error::source(error);
        while let Some(inner) = cause {
            message = format!("{message}: {inner}");
            cause = inner.source();
        }
        return one_line(&message);
    };
    let mut message = server.message().to_string();
    if let Some(detail) = server.detail() {
        message = format!("{message} ({detail})");
    }
    if let Some(hint) = server.hint() {
        message = format!("{message}; {hint}");
    }
    if [
        SqlState::T_R_SERIALIZATION_FAILURE,
        SqlState::T_R_DEADLOCK_DETECTED,
    ]
    .contains(server.code())
    {
        message = format!("write conflict: {message}");
    }
    one_line(&message)
}

/// Database messages can span lines (with hints and carets); answers show one line.
pub(crate) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
