//! `analyst migrate-store`: copies a whole store from one backend to the other (the embedded
//! store in a directory, or PostgreSQL by URL), table by table, and checks the row counts.
//!
//! The target is migrated first and must hold nothing but what the migrations put in it; the
//! copy then runs in one transaction on the target, so a failure leaves it as it was. Rows travel
//! as text (every column is read as `VARCHAR` and parsed back by the target's column type), which
//! keeps decimals exact and needs no per-type code on either side.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use analyst_store::arrow::array::{Array, RecordBatch, StringArray};
use analyst_store::load::{BulkLoader, Field, Table, TableRows};
use analyst_store::{AccessMode, Connection, Location, StoreError, Value, transaction};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

/// The schemas a store keeps its tables in.
const SCHEMAS: &str = "'app', 'raw', 'silver', 'gold', 'ops', 'ml_features', 'predictions'";

/// Each store records its own migrations: not copied.
const MIGRATIONS_TABLE: (&str, &str) = ("ops", "schema_migrations");

#[derive(Debug, Args)]
pub struct MigrateStoreArgs {
    /// The store to copy: a data directory, or a postgres:// URL.
    #[arg(long)]
    pub from: String,
    /// The store to copy into (migrated first, and empty of data): a data directory, or a
    /// postgres:// URL.
    #[arg(long)]
    pub to: String,
}

pub fn run(args: MigrateStoreArgs) -> anyhow::Result<ExitCode> {
    let from = location(&args.from);
    let to = location(&args.to);
    let source = analyst_store::open(&from, AccessMode::ReadOnly)
        .with_context(|| format!("opening the source {}", describe(&from)))?;
    let target = analyst_store::open(&to, AccessMode::ReadWrite)
        .with_context(|| format!("opening the target {}", describe(&to)))?;

    let (source_version, target_version) = (
        migration_version(source.as_ref())?,
        migration_version(target.as_ref())?,
    );
    if source_version != target_version {
        bail!(
            "the source is at migration {source_version} and the target at {target_version}: \
             open the source once with this analyst (e.g. `analyst sql \"SELECT 1\"`) to upgrade it"
        );
    }

    let tables = tables(source.as_ref())?;
    let known: BTreeSet<(String, String)> = self::tables(target.as_ref())?.into_iter().collect();
    if let Some((schema, name)) = tables.iter().find(|table| !known.contains(*table)) {
        bail!("the target has no table {schema}.{name}");
    }
    refuse_unless_empty(target.as_ref(), &tables)?;

    let counts = tables
        .iter()
        .map(|(schema, name)| count(source.as_ref(), schema, name))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let bar = ProgressBar::new(counts.iter().sum()).with_style(
        ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len} rows, {elapsed}")
            .context("progress bar template")?,
    );
    transaction(target.as_ref(), || {
        let mut loader = target.bulk_loader()?;
        for (schema, name) in &tables {
            bar.set_message(format!("{schema}.{name}"));
            copy_table(
                source.as_ref(),
                target.as_ref(),
                &mut *loader,
                schema,
                name,
                &bar,
            )?;
        }
        loader.finish()?;
        copy_sequences(source.as_ref(), &from, target.as_ref(), &to)
    })
    .context("copying the store")?;
    bar.finish_and_clear();

    let mut mismatches = Vec::new();
    println!("{:<40} {:>12} {:>12}", "table", "source", "target");
    for ((schema, name), copied) in tables.iter().zip(&counts) {
        let landed = count(target.as_ref(), schema, name)?;
        println!(
            "{:<40} {copied:>12} {landed:>12}",
            format!("{schema}.{name}")
        );
        if landed != *copied {
            mismatches.push(format!(
                "{schema}.{name} ({copied} read, {landed} in the target)"
            ));
        }
    }
    if !mismatches.is_empty() {
        bail!("row counts differ: {}", mismatches.join(", "));
    }
    println!(
        "Copied {} rows in {} tables from {} to {}.",
        counts.iter().sum::<u64>(),
        tables.len(),
        describe(&from),
        describe(&to)
    );
    Ok(ExitCode::SUCCESS)
}

