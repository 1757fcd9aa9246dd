//! Imports of sales files into a real store: rows land in silver and gold with the file's
//! figures (computed here from the rows written, not read back from the analyst), a file sent
//! twice or two files that overlap count once, unknown products are listed (or created),
//! errors can block a batch, a dry run writes nothing, and a store with no catalogue at all
//! learns one from its files.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use analyst_demo::{DemoConfig, install};
use analyst_ingest::Channel;
use analyst_store::{AccessMode, Connection, Location, Value};
use analyst_uploads::load::{Stopped, process};
use analyst_uploads::report::{ReportFormat, error_report};
use analyst_uploads::{Batch, BatchState, ImportOptions, UploadSettings, batch};
use chrono::NaiveDate;
use serde_json::json;

mod cancelled;
mod catalogue;
mod natural_keys;
mod retention;
mod stopping;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn demo_store(dir: &Path) -> Box<dyn Connection + Send> {
    let config = DemoConfig {
        start_date: day("2026-06-01"),
        ..DemoConfig::new(5_000, 11, day("2026-11-14"))
    };
    install::new_store(&dir.join("store"), &config).unwrap()
}

fn empty_store(dir: &Path) -> Box<dyn Connection + Send> {
    analyst_store::open(&Location::DataDir(dir.join("store")), AccessMode::ReadWrite).unwrap()
}

fn settings(dir: &Path) -> UploadSettings {
    UploadSettings::new(dir)
}

/// The column mapping of the test files (canonical field → header).
fn mapping() -> ImportOptions {
    ImportOptions {
        mapping: Some(
            serde_json::from_value(json!({
                "date": "Sale Date",
                "store_code": "Branch",
                "sku": "Item Code",
                "quantity": "Units",
                "net_amount": "Net Sales",
            }))
            .unwrap(),
        ),
        channel: Some(Channel::Wholesale),
        ..ImportOptions::default()
    }
}

/// One sales row of a test file.
#[derive(Clone)]
struct Row {
    date: &'static str,
    branch: &'static str,
    sku: String,
    units: i64,
    /// Satang.
    net: i64,
}

