//! Version detection, protocol choice and credentials.

use analyst_odoo::testkit::FakeOdoo;
use analyst_odoo::{OdooClient, OdooError, Protocol, Query};

use super::{admin, each_protocol, with_protocol};

#[test]
fn auto_speaks_json_rpc_to_odoo_17_and_json_2_to_odoo_19() {
    let v17 = FakeOdoo::start();
    let client = OdooClient::connect(v17.admin_config()).expect("connect to 17");
    assert_eq!(client.protocol(), Protocol::JsonRpc);
    assert_eq!(
        (client.version().major, client.version().series.as_str()),
        (17, "17.0")
    );
    assert_eq!(client.uid(), 2);
    let calls: Vec<_> = v17
        .requests()
        .into_iter()
        .map(|r| (r.protocol, r.service_method))
        .collect();
    assert_eq!(
        calls,
        [
            ("jsonrpc", "version".to_owned()),
            ("jsonrpc", "login".to_owned())
        ]
    );

    let v19 = FakeOdoo::builder().version(19).start();
    let client = OdooClient::connect(v19.admin_config()).expect("connect to 19");
    assert_eq!(client.protocol(), Protocol::Json2);
    assert_eq!(client.version().major, 19);
    assert_eq!(client.uid(), 2);
    let requests = v19.requests();
    assert_eq!(
        requests.len(),
        1,
        "the key is checked with one JSON-2 call: {requests:?}"
    );
    assert_eq!(
        (requests[0].protocol, requests[0].method.as_deref()),
        ("json2", Some("context_get"))
    );
}

#[test]
fn every_protocol_connects_when_chosen() {
    each_protocol(|protocol, fake| {
        let client = admin(fake, protocol);
        assert_eq!(client.protocol(), protocol);
        assert_eq!(client.uid(), 2);
        let count = client
            .search_count(&Query::new("res.company"))
            .expect("count companies");
        assert_eq!(count, 2, "over {protocol:?}");
        let wire = match protocol {
            Protocol::XmlRpc => "xmlrpc",
            Protocol::JsonRpc => "jsonrpc",
            _ => "json2",
        };
        assert!(
            fake.requests()
                .iter()
                .all(|request| request.protocol == wire),
            "{protocol:?}"
        );
    });
}

#[test]
fn json_2_is_refused_by_an_odoo_17_with_its_status() {
    let fake = FakeOdoo::start();
    let error = OdooClient::connect(with_protocol(fake.admin_config(), Protocol::Json2))
        .expect_err("no JSON-2 before Odoo 19");
    assert!(
        matches!(error, OdooError::Server { status: 404, .. }),
        "{error:?}"
    );
}

#[test]
fn a_wrong_key_is_bad_credentials_on_every_protocol() {
    each_protocol(|protocol, fake| {
        let config = with_protocol(fake.config(FakeOdoo::ADMIN_LOGIN, "not-the-key"), protocol);
        let error = OdooClient::connect(config).expect_err("wrong key");
        assert!(
            matches!(error, OdooError::BadCredentials { .. }),
            "{protocol:?}: {error:?}"
        );
        assert!(error.to_string().contains("'admin'"), "{error}");
    });
}

#[test]
fn a_key_revoked_after_login_is_bad_credentials_and_not_retried() {
    each_protocol(|protocol, fake| {
        let client = admin(fake, protocol);
        fake.set_secret(FakeOdoo::ADMIN_LOGIN, "rotated");
        fake.clear_requests();
        let error = client
            .search_count(&Query::new("res.partner"))
            .expect_err("revoked");
        assert!(
            matches!(error, OdooError::BadCredentials { .. }),
            "{protocol:?}: {error:?}"
        );
        assert_eq!(fake.requests().len(), 1, "never retried");
    });
}

#[test]
fn the_secret_never_appears_in_errors_or_debug_output() {
    for protocol in [Protocol::JsonRpc, Protocol::XmlRpc] {
        let fake = FakeOdoo::start();
        let config = with_protocol(fake.admin_config(), protocol);
        assert!(!format!("{config:?}").contains(FakeOdoo::ADMIN_KEY));
        let client = OdooClient::connect(config).expect("connect");
        assert!(!format!("{client:?}").contains(FakeOdoo::ADMIN_KEY));
        // A proxy page quoting the request, whose body carries the key on these protocols.
        fake.inject(analyst_odoo::testkit::Fault::Malformed, 0, 1);
        let error = client
            .search_count(&Query::new("res.partner"))
            .expect_err("malformed");
        assert!(matches!(error, OdooError::Protocol(_)), "{error:?}");
        let (shown, debug) = (error.to_string(), format!("{error:?}"));
        assert!(
            shown.contains("upstream sent an invalid reply"),
            "the page is quoted: {shown}"
        );
        assert!(
            !shown.contains(FakeOdoo::ADMIN_KEY) && !debug.contains(FakeOdoo::ADMIN_KEY),
            "{debug}"
        );
        assert!(shown.contains("***"), "{shown}");
    }
}

#[test]
fn a_password_opens_json_rpc_when_json_2_wants_an_api_key() {
    let fake = FakeOdoo::builder().version(19).start();
    let by_password = fake.config(FakeOdoo::ADMIN_LOGIN, FakeOdoo::ADMIN_PASSWORD);
    let client = OdooClient::connect(by_password.clone()).expect("auto falls back");
    assert_eq!((client.protocol(), client.uid()), (Protocol::JsonRpc, 2));
    assert_eq!(
        client
            .search_count(&Query::new("res.company"))
            .expect("count"),
        2
    );
    let error = OdooClient::connect(with_protocol(by_password, Protocol::Json2))
        .expect_err("JSON-2 takes API keys only");
    assert!(
        matches!(error, OdooError::BadCredentials { .. }),
        "{error:?}"
    );
    let by_key = OdooClient::connect(fake.admin_config()).expect("key");
    assert_eq!(by_key.protocol(), Protocol::Json2, "a key stays on JSON-2");
}
