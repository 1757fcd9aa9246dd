//! The zip-bomb guard for workbooks: before calamine reads an XLSX, the sizes its entries
//! declare are added up, then the entries are unpacked into nothing while counting, so that a
//! file lying about its sizes is stopped at the limit too. Memory stays flat either way.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::IngestError;

/// Refuses a zip whose entries declare, or unpack to, more than `limit` bytes in total, and a
/// zip that cannot be read to its end (a truncated upload).
pub(super) fn check(path: &Path, limit: u64) -> Result<(), IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(damaged)?;
    let too_large = |detail: String| IngestError::TooLarge {
        limit_mb: limit / (1024 * 1024),
        detail,
    };
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(damaged)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > limit {
        return Err(too_large(format!(
            "its parts declare {} MB",
            declared / (1024 * 1024)
        )));
    }
    let mut unpacked: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(damaged)?;
        let allowance = limit - unpacked;
        let read = std::io::copy(&mut entry.take(allowance + 1), &mut std::io::sink())
            .map_err(|error| damaged(zip::result::ZipError::Io(error)))?;
        if read > allowance {
            return Err(too_large(
                "its parts unpack to more than they declare".into(),
            ));
        }
        unpacked += read;
    }
    Ok(())
}

fn damaged(error: zip::result::ZipError) -> IngestError {
    IngestError::Damaged {
        detail: error.to_string(),
    }
}
