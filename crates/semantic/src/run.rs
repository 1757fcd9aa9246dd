//! Running a compiled query and reading its rows.

use analyst_core::{Dimension, Measure, SemanticQuery};
use analyst_store::{Connection, Value};

use crate::{CompiledQuery, OutputColumn, SemanticError, Source, compile};

/// One group: its dimension values and its measures (current and, when comparing, previous).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub dimensions: Vec<Value>,
    pub measures: Vec<Option<f64>>,
    pub previous: Vec<Option<f64>>,
}

/// The answer of the semantic layer to one query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    pub dimensions: Vec<Dimension>,
    pub measures: Vec<Measure>,
    pub compared: bool,
    pub rows: Vec<ResultRow>,
    /// The grand total over every matching row (absent when there are no dimensions: the one
    /// row is the total).
    pub total: Option<ResultRow>,
    /// How many groups matched before the limit.
    pub total_count: u64,
    pub sql: String,
    pub source: Source,
}

/// Compiles and runs `query` (whose filter values must already be canonical).
pub fn execute(
    connection: &dyn Connection,
    query: &SemanticQuery,
) -> Result<QueryResult, SemanticError> {
    let compiled = compile(query)?;
    let rows = connection.query(&compiled.sql, &compiled.params)?;
    Ok(read(query, &compiled, rows.rows))
}

fn read(query: &SemanticQuery, compiled: &CompiledQuery, rows: Vec<Vec<Value>>) -> QueryResult {
    let width = compiled.columns.len();
    let mut result = QueryResult {
        dimensions: compiled.dimensions.clone(),
        measures: query.measures.clone(),
        compared: compiled
            .columns
            .iter()
            .any(|column| matches!(column, OutputColumn::Previous(_))),
        rows: Vec::new(),
        total: None,
        total_count: 0,
        sql: compiled.sql.clone(),
        source: compiled.source,
    };
    for row in rows {
        let grouping_level = row.get(width).and_then(Value::as_i64).unwrap_or(0);
        let total_count = row.get(width + 2).and_then(Value::as_i64).unwrap_or(0);
        let mut parsed = ResultRow {
            dimensions: Vec::new(),
            measures: Vec::new(),
            previous: Vec::new(),
        };
        for (column, value) in compiled.columns.iter().zip(row) {
            match column {
                OutputColumn::Dimension(_) => parsed.dimensions.push(value),
                OutputColumn::Measure(_) => parsed.measures.push(value.as_f64()),
                OutputColumn::Previous(_) => parsed.previous.push(value.as_f64()),
            }
        }
        if grouping_level == 0 || compiled.dimensions.is_empty() {
            result.total_count = u64::try_from(total_count).unwrap_or(0);
            result.rows.push(parsed);
        } else {
            result.total = Some(parsed);
        }
    }
    result
}
