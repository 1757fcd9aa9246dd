//! XLS workbooks through calamine (which reads an XLS whole; the format holds at most 65,536
//! rows): the sheet is the one asked for or the one whose header reads most like a sales
//! table; merged cells take their value in every cell they cover; date cells become ISO
//! dates. The cell conversions and sheet rules here serve the XLSX stream too.

use std::fmt::Write;
use std::fs::File;
use std::io::BufReader;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use calamine::{Data, Dimensions, Range, Reader, Xls};

use super::header_row::{self, HeaderRow};
use super::{FileFormat, RawRow, ReadOptions, Source, Table, clean_headers};
use crate::error::IngestError;

/// The rows of the chosen sheet, below its header.
pub(super) struct SheetTable {
    range: Range<Data>,
    /// Next row to read, relative to the range.
    next: usize,
    /// The sheet row number (0-based) of the range's first row.
    first_row: u32,
}

pub(super) fn open_xls(path: &Path, options: &ReadOptions) -> Result<Table, IngestError> {
    let (sheet, range, header) = guarded(|| {
        let mut workbook: Xls<BufReader<File>> = calamine::open_workbook(path).map_err(damaged)?;
        choose_sheet(&mut workbook, options, |workbook, name| {
            workbook.merge_cells_by_sheet_name(name).map_err(damaged)
        })
    })?;
    table(FileFormat::Xls { sheet }, range, header, options)
}

type Chosen = (String, Range<Data>, HeaderRow);

/// Runs calamine so that a panic on a malformed file is a damaged-file error, not a crash.
fn guarded(read: impl FnOnce() -> Result<Chosen, IngestError>) -> Result<Chosen, IngestError> {
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(IngestError::Damaged {
            detail: "its contents could not be read".into(),
        })
    })
}

fn damaged(error: impl std::fmt::Display) -> IngestError {
    IngestError::Damaged {
        detail: error.to_string(),
    }
}

/// Merged cells are looked up (a second pass over the sheet's XML) only in sheets of at most
/// this many rows: merging is a formatting habit of hand-made reports, and the exports of tens
/// of thousands of rows that systems write have none. Headers are found without them anyway
/// (a merged group is an empty cell to the right of its name, as in a CSV export).
pub(super) const MERGED_CELLS_UP_TO_ROWS: usize = 50_000;

/// The sheets to consider: the one asked for (named case-insensitively), or all.
pub(super) fn wanted_sheets(
    names: Vec<String>,
    options: &ReadOptions,
) -> Result<Vec<String>, IngestError> {
    let Some(sheet) = &options.sheet else {
        return Ok(names);
    };
    let found = names
        .iter()
        .find(|name| name.trim().eq_ignore_ascii_case(sheet.trim()))
        .ok_or_else(|| IngestError::SheetNotFound {
            sheet: sheet.clone(),
            available: names.join(", "),
        })?;
    Ok(vec![found.clone()])
}

/// The sheet asked for, or else the sheet with data whose header scores best (the first on a
/// tie); its merged cells then take their values.
fn choose_sheet<R: Reader<BufReader<File>>>(
    workbook: &mut R,
    options: &ReadOptions,
    mut merged: impl FnMut(&mut R, &str) -> Result<Vec<Dimensions>, IngestError>,
) -> Result<Chosen, IngestError>
where
    R::Error: std::fmt::Display,
{
    let wanted = wanted_sheets(workbook.sheet_names(), options)?;
    let mut best: Option<(Chosen, bool)> = None;
    let mut any_rows = false;
    for name in wanted {
        let range = workbook.worksheet_range(&name).map_err(damaged)?;
        any_rows |= !range.is_empty();
        let Some((header, has_data)) = inspect(&range) else {
            continue;
        };
        let better = best.as_ref().is_none_or(|((_, _, other), other_has_data)| {
            (has_data, header.score) > (*other_has_data, other.score)
        });
        if better {
            best = Some(((name, range, header), has_data));
        }
    }
    let Some(((name, mut range, mut header), mut has_data)) = best else {
        return Err(if any_rows {
            IngestError::NoHeader {
                detail: String::new(),
            }
        } else {
            IngestError::Empty
        });
    };
    if range.height() <= MERGED_CELLS_UP_TO_ROWS {
        let regions = merged(workbook, &name)?;
        if !regions.is_empty() {
            fill_merged(&mut range, &regions);
            (header, has_data) = inspect(&range).ok_or(IngestError::NoHeader {
                detail: String::new(),
            })?;
        }
    }
    if !has_data {
        return Err(IngestError::NoDataRows {
            header_line: line_of(&range, header.last_row),
        });
    }
    Ok((name, range, header))
}

