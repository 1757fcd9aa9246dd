//! `analyst import FILE…`: sales and sell-out files into the store (while the server is
//! stopped; a running server takes them at `POST /api/v1/uploads`), with a progress bar.
//! The vendor format is detected from the headers, or named (`--profile`), or mapped once
//! (`--map … --save-profile NAME`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use analyst_accounts::find_user;
use analyst_ingest::{Channel, parse_mapping};
use analyst_store::AccessMode;
use analyst_uploads::load::{Stopped, process};
use analyst_uploads::report::{ReportFormat, error_report};
use analyst_uploads::{Batch, BatchState, ImportOptions, batch, profiles};
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value as Json;

use super::Settings;
use super::config::ImportConfigOptions;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The files: CSV, TSV or text (any delimiter), XLSX or XLS.
    #[arg(required_unless_present = "list_profiles")]
    files: Vec<PathBuf>,
    /// Read the files with this vendor profile instead of detecting it.
    #[arg(long, conflicts_with = "map")]
    profile: Option<String>,
    /// Map the columns by hand: "date=Order Date,sku=Product ID,qty=Qty,amount=Net".
    #[arg(long)]
    map: Option<String>,
    /// Save the --map mapping as a vendor profile of this name, for the next files.
    #[arg(long, requires = "map")]
    save_profile: Option<String>,
    /// The channel of a mapped file: wholesale (sell-out), marketplace or online
    /// [default: wholesale].
    #[arg(long, requires = "map", value_parser = parse_channel)]
    channel: Option<Channel>,
    /// The sheet of a workbook [default: the one whose header fits best].
    #[arg(long)]
    sheet: Option<String>,
    /// The company that stores and customers created from the files belong to (its code)
    /// [default: the first].
    #[arg(long)]
    company: Option<String>,
    /// Check the files and report what would load, writing nothing.
    #[arg(long)]
    dry_run: bool,
    /// Record the batches as this user's (for their list and their e-mail).
    #[arg(long, value_name = "USERNAME")]
    user: Option<String>,
    /// Write the error report of the file (of the last file, when several) here (.csv or .xlsx).
    #[arg(long, value_name = "FILE")]
    errors_out: Option<PathBuf>,
    /// List the vendor profiles (shipped and saved) and stop.
    #[arg(long)]
    list_profiles: bool,
    #[command(flatten)]
    config: ImportConfigOptions,
}

