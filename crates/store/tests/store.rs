//! The embedded store: opening, migrations, errors a person can act on, bulk loads that land
//! whole or not at all, incremental gold aggregates, and the read-only console's second lock.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use analyst_core::rows::{Channel, SalesLine};
use analyst_store::gold::refresh_daily_sales;
use analyst_store::{
    AccessMode, Connection, Location, STORE_FILE, StoreError, Value, open, transaction,
};
use chrono::NaiveDate;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
}

fn line(id: i64, date: NaiveDate, qty: i32, net_satang: i64) -> SalesLine {
    SalesLine {
        id,
        date,
        company_id: 1,
        store_id: 1,
        channel: Channel::Store,
        customer_id: None,
        product_id: 10,
        order_ref: format!("POS/{id}"),
        qty,
        net_amount: net_satang,
        cost_amount: net_satang / 2,
        discount_amount: 0,
        source: "test".into(),
        source_ref: format!("line-{id}"),
    }
}

fn fresh() -> (tempfile::TempDir, Box<dyn Connection>) {
    let dir = tempfile::tempdir().unwrap();
    let connection = open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    (dir, connection)
}

fn scalar(connection: &dyn Connection, sql: &str) -> Value {
    connection
        .query(sql, &[])
        .unwrap()
        .scalar()
        .cloned()
        .unwrap()
}

#[test]
fn migrations_are_applied_once_and_recorded() {
    let (dir, connection) = fresh();
    let versions = connection
        .query(
            "SELECT version, name FROM ops.schema_migrations ORDER BY version",
            &[],
        )
        .unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|entry| entry.path().extension().is_some_and(|ext| ext == "sql"))
        })
        .count();
    assert!(files >= 4);
    assert_eq!(
        versions.rows.len(),
        files,
        "every migration file is applied"
    );
    for (index, row) in versions.rows.iter().enumerate() {
        assert_eq!(
            row[0],
            Value::Int(index as i64 + 1),
            "versions are 1, 2, 3, …"
        );
    }
    assert_eq!(versions.rows[0][1], Value::Text("schemas".into()));
    drop(connection);
    let again = open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    assert_eq!(
        scalar(again.as_ref(), "SELECT count(*) FROM ops.schema_migrations"),
        Value::Int(files as i64),
        "opening again applies nothing twice"
    );
    for schema in ["app", "raw", "silver", "gold", "ops"] {
        let found = again
            .query(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1",
                &[schema.into()],
            )
            .unwrap();
        assert_eq!(found.scalar(), Some(&Value::Int(1)), "schema {schema}");
    }
}

#[test]
fn a_corrupt_store_file_is_reported_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(STORE_FILE);
    std::fs::write(&file, b"this is not a database, it is a shopping list").unwrap();
    let error = open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .err()
    .unwrap();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("not a usable store"), "{error}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"this is not a database, it is a shopping list"
    );
}

#[test]
fn a_data_dir_that_cannot_be_created_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"x").unwrap();
    let error = open(
        &Location::DataDir(blocker.join("data")),
        AccessMode::ReadWrite,
    )
    .err()
    .unwrap();
    assert!(matches!(error, StoreError::DataDir { .. }), "{error}");
    let error = open(
        &Location::DataDir(dir.path().join("missing")),
        AccessMode::ReadOnly,
    )
    .err()
    .unwrap();
    assert!(matches!(error, StoreError::Missing { .. }), "{error}");
}

#[test]
fn a_failed_load_leaves_nothing_behind() {
    let (_dir, connection) = fresh();
    let outcome: Result<(), StoreError> = transaction(connection.as_ref(), || {
        let mut loader = connection.bulk_loader()?;
        loader.sales_lines(&[line(1, day(1), 2, 10_000), line(2, day(2), 1, 5_000)])?;
        loader.finish()?;
        Err(StoreError::Query("simulated failure half way".into()))
    });
    assert!(outcome.is_err());
    assert_eq!(
        scalar(
            connection.as_ref(),
            "SELECT count(*) FROM silver.sales_line"
        ),
        Value::Int(0)
    );
}

