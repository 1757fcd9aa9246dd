//! The analyst understands people, over HTTP: follow-ups in a conversation, clarifying
//! questions, and the dictionary edited at run time without a restart.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{TestApp, error_code};
use reqwest::{Client, StatusCode};
use serde_json::{Value as Json, json};

async fn chat(app: &TestApp, token: &str, body: Json) -> Json {
    let response = app.ask(token, body).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn follow_ups_build_on_the_previous_question_and_say_how_they_were_read() {
    let app = TestApp::start().await;
    let token = app.token("ben").await;
    let first = chat(
        &app,
        &token,
        json!({"message": "revenue by brand last month"}),
    )
    .await;
    let id = first["conversation_id"].as_str().unwrap();
    let second = chat(
        &app,
        &token,
        json!({"message": "and by store?", "conversation_id": id}),
    )
    .await;
    assert!(second["error"].is_null(), "{second}");
    assert_eq!(second["meta"]["query"]["dimensions"], json!(["store"]));
    assert_eq!(second["meta"]["query"]["period"]["start"], "2026-10-01");
    let answer = second["answer"].as_str().unwrap();
    assert!(answer.starts_with("Read as a follow-up"), "{answer}");
    let third = chat(
        &app,
        &token,
        json!({"message": "only online", "conversation_id": id}),
    )
    .await;
    assert_eq!(third["meta"]["query"]["dimensions"], json!(["store"]));
    assert_eq!(
        third["meta"]["query"]["filters"][0]["values"],
        json!(["online"])
    );
    // Without a conversation the same words are not understood.
    let alone = chat(&app, &token, json!({"message": "only online"})).await;
    assert!(alone["error"].is_string(), "{alone}");
}

#[tokio::test]
async fn ambiguous_names_get_a_clarifying_question_with_choices() {
    let app = TestApp::start().await;
    let token = app.token("ben").await;
    let body = chat(
        &app,
        &token,
        json!({"message": "suggest a reorder for Peak"}),
    )
    .await;
    assert!(body["error"].is_null(), "{body}");
    assert!(body["meta"]["query"].is_null());
    let actions = body["actions"].as_array().unwrap();
    let labels: Vec<&str> = actions
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["brand Peak Motion", "supplier Peak Motion Thailand"]
    );
    assert!(actions.iter().all(|a| a["type"] == "ask"));
    let chosen = actions[1]["params"]["question"].as_str().unwrap();
    let answer = chat(&app, &token, json!({"message": chosen})).await;
    assert_eq!(answer["meta"]["query"]["tool"], "reorder_suggestion");
    assert_eq!(
        answer["meta"]["query"]["filters"][0]["values"],
        json!(["Peak Motion Thailand"])
    );
}

