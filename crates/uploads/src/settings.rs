//! How uploads are kept and loaded.

use std::path::{Path, PathBuf};

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
    /// Create the products, stores and customers a file names that the store does not know
    /// (on by default: a business with only spreadsheets has no other catalogue).
    pub create_unknown: bool,
    /// Load nothing when any row has an error (off by default: valid rows load, errors are
    /// reported).
    pub errors_block: bool,
    /// The largest file accepted.
    pub max_file_bytes: u64,
    /// Row errors kept for the report; more are counted, not stored.
    pub max_errors_kept: usize,
}

impl UploadSettings {
    pub fn new(data_dir: &Path) -> UploadSettings {
        UploadSettings {
            dir: data_dir.join("uploads"),
            outbox: data_dir.join("outbox"),
            mail_from: "AI Analyst <analyst@localhost>".into(),
            create_unknown: true,
            errors_block: false,
            max_file_bytes: 512 * 1024 * 1024,
            max_errors_kept: 100_000,
        }
    }
}
