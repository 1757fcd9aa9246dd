//! Streamed results: a server-side cursor read in batches, as canonical Arrow record batches.
//!
//! The query runs as `DECLARE … CURSOR` and each `FETCH` hands over the next few thousand rows,
//! so a result of any size never sits in memory at once, here or on the server. A cursor lives
//! in a transaction: the caller's, under a savepoint released at the end (a failed stream is
//! rolled back to it, so the caller's transaction goes on), or else one of its own.

use std::sync::Arc;

use postgres::error::SqlState;
use postgres::types::Type;
use postgres::{Client, Row};

use super::values::{Cell, readable, unreadable};
use super::{PgConnection, bind, refs};
use crate::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use crate::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use crate::arrow::record_batch::RecordBatch;
use crate::value::days_since_epoch;
use crate::{Result, StoreError, Value};

const CURSOR: &str = "analyst_stream";

/// Rows per batch (per `FETCH`).
const BATCH_ROWS: usize = 4096;

pub(super) fn run(
    store: &PgConnection,
    sql: &str,
    params: &[Value],
    each: &mut dyn FnMut(&RecordBatch) -> Result<()>,
) -> Result<()> {
    let mut client = store.client()?;
    let scope = Scope::open(&mut client, store.read_only())?;
    let streamed = fetch_all(store, &mut client, sql, params, each);
    // A read-only store keeps nothing, not even a setting the query changed.
    let closed = scope.close(&mut client, streamed.is_ok() && !store.read_only());
    streamed?;
    closed
}

fn fetch_all(
    store: &PgConnection,
    client: &mut Client,
    sql: &str,
    params: &[Value],
    each: &mut dyn FnMut(&RecordBatch) -> Result<()>,
) -> Result<()> {
    let declare = store.prepare(
        client,
        &format!("DECLARE {CURSOR} NO SCROLL CURSOR FOR {sql}"),
        params,
    )?;
    let bound = bind(params);
    client.execute(&declare, &refs(&bound))?;
    let fetch = client.prepare(&format!("FETCH {BATCH_ROWS} FROM {CURSOR}"))?;
    let types: Vec<Type> = fetch
        .columns()
        .iter()
        .map(|column| column.type_().clone())
        .collect();
    if let Some(column) = fetch
        .columns()
        .iter()
        .find(|column| !readable(column.type_()))
    {
        return Err(StoreError::Query(unreadable(column.name(), column.type_())));
    }
    let schema = Arc::new(Schema::new(
        fetch
            .columns()
            .iter()
            .zip(&types)
            .map(|(column, ty)| Field::new(column.name(), Builder::new(ty, 0).data_type(), true))
            .collect::<Vec<_>>(),
    ));
    loop {
        let rows = client.query(&fetch, &[])?;
        if !rows.is_empty() {
            each(&batch(&schema, &types, &rows)?)?;
        }
        if rows.len() < BATCH_ROWS {
            break;
        }
    }
    Ok(client.batch_execute(&format!("CLOSE {CURSOR}"))?)
}

fn batch(schema: &Arc<Schema>, types: &[Type], rows: &[Row]) -> Result<RecordBatch> {
    let mut builders: Vec<Builder> = types
        .iter()
        .map(|ty| Builder::new(ty, rows.len()))
        .collect();
    for row in rows {
        for (index, builder) in builders.iter_mut().enumerate() {
            builder.push(row.try_get::<_, Cell>(index)?.0)?;
        }
    }
    let columns: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
    RecordBatch::try_new(schema.clone(), columns)
        .map_err(|error| StoreError::Query(error.to_string()))
}

/// A column being built, in its canonical type (see [`crate::stream`]).
enum Builder {
    Bool(BooleanBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Text(StringBuilder),
}

impl Builder {
    fn new(ty: &Type, capacity: usize) -> Builder {
        match *ty {
            Type::BOOL => Builder::Bool(BooleanBuilder::with_capacity(capacity)),
            Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => {
                Builder::Int(Int64Builder::with_capacity(capacity))
            }
            Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => {
                Builder::Float(Float64Builder::with_capacity(capacity))
            }
            Type::DATE => Builder::Date(Date32Builder::with_capacity(capacity)),
            Type::TIMESTAMP | Type::TIMESTAMPTZ => {
                Builder::Timestamp(TimestampMicrosecondBuilder::with_capacity(capacity))
            }
            _ => Builder::Text(StringBuilder::with_capacity(capacity, capacity * 16)),
        }
    }

