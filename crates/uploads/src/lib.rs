//! Sales files (issue 11, seed 004): every uploaded file is a [`batch`] kept by its checksum
//! and processed by the `import` [`job`]. [`load`] reads it with `analyst_ingest` (format,
//! vendor profile, normalization), stages its rows in `raw.upload_line`, [`resolve`]s products,
//! stores and customers (creating unknown ones when the settings allow) and upserts
//! `silver.sales_line` by source and reference, then rebuilds gold for the dates touched —
//! all in one transaction, or nothing. Row errors go to the downloadable [`report`]; the
//! uploader is told by e-mail through the [`notify`] outbox. Files and staged rows are removed
//! after the retention by the [`cleanup`] job.

pub mod batch;
pub mod cleanup;
mod error;
pub mod job;
pub mod load;
pub mod notify;
pub mod profiles;
pub mod report;
mod resolve;
mod settings;

pub use batch::{Batch, BatchState, ImportOptions};
pub use error::UploadError;
pub use settings::{DEFAULT_KEEP_DAYS, UploadSettings};
