//! A small store built row by row, so every expected figure can be worked out by hand.
//!
//! Two companies: SIAM (Shop Siam, Warehouse Siam) and LANNA (Shop Lanna); two suppliers.
//! Money is in baht; `today` is 2026-11-15, so the default 28-day window is 2026-10-18 to
//! 2026-11-14.

#![allow(clippy::unwrap_used, dead_code)] // test helpers fail loudly by design

use std::collections::BTreeSet;

use analyst_core::SemanticQuery;
use analyst_store::gold::refresh_daily_sales;
use analyst_store::{AccessMode, Connection, Location, Value};
use analyst_tools::{ToolContext, ToolResult};
use chrono::{Duration, NaiveDate};

pub const SHOP_SIAM: i64 = 1;
pub const WAREHOUSE_SIAM: i64 = 2;
pub const SHOP_LANNA: i64 = 3;
pub const ACME: i64 = 1;
pub const BETA: i64 = 2;

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn today() -> NaiveDate {
    day("2026-11-15")
}

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub connection: Box<dyn Connection>,
    next_id: std::cell::Cell<i64>,
    dates: std::cell::RefCell<BTreeSet<NaiveDate>>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let connection = analyst_store::open(
            &Location::DataDir(dir.path().to_path_buf()),
            AccessMode::ReadWrite,
        )
        .unwrap();
        let fixture = Fixture {
            _dir: dir,
            connection,
            next_id: std::cell::Cell::new(1),
            dates: Default::default(),
        };
        fixture.sql(
            "INSERT INTO silver.company (id, code, name, source) VALUES
             (1, 'SIAM', 'Siam Sport', 'test'), (2, 'LANNA', 'Lanna Outdoor', 'test')",
        );
        fixture.sql(
            "INSERT INTO silver.store (id, code, name, company_id, kind, source) VALUES
             (1, 'S1', 'Shop Siam', 1, 'store', 'test'),
             (2, 'W1', 'Warehouse Siam', 1, 'warehouse', 'test'),
             (3, 'S2', 'Shop Lanna', 2, 'store', 'test')",
        );
        fixture.sql(
            "INSERT INTO silver.supplier (id, name, source) VALUES
             (1, 'Acme Supply', 'test'), (2, 'Beta Trading', 'test')",
        );
        fixture
    }

    pub fn sql(&self, sql: &str) {
        self.connection.execute_batch(sql).unwrap();
    }

    fn id(&self) -> i64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        id
    }

    /// A product `id` (SKU `P{id}`) with a name, subcategory, season, standard cost and main
    /// supplier.
    pub fn product(
        &self,
        id: i64,
        name: &str,
        subcategory: &str,
        season: &str,
        cost: f64,
        supplier: Option<i64>,
    ) {
        let category = if subcategory == "Bags" {
            "Accessories"
        } else {
            "Footwear"
        };
        self.connection
            .execute(
                "INSERT INTO silver.product (id, template_id, name, sku, brand, category, subcategory,
                 gender, season, color, size, list_price, standard_cost, active, supplier_id, source)
                 VALUES ($1, $1, $2, $3, 'Stride', $4, $5, 'Unisex', $6, 'Black', '42', $7, $8, TRUE, $9, 'test')",
                &[
                    id.into(),
                    name.into(),
                    format!("P{id}").into(),
                    category.into(),
                    subcategory.into(),
                    season.into(),
                    Value::Float(cost * 2.0),
                    Value::Float(cost),
                    supplier.map_or(Value::Null, Value::Int),
                ],
            )
            .unwrap();
    }

    pub fn terms(&self, supplier: i64, product: i64, lead: i64, moq: i64, pack: i64, price: f64) {
        self.connection
            .execute(
                "INSERT INTO silver.supplier_product (supplier_id, product_id, lead_time_days, min_qty,
                 pack_size, price, source) VALUES ($1, $2, $3, $4, $5, $6, 'test')",
                &[supplier.into(), product.into(), lead.into(), moq.into(), pack.into(), Value::Float(price)],
            )
            .unwrap();
    }

    /// One sales line (a return when `qty < 0`) at `price` baht a unit, cost from the product.
    pub fn sale(&self, date: NaiveDate, store: i64, product: i64, qty: i64, price: f64) {
        self.sale_discounted(date, store, product, qty, price, 0.0);
    }

    /// A sales line that gave `discount` baht off in total.
    pub fn sale_discounted(
        &self,
        date: NaiveDate,
        store: i64,
        product: i64,
        qty: i64,
        price: f64,
        discount: f64,
    ) {
        let id = self.id();
        self.connection
            .execute(
                "INSERT INTO silver.sales_line (id, date, company_id, store_id, channel, customer_id,
                 product_id, order_ref, qty, net_amount, cost_amount, discount_amount, currency, source)
                 SELECT $1, $2, s.company_id, s.id, 'store', NULL, $3, $4, $5, $6,
                        $5 * p.standard_cost, $8, 'THB', 'test'
                 FROM silver.store s, silver.product p WHERE s.id = $7 AND p.id = $3",
                &[
                    id.into(),
                    date.into(),
                    product.into(),
                    format!("O{id}").into(),
                    qty.into(),
                    Value::Float(qty as f64 * price),
                    store.into(),
                    Value::Float(discount),
                ],
            )
            .unwrap();
        self.dates.borrow_mut().insert(date);
    }

    /// `qty` units sold every day from `first` to `last`.
    pub fn sell_daily(&self, first: &str, last: &str, store: i64, product: i64, qty: i64) {
        let mut date = day(first);
        while date <= day(last) {
            self.sale(date, store, product, qty, 100.0);
            date += Duration::days(1);
        }
    }

    pub fn stock(&self, product: i64, store: i64, on_hand: i64, reserved: i64, incoming: i64) {
        self.connection
            .execute(
                "INSERT INTO silver.stock_level (product_id, store_id, on_hand, reserved, incoming,
                 as_of, source) VALUES ($1, $2, $3, $4, $5, $6, 'test')",
                &[
                    product.into(),
                    store.into(),
                    on_hand.into(),
                    reserved.into(),
                    incoming.into(),
                    (today() - Duration::days(1)).into(),
                ],
            )
            .unwrap();
    }

    pub fn moved(&self, date: NaiveDate, product: i64, store: i64, qty: i64, kind: &str) {
        let id = self.id();
        self.connection
            .execute(
                "INSERT INTO silver.stock_move (id, date, product_id, store_id, qty, unit_cost, kind, source)
                 VALUES ($1, $2, $3, $4, $5, 0, $6, 'test')",
                &[id.into(), date.into(), product.into(), store.into(), qty.into(), kind.into()],
            )
            .unwrap();
    }

    /// Rebuilds the daily aggregates the tools read.
    pub fn refresh(&self) {
        refresh_daily_sales(self.connection.as_ref(), &self.dates.borrow()).unwrap();
    }

    pub fn run(&self, query: &str) -> ToolResult {
        self.try_run(query).unwrap()
    }

    pub fn try_run(&self, query: &str) -> Result<ToolResult, analyst_tools::ToolError> {
        let query: SemanticQuery = serde_json::from_str(query).unwrap();
        analyst_tools::run(self.connection.as_ref(), &query, &ToolContext::on(today()))
    }
}

/// Asserts two figures are equal to 0.01.
pub fn close(actual: Option<f64>, expected: f64) {
    let actual = actual.unwrap_or(f64::NAN);
    assert!(
        (actual - expected).abs() < 0.011,
        "expected {expected}, got {actual}"
    );
}