#[tokio::test]
async fn administrators_edit_the_dictionary_at_run_time() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;
    let client = Client::new();

    let dictionary: Json = app.get_json(&ben, "/api/v1/dictionary").await;
    let synonyms = dictionary["synonyms"].as_array().unwrap();
    let str_alias = synonyms
        .iter()
        .find(|s| s["synonym"] == "STR")
        .expect("the demo aliases are seeded");
    assert_eq!(str_alias["value"], "Stride");
    assert!(
        dictionary["seasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["code"] == "AW25" && s["start"] == "2025-08-01")
    );
    assert!(
        dictionary["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "store" && d["source_column"] == "silver.store.name")
    );

    // Not understood before, understood after the edit, without a restart.
    let question = json!({"message": "proceeds by boutique last month"});
    assert!(chat(&app, &anna, question.clone()).await["error"].is_string());
    for synonym in [
        json!({"kind": "measure", "synonym": "proceeds", "target": "revenue"}),
        json!({"kind": "dimension", "synonym": "boutique", "target": "store"}),
    ] {
        let response = client
            .post(app.url("/api/v1/dictionary/synonyms"))
            .bearer_auth(&anna)
            .json(&synonym)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let body = chat(&app, &anna, question).await;
    assert!(body["error"].is_null(), "{body}");
    assert_eq!(body["meta"]["query"]["measures"], json!(["revenue"]));
    assert_eq!(body["meta"]["query"]["dimensions"], json!(["store"]));

    // Removing an alias: "STR" is no longer Stride.
    let id = str_alias["id"].as_i64().unwrap();
    let response = client
        .delete(app.url(&format!("/api/v1/dictionary/synonyms/{id}")))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let body = chat(
        &app,
        &anna,
        json!({"message": "revenue for STR last month"}),
    )
    .await;
    assert!(body["error"].is_string(), "{body}");

    // Seasons are periods.
    let response = client
        .put(app.url("/api/v1/dictionary/seasons/XMAS26"))
        .bearer_auth(&anna)
        .json(&json!({"name": "Christmas 2026", "start": "2026-11-01", "end": "2026-12-31"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = chat(&app, &anna, json!({"message": "revenue during XMAS26"})).await;
    assert_eq!(body["meta"]["query"]["period"]["start"], "2026-11-01");
    assert_eq!(body["meta"]["query"]["period"]["end"], "2026-11-15");

    // Only administrators edit; mistakes are explained.
    let response = client
        .post(app.url("/api/v1/dictionary/synonyms"))
        .bearer_auth(&ben)
        .json(&json!({"kind": "measure", "synonym": "x", "target": "revenue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = client
        .post(app.url("/api/v1/dictionary/synonyms"))
        .bearer_auth(&anna)
        .json(&json!({"kind": "measure", "synonym": "loot", "target": "loot"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(response, StatusCode::BAD_REQUEST).await,
        "bad_request"
    );
    let response = client
        .delete(app.url("/api/v1/dictionary/seasons/NOPE"))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(response, StatusCode::NOT_FOUND).await,
        "not_found"
    );
}

#[tokio::test]
async fn the_fiscal_year_is_a_setting_administrators_change() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;
    let client = Client::new();
    let question = json!({"message": "revenue by store last fiscal year"});

    // January by default: the fiscal year is the calendar year.
    let body = chat(&app, &ben, question.clone()).await;
    assert_eq!(body["meta"]["query"]["period"]["start"], "2025-01-01");
    assert_eq!(body["meta"]["query"]["period"]["end"], "2025-12-31");

    let set = |token: &str, month: Json| {
        client
            .put(app.url("/api/v1/dictionary/fiscal-year"))
            .bearer_auth(token)
            .json(&json!({ "start_month": month }))
            .send()
    };
    assert_eq!(
        set(&ben, json!(10)).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        error_code(
            set(&anna, json!(13)).await.unwrap(),
            StatusCode::BAD_REQUEST
        )
        .await,
        "bad_request"
    );
    assert_eq!(
        set(&anna, json!(10)).await.unwrap().status(),
        StatusCode::OK
    );

    // October: FY2026 ran from 2025-10-01 to 2026-09-30, read at once by everyone.
    let body = chat(&app, &ben, question).await;
    assert_eq!(body["meta"]["query"]["period"]["start"], "2025-10-01");
    assert_eq!(body["meta"]["query"]["period"]["end"], "2026-09-30");
    let body = chat(&app, &ben, json!({"message": "revenue FYTD"})).await;
    assert_eq!(body["meta"]["query"]["period"]["start"], "2026-10-01");
    assert_eq!(body["meta"]["query"]["period"]["end"], "2026-11-15");
    let dictionary: Json = app.get_json(&ben, "/api/v1/dictionary").await;
    assert_eq!(dictionary["fiscal_year_start_month"], 10);
}

#[tokio::test]
async fn repeated_questions_are_answered_from_the_cache_until_the_dictionary_changes() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;
    let question = json!({"message": "revenue by brand last month"});
    let first = chat(&app, &ben, question.clone()).await;
    assert_eq!(first["meta"]["cached"], false);
    // Another user, other words, the same query: the same figures, from the cache.
    let second = chat(&app, &anna, json!({"message": "sales by brand last month"})).await;
    assert_eq!(second["meta"]["cached"], true);
    assert_eq!(second["table"], first["table"]);
    assert_eq!(second["kpis"], first["kpis"]);
    // An edit of the dictionary is a new version: the next answer is computed again.
    let response = Client::new()
        .put(app.url("/api/v1/dictionary/fiscal-year"))
        .bearer_auth(&anna)
        .json(&json!({"start_month": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let third = chat(&app, &ben, question).await;
    assert_eq!(third["meta"]["cached"], false);
    assert_eq!(third["table"], first["table"]);
    // Hits and misses are counted for Prometheus.
    let metrics = app.get_text(&anna, "/metrics").await;
    assert!(
        metrics.contains("analyst_answer_cache_lookups_total{result=\"hit\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("analyst_answer_cache_lookups_total{result=\"miss\"} 2"),
        "{metrics}"
    );
}
