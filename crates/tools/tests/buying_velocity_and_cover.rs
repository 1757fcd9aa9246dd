//! `stock_coverage` and `buying_velocity` on a hand-built store (window 2026-10-18 to
//! 2026-11-14, 28 days). The products:
//! - P1 Runner: 2 a day for 14 days at Shop Siam = 28 units → 1.0/day; 10 on hand, 2 reserved,
//!   5 incoming → 8 available → 8 days of cover, out on 2026-11-23. The 28 days before: 14
//!   units → 0.5/day → trend +100%. Also at Shop Lanna (the other company): 7 units → 0.25/day,
//!   14 on hand → 56 days.
//! - P2 Sandal: received 14 on 2026-10-01, sold 1 a day 10-18..10-31, then none left: 14 units
//!   over 14 days in stock (14 stock-out days left out) → 1.0/day; 0 on hand → out of stock.
//! - P3 Bag: 50 in the warehouse, no sale → "no recent demand", no cover figure.
//! - P5 Trainer: 10 sold, 4 returned → 6 net ÷ 28 = 0.2143/day; 100 on hand → 466.67 days.
//! - P6 Racer: 1 a day for 28 days, stock −3 (negative) → out of stock.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ACME, Fixture, SHOP_LANNA, SHOP_SIAM, WAREHOUSE_SIAM, close, day};

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.product(1, "Runner", "Running", "Core", 40.0, Some(ACME));
    f.product(2, "Sandal", "Sandals", "Core", 20.0, Some(ACME));
    f.product(3, "Bag", "Bags", "Core", 30.0, Some(ACME));
    f.product(5, "Trainer", "Running", "Core", 50.0, Some(ACME));
    f.product(6, "Racer", "Running", "Core", 60.0, Some(ACME));
    f.sell_daily("2026-10-18", "2026-10-31", SHOP_SIAM, 1, 2);
    f.sell_daily("2026-10-04", "2026-10-17", SHOP_SIAM, 1, 1);
    f.stock(1, SHOP_SIAM, 10, 2, 5);
    f.sell_daily("2026-11-08", "2026-11-14", SHOP_LANNA, 1, 1);
    f.stock(1, SHOP_LANNA, 14, 0, 0);
    f.moved(day("2026-10-01"), 2, SHOP_SIAM, 14, "receipt");
    f.sell_daily("2026-10-18", "2026-10-31", SHOP_SIAM, 2, 1);
    let mut date = day("2026-10-18");
    while date <= day("2026-10-31") {
        f.moved(date, 2, SHOP_SIAM, -1, "sale");
        date += chrono::Duration::days(1);
    }
    f.stock(2, SHOP_SIAM, 0, 0, 0);
    f.stock(3, WAREHOUSE_SIAM, 50, 0, 0);
    f.sale(day("2026-11-01"), SHOP_SIAM, 5, 10, 100.0);
    f.sale(day("2026-11-05"), SHOP_SIAM, 5, -4, 100.0);
    f.stock(5, SHOP_SIAM, 100, 0, 0);
    f.sell_daily("2026-10-18", "2026-11-14", SHOP_SIAM, 6, 1);
    f.stock(6, SHOP_SIAM, -3, 0, 0);
    f.refresh();
    f
}

