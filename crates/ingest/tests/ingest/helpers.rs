//! Writing test files and reading them back through the public API.

use std::path::{Path, PathBuf};

use analyst_ingest::{
    IngestError, Normalizer, Profile, RawRow, ReadOptions, RowError, SaleRow, Table,
    builtin_profiles, detect, open,
};
use chrono::NaiveDate;

/// A temporary directory that holds one test's files.
pub struct Files(tempfile::TempDir);

impl Files {
    pub fn new() -> Files {
        Files(tempfile::tempdir().expect("temporary directory"))
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).expect("write test file");
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// Opens a file with default options, or panics with the error.
pub fn open_ok(path: &Path) -> Table {
    open(path, &ReadOptions::default()).unwrap_or_else(|error| panic!("{path:?}: {error}"))
}

/// The error opening a file gives.
pub fn open_err(path: &Path) -> IngestError {
    match open(path, &ReadOptions::default()) {
        Ok(table) => panic!("{path:?} opened with headers {:?}", table.headers),
        Err(error) => error,
    }
}

/// Every data row of a table.
pub fn rows(table: &mut Table) -> Vec<RawRow> {
    let mut rows = Vec::new();
    let mut row = RawRow::default();
    while table.next_row(&mut row).expect("row") {
        rows.push(row.clone());
    }
    rows
}

/// The cells of every data row.
pub fn cells(table: &mut Table) -> Vec<Vec<String>> {
    rows(table).into_iter().map(|row| row.cells).collect()
}

pub fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|cell| (*cell).to_owned()).collect()
}

pub fn builtin(name: &str) -> Profile {
    builtin_profiles()
        .into_iter()
        .find(|profile| profile.name == name)
        .unwrap_or_else(|| panic!("no shipped profile {name}"))
}

/// What normalizing a whole file gave.
pub struct Normalized {
    pub sales: Vec<SaleRow>,
    pub errors: Vec<RowError>,
    pub skipped: usize,
    pub normalizer: Normalizer,
}

/// Reads a file and normalizes it under a profile, the whole file as the sample.
pub fn normalize_with(path: &Path, profile: &Profile) -> Normalized {
    let mut table = open_ok(path);
    let rows = rows(&mut table);
    let normalizer = Normalizer::new(profile, &table.headers, &rows).expect("normalizer");
    let (mut sales, mut errors, mut skipped) = (Vec::new(), Vec::new(), 0);
    for row in &rows {
        match normalizer.normalize(row) {
            Ok(Some(sale)) => sales.push(sale),
            Ok(None) => skipped += 1,
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    Normalized {
        sales,
        errors,
        skipped,
        normalizer,
    }
}

/// Reads a file, detects its shipped profile (asserting which) and normalizes it.
pub fn normalize_detected(path: &Path, expected_profile: &str) -> Normalized {
    let table = open_ok(path);
    let profiles = builtin_profiles();
    let found = detect(&table.headers, &profiles)
        .unwrap_or_else(|| panic!("no profile detected for {:?}", table.headers));
    assert_eq!(found.name, expected_profile, "headers {:?}", table.headers);
    normalize_with(path, &profiles[found.profile])
}

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

/// A sale with the fields most tests check, the rest empty.
pub fn sale(line: u64, date: NaiveDate, sku: &str, qty: f64, net_amount: f64) -> SaleRow {
    SaleRow {
        line,
        date,
        store_code: None,
        store_name: None,
        sku: Some(sku.to_owned()),
        barcode: None,
        product_name: None,
        brand: None,
        category: None,
        subcategory: None,
        customer: None,
        order_ref: None,
        qty,
        net_amount,
        gross_amount: None,
        discount_amount: 0.0,
    }
}
