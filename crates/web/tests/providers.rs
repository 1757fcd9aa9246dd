//! LLM provider records over HTTP: administrators only, keys never accepted or shown, and a
//! provider added at run time answers the next question the parser does not understand.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use analyst_llm::CostTier;
use analyst_llm::testkit::{FakeOpenAi, Step};
use analyst_store::Value;
use common::{TestApp, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value as Json, json};

const VAGUE: &str = "Which labels carried the business in October, and what stands out?";

#[tokio::test]
async fn provider_routes_are_for_administrators_and_never_show_a_key() {
    let app = TestApp::start().await;
    let admin = app.token("anna").await;
    let executive = app.token("ben").await;
    let record = json!({"name": "openai", "kind": "open_ai_compatible",
        "base_url": "https://api.openai.com/v1", "model": "gpt-4o-mini",
        "api_key": "env:ANALYST_TEST_OPENAI_KEY", "tier": "standard",
        "price": {"input_per_1k": 0.00015, "output_per_1k": 0.0006, "currency": "USD"}});

    for response in [
        Client::new()
            .get(app.url("/api/v1/providers"))
            .bearer_auth(&executive)
            .send()
            .await,
        Client::new()
            .post(app.url("/api/v1/providers"))
            .bearer_auth(&executive)
            .json(&record)
            .send()
            .await,
        Client::new()
            .delete(app.url("/api/v1/providers/openai"))
            .bearer_auth(&executive)
            .send()
            .await,
    ] {
        assert_eq!(
            error_code(response.unwrap(), StatusCode::FORBIDDEN).await,
            "admin_only"
        );
    }
    let anonymous = Client::new()
        .get(app.url("/api/v1/providers"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // A key pasted where its source belongs is refused without being echoed.
    let mut pasted = record.clone();
    pasted["api_key"] = json!("sk-proj-abcdefghijklmnopqrstuvwxyz");
    let (status, body) = app.post_json(&admin, "/api/v1/providers", pasted).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!body.to_string().contains("abcdefghij"), "{body}");

    let (status, saved) = app
        .post_json(&admin, "/api/v1/providers", record.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let listed = app.get_json(&admin, "/api/v1/providers").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["api_key"], "env:ANALYST_TEST_OPENAI_KEY");
    assert_eq!(listed[0]["tier"], "standard");
    assert!(
        app.audit_details(&admin, "admin_change")
            .await
            .iter()
            .any(|d| d.contains("LLM provider openai saved"))
    );

    let removed = Client::new()
        .delete(app.url("/api/v1/providers/openai"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let again = Client::new()
        .delete(app.url("/api/v1/providers/openai"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(again, StatusCode::NOT_FOUND).await, "not_found");
}

/// Asks [`VAGUE`] as `token`: the answer.
async fn ask_vague(app: &TestApp, token: &str) -> Json {
    let response = app.ask(token, json!({"message": VAGUE})).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Json>().await.unwrap()
}

#[tokio::test]
async fn a_provider_added_at_run_time_answers_what_the_parser_does_not() {
    let app = TestApp::start().await;
    let admin = app.token("anna").await;
    let executive = app.token("ben").await;
    let before = ask_vague(&app, &executive).await;
    assert_eq!(before["meta"]["route"], "deterministic");

    let fake = FakeOpenAi::start("sk-test-web-key");
    let record = serde_json::to_value(fake.config("openai", CostTier::Cheap)).unwrap();
    let (status, saved) = app.post_json(&admin, "/api/v1/providers", record).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    fake.script([
        Step::tool_call(
            "sales_by_dimension",
            json!({"measures": ["revenue"], "dimensions": ["brand"],
                   "period": {"start": "2026-10-01", "end": "2026-10-31"}}),
        ),
        Step::text("October's revenue by brand is in the table."),
    ]);
    let answer = ask_vague(&app, &executive).await;
    assert_eq!(answer["meta"]["route"], "cheap", "{answer}");
    assert_eq!(answer["meta"]["provider"], "openai");
    assert_eq!(answer["meta"]["tool"], "sales_by_dimension");
    assert!(
        answer["table"]["rows"]
            .as_array()
            .is_some_and(|rows| !rows.is_empty())
    );
    assert!(!answer.to_string().contains("sk-test-web-key"));
    let listed = app.get_text(&admin, "/api/v1/providers").await;
    assert!(!listed.contains("sk-test-web-key"), "{listed}");

    // The attempt is charged to ben.
    app.state.flush_writes();
    let connection = app.pool.get().unwrap();
    let rows = connection
        .query(
            "SELECT u.username, c.provider, c.input_tokens + c.output_tokens, c.outcome
             FROM app.llm_call c JOIN app.users u ON u.id = c.user_id",
            &[],
        )
        .unwrap()
        .rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0].as_str(), Some("ben"));
    assert_eq!(rows[0][2], Value::Int(240));
    assert_eq!(rows[0][3].as_str(), Some("answered"));
    drop(connection);
    assert!(!app.audit_details(&admin, "provider_call").await.is_empty());

    // Removed: the deterministic analyst answers alone again.
    let removed = Client::new()
        .delete(app.url("/api/v1/providers/openai"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        ask_vague(&app, &executive).await["meta"]["route"],
        "deterministic"
    );
    assert_eq!(fake.requests().len(), 2);
}
