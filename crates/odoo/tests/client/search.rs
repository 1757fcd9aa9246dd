//! search_read, search, search_count, read, fields_get and modules, on every protocol.

use std::collections::HashSet;

use analyst_odoo::testkit::FakeOdoo;
use analyst_odoo::{Domain, OdooError, Operator, Protocol, Query};
use serde_json::{Value, json};

use super::{each_protocol, id, text};

#[test]
fn domains_filter_as_odoo_does() {
    each_protocol(|protocol, fake| {
        let client = super::admin(fake, protocol);
        let orders = client
            .search_read(&Query::new("sale.order"), &["state", "name"])
            .expect("orders");
        let confirmed: HashSet<i64> = orders
            .iter()
            .filter(|o| matches!(text(o, "state"), "sale" | "done"))
            .map(id)
            .collect();
        assert!(
            !confirmed.is_empty() && confirmed.len() < orders.len(),
            "fixture has both"
        );
        let in_states = Domain::leaf("state", Operator::In, json!(["sale", "done"]));
        let found = client
            .search(&Query::new("sale.order").domain(in_states.clone()))
            .expect("search");
        assert_eq!(
            found.into_iter().collect::<HashSet<_>>(),
            confirmed,
            "{protocol:?}: in"
        );
        let negated = client
            .search_count(&Query::new("sale.order").domain(in_states.negate()))
            .expect("count");
        assert_eq!(negated as usize, orders.len() - confirmed.len(), "!");

        // A dotted path through the many2one, and section lines left out.
        let lines = client
            .search_read(
                &Query::new("sale.order.line").domain(
                    Domain::leaf("order_id.state", Operator::In, json!(["sale", "done"]))
                        .and(Domain::leaf("display_type", Operator::Eq, false)),
                ),
                &["order_id", "display_type", "product_id"],
            )
            .expect("lines");
        assert!(!lines.is_empty());
        for line in &lines {
            let order = line["order_id"][0]
                .as_i64()
                .expect("many2one as [id, name]");
            assert!(confirmed.contains(&order));
            assert_eq!(line["display_type"], json!(false));
            assert!(line["product_id"][1].is_string());
        }

        // ilike, =like and "|".
        let named = client
            .search_read(
                &Query::new("res.partner").domain(
                    Domain::leaf("name", Operator::ILike, "customer 0").or(Domain::leaf(
                        "name",
                        Operator::EqLike,
                        "Sole%",
                    )),
                ),
                &["name"],
            )
            .expect("partners");
        let mut names: Vec<&str> = named.iter().map(|p| text(p, "name")).collect();
        names.sort_unstable();
        assert_eq!(
            names.len(),
            10,
            "{names:?}: 9 active Customer 0x, and the supplier"
        );
        assert_eq!(names.last(), Some(&"Sole Supplies Co"));

        // Comparisons on dates and numbers.
        let spring = client
            .search_read(
                &Query::new("pos.order")
                    .domain(
                        Domain::leaf("date_order", Operator::GreaterOrEq, "2026-03-01 00:00:00")
                            .and(Domain::leaf("date_order", Operator::Less, "2026-06-01"))
                            .and(Domain::leaf("amount_total", Operator::Greater, 100.0)),
                    )
                    .order("date_order desc"),
                &["date_order", "amount_total"],
            )
            .expect("spring orders");
        assert!(!spring.is_empty());
        assert!(
            spring
                .iter()
                .all(|o| ("2026-03-01".."2026-06-01").contains(&text(o, "date_order")))
        );
        assert!(
            spring
                .iter()
                .all(|o| o["amount_total"].as_f64().expect("float") > 100.0)
        );
        assert!(
            spring
                .windows(2)
                .all(|p| text(&p[0], "date_order") >= text(&p[1], "date_order")),
            "desc"
        );
    });
}

