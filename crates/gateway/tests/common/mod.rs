//! A real store holding the demo business, for the gateway's tests.

#![allow(dead_code)] // each test file uses part of this

use analyst_demo::{DemoConfig, install};
use analyst_store::Connection;
use chrono::NaiveDate;

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A fresh store with `lines` demo sales lines (seed `seed`) up to 2026-11-14.
pub fn demo_store(lines: u64, seed: u64) -> (tempfile::TempDir, Box<dyn Connection>) {
    let dir = tempfile::tempdir().unwrap();
    let config = DemoConfig::new(lines, seed, day("2026-11-14"));
    let connection = install::new_store(dir.path(), &config).unwrap();
    (dir, connection)
}
