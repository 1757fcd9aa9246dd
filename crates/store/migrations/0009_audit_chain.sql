-- The audit log becomes accountable (issue 5): the company, workspace, SQL, row count and
-- latency of what was done, and a hash chain. Each entry's `hash` is the SHA-256 of its fields
-- and of `prev_hash`, the hash of the entry before it, so an entry edited or removed afterwards
-- is detected (`analyst audit verify`). Entries written before this migration keep NULL hashes
-- and are reported as unchained.
ALTER TABLE app.audit_log ADD COLUMN company_id BIGINT;
ALTER TABLE app.audit_log ADD COLUMN workspace VARCHAR;
ALTER TABLE app.audit_log ADD COLUMN latency_ms BIGINT;
ALTER TABLE app.audit_log ADD COLUMN row_count BIGINT;
ALTER TABLE app.audit_log ADD COLUMN sql_text VARCHAR;
ALTER TABLE app.audit_log ADD COLUMN prev_hash VARCHAR;
ALTER TABLE app.audit_log ADD COLUMN hash VARCHAR;
