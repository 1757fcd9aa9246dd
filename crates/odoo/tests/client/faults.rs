//! Transient failures are retried with backoff, answers are not; timeouts, malformed replies
//! and the concurrency limit.

use std::time::Duration;

use analyst_odoo::testkit::{FakeOdoo, Fault};
use analyst_odoo::{OdooClient, OdooError, Protocol, Query, Record};

use super::{each_protocol, with_protocol};

fn paged_client(fake: &FakeOdoo, protocol: Protocol) -> OdooClient {
    let mut config = with_protocol(fake.admin_config(), protocol);
    config.page_size = 7;
    OdooClient::connect(config).expect("connect")
}

fn all_pages(client: &OdooClient) -> Result<Vec<Record>, OdooError> {
    let pages: Vec<Vec<Record>> = client
        .pages(
            Query::new("pos.order.line").order("write_date asc, id asc"),
            &["qty"],
        )
        .collect::<Result<_, _>>()?;
    Ok(pages.into_iter().flatten().collect())
}

#[test]
fn a_500_mid_paging_is_retried_and_the_sync_completes() {
    each_protocol(|protocol, fake| {
        let client = paged_client(fake, protocol);
        let expected = all_pages(&client).expect("clean run");
        fake.clear_requests();
        // The second page fails twice with HTTP 500; two retries are allowed.
        fake.inject(Fault::ServerError, 1, 2);
        let records = all_pages(&client).expect("retried run");
        assert_eq!(records, expected, "{protocol:?}");
        let second_page: Vec<Option<Fault>> = fake
            .requests()
            .iter()
            .filter(|request| request.offset == Some(7))
            .map(|request| request.fault)
            .collect();
        assert_eq!(
            second_page,
            [Some(Fault::ServerError), Some(Fault::ServerError), None]
        );
    });
}

#[test]
fn repeated_500s_give_up_after_the_retry_limit_with_a_clear_error() {
    let fake = FakeOdoo::start();
    let client = paged_client(&fake, Protocol::JsonRpc);
    fake.clear_requests();
    fake.inject(Fault::ServerError, 1, 3);
    let error = all_pages(&client).expect_err("three failures, two retries");
    assert!(
        matches!(&error, OdooError::RetriesExhausted { attempts: 3, last } if matches!(**last, OdooError::Server { status: 500, .. })),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("HTTP 500") && message.contains("gave up after 3 attempts"),
        "{message}"
    );
    assert_eq!(
        fake.requests().len(),
        4,
        "one good page, then three attempts"
    );
}

#[test]
fn a_slow_reply_is_a_timeout_and_a_retry_recovers() {
    each_protocol(|protocol, fake| {
        let mut config = with_protocol(fake.admin_config(), protocol);
        config.timeout = Duration::from_millis(300);
        config.retries = 0;
        let impatient = OdooClient::connect(config.clone()).expect("connect");
        fake.inject(Fault::Slow(Duration::from_secs(2)), 0, 1);
        let error = impatient
            .search_count(&Query::new("res.partner"))
            .expect_err("too slow");
        assert!(
            matches!(error, OdooError::Timeout { .. }),
            "{protocol:?}: {error:?}"
        );
        assert!(
            error.to_string().contains("did not answer within 300ms"),
            "{error}"
        );

        config.retries = 1;
        let patient = OdooClient::connect(config).expect("connect");
        fake.inject(Fault::Slow(Duration::from_secs(2)), 0, 1);
        assert_eq!(
            patient
                .search_count(&Query::new("res.company"))
                .expect("second attempt"),
            2
        );
    });
}

#[test]
fn a_malformed_reply_is_a_protocol_error_not_retried() {
    each_protocol(|protocol, fake| {
        let client = super::admin(fake, protocol);
        fake.clear_requests();
        fake.inject(Fault::Malformed, 0, 1);
        let error = client
            .search_count(&Query::new("res.partner"))
            .expect_err("HTML for JSON/XML");
        assert!(
            matches!(error, OdooError::Protocol(_)),
            "{protocol:?}: {error:?}"
        );
        assert!(
            error.to_string().starts_with("malformed reply from Odoo"),
            "{error}"
        );
        assert_eq!(fake.requests().len(), 1);
    });
}

#[test]
fn a_server_that_cannot_be_reached_is_a_connection_error() {
    let fake = FakeOdoo::start();
    let mut config = fake.admin_config();
    drop(fake);
    config.url = "http://127.0.0.1:9".to_owned();
    config.retries = 1;
    let error = OdooClient::connect(config).expect_err("nothing listens on port 9");
    assert!(
        matches!(&error, OdooError::RetriesExhausted { attempts: 2, last } if matches!(**last, OdooError::Connection { .. })),
        "{error:?}"
    );
}

#[test]
fn concurrent_requests_stay_within_the_limit() {
    let fake = FakeOdoo::start();
    let mut config = fake.admin_config();
    config.max_concurrent_requests = 2;
    let client = OdooClient::connect(config).expect("connect");
    fake.inject(Fault::Slow(Duration::from_millis(150)), 0, 12);
    std::thread::scope(|scope| {
        for _ in 0..6 {
            let client = client.clone();
            scope.spawn(move || {
                for _ in 0..2 {
                    client
                        .search_count(&Query::new("res.partner"))
                        .expect("count");
                }
            });
        }
    });
    assert_eq!(fake.peak_in_flight(), 2, "two at once, never more");
}

#[test]
fn a_create_is_never_retried_after_a_lost_reply() {
    each_protocol(|protocol, fake| {
        let mut config = with_protocol(fake.admin_config(), protocol);
        config.retries = 3;
        config.timeout = Duration::from_millis(300);
        let client = OdooClient::connect(config).expect("connect");
        let values: Record =
            serde_json::from_value(serde_json::json!({"partner_id": 13})).expect("values");
        fake.clear_requests();
        fake.inject(Fault::ServerError, 0, 1);
        let error = client
            .create("purchase.order", &values)
            .expect_err("500 on create");
        assert!(
            matches!(error, OdooError::Server { status: 500, .. }),
            "{protocol:?}: {error:?}"
        );
        fake.inject(Fault::Slow(Duration::from_secs(2)), 0, 1);
        let error = client
            .create("purchase.order", &values)
            .expect_err("no reply in time");
        assert!(
            matches!(error, OdooError::Timeout { .. }),
            "{protocol:?}: {error:?}"
        );
        let creates = fake
            .requests()
            .iter()
            .filter(|r| r.method.as_deref() == Some("create"))
            .count();
        assert_eq!(
            creates, 2,
            "{protocol:?}: one request per create, never repeated"
        );
        // Reads are still retried on the same client.
        fake.inject(Fault::ServerError, 0, 1);
        assert_eq!(
            client
                .search_count(&Query::new("res.company"))
                .expect("retried"),
            2
        );
    });
}
