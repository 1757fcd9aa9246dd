//! `analyst import` through the real binary: a business with nothing but a spreadsheet loads
//! it and asks about it at once; the same file again loads nothing; a file no profile fits
//! explains how to map it; the error report is written where asked.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use common::{analyst, sql_json, stderr, stdout};
use serde_json::Value as Json;

/// Brand, product, store, units and amount in satang of each row of the test file.
const ROWS: [(&str, &str, &str, i64, i64); 6] = [
    ("Stride", "Stride Runner 2", "Siam Paragon", 2, 598_000),
    ("Stride", "Stride Runner 2", "Central World", 1, 299_000),
    ("Peak", "Peak Trail Cap", "Siam Paragon", 4, 236_000),
    ("Peak", "Peak Trail Cap", "Central World", 1, 59_000),
    ("Lumen", "Lumen Tee", "Siam Paragon", 3, 117_000),
    // A return.
    ("Stride", "Stride Runner 2", "Siam Paragon", -1, -299_000),
];

fn sales_file(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::from("Bill No;Date;Shop;Item;Brand;Qty;Amount\n");
    for (index, (brand, item, shop, qty, satang)) in ROWS.iter().enumerate() {
        // Day-first dates and decimal commas, as a Thai or European spreadsheet writes them.
        text.push_str(&format!(
            "B-{index};{:02}/10/2026;{shop};{item};{brand};{qty};{},{:02}\n",
            index + 13,
            satang / 100,
            (satang % 100).abs()
        ));
    }
    let path = dir.join("sales.csv");
    std::fs::write(&path, text).unwrap();
    path
}

const MAP: &str = "order_ref=Bill No,date=Date,store_name=Shop,product_name=Item,brand=Brand,quantity=Qty,net_amount=Amount";

#[test]
fn a_business_with_only_a_spreadsheet_imports_it_and_asks_about_it_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = sales_file(dir.path());
    let file = file.to_str().unwrap();

    let output = analyst(
        &data,
        &["import", file, "--map", MAP, "--channel", "online"],
    );
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let text = stdout(&output);
    assert!(text.contains("sales.csv: loaded"), "{text}");
    assert!(text.contains("created 3 products, 2 stores"), "{text}");

    // No demo business was created around it: the store holds the file alone.
    let lines = sql_json(&data, "SELECT count(*) AS n FROM silver.sales_line");
    assert_eq!(lines[0]["n"], ROWS.len());

    let output = analyst(
        &data,
        &[
            "ask",
            "--json",
            "--today",
            "2026-11-15",
            "revenue by brand this year",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let answer: Json = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answer["error"], Json::Null, "{answer}");
    let mut expected: BTreeMap<&str, i64> = BTreeMap::new();
    for (brand, _, _, _, satang) in ROWS {
        *expected.entry(brand).or_default() += satang;
    }
    let rows = answer["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len(), "{answer}");
    for row in rows {
        let brand = row["brand"].as_str().unwrap();
        let revenue = row["revenue"].as_f64().unwrap();
        assert!(
            (revenue * 100.0 - expected[brand] as f64).abs() < 0.5,
            "{brand}: {revenue}"
        );
    }

    // The same file again loads nothing.
    let output = analyst(&data, &["import", file, "--map", MAP]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("already loaded"),
        "{}",
        stdout(&output)
    );
    let lines = sql_json(&data, "SELECT count(*) AS n FROM silver.sales_line");
    assert_eq!(lines[0]["n"], ROWS.len());
}

#[test]
fn a_file_no_profile_fits_says_how_to_map_it_and_errors_go_to_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let path = dir.path().join("odd.csv");
    std::fs::write(
        &path,
        "Txn Day,Outlet,Article,Pieces,Takings\n2026-10-01,A1,X-1,2,100.00\n2026-10-01,A1,X-2,abc,50.00\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();

    let output = analyst(&data, &["import", file]);
    assert!(!output.status.success());
    let text = stdout(&output);
    assert!(text.contains("needs mapping"), "{text}");
    assert!(
        text.contains("Txn Day | Outlet | Article | Pieces | Takings"),
        "{text}"
    );
    assert!(text.contains("--map"), "{text}");

    let report = dir.path().join("errors.csv");
    let output = analyst(
        &data,
        &[
            "import",
            file,
            "--map",
            "date=Txn Day,store_code=Outlet,sku=Article,quantity=Pieces,net_amount=Takings",
            "--save-profile",
            "Outlet file",
            "--errors-out",
            report.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("with errors 1"),
        "{}",
        stdout(&output)
    );
    let report = std::fs::read_to_string(&report).unwrap();
    let lines: Vec<&str> = report.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "line,column,value,reason");
    assert!(
        lines[1].starts_with("3,") && lines[1].contains("abc"),
        "{report}"
    );

    let output = analyst(&data, &["import", "--list-profiles"]);
    assert!(
        stdout(&output).contains("Outlet file"),
        "{}",
        stdout(&output)
    );

    let output = analyst(
        &data,
        &["import", dir.path().join("missing.csv").to_str().unwrap()],
    );
    common::assert_clear_failure(&output, "missing.csv");
}