/// The sheet's header row, and whether any row below it has data.
fn inspect(range: &Range<Data>) -> Option<(HeaderRow, bool)> {
    let top: Vec<Vec<String>> = range
        .rows()
        .take(header_row::SEARCH_ROWS + 2)
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    let header = header_row::find(&top)?;
    let has_data = range
        .rows()
        .skip(header.last_row + 1)
        .any(|row| row.iter().any(|cell| !is_blank(cell)));
    Some((header, has_data))
}

fn table(
    format: FileFormat,
    range: Range<Data>,
    header: HeaderRow,
    options: &ReadOptions,
) -> Result<Table, IngestError> {
    let header_line = line_of(&range, header.last_row);
    let mut names = header.names;
    while names.last().is_some_and(|name| name.trim().is_empty()) {
        names.pop();
    }
    if names.len() > options.max_columns {
        return Err(IngestError::TooManyColumns {
            line: header_line,
            found: names.len(),
            max: options.max_columns,
        });
    }
    Ok(Table {
        format,
        header_line,
        headers: clean_headers(names.into_iter()),
        source: Source::Sheet(SheetTable {
            first_row: range.start().map_or(0, |(row, _)| row),
            range,
            next: header.last_row + 1,
        }),
    })
}

/// The 1-based sheet row of a row of the range.
fn line_of(range: &Range<Data>, row: usize) -> u64 {
    u64::from(range.start().map_or(0, |(first, _)| first)) + row as u64 + 1
}

/// Gives every cell of a merged region the value of its top-left cell.
fn fill_merged(range: &mut Range<Data>, regions: &[Dimensions]) {
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return;
    };
    for region in regions {
        let Some(value) = range.get_value(region.start).cloned() else {
            continue;
        };
        if value == Data::Empty {
            continue;
        }
        for row in region.start.0.max(start.0)..=region.end.0.min(end.0) {
            for column in region.start.1.max(start.1)..=region.end.1.min(end.1) {
                if (row, column) != region.start {
                    range.set_value((row, column), value.clone());
                }
            }
        }
    }
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

fn cell_text(cell: &Data) -> String {
    let mut text = String::new();
    write_cell(cell, &mut text);
    text
}

/// Writes a cell as the text a CSV export of it would hold; dates as ISO (`2025-01-31`, with
/// the time when there is one).
pub(super) fn write_cell(cell: &Data, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = match cell {
        Data::Empty => Ok(()),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            out.push_str(text);
            Ok(())
        }
        Data::Int(value) => write!(out, "{value}"),
        Data::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => {
            write!(out, "{value:.0}")
        }
        Data::Float(value) => write!(out, "{value}"),
        Data::Bool(value) => write!(out, "{}", if *value { "TRUE" } else { "FALSE" }),
        Data::DateTime(value) => match value.as_datetime() {
            Some(moment) if moment.time() == chrono::NaiveTime::MIN => {
                write!(out, "{}", moment.date())
            }
            Some(moment) => write!(out, "{}", moment.format("%Y-%m-%d %H:%M:%S")),
            None => write!(out, "{}", value.as_f64()),
        },
        Data::Error(error) => write!(out, "{error}"),
    };
}

impl SheetTable {
    pub(super) fn next_row(&mut self, row: &mut RawRow, width: usize) -> bool {
        let (height, columns) = self.range.get_size();
        while self.next < height {
            let index = self.next;
            self.next += 1;
            let cell = |column: usize| self.range.get((index, column)).unwrap_or(&Data::Empty);
            if (0..columns).all(|column| is_blank(cell(column))) {
                continue;
            }
            row.line = u64::from(self.first_row) + index as u64 + 1;
            row.reset(width);
            for (column, text) in row.cells.iter_mut().enumerate().take(columns) {
                write_cell(cell(column), text);
            }
            return true;
        }
        false
    }

    pub(super) fn progress(&self) -> f64 {
        let (height, _) = self.range.get_size();
        if height == 0 {
            1.0
        } else {
            (self.next as f64 / height as f64).min(1.0)
        }
    }
}