#[test]
fn archived_records_are_hidden_unless_asked_for() {
    each_protocol(|protocol, fake| {
        let client = super::admin(fake, protocol);
        let products = Query::new("product.product");
        let active = client.search_count(&products).expect("active");
        let everything = client
            .search_count(&products.clone().include_archived())
            .expect("all");
        assert_eq!(everything, active + 1, "{protocol:?}: one archived variant");
        let archived = client
            .search_read(
                &products.domain(Domain::leaf("active", Operator::Eq, false)),
                &["name", "active"],
            )
            .expect("archived");
        assert_eq!(archived.len(), 1);
        assert_eq!(
            (text(&archived[0], "name"), &archived[0]["active"]),
            ("Old Sandal", &json!(false))
        );
    });
}

#[test]
fn records_have_odoo_value_shapes() {
    let fake = FakeOdoo::start();
    let client = super::admin(&fake, Protocol::XmlRpc);
    let products = client
        .search_read(
            &Query::new("product.product").domain(Domain::leaf(
                "default_code",
                Operator::Eq,
                "TR-BLACK-40",
            )),
            &[
                "categ_id",
                "product_brand_id",
                "product_tag_ids",
                "product_template_attribute_value_ids",
                "list_price",
                "write_date",
                "barcode",
            ],
        )
        .expect("product");
    let product = &products[0];
    assert_eq!(product["categ_id"][1], json!("All / Saleable / Shoes"));
    assert_eq!(product["product_brand_id"][1], json!("Stride"));
    assert_eq!(product["list_price"], json!(120.0));
    assert_eq!(product["product_tag_ids"].as_array().map(Vec::len), Some(1));
    let values = product["product_template_attribute_value_ids"]
        .as_array()
        .expect("ids")
        .clone();
    let values: Vec<i64> = values.iter().filter_map(Value::as_i64).collect();
    let attributes = client
        .read(
            "product.template.attribute.value",
            &values,
            &["attribute_id", "name"],
        )
        .expect("attribute values");
    let pairs: Vec<(&Value, &str)> = attributes
        .iter()
        .map(|v| (&v["attribute_id"][1], text(v, "name")))
        .collect();
    assert_eq!(pairs, [(&json!("Color"), "Black"), (&json!("Size"), "40")]);
    assert_eq!(
        text(product, "write_date").len(),
        "2025-12-02 00:00:00".len()
    );

    // A return: negative quantities on a POS order; a walk-in order has no partner.
    let returns = client
        .search_read(
            &Query::new("pos.order.line").domain(Domain::leaf("qty", Operator::Less, 0)),
            &["qty", "price_subtotal"],
        )
        .expect("returns");
    assert!(!returns.is_empty());
    assert!(
        returns
            .iter()
            .all(|line| line["price_subtotal"].as_f64().expect("float") < 0.0)
    );
    let walk_in = client
        .search_read(
            &Query::new("pos.order")
                .domain(Domain::leaf("partner_id", Operator::Eq, false))
                .limit(1),
            &["partner_id"],
        )
        .expect("walk-in");
    assert_eq!(walk_in[0]["partner_id"], json!(false));
}