fn write_file(dir: &Path, name: &str, rows: &[Row]) -> PathBuf {
    let mut text = String::from("Sale Date,Branch,Item Code,Units,Net Sales\n");
    for row in rows {
        text.push_str(&format!(
            "{},{},{},{},{}.{:02}\n",
            row.date,
            row.branch,
            row.sku,
            row.units,
            row.net / 100,
            (row.net % 100).abs()
        ));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn import(
    connection: &dyn Connection,
    settings: &UploadSettings,
    path: &Path,
    options: &ImportOptions,
) -> Batch {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let registered = batch::register(connection, settings, None, &name, path, options).unwrap();
    if registered.state == BatchState::Duplicate {
        return registered;
    }
    match process(connection, settings, registered.id, &mut |_, _| {
        Ok::<(), ()>(())
    }) {
        Ok(batch) => batch,
        Err(Stopped::Store(error)) => panic!("store failed: {error}"),
        Err(Stopped::ByCaller(())) => panic!("stopped"),
    }
}

fn int(connection: &dyn Connection, sql: &str, params: &[Value]) -> i64 {
    connection
        .query(sql, params)
        .unwrap()
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// Units and revenue (satang) of the uploaded lines in silver, and the same in gold.
fn totals(connection: &dyn Connection) -> ((i64, i64), (i64, i64)) {
    let silver = connection
        .query(
            "SELECT coalesce(sum(qty), 0), CAST(coalesce(sum(net_amount), 0) * 100 AS BIGINT)
             FROM silver.sales_line WHERE source LIKE 'upload:%'",
            &[],
        )
        .unwrap();
    let gold = connection
        .query(
            "SELECT coalesce(sum(g.units), 0), CAST(coalesce(sum(g.revenue), 0) * 100 AS BIGINT)
             FROM gold.daily_sales g JOIN silver.store s ON s.id = g.store_id
             WHERE s.kind = 'partner'",
            &[],
        )
        .unwrap();
    let pair = |rows: &analyst_store::Rows| {
        (
            rows.rows[0][0].as_i64().unwrap(),
            rows.rows[0][1].as_i64().unwrap(),
        )
    };
    (pair(&silver), pair(&gold))
}

fn expected(rows: &[Row]) -> (i64, i64) {
    (
        rows.iter().map(|row| row.units).sum(),
        rows.iter().map(|row| row.net).sum(),
    )
}

fn active_skus(connection: &dyn Connection, count: i64) -> Vec<String> {
    connection
        .query(
            "SELECT sku FROM silver.product WHERE active ORDER BY id LIMIT $1",
            &[count.into()],
        )
        .unwrap()
        .rows
        .iter()
        .map(|row| row[0].as_str().unwrap().to_string())
        .collect()
}

fn sample_rows(skus: &[String]) -> Vec<Row> {
    let dates = ["2026-11-02", "2026-11-03", "2026-11-09"];
    let branches = ["CTW-01", "CTW-02", "LDP-07"];
    let mut rows = Vec::new();
    for (index, sku) in skus.iter().enumerate() {
        for (step, date) in dates.iter().enumerate() {
            let units = (index + step) as i64 % 4 + 1;
            rows.push(Row {
                date,
                branch: branches[(index + step) % 3],
                sku: sku.clone(),
                units,
                net: units * (129_000 + index as i64 * 1_075),
            });
        }
    }
    // A return: negative units and amount.
    rows.push(Row {
        date: "2026-11-09",
        branch: "CTW-01",
        sku: skus[0].clone(),
        units: -1,
        net: -129_000,
    });
    rows
}

#[test]
fn a_mapped_sell_out_file_lands_in_silver_and_gold_with_its_own_totals() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let rows = sample_rows(&active_skus(connection, 12));
    let path = write_file(dir.path(), "central-week45.csv", &rows);

    let batch = import(connection, &settings, &path, &mapping());

    assert_eq!(batch.state, BatchState::Loaded, "{:?}", batch.message);
    assert_eq!(batch.rows_read, rows.len() as i64);
    assert_eq!(batch.rows_loaded, rows.len() as i64);
    assert_eq!(batch.rows_failed, 0);
    assert_eq!(batch.summary["stores_created"], 3);
    assert_eq!(batch.summary["products_created"], 0);
    assert_eq!(batch.summary["date_from"], "2026-11-02");
    assert_eq!(batch.summary["date_to"], "2026-11-09");
    let (silver, gold) = totals(connection);
    assert_eq!(silver, expected(&rows));
    assert_eq!(gold, expected(&rows));
    // Lines carry the channel, the source and the products' costs.
    assert_eq!(
        int(
            connection,
            "SELECT count(*) FROM silver.sales_line l JOIN silver.product p ON p.id = l.product_id
             WHERE l.source = 'upload:mapped' AND l.channel = 'wholesale'
               AND l.cost_amount = l.qty * p.standard_cost",
            &[]
        ),
        rows.len() as i64
    );
    // The raw copy keeps every row as read.
    assert_eq!(
        int(
            connection,
            "SELECT count(*) FROM raw.upload_line WHERE batch_id = $1",
            &[batch.id.into()]
        ),
        rows.len() as i64
    );
}

#[test]
fn the_same_file_twice_and_an_overlapping_file_count_each_sale_once() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let rows = sample_rows(&active_skus(connection, 10));
    let first = write_file(dir.path(), "week45.csv", &rows);
    assert_eq!(
        import(connection, &settings, &first, &mapping()).state,
        BatchState::Loaded
    );

    let again = import(connection, &settings, &first, &mapping());
    assert_eq!(again.state, BatchState::Duplicate);
    assert!(again.duplicate_of.is_some());
    assert_eq!(totals(connection).0, expected(&rows));

    // The next file repeats the last date's rows (restated: one quantity changed) and adds a
    // new date.
    let mut overlap: Vec<Row> = rows
        .iter()
        .filter(|row| row.date == "2026-11-09")
        .cloned()
        .collect();
    overlap[1].units += 2;
    overlap[1].net += 2 * 129_000;
    let fresh: Vec<Row> = rows
        .iter()
        .filter(|row| row.date == "2026-11-02")
        .map(|row| Row {
            date: "2026-11-12",
            ..row.clone()
        })
        .collect();
    overlap.extend(fresh.iter().cloned());
    let second = write_file(dir.path(), "week45-restated.csv", &overlap);
    let second_batch = import(connection, &settings, &second, &mapping());
    assert_eq!(
        second_batch.state,
        BatchState::Loaded,
        "{:?}",
        second_batch.message
    );
    let replaced: Vec<Row> = rows
        .iter()
        .filter(|row| row.date == "2026-11-09")
        .cloned()
        .collect();
    assert_eq!(second_batch.summary["rows_replaced"], replaced.len() as i64);
    let mut union: Vec<Row> = rows
        .iter()
        .filter(|row| row.date != "2026-11-09")
        .cloned()
        .collect();
    union.extend(overlap);
    let (silver, gold) = totals(connection);
    assert_eq!(silver, expected(&union));
    assert_eq!(gold, expected(&union));
}

#[test]
fn unknown_products_are_listed_in_the_error_report_when_they_may_not_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = UploadSettings {
        create_unknown: Some(false),
        ..settings(dir.path())
    };
    let mut rows = sample_rows(&active_skus(connection, 4));
    // The partner stores must exist when nothing may be created.
    connection
        .execute_batch(
            "INSERT INTO silver.store (id, code, name, company_id, kind, source)
             SELECT 9001 + i, code, code, 1, 'partner', 'test'
             FROM (VALUES (0, 'CTW-01'), (1, 'CTW-02'), (2, 'LDP-07')) AS t(i, code)",
        )
        .unwrap();
    let unknown = Row {
        date: "2026-11-03",
        branch: "CTW-02",
        sku: "NOPE-0001".into(),
        units: 2,
        net: 50_000,
    };
    rows.insert(3, unknown.clone());
    let path = write_file(dir.path(), "with-unknown.csv", &rows);

    let batch = import(connection, &settings, &path, &mapping());

    assert_eq!(batch.state, BatchState::Loaded);
    assert_eq!(batch.rows_failed, 1);
    assert_eq!(batch.rows_loaded, rows.len() as i64 - 1);
    let valid: Vec<Row> = rows
        .iter()
        .filter(|row| row.sku != unknown.sku)
        .cloned()
        .collect();
    assert_eq!(totals(connection).0, expected(&valid));
    assert_eq!(
        int(
            connection,
            "SELECT count(*) FROM silver.product WHERE sku = 'NOPE-0001'",
            &[]
        ),
        0
    );

    let report = error_report(connection, batch.id, ReportFormat::Csv).unwrap();
    let mut reader = csv::Reader::from_reader(&report[3..]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    // Line 5: the header is line 1 and the unknown row is the fourth data row.
    assert_eq!(&records[0][0], "5");
    assert_eq!(&records[0][1], "sku");
    assert_eq!(&records[0][2], "NOPE-0001");
    assert!(
        records[0][3].contains("unknown product"),
        "{}",
        &records[0][3]
    );

    let xlsx = error_report(connection, batch.id, ReportFormat::Xlsx).unwrap();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let range = calamine::Reader::worksheet_range(&mut workbook, "Errors").unwrap();
    assert_eq!(range.height(), 2);
    assert_eq!(range.get((1, 2)).unwrap().to_string(), "NOPE-0001");
}

#[test]
fn errors_that_block_a_batch_and_a_dry_run_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let before = int(connection, "SELECT count(*) FROM silver.sales_line", &[]);
    let products_before = int(connection, "SELECT count(*) FROM silver.product", &[]);
    let mut rows = sample_rows(&active_skus(connection, 5));
    rows.push(Row {
        date: "2026-11-04",
        branch: "CTW-01",
        sku: "BRAND-NEW-1".into(),
        units: 1,
        net: 99_000,
    });
    let path = write_file(dir.path(), "blocked.csv", &rows);
    // A row that cannot be read: the quantity is not a number.
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("2026-11-04,CTW-01,X-1,two,100.00\n");
    std::fs::write(&path, text).unwrap();

    let blocking = UploadSettings {
        errors_block: true,
        ..settings(dir.path())
    };
    let rejected = import(connection, &blocking, &path, &mapping());
    assert_eq!(
        rejected.state,
        BatchState::Rejected,
        "{:?}",
        rejected.message
    );
    assert_eq!(rejected.rows_loaded, 0);
    assert_eq!(rejected.rows_failed, 1);
    assert!(
        rejected
            .message
            .as_deref()
            .unwrap()
            .contains("nothing was loaded")
    );
    assert_eq!(
        int(connection, "SELECT count(*) FROM silver.sales_line", &[]),
        before
    );
    assert_eq!(
        int(connection, "SELECT count(*) FROM silver.product", &[]),
        products_before
    );
    assert_eq!(
        int(
            connection,
            "SELECT count(*) FROM silver.store WHERE kind = 'partner'",
            &[]
        ),
        0
    );
    assert_eq!(
        int(connection, "SELECT count(*) FROM raw.upload_line", &[]),
        0
    );
    // The report of a rejected batch is there to fix the file.
    assert_eq!(
        int(
            connection,
            "SELECT count(*) FROM ops.upload_error WHERE batch_id = $1 AND column_name = $2",
            &[rejected.id.into(), "Units".into()]
        ),
        1
    );

    let dry = import(
        connection,
        &settings(dir.path()),
        &path,
        &ImportOptions {
            dry_run: true,
            ..mapping()
        },
    );
    assert_eq!(dry.state, BatchState::Checked, "{:?}", dry.message);
    assert_eq!(dry.rows_loaded, rows.len() as i64);
    assert_eq!(dry.summary["products_created"], 1);
    assert_eq!(
        int(connection, "SELECT count(*) FROM silver.sales_line", &[]),
        before
    );
    assert_eq!(
        int(connection, "SELECT count(*) FROM silver.product", &[]),
        products_before
    );
}

