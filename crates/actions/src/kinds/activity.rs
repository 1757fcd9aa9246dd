//! `create_activity`: a follow-up task for a person (`app.activity`; Odoo's `mail.activity`),
//! e.g. "call Pro Runner Shop: orders fell 40%".

use analyst_accounts::{Rights, find_user};
use analyst_store::{Connection, Value};
use chrono::NaiveDate;
use serde_json::{Value as Json, json};

use super::find_named;
use crate::payload::{ActivityPayload, Payload};
use crate::proposal::{Draft, Preview, PreviewLine, covers};
use crate::{ActionError, ActionSettings, Result};

pub(super) struct Request<'a> {
    pub assignee: &'a str,
    pub summary: &'a str,
    pub note: &'a str,
    pub due_date: NaiveDate,
    pub customer: Option<&'a str>,
}

pub(super) fn build(
    connection: &dyn Connection,
    settings: &ActionSettings,
    rights: &Rights,
    request: Request<'_>,
) -> Result<Draft> {
    let summary = request.summary.trim();
    if summary.is_empty() || summary.chars().count() > 200 {
        return Err(ActionError::Invalid(
            "the summary must be 1 to 200 characters".into(),
        ));
    }
    if request.note.chars().count() > 4_000 {
        return Err(ActionError::Invalid(
            "the note must be at most 4,000 characters".into(),
        ));
    }
    if request.due_date < settings.today() {
        return Err(ActionError::Invalid(format!(
            "the due date {} is in the past",
            request.due_date
        )));
    }
    let assignee = find_user(connection, request.assignee)
        .map_err(|error| ActionError::Invalid(error.to_string()))?
        .filter(|user| user.active)
        .ok_or_else(|| {
            ActionError::Invalid(format!("no active user {:?}", request.assignee.trim()))
        })?;
    let customer = match request
        .customer
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        None => None,
        Some(name) => Some(
            find_named(
                connection,
                "SELECT id, name, company_id FROM silver.customer WHERE lower(name) = lower($1) \
                 ORDER BY id LIMIT 1",
                name,
            )?
            .filter(|customer| covers(rights, customer.company_id, &[]))
            .ok_or_else(|| {
                ActionError::Invalid(format!("no customer {name:?} that you may see"))
            })?,
        ),
    };
    let payload = ActivityPayload {
        assignee_id: assignee.id,
        assignee: assignee.username.clone(),
        summary: summary.to_string(),
        note: request.note.trim().to_string(),
        due_date: request.due_date,
        customer_id: customer.as_ref().map(|customer| customer.id),
        customer: customer.as_ref().map(|customer| customer.name.clone()),
        company_id: customer.as_ref().and_then(|customer| customer.company_id),
    };
    let about = payload
        .customer
        .as_ref()
        .map(|name| format!(" about {name}"))
        .unwrap_or_default();
    let text = format!(
        "A task for {}{about}, due {}: {}",
        payload.assignee, payload.due_date, payload.summary
    );
    Ok(Draft {
        title: format!("Task for {}: {}", payload.assignee, payload.summary),
        summary: text.clone(),
        amount: None,
        company_id: payload.company_id,
        store_ids: Vec::new(),
        key_part: assignee.id.to_string(),
        preview: Preview {
            text,
            lines: vec![PreviewLine {
                item: format!("task for {}", payload.assignee),
                field: "activity".into(),
                before: None,
                after: Some(format!("{} (due {})", payload.summary, payload.due_date)),
            }],
        },
        payload: Payload::CreateActivity(payload),
    })
}

/// Still right: the assignee can still sign in.
pub(super) fn check(connection: &dyn Connection, activity: &ActivityPayload) -> Result<()> {
    let active = connection
        .query(
            "SELECT active FROM app.users WHERE id = $1",
            &[activity.assignee_id.into()],
        )?
        .scalar()
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if active {
        Ok(())
    } else {
        Err(ActionError::Stale(format!(
            "{} can no longer sign in; propose the task for someone else",
            activity.assignee
        )))
    }
}

pub(super) fn write(
    connection: &dyn Connection,
    activity: &ActivityPayload,
    reference: &str,
) -> Result<Json> {
    let id = connection
        .query(
            "INSERT INTO app.activity (assignee_id, summary, note, due_date, customer_id, \
             company_id, source, source_ref, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'analyst', $7, current_timestamp) \
             ON CONFLICT (source_ref) DO NOTHING RETURNING id",
            &[
                activity.assignee_id.into(),
                activity.summary.clone().into(),
                activity.note.clone().into(),
                activity.due_date.into(),
                activity.customer_id.map_or(Value::Null, Value::Int),
                activity.company_id.map_or(Value::Null, Value::Int),
                reference.into(),
            ],
        )?
        .scalar()
        .and_then(Value::as_i64);
    Ok(json!({"activity_id": id, "written": id.is_some()}))
}
