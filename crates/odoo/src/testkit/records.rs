//! The fake's data set: every model's table, the ORM's writes on it (create with one2many
//! lines, write, unlink, required fields), records rendered as Odoo reads them, and the
//! conversions between cells and JSON values.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value, json};

use super::orm::OrmError;
use super::schema::{DEFAULTS, FieldKind, ModelDef, REQUIRED, field_label};
use super::table::{Cell, Table};

/// Every model's records.
pub(crate) struct Dataset {
    pub tables: HashMap<&'static str, Table>,
    /// The newest write_date handed out, so that writes in one second stay ordered.
    pub clock: i64,
}

impl Dataset {
    pub(crate) fn new(models: Vec<ModelDef>) -> Self {
        let tables = models
            .into_iter()
            .map(|def| {
                let table = Table::new(def);
                (table.def.name, table)
            })
            .collect();
        Self { tables, clock: 0 }
    }

    pub(crate) fn table(&self, model: &str) -> Result<&Table, OrmError> {
        self.tables
            .get(model)
            .ok_or_else(|| OrmError::MissingModel(model.to_owned()))
    }

    fn table_mut(&mut self, model: &str) -> Result<&mut Table, OrmError> {
        self.tables
            .get_mut(model)
            .ok_or_else(|| OrmError::MissingModel(model.to_owned()))
    }

    /// Stores a record built from cells by name (fixtures), with explicit dates.
    pub(crate) fn insert(&mut self, model: &str, cells: &[(&str, Cell)], written_at: i64) -> i64 {
        let Ok(table) = self.table_mut(model) else {
            return 0; // a model of a module left out: its fixtures are skipped
        };
        let mut row = vec![Cell::Empty; table.def.width()];
        for (name, cell) in cells {
            if let Some(column) = table.def.column(name) {
                row[column] = cell.clone();
            }
        }
        for name in ["create_date", "write_date"] {
            if let Some(column) = table.def.column(name) {
                row[column] = Cell::DateTime(written_at);
            }
        }
        if let Some(column) = table.def.column("active")
            && row[column] == Cell::Empty
        {
            row[column] = Cell::Bool(true);
        }
        let id = table.next_id;
        table.next_id += 1;
        table.rows.push(id, row);
        table.changed();
        id
    }

    /// The next write_date: now, or one second after the last one handed out.
    pub(crate) fn tick(&mut self) -> i64 {
        self.clock = chrono::Utc::now().timestamp().max(self.clock + 1);
        self.clock
    }

    /// `create`: values from JSON, one2many lines from `[0, 0, {…}]` commands.
    pub(crate) fn create(
        &mut self,
        model: &str,
        values: &Map<String, Value>,
    ) -> Result<i64, OrmError> {
        let now = self.tick();
        let def = self.table(model)?.def.clone();
        let mut cells = Vec::new();
        let mut lines = Vec::new();
        for (name, value) in values {
            let field = def.field(name).ok_or_else(|| invalid_field(model, name))?;
            match field.kind {
                FieldKind::One2many(line_model, inverse) => {
                    for command in value.as_array().into_iter().flatten() {
                        match command.as_array().map(Vec::as_slice) {
                            Some([code, _, Value::Object(line)]) if code == 0 => {
                                lines.push((line_model, inverse, line.clone()));
                            }
                            _ => {
                                return Err(OrmError::Value(format!(
                                    "unsupported command {command} for {name}"
                                )));
                            }
                        }
                    }
                }
                kind if kind.is_stored() => cells.push((field.name, to_cell(kind, value, name)?)),
                _ => {
                    return Err(OrmError::Value(format!(
                        "field {name} of {model} is not writable"
                    )));
                }
            }
        }
        for &(_, field, value) in DEFAULTS.iter().filter(|(name, _, _)| *name == model) {
            if !cells.iter().any(|(name, _)| *name == field)
                && let Some(def_field) = def.field(field)
            {
                cells.push((
                    def_field.name,
                    to_cell(def_field.kind, &json!(value), field)?,
                ));
            }
        }
        for &(_, required) in REQUIRED.iter().filter(|(name, _)| *name == model) {
            let set = cells
                .iter()
                .any(|(name, cell)| *name == required && *cell != Cell::Empty);
            if !set {
                // Odoo turns the NOT NULL violation into this ValidationError.
                return Err(OrmError::Validation(format!(
                    "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: {} ({model})\nField: {} ({required})",
                    def.label,
                    field_label(required)
                )));
            }
        }
        let id = self.insert(model, &cells, now);
        for (line_model, inverse, mut line) in lines {
            line.insert(inverse.to_owned(), json!(id));
            self.create(line_model, &line)?;
        }
        Ok(id)
    }

