//! XLSX sheets streamed, so that memory stays flat in the sheet's size: the sheet is chosen
//! from the first rows of each (calamine's cell reader stops early), then a thread reads the
//! chosen sheet's cells in order and hands rows over in batches through a bounded channel.

use std::fs::File;
use std::io::BufReader;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Data, DataRef, Dimensions, Reader, Xlsx};

use super::header_row::{self, HeaderRow};
use super::sheet_table::{MERGED_CELLS_UP_TO_ROWS, write_cell};
use super::{FileFormat, RawRow, ReadOptions, Source, Table, clean_headers};
use crate::error::IngestError;

/// Rows handed over at a time, and batches waiting at most.
const BATCH_ROWS: usize = 1024;
const BATCHES_AHEAD: usize = 4;

/// A sheet row: its 0-based number and its cells from the sheet's first column.
type SheetRow = (u32, Vec<String>);
type Batch = Result<Vec<SheetRow>, IngestError>;

/// The first rows of a sheet, enough to find its header and see data below it.
struct Peek {
    name: String,
    /// The sheet's first row and column, and its height, from its declared dimensions.
    dimensions: Dimensions,
    /// Rows from the first, with empty rows kept so indexes are row offsets.
    rows: Vec<Vec<String>>,
    header: HeaderRow,
    has_data: bool,
}

/// Whether a non-empty row follows the header.
fn has_data(
    workbook: &mut Xlsx<BufReader<File>>,
    name: &str,
    dimensions: Dimensions,
    header: &HeaderRow,
) -> Result<bool, IngestError> {
    let header_row_number = dimensions.start.0 + header.last_row as u32;
    let (_, found) = first_rows(workbook, name, Some(header_row_number))?;
    Ok(!found.is_empty())
}

/// The rows of the chosen sheet, below its header, as the reading thread sends them.
pub(super) struct StreamedSheet {
    receiver: Receiver<Batch>,
    batch: std::vec::IntoIter<SheetRow>,
    finished: bool,
    last_row: u32,
    dimensions: Dimensions,
}

pub(super) fn open(path: &Path, options: &ReadOptions) -> Result<Table, IngestError> {
    let (peek, regions) = guarded(|| choose(path, options))??;
    let header_row_number = peek.dimensions.start.0 + peek.header.last_row as u32;
    let header_line = u64::from(header_row_number) + 1;
    let mut names = peek.header.names;
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
    let (sender, receiver) = sync_channel(BATCHES_AHEAD);
    let reading = Reading {
        path: path.to_owned(),
        sheet: peek.name.clone(),
        first_column: peek.dimensions.start.1,
        width: names.len(),
        after_row: header_row_number,
        regions,
    };
    std::thread::spawn(move || reading.run(&sender));
    Ok(Table {
        format: FileFormat::Xlsx { sheet: peek.name },
        header_line,
        headers: clean_headers(names.into_iter()),
        source: Source::Streamed(StreamedSheet {
            receiver,
            batch: Vec::new().into_iter(),
            finished: false,
            last_row: header_row_number,
            dimensions: peek.dimensions,
        }),
    })
}

/// Runs calamine so that a panic on a malformed file is a damaged-file error, not a crash.
fn guarded<T>(read: impl FnOnce() -> T) -> Result<T, IngestError> {
    catch_unwind(AssertUnwindSafe(read)).map_err(|_| IngestError::Damaged {
        detail: "its contents could not be read".into(),
    })
}

fn damaged(error: impl std::fmt::Display) -> IngestError {
    IngestError::Damaged {
        detail: error.to_string(),
    }
}

fn workbook(path: &Path) -> Result<Xlsx<BufReader<File>>, IngestError> {
    calamine::open_workbook(path).map_err(damaged)
}

