//! search_read, search, search_count, fields_get and paging, on every protocol.

use std::collections::HashSet;

use analyst_odoo::testkit::FakeOdoo;
use analyst_odoo::{Domain, OdooClient, OdooError, Operator, Protocol, Query, Record};
use serde_json::{Value, json};

use super::{each_protocol, with_protocol};

fn text<'a>(record: &'a Record, field: &str) -> &'a str {
    record
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn id(record: &Record) -> i64 {
    record
        .get("id")
        .and_then(Value::as_i64)
        .expect("every record has an id")
}

fn small_pages(fake: &FakeOdoo, protocol: Protocol) -> OdooClient {
    let mut config = with_protocol(fake.admin_config(), protocol);
    config.page_size = 7;
    OdooClient::connect(config).expect("connect")
}

#[test]
fn pages_come_in_write_date_order_and_cover_every_record() {
    each_protocol(|protocol, fake| {
        let client = small_pages(fake, protocol);
        fake.clear_requests();
        let query = Query::new("pos.order").order("write_date asc, id asc");
        let pages: Vec<Vec<Record>> = client
            .pages(query.clone(), &["name", "write_date"])
            .collect::<Result<_, _>>()
            .expect("all pages");
        let records: Vec<&Record> = pages.iter().flatten().collect();
        let total = client.search_count(&query).expect("count");
        assert_eq!(records.len() as u64, total, "{protocol:?}");
        let keys: Vec<(&str, i64)> = records
            .iter()
            .map(|r| (text(r, "write_date"), id(r)))
            .collect();
        assert!(
            keys.windows(2).all(|pair| pair[0] < pair[1]),
            "ordered by write_date, id"
        );
        let ids: Vec<i64> = records.iter().map(|r| id(r)).collect();
        assert!(
            !ids.windows(2).all(|pair| pair[0] < pair[1]),
            "the fixture's write_date order is not id order"
        );
        let offsets: Vec<Option<u64>> = fake
            .requests()
            .iter()
            .filter(|r| r.method.as_deref() == Some("search_read"))
            .map(|r| r.offset)
            .collect();
        let expected: Vec<Option<u64>> =
            (0..pages.len() as u64).map(|page| Some(page * 7)).collect();
        assert_eq!(offsets, expected, "{protocol:?}");
        assert!(pages.iter().rev().skip(1).all(|page| page.len() == 7));
    });
}

#[test]
fn changes_page_by_keyset_and_see_a_record_changed_mid_sync() {
    each_protocol(|protocol, fake| {
        let client = small_pages(fake, protocol);
        let all_ids: HashSet<i64> = client
            .search(&Query::new("pos.order"))
            .expect("ids")
            .into_iter()
            .collect();
        let mut changes = client.changes(Query::new("pos.order"), None, &["name", "state"]);
        let first = changes.next().expect("a first page").expect("page");
        // A record already read is changed in Odoo before the next page.
        let changed = id(&first[0]);
        fake.write("pos.order", changed, json!({"state": "invoiced"}));
        let mut seen: Vec<Record> = first;
        for page in changes.by_ref() {
            seen.extend(page.expect("page"));
        }
        let seen_ids: HashSet<i64> = seen.iter().map(id).collect();
        assert_eq!(seen_ids, all_ids, "{protocol:?}: nothing skipped");
        let last = seen.last().expect("records");
        assert_eq!(
            (id(last), text(last, "state")),
            (changed, "invoiced"),
            "re-read at the end"
        );
        assert!(
            last.contains_key("write_date"),
            "write_date is always fetched"
        );
        let cursor = changes.cursor().expect("a cursor").clone();
        assert_eq!(cursor.id, changed);
        // The next run from the stored cursor finds nothing new, then one change.
        let again: Vec<_> = client
            .changes(Query::new("pos.order"), Some(cursor.clone()), &[])
            .collect();
        assert!(again.is_empty(), "{again:?}");
        let other = id(&seen[3]);
        fake.write("pos.order", other, json!({"state": "done"}));
        let next: Vec<Record> = client
            .changes(Query::new("pos.order"), Some(cursor), &["state"])
            .flat_map(|page| page.expect("page"))
            .collect();
        assert_eq!(next.iter().map(id).collect::<Vec<_>>(), [other]);
    });
}

#[test]
fn changes_split_records_sharing_a_write_date_across_pages_without_loss() {
    each_protocol(|protocol, fake| {
        let client = small_pages(fake, protocol);
        // The lines of one order share its write_date: pages of 7 cut through orders.
        let all: Vec<i64> = client.search(&Query::new("pos.order.line")).expect("ids");
        let seen: Vec<i64> = client
            .changes(Query::new("pos.order.line"), None, &["qty"])
            .flat_map(|page| page.expect("page"))
            .map(|record| id(&record))
            .collect();
        assert_eq!(seen.len(), all.len(), "{protocol:?}: each line once");
        assert_eq!(
            seen.iter().copied().collect::<HashSet<_>>(),
            all.into_iter().collect::<HashSet<_>>()
        );
    });
}

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
