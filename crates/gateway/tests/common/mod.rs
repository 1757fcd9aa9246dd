//! A real store holding the demo business, for the gateway's tests.

#![allow(dead_code)] // each test file uses part of this

use analyst_demo::{DemoConfig, install};
use analyst_store::{AccessMode, Connection, Location};
use chrono::NaiveDate;

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A fresh store with `lines` demo sales lines (seed `seed`) up to 2026-11-14.
pub fn demo_store(lines: u64, seed: u64) -> (tempfile::TempDir, Box<dyn Connection>) {
    let dir = tempfile::tempdir().unwrap();
    let connection = analyst_store::open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    let config = DemoConfig {
        lines,
        seed,
        start_date: day("2024-01-01"),
        end_date: day("2026-11-14"),
        id_base: 0,
        catalog_scale: 1,
    };
    install::install(connection.as_ref(), &config, &mut |_| {}).unwrap();
    (dir, connection)
}