#[test]
fn money_is_stored_exactly() {
    let (_dir, connection) = fresh();
    let mut loader = connection.bulk_loader().unwrap();
    loader
        .sales_lines(&[line(1, day(1), 3, 199_999), line(2, day(1), -1, -6_667)])
        .unwrap();
    loader.finish().unwrap();
    assert_eq!(
        scalar(
            connection.as_ref(),
            "SELECT CAST(sum(net_amount) AS VARCHAR) FROM silver.sales_line"
        ),
        Value::Text("1933.32".into())
    );
}

#[test]
fn gold_is_rebuilt_only_for_the_dates_new_data_touches() {
    let (_dir, connection) = fresh();
    let load = |lines: &[SalesLine]| {
        transaction(connection.as_ref(), || {
            let mut loader = connection.bulk_loader()?;
            loader.sales_lines(lines)?;
            let touched = loader.finish()?;
            refresh_daily_sales(connection.as_ref(), &touched)
        })
        .unwrap()
    };
    load(&[
        line(1, day(1), 2, 10_000),
        line(2, day(1), -1, -5_000),
        line(3, day(3), 1, 7_000),
    ]);
    let gold_day_1 = || {
        connection
            .query("SELECT units, CAST(revenue AS DOUBLE), returns_units, CAST(returns_revenue AS DOUBLE), orders, lines FROM gold.daily_sales WHERE date = $1", &[day(1).into()])
            .unwrap()
            .rows
    };
    assert_eq!(
        gold_day_1(),
        vec![vec![
            Value::Int(1),
            Value::Float(50.0),
            Value::Int(1),
            Value::Float(50.0),
            Value::Int(1),
            Value::Int(2)
        ]]
    );

    // Change day 1 behind gold's back, then load day 5 only: day 1 must not be rebuilt.
    connection
        .execute("UPDATE silver.sales_line SET qty = 9 WHERE id = 1", &[])
        .unwrap();
    load(&[line(4, day(5), 4, 20_000)]);
    assert_eq!(
        gold_day_1()[0][0],
        Value::Int(1),
        "an untouched date keeps its aggregate"
    );
    assert_eq!(
        scalar(
            connection.as_ref(),
            "SELECT count(*) FROM gold.daily_sales WHERE date = DATE '2026-01-05'"
        ),
        Value::Int(1)
    );

    // A load touching day 1 rebuilds it from silver.
    load(&[line(5, day(1), 1, 1_000)]);
    assert_eq!(gold_day_1()[0][0], Value::Int(9));
    let refreshes = scalar(connection.as_ref(), "SELECT count(*) FROM ops.gold_refresh");
    assert_eq!(
        refreshes,
        Value::Int(4),
        "days 1, 3, 5 and 1 again: one refresh per contiguous range"
    );
}

#[test]
fn the_read_only_store_refuses_writes_and_file_access() {
    let (dir, connection) = fresh();
    drop(connection);
    let read_only = open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadOnly,
    )
    .unwrap();
    assert!(
        read_only
            .execute("DELETE FROM silver.product", &[])
            .is_err()
    );
    assert!(
        read_only
            .execute("CREATE TABLE app.x (id INTEGER)", &[])
            .is_err()
    );
    let outside = dir.path().join("leak.csv");
    let copy = format!("COPY (SELECT 1) TO '{}'", outside.display());
    assert!(read_only.execute(&copy, &[]).is_err());
    assert!(!outside.exists());
    assert!(
        read_only
            .query("SELECT * FROM read_csv('/etc/hostname')", &[])
            .is_err()
    );
    assert_eq!(
        scalar(read_only.as_ref(), "SELECT count(*) FROM silver.channel"),
        Value::Int(4)
    );
}