    /// `write`: the same values on each record; bumps write_date.
    pub(crate) fn write(
        &mut self,
        model: &str,
        ids: &[i64],
        values: &Map<String, Value>,
    ) -> Result<(), OrmError> {
        let now = self.tick();
        let table = self.table_mut(model)?;
        table.changed();
        let def = table.def.clone();
        let mut updates = Vec::new();
        for (name, value) in values {
            let field = def.field(name).ok_or_else(|| invalid_field(model, name))?;
            let column = field.column.ok_or_else(|| {
                OrmError::Value(format!("field {name} of {model} is not writable"))
            })?;
            updates.push((column, to_cell(field.kind, value, name)?));
        }
        updates.extend(
            def.column("write_date")
                .map(|column| (column, Cell::DateTime(now))),
        );
        for id in ids {
            let row = table
                .rows
                .get_mut(*id)
                .ok_or_else(|| missing_record(&def, *id))?;
            for (column, cell) in &updates {
                row[*column] = cell.clone();
            }
        }
        Ok(())
    }

    /// `unlink`: the records are gone.
    pub(crate) fn unlink(&mut self, model: &str, ids: &[i64]) -> Result<(), OrmError> {
        let table = self.table_mut(model)?;
        table.changed();
        for id in ids {
            if !table.rows.remove(*id) {
                return Err(missing_record(&table.def, *id));
            }
        }
        Ok(())
    }

    /// The display name of a record: its name (or complete name), else `model,id`.
    pub(crate) fn display_name(&self, model: &str, id: i64) -> String {
        let Ok(table) = self.table(model) else {
            return format!("{model},{id}");
        };
        let name = table
            .def
            .name_field
            .and_then(|index| table.def.fields[index].column);
        match (table.rows.get(id), name) {
            (Some(row), Some(column)) => match &row[column] {
                Cell::Text(text) => text.to_string(),
                _ => String::new(),
            },
            _ => format!("{model},{id}"),
        }
    }

    /// A record as `read` returns it, with these fields (all when empty).
    pub(crate) fn render(
        &self,
        table: &Table,
        id: i64,
        row: &[Cell],
        fields: &[String],
    ) -> Result<Map<String, Value>, OrmError> {
        let mut record = Map::new();
        record.insert("id".to_owned(), json!(id));
        let all: Vec<&str>;
        let names: Vec<&str> = if fields.is_empty() {
            all = table.def.fields.iter().map(|field| field.name).collect();
            all
        } else {
            fields.iter().map(String::as_str).collect()
        };
        for name in names {
            let field = table
                .def
                .field(name)
                .ok_or_else(|| invalid_field(table.def.name, name))?;
            let value = match (field.kind, field.column) {
                (FieldKind::Id, _) => json!(id),
                (FieldKind::Computed, _) => json!(self.display_name(table.def.name, id)),
                (FieldKind::One2many(line_model, inverse), _) => {
                    json!(self.lines_of(line_model, inverse, id))
                }
                (kind, Some(column)) => self.to_json(kind, &row[column]),
                (_, None) => Value::Bool(false),
            };
            record.insert(name.to_owned(), value);
        }
        Ok(record)
    }

    fn lines_of(&self, line_model: &str, inverse: &str, id: i64) -> Vec<i64> {
        let Ok(table) = self.table(line_model) else {
            return Vec::new();
        };
        let Some(column) = table.def.column(inverse) else {
            return Vec::new();
        };
        table
            .rows
            .iter()
            .filter(|(_, row)| row[column] == Cell::Link(id))
            .map(|(line_id, _)| line_id)
            .collect()
    }

