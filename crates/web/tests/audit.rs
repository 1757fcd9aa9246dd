//! `GET /api/v1/audit`: administrators read the audit log with filters; nobody else does.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{TestApp, error_code};
use reqwest::{Client, StatusCode};
use serde_json::Value as Json;

fn entries(page: &Json) -> &Vec<Json> {
    page["entries"].as_array().unwrap()
}

#[tokio::test]
async fn administrators_list_audit_entries_with_filters() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;

    let page = app.get_json(&anna, "/api/v1/audit").await;
    let all = entries(&page);
    // anna's sign-in and token, ben's, in that order: newest first.
    let events: Vec<(&str, &str)> = all
        .iter()
        .map(|entry| {
            (
                entry["event"].as_str().unwrap(),
                entry["username"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("token_issued", "ben"),
            ("login_succeeded", "ben"),
            ("token_issued", "anna"),
            ("login_succeeded", "anna"),
        ]
    );
    assert!(
        all.windows(2)
            .all(|pair| pair[0]["id"].as_i64() > pair[1]["id"].as_i64())
    );
    assert_eq!(
        all[0]["prev_hash"], all[1]["hash"],
        "the entries are chained"
    );
    assert_eq!(all[0]["hash"].as_str().unwrap().len(), 64);
    assert!(all[0]["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(page["next_before_id"], Json::Null);

    let page = app
        .get_json(&anna, "/api/v1/audit?user=BEN&event=token_issued")
        .await;
    assert_eq!(entries(&page).len(), 1);
    assert_eq!(entries(&page)[0]["username"], "ben");
    assert_eq!(entries(&page)[0]["event"], "token_issued");

    // Pages of one, by id.
    let first = app.get_json(&anna, "/api/v1/audit?limit=1").await;
    assert_eq!(entries(&first).len(), 1);
    let before = first["next_before_id"].as_i64().unwrap();
    assert_eq!(entries(&first)[0]["id"].as_i64(), Some(before));
    let second = app
        .get_json(&anna, &format!("/api/v1/audit?limit=1&before_id={before}"))
        .await;
    assert_eq!(entries(&second)[0]["id"], all[1]["id"]);

    for empty in [
        "/api/v1/audit?since=2999-01-01",
        "/api/v1/audit?until=2000-01-01T00:00:00Z",
        // Parameters are bound, never spliced into the SQL.
        "/api/v1/audit?user=ben%27%20OR%20%271%27%3D%271",
    ] {
        assert!(
            entries(&app.get_json(&anna, empty).await).is_empty(),
            "{empty}"
        );
    }
    let today = chrono::Utc::now().date_naive();
    let page = app
        .get_json(&anna, &format!("/api/v1/audit?since={today}&until={today}"))
        .await;
    assert_eq!(entries(&page).len(), 4, "until a date includes that day");

    let client = Client::new();
    for (query, says) in [
        ("event=nonsense", "unknown audit event 'nonsense'"),
        ("limit=5000", "between 1 and 1000"),
        ("limit=0", "between 1 and 1000"),
        ("limit=many", "query parameters are not valid"),
        ("since=yesterday", "since: 'yesterday' is not a date"),
    ] {
        let response = client
            .get(app.url(&format!("/api/v1/audit?{query}")))
            .bearer_auth(&anna)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Json = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "bad_request");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{query}: {message}");
    }

    let response = client
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&ben)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(response, StatusCode::FORBIDDEN).await,
        "admin_only"
    );
    let response = client.get(app.url("/api/v1/audit")).send().await.unwrap();
    assert_eq!(
        error_code(response, StatusCode::UNAUTHORIZED).await,
        "unauthenticated"
    );

    let connection = app.pool.get().unwrap();
    let report = analyst_accounts::verify(&*connection).unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.intact, 4);

    let document: Json = client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let described = &document["paths"]["/api/v1/audit"]["get"];
    let parameters: Vec<&str> = described["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| parameter["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        parameters,
        ["user", "event", "since", "until", "limit", "before_id"]
    );
    assert!(described["responses"].get("403").is_some());
}
