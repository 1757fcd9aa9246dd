//! `analyst sql`: the read-only SQL console.

use std::io::Write;
use std::process::ExitCode;

use analyst_store::readonly::check_read_only;
use analyst_store::{AccessMode, Value};
use clap::Args;
use serde_json::{Map, Value as Json};

use super::{Settings, render};

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// Print rows as a JSON array of objects.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print rows as CSV (RFC 4180).
    #[arg(long)]
    csv: bool,
    /// One SELECT or WITH statement, e.g. "SELECT count(*) FROM silver.sales_line".
    query: String,
}

pub fn run(settings: &Settings, args: SqlArgs) -> anyhow::Result<ExitCode> {
    let statement = check_read_only(&args.query)?;
    // Read-only mode with file access off: the second lock behind the statement check.
    let connection = settings.open(AccessMode::ReadOnly)?;
    let rows = connection.query(statement, &[])?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let objects: Vec<Json> = rows
            .rows
            .iter()
            .map(|row| {
                let object: Map<String, Json> = rows
                    .columns
                    .iter()
                    .cloned()
                    .zip(row.iter().map(to_json))
                    .collect();
                Json::Object(object)
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&objects)?)?;
    } else if args.csv {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(&rows.columns)?;
        for row in &rows.rows {
            writer.write_record(row.iter().map(ToString::to_string))?;
        }
        writer.flush()?;
    } else {
        let mut grid = render::new_grid(rows.columns.iter().cloned());
        for row in &rows.rows {
            grid.add_row(row.iter().map(|value| match value {
                Value::Null => "NULL".to_string(),
                other => other.to_string(),
            }));
        }
        writeln!(out, "{grid}")?;
        writeln!(
            out,
            "({} row{})",
            rows.rows.len(),
            if rows.rows.len() == 1 { "" } else { "s" }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(value) => Json::Bool(*value),
        Value::Int(value) => Json::from(*value),
        Value::Float(value) => {
            serde_json::Number::from_f64(*value).map_or(Json::Null, Json::Number)
        }
        other => Json::String(other.to_string()),
    }
}
