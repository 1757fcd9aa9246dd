//! On the demo business, the tools find what the generator planted (`ops.demo_planted`): the
//! lines that stopped selling (or never sold) and still hold stock, and the best sellers about
//! to run out.

#![allow(clippy::unwrap_used)]

use analyst_core::SemanticQuery;
use analyst_demo::{DemoConfig, install};
use analyst_store::{Connection, Value};
use analyst_tools::{ToolContext, ToolResult};
use chrono::NaiveDate;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn demo() -> (tempfile::TempDir, Box<dyn Connection>) {
    let dir = tempfile::tempdir().unwrap();
    let config = DemoConfig::new(60_000, 42, day("2026-11-14"));
    let connection = install::new_store(dir.path(), &config).unwrap();
    (dir, connection)
}

/// The product names of the planted templates of `kind`.
fn planted(connection: &dyn Connection, kind: &str) -> Vec<String> {
    connection
        .query(
            "SELECT DISTINCT p.name FROM ops.demo_planted d JOIN silver.product p ON p.template_id = d.template_id
             WHERE d.kind = $1 ORDER BY 1",
            &[kind.into()],
        )
        .unwrap()
        .rows
        .into_iter()
        .filter_map(|row| row.into_iter().next())
        .filter_map(|value| match value {
            Value::Text(text) => Some(text),
            _ => None,
        })
        .collect()
}

fn run(connection: &dyn Connection, query: serde_json::Value) -> ToolResult {
    let query: SemanticQuery = serde_json::from_value(query).unwrap();
    analyst_tools::run(connection, &query, &ToolContext::on(day("2026-11-15"))).unwrap()
}

fn named(result: &ToolResult, name: &str) -> bool {
    result.rows.iter().any(|row| {
        row["product"]
            .as_str()
            .is_some_and(|product| product.starts_with(name))
    })
}

#[test]
fn the_tools_find_the_planted_dead_stock_and_fast_sellers_running_out() {
    let (_dir, connection) = demo();
    let dead = planted(connection.as_ref(), "dead_stock");
    let short = planted(connection.as_ref(), "short_supply");
    assert!(dead.len() >= 5, "{dead:?}");
    assert_eq!(short.len(), 4, "{short:?}");

    let dead_stock = run(
        connection.as_ref(),
        serde_json::json!({"tool": "dead_stock", "params": {"days_without_sales": 180}}),
    );
    for name in &dead {
        assert!(
            named(&dead_stock, name),
            "dead stock misses {name}: {}",
            dead_stock.sentence
        );
    }

    let running_out = run(
        connection.as_ref(),
        serde_json::json!({"tool": "stock_coverage", "params": {"horizon_days": 14}}),
    );
    for name in &short {
        assert!(
            named(&running_out, name),
            "stock coverage misses {name}: {}",
            running_out.sentence
        );
    }
}
