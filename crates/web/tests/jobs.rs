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
