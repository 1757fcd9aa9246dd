//! Write-back against FakeOdoo, after a sync gave the store Odoo's records: an approved
//! purchase proposal creates exactly one draft purchase.order even when the create's reply is
//! lost and the execution retried, and once synced that order replaces the store's own copy;
//! reorder rules, archiving and activities reach Odoo; a user without write rights is refused
//! for good; with no connection nothing is written anywhere.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use analyst_actions::{
    ActivityPayload, ArchivePayload, ArchivedProduct, ErpFailure, ErpWriter, OrderLine, Payload,
    PurchaseOrderPayload, ReorderRulePayload, RuleLevels,
};
use analyst_odoo::OdooClient;
use analyst_odoo::testkit::{FakeOdoo, Fault};
use analyst_odoo_sync::{
    MappingSettings, OdooConnection, OdooWriteBack, SyncOptions, save_connection, sync,
};
use analyst_store::{AccessMode, Connection, Location, Value};
use chrono::NaiveDate;
use serde_json::{Value as Json, json};
use tempfile::TempDir;

/// The variable the write-back reads the Odoo key from. Tests may not set variables (no
/// unsafe code), so the connection names one the test runner always sets, and the fake's
/// user is given its value as key once the store is synced.
const KEY_ENV: &str = "CARGO_PKG_NAME";
const KEY: &str = env!("CARGO_PKG_NAME");

struct Synced {
    _dir: TempDir,
    store: Box<dyn Connection + Send>,
}

impl Synced {
    fn db(&self) -> &dyn Connection {
        self.store.as_ref()
    }

    /// Our id of an Odoo record.
    fn ours(&self, model: &str, odoo_id: i64) -> i64 {
        self.db()
            .query(
                "SELECT id FROM ops.source_id_map WHERE model = $1 AND odoo_id = $2",
                &[model.into(), odoo_id.into()],
            )
            .unwrap()
            .scalar()
            .and_then(Value::as_i64)
            .unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        self.db()
            .query(sql, &[])
            .unwrap()
            .scalar()
            .and_then(Value::as_i64)
            .unwrap()
    }
}

/// A store synced from `fake`, its connection saved for `login`, whose key is then [`KEY`].
fn synced(fake: &FakeOdoo, login: &str) -> Synced {
    let dir = tempfile::tempdir().unwrap();
    let store =
        analyst_store::open(&Location::DataDir(dir.path().into()), AccessMode::ReadWrite).unwrap();
    let connection = OdooConnection {
        name: "odoo".into(),
        url: fake.url().into(),
        database: FakeOdoo::DATABASE.into(),
        login: login.into(),
        api_key_env: KEY_ENV.into(),
        settings: MappingSettings::default(),
    };
    let client = OdooClient::connect(fake.admin_config()).unwrap();
    sync(
        store.as_ref(),
        &client,
        &connection,
        &SyncOptions::default(),
        &mut |_, _| Ok(()),
    )
    .unwrap();
    save_connection(store.as_ref(), &connection).unwrap();
    fake.set_secret(login, KEY);
    Synced { _dir: dir, store }
}

fn search_read(fake: &FakeOdoo, model: &str, domain: Json, fields: &[&str]) -> Vec<Json> {
    match fake
        .execute(
            model,
            "search_read",
            json!({"domain": domain, "fields": fields, "context": {"active_test": false}}),
        )
        .unwrap()
    {
        Json::Array(records) => records,
        other => panic!("search_read returned {other}"),
    }
}

