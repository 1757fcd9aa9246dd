//! Writers of export files: each takes canonical Arrow batches (see
//! `analyst_store::stream`) in order and writes them as they come.

mod csv;
mod parquet;
mod xlsx;

use std::path::Path;

use analyst_store::arrow::array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use analyst_store::arrow::datatypes::{DataType, TimeUnit};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::{ExportColumn, ExportError, ExportOptions, Format};

/// A file being written.
pub(crate) trait Sink {
    /// Appends the rows of `batch` (whose columns are the export's, in order).
    fn write(&mut self, batch: &RecordBatch) -> Result<(), ExportError>;
    /// Bytes written so far (an estimate while writing; compressed formats write at the end).
    fn bytes(&self) -> u64;
    /// Completes the file.
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

/// Starts a file at `path` with `columns`.
pub(crate) fn create(
    path: &Path,
    columns: &[ExportColumn],
    options: ExportOptions,
) -> Result<Box<dyn Sink>, ExportError> {
    Ok(match options.format {
        Format::Csv => Box::new(csv::CsvSink::create(path, columns, options.bom)?),
        Format::Xlsx => Box::new(xlsx::XlsxSink::create(path, columns)?),
        Format::Parquet => Box::new(parquet::ParquetSink::create(path, columns)),
    })
}

/// One column of a canonical batch, typed.
pub(crate) enum Cells<'a> {
    Null,
    Bool(&'a BooleanArray),
    Int(&'a Int64Array),
    Float(&'a Float64Array),
    Text(&'a StringArray),
    Date(&'a Date32Array),
    Timestamp(&'a TimestampMicrosecondArray),
}

/// A cell, borrowed from its batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(&'a str),
    Date(NaiveDate),
    Timestamp(NaiveDateTime),
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a date");

impl<'a> Cells<'a> {
    pub(crate) fn of(array: &'a ArrayRef) -> Result<Cells<'a>, ExportError> {
        fn typed<T: 'static>(array: &ArrayRef) -> Result<&T, ExportError> {
            array.as_any().downcast_ref::<T>().ok_or_else(|| {
                ExportError::Write(format!("unexpected column type {}", array.data_type()))
            })
        }
        Ok(match array.data_type() {
            DataType::Null => Cells::Null,
            DataType::Boolean => Cells::Bool(typed(array)?),
            DataType::Int64 => Cells::Int(typed(array)?),
            DataType::Float64 => Cells::Float(typed(array)?),
            DataType::Utf8 => Cells::Text(typed(array)?),
            DataType::Date32 => Cells::Date(typed(array)?),
            DataType::Timestamp(TimeUnit::Microsecond, _) => Cells::Timestamp(typed(array)?),
            other => {
                return Err(ExportError::Write(format!(
                    "column type {other} is not canonical"
                )));
            }
        })
    }

    pub(crate) fn get(&self, row: usize) -> Cell<'a> {
        let present = |array: &dyn Array| array.is_valid(row);
        match self {
            Cells::Null => Cell::Null,
            Cells::Bool(array) if present(*array) => Cell::Bool(array.value(row)),
            Cells::Int(array) if present(*array) => Cell::Int(array.value(row)),
            Cells::Float(array) if present(*array) => Cell::Float(array.value(row)),
            Cells::Text(array) if present(*array) => Cell::Text(array.value(row)),
            Cells::Date(array) if present(*array) => {
                Cell::Date(EPOCH + chrono::Duration::days(i64::from(array.value(row))))
            }
            Cells::Timestamp(array) if present(*array) => {
                DateTime::from_timestamp_micros(array.value(row))
                    .map_or(Cell::Null, |moment| Cell::Timestamp(moment.naive_utc()))
            }
            _ => Cell::Null,
        }
    }
}

/// Every column of `batch`, typed.
pub(crate) fn columns_of(batch: &RecordBatch) -> Result<Vec<Cells<'_>>, ExportError> {
    batch.columns().iter().map(Cells::of).collect()
}
