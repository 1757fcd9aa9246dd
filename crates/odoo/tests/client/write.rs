//! create, write and the generic call, with the user's rights.

use analyst_odoo::{Call, Domain, OdooError, Operator, Query, Record};
use serde_json::{Value, json};

use super::{each_protocol, with_protocol};

fn record(value: Value) -> Record {
    match value {
        Value::Object(map) => map,
        _ => panic!("not an object"),
    }
}

#[test]
fn creates_a_draft_purchase_order_with_lines_and_updates_a_reorder_rule() {
    each_protocol(|protocol, fake| {
        let client = super::admin(fake, protocol);
        let order = client
            .create(
                "purchase.order",
                &record(json!({
                    "partner_id": 13,
                    "origin": "analyst-proposal-42",
                    "state": "draft",
                    "order_line": [[0, 0, {"product_id": 1, "product_qty": 36.0, "price_unit": 52.25}],
                                   [0, 0, {"product_id": 2, "product_qty": 12.0, "price_unit": 52.25}]],
                })),
            )
            .expect("create");
        let by_reference = Query::new("purchase.order").domain(Domain::leaf(
            "origin",
            Operator::Eq,
            "analyst-proposal-42",
        ));
        assert_eq!(
            client.search(&by_reference).expect("search"),
            [order],
            "{protocol:?}"
        );
        let read = client
            .read(
                "purchase.order",
                &[order],
                &["order_line", "state", "partner_id"],
            )
            .expect("read");
        let line_ids: Vec<i64> = read[0]["order_line"]
            .as_array()
            .expect("o2m ids")
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        let lines = client
            .read(
                "purchase.order.line",
                &line_ids,
                &["product_qty", "order_id"],
            )
            .expect("lines");
        let quantities: Vec<f64> = lines
            .iter()
            .filter_map(|l| l["product_qty"].as_f64())
            .collect();
        assert_eq!(quantities, [36.0, 12.0]);
        assert_eq!(lines[0]["order_id"][0], json!(order));

        let rule = client
            .search(&Query::new("stock.warehouse.orderpoint").limit(1))
            .expect("rule")[0];
        let before = client
            .read("stock.warehouse.orderpoint", &[rule], &["write_date"])
            .expect("read")[0]["write_date"]
            .clone();
        client
            .write(
                "stock.warehouse.orderpoint",
                &[rule],
                &record(json!({"product_min_qty": 8.0, "product_max_qty": 30.0})),
            )
            .expect("write");
        let after = &client
            .read(
                "stock.warehouse.orderpoint",
                &[rule],
                &["product_min_qty", "write_date"],
            )
            .expect("read")[0];
        assert_eq!(after["product_min_qty"], json!(8.0));
        assert!(
            after["write_date"].as_str() > before.as_str(),
            "write_date moves on"
        );

        // Archiving a product hides it from default searches.
        client
            .write("product.product", &[1], &record(json!({"active": false})))
            .expect("archive");
        let active = client
            .search(&Query::new("product.product").domain(Domain::leaf("id", Operator::Eq, 1)))
            .expect("search");
        assert!(active.is_empty());
    });
}

#[test]
fn a_read_only_user_is_denied_create_with_model_and_operation() {
    each_protocol(|protocol, fake| {
        let reader =
            analyst_odoo::OdooClient::connect(with_protocol(fake.reader_config(), protocol))
                .expect("reader");
        assert_eq!(
            reader
                .search_count(&Query::new("purchase.order"))
                .expect("may read"),
            3
        );
        fake.clear_requests();
        let error = reader
            .create("purchase.order", &record(json!({"partner_id": 13})))
            .expect_err("read-only");
        match &error {
            OdooError::AccessDenied {
                model,
                operation,
                message,
            } => {
                assert_eq!(
                    (model.as_str(), operation.as_str()),
                    ("purchase.order", "create"),
                    "{protocol:?}"
                );
                assert!(
                    message.contains("You are not allowed to create 'Purchase Order'"),
                    "{message}"
                );
            }
            other => panic!("{protocol:?}: {other:?}"),
        }
        assert_eq!(fake.requests().len(), 1, "not retried");
        let error = reader
            .write("purchase.order", &[1], &record(json!({"state": "cancel"})))
            .expect_err("no write");
        assert!(
            matches!(error, OdooError::AccessDenied { ref operation, .. } if operation == "write"),
            "{error:?}"
        );
    });
}

#[test]
fn the_generic_call_reaches_any_method_and_passes_nil() {
    each_protocol(|protocol, fake| {
        let client = super::admin(fake, protocol);
        let call = Call::new("res.company", "search_read")
            .arg("domain", json!([]))
            .kwarg("fields", json!(["name"]))
            .kwarg("limit", Value::Null);
        let companies = client.call(&call).expect("call");
        let names: Vec<&str> = companies
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["My Company (San Francisco)", "My Company (Chicago)"],
            "{protocol:?}"
        );
        let error = client
            .call(&Call::new("res.partner", "no_such_method"))
            .expect_err("no method");
        assert!(
            matches!(error, OdooError::Server { .. }),
            "{protocol:?}: {error:?}"
        );
        assert!(!fake.requests().is_empty());
    });
}

#[test]
fn a_missing_required_field_is_named_and_an_activity_needs_its_model() {
    each_protocol(|protocol, fake| {
        let client = super::admin(fake, protocol);
        let error = client
            .create("purchase.order", &record(json!({"origin": "no vendor"})))
            .expect_err("partner_id is required");
        assert!(matches!(error, OdooError::Server { .. }), "{error:?}");
        assert!(
            error.to_string().contains("a mandatory field is not set")
                && error.to_string().contains("Field: Partner (partner_id)"),
            "{protocol:?}: {error}"
        );

        let model = client
            .search(&Query::new("ir.model").domain(Domain::leaf(
                "model",
                Operator::Eq,
                "purchase.order",
            )))
            .expect("ir.model");
        let to_do = client
            .search(&Query::new("mail.activity.type").domain(Domain::leaf(
                "name",
                Operator::Eq,
                "To-Do",
            )))
            .expect("activity type");
        let activity = client
            .create(
                "mail.activity",
                &record(json!({"res_model_id": model[0], "res_id": 1, "activity_type_id": to_do[0],
                               "summary": "Confirm the reorder", "date_deadline": "2026-12-01", "user_id": 2})),
            )
            .expect("activity");
        let read = client
            .read(
                "mail.activity",
                &[activity],
                &["res_model_id", "date_deadline", "summary"],
            )
            .expect("read");
        assert_eq!(
            read[0]["res_model_id"][1],
            json!("Purchase Order"),
            "{protocol:?}"
        );
        assert_eq!(read[0]["date_deadline"], json!("2026-12-01"));
        let error = client
            .create(
                "mail.activity",
                &record(json!({"res_id": 1, "summary": "no model"})),
            )
            .expect_err("res_model_id is required");
        assert!(error.to_string().contains("(res_model_id)"), "{error}");
    });
}
