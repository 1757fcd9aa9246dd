//! `analyst bench`: demo generation rate and question latency on fresh stores.
//!
//! Timing goals live here, never in tests. Each size gets its own store in a temporary
//! directory; questions go through the whole deterministic route (understanding, value
//! matching, SQL, answer building), as `analyst ask` and the server run them.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use analyst_accounts::{
    AccessField, AuditEntry, AuditEvent, add_user_with_rights, append_entries, check_rights,
    record_entry,
};
use analyst_core::SemanticQuery;
use analyst_demo::DemoConfig;
use analyst_demo::install::install;
use analyst_export::{ExportError, ExportOptions, Format, Progress, export};
use analyst_gateway::{Access, AnswerCache, AskContext, answer_query, ask, load_vocabulary};
use analyst_store::{AccessMode, Connection, Location};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;

use super::{Settings, load, render};

/// Ten questions a buyer, a store manager and a finance person ask every week.
const QUESTIONS: [&str; 10] = [
    "top 5 brands by revenue last month",
    "revenue by store this year",
    "monthly revenue trend for Stride in 2025",
    "margin % by category last quarter",
    "online vs store revenue last week",
    "revenue this month compared with the same period last year",
    "Peak Motion sales by gender in Q3 2025",
    "returns by brand since March",
    "weekly units of Zenfit in Chiang Mai Nimman over the last 90 days",
    "average order value by store in October 2026",
];

/// One query per registered tool (the buying, season, helpdesk and finance tools).
const TOOL_QUERIES: [&str; 13] = [
    r#"{"tool":"buying_velocity"}"#,
    r#"{"tool":"stock_coverage","params":{"horizon_days":14}}"#,
    r#"{"tool":"dead_stock","params":{"days_without_sales":180}}"#,
    r#"{"tool":"reorder_suggestion"}"#,
    r#"{"tool":"season_performance","dimensions":["category"],"filters":[{"field":"season","values":["AW26"]}]}"#,
    r#"{"tool":"abc_analysis"}"#,
    r#"{"tool":"helpdesk_summary","dimensions":["team"]}"#,
    r#"{"tool":"margin_analysis","dimensions":["brand"]}"#,
    r#"{"tool":"inventory_valuation","params":{"as_of":"2026-06-30"}}"#,
    r#"{"tool":"stock_aging"}"#,
    r#"{"tool":"refund_return_impact","dimensions":["month"]}"#,
    r#"{"tool":"ar_aging"}"#,
    r#"{"tool":"ap_aging"}"#,
];

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Sizes of the demo business, in sales lines (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [1_000_000u64, 10_000_000])]
    lines: Vec<u64>,
    /// How many times each question is asked.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    repeat: u64,
    /// Instead of asking in-process, serve the store over HTTP and let `--users` ask at once.
    #[arg(long)]
    http: bool,
    /// Concurrent users of the HTTP benchmark.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    users: u64,
    /// Time only the tools (skip the questions).
    #[arg(long)]
    tools_only: bool,
    /// Catalogue size of the demo business: 1 is about 1,700 products, 12 about 20,000.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=50))]
    catalog_scale: u32,
    /// Time exports instead: every row of revenue and units per day, store and product
    /// variant (about one row per sales line), in each format.
    #[arg(long, conflicts_with_all = ["http", "tools_only"])]
    exports: bool,
    /// With --exports: DuckDB's memory limit while exporting (`128MB`), set after the demo is
    /// built, to see how little memory an export needs when the store may spill to disk.
    #[arg(long, requires = "exports", value_parser = parse_memory_size)]
    export_memory_limit: Option<String>,
    /// Time imports instead: a sell-out CSV of --import-rows rows and an XLSX of --xlsx-rows
    /// rows of the demo's products, loaded end to end into silver and gold.
    #[arg(long, conflicts_with_all = ["http", "tools_only", "exports"])]
    imports: bool,
    /// Rows of the --imports CSV file.
    #[arg(long, default_value_t = 1_000_000, requires = "imports")]
    import_rows: u64,
    /// Rows of the --imports XLSX file.
    #[arg(long, default_value_t = 200_000, requires = "imports")]
    xlsx_rows: u64,
    /// Time an Odoo sync instead: --odoo-orders POS orders (about 2.5 lines each) served by a
    /// local server that speaks Odoo's protocol, synced into a fresh store.
    #[arg(long, conflicts_with_all = ["http", "tools_only", "exports", "imports"])]
    odoo: bool,
    /// POS orders of the --odoo fixture (400,000 ≈ 1M order lines).
    #[arg(long, default_value_t = 400_000, requires = "odoo")]
    odoo_orders: usize,
    /// Questions each user asks in the HTTP benchmark.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    requests: u64,
}

