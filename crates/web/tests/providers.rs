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

/// `PUT /api/v1/budgets` as `token`: the status and the JSON answer.
async fn put_budget(app: &TestApp, token: &str, body: Json) -> (StatusCode, Json) {
    let response = Client::new()
        .put(app.url("/api/v1/budgets"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Json::Null))
}

#[tokio::test]
async fn daily_ai_cost_limits_are_set_read_and_cleared_and_stop_the_model_before_it_is_called() {
    let app = TestApp::start().await;
    let admin = app.token("anna").await;
    let executive = app.token("ben").await;
    let limit =
        json!({"scope": "user", "key": "ben", "llm_cost_per_day": 2, "llm_cost_currency": "thb"});
    let (status, _) = put_budget(&app, &executive, limit.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (body, says) in [
        (
            json!({"scope": "user", "key": "ben", "llm_cost_per_day": -1}),
            "zero or more",
        ),
        (
            json!({"scope": "user", "key": "ben", "llm_cost_per_day": 5, "llm_cost_currency": "EUR"}),
            "unknown currency 'EUR': AI prices and limits are in THB or USD",
        ),
    ] {
        let (status, refused) = put_budget(&app, &admin, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }

    // A provider priced in baht: output 1 THB per 1k tokens, input free. A question is
    // estimated at its 1,024 reply tokens (1.024 THB) before the provider is called.
    let fake = FakeOpenAi::start("sk-test-budget-key");
    let mut config = fake.config("openai", CostTier::Cheap);
    config.price.input_per_1k = 0.0;
    config.price.output_per_1k = 1.0;
    config.price.currency = "THB".into();
    let record = serde_json::to_value(config).unwrap();
    let (status, saved) = app.post_json(&admin, "/api/v1/providers", record).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    // Ben may spend 2 THB a day.
    let (status, saved) = put_budget(&app, &admin, limit).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (&saved["llm_cost_per_day"], &saved["llm_cost_currency"]),
        (&json!(2.0), &json!("THB"))
    );
    let budgets = app.get_json(&admin, "/api/v1/budgets").await;
    let row = budgets["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|budget| budget["scope"] == "user" && budget["key"] == "ben")
        .unwrap();
    assert_eq!(row["llm_cost_per_day"], 2.0);
    assert_eq!(row["llm_cost_currency"], "THB");

    // His first answer writes 2,000 tokens: 2 THB, the whole day's limit.
    fake.script([Step::text("Nothing stands out in October.").usage(0, 2000)]);
    let answered = ask_vague(&app, &executive).await;
    assert_eq!(answered["meta"]["route"], "cheap", "{answered}");
    let refused = ask_vague(&app, &executive).await;
    assert_eq!(refused["meta"]["route"], "deterministic", "{refused}");
    let text = refused["answer"].as_str().unwrap();
    assert!(
        text.contains(
            "Today's AI budget is spent (2.00 of your 2.00 THB used; it resets at 00:00 UTC)"
        ),
        "{text}"
    );
    assert_eq!(fake.requests().len(), 1, "no provider call over the limit");

    // A workspace's limit bounds what all its users spend there: Anna has no limit of her own,
    // but ben's 2 THB count in sales.
    let (status, _) = put_budget(
        &app,
        &admin,
        json!({"scope": "workspace", "key": "sales", "llm_cost_per_day": 2.5, "llm_cost_currency": "THB"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let refused = ask_vague(&app, &admin).await;
    let text = refused["answer"].as_str().unwrap();
    assert!(
        text.contains("2.00 of the workspace's 2.50 THB used"),
        "{text}"
    );
    assert_eq!(fake.requests().len(), 1, "no provider call over the limit");

    // Cleared (a row without the limit), the model answers ben again.
    for cleared in [
        json!({"scope": "user", "key": "ben"}),
        json!({"scope": "workspace", "key": "sales", "llm_cost_per_day": null}),
    ] {
        let (status, saved) = put_budget(&app, &admin, cleared).await;
        assert_eq!(status, StatusCode::OK);
        assert!(saved["llm_cost_per_day"].is_null() && saved["llm_cost_currency"].is_null());
    }
    fake.script([Step::text("October was steady.")]);
    assert_eq!(ask_vague(&app, &executive).await["meta"]["route"], "cheap");
    assert_eq!(fake.requests().len(), 2);

    // The global row's limit applies to every user without one of their own, converted:
    // ben's baht spent against a limit in dollars.
    let (status, _) = put_budget(
        &app,
        &admin,
        json!({"scope": "global", "llm_cost_per_day": 0, "llm_cost_currency": "USD"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let refused = ask_vague(&app, &executive).await;
    let text = refused["answer"].as_str().unwrap();
    assert!(
        text.contains("of your 0.00 USD used; THB costs counted at 36.00 THB per USD"),
        "{text}"
    );
    assert_eq!(fake.requests().len(), 2, "no provider call over the limit");
    assert!(
        app.audit_details(&admin, "admin_change")
            .await
            .iter()
            .any(|detail| detail.contains("AI cost limit: 2.00 THB per day")),
    );

    // The API description says what the fields are.
    let document: Json = Client::new()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fields = &document["components"]["schemas"]["BudgetView"]["properties"];
    for field in ["llm_cost_per_day", "llm_cost_currency"] {
        let description = fields[field]["description"].as_str().unwrap_or_default();
        assert!(description.contains("THB"), "{field}: {description}");
    }
    let put = document["paths"]["/api/v1/budgets"]["put"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(put.contains("llm_cost_per_day"), "{put}");
}
