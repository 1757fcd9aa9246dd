//! Readers: a file on disk → its format, its header row and a stream of its rows. The format is
//! sniffed from the bytes (not the file name): CSV-like text in any common encoding and
//! delimiter, XLSX, or XLS.

mod csv_table;
mod dialect;
mod encoding;
mod header_row;
mod kind;
mod lines;
mod sheet_table;
mod xlsx_stream;
mod zip_guard;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::IngestError;

/// How to read a file.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The sheet of a workbook to read; by default the one whose header looks most like a
    /// sales table.
    pub sheet: Option<String>,
    /// More columns than this is not a sales file (a damaged export, a wide pivot).
    pub max_columns: usize,
    /// A workbook unpacking to more than this is refused before it is read (zip bombs).
    pub max_uncompressed_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            sheet: None,
            max_columns: 1000,
            max_uncompressed_bytes: 1 << 30,
        }
    }
}

/// The format a file was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FileFormat {
    /// Delimited text: the delimiter and quote characters and the encoding's name
    /// (`UTF-8`, `UTF-16LE`, `windows-874`, …).
    Csv {
        delimiter: char,
        quote: char,
        encoding: String,
    },
    Xlsx {
        sheet: String,
    },
    Xls {
        sheet: String,
    },
}

/// One data row of a file: its 1-based line (CSV) or row (spreadsheet) number, and one cell
/// per header (missing cells are empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRow {
    pub line: u64,
    pub cells: Vec<String>,
}

impl RawRow {
    /// Replaces the cells with `count` empty ones, keeping the strings' buffers.
    fn reset(&mut self, count: usize) {
        self.cells.truncate(count);
        for cell in &mut self.cells {
            cell.clear();
        }
        self.cells.resize_with(count, String::new);
    }
}

/// An open file, positioned after its header row.
pub struct Table {
    pub format: FileFormat,
    /// The 1-based line (or row) of the header; for a two-row header, the lower one.
    pub header_line: u64,
    /// The column names, trimmed, with duplicates numbered (`Qty`, `Qty (2)`).
    pub headers: Vec<String>,
    source: Source,
}

enum Source {
    Csv(Box<csv_table::CsvTable>),
    Sheet(sheet_table::SheetTable),
    Streamed(xlsx_stream::StreamedSheet),
}

impl Table {
    /// Reads the next non-blank data row into `row`, reusing its buffers; `false` at the end.
    pub fn next_row(&mut self, row: &mut RawRow) -> Result<bool, IngestError> {
        let width = self.headers.len();
        match &mut self.source {
            Source::Csv(table) => table.next_row(row, width),
            Source::Sheet(table) => Ok(table.next_row(row, width)),
            Source::Streamed(sheet) => sheet.next_row(row, width),
        }
    }

    /// How far through the file reading is, from 0 to 1 (for progress bars).
    pub fn progress(&self) -> f64 {
        match &self.source {
            Source::Csv(table) => table.progress(),
            Source::Sheet(table) => table.progress(),
            Source::Streamed(sheet) => sheet.progress(),
        }
    }
}

/// Opens a sales file: sniffs its format and encoding, finds the header row, and returns the
/// table ready to stream its rows. A file with a header and no data rows is an error.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Table, IngestError> {
    let io_error = |source| IngestError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    let mut magic = [0u8; 8];
    let read = read_up_to(&mut file, &mut magic).map_err(io_error)?;
    if read == 0 {
        return Err(IngestError::Empty);
    }
    drop(file);
    match kind::sniff(&magic[..read]) {
        kind::Kind::Zip => {
            zip_guard::check(path, options.max_uncompressed_bytes)?;
            xlsx_stream::open(path, options)
        }
        kind::Kind::Ole => sheet_table::open_xls(path, options),
        kind::Kind::Text => csv_table::open(path, size, options),
        kind::Kind::Other(looks_like) => Err(IngestError::NotATable {
            looks_like: looks_like.into(),
        }),
    }
}

/// Fills as much of `buffer` as the reader has.
fn read_up_to(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    Ok(filled)
}

/// Trimmed header names with inner whitespace (line breaks in spreadsheet headers) collapsed;
/// empty ones named by position and repeated ones numbered, so every column has a unique name.
fn clean_headers(raw: impl Iterator<Item = String>) -> Vec<String> {
    let mut headers: Vec<String> = Vec::new();
    for (index, header) in raw.enumerate() {
        let mut name = header
            .trim_start_matches('\u{feff}')
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            name = format!("Column {}", index + 1);
        }
        let base = name.clone();
        let mut copy = 1;
        while headers.contains(&name) {
            copy += 1;
            name = format!("{base} ({copy})");
        }
        headers.push(name);
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_trimmed_named_and_unique() {
        let raw = ["\u{feff}Date", " Net\nSales ", "", "Qty", "Qty"].map(String::from);
        assert_eq!(
            clean_headers(raw.into_iter()),
            ["Date", "Net Sales", "Column 3", "Qty", "Qty (2)"]
        );
    }

    #[test]
    fn a_reused_row_keeps_its_width() {
        let mut row = RawRow {
            line: 1,
            cells: vec!["a".into(), "b".into(), "c".into()],
        };
        row.reset(2);
        assert_eq!(row.cells, ["", ""]);
        row.reset(4);
        assert_eq!(row.cells, ["", "", "", ""]);
    }
}
