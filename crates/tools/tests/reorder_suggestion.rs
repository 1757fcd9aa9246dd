//! `reorder_suggestion` on a hand-built store (window 2026-10-18 to 2026-11-14; 95% service
//! level → z = 1.6449; review period 42 days):
//! - R1 (Acme: lead 10, MOQ 24, pack 6, ฿50): 2 a day → σ 0; 10 on hand + 5 incoming = 15 ≤
//!   reorder point 2 × 10 = 20 → 2 × (10 + 42) − 15 = 89 → 15 packs of 6 = 90 → ฿4,500.
//! - R2 (Beta: lead 0, MOQ 12, pack 1, ฿30): 7 units in 28 days = 0.25/day; nothing on hand →
//!   0 ≤ 0 → 0.25 × 42 = 10.5 → 11 → raised to the MOQ: 12 → ฿360.
//! - R3 (no supplier terms, cost ฿20): 1 a day, nothing on hand → lead 0 → 42 → ฿840, low
//!   confidence.
//! - R4 (Acme: lead 10): 1 a day, 100 on hand → above its reorder point: no line.
//! - R5 (Acme: lead 4, MOQ 1, pack 1, ฿10): 2 a day on 14 of 28 days → 1/day, σ = 1 → safety
//!   1.6449 × 1 × √4 = 3.29; reorder point 7.29 ≥ 5 on hand → 1 × 46 + 3.29 − 5 = 44.29 → 45.

#![allow(clippy::unwrap_used)]

mod common;

use analyst_tools::suggestions::{SuggestionState, decide, list};
use common::{ACME, BETA, Fixture, SHOP_SIAM, close, day};

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.product(1, "R1", "Running", "Core", 45.0, Some(ACME));
    f.terms(ACME, 1, 10, 24, 6, 50.0);
    f.sell_daily("2026-10-18", "2026-11-14", SHOP_SIAM, 1, 2);
    f.stock(1, SHOP_SIAM, 10, 0, 5);
    f.product(2, "R2", "Running", "Core", 25.0, Some(BETA));
    f.terms(BETA, 2, 0, 12, 1, 30.0);
    f.sell_daily("2026-11-08", "2026-11-14", SHOP_SIAM, 2, 1);
    f.stock(2, SHOP_SIAM, 0, 0, 0);
    f.product(3, "R3", "Running", "Core", 20.0, None);
    f.sell_daily("2026-10-18", "2026-11-14", SHOP_SIAM, 3, 1);
    f.product(4, "R4", "Running", "Core", 20.0, Some(ACME));
    f.terms(ACME, 4, 10, 1, 1, 20.0);
    f.sell_daily("2026-10-18", "2026-11-14", SHOP_SIAM, 4, 1);
    f.stock(4, SHOP_SIAM, 100, 0, 0);
    f.product(5, "R5", "Running", "Core", 8.0, Some(ACME));
    f.terms(ACME, 5, 4, 1, 1, 10.0);
    let mut date = day("2026-10-18");
    for index in 0..28 {
        if index % 2 == 0 {
            f.sale(date, SHOP_SIAM, 5, 2, 100.0);
        }
        date += chrono::Duration::days(1);
    }
    f.stock(5, SHOP_SIAM, 5, 0, 0);
    f.refresh();
    f
}

#[test]
fn order_lines_follow_the_formula_with_pack_moq_and_lead_time_zero() {
    let f = fixture();
    let result = f.run(r#"{"tool":"reorder_suggestion"}"#);
    assert_eq!(result.total_count, 4, "{:#?}", result.rows);
    let line = |sku: &str| result.row_where("sku", sku).unwrap().clone();
    let r1 = line("P1");
    assert_eq!(r1["supplier"], "Acme Supply");
    close(r1["reorder_point"].as_f64(), 20.0);
    close(r1["safety_stock"].as_f64(), 0.0);
    assert_eq!(r1["qty"], 90);
    close(r1["amount"].as_f64(), 4500.0);
    assert!(
        r1["why"]
            .as_str()
            .unwrap()
            .contains("rounded up to packs of 6"),
        "{}",
        r1["why"]
    );
    let r2 = line("P2");
    assert_eq!(r2["qty"], 12);
    assert_eq!(r2["lead_time_days"], 0);
    close(r2["amount"].as_f64(), 360.0);
    assert!(
        r2["why"]
            .as_str()
            .unwrap()
            .contains("raised to the MOQ of 12"),
        "{}",
        r2["why"]
    );
    let r3 = line("P3");
    assert_eq!(r3["supplier"], "(no supplier)");
    assert_eq!(r3["qty"], 42);
    close(r3["amount"].as_f64(), 840.0);
    assert_eq!(r3["confidence"], "low");
    assert!(r3["why"].as_str().unwrap().starts_with("no supplier terms"));
    assert!(result.row_where("sku", "P4").is_none());
    let r5 = line("P5");
    close(r5["safety_stock"].as_f64(), 1.644_854 * 2.0);
    close(r5["reorder_point"].as_f64(), 4.0 + 1.644_854 * 2.0);
    assert_eq!(r5["qty"], 45);
    // Grouped by supplier: Acme's order holds R1 and R5.
    close(r1["order_total"].as_f64(), 4500.0 + 450.0);
    assert_eq!(result.text(0, "supplier"), Some("Acme Supply"));
    close(Some(result.kpis[2].raw), 4950.0 + 360.0 + 840.0);
    assert!(
        result
            .formula
            .contains("rounded up to the pack size, at least the MOQ")
    );
}

#[test]
fn suggestions_are_stored_replaced_on_a_new_run_and_decisions_kept() {
    let f = fixture();
    let first = f.run(r#"{"tool":"reorder_suggestion"}"#);
    let stored = list(f.connection.as_ref(), SuggestionState::New).unwrap();
    assert_eq!(stored.len(), 4);
    let r1_id = first.row_where("sku", "P1").unwrap()["suggestion_id"]
        .as_i64()
        .unwrap();
    assert!(
        stored
            .iter()
            .any(|s| s.id == r1_id && s.qty == 90 && s.supplier_id == Some(ACME))
    );
    assert!(decide(f.connection.as_ref(), r1_id, SuggestionState::Accepted).unwrap());
    assert!(!decide(f.connection.as_ref(), r1_id, SuggestionState::Dismissed).unwrap());
    f.run(r#"{"tool":"reorder_suggestion"}"#);
    assert_eq!(
        list(f.connection.as_ref(), SuggestionState::New)
            .unwrap()
            .len(),
        4
    );
    let accepted = list(f.connection.as_ref(), SuggestionState::Accepted).unwrap();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].id, r1_id);
    f.run(r#"{"tool":"reorder_suggestion","params":{"store_suggestions":false}}"#);
    assert_eq!(
        list(f.connection.as_ref(), SuggestionState::New)
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn a_supplier_filter_and_a_higher_service_level() {
    let f = fixture();
    let result = f.run(
        r#"{"tool":"reorder_suggestion","params":{"service_level":99,"store_suggestions":false},
            "filters":[{"field":"supplier","values":["acme supply"]}]}"#,
    );
    let skus: Vec<&str> = result
        .rows
        .iter()
        .map(|row| row["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["P1", "P5"]);
    // z(99%) = 2.3263: safety 4.65, reorder point 8.65 → 46 + 4.65 − 5 = 45.65 → 46.
    assert_eq!(result.rows[1]["qty"], 46);
}
