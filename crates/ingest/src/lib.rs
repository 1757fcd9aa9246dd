//! Sell-out and sales files → canonical sales rows, with no store and no HTTP.
//!
//! [`open`] sniffs a file's format (CSV-like text in any common encoding and delimiter, XLSX,
//! XLS), finds its header row and streams its rows; [`detect`] picks the vendor [`Profile`]
//! whose headers match (or [`suggest_mapping`] proposes a mapping, and [`parse_mapping`] reads
//! one a user typed); a [`Normalizer`] turns each row into a [`SaleRow`] or its
//! [`RowError`]s, under the date order and decimal separator it decided for the whole file.
//!
//! ```no_run
//! # fn main() -> Result<(), analyst_ingest::IngestError> {
//! use analyst_ingest::{Normalizer, RawRow, ReadOptions, builtin_profiles, detect, open};
//! let mut table = open("sellout.csv".as_ref(), &ReadOptions::default())?;
//! let profiles = builtin_profiles();
//! let found = detect(&table.headers, &profiles).expect("a known vendor format");
//! let mut sample = Vec::new();
//! let mut row = RawRow::default();
//! while sample.len() < 1000 && table.next_row(&mut row)? {
//!     sample.push(row.clone());
//! }
//! let normalizer = Normalizer::new(&profiles[found.profile], &table.headers, &sample)?;
//! for row in &sample {
//!     let _sale = normalizer.normalize(row);
//! }
//! while table.next_row(&mut row)? {
//!     let _sale = normalizer.normalize(&row);
//! }
//! # Ok(())
//! # }
//! ```

mod detect;
mod error;
mod field;
mod mapping;
mod normalize;
mod profile;
mod read;
mod suggest;

pub use detect::{DETECTION_THRESHOLD, Detection, detect, header_key};
pub use error::{IngestError, RowError};
pub use field::{Field, UnknownField};
pub use mapping::parse_mapping;
pub use normalize::{Basis, DecimalStyle, FileConventions, Normalizer, SaleRow};
pub use profile::{Channel, DateOrder, Profile, builtin_profiles};
pub use read::{FileFormat, RawRow, ReadOptions, Table, open};
pub use suggest::{Suggestion, suggest_mapping};

#[cfg(test)]
mod tests {
    /// Imports run as jobs on worker threads: an open table and a normalizer move between
    /// threads, and a normalizer can be shared.
    #[test]
    fn tables_and_normalizers_cross_threads() {
        fn send<T: Send>() {}
        fn sync<T: Sync>() {}
        send::<crate::Table>();
        send::<crate::Normalizer>();
        sync::<crate::Normalizer>();
    }
}
