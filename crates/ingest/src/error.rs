//! Why a file cannot be read, and why one row cannot be used; the messages are written for the
//! shop manager who uploaded the file: what is wrong, and what to do about it.

use std::path::PathBuf;

/// A file-level problem: nothing of the file should be loaded.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("could not read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("the file is empty — export the report again and upload the new file")]
    Empty,

    #[error(
        "this file is not a sales table (it looks like {looks_like}) — upload a CSV, XLSX or XLS \
         file exported from the report"
    )]
    NotATable { looks_like: String },

    #[error(
        "the Excel file is damaged or incomplete ({detail}) — the upload may have been cut off: \
         open it in Excel, save it again and upload the new copy"
    )]
    Damaged { detail: String },

    #[error(
        "the Excel file unpacks to more than {limit_mb} MB ({detail}) — that is far more than a \
         sales report needs; save it as CSV or split it into smaller files"
    )]
    TooLarge { limit_mb: u64, detail: String },

    #[error(
        "line {line} has {found} columns, more than the {max} a sales file may have — check that \
         the file is a sales report and not a wide pivot or a damaged export"
    )]
    TooManyColumns { line: u64, found: usize, max: usize },

    #[error(
        "no line break in the first {limit_kb} KB — this is not a table file; export the report \
         as CSV or Excel"
    )]
    LineTooLong { limit_kb: usize },

    #[error(
        "could not find the header row (a row of column names such as Date, SKU, Qty){detail} — \
         make sure the file has one row of column names above the data"
    )]
    NoHeader { detail: String },

    #[error(
        "the file has column names (line {header_line}) but no data rows below them — export \
         the report again with its data"
    )]
    NoDataRows { header_line: u64 },

    #[error("the workbook has no sheet named '{sheet}'; its sheets are: {available}")]
    SheetNotFound { sheet: String, available: String },

    #[error(
        "the file has no column '{}' that the {profile} format needs (columns found: {found}) — \
         choose another format or map the columns yourself",
        missing.join("', '")
    )]
    MissingColumns {
        profile: String,
        missing: Vec<String>,
        found: String,
    },

    #[error("the column mapping is not complete: {0}")]
    IncompleteMapping(String),

    #[error("cannot read the column mapping '{entry}': {reason}")]
    BadMapping { entry: String, reason: String },

    #[error("the vendor profile is not valid: {0}")]
    BadProfile(String),

    #[error("line {line} could not be read: {detail} — check the file around that line")]
    Malformed { line: u64, detail: String },
}

/// One row's problem with one cell: the row is not loaded, and the error goes to the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    /// 1-based line (CSV) or row (spreadsheet) number, as the user sees it in their program.
    pub line: u64,
    /// The file's header of the column, or the canonical field when no column holds it.
    pub column: String,
    pub value: String,
    pub reason: String,
}
