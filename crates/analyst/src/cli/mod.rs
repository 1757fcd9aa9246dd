//! The subcommands and the options they share.

mod ask;
mod audit;
mod bench;
mod budgets;
mod config;
mod demo;
mod dictionary;
mod eval;
mod export;
mod import;
mod jobs;
mod load;
mod migrate_store;
mod odoo;
mod proposals;
mod providers;
mod query;
mod render;
mod serve;
mod sql;
mod sync;
mod timed_imports;
mod timed_sync;
mod user;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use analyst_store::{AccessMode, Connection, Location, StoreError};
use anyhow::Context;
use chrono::NaiveDate;
use clap::{ArgMatches, Parser, Subcommand};
use config::{FileConfig, Origin, pick};

/// AI Analyst: ask your sales data questions in plain language.
#[derive(Debug, Parser)]
#[command(name = "analyst", version, about)]
pub struct Cli {
    /// Configuration file [default: ./analyst.toml when present].
    #[arg(long, global = true, env = "ANALYST_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory of the embedded store [default: ./analyst-data].
    #[arg(long, global = true, env = "ANALYST_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A database server URL instead of the embedded store (postgres://…).
    #[arg(
        long,
        global = true,
        env = "ANALYST_DATABASE_URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// The day relative periods ("last month") are computed from [default: today].
    #[arg(long, global = true, env = "ANALYST_TODAY", value_parser = parse_day)]
    pub today: Option<NaiveDate>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create (or remove) the demo business.
    Demo(demo::DemoArgs),
    /// Ask a question, e.g. `analyst ask "top 5 brands by revenue last month"`.
    Ask(ask::AskArgs),
    /// Run a semantic query given as JSON (the form `meta.query` shows).
    Query(query::QueryArgs),
    /// Run a read-only SQL query (SELECT or WITH) on the store.
    Sql(sql::SqlArgs),
    /// The dictionary: synonyms of dimensions, measures and values, and seasons.
    #[command(subcommand)]
    Dictionary(dictionary::DictionaryCommand),
    /// Run a question set (eval/questions.jsonl format) and print failures, score, parse time.
    Eval(eval::EvalArgs),
    /// Measure demo generation and question latency on fresh stores.
    Bench(bench::BenchArgs),
    /// Start the web server: the chat in a browser and the HTTP API.
    Serve(serve::ServeArgs),
    /// Manage the people who may sign in.
    #[command(subcommand)]
    User(user::UserCommand),
    /// The audit log: verify its hash chain, list entries, prune old ones.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Export every row of a semantic query to a CSV, XLSX or Parquet file.
    Export(export::ExportArgs),
    /// Load sales or sell-out files (CSV, XLSX, XLS): the vendor format is detected or mapped.
    Import(import::ImportArgs),
    /// Copy a whole store between the embedded store and PostgreSQL, and check the row counts.
    MigrateStore(migrate_store::MigrateStoreArgs),
    /// The job queue: list, show and cancel jobs.
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// Safe actions: list, propose, approve, reject and execute proposals.
    #[command(subcommand)]
    Proposals(proposals::ProposalsCommand),
    /// LLM providers for the questions the NL parser does not understand: list, add, remove.
    #[command(subcommand)]
    Providers(providers::ProvidersCommand),
    /// Query budgets and daily AI cost limits (THB or USD): list, set, clear.
    #[command(subcommand)]
    Budgets(budgets::BudgetsCommand),
    /// The Odoo to sync from: connect (checked, then saved), check, mapping settings.
    #[command(subcommand)]
    Odoo(odoo::OdooCommand),
    /// Sync Odoo into the store now, or show how the last syncs went.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// Print the effective configuration and where each value comes from.
    Config(config::ConfigArgs),
}

