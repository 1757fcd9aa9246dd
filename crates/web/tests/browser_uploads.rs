//! The Uploads page in a real browser (Debian's chromium driven through chromedriver): a data
//! manager uploads a sales file no vendor format fits, maps its columns in the form the page
//! shows, and sees it loaded with its counts and a link to its error report; the rows are in
//! the store. A user who may not upload is told why. Screenshots go to the target directory.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::time::{Duration, Instant};

use analyst_store::Value;
use browser::{
    JOB_WAIT, WAIT, click, connect, console_errors, count, fetch_in_page, screenshot, script,
    sign_in, sign_out, text_of, visible, visible_within,
};
use common::TestApp;
use fantoccini::{Client, Locator};
use serde_json::json;

/// The file's headers: none of the shipped vendor formats knows them.
const HEADERS: &str = "Txn Day,Outlet,Article,Pieces,Takings";
/// The quantity of the one row that cannot load.
const BAD_QUANTITY: &str = "lots";

/// A sell-out file of `skus`, two rows each over two days, then one row whose quantity is not
/// a number; returns the text and the units of the rows that load.
fn sell_out(skus: &[String]) -> (String, i64) {
    let mut text = format!("{HEADERS}\n");
    let mut units = 0;
    for (index, sku) in skus.iter().enumerate() {
        for (day, date) in ["2026-11-10", "2026-11-11"].iter().enumerate() {
            let qty = (index + day) as i64 % 3 + 1;
            let satang = qty * 99_050;
            text.push_str(&format!(
                "{date},PARTNER-{},{sku},{qty},{}.{:02}\n",
                index % 2,
                satang / 100,
                satang % 100
            ));
            units += qty;
        }
    }
    text.push_str(&format!(
        "2026-11-11,PARTNER-0,{},{BAD_QUANTITY},990.50\n",
        skus[0]
    ));
    (text, units)
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

/// The lines uploads put in silver.sales_line, and their units.
fn uploaded_lines(app: &TestApp) -> (i64, i64) {
    let connection = app.pool.get().unwrap();
    let rows = connection
        .query(
            "SELECT count(*), coalesce(sum(qty), 0) FROM silver.sales_line
             WHERE source LIKE 'upload:%'",
            &[],
        )
        .unwrap()
        .rows;
    let number = |value: &Value| value.as_i64().unwrap();
    (number(&rows[0][0]), number(&rows[0][1]))
}

/// Chooses `path` in the page's file input, as a keyboard user does.
async fn choose_file(client: &Client, path: &std::path::Path) {
    client
        .find(Locator::Css("#upload-files"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
}

/// The option values of the select named `field` in the mapping form.
async fn offered(client: &Client, field: &str) -> Vec<String> {
    let values = client
        .execute(
            "return [...document.querySelectorAll(`.upload-mapping select[name='${arguments[0]}'] option`)]
               .map((option) => option.value);",
            vec![json!(field)],
        )
        .await
        .unwrap();
    serde_json::from_value(values).unwrap()
}

/// Waits until the text of `css` holds `needle`; returns the text.
async fn text_with(client: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let text = text_of(client, css).await;
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never said {needle:?}: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of a fact (`rows_loaded`, …) of the batch's card.
async fn fact(client: &Client, card: &str, key: &str) -> String {
    text_of(
        client,
        &format!("{card} .upload-facts dd[data-fact='{key}']"),
    )
    .await
}

#[tokio::test]
async fn a_data_manager_uploads_a_file_maps_its_columns_and_sees_it_loaded() {
    let app = TestApp::start().await;
    app.add_member("dara", &["data_manager"], &[]);
    let (text, units) = sell_out(&skus(&app, 5));
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("outlet-week46.csv");
    std::fs::write(&path, &text).unwrap();

    let driver = browser::Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let client = connect(&driver, profile.path()).await;
    sign_in(&client, &app, "dara").await;

    // The Uploads page: the heading has the focus, the vendor formats fill the select.
    click(&client, "#uploads-link").await;
    visible(&client, "#upload-drop").await;
    assert_eq!(
        client.current_url().await.unwrap().fragment(),
        Some("uploads")
    );
    let focused = script(
        &client,
        "return document.activeElement === document.getElementById('uploads-title');",
    )
    .await;
    assert_eq!(focused, json!(true), "the page's heading has the focus");
    visible(&client, "#upload-profile option:nth-child(2)").await;
    assert_eq!(
        text_of(&client, "#upload-profile option:checked").await,
        "Detect automatically"
    );
    text_with(&client, "#uploads-status", "No uploads yet").await;

    // The file, chosen through the file input, is listed; sending it starts its card.
    choose_file(&client, &path).await;
    assert_eq!(
        text_of(&client, "#upload-chosen .upload-chosen-name").await,
        "outlet-week46.csv"
    );
    // A file dropped on the page joins the list; its Remove button takes it out again.
    script(
        &client,
        "const files = new DataTransfer();
         files.items.add(new File(['a,b\\n1,2\\n'], 'dropped.csv', {type: 'text/csv'}));
         const zone = document.getElementById('upload-drop');
         zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: files, bubbles: true, cancelable: true}));
         zone.dispatchEvent(new DragEvent('drop', {dataTransfer: files, bubbles: true, cancelable: true}));
         return null;",
    )
    .await;
    assert_eq!(count(&client, "#upload-chosen li").await, 2);
    assert_eq!(text_of(&client, "#upload-submit").await, "Upload 2 files");
    click(
        &client,
        "#upload-chosen button[aria-label='Remove dropped.csv']",
    )
    .await;
    assert_eq!(count(&client, "#upload-chosen li").await, 1);
    assert_eq!(text_of(&client, "#upload-submit").await, "Upload");
    click(&client, "#upload-submit").await;
    let mapping_card = ".upload-card[data-state='needs_mapping']";
    visible_within(
        &client,
        &format!("{mapping_card} .upload-mapping"),
        JOB_WAIT,
    )
    .await;
    assert_eq!(
        count(&client, "#upload-chosen li").await,
        0,
        "sent files leave the list"
    );
    let id = client
        .find(Locator::Css(mapping_card))
        .await
        .unwrap()
        .attr("data-batch-id")
        .await
        .unwrap()
        .unwrap();
    let card = format!(".upload-card[data-batch-id='{id}']");
    let badge = text_of(&client, &format!("{card} .upload-state")).await;
    assert_eq!(badge, "Needs mapping");

    // One select per canonical field, each offering the file's headers.
    assert_eq!(
        count(&client, ".upload-mapping select.mapping-select").await,
        16
    );
    let mut headers = vec![String::new()];
    headers.extend(HEADERS.split(',').map(str::to_string));
    for field in [
        "date",
        "sku",
        "quantity",
        "net_amount",
        "store_code",
        "order_ref",
    ] {
        assert_eq!(offered(&client, field).await, headers, "{field}");
    }
    // The dates in "Txn Day" make it the suggested date column.
    let suggested = script(
        &client,
        "return document.querySelector(\".upload-mapping select[name='date']\").value;",
    )
    .await;
    assert_eq!(suggested, json!("Txn Day"), "the suggested date column");
    let labelled = script(
        &client,
        "return [...document.querySelectorAll('.upload-mapping select, .upload-mapping input')]
           .every((control) => control.labels.length === 1);",
    )
    .await;
    assert_eq!(labelled, json!(true), "every control has its label");
    let mapped_screen = screenshot(&client, "upload-mapping.png").await;

    // Without a quantity the form says what is missing and puts the focus there.
    let mapping = [
        ("date", "Txn Day"),
        ("store_code", "Outlet"),
        ("sku", "Article"),
        ("quantity", "Pieces"),
        ("net_amount", "Takings"),
    ];
    let selects = client
        .find_all(Locator::Css(".upload-mapping select.mapping-select"))
        .await
        .unwrap();
    for select in &selects {
        let name = select.attr("name").await.unwrap().unwrap();
        let header = mapping
            .iter()
            .find(|(field, _)| *field == name && name != "quantity")
            .map_or("", |(_, header)| *header);
        select.select_by_value(header).await.unwrap();
    }
    click(&client, ".upload-mapping .mapping-submit").await;
    let problem = visible(&client, ".upload-mapping .mapping-error").await;
    let problem = problem.text().await.unwrap();
    assert!(problem.contains("the quantity"), "{problem}");
    let focused = script(
        &client,
        "return document.activeElement.name === 'quantity'
           && document.activeElement.getAttribute('aria-invalid') === 'true';",
    )
    .await;
    assert_eq!(focused, json!(true), "the quantity select has the focus");

    // Mapped, named as a format, sent: the card follows the import until it is loaded.
    visible(&client, ".upload-mapping select[name='quantity']")
        .await
        .select_by_value("Pieces")
        .await
        .unwrap();
    visible(&client, ".upload-mapping select[name='channel']")
        .await
        .select_by_value("wholesale")
        .await
        .unwrap();
    visible(&client, ".upload-mapping input[name='save_profile']")
        .await
        .send_keys("Outlet weekly")
        .await
        .unwrap();
    click(&client, ".upload-mapping .mapping-submit").await;
    let loaded = format!(".upload-card[data-batch-id='{id}'][data-state='loaded']");
    visible_within(&client, &loaded, JOB_WAIT).await;
    assert_eq!(
        count(&client, ".upload-mapping").await,
        0,
        "the form is gone"
    );
    assert_eq!(
        text_of(&client, &format!("{loaded} .upload-state")).await,
        "Loaded"
    );
    assert_eq!(fact(&client, &loaded, "rows_read").await, "11");
    assert_eq!(fact(&client, &loaded, "rows_loaded").await, "10");
    assert_eq!(fact(&client, &loaded, "rows_failed").await, "1");
    assert_eq!(fact(&client, &loaded, "profile").await, "Outlet weekly");
    let dates = fact(&client, &loaded, "dates").await;
    assert!(
        dates.contains("10 Nov 2026") && dates.contains("11 Nov 2026"),
        "{dates}"
    );

    // The error report: XLSX and CSV links, the CSV naming the value that did not load.
    let xlsx = visible(
        &client,
        &format!("{loaded} a.upload-report-link[data-format='xlsx']"),
    )
    .await;
    assert_eq!(
        xlsx.attr("href").await.unwrap().as_deref(),
        Some(format!("/api/v1/uploads/{id}/errors?format=xlsx").as_str())
    );
    let csv = visible(
        &client,
        &format!("{loaded} a.upload-report-link[data-format='csv']"),
    )
    .await;
    let href = csv.attr("href").await.unwrap().unwrap();
    let report = fetch_in_page(&client, &href).await;
    assert_eq!(report["status"], json!(200), "{report}");
    assert!(
        report["disposition"]
            .as_str()
            .is_some_and(|value| value.starts_with("attachment") && value.contains(".csv")),
        "{report}"
    );
    assert!(
        report["text"].as_str().unwrap().contains(BAD_QUANTITY),
        "{report}"
    );
    let xlsx_report =
        fetch_in_page(&client, &format!("/api/v1/uploads/{id}/errors?format=xlsx")).await;
    assert_eq!(xlsx_report["status"], json!(200), "{xlsx_report}");

    // The past uploads list it, loaded, with its counts and the report.
    let row = format!("#uploads-list tr[data-batch-id='{id}'][data-state='loaded']");
    let row_text = visible(&client, &row).await.text().await.unwrap();
    assert!(
        row_text.contains("outlet-week46.csv")
            && row_text.contains("Loaded")
            && row_text.contains("Outlet weekly"),
        "{row_text}"
    );
    assert_eq!(
        count(&client, &format!("{row} a.upload-report-link")).await,
        2
    );
    let loaded_screen = screenshot(&client, "upload-loaded.png").await;
    println!(
        "screenshots: {} {}",
        mapped_screen.display(),
        loaded_screen.display()
    );

    // The store holds the file's ten good lines and their units.
    assert_eq!(uploaded_lines(&app), (10, units));

    let errors = console_errors(&client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");

    // Someone outside the data managers is told why the file does not go.
    sign_out(&client).await;
    sign_in(&client, &app, "ben").await;
    click(&client, "#uploads-link").await;
    visible(&client, "#upload-drop").await;
    choose_file(&client, &path).await;
    click(&client, "#upload-submit").await;
    let refused = visible(&client, "#upload-error")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        refused.contains("data_manager") && refused.contains("administrator"),
        "{refused}"
    );
    assert_eq!(
        count(&client, ".upload-card").await,
        0,
        "no card for a refused file"
    );
    assert_eq!(
        text_of(&client, "#upload-chosen .upload-chosen-name").await,
        "outlet-week46.csv",
        "the file stays chosen"
    );
    assert_eq!(uploaded_lines(&app), (10, units), "nothing more was loaded");
    // The refusal is an answer shown on the page, not a script error.
    let errors: Vec<String> = console_errors(&client)
        .await
        .into_iter()
        .filter(|message| !message.contains("403"))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
