//! Follow-ups read against the previous query of a conversation.

mod common;

use analyst_core::query::OrderField;
use analyst_core::{CompareKind, Dimension as D, Measure as M, SemanticQuery, Tool};
use analyst_nlu::follow_up;
use common::{ask, day, dimensions, filters, period};

fn then(previous: &SemanticQuery, question: &str) -> SemanticQuery {
    let read = follow_up(
        question,
        day("2026-11-15"),
        &common::demo_vocabulary(),
        previous,
    )
    .unwrap_or_else(|| panic!("{question}: not read as a follow-up"));
    assert!(!read.reading.is_empty());
    assert!(read.confidence >= 0.5, "{question}: {}", read.confidence);
    read.query
}

fn f(field: &str, values: &[&str]) -> (String, Vec<String>) {
    (
        field.to_string(),
        values.iter().map(|v| v.to_string()).collect(),
    )
}

fn p(start: &str, end: &str) -> Option<(String, String)> {
    Some((start.to_string(), end.to_string()))
}

#[test]
fn follow_ups_change_one_part() {
    let (first, _) = ask("revenue by brand last month");
    let q = then(&first, "and by store?");
    assert_eq!(dimensions(&q), [D::Store]);
    assert_eq!(period(&q), p("2026-10-01", "2026-10-31"));
    let q = then(&first, "only online");
    assert_eq!(filters(&q), [f("channel", &["online"])]);
    assert_eq!(dimensions(&q), [D::Brand]);
    let q = then(&first, "what about last year?");
    assert_eq!(period(&q), p("2025-01-01", "2025-12-31"));
    assert_eq!(dimensions(&q), [D::Brand]);
    let q = then(&first, "show the top 20");
    assert_eq!(q.limit, Some(20));
    assert_eq!(q.order[0].field, OrderField::Measure(M::Revenue));
    assert!(q.order[0].desc);
    let q = then(&first, "drill into Stride");
    assert_eq!(filters(&q), [f("brand", &["Stride"])]);
    assert_eq!(dimensions(&q), [D::Product]);
    let q = then(&first, "what about units?");
    assert_eq!(q.measures, [M::Units]);
    let q = then(&first, "and by store too");
    assert_eq!(dimensions(&q), [D::Store, D::Brand]);
    let q = then(&first, "vs last year");
    assert_eq!(q.compare.map(|c| c.kind), Some(CompareKind::PreviousYear));
}

#[test]
fn same_for_another_value_replaces_the_filter() {
    let (first, _) = ask("units of Zenfit in Phuket Central this month");
    let q = then(&first, "same for Chiang Mai");
    assert_eq!(
        filters(&q),
        [f("brand", &["Zenfit"]), f("store", &["Chiang Mai Nimman"])]
    );
    assert_eq!(q.measures, [M::Units]);
    // Tool questions follow up too.
    let (stock, _) = ask("which products will run out of stock in the next 14 days");
    let q = then(&stock, "and for Trailhead?");
    assert_eq!(q.tool, Tool::StockCoverage);
    assert_eq!(filters(&q), [f("brand", &["Trailhead"])]);
    assert_eq!(q.params["horizon_days"], serde_json::json!(14));
}

#[test]
fn questions_that_stand_on_their_own_are_not_follow_ups() {
    let (first, _) = ask("revenue by brand last month");
    let vocabulary = common::demo_vocabulary();
    let today = day("2026-11-15");
    for question in [
        "margin % by category last quarter",
        "open helpdesk tickets by team",
        "tell me a joke",
        "",
    ] {
        assert!(
            follow_up(question, today, &vocabulary, &first).is_none(),
            "{question}"
        );
    }
}
