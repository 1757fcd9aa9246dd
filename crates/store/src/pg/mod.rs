//! The PostgreSQL implementation of [`Connection`]: a store on a PostgreSQL 15+ server, named
//! by a `postgres://` URL.
//!
//! Each connection is one synchronous client (the `postgres` crate drives tokio-postgres on a
//! runtime of its own, so it is called from plain or blocking threads, never from inside an
//! async task). Sessions run in UTC, so `TIMESTAMP` defaults (`current_timestamp`) are UTC as
//! in the embedded store. TLS is not built in: a URL that requires it is refused with a clear
//! error (see [`StoreError::Tls`]).

use std::cell::{RefCell, RefMut};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use postgres::config::SslMode;
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Statement};

use crate::arrow::record_batch::RecordBatch;
use crate::load::BulkLoader;
use crate::{AccessMode, Connection, Result, Rows, StoreError, Value, migrate, redact};

mod copy;
mod stream;
mod values;

use values::{Cell, Param, declared_type};

/// Prepared statements each connection keeps, as the embedded store does.
const STATEMENTS_KEPT: usize = 64;

/// Held while migrations run, so that two processes opening a new store do not both migrate
/// it (`pg_advisory_lock` takes a number: "analyst" in ASCII).
const MIGRATION_LOCK: i64 = 0x0061_6e61_6c79_7374;

/// A connection to a PostgreSQL store.
pub struct PgConnection {
    client: RefCell<Client>,
    statements: RefCell<HashMap<String, Statement>>,
    settings: Settings,
}

/// What every connection to one store is opened with.
#[derive(Clone)]
struct Settings {
    config: Config,
    /// The URL without its password, for errors.
    shown: String,
    mode: AccessMode,
    /// `statement_timeout` in PostgreSQL's syntax (`30s`, `5min`), when one is set.
    statement_timeout: Option<String>,
}

impl PgConnection {
    /// Connects to the store at `url`; in read-write mode applies pending migrations (creating
    /// the store in an empty database), in read-only mode requires an existing store.
    pub fn open(url: &str, mode: AccessMode) -> Result<Self> {
        let store = PgConnection::connect(Settings::new(url, mode)?)?;
        match mode {
            AccessMode::ReadWrite => {
                store.execute_batch(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
                let migrated = migrate::apply_pending(&store);
                store.execute_batch(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
                migrated?;
            }
            AccessMode::ReadOnly => {
                let exists = store.query(
                    "SELECT to_regclass('ops.schema_migrations') IS NOT NULL",
                    &[],
                )?;
                if exists.scalar() != Some(&Value::Bool(true)) {
                    return Err(StoreError::NoStore(store.settings.shown.clone()));
                }
            }
        }
        Ok(store)
    }

    fn connect(settings: Settings) -> Result<Self> {
        let mut client =
            settings
                .config
                .connect(NoTls)
                .map_err(|error| StoreError::Unreachable {
                    url: settings.shown.clone(),
                    reason: crate::error::postgres_message(&error),
                })?;
        // Notices (`… already exists, skipping`) would only be logged as noise.
        let mut session = String::from("SET TIME ZONE 'UTC'; SET client_min_messages = warning;");
        if let Some(timeout) = &settings.statement_timeout {
            // Checked by `statement_timeout`: digits and a unit only.
            session.push_str(&format!(" SET statement_timeout = '{timeout}';"));
        }
        client.batch_execute(&session)?;
        Ok(PgConnection {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            settings,
        })
    }

    /// The client, unless a streamed query is using it (a stream's callback must use another
    /// connection).
    fn client(&self) -> Result<RefMut<'_, Client>> {
        self.client.try_borrow_mut().map_err(|_| {
            StoreError::Query(
                "this connection is busy with a streamed query; use another connection inside the stream"
                    .into(),
            )
        })
    }

    fn read_only(&self) -> bool {
        self.settings.mode == AccessMode::ReadOnly
    }

    /// A prepared statement for `sql`, parsed once per connection. Parameter types are the
    /// server's inference; where it cannot infer one, they are the values' own types.
    fn prepare(&self, client: &mut Client, sql: &str, params: &[Value]) -> Result<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = match client.prepare(sql) {
            Ok(statement) => statement,
            Err(error) if error.code() == Some(&SqlState::INDETERMINATE_DATATYPE) => {
                let types: Vec<_> = params.iter().map(declared_type).collect();
                // Kept out of the cache: the next call's values may have other types.
                return Ok(client.prepare_typed(sql, &types)?);
            }
            Err(error) => return Err(error.into()),
        };
        let mut statements = self.statements.borrow_mut();
        if statements.len() >= STATEMENTS_KEPT {
            statements.clear();
        }
        statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    /// Runs `work` on the client; on a read-only store inside a read-only transaction that is
    /// rolled back, so that not even a setting changed by the statement outlives it.
    fn run<T>(&self, work: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let mut client = self.client()?;
        if !self.read_only() {
            return work(&mut client);
        }
        client.batch_execute("BEGIN TRANSACTION READ ONLY")?;
        let result = work(&mut client);
        let rolled_back = client.batch_execute("ROLLBACK");
        let value = result?;
        rolled_back?;
        Ok(value)
    }
}

/// Parameters as the client takes them.
fn bind(params: &[Value]) -> Vec<Param<'_>> {
    params.iter().map(Param).collect()
}

