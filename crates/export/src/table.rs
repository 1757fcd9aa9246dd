//! The columns of an export, and tool results as Arrow batches.

use std::sync::Arc;

use analyst_core::answer::Row;
use analyst_core::{SemanticQuery, ValueFormat};
use analyst_semantic::{CompiledQuery, OutputColumn};
use analyst_store::arrow::array::{
    ArrayRef, Date32Builder, Float64Builder, RecordBatch, StringBuilder,
};
use analyst_store::arrow::datatypes::{Field, Schema};
use analyst_tools::ToolResult;
use chrono::NaiveDate;
use serde_json::Value as Json;

use crate::ExportError;

/// One column of the file: its key (Parquet's column name), its label (the header of CSV and
/// XLSX files) and how its values read.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportColumn {
    pub key: String,
    pub label: String,
    pub format: ValueFormat,
}

impl ExportColumn {
    fn new(key: impl Into<String>, label: impl Into<String>, format: ValueFormat) -> Self {
        ExportColumn {
            key: key.into(),
            label: label.into(),
            format,
        }
    }
}

/// The columns of a compiled `sales_by_dimension` query, in the order its statement returns.
pub(crate) fn query_columns(query: &SemanticQuery, compiled: &CompiledQuery) -> Vec<ExportColumn> {
    let compared = query.compare.is_some();
    compiled
        .columns
        .iter()
        .map(|column| match column {
            OutputColumn::Dimension(dimension) => {
                ExportColumn::new(dimension.name(), dimension.label(), dimension.format())
            }
            OutputColumn::Measure(measure) if compared => ExportColumn::new(
                measure.name(),
                format!("{} (this period)", measure.label()),
                measure.format(),
            ),
            OutputColumn::Measure(measure) => {
                ExportColumn::new(measure.name(), measure.label(), measure.format())
            }
            OutputColumn::Previous(measure) => ExportColumn::new(
                format!("{}_previous", measure.name()),
                format!("{} (previous period)", measure.label()),
                measure.format(),
            ),
        })
        .collect()
}

/// The columns of a tool's table.
pub(crate) fn tool_columns(result: &ToolResult) -> Vec<ExportColumn> {
    result
        .columns
        .iter()
        .map(|column| ExportColumn::new(&column.key, &column.label, column.kind))
        .collect()
}

/// A tool's rows as one Arrow batch: numbers as doubles, dates as dates (text when a value is
/// not a date), everything else as text.
pub(crate) fn tool_batch(
    columns: &[ExportColumn],
    rows: &[Row],
) -> Result<RecordBatch, ExportError> {
    let mut fields = Vec::with_capacity(columns.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(columns.len());
    for column in columns {
        let cells = rows
            .iter()
            .map(|row| row.get(&column.key).unwrap_or(&Json::Null));
        let array = match column.format {
            ValueFormat::String => text_array(cells),
            ValueFormat::Date => date_array(cells.clone()).unwrap_or_else(|| text_array(cells)),
            _ => {
                let mut numbers = Float64Builder::with_capacity(rows.len());
                for cell in cells {
                    numbers.append_option(cell.as_f64());
                }
                Arc::new(numbers.finish()) as ArrayRef
            }
        };
        fields.push(Field::new(&column.key, array.data_type().clone(), true));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|error| ExportError::Write(error.to_string()))
}

fn text_array<'a>(cells: impl Iterator<Item = &'a Json>) -> ArrayRef {
    let mut texts = StringBuilder::new();
    for cell in cells {
        match cell {
            Json::Null => texts.append_null(),
            Json::String(text) => texts.append_value(text),
            other => texts.append_value(other.to_string()),
        }
    }
    Arc::new(texts.finish())
}

/// Dates, or `None` when a value is neither null nor an ISO date.
fn date_array<'a>(cells: impl Iterator<Item = &'a Json>) -> Option<ArrayRef> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let mut dates = Date32Builder::new();
    for cell in cells {
        match cell {
            Json::Null => dates.append_null(),
            Json::String(text) => {
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
                dates.append_value(i32::try_from((date - epoch).num_days()).ok()?);
            }
            _ => return None,
        }
    }
    Some(Arc::new(dates.finish()))
}

/// Checks a batch has the columns the file was started with.
pub(crate) fn check_width(
    columns: &[ExportColumn],
    batch: &RecordBatch,
) -> Result<(), ExportError> {
    if batch.num_columns() == columns.len() {
        Ok(())
    } else {
        Err(ExportError::Write(format!(
            "the query returned {} columns where {} were expected",
            batch.num_columns(),
            columns.len()
        )))
    }
}
