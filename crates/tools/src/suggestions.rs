//! Stored buying suggestions (seed 000's `ai.analyst.buying.suggestion`): each run of the
//! reorder tool replaces the still-`new` suggestions of the products it looked at; accepted
//! and dismissed ones are kept, so a later step can turn accepted ones into purchase orders.

use analyst_store::{Connection, Value, transaction};
use chrono::NaiveDate;

use crate::ToolError;

/// What a buyer decided about a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionState {
    New,
    Accepted,
    Dismissed,
}

impl SuggestionState {
    pub fn name(self) -> &'static str {
        match self {
            SuggestionState::New => "new",
            SuggestionState::Accepted => "accepted",
            SuggestionState::Dismissed => "dismissed",
        }
    }
}

/// One suggestion to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSuggestion {
    pub company_id: i64,
    pub supplier_id: Option<i64>,
    pub product_id: i64,
    pub qty: i64,
    pub unit_price: f64,
    pub amount: f64,
    pub reason: String,
    pub confidence: &'static str,
}

/// A stored suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub id: i64,
    pub company_id: i64,
    pub supplier_id: Option<i64>,
    pub product_id: i64,
    pub qty: i64,
    pub amount: f64,
    pub state: String,
}

/// Rows per INSERT statement.
const CHUNK: usize = 100;

/// Replaces the `new` reorder suggestions of these products and companies by `rows`; returns
/// the ids given, in the order of `rows`.
pub fn replace_reorder_suggestions(
    connection: &dyn Connection,
    rows: &[NewSuggestion],
    as_of: NaiveDate,
) -> Result<Vec<i64>, ToolError> {
    let ids = transaction(connection, || {
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(CHUNK) {
            let mut keys = Vec::new();
            let mut params: Vec<Value> = Vec::new();
            for row in chunk {
                params.push(row.product_id.into());
                params.push(row.company_id.into());
                keys.push(format!(
                    "(product_id = ${} AND company_id = ${})",
                    params.len() - 1,
                    params.len()
                ));
            }
            connection.execute(
                &format!(
                    "DELETE FROM app.buying_suggestion WHERE kind = 'reorder' AND state = 'new' \
                     AND ({})",
                    keys.join(" OR ")
                ),
                &params,
            )?;
            let mut values = Vec::new();
            let mut params: Vec<Value> = Vec::new();
            for row in chunk {
                let start = params.len();
                params.extend([
                    row.company_id.into(),
                    row.supplier_id.map_or(Value::Null, Value::Int),
                    row.product_id.into(),
                    row.qty.into(),
                    Value::Float(row.unit_price),
                    Value::Float(row.amount),
                    row.reason.clone().into(),
                    row.confidence.into(),
                    as_of.into(),
                ]);
                let placeholders: Vec<String> = (start + 1..=params.len())
                    .map(|n| format!("${n}"))
                    .collect();
                values.push(format!("('reorder', {})", placeholders.join(", ")));
            }
            let inserted = connection.query(
                &format!(
                    "INSERT INTO app.buying_suggestion (kind, company_id, supplier_id, product_id, \
                     qty, unit_price, amount, reason, confidence, as_of) VALUES {} \
                     RETURNING id, product_id, company_id",
                    values.join(", ")
                ),
                &params,
            )?;
            for row in chunk {
                let id = inserted.rows.iter().find_map(|returned| {
                    (returned.get(1).and_then(Value::as_i64) == Some(row.product_id)
                        && returned.get(2).and_then(Value::as_i64) == Some(row.company_id))
                    .then(|| returned.first().and_then(Value::as_i64))
                    .flatten()
                });
                ids.push(id.unwrap_or_default());
            }
        }
        Ok(ids)
    })?;
    Ok(ids)
}

/// Suggestions in a state, newest first.
pub fn list(
    connection: &dyn Connection,
    state: SuggestionState,
) -> Result<Vec<Suggestion>, ToolError> {
    let rows = connection.query(
        "SELECT id, company_id, supplier_id, product_id, qty, CAST(amount AS DOUBLE PRECISION), state \
         FROM app.buying_suggestion WHERE state = $1 ORDER BY id DESC",
        &[state.name().into()],
    )?;
    Ok(rows
        .rows
        .iter()
        .map(|row| Suggestion {
            id: row[0].as_i64().unwrap_or_default(),
            company_id: row[1].as_i64().unwrap_or_default(),
            supplier_id: row[2].as_i64(),
            product_id: row[3].as_i64().unwrap_or_default(),
            qty: row[4].as_i64().unwrap_or_default(),
            amount: row[5].as_f64().unwrap_or_default(),
            state: row[6].as_str().unwrap_or_default().to_string(),
        })
        .collect())
}

/// Accepts or dismisses a suggestion; false when no `new` suggestion has this id.
pub fn decide(
    connection: &dyn Connection,
    id: i64,
    state: SuggestionState,
) -> Result<bool, ToolError> {
    let changed = connection.execute(
        "UPDATE app.buying_suggestion SET state = $1, decided_at = current_timestamp \
         WHERE id = $2 AND state = 'new'",
        &[state.name().into(), id.into()],
    )?;
    Ok(changed > 0)
}
