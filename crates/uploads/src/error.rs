//! Why an upload or an import failed, in words for the person who sent the file.

use analyst_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The request or the file is wrong; nothing was written.
    #[error("{0}")]
    Invalid(String),
    #[error("the file is larger than the {limit} bytes allowed")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Read(#[from] analyst_ingest::IngestError),
    #[error("could not keep the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}
