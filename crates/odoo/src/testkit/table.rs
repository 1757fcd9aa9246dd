//! The fake's storage: per model, records stored flat (ids ascending, 24-byte cells row after
//! row), so that a million order lines fit in a few hundred megabytes and scan in order; and
//! the `(write_date, id)` index an incremental sync's pages read.

use std::sync::{Arc, Mutex, PoisonError};

use super::schema::ModelDef;

/// One stored value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    /// Odoo's `false` for an empty char, date or many2one.
    Empty,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Box<str>),
    /// A many2one: the target's id.
    Link(i64),
    /// A many2many: the targets' ids.
    Links(Box<[i64]>),
    /// Days since 1970-01-01.
    Date(i32),
    /// Seconds since 1970-01-01 00:00:00 UTC.
    DateTime(i64),
}

/// The records of one model, by id.
pub(crate) struct Table {
    pub def: Arc<ModelDef>,
    pub rows: Rows,
    pub next_id: i64,
    /// `(write_date, id)` of every record, sorted; built on first use after a change.
    write_dates: Mutex<Option<WriteDateIndex>>,
}

/// `(write_date in seconds, id)` pairs, sorted.
pub(crate) type WriteDateIndex = Arc<Vec<(i64, i64)>>;

impl Table {
    /// An empty table of this model.
    pub(crate) fn new(def: ModelDef) -> Self {
        Self {
            rows: Rows::new(def.width()),
            def: Arc::new(def),
            next_id: 1,
            write_dates: Mutex::new(None),
        }
    }

    /// The records in `write_date, id` order (no write_date last, as PostgreSQL sorts NULLs).
    pub(crate) fn write_date_index(&self, column: usize) -> WriteDateIndex {
        let mut cached = self
            .write_dates
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        cached
            .get_or_insert_with(|| {
                let mut index: Vec<(i64, i64)> = self
                    .rows
                    .iter()
                    .map(|(id, row)| match row[column] {
                        Cell::DateTime(written) => (written, id),
                        _ => (i64::MAX, id),
                    })
                    .collect();
                index.sort_unstable();
                Arc::new(index)
            })
            .clone()
    }

    /// Forgets the index after a change.
    pub(crate) fn changed(&mut self) {
        *self
            .write_dates
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// Records stored flat: ids ascending, and their cells row after row in one vector, so that
/// a search scans memory in order instead of chasing a pointer per record.
pub(crate) struct Rows {
    ids: Vec<i64>,
    cells: Vec<Cell>,
    width: usize,
}

impl Rows {
    pub(crate) fn new(width: usize) -> Self {
        Self {
            ids: Vec::new(),
            cells: Vec::new(),
            width,
        }
    }

    /// Appends a record; ids are handed out in increasing order.
    pub(crate) fn push(&mut self, id: i64, row: Vec<Cell>) {
        self.ids.push(id);
        self.cells.extend(row);
    }

    fn position(&self, id: i64) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    pub(crate) fn get(&self, id: i64) -> Option<&[Cell]> {
        let at = self.position(id)? * self.width;
        Some(&self.cells[at..at + self.width])
    }

    pub(crate) fn get_mut(&mut self, id: i64) -> Option<&mut [Cell]> {
        let at = self.position(id)? * self.width;
        Some(&mut self.cells[at..at + self.width])
    }

    pub(crate) fn remove(&mut self, id: i64) -> bool {
        let Some(position) = self.position(id) else {
            return false;
        };
        self.ids.remove(position);
        let at = position * self.width;
        self.cells.drain(at..at + self.width);
        true
    }

    /// Every record, by id.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (i64, &[Cell])> {
        self.ids
            .iter()
            .copied()
            .zip(self.cells.chunks_exact(self.width))
    }
}
