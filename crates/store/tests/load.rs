//! The bulk loader on both backends: one row of every canonical table goes in and comes back
//! whole, each field in its column; sales dates are reported for the gold rebuild.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use analyst_core::rows::{
    Channel, Company, Customer, HelpdeskTicket, Invoice, Product, PurchaseLine, PurchaseOrder,
    SalesLine, StockLevel, StockMove, Store, StoreKind, Supplier, SupplierProduct, UploadError,
    UploadLine,
};
use analyst_store::on_both_backends;
use analyst_store::testkit::{Backend, TestStore};
use analyst_store::{Connection, Value};
use chrono::NaiveDate;

on_both_backends!(every_canonical_table_loads_field_by_field);

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

fn text(value: &str) -> Value {
    Value::Text(value.into())
}

/// The table's rows, every column but those named in `skip`, in column order.
fn rows_of(connection: &dyn Connection, table: &str, skip: &[&str]) -> Vec<Vec<Value>> {
    let found = connection
        .query(&format!("SELECT * FROM {table} ORDER BY 1"), &[])
        .unwrap();
    found
        .rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .zip(&found.columns)
                .filter(|(_, column)| !skip.contains(&column.as_str()))
                .map(|(value, _)| value)
                .collect()
        })
        .collect()
}

fn every_canonical_table_loads_field_by_field(backend: Backend) {
    let (_store, connection) = TestStore::fresh(backend);
    let mut loader = connection.bulk_loader().unwrap();
    let source = "fixture";
    loader
        .companies(
            &[Company {
                id: 1,
                code: "SIAM".into(),
                name: "Siam \"Sport\", Co.".into(),
            }],
            source,
        )
        .unwrap();
    loader
        .stores(
            &[Store {
                id: 2,
                code: "WH".into(),
                name: "".into(),
                company_id: 1,
                kind: StoreKind::Warehouse,
            }],
            source,
        )
        .unwrap();
    loader
        .customers(
            &[Customer {
                id: 3,
                name: "ร้านค้า".into(),
                segment: "vip".into(),
                company_id: 1,
            }],
            source,
        )
        .unwrap();
    loader
        .suppliers(
            &[Supplier {
                id: 4,
                name: "Stride Trading".into(),
            }],
            source,
        )
        .unwrap();
    loader
        .products(
            &[Product {
                id: 5,
                template_id: 50,
                name: "Runner".into(),
                sku: "RUN-1".into(),
                barcode: None,
                brand: "Stride".into(),
                category: "Footwear".into(),
                subcategory: "Running".into(),
                gender: "Women".into(),
                season: "AW25".into(),
                color: "Red".into(),
                size: "38".into(),
                list_price: 399_900,
                standard_cost: 150_001,
                active: false,
                supplier_id: 4,
            }],
            source,
        )
        .unwrap();
    loader
        .supplier_products(
            &[SupplierProduct {
                supplier_id: 4,
                product_id: 5,
                lead_time_days: 21,
                min_qty: 12,
                pack_size: 6,
                price: 149_950,
            }],
            source,
        )
        .unwrap();
    loader
        .sales_lines(&[
            SalesLine {
                id: 6,
                date: day(2),
                company_id: 1,
                store_id: 2,
                channel: Channel::Online,
                customer_id: Some(3),
                product_id: 5,
                order_ref: "WEB/6".into(),
                qty: -2,
                net_amount: -79_980,
                cost_amount: -30_000,
                discount_amount: 1,
                source: "shop".into(),
                source_ref: "line-6".into(),
            },
            SalesLine {
                id: 7,
                date: day(9),
                customer_id: None,
                ..sales_line_template()
            },
        ])
        .unwrap();
    loader
        .stock_levels(
            &[StockLevel {
                product_id: 5,
                store_id: 2,
                on_hand: 40,
                reserved: 3,
                incoming: 12,
                as_of: day(1),
            }],
            source,
        )
        .unwrap();
    loader
        .stock_moves(
            &[StockMove {
                id: 8,
                date: day(3),
                product_id: 5,
                store_id: 2,
                qty: -1,
                unit_cost: 150_001,
                kind: "sale".into(),
                reference: "WEB/6".into(),
            }],
            source,
        )
        .unwrap();
    loader
        .purchase_orders(
            &[PurchaseOrder {
                id: 9,
                name: "PO/9".into(),
                company_id: 1,
                supplier_id: 4,
                store_id: 2,
                state: "purchase".into(),
                order_date: day(4),
                expected_date: day(25),
            }],
            source,
        )
        .unwrap();
    loader
        .purchase_lines(
            &[PurchaseLine {
                id: 10,
                order_id: 9,
                product_id: 5,
                qty_ordered: 24,
                qty_received: 0,
                price: 149_950,
            }],
            source,
        )
        .unwrap();
    loader
        .helpdesk_tickets(
            &[HelpdeskTicket {
                id: 11,
                company_id: 1,
                team: "Online".into(),
                stage: "New".into(),
                priority: 2,
                created: day(5),
                closed: None,
                sla_deadline: day(7),
                customer_id: Some(3),
                subject: "Wrong size".into(),
            }],
            source,
        )
        .unwrap();
    loader
        .invoices(
            &[Invoice {
                id: 12,
                company_id: 1,
                kind: "out_refund".into(),
                number: "RINV/12".into(),
                customer_id: Some(3),
                supplier_id: None,
                date: day(6),
                due_date: day(20),
                amount: -79_980,
                residual: 0,
                payment_state: "paid".into(),
            }],
            source,
        )
        .unwrap();
    loader
        .upload_lines(&[UploadLine {
            batch_id: 13,
            line: 2,
            date: day(8),
            store_code: Some("WH".into()),
            store_name: None,
            sku: Some("RUN-1".into()),
            barcode: None,
            product_name: None,
            brand: None,
            category: None,
            subcategory: None,
            customer: None,
            order_ref: Some("SO-1".into()),
            qty: 3,
            net_amount: 119_970,
            discount_amount: 0,
        }])
        .unwrap();
    loader
        .upload_errors(&[UploadError {
            batch_id: 13,
            line: 3,
            column: "qty".into(),
            value: "".into(),
            reason: "not a number".into(),
        }])
        .unwrap();
    let touched = loader.finish().unwrap();
    assert_eq!(touched.into_iter().collect::<Vec<_>>(), [day(2), day(9)]);

    let fixture = text(source);
    let c = connection.as_ref();
    assert_eq!(
        rows_of(c, "silver.company", &[]),
        [vec![
            Value::Int(1),
            text("SIAM"),
            text("Siam \"Sport\", Co."),
            fixture.clone(),
            Value::Null
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.store", &[]),
        [vec![
            Value::Int(2),
            text("WH"),
            text(""),
            Value::Int(1),
            text("warehouse"),
            fixture.clone(),
            Value::Null
        ]],
        "an empty name stays empty, not NULL"
    );
    assert_eq!(
        rows_of(c, "silver.customer", &[]),
        [vec![
            Value::Int(3),
            text("ร้านค้า"),
            text("vip"),
            Value::Int(1),
            fixture.clone(),
            Value::Null
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.supplier", &[]),
        [vec![
            Value::Int(4),
            text("Stride Trading"),
            fixture.clone(),
            Value::Null
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.product", &[]),
        [vec![
            Value::Int(5),
            Value::Int(50),
            text("Runner"),
            text("RUN-1"),
            text("Stride"),
            text("Footwear"),
            text("Running"),
            text("Women"),
            text("AW25"),
            text("Red"),
            text("38"),
            Value::Float(3999.0),
            Value::Float(1500.01),
            Value::Bool(false),
            Value::Int(4),
            fixture.clone(),
            Value::Null,
            Value::Null,
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.supplier_product", &[]),
        [vec![
            Value::Int(4),
            Value::Int(5),
            Value::Int(21),
            Value::Int(12),
            Value::Int(6),
            Value::Float(1499.5),
            fixture.clone(),
            Value::Null,
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.sales_line", &[]),
        [
            vec![
                Value::Int(6),
                Value::Date(day(2)),
                Value::Int(1),
                Value::Int(2),
                text("online"),
                Value::Int(3),
                Value::Int(5),
                text("WEB/6"),
                Value::Int(-2),
                Value::Float(-799.8),
                Value::Float(-300.0),
                Value::Float(0.01),
                text("THB"),
                text("shop"),
                text("line-6"),
            ],
            vec![
                Value::Int(7),
                Value::Date(day(9)),
                Value::Int(1),
                Value::Int(2),
                text("store"),
                Value::Null,
                Value::Int(5),
                text("POS/7"),
                Value::Int(1),
                Value::Float(100.0),
                Value::Float(40.0),
                Value::Float(0.0),
                text("THB"),
                text("pos"),
                text("line-7"),
            ],
        ]
    );
    assert_eq!(
        rows_of(c, "silver.stock_level", &[]),
        [vec![
            Value::Int(5),
            Value::Int(2),
            Value::Int(40),
            Value::Int(3),
            Value::Int(12),
            Value::Date(day(1)),
            fixture.clone()
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.stock_move", &[]),
        [vec![
            Value::Int(8),
            Value::Date(day(3)),
            Value::Int(5),
            Value::Int(2),
            Value::Int(-1),
            Value::Float(1500.01),
            text("sale"),
            text("WEB/6"),
            fixture.clone(),
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.purchase_order", &[]),
        [vec![
            Value::Int(9),
            text("PO/9"),
            Value::Int(1),
            Value::Int(4),
            Value::Int(2),
            text("purchase"),
            Value::Date(day(4)),
            Value::Date(day(25)),
            fixture.clone(),
            Value::Null,
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.purchase_line", &[]),
        [vec![
            Value::Int(10),
            Value::Int(9),
            Value::Int(5),
            Value::Int(24),
            Value::Int(0),
            Value::Float(1499.5),
            fixture.clone()
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.helpdesk_ticket", &[]),
        [vec![
            Value::Int(11),
            Value::Int(1),
            text("Online"),
            text("New"),
            Value::Int(2),
            Value::Date(day(5)),
            Value::Null,
            Value::Date(day(7)),
            Value::Int(3),
            text("Wrong size"),
            fixture.clone(),
            Value::Null,
        ]]
    );
    assert_eq!(
        rows_of(c, "silver.invoice", &[]),
        [vec![
            Value::Int(12),
            Value::Int(1),
            text("out_refund"),
            text("RINV/12"),
            Value::Int(3),
            Value::Null,
            Value::Date(day(6)),
            Value::Date(day(20)),
            Value::Float(-799.8),
            Value::Float(0.0),
            text("paid"),
            fixture,
            Value::Null,
        ]]
    );
    assert_eq!(
        rows_of(c, "raw.upload_line", &["_synced_at"]),
        [vec![
            Value::Int(13),
            Value::Int(2),
            Value::Date(day(8)),
            text("WH"),
            Value::Null,
            text("RUN-1"),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            text("SO-1"),
            Value::Int(3),
            Value::Float(1199.7),
            Value::Float(0.0),
        ]]
    );
    assert!(
        matches!(
            connection
                .query("SELECT _synced_at FROM raw.upload_line", &[])
                .unwrap()
                .scalar(),
            Some(Value::Timestamp(_))
        ),
        "the load time is recorded"
    );
    assert_eq!(
        rows_of(c, "ops.upload_error", &[]),
        [vec![
            Value::Int(13),
            Value::Int(3),
            text("qty"),
            text(""),
            text("not a number")
        ]]
    );
}

fn sales_line_template() -> SalesLine {
    SalesLine {
        id: 0,
        date: day(1),
        company_id: 1,
        store_id: 2,
        channel: Channel::Store,
        customer_id: None,
        product_id: 5,
        order_ref: "POS/7".into(),
        qty: 1,
        net_amount: 10_000,
        cost_amount: 4_000,
        discount_amount: 0,
        source: "pos".into(),
        source_ref: "line-7".into(),
    }
}
