//! The one connection trait every backend implements.

use crate::arrow::record_batch::RecordBatch;
use crate::{Result, Value, load::BulkLoader};

/// The result of a query: column names and rows of values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Rows {
    /// The single value of a one-row, one-column result.
    pub fn scalar(&self) -> Option<&Value> {
        self.rows.first().and_then(|row| row.first())
    }
}

/// One connection to the store. SQL is the dialect common to DuckDB and PostgreSQL, with `$1`
/// parameters; values are never spliced into SQL text. Connections that cross threads are
/// `Box<dyn Connection + Send>` (see [`crate::open`]); wrappers that borrow one need not be.
pub trait Connection {
    /// Runs one statement and returns the number of rows it changed.
    fn execute(&self, sql: &str, params: &[Value]) -> Result<usize>;
    /// Runs one query and collects its rows.
    fn query(&self, sql: &str, params: &[Value]) -> Result<Rows>;
    /// Runs one query and hands its rows to `each` in batches of a few thousand, as they are
    /// produced: a result of any size never sits in memory at once. Batches are
    /// [canonical](crate::stream): every column is boolean, 64-bit integer, double, text, date
    /// or timestamp. An error from `each` stops the query and is returned.
    fn stream(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<()>;
    /// Runs several statements without parameters (migrations, transaction control).
    fn execute_batch(&self, sql: &str) -> Result<()>;
    /// A bulk loader for canonical rows (DuckDB's appender, PostgreSQL's COPY).
    fn bulk_loader(&self) -> Result<Box<dyn BulkLoader + '_>>;
    /// Another connection to the same store, for another thread.
    fn new_connection(&self) -> Result<Box<dyn Connection + Send>>;
}

/// Runs `work` in a transaction: committed when it returns `Ok`, rolled back otherwise, so a
/// failure never leaves half of the work behind.
pub fn transaction<T>(connection: &dyn Connection, work: impl FnOnce() -> Result<T>) -> Result<T> {
    connection.execute_batch("BEGIN TRANSACTION")?;
    match work() {
        Ok(value) => {
            connection.execute_batch("COMMIT")?;
            Ok(value)
        }
        Err(error) => {
            // The original error is what the user needs; a failed rollback adds nothing.
            let _ = connection.execute_batch("ROLLBACK");
            Err(error)
        }
    }
}
