//! The job queue over HTTP against the real server and its workers: an administrator queues a
//! maintenance job that runs; users see and cancel only their own jobs.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::time::{Duration, Instant};

use analyst_store::Value;
use common::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_administrator_queues_a_job_the_workers_run_and_others_cannot_see() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;
    // The refresh rewrites October's aggregates: the same totals as the sales lines.
    let (status, queued) = app
        .post_json(
            &anna,
            "/api/v1/jobs",
            json!({"kind": "refresh_gold", "params": {"from": "2026-10-01", "to": "2026-10-31"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{queued}");
    let id = queued["id"].as_i64().unwrap();
    let started = Instant::now();
    let done = loop {
        let job = app.get_json(&anna, &format!("/api/v1/jobs/{id}")).await;
        if job["state"] != "queued" && job["state"] != "running" {
            break job;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["progress"], 1.0);
    assert_eq!(done["result"]["days"], 31);
    let connection = app.pool.get().unwrap();
    let count = |sql: &str| {
        connection
            .query(sql, &[Value::from("2026-10-01"), Value::from("2026-10-31")])
            .unwrap()
            .scalar()
            .and_then(Value::as_i64)
            .unwrap()
    };
    assert_eq!(
        done["result"]["rows_written"].as_i64().unwrap(),
        count(
            "SELECT count(*) FROM gold.daily_sales WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)"
        )
    );
    assert_eq!(
        count(
            "SELECT CAST(sum(lines) AS BIGINT) FROM gold.daily_sales WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)"
        ),
        count(
            "SELECT count(*) FROM silver.sales_line WHERE date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)"
        )
    );
    drop(connection);

    // Ben sees none of it, and cannot cancel it or queue his own maintenance.
    let mine = app.get_json(&ben, "/api/v1/jobs").await;
    assert_eq!(mine["jobs"], json!([]));
    let everyone = app.get_json(&ben, "/api/v1/jobs?all=true").await;
    assert_eq!(
        everyone["jobs"],
        json!([]),
        "all=true is for administrators"
    );
    let response = Client::new()
        .get(app.url(&format!("/api/v1/jobs/{id}")))
        .bearer_auth(&ben)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (status, _) = app
        .post_json(&ben, &format!("/api/v1/jobs/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .post_json(
            &ben,
            "/api/v1/jobs",
            json!({"kind": "refresh_gold", "params": {}}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, refused) = app
        .post_json(&anna, "/api/v1/jobs", json!({"kind": "format_disk"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("refresh_gold")
    );

    // Bad parameters fail the job with a message, after its attempts.
    let (_, bad) = app
        .post_json(
            &anna,
            "/api/v1/jobs",
            json!({"kind": "refresh_gold", "params": {"from": "yesterday"}}),
        )
        .await;
    let bad_id = bad["id"].as_i64().unwrap();
    let started = Instant::now();
    let failed_once = loop {
        let job = app.get_json(&anna, &format!("/api/v1/jobs/{bad_id}")).await;
        if job["attempts"] == 1 && job["state"] == "queued" {
            break job;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        failed_once["message"]
            .as_str()
            .unwrap()
            .contains("params.from"),
        "{failed_once}"
    );
    // Cancelled while it waits for its next attempt.
    let (status, cancelled) = app
        .post_json(&anna, &format!("/api/v1/jobs/{bad_id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["state"], "cancelled");
    let listed = app.get_json(&anna, "/api/v1/jobs").await;
    assert_eq!(listed["jobs"].as_array().unwrap().len(), 2);
}

/// `method path` with a bearer token and an optional JSON body: the status and the JSON answer.
async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut request = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn administrators_schedule_jobs_the_workers_queue_and_others_cannot() {
    use reqwest::Method;

    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;
    let seeded = app.get_json(&anna, "/api/v1/job-schedules").await;
    let cleanup = seeded["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|schedule| schedule["name"] == "export_cleanup")
        .unwrap()
        .clone();
    assert_eq!(
        (&cleanup["kind"], &cleanup["cron"], &cleanup["enabled"]),
        (&json!("export_cleanup"), &json!("17 * * * *"), &json!(true)),
        "{cleanup}"
    );

    // Added: its next run is the next 03:00 UTC.
    let path = "/api/v1/job-schedules/october_gold";
    let body = json!({"kind": "refresh_gold", "cron": "0 3 * * *",
                      "params": {"from": "2026-10-01", "to": "2026-10-03"}});
    let (status, added) = send(&app, Method::PUT, &anna, path, Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["enabled"], true);
    assert_eq!(added["params"]["to"], "2026-10-03");
    assert!(
        added["next_run_at"]
            .as_str()
            .unwrap()
            .ends_with("T03:00:00+00:00"),
        "{added}"
    );

    // Due now: the workers queue its job (no user's) and run it.
    app.pool
        .get()
        .unwrap()
        .execute(
            "UPDATE app.job_schedule SET next_run_at = $1 WHERE name = 'october_gold'",
            &[Value::Timestamp(
                chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1),
            )],
        )
        .unwrap();
    let started = Instant::now();
    let job_id = loop {
        let listed = app.get_json(&anna, "/api/v1/job-schedules").await;
        let schedule = listed["schedules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|schedule| schedule["name"] == "october_gold")
            .unwrap()
            .clone();
        if let Some(id) = schedule["last_job_id"].as_i64() {
            break id;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{schedule}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let done = loop {
        let job = app.get_json(&anna, &format!("/api/v1/jobs/{job_id}")).await;
        if job["state"] != "queued" && job["state"] != "running" {
            break job;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["result"]["days"], 3);

    // Changed and paused in one request.
    let (status, paused) = send(
        &app,
        Method::PUT,
        &anna,
        path,
        Some(json!({"kind": "refresh_gold", "cron": "30 2 * * MON-FRI", "enabled": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    assert_eq!(
        (&paused["cron"], &paused["enabled"], &paused["params"]),
        (&json!("30 2 * * MON-FRI"), &json!(false), &json!({}))
    );

    // Bad input is refused with what is wrong.
    for (body, expected) in [
        (
            json!({"kind": "refresh_gold", "cron": "*/5 * * *"}),
            "it needs 5 fields (minute hour day month weekday)",
        ),
        (
            json!({"kind": "refresh_gold", "cron": "0 25 * * *"}),
            "the hour field '25'",
        ),
        (
            json!({"kind": "format_disk", "cron": "0 3 * * *"}),
            "no job kind 'format_disk'",
        ),
    ] {
        let (status, refused) = send(&app, Method::PUT, &anna, path, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{message}");
    }
    let (status, refused) = send(
        &app,
        Method::PUT,
        &anna,
        "/api/v1/job-schedules/two%20words",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");

    // Ben may neither see nor change schedules.
    for (method, body) in [
        (Method::GET, None),
        (Method::PUT, Some(body.clone())),
        (Method::DELETE, None),
    ] {
        let target = if method == Method::GET {
            "/api/v1/job-schedules"
        } else {
            path
        };
        let (status, refused) = send(&app, method.clone(), &ben, target, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {refused}");
        assert_eq!(refused["error"]["code"], "admin_only");
    }
    let unchanged = app.get_json(&anna, "/api/v1/job-schedules").await;
    assert!(unchanged.to_string().contains("30 2 * * MON-FRI"));

    // Removed once; then it is not found.
    let (status, _) = send(&app, Method::DELETE, &anna, path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send(&app, Method::DELETE, &anna, path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let left = app.get_json(&anna, "/api/v1/job-schedules").await;
    assert!(!left.to_string().contains("october_gold"), "{left}");

    // Every change is in the audit log.
    let details = app.audit_details(&anna, "admin_change").await;
    for expected in [
        "added job schedule october_gold",
        "changed job schedule october_gold",
        "removed job schedule october_gold",
    ] {
        assert!(
            details.iter().any(|detail| detail.contains(expected)),
            "{expected}: {details:?}"
        );
    }
}
