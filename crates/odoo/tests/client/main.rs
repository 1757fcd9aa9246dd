//! The client against the fake Odoo, over each protocol: connecting, searching and paging,
//! writing, faults, and XML-RPC values. One test binary, one module per concern.

mod connect;
mod faults;
mod search;
mod write;
mod xmlrpc_values;

use analyst_odoo::testkit::FakeOdoo;
use analyst_odoo::{OdooClient, OdooConfig, Protocol};

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
