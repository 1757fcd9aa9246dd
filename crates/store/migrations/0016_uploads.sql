-- Sales files (issue 11; seed 004's upload history and error reports): each uploaded file is a
-- batch processed by an `import` job; its rows land in raw.upload_line as the file gave them,
-- then in silver.sales_line, upserted by (source, source_ref) so that a file loaded twice, or
-- two files that overlap, never count a sale twice.

-- Who may upload sales files.
INSERT INTO app.user_group (code, name, description) VALUES
    ('data_manager', 'Data managers', 'upload sales and sell-out files, map their columns');

-- Where import results are mailed (the outbox).
ALTER TABLE app.users ADD COLUMN email VARCHAR;

-- Products are matched by barcode too.
ALTER TABLE silver.product ADD COLUMN barcode VARCHAR;

CREATE SEQUENCE ops.upload_batch_id_seq;
CREATE TABLE ops.upload_batch (
    id BIGINT PRIMARY KEY DEFAULT nextval('ops.upload_batch_id_seq'),
    file_name VARCHAR NOT NULL,
    -- SHA-256 (hex) of the file's bytes; the file is kept as uploads/<checksum>
    checksum VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- the vendor profile used (chosen, detected or saved from a mapping)
    profile VARCHAR,
    -- JSON: {"profile": name?, "mapping": {...}?, "sheet": ?, "dry_run": bool, ...}
    options VARCHAR NOT NULL DEFAULT '{}',
    -- queued | running | needs_mapping | loaded | rejected | failed | duplicate | checked (dry run)
    state VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL DEFAULT 0,
    rows_loaded BIGINT NOT NULL DEFAULT 0,
    rows_failed BIGINT NOT NULL DEFAULT 0,
    -- JSON: products / stores / customers created, unmatched products, date range, detection
    summary VARCHAR NOT NULL DEFAULT '{}',
    -- why the batch failed or needs a mapping, for a person
    message VARCHAR,
    -- the earlier batch of the same file
    duplicate_of BIGINT,
    user_id BIGINT,
    job_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

-- Row-level errors of a batch: the downloadable error report.
CREATE TABLE ops.upload_error (
    batch_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    column_name VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
);

-- The file's rows as read and typed, before products, stores and customers are resolved.
CREATE TABLE raw.upload_line (
    batch_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    date DATE NOT NULL,
    store_code VARCHAR,
    store_name VARCHAR,
    sku VARCHAR,
    barcode VARCHAR,
    product_name VARCHAR,
    brand VARCHAR,
    category VARCHAR,
    subcategory VARCHAR,
    customer VARCHAR,
    order_ref VARCHAR,
    qty INTEGER NOT NULL,
    net_amount DECIMAL(14,2) NOT NULL,
    discount_amount DECIMAL(14,2) NOT NULL,
    _synced_at TIMESTAMP NOT NULL
);

-- Vendor file profiles saved by users (the shipped ones live in the ingest crate).
CREATE TABLE app.vendor_profile (
    name VARCHAR PRIMARY KEY,
    -- JSON (analyst_ingest::Profile)
    profile VARCHAR NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL
);
