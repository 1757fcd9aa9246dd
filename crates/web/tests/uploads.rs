//! Sales files over HTTP: a data manager uploads a file (multipart), its import job loads it,
//! the figures are the file's, the uploader is mailed; a file no profile fits is mapped once and
//! the saved profile recognises the next one; others cannot upload or see the batch; a body
//! that claims to be too large is refused before it is read.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use analyst_store::Value;
use common::TestApp;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value as Json, json};

/// A sell-out file of `skus`: two rows each, over two days.
fn sell_out(skus: &[String], headers: &str) -> (String, i64, i64) {
    let mut text = format!("{headers}\n");
    let (mut units, mut satang) = (0, 0);
    for (index, sku) in skus.iter().enumerate() {
        for (day, date) in ["2026-11-10", "2026-11-11"].iter().enumerate() {
            let qty = (index + day) as i64 % 3 + 1;
            let net = qty * 99_050;
            text.push_str(&format!(
                "{date},PARTNER-{},{sku},{qty},{}.{:02}\n",
                index % 2,
                net / 100,
                net % 100
            ));
            units += qty;
            satang += net;
        }
    }
    (text, units, satang)
}

fn skus(app: &TestApp, count: i64) -> Vec<String> {
    let connection = app.pool.get().unwrap();
    connection
        .query(
            "SELECT sku FROM silver.product WHERE active ORDER BY id LIMIT $1",
            &[count.into()],
        )
        .unwrap()
        .rows
        .iter()
        .map(|row| row[0].as_str().unwrap().to_string())
        .collect()
}