/// The sheet asked for, or the sheet with data whose header scores best (the first on a tie),
/// with its merged regions when it is small enough to look them up.
fn choose(path: &Path, options: &ReadOptions) -> Result<(Peek, Vec<Dimensions>), IngestError> {
    let mut workbook = workbook(path)?;
    let names = super::sheet_table::wanted_sheets(workbook.sheet_names(), options)?;
    let mut best: Option<Peek> = None;
    let mut any_rows = false;
    for name in names {
        let (dimensions, rows) = first_rows(&mut workbook, &name, None)?;
        any_rows |= rows.iter().any(|row| !row.is_empty());
        let Some(header) = header_row::find(&rows) else {
            continue;
        };
        let has_data = has_data(&mut workbook, &name, dimensions, &header)?;
        let better = best
            .as_ref()
            .is_none_or(|other| (has_data, header.score) > (other.has_data, other.header.score));
        if better {
            best = Some(Peek {
                name,
                dimensions,
                rows,
                header,
                has_data,
            });
        }
    }
    let Some(mut peek) = best else {
        return Err(if any_rows {
            IngestError::NoHeader {
                detail: String::new(),
            }
        } else {
            IngestError::Empty
        });
    };
    let height = peek
        .dimensions
        .end
        .0
        .saturating_sub(peek.dimensions.start.0) as usize
        + 1;
    let mut regions = Vec::new();
    if height <= MERGED_CELLS_UP_TO_ROWS {
        regions = workbook
            .merge_cells_by_sheet_name(&peek.name)
            .map_err(damaged)?;
        if !regions.is_empty() {
            fill_rows(&mut peek.rows, peek.dimensions.start, &regions);
            peek.header = header_row::find(&peek.rows).ok_or(IngestError::NoHeader {
                detail: String::new(),
            })?;
            peek.has_data = has_data(&mut workbook, &peek.name, peek.dimensions, &peek.header)?;
        }
    }
    if !peek.has_data {
        return Err(IngestError::NoDataRows {
            header_line: u64::from(peek.dimensions.start.0) + peek.header.last_row as u64 + 1,
        });
    }
    Ok((peek, regions))
}

/// Without `after`, the sheet's first rows (as many as the header search looks at); with it,
/// the first non-empty row below that row, if any.
fn first_rows(
    workbook: &mut Xlsx<BufReader<File>>,
    name: &str,
    after: Option<u32>,
) -> Result<(Dimensions, Vec<Vec<String>>), IngestError> {
    let mut reader = workbook.worksheet_cells_reader(name).map_err(damaged)?;
    let dimensions = reader.dimensions();
    let (first_row, first_column) = dimensions.start;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(damaged)? {
        let (row, column) = cell.get_position();
        let mut text = String::new();
        write_cell_ref(cell.get_value(), &mut text);
        match after {
            Some(after) if row > after && !text.trim().is_empty() => {
                return Ok((dimensions, vec![vec![text]]));
            }
            Some(_) => continue,
            None => {}
        }
        let offset = row.saturating_sub(first_row) as usize;
        if offset >= header_row::SEARCH_ROWS + 2 {
            break;
        }
        if rows.len() <= offset {
            rows.resize_with(offset + 1, Vec::new);
        }
        let Some(index) = column.checked_sub(first_column).map(|c| c as usize) else {
            continue;
        };
        let cells = &mut rows[offset];
        if cells.len() <= index {
            cells.resize_with(index + 1, String::new);
        }
        cells[index] = text;
    }
    Ok((dimensions, if after.is_some() { Vec::new() } else { rows }))
}

fn write_cell_ref(cell: &DataRef<'_>, out: &mut String) {
    match cell {
        DataRef::SharedString(text) => out.push_str(text),
        DataRef::String(text) => out.push_str(text),
        other => write_cell(&Data::from(other.clone()), out),
    }
}

/// Gives the cells of merged regions among the first rows their top-left value.
fn fill_rows(rows: &mut [Vec<String>], start: (u32, u32), regions: &[Dimensions]) {
    let cell = |rows: &[Vec<String>], (row, column): (u32, u32)| -> Option<String> {
        let cells = rows.get(row.checked_sub(start.0)? as usize)?;
        cells.get(column.checked_sub(start.1)? as usize).cloned()
    };
    for region in regions {
        let Some(value) = cell(rows, region.start).filter(|value| !value.is_empty()) else {
            continue;
        };
        for row in region.start.0..=region.end.0 {
            let Some(cells) = row
                .checked_sub(start.0)
                .and_then(|offset| rows.get_mut(offset as usize))
            else {
                continue;
            };
            for column in region.start.1..=region.end.1 {
                let Some(index) = column.checked_sub(start.1).map(|c| c as usize) else {
                    continue;
                };
                if cells.len() <= index {
                    cells.resize_with(index + 1, String::new);
                }
                if cells[index].is_empty() {
                    cells[index].clone_from(&value);
                }
            }
        }
    }
}

