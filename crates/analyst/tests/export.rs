//! Exports of more than a million rows: from the command line in each format, read back and
//! compared row for row with an independent query through `analyst sql`; and through a
//! running server, cancelled mid-way, and killed mid-way (SIGKILL) then restarted, after
//! which the job finishes with a complete file and no row twice.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use analyst_store::arrow::array::{Array, Date32Array, Float64Array, StringArray};
use common::{analyst, analyst_with_input, get, post, serve, stderr, stdout, token};
use serde_json::{Value as Json, json};

/// Sales lines of the test store: enough for more than a million rows per day, store and
/// product variant.
const LINES: &str = "1800000";

/// Revenue and units per day, store and product variant: about one row per sales line.
fn big_query() -> Json {
    json!({"tool": "sales_by_dimension", "measures": ["revenue", "units"],
           "dimensions": ["date", "store", "product", "color", "size"]})
}

/// The same figures, computed from the sales lines without the semantic layer or the
/// aggregates it reads.
const INDEPENDENT_SQL: &str = "SELECT l.date, s.name AS store, p.name AS product, p.color, p.size,
        sum(l.net_amount) AS revenue, sum(l.qty) AS units
    FROM silver.sales_line l
    JOIN silver.store s ON s.id = l.store_id
    JOIN silver.product p ON p.id = l.product_id
    GROUP BY l.date, s.name, p.name, p.color, p.size";

fn big_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = analyst(
        dir.path(),
        &["demo", "--lines", LINES, "--end-date", "2026-11-14"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

/// Rows keyed by their dimension values (joined), with their two figures.
type Figures = HashMap<String, (f64, f64)>;

fn key(parts: &[&str]) -> String {
    parts.join("\u{1f}")
}

/// Adds a row, failing on a key seen before (a row written twice).
fn insert(figures: &mut Figures, key: String, revenue: f64, units: f64) {
    assert!(
        figures.insert(key.clone(), (revenue, units)).is_none(),
        "row {key:?} appears twice"
    );
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

fn from_csv(bytes: &[u8]) -> (Vec<String>, Figures) {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().unwrap().iter().map(String::from).collect();
    let mut figures = Figures::new();
    for record in reader.records() {
        let record = record.unwrap();
        let parts: Vec<&str> = record.iter().take(5).collect();
        insert(
            &mut figures,
            key(&parts),
            number(&record[5]),
            number(&record[6]),
        );
    }
    (headers, figures)
}

fn from_xlsx(path: &Path) -> (Vec<String>, Figures) {
    use calamine::{Data, DataType, Reader};
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let mut headers = Vec::new();
    let mut figures = Figures::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        let mut rows = range.rows();
        headers = rows
            .next()
            .unwrap()
            .iter()
            .map(|cell| cell.to_string())
            .collect();
        for row in rows {
            let date = row[0].as_date().expect("dates are date cells").to_string();
            let text = |cell: &Data| match cell {
                Data::String(text) => text.clone(),
                other => panic!("not a text cell: {other:?}"),
            };
            let (store, product, color, size) =
                (text(&row[1]), text(&row[2]), text(&row[3]), text(&row[4]));
            let figure = |cell: &Data| cell.get_float().expect("figures are number cells");
            insert(
                &mut figures,
                key(&[&date, &store, &product, &color, &size]),
                figure(&row[5]),
                figure(&row[6]),
            );
        }
    }
    (headers, figures)
}

fn from_parquet(path: &Path) -> (Vec<String>, Figures) {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let headers = builder
        .schema()
        .fields()
        .iter()
        .map(|field| field.name().clone())
        .collect();
    let mut figures = Figures::new();
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        let dates = batch
            .column(0)
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        let text = |index: usize| {
            batch
                .column(index)
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone()
        };
        let (stores, products, colors, sizes) = (text(1), text(2), text(3), text(4));
        let figure = |index: usize| {
            batch
                .column(index)
                .as_any()
                .downcast_ref::<Float64Array>()
                .unwrap()
                .clone()
        };
        let (revenue, units) = (figure(5), figure(6));
        for row in 0..batch.num_rows() {
            let date = dates.value_as_date(row).unwrap().to_string();
            insert(
                &mut figures,
                key(&[
                    &date,
                    stores.value(row),
                    products.value(row),
                    colors.value(row),
                    sizes.value(row),
                ]),
                revenue.value(row),
                units.value(row),
            );
        }
        assert_eq!(revenue.null_count(), 0);
    }
    (headers, figures)
}

fn assert_same(format: &str, got: &Figures, expected: &Figures) {
    assert_eq!(got.len(), expected.len(), "{format}: row count");
    for (key, (revenue, units)) in expected {
        let (got_revenue, got_units) = got
            .get(key)
            .unwrap_or_else(|| panic!("{format}: row {key:?} is missing"));
        assert!(
            (got_revenue - revenue).abs() < 0.005 && got_units == units,
            "{format}: row {key:?}: {got_revenue}, {got_units} instead of {revenue}, {units}"
        );
    }
}

#[test]
fn a_million_row_export_in_each_format_matches_an_independent_query() {
    let dir = big_store();
    let output = analyst(dir.path(), &["sql", "--csv", INDEPENDENT_SQL]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (_, expected) = from_csv(&output.stdout);
    assert!(expected.len() > 1_000_000, "{} rows", expected.len());

    let query = big_query().to_string();
    for format in ["csv", "xlsx", "parquet"] {
        let file = dir.path().join(format!("big.{format}"));
        let output = analyst(
            dir.path(),
            &["export", "--json", &query, "-o", file.to_str().unwrap()],
        );
        assert!(output.status.success(), "{format}: {}", stderr(&output));
        assert!(
            stdout(&output).starts_with(&format!("Wrote {} rows (7 columns", expected.len())),
            "{}",
            stdout(&output)
        );
        let (headers, got) = match format {
            "csv" => from_csv(&std::fs::read(&file).unwrap()),
            "xlsx" => from_xlsx(&file),
            _ => from_parquet(&file),
        };
        let expected_headers: &[&str] = if format == "parquet" {
            &[
                "date", "store", "product", "color", "size", "revenue", "units",
            ]
        } else {
            &[
                "Date", "Store", "Product", "Color", "Size", "Revenue", "Units",
            ]
        };
        assert_eq!(headers, expected_headers, "{format}");
        assert_same(format, &got, &expected);
    }
    // More than an XLSX sheet holds: the rest continues on a second sheet.
    let xlsx: calamine::Xlsx<_> = calamine::open_workbook(dir.path().join("big.xlsx")).unwrap();
    use calamine::Reader;
    assert_eq!(xlsx.sheet_names(), ["Export", "Export 2"]);
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|entry| !entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".part")),
        "no temporary file left"
    );
}

