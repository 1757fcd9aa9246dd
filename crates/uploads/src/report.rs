//! The error report of a batch: every kept row error (line, column, value, reason) as a CSV
//! or XLSX file for the person who fixes the file.

use analyst_store::{Connection, Value};
use rust_xlsxwriter::{Format, Workbook};

use crate::UploadError;

const HEADERS: [&str; 4] = ["line", "column", "value", "reason"];

/// The two forms of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Csv,
    Xlsx,
}

impl ReportFormat {
    pub fn parse(text: &str) -> Result<ReportFormat, UploadError> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Ok(ReportFormat::Csv),
            "xlsx" => Ok(ReportFormat::Xlsx),
            other => Err(UploadError::Invalid(format!(
                "an error report is csv or xlsx, not '{other}'"
            ))),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Csv => "text/csv; charset=utf-8",
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// The report's bytes (kept errors are bounded by the settings, so it fits in memory).
pub fn error_report(
    connection: &dyn Connection,
    batch_id: i64,
    format: ReportFormat,
) -> Result<Vec<u8>, UploadError> {
    let rows = connection
        .query(
            "SELECT line, column_name, value, reason FROM ops.upload_error
             WHERE batch_id = $1 ORDER BY line, column_name",
            &[batch_id.into()],
        )?
        .rows;
    let cell = |value: &Value| match value {
        Value::Int(number) => number.to_string(),
        other => other.as_str().unwrap_or_default().to_string(),
    };
    match format {
        ReportFormat::Csv => {
            // A byte order mark, so that Excel reads Thai values right.
            let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
            writer.write_record(HEADERS).map_err(csv_error)?;
            for row in &rows {
                writer
                    .write_record(row.iter().map(cell))
                    .map_err(csv_error)?;
            }
            writer
                .into_inner()
                .map_err(|error| UploadError::Invalid(error.to_string()))
        }
        ReportFormat::Xlsx => {
            let mut workbook = Workbook::new();
            let sheet = workbook.add_worksheet();
            let bold = Format::new().set_bold();
            let xlsx = |error: rust_xlsxwriter::XlsxError| UploadError::Invalid(error.to_string());
            sheet.set_name("Errors").map_err(xlsx)?;
            for (column, header) in HEADERS.iter().enumerate() {
                sheet
                    .write_string_with_format(0, column as u16, *header, &bold)
                    .map_err(xlsx)?;
            }
            sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
            for (index, row) in rows.iter().enumerate() {
                let line = index as u32 + 1;
                sheet
                    .write_number(line, 0, row[0].as_i64().unwrap_or_default() as f64)
                    .map_err(xlsx)?;
                for (column, value) in row.iter().enumerate().skip(1) {
                    sheet
                        .write_string(line, column as u16, cell(value))
                        .map_err(xlsx)?;
                }
            }
            workbook.save_to_buffer().map_err(xlsx)
        }
    }
}

fn csv_error(error: csv::Error) -> UploadError {
    UploadError::Invalid(error.to_string())
}
