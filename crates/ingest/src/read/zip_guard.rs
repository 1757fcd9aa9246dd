//! The guard in front of calamine for zip files: the zip must be an XLSX workbook (not an ODS,
//! an XLSB or any zip), and must not be a zip bomb. The sizes its entries declare are added up
//! from the central directory, without unpacking anything; a file lying about them cannot get
//! past them either, because the zip crate (calamine's too) refuses to unpack an entry beyond
//! its declared size.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::error::IngestError;

/// Refuses a zip that is not an XLSX workbook, whose entries declare more than `limit` bytes
/// in total, or whose directory cannot be read (a truncated upload).
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
    if archive.index_for_name("xl/workbook.xml").is_none() {
        let looks_like = if archive.index_for_name("xl/workbook.bin").is_some() {
            "an Excel binary workbook (.xlsb); save it as .xlsx"
        } else if archive.index_for_name("content.xml").is_some() {
            "an OpenDocument spreadsheet (.ods); save it as .xlsx"
        } else {
            "a zip archive, not an Excel workbook"
        };
        return Err(IngestError::NotATable {
            looks_like: looks_like.into(),
        });
    }
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
    Ok(())
}

fn damaged(error: zip::result::ZipError) -> IngestError {
    IngestError::Damaged {
        detail: error.to_string(),
    }
}
