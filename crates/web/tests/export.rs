//! Exports over HTTP: an answer too long to show offers an export; the export runs as a job
//! under the asker's rights, and only they (or an administrator) can download the file, until
//! it expires.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use analyst_export::job::{self, ExportSettings};
use analyst_jobs::{NewJob, queue};
use analyst_store::Value;
use analyst_web::WebSettings;
use common::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::{Value as Json, json};

/// Revenue per day and product over the whole demo: thousands of rows.
fn long_query() -> Json {
    json!({"tool": "sales_by_dimension", "measures": ["revenue", "units"],
           "dimensions": ["date", "product"],
           "period": {"start": "2024-01-01", "end": "2026-11-14"}})
}

/// Polls an export until it is over.
async fn settled(app: &TestApp, token: &str, id: i64) -> Json {
    let started = Instant::now();
    loop {
        let status = app
            .get_json(token, &format!("/ai_analyst/export/status/{id}"))
            .await;
        if !["queued", "running"].contains(&status["state"].as_str().unwrap()) {
            return status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn download(app: &TestApp, token: &str, id: i64) -> reqwest::Response {
    Client::new()
        .get(app.url(&format!("/ai_analyst/export/download/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn sql_number(app: &TestApp, sql: &str) -> f64 {
    let connection = app.pool.get().unwrap();
    connection
        .query(sql, &[])
        .unwrap()
        .scalar()
        .and_then(Value::as_f64)
        .unwrap()
}

#[tokio::test]
async fn a_long_answer_offers_an_export_that_only_its_owner_or_an_admin_downloads() {
    let app = TestApp::start().await;
    app.add_member("carl", &["executive"], &[]);
    let ben = app.token("ben").await;

    // The answer shows 500 rows and offers the rest as an export, with its size.
    let (status, answer) = app.post_json(&ben, "/api/v1/query", long_query()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let table = &answer["table"];
    assert_eq!(table["rows"].as_array().unwrap().len(), 500);
    assert_eq!(table["truncated"], true);
    let total = table["total_count"].as_u64().unwrap();
    assert!(total > 5_000, "{total}");
    let action = answer["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|action| action["type"] == "export_async")
        .expect("an export action");
    assert_eq!(action["params"]["total_rows"], total);
    let label = action["label"].as_str().unwrap();
    assert!(
        label.starts_with("Export all ") && label.contains("as CSV"),
        "{label}"
    );

    // The export job writes every row.
    let (status, started) = app
        .post_json(
            &ben,
            "/ai_analyst/export/start",
            json!({"query": action["params"]["query"], "format": "csv", "bom": true}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let id = started["job_id"].as_i64().unwrap();
    let finished = settled(&app, &ben, id).await;
    assert_eq!(finished["state"], "succeeded", "{finished}");
    assert_eq!(finished["rows_written"], total);
    assert_eq!(finished["progress"], 100.0);
    assert!(finished["expires_at"].is_string());
    assert_eq!(
        finished["download_url"],
        format!("/ai_analyst/export/download/{id}")
    );

    let response = download(&app, &ben, id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("filename=\"revenue-units-by-date-product-2026-11-15.csv\""),
        "{disposition}"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, finished["bytes"].as_u64().unwrap());
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "a byte order mark"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["Date", "Product", "Revenue", "Units"]
    );
    let mut rows = 0;
    let mut revenue = 0.0;
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        revenue += record[2].parse::<f64>().unwrap_or(0.0);
    }
    assert_eq!(rows, total);
    // Checked against the sales lines themselves, not the aggregates the query read.
    let expected = sql_number(
        &app,
        "SELECT sum(net_amount) FROM silver.sales_line
         WHERE date BETWEEN DATE '2024-01-01' AND DATE '2026-11-14'",
    );
    assert!(
        (revenue - expected).abs() < 0.01 * total as f64,
        "{revenue} vs {expected}"
    );

    // Another user neither sees nor downloads it; an administrator does.
    let carl = app.token("carl").await;
    for path in [
        format!("/ai_analyst/export/status/{id}"),
        format!("/ai_analyst/export/download/{id}"),
    ] {
        let response = Client::new()
            .get(app.url(&path))
            .bearer_auth(&carl)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let listed = app.get_json(&carl, "/api/v1/exports").await;
    assert_eq!(listed["exports"], json!([]));
    let anna = app.token("anna").await;
    assert_eq!(download(&app, &anna, id).await.status(), StatusCode::OK);
    let listed = app.get_json(&ben, "/api/v1/exports").await;
    assert_eq!(listed["exports"][0]["job_id"], id);

    // Without signing in: nothing.
    let response = Client::new()
        .get(app.url(&format!("/ai_analyst/export/download/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_export_of_an_answer_keeps_to_the_askers_stores_in_each_format() {
    let app = TestApp::start().await;
    app.add_member("mia", &["store_manager"], &["Phuket Central"]);
    let mia = app.token("mia").await;
    let response = app
        .ask(
            &mia,
            json!({"message": "revenue by store and product last year"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Json = response.json().await.unwrap();
    assert!(answer["error"].is_null(), "{answer}");
    let message_id = answer["message_id"].as_str().unwrap().to_string();

    for format in ["csv", "xlsx", "parquet"] {
        let (status, started) = app
            .post_json(
                &mia,
                "/ai_analyst/export/start",
                json!({"conversation_message_id": message_id, "format": format}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{started}");
        let id = started["job_id"].as_i64().unwrap();
        let finished = settled(&app, &mia, id).await;
        assert_eq!(finished["state"], "succeeded", "{finished}");
        assert_eq!(finished["format"], format);
        let bytes = download(&app, &mia, id).await.bytes().await.unwrap();
        let stores = stores_in(format, &bytes);
        assert_eq!(
            stores,
            ["Phuket Central"].into_iter().map(String::from).collect(),
            "{format}"
        );
    }

    // Someone else's answer is not found.
    let ben = app.token("ben").await;
    let (status, _) = app
        .post_json(
            &ben,
            "/ai_analyst/export/start",
            json!({"conversation_message_id": message_id}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The distinct values of the first column (the store) of an exported file.
fn stores_in(format: &str, bytes: &[u8]) -> std::collections::BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("file.{format}"));
    std::fs::write(&path, bytes).unwrap();
    match format {
        "csv" => csv::Reader::from_path(&path)
            .unwrap()
            .records()
            .map(|record| record.unwrap()[0].to_string())
            .collect(),
        "xlsx" => {
            use calamine::Reader;
            let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
            let range = workbook.worksheet_range("Export").unwrap();
            range.rows().skip(1).map(|row| row[0].to_string()).collect()
        }
        _ => {
            use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
            let file = std::fs::File::open(&path).unwrap();
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .unwrap()
                .build()
                .unwrap();
            let mut stores = std::collections::BTreeSet::new();
            for batch in reader {
                let batch = batch.unwrap();
                assert_eq!(batch.schema().field(0).name(), "store");
                let column = batch
                    .column(0)
                    .as_any()
                    .downcast_ref::<analyst_store::arrow::array::StringArray>()
                    .unwrap();
                stores.extend(column.iter().flatten().map(String::from));
            }
            stores
        }
    }
}

#[tokio::test]
async fn an_expired_export_is_gone_and_the_cleanup_job_removes_its_file() {
    let settings = WebSettings {
        exports: ExportSettings {
            keep_for: chrono::Duration::zero(),
            ..WebSettings::default().exports
        },
        ..WebSettings::default()
    };
    let app = TestApp::with_settings(settings).await;
    let ben = app.token("ben").await;
    let (_, started) = app
        .post_json(
            &ben,
            "/ai_analyst/export/start",
            json!({"query": long_query()}),
        )
        .await;
    let id = started["job_id"].as_i64().unwrap();
    let finished = settled(&app, &ben, id).await;
    assert_eq!(finished["state"], "expired", "{finished}");
    assert!(finished["download_url"].is_null());
    let response = download(&app, &ben, id).await;
    assert_eq!(response.status(), StatusCode::GONE);
    let file = app.exports_dir().join(format!("export-{id}.csv"));
    assert!(file.exists(), "kept until the cleanup job runs");

    let anna = app.token("anna").await;
    let (status, cleanup) = app
        .post_json(&anna, "/api/v1/jobs", json!({"kind": job::EXPORT_CLEANUP}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cleanup}");
    let cleanup_id = cleanup["id"].as_i64().unwrap();
    let started = Instant::now();
    let done = loop {
        let job = app
            .get_json(&anna, &format!("/api/v1/jobs/{cleanup_id}"))
            .await;
        if job["state"] == "succeeded" {
            break job;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(done["result"]["files_removed"], 1, "{done}");
    assert!(!file.exists());
    assert_eq!(download(&app, &ben, id).await.status(), StatusCode::GONE);
}

#[tokio::test]
async fn a_user_has_at_most_the_allowed_exports_under_way_and_bad_requests_are_refused() {
    let app = TestApp::start().await;
    let ben = app.token("ben").await;
    let ben_id = {
        let connection = app.pool.get().unwrap();
        analyst_accounts::find_user(&*connection, "ben")
            .unwrap()
            .unwrap()
            .id
    };
    // Three exports waiting (not before tomorrow, so no worker takes them).
    {
        let connection = app.pool.get().unwrap();
        for _ in 0..3 {
            let mut waiting =
                NewJob::new(job::EXPORT, json!({"query": long_query()})).for_user(ben_id);
            waiting.run_after = Some(chrono::Utc::now().naive_utc() + chrono::Duration::days(1));
            queue::enqueue(&*connection, &waiting).unwrap();
        }
    }
    let (status, body) = app
        .post_json(
            &ben,
            "/ai_analyst/export/start",
            json!({"query": long_query()}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "too_many_exports");

    // Others are not held back by ben's exports; bad formats and queries are refused.
    app.add_member("carl", &["executive"], &[]);
    let carl = app.token("carl").await;
    let (status, body) = app
        .post_json(
            &carl,
            "/ai_analyst/export/start",
            json!({"query": long_query(), "format": "pdf"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("csv, xlsx or parquet")
    );
    let (status, _) = app
        .post_json(
            &carl,
            "/ai_analyst/export/start",
            json!({"query": {"tool": "sales_by_dimension", "measures": []}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .post_json(&carl, "/ai_analyst/export/start", json!({"format": "csv"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A tool the user's groups may not use.
    app.add_member("sue", &["support"], &[]);
    let sue = app.token("sue").await;
    let (status, _) = app
        .post_json(
            &sue,
            "/ai_analyst/export/start",
            json!({"query": {"tool": "reorder_suggestion"}}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .post_json(
            &carl,
            "/ai_analyst/export/start",
            json!({"query": long_query()}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
}
