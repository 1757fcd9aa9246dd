//! CSV (RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled), UTF-8,
//! optionally with a byte order mark for Excel. Values read as `analyst sql --csv` prints them.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use analyst_store::arrow::array::RecordBatch;

use super::{Cell, Sink, columns_of};
use crate::{ExportColumn, ExportError};

pub(crate) struct CsvSink {
    writer: csv::Writer<Counted<BufWriter<File>>>,
    field: Vec<u8>,
}

impl CsvSink {
    pub(crate) fn create(
        path: &Path,
        columns: &[ExportColumn],
        bom: bool,
    ) -> Result<CsvSink, ExportError> {
        let mut file = Counted {
            inner: BufWriter::with_capacity(1 << 20, File::create(path)?),
            bytes: 0,
        };
        if bom {
            file.write_all("\u{feff}".as_bytes())?;
        }
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(file);
        writer.write_record(columns.iter().map(|column| column.label.as_str()))?;
        Ok(CsvSink {
            writer,
            field: Vec::with_capacity(64),
        })
    }
}

impl Sink for CsvSink {
    fn write(&mut self, batch: &RecordBatch) -> Result<(), ExportError> {
        let columns = columns_of(batch)?;
        for row in 0..batch.num_rows() {
            for column in &columns {
                self.field.clear();
                match column.get(row) {
                    Cell::Null => {}
                    Cell::Bool(value) => write!(self.field, "{value}")?,
                    Cell::Int(value) => write!(self.field, "{value}")?,
                    Cell::Float(value) => write!(self.field, "{value}")?,
                    Cell::Text(text) => self.field.extend_from_slice(text.as_bytes()),
                    Cell::Date(date) => write!(self.field, "{date}")?,
                    Cell::Timestamp(moment) => write!(self.field, "{moment}")?,
                }
                self.writer.write_field(&self.field)?;
            }
            self.writer.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }

    fn bytes(&self) -> u64 {
        self.writer.get_ref().bytes
    }

    fn finish(self: Box<Self>) -> Result<(), ExportError> {
        let file = self
            .writer
            .into_inner()
            .map_err(|error| ExportError::Write(error.error().to_string()))?;
        file.inner
            .into_inner()
            .map_err(|error| ExportError::Write(error.error().to_string()))?
            .sync_all()?;
        Ok(())
    }
}

/// A writer that counts the bytes through it.
struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buffer)?;
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
