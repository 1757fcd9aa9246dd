//! The store on both backends: migrations, bulk loads that land whole or not at all, exact
//! money, incremental gold aggregates, values in and out, streamed results, and the read-only
//! store's refusals; then what only the embedded store (files) or only PostgreSQL (a server)
//! can get wrong, with errors a person can act on.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use analyst_core::rows::{Channel, SalesLine};
use analyst_store::arrow::array::{Array, AsArray};
use analyst_store::arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type, TimeUnit};
use analyst_store::gold::refresh_daily_sales;
use analyst_store::on_both_backends;
use analyst_store::testkit::{Backend, TestStore, scalar};
use analyst_store::{AccessMode, Location, STORE_FILE, StoreError, Value, open, transaction};
use chrono::NaiveDate;

on_both_backends!(
    migrations_are_applied_once_and_recorded,
    a_failed_load_leaves_nothing_behind,
    money_is_stored_exactly,
    gold_is_rebuilt_only_for_the_dates_new_data_touches,
    values_go_in_and_come_out_with_their_types,
    results_stream_in_canonical_batches,
    a_failed_stream_leaves_the_callers_transaction_usable,
    the_read_only_store_refuses_writes,
);

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

fn migrations_are_applied_once_and_recorded(backend: Backend) {
    let (store, connection) = TestStore::fresh(backend);
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
    let again = store.open(AccessMode::ReadWrite);
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

fn a_failed_load_leaves_nothing_behind(backend: Backend) {
    let (_store, connection) = TestStore::fresh(backend);
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

fn money_is_stored_exactly(backend: Backend) {
    let (_store, connection) = TestStore::fresh(backend);
    let mut loader = connection.bulk_loader().unwrap();
    loader
        .sales_lines(&[line(1, day(1), 3, 199_999), line(2, day(1), -1, -6_667)])
        .unwrap();
    loader.finish().unwrap();
    // 1999.99 - 66.67
    assert_eq!(
        scalar(
            connection.as_ref(),
            "SELECT CAST(sum(net_amount) AS VARCHAR) FROM silver.sales_line"
        ),
        Value::Text("1933.32".into())
    );
}

fn gold_is_rebuilt_only_for_the_dates_new_data_touches(backend: Backend) {
    let (_store, connection) = TestStore::fresh(backend);
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
            .query("SELECT units, CAST(revenue AS DOUBLE PRECISION), returns_units, CAST(returns_revenue AS DOUBLE PRECISION), orders, lines FROM gold.daily_sales WHERE date = $1", &[day(1).into()])
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

fn values_go_in_and_come_out_with_their_types(backend: Backend) {
    let (_store, connection) = TestStore::fresh(backend);
    connection
        .execute_batch(
            "CREATE TABLE app.value_test (
                 small INTEGER, big BIGINT, real_number DOUBLE PRECISION, amount DECIMAL(14,2),
                 whole_amount DECIMAL(14,2), label VARCHAR, flag BOOLEAN, day DATE, moment TIMESTAMP,
                 nothing VARCHAR);
             CREATE TABLE app.value_test_copy (n INTEGER);",
        )
        .unwrap();
    let moment = day(2).and_hms_micro_opt(13, 4, 5, 123_456).unwrap();
    let inserted = connection
        .execute(
            "INSERT INTO app.value_test VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                Value::Int(-7),
                Value::Int(9_007_199_254_740_993),
                Value::Float(0.1),
                Value::Float(1999.99),
                Value::Int(42),
                Value::Text("Café \"Siam\", ร้าน".into()),
                Value::Bool(true),
                Value::Date(day(31)),
                Value::Timestamp(moment),
                Value::Null,
            ],
        )
        .unwrap();
    assert_eq!(inserted, 1);
    let rows = connection
        .query(
            "SELECT small, big, real_number, amount, whole_amount, label, flag, day, moment, nothing
             FROM app.value_test WHERE big = $1 AND day BETWEEN $2 AND $3 AND label LIKE $4",
            &[
                Value::Int(9_007_199_254_740_993),
                Value::Date(day(1)),
                Value::Date(day(31)),
                Value::Text("Café%".into()),
            ],
        )
        .unwrap();
    assert_eq!(
        rows.columns,
        [
            "small",
            "big",
            "real_number",
            "amount",
            "whole_amount",
            "label",
            "flag",
            "day",
            "moment",
            "nothing"
        ]
    );
    assert_eq!(
        rows.rows,
        vec![vec![
            Value::Int(-7),
            Value::Int(9_007_199_254_740_993),
            Value::Float(0.1),
            Value::Float(1999.99),
            Value::Float(42.0),
            Value::Text("Café \"Siam\", ร้าน".into()),
            Value::Bool(true),
            Value::Date(day(31)),
            Value::Timestamp(moment),
            Value::Null,
        ]]
    );
    // A parameter used where no column gives its type is read as its own value's type.
    let echoed = connection
        .query(
            "SELECT CAST($1 AS BIGINT) + 1, CAST($2 AS VARCHAR) IS NULL",
            &[Value::Int(41), Value::Null],
        )
        .unwrap();
    assert_eq!(echoed.rows, vec![vec![Value::Int(42), Value::Bool(true)]]);
    // Changed rows are counted.
    let changed = connection
        .execute(
            "INSERT INTO app.value_test_copy SELECT small FROM app.value_test UNION ALL SELECT $1",
            &[Value::Int(3)],
        )
        .unwrap();
    assert_eq!(changed, 2);
}

fn results_stream_in_canonical_batches(backend: Backend) {
    let (_store, connection) = TestStore::fresh(backend);
    let rows: i64 = 10_000;
    let mut batches = 0;
    let mut seen = 0_i64;
    let (mut sum, mut halves, mut days, mut labels) = (0_i64, 0.0_f64, 0_i64, 0_usize);
    connection
        .stream(
            "SELECT CAST(x AS INTEGER) AS n, CAST(x AS DOUBLE PRECISION) / 2 AS half,
                    CAST(x AS DECIMAL(10,2)) AS amount, 'row ' || CAST(x AS VARCHAR) AS label,
                    x % 2 = 0 AS even, DATE '2026-01-01' + CAST(x % 28 AS INTEGER) AS day,
                    CAST($2 AS TIMESTAMP) AS moment
             FROM generate_series(1, $1) AS series(x) ORDER BY x",
            &[
                Value::Int(rows),
                Value::Timestamp(day(1).and_hms_opt(9, 0, 0).unwrap()),
            ],
            &mut |batch| {
                batches += 1;
                let schema = batch.schema();
                let types: Vec<&DataType> = schema.fields().iter().map(|f| f.data_type()).collect();
                assert_eq!(
                    types,
                    [
                        &DataType::Int64,
                        &DataType::Float64,
                        &DataType::Float64,
                        &DataType::Utf8,
                        &DataType::Boolean,
                        &DataType::Date32,
                        &DataType::Timestamp(TimeUnit::Microsecond, None),
                    ]
                );
                let n = batch.column(0).as_primitive::<Int64Type>();
                let half = batch.column(1).as_primitive::<Float64Type>();
                let amount = batch.column(2).as_primitive::<Float64Type>();
                let day_column = batch.column(5).as_primitive::<Date32Type>();
                for index in 0..batch.num_rows() {
                    seen += 1;
                    assert_eq!(n.value(index), seen, "rows arrive in order");
                    assert_eq!(amount.value(index), seen as f64);
                    sum += n.value(index);
                    halves += half.value(index);
                    days += i64::from(day_column.value(index));
                }
                labels += batch.column(3).as_string::<i32>().len();
                assert_eq!(batch.column(6).null_count(), 0);
                Ok(())
            },
        )
        .unwrap();
    assert!(
        batches > 1,
        "{rows} rows come in several batches, not {batches}"
    );
    assert_eq!(seen, rows);
    assert_eq!(labels as i64, rows);
    assert_eq!(sum, rows * (rows + 1) / 2);
    assert_eq!(halves, (rows * (rows + 1) / 2) as f64 / 2.0);
    // 2026-01-01 is day 20454 since 1970; x % 28 adds 0..27.
    let expected_days: i64 = (1..=rows).map(|x| 20_454 + x % 28).sum();
    assert_eq!(days, expected_days);
}

fn a_failed_stream_leaves_the_callers_transaction_usable(backend: Backend) {
    let (_store, connection) = TestStore::fresh(backend);
    connection
        .execute_batch("CREATE TABLE app.stream_test (n INTEGER)")
        .unwrap();
    let outcome = transaction(connection.as_ref(), || {
        connection.execute("INSERT INTO app.stream_test VALUES (1)", &[])?;
        let stopped = connection.stream("SELECT n FROM app.stream_test", &[], &mut |_| {
            Err(StoreError::Query("the reader stopped".into()))
        });
        assert!(stopped.is_err());
        connection.execute("INSERT INTO app.stream_test VALUES (2)", &[])?;
        Ok(())
    });
    outcome.unwrap();
    assert_eq!(
        scalar(connection.as_ref(), "SELECT sum(n) FROM app.stream_test").as_i64(),
        Some(3)
    );
}

fn the_read_only_store_refuses_writes(backend: Backend) {
    let (store, connection) = TestStore::fresh(backend);
    drop(connection);
    let read_only = store.open(AccessMode::ReadOnly);
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
    assert!(
        read_only
            .execute_batch("DELETE FROM silver.channel")
            .is_err()
    );
    let mut streamed = 0;
    let deleting = read_only.stream(
        "WITH gone AS (DELETE FROM silver.channel RETURNING code) SELECT code FROM gone",
        &[],
        &mut |batch| {
            streamed += batch.num_rows();
            Ok(())
        },
    );
    assert!(deleting.is_err() && streamed == 0);
    assert_eq!(
        scalar(read_only.as_ref(), "SELECT count(*) FROM silver.channel"),
        Value::Int(4)
    );
}

#[test]
fn a_read_only_open_needs_an_existing_store() {
    for backend in [Backend::DuckDb, Backend::Postgres] {
        let store = TestStore::new(backend);
        let error = open(&store.location, AccessMode::ReadOnly).err().unwrap();
        assert!(
            matches!(error, StoreError::Missing { .. } | StoreError::NoStore(_)),
            "{backend:?}: {error}"
        );
        assert!(error.to_string().contains("analyst demo"), "{error}");
    }
}

#[test]
fn the_read_only_embedded_store_refuses_file_access() {
    let (store, connection) = TestStore::fresh(Backend::DuckDb);
    drop(connection);
    let read_only = store.open(AccessMode::ReadOnly);
    let Location::DataDir(dir) = &store.location else {
        unreachable!("an embedded store")
    };
    let outside = dir.join("leak.csv");
    let copy = format!("COPY (SELECT 1) TO '{}'", outside.display());
    assert!(read_only.execute(&copy, &[]).is_err());
    assert!(!outside.exists());
    assert!(
        read_only
            .query("SELECT * FROM read_csv('/etc/hostname')", &[])
            .is_err()
    );
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
fn an_unreachable_postgres_server_is_a_clear_error() {
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    let location = Location::Url("postgres://analyst:secret@127.0.0.1:1/store".into());
    let error = open(&location, AccessMode::ReadWrite).err().unwrap();
    assert!(matches!(error, StoreError::Unreachable { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("cannot connect to the PostgreSQL store"),
        "{message}"
    );
    assert!(
        message.contains("127.0.0.1:1") && !message.contains("secret"),
        "{message}"
    );
}

#[test]
fn a_postgres_statement_timeout_stops_a_long_query() {
    let store = TestStore::new(Backend::Postgres);
    let Location::Url(url) = &store.location else {
        unreachable!("a PostgreSQL store")
    };
    // The URL's own session options are kept (here: a timeout of 200 ms).
    let limited = Location::Url(format!("{url}?options=-c%20statement_timeout%3D200"));
    let connection = open(&limited, AccessMode::ReadWrite).unwrap();
    let error = connection.query("SELECT pg_sleep(5)", &[]).err().unwrap();
    assert!(error.to_string().contains("statement timeout"), "{error}");
    assert_eq!(scalar(connection.as_ref(), "SELECT 1").as_i64(), Some(1));
}
