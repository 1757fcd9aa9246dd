//! The ERP an approved proposal is written to as well (Odoo, when one is connected). The
//! writer lives with the ERP's client (`analyst-odoo-sync`); the execution calls it before
//! its own write, so a proposal is marked executed only once the ERP has it. A writer is
//! idempotent by the proposal's reference: run again after a crash or a lost reply, it finds
//! what the first run wrote instead of writing it twice.

use analyst_store::Connection;
use serde_json::Value as Json;

use crate::payload::Payload;

/// Why the ERP did not take a payload.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErpFailure {
    /// The ERP refused it for good (rights, a record it does not know): the proposal fails.
    #[error("{0}")]
    Refused(String),
    /// The ERP could not be reached or failed for now: the execution is tried again later.
    #[error("{0}")]
    Unavailable(String),
}

/// Writes approved payloads to an ERP.
pub trait ErpWriter: Send + Sync {
    /// Writes `payload` under `reference`; what was written there, or `None` when no ERP is
    /// connected (the store is then the only system of record).
    fn write(
        &self,
        connection: &dyn Connection,
        payload: &Payload,
        reference: &str,
    ) -> Result<Option<Json>, ErpFailure>;
}
