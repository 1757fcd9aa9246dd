//! `analyst demo`: create or remove the demo business.

use std::process::ExitCode;
use std::time::Instant;

use analyst_demo::DemoConfig;
use analyst_demo::install::{self, DEMO_START};
use analyst_store::{AccessMode, Connection};
use anyhow::bail;
use chrono::{Duration, NaiveDate};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::{Settings, parse_day};

/// The size of the demo business a first start creates.
pub const DEFAULT_LINES: u64 = 1_000_000;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of sales lines to generate (returns included).
    #[arg(long, default_value_t = DEFAULT_LINES, value_parser = clap::value_parser!(u64).range(1..=200_000_000))]
    lines: u64,
    /// Seed of the generator: the same seed gives the same business.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Catalogue size: 1 is the default range (about 1,700 products), 12 about 20,000.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=50))]
    catalog_scale: u32,
    /// Last day of data [default: the day before --today].
    #[arg(long, value_parser = parse_day)]
    end_date: Option<NaiveDate>,
    /// Replace the demo business even when the store already holds data.
    #[arg(long)]
    force: bool,
    /// Delete the demo business (and only it), keeping your own data.
    #[arg(long, conflicts_with_all = ["force", "lines", "seed", "end_date", "catalog_scale"])]
    remove: bool,
}

pub fn run(settings: &Settings, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    if args.remove {
        let removed = install::remove(connection.as_ref())?;
        println!("Removed the demo business: {removed} rows deleted.");
        return Ok(ExitCode::SUCCESS);
    }
    if install::holds_data(connection.as_ref())? && !args.force {
        bail!(
            "the store already holds data; add --force to replace the demo business (your own data is kept)"
        );
    }
    let end_date = args.end_date.unwrap_or(settings.today - Duration::days(1));
    if end_date < DEMO_START {
        bail!("--end-date must be on or after {DEMO_START}, the first day of demo data");
    }
    let config = DemoConfig {
        catalog_scale: args.catalog_scale,
        ..DemoConfig::new(args.lines, args.seed, end_date)
    };
    install_with_progress(connection.as_ref(), config)?;
    Ok(ExitCode::SUCCESS)
}

/// Creates the default demo business ending yesterday.
pub fn install_default(connection: &dyn Connection, settings: &Settings) -> anyhow::Result<()> {
    let config = DemoConfig::new(
        DEFAULT_LINES,
        42,
        (settings.today - Duration::days(1)).max(DEMO_START),
    );
    install_with_progress(connection, config)
}

fn install_with_progress(connection: &dyn Connection, config: DemoConfig) -> anyhow::Result<()> {
    let started = Instant::now();
    let bar = ProgressBar::new(config.lines).with_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {human_pos}/{human_len} lines ({per_sec}, {eta} left)",
        )?
        .progress_chars("=> "),
    );
    bar.set_message("generating sales");
    let report = install::install(connection, &config, &mut |lines| {
        bar.set_position(lines);
        if lines == config.lines {
            bar.set_message("building aggregates");
        }
    })?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Created the demo business: {} sales lines from {} to {}, {} products, {} customers, {} stock levels, {} purchase orders ({:.1} s, {:.0} lines/s).",
        report.sales_lines,
        config.start_date,
        config.end_date,
        report.products,
        report.customers,
        report.stock_levels,
        report.purchase_orders,
        seconds,
        report.sales_lines as f64 / seconds.max(0.001)
    );
    Ok(())
}