fn first_id(fake: &FakeOdoo, model: &str, domain: Json) -> i64 {
    search_read(fake, model, domain, &["id"])[0]["id"]
        .as_i64()
        .unwrap()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A purchase proposal's payload in our ids: 24 of one product and 6 of another from the
/// first supplier, for the first company and warehouse.
fn purchase(fake: &FakeOdoo, store: &Synced) -> (PurchaseOrderPayload, [i64; 2]) {
    let supplier = first_id(fake, "res.partner", json!([["supplier_rank", ">", 0]]));
    let company = first_id(fake, "res.company", json!([]));
    let warehouse = first_id(fake, "stock.warehouse", json!([]));
    let products = search_read(fake, "product.product", json!([]), &["default_code"]);
    let odoo_products = [0, 1].map(|index| products[index]["id"].as_i64().unwrap());
    let line = |index: usize, qty: i64| OrderLine {
        product_id: store.ours("product.product", odoo_products[index]),
        sku: products[index]["default_code"].as_str().unwrap().into(),
        product: "a product".into(),
        qty,
        unit_price: 50.0,
        amount: 50.0 * qty as f64,
        lead_time_days: 7,
        stock_position: 0,
    };
    let payload = PurchaseOrderPayload {
        company_id: store.ours("res.company", company),
        company: "first company".into(),
        supplier_id: store.ours("res.partner", supplier),
        supplier: "first supplier".into(),
        store_id: store.ours("stock.warehouse", warehouse),
        store: "first warehouse".into(),
        order_date: day("2026-11-20"),
        expected_date: day("2026-11-27"),
        lines: vec![line(0, 24), line(1, 6)],
        total: 1_500.0,
        suggestion_ids: vec![],
    };
    (payload, odoo_products)
}

#[test]
fn a_purchase_order_is_created_once_when_its_reply_is_lost_and_the_execution_retried() {
    let fake = FakeOdoo::start();
    let store = synced(&fake, FakeOdoo::ADMIN_LOGIN);
    let (order, products) = purchase(&fake, &store);
    let payload = Payload::CreatePurchaseOrder(order.clone());
    // The store's own copy, as the execution writes it.
    store
        .db()
        .execute(
            "INSERT INTO silver.purchase_order (id, name, company_id, supplier_id, store_id, state,
                 order_date, expected_date, source, source_id)
             VALUES (77, 'PO-AIPROP-0042', $1, $2, $3, 'draft', DATE '2026-11-20',
                 DATE '2026-11-27', 'analyst', 'AIPROP-0042')",
            &[
                order.company_id.into(),
                order.supplier_id.into(),
                order.store_id.into(),
            ],
        )
        .unwrap();

    // The order is created but its reply lost: the execution must be tried again later.
    fake.inject_on("create", Fault::LostReply, 1);
    let first = OdooWriteBack.write(store.db(), &payload, "AIPROP-0042");
    assert!(
        matches!(first, Err(ErpFailure::Unavailable(_))),
        "{first:?}"
    );
    // The retry finds it by its origin; a third run by what the store recorded.
    let second = OdooWriteBack
        .write(store.db(), &payload, "AIPROP-0042")
        .unwrap()
        .unwrap();
    let third = OdooWriteBack
        .write(store.db(), &payload, "AIPROP-0042")
        .unwrap()
        .unwrap();
    assert_eq!(second["created"], json!(false));
    assert_eq!(third, second);

    let orders = search_read(
        &fake,
        "purchase.order",
        json!([["origin", "=", "AIPROP-0042"]]),
        &["state", "partner_id"],
    );
    assert_eq!(orders.len(), 1);
    let id = orders[0]["id"].as_i64().unwrap();
    assert_eq!(second["id"].as_i64(), Some(id));
    assert_eq!(orders[0]["state"], json!("draft"));
    let supplier = first_id(&fake, "res.partner", json!([["supplier_rank", ">", 0]]));
    assert_eq!(orders[0]["partner_id"][0].as_i64(), Some(supplier));
    let mut lines: Vec<(i64, f64)> = search_read(
        &fake,
        "purchase.order.line",
        json!([["order_id", "=", id]]),
        &["product_qty", "product_id"],
    )
    .iter()
    .map(|line| {
        (
            line["product_id"][0].as_i64().unwrap(),
            line["product_qty"].as_f64().unwrap(),
        )
    })
    .collect();
    lines.sort_by_key(|line| line.0);
    let mut expected = vec![(products[0], 24.0), (products[1], 6.0)];
    expected.sort_by_key(|line| line.0);
    assert_eq!(lines, expected);

    // Synced back, the Odoo order stands for the store's copy: one order, not two.
    let client = OdooClient::connect(fake.config(FakeOdoo::ADMIN_LOGIN, KEY)).unwrap();
    let connection = analyst_odoo_sync::load_connection(store.db(), "odoo")
        .unwrap()
        .unwrap();
    sync(
        store.db(),
        &client,
        &connection,
        &SyncOptions::default(),
        &mut |_, _| Ok(()),
    )
    .unwrap();
    assert_eq!(
        store.count("SELECT count(*) FROM silver.purchase_order WHERE source = 'analyst'"),
        0
    );
    assert_eq!(
        store.count(&format!(
            "SELECT count(*) FROM silver.purchase_order WHERE source = 'odoo' AND source_id = '{id}'"
        )),
        1
    );
}

