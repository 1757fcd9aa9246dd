//! Delimited text files (CSV, TSV, semicolon, pipe): the encoding is decoded as the file
//! streams; the delimiter, quote and header row are sniffed from the first megabyte.

use std::fs::File;
use std::io::{Chain, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use super::lines::{self, LineFeeds, Lines};
use super::{
    FileFormat, RawRow, ReadOptions, Table, clean_headers, encoding, header_row, read_up_to,
};
use crate::error::IngestError;

/// Raw bytes read to detect the encoding.
const ENCODING_SAMPLE: usize = 64 * 1024;
/// Decoded text read to sniff the dialect and find the header.
const TEXT_SAMPLE: usize = 1024 * 1024;
/// Records of the sample looked at.
const SAMPLE_RECORDS: usize = 200;

type Decoded = Chain<Cursor<Vec<u8>>, DecodeReaderBytes<Counting, Vec<u8>>>;

/// The rows of an open delimited file.
pub(super) struct CsvTable {
    reader: csv::Reader<LineFeeds<Decoded>>,
    record: csv::StringRecord,
    lines: Lines,
    max_columns: usize,
    consumed: Arc<AtomicU64>,
    size: u64,
}

/// A file that counts the bytes read from it, for progress.
struct Counting {
    file: File,
    consumed: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.file.read(buffer)?;
        self.consumed.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

pub(super) fn open(path: &Path, size: u64, options: &ReadOptions) -> Result<Table, IngestError> {
    let io_error = |source| IngestError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let mut head = vec![0; ENCODING_SAMPLE];
    let read = read_up_to(&mut file, &mut head).map_err(io_error)?;
    head.truncate(read);
    let encoding = encoding::detect(&head)?;
    file.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let consumed = Arc::new(AtomicU64::new(0));
    let mut decoder = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .strip_bom(true)
        .build(Counting {
            file,
            consumed: Arc::clone(&consumed),
        });
    let mut sample = vec![0; TEXT_SAMPLE];
    let read = read_up_to(&mut decoder, &mut sample).map_err(io_error)?;
    sample.truncate(read);
    let whole_file = read < TEXT_SAMPLE;
    let text = sniff_text(&sample, whole_file)?;
    let dialect = super::dialect::sniff(text);
    let rows = parse_sample(text, dialect, options.max_columns)?;
    let header = header_row::find(
        &rows
            .iter()
            .map(|(_, cells)| cells.clone())
            .collect::<Vec<_>>(),
    )
    .ok_or_else(|| no_header(&rows))?;
    let header_line = rows[header.last_row].0;
    let has_data = rows[header.last_row + 1..]
        .iter()
        .any(|(_, cells)| cells.iter().any(|cell| !cell.trim().is_empty()));
    if !has_data && whole_file {
        return Err(IngestError::NoDataRows { header_line });
    }
    let (stream, lines) = lines::track(Cursor::new(sample).chain(decoder));
    let mut reader = dialect.builder().from_reader(stream);
    let mut record = csv::StringRecord::new();
    for _ in 0..=header.last_row {
        let read = reader.read_record(&mut record);
        if !matches!(read, Ok(true)) {
            return Err(IngestError::Malformed {
                line: header_line,
                detail: "the header row could not be read again".into(),
            });
        }
        lines.start_line(reader.position().byte(), record.as_slice().as_bytes());
    }
    Ok(Table {
        format: FileFormat::Csv {
            delimiter: char::from(dialect.delimiter),
            quote: char::from(dialect.quote),
            encoding: encoding.name().to_owned(),
        },
        header_line,
        headers: clean_headers(header.names.into_iter()),
        source: super::Source::Csv(Box::new(CsvTable {
            reader,
            record,
            lines,
            max_columns: options.max_columns,
            consumed,
            size,
        })),
    })
}

/// The complete lines of the sample as text, refusing binary content and empty files.
fn sniff_text(sample: &[u8], whole_file: bool) -> Result<&str, IngestError> {
    let text = match std::str::from_utf8(sample) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(&sample[..error.valid_up_to()]).unwrap_or_default(),
    };
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        .count();
    if controls * 100 > text.len() {
        return Err(IngestError::NotATable {
            looks_like: "binary data".into(),
        });
    }
    if whole_file {
        return Ok(text);
    }
    match text.rfind('\n') {
        Some(end) => Ok(&text[..=end]),
        None => Err(IngestError::LineTooLong {
            limit_kb: TEXT_SAMPLE / 1024,
        }),
    }
}

/// The sample's first records with their line numbers.
fn parse_sample(
    text: &str,
    dialect: super::dialect::Dialect,
    max_columns: usize,
) -> Result<Vec<(u64, Vec<String>)>, IngestError> {
    let (stream, lines) = lines::track(text.as_bytes());
    let mut reader = dialect.builder().from_reader(stream);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while rows.len() < SAMPLE_RECORDS
        && reader
            .read_record(&mut record)
            .map_err(|error| csv_error(&error, &lines))?
    {
        let line = lines.start_line(reader.position().byte(), record.as_slice().as_bytes());
        if record.len() > max_columns {
            return Err(IngestError::TooManyColumns {
                line,
                found: record.len(),
                max: max_columns,
            });
        }
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(rows)
}

fn no_header(rows: &[(u64, Vec<String>)]) -> IngestError {
    let widest = rows.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
    let detail = if widest <= 1 {
        ": every line has a single column, so the separator between columns is not a comma, \
         semicolon, tab or |"
            .to_owned()
    } else {
        String::new()
    };
    IngestError::NoHeader { detail }
}

/// A record the csv reader could not read, on the line after the last one read.
fn csv_error(error: &csv::Error, lines: &Lines) -> IngestError {
    IngestError::Malformed {
        line: lines.after_last_record(),
        detail: error.to_string(),
    }
}

impl CsvTable {
    pub(super) fn next_row(&mut self, row: &mut RawRow, width: usize) -> Result<bool, IngestError> {
        loop {
            let read = self.reader.read_record(&mut self.record);
            if !read.map_err(|error| csv_error(&error, &self.lines))? {
                return Ok(false);
            }
            let line = self.lines.start_line(
                self.reader.position().byte(),
                self.record.as_slice().as_bytes(),
            );
            if self.record.len() > self.max_columns {
                return Err(IngestError::TooManyColumns {
                    line,
                    found: self.record.len(),
                    max: self.max_columns,
                });
            }
            if self.record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            row.line = line;
            row.reset(width);
            for (cell, value) in row.cells.iter_mut().zip(self.record.iter()) {
                cell.push_str(value);
            }
            return Ok(true);
        }
    }

    pub(super) fn progress(&self) -> f64 {
        if self.size == 0 {
            return 1.0;
        }
        (self.consumed.load(Ordering::Relaxed) as f64 / self.size as f64).min(1.0)
    }
}
