//! Proposal records: kinds, states, risk, who may see them, and how they are stored and read.
//!
//! States (seed 000): `draft` → `reviewed` (a first of two approvals) → `approved` →
//! `executed` | `failed`; `draft`/`reviewed` → `rejected` | `expired`. Only [`crate::decide`]
//! and [`crate::execution`] move a proposal; the payload is never written after creation.

use analyst_accounts::{ADMIN_GROUP, Rights};
use analyst_store::{Connection, Value, transaction};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::kinds::{self, ProposalRequest};
use crate::payload::Payload;
use crate::settings::now;
use crate::{ActionError, ActionSettings, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    CreatePurchaseOrder,
    UpdateReorderRule,
    ArchiveProduct,
    CreateActivity,
}

impl ProposalKind {
    pub const ALL: [ProposalKind; 4] = [
        ProposalKind::CreatePurchaseOrder,
        ProposalKind::UpdateReorderRule,
        ProposalKind::ArchiveProduct,
        ProposalKind::CreateActivity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ProposalKind::CreatePurchaseOrder => "create_purchase_order",
            ProposalKind::UpdateReorderRule => "update_reorder_rule",
            ProposalKind::ArchiveProduct => "archive_product",
            ProposalKind::CreateActivity => "create_activity",
        }
    }

    pub fn parse(text: &str) -> Option<ProposalKind> {
        ProposalKind::ALL
            .into_iter()
            .find(|kind| kind.name() == text.trim())
    }

    /// The group whose members approve and execute it.
    pub fn required_group(self) -> &'static str {
        match self {
            ProposalKind::CreateActivity => "sales",
            _ => "purchase_manager",
        }
    }

    /// The groups whose members may propose it (administrators always may).
    pub fn proposer_groups(self) -> &'static [&'static str] {
        match self {
            ProposalKind::CreateActivity => &[
                "sales",
                "executive",
                "store_manager",
                "support",
                "buyer",
                "purchase_manager",
            ],
            _ => &["buyer", "purchase_manager"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    Draft,
    Reviewed,
    Approved,
    Executed,
    Failed,
    Rejected,
    Expired,
}

impl ProposalState {
    pub const ALL: [ProposalState; 7] = [
        ProposalState::Draft,
        ProposalState::Reviewed,
        ProposalState::Approved,
        ProposalState::Executed,
        ProposalState::Failed,
        ProposalState::Rejected,
        ProposalState::Expired,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ProposalState::Draft => "draft",
            ProposalState::Reviewed => "reviewed",
            ProposalState::Approved => "approved",
            ProposalState::Executed => "executed",
            ProposalState::Failed => "failed",
            ProposalState::Rejected => "rejected",
            ProposalState::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<ProposalState> {
        ProposalState::ALL
            .into_iter()
            .find(|state| state.name() == text.trim())
    }

    /// Still waiting for a decision (it can be approved, rejected or expire).
    pub fn is_pending(self) -> bool {
        matches!(self, ProposalState::Draft | ProposalState::Reviewed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub fn name(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }

    fn parse(text: &str) -> Option<Risk> {
        [Risk::Low, Risk::Medium, Risk::High]
            .into_iter()
            .find(|risk| risk.name() == text)
    }
}

/// What will change, for people: a sentence and one line per change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub text: String,
    pub lines: Vec<PreviewLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewLine {
    /// What the line is about ("STR-RUN-001 Stride Racer Black 42").
    pub item: String,
    /// What changes on it ("order line", "min / max", "active").
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One approver's signature on the payload hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approval {
    pub user_id: i64,
    pub username: String,
    pub payload_hash: String,
    pub approved_at: NaiveDateTime,
}

/// Where a proposal came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    #[serde(default)]
    pub conversation_id: Option<i64>,
    /// The semantic query whose answer offered it.
    #[serde(default)]
    pub query: Option<Json>,
    /// A client's key: proposing again with the same key returns the same proposals.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub id: i64,
    pub reference: String,
    pub kind: ProposalKind,
    pub title: String,
    pub summary: String,
    pub payload: Payload,
    pub payload_hash: String,
    pub preview: Preview,
    pub risk: Risk,
    pub amount: Option<f64>,
    pub company_id: Option<i64>,
    pub store_ids: Vec<i64>,
    pub required_group: String,
    pub approvals_needed: i64,
    pub state: ProposalState,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub conversation_id: Option<i64>,
    pub source_query: Option<Json>,
    pub idempotency_key: Option<String>,
    pub reason: Option<String>,
    pub result: Option<Json>,
    pub job_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub executed_at: Option<NaiveDateTime>,
    pub approvals: Vec<Approval>,
    /// The payload as stored, exactly (what the hash is checked against).
    #[serde(skip)]
    pub(crate) stored_payload: String,
}

impl Proposal {
    /// Whether `rights` allow approving, rejecting or executing it: the required group (or
    /// administrator) and every company and store it touches. A proposal that names no
    /// company touches all of them.
    pub fn may_decide(&self, rights: &Rights) -> bool {
        (rights.in_group(&self.required_group) || rights.in_group(ADMIN_GROUP))
            && covers(rights, self.company_id, &self.store_ids)
    }

    /// Whether `rights` allow seeing it: its requester, and whoever may decide it.
    pub fn may_see(&self, rights: &Rights) -> bool {
        self.requested_by == rights.user_id || self.may_decide(rights)
    }

    /// Why `rights` may not approve, reject or execute it, if they may not.
    pub(crate) fn decide_refusal(&self, rights: &Rights) -> Option<ActionError> {
        (!self.may_decide(rights)).then(|| {
            ActionError::Forbidden(format!(
                "deciding {} needs the group {} and rights on every company and store it touches",
                self.reference, self.required_group
            ))
        })
    }

    pub(crate) fn not_pending(&self) -> ActionError {
        ActionError::Conflict(format!(
            "{} is {}: it can no longer be approved or rejected",
            self.reference,
            self.state.name()
        ))
    }

    /// Why `rights`' user may not approve it now (the first reason), or `None` when they may:
    /// it waits for a decision, they may decide it, it is not their own high-risk proposal,
    /// and they have not signed it already.
    pub fn approval_refusal(&self, rights: &Rights) -> Option<ActionError> {
        if !self.state.is_pending() {
            return Some(self.not_pending());
        }
        if let Some(refusal) = self.decide_refusal(rights) {
            return Some(refusal);
        }
        if self.risk == Risk::High && self.requested_by == rights.user_id {
            return Some(ActionError::Forbidden(format!(
                "{} is high risk: someone other than its requester must approve it",
                self.reference
            )));
        }
        if self
            .approvals
            .iter()
            .any(|approval| approval.user_id == rights.user_id)
        {
            return Some(ActionError::Conflict(format!(
                "you approved {} already; it needs another approver",
                self.reference
            )));
        }
        None
    }

    /// Whether the stored payload is still the one proposed (its hash).
    pub(crate) fn payload_intact(&self) -> bool {
        analyst_accounts::digest(&self.stored_payload) == self.payload_hash
    }
}

/// Whether a user's rows include this company and these stores.
pub(crate) fn covers(rights: &Rights, company_id: Option<i64>, store_ids: &[i64]) -> bool {
    let scope = &rights.scope;
    let company = match (company_id, &scope.companies) {
        (_, None) => true,
        (Some(id), Some(ids)) => ids.contains(&id),
        (None, Some(_)) => false,
    };
    let stores = match &scope.stores {
        None => true,
        Some(ids) => store_ids.iter().all(|id| ids.contains(id)),
    };
    company && stores
}

/// A proposal ready to store (built by [`crate::kinds`]).
pub(crate) struct Draft {
    pub title: String,
    pub summary: String,
    pub payload: Payload,
    pub preview: Preview,
    pub amount: Option<f64>,
    pub company_id: Option<i64>,
    pub store_ids: Vec<i64>,
    /// Part of the idempotency key when one request makes several proposals.
    pub key_part: String,
}

impl Draft {
    fn risk(&self, settings: &ActionSettings) -> Risk {
        match &self.payload {
            Payload::CreatePurchaseOrder(order) if order.total >= settings.high_amount => {
                Risk::High
            }
            Payload::CreatePurchaseOrder(order) if order.total >= settings.medium_amount => {
                Risk::Medium
            }
            Payload::ArchiveProduct(archive) if archive.products.len() > 20 => Risk::High,
            Payload::ArchiveProduct(_) => Risk::Medium,
            _ => Risk::Low,
        }
    }
}

/// Builds the proposals a request asks for, as `rights`' user, and stores them (all or none).
/// With an idempotency key already used by this user, returns the proposals stored then.
pub fn create(
    connection: &dyn Connection,
    settings: &ActionSettings,
    rights: &Rights,
    request: &ProposalRequest,
    origin: &Origin,
) -> Result<Vec<Proposal>> {
    let kind = request.kind();
    if !rights.in_group(ADMIN_GROUP)
        && !kind
            .proposer_groups()
            .iter()
            .any(|group| rights.in_group(group))
    {
        return Err(ActionError::Forbidden(format!(
            "proposing {} needs one of the groups {}",
            kind.name(),
            kind.proposer_groups().join(", ")
        )));
    }
    if let Some(key) = &origin.idempotency_key {
        if key.trim().is_empty() || key.len() > 200 {
            return Err(ActionError::Invalid(
                "idempotency_key must be 1 to 200 characters".into(),
            ));
        }
        let earlier = proposals_where(
            connection,
            "p.requested_by = $1 AND (p.idempotency_key = $2 OR starts_with(p.idempotency_key, $3)) \
             ORDER BY p.id",
            &[
                rights.user_id.into(),
                key.clone().into(),
                format!("{key}#").into(),
            ],
        )?;
        if !earlier.is_empty() {
            return Ok(earlier);
        }
    }
    let drafts = kinds::build(connection, settings, rights, request)?;
    let at = now();
    let several = drafts.len() > 1;
    let ids = atomically(connection, || {
        let mut ids = Vec::with_capacity(drafts.len());
        for draft in &drafts {
            let key = origin.idempotency_key.as_ref().map(|key| {
                if several {
                    format!("{key}#{}", draft.key_part)
                } else {
                    key.clone()
                }
            });
            ids.push(insert(
                connection, settings, rights, draft, origin, key, at,
            )?);
        }
        Ok(ids)
    })?;
    // Ids come from the store as integers: no text of a user's reaches this statement.
    let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
    proposals_where(
        connection,
        &format!("p.id IN ({}) ORDER BY p.id", listed.join(", ")),
        &[],
    )
}

fn insert(
    connection: &dyn Connection,
    settings: &ActionSettings,
    rights: &Rights,
    draft: &Draft,
    origin: &Origin,
    key: Option<String>,
    at: NaiveDateTime,
) -> analyst_store::Result<i64> {
    let id = connection
        .query("SELECT nextval('app.proposal_id_seq')", &[])?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let risk = draft.risk(settings);
    let kind = draft.payload.kind();
    let approvals_needed = if risk == Risk::High && settings.second_approver_for_high {
        2
    } else {
        1
    };
    connection.execute(
        "INSERT INTO app.proposal (id, reference, kind, title, summary, payload, payload_hash, \
         preview, risk, amount, company_id, store_ids, required_group, approvals_needed, state, \
         requested_by, conversation_id, source_query, idempotency_key, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'draft', $15, $16, \
         $17, $18, $19, $20)",
        &[
            id.into(),
            reference(id).into(),
            kind.name().into(),
            draft.title.clone().into(),
            draft.summary.clone().into(),
            draft.payload.canonical().into(),
            draft.payload.hash().into(),
            to_json(&draft.preview).into(),
            risk.name().into(),
            draft.amount.map_or(Value::Null, Value::Float),
            draft.company_id.map_or(Value::Null, Value::Int),
            to_json(&draft.store_ids).into(),
            kind.required_group().into(),
            approvals_needed.into(),
            rights.user_id.into(),
            origin.conversation_id.map_or(Value::Null, Value::Int),
            origin
                .query
                .as_ref()
                .map_or(Value::Null, |query| query.to_string().into()),
            key.map_or(Value::Null, Value::Text),
            at.into(),
            (at + settings.expire_after).into(),
        ],
    )?;
    record_event(
        connection,
        id,
        "created",
        Some(rights.user_id),
        &draft.summary,
        at,
    )?;
    Ok(id)
}

/// Runs `work` in a store transaction, rolled back when it fails for any reason (a refusal
/// found half-way included).
pub(crate) fn atomically<T>(
    connection: &dyn Connection,
    work: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let mut refused = None;
    let outcome = transaction(connection, || match work() {
        Ok(value) => Ok(value),
        Err(ActionError::Store(error)) => Err(error),
        Err(other) => {
            let message = other.to_string();
            refused = Some(other);
            Err(analyst_store::StoreError::Query(message))
        }
    });
    match (outcome, refused) {
        (_, Some(error)) => Err(error),
        (outcome, None) => Ok(outcome?),
    }
}

/// A small record kept as JSON text.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Adds a step to a proposal's history (inside the caller's transaction).
pub(crate) fn record_event(
    connection: &dyn Connection,
    proposal_id: i64,
    step: &str,
    user_id: Option<i64>,
    detail: &str,
    at: NaiveDateTime,
) -> analyst_store::Result<()> {
    connection.execute(
        "INSERT INTO app.proposal_event (proposal_id, step, user_id, detail, happened_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            proposal_id.into(),
            step.into(),
            user_id.map_or(Value::Null, Value::Int),
            detail.into(),
            at.into(),
        ],
    )?;
    Ok(())
}

/// One step of a proposal's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposalEvent {
    pub step: String,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub detail: Option<String>,
    pub at: NaiveDateTime,
}

/// A proposal's history, oldest first.
pub fn events(connection: &dyn Connection, proposal_id: i64) -> Result<Vec<ProposalEvent>> {
    let rows = connection.query(
        "SELECT e.step, e.user_id, u.username, e.detail, e.happened_at FROM app.proposal_event e \
         LEFT JOIN app.users u ON u.id = e.user_id WHERE e.proposal_id = $1 ORDER BY e.id",
        &[proposal_id.into()],
    )?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| {
            Some(ProposalEvent {
                step: row.first()?.as_str()?.to_string(),
                user_id: row.get(1)?.as_i64(),
                username: row.get(2)?.as_str().map(str::to_string),
                detail: row.get(3)?.as_str().map(str::to_string),
                at: row.get(4)?.as_timestamp()?,
            })
        })
        .collect())
}

