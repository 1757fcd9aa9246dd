//! Driving the web UI in a real browser (Debian's chromium through chromedriver): start the
//! driver and a session, wait for elements, click, read the console, take screenshots.
//! Browser test files include it with `#[path = "common/browser.rs"] mod browser;` beside
//! `mod common;`, so test binaries without a browser do not compile it.

#![allow(dead_code, clippy::unwrap_used)] // shared by several test files; fail loudly

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value as Json, json};

use crate::common::{PASSWORD, TestApp};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const WAIT: Duration = Duration::from_secs(30);
/// Background jobs (an export, an import) run on a worker: give them longer.
pub const JOB_WAIT: Duration = Duration::from_secs(90);

/// chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("{CHROMEDRIVER} must be installed (apt-get install chromium chromium-driver): {error}")
            });
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ChromeDriver's endpoint for the browser console (`goog:loggingPrefs`).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

/// A headless browser session through `driver`, with its profile in `profile`.
pub async fn connect(driver: &Driver, profile: &std::path::Path) -> Client {
    let mut capabilities = Capabilities::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    capabilities.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let url = format!("http://127.0.0.1:{}", driver.port);
    // chromedriver needs a moment to listen.
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return client,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("could not start a browser session through {CHROMEDRIVER}");
}

/// Console messages at error or warning level since the last call.
pub async fn console_errors(client: &Client) -> Vec<String> {
    let entries = client.issue_cmd(BrowserLog).await.unwrap();
    entries
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["level"] == "SEVERE" || entry["level"] == "WARNING")
        .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Saves a screenshot in the target directory and returns its path.
pub async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, client.screenshot().await.unwrap()).unwrap();
    path
}

/// Waits until `css` is shown and enabled (present is not enough: views are hidden until used).
pub async fn visible(client: &Client, css: &str) -> fantoccini::elements::Element {
    visible_within(client, css, WAIT).await
}

pub async fn visible_within(
    client: &Client,
    css: &str,
    wait: Duration,
) -> fantoccini::elements::Element {
    let deadline = std::time::Instant::now() + wait;
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && element.is_displayed().await.unwrap_or(false)
            && element.is_enabled().await.unwrap_or(false)
        {
            return element;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} was not shown within {wait:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many elements match `css` now.
pub async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Runs `body` (a function body that returns a value) in the page.
pub async fn script(client: &Client, body: &str) -> Json {
    client.execute(body, vec![]).await.unwrap()
}

/// The text of the first element matching `css`.
pub async fn text_of(client: &Client, css: &str) -> String {
    let element = client.find(Locator::Css(css)).await.unwrap();
    element.text().await.unwrap()
}

pub async fn click(client: &Client, css: &str) {
    visible(client, css).await.click().await.unwrap();
}

/// Fetches `url` with the page's session: status, `Content-Disposition` and the text.
pub async fn fetch_in_page(client: &Client, url: &str) -> Json {
    client
        .execute(
            "return fetch(arguments[0], {credentials: 'same-origin'}).then((response) =>
               response.text().then((text) => ({status: response.status, text,
                 disposition: response.headers.get('content-disposition')})));",
            vec![json!(url)],
        )
        .await
        .unwrap()
}

/// Opens the app, signs in as `username` and waits for the question box.
pub async fn sign_in(client: &Client, app: &TestApp, username: &str) {
    client.goto(&app.base).await.unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#login-form"))
        .await
        .unwrap();
    visible(client, "#username")
        .await
        .send_keys(username)
        .await
        .unwrap();
    visible(client, "#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    click(client, "#login-submit").await;
    visible(client, "#question").await;
}

/// Signs out and waits for the sign-in form.
pub async fn sign_out(client: &Client) {
    click(client, "#logout").await;
    visible(client, "#username").await;
}
