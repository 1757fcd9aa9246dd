//! Reading Odoo's values: `false` for empty, `[id, "name"]` for a many2one, lists of ids for
//! x2many, UTC datetimes as `"YYYY-MM-DD HH:MM:SS"`.

use analyst_odoo::Record;
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

/// The formats of Odoo's datetimes and dates.
pub(crate) const DATETIME: &str = "%Y-%m-%d %H:%M:%S";
const DATE: &str = "%Y-%m-%d";

/// The record's id (every record has one).
pub(crate) fn id(record: &Record) -> Option<i64> {
    record.get("id").and_then(Value::as_i64)
}

/// A many2one's id, `None` when empty.
pub(crate) fn link(record: &Record, field: &str) -> Option<i64> {
    match record.get(field) {
        Some(Value::Array(pair)) => pair.first().and_then(Value::as_i64),
        Some(Value::Number(id)) => id.as_i64(),
        _ => None,
    }
}

/// A many2one's display name, `""` when empty.
pub(crate) fn link_name(record: &Record, field: &str) -> String {
    match record.get(field) {
        Some(Value::Array(pair)) => pair.get(1).and_then(Value::as_str).unwrap_or("").to_owned(),
        _ => String::new(),
    }
}

/// An x2many's ids.
pub(crate) fn links(record: &Record, field: &str) -> Vec<i64> {
    match record.get(field) {
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    }
}

/// A text field, `""` when empty (`false`).
pub(crate) fn text(record: &Record, field: &str) -> String {
    record
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// A number, 0 when empty.
pub(crate) fn number(record: &Record, field: &str) -> f64 {
    record.get(field).and_then(Value::as_f64).unwrap_or(0.0)
}

/// A boolean; `default` when the field was not read.
pub(crate) fn flag(record: &Record, field: &str, default: bool) -> bool {
    record
        .get(field)
        .and_then(Value::as_bool)
        .unwrap_or(default)
}

/// A datetime field, `None` when empty or malformed.
pub(crate) fn datetime(record: &Record, field: &str) -> Option<NaiveDateTime> {
    let text = record.get(field)?.as_str()?;
    NaiveDateTime::parse_from_str(text, DATETIME).ok()
}

/// A date field (or the date of a datetime field), `None` when empty.
pub(crate) fn date(record: &Record, field: &str) -> Option<NaiveDate> {
    let text = record.get(field)?.as_str()?;
    NaiveDate::parse_from_str(text.get(..10)?, DATE).ok()
}

/// Money rounded to the cent, as silver's `DECIMAL(14,2)` holds it.
pub(crate) fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(value: Value) -> Record {
        match value {
            Value::Object(map) => map,
            _ => Record::new(),
        }
    }

    #[test]
    fn odoo_values_read_as_odoo_sends_them() {
        let r = record(
            json!({"id": 7, "partner_id": [3, "Customer 03"], "city": false,
            "tag_ids": [1, 2], "date_order": "2026-03-01 23:30:00", "qty": 2.0}),
        );
        assert_eq!(id(&r), Some(7));
        assert_eq!(link(&r, "partner_id"), Some(3));
        assert_eq!(link_name(&r, "partner_id"), "Customer 03");
        assert_eq!(link(&r, "city"), None);
        assert_eq!(text(&r, "city"), "");
        assert_eq!(links(&r, "tag_ids"), vec![1, 2]);
        assert_eq!(date(&r, "date_order"), NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(number(&r, "qty"), 2.0);
        assert_eq!(cents(10.005_1), 10.01);
    }
}