pub fn run(_settings: &Settings, args: BenchArgs) -> anyhow::Result<ExitCode> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 15).context("bench date")?;
    let context = AskContext::on(today);
    if args.odoo {
        super::timed_sync::time_sync(args.odoo_orders)?;
        return Ok(ExitCode::SUCCESS);
    }
    for &lines in &args.lines {
        let dir = tempfile::tempdir().context("creating a temporary store directory")?;
        let connection = analyst_store::open(
            &Location::DataDir(dir.path().to_path_buf()),
            AccessMode::ReadWrite,
        )?;
        let config = DemoConfig {
            catalog_scale: args.catalog_scale,
            ..DemoConfig::new(lines, 42, today.pred_opt().context("bench date")?)
        };
        let started = Instant::now();
        install(connection.as_ref(), &config, &mut |_| {})?;
        let seconds = started.elapsed().as_secs_f64();
        let products = connection
            .query("SELECT count(*) FROM silver.product", &[])?
            .scalar()
            .and_then(analyst_store::Value::as_i64)
            .unwrap_or(0);
        println!(
            "\n{lines} lines, {products} products: demo generated and loaded in {seconds:.1} s ({:.0} lines/s), peak memory {}",
            lines as f64 / seconds,
            peak_memory()
        );
        if args.imports {
            super::timed_imports::time_imports(
                connection.as_ref(),
                dir.path(),
                args.import_rows,
                args.xlsx_rows,
            )?;
            continue;
        }
        if args.exports {
            if let Some(limit) = &args.export_memory_limit {
                // Checked by parse_memory_size: digits and a unit only.
                connection.execute_batch(&format!("SET memory_limit = '{limit}'"))?;
                println!("exports with DuckDB's memory limit at {limit}");
            }
            time_exports(connection.as_ref(), today, dir.path())?;
            continue;
        }
        if args.http {
            let plan = load::LoadPlan {
                users: args.users as usize,
                requests_per_user: args.requests as usize,
                questions: &QUESTIONS,
                today,
            };
            load::run(connection, &plan)?;
            continue;
        }
        if !args.tools_only {
            ask_questions(connection.as_ref(), &context, args.repeat)?;
            rights_overhead(connection.as_ref(), today, args.repeat)?;
        }
        time_tools(connection.as_ref(), &context, args.repeat)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The latency of every tool query, through the gateway as `analyst query` runs it.
fn time_tools(
    connection: &dyn Connection,
    context: &AskContext,
    repeat: u64,
) -> anyhow::Result<()> {
    let mut grid =
        render::new_grid(["tool query", "p50 ms", "p95 ms", "rows", "of"].map(String::from));
    for text in TOOL_QUERIES {
        let query: SemanticQuery = serde_json::from_str(text).context("benchmark tool query")?;
        let mut timings = Vec::with_capacity(repeat as usize);
        let mut last = None;
        for _ in 0..repeat {
            let started = Instant::now();
            let answer = answer_query(connection, query.clone(), context);
            timings.push(started.elapsed().as_secs_f64() * 1000.0);
            last = Some(answer);
        }
        let Some(answer) = last else { bail!("no run") };
        if let Some(error) = &answer.error {
            bail!("benchmark tool query {text} failed: {error}");
        }
        timings.sort_by(f64::total_cmp);
        grid.add_row([
            text.to_string(),
            format!("{:.1}", percentile(&timings, 0.50)),
            format!("{:.1}", percentile(&timings, 0.95)),
            answer.meta.row_count.to_string(),
            answer.meta.row_count_total.to_string(),
        ]);
    }
    println!("{grid}");
    Ok(())
}

/// Rows per second, file size and peak memory of a large export in each format.
fn time_exports(connection: &dyn Connection, today: NaiveDate, dir: &Path) -> anyhow::Result<()> {
    let query: SemanticQuery = serde_json::from_str(
        r#"{"tool":"sales_by_dimension","measures":["revenue","units"],
            "dimensions":["date","store","product","color","size"]}"#,
    )
    .context("benchmark export query")?;
    let mut grid = render::new_grid(
        [
            "format",
            "rows",
            "seconds",
            "rows/s",
            "file",
            "memory before",
            "peak memory",
        ]
        .map(String::from),
    );
    for format in Format::ALL {
        let path = dir.join(format!("bench.{}", format.extension()));
        reset_peak_memory();
        let before = resident_memory();
        let started = Instant::now();
        let summary = export(
            connection,
            &query,
            today,
            ExportOptions { format, bom: false },
            &path,
            &mut |_: &Progress| Ok::<(), ExportError>(()),
        )?;
        let seconds = started.elapsed().as_secs_f64();
        let bytes = std::fs::metadata(&path)?.len();
        grid.add_row([
            format.name().to_string(),
            summary.rows.to_string(),
            format!("{seconds:.2}"),
            format!("{:.0}", summary.rows as f64 / seconds),
            format!("{:.1} MB", bytes as f64 / 1e6),
            before,
            peak_memory(),
        ]);
        std::fs::remove_file(&path)?;
    }
    println!("{grid}");
    Ok(())
}

