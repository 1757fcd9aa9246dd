//! The DuckDB implementation of [`Connection`]: one file under the data directory.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration};
use duckdb::types::{TimeUnit, Value as DuckValue, ValueRef};
use duckdb::{Config, params_from_iter};

use crate::arrow::record_batch::RecordBatch;
use crate::error::one_line;
use crate::load::BulkLoader;
use crate::stream::canonical;
use crate::value::{UNIX_EPOCH_DAY, days_since_epoch};
use crate::{AccessMode, Connection, Result, Rows, StoreError, Value, migrate};

mod load;

/// Prepared statements each connection keeps (parsed and planned once): the server's
/// per-request statements (sessions, audit, usage, messages) and the most recent queries.
const STATEMENTS_KEPT: usize = 64;

/// A connection to the embedded DuckDB store.
pub struct DuckConnection {
    connection: duckdb::Connection,
    path: PathBuf,
}

impl DuckConnection {
    /// Opens (and in read-write mode creates and migrates) the store file at `path`.
    pub fn open(path: &Path, mode: AccessMode) -> Result<Self> {
        let config = Config::default().max_memory(&memory_limit()?)?;
        let config = match mode {
            AccessMode::ReadWrite => config,
            AccessMode::ReadOnly => config
                .access_mode(duckdb::AccessMode::ReadOnly)
                .and_then(|config| config.enable_external_access(false))?,
        };
        let connection = duckdb::Connection::open_with_flags(path, config)
            .map_err(|error| open_error(path, &error.to_string()))?;
        connection.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        let store = DuckConnection {
            connection,
            path: path.to_path_buf(),
        };
        // A damaged file may open and fail on its first read: probe it before trusting it.
        store
            .query("SELECT count(*) FROM information_schema.tables", &[])
            .map_err(|error| open_error(path, &error.to_string()))?;
        if mode == AccessMode::ReadWrite {
            migrate::apply_pending(&store)?;
        }
        Ok(store)
    }

