//! Rights against the real server: which group may use which tool and route, and record rules
//! that keep a store manager's answers to their own store, checked against SQL written by hand.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use analyst_store::Value;
use analyst_web::WebSettings;
use common::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::{Value as Json, json};

/// Who may use each tool, written out here independently of the registry.
const TOOL_MATRIX: [(&str, &[&str]); 14] = [
    (
        "sales_by_dimension",
        &["executive", "buyer", "store_manager", "sales"],
    ),
    (
        "season_performance",
        &["executive", "buyer", "store_manager", "sales"],
    ),
    ("buying_velocity", &["executive", "buyer", "store_manager"]),
    ("stock_coverage", &["executive", "buyer", "store_manager"]),
    ("dead_stock", &["executive", "buyer", "store_manager"]),
    ("stock_aging", &["executive", "buyer", "store_manager"]),
    ("reorder_suggestion", &["executive", "buyer"]),
    ("abc_analysis", &["executive", "buyer"]),
    ("margin_analysis", &["executive", "buyer"]),
    ("inventory_valuation", &["executive", "buyer"]),
    ("ap_aging", &["executive", "buyer"]),
    ("helpdesk_summary", &["executive", "support"]),
    (
        "refund_return_impact",
        &["executive", "sales", "support", "store_manager"],
    ),
    ("ar_aging", &["executive", "sales"]),
];

/// The workspaces each group may enter, in display order.
fn workspace_matrix(group: &str) -> Vec<&'static str> {
    match group {
        "admin" | "executive" => vec!["sales", "buying", "pos", "cs", "executive"],
        "buyer" => vec!["sales", "buying"],
        "store_manager" => vec!["sales", "pos"],
        "sales" => vec!["sales"],
        "support" => vec!["cs"],
        _ => vec![],
    }
}

const GROUPS: [&str; 7] = [
    "admin",
    "executive",
    "buyer",
    "store_manager",
    "sales",
    "support",
    "driver",
];

