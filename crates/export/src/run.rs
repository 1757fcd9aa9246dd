//! One export: the query's rows, streamed from the store into a file.

use std::path::Path;

use analyst_core::{SemanticQuery, Tool};
use analyst_semantic::compile_all_rows;
use analyst_semantic::values::resolve_filters;
use analyst_store::arrow::array::{Array, Int64Array, RecordBatch};
use analyst_store::{Connection, StoreError};
use analyst_tools::ToolContext;
use chrono::NaiveDate;

use crate::sink::{self, Sink};
use crate::table::{ExportColumn, check_width, query_columns, tool_batch, tool_columns};
use crate::{ExportError, ExportOptions};

/// Rows per batch when a tool's result is written.
const TOOL_BATCH_ROWS: usize = 8_192;

/// How far an export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub rows: u64,
    /// Rows the export will have, when known.
    pub total: Option<u64>,
    pub bytes: u64,
}

impl Progress {
    /// 0 to 1 (0 while the total is unknown).
    pub fn fraction(&self) -> f64 {
        match self.total {
            Some(total) if total > 0 => (self.rows as f64 / total as f64).min(1.0),
            _ => 0.0,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub rows: u64,
    pub columns: Vec<ExportColumn>,
    /// The statement that produced the rows.
    pub sql: String,
}

/// Writes every row `query` answers (through `connection`, which carries the user's record
/// rules) to a new file at `path`, calling `progress` after each batch; an error `progress`
/// returns stops the export (cancellation) and is returned. The file may be left incomplete
/// on error: callers write to a temporary name and rename on success.
pub fn export<E: From<ExportError>>(
    connection: &dyn Connection,
    query: &SemanticQuery,
    today: NaiveDate,
    options: ExportOptions,
    path: &Path,
    progress: &mut dyn FnMut(&Progress) -> Result<(), E>,
) -> Result<Summary, E> {
    query
        .validate()
        .map_err(|error| ExportError::Invalid(error.to_string()))?;
    if query.tool == Tool::SalesByDimension {
        export_query(connection, query, options, path, progress)
    } else {
        export_tool(connection, query, today, options, path, progress)
    }
}

fn export_query<E: From<ExportError>>(
    connection: &dyn Connection,
    query: &SemanticQuery,
    options: ExportOptions,
    path: &Path,
    progress: &mut dyn FnMut(&Progress) -> Result<(), E>,
) -> Result<Summary, E> {
    let mut query = query.clone();
    resolve_filters(connection, &mut query).map_err(ExportError::from)?;
    let compiled = compile_all_rows(&query).map_err(ExportError::from)?;
    let columns = query_columns(&query, &compiled);
    let mut sink = sink::create(path, &columns, options)?;
    let mut state = Progress::default();
    // The stream's callback speaks the store's errors: a writer's or the caller's error is
    // kept aside and returned after the stream stops.
    let mut stopped: Option<E> = None;
    let limit = query.limit.map(u64::from);
    let streamed = connection.stream(&compiled.sql, &compiled.params, &mut |batch| {
        let written = split_total(batch, columns.len())
            .map_err(E::from)
            .and_then(|(rows, total)| {
                if state.total.is_none() {
                    // The first batch: the total is known now (the database sorted every row).
                    state.total = total.map(|total| limit.map_or(total, |limit| total.min(limit)));
                    progress(&state)?;
                }
                write_batch(sink.as_mut(), &columns, &rows, &mut state).map_err(E::from)
            })
            .and_then(|()| progress(&state));
        written.map_err(|error| {
            stopped = Some(error);
            StoreError::Query("the export stopped".into())
        })
    });
    if let Some(error) = stopped {
        return Err(error);
    }
    streamed.map_err(ExportError::from)?;
    sink.finish()?;
    Ok(Summary {
        rows: state.rows,
        columns,
        sql: compiled.sql,
    })
}

fn export_tool<E: From<ExportError>>(
    connection: &dyn Connection,
    query: &SemanticQuery,
    today: NaiveDate,
    options: ExportOptions,
    path: &Path,
    progress: &mut dyn FnMut(&Progress) -> Result<(), E>,
) -> Result<Summary, E> {
    let context = ToolContext {
        today,
        all_rows: true,
    };
    let result = analyst_tools::run(connection, query, &context).map_err(ExportError::from)?;
    let columns = tool_columns(&result);
    let mut sink = sink::create(path, &columns, options)?;
    let mut state = Progress {
        total: Some(result.rows.len() as u64),
        ..Progress::default()
    };
    progress(&state)?;
    for rows in result.rows.chunks(TOOL_BATCH_ROWS) {
        let batch = tool_batch(&columns, rows)?;
        write_batch(sink.as_mut(), &columns, &batch, &mut state)?;
        progress(&state)?;
    }
    sink.finish()?;
    Ok(Summary {
        rows: state.rows,
        columns,
        sql: result.sql,
    })
}

/// The output columns of a batch of [`compile_all_rows`]'s statement, and the number of
/// groups its last column carries.
fn split_total(
    batch: &RecordBatch,
    width: usize,
) -> Result<(RecordBatch, Option<u64>), ExportError> {
    let rows = batch
        .project(&(0..width).collect::<Vec<_>>())
        .map_err(|error| ExportError::Write(error.to_string()))?;
    let total = batch
        .columns()
        .get(width)
        .and_then(|column| column.as_any().downcast_ref::<Int64Array>())
        .filter(|counts| !counts.is_empty())
        .and_then(|counts| u64::try_from(counts.value(0)).ok());
    Ok((rows, total))
}

fn write_batch(
    sink: &mut dyn Sink,
    columns: &[ExportColumn],
    batch: &RecordBatch,
    state: &mut Progress,
) -> Result<(), ExportError> {
    check_width(columns, batch)?;
    sink.write(batch)?;
    state.rows += batch.num_rows() as u64;
    state.bytes = sink.bytes();
    Ok(())
}