fn refs<'a>(params: &'a [Param<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|param| param as &(dyn ToSql + Sync))
        .collect()
}

impl Connection for PgConnection {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        self.run(|client| {
            let statement = self.prepare(client, sql, params)?;
            let bound = bind(params);
            let changed = client.execute(&statement, &refs(&bound))?;
            Ok(usize::try_from(changed).unwrap_or(usize::MAX))
        })
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Rows> {
        self.run(|client| {
            let statement = self.prepare(client, sql, params)?;
            let bound = bind(params);
            let found = client.query(&statement, &refs(&bound))?;
            let columns: Vec<String> = statement
                .columns()
                .iter()
                .map(|column| column.name().to_string())
                .collect();
            let mut rows = Vec::with_capacity(found.len());
            for row in &found {
                let mut values = Vec::with_capacity(columns.len());
                for index in 0..columns.len() {
                    values.push(row.try_get::<_, Cell>(index)?.0);
                }
                rows.push(values);
            }
            Ok(Rows { columns, rows })
        })
    }

    fn stream(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<()> {
        stream::run(self, sql, params, each)
    }

    fn execute_batch(&self, sql: &str) -> Result<()> {
        self.run(|client| Ok(client.batch_execute(sql)?))
    }

    fn bulk_loader(&self) -> Result<Box<dyn BulkLoader + '_>> {
        Ok(Box::new(copy::PgLoader::new(self)))
    }

    fn new_connection(&self) -> Result<Box<dyn Connection + Send>> {
        Ok(Box::new(PgConnection::connect(self.settings.clone())?))
    }
}

impl Settings {
    fn new(url: &str, mode: AccessMode) -> Result<Settings> {
        let shown = redact(url);
        let mut config = Config::from_str(url).map_err(|error| StoreError::Unreachable {
            url: shown.clone(),
            reason: format!("not a valid PostgreSQL URL ({error})"),
        })?;
        if config.get_ssl_mode() == SslMode::Require {
            return Err(StoreError::Tls(shown));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("analyst");
        }
        let statement_timeout = match std::env::var("ANALYST_STATEMENT_TIMEOUT") {
            Ok(text) if !text.trim().is_empty() => {
                Some(statement_timeout(&text).map_err(|error| {
                    StoreError::Setting(format!("ANALYST_STATEMENT_TIMEOUT: {error}"))
                })?)
            }
            _ => None,
        };
        Ok(Settings {
            config,
            shown,
            mode,
            statement_timeout,
        })
    }
}

/// A statement timeout in PostgreSQL's syntax (`500ms`, `30s`, `5min`, `1h`; a bare number is
/// milliseconds), checked so that it can stand in a `SET` statement.
fn statement_timeout(text: &str) -> Result<String> {
    let timeout = text.trim();
    let digits_end = timeout
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(timeout.len());
    let (number, unit) = timeout.split_at(digits_end);
    if !number.is_empty() && ["", "ms", "s", "min", "h", "d"].contains(&unit.trim()) {
        Ok(format!("{number}{}", unit.trim()))
    } else {
        Err(StoreError::Setting(format!(
            "{timeout:?} is not a statement timeout: write it like 30s, 5min or 500ms (0 for none)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_timeouts_are_checked() {
        assert_eq!(statement_timeout(" 30s ").unwrap(), "30s");
        assert_eq!(statement_timeout("5 min").unwrap(), "5min");
        assert_eq!(statement_timeout("250").unwrap(), "250");
        for refused in ["", "s", "30 seconds", "1'; DROP TABLE x; --", "-5s", "1.5s"] {
            assert!(statement_timeout(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn a_url_that_requires_tls_is_refused_clearly() {
        let error = PgConnection::open(
            "postgres://analyst:secret@db.example.com/store?sslmode=require",
            AccessMode::ReadWrite,
        )
        .err()
        .unwrap();
        assert!(matches!(error, StoreError::Tls(_)), "{error}");
        let message = error.to_string();
        assert!(
            message.contains("TLS") && message.contains("sslmode=disable"),
            "{message}"
        );
        assert!(!message.contains("secret"), "{message}");
    }
}
