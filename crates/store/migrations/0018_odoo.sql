-- Odoo sync (issue 10; seed 001's raw → silver → gold layers and CDC tracking): records are
-- read incrementally by (write_date, id) and kept 1:1 in raw.odoo_record, then mapped into
-- silver; ops holds the cursors, one row per model per run, and our ids for Odoo's.

-- The Odoo connection. The API key or password is never stored: only the name of the
-- environment variable that holds it.
CREATE TABLE app.odoo_connection (
    name VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL,
    database_name VARCHAR NOT NULL,
    login VARCHAR NOT NULL,
    api_key_env VARCHAR NOT NULL,
    -- JSON: mapping settings (brand field, season tags, POS config → store code, ...)
    settings VARCHAR NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Every synced record as Odoo returned it; deleted_at is set when an id reconciliation no
-- longer finds it in Odoo.
CREATE TABLE raw.odoo_record (
    connection VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    odoo_id BIGINT NOT NULL,
    -- the order of an order line (order_id), so an order's lines are found without JSON
    parent_id BIGINT,
    write_date TIMESTAMP NOT NULL,
    -- JSON object: the record's fields
    payload VARCHAR NOT NULL,
    _synced_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    PRIMARY KEY (connection, model, odoo_id)
);

-- Where the incremental read of each model stopped.
CREATE TABLE ops.odoo_cursor (
    connection VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    write_date TIMESTAMP NOT NULL,
    last_id BIGINT NOT NULL,
    -- the last id reconciliation (deletions detected)
    reconciled_at TIMESTAMP,
    PRIMARY KEY (connection, model)
);

-- One row per model per sync run: what was read, how fresh it is, what it cost.
CREATE SEQUENCE ops.odoo_sync_run_id_seq;
CREATE TABLE ops.odoo_sync_run (
    id BIGINT PRIMARY KEY DEFAULT nextval('ops.odoo_sync_run_id_seq'),
    connection VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    -- ok | skipped | failed
    status VARCHAR NOT NULL,
    rows_fetched BIGINT NOT NULL,
    rows_deleted BIGINT NOT NULL,
    -- the newest write_date seen, and now minus it in seconds
    newest_write_date TIMESTAMP,
    lag_s BIGINT,
    duration_ms BIGINT NOT NULL,
    -- the row-count check: search_count in Odoo against live rows in raw
    odoo_count BIGINT,
    local_count BIGINT,
    notice VARCHAR,
    error VARCHAR
);

-- Our ids for Odoo's records (the silver tables' ids), stable across syncs.
CREATE SEQUENCE ops.source_id_seq START 1000000000;
CREATE TABLE ops.source_id_map (
    source VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    odoo_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    PRIMARY KEY (source, model, odoo_id)
);

-- What approved proposals wrote to Odoo, by the proposal's reference: looked up before any
-- write, so an execution run again never writes twice.
CREATE TABLE ops.odoo_write_back (
    connection VARCHAR NOT NULL,
    reference VARCHAR NOT NULL,
    -- JSON: the model and id(s) written
    written VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL,
    PRIMARY KEY (connection, reference)
);
