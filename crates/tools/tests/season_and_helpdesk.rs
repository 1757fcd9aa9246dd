//! `season_performance` and `helpdesk_summary` on hand-built stores (today 2026-11-15).
//!
//! Season AW26 runs from 2026-08-01: 105 days to 2026-11-14, 15 weeks. AW25 is measured
//! from 2025-08-01 to 2025-11-14.
//! - P21 (AW26, Footwear): 30 sold for ฿3,000, 70 on hand → 30% sell-through.
//! - P22 (AW25, Footwear): 40 sold for ฿4,000 by 2025-11-14 (10 more on 2025-12-01 do not
//!   count); none on hand today, but 10 sold and 50 cleared since → 60 on hand then → 40%.
//! - P23 (AW26, Accessories): 5 sold for ฿500, 15 on hand → 25%.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ACME, Fixture, SHOP_SIAM, close, day};

fn season_fixture() -> Fixture {
    let f = Fixture::new();
    f.product(21, "Autumn Runner", "Running", "AW26", 40.0, Some(ACME));
    f.sale(day("2026-09-10"), SHOP_SIAM, 21, 30, 100.0);
    f.stock(21, SHOP_SIAM, 70, 0, 0);
    f.product(22, "Old Runner", "Running", "AW25", 40.0, Some(ACME));
    f.sale(day("2025-09-10"), SHOP_SIAM, 22, 40, 100.0);
    f.sale(day("2025-12-01"), SHOP_SIAM, 22, 10, 100.0);
    f.moved(day("2025-12-01"), 22, SHOP_SIAM, -10, "sale");
    f.moved(day("2026-02-01"), 22, SHOP_SIAM, -50, "adjustment");
    f.stock(22, SHOP_SIAM, 0, 0, 0);
    f.product(23, "Autumn Bag", "Bags", "AW26", 30.0, Some(ACME));
    f.sale(day("2026-10-01"), SHOP_SIAM, 23, 5, 100.0);
    f.stock(23, SHOP_SIAM, 15, 0, 0);
    f.product(24, "Core Runner", "Running", "Core", 30.0, Some(ACME));
    f.sale(day("2026-10-01"), SHOP_SIAM, 24, 7, 100.0);
    f.refresh();
    f
}

#[test]
fn a_season_against_the_previous_like_season_at_the_same_point() {
    let f = season_fixture();
    let result = f.run(
        r#"{"tool":"season_performance","dimensions":["category"],
            "filters":[{"field":"season","values":["aw26"]}]}"#,
    );
    assert_eq!(result.rows.len(), 2, "{:#?}", result.rows);
    let footwear = &result.rows[0];
    assert_eq!(footwear["category"], "Footwear");
    assert_eq!(footwear["units"], 30);
    close(footwear["revenue"].as_f64(), 3000.0);
    close(footwear["sell_through_pct"].as_f64(), 30.0);
    assert_eq!(footwear["previous_units"], 40);
    close(footwear["previous_sell_through_pct"].as_f64(), 40.0);
    close(footwear["revenue_change_pct"].as_f64(), -25.0);
    let bags = &result.rows[1];
    assert_eq!(bags["category"], "Accessories");
    close(bags["sell_through_pct"].as_f64(), 25.0);
    assert!(bags["previous_sell_through_pct"].is_null());
    let total = result.total_row.as_ref().unwrap();
    close(total["sell_through_pct"].as_f64(), 35.0 / 120.0 * 100.0);
    assert!(
        result
            .sentence
            .starts_with("AW26 after 15 weeks (to 2026-11-14): 35 units"),
        "{}",
        result.sentence
    );
    assert_eq!(result.params["previous_season"], "AW25");
}

#[test]
fn core_and_future_seasons_are_refused_with_what_fits() {
    let f = season_fixture();
    let error = f
        .try_run(
            r#"{"tool":"season_performance","filters":[{"field":"season","values":["Core"]}]}"#,
        )
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("not a dated season; name one such as AW25"),
        "{error}"
    );
    let error = f
        .try_run(r#"{"tool":"season_performance"}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("which season?"), "{error}");
}

fn helpdesk_fixture() -> Fixture {
    let f = Fixture::new();
    f.sql(
        "INSERT INTO silver.helpdesk_ticket (id, company_id, team, stage, priority, created, closed,
             sla_deadline, customer_id, subject, source) VALUES
         (1, 1, 'Customer Care', 'Solved', 1, DATE '2026-11-01', DATE '2026-11-03', DATE '2026-11-02', NULL, 'a', 'test'),
         (2, 1, 'Customer Care', 'Solved', 2, DATE '2026-11-05', DATE '2026-11-06', DATE '2026-11-10', NULL, 'b', 'test'),
         (3, 1, 'Customer Care', 'New', 3, DATE '2026-11-10', NULL, DATE '2026-11-12', NULL, 'c', 'test'),
         (4, 1, 'Online Orders', 'Solved', 1, DATE '2026-09-01', DATE '2026-11-02', DATE '2026-09-05', NULL, 'd', 'test'),
         (5, 1, 'Online Orders', 'In Progress', 0, DATE '2026-11-14', NULL, DATE '2026-11-20', NULL, 'e', 'test'),
         (6, 1, 'Online Orders', 'Solved', 0, DATE '2026-08-01', DATE '2026-08-03', DATE '2026-08-05', NULL, 'f', 'test')",
    );
    f
}

#[test]
fn tickets_by_team_with_resolution_times_and_sla_breaches() {
    let f = helpdesk_fixture();
    let result = f.run(r#"{"tool":"helpdesk_summary","dimensions":["team"]}"#);
    assert_eq!(result.rows.len(), 2);
    let care = &result.rows[0];
    assert_eq!(care["team"], "Customer Care");
    assert_eq!(
        (
            care["open"].clone(),
            care["created"].clone(),
            care["closed"].clone()
        ),
        (1.into(), 3.into(), 2.into())
    );
    close(care["avg_resolution_days"].as_f64(), 1.5);
    close(care["p90_resolution_days"].as_f64(), 1.9);
    assert_eq!(care["sla_breaches"], 2);
    let online = &result.rows[1];
    close(online["avg_resolution_days"].as_f64(), 62.0);
    assert_eq!(online["sla_breaches"], 1);
    let total = result.total_row.as_ref().unwrap();
    assert_eq!(total["open"], 2);
    assert_eq!(total["created"], 4);
    close(total["avg_resolution_days"].as_f64(), 65.0 / 3.0);
    close(total["p90_resolution_days"].as_f64(), 50.0);
    assert_eq!(total["sla_breaches"], 3);
    assert!(
        result.sentence.starts_with("2 tickets open now"),
        "{}",
        result.sentence
    );
}

#[test]
fn open_tickets_by_priority_for_one_team() {
    let f = helpdesk_fixture();
    let result = f.run(
        r#"{"tool":"helpdesk_summary","dimensions":["priority"],"params":{"state":"open"},
            "filters":[{"field":"team","values":["customer care"]}]}"#,
    );
    assert_eq!(result.rows.len(), 1, "{:#?}", result.rows);
    assert_eq!(result.rows[0]["priority"], "3");
    assert!(result.rows[0]["avg_resolution_days"].is_null());
    let error = f
        .try_run(r#"{"tool":"helpdesk_summary","dimensions":["brand"]}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("team, stage, priority, customer, company"),
        "{error}"
    );
}
