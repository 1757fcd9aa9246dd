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
        "PostgreSQL stores are not supported yet; leave out --database (and ANALYST_DATABASE_URL) to use the embedded store"
    )]
    PostgresNotSupportedYet,
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

/// Database messages can span lines (with hints and carets); answers show one line.
pub(crate) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