/// What the reading thread needs.
struct Reading {
    path: PathBuf,
    sheet: String,
    first_column: u32,
    width: usize,
    after_row: u32,
    regions: Vec<Dimensions>,
}

impl Reading {
    /// Reads the sheet and sends its rows; an error (or a panic in calamine) is sent as the
    /// last message. Stops early when the table is dropped.
    fn run(self, sender: &SyncSender<Batch>) {
        let outcome = guarded(|| self.send_rows(sender)).and_then(|sent| sent);
        if let Err(error) = outcome {
            let _ = sender.send(Err(error));
        }
    }

    fn send_rows(&self, sender: &SyncSender<Batch>) -> Result<(), IngestError> {
        let mut workbook = workbook(&self.path)?;
        let mut reader = workbook
            .worksheet_cells_reader(&self.sheet)
            .map_err(damaged)?;
        let mut batch: Vec<SheetRow> = Vec::with_capacity(BATCH_ROWS);
        let mut current: Option<SheetRow> = None;
        let mut merged_values: Vec<Option<String>> = vec![None; self.regions.len()];
        while let Some(cell) = reader.next_cell().map_err(damaged)? {
            let (row, column) = cell.get_position();
            if row <= self.after_row {
                continue;
            }
            if current.as_ref().is_some_and(|(number, _)| *number != row) {
                if let Some(done) = current.take() {
                    batch.push(self.filled(done, &mut merged_values));
                }
                if batch.len() >= BATCH_ROWS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    if sender.send(Ok(full)).is_err() {
                        return Ok(());
                    }
                }
            }
            let (_, cells) = current.get_or_insert_with(|| (row, vec![String::new(); self.width]));
            let index = column.checked_sub(self.first_column).map(|c| c as usize);
            if let Some(text) = index.and_then(|index| cells.get_mut(index)) {
                write_cell_ref(cell.get_value(), text);
            }
        }
        if let Some(done) = current.take() {
            batch.push(self.filled(done, &mut merged_values));
        }
        if !batch.is_empty() {
            let _ = sender.send(Ok(batch));
        }
        Ok(())
    }

    /// The row with the merged regions covering it filled from their top-left cells.
    fn filled(&self, (number, mut cells): SheetRow, values: &mut [Option<String>]) -> SheetRow {
        for (region, value) in self.regions.iter().zip(values.iter_mut()) {
            if number < region.start.0 || number > region.end.0 {
                continue;
            }
            let columns = region.start.1.saturating_sub(self.first_column) as usize
                ..=region.end.1.saturating_sub(self.first_column) as usize;
            if number == region.start.0 {
                *value = cells.get(*columns.start()).cloned();
            }
            let Some(value) = value.as_deref() else {
                continue;
            };
            for index in columns {
                if let Some(cell) = cells.get_mut(index).filter(|cell| cell.is_empty()) {
                    value.clone_into(cell);
                }
            }
        }
        (number, cells)
    }
}

impl StreamedSheet {
    pub(super) fn next_row(&mut self, row: &mut RawRow, width: usize) -> Result<bool, IngestError> {
        loop {
            if let Some((number, mut cells)) = self.batch.next() {
                self.last_row = number;
                if cells.iter().all(|cell| cell.trim().is_empty()) {
                    continue;
                }
                cells.resize_with(width, String::new);
                row.line = u64::from(number) + 1;
                row.cells = cells;
                return Ok(true);
            }
            if self.finished {
                return Ok(false);
            }
            match self.receiver.recv() {
                Ok(Ok(batch)) => self.batch = batch.into_iter(),
                Ok(Err(error)) => {
                    self.finished = true;
                    return Err(error);
                }
                Err(_) => self.finished = true,
            }
        }
    }

    pub(super) fn progress(&self) -> f64 {
        let (first, last) = (self.dimensions.start.0, self.dimensions.end.0);
        if last <= first {
            return if self.finished { 1.0 } else { 0.0 };
        }
        (f64::from(self.last_row.saturating_sub(first)) / f64::from(last - first)).min(1.0)
    }
}