/// A URL names a database server; anything else is a data directory.
fn location(argument: &str) -> Location {
    if argument.contains("://") {
        Location::Url(argument.to_string())
    } else {
        Location::DataDir(PathBuf::from(argument))
    }
}

fn describe(location: &Location) -> String {
    match location {
        Location::DataDir(dir) => dir.display().to_string(),
        Location::Url(url) => analyst_store::redact(url),
    }
}

fn migration_version(connection: &dyn Connection) -> anyhow::Result<i64> {
    Ok(connection
        .query("SELECT max(version) FROM ops.schema_migrations", &[])?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or(0))
}

/// The store's tables (schema, name), in order, without the migrations' own record.
fn tables(connection: &dyn Connection) -> anyhow::Result<Vec<(String, String)>> {
    let rows = connection.query(
        &format!(
            "SELECT CAST(table_schema AS VARCHAR), CAST(table_name AS VARCHAR)
             FROM information_schema.tables
             WHERE table_type = 'BASE TABLE' AND table_schema IN ({SCHEMAS})
             ORDER BY 1, 2"
        ),
        &[],
    )?;
    let mut tables = Vec::with_capacity(rows.rows.len());
    for row in &rows.rows {
        let schema = identifier(row.first())?;
        let name = identifier(row.get(1))?;
        if (schema.as_str(), name.as_str()) != MIGRATIONS_TABLE {
            tables.push((schema, name));
        }
    }
    Ok(tables)
}

/// A name read from the catalog, checked before it is written into SQL.
fn identifier(value: Option<&Value>) -> anyhow::Result<String> {
    let name = value.and_then(Value::as_str).unwrap_or_default();
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        bail!("unexpected name in the store's catalog: {name:?}");
    }
    Ok(name.to_string())
}

