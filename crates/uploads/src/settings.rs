//! How uploads are kept and loaded.

use std::path::{Path, PathBuf};

use analyst_odoo_sync::SyncError;
use analyst_store::Connection;

use crate::UploadError;

/// Upload and import settings (`serve` and `analyst import` flags).
#[derive(Debug, Clone)]
pub struct UploadSettings {
    /// Where uploaded files are kept, named by checksum (`<data dir>/uploads`).
    pub dir: PathBuf,
    /// Where e-mails are written as `.eml` files when no SMTP server is configured
    /// (`<data dir>/outbox`).
    pub outbox: PathBuf,
    /// The sender of notification e-mails.
    pub mail_from: String,
    /// Create the products, stores and customers a file names that the store does not know.
    /// `None` (the default) decides at each import: on for a business with only spreadsheets
    /// (it has no other catalogue), off once an Odoo connection is configured (the ERP is then
    /// the master of the catalogue: what it does not know is listed as an error, to be fixed
    /// there).
    pub create_unknown: Option<bool>,
    /// Load nothing when any row has an error (off by default: valid rows load, errors are
    /// reported).
    pub errors_block: bool,
    /// The largest file accepted.
    pub max_file_bytes: u64,
    /// Row errors kept for the report; more are counted, not stored.
    pub max_errors_kept: usize,
    /// Days a file and its staged rows are kept after its batch ended (the `upload_cleanup`
    /// job removes them then).
    pub keep_days: u32,
}

/// How long uploaded files and staged rows are kept by default, in days.
pub const DEFAULT_KEEP_DAYS: u32 = 90;

impl UploadSettings {
    pub fn new(data_dir: &Path) -> UploadSettings {
        UploadSettings {
            dir: data_dir.join("uploads"),
            outbox: data_dir.join("outbox"),
            mail_from: "AI Analyst <analyst@localhost>".into(),
            create_unknown: None,
            errors_block: false,
            max_file_bytes: 512 * 1024 * 1024,
            max_errors_kept: 100_000,
            keep_days: DEFAULT_KEEP_DAYS,
        }
    }

    /// Whether this import creates what its file names and the store does not know: as set,
    /// else unless an Odoo connection is configured (one whose settings need fixing counts).
    pub(crate) fn creates_unknown(&self, connection: &dyn Connection) -> Result<bool, UploadError> {
        if let Some(create) = self.create_unknown {
            return Ok(create);
        }
        match analyst_odoo_sync::load_connection(connection, analyst_odoo_sync::SOURCE) {
            Ok(erp) => Ok(erp.is_none()),
            Err(SyncError::Store(error)) => Err(error.into()),
            Err(_) => Ok(false),
        }
    }
}
