//! DuckDB's bulk loader: rows go to the column store through its appender, in chunks, not
//! statement by statement.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use duckdb::types::{Decimal, TimeUnit, ToSqlOutput, Value as DuckValue, ValueRef};
use duckdb::{Appender, ToSql, appender_params_from_iter};

use super::DuckConnection;
use crate::load::{BulkLoader, Field, Table, TableRows};
use crate::value::days_since_epoch;
use crate::{Result, StoreError};

pub(crate) struct DuckLoader<'a> {
    store: &'a DuckConnection,
    /// Appenders of streamed tables, kept open (and buffering) until `finish`.
    open: HashMap<Table, Appender<'a>>,
    touched: BTreeSet<NaiveDate>,
}

impl<'a> DuckLoader<'a> {
    pub(crate) fn new(store: &'a DuckConnection) -> Self {
        DuckLoader {
            store,
            open: HashMap::new(),
            touched: BTreeSet::new(),
        }
    }
}

fn appender(store: &DuckConnection, table: Table) -> Result<Appender<'_>> {
    Ok(store.raw().appender_to_db(table.name, table.schema)?)
}

fn append_rows(appender: &mut Appender<'_>, rows: &dyn TableRows) -> Result<()> {
    rows.each_row(&mut |fields| Ok(appender.append_row(appender_params_from_iter(fields))?))
}

impl BulkLoader for DuckLoader<'_> {
    fn append(&mut self, rows: &dyn TableRows) -> Result<()> {
        let table = rows.table();
        if table.streamed {
            let appender = match self.open.entry(table) {
                Entry::Occupied(open) => open.into_mut(),
                Entry::Vacant(slot) => slot.insert(appender(self.store, table)?),
            };
            append_rows(appender, rows)?;
        } else {
            let mut appender = appender(self.store, table)?;
            append_rows(&mut appender, rows)?;
            appender.flush()?;
        }
        rows.sales_dates(&mut self.touched);
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<BTreeSet<NaiveDate>> {
        for appender in self.open.values_mut() {
            appender.flush()?;
        }
        Ok(std::mem::take(&mut self.touched))
    }
}

impl ToSql for Field<'_> {
    fn to_sql(&self) -> duckdb::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Field::Null => ToSqlOutput::Owned(DuckValue::Null),
            Field::Bool(value) => ToSqlOutput::Owned(DuckValue::Boolean(value)),
            Field::Int(value) => ToSqlOutput::Owned(DuckValue::Int(value)),
            Field::BigInt(value) => ToSqlOutput::Owned(DuckValue::BigInt(value)),
            Field::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Field::Money(amount) => ToSqlOutput::Owned(DuckValue::Decimal(
                Decimal::new(14, 2, i128::from(amount)).map_err(|error| {
                    duckdb::Error::ToSqlConversionFailure(Box::new(StoreError::Query(format!(
                        "amount {amount} out of range: {error}"
                    ))))
                })?,
            )),
            Field::Date(date) => ToSqlOutput::Owned(DuckValue::Date32(days_since_epoch(date))),
            Field::Timestamp(moment) => ToSqlOutput::Owned(DuckValue::Timestamp(
                TimeUnit::Microsecond,
                moment.and_utc().timestamp_micros(),
            )),
        })
    }
}