pub fn run(cli: Cli, matches: ArgMatches) -> anyhow::Result<ExitCode> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let (data_dir, data_dir_origin) = pick(
        Some(&matches),
        "data_dir",
        cli.data_dir.clone(),
        file.data_dir.clone(),
        PathBuf::from("./analyst-data"),
    );
    let (database, database_origin) = pick(
        Some(&matches),
        "database",
        cli.database.clone().map(Some),
        file.database.clone().map(Some),
        None,
    );
    let file_today = file
        .today
        .as_deref()
        .map(parse_day)
        .transpose()
        .map_err(|error| anyhow::anyhow!("analyst.toml: today: {error}"))?;
    let (fixed_today, today_origin) = pick(
        Some(&matches),
        "today",
        cli.today.map(Some),
        file_today.map(Some),
        None,
    );
    let location = Location::choose(&data_dir, database.as_deref());
    let store_description = match &location {
        Location::DataDir(dir) => (dir.display().to_string(), data_dir_origin),
        Location::Url(url) => (analyst_store::redact(url), database_origin),
    };
    let settings = Settings {
        location,
        today: fixed_today.unwrap_or_else(|| chrono::Local::now().date_naive()),
        fixed_today,
        today_origin,
        store_description,
        file,
        matches,
    };
    match cli.command {
        Command::Demo(args) => demo::run(&settings, args),
        Command::Ask(args) => ask::run(&settings, args),
        Command::Query(args) => query::run(&settings, args),
        Command::Sql(args) => sql::run(&settings, args),
        Command::Dictionary(command) => dictionary::run(&settings, command),
        Command::Eval(args) => eval::run(&settings, args),
        Command::Bench(args) => bench::run(&settings, args),
        Command::Serve(args) => serve::run(&settings, args),
        Command::User(command) => user::run(&settings, command),
        Command::Audit(command) => audit::run(&settings, command),
        Command::Export(args) => export::run(&settings, args),
        Command::Import(args) => import::run(&settings, args),
        Command::MigrateStore(args) => migrate_store::run(args),
        Command::Jobs(command) => jobs::run(&settings, command),
        Command::Proposals(command) => proposals::run(&settings, command),
        Command::Providers(command) => providers::run(&settings, command),
        Command::Budgets(command) => budgets::run(&settings, command),
        Command::Odoo(command) => odoo::run(&settings, command),
        Command::Sync(command) => sync::run(&settings, command),
        Command::Config(args) => config::run(&settings, args),
    }
}

/// What every subcommand may need.
pub struct Settings {
    pub location: Location,
    /// The day relative periods are computed from (today unless fixed).
    pub today: NaiveDate,
    /// `--today`, `ANALYST_TODAY` or the file's `today`, when given.
    pub fixed_today: Option<NaiveDate>,
    pub today_origin: Origin,
    /// The store, shown without secrets, and where it was configured.
    pub store_description: (String, Origin),
    pub file: FileConfig,
    matches: ArgMatches,
}

impl Settings {
    pub fn open(&self, mode: AccessMode) -> anyhow::Result<Box<dyn Connection + Send>> {
        analyst_store::open(&self.location, mode).map_err(|error| match error {
            StoreError::Locked { .. } => match serve::running_server(self.data_dir()) {
                Some(server) => anyhow::anyhow!(
                    "the store is in use by `analyst serve` ({server}); use the web UI or API there, or stop the server first"
                ),
                None => error.into(),
            },
            other => other.into(),
        })
    }

    /// The arguments of the subcommand, to tell flags from environment variables.
    pub fn subcommand_matches(&self) -> Option<&ArgMatches> {
        self.matches.subcommand().map(|(_, matches)| matches)
    }

    pub fn data_dir(&self) -> Option<&Path> {
        match &self.location {
            Location::DataDir(dir) => Some(dir),
            Location::Url(_) => None,
        }
    }

    /// Where export files are written: beside the embedded store, else `./analyst-exports`.
    /// Where files beside the store go (exports, uploads, the outbox): the data dir, or
    /// `analyst-files` when the store is a database server.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir()
            .map_or_else(|| PathBuf::from("analyst-files"), Path::to_path_buf)
    }

    pub fn exports_dir(&self) -> PathBuf {
        self.files_dir().join("exports")
    }
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    analyst_core::period::parse_date(text).map_err(|error| error.to_string())
}

/// Opens the store, creating the demo business first when the store holds no data, so that a
/// first `analyst ask` on a fresh machine answers at once.
pub fn open_with_data(settings: &Settings) -> anyhow::Result<Box<dyn Connection + Send>> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    if !analyst_demo::install::holds_data(connection.as_ref())? {
        eprintln!(
            "The store is empty: creating the demo business first (`analyst demo --remove` deletes it)."
        );
        demo::install_default(connection.as_ref(), settings)
            .context("creating the demo business")?;
    }
    Ok(connection)
}
