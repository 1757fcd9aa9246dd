//! The ingest corpus: files written by the tests (and a committed XLS), each read end to end
//! with its expected rows, sales or errors.

mod csv_files;
mod encodings;
mod helpers;
mod malformed;
mod malformed_workbooks;
mod normalization;
mod profiles;
mod spreadsheets;
