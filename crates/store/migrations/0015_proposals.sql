-- Safe actions (issue 8; seed 000's `ai.analyst.action.proposal` and
-- `ai.analyst.action.execution`): the analyst proposes a change, people approve it, and only
-- then is exactly the stored payload written.

-- Those who approve purchase proposals (orders, reorder rules, archiving products).
INSERT INTO app.user_group (code, name, description) VALUES
    ('purchase_manager', 'Purchase managers', 'approve and execute purchase orders, reorder rules and product archiving');

CREATE SEQUENCE app.proposal_id_seq;
CREATE TABLE app.proposal (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.proposal_id_seq'),
    -- AIPROP-0001
    reference VARCHAR NOT NULL UNIQUE,
    -- create_purchase_order | update_reorder_rule | archive_product | create_activity
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    -- JSON, typed per kind; written once, never changed
    payload VARCHAR NOT NULL,
    -- SHA-256 (hex) of the canonical payload: what every approval signs
    payload_hash VARCHAR NOT NULL,
    -- JSON: {"text": "...", "lines": [{"item", "field", "before", "after"}]}
    preview VARCHAR NOT NULL,
    risk VARCHAR NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
    amount DECIMAL(14,2),
    company_id BIGINT,
    -- JSON array of the store ids it touches
    store_ids VARCHAR NOT NULL DEFAULT '[]',
    required_group VARCHAR NOT NULL,
    approvals_needed INTEGER NOT NULL,
    state VARCHAR NOT NULL CHECK (state IN
        ('draft', 'reviewed', 'approved', 'executed', 'failed', 'rejected', 'expired')),
    requested_by BIGINT NOT NULL,
    conversation_id BIGINT,
    -- JSON: the semantic query that produced it
    source_query VARCHAR,
    idempotency_key VARCHAR,
    reason VARCHAR,
    -- JSON: what the execution wrote (ids, references)
    result VARCHAR,
    job_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    executed_at TIMESTAMP
);
-- (state is updated in place: DuckDB turns updates of indexed columns into delete + insert,
-- so only columns written once are indexed)
CREATE UNIQUE INDEX proposal_idempotency ON app.proposal (requested_by, idempotency_key);

-- One row per approval: who signed which payload hash.
CREATE TABLE app.proposal_approval (
    proposal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    payload_hash VARCHAR NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);

-- Every step of a proposal (the seed's execution log): created, approved, rejected, expired,
-- execution started, executed, failed.
CREATE SEQUENCE app.proposal_event_id_seq;
CREATE TABLE app.proposal_event (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.proposal_event_id_seq'),
    proposal_id BIGINT NOT NULL,
    step VARCHAR NOT NULL,
    user_id BIGINT,
    detail VARCHAR,
    happened_at TIMESTAMP NOT NULL
);
CREATE INDEX proposal_event_of ON app.proposal_event (proposal_id);

-- Min/max stock per product and store (Odoo's stock.warehouse.orderpoint).
CREATE TABLE silver.reorder_rule (
    product_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    min_qty INTEGER NOT NULL,
    max_qty INTEGER NOT NULL,
    source VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (product_id, store_id)
);

-- Follow-up tasks for people (Odoo's mail.activity).
CREATE SEQUENCE app.activity_id_seq;
CREATE TABLE app.activity (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.activity_id_seq'),
    assignee_id BIGINT NOT NULL,
    summary VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    due_date DATE NOT NULL,
    customer_id BIGINT,
    company_id BIGINT,
    state VARCHAR NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    source VARCHAR NOT NULL,
    source_ref VARCHAR NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Proposals not decided in time expire, every quarter of an hour.
INSERT INTO app.job_schedule
    (name, kind, params, cron, enabled, next_run_at, last_job_id, created_at, updated_at)
VALUES
    ('proposal_expiry', 'proposal_expiry', '{}', '*/15 * * * *', TRUE, NULL, NULL,
     CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
