//! `analyst dictionary list|add|remove`: the words of the business (synonyms of dimensions,
//! measures and values) and its seasons. Edits apply to the next question, also in a running
//! server (on PostgreSQL; the embedded store is locked while `serve` runs — use the API).

use std::process::ExitCode;

use analyst_semantic::dictionary::{self, SeasonEntry, SynonymKind};
use analyst_store::AccessMode;
use chrono::NaiveDate;
use clap::Subcommand;

use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum DictionaryCommand {
    /// List dimensions, synonyms and seasons.
    List {
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Add a synonym or a season.
    #[command(subcommand)]
    Add(AddCommand),
    /// Remove a synonym (by id, see `list`) or a season (by code).
    #[command(subcommand)]
    Remove(RemoveCommand),
    /// Show, or set, the month fiscal years start in (1-12), e.g. `fiscal-year 10` for
    /// October; fiscal years are named after the year they end in (FY2026).
    FiscalYear {
        #[arg(value_parser = clap::value_parser!(u32).range(1..=12))]
        start_month: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// Another word for a dimension, e.g. `add dimension "point of sale" store`.
    Dimension { synonym: String, dimension: String },
    /// Another word for a measure, e.g. `add measure takings revenue`.
    Measure { synonym: String, measure: String },
    /// Another name for a value, e.g. `add value "Stryde" brand Stride`.
    Value {
        synonym: String,
        dimension: String,
        value: String,
    },
    /// A season and its dates (inclusive), e.g. `add season AW27 2027-08-01 2028-01-31`.
    Season {
        code: String,
        start: NaiveDate,
        end: NaiveDate,
        /// Display name [default: the code].
        #[arg(long, default_value = "")]
        name: String,
        /// The product season tag it covers [default: the code].
        #[arg(long, default_value = "")]
        tag: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemoveCommand {
    /// Remove a synonym by its id.
    Synonym { id: i64 },
    /// Remove a season by its code.
    Season { code: String },
}

pub fn run(settings: &Settings, command: DictionaryCommand) -> anyhow::Result<ExitCode> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    let connection = connection.as_ref();
    match command {
        DictionaryCommand::List { json } => list(connection, json)?,
        DictionaryCommand::Add(add) => {
            let (kind, synonym, target, value) = match add {
                AddCommand::Dimension { synonym, dimension } => {
                    (SynonymKind::Dimension, synonym, dimension, None)
                }
                AddCommand::Measure { synonym, measure } => {
                    (SynonymKind::Measure, synonym, measure, None)
                }
                AddCommand::Value {
                    synonym,
                    dimension,
                    value,
                } => (SynonymKind::Value, synonym, dimension, Some(value)),
                AddCommand::Season {
                    code,
                    start,
                    end,
                    name,
                    tag,
                } => {
                    let season = SeasonEntry {
                        code,
                        name,
                        start,
                        end,
                        tag,
                    };
                    dictionary::put_season(connection, &season)?;
                    println!("Season {} saved ({} to {}).", season.code, start, end);
                    return Ok(ExitCode::SUCCESS);
                }
            };
            let id =
                dictionary::add_synonym(connection, kind, &synonym, &target, value.as_deref())?;
            println!("Synonym {id} saved: \"{synonym}\" → {}.", {
                match &value {
                    Some(value) => format!("{target} {value}"),
                    None => target.clone(),
                }
            });
        }
        DictionaryCommand::Remove(RemoveCommand::Synonym { id }) => {
            dictionary::remove_synonym(connection, id)?;
            println!("Synonym {id} removed.");
        }
        DictionaryCommand::FiscalYear { start_month } => {
            if let Some(month) = start_month {
                dictionary::set_fiscal_year_start(connection, month)?;
            }
            let month = dictionary::load(connection)?.fiscal_year_start_month;
            println!("{}", fiscal_year_sentence(month));
        }
        DictionaryCommand::Remove(RemoveCommand::Season { code }) => {
            dictionary::remove_season(connection, &code)?;
            println!("Season {code} removed.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list(connection: &dyn analyst_store::Connection, json: bool) -> anyhow::Result<()> {
    let found = dictionary::load(connection)?;
    if json {
        let value = serde_json::json!({
            "dimensions": found.dimensions.iter().map(|d| serde_json::json!({
                "code": d.code, "name": d.name, "source_column": d.source_column,
            })).collect::<Vec<_>>(),
            "synonyms": found.synonyms.iter().map(|s| serde_json::json!({
                "id": s.id, "kind": s.kind.name(), "synonym": s.synonym,
                "target": s.target, "value": s.value,
            })).collect::<Vec<_>>(),
            "seasons": found.seasons.iter().map(|s| serde_json::json!({
                "code": s.code, "name": s.name, "start": s.start, "end": s.end, "tag": s.tag,
            })).collect::<Vec<_>>(),
            "fiscal_year_start_month": found.fiscal_year_start_month,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    let mut dimensions = render::new_grid(["dimension", "name", "source"].map(String::from));
    for d in &found.dimensions {
        dimensions.add_row([d.code.clone(), d.name.clone(), d.source_column.clone()]);
    }
    println!("{dimensions}");
    let mut synonyms = render::new_grid(["id", "kind", "synonym", "means"].map(String::from));
    for s in &found.synonyms {
        let means = match &s.value {
            Some(value) => format!("{} {value}", s.target),
            None => s.target.clone(),
        };
        synonyms.add_row([
            s.id.to_string(),
            s.kind.name().to_string(),
            s.synonym.clone(),
            means,
        ]);
    }
    println!("{synonyms}");
    let mut seasons = render::new_grid(["season", "name", "start", "end", "tag"].map(String::from));
    for s in &found.seasons {
        seasons.add_row([
            s.code.clone(),
            s.name.clone(),
            s.start.to_string(),
            s.end.to_string(),
            s.tag.clone(),
        ]);
    }
    println!("{seasons}");
    println!("{}", fiscal_year_sentence(found.fiscal_year_start_month));
    Ok(())
}

/// "Fiscal years start on the first of October (named after the year they end in)."
fn fiscal_year_sentence(month: u32) -> String {
    let name = chrono::Month::try_from(u8::try_from(month).unwrap_or(1))
        .map_or_else(|_| month.to_string(), |month| month.name().to_string());
    format!("Fiscal years start on the first of {name} (named after the year they end in).")
}