#[test]
fn a_store_with_no_catalogue_learns_products_stores_and_customers_from_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let connection = empty_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let text = "Order No,Order Date,Shop,Product,Brand,Category,Customer,Qty,Amount\n\
                SO-1,2026-10-01,Siam Paragon,Stride Runner 2,Stride,Footwear,Khun Nok,2,5980.00\n\
                SO-1,2026-10-01,Siam Paragon,Trail Cap,Peak,Accessories,Khun Nok,1,590.00\n\
                SO-2,2026-10-02,Central World,Stride Runner 2,Stride,Footwear,Acme Co,3,8970.00\n\
                SO-3,2026-10-03,Central World,Stride Runner 2,Stride,Footwear,Acme Co,-1,-2990.00\n";
    let path = dir.path().join("my-sales.csv");
    std::fs::write(&path, text).unwrap();
    let options = ImportOptions {
        mapping: Some(
            serde_json::from_value(json!({
                "order_ref": "Order No", "date": "Order Date", "store_name": "Shop",
                "product_name": "Product", "brand": "Brand", "category": "Category",
                "customer": "Customer", "quantity": "Qty", "net_amount": "Amount",
            }))
            .unwrap(),
        ),
        channel: Some(Channel::Online),
        ..ImportOptions::default()
    };

    let batch = import(connection, &settings, &path, &options);

    assert_eq!(batch.state, BatchState::Loaded, "{:?}", batch.message);
    assert_eq!(batch.summary["products_created"], 2);
    assert_eq!(batch.summary["stores_created"], 2);
    assert_eq!(batch.summary["customers_created"], 2);
    assert_eq!(
        int(connection, "SELECT count(*) FROM silver.company", &[]),
        1
    );
    let by_brand: BTreeMap<String, (i64, i64)> = connection
        .query(
            "SELECT p.brand, sum(l.qty), CAST(sum(l.net_amount) AS BIGINT)
             FROM silver.sales_line l JOIN silver.product p ON p.id = l.product_id
             WHERE l.channel = 'online' GROUP BY p.brand",
            &[],
        )
        .unwrap()
        .rows
        .iter()
        .map(|row| {
            (
                row[0].as_str().unwrap().to_string(),
                (row[1].as_i64().unwrap(), row[2].as_i64().unwrap()),
            )
        })
        .collect();
    assert_eq!(by_brand["Stride"], (4, 5980 + 8970 - 2990));
    assert_eq!(by_brand["Peak"], (1, 590));
    // Orders are the file's order numbers.
    assert_eq!(
        int(
            connection,
            "SELECT count(DISTINCT order_ref) FROM silver.sales_line",
            &[]
        ),
        3
    );
}

