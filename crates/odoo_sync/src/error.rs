//! The sync's error: Odoo's, the store's, or a record the mapping cannot accept.

use analyst_odoo::OdooError;
use analyst_store::StoreError;

/// Why a sync (or one model of it) failed. Messages never carry the API key.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Odoo refused or failed a call.
    #[error("Odoo: {0}")]
    Odoo(#[from] OdooError),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A record cannot be mapped (e.g. a sales line without a product).
    #[error("{model} {id}: {reason}")]
    Record {
        model: String,
        id: i64,
        reason: String,
    },
    /// The connection settings are missing or wrong.
    #[error("{0}")]
    Config(String),
}

impl SyncError {
    pub(crate) fn record(model: &str, id: i64, reason: impl Into<String>) -> Self {
        SyncError::Record {
            model: model.to_owned(),
            id,
            reason: reason.into(),
        }
    }
}
