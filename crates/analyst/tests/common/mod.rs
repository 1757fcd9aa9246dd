//! Running the real binary on a data directory, for the command-line test files.

#![allow(dead_code, clippy::unwrap_used)] // each test file uses part of it; tests fail loudly

use std::io::{BufRead, BufReader, Lines};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Output, Stdio};

use serde_json::{Value as Json, json};

/// `analyst --data-dir DIR ARGS…`, with no `ANALYST_…` setting leaking in from the caller's
/// environment.
pub fn analyst(data_dir: &Path, args: &[&str]) -> Output {
    analyst_with_env(data_dir, args, &[])
}

/// [`analyst`] with these environment variables set.
pub fn analyst_with_env(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_analyst"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .envs(env.iter().copied())
        .env_remove("ANALYST_DATABASE_URL")
        .env_remove("ANALYST_TODAY")
        .env_remove("ANALYST_AUDIT_RETENTION_DAYS")
        .env_remove("ANALYST_MEMORY_LIMIT")
        .env_remove("ANALYST_THB_PER_USD")
        .output()
        .expect("the binary runs")
}

/// [`analyst`] with `input` on standard input.
pub fn analyst_with_input(data_dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_analyst"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("ANALYST_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("the input is written");
    child.wait_with_output().expect("the binary ends")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `analyst serve` running on a free port.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    /// The first administrator's one-time password, on a store's first start.
    pub one_time_password: Option<String>,
    /// What the server prints after its URL.
    pub lines: Lines<BufReader<ChildStdout>>,
}

/// Starts `analyst --data-dir DIR serve --port 0 ARGS…` and waits until it is ready.
pub fn serve(data_dir: &Path, args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_analyst"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--port", "0"])
        .args(args)
        .env_remove("ANALYST_PORT")
        .env_remove("ANALYST_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    let mut one_time_password = None;
    let url = loop {
        let line = lines
            .next()
            .expect("serve printed its URL")
            .expect("serve's output is text");
        if let Some(rest) =
            line.strip_prefix("First start: sign in as `admin` with the one-time password ")
        {
            one_time_password = Some(rest.trim().to_string());
        }
        if let Some(url) = line.strip_prefix("AI Analyst is ready at ") {
            break url.trim().to_string();
        }
    };
    Server {
        child,
        url,
        one_time_password,
        lines,
    }
}

/// A bearer token for `username`.
pub fn token(url: &str, username: &str, password: &str) -> String {
    let response: Json = reqwest::blocking::Client::new()
        .post(format!("{url}api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    response["token"].as_str().unwrap().to_string()
}

pub fn get(url: &str, token: &str, path: &str) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .get(format!("{url}{path}"))
        .bearer_auth(token)
        .send()
        .unwrap()
}

pub fn post(url: &str, token: &str, path: &str, body: Json) -> Json {
    reqwest::blocking::Client::new()
        .post(format!("{url}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .unwrap()
        .json()
        .unwrap()
}

/// The rows of `analyst sql --json SQL`.
pub fn sql_json(data_dir: &Path, sql: &str) -> Vec<Json> {
    let output = analyst(data_dir, &["sql", "--json", sql]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str::<Json>(&stdout(&output))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The SKU of the first active product.
pub fn first_active_sku(data_dir: &Path) -> String {
    sql_json(
        data_dir,
        "SELECT sku FROM silver.product WHERE active ORDER BY id LIMIT 1",
    )[0]["sku"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Fails with one clear line on stderr, and no panic or backtrace.
pub fn assert_clear_failure(output: &Output, expected: &str) {
    let text = stderr(output);
    assert!(!output.status.success(), "should fail: {text}");
    assert!(
        text.contains(expected),
        "stderr should mention '{expected}': {text}"
    );
    assert!(
        !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
        "{text}"
    );
    assert_eq!(text.trim().lines().count(), 1, "one line: {text}");
}
