-- The newest entry of the audit chain, so an append reads one row instead of searching the
-- log, and so deleting the newest entries leaves a trace (the next entry links to a hash
-- that is no longer in the log). Updated in the same transaction as every append; its row
-- lock also keeps two writers from linking to the same entry.
CREATE TABLE app.audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id BIGINT,
    hash VARCHAR
);
INSERT INTO app.audit_head (id, last_id, hash) VALUES (1, NULL, NULL);
UPDATE app.audit_head SET
    last_id = (SELECT max(id) FROM app.audit_log),
    hash = (SELECT hash FROM app.audit_log ORDER BY id DESC LIMIT 1);

-- Messages are looked up by conversation.
CREATE INDEX message_conversation ON app.message (conversation_id);