const COLUMNS: &str = "p.id, p.reference, p.kind, p.title, p.summary, p.payload, p.payload_hash, \
    p.preview, p.risk, CAST(p.amount AS DOUBLE PRECISION), p.company_id, p.store_ids, \
    p.required_group, p.approvals_needed, p.state, p.requested_by, u.username, \
    p.conversation_id, p.source_query, p.idempotency_key, p.reason, p.result, p.job_id, \
    p.created_at, p.expires_at, p.decided_at, p.executed_at";

fn from_row(row: &[Value]) -> Option<Proposal> {
    let text = |index: usize| row.get(index).and_then(Value::as_str);
    let json = |index: usize| text(index).and_then(|text| serde_json::from_str::<Json>(text).ok());
    let stored_payload = text(5)?.to_string();
    Some(Proposal {
        id: row.first()?.as_i64()?,
        reference: text(1)?.to_string(),
        kind: ProposalKind::parse(text(2)?)?,
        title: text(3)?.to_string(),
        summary: text(4)?.to_string(),
        payload: serde_json::from_str(&stored_payload).ok()?,
        payload_hash: text(6)?.to_string(),
        preview: serde_json::from_str(text(7)?).ok()?,
        risk: Risk::parse(text(8)?)?,
        amount: row.get(9)?.as_f64(),
        company_id: row.get(10)?.as_i64(),
        store_ids: serde_json::from_str(text(11)?).ok()?,
        required_group: text(12)?.to_string(),
        approvals_needed: row.get(13)?.as_i64()?,
        state: ProposalState::parse(text(14)?)?,
        requested_by: row.get(15)?.as_i64()?,
        requested_by_name: text(16).unwrap_or("(removed user)").to_string(),
        conversation_id: row.get(17)?.as_i64(),
        source_query: json(18),
        idempotency_key: text(19).map(str::to_string),
        reason: text(20).map(str::to_string),
        result: json(21),
        job_id: row.get(22)?.as_i64(),
        created_at: row.get(23)?.as_timestamp()?,
        expires_at: row.get(24)?.as_timestamp()?,
        decided_at: row.get(25)?.as_timestamp(),
        executed_at: row.get(26)?.as_timestamp(),
        approvals: Vec::new(),
        stored_payload,
    })
}

