//! Tool questions phrased in other ways than the question set: stock cover, dead stock,
//! reorders, velocity, sell-through, helpdesk and the finance tools, in English and Thai, and
//! the clarifying question for names of several dimensions.

mod common;

use analyst_core::{Dimension as D, Tool};
use analyst_nlu::{Understanding, understand};
use common::{ask, day, dimensions, filters, period};
use serde_json::json;

fn f(field: &str, values: &[&str]) -> (String, Vec<String>) {
    let mut values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    values.sort();
    (field.to_string(), values)
}

fn p(start: &str, end: &str) -> Option<(String, String)> {
    Some((start.to_string(), end.to_string()))
}

#[test]
fn stock_coverage() {
    let (q, confidence) = ask("what is going to be out of stock within 2 weeks?");
    assert_eq!(q.tool, Tool::StockCoverage);
    assert_eq!(q.params["horizon_days"], json!(14));
    assert!(confidence >= 0.8, "{confidence}");
    let (q, _) = ask("days of cover by store for Stride");
    assert_eq!(q.tool, Tool::StockCoverage);
    assert_eq!(dimensions(&q), [D::Store]);
    assert_eq!(filters(&q), [f("brand", &["Stride"])]);
    let (q, _) = ask("running shoes running low at Phuket in the next month");
    assert_eq!(q.tool, Tool::StockCoverage);
    assert_eq!(q.params["horizon_days"], json!(30));
    assert_eq!(
        filters(&q),
        [
            f("store", &["Phuket Central"]),
            f("subcategory", &["Running"])
        ]
    );
    let (q, _) = ask("สินค้าอะไรจะหมดสต็อกใน 7 วันข้างหน้า");
    assert_eq!(q.tool, Tool::StockCoverage);
    assert_eq!(q.params["horizon_days"], json!(7));
}

#[test]
fn dead_stock() {
    let (q, _) = ask("products not sold in the last 6 months at Lanna Warehouse");
    assert_eq!(q.tool, Tool::DeadStock);
    assert_eq!(q.params["days_without_sales"], json!(180));
    assert_eq!(filters(&q), [f("store", &["Lanna Warehouse"])]);
    assert_eq!(
        q.period, None,
        "the look back is the parameter, not a period"
    );
    let (q, _) = ask("slow movers by brand");
    assert_eq!(q.tool, Tool::DeadStock);
    assert_eq!(dimensions(&q), [D::Brand]);
    let (q, _) = ask("top 20 dead stock items in Apparel");
    assert_eq!(q.limit, Some(20));
    assert_eq!(filters(&q), [f("category", &["Apparel"])]);
    let (q, _) = ask("dead stock since March");
    assert_eq!(q.params["days_without_sales"], json!(259));
    let (q, _) = ask("สินค้าค้างสต็อกที่บางนา");
    assert_eq!(q.tool, Tool::DeadStock);
    assert_eq!(filters(&q), [f("store", &["Main Warehouse Bangna"])]);
}

#[test]
fn reorders_velocity_and_seasons() {
    let (q, _) = ask("what should we reorder from Zenfit Global?");
    assert_eq!(q.tool, Tool::ReorderSuggestion);
    assert_eq!(filters(&q), [f("supplier", &["Zenfit Global"])]);
    let (q, _) = ask("replenishment for Bangkok Siam to cover the next 8 weeks");
    assert_eq!(q.tool, Tool::ReorderSuggestion);
    assert_eq!(q.params["target_cover_days"], json!(56));
    let (q, _) = ask("rate of sale for Kinetc last 8 weeks");
    assert_eq!(q.tool, Tool::BuyingVelocity);
    assert_eq!(filters(&q), [f("brand", &["Kinetic"])]);
    assert_eq!(period(&q), p("2026-09-20", "2026-11-14"));
    let (q, _) = ask("how fast are Zenfit yoga mats selling this month");
    assert_eq!(q.tool, Tool::BuyingVelocity);
    let (q, _) = ask("sell thru for FW25 per store");
    assert_eq!(q.tool, Tool::SeasonPerformance);
    assert_eq!(filters(&q), [f("season", &["AW25"])]);
    assert_eq!(dimensions(&q), [D::Store]);
}

