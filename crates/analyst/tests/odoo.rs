//! An Odoo business end to end through the real binary, against a local server that speaks
//! Odoo's protocols: `analyst odoo connect` checks and saves the connection, `analyst sync
//! odoo` copies it, the analyst answers from the copy with the fixture's figures, `analyst
//! sync status` and `GET /api/v1/sync/status` tell how fresh it is, and an approved reorder
//! rule proposal is written back to Odoo's orderpoint.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use analyst_odoo::testkit::FakeOdoo;
use common::{analyst_with_env, analyst_with_input, get, serve, stderr, stdout, token};
use serde_json::{Value as Json, json};

const KEY_ENV: &str = "ANALYST_E2E_ODOO_KEY";
const PASSWORD: &str = "correct horse battery";

fn run(data: &Path, args: &[&str]) -> Output {
    analyst_with_env(data, args, &[(KEY_ENV, FakeOdoo::ADMIN_KEY)])
}

fn succeeds(output: Output) -> String {
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

fn records(fake: &FakeOdoo, model: &str, domain: Json, fields: &[&str]) -> Vec<Json> {
    match fake
        .execute(
            model,
            "search_read",
            json!({"domain": domain, "fields": fields}),
        )
        .unwrap()
    {
        Json::Array(records) => records,
        other => panic!("search_read returned {other}"),
    }
}

/// POS revenue in satang by shop, from the fake's own records.
fn fixture_pos_revenue(fake: &FakeOdoo) -> BTreeMap<String, i64> {
    let shop_of: BTreeMap<i64, String> = records(fake, "pos.order", json!([]), &["config_id"])
        .iter()
        .map(|order| {
            (
                order["id"].as_i64().unwrap(),
                order["config_id"][1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut totals = BTreeMap::new();
    for line in records(
        fake,
        "pos.order.line",
        json!([]),
        &["order_id", "price_subtotal"],
    ) {
        let shop = shop_of[&line["order_id"][0].as_i64().unwrap()].clone();
        *totals.entry(shop).or_insert(0) +=
            (line["price_subtotal"].as_f64().unwrap() * 100.0).round() as i64;
    }
    totals
}

#[test]
fn an_odoo_business_is_synced_answered_and_written_back() {
    let fake = FakeOdoo::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    // A wrong key is refused before anything is saved.
    let connect = [
        "odoo",
        "connect",
        "--url",
        fake.url(),
        "--db",
        FakeOdoo::DATABASE,
        "--user",
        FakeOdoo::ADMIN_LOGIN,
        "--api-key-env",
        KEY_ENV,
    ];
    let refused = analyst_with_env(data, &connect, &[(KEY_ENV, "not-the-key")]);
    assert!(!refused.status.success());
    assert!(
        !stderr(&refused).contains("not-the-key"),
        "{}",
        stderr(&refused)
    );

    let checked = succeeds(run(data, &connect));
    assert!(
        checked.contains("helpdesk") && checked.contains("not installed"),
        "{checked}"
    );
    assert!(checked.contains("create purchase.order"), "{checked}");
    assert!(
        checked.contains("saved Odoo connection 'odoo'"),
        "{checked}"
    );
    let settings = succeeds(run(
        data,
        &["odoo", "settings", "--utc-offset-minutes", "0"],
    ));
    assert!(settings.contains("\"page_size\": 1000"), "{settings}");

    let synced = succeeds(run(data, &["sync", "odoo"]));
    assert!(synced.contains("synced"), "{synced}");
    let status = succeeds(run(data, &["sync", "status"]));
    for model in [
        "res.company",
        "product.product",
        "stock.quant",
        "pos.order.line",
    ] {
        assert!(status.contains(model), "{status}");
    }
    assert!(status.contains("helpdesk.ticket"), "{status}");

    // The analyst answers from the copy with Odoo's figures.
    let output = succeeds(run(
        data,
        &[
            "ask",
            "--json",
            "--today",
            "2026-11-15",
            "revenue by store this year",
        ],
    ));
    let answer: Json = serde_json::from_str(&output).unwrap();
    assert_eq!(answer["error"], Json::Null, "{answer}");
    let answered: BTreeMap<String, i64> = answer["table"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["store"].as_str().unwrap().to_owned(),
                (row["revenue"].as_f64().unwrap() * 100.0).round() as i64,
            )
        })
        .collect();
    let expected = fixture_pos_revenue(&fake);
    assert!(!expected.is_empty());
    for (shop, revenue) in &expected {
        assert_eq!(answered.get(shop), Some(revenue), "{shop}: {answered:?}");
    }

    // A buyer proposes a reorder rule, a purchase manager approves it: it lands in Odoo.
    for (name, group) in [("bea", "buyer"), ("max", "purchase_manager")] {
        succeeds(analyst_with_input(
            data,
            &["user", "add", name, "--group", group, "--password-stdin"],
            &format!("{PASSWORD}\n"),
        ));
    }
    let product = &records(&fake, "product.product", json!([]), &["default_code"])[6];
    let warehouse = &records(&fake, "stock.warehouse", json!([]), &["code"])[0];
    let request = json!({"kind": "update_reorder_rule",
                         "sku": product["default_code"], "store": warehouse["code"],
                         "min_qty": 6, "max_qty": 18});
    succeeds(run(
        data,
        &[
            "proposals",
            "propose",
            "--as",
            "bea",
            "--json",
            &request.to_string(),
        ],
    ));
    let executed = succeeds(run(
        data,
        &[
            "proposals",
            "approve",
            "AIPROP-0001",
            "--as",
            "max",
            "--execute",
        ],
    ));
    assert!(executed.contains("[executed]"), "{executed}");
    let rules = records(
        &fake,
        "stock.warehouse.orderpoint",
        json!([
            ["product_id", "=", product["id"]],
            ["warehouse_id", "=", warehouse["id"]]
        ]),
        &["product_min_qty", "product_max_qty"],
    );
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0]["product_min_qty"].as_f64(), Some(6.0));
    assert_eq!(rules[0]["product_max_qty"].as_f64(), Some(18.0));

    // The operations view over HTTP, for signed-in users only.
    let mut server = serve(data, &[]);
    let anonymous = reqwest::blocking::get(format!("{}api/v1/sync/status", server.url)).unwrap();
    assert_eq!(anonymous.status(), 401);
    let viewer = token(&server.url, "bea", PASSWORD);
    let view: Json = get(&server.url, &viewer, "api/v1/sync/status")
        .json()
        .unwrap();
    let models = view["models"].as_array().unwrap();
    let quants = models
        .iter()
        .find(|model| model["model"] == "stock.quant")
        .unwrap();
    assert_eq!(quants["status"], "ok");
    assert_eq!(quants["counts_match"], true);
    let helpdesk = models
        .iter()
        .find(|model| model["model"] == "helpdesk.ticket")
        .unwrap();
    assert_eq!(helpdesk["status"], "skipped");
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}
