//! The file formats and the options of an export.

use serde::{Deserialize, Serialize};

use crate::ExportError;

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// RFC 4180 CSV in UTF-8.
    #[default]
    Csv,
    /// An Excel workbook: typed cells, a styled and frozen header row, a sheet per 1,048,575
    /// rows.
    Xlsx,
    /// Apache Parquet with Snappy compression.
    Parquet,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Csv, Format::Xlsx, Format::Parquet];

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Parquet => "parquet",
        }
    }

    pub fn parse(text: &str) -> Result<Format, ExportError> {
        Format::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                ExportError::Invalid(format!(
                    "'{text}' is not an export format: use csv, xlsx or parquet"
                ))
            })
    }

    /// The file name extension (also the format's name).
    pub fn extension(self) -> &'static str {
        self.name()
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Parquet => "application/vnd.apache.parquet",
        }
    }
}

/// How to write the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ExportOptions {
    #[serde(default)]
    pub format: Format,
    /// CSV only: start with a UTF-8 byte order mark, so that Excel reads Thai and other
    /// non-Latin text right.
    #[serde(default)]
    pub bom: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name_and_refuse_others() {
        assert_eq!(Format::parse(" XLSX ").unwrap(), Format::Xlsx);
        assert_eq!(Format::parse("parquet").unwrap(), Format::Parquet);
        let error = Format::parse("pdf").unwrap_err().to_string();
        assert!(error.contains("csv, xlsx or parquet"), "{error}");
    }
}
