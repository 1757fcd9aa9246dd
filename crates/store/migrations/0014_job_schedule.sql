-- Scheduled work (ARCHITECTURE.md, Jobs): a named schedule queues a job of its kind each time
-- its cron expression comes due. Workers move next_run_at forward with a guarded UPDATE, so
-- two of them (or two processes) queue a due schedule once; a schedule missed while the
-- server was down runs once, not once per missed time.
CREATE TABLE app.job_schedule (
    name VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    -- JSON: the params of every job it queues
    params VARCHAR NOT NULL,
    -- 5 fields (minute hour day month weekday), in UTC
    cron VARCHAR NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- NULL until a worker first looks at it (then the next time the expression comes)
    next_run_at TIMESTAMP,
    -- the job queued last: no new one while it is queued or running
    last_job_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Expired exports are deleted every hour.
INSERT INTO app.job_schedule
    (name, kind, params, cron, enabled, next_run_at, last_job_id, created_at, updated_at)
VALUES
    ('export_cleanup', 'export_cleanup', '{}', '17 * * * *', TRUE, NULL, NULL,
     CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
