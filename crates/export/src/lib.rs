//! Exports: any answer, however large, as a CSV, XLSX or Parquet file.
//!
//! [`export`] runs a semantic query (or a tool) under the caller's connection, which carries
//! the user's record rules, and streams its rows from the store in Arrow batches into a
//! [`sink`] that writes them to disk: memory stays flat whatever the size. The [`job`] kinds
//! run exports in the durable queue (a crash loses nothing: the file is written again from the
//! start, under a temporary name, and renamed when complete) and remove expired files.

mod error;
mod format;
pub mod job;
mod run;
mod sink;
mod table;

pub use error::ExportError;
pub use format::{ExportOptions, Format};
pub use run::{Progress, Summary, export};
pub use table::ExportColumn;