    fn to_json(&self, kind: FieldKind, cell: &Cell) -> Value {
        match cell {
            Cell::Empty => match kind {
                FieldKind::Integer => json!(0),
                FieldKind::Float | FieldKind::Monetary => json!(0.0),
                FieldKind::Many2many(_) => json!([]),
                _ => Value::Bool(false),
            },
            Cell::Bool(flag) => json!(flag),
            Cell::Int(int) => json!(int),
            Cell::Float(float) => json!(float),
            Cell::Text(text) => json!(text),
            Cell::Link(id) => match kind {
                FieldKind::Many2one(model) => json!([id, self.display_name(model, *id)]),
                _ => json!(id),
            },
            Cell::Links(ids) => json!(ids),
            Cell::Date(days) => json!(format_date(*days)),
            Cell::DateTime(seconds) => json!(format_datetime(*seconds)),
        }
    }
}

/// JSON from a client into a cell of this field type.
pub(crate) fn to_cell(kind: FieldKind, value: &Value, name: &str) -> Result<Cell, OrmError> {
    let wrong = || OrmError::Value(format!("wrong value for {name}: {value}"));
    Ok(match (kind, value) {
        (_, Value::Bool(false)) if kind != FieldKind::Boolean => Cell::Empty,
        (FieldKind::Boolean, Value::Bool(flag)) => Cell::Bool(*flag),
        (FieldKind::Integer, _) => Cell::Int(value.as_i64().ok_or_else(wrong)?),
        (FieldKind::Float | FieldKind::Monetary, _) => {
            Cell::Float(value.as_f64().ok_or_else(wrong)?)
        }
        (FieldKind::Char | FieldKind::Selection, Value::String(text)) => {
            Cell::Text(text.as_str().into())
        }
        (FieldKind::Many2one(_), _) => Cell::Link(value.as_i64().ok_or_else(wrong)?),
        (FieldKind::Many2many(_), Value::Array(items)) => {
            Cell::Links(many2many_ids(items).ok_or_else(wrong)?.into())
        }
        (FieldKind::Date, Value::String(text)) => Cell::Date(parse_date(text).ok_or_else(wrong)?),
        (FieldKind::DateTime, Value::String(text)) => {
            Cell::DateTime(parse_datetime(text).ok_or_else(wrong)?)
        }
        _ => return Err(wrong()),
    })
}

/// Plain ids, or the `[6, 0, ids]` command.
fn many2many_ids(items: &[Value]) -> Option<Vec<i64>> {
    if let Some([code, _, Value::Array(ids)]) =
        items.first().and_then(Value::as_array).map(Vec::as_slice)
        && code == 6
    {
        return ids.iter().map(Value::as_i64).collect();
    }
    items.iter().map(Value::as_i64).collect()
}

fn invalid_field(model: &str, name: &str) -> OrmError {
    OrmError::Value(format!("Invalid field '{name}' on model '{model}'"))
}

fn missing_record(def: &ModelDef, id: i64) -> OrmError {
    OrmError::User(format!(
        "Record does not exist or has been deleted.\n(Record: {}({id},), User: 2)",
        def.name
    ))
}

const EPOCH_DAYS_FROM_CE: i32 = 719_163;

pub(crate) fn parse_date(text: &str) -> Option<i32> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|date| date.num_days_from_ce() - EPOCH_DAYS_FROM_CE)
}

/// `YYYY-MM-DD HH:MM:SS`, or a date alone (midnight), as Odoo accepts in domains.
pub(crate) fn parse_datetime(text: &str) -> Option<i64> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        })
        .map(|at| at.and_utc().timestamp())
}

pub(crate) fn format_date(days: i32) -> String {
    NaiveDate::from_num_days_from_ce_opt(days + EPOCH_DAYS_FROM_CE)
        .map(|date| date.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub(crate) fn format_datetime(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0)
        .map(|at| at.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}
