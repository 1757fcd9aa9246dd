//! Tool queries through the gateway: each answers with a sentence (and its formula), KPIs, a
//! table whose rows say why, and a chart; a wrong parameter is an error answer that says what
//! fits.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use analyst_core::SemanticQuery;
use analyst_gateway::{AskContext, answer_query};
use analyst_store::Connection;
use common::{day, demo_store};

fn store() -> (tempfile::TempDir, Box<dyn Connection>) {
    demo_store(15_000, 3)
}

fn ask(connection: &dyn Connection, query: &str) -> serde_json::Value {
    let query: SemanticQuery = serde_json::from_str(query).unwrap();
    let answer = answer_query(connection, query, &AskContext::on(day("2026-11-15")));
    serde_json::to_value(&answer).unwrap()
}

#[test]
fn every_eval_tool_query_answers_with_sentence_kpis_table_and_chart() {
    let (_dir, connection) = store();
    for query in [
        r#"{"tool":"stock_coverage","params":{"horizon_days":30}}"#,
        r#"{"tool":"dead_stock","params":{"days_without_sales":180},"filters":[{"field":"store","values":["Main Warehouse Bangna"]}]}"#,
        r#"{"tool":"reorder_suggestion","params":{"store_suggestions":false}}"#,
        r#"{"tool":"buying_velocity","filters":[{"field":"subcategory","values":["Running"]}],"period":{"start":"2026-10-18","end":"2026-11-14"}}"#,
        r#"{"tool":"season_performance","dimensions":["category"],"filters":[{"field":"season","values":["AW25"]}]}"#,
        r#"{"tool":"helpdesk_summary","dimensions":["team"],"params":{"state":"open"}}"#,
    ] {
        let answer = ask(connection.as_ref(), query);
        assert!(answer["error"].is_null(), "{query}: {}", answer["error"]);
        let text = answer["answer"].as_str().unwrap();
        assert!(text.contains("How: "), "{query}: {text}");
        assert!(!answer["kpis"].as_array().unwrap().is_empty(), "{query}");
        let table = &answer["table"];
        assert!(
            !table["rows"].as_array().unwrap().is_empty(),
            "{query}: {text}"
        );
        assert!(
            table["columns"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["key"] == "why" || c["key"] == "open"),
            "{query}"
        );
        let chart = &answer["chart"];
        assert!(
            chart["svg"].as_str().unwrap().starts_with("<svg"),
            "{query}"
        );
        assert!(chart["vega_lite"].is_object(), "{query}");
        assert_eq!(answer["meta"]["tool"], answer["meta"]["query"]["tool"]);
        assert!(answer["meta"]["sql"].as_str().unwrap().contains("SELECT"));
        assert!(answer["meta"]["tool_calls"][0]["params"]["formula"].is_string());
    }
}

#[test]
fn a_wrong_tool_parameter_is_an_error_answer_that_says_what_fits() {
    let (_dir, connection) = store();
    let answer = ask(
        connection.as_ref(),
        r#"{"tool":"dead_stock","params":{"days":30}}"#,
    );
    let error = answer["error"].as_str().unwrap();
    assert!(
        error.contains("unknown parameter 'days'; known parameters: days_without_sales"),
        "{error}"
    );
    assert_eq!(answer["answer"], answer["error"]);
}

#[test]
fn sales_queries_refuse_helpdesk_dimensions_naming_the_tool() {
    let (_dir, connection) = store();
    let answer = ask(
        connection.as_ref(),
        r#"{"tool":"sales_by_dimension","measures":["revenue"],"dimensions":["team"]}"#,
    );
    let error = answer["error"].as_str().unwrap();
    assert!(
        error.contains("'team' describes helpdesk tickets, not sales lines; ask helpdesk_summary"),
        "{error}"
    );
}
