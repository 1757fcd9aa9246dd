-- Uploaded files and their staged rows (raw.upload_line) are kept for a number of days after
-- their batch ended (`--upload-keep-days`, 90 by default), then removed every night; batches,
-- error reports and what they loaded into silver and gold stay.
INSERT INTO app.job_schedule
    (name, kind, params, cron, enabled, next_run_at, last_job_id, created_at, updated_at)
VALUES
    ('upload_cleanup', 'upload_cleanup', '{}', '41 2 * * *', TRUE, NULL, NULL,
     CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
