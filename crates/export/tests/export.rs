//! Exports on a small store: quoting and Thai text survive CSV, cells are typed in XLSX,
//! tools export every row beyond the inline cap, record rules hold, and a stop asked by the
//! caller ends the export.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use analyst_core::{DataScope, SemanticQuery};
use analyst_demo::{DemoConfig, install};
use analyst_export::{ExportError, ExportOptions, Format, Progress, export};
use analyst_store::{Connection, Value};
use analyst_tools::ToolContext;
use chrono::NaiveDate;
use serde_json::json;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn store(dir: &Path) -> Box<dyn Connection + Send> {
    let config = DemoConfig {
        start_date: day("2025-01-01"),
        ..DemoConfig::new(20_000, 7, day("2026-11-14"))
    };
    install::new_store(dir, &config).unwrap()
}

fn query(value: serde_json::Value) -> SemanticQuery {
    serde_json::from_value(value).unwrap()
}

fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    options: ExportOptions,
    path: &Path,
) -> analyst_export::Summary {
    export(
        connection,
        query,
        day("2026-11-15"),
        options,
        path,
        &mut |_: &Progress| Ok::<(), ExportError>(()),
    )
    .unwrap()
}

fn scalar(connection: &dyn Connection, sql: &str) -> Value {
    connection
        .query(sql, &[])
        .unwrap()
        .scalar()
        .unwrap()
        .clone()
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks_and_keeps_thai_text() {
    let dir = tempfile::tempdir().unwrap();
    let connection = store(dir.path());
    let name = "รองเท้า \"Stride\", รุ่น\nใหม่";
    let product = scalar(
        connection.as_ref(),
        "SELECT product_id FROM silver.sales_line GROUP BY product_id ORDER BY count(*) DESC LIMIT 1",
    );
    connection
        .execute(
            "UPDATE silver.product SET name = $1 WHERE id = $2",
            &[name.into(), product.clone()],
        )
        .unwrap();
    let expected = scalar(
        connection.as_ref(),
        &format!(
            "SELECT sum(net_amount) FROM silver.sales_line WHERE product_id = {}",
            product.as_i64().unwrap()
        ),
    )
    .as_f64()
    .unwrap();

    let path = dir.path().join("products.csv");
    let options = ExportOptions {
        format: Format::Csv,
        bom: true,
    };
    let summary = run(
        connection.as_ref(),
        &query(
            json!({"tool": "sales_by_dimension", "measures": ["revenue"], "dimensions": ["product"]}),
        ),
        options,
        &path,
    );
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains("\"รองเท้า \"\"Stride\"\", รุ่น\nใหม่\","),
        "RFC 4180 quoting: {text:.300}"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["Product", "Revenue"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len() as u64, summary.rows);
    let row = records.iter().find(|record| &record[0] == name).unwrap();
    assert!((row[1].parse::<f64>().unwrap() - expected).abs() < 0.005);
    // In the query's order: the first measure, largest first.
    let revenues: Vec<f64> = records.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(revenues.windows(2).all(|pair| pair[0] >= pair[1]));
}

#[test]
fn xlsx_cells_are_typed_with_a_header_row() {
    use calamine::{Data, DataType, Reader};
    let dir = tempfile::tempdir().unwrap();
    let connection = store(dir.path());
    let path = dir.path().join("days.xlsx");
    let summary = run(
        connection.as_ref(),
        &query(
            json!({"tool": "sales_by_dimension", "measures": ["revenue", "units", "margin_pct"],
                      "dimensions": ["date", "store"],
                      "period": {"start": "2026-10-01", "end": "2026-10-31"}}),
        ),
        ExportOptions {
            format: Format::Xlsx,
            bom: false,
        },
        &path,
    );
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let range = workbook.worksheet_range("Export").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len() as u64, summary.rows + 1);
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(header, ["Date", "Store", "Revenue", "Units", "Margin %"]);
    for row in &rows[1..] {
        let date = row[0].as_date().expect("a date cell");
        assert!(date >= day("2026-10-01") && date <= day("2026-10-31"));
        assert!(matches!(row[1], Data::String(_)));
        assert!(row[2].get_float().is_some() && row[3].get_float().is_some());
    }
    let total: f64 = rows[1..]
        .iter()
        .map(|row| row[2].get_float().unwrap())
        .sum();
    let expected = scalar(
        connection.as_ref(),
        "SELECT sum(net_amount) FROM silver.sales_line
         WHERE date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'",
    )
    .as_f64()
    .unwrap();
    assert!((total - expected).abs() < 0.01, "{total} vs {expected}");
}

