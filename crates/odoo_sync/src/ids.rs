//! Our ids for Odoo's records (`ops.source_id_map`): assigned once from a sequence, so a
//! product or a store keeps its silver id across syncs and references stay valid.

use std::collections::{HashMap, HashSet};

use analyst_store::{Connection, Value};

use crate::error::SyncError;

/// The map for one connection, cached per model as it is used.
pub(crate) struct IdMap {
    source: String,
    loaded: HashSet<&'static str>,
    ids: HashMap<(&'static str, i64), i64>,
}

impl IdMap {
    pub(crate) fn new(source: &str) -> Self {
        IdMap {
            source: source.to_owned(),
            loaded: HashSet::new(),
            ids: HashMap::new(),
        }
    }

    fn load(&mut self, store: &dyn Connection, model: &'static str) -> Result<(), SyncError> {
        if self.loaded.contains(model) {
            return Ok(());
        }
        let rows = store.query(
            "SELECT odoo_id, id FROM ops.source_id_map WHERE source = $1 AND model = $2",
            &[self.source.as_str().into(), model.into()],
        )?;
        for row in &rows.rows {
            if let (Some(odoo_id), Some(id)) = (
                row.first().and_then(Value::as_i64),
                row.get(1).and_then(Value::as_i64),
            ) {
                self.ids.insert((model, odoo_id), id);
            }
        }
        self.loaded.insert(model);
        Ok(())
    }

    /// Our id for an Odoo record, if it has one.
    pub(crate) fn get(
        &mut self,
        store: &dyn Connection,
        model: &'static str,
        odoo_id: i64,
    ) -> Result<Option<i64>, SyncError> {
        self.load(store, model)?;
        Ok(self.ids.get(&(model, odoo_id)).copied())
    }

    /// Our id for an Odoo record, assigned now if it has none.
    pub(crate) fn assign(
        &mut self,
        store: &dyn Connection,
        model: &'static str,
        odoo_id: i64,
    ) -> Result<i64, SyncError> {
        if let Some(id) = self.get(store, model, odoo_id)? {
            return Ok(id);
        }
        let id = store
            .query("SELECT nextval('ops.source_id_seq')", &[])?
            .scalar()
            .and_then(Value::as_i64)
            .ok_or_else(|| SyncError::Config("ops.source_id_seq gave no value".into()))?;
        store.execute(
            "INSERT INTO ops.source_id_map (source, model, odoo_id, id) VALUES ($1, $2, $3, $4)",
            &[
                self.source.as_str().into(),
                model.into(),
                odoo_id.into(),
                id.into(),
            ],
        )?;
        self.ids.insert((model, odoo_id), id);
        Ok(id)
    }

    /// Forgets the cache: a rolled-back transaction may have taken ids with it.
    pub(crate) fn forget(&mut self) {
        self.loaded.clear();
        self.ids.clear();
    }
}
