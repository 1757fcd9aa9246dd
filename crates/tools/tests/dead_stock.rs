//! `dead_stock` on a hand-built store (today 2026-11-15; 180 days without sales → since
//! 2026-05-19):
//! - D1: 20 at the warehouse (cost ฿100), last sale 2026-03-01 (259 days ago) → dead; score
//!   0.35 × 259/365 + 0.40 × 1 + 0.25 × 1 = 0.8984 → critical; worth ฿2,000.
//! - D2: received 5 on 2026-01-10, never sold → age 309 days → 0.9463.
//! - D3: never sold but received on 2026-10-01 → recent, not dead.
//! - D4: sold 20 last week → not dead, not slow. D5: no stock → not listed.
//! - S1 (slow mover): 9 sold in the last 90 days (0.1/day), 40 on hand → 400 days of cover.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ACME, Fixture, SHOP_LANNA, SHOP_SIAM, WAREHOUSE_SIAM, close, day};

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.product(11, "D1", "Running", "Core", 100.0, Some(ACME));
    f.sale(day("2026-03-01"), WAREHOUSE_SIAM, 11, 1, 200.0);
    f.stock(11, WAREHOUSE_SIAM, 20, 0, 0);
    f.product(12, "D2", "Running", "Core", 10.0, Some(ACME));
    f.moved(day("2026-01-10"), 12, SHOP_SIAM, 5, "receipt");
    f.stock(12, SHOP_SIAM, 5, 0, 0);
    f.product(13, "D3", "Running", "Core", 10.0, Some(ACME));
    f.moved(day("2026-10-01"), 13, SHOP_SIAM, 8, "receipt");
    f.stock(13, SHOP_SIAM, 8, 0, 0);
    f.product(14, "D4", "Running", "Core", 10.0, Some(ACME));
    f.sale(day("2026-11-10"), SHOP_SIAM, 14, 20, 20.0);
    f.stock(14, SHOP_SIAM, 8, 0, 0);
    f.product(15, "D5", "Running", "Core", 10.0, Some(ACME));
    f.stock(15, SHOP_LANNA, 0, 0, 0);
    f.product(16, "S1", "Running", "Core", 10.0, Some(ACME));
    f.sale(day("2026-09-01"), SHOP_SIAM, 16, 9, 20.0);
    f.stock(16, SHOP_SIAM, 40, 0, 0);
    f.refresh();
    f
}

#[test]
fn dead_stock_lists_unsold_stock_with_value_dates_and_score() {
    let f = fixture();
    let result = f.run(r#"{"tool":"dead_stock","params":{"days_without_sales":180}}"#);
    let skus: Vec<&str> = result
        .rows
        .iter()
        .map(|row| row["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["P12", "P11"], "{:#?}", result.rows);
    let d2 = &result.rows[0];
    assert_eq!(d2["last_sale"], "never sold");
    assert_eq!(d2["last_receipt"], "2026-01-10");
    close(d2["score"].as_f64(), 0.35 * 309.0 / 365.0 + 0.65);
    let d1 = &result.rows[1];
    assert_eq!(d1["last_sale"], "2026-03-01");
    assert_eq!(d1["days_since_sale"], 259);
    assert_eq!(d1["on_hand"], 20);
    close(d1["value"].as_f64(), 2000.0);
    close(d1["score"].as_f64(), 0.35 * 259.0 / 365.0 + 0.65);
    assert_eq!(d1["level"], "critical");
    assert!(
        d1["why"]
            .as_str()
            .unwrap()
            .contains("0.35×0.71 (age 259 days)"),
        "{}",
        d1["why"]
    );
    close(Some(result.kpis[2].raw), 2050.0);
    assert!(
        result
            .sentence
            .starts_with("2 products holding stock have no sale for 180 days or more")
    );
}

#[test]
fn a_store_filter_and_a_shorter_threshold() {
    let f = fixture();
    let result = f.run(
        r#"{"tool":"dead_stock","params":{"days_without_sales":30},
            "filters":[{"field":"store","values":["Shop Siam"]}]}"#,
    );
    let skus: Vec<&str> = result
        .rows
        .iter()
        .map(|row| row["sku"].as_str().unwrap())
        .collect();
    // D3 was received 45 days ago (not recent for 30 days); S1 last sold 75 days ago.
    assert_eq!(skus, ["P12", "P13", "P16"], "{:#?}", result.rows);
}

#[test]
fn slow_movers_are_the_second_list() {
    let f = fixture();
    let result = f.run(r#"{"tool":"dead_stock","params":{"list":"slow"}}"#);
    assert_eq!(result.rows.len(), 1, "{:#?}", result.rows);
    assert_eq!(result.text(0, "sku"), Some("P16"));
    // 0.1/day: velocity part 1 / (1 + 1) = 0.5; cover 400 days → 1.
    let age = (day("2026-11-15") - day("2026-09-01")).num_days() as f64;
    close(
        result.number(0, "score"),
        0.35 * age / 365.0 + 0.40 * 0.5 + 0.25,
    );
}
