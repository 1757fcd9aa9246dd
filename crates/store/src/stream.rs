//! Streamed results as Arrow record batches of a few column types.
//!
//! Each backend hands out batches in its own Arrow types (DuckDB: decimals, 32-bit integers,
//! unsigned integers …); [`canonical`] casts them to the six types every reader of a stream
//! handles: boolean, 64-bit integer, double, UTF-8 text, date and microsecond timestamp. A
//! column of any other type (lists, structs, intervals) becomes its text.

use std::sync::Arc;

use crate::arrow::array::{ArrayRef, RecordBatch};
use crate::arrow::compute::cast;
use crate::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use crate::{Result, StoreError};

/// The canonical type a column of `data_type` is cast to.
pub fn canonical_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Null | DataType::Boolean => data_type.clone(),
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => DataType::Int64,
        DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => DataType::Float64,
        DataType::Date32 | DataType::Date64 => DataType::Date32,
        DataType::Timestamp(..) => DataType::Timestamp(TimeUnit::Microsecond, None),
        _ => DataType::Utf8,
    }
}

/// `batch` with every column cast to its [`canonical_type`].
pub fn canonical(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    if schema
        .fields()
        .iter()
        .all(|field| canonical_type(field.data_type()) == *field.data_type())
    {
        return Ok(batch.clone());
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        let target = canonical_type(field.data_type());
        let column = if *column.data_type() == target {
            column.clone()
        } else {
            cast(column.as_ref(), &target)
                .map_err(|error| StoreError::Query(format!("column {}: {error}", field.name())))?
        };
        fields.push(Field::new(field.name(), target, true));
        columns.push(column);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|error| StoreError::Query(error.to_string()))
}
