//! `analyst migrate-store`: the demo business copied from the embedded store into PostgreSQL
//! and back, with every table's rows, exact amounts and the same answers; a target that already
//! holds data is refused and left as it was.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use analyst_store::testkit::{Backend, TestStore};
use analyst_store::{AccessMode, Connection, Location};
use common::{analyst, assert_clear_failure, stderr, stdout};
use serde_json::Value as Json;

const TODAY: &str = "2026-11-15";

/// Where `analyst` finds `store`: `--data-dir` for the embedded store, the URL otherwise.
fn store_argument(store: &TestStore) -> String {
    match &store.location {
        Location::DataDir(dir) => dir.display().to_string(),
        Location::Url(url) => url.clone(),
    }
}

fn migrate(scratch: &Path, from: &TestStore, to: &TestStore) -> std::process::Output {
    analyst(
        scratch,
        &[
            "migrate-store",
            "--from",
            &store_argument(from),
            "--to",
            &store_argument(to),
        ],
    )
}

/// Every table of the store's schemas with its row count, read from its own catalog.
fn row_counts(connection: &dyn Connection) -> BTreeMap<String, i64> {
    let tables = connection
        .query(
            "SELECT CAST(table_schema AS VARCHAR) || '.' || CAST(table_name AS VARCHAR)
             FROM information_schema.tables
             WHERE table_type = 'BASE TABLE' AND table_schema IN
                 ('app', 'raw', 'silver', 'gold', 'ops', 'ml_features', 'predictions')",
            &[],
        )
        .unwrap();
    tables
        .rows
        .iter()
        .map(|row| {
            let table = row[0].as_str().unwrap().to_string();
            let count = connection
                .query(&format!("SELECT count(*) FROM {table}"), &[])
                .unwrap()
                .scalar()
                .unwrap()
                .as_i64()
                .unwrap();
            (table, count)
        })
        .collect()
}

/// Sums of the money columns of the sales lines, as exact text.
fn sales_totals(connection: &dyn Connection) -> Vec<String> {
    let rows = connection
        .query(
            "SELECT CAST(sum(net_amount) AS VARCHAR), CAST(sum(cost_amount) AS VARCHAR),
                    CAST(count(DISTINCT date) AS VARCHAR)
             FROM silver.sales_line",
            &[],
        )
        .unwrap();
    rows.rows[0].iter().map(ToString::to_string).collect()
}

/// The answer to `question` on `store`, without what differs from run to run.
fn answer(store: &TestStore, scratch: &Path, question: &str) -> Json {
    let mut args = vec!["--today", TODAY];
    let dir = match &store.location {
        Location::DataDir(dir) => dir.as_path(),
        Location::Url(url) => {
            args.extend(["--database", url.as_str()]);
            scratch
        }
    };
    args.extend(["ask", "--json", question]);
    let output = analyst(dir, &args);
    assert!(output.status.success(), "{question}: {}", stderr(&output));
    let mut answer: Json = serde_json::from_str(&stdout(&output)).unwrap();
    answer.as_object_mut().unwrap().remove("meta");
    answer
}

#[test]
fn the_demo_store_moves_to_postgres_and_back_and_a_filled_target_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let duckdb = TestStore::new(Backend::DuckDb);
    let Location::DataDir(dir) = &duckdb.location else {
        unreachable!()
    };
    let demo = analyst(dir, &["--today", TODAY, "demo", "--lines", "20000"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let (source_counts, source_totals) = {
        let source = duckdb.open(AccessMode::ReadOnly);
        (row_counts(source.as_ref()), sales_totals(source.as_ref()))
    };
    assert!(source_counts["silver.sales_line"] > 0, "{source_counts:?}");

    let postgres = TestStore::new(Backend::Postgres);
    let copied = migrate(scratch.path(), &duckdb, &postgres);
    assert!(copied.status.success(), "{}", stderr(&copied));
    assert!(
        stdout(&copied).contains("silver.sales_line"),
        "{}",
        stdout(&copied)
    );
    {
        let target = postgres.open(AccessMode::ReadOnly);
        assert_eq!(row_counts(target.as_ref()), source_counts);
        assert_eq!(sales_totals(target.as_ref()), source_totals);
        // New ids come after the copied ones.
        let fresh_id = target
            .query(
                "SELECT last_value FROM pg_sequences
                 WHERE schemaname = 'app' AND sequencename = 'record_rule_id_seq'",
                &[],
            )
            .unwrap();
        let highest = target
            .query("SELECT max(id) FROM app.record_rule", &[])
            .unwrap();
        assert!(
            fresh_id.scalar().unwrap().as_i64().unwrap()
                >= highest.scalar().unwrap().as_i64().unwrap()
        );
    }
    for question in [
        "revenue by store this year",
        "top 5 brands by revenue last month",
        "margin % by category last quarter",
    ] {
        let on_duckdb = answer(&duckdb, scratch.path(), question);
        assert!(on_duckdb["error"].is_null(), "{question}: {on_duckdb}");
        assert_eq!(
            on_duckdb,
            answer(&postgres, scratch.path(), question),
            "{question}"
        );
    }

    // A second copy into the now filled target is refused and changes nothing.
    let again = migrate(scratch.path(), &duckdb, &postgres);
    assert_clear_failure(&again, "already holds data");
    {
        let target = postgres.open(AccessMode::ReadOnly);
        assert_eq!(row_counts(target.as_ref()), source_counts);
        assert_eq!(sales_totals(target.as_ref()), source_totals);
    }

    // And back into a fresh embedded store.
    let back = TestStore::new(Backend::DuckDb);
    let returned = migrate(scratch.path(), &postgres, &back);
    assert!(returned.status.success(), "{}", stderr(&returned));
    let returned = back.open(AccessMode::ReadOnly);
    assert_eq!(row_counts(returned.as_ref()), source_counts);
    assert_eq!(sales_totals(returned.as_ref()), source_totals);
}
