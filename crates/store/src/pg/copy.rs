//! PostgreSQL's bulk loader: each call is one `COPY … FROM STDIN` in CSV, written row by row as
//! the rows are read (the client sends it in small chunks), so memory stays flat and the
//! connection is free again between calls.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;

use chrono::NaiveDate;

use super::PgConnection;
use super::values::TIMESTAMP_FORMAT;
use crate::load::{BulkLoader, Field, TableRows};
use crate::{Result, StoreError};

pub(super) struct PgLoader<'a> {
    store: &'a PgConnection,
    touched: BTreeSet<NaiveDate>,
}

impl<'a> PgLoader<'a> {
    pub(super) fn new(store: &'a PgConnection) -> Self {
        PgLoader {
            store,
            touched: BTreeSet::new(),
        }
    }
}

impl BulkLoader for PgLoader<'_> {
    fn append(&mut self, rows: &dyn TableRows) -> Result<()> {
        let table = rows.table();
        let mut client = self.store.client()?;
        // Table names come from the canonical row types, never from input.
        let mut writer = client.copy_in(&format!(
            "COPY {}.{} FROM STDIN (FORMAT csv)",
            table.schema, table.name
        ))?;
        let mut line = String::new();
        rows.each_row(&mut |fields| {
            line.clear();
            csv_line(&mut line, fields);
            writer
                .write_all(line.as_bytes())
                .map_err(|error| StoreError::Query(format!("COPY to {}: {error}", table.name)))
        })?;
        writer.finish()?;
        rows.sales_dates(&mut self.touched);
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<BTreeSet<NaiveDate>> {
        Ok(std::mem::take(&mut self.touched))
    }
}

/// One row in COPY's CSV: text always quoted (so an empty text is not NULL), NULL as nothing.
fn csv_line(line: &mut String, fields: &[Field<'_>]) {
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            line.push(',');
        }
        // Writing to a String cannot fail.
        let _ = match *field {
            Field::Null => Ok(()),
            Field::Bool(value) => write!(line, "{value}"),
            Field::Int(value) => write!(line, "{value}"),
            Field::BigInt(value) => write!(line, "{value}"),
            Field::Text(text) => {
                line.push('"');
                for c in text.chars() {
                    if c == '"' {
                        line.push('"');
                    }
                    line.push(c);
                }
                line.push('"');
                Ok(())
            }
            Field::Money(amount) => {
                let sign = if amount < 0 { "-" } else { "" };
                let units = amount.unsigned_abs();
                write!(line, "{sign}{}.{:02}", units / 100, units % 100)
            }
            Field::Date(date) => write!(line, "{date}"),
            Field::Timestamp(moment) => write!(line, "{}", moment.format(TIMESTAMP_FORMAT)),
        };
    }
    line.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_written_as_csv_that_keeps_nulls_quotes_and_money_exact() {
        let mut line = String::new();
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        csv_line(
            &mut line,
            &[
                Field::BigInt(7),
                Field::Text("say \"hi\", ok"),
                Field::Text(""),
                Field::Null,
                Field::Money(-6_667),
                Field::Money(5),
                Field::Money(i64::MIN),
                Field::Bool(true),
                Field::Date(day),
                Field::Timestamp(day.and_hms_micro_opt(8, 5, 0, 42).unwrap()),
            ],
        );
        assert_eq!(
            line,
            "7,\"say \"\"hi\"\", ok\",\"\",,-66.67,0.05,-92233720368547758.08,true,2026-01-31,2026-01-31 08:05:00.000042\n"
        );
    }
}
