//! The HTTP API as clients use it: the real server on a free port, a fresh store per test.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use analyst_gateway::{AskContext, ask, load_vocabulary};
use common::{PASSWORD, TODAY, TestApp, day, error_code};
use reqwest::{Client, StatusCode, header};
use serde_json::{Value as Json, json};

#[tokio::test]
async fn health_is_open_and_checks_the_store() {
    let app = TestApp::start().await;
    let response = Client::new().get(app.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Json = response.json().await.unwrap();
    assert_eq!(body, json!({"status": "ok", "store": true}));
}

#[tokio::test]
async fn the_chat_answers_with_the_contract_and_the_same_figures_as_the_cli() {
    let app = TestApp::start().await;
    let token = app.token("ben").await;
    let question = "top 5 brands by revenue last month";
    let response = app.ask(&token, json!({"message": question})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Json = response.json().await.unwrap();
    for key in [
        "answer",
        "kpis",
        "table",
        "chart",
        "actions",
        "meta",
        "error",
        "conversation_id",
        "message_id",
    ] {
        assert!(body.get(key).is_some(), "missing {key}: {body}");
    }
    assert_eq!(body["error"], Json::Null);
    assert_eq!(body["meta"]["query"]["period"]["start"], "2026-10-01");
    assert_eq!(body["meta"]["workspace"], "sales");
    assert!(body["chart"]["svg"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(body["table"]["rows"].as_array().unwrap().len(), 5);

    // The same question through the gateway directly, as `analyst ask --json` runs it.
    let connection = app.pool.get().unwrap();
    let vocabulary = load_vocabulary(&*connection).unwrap();
    let direct = ask(
        &*connection,
        &vocabulary,
        question,
        &AskContext::on(day(TODAY)),
    );
    let direct = serde_json::to_value(&direct).unwrap();
    assert_eq!(body["table"]["rows"], direct["table"]["rows"]);
    assert_eq!(body["kpis"], direct["kpis"]);
    assert_eq!(body["answer"], direct["answer"]);
}

#[tokio::test]
async fn everything_but_health_and_sign_in_needs_credentials() {
    let app = TestApp::start().await;
    let client = Client::new();
    let session: Json = client
        .get(app.url("/api/v1/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        session,
        json!({"user": null, "csrf_token": null}),
        "nobody is signed in"
    );
    for (method, path) in [
        ("GET", "/api/v1/conversations"),
        ("GET", "/api/v1/conversations/abc"),
        ("DELETE", "/api/v1/conversations/abc"),
        ("POST", "/ai_analyst/workspace/context"),
        ("POST", "/api/v1/query"),
        ("GET", "/api/v1/users"),
        ("POST", "/ai_analyst/chat"),
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/password"),
        ("GET", "/metrics"),
    ] {
        let response = client
            .request(method.parse().unwrap(), app.url(path))
            .json(&json!({"message": "revenue"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(response, StatusCode::UNAUTHORIZED).await,
            "unauthenticated",
            "{method} {path}"
        );
    }
    let response = app
        .ask("not-a-real-token", json!({"message": "revenue"}))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // The metrics are for administrators.
    let ben = app.token("ben").await;
    let response = client
        .get(app.url("/metrics"))
        .bearer_auth(&ben)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(response, StatusCode::FORBIDDEN).await,
        "admin_only"
    );
}

#[tokio::test]
async fn conversations_are_private_and_remember_their_questions() {
    let app = TestApp::start().await;
    let (anna, anna_csrf) = app.browser("anna").await;
    let ben = app.token("ben").await;

    let first: Json = anna
        .post(app.url("/ai_analyst/chat"))
        .header("x-csrf-token", &anna_csrf)
        .json(&json!({"message": "revenue by store this year"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = first["conversation_id"].as_str().unwrap().to_string();
    let second: Json = anna
        .post(app.url("/ai_analyst/chat"))
        .header("x-csrf-token", &anna_csrf)
        .json(&json!({"message": "units by brand last month", "conversation_id": id}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second["conversation_id"], id.as_str());

    let list: Json = anna
        .get(app.url("/api/v1/conversations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let conversations = list["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0]["message_count"], 2);
    assert_eq!(conversations[0]["title"], "revenue by store this year");
    let shown: Json = anna
        .get(app.url(&format!("/api/v1/conversations/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages = shown["messages"].as_array().unwrap();
    assert_eq!(messages[1]["question"], "units by brand last month");
    assert_eq!(messages[0]["answer"]["table"], first["table"]);

    // Ben sees none of it and cannot continue or delete it.
    let client = Client::new();
    let list: Json = app.get_json(&ben, "/api/v1/conversations").await;
    assert_eq!(list["conversations"], json!([]));
    let path = format!("/api/v1/conversations/{id}");
    let response = client
        .get(app.url(&path))
        .bearer_auth(&ben)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(response, StatusCode::FORBIDDEN).await,
        "forbidden"
    );
    let response = client
        .delete(app.url(&path))
        .bearer_auth(&ben)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(response, StatusCode::FORBIDDEN).await,
        "forbidden"
    );
    let response = app
        .ask(&ben, json!({"message": "revenue", "conversation_id": id}))
        .await;
    assert_eq!(
        error_code(response, StatusCode::FORBIDDEN).await,
        "forbidden"
    );
    let response = app
        .ask(
            &ben,
            json!({"message": "revenue", "conversation_id": "nope"}),
        )
        .await;
    assert_eq!(
        error_code(response, StatusCode::NOT_FOUND).await,
        "not_found"
    );

    // Anna deletes it.
    let response = anna
        .delete(app.url(&path))
        .header("x-csrf-token", &anna_csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = anna.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn browser_sessions_need_the_csrf_token_to_change_anything() {
    let app = TestApp::start().await;
    let (client, csrf) = app.browser("ben").await;
    let session: Json = client
        .get(app.url("/api/v1/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["user"]["username"], "ben");
    assert_eq!(session["csrf_token"], csrf.as_str());

    let chat = |token: Option<&str>| {
        let mut request = client
            .post(app.url("/ai_analyst/chat"))
            .json(&json!({"message": "revenue last month"}));
        if let Some(token) = token {
            request = request.header("x-csrf-token", token);
        }
        request.send()
    };
    assert_eq!(
        error_code(chat(None).await.unwrap(), StatusCode::FORBIDDEN).await,
        "csrf"
    );
    assert_eq!(
        error_code(
            chat(Some("0".repeat(64).as_str())).await.unwrap(),
            StatusCode::FORBIDDEN
        )
        .await,
        "csrf"
    );
    assert_eq!(chat(Some(&csrf)).await.unwrap().status(), StatusCode::OK);

    // Logging out ends the session.
    let response = client
        .post(app.url("/api/v1/auth/logout"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let session: Json = client
        .get(app.url("/api/v1/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["user"], Json::Null);
    let response = client
        .post(app.url("/ai_analyst/chat"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"message": "revenue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site() {
    let app = TestApp::start().await;
    let response = Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "Ben", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "usernames are case-insensitive"
    );
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("analyst_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP by default");
    let headers = Client::new()
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .headers()
        .clone();
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
}

#[tokio::test]
async fn failed_sign_ins_reveal_nothing_are_audited_and_throttled() {
    let app = TestApp::start().await;
    let client = Client::new();
    let login = |username: &str, password: &str| {
        client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
    };
    let unknown: Json = login("nobody", "whatever it is")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let wrong: Json = login("ben", "whatever it is")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        unknown, wrong,
        "the same answer whether the user exists or not"
    );
    assert_eq!(wrong["error"]["code"], "invalid_credentials");

    for _ in 0..4 {
        assert_eq!(
            login("ben", "still wrong").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Five failures for ben: even the right password waits now.
    let response = login("ben", PASSWORD).await.unwrap();
    let retry: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
    assert_eq!(
        error_code(response, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );
    // Other accounts are not locked out by ben's failures.
    assert_eq!(
        login("anna", PASSWORD).await.unwrap().status(),
        StatusCode::OK
    );

    // Audit entries are written in the background.
    app.state.flush_writes();
    let connection = app.pool.get().unwrap();
    let rows = connection
        .query(
            "SELECT event, count(*) FROM app.audit_log GROUP BY event ORDER BY event",
            &[],
        )
        .unwrap();
    let counts: Vec<(String, i64)> = rows
        .rows
        .iter()
        .map(|row| (row[0].to_string(), row[1].as_i64().unwrap()))
        .collect();
    assert!(counts.contains(&("login_failed".into(), 6)), "{counts:?}");
    assert!(
        counts.contains(&("login_throttled".into(), 1)),
        "{counts:?}"
    );
    assert!(
        counts.contains(&("login_succeeded".into(), 1)),
        "{counts:?}"
    );
    let logged = connection
        .query("SELECT count(*) FROM app.audit_log WHERE detail LIKE '%whatever%' OR username LIKE '%whatever%'", &[])
        .unwrap();
    assert_eq!(
        logged.scalar().unwrap().as_i64(),
        Some(0),
        "passwords are never logged"
    );
}

#[tokio::test]
async fn questions_are_rate_limited_per_user() {
    let app = TestApp::with_settings(analyst_web::WebSettings {
        chat_per_minute: 3,
        ..Default::default()
    })
    .await;
    let ben = app.token("ben").await;
    let anna = app.token("anna").await;
    for _ in 0..3 {
        assert_eq!(
            app.ask(&ben, json!({"message": "revenue last month"}))
                .await
                .status(),
            StatusCode::OK
        );
    }
    let response = app
        .ask(&ben, json!({"message": "revenue last month"}))
        .await;
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    assert_eq!(
        error_code(response, StatusCode::TOO_MANY_REQUESTS).await,
        "rate_limited"
    );
    assert_eq!(
        app.ask(&anna, json!({"message": "revenue last month"}))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_bodies_get_a_clear_400() {
    let app = TestApp::start().await;
    let ben = app.token("ben").await;
    let client = Client::new();
    let send = |body: &'static str, content_type: &'static str| {
        client
            .post(app.url("/ai_analyst/chat"))
            .bearer_auth(&ben)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    assert_eq!(
        error_code(
            send("{not json", "application/json").await.unwrap(),
            StatusCode::BAD_REQUEST
        )
        .await,
        "bad_request"
    );
    assert_eq!(
        error_code(
            send(r#"{"message": 5}"#, "application/json").await.unwrap(),
            StatusCode::BAD_REQUEST
        )
        .await,
        "bad_request"
    );
    assert_eq!(
        error_code(
            send(r#"{}"#, "application/json").await.unwrap(),
            StatusCode::BAD_REQUEST
        )
        .await,
        "bad_request"
    );
    assert_eq!(
        error_code(
            send(r#"{"message": "revenue"}"#, "text/plain")
                .await
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        )
        .await,
        "unsupported_media_type"
    );
    let response = app.ask(&ben, json!({"message": "   "})).await;
    assert_eq!(
        error_code(response, StatusCode::BAD_REQUEST).await,
        "bad_request"
    );
    let response = app.ask(&ben, json!({"message": "x".repeat(8_001)})).await;
    let body: Json = response.json().await.unwrap();
    assert!(
        body["error"]["message"].as_str().unwrap().contains("8000"),
        "{body}"
    );
    let response = app
        .ask(&ben, json!({"message": "revenue", "workspace": "mars"}))
        .await;
    assert_eq!(
        error_code(response, StatusCode::BAD_REQUEST).await,
        "bad_request"
    );
    let huge = json!({"message": "y".repeat(100_000)});
    let response = app.ask(&ben, huge).await;
    assert_eq!(
        error_code(response, StatusCode::PAYLOAD_TOO_LARGE).await,
        "payload_too_large"
    );
    // Nothing was stored for refused questions.
    let list: Json = app.get_json(&ben, "/api/v1/conversations").await;
    assert_eq!(list["conversations"], json!([]));
}

#[tokio::test]
async fn a_one_time_password_must_be_changed_first() {
    let app = TestApp::start().await;
    {
        let connection = app.pool.get().unwrap();
        analyst_accounts::set_password(&*connection, "ben", "one-time-secret", true).unwrap();
    }
    let client = Client::builder().cookie_store(true).build().unwrap();
    let session: Json = client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "ben", "password": "one-time-secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["user"]["must_change_password"], true);
    let csrf = session["csrf_token"].as_str().unwrap().to_string();
    let response = client
        .post(app.url("/ai_analyst/chat"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"message": "revenue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(response, StatusCode::FORBIDDEN).await,
        "password_change_required"
    );
    let change = |current: &str, new: &str| {
        client
            .post(app.url("/api/v1/auth/password"))
            .header("x-csrf-token", &csrf)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    assert_eq!(
        error_code(
            change("one-time-secret", "short").await.unwrap(),
            StatusCode::BAD_REQUEST
        )
        .await,
        "weak_password"
    );
    assert_eq!(
        error_code(
            change("wrong current", "a brand new secret").await.unwrap(),
            StatusCode::UNAUTHORIZED
        )
        .await,
        "invalid_credentials"
    );
    let renewed: Json = change("one-time-secret", "a brand new secret")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(renewed["user"]["must_change_password"], false);
    let new_csrf = renewed["csrf_token"].as_str().unwrap();
    assert_ne!(new_csrf, csrf, "a fresh session after the change");
    let response = client
        .post(app.url("/ai_analyst/chat"))
        .header("x-csrf-token", new_csrf)
        .json(&json!({"message": "revenue last month"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn metrics_and_the_openapi_document_describe_the_server() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    assert_eq!(
        app.ask(&anna, json!({"message": "revenue by brand last month"}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.ask(&anna, json!({"message": "what is the meaning of life"}))
            .await
            .status(),
        StatusCode::OK
    );
    let text = app.get_text(&anna, "/metrics").await;
    let client = Client::new();
    assert!(
        text.contains(
            r#"analyst_http_requests_total{route="/ai_analyst/chat",method="POST",status="200"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"analyst_answers_total{route="deterministic",outcome="answer"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"analyst_answers_total{route="deterministic",outcome="error"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("analyst_http_request_duration_seconds_bucket"),
        "{text}"
    );

    let document: Json = client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/ai_analyst/chat",
        "/api/v1/auth/token",
        "/api/v1/conversations/{id}",
        "/health",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
    let response = client.get(app.url("/no/such/route")).send().await.unwrap();
    assert_eq!(
        error_code(response, StatusCode::NOT_FOUND).await,
        "not_found"
    );
}

#[tokio::test]
async fn shutting_down_finishes_requests_in_flight() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut app = TestApp::start().await;
    let ben = app.token("ben").await;
    let body = r#"{"message": "revenue by customer this year"}"#;
    let (head, tail) = body.split_at(10);
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let request = format!(
        "POST /ai_analyst/chat HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {ben}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    // The request is now in flight (headers sent, body half-way): stop the server.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.stop();
    stream.write_all(tail.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("conversation_id"));
    app.server.take().unwrap().await.unwrap().unwrap();
    assert!(
        Client::new().get(app.url("/health")).send().await.is_err(),
        "no longer listening"
    );
}
