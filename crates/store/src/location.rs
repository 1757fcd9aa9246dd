//! Where the store lives, and opening it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::duck::DuckConnection;
use crate::pg::PgConnection;
use crate::{Connection, Result, StoreError};

/// The file the embedded store keeps inside the data directory.
pub const STORE_FILE: &str = "analyst.duckdb";

/// The embedded store in a data directory, or a database server named by URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    DataDir(PathBuf),
    Url(String),
}

impl Location {
    /// `--database URL` wins over `--data-dir DIR` when given.
    pub fn choose(data_dir: &Path, database_url: Option<&str>) -> Location {
        match database_url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => Location::Url(url.to_string()),
            None => Location::DataDir(data_dir.to_path_buf()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessMode {
    /// Creates the store when missing and applies pending migrations.
    ReadWrite,
    /// Opens an existing store that refuses every write and any file access from SQL.
    ReadOnly,
}

/// Opens the store at `location`, creating and migrating it in read-write mode.
pub fn open(location: &Location, mode: AccessMode) -> Result<Box<dyn Connection + Send>> {
    match location {
        Location::DataDir(dir) => Ok(Box::new(open_data_dir(dir, mode)?)),
        Location::Url(url)
            if url.starts_with("postgres://") || url.starts_with("postgresql://") =>
        {
            Ok(Box::new(PgConnection::open(url, mode)?))
        }
        Location::Url(url) => Err(StoreError::UnsupportedUrl(redact(url))),
    }
}

/// Opens the embedded store inside `dir`.
pub fn open_data_dir(dir: &Path, mode: AccessMode) -> Result<DuckConnection> {
    let file = dir.join(STORE_FILE);
    match mode {
        AccessMode::ReadWrite => {
            fs::create_dir_all(dir).map_err(|error| StoreError::DataDir {
                path: dir.to_path_buf(),
                reason: error.to_string(),
            })?;
        }
        AccessMode::ReadOnly if !file.exists() => {
            return Err(StoreError::Missing { path: file });
        }
        AccessMode::ReadOnly => {}
    }
    DuckConnection::open(&file, mode)
}

/// A URL may carry a password; errors show it without.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            redact("mysql://bob:secret@db:3306/x"),
            "mysql://***@db:3306/x"
        );
        assert_eq!(redact("sqlite:data.db"), "sqlite:data.db");
    }

    #[test]
    fn other_urls_are_refused_clearly() {
        let location = Location::choose(Path::new("data"), Some("mysql://u:p@localhost/test"));
        let error = open(&location, AccessMode::ReadWrite)
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("postgres://"), "{error}");
        assert!(!error.contains("u:p"));
    }
}