    /// A second connection to the same database (for another thread).
    pub fn try_clone(&self) -> Result<Self> {
        let connection = self.connection.try_clone()?;
        connection.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        Ok(DuckConnection {
            connection,
            path: self.path.clone(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn raw(&self) -> &duckdb::Connection {
        &self.connection
    }
}

/// How much memory DuckDB's buffers may use before spilling to temporary files: the
/// `ANALYST_MEMORY_LIMIT` environment variable (DuckDB's syntax: `512MB`, `2GB`), else
/// [`DEFAULT_MEMORY_LIMIT`]. Without a limit DuckDB takes up to 80% of the machine's memory.
fn memory_limit() -> Result<String> {
    match std::env::var("ANALYST_MEMORY_LIMIT")
        .ok()
        .filter(|limit| !limit.trim().is_empty())
    {
        None => Ok(DEFAULT_MEMORY_LIMIT.to_string()),
        Some(limit) => memory_size(&limit)
            .map_err(|error| StoreError::Setting(format!("ANALYST_MEMORY_LIMIT: {error}"))),
    }
}

/// A memory size in DuckDB's syntax (`512MB`, `2GB`), checked so that it can stand in a
/// `SET memory_limit` statement.
pub fn memory_size(text: &str) -> Result<String> {
    let limit = text.trim().to_string();
    let number_end = limit
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(limit.len());
    let (number, unit) = limit.split_at(number_end);
    let units = ["B", "KB", "MB", "GB", "TB", "KIB", "MIB", "GIB", "TIB"];
    if number.parse::<f64>().is_ok_and(|n| n > 0.0)
        && units.contains(&unit.trim().to_ascii_uppercase().as_str())
    {
        Ok(limit)
    } else {
        Err(StoreError::Setting(format!(
            "{limit:?} is not a memory size: write it like 512MB or 2GB"
        )))
    }
}

/// The default cap on DuckDB's buffer memory.
pub const DEFAULT_MEMORY_LIMIT: &str = "640MB";

/// Turns DuckDB's open errors into ones that say what happened and what to do.
fn open_error(path: &Path, message: &str) -> StoreError {
    let message = one_line(message);
    if let Some(start) = message.find("Conflicting lock is held in ") {
        let holder = &message[start + "Conflicting lock is held in ".len()..];
        let holder = holder.split(". See also").next().unwrap_or(holder);
        return StoreError::Locked {
            path: path.to_path_buf(),
            holder: holder.trim_end_matches('.').to_string(),
        };
    }
    if message.contains("Permission denied") || message.contains("Read-only file system") {
        return StoreError::DataDir {
            path: path.parent().unwrap_or(path).to_path_buf(),
            reason: "permission denied".into(),
        };
    }
    StoreError::Corrupt {
        path: path.to_path_buf(),
        reason: message,
    }
}

impl Connection for DuckConnection {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        let mut statement = self.connection.prepare_cached(sql)?;
        Ok(statement.execute(params_from_iter(params.iter().map(to_duck)))?)
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Rows> {
        let mut statement = self.connection.prepare_cached(sql)?;
        let mut rows = statement.query(params_from_iter(params.iter().map(to_duck)))?;
        let columns = rows
            .as_ref()
            .map(|statement| statement.column_names())
            .unwrap_or_default();
        let mut collected = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns.len());
            for index in 0..columns.len() {
                values.push(from_duck(row.get_ref(index)?));
            }
            collected.push(values);
        }
        Ok(Rows {
            columns,
            rows: collected,
        })
    }

    fn stream(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<()> {
        // Not from the statement cache: a streaming result holds its statement until the end.
        let mut statement = self.connection.prepare(sql)?;
        for batch in statement.stream_arrow(params_from_iter(params.iter().map(to_duck)))? {
            each(&canonical(&batch?)?)?;
        }
        Ok(())
    }

    fn execute_batch(&self, sql: &str) -> Result<()> {
        Ok(self.connection.execute_batch(sql)?)
    }

    fn bulk_loader(&self) -> Result<Box<dyn BulkLoader + '_>> {
        Ok(Box::new(load::DuckLoader::new(self)))
    }

    fn new_connection(&self) -> Result<Box<dyn Connection + Send>> {
        Ok(Box::new(self.try_clone()?))
    }
}

fn to_duck(value: &Value) -> DuckValue {
    match value {
        Value::Null => DuckValue::Null,
        Value::Bool(value) => DuckValue::Boolean(*value),
        Value::Int(value) => DuckValue::BigInt(*value),
        Value::Float(value) => DuckValue::Double(*value),
        Value::Text(value) => DuckValue::Text(value.clone()),
        Value::Date(date) => DuckValue::Date32(days_since_epoch(*date)),
        Value::Timestamp(moment) => {
            DuckValue::Timestamp(TimeUnit::Microsecond, moment.and_utc().timestamp_micros())
        }
    }
}

fn from_duck(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Boolean(value) => Value::Bool(value),
        ValueRef::TinyInt(value) => Value::Int(value.into()),
        ValueRef::SmallInt(value) => Value::Int(value.into()),
        ValueRef::Int(value) => Value::Int(value.into()),
        ValueRef::BigInt(value) => Value::Int(value),
        ValueRef::UTinyInt(value) => Value::Int(value.into()),
        ValueRef::USmallInt(value) => Value::Int(value.into()),
        ValueRef::UInt(value) => Value::Int(value.into()),
        ValueRef::UBigInt(value) => {
            i64::try_from(value).map_or(Value::Float(value as f64), Value::Int)
        }
        ValueRef::HugeInt(value) => {
            i64::try_from(value).map_or(Value::Float(value as f64), Value::Int)
        }
        ValueRef::Float(value) => Value::Float(value.into()),
        ValueRef::Double(value) => Value::Float(value),
        ValueRef::Decimal(decimal) => {
            Value::Float(decimal.value() as f64 / 10f64.powi(i32::from(decimal.scale())))
        }
        ValueRef::Date32(days) => Value::Date(UNIX_EPOCH_DAY + Duration::days(days.into())),
        ValueRef::Timestamp(unit, amount) => {
            DateTime::from_timestamp_micros(unit.to_micros(amount))
                .map_or(Value::Null, |moment| Value::Timestamp(moment.naive_utc()))
        }
        ValueRef::Text(bytes) => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
        other => Value::Text(format!("{:?}", DuckValue::from(other))),
    }
}