async fn status_of_get(app: &TestApp, token: Option<&str>, path: &str) -> StatusCode {
    let mut request = Client::new().get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn every_group_gets_exactly_its_tools_and_routes() {
    let app = TestApp::start().await;
    for group in GROUPS {
        let stores: &[&str] = if group == "store_manager" {
            &["HKT"]
        } else {
            &[]
        };
        app.add_member(&format!("user_{group}"), &[group], stores);
    }
    for group in GROUPS {
        let token = app.token(&format!("user_{group}")).await;
        for (tool, allowed) in TOOL_MATRIX {
            let expected = group == "admin" || allowed.contains(&group);
            let mut query = json!({"tool": tool});
            if tool == "sales_by_dimension" {
                query["measures"] = json!(["revenue"]);
            }
            let (status, answer) = app.post_json(&token, "/api/v1/query", query).await;
            assert_eq!(status, StatusCode::OK, "{group} {tool}: {answer}");
            let refused = answer["meta"]["route"] == "refused";
            assert_eq!(!refused, expected, "{group} using {tool}: {answer}");
            if refused {
                assert!(answer["table"].is_null() && answer["kpis"] == json!([]));
                assert!(answer["error"].as_str().unwrap().contains(tool), "{answer}");
            }
        }
        // The registry listing says the same, with the workspaces each tool answers in.
        let listed: Json = app.get_json(&token, "/api/v1/tools").await;
        let entry_of = |tool: &str| {
            listed
                .as_array()
                .unwrap()
                .iter()
                .find(|entry| entry["name"] == tool)
                .unwrap()
                .clone()
        };
        for (tool, allowed) in TOOL_MATRIX {
            let entry = entry_of(tool);
            let expected = group == "admin" || allowed.contains(&group);
            assert_eq!(entry["allowed"], expected, "{group} {tool}");
            assert_eq!(entry["params_schema"]["type"], "object", "{entry}");
        }
        assert_eq!(
            entry_of("stock_coverage")["workspaces"],
            json!(["buying", "pos", "executive"])
        );
        for path in [
            "/api/v1/users",
            "/api/v1/groups",
            "/api/v1/rules",
            "/api/v1/audit",
        ] {
            let expected = if group == "admin" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(
                status_of_get(&app, Some(&token), path).await,
                expected,
                "{group} {path}"
            );
        }
        for path in [
            "/api/v1/dictionary",
            "/api/v1/conversations",
            "/api/v1/session",
        ] {
            assert_eq!(
                status_of_get(&app, Some(&token), path).await,
                StatusCode::OK,
                "{group} {path}"
            );
        }
        // Workspaces: each group enters its own; drivers none.
        let (status, context) = app
            .post_json(&token, "/ai_analyst/workspace/context", json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let codes: Vec<&str> = context["workspaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|workspace| workspace["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, workspace_matrix(group), "{group}: {context}");
        // A question about sales in the default workspace: answered for those whose groups
        // and workspace allow sales figures, refused for support, impossible for drivers.
        let (status, answer) = app
            .post_json(
                &token,
                "/ai_analyst/chat",
                json!({"message": "revenue by store last month"}),
            )
            .await;
        if group == "driver" {
            assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
            continue;
        }
        assert_eq!(status, StatusCode::OK);
        let refused = answer["meta"]["route"] == "refused";
        assert_eq!(refused, group == "support", "{group}: {answer}");
    }
    for path in ["/api/v1/users", "/api/v1/rules", "/api/v1/conversations"] {
        assert_eq!(
            status_of_get(&app, None, path).await,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
}

/// Revenue of Phuket Central (store code HKT) over a period, by hand.
fn phuket_revenue(app: &TestApp, period: &Json, extra: &str, params: &[Value]) -> f64 {
    let connection = app.pool.get().unwrap();
    let mut all = vec![
        Value::from(period["start"].as_str().unwrap()),
        Value::from(period["end"].as_str().unwrap()),
    ];
    all.extend_from_slice(params);
    let rows = connection
        .query(
            &format!(
                "SELECT CAST(coalesce(sum(l.net_amount), 0) AS DOUBLE) FROM silver.sales_line l
                 JOIN silver.store s ON s.id = l.store_id
                 JOIN silver.product p ON p.id = l.product_id
                 WHERE s.code = 'HKT' AND l.date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) {extra}"
            ),
            &all,
        )
        .unwrap();
    rows.scalar().and_then(Value::as_f64).unwrap()
}

fn rows(answer: &Json) -> Vec<Json> {
    answer["table"]["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < 0.011,
        "{what}: {actual} against {expected} by hand"
    );
}

#[tokio::test]
async fn a_store_manager_sees_only_their_store_in_every_answer() {
    let app = TestApp::start().await;
    app.add_member("mia", &["store_manager"], &["Phuket Central"]);
    let mia = app.token("mia").await;
    let anna = app.token("anna").await;

    // An administrator sees every store (so the checks below can fail).
    let (_, everyone) = app
        .post_json(
            &anna,
            "/ai_analyst/chat",
            json!({"message": "revenue by store this year"}),
        )
        .await;
    assert!(rows(&everyone).len() > 3, "{everyone}");
    // The same question from the store manager: one store, totals and shares over it alone;
    // not the administrator's cached answer.
    let (_, mine) = app
        .post_json(
            &mia,
            "/ai_analyst/chat",
            json!({"message": "revenue by store this year"}),
        )
        .await;
    assert_eq!(mine["meta"]["cached"], false);
    let period = &mine["meta"]["query"]["period"];
    let expected = phuket_revenue(&app, period, "", &[]);
    assert!(expected > 0.0);
    assert_eq!(rows(&mine).len(), 1, "{mine}");
    assert_eq!(rows(&mine)[0]["store"], "Phuket Central");
    assert!(
        mine["answer"]
            .as_str()
            .unwrap()
            .ends_with("Figures cover Phuket Central only, as your access allows."),
        "{mine}"
    );
    assert!(!everyone["answer"].as_str().unwrap().contains("your access"));
    assert_close(
        rows(&mine)[0]["revenue"].as_f64().unwrap(),
        expected,
        "revenue",
    );
    assert_close(
        rows(&mine)[0]["share_pct"].as_f64().unwrap(),
        100.0,
        "share",
    );
    assert_close(mine["kpis"][0]["raw"].as_f64().unwrap(), expected, "KPI");

    // Rankings, by brand: each brand's figure is Phuket's, and they add up to Phuket's total.
    let (_, brands) = app
        .post_json(
            &mia,
            "/ai_analyst/chat",
            json!({"message": "revenue by brand last month"}),
        )
        .await;
    let period = &brands["meta"]["query"]["period"];
    let mut sum = 0.0;
    for row in rows(&brands) {
        let brand = row["brand"].as_str().unwrap();
        let revenue = row["revenue"].as_f64().unwrap();
        sum += revenue;
        let by_hand = phuket_revenue(&app, period, "AND p.brand = $3", &[Value::from(brand)]);
        assert_close(revenue, by_hand, brand);
    }
    assert_close(sum, phuket_revenue(&app, period, "", &[]), "sum of brands");

    // A follow-up in the same conversation stays in the store.
    let (_, by_store) = app
        .post_json(
            &mia,
            "/ai_analyst/chat",
            json!({"message": "and by store?", "conversation_id": brands["conversation_id"]}),
        )
        .await;
    let stores: Vec<Json> = rows(&by_store)
        .iter()
        .map(|row| row["store"].clone())
        .collect();
    assert!(!stores.is_empty(), "{by_store}");
    assert!(
        stores.iter().all(|store| store == "Phuket Central"),
        "{stores:?}"
    );

    // A comparison: both periods are Phuket's.
    let (_, compared) = app
        .post_json(
            &mia,
            "/ai_analyst/chat",
            json!({"message": "revenue last month compared with the same month last year"}),
        )
        .await;
    let period = &compared["meta"]["query"]["period"];
    assert_close(
        compared["kpis"][0]["raw"].as_f64().unwrap(),
        phuket_revenue(&app, period, "", &[]),
        "compared KPI",
    );

    // Naming another store, in words or in the IR, shows none of its figures.
    let (_, other) = app
        .post_json(
            &mia,
            "/ai_analyst/chat",
            json!({"message": "revenue in Bangkok Siam last month"}),
        )
        .await;
    assert!(other["error"].is_string(), "{other}");
    assert!(
        rows(&other).is_empty() && other["kpis"] == json!([]),
        "{other}"
    );
    let (status, direct) = app
        .post_json(
            &mia,
            "/api/v1/query",
            json!({"tool": "sales_by_dimension", "measures": ["revenue", "units"],
               "dimensions": ["store", "channel"],
               "period": {"start": "2024-01-01", "end": "2026-11-14"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!rows(&direct).is_empty());
    assert!(
        rows(&direct)
            .iter()
            .all(|row| row["store"] == "Phuket Central"),
        "{direct}"
    );
    let (_, filtered) = app
        .post_json(
            &mia,
            "/api/v1/query",
            json!({"tool": "sales_by_dimension", "measures": ["revenue"],
               "filters": [{"field": "store", "op": "in", "values": ["Bangkok Siam"]}]}),
        )
        .await;
    assert!(
        filtered["error"].is_string() && rows(&filtered).is_empty(),
        "{filtered}"
    );

    // Tools read stock and sales of the store only: what the record rule gives her equals
    // what an administrator gets by filtering on the store, and differs from the whole chain.
    for tool in [
        "stock_coverage",
        "buying_velocity",
        "dead_stock",
        "stock_aging",
        "refund_return_impact",
    ] {
        let (_, hers) = app
            .post_json(&mia, "/api/v1/query", json!({"tool": tool}))
            .await;
        assert!(hers["error"].is_null(), "{tool}: {hers}");
        let (_, filtered) = app
            .post_json(
                &anna,
                "/api/v1/query",
                json!({"tool": tool,
                   "filters": [{"field": "store", "op": "in", "values": ["Phuket Central"]}]}),
            )
            .await;
        let (_, chain) = app
            .post_json(&anna, "/api/v1/query", json!({"tool": tool}))
            .await;
        assert_eq!(hers["table"]["rows"], filtered["table"]["rows"], "{tool}");
        assert_eq!(hers["kpis"], filtered["kpis"], "{tool}");
        assert_ne!(
            hers["kpis"], chain["kpis"],
            "{tool}: the rule must change the figures"
        );
    }
}

#[tokio::test]
async fn workspaces_allow_their_tools_and_keep_their_conversations() {
    let app = TestApp::with_settings(WebSettings {
        chat_per_minute: 1_000,
        ..WebSettings::default()
    })
    .await;
    app.add_member("bob", &["buyer"], &[]);
    let bob = app.token("bob").await;
    let question = "which products will run out of stock in the next 14 days?";
    // Stock cover is a buying tool: refused in Sales, naming the workspace that has it.
    let (_, refused) = app
        .post_json(
            &bob,
            "/ai_analyst/chat",
            json!({"message": question, "workspace": "sales"}),
        )
        .await;
    assert_eq!(refused["meta"]["route"], "refused", "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("ask in Buying"),
        "{refused}"
    );
    let (_, answered) = app
        .post_json(
            &bob,
            "/ai_analyst/chat",
            json!({"message": question, "workspace": "buying"}),
        )
        .await;
    assert!(answered["error"].is_null(), "{answered}");
    assert_eq!(answered["meta"]["workspace"], "buying");
    assert_eq!(answered["meta"]["tool"], "stock_coverage");
    // The conversation stays in its workspace; another one is a new conversation.
    let (status, _) = app
        .post_json(
            &bob,
            "/ai_analyst/chat",
            json!({"message": "and by store?", "workspace": "sales",
               "conversation_id": answered["conversation_id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .post_json(
            &bob,
            "/ai_analyst/chat",
            json!({"message": question, "workspace": "cs"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a buyer may not enter customer service"
    );
    // Every suggested question of every workspace is answered for an executive.
    let ben = app.token("ben").await;
    let (_, context) = app
        .post_json(&ben, "/ai_analyst/workspace/context", json!({}))
        .await;
    for workspace in context["workspaces"].as_array().unwrap() {
        for prompt in workspace["prompts"].as_array().unwrap() {
            let (status, answer) = app
                .post_json(
                    &ben,
                    "/ai_analyst/chat",
                    json!({"message": prompt, "workspace": workspace["code"]}),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                answer["error"].is_null(),
                "{}: {prompt}: {}",
                workspace["code"],
                answer["error"]
            );
        }
    }
}

#[tokio::test]
async fn administrators_manage_users_and_rules_and_changes_apply_at_once() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;

    let (status, added) = app
        .post_json(
            &anna,
            "/api/v1/users",
            json!({"username": "Olga", "groups": ["buyer"], "companies": ["LANNA"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["username"], "olga");
    assert_eq!(added["groups"], json!(["buyer"]));
    assert_eq!(added["companies"], json!(["LANNA"]));
    assert!(added["one_time_password"].as_str().unwrap().len() >= 10);

    // A bad store is refused and nothing is written.
    let response = Client::new()
        .put(app.url("/api/v1/users/olga/rights"))
        .bearer_auth(&anna)
        .json(&json!({"groups": ["buyer"], "stores": ["Atlantis"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let users: Json = app.get_json(&anna, "/api/v1/users").await;
    let olga = users
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["username"] == "olga")
        .unwrap();
    assert_eq!(olga["companies"], json!(["LANNA"]));
    assert_eq!(olga["stores"], json!([]));

    // Non-administrators change nothing.
    let (status, _) = app
        .post_json(
            &ben,
            "/api/v1/rules",
            json!({"name": "x", "group": "sales", "field": "channel", "codes": ["online"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A rule on ben: online only, from the next question on.
    let question = json!({"message": "revenue by channel this year"});
    let (_, before) = app
        .post_json(&ben, "/ai_analyst/chat", question.clone())
        .await;
    assert!(rows(&before).len() > 1, "{before}");
    let (status, rule) = app.post_json(&anna,
        "/api/v1/rules",
        json!({"name": "Ben sees online", "user": "ben", "field": "channel", "codes": ["online"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{rule}");
    let (_, after) = app
        .post_json(&ben, "/ai_analyst/chat", question.clone())
        .await;
    let channels: Vec<Json> = rows(&after)
        .iter()
        .map(|row| row["channel"].clone())
        .collect();
    assert_eq!(channels, vec![json!("online")], "{after}");
    let rules: Json = app.get_json(&anna, "/api/v1/rules").await;
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["user"] == "ben" && r["codes"] == json!(["online"])),
        "{rules}"
    );
    let response = Client::new()
        .delete(app.url(&format!("/api/v1/rules/{}", rule["id"])))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (_, again) = app.post_json(&ben, "/ai_analyst/chat", question).await;
    assert_eq!(rows(&again).len(), rows(&before).len());
    // Every change is in the audit log.
    let details = app.audit_details(&anna, "admin_change").await;
    assert!(
        details
            .iter()
            .any(|detail| detail.contains("added user olga")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|detail| detail.contains("removed record rule")),
        "{details:?}"
    );
}

async fn put_budget(app: &TestApp, token: &str, body: Json) -> StatusCode {
    Client::new()
        .put(app.url("/api/v1/budgets"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn budgets_stop_questions_with_the_reset_time_and_admins_see_usage() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;
    assert_eq!(
        put_budget(
            &app,
            &ben,
            json!({"scope": "user", "key": "ben", "queries_per_hour": 99})
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put_budget(
            &app,
            &anna,
            json!({"scope": "user", "key": "ben", "queries_per_hour": -1})
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        put_budget(&app, &anna, json!({"scope": "galaxy", "key": "x"})).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        put_budget(
            &app,
            &anna,
            json!({"scope": "user", "key": "ben", "queries_per_hour": 2})
        )
        .await,
        StatusCode::OK
    );
    // A workspace budget applies where the user's own says nothing.
    assert_eq!(
        put_budget(
            &app,
            &anna,
            json!({"scope": "workspace", "key": "buying", "queries_per_day": 0})
        )
        .await,
        StatusCode::OK
    );
    let response = app
        .ask(
            &ben,
            json!({"message": "revenue by store last month", "workspace": "buying"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);

    for _ in 0..2 {
        let response = app
            .ask(&ben, json!({"message": "revenue by store last month"}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = app
        .ask(&ben, json!({"message": "revenue by brand last month"}))
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    let body: Json = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "budget_exceeded");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("2 questions per hour") && message.contains("UTC"),
        "{message}"
    );
    // The direct query API counts against the same budget.
    let (status, _) = app
        .post_json(
            &ben,
            "/api/v1/query",
            json!({"tool": "sales_by_dimension", "measures": ["revenue"]}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Others are not affected; the administrator sees the usage and the refusals.
    let response = app
        .ask(&anna, json!({"message": "revenue by store last month"}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let budgets: Json = app.get_json(&anna, "/api/v1/budgets").await;
    let usage = budgets["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|usage| usage["username"] == "ben")
        .unwrap();
    assert_eq!(usage["queries_today"], 2);
    assert_eq!(usage["queries_this_hour"], 2);
    assert!(usage["rows_today"].as_i64().unwrap() > 0);
    assert!(
        budgets["budgets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|budget| budget["scope"] == "global" && budget["queries_per_hour"] == 300)
    );
    let audit: Json = app
        .get_json(&anna, "/api/v1/audit?event=budget_exceeded")
        .await;
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{audit}");
}

#[tokio::test]
async fn a_query_estimated_to_exceed_the_time_left_is_refused_before_it_runs() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;
    assert_eq!(
        put_budget(
            &app,
            &anna,
            json!({"scope": "user", "key": "ben", "seconds_per_day": 1})
        )
        .await,
        StatusCode::OK
    );
    // Ben has used 999 ms of his second today.
    {
        let connection = app.pool.get().unwrap();
        let hour = chrono::Utc::now()
            .naive_utc()
            .format("%Y-%m-%d %H:00:00")
            .to_string();
        connection
            .execute(
                "INSERT INTO app.query_usage (user_id, hour, queries, rows_read, milliseconds, llm_tokens)
                 SELECT id, CAST($1 AS TIMESTAMP), 1, 0, 999, 0 FROM app.users WHERE username = 'ben'",
                &[Value::from(hour)],
            )
            .unwrap();
    }
    let (status, answer) = app
        .post_json(&ben, "/api/v1/query", json!({"tool": "dead_stock"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["meta"]["route"], "refused", "{answer}");
    let message = answer["error"].as_str().unwrap();
    assert!(
        message.contains("s are left in your daily budget"),
        "{message}"
    );
    assert!(answer["table"].is_null());
    // Anna has no such limit.
    let (_, answered) = app
        .post_json(&anna, "/api/v1/query", json!({"tool": "dead_stock"}))
        .await;
    assert!(answered["error"].is_null(), "{answered}");
}