fn parse_memory_size(text: &str) -> Result<String, String> {
    analyst_store::memory_size(text).map_err(|error| error.to_string())
}

/// Starts the peak-memory count again (Linux: writing 5 to /proc/self/clear_refs resets
/// VmHWM), so that each measurement shows its own peak.
pub(super) fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The latency of the benchmark questions, through the whole deterministic route.
fn ask_questions(
    connection: &dyn Connection,
    context: &AskContext,
    repeat: u64,
) -> anyhow::Result<()> {
    let vocabulary = load_vocabulary(connection)?;
    let mut grid =
        render::new_grid(["question", "table", "p50 ms", "p95 ms", "rows"].map(String::from));
    for question in QUESTIONS {
        let mut timings = Vec::with_capacity(repeat as usize);
        let mut last = None;
        for _ in 0..repeat {
            let started = Instant::now();
            let answer = ask(connection, &vocabulary, question, context);
            timings.push(started.elapsed().as_secs_f64() * 1000.0);
            last = Some(answer);
        }
        let Some(answer) = last else { bail!("no run") };
        if let Some(error) = &answer.error {
            bail!("benchmark question \"{question}\" failed: {error}");
        }
        let table = answer
            .meta
            .sql
            .as_deref()
            .map(|sql| {
                if sql.contains("gold.daily_sales") {
                    "gold"
                } else {
                    "silver"
                }
            })
            .unwrap_or("?");
        timings.sort_by(f64::total_cmp);
        grid.add_row([
            question.to_string(),
            table.to_string(),
            format!("{:.1}", percentile(&timings, 0.50)),
            format!("{:.1}", percentile(&timings, 0.95)),
            answer.meta.row_count.to_string(),
        ]);
    }
    println!("{grid}");
    Ok(())
}

