//! Apache Parquet through the Arrow writer: column names are the columns' keys (`brand`,
//! `revenue`), types are the stream's, Snappy compression, row groups of 128k rows so that
//! memory stays flat.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use analyst_core::ValueFormat;
use analyst_store::arrow::array::RecordBatch;
use analyst_store::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::Sink;
use crate::{ExportColumn, ExportError};

const ROW_GROUP_ROWS: usize = 128 * 1024;

pub(crate) struct ParquetSink {
    path: PathBuf,
    columns: Vec<ExportColumn>,
    /// Started at the first batch, whose types make the schema.
    writer: Option<(ArrowWriter<File>, SchemaRef)>,
}

impl ParquetSink {
    pub(crate) fn create(path: &Path, columns: &[ExportColumn]) -> ParquetSink {
        ParquetSink {
            path: path.to_path_buf(),
            columns: columns.to_vec(),
            writer: None,
        }
    }

    fn start(
        &mut self,
        types: impl Iterator<Item = DataType>,
    ) -> Result<&mut (ArrowWriter<File>, SchemaRef), ExportError> {
        if self.writer.is_none() {
            let fields: Vec<Field> = self
                .columns
                .iter()
                .zip(types)
                .map(|(column, data_type)| Field::new(&column.key, data_type, true))
                .collect();
            let schema = Arc::new(Schema::new(fields));
            let properties = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                .build();
            let file = File::create(&self.path)?;
            let writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))?;
            self.writer = Some((writer, schema));
        }
        self.writer
            .as_mut()
            .ok_or_else(|| ExportError::Write("the Parquet writer did not start".into()))
    }
}

impl Sink for ParquetSink {
    fn write(&mut self, batch: &RecordBatch) -> Result<(), ExportError> {
        let schema = batch.schema();
        let types = schema
            .fields()
            .iter()
            .map(|field| field.data_type().clone());
        let (writer, schema) = self.start(types)?;
        let renamed = RecordBatch::try_new(schema.clone(), batch.columns().to_vec())
            .map_err(|error| ExportError::Write(error.to_string()))?;
        writer.write(&renamed)?;
        Ok(())
    }

    fn bytes(&self) -> u64 {
        self.writer.as_ref().map_or(0, |(writer, _)| {
            writer.bytes_written() as u64 + writer.in_progress_size() as u64
        })
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        if self.writer.is_none() {
            // No rows: the schema from what the columns hold.
            let types: Vec<DataType> = self
                .columns
                .iter()
                .map(|column| match column.format {
                    ValueFormat::String => DataType::Utf8,
                    ValueFormat::Date => DataType::Date32,
                    _ => DataType::Float64,
                })
                .collect();
            self.start(types.into_iter())?;
        }
        if let Some((writer, _)) = self.writer.take() {
            writer.close()?;
        }
        Ok(())
    }
}
