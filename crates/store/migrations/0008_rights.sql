-- Rights: groups, what each user may see, and record rules (issue 5).

-- Seeded groups; what a group may do is in the tool registry and the workspaces. Membership of
-- `admin` is the users.is_admin flag (every request reads it with the session).
CREATE TABLE app.user_group (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    description VARCHAR NOT NULL
);
INSERT INTO app.user_group (code, name, description) VALUES
    ('admin', 'Administrators', 'manage users, rights, the dictionary and settings; see all data'),
    ('executive', 'Executives', 'every report of every store and company they are allowed'),
    ('buyer', 'Buyers', 'buying intelligence: velocity, cover, dead stock, reorders, seasons'),
    ('store_manager', 'Store managers', 'sales and stock of their own stores'),
    ('sales', 'Sales', 'sales, customers and receivables'),
    ('support', 'Customer service', 'helpdesk tickets and refunds'),
    ('driver', 'Drivers', 'deliveries; no analytics');

CREATE TABLE app.user_membership (
    user_id BIGINT NOT NULL,
    group_code VARCHAR NOT NULL,
    PRIMARY KEY (user_id, group_code)
);

-- The companies, stores and channels a user is allowed, by code. No row for a field means
-- every value of it.
CREATE TABLE app.user_access (
    user_id BIGINT NOT NULL,
    field VARCHAR NOT NULL CHECK (field IN ('company', 'store', 'channel')),
    code VARCHAR NOT NULL,
    PRIMARY KEY (user_id, field, code)
);

-- A record rule restricts the members of a group, or one user, to rows whose field is one of
-- `codes` (comma separated) or, when `codes` is NULL, one of the user's own allowed values for
-- that field (a user with none then sees nothing). All rules that apply to a user hold at once.
CREATE SEQUENCE app.record_rule_id_seq;
CREATE TABLE app.record_rule (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.record_rule_id_seq'),
    name VARCHAR NOT NULL,
    group_code VARCHAR,
    user_id BIGINT,
    field VARCHAR NOT NULL CHECK (field IN ('company', 'store', 'channel')),
    codes VARCHAR,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    CHECK ((group_code IS NULL) <> (user_id IS NULL))
);
INSERT INTO app.record_rule (name, group_code, field, codes) VALUES
    ('Store managers see their own stores', 'store_manager', 'store', NULL);