#[test]
fn seasons_as_periods_and_dictionary_synonyms() {
    let (q, _) = ask("sell-through this season by category");
    assert_eq!(q.tool, Tool::SeasonPerformance);
    assert_eq!(filters(&q), [f("season", &["AW26"])]);
    let (q, _) = ask("revenue by brand during AW25");
    assert_eq!(q.tool, Tool::SalesByDimension);
    assert_eq!(period(&q), p("2025-08-01", "2026-01-31"));
    assert!(q.filters.is_empty());

    let mut vocabulary = common::demo_vocabulary();
    vocabulary
        .dimension_synonyms
        .push(("point of sale".into(), D::Store));
    vocabulary
        .measure_synonyms
        .push(("takings".into(), analyst_core::Measure::Revenue));
    vocabulary
        .measure_synonyms
        .push(("ยอดรับ".into(), analyst_core::Measure::Revenue));
    for question in [
        "takings by point of sale last month",
        "ยอดรับแยกตามสาขาเดือนที่แล้ว",
    ] {
        match understand(question, day("2026-11-15"), &vocabulary) {
            Understanding::Query { query, .. } => {
                assert_eq!(
                    query.measures,
                    [analyst_core::Measure::Revenue],
                    "{question}"
                );
                assert_eq!(query.dimensions, [D::Store], "{question}");
            }
            other => panic!("{question}: {other:?}"),
        }
    }
}

#[test]
fn helpdesk_tickets() {
    let (q, _) = ask("how many unresolved tickets per priority");
    assert_eq!(q.tool, Tool::HelpdeskSummary);
    assert_eq!(q.params["state"], json!("open"));
    assert_eq!(dimensions(&q), [D::Priority]);
    let (q, _) = ask("helpdesk tickets for Online Orders last month by stage");
    assert_eq!(filters(&q), [f("team", &["Online Orders"])]);
    assert_eq!(dimensions(&q), [D::Stage]);
    assert_eq!(period(&q), p("2026-10-01", "2026-10-31"));
    let (q, _) = ask("tickets that breached SLA this week");
    assert_eq!(q.params["sla"], json!("breached"));
    let (q, _) = ask("ทิกเก็ตที่ค้างอยู่แยกตามทีม");
    assert_eq!(q.tool, Tool::HelpdeskSummary);
    assert_eq!(q.params["state"], json!("open"));
    assert_eq!(dimensions(&q), [D::Team]);
    // Team names are not sales values: "online orders" stays a sales question.
    let (q, _) = ask("online orders last month");
    assert_eq!(q.tool, Tool::SalesByDimension);
    assert_eq!(filters(&q), [f("channel", &["online"])]);
}

#[test]
fn finance_and_other_tools() {
    assert_eq!(ask("overdue invoices by customer").0.tool, Tool::ArAging);
    assert_eq!(ask("unpaid supplier bills").0.tool, Tool::ApAging);
    assert_eq!(ask("ABC analysis of products").0.tool, Tool::AbcAnalysis);
    assert_eq!(
        ask("return rate by brand this year").0.tool,
        Tool::RefundReturnImpact
    );
    assert_eq!(
        ask("products sold below cost last month").0.tool,
        Tool::MarginAnalysis
    );
    let (q, _) = ask("how much stock do we have of Stride");
    assert_eq!(q.tool, Tool::InventoryValuation);
    assert_eq!(filters(&q), [f("brand", &["Stride"])]);
    assert_eq!(ask("aged stock at Bangna").0.tool, Tool::StockAging);
    // Sales words stay sales.
    assert_eq!(
        ask("returns by brand since March").0.tool,
        Tool::SalesByDimension
    );
    assert_eq!(ask("NOS sales by size").0.tool, Tool::SalesByDimension);
}

#[test]
fn names_of_several_dimensions_get_a_clarifying_question() {
    let vocabulary = common::demo_vocabulary();
    let today = day("2026-11-15");
    match understand("suggest a reorder for Peak", today, &vocabulary) {
        Understanding::Clarify { question, choices } => {
            assert!(question.contains("Peak"), "{question}");
            let labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
            assert_eq!(
                labels,
                ["brand Peak Motion", "supplier Peak Motion Thailand"]
            );
            let (q, _) = ask(&choices[1].question);
            assert_eq!(q.tool, Tool::ReorderSuggestion);
            assert_eq!(filters(&q), [f("supplier", &["Peak Motion Thailand"])]);
        }
        other => panic!("{other:?}"),
    }
    // A full name or a dimension word settles it.
    let (q, _) = ask("Peak Motion sales last month");
    assert_eq!(filters(&q), [f("brand", &["Peak Motion"])]);
    let (q, _) = ask("revenue of the Peak brand");
    assert_eq!(filters(&q), [f("brand", &["Peak Motion"])]);
}