fn proposals_where(
    connection: &dyn Connection,
    condition: &str,
    params: &[Value],
) -> Result<Vec<Proposal>> {
    let rows = connection.query(
        &format!(
            "SELECT {COLUMNS} FROM app.proposal p LEFT JOIN app.users u ON u.id = p.requested_by \
             WHERE {condition}"
        ),
        params,
    )?;
    let mut proposals: Vec<Proposal> = rows.rows.iter().filter_map(|row| from_row(row)).collect();
    if proposals.is_empty() {
        return Ok(proposals);
    }
    let ids: Vec<String> = proposals.iter().map(|p| p.id.to_string()).collect();
    // Ids come from the store as integers: no text of a user's reaches this statement.
    let approvals = connection.query(
        &format!(
            "SELECT a.proposal_id, a.user_id, u.username, a.payload_hash, a.approved_at \
             FROM app.proposal_approval a LEFT JOIN app.users u ON u.id = a.user_id \
             WHERE a.proposal_id IN ({}) ORDER BY a.approved_at, a.user_id",
            ids.join(", ")
        ),
        &[],
    )?;
    for row in &approvals.rows {
        let Some(proposal_id) = row.first().and_then(Value::as_i64) else {
            continue;
        };
        if let Some(proposal) = proposals.iter_mut().find(|p| p.id == proposal_id) {
            proposal.approvals.push(Approval {
                user_id: row.get(1).and_then(Value::as_i64).unwrap_or_default(),
                username: row
                    .get(2)
                    .and_then(Value::as_str)
                    .unwrap_or("(removed user)")
                    .to_string(),
                payload_hash: row
                    .get(3)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                approved_at: row.get(4).and_then(Value::as_timestamp).unwrap_or_default(),
            });
        }
    }
    Ok(proposals)
}