/// Polls an export's status until `done` holds.
fn wait_for(url: &str, token: &str, id: i64, done: impl Fn(&Json) -> bool) -> Json {
    let started = Instant::now();
    loop {
        let status: Json = get(url, token, &format!("ai_analyst/export/status/{id}"))
            .json()
            .unwrap();
        if done(&status) {
            return status;
        }
        assert!(started.elapsed() < Duration::from_secs(300), "{status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn export_files(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir.join("exports")) {
        Ok(entries) => entries
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn an_export_is_cancelled_mid_way_and_one_killed_with_its_server_finishes_after_a_restart() {
    let dir = big_store();
    let output = analyst(
        dir.path(),
        &[
            "sql",
            "--csv",
            &format!("SELECT count(*) FROM ({INDEPENDENT_SQL}) t"),
        ],
    );
    let expected_rows: u64 = stdout(&output).lines().nth(1).unwrap().parse().unwrap();
    let password = "a long secret phrase";
    let output = analyst_with_input(
        dir.path(),
        &[
            "user",
            "add",
            "ben",
            "--group",
            "executive",
            "--password-stdin",
        ],
        &format!("{password}\n"),
    );
    assert!(output.status.success(), "{}", stderr(&output));

    let mut server = serve(dir.path(), &["--workers", "1", "--job-report-ms", "50"]);
    let url = server.url.clone();
    let ben = token(&url, "ben", password);
    let start = |format: &str| {
        let started = post(
            &url,
            &ben,
            "ai_analyst/export/start",
            json!({"query": big_query(), "format": format}),
        );
        started["job_id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{started}"))
    };
    let writing = |status: &Json| status["rows_written"].as_u64().unwrap_or(0) > 0;

    // Cancelled while writing: it stops, and leaves no file behind.
    let cancelled = start("xlsx");
    let status = wait_for(&url, &ben, cancelled, |status| {
        writing(status) || status["state"] == "succeeded"
    });
    assert_eq!(status["state"], "running", "still writing: {status}");
    post(
        &url,
        &ben,
        &format!("api/v1/jobs/{cancelled}/cancel"),
        json!({}),
    );
    let status = wait_for(&url, &ben, cancelled, |status| status["state"] != "running");
    assert_eq!(status["state"], "cancelled", "{status}");
    assert!(
        status["rows_written"].as_u64().unwrap() < expected_rows,
        "{status}"
    );
    assert_eq!(
        get(
            &url,
            &ben,
            &format!("ai_analyst/export/download/{cancelled}")
        )
        .status(),
        409
    );
    assert_eq!(export_files(dir.path()), Vec::<String>::new());

    // Killed while writing: after a restart the job runs again and completes.
    let killed = start("csv");
    let status = wait_for(&url, &ben, killed, |status| {
        writing(status) || status["state"] == "succeeded"
    });
    assert_eq!(status["state"], "running", "still writing: {status}");
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    assert_eq!(
        export_files(dir.path()),
        [format!("export-{killed}.csv.part")]
    );

    let mut server = serve(dir.path(), &["--workers", "1", "--job-report-ms", "50"]);
    let url = server.url.clone();
    let ben = token(&url, "ben", password);
    let status = wait_for(&url, &ben, killed, |status| {
        !["queued", "running"].contains(&status["state"].as_str().unwrap())
    });
    assert_eq!(status["state"], "succeeded", "{status}");
    assert_eq!(status["rows_written"], expected_rows);
    let job: Json = get(&url, &ben, &format!("api/v1/jobs/{killed}"))
        .json()
        .unwrap();
    assert_eq!(job["attempts"], 2, "{job}");
    let response = get(&url, &ben, &format!("ai_analyst/export/download/{killed}"));
    assert_eq!(response.status(), 200);
    let (_, figures) = from_csv(&response.bytes().unwrap());
    // Every row once (from_csv fails on a row seen twice), and all of them.
    assert_eq!(figures.len() as u64, expected_rows);
    assert_eq!(export_files(dir.path()), [format!("export-{killed}.csv")]);

    std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(server.child.wait().unwrap().success());
}
