-- People who use the analyst, how they are signed in, what they asked, and what happened.

CREATE SEQUENCE app.users_id_seq;
CREATE TABLE app.users (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.users_id_seq'),
    username VARCHAR NOT NULL UNIQUE,
    -- argon2id, PHC string format
    password_hash VARCHAR NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    -- a one-time password must be replaced at the next login
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    password_changed_at TIMESTAMP
);

-- Browser sessions; the cookie holds a random token, the store only its SHA-256.
CREATE TABLE app.session (
    token_hash VARCHAR PRIMARY KEY,
    user_id BIGINT NOT NULL,
    csrf_token VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ip VARCHAR
);

-- Bearer tokens for scripts (POST /api/v1/auth/token); stored as SHA-256 too.
CREATE TABLE app.api_token (
    token_hash VARCHAR PRIMARY KEY,
    user_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE app.conversation (
    id VARCHAR PRIMARY KEY,
    user_id BIGINT NOT NULL,
    title VARCHAR NOT NULL,
    workspace VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One question and the answer it got (the answer contract as JSON text).
CREATE TABLE app.message (
    id VARCHAR PRIMARY KEY,
    conversation_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    question VARCHAR NOT NULL,
    answer VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE app.audit_log_id_seq;
CREATE TABLE app.audit_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.audit_log_id_seq'),
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    user_id BIGINT,
    username VARCHAR,
    event VARCHAR NOT NULL,
    ip VARCHAR,
    detail VARCHAR
);
