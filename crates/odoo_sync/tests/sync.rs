//! The sync against FakeOdoo: figures from synced data equal the fixture's, a second sync
//! reads only the changes, deletions leave silver, failures leave no partial page.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::collections::BTreeMap;

use analyst_odoo::testkit::{FakeOdoo, Fault};
use analyst_odoo::{OdooClient, OdooConfig};
use analyst_odoo_sync::{
    MappingSettings, OdooConnection, SyncOptions, SyncReport, sync, sync_status,
};
use analyst_store::{AccessMode, Connection, Location, Value};
use serde_json::{Value as Json, json};
use tempfile::TempDir;

struct Setup {
    _dir: TempDir,
    store: Box<dyn Connection + Send>,
    connection: OdooConnection,
}

fn setup(fake: &FakeOdoo, settings: MappingSettings) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store =
        analyst_store::open(&Location::DataDir(dir.path().into()), AccessMode::ReadWrite).unwrap();
    let connection = OdooConnection {
        name: "odoo".into(),
        url: fake.url().into(),
        database: FakeOdoo::DATABASE.into(),
        login: FakeOdoo::ADMIN_LOGIN.into(),
        api_key_env: "ANALYST_TEST_ODOO_KEY".into(),
        settings,
    };
    Setup {
        _dir: dir,
        store,
        connection,
    }
}

/// A store for `fake` that resumes each model right after the last record read (no overlap
/// window), so a test can count what a second run reads; and an admin client.
fn without_overlap(fake: &FakeOdoo) -> (Setup, OdooClient) {
    let settings = MappingSettings {
        overlap_minutes: 0,
        ..MappingSettings::default()
    };
    (setup(fake, settings), client(fake.admin_config()))
}

fn client(config: OdooConfig) -> OdooClient {
    OdooClient::connect(config).unwrap()
}

fn run(
    setup: &Setup,
    client: &OdooClient,
    options: SyncOptions,
) -> Result<SyncReport, analyst_odoo_sync::SyncError> {
    sync(
        setup.store.as_ref(),
        client,
        &setup.connection,
        &options,
        &mut |_, _| Ok(()),
    )
}

fn model<'a>(report: &'a SyncReport, name: &str) -> &'a analyst_odoo_sync::ModelReport {
    report
        .models
        .iter()
        .find(|model| model.model == name)
        .unwrap()
}

fn scalar(store: &dyn Connection, sql: &str) -> Value {
    store
        .query(sql, &[])
        .unwrap()
        .scalar()
        .cloned()
        .unwrap_or(Value::Null)
}

fn cents(value: f64) -> i64 {
    (value * 100.0).round() as i64
}

/// Revenue by store name as the analyst answers it: gold joined to silver stores.
fn revenue_by_store(store: &dyn Connection) -> BTreeMap<String, i64> {
    store
        .query(
            "SELECT s.name, CAST(sum(g.revenue) AS DOUBLE) FROM gold.daily_sales g
             JOIN silver.store s ON s.id = g.store_id
             WHERE g.channel = 'store' GROUP BY s.name",
            &[],
        )
        .unwrap()
        .rows
        .iter()
        .map(|row| {
            (
                row[0].as_str().unwrap().to_owned(),
                cents(row[1].as_f64().unwrap()),
            )
        })
        .collect()
}

fn records(fake: &FakeOdoo, model: &str, fields: &[&str]) -> Vec<Json> {
    match fake
        .execute(
            model,
            "search_read",
            json!({"domain": [], "fields": fields}),
        )
        .unwrap()
    {
        Json::Array(records) => records,
        other => panic!("search_read returned {other}"),
    }
}

