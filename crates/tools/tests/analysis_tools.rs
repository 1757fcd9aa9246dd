//! `abc_analysis`, `margin_analysis`, `inventory_valuation`, `stock_aging`,
//! `refund_return_impact`, `ar_aging` and `ap_aging` on hand-built stores (today 2026-11-15);
//! each test's comment works the expected figures out.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ACME, Fixture, SHOP_SIAM, WAREHOUSE_SIAM, close, day};

#[test]
fn abc_classes_by_cumulative_revenue_share_with_stock_value() {
    // Revenue 800 / 150 / 50 / 0: A1 starts at 0% → A; A2 starts at 80% → B; A3 at 95% → C;
    // A4 sold nothing → C. Stock at cost: A1 10 × 40; A3 5 × 10; A4 20 × 5.
    let f = Fixture::new();
    for (id, name, cost, units, price, stock) in [
        (1, "A1", 40.0, 8, 100.0, 10),
        (2, "A2", 20.0, 3, 50.0, 0),
        (3, "A3", 10.0, 1, 50.0, 5),
        (4, "A4", 5.0, 0, 0.0, 20),
    ] {
        f.product(id, name, "Running", "Core", cost, Some(ACME));
        if units > 0 {
            f.sale(day("2026-06-01"), SHOP_SIAM, id, units, price);
        }
        if stock > 0 {
            f.stock(id, SHOP_SIAM, stock, 0, 0);
        }
    }
    f.refresh();
    let result = f.run(r#"{"tool":"abc_analysis"}"#);
    let classes: Vec<(&str, &str)> = result
        .rows
        .iter()
        .map(|row| {
            (
                row["product"].as_str().unwrap(),
                row["class"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        classes,
        [("A1", "A"), ("A2", "B"), ("A3", "C"), ("A4", "C")]
    );
    close(result.number(1, "cumulative_pct"), 95.0);
    let kpi = |label: &str| result.kpis.iter().find(|k| k.label == label).unwrap().raw;
    assert_eq!(
        (kpi("Class A"), kpi("Class B"), kpi("Class C")),
        (1.0, 1.0, 2.0)
    );
    assert_eq!(
        (kpi("Stock A"), kpi("Stock B"), kpi("Stock C")),
        (400.0, 0.0, 150.0)
    );
}

#[test]
fn margin_with_discount_impact_and_products_below_cost() {
    // Running: 10 × ฿100 = 1,000 revenue, cost 400, discount 100 → margin 600 (60%); before
    // discount 700 ÷ 1,100 = 63.64% → 3.64 points. Sandals: 2 × ฿50 = 100, cost 120 → −20.
    let f = Fixture::new();
    f.product(1, "M1", "Running", "Core", 40.0, Some(ACME));
    f.product(2, "M2", "Sandals", "Core", 60.0, Some(ACME));
    f.sale_discounted(day("2026-11-01"), SHOP_SIAM, 1, 10, 100.0, 100.0);
    f.sale(day("2026-11-02"), SHOP_SIAM, 2, 2, 50.0);
    f.refresh();
    let result = f.run(r#"{"tool":"margin_analysis","dimensions":["subcategory"]}"#);
    let running = result.row_where("subcategory", "Running").unwrap();
    close(running["margin"].as_f64(), 600.0);
    close(running["margin_pct"].as_f64(), 60.0);
    close(
        running["margin_pct_before_discount"].as_f64(),
        700.0 / 1100.0 * 100.0,
    );
    close(
        running["discount_impact_pts"].as_f64(),
        700.0 / 1100.0 * 100.0 - 60.0,
    );
    let total = result.total_row.as_ref().unwrap();
    close(total["margin"].as_f64(), 580.0);
    let below = f.run(r#"{"tool":"margin_analysis","params":{"list":"below_cost"}}"#);
    assert_eq!(below.rows.len(), 1);
    assert_eq!(below.text(0, "sku"), Some("P2"));
    close(below.number(0, "margin"), -20.0);
}

#[test]
fn inventory_value_at_a_past_date_rolls_the_stock_moves_back() {
    // V1 (cost ฿10): 5 on hand today; +10 received 2026-11-01, −5 sold 2026-11-10 → 10 on
    // 2026-11-05, 0 on 2026-10-31. V2 (cost ฿20): 3 in the warehouse, no moves.
    let f = Fixture::new();
    f.product(1, "V1", "Running", "Core", 10.0, Some(ACME));
    f.product(2, "V2", "Running", "Core", 20.0, Some(ACME));
    f.stock(1, SHOP_SIAM, 5, 0, 0);
    f.moved(day("2026-11-01"), 1, SHOP_SIAM, 10, "receipt");
    f.moved(day("2026-11-10"), 1, SHOP_SIAM, -5, "sale");
    f.stock(2, WAREHOUSE_SIAM, 3, 0, 0);
    let result = f.run(r#"{"tool":"inventory_valuation","dimensions":["product"],"params":{"as_of":"2026-11-05"}}"#);
    assert_eq!(result.text(0, "product"), Some("V1"));
    close(result.number(0, "qty"), 10.0);
    close(result.number(0, "value"), 100.0);
    close(result.kpis[1].raw.into(), 160.0);
    let earlier = f.run(
        r#"{"tool":"inventory_valuation","dimensions":["store"],"params":{"as_of":"2026-10-31"}}"#,
    );
    assert_eq!(earlier.rows.len(), 1);
    assert_eq!(earlier.text(0, "store"), Some("Warehouse Siam"));
    let today = f.run(r#"{"tool":"inventory_valuation"}"#);
    close(today.kpis[1].raw.into(), 110.0);
}

#[test]
fn stock_aging_lists_old_sellers_even_when_received_recently() {
    // G1: last sale 2026-07-01 (137 days), received again 2026-11-01; G2 never sold; G3 sold
    // 45 days ago.
    let f = Fixture::new();
    f.product(1, "G1", "Running", "Core", 10.0, Some(ACME));
    f.sale(day("2026-07-01"), SHOP_SIAM, 1, 1, 20.0);
    f.moved(day("2026-11-01"), 1, SHOP_SIAM, 4, "receipt");
    f.stock(1, SHOP_SIAM, 4, 0, 0);
    f.product(2, "G2", "Running", "Core", 10.0, Some(ACME));
    f.stock(2, SHOP_SIAM, 2, 0, 0);
    f.product(3, "G3", "Running", "Core", 10.0, Some(ACME));
    f.sale(day("2026-10-01"), SHOP_SIAM, 3, 1, 20.0);
    f.stock(3, SHOP_SIAM, 2, 0, 0);
    f.refresh();
    let result = f.run(r#"{"tool":"stock_aging"}"#);
    let skus: Vec<&str> = result
        .rows
        .iter()
        .map(|row| row["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["P2", "P1"], "{:#?}", result.rows);
    assert_eq!(result.text(0, "last_sale"), Some("never sold"));
    assert_eq!(result.rows[1]["days_since_sale"], 137);
    close(result.number(1, "value"), 40.0);
    let dead = f.run(r#"{"tool":"dead_stock","params":{"days_without_sales":90}}"#);
    assert_eq!(dead.rows.len(), 1, "a recent receipt is not dead stock");
}

#[test]
fn refunds_against_gross_sales_by_brand_and_month() {
    // 10 × ฿100 sold, 2 returned: gross 1,000, refunds 200, net 800 → 20%.
    let f = Fixture::new();
    f.product(1, "F1", "Running", "Core", 40.0, Some(ACME));
    f.sale(day("2026-10-01"), SHOP_SIAM, 1, 10, 100.0);
    f.sale(day("2026-10-05"), SHOP_SIAM, 1, -2, 100.0);
    f.refresh();
    let result = f.run(r#"{"tool":"refund_return_impact"}"#);
    assert_eq!(result.text(0, "brand"), Some("Stride"));
    close(result.number(0, "gross"), 1000.0);
    close(result.number(0, "refunds"), 200.0);
    close(result.number(0, "net"), 800.0);
    close(result.number(0, "refund_rate_pct"), 20.0);
    close(result.number(0, "unit_return_rate_pct"), 20.0);
    let monthly = f.run(r#"{"tool":"refund_return_impact","dimensions":["month"]}"#);
    assert_eq!(monthly.text(0, "month"), Some("2026-10-01"));
}

fn invoices() -> Fixture {
    let f = Fixture::new();
    f.sql(
        "INSERT INTO silver.customer (id, name, segment, company_id, source) VALUES
             (1, 'Korat Sports Mart', 'wholesale', 1, 'test');
         INSERT INTO silver.invoice (id, company_id, kind, number, customer_id, supplier_id, date,
             due_date, amount, residual, payment_state, source) VALUES
         (1, 1, 'out_invoice', 'I1', 1, NULL, DATE '2026-10-21', DATE '2026-11-20', 100, 100, 'not_paid', 'test'),
         (2, 1, 'out_invoice', 'I2', 1, NULL, DATE '2026-10-02', DATE '2026-11-01', 200, 200, 'not_paid', 'test'),
         (3, 1, 'out_invoice', 'I3', 1, NULL, DATE '2026-07-02', DATE '2026-08-01', 300, 300, 'not_paid', 'test'),
         (4, 1, 'out_invoice', 'I4', 1, NULL, DATE '2026-10-02', DATE '2026-11-01', 400, 0, 'paid', 'test'),
         (5, 1, 'out_refund', 'R1', 1, NULL, DATE '2026-10-11', DATE '2026-11-10', 50, 50, 'not_paid', 'test'),
         (6, 1, 'in_invoice', 'B1', NULL, 1, DATE '2026-09-01', DATE '2026-10-01', 1000, 1000, 'not_paid', 'test')",
    );
    f
}

#[test]
fn receivables_in_overdue_buckets_today_and_at_a_past_date() {
    // Today: I1 current 100; I2 14 days late 200 and the refund 5 days late −50 → 1-30: 150;
    // I3 106 days late → 90+: 300.
    let f = invoices();
    let result = f.run(r#"{"tool":"ar_aging"}"#);
    assert_eq!(result.text(0, "customer"), Some("Korat Sports Mart"));
    close(result.number(0, "current"), 100.0);
    close(result.number(0, "overdue_1_30"), 150.0);
    close(result.number(0, "overdue_90_plus"), 300.0);
    close(result.number(0, "total"), 550.0);
    assert_eq!(result.rows[0]["documents"], 4);
    // On 2026-10-15: I1 not yet issued; I2 and the refund not yet due; I3 75 days late.
    let earlier = f.run(r#"{"tool":"ar_aging","params":{"as_of":"2026-10-15"}}"#);
    close(earlier.number(0, "current"), 150.0);
    close(earlier.number(0, "overdue_61_90"), 300.0);
}

#[test]
fn payables_by_supplier() {
    let f = invoices();
    let result = f.run(r#"{"tool":"ap_aging"}"#);
    assert_eq!(result.text(0, "supplier"), Some("Acme Supply"));
    close(result.number(0, "overdue_31_60"), 1000.0);
    assert!(
        result
            .sentence
            .starts_with("On 2026-11-15 we owe suppliers ฿1,000"),
        "{}",
        result.sentence
    );
}
