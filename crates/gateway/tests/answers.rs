//! The answer contract as clients receive it: JSON shape, KPIs, tables, totals, comparisons,
//! errors that say what to do.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use analyst_core::{Compare, CompareKind, Dimension, Filter, Measure, Period, SemanticQuery};
use analyst_gateway::{AskContext, answer_query, ask, load_vocabulary};
use analyst_store::{Connection, Value};
use chrono::NaiveDate;
use common::{day, demo_store};

fn store() -> (tempfile::TempDir, Box<dyn Connection>) {
    demo_store(15_000, 3)
}

fn sql_total(connection: &dyn Connection, sql: &str, params: &[Value]) -> f64 {
    connection
        .query(sql, params)
        .unwrap()
        .scalar()
        .and_then(Value::as_f64)
        .unwrap()
}

const CONTEXT: AskContext = AskContext::on(match NaiveDate::from_ymd_opt(2026, 11, 15) {
    Some(d) => d,
    None => NaiveDate::MIN,
});

#[test]
fn a_grouped_answer_has_the_contract_shape_and_true_figures() {
    let (_dir, connection) = store();
    let vocabulary = load_vocabulary(connection.as_ref()).unwrap();
    let answer = ask(
        connection.as_ref(),
        &vocabulary,
        "top 5 brands by revenue last month",
        &CONTEXT,
    );
    let json = serde_json::to_value(&answer).unwrap();
    for key in [
        "answer", "kpis", "table", "chart", "actions", "meta", "error",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["meta"]["query"]["period"]["start"], "2026-10-01");
    assert_eq!(json["meta"]["route"], "deterministic");
    assert_eq!(json["meta"]["tool"], "sales_by_dimension");
    let table = answer.table.as_ref().unwrap();
    assert_eq!(table.rows.len(), 5);
    assert_eq!(table.columns[0].key, "brand");
    // Independent SQL over the lines (not gold) for October 2026.
    let expected_total = sql_total(
        connection.as_ref(),
        "SELECT CAST(sum(net_amount) AS DOUBLE) FROM silver.sales_line WHERE date BETWEEN $1 AND $2",
        &[day("2026-10-01").into(), day("2026-10-31").into()],
    );
    assert!(
        (answer.kpis[0].raw - expected_total).abs() < 0.01,
        "{} vs {expected_total}",
        answer.kpis[0].raw
    );
    let total_row = table.total_row.as_ref().unwrap();
    assert!((total_row["revenue"].as_f64().unwrap() - expected_total).abs() < 0.01);
    let top_brand = table.rows[0]["brand"].as_str().unwrap().to_string();
    let top_revenue = sql_total(
        connection.as_ref(),
        "SELECT CAST(sum(l.net_amount) AS DOUBLE) FROM silver.sales_line l JOIN silver.product p ON p.id = l.product_id WHERE p.brand = $1 AND l.date BETWEEN $2 AND $3",
        &[
            top_brand.clone().into(),
            day("2026-10-01").into(),
            day("2026-10-31").into(),
        ],
    );
    assert!((table.rows[0]["revenue"].as_f64().unwrap() - top_revenue).abs() < 0.01);
    assert!(
        answer.answer.contains(&top_brand),
        "the sentence names the leader: {}",
        answer.answer
    );
    assert!(
        answer.answer.contains('฿'),
        "the sentence carries the figure: {}",
        answer.answer
    );
    let shares: f64 = table
        .rows
        .iter()
        .map(|row| row["share_pct"].as_f64().unwrap())
        .sum();
    assert!(shares > 0.0 && shares <= 100.0001);
    assert_eq!(answer.chart.as_ref().unwrap().labels.len(), 5);
}

#[test]
fn a_comparison_reports_the_change() {
    let (_dir, connection) = store();
    let mut query = SemanticQuery::sales(vec![Measure::Revenue]);
    query.period = Some(Period::parse("2026-01-01", "2026-06-30").unwrap());
    query.compare = Some(Compare {
        kind: CompareKind::PreviousYear,
    });
    let answer = answer_query(connection.as_ref(), query, &CONTEXT);
    assert!(answer.error.is_none(), "{}", answer.answer);
    let kpi = &answer.kpis[0];
    let previous = sql_total(
        connection.as_ref(),
        "SELECT CAST(sum(net_amount) AS DOUBLE) FROM silver.sales_line WHERE date BETWEEN $1 AND $2",
        &[day("2025-01-01").into(), day("2025-06-30").into()],
    );
    let expected = format!("{:+.1}%", (kpi.raw - previous) / previous * 100.0);
    assert_eq!(kpi.delta.as_deref(), Some(expected.as_str()));
    assert!(
        answer.answer.contains("the same period last year"),
        "{}",
        answer.answer
    );
}

#[test]
fn empty_periods_and_bad_values_answer_clearly() {
    let (_dir, connection) = store();
    let mut query = SemanticQuery::sales(vec![Measure::Revenue]);
    query.dimensions = vec![Dimension::Brand];
    query.period = Some(Period::parse("2031-01-01", "2031-01-31").unwrap());
    let answer = answer_query(connection.as_ref(), query.clone(), &CONTEXT);
    assert!(answer.error.is_none(), "an empty period is an answer");
    assert!(
        answer.answer.starts_with("No sales matched"),
        "{}",
        answer.answer
    );
    assert_eq!(answer.table.unwrap().rows.len(), 0);

    query.period = Some(Period::parse("2026-01-01", "2026-01-31").unwrap());
    query.filters = vec![Filter::one_of(
        Dimension::Store,
        vec!["Bangkok Siaam".into()],
    )];
    let answer = answer_query(connection.as_ref(), query, &CONTEXT);
    assert_eq!(
        answer.error.as_deref(),
        Some("unknown store 'Bangkok Siaam' — did you mean Bangkok Siam?")
    );
    assert_eq!(answer.answer, answer.error.clone().unwrap());

    let vocabulary = load_vocabulary(connection.as_ref()).unwrap();
    let answer = ask(
        connection.as_ref(),
        &vocabulary,
        "what is the weather in Phuket tomorrow?",
        &CONTEXT,
    );
    assert!(answer.error.is_some());
    assert!(
        answer.answer.contains("Try"),
        "suggests questions it can answer: {}",
        answer.answer
    );
    assert_eq!(answer.meta.confidence, 0.0);
}