    fn data_type(&self) -> DataType {
        match self {
            Builder::Bool(_) => DataType::Boolean,
            Builder::Int(_) => DataType::Int64,
            Builder::Float(_) => DataType::Float64,
            Builder::Date(_) => DataType::Date32,
            Builder::Timestamp(_) => DataType::Timestamp(TimeUnit::Microsecond, None),
            Builder::Text(_) => DataType::Utf8,
        }
    }

    fn push(&mut self, value: Value) -> Result<()> {
        match (self, value) {
            (Builder::Bool(builder), Value::Null) => builder.append_null(),
            (Builder::Int(builder), Value::Null) => builder.append_null(),
            (Builder::Float(builder), Value::Null) => builder.append_null(),
            (Builder::Date(builder), Value::Null) => builder.append_null(),
            (Builder::Timestamp(builder), Value::Null) => builder.append_null(),
            (Builder::Text(builder), Value::Null) => builder.append_null(),
            (Builder::Bool(builder), Value::Bool(value)) => builder.append_value(value),
            (Builder::Int(builder), Value::Int(value)) => builder.append_value(value),
            (Builder::Float(builder), Value::Float(value)) => builder.append_value(value),
            (Builder::Date(builder), Value::Date(date)) => {
                builder.append_value(days_since_epoch(date))
            }
            (Builder::Timestamp(builder), Value::Timestamp(moment)) => {
                builder.append_value(moment.and_utc().timestamp_micros())
            }
            (Builder::Text(builder), value) => builder.append_value(value.to_string()),
            (_, value) => {
                return Err(StoreError::Query(format!(
                    "a streamed value {value:?} does not match its column's type"
                )));
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Bool(builder) => Arc::new(builder.finish()),
            Builder::Int(builder) => Arc::new(builder.finish()),
            Builder::Float(builder) => Arc::new(builder.finish()),
            Builder::Date(builder) => Arc::new(builder.finish()),
            Builder::Timestamp(builder) => Arc::new(builder.finish()),
            Builder::Text(builder) => Arc::new(builder.finish()),
        }
    }
}

/// The transaction a cursor lives in.
enum Scope {
    /// A savepoint in the caller's transaction.
    Savepoint,
    /// A transaction of the stream's own.
    Own,
}

impl Scope {
    /// A savepoint when the caller is in a transaction (PostgreSQL refuses one outside any,
    /// which is how we tell), else a new transaction.
    fn open(client: &mut Client, read_only: bool) -> Result<Scope> {
        match client.batch_execute(&format!("SAVEPOINT {CURSOR}")) {
            Ok(()) => Ok(Scope::Savepoint),
            Err(error) if error.code() == Some(&SqlState::NO_ACTIVE_SQL_TRANSACTION) => {
                client.batch_execute(if read_only {
                    "BEGIN TRANSACTION READ ONLY"
                } else {
                    "BEGIN TRANSACTION"
                })?;
                Ok(Scope::Own)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Keeps what the stream did (`keep`) or undoes it.
    fn close(self, client: &mut Client, keep: bool) -> Result<()> {
        let sql = match (self, keep) {
            (Scope::Savepoint, true) => format!("RELEASE SAVEPOINT {CURSOR}"),
            (Scope::Savepoint, false) => {
                format!("ROLLBACK TO SAVEPOINT {CURSOR}; RELEASE SAVEPOINT {CURSOR}")
            }
            (Scope::Own, true) => "COMMIT".to_string(),
            (Scope::Own, false) => "ROLLBACK".to_string(),
        };
        Ok(client.batch_execute(&sql)?)
    }
}
