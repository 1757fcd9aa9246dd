-- The durable job queue (ARCHITECTURE.md, Jobs): imports, syncs, exports, reports and training
-- run as jobs that survive a restart. States: queued -> running -> succeeded | failed |
-- cancelled; a failed attempt goes back to queued after a backoff while attempts remain; a
-- running job whose worker stopped sending heartbeats is taken up again.
CREATE SEQUENCE app.job_id_seq;
CREATE TABLE app.job (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.job_id_seq'),
    kind VARCHAR NOT NULL,
    -- JSON
    params VARCHAR NOT NULL,
    user_id BIGINT,
    state VARCHAR NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    -- 0 to 1
    progress DOUBLE PRECISION NOT NULL DEFAULT 0,
    message VARCHAR,
    -- JSON, when succeeded
    result VARCHAR,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 3,
    run_after TIMESTAMP NOT NULL,
    heartbeat_at TIMESTAMP,
    worker VARCHAR,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);

-- Cancellation asked for a running job, seen by its worker at the next progress report. Kept
-- apart from app.job so the request never races the worker's own updates of the job's row.
CREATE TABLE app.job_cancel (
    job_id BIGINT PRIMARY KEY,
    requested_at TIMESTAMP NOT NULL
);
