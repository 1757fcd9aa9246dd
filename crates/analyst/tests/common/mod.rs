//! Running the real binary on a data directory, for the command-line test files.

#![allow(dead_code)] // each test file uses part of it

use std::path::Path;
use std::process::{Command, Output};

/// `analyst --data-dir DIR ARGS…`, with no `ANALYST_…` setting leaking in from the caller's
/// environment.
pub fn analyst(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_analyst"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("ANALYST_DATABASE_URL")
        .env_remove("ANALYST_TODAY")
        .env_remove("ANALYST_AUDIT_RETENTION_DAYS")
        .env_remove("ANALYST_MEMORY_LIMIT")
        .output()
        .expect("the binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