/// A proposal by id.
pub fn get(connection: &dyn Connection, id: i64) -> Result<Option<Proposal>> {
    Ok(proposals_where(connection, "p.id = $1", &[id.into()])?
        .into_iter()
        .next())
}

const REFERENCE_PREFIX: &str = "AIPROP-";

/// The readable reference of proposal `id`: `AIPROP-0012`.
pub fn reference(id: i64) -> String {
    format!("{REFERENCE_PREFIX}{id:04}")
}

/// A proposal by id (`12`) or reference (`AIPROP-0012`, any case).
pub fn find(connection: &dyn Connection, key: &str) -> Result<Option<Proposal>> {
    let key = key.trim();
    let id = key
        .to_ascii_uppercase()
        .strip_prefix(REFERENCE_PREFIX)
        .unwrap_or(key)
        .parse::<i64>()
        .ok();
    match id {
        Some(id) => get(connection, id),
        None => Ok(None),
    }
}

/// Which proposals a listing shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ProposalFilter {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// Only those the user may decide and that wait for a decision.
    #[serde(default)]
    pub pending_for_me: bool,
    #[serde(default)]
    pub limit: Option<usize>,
}

/// Proposals `rights`' user may see, newest first.
pub fn list(
    connection: &dyn Connection,
    rights: &Rights,
    filter: &ProposalFilter,
) -> Result<Vec<Proposal>> {
    let mut condition = String::from("TRUE");
    let mut params: Vec<Value> = Vec::new();
    if let Some(state) = &filter.state {
        let state = ProposalState::parse(state).ok_or_else(|| {
            ActionError::Invalid(format!(
                "unknown state {state:?}; states are {}",
                ProposalState::ALL.map(ProposalState::name).join(", ")
            ))
        })?;
        params.push(state.name().into());
        condition.push_str(&format!(" AND p.state = ${}", params.len()));
    }
    if let Some(kind) = &filter.kind {
        let kind = ProposalKind::parse(kind).ok_or_else(|| {
            ActionError::Invalid(format!(
                "unknown kind {kind:?}; kinds are {}",
                ProposalKind::ALL.map(ProposalKind::name).join(", ")
            ))
        })?;
        params.push(kind.name().into());
        condition.push_str(&format!(" AND p.kind = ${}", params.len()));
    }
    if filter.pending_for_me {
        condition.push_str(" AND p.state IN ('draft', 'reviewed')");
    }
    condition.push_str(" ORDER BY p.id DESC");
    let limit = filter.limit.unwrap_or(200).clamp(1, 1000);
    Ok(proposals_where(connection, &condition, &params)?
        .into_iter()
        .filter(|proposal| {
            if filter.pending_for_me {
                proposal.approval_refusal(rights).is_none()
            } else {
                proposal.may_see(rights)
            }
        })
        .take(limit)
        .collect())
}
