//! Searches over the fake's records: filter, order (PostgreSQL's, NULLs last ascending),
//! offset and limit. Numeric order keys are packed into integers before sorting, and the
//! sync's order, `write_date asc, id asc`, reads a per-model index from the domain's lower
//! bound, so that a keyset page costs the page, not the table.

use std::cmp::Ordering;

use serde_json::Value;

use super::filter::{Filter, Scalar, scalar};
use super::orm::OrmError;
use super::records::Dataset;
use super::schema::{FieldKind, ModelDef};
use super::table::{Cell, Table};

/// The ids matching `domain` in `order`, paged.
pub(crate) struct SearchSpec<'a> {
    pub domain: &'a Value,
    pub order: Option<&'a str>,
    pub offset: usize,
    pub limit: Option<usize>,
    pub active_test: bool,
}

/// Runs a search and returns the ids of the page.
pub(crate) fn search(
    data: &Dataset,
    table: &Table,
    spec: &SearchSpec<'_>,
) -> Result<Vec<i64>, OrmError> {
    let filter = Filter::new(data, table, spec.domain, spec.active_test)?;
    let keys = order_keys(&table.def, spec.order)?;
    if let Some(write_date) = table.def.column("write_date")
        && keys == [(Some(write_date), false), (None, false)]
    {
        return Ok(by_write_date(data, table, &filter, write_date, spec));
    }
    let hits: Vec<(i64, &[Cell])> = table
        .rows
        .iter()
        .filter(|&(id, row)| filter.matches(data, id, row))
        .collect();
    let end = spec
        .limit
        .map_or(hits.len(), |limit| spec.offset.saturating_add(limit))
        .min(hits.len());
    // Numeric keys (dates, numbers, ids) are packed into integers first: sorting a million
    // small tuples in place is many times faster than comparing rows through pointers.
    let packed: Option<Vec<([i64; PACKED_KEYS], i64)>> = hits
        .iter()
        .map(|&(id, row)| packed_key(&keys, id, row).map(|key| (key, id)))
        .collect();
    let ids = match packed {
        Some(mut packed) => {
            first_sorted(&mut packed, end, |a, b| a.cmp(b));
            packed.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
        }
        None => {
            let mut hits = hits;
            first_sorted(&mut hits, end, |a, b| {
                compare_rows(&keys, *a, *b).then(a.0.cmp(&b.0))
            });
            hits.into_iter().map(|(id, _)| id).collect()
        }
    };
    Ok(ids.into_iter().skip(spec.offset).collect())
}

/// `write_date asc, id asc` through the model's index, from the domain's lower bound on
/// write_date: the records before it are never looked at.
fn by_write_date(
    data: &Dataset,
    table: &Table,
    filter: &Filter,
    column: usize,
    spec: &SearchSpec<'_>,
) -> Vec<i64> {
    let index = table.write_date_index(column);
    let start = filter.lower_bound(column).map_or(0, |bound| {
        index.partition_point(|&(written, _)| (written as f64) < bound)
    });
    let limit = spec.limit.unwrap_or(usize::MAX);
    index[start..]
        .iter()
        .filter(|&&(_, id)| {
            table
                .rows
                .get(id)
                .is_some_and(|row| filter.matches(data, id, row))
        })
        .skip(spec.offset)
        .take(limit)
        .map(|&(_, id)| id)
        .collect()
}

/// Sorts the first `end` items into place (a selection, then a sort of that part) and drops
/// the rest.
fn first_sorted<T>(items: &mut Vec<T>, end: usize, compare: impl Fn(&T, &T) -> Ordering) {
    if end == 0 {
        items.clear();
        return;
    }
    if end < items.len() {
        items.select_nth_unstable_by(end - 1, &compare);
        items.truncate(end);
    }
    items.sort_unstable_by(compare);
}

/// Most order clauses have one to three keys.
const PACKED_KEYS: usize = 3;

/// The order keys of a row as integers that sort like the values (ties broken by id), or
/// `None` when a key is text.
fn packed_key(keys: &[(Option<usize>, bool)], id: i64, row: &[Cell]) -> Option<[i64; PACKED_KEYS]> {
    if keys.len() > PACKED_KEYS {
        return None;
    }
    let mut packed = [0; PACKED_KEYS];
    for (slot, &(column, descending)) in packed.iter_mut().zip(keys) {
        let value = match column.map(|column| scalar(&row[column])) {
            None => id,
            Some(Scalar::Number(number)) => {
                // IEEE 754 bits, flipped for negatives, order like the numbers.
                let bits = number.to_bits() as i64;
                if bits < 0 { bits ^ i64::MAX } else { bits }
            }
            Some(Scalar::Bool(flag)) => i64::from(flag),
            // NULLs last ascending, first descending, as in PostgreSQL.
            Some(Scalar::Empty) => i64::MAX,
            Some(_) => return None,
        };
        *slot = if descending { !value } else { value };
    }
    Some(packed)
}

/// How many records match.
pub(crate) fn count(
    data: &Dataset,
    table: &Table,
    domain: &Value,
    active_test: bool,
) -> Result<usize, OrmError> {
    let filter = Filter::new(data, table, domain, active_test)?;
    Ok(table
        .rows
        .iter()
        .filter(|&(id, row)| filter.matches(data, id, row))
        .count())
}

/// Sort keys of an order clause: (column or id, descending).
fn order_keys(def: &ModelDef, order: Option<&str>) -> Result<Vec<(Option<usize>, bool)>, OrmError> {
    let Some(order) = order.filter(|order| !order.trim().is_empty()) else {
        return Ok(vec![(None, false)]);
    };
    let mut keys = Vec::new();
    for term in order.split(',') {
        let mut words = term.split_whitespace();
        let name = words.next().unwrap_or_default();
        let descending = match words.next().map(str::to_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(OrmError::Value(format!(
                    "Invalid order direction {other:?} in {order:?}"
                )));
            }
        };
        let field = def.field(name).ok_or_else(|| {
            OrmError::Value(format!("Invalid field {:?} on model {:?}", name, def.name))
        })?;
        match (field.kind, field.column) {
            (FieldKind::Id, _) => keys.push((None, descending)),
            (kind, Some(column)) if !matches!(kind, FieldKind::Many2many(_)) => {
                keys.push((Some(column), descending))
            }
            _ => {
                return Err(OrmError::Value(format!(
                    "Cannot order {} by {name}",
                    def.name
                )));
            }
        }
    }
    Ok(keys)
}

/// PostgreSQL's order: NULLs last ascending, first descending; many2one by id.
fn compare_rows(keys: &[(Option<usize>, bool)], a: (i64, &[Cell]), b: (i64, &[Cell])) -> Ordering {
    for &(column, descending) in keys {
        let ordering = match column {
            None => a.0.cmp(&b.0),
            Some(column) => match (scalar(&a.1[column]), scalar(&b.1[column])) {
                (Scalar::Empty, Scalar::Empty) => Ordering::Equal,
                (Scalar::Empty, _) => Ordering::Greater,
                (_, Scalar::Empty) => Ordering::Less,
                (Scalar::Number(x), Scalar::Number(y)) => x.total_cmp(&y),
                (Scalar::Text(x), Scalar::Text(y)) => x.cmp(y),
                (Scalar::Bool(x), Scalar::Bool(y)) => x.cmp(&y),
                _ => Ordering::Equal,
            },
        };
        let ordering = if descending {
            ordering.reverse()
        } else {
            ordering
        };
        if ordering.is_ne() {
            return ordering;
        }
    }
    Ordering::Equal
}
