//! For tests (the `testkit` feature): a fresh store per test on each backend — DuckDB in a
//! temporary directory, PostgreSQL in a database of its own, created from the `test` database
//! and dropped when the test ends — so that tests running in parallel never see each other's
//! rows.
//!
//! The PostgreSQL server is `ANALYST_TEST_POSTGRES_URL`, by default
//! `postgres://postgres@127.0.0.1:5432/test` (as in CI). When it cannot be reached the
//! PostgreSQL tests fail, saying so: they are never skipped.

#![allow(clippy::unwrap_used, clippy::panic)] // a test store that cannot be made fails the test

use std::sync::atomic::{AtomicU32, Ordering};

use crate::{AccessMode, Connection, Location, Value, open};

/// The server tests create their databases on, and the database they connect to for that.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Runs each named test function (`fn name(backend: Backend)`) once per backend, as the tests
/// `name::duckdb` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[test]
            fn duckdb() {
                super::$name($crate::testkit::Backend::DuckDb)
            }
            #[test]
            fn postgres() {
                super::$name($crate::testkit::Backend::Postgres)
            }
        }
    )+};
}

/// Where a test store lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    DuckDb,
    Postgres,
}

/// A store of the test's own; dropping it removes it.
pub struct TestStore {
    pub location: Location,
    /// Holds the DuckDB store's directory until the test ends.
    _dir: Option<tempfile::TempDir>,
    /// The PostgreSQL database to drop at the end.
    database: Option<String>,
}

impl TestStore {
    /// An empty place for a store (created and migrated by the first read-write open).
    pub fn new(backend: Backend) -> TestStore {
        match backend {
            Backend::DuckDb => {
                let dir = tempfile::tempdir().unwrap();
                TestStore {
                    location: Location::DataDir(dir.path().to_path_buf()),
                    _dir: Some(dir),
                    database: None,
                }
            }
            Backend::Postgres => {
                static CREATED: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "analyst_test_{}_{}_{}",
                    std::process::id(),
                    CREATED.fetch_add(1, Ordering::Relaxed),
                    chrono::Utc::now().timestamp_micros()
                );
                // The name is made of letters, digits and underscores only.
                admin()
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                TestStore {
                    location: Location::Url(database_url(&postgres_url(), &name)),
                    _dir: None,
                    database: Some(name),
                }
            }
        }
    }

    /// A fresh, migrated store and a connection to it.
    pub fn fresh(backend: Backend) -> (TestStore, Box<dyn Connection + Send>) {
        let store = TestStore::new(backend);
        let connection = store.open(AccessMode::ReadWrite);
        (store, connection)
    }

    /// Opens the store (creating and migrating it in read-write mode).
    pub fn open(&self, mode: AccessMode) -> Box<dyn Connection + Send> {
        open(&self.location, mode)
            .unwrap_or_else(|error| panic!("opening the test store failed: {error}"))
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some(name) = &self.database {
            // FORCE: connections a failed test left open do not keep the database alive.
            let dropped =
                admin().batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            if let Err(error) = dropped {
                eprintln!("could not drop the test database {name}: {error}");
            }
        }
    }
}

fn postgres_url() -> String {
    std::env::var("ANALYST_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_string())
}

/// A connection to the server's `test` database, for creating and dropping test databases.
fn admin() -> postgres::Client {
    let url = postgres_url();
    postgres::Client::connect(&url, postgres::NoTls).unwrap_or_else(|error| {
        panic!(
            "the PostgreSQL tests need a server at {url} (set ANALYST_TEST_POSTGRES_URL to use another): {}",
            crate::error::postgres_message(&error)
        )
    })
}

/// `url` with its database replaced by `name`.
fn database_url(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(base, query)| (base, Some(query)));
    let server = base
        .strip_suffix('/')
        .unwrap_or(base)
        .rsplit_once('/')
        .filter(|(server, _)| server.contains("://") && !server.ends_with('/'))
        .map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// The only value of a one-row, one-column query.
pub fn scalar(connection: &dyn Connection, sql: &str) -> Value {
    connection
        .query(sql, &[])
        .unwrap()
        .scalar()
        .cloned()
        .unwrap()
}
