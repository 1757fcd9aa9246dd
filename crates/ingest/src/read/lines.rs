//! Line numbers of CSV records as a text editor shows them. The csv crate's record positions
//! drift on CRLF files and blank lines, so the line feeds are counted here as the bytes stream
//! past: a record ends on the line holding its last byte, and starts as many lines above as it
//! has line breaks inside quoted cells. The same watch stops a record that never ends (a quote
//! never closed) before it fills memory.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

/// The longest record read: far beyond any sales row, far below what would hurt memory.
pub(super) const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Line-feed offsets seen by the reader and not yet passed by a record.
#[derive(Default)]
struct Feeds {
    /// Offsets of line feeds not yet before a record's end.
    pending: VecDeque<u64>,
    /// Line feeds before the last record's end.
    passed: u64,
    /// Offset of the last line feed passed.
    last_passed: Option<u64>,
    /// Where the last record ended, and on which line.
    record_end: u64,
    record_end_line: u64,
    /// Bytes read so far.
    offset: u64,
}

/// A reader that notes where its line feeds are.
pub(super) struct LineFeeds<R> {
    inner: R,
    feeds: Arc<Mutex<Feeds>>,
}

/// The counting side, kept by the table.
#[derive(Clone)]
pub(super) struct Lines {
    feeds: Arc<Mutex<Feeds>>,
}

pub(super) fn track<R: Read>(inner: R) -> (LineFeeds<R>, Lines) {
    let feeds = Arc::new(Mutex::new(Feeds::default()));
    let lines = Lines {
        feeds: Arc::clone(&feeds),
    };
    (LineFeeds { inner, feeds }, lines)
}

impl<R: Read> Read for LineFeeds<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        let start = feeds.offset;
        for (index, _) in buffer[..read]
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
        {
            feeds.pending.push_back(start + index as u64);
        }
        feeds.offset += read as u64;
        if feeds.offset - feeds.record_end > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(RecordTooLong));
        }
        Ok(read)
    }
}

/// The error a record longer than [`MAX_RECORD_BYTES`] ends the reading with.
#[derive(Debug)]
pub(super) struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a row runs on for more than {} MB — most likely a quote (\") opened in it is never \
             closed",
            MAX_RECORD_BYTES / (1024 * 1024)
        )
    }
}

impl std::error::Error for RecordTooLong {}

impl Lines {
    /// The line after the last record read: where a record that failed to read starts.
    pub fn after_last_record(&self) -> u64 {
        let feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        feeds.record_end_line + 1
    }

    /// The 1-based line a record starts on, from the reader's byte position just after the
    /// record (csv's `Reader::position().byte()`) and the record's own bytes.
    pub fn start_line(&self, end: u64, record_bytes: &[u8]) -> u64 {
        let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(&offset) = feeds.pending.front() {
            if offset >= end {
                break;
            }
            feeds.pending.pop_front();
            feeds.passed += 1;
            feeds.last_passed = Some(offset);
        }
        feeds.record_end = end;
        let ends_with_its_terminator = end > 0 && feeds.last_passed == Some(end - 1);
        let end_line = 1 + feeds.passed - u64::from(ends_with_its_terminator);
        feeds.record_end_line = end_line;
        let inside = record_bytes.iter().filter(|&&byte| byte == b'\n').count() as u64;
        end_line.saturating_sub(inside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_lines(text: &str) -> Vec<u64> {
        let (reader, lines) = track(text.as_bytes());
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        let mut record = csv::StringRecord::new();
        let mut found = Vec::new();
        while csv.read_record(&mut record).expect("record") {
            found.push(lines.start_line(csv.position().byte(), record.as_slice().as_bytes()));
        }
        found
    }

    #[test]
    fn lines_with_lf_crlf_blank_lines_and_quoted_breaks() {
        assert_eq!(record_lines("a,b\nc,d\ne,f\n"), [1, 2, 3]);
        assert_eq!(record_lines("a,b\r\nc,d\r\ne,f\r\n"), [1, 2, 3]);
        assert_eq!(record_lines("t\n\na,b\nc,d\r\n\r\ne,f"), [1, 3, 4, 6]);
        assert_eq!(record_lines("a,b\n\"x\ny\",1\nz,2\n"), [1, 2, 4]);
        assert_eq!(record_lines("a,b\r\n\"x\r\ny\",1\r\nz,2"), [1, 2, 4]);
    }
}