#[test]
fn rules_archives_and_activities_reach_odoo() {
    let fake = FakeOdoo::start();
    let store = synced(&fake, FakeOdoo::ADMIN_LOGIN);
    let products = search_read(&fake, "product.product", json!([]), &["default_code"]);
    let product = products[4]["id"].as_i64().unwrap();
    let warehouse = first_id(&fake, "stock.warehouse", json!([]));
    let rule = Payload::UpdateReorderRule(ReorderRulePayload {
        product_id: store.ours("product.product", product),
        sku: "a sku".into(),
        product: "a product".into(),
        store_id: store.ours("stock.warehouse", warehouse),
        store: "a warehouse".into(),
        company_id: 0,
        before: None,
        after: RuleLevels {
            min_qty: 5,
            max_qty: 30,
        },
    });
    let written = OdooWriteBack
        .write(store.db(), &rule, "AIPROP-0001")
        .unwrap()
        .unwrap();
    assert_eq!(written["created"], json!(true));
    let rules = search_read(
        &fake,
        "stock.warehouse.orderpoint",
        json!([
            ["product_id", "=", product],
            ["warehouse_id", "=", warehouse]
        ]),
        &["product_min_qty", "product_max_qty", "location_id"],
    );
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["product_min_qty"].as_f64(), Some(5.0));
    assert_eq!(rules[0]["product_max_qty"].as_f64(), Some(30.0));
    let stock_location = search_read(
        &fake,
        "stock.warehouse",
        json!([["id", "=", warehouse]]),
        &["lot_stock_id"],
    )[0]["lot_stock_id"][0]
        .clone();
    assert_eq!(rules[0]["location_id"][0], stock_location);

    let archived = products[5]["id"].as_i64().unwrap();
    let archive = Payload::ArchiveProduct(ArchivePayload {
        products: vec![ArchivedProduct {
            product_id: store.ours("product.product", archived),
            sku: "a sku".into(),
            product: "a product".into(),
            on_hand: 0,
            value_at_cost: 0.0,
        }],
    });
    OdooWriteBack
        .write(store.db(), &archive, "AIPROP-0002")
        .unwrap();
    let product_state = search_read(
        &fake,
        "product.product",
        json!([["id", "=", archived]]),
        &["active"],
    );
    assert_eq!(product_state[0]["active"], json!(false));

    let customer = first_id(&fake, "res.partner", json!([["customer_rank", ">", 0]]));
    let activity = Payload::CreateActivity(ActivityPayload {
        assignee_id: 1,
        assignee: "nobody-in-odoo".into(),
        summary: "Call about the reorder".into(),
        note: "Stock runs out in 9 days.".into(),
        due_date: day("2026-12-01"),
        customer_id: Some(store.ours("res.partner", customer)),
        customer: Some("a customer".into()),
        company_id: None,
    });
    for _ in 0..2 {
        OdooWriteBack
            .write(store.db(), &activity, "AIPROP-0003")
            .unwrap();
    }
    let activities = search_read(
        &fake,
        "mail.activity",
        json!([["res_model", "=", "res.partner"], ["res_id", "=", customer]]),
        &["summary", "note", "date_deadline"],
    );
    assert_eq!(activities.len(), 1);
    assert_eq!(activities[0]["summary"], json!("Call about the reorder"));
    assert_eq!(activities[0]["date_deadline"], json!("2026-12-01"));
    assert!(
        activities[0]["note"]
            .as_str()
            .unwrap()
            .contains("AIPROP-0003")
    );
}

#[test]
fn a_user_without_write_rights_is_refused_for_good() {
    let fake = FakeOdoo::start();
    let store = synced(&fake, FakeOdoo::READER_LOGIN);
    let (order, _) = purchase(&fake, &store);
    let refused = OdooWriteBack.write(
        store.db(),
        &Payload::CreatePurchaseOrder(order),
        "AIPROP-0009",
    );
    let Err(ErpFailure::Refused(reason)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert!(reason.contains("purchase.order"), "{reason}");
    assert!(
        search_read(
            &fake,
            "purchase.order",
            json!([["origin", "=", "AIPROP-0009"]]),
            &["id"]
        )
        .is_empty()
    );
}

#[test]
fn without_a_connection_nothing_is_written_to_an_erp() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        analyst_store::open(&Location::DataDir(dir.path().into()), AccessMode::ReadWrite).unwrap();
    let archive = Payload::ArchiveProduct(ArchivePayload { products: vec![] });
    assert_eq!(
        OdooWriteBack.write(store.as_ref(), &archive, "AIPROP-0001"),
        Ok(None)
    );
}