/// The same figure computed from the fake's records: POS line subtotals by shop.
fn fixture_revenue_by_store(fake: &FakeOdoo) -> BTreeMap<String, i64> {
    let shop_of: BTreeMap<i64, String> = records(fake, "pos.order", &["config_id"])
        .iter()
        .map(|order| {
            (
                order["id"].as_i64().unwrap(),
                order["config_id"][1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut totals = BTreeMap::new();
    for line in records(fake, "pos.order.line", &["order_id", "price_subtotal"]) {
        let shop = shop_of[&line["order_id"][0].as_i64().unwrap()].clone();
        *totals.entry(shop).or_insert(0) += cents(line["price_subtotal"].as_f64().unwrap());
    }
    totals
}

#[test]
fn synced_figures_equal_the_fixture() {
    let fake = FakeOdoo::start();
    let setup = setup(&fake, MappingSettings::default());
    let report = run(&setup, &client(fake.admin_config()), SyncOptions::default()).unwrap();
    let store = setup.store.as_ref();

    assert_eq!(revenue_by_store(store), fixture_revenue_by_store(&fake));
    let pos_lines = records(&fake, "pos.order.line", &["qty"]);
    assert_eq!(
        model(&report, "pos.order.line").rows_fetched,
        pos_lines.len() as u64
    );
    // Returns stay negative.
    let returns = pos_lines
        .iter()
        .filter(|line| line["qty"].as_f64().unwrap() < 0.0)
        .count();
    assert!(returns > 0);
    assert_eq!(
        scalar(
            store,
            "SELECT count(*) FROM silver.sales_line WHERE qty < 0 AND channel = 'store'"
        )
        .as_i64(),
        Some(returns as i64)
    );
    // Sale orders count when confirmed, without section lines.
    let confirmed: Vec<i64> = records(&fake, "sale.order", &["state"])
        .iter()
        .filter(|order| matches!(order["state"].as_str(), Some("sale" | "done")))
        .map(|order| order["id"].as_i64().unwrap())
        .collect();
    let sold = records(&fake, "sale.order.line", &["order_id", "display_type"])
        .iter()
        .filter(|line| {
            confirmed.contains(&line["order_id"][0].as_i64().unwrap())
                && line["display_type"] == json!(false)
        })
        .count();
    assert_eq!(
        scalar(
            store,
            "SELECT count(*) FROM silver.sales_line WHERE channel = 'wholesale'"
        )
        .as_i64(),
        Some(sold as i64)
    );
    // Variants with attributes, brand and season; the archived one kept inactive.
    let trail = store
        .query("SELECT brand, color, size, season, category, active FROM silver.product WHERE sku = 'TR-BLACK-40'", &[])
        .unwrap();
    assert_eq!(
        trail.rows[0],
        vec![
            "Stride".into(),
            "Black".into(),
            "40".into(),
            "SS26".into(),
            "Saleable".into(),
            Value::Bool(true)
        ]
    );
    assert_eq!(
        scalar(
            store,
            "SELECT active FROM silver.product WHERE sku = 'OS-BROWN-41'"
        ),
        Value::Bool(false)
    );
    assert_eq!(
        scalar(store, "SELECT count(*) FROM silver.company").as_i64(),
        Some(2)
    );
    assert!(scalar(store, "SELECT count(*) FROM silver.stock_level").as_i64() > Some(0));
    assert!(scalar(store, "SELECT count(*) FROM silver.supplier_product").as_i64() > Some(0));
    assert_eq!(
        scalar(
            store,
            "SELECT count(*) FROM silver.invoice WHERE kind = 'out_refund'"
        )
        .as_i64(),
        Some(1)
    );
    assert_eq!(
        scalar(store, "SELECT count(*) FROM silver.purchase_order").as_i64(),
        Some(3)
    );
    // Helpdesk is not installed: a notice, not an error.
    assert_eq!(model(&report, "helpdesk.ticket").status, "skipped");
    assert!(
        report
            .notices
            .iter()
            .any(|notice| notice.starts_with("helpdesk.ticket: not installed"))
    );
    // The row-count check holds for every synced model.
    for status in sync_status(store).unwrap() {
        if status.status == "ok" {
            assert_eq!(status.counts_match, Some(true), "{}", status.model);
        }
    }
}

#[test]
fn helpdesk_tickets_sync_when_installed() {
    let fake = FakeOdoo::builder().with_module("helpdesk").start();
    let setup = setup(&fake, MappingSettings::default());
    let report = run(&setup, &client(fake.admin_config()), SyncOptions::default()).unwrap();
    assert_eq!(model(&report, "helpdesk.ticket").status, "ok");
    assert_eq!(
        scalar(
            setup.store.as_ref(),
            "SELECT count(*) FROM silver.helpdesk_ticket"
        )
        .as_i64(),
        Some(3)
    );
}

#[test]
fn a_second_sync_reads_only_the_changes() {
    let fake = FakeOdoo::start();
    let (setup, client) = without_overlap(&fake);
    run(&setup, &client, SyncOptions::default()).unwrap();

    let line = &records(&fake, "pos.order.line", &["price_subtotal", "qty"])[0];
    let id = line["id"].as_i64().unwrap();
    fake.write("pos.order.line", id, json!({"price_subtotal": 1000.0}));
    fake.clear_requests();
    let report = run(&setup, &client, SyncOptions::default()).unwrap();

    assert_eq!(model(&report, "pos.order.line").rows_fetched, 1);
    assert_eq!(report.rows_fetched(), 1);
    let reads: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|request| {
            request.method.as_deref() == Some("search_read")
                && request.model.as_deref() == Some("pos.order.line")
        })
        .collect();
    assert!(reads.iter().all(|read| {
        read.domain
            .as_ref()
            .is_some_and(|domain| domain.to_string().contains("write_date"))
    }));
    let store = setup.store.as_ref();
    assert_eq!(revenue_by_store(store), fixture_revenue_by_store(&fake));
    assert_eq!(
        scalar(
            store,
            &format!(
                "SELECT CAST(net_amount AS DOUBLE) FROM silver.sales_line WHERE source_ref = 'pos.order.line/{id}'"
            )
        ),
        Value::Float(1000.0)
    );
}

/// On hand by (SKU, warehouse code) as the analyst reads it.
fn stock_by_product(store: &dyn Connection) -> BTreeMap<(String, String), i64> {
    store
        .query(
            "SELECT p.sku, s.code, l.on_hand FROM silver.stock_level l
             JOIN silver.product p ON p.id = l.product_id
             JOIN silver.store s ON s.id = l.store_id",
            &[],
        )
        .unwrap()
        .rows
        .iter()
        .map(|row| {
            let text = |index: usize| row[index].as_str().unwrap().to_owned();
            ((text(0), text(1)), row[2].as_i64().unwrap())
        })
        .collect()
}

/// The same from the fake's quants in internal locations.
fn fixture_stock_by_product(fake: &FakeOdoo) -> BTreeMap<(String, String), i64> {
    let names = |model: &str, field: &str| -> BTreeMap<i64, Json> {
        records(fake, model, &[field])
            .into_iter()
            .map(|record| (record["id"].as_i64().unwrap(), record[field].clone()))
            .collect()
    };
    let skus = names("product.product", "default_code");
    let codes = names("stock.warehouse", "code");
    let usage = names("stock.location", "usage");
    let mut totals = BTreeMap::new();
    let fields = ["product_id", "warehouse_id", "location_id", "quantity"];
    for quant in records(fake, "stock.quant", &fields) {
        let link = |field: &str| quant[field][0].as_i64().unwrap();
        if usage[&link("location_id")] != json!("internal") {
            continue;
        }
        let key = (
            skus[&link("product_id")].as_str().unwrap().to_owned(),
            codes[&link("warehouse_id")].as_str().unwrap().to_owned(),
        );
        *totals.entry(key).or_insert(0.0) += quant["quantity"].as_f64().unwrap();
    }
    totals
        .into_iter()
        .map(|(key, units)| (key, units.round() as i64))
        .collect()
}

#[test]
fn stock_follows_changed_and_deleted_quants_incrementally() {
    let fake = FakeOdoo::start();
    let (setup, client) = without_overlap(&fake);
    run(&setup, &client, SyncOptions::default()).unwrap();
    let store = setup.store.as_ref();
    assert_eq!(stock_by_product(store), fixture_stock_by_product(&fake));

    let quants = records(&fake, "stock.quant", &["quantity"]);
    let changed = quants[0]["id"].as_i64().unwrap();
    let deleted = quants[3]["id"].as_i64().unwrap();
    fake.write("stock.quant", changed, json!({"quantity": 97.0}));
    fake.delete("stock.quant", deleted);
    let report = run(
        &setup,
        &client,
        SyncOptions {
            reconcile: true,
            ..SyncOptions::default()
        },
    )
    .unwrap();

    let quant_run = model(&report, "stock.quant");
    assert_eq!(quant_run.rows_fetched, 1);
    assert_eq!(quant_run.rows_deleted, 1);
    assert_eq!(stock_by_product(store), fixture_stock_by_product(&fake));
}

#[test]
fn records_changed_during_a_sync_are_read_in_their_final_state() {
    let fake = FakeOdoo::start();
    let (setup, client) = without_overlap(&fake);
    let lines = records(&fake, "pos.order.line", &["qty"]);
    let early = lines[0]["id"].as_i64().unwrap();
    let late = lines[1]["id"].as_i64().unwrap();
    // One line changes as its model starts being read, another once its model is done.
    let report = sync(
        setup.store.as_ref(),
        &client,
        &setup.connection,
        &SyncOptions::default(),
        &mut |_, model| {
            match model {
                "pos.order.line" => {
                    fake.write("pos.order.line", early, json!({"price_subtotal": 321.5}))
                }
                "sale.order" => {
                    fake.write("pos.order.line", late, json!({"price_subtotal": 654.25}))
                }
                _ => {}
            }
            Ok(())
        },
    )
    .unwrap();
    let store = setup.store.as_ref();
    let amount = |id: i64| {
        scalar(
            store,
            &format!(
                "SELECT CAST(net_amount AS DOUBLE) FROM silver.sales_line WHERE source_ref = 'pos.order.line/{id}'"
            ),
        )
    };
    // Read once, as it was after the change.
    assert_eq!(
        model(&report, "pos.order.line").rows_fetched,
        lines.len() as u64
    );
    assert_eq!(amount(early), Value::Float(321.5));
    assert_ne!(amount(late), Value::Float(654.25));

    let next = run(&setup, &client, SyncOptions::default()).unwrap();
    assert_eq!(model(&next, "pos.order.line").rows_fetched, 1);
    assert_eq!(amount(late), Value::Float(654.25));
    assert_eq!(revenue_by_store(store), fixture_revenue_by_store(&fake));
}

#[test]
fn a_deleted_record_leaves_silver_after_reconciliation() {
    let fake = FakeOdoo::start();
    let setup = setup(&fake, MappingSettings::default());
    let client = client(fake.admin_config());
    run(&setup, &client, SyncOptions::default()).unwrap();
    let id = records(&fake, "pos.order.line", &["qty"])[2]["id"]
        .as_i64()
        .unwrap();
    fake.delete("pos.order.line", id);

    let report = run(
        &setup,
        &client,
        SyncOptions {
            reconcile: true,
            ..SyncOptions::default()
        },
    )
    .unwrap();

    assert_eq!(model(&report, "pos.order.line").rows_deleted, 1);
    let store = setup.store.as_ref();
    let sql =
        format!("SELECT count(*) FROM silver.sales_line WHERE source_ref = 'pos.order.line/{id}'");
    assert_eq!(scalar(store, &sql).as_i64(), Some(0));
    assert_eq!(revenue_by_store(store), fixture_revenue_by_store(&fake));
}

/// The position (after connecting) of the `nth` page request of `model` in a clean sync with
/// pages of `page_size`: the fixture is deterministic, so a second fake receives the same.
fn page_request_position(model: &str, nth: usize, page_size: usize) -> usize {
    let fake = FakeOdoo::start();
    let settings = MappingSettings {
        page_size,
        ..MappingSettings::default()
    };
    let setup = setup(&fake, settings);
    let mut config = fake.admin_config();
    config.page_size = page_size;
    let client = client(config);
    fake.clear_requests();
    run(&setup, &client, SyncOptions::default()).unwrap();
    fake.requests()
        .iter()
        .enumerate()
        .filter(|(_, request)| {
            request.model.as_deref() == Some(model)
                && request.method.as_deref() == Some("search_read")
        })
        .nth(nth)
        .map(|(position, _)| position)
        .unwrap()
}

#[test]
fn a_server_error_mid_sync_leaves_whole_pages_and_the_next_run_completes() {
    let position = page_request_position("pos.order.line", 3, 7);
    let fake = FakeOdoo::start();
    let settings = MappingSettings {
        page_size: 7,
        ..MappingSettings::default()
    };
    let setup = setup(&fake, settings);
    let mut config = fake.admin_config();
    config.page_size = 7;
    let client = client(config);
    // The fourth page of POS lines fails on every attempt (HTTP 500).
    fake.inject(Fault::ServerError, position, 3);

    let error = run(&setup, &client, SyncOptions::default())
        .unwrap_err()
        .to_string();

    assert!(error.contains("HTTP 500"), "{error}");
    let store = setup.store.as_ref();
    let failed = store
        .query(
            "SELECT model, error FROM ops.odoo_sync_run WHERE status = 'failed'",
            &[],
        )
        .unwrap();
    assert_eq!(failed.rows.len(), 1);
    assert_eq!(failed.rows[0][0], Value::from("pos.order.line"));
    // The three pages read before are whole in raw and in silver; nothing of the fourth.
    let in_raw = scalar(
        store,
        "SELECT count(*) FROM raw.odoo_record WHERE model = 'pos.order.line'",
    );
    assert_eq!(in_raw.as_i64(), Some(21));
    let in_silver = scalar(
        store,
        "SELECT count(*) FROM silver.sales_line WHERE source_ref LIKE 'pos.order.line/%'",
    );
    assert_eq!(in_silver.as_i64(), Some(21));
    assert_eq!(
        scalar(
            store,
            "SELECT count(*) FROM raw.odoo_record WHERE model = 'sale.order'"
        )
        .as_i64(),
        Some(0)
    );

    run(&setup, &client, SyncOptions::default()).unwrap();
    assert_eq!(revenue_by_store(store), fixture_revenue_by_store(&fake));
}

#[test]
fn a_wrong_password_is_a_clear_error() {
    let fake = FakeOdoo::start();
    let error = OdooClient::connect(fake.config(FakeOdoo::ADMIN_LOGIN, "not-the-key"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("refused the credentials of user 'admin'"),
        "{error}"
    );
    assert!(!error.contains("not-the-key"));
}
