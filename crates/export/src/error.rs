//! What can go wrong in an export, worded for the person who asked for it.

use analyst_jobs::JobFailure;
use analyst_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The request itself is wrong (format, query, parameters).
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("writing the export file: {0}")]
    Write(String),
}

impl From<std::io::Error> for ExportError {
    fn from(error: std::io::Error) -> Self {
        ExportError::Write(error.to_string())
    }
}

impl From<csv::Error> for ExportError {
    fn from(error: csv::Error) -> Self {
        ExportError::Write(error.to_string())
    }
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(error: rust_xlsxwriter::XlsxError) -> Self {
        ExportError::Write(error.to_string())
    }
}

impl From<parquet::errors::ParquetError> for ExportError {
    fn from(error: parquet::errors::ParquetError) -> Self {
        ExportError::Write(error.to_string())
    }
}

impl From<analyst_semantic::SemanticError> for ExportError {
    fn from(error: analyst_semantic::SemanticError) -> Self {
        ExportError::Invalid(error.to_string())
    }
}

impl From<analyst_tools::ToolError> for ExportError {
    fn from(error: analyst_tools::ToolError) -> Self {
        ExportError::Invalid(error.to_string())
    }
}

impl From<ExportError> for JobFailure {
    fn from(error: ExportError) -> Self {
        JobFailure::Failed(error.to_string())
    }
}