#[test]
fn products_match_by_barcode_and_an_ambiguous_name_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let (barcode, product_id) = {
        let rows = connection
            .query(
                "SELECT barcode, id FROM silver.product WHERE active ORDER BY id LIMIT 1",
                &[],
            )
            .unwrap();
        (
            rows.rows[0][0].as_str().unwrap().to_string(),
            rows.rows[0][1].as_i64().unwrap(),
        )
    };
    // A template name is shared by its variants (sizes, colours).
    let shared_name = connection
        .query(
            "SELECT name FROM silver.product GROUP BY name HAVING count(*) > 1 LIMIT 1",
            &[],
        )
        .unwrap()
        .scalar()
        .and_then(Value::as_str)
        .unwrap()
        .to_string();
    let text = format!(
        "Date,Store,EAN,Description,Qty,Net\n\
         2026-11-05,CTW-01,{barcode},,3,3870.00\n\
         2026-11-05,CTW-01,,{shared_name},1,1290.00\n"
    );
    let path = dir.path().join("by-barcode.csv");
    std::fs::write(&path, text).unwrap();
    let options = ImportOptions {
        mapping: Some(
            serde_json::from_value(json!({
                "date": "Date", "store_code": "Store", "barcode": "EAN",
                "product_name": "Description", "quantity": "Qty", "net_amount": "Net",
            }))
            .unwrap(),
        ),
        ..ImportOptions::default()
    };

    let batch = import(connection, &settings, &path, &options);

    assert_eq!(batch.state, BatchState::Loaded, "{:?}", batch.message);
    assert_eq!(batch.rows_loaded, 1);
    assert_eq!(batch.rows_failed, 1);
    assert_eq!(batch.summary["products_created"], 0);
    assert_eq!(
        int(
            connection,
            "SELECT product_id FROM silver.sales_line WHERE source LIKE 'upload:%'",
            &[]
        ),
        product_id
    );
    let reason = connection
        .query(
            "SELECT reason FROM ops.upload_error WHERE batch_id = $1",
            &[batch.id.into()],
        )
        .unwrap()
        .scalar()
        .and_then(Value::as_str)
        .unwrap()
        .to_string();
    assert!(reason.contains("give the SKU or barcode"), "{reason}");
}

