//! The same business on both stores: `analyst demo` builds it in a PostgreSQL database as in
//! the embedded store, and questions, tools and exports give the same numbers on both —
//! numbers that match sums taken straight from the sales lines.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use analyst_store::testkit::{Backend, TestStore};
use analyst_store::{AccessMode, Location};
use common::{analyst, stderr, stdout};
use serde_json::Value as Json;

const TODAY: &str = "2026-11-15";

/// Questions through each part of the analyst: measures, dimensions, periods, comparisons,
/// trends, filters and the buying, stock, helpdesk and receivables tools.
const QUESTIONS: &[&str] = &[
    "revenue by store this year",
    "top 5 brands by revenue last month",
    "monthly revenue trend for Stride in 2025",
    "margin % by category last quarter",
    "online vs store revenue last week",
    "revenue this month compared with the same period last year",
    "average order value by channel this year",
    "units sold by weekday last month",
    "returns by brand this month",
    "which products will run out of stock in the next 14 days?",
    "what should I reorder from Stride Trading Asia?",
    "dead stock over 180 days",
    "sell-through of AW25 by category",
    "ABC analysis of products last quarter",
    "inventory valuation by category",
    "open tickets by team",
    "refund rate by brand last month",
    "open customer invoices by overdue bucket",
];

/// `analyst --today TODAY ARGS…` on `store`, which must succeed.
fn on(store: &TestStore, scratch: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--today", TODAY];
    let data_dir = match &store.location {
        Location::DataDir(dir) => dir.as_path(),
        Location::Url(url) => {
            all.extend(["--database", url.as_str()]);
            scratch
        }
    };
    all.extend(args);
    let output = analyst(data_dir, &all);
    assert!(
        output.status.success(),
        "{:?} {args:?}: {}",
        store.location,
        stderr(&output)
    );
    output
}

/// The answer to `question`, without what differs from run to run (timings, ids).
fn answer(store: &TestStore, scratch: &Path, question: &str) -> Json {
    let mut answer: Json =
        serde_json::from_str(&stdout(&on(store, scratch, &["ask", "--json", question]))).unwrap();
    answer.as_object_mut().unwrap().remove("meta");
    answer
}

#[test]
fn the_demo_business_gives_the_same_numbers_on_both_stores() {
    let scratch = tempfile::tempdir().unwrap();
    let duckdb = TestStore::new(Backend::DuckDb);
    let postgres = TestStore::new(Backend::Postgres);
    for store in [&duckdb, &postgres] {
        on(store, scratch.path(), &["demo", "--lines", "20000"]);
    }

    for store in [&duckdb, &postgres] {
        // Revenue by store this year, against sums taken straight from the sales lines.
        let answer = answer(store, scratch.path(), "revenue by store this year");
        let answered: BTreeMap<String, f64> = answer["table"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["store"].as_str().unwrap().to_string(),
                    row["revenue"].as_f64().unwrap(),
                )
            })
            .collect();
        let summed: BTreeMap<String, f64> = store
            .open(AccessMode::ReadOnly)
            .query(
                "SELECT s.name, CAST(sum(l.net_amount) AS DOUBLE PRECISION)
                 FROM silver.sales_line l JOIN silver.store s ON s.id = l.store_id
                 WHERE l.date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15' GROUP BY s.name",
                &[],
            )
            .unwrap()
            .rows
            .iter()
            .map(|row| (row[0].to_string(), row[1].as_f64().unwrap()))
            .collect();
        assert!(summed.len() > 3, "{summed:?}");
        assert_eq!(answered, summed, "{:?}", store.location);
    }

    for question in QUESTIONS {
        let on_duckdb = answer(&duckdb, scratch.path(), question);
        assert!(on_duckdb["error"].is_null(), "{question}: {on_duckdb}");
        assert_eq!(
            on_duckdb,
            answer(&postgres, scratch.path(), question),
            "{question}"
        );
    }

    // Every sales line of the period, streamed into a file, byte for byte.
    let query = r#"{"tool":"sales_by_dimension","measures":["revenue","units","orders"],"dimensions":["date","product"]}"#;
    let files: Vec<Vec<u8>> = [&duckdb, &postgres]
        .into_iter()
        .enumerate()
        .map(|(index, store)| {
            let file = scratch.path().join(format!("export-{index}.csv"));
            on(
                store,
                scratch.path(),
                &["export", "--json", query, "-o", file.to_str().unwrap()],
            );
            std::fs::read(file).unwrap()
        })
        .collect();
    assert!(files[0].len() > 100_000, "{} bytes", files[0].len());
    assert!(files[0] == files[1], "the exports differ");
}
