//! `analyst export`: every row of a semantic query into a CSV, XLSX or Parquet file, with a
//! progress bar (while the server is stopped; a running server exports through
//! `/ai_analyst/export/start`).

use std::path::PathBuf;
use std::process::ExitCode;

use analyst_accounts::{find_user, rights};
use analyst_core::{DataScope, SemanticQuery};
use analyst_export::{ExportError, ExportOptions, Format, Progress, export};
use analyst_store::AccessMode;
use anyhow::Context;
use clap::Args;
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

use super::Settings;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The semantic query, e.g. '{"tool":"sales_by_dimension","measures":["revenue"],"dimensions":["product","store"]}'.
    #[arg(long = "json", value_name = "IR")]
    query: String,
    /// csv, xlsx or parquet [default: from the output file's extension, else csv].
    #[arg(long, value_parser = |text: &str| Format::parse(text).map_err(|error| error.to_string()))]
    format: Option<Format>,
    /// CSV: start with a byte order mark, so that Excel reads Thai text right.
    #[arg(long)]
    bom: bool,
    /// The file to write (replaced when it exists).
    #[arg(short, long)]
    output: PathBuf,
    /// Export only the rows this user may see (their record rules) [default: every row].
    #[arg(long, value_name = "USERNAME")]
    user: Option<String>,
}

pub fn run(settings: &Settings, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let query: SemanticQuery =
        serde_json::from_str(&args.query).context("the semantic query is not valid")?;
    query.validate()?;
    let format = match args.format {
        Some(format) => format,
        None => args
            .output
            .extension()
            .and_then(|extension| Format::parse(&extension.to_string_lossy()).ok())
            .unwrap_or_default(),
    };
    let options = ExportOptions {
        format,
        bom: args.bom && format == Format::Csv,
    };
    let connection = settings.open(AccessMode::ReadOnly)?;
    let scope = match &args.user {
        Some(username) => {
            let user = find_user(connection.as_ref(), username)?.ok_or_else(|| {
                anyhow::anyhow!("no user '{username}'; `analyst user list` lists them")
            })?;
            rights(connection.as_ref(), &user)?.scope
        }
        None => DataScope::everything(),
    };
    let scoped = analyst_semantic::scoped(connection.as_ref(), &scope);
    // Written beside the output under a temporary name: a failed export leaves no half file.
    let part = args
        .output
        .with_extension(format!("{}.part", format.extension()));
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:30}] {human_pos}/{human_len} rows, {msg} ({per_sec}, {eta} left)",
        )?
        .progress_chars("=> "),
    );
    // The database groups and sorts every row before the first one arrives: keep the spinner
    // turning meanwhile.
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    let written = export(
        &scoped,
        &query,
        settings.today,
        options,
        &part,
        &mut |progress: &Progress| -> Result<(), ExportError> {
            if let Some(total) = progress.total {
                bar.set_length(total);
            }
            bar.set_position(progress.rows);
            bar.set_message(HumanBytes(progress.bytes).to_string());
            Ok(())
        },
    );
    bar.finish_and_clear();
    let summary = match written {
        Ok(summary) => summary,
        Err(error) => {
            let _ = std::fs::remove_file(&part);
            return Err(error.into());
        }
    };
    std::fs::rename(&part, &args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let bytes = std::fs::metadata(&args.output)?.len();
    println!(
        "Wrote {} rows ({} columns, {}) to {}",
        summary.rows,
        summary.columns.len(),
        HumanBytes(bytes),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
