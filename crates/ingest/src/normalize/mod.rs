//! Normalization: one file row → one canonical [`SaleRow`], or the row's errors. The file's
//! conventions (date order, decimal separator) are decided once from a sample of its rows.

mod conventions;
mod date;
mod number;
mod row;

use std::collections::HashMap;

use crate::detect::header_key;
use crate::error::{IngestError, RowError};
use crate::field::Field;
use crate::profile::Profile;
use crate::read::RawRow;

pub use conventions::{Basis, FileConventions};
pub use number::DecimalStyle;
pub use row::SaleRow;

pub(crate) use date::parse_date;
pub(crate) use number::parse_number;

/// Turns a file's rows into sales rows under one profile.
#[derive(Debug, Clone)]
pub struct Normalizer {
    /// Column index per field, indexed by `Field as usize`.
    columns: [Option<usize>; Field::ALL.len()],
    /// The file's headers, to name columns in row errors.
    headers: Vec<String>,
    /// Value maps per field, indexed like `columns`.
    value_maps: [Option<HashMap<String, String>>; Field::ALL.len()],
    conventions: FileConventions,
}

impl Normalizer {
    /// Resolves the profile's columns in this file's headers (an error names the missing
    /// ones) and decides the file's date order and decimal separator from the sample's values.
    pub fn new(
        profile: &Profile,
        headers: &[String],
        sample: &[RawRow],
    ) -> Result<Normalizer, IngestError> {
        crate::mapping::check_complete(&profile.columns)?;
        let keys: Vec<String> = headers.iter().map(|header| header_key(header)).collect();
        let mut columns = [None; Field::ALL.len()];
        let mut missing = Vec::new();
        for (field, header) in &profile.columns {
            let wanted = header_key(header);
            match keys.iter().position(|key| *key == wanted) {
                Some(index) => columns[*field as usize] = Some(index),
                None => missing.push(header.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(IngestError::MissingColumns {
                profile: profile.name.clone(),
                missing,
                found: headers.join(", "),
            });
        }
        let mut value_maps: [Option<HashMap<String, String>>; Field::ALL.len()] =
            Default::default();
        for (field, map) in &profile.value_maps {
            let map = map
                .iter()
                .map(|(from, to)| (from.trim().to_owned(), to.clone()))
                .collect();
            value_maps[*field as usize] = Some(map);
        }
        let column_values = |fields: &[Field]| -> Vec<&str> {
            let indexes: Vec<usize> = fields
                .iter()
                .filter_map(|field| columns[*field as usize])
                .collect();
            sample
                .iter()
                .flat_map(|row| indexes.iter().filter_map(|&i| row.cells.get(i)))
                .map(String::as_str)
                .collect()
        };
        let conventions = FileConventions::decide(
            &column_values(&[Field::Date]),
            &column_values(&[
                Field::Quantity,
                Field::UnitPrice,
                Field::NetAmount,
                Field::GrossAmount,
                Field::Discount,
            ]),
            profile.date_order,
        );
        Ok(Normalizer {
            columns,
            headers: headers.to_vec(),
            value_maps,
            conventions,
        })
    }

    /// The file's date order and decimal separator, and what each was decided from.
    pub fn conventions(&self) -> &FileConventions {
        &self.conventions
    }

    /// The row as a sale, `Ok(None)` for a row to skip (a total or subtotal line, or a row
    /// whose mapped cells are all empty), or every problem the row has.
    pub fn normalize(&self, row: &RawRow) -> Result<Option<SaleRow>, Vec<RowError>> {
        row::normalize(self, row)
    }

    /// The trimmed cell of a field, `None` when unmapped or empty.
    fn cell<'a>(&self, row: &'a RawRow, field: Field) -> Option<&'a str> {
        let index = self.columns[field as usize]?;
        let text = row.cells.get(index)?.trim();
        (!text.is_empty()).then_some(text)
    }

    /// The cell of a text field after its value map, owned for the sale row.
    fn text(&self, row: &RawRow, field: Field) -> Option<String> {
        let text = self.cell(row, field)?;
        let mapped = self.value_maps[field as usize]
            .as_ref()
            .and_then(|map| map.get(text));
        Some(mapped.map_or_else(|| text.to_owned(), Clone::clone))
    }

    /// The header of a field's column, or the field's name when it is not mapped.
    fn column_name(&self, field: Field) -> String {
        self.columns[field as usize]
            .and_then(|index| self.headers.get(index))
            .map_or_else(|| field.as_str().to_owned(), Clone::clone)
    }
}
