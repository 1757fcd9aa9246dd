//! XLSX in constant memory: each row goes to a temporary file as it is completed, and the
//! workbook is assembled from those files at the end. Numbers and dates are typed cells (with
//! number formats set per column), the header row is styled and frozen, and a sheet holds at
//! most 1,048,575 rows (Excel's limit less the header): larger exports continue on new sheets.

use std::path::{Path, PathBuf};

use analyst_core::ValueFormat;
use analyst_store::arrow::array::RecordBatch;
use analyst_store::arrow::datatypes::DataType;
use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet};

use super::{Cell, Sink, columns_of};
use crate::{ExportColumn, ExportError};

/// Data rows per sheet: Excel's 1,048,576 rows less the header.
pub(crate) const ROWS_PER_SHEET: u32 = 1_048_575;

/// Bytes a cell takes in the file, roughly (compressed), for progress while writing.
const BYTES_PER_CELL: u64 = 4;

pub(crate) struct XlsxSink {
    workbook: Workbook,
    path: PathBuf,
    columns: Vec<ExportColumn>,
    header: Format,
    /// Per column, the number format of its cells (from the first batch's types).
    formats: Option<Vec<Option<Format>>>,
    sheet: usize,
    /// Data rows written on the current sheet.
    row: u32,
    cells: u64,
}

impl XlsxSink {
    pub(crate) fn create(path: &Path, columns: &[ExportColumn]) -> Result<XlsxSink, ExportError> {
        let mut workbook = Workbook::new();
        // Temporary sheet files beside the export: on the same disk, and removed with it.
        if let Some(dir) = path.parent() {
            workbook.set_tempdir(dir)?;
        }
        let mut sink = XlsxSink {
            workbook,
            path: path.to_path_buf(),
            columns: columns.to_vec(),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDE5F0))
                .set_border_bottom(FormatBorder::Thin),
            formats: None,
            sheet: 0,
            row: 0,
            cells: 0,
        };
        sink.add_sheet()?;
        Ok(sink)
    }

    fn add_sheet(&mut self) -> Result<(), ExportError> {
        let number = self.workbook.worksheets().len() + 1;
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(if number == 1 {
            "Export".to_string()
        } else {
            format!("Export {number}")
        })?;
        for (index, column) in self.columns.iter().enumerate() {
            let index = u16::try_from(index).map_err(|_| too_wide())?;
            sheet.write_string_with_format(0, index, &column.label, &self.header)?;
            let width = column.label.chars().count().clamp(10, 40) as f64 + 2.0;
            sheet.set_column_width(index, width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.sheet = self.workbook.worksheets().len() - 1;
        self.row = 0;
        if let Some(formats) = &self.formats {
            apply_formats(self.workbook.worksheet_from_index(self.sheet)?, formats)?;
        }
        Ok(())
    }
}

fn too_wide() -> ExportError {
    ExportError::Write("an XLSX sheet holds at most 16,384 columns".into())
}

fn apply_formats(sheet: &mut Worksheet, formats: &[Option<Format>]) -> Result<(), ExportError> {
    for (index, format) in formats.iter().enumerate() {
        if let Some(format) = format {
            let index = u16::try_from(index).map_err(|_| too_wide())?;
            sheet.set_column_format(index, format)?;
        }
    }
    Ok(())
}

/// The number format of a column: dates and timestamps by type, numbers by what they measure.
fn number_format(data_type: &DataType, format: ValueFormat) -> Option<Format> {
    let pattern = match data_type {
        DataType::Date32 => "yyyy-mm-dd",
        DataType::Timestamp(..) => "yyyy-mm-dd hh:mm:ss",
        DataType::Int64 | DataType::Float64 => match format {
            ValueFormat::Integer => "#,##0",
            ValueFormat::Percentage => "0.0\"%\"",
            ValueFormat::Currency | ValueFormat::Number => "#,##0.00",
            ValueFormat::String | ValueFormat::Date => return None,
        },
        _ => return None,
    };
    Some(Format::new().set_num_format(pattern))
}

/// Excel's serial day number (days since 1899-12-30).
fn serial(date: NaiveDate) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("1899-12-30 is a date");
    (date - base).num_days() as f64
}

fn serial_time(moment: NaiveDateTime) -> f64 {
    let seconds = moment.time().signed_duration_since(chrono::NaiveTime::MIN);
    serial(moment.date()) + seconds.num_milliseconds() as f64 / 86_400_000.0
}

impl Sink for XlsxSink {
    fn write(&mut self, batch: &RecordBatch) -> Result<(), ExportError> {
        if self.formats.is_none() {
            let formats: Vec<Option<Format>> = batch
                .schema()
                .fields()
                .iter()
                .zip(&self.columns)
                .map(|(field, column)| number_format(field.data_type(), column.format))
                .collect();
            apply_formats(self.workbook.worksheet_from_index(self.sheet)?, &formats)?;
            self.formats = Some(formats);
        }
        let cells = columns_of(batch)?;
        for row in 0..batch.num_rows() {
            if self.row == ROWS_PER_SHEET {
                self.add_sheet()?;
            }
            self.row += 1;
            let at = self.row;
            let sheet = self.workbook.worksheet_from_index(self.sheet)?;
            for (index, column) in cells.iter().enumerate() {
                let index = u16::try_from(index).map_err(|_| too_wide())?;
                match column.get(row) {
                    Cell::Null => {}
                    Cell::Bool(value) => {
                        sheet.write_boolean(at, index, value)?;
                    }
                    Cell::Int(value) => {
                        sheet.write_number(at, index, value as f64)?;
                    }
                    Cell::Float(value) => {
                        sheet.write_number(at, index, value)?;
                    }
                    Cell::Text(text) => {
                        sheet.write_string(at, index, text)?;
                    }
                    Cell::Date(date) => {
                        sheet.write_number(at, index, serial(date))?;
                    }
                    Cell::Timestamp(moment) => {
                        sheet.write_number(at, index, serial_time(moment))?;
                    }
                }
            }
        }
        self.cells += (batch.num_rows() * batch.num_columns()) as u64;
        Ok(())
    }

    fn bytes(&self) -> u64 {
        self.cells * BYTES_PER_CELL
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        self.workbook.save(&self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_excel_serial_numbers() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(serial(day), 46_351.0);
        assert_eq!(serial(NaiveDate::from_ymd_opt(1900, 3, 1).unwrap()), 61.0);
        let noon = day.and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(serial_time(noon), 46_351.5);
    }
}
