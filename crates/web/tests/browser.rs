//! The web UI in a real browser (Debian's chromium driven through chromedriver): sign in, ask
//! a question, see the KPI, the table and the chart, at desktop and phone widths, with no
//! error on the page and none in the console; export a long answer and download the file;
//! propose a reorder as a buyer, then approve and execute it as a purchase manager.
//! Screenshots go to the target directory.

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
/// An export of a few thousand rows runs as a background job: give it longer.
const EXPORT_WAIT: Duration = Duration::from_secs(90);

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
    visible_within(client, css, WAIT).await
}

async fn visible_within(
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

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Runs `body` (a function body that returns a value) in the page.
async fn script(client: &Client, body: &str) -> Json {
    client.execute(body, vec![]).await.unwrap()
}

/// The text of the first element matching `css`.
async fn text_of(client: &Client, css: &str) -> String {
    let element = client.find(Locator::Css(css)).await.unwrap();
    element.text().await.unwrap()
}

async fn click(client: &Client, css: &str) {
    visible(client, css).await.click().await.unwrap();
}

/// What a browser test holds on to: the server, chromedriver and the browser's profile.
struct Browser {
    _app: TestApp,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// A fresh server and browser, signed in as `username`, at the question box.
async fn signed_in(username: &str) -> (Client, Browser) {
    let app = TestApp::start().await;
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let client = connect(&driver, profile.path()).await;
    sign_in(&client, &app, username).await;
    let browser = Browser {
        _app: app,
        _driver: driver,
        _profile: profile,
    };
    (client, browser)
}

/// Opens the app, signs in as `username` and waits for the question box.
async fn sign_in(client: &Client, app: &TestApp, username: &str) {
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

/// Types `question` and sends it; waits for the answer card.
async fn ask(client: &Client, question: &str) {
    visible(client, "#question")
        .await
        .send_keys(question)
        .await
        .unwrap();
    click(client, "#ask").await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(".answer-card:not(.is-pending)"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_buyer_signs_in_asks_and_sees_kpis_a_table_and_a_chart() {
    let (client, _browser) = signed_in("ben").await;
    ask(&client, "top 5 brands by revenue last month").await;

    for css in [".answer-card .kpi", "table.answer-table", ".chart img"] {
        client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("{css} did not appear: {error}"));
    }
    assert_eq!(count(&client, ".answer-error").await, 0, "no error card");
    let kpi = text_of(&client, ".answer-card .kpi-value").await;
    assert!(kpi.starts_with('฿'), "the revenue KPI is in baht: {kpi}");
    assert_eq!(
        count(&client, "table.answer-table tbody tr").await,
        5,
        "top 5 rows"
    );
    let chart_loaded = script(
        &client,
        "const img = document.querySelector('.chart img'); return img.complete && img.naturalWidth > 0;",
    )
    .await;
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

/// The answer's table headers and the "Showing 500 of N rows" caption, read in the page.
async fn answer_table(client: &Client) -> (Vec<String>, String) {
    let table = script(
        client,
        "const table = document.querySelector('table.answer-table');
         return {headers: [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim()),
                 caption: table.caption ? table.caption.textContent : ''};",
    )
    .await;
    let headers = table["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|header| header.as_str().unwrap().to_string())
        .collect();
    (headers, table["caption"].as_str().unwrap().to_string())
}

/// Fetches `url` with the page's session: status, `Content-Disposition` and the text.
async fn fetch_in_page(client: &Client, url: &str) -> Json {
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

#[tokio::test]
async fn a_buyer_exports_a_long_answer_as_csv_downloads_it_and_finds_it_on_the_exports_page() {
    let (client, _browser) = signed_in("ben").await;
    ask(&client, "revenue by product and customer this year").await;
    let (headers, caption) = answer_table(&client).await;
    let total_text = caption
        .strip_prefix("Showing 500 of ")
        .and_then(|rest| rest.strip_suffix(" rows"))
        .unwrap_or_else(|| panic!("the answer is cut at 500 rows: {caption}"));
    let total: usize = total_text.replace(',', "").parse().unwrap();

    // The export action opens the chooser with the focus on the format; the BOM is for CSV only.
    click(&client, "button[data-action='export_async']").await;
    let format = visible(&client, ".export-chooser select").await;
    let focused = script(
        &client,
        "return document.activeElement === document.querySelector('.export-chooser select');",
    )
    .await;
    assert_eq!(focused, json!(true), "the format select has the focus");
    format.select_by_value("xlsx").await.unwrap();
    assert!(!visible_bom(&client).await, "no BOM choice for Excel");
    format.select_by_value("csv").await.unwrap();
    assert!(visible_bom(&client).await, "the BOM choice for CSV");
    click(&client, ".export-chooser .export-start").await;

    // The chooser becomes a progress card, then a download link with the file's size.
    visible(&client, ".export-job").await;
    let link = visible_within(&client, ".export-job a.export-download", EXPORT_WAIT).await;
    let label = link.text().await.unwrap();
    assert!(
        label.starts_with("Download (") && (label.contains("KB") || label.contains("MB")),
        "{label}"
    );
    let href = link.attr("href").await.unwrap().unwrap();
    assert!(href.starts_with("/ai_analyst/export/download/"), "{href}");
    let facts = text_of(&client, ".export-job .export-facts").await;
    assert!(facts.contains(total_text), "{facts}");

    // The file, fetched with the browser's session: the answer's columns, then every row.
    let download = fetch_in_page(&client, &href).await;
    assert_eq!(download["status"], json!(200), "{download}");
    assert!(
        download["disposition"]
            .as_str()
            .is_some_and(|value| value.starts_with("attachment") && value.contains(".csv")),
        "{download}"
    );
    let text = download["text"].as_str().unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), headers.join(","), "the CSV header");
    assert_eq!(lines.count(), total, "every row, not only the 500 shown");

    // The Exports page lists it, ready, with the same download link.
    click(&client, "#exports-link").await;
    let row = visible(&client, ".exports-table tbody tr").await;
    let row_text = row.text().await.unwrap();
    assert!(
        row_text.contains("CSV") && row_text.contains("Ready"),
        "{row_text}"
    );
    let listed = row
        .find(Locator::Css("a.export-download"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap();
    assert_eq!(listed.as_deref(), Some(href.as_str()));
    assert_eq!(
        client.current_url().await.unwrap().fragment(),
        Some("exports")
    );
    let page = screenshot(&client, "exports-page.png").await;
    println!("screenshot: {}", page.display());

    // Back to the chat: the answer and its export card are still there.
    client.back().await.unwrap();
    visible(&client, ".export-job a.export-download").await;

    let errors = console_errors(&client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}

/// Whether the chooser shows its "BOM for Excel" checkbox.
async fn visible_bom(client: &Client) -> bool {
    client
        .find(Locator::Css(".export-chooser input[name='bom']"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_buyer_proposes_a_reorder_and_a_purchase_manager_approves_and_executes_it() {
    let app = TestApp::start().await;
    app.add_member("bea", &["buyer"], &[]);
    app.add_member("max", &["purchase_manager"], &[]);
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let client = connect(&driver, profile.path()).await;

    // The buyer's answer offers the proposal; the card waits for a purchase manager.
    sign_in(&client, &app, "bea").await;
    // Reorders are answered in the Buying workspace.
    visible(&client, "#workspace option[value='buying']").await;
    visible(&client, "#workspace")
        .await
        .select_by_value("buying")
        .await
        .unwrap();
    ask(&client, "suggest a reorder for Peak Motion Thailand").await;
    let propose = visible(&client, "button[data-action='propose']").await;
    let label = propose.text().await.unwrap();
    // "Propose 2 draft purchase orders (฿34,530)": one per supplier and company.
    let orders: usize = label
        .strip_prefix("Propose ")
        .and_then(|rest| rest.split_once(" draft purchase order"))
        .and_then(|(number, _)| number.parse().ok())
        .unwrap_or_else(|| panic!("{label}"));
    propose.click().await.unwrap();
    let card = visible(&client, ".answer-card .proposal-card[data-state='draft']").await;
    assert_eq!(
        count(&client, ".answer-card .proposal-card[data-state='draft']").await,
        orders,
        "a card per proposal"
    );
    let reference = card.attr("data-reference").await.unwrap().unwrap();
    assert!(reference.starts_with("AIPROP-"), "{reference}");
    let focused = script(
        &client,
        "return document.activeElement === document.querySelector('.proposal-card');",
    )
    .await;
    assert_eq!(focused, json!(true), "the new card has the focus");
    let head = text_of(&client, ".proposal-card .proposal-head").await;
    assert!(
        head.contains(&reference) && head.contains("Draft") && head.contains("risk"),
        "{head}"
    );
    assert!(
        count(&client, ".proposal-card .proposal-lines tbody tr").await >= 1,
        "preview lines"
    );
    let waiting = text_of(&client, ".proposal-card .proposal-waiting").await;
    assert!(
        waiting.to_lowercase().contains("waiting for approval")
            && waiting.contains("purchase_manager"),
        "{waiting}"
    );
    assert_eq!(
        count(&client, ".proposal-card .proposal-approve, .proposal-card .proposal-approve-execute, .proposal-card .proposal-execute").await,
        0,
        "a buyer cannot approve"
    );
    let proposed = screenshot(&client, "proposal-card.png").await;
    let errors = console_errors(&client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // The purchase manager finds it waiting for him, approves and executes it in one step.
    click(&client, "#logout").await;
    visible(&client, "#username").await;
    sign_in(&client, &app, "max").await;
    click(&client, "#proposals-link").await;
    visible(&client, "#proposals-list[data-filter='all'] .proposal-row").await;
    click(&client, "#proposals-mine").await;
    let row = format!(
        "#proposals-list[data-filter='pending_for_me=true'] .proposal-item[data-reference='{reference}']"
    );
    click(&client, &format!("{row} .proposal-row")).await;
    visible(&client, &format!("{row} .proposal-card .proposal-history")).await;
    click(
        &client,
        &format!("{row} .proposal-card .proposal-approve-execute"),
    )
    .await;
    let result = visible_within(
        &client,
        &format!("{row} .proposal-card[data-state='executed'] .proposal-result"),
        EXPORT_WAIT,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        result.contains(&format!("PO-{reference}")) && result.contains("line"),
        "{result}"
    );
    assert_eq!(
        text_of(&client, &format!("{row} .proposal-row .proposal-state")).await,
        "Executed",
        "the row follows the card"
    );
    let history = text_of(&client, &format!("{row} .proposal-events")).await;
    assert!(
        history.contains("Proposed by bea") && history.contains("Executed"),
        "{history}"
    );
    let executed = screenshot(&client, "proposal-executed.png").await;
    println!("screenshots: {} {}", proposed.display(), executed.display());

    let written = app
        .pool
        .get()
        .unwrap()
        .query(
            "SELECT count(*) FROM silver.purchase_order WHERE source = 'analyst'",
            &[],
        )
        .unwrap()
        .rows;
    assert_eq!(
        written[0][0].as_i64(),
        Some(1),
        "one draft purchase order: the executed proposal's"
    );

    let errors = console_errors(&client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