#[test]
fn fields_get_describes_models_and_a_missing_module_is_typed() {
    each_protocol(|protocol, fake| {
        let client = super::admin(fake, protocol);
        let fields = client.fields_get("product.product").expect("fields");
        let brand = &fields["product_brand_id"];
        assert_eq!(
            (brand.kind.as_str(), brand.relation.as_deref()),
            ("many2one", Some("product.brand"))
        );
        assert!(fields["write_date"].stored && !fields["display_name"].stored);
        assert!(!fields.contains_key("margin"));
        let error = client
            .fields_get("helpdesk.ticket")
            .expect_err("helpdesk is not installed");
        assert!(
            matches!(&error, OdooError::MissingModel { model } if model == "helpdesk.ticket"),
            "{protocol:?}: {error:?}"
        );
        let error = client
            .search_count(&Query::new("helpdesk.ticket"))
            .expect_err("no helpdesk");
        assert!(matches!(error, OdooError::MissingModel { .. }), "{error:?}");
    });
    // Optional modules: Helpdesk brings a model, sale_margin a field on another module's model.
    let with_helpdesk = FakeOdoo::builder()
        .with_module("helpdesk")
        .with_module("sale_margin")
        .start();
    let client = super::admin(&with_helpdesk, Protocol::JsonRpc);
    assert_eq!(
        client
            .search_count(&Query::new("helpdesk.ticket"))
            .expect("tickets"),
        3
    );
    let margin = &client.fields_get("sale.order.line").expect("fields")["margin"];
    assert_eq!(margin.kind, "monetary");
    let lines = client
        .search_read(
            &Query::new("sale.order.line").domain(Domain::leaf(
                "display_type",
                Operator::Eq,
                false,
            )),
            &["margin", "price_subtotal"],
        )
        .expect("lines with margin");
    assert!(lines.iter().all(|line| {
        let (margin, subtotal) = (line["margin"].as_f64(), line["price_subtotal"].as_f64());
        matches!((margin, subtotal), (Some(m), Some(s)) if m > 0.0 && m < s)
    }));
}

#[test]
fn an_invalid_field_in_a_domain_is_a_server_error_not_retried() {
    each_protocol(|protocol, fake| {
        let client = super::admin(fake, protocol);
        fake.clear_requests();
        let error = client
            .search_count(&Query::new("sale.order").domain(Domain::leaf("zz", Operator::Eq, 1)))
            .expect_err("no such field");
        assert!(matches!(error, OdooError::Server { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .contains("Invalid field sale.order.zz in leaf ('zz', '=', 1)"),
            "{protocol:?}: {error}"
        );
        assert_eq!(fake.requests().len(), 1);
        // An operator the fake does not evaluate is refused, never silently false.
        let error = client
            .search_count(&Query::new("product.category").domain(Domain::leaf(
                "id",
                Operator::ChildOf,
                1,
            )))
            .expect_err("child_of");
        assert!(
            error
                .to_string()
                .contains("does not evaluate operator \"child_of\""),
            "{error}"
        );
    });
}

#[test]
fn a_deleted_record_drops_out_of_the_id_listing() {
    let fake = FakeOdoo::start();
    let client = super::admin(&fake, Protocol::JsonRpc);
    let listing = Query::new("pos.order").include_archived().order("id asc");
    let before = client.search(&listing).expect("ids");
    fake.delete("pos.order", before[5]);
    let after = client.search(&listing).expect("ids");
    let gone: Vec<i64> = before
        .iter()
        .filter(|id| !after.contains(id))
        .copied()
        .collect();
    assert_eq!(gone, [before[5]]);
    let error = client
        .read("pos.order", &[before[5]], &["name"])
        .expect_err("deleted");
    assert!(
        error.to_string().contains("Record does not exist"),
        "{error}"
    );
}

#[test]
fn installed_modules_are_listed() {
    each_protocol(|protocol, fake| {
        let modules = super::admin(fake, protocol)
            .installed_modules()
            .expect("modules");
        for module in [
            "base",
            "point_of_sale",
            "product_brand",
            "purchase",
            "sale",
            "stock",
        ] {
            assert!(
                modules.iter().any(|m| m == module),
                "{protocol:?}: {module} in {modules:?}"
            );
        }
        assert!(
            !modules
                .iter()
                .any(|m| m == "helpdesk" || m == "sale_margin"),
            "{modules:?}"
        );
    });
    let with_helpdesk = FakeOdoo::builder().with_module("helpdesk").start();
    let modules = super::admin(&with_helpdesk, Protocol::XmlRpc)
        .installed_modules()
        .expect("modules");
    assert!(modules.contains(&"helpdesk".to_owned()));
}