#[test]
fn coverage_within_a_horizon_lists_what_runs_out_most_urgent_first() {
    let f = fixture();
    let result = f.run(r#"{"tool":"stock_coverage","params":{"horizon_days":14}}"#);
    let skus: Vec<&str> = (0..result.rows.len())
        .map(|i| result.text(i, "sku").unwrap())
        .collect();
    assert_eq!(skus, ["P2", "P6", "P1"], "{:#?}", result.rows);
    assert_eq!(result.total_count, 3);
    // P2: out of stock, rate from its 14 days in stock.
    close(result.number(0, "velocity"), 1.0);
    close(result.number(0, "cover_days"), 0.0);
    assert_eq!(result.text(0, "status"), Some("out of stock"));
    assert!(
        result
            .text(0, "why")
            .unwrap()
            .contains("14 stock-out days excluded")
    );
    // P6: negative stock is out of stock, not a negative cover.
    close(result.number(1, "available"), -3.0);
    assert_eq!(result.text(1, "status"), Some("out of stock"));
    // P1 at Siam Sport: 8 available ÷ 1.0/day.
    close(result.number(2, "available"), 8.0);
    close(result.number(2, "incoming"), 5.0);
    close(result.number(2, "cover_days"), 8.0);
    assert_eq!(result.text(2, "stockout_date"), Some("2026-11-23"));
    assert_eq!(result.text(2, "status"), Some("urgent"));
    assert_eq!(result.text(2, "confidence"), Some("high"));
    assert_eq!(result.text(2, "company"), Some("Siam Sport"));
    assert!(
        result
            .sentence
            .starts_with("3 products run out within 14 days"),
        "{}",
        result.sentence
    );
    assert!(
        result
            .formula
            .contains("(on hand − reserved) ÷ units sold per day")
    );
}

#[test]
fn coverage_without_a_horizon_shows_idle_stock_and_each_company_apart() {
    let f = fixture();
    let result = f.run(r#"{"tool":"stock_coverage"}"#);
    assert_eq!(result.total_count, 6);
    let lanna = result
        .rows
        .iter()
        .find(|row| row["company"] == "Lanna Outdoor")
        .unwrap();
    assert_eq!(lanna["sku"], "P1");
    assert_eq!(lanna["cover_days"].as_f64(), Some(56.0));
    assert_eq!(lanna["status"], "above target");
    let trainer = result.row_where("sku", "P5").unwrap();
    close(trainer["velocity"].as_f64(), 6.0 / 28.0);
    close(trainer["cover_days"].as_f64(), 100.0 / (6.0 / 28.0));
    assert_eq!(trainer["status"], "overstocked");
    assert_eq!(trainer["confidence"], "low");
    let bag = result.row_where("sku", "P3").unwrap();
    assert_eq!(bag["status"], "no recent demand");
    assert!(bag["cover_days"].is_null());
    // Most urgent first; idle stock last.
    assert_eq!(result.text(5, "sku"), Some("P3"));
    close(result.kpis[2].raw.into(), 1.0);
}

#[test]
fn velocity_per_day_and_week_with_the_trend_and_stock_outs_left_out() {
    let f = fixture();
    let result = f.run(r#"{"tool":"buying_velocity"}"#);
    let order: Vec<(&str, &str)> = result
        .rows
        .iter()
        .map(|row| {
            (
                row["sku"].as_str().unwrap(),
                row["company"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("P1", "Siam Sport"),
            ("P6", "Siam Sport"),
            ("P2", "Siam Sport"),
            ("P1", "Lanna Outdoor"),
            ("P5", "Siam Sport")
        ]
    );
    close(result.number(0, "per_day"), 1.0);
    close(result.number(0, "per_week"), 7.0);
    close(result.number(0, "previous_per_day"), 0.5);
    close(result.number(0, "trend_pct"), 100.0);
    close(result.number(2, "per_day"), 1.0);
    assert!(
        result
            .text(2, "why")
            .unwrap()
            .contains("14 net units ÷ 14 days in stock (14 stock-out days left out)")
    );
    close(result.number(4, "per_day"), 6.0 / 28.0);
    assert_eq!(result.text(4, "confidence"), Some("low"));
}

#[test]
fn velocity_by_a_product_dimension_within_one_company() {
    let f = fixture();
    let result = f.run(
        r#"{"tool":"buying_velocity","dimensions":["subcategory"],
            "filters":[{"field":"company","values":["siam sport"]}]}"#,
    );
    assert_eq!(result.rows.len(), 2);
    assert_eq!(result.text(0, "subcategory"), Some("Running"));
    close(result.number(0, "units"), 62.0);
    close(result.number(0, "per_day"), 1.0 + 1.0 + 6.0 / 28.0);
    assert_eq!(result.text(1, "subcategory"), Some("Sandals"));
    close(result.number(1, "per_day"), 1.0);
}

#[test]
fn wrong_parameters_and_dimensions_say_what_fits() {
    let f = fixture();
    let error = f
        .try_run(r#"{"tool":"stock_coverage","params":{"horizon_days":0}}"#)
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "stock_coverage: 'horizon_days' must be between 1 and 3650, not 0"
    );
    let error = f
        .try_run(r#"{"tool":"stock_coverage","dimensions":["customer"]}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("stock_coverage cannot group by customer"),
        "{error}"
    );
    let error = f
        .try_run(r#"{"tool":"buying_velocity","filters":[{"field":"brand","values":["Stryde"]}]}"#)
        .unwrap_err()
        .to_string();
    assert_eq!(error, "unknown brand 'Stryde' — did you mean Stride?");
}
