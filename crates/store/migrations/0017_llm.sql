-- LLM providers and the model router (issue 9; seed 000's provider configs and
-- ai.analyst.model.router). A provider record names where its API key is read
-- (env:VARIABLE or file:/path), never the key.
CREATE TABLE app.llm_provider (
    name VARCHAR PRIMARY KEY,
    -- open_ai_compatible | anthropic
    kind VARCHAR NOT NULL CHECK (kind IN ('open_ai_compatible', 'anthropic')),
    base_url VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    -- env:VARIABLE | file:/path; NULL for local servers that take no key
    api_key_source VARCHAR CHECK (api_key_source IS NULL OR api_key_source LIKE 'env:%' OR api_key_source LIKE 'file:%'),
    tier VARCHAR NOT NULL CHECK (tier IN ('cheap', 'standard', 'premium')),
    -- JSON array: ["analytics", "reasoning", "actions"]
    capabilities VARCHAR NOT NULL DEFAULT '["analytics"]',
    price_input_per_1k DOUBLE PRECISION NOT NULL DEFAULT 0,
    price_output_per_1k DOUBLE PRECISION NOT NULL DEFAULT 0,
    currency VARCHAR NOT NULL DEFAULT 'THB',
    timeout_seconds DOUBLE PRECISION NOT NULL DEFAULT 60,
    priority INTEGER NOT NULL DEFAULT 0,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row per provider attempt of an answer (escalated and failed attempts were paid too).
CREATE SEQUENCE app.llm_call_id_seq;
CREATE TABLE app.llm_call (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.llm_call_id_seq'),
    -- NULL: the operator at the command line
    user_id BIGINT,
    workspace VARCHAR,
    provider VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    tier VARCHAR NOT NULL,
    input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    cost DOUBLE PRECISION NOT NULL,
    currency VARCHAR NOT NULL,
    -- answered | escalated | failed
    outcome VARCHAR NOT NULL,
    -- the router's route of the answer: cheap | standard | premium
    route VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX llm_call_user_day ON app.llm_call (user_id, created_at);

-- Daily LLM cost limits, resolved like the other query budgets: the user's row, else the
-- global row, limits what one user spends; a workspace's row limits what all its users spend
-- there. NULL: no limit. Costs are compared in the limit's currency.
ALTER TABLE app.query_budget ADD COLUMN llm_cost_per_day DOUBLE PRECISION;
ALTER TABLE app.query_budget ADD COLUMN llm_cost_currency VARCHAR DEFAULT 'THB';