/// What rights, record rules, the audit log and the answer cache add to a question: a store
/// manager's rights read from the store, the same query with and without her record rule,
/// one audit append, and a cache hit.
fn rights_overhead(
    connection: &dyn Connection,
    today: NaiveDate,
    repeat: u64,
) -> anyhow::Result<()> {
    let groups = ["store_manager".to_string()].into();
    let stores = [(AccessField::Store, vec!["HKT".to_string()])].into();
    let change = check_rights(connection, &groups, &stores)?;
    let user = add_user_with_rights(
        connection,
        "bench-hkt",
        "bench-password-1234",
        false,
        &change,
    )?;
    let query: SemanticQuery = serde_json::from_str(
        r#"{"tool":"sales_by_dimension","measures":["revenue"],"dimensions":["brand"],
            "period":{"start":"2026-10-01","end":"2026-10-31"}}"#,
    )?;
    let median_ms = |work: &mut dyn FnMut() -> anyhow::Result<()>| -> anyhow::Result<f64> {
        let mut timings = Vec::with_capacity(repeat as usize);
        for _ in 0..repeat {
            let started = Instant::now();
            work()?;
            timings.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        timings.sort_by(f64::total_cmp);
        Ok(percentile(&timings, 0.50))
    };
    let mut rights = None;
    let read_rights = median_ms(&mut || {
        rights = Some(analyst_accounts::rights(connection, &user)?);
        Ok(())
    })?;
    let rights = rights.context("rights were read")?;
    let everyone = AskContext::on(today);
    let store_manager = AskContext {
        access: Access::from(&rights),
        ..AskContext::on(today)
    };
    let unrestricted = median_ms(&mut || {
        answer_query(connection, query.clone(), &everyone);
        Ok(())
    })?;
    let restricted = median_ms(&mut || {
        answer_query(connection, query.clone(), &store_manager);
        Ok(())
    })?;
    let entry = AuditEntry::new(AuditEvent::Query)
        .user(user.id, &user.username)
        .detail(r#"{"question":"revenue by brand last month"}"#);
    let audit_alone = median_ms(&mut || {
        record_entry(connection, &entry)?;
        Ok(())
    })?;
    // The server queues entries; its background writer appends what has gathered at once.
    let gathered = vec![entry.clone(); 100];
    let audit_batched = median_ms(&mut || {
        analyst_store::transaction(connection, || append_entries(connection, &gathered))?;
        Ok(())
    })? / gathered.len() as f64;
    let cached_context = AskContext {
        answers: Some(std::sync::Arc::new(AnswerCache::new(100))),
        ..store_manager.clone()
    };
    answer_query(connection, query.clone(), &cached_context);
    let cached = median_ms(&mut || {
        let answer = answer_query(connection, query.clone(), &cached_context);
        if !answer.meta.cached {
            bail!("the second answer was not cached");
        }
        Ok(())
    })?;
    let mut grid = render::new_grid(["step", "p50 ms"].map(String::from));
    for (step, ms) in [
        (
            "read a store manager's rights (the server keeps them 30 s)",
            read_rights,
        ),
        ("revenue by brand, every store", unrestricted),
        (
            "the same under her record rule (Phuket Central)",
            restricted,
        ),
        (
            "append one audit entry in its own transaction (CLI)",
            audit_alone,
        ),
        (
            "one audit entry of 100 appended together (the server's writer)",
            audit_batched,
        ),
        ("the same query answered from the cache", cached),
    ] {
        grid.add_row([step.to_string(), format!("{ms:.2}")]);
    }
    println!("{grid}");
    Ok(())
}

/// The value at `quantile` (0-1) of sorted timings.
pub fn percentile(sorted: &[f64], quantile: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * quantile).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// The process's peak resident memory, from /proc (Linux).
pub(super) fn peak_memory() -> String {
    memory("VmHWM:")
}

/// The resident memory now (Linux), e.g. "212 MiB".
pub(super) fn resident_memory() -> String {
    memory("VmRSS:")
}

/// A line of /proc/self/status in MiB.
fn memory(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(
            || "unknown".into(),
            |kb| format!("{:.0} MiB", kb as f64 / 1024.0),
        )
}