#[test]
fn a_tool_exports_every_row_beyond_the_inline_cap_under_the_users_scope() {
    let dir = tempfile::tempdir().unwrap();
    let connection = store(dir.path());
    let tool = query(json!({"tool": "stock_coverage"}));
    let answer = analyst_tools::run(
        connection.as_ref(),
        &tool,
        &ToolContext::on(day("2026-11-15")),
    )
    .unwrap();
    assert!(answer.total_count > 500, "{}", answer.total_count);
    assert_eq!(answer.rows.len(), 500);

    let path = dir.path().join("cover.parquet");
    let summary = run(
        connection.as_ref(),
        &tool,
        ExportOptions {
            format: Format::Parquet,
            bom: false,
        },
        &path,
    );
    assert_eq!(summary.rows, answer.total_count);
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(
        reader.metadata().file_metadata().num_rows() as u64,
        summary.rows
    );

    // A user kept to one store gets that store's rows only.
    let store_id = scalar(
        connection.as_ref(),
        "SELECT id FROM silver.store WHERE name = 'Phuket Central'",
    );
    let scope = DataScope {
        stores: Some([store_id.as_i64().unwrap()].into()),
        description: "Phuket Central".into(),
        ..DataScope::everything()
    };
    let scoped = analyst_semantic::scoped(connection.as_ref(), &scope);
    let sales = query(
        json!({"tool": "sales_by_dimension", "measures": ["revenue"],
                             "dimensions": ["store", "product"]}),
    );
    let path = dir.path().join("phuket.csv");
    run(&scoped, &sales, ExportOptions::default(), &path);
    let stores: std::collections::BTreeSet<String> = csv::Reader::from_path(&path)
        .unwrap()
        .records()
        .map(|record| record.unwrap()[0].to_string())
        .collect();
    assert_eq!(stores.into_iter().collect::<Vec<_>>(), ["Phuket Central"]);
}

#[test]
fn a_stop_from_the_caller_ends_the_export_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let connection = store(dir.path());
    let path = dir.path().join("stopped.csv");
    let mut reports = Vec::new();
    let result = export(
        connection.as_ref(),
        &query(
            json!({"tool": "sales_by_dimension", "measures": ["revenue"],
                      "dimensions": ["date", "product"]}),
        ),
        day("2026-11-15"),
        ExportOptions::default(),
        &path,
        &mut |progress: &Progress| {
            reports.push(*progress);
            if progress.rows > 0 {
                Err(ExportError::Invalid("stop here".into()))
            } else {
                Ok(())
            }
        },
    );
    let error = result.unwrap_err();
    assert_eq!(error.to_string(), "stop here");
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert!(reports[0].total.unwrap() > reports[1].rows, "{reports:?}");

    // Bad requests are refused before anything is written.
    let error = export(
        connection.as_ref(),
        &query(json!({"tool": "sales_by_dimension", "measures": []})),
        day("2026-11-15"),
        ExportOptions::default(),
        &dir.path().join("never.csv"),
        &mut |_: &Progress| Ok::<(), ExportError>(()),
    )
    .unwrap_err();
    assert!(matches!(error, ExportError::Invalid(_)), "{error}");
    assert!(!dir.path().join("never.csv").exists());
}
