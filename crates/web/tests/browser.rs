//! The web UI in a real browser (Debian's chromium driven through chromedriver): sign in, ask
//! a question, see the KPI, the table and the chart, at desktop and phone widths, with no
//! error on the page and none in the console. Screenshots go to the target directory.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{PASSWORD, TestApp};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value as Json, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(30);

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
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

async fn connect(driver: &Driver, profile: &std::path::Path) -> Client {
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

/// Console messages at error level since the last call.
async fn console_errors(client: &Client) -> Vec<String> {
    let entries = client.issue_cmd(BrowserLog).await.unwrap();
    entries
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["level"] == "SEVERE" || entry["level"] == "WARNING")
        .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, client.screenshot().await.unwrap()).unwrap();
    path
}

/// Waits until `css` is shown (present is not enough: the chat is hidden until sign-in ends).
async fn visible(client: &Client, css: &str) -> fantoccini::elements::Element {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && element.is_displayed().await.unwrap_or(false)
            && element.is_enabled().await.unwrap_or(false)
        {
            return element;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} was not shown within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

#[tokio::test]
async fn a_buyer_signs_in_asks_and_sees_kpis_a_table_and_a_chart() {
    let app = TestApp::start().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let client = connect(&driver, profile.path()).await;

    client.goto(&app.base).await.unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#login-form"))
        .await
        .unwrap();
    client
        .find(Locator::Css("#username"))
        .await
        .unwrap()
        .send_keys("ben")
        .await
        .unwrap();
    client
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("#login-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let question = visible(&client, "#question").await;
    question
        .send_keys("top 5 brands by revenue last month")
        .await
        .unwrap();
    client
        .find(Locator::Css("#ask"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    for css in [".answer-card .kpi", "table.answer-table", ".chart img"] {
        client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("{css} did not appear: {error}"));
    }
    assert_eq!(count(&client, ".answer-error").await, 0, "no error card");
    let kpi = client
        .find(Locator::Css(".answer-card .kpi-value"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(kpi.starts_with('฿'), "the revenue KPI is in baht: {kpi}");
    assert_eq!(
        count(&client, "table.answer-table tbody tr").await,
        5,
        "top 5 rows"
    );
    let chart_loaded: Json = client
        .execute(
            "const img = document.querySelector('.chart img'); return img.complete && img.naturalWidth > 0;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(chart_loaded, json!(true), "the chart image renders");

    // Sorting by a column keeps the rows and marks the header.
    let header = client
        .find(Locator::Css("table.answer-table thead th:nth-child(2)"))
        .await
        .unwrap();
    header
        .find(Locator::Css("button.sort-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let sorted = header.attr("aria-sort").await.unwrap().unwrap_or_default();
    assert!(
        sorted == "ascending" || sorted == "descending",
        "aria-sort is {sorted}"
    );
    assert_eq!(count(&client, "table.answer-table tbody tr").await, 5);

    let desktop = screenshot(&client, "chat-desktop.png").await;
    client.set_window_size(390, 844).await.unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#question"))
        .await
        .unwrap();
    let phone = screenshot(&client, "chat-phone.png").await;
    println!("screenshots: {} {}", desktop.display(), phone.display());

    let errors = console_errors(&client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
