//! The client against the fake Odoo, over each protocol: connecting, searching and paging,
//! writing, faults, and XML-RPC values. One test binary, one module per concern.

mod connect;
mod faults;
mod paging;
mod search;
mod write;
mod xmlrpc_values;

use analyst_odoo::testkit::FakeOdoo;
use analyst_odoo::{OdooClient, OdooConfig, Protocol, Record};
use serde_json::Value;

/// The three protocols, each with a fake of a version that serves it (JSON-2 needs 19).
pub fn each_protocol(test: impl Fn(Protocol, &FakeOdoo)) {
    for protocol in [Protocol::JsonRpc, Protocol::XmlRpc, Protocol::Json2] {
        let version = if protocol == Protocol::Json2 { 19 } else { 17 };
        let fake = FakeOdoo::builder().version(version).start();
        test(protocol, &fake);
    }
}

/// Settings with an explicit protocol.
pub fn with_protocol(mut config: OdooConfig, protocol: Protocol) -> OdooConfig {
    config.protocol = protocol;
    config
}

/// The admin connected over `protocol`.
pub fn admin(fake: &FakeOdoo, protocol: Protocol) -> OdooClient {
    OdooClient::connect(with_protocol(fake.admin_config(), protocol))
        .unwrap_or_else(|error| panic!("connect over {protocol:?}: {error}"))
}

/// A text field, or "" when it is false.
pub fn text<'a>(record: &'a Record, field: &str) -> &'a str {
    record
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The record's id.
pub fn id(record: &Record) -> i64 {
    record
        .get("id")
        .and_then(Value::as_i64)
        .expect("every record has an id")
}

/// A client whose pages hold 7 records, so that the fixtures span several pages.
pub fn small_pages(fake: &FakeOdoo, protocol: Protocol) -> OdooClient {
    let mut config = with_protocol(fake.admin_config(), protocol);
    config.page_size = 7;
    OdooClient::connect(config).expect("connect")
}