fn count(connection: &dyn Connection, schema: &str, name: &str) -> anyhow::Result<u64> {
    let rows = connection.query(&format!("SELECT count(*) FROM {schema}.{name}"), &[])?;
    let count = rows.scalar().and_then(Value::as_i64).unwrap_or(0);
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Refuses a target holding more than a freshly migrated store does (the migrations seed a few
/// dictionary and rights tables), naming the tables that differ.
fn refuse_unless_empty(target: &dyn Connection, tables: &[(String, String)]) -> anyhow::Result<()> {
    let scratch = tempfile::tempdir().context("a scratch directory")?;
    let fresh = analyst_store::open(
        &Location::DataDir(scratch.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .context("a freshly migrated store to compare the target with")?;
    let mut holding = Vec::new();
    for (schema, name) in tables {
        let (seeded, found) = (
            count(fresh.as_ref(), schema, name)?,
            count(target, schema, name)?,
        );
        if found != seeded {
            holding.push(format!("{schema}.{name}: {found} rows"));
        }
    }
    if !holding.is_empty() {
        bail!(
            "the target already holds data ({}); migrate-store copies only into an empty store",
            holding.join(", ")
        );
    }
    Ok(())
}

/// Replaces the target's rows of one table by the source's, streamed in batches.
fn copy_table(
    source: &dyn Connection,
    target: &dyn Connection,
    loader: &mut dyn BulkLoader,
    schema: &str,
    name: &str,
    bar: &ProgressBar,
) -> analyst_store::Result<()> {
    let columns: Vec<String> = target
        .query(
            "SELECT CAST(column_name AS VARCHAR) FROM information_schema.columns
             WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
            &[schema.into(), name.into()],
        )?
        .rows
        .iter()
        .map(|row| identifier(row.first()))
        .collect::<anyhow::Result<_>>()
        .map_err(|error| StoreError::Query(error.to_string()))?;
    let select = columns
        .iter()
        .map(|column| format!("CAST({column} AS VARCHAR)"))
        .collect::<Vec<_>>()
        .join(", ");
    // Seeded rows of the migrations are replaced by the source's own.
    target.execute(&format!("DELETE FROM {schema}.{name}"), &[])?;
    // The loader names tables for the life of the program; a few dozen names, once per run.
    let table = Table {
        schema: Box::leak(schema.to_string().into_boxed_str()),
        name: Box::leak(name.to_string().into_boxed_str()),
        streamed: true,
    };
    source.stream(
        &format!("SELECT {select} FROM {schema}.{name}"),
        &[],
        &mut |batch| {
            loader.append(&TextRows { table, batch })?;
            bar.inc(batch.num_rows() as u64);
            Ok(())
        },
    )
}

/// A streamed batch of text columns, handed to a bulk loader.
struct TextRows<'a> {
    table: Table,
    batch: &'a RecordBatch,
}

impl TableRows for TextRows<'_> {
    fn table(&self) -> Table {
        self.table
    }

    fn each_row(
        &self,
        write: &mut dyn FnMut(&[Field<'_>]) -> analyst_store::Result<()>,
    ) -> analyst_store::Result<()> {
        let columns = self
            .batch
            .columns()
            .iter()
            .map(|column| {
                column
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or_else(|| StoreError::Query("a column did not come as text".into()))
            })
            .collect::<analyst_store::Result<Vec<_>>>()?;
        let mut fields = Vec::with_capacity(columns.len());
        for row in 0..self.batch.num_rows() {
            fields.clear();
            fields.extend(columns.iter().map(|column| {
                if column.is_null(row) {
                    Field::Null
                } else {
                    Field::Text(column.value(row))
                }
            }));
            write(&fields)?;
        }
        Ok(())
    }

    /// Gold aggregates are copied with the rest: nothing to rebuild.
    fn sales_dates(&self, _touched: &mut BTreeSet<NaiveDate>) {}
}

/// Brings each sequence of the target to where the source's is, so new ids come after the
/// copied ones.
fn copy_sequences(
    source: &dyn Connection,
    from: &Location,
    target: &dyn Connection,
    to: &Location,
) -> analyst_store::Result<()> {
    let reached = sequences(source, from)?;
    let current = sequences(target, to)?;
    for (sequence, last) in reached {
        let Some(last) = last else { continue };
        let Some(now) = current.get(&sequence) else {
            return Err(StoreError::Query(format!(
                "the target has no sequence {sequence}"
            )));
        };
        match to {
            Location::Url(_) => {
                target.query(&format!("SELECT setval('{sequence}', $1)"), &[last.into()])?;
            }
            // DuckDB cannot set a sequence: it is advanced by as many values as it lags.
            Location::DataDir(_) => {
                let behind = last - now.unwrap_or(start_value(target, &sequence)? - 1);
                if behind > 0 {
                    target.query(
                        &format!("SELECT count(nextval('{sequence}')) FROM range($1)"),
                        &[behind.into()],
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Each sequence (`schema.name`, validated) and the last value it gave, if any.
fn sequences(
    connection: &dyn Connection,
    location: &Location,
) -> analyst_store::Result<BTreeMap<String, Option<i64>>> {
    let sql = match location {
        Location::DataDir(_) => format!(
            "SELECT schema_name, sequence_name, last_value FROM duckdb_sequences()
             WHERE schema_name IN ({SCHEMAS})"
        ),
        Location::Url(_) => format!(
            "SELECT CAST(schemaname AS VARCHAR), CAST(sequencename AS VARCHAR), last_value
             FROM pg_sequences WHERE schemaname IN ({SCHEMAS})"
        ),
    };
    let mut sequences = BTreeMap::new();
    for row in connection.query(&sql, &[])?.rows {
        let (schema, name) = (identifier(row.first()), identifier(row.get(1)));
        let (Ok(schema), Ok(name)) = (schema, name) else {
            return Err(StoreError::Query(format!(
                "unexpected sequence name in the store's catalog: {row:?}"
            )));
        };
        sequences.insert(
            format!("{schema}.{name}"),
            row.get(2).and_then(Value::as_i64),
        );
    }
    Ok(sequences)
}

/// The first value an unused DuckDB sequence gives.
fn start_value(connection: &dyn Connection, sequence: &str) -> analyst_store::Result<i64> {
    let (schema, name) = sequence.split_once('.').unwrap_or(("", sequence));
    connection
        .query(
            "SELECT start_value FROM duckdb_sequences() WHERE schema_name = $1 AND sequence_name = $2",
            &[schema.into(), name.into()],
        )?
        .scalar()
        .and_then(Value::as_i64)
        .ok_or_else(|| StoreError::Query(format!("no start value for {sequence}")))
}
