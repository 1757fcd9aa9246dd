//! A real server on a free port with a fresh store holding a small demo business.

#![allow(dead_code, clippy::unwrap_used)] // shared by several test files; fail loudly

use std::net::SocketAddr;

use std::collections::{BTreeMap, BTreeSet};

use analyst_accounts::{AccessField, add_user, add_user_with_rights, check_rights};
use analyst_demo::{DemoConfig, install};
use analyst_export::job::ExportSettings;
use analyst_jobs::{WorkerSettings, Workers};
use analyst_store::Pool;
use analyst_web::{AppState, WebSettings};
use chrono::NaiveDate;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value as Json, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const TODAY: &str = "2026-11-15";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    /// The job workers, as `serve` runs them (quicker polling).
    _workers: Workers,
    pub pool: Pool,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    pub server: Option<JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

impl TestApp {
    /// A server with users `anna` (admin) and `ben` (executive), both with [`PASSWORD`].
    pub async fn start() -> TestApp {
        TestApp::with_settings(WebSettings::default()).await
    }

    pub async fn with_settings(settings: WebSettings) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let config = DemoConfig::new(20_000, 42, day("2026-11-14"));
        let connection = install::new_store(dir.path(), &config).unwrap();
        add_user(connection.as_ref(), "anna", PASSWORD, true, false).unwrap();
        add_member(connection.as_ref(), "ben", &["executive"], &[]);
        let pool = Pool::new(connection, 4);
        let state = AppState::new(
            pool.clone(),
            WebSettings {
                today: Some(day(TODAY)),
                exports: ExportSettings {
                    dir: dir.path().join("exports"),
                    today: Some(day(TODAY)),
                    ..settings.exports.clone()
                },
                actions: analyst_actions::ActionSettings {
                    today: Some(day(TODAY)),
                    ..settings.actions.clone()
                },
                uploads: analyst_uploads::UploadSettings {
                    dir: dir.path().join("uploads"),
                    outbox: dir.path().join("outbox"),
                    ..settings.uploads.clone()
                },
                ..settings
            },
        )
        .unwrap();
        let mut kinds = analyst_jobs::kinds::builtin();
        kinds.extend(analyst_export::job::kinds(&state.settings().exports));
        kinds.extend(analyst_actions::execution::kinds(&state.auditor(), None));
        kinds.extend(analyst_uploads::job::kinds(&state.settings().uploads));
        let workers = Workers::start(
            &pool,
            kinds,
            WorkerSettings {
                workers: 1,
                poll: std::time::Duration::from_millis(20),
                report_every: std::time::Duration::from_millis(20),
                requeue_at_start: true,
            },
            "test",
        )
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address: SocketAddr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(analyst_web::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        TestApp {
            _workers: workers,
            base: format!("http://{address}"),
            pool,
            state,
            stop: Some(stop),
            server: Some(server),
            _dir: dir,
        }
    }

    /// Adds a user in `groups` allowed only `stores` (every store when empty).
    pub fn add_member(&self, username: &str, groups: &[&str], stores: &[&str]) {
        let connection = self.pool.get().unwrap();
        add_member(&*connection, username, groups, stores);
    }

    /// Where this server's export files go.
    pub fn exports_dir(&self) -> std::path::PathBuf {
        self.state.settings().exports.dir.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Asks the server to stop; requests in flight finish first.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// A client with a cookie jar, signed in as `username`; returns it with the CSRF token.
    pub async fn browser(&self, username: &str) -> (Client, String) {
        let client = Client::builder().cookie_store(true).build().unwrap();
        let response = client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Json = response.json().await.unwrap();
        (client, body["csrf_token"].as_str().unwrap().to_string())
    }

    /// A bearer token for `username`.
    pub async fn token(&self, username: &str) -> String {
        let response = Client::new()
            .post(self.url("/api/v1/auth/token"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Json = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    /// `GET path` with a bearer token: the JSON body of a 200 answer.
    pub async fn get_json(&self, token: &str, path: &str) -> Json {
        serde_json::from_str(&self.get_text(token, path).await).unwrap()
    }

    /// `GET path` with a bearer token: the text of a 200 answer.
    pub async fn get_text(&self, token: &str, path: &str) -> String {
        let response = Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.unwrap()
    }

    /// `POST path` with a bearer token and a JSON body: the status and the JSON answer.
    pub async fn post_json(&self, token: &str, path: &str, body: Json) -> (StatusCode, Json) {
        let response = Client::new()
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Json::Null))
    }

    /// The details of the audit entries of `event`, once every background write is in.
    pub async fn audit_details(&self, token: &str, event: &str) -> Vec<String> {
        self.state.flush_writes();
        let audit = self
            .get_json(token, &format!("/api/v1/audit?event={event}"))
            .await;
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|entry| entry["detail"].as_str().map(str::to_string))
            .collect()
    }

    /// Asks a question with a bearer token.
    pub async fn ask(&self, token: &str, body: Json) -> Response {
        Client::new()
            .post(self.url("/ai_analyst/chat"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The `error.code` of an error response, after checking its status.
pub async fn error_code(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    let body: Json = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body["error"]["code"].as_str().unwrap().to_string()
}

fn add_member(
    connection: &dyn analyst_store::Connection,
    username: &str,
    groups: &[&str],
    stores: &[&str],
) {
    let groups: BTreeSet<String> = groups.iter().map(|group| group.to_string()).collect();
    let allowed = BTreeMap::from([(
        AccessField::Store,
        stores.iter().map(|store| store.to_string()).collect(),
    )]);
    let change = check_rights(connection, &groups, &allowed).unwrap();
    add_user_with_rights(connection, username, PASSWORD, false, &change).unwrap();
}