pub fn run(settings: &Settings, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let upload_settings = args
        .config
        .resolve(&settings.file, settings.subcommand_matches())
        .settings(&settings.files_dir());
    let connection = settings.open(AccessMode::ReadWrite)?;
    let connection = connection.as_ref();
    if args.list_profiles {
        let mut grid = super::render::new_grid(["profile", "channel", "columns"].map(String::from));
        for profile in profiles::all(connection)? {
            let columns: Vec<String> = profile
                .columns
                .iter()
                .map(|(field, header)| format!("{field}={header}"))
                .collect();
            grid.add_row(vec![
                profile.name.clone(),
                profile.channel.to_string(),
                columns.join(", "),
            ]);
        }
        println!("{grid}");
        return Ok(ExitCode::SUCCESS);
    }
    let user_id = match &args.user {
        Some(username) => Some(
            find_user(connection, username)?
                .ok_or_else(|| {
                    anyhow::anyhow!("no user '{username}'; `analyst user list` lists them")
                })?
                .id,
        ),
        None => None,
    };
    let options = ImportOptions {
        profile: args.profile.clone(),
        mapping: args.map.as_deref().map(parse_mapping).transpose()?,
        save_profile: args.save_profile.clone(),
        channel: args.channel,
        sheet: args.sheet.clone(),
        company: args.company.clone(),
        dry_run: args.dry_run,
    };
    let mut all_loaded = true;
    let mut last = None;
    for path in &args.files {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let registered =
            batch::register(connection, &upload_settings, user_id, &name, path, &options)
                .with_context(|| format!("{}", path.display()))?;
        let ended = if registered.state == BatchState::Duplicate {
            registered
        } else {
            load_with_progress(connection, &upload_settings, &registered, &name)?
        };
        print_batch(&ended);
        all_loaded &= matches!(
            ended.state,
            BatchState::Loaded | BatchState::Checked | BatchState::Duplicate
        );
        last = Some(ended);
    }
    if let (Some(out), Some(batch)) = (&args.errors_out, &last) {
        write_report(connection, batch, out)?;
    }
    Ok(if all_loaded {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn load_with_progress(
    connection: &dyn analyst_store::Connection,
    upload_settings: &analyst_uploads::UploadSettings,
    registered: &Batch,
    name: &str,
) -> anyhow::Result<Batch> {
    let bar = ProgressBar::new(1_000).with_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {percent}% {prefix} rows read, {elapsed}")
            .context("progress bar template")?,
    );
    bar.set_message(name.to_string());
    let ended = process(
        connection,
        upload_settings,
        registered.id,
        &mut |rows, share| {
            bar.set_position((share * 1_000.0) as u64);
            bar.set_prefix(rows.to_string());
            Ok::<(), std::convert::Infallible>(())
        },
    );
    bar.finish_and_clear();
    match ended {
        Ok(batch) => Ok(batch),
        Err(Stopped::Store(error)) => Err(error).context(format!("loading {name}")),
        Err(Stopped::ByCaller(never)) => match never {},
    }
}

fn print_batch(batch: &Batch) {
    let summary = &batch.summary;
    let count = |key: &str| summary[key].as_i64().unwrap_or(0);
    println!(
        "{}: {} (batch {}{})",
        batch.file_name,
        batch.state.name().replace('_', " "),
        batch.id,
        batch
            .profile
            .as_deref()
            .map(|profile| format!(", profile {profile}"))
            .unwrap_or_default()
    );
    if matches!(
        batch.state,
        BatchState::Loaded | BatchState::Checked | BatchState::Rejected
    ) {
        println!(
            "  rows read {}, loaded {}, with errors {}; created {} products, {} stores, {} customers; {} rows replaced an earlier load{}",
            batch.rows_read,
            batch.rows_loaded,
            batch.rows_failed,
            count("products_created"),
            count("stores_created"),
            count("customers_created"),
            count("rows_replaced"),
            match (summary["date_from"].as_str(), summary["date_to"].as_str()) {
                (Some(from), Some(to)) => format!("; dates {from} to {to}"),
                _ => String::new(),
            }
        );
    }
    if let Some(message) = &batch.message {
        println!("  {message}");
    }
    if batch.state == BatchState::NeedsMapping {
        print_mapping_help(batch);
    }
    if batch.rows_failed > 0 {
        println!("  the error report: --errors-out errors.xlsx");
    }
}

/// The file's headers and the suggested mapping, as a command to run.
fn print_mapping_help(batch: &Batch) {
    let headers: Vec<&str> = batch.summary["headers"]
        .as_array()
        .map(|headers| headers.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    println!("  its columns: {}", headers.join(" | "));
    let suggested: Vec<String> = batch.summary["suggestions"]
        .as_array()
        .map(|suggestions| {
            suggestions
                .iter()
                .filter_map(|suggestion| {
                    Some(format!(
                        "{}={}",
                        suggestion["field"].as_str()?,
                        suggestion["header"].as_str()?
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    println!(
        "  map them once, e.g.: analyst import {:?} --map {:?} --save-profile NAME",
        batch.file_name,
        suggested.join(",")
    );
}

fn write_report(
    connection: &dyn analyst_store::Connection,
    batch: &Batch,
    out: &Path,
) -> anyhow::Result<()> {
    let format = out
        .extension()
        .map(|extension| ReportFormat::parse(&extension.to_string_lossy()))
        .transpose()?
        .unwrap_or(ReportFormat::Csv);
    let bytes = error_report(connection, batch.id, format)?;
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "The error report of {} is in {}.",
        batch.file_name,
        out.display()
    );
    Ok(())
}

fn parse_channel(text: &str) -> Result<Channel, String> {
    serde_json::from_value(serde_json::Value::String(text.to_lowercase()))
        .map_err(|_| "the channel is wholesale, marketplace or online".to_string())
}
