//! Odoo into the store (issue 10, seed 001): each model is read incrementally by
//! `(write_date, id)` from a per-model cursor (minus an overlap window), kept 1:1 in
//! `raw.odoo_record`, mapped into the canonical `silver` tables, and `gold.daily_sales` is
//! rebuilt for the dates touched. One page is one store transaction (raw, silver and cursor
//! together), so a failure mid-sync leaves no partial page behind and the next run resumes
//! where the last committed page ended. Deletions are found by a periodic id reconciliation;
//! every model's run is recorded in `ops.odoo_sync_run` (rows, lag, duration, row-count check).

mod connection;
mod error;
mod ids;
pub mod job;
mod map;
mod models;
mod raw;
mod reconcile;
mod record;
mod status;
mod sync;
mod write_back;

pub use connection::{MappingSettings, OdooConnection, load_connection, save_connection};
pub use error::SyncError;
pub use status::{ModelStatus, sync_status};
pub use sync::{ModelReport, SyncOptions, SyncReport, sync};
pub use write_back::{OdooWriteBack, odoo_id};

/// The `source` of every silver row that came from Odoo.
pub const SOURCE: &str = "odoo";
