//! Errors of account operations, worded for the person who has to act on them.

use analyst_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    InvalidUsername(String),
    #[error("{0}")]
    WeakPassword(String),
    #[error("a user named '{0}' already exists")]
    UserExists(String),
    #[error("no user named '{0}'")]
    NoSuchUser(String),
    /// Wrong username or password: deliberately the same message for both.
    #[error("wrong username or password")]
    InvalidCredentials,
    /// A group, rule or allowed value that does not fit.
    #[error("{0}")]
    Rights(String),
    #[error("'{0}' is not an e-mail address")]
    InvalidEmail(String),
    #[error("could not hash the password: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