async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    text: &str,
    options: Option<Json>,
) -> reqwest::Response {
    let mut form = Form::new().part(
        "file",
        Part::bytes(text.as_bytes().to_vec()).file_name(name.to_string()),
    );
    if let Some(options) = options {
        form = form.text("options", options.to_string());
    }
    Client::new()
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Polls a batch until its import is over.
async fn settled(app: &TestApp, token: &str, id: i64) -> Json {
    let started = Instant::now();
    loop {
        let batch = app.get_json(token, &format!("/api/v1/uploads/{id}")).await;
        if !["queued", "running"].contains(&batch["state"].as_str().unwrap()) {
            return batch;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{batch}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn uploaded_totals(app: &TestApp) -> (i64, i64) {
    let connection = app.pool.get().unwrap();
    let rows = connection
        .query(
            "SELECT coalesce(sum(qty), 0), CAST(coalesce(sum(net_amount), 0) * 100 AS BIGINT)
             FROM silver.sales_line WHERE source LIKE 'upload:%'",
            &[],
        )
        .unwrap();
    (
        rows.rows[0][0].as_i64().unwrap(),
        rows.rows[0][1].as_i64().unwrap(),
    )
}

const HEADERS: &str = "Sale Date,Branch,Item Code,Units,Net Sales";

fn mapping() -> Json {
    json!({"date": "Sale Date", "store_code": "Branch", "sku": "Item Code",
           "quantity": "Units", "net_amount": "Net Sales"})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_data_manager_uploads_a_file_that_loads_and_is_mailed_about() {
    let app = TestApp::start().await;
    app.add_member("dara", &["data_manager"], &[]);
    {
        let connection = app.pool.get().unwrap();
        connection
            .execute(
                "UPDATE app.users SET email = 'dara@example.co.th' WHERE username = 'dara'",
                &[],
            )
            .unwrap();
    }
    let token = app.token("dara").await;
    let (text, units, satang) = sell_out(&skus(&app, 8), HEADERS);
    let response = upload(
        &app,
        &token,
        "ยอดขาย-week46.csv",
        &text,
        Some(json!({"mapping": mapping(), "channel": "wholesale"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body: Json = response.json().await.unwrap();
    let id = body["batches"][0]["id"].as_i64().unwrap();
    assert_eq!(body["batches"][0]["file_name"], "ยอดขาย-week46.csv");

    let batch = settled(&app, &token, id).await;
    assert_eq!(batch["state"], "loaded", "{batch}");
    assert_eq!(batch["rows_loaded"], 16);
    assert_eq!(uploaded_totals(&app), (units, satang));

    // The uploader's list holds it; the audit log has the upload.
    let list = app.get_json(&token, "/api/v1/uploads").await;
    assert_eq!(list["batches"][0]["id"], id);
    let anna = app.token("anna").await;
    let uploads = app.audit_details(&anna, "upload").await;
    assert!(
        uploads
            .iter()
            .any(|detail| detail.contains(&format!("batch {id}"))),
        "{uploads:?}"
    );

    // The e-mail is in the outbox, its subject encoded for the Thai file name.
    let outbox = app.state.settings().uploads.outbox.clone();
    let mails: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
        .collect();
    assert_eq!(mails.len(), 1);
    let mail = std::fs::read_to_string(&mails[0]).unwrap();
    assert!(mail.contains("To: dara@example.co.th"), "{mail}");
    assert!(mail.contains("Subject: =?utf-8?"), "{mail}");
    assert!(mail.contains("Rows loaded: 16"), "{mail}");

    // The same file again: a duplicate, nothing counted twice.
    let again = upload(
        &app,
        &token,
        "copy.csv",
        &text,
        Some(json!({"mapping": mapping()})),
    )
    .await;
    let again: Json = again.json().await.unwrap();
    assert_eq!(again["batches"][0]["state"], "duplicate");
    assert_eq!(again["batches"][0]["duplicate_of"], id);
    assert_eq!(uploaded_totals(&app), (units, satang));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_no_profile_fits_is_mapped_once_and_the_next_one_is_recognised() {
    let app = TestApp::start().await;
    let token = app.token("anna").await;
    let headers = "Txn Day,Outlet,Article,Pieces,Takings";
    let (text, units, satang) = sell_out(&skus(&app, 5), headers);
    let response = upload(&app, &token, "odd-format.csv", &text, None).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let id = response.json::<Json>().await.unwrap()["batches"][0]["id"]
        .as_i64()
        .unwrap();
    let batch = settled(&app, &token, id).await;
    assert_eq!(batch["state"], "needs_mapping", "{batch}");
    assert_eq!(batch["summary"]["headers"][0], "Txn Day");
    assert!(batch["summary"]["suggestions"].is_array());
    assert_eq!(uploaded_totals(&app), (0, 0));

    let (status, mapped) = app
        .post_json(
            &token,
            &format!("/api/v1/uploads/{id}/mapping"),
            json!({"mapping": {"date": "Txn Day", "store_code": "Outlet", "sku": "Article",
                               "quantity": "Pieces", "net_amount": "Takings"},
                   "save_profile": "Outlet weekly"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{mapped}");
    let batch = settled(&app, &token, id).await;
    assert_eq!(batch["state"], "loaded", "{batch}");
    assert_eq!(uploaded_totals(&app), (units, satang));

    let profiles = app.get_json(&token, "/api/v1/upload-profiles").await;
    assert!(
        profiles["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|profile| profile["name"] == "Outlet weekly"),
        "{profiles}"
    );
    // The next week's file, same columns: recognised by the saved profile.
    let next = text
        .replace("2026-11-10", "2026-11-03")
        .replace("2026-11-11", "2026-11-04");
    let response = upload(&app, &token, "odd-format-next.csv", &next, None).await;
    let id = response.json::<Json>().await.unwrap()["batches"][0]["id"]
        .as_i64()
        .unwrap();
    let batch = settled(&app, &token, id).await;
    assert_eq!(batch["state"], "loaded", "{batch}");
    assert_eq!(batch["profile"], "Outlet weekly");
    assert_eq!(uploaded_totals(&app), (2 * units, 2 * satang));
}

#[tokio::test(flavor = "multi_thread")]
async fn others_cannot_upload_or_see_a_batch_and_an_oversized_body_is_refused_unread() {
    let app = TestApp::start().await;
    let anna = app.token("anna").await;
    let ben = app.token("ben").await;
    let (text, _, _) = sell_out(&skus(&app, 2), HEADERS);

    let refused = upload(&app, &ben, "x.csv", &text, None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let response = upload(
        &app,
        &anna,
        "mine.csv",
        &text,
        Some(json!({"mapping": mapping()})),
    )
    .await;
    let id = response.json::<Json>().await.unwrap()["batches"][0]["id"]
        .as_i64()
        .unwrap();
    settled(&app, &anna, id).await;
    for path in [
        format!("/api/v1/uploads/{id}"),
        format!("/api/v1/uploads/{id}/errors?format=csv"),
    ] {
        let response = Client::new()
            .get(app.url(&path))
            .bearer_auth(&ben)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let unauthenticated = Client::new()
        .get(app.url("/api/v1/uploads"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);

    // 2 GB claimed: refused at once, nothing kept, over a raw connection that sends the
    // headers alone.
    let address = app.base.trim_start_matches("http://").to_string();
    let kept_before = std::fs::read_dir(&app.state.settings().uploads.dir)
        .map(|entries| entries.count())
        .unwrap_or(0);
    let status_line = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            stream,
            "POST /api/v1/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {anna}\r\n\
             Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 2147483648\r\n\r\n--x\r\n"
        )
        .unwrap();
        let mut answer = [0u8; 64];
        let read = stream.read(&mut answer).unwrap();
        String::from_utf8_lossy(&answer[..read]).lines().next().unwrap().to_string()
    })
    .await
    .unwrap();
    assert!(status_line.contains("413"), "{status_line}");
    let kept_after = std::fs::read_dir(&app.state.settings().uploads.dir)
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert_eq!(kept_after, kept_before);
    let connection = app.pool.get().unwrap();
    let batches = connection
        .query("SELECT count(*) FROM ops.upload_batch", &[])
        .unwrap()
        .scalar()
        .and_then(Value::as_i64)
        .unwrap();
    assert_eq!(batches, 1);
}
