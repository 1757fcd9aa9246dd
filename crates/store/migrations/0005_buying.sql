-- Buying intelligence: the suggestions the reorder tool makes (seed 000's
-- `ai.analyst.buying.suggestion`), kept so a buyer can accept or dismiss them and a later step
-- can turn accepted ones into draft purchase orders.
CREATE SEQUENCE app.buying_suggestion_id_seq;
CREATE TABLE app.buying_suggestion (
    id BIGINT PRIMARY KEY DEFAULT nextval('app.buying_suggestion_id_seq'),
    -- 'reorder' (the reorder tool) or 'dead_stock'
    kind VARCHAR NOT NULL,
    company_id BIGINT NOT NULL,
    supplier_id BIGINT,
    product_id BIGINT NOT NULL,
    qty INTEGER NOT NULL,
    unit_price DECIMAL(14,2),
    amount DECIMAL(14,2),
    -- the formula with this row's figures, and how much history it rests on
    reason VARCHAR NOT NULL,
    confidence VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    state VARCHAR NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'accepted', 'dismissed')),
    as_of DATE NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    decided_at TIMESTAMP
);
CREATE INDEX buying_suggestion_open ON app.buying_suggestion (state, company_id, supplier_id);

-- What the demo generator planted on purpose (dead stock, fast sellers about to run out), so
-- tests and demos can check that the tools find them.
CREATE TABLE ops.demo_planted (
    template_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    source VARCHAR NOT NULL
);