#[test]
fn an_unreadable_file_fails_with_a_clear_message_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let before = int(connection, "SELECT count(*) FROM silver.sales_line", &[]);
    for (name, bytes) in [
        ("empty.csv", Vec::new()),
        (
            "header-only.csv",
            b"Sale Date,Branch,Item Code,Units,Net Sales\n".to_vec(),
        ),
        (
            "garbage.xlsx",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let batch = import(connection, &settings, &path, &mapping());
        assert_eq!(batch.state, BatchState::Failed, "{name}");
        let message = batch.message.unwrap();
        assert!(
            !message.is_empty() && !message.contains("panick"),
            "{name}: {message}"
        );
    }
    assert_eq!(
        int(connection, "SELECT count(*) FROM silver.sales_line", &[]),
        before
    );
    assert_eq!(
        int(connection, "SELECT count(*) FROM raw.upload_line", &[]),
        0
    );
}

#[test]
fn a_file_larger_than_the_limit_is_refused_and_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let settings = UploadSettings {
        max_file_bytes: 1_000,
        ..settings(dir.path())
    };
    let path = dir.path().join("big.csv");
    std::fs::write(&path, "x".repeat(5_000)).unwrap();
    let refused = batch::register(
        connection.as_ref(),
        &settings,
        None,
        "big.csv",
        &path,
        &ImportOptions::default(),
    );
    assert!(matches!(
        refused,
        Err(analyst_uploads::UploadError::TooLarge { limit: 1_000 })
    ));
    let kept = std::fs::read_dir(&settings.dir)
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert_eq!(kept, 0);
}
