//! What can go wrong with a proposal, worded for the person acting on it.

use analyst_jobs::JobFailure;
use analyst_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The request itself is wrong (unknown product, bad quantities …).
    #[error("{0}")]
    Invalid(String),
    /// The user may not do this (group, company, self-approval of a high-risk proposal).
    #[error("{0}")]
    Forbidden(String),
    /// No proposal of this reference or id that the user may see.
    #[error("no proposal {0}")]
    NotFound(String),
    /// The proposal is not in a state that allows this (already decided, expired …).
    #[error("{0}")]
    Conflict(String),
    /// The data moved since the proposal was made: it fails instead of writing stale data.
    #[error("{0}")]
    Stale(String),
    /// The ERP could not take the write for now: the execution is tried again.
    #[error("the ERP: {0}")]
    ErpUnavailable(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl From<ActionError> for JobFailure {
    fn from(error: ActionError) -> Self {
        JobFailure::Failed(error.to_string())
    }
}
