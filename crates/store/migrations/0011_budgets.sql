-- Query budgets (seed 000's ai.analyst.query.budget): limits for a user, a workspace, or
-- everyone (scope 'global', key ''). Each limit is looked up user -> workspace -> global; a
-- NULL limit defers to the next level, and a NULL everywhere means no limit.
CREATE TABLE app.query_budget (
    scope VARCHAR NOT NULL CHECK (scope IN ('user', 'workspace', 'global')),
    scope_key VARCHAR NOT NULL,
    queries_per_hour BIGINT,
    queries_per_day BIGINT,
    rows_per_day BIGINT,
    seconds_per_day BIGINT,
    llm_tokens_per_day BIGINT,
    llm_tokens_per_query BIGINT,
    PRIMARY KEY (scope, scope_key)
);
INSERT INTO app.query_budget VALUES ('global', '', 300, 2000, 5000000, 3600, 200000, 20000);

-- What each user used, per hour (UTC): questions, rows returned, milliseconds of work, tokens.
CREATE TABLE app.query_usage (
    user_id BIGINT NOT NULL,
    hour TIMESTAMP NOT NULL,
    queries BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,
    milliseconds BIGINT NOT NULL,
    llm_tokens BIGINT NOT NULL,
    PRIMARY KEY (user_id, hour)
);
