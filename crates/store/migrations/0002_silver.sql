-- Canonical silver tables. Ids are our own; source + source_id keep provenance.
-- Money is DECIMAL(14,2) in the company currency (THB).

CREATE TABLE silver.company (
    id BIGINT PRIMARY KEY,
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);

CREATE TABLE silver.store (
    id BIGINT PRIMARY KEY,
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    company_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);

CREATE TABLE silver.channel (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL
);
INSERT INTO silver.channel (code, name) VALUES
    ('store', 'Store (POS)'),
    ('online', 'Online shop'),
    ('marketplace', 'Marketplace'),
    ('wholesale', 'Wholesale');

CREATE TABLE silver.customer (
    id BIGINT PRIMARY KEY,
    name VARCHAR NOT NULL,
    segment VARCHAR NOT NULL,
    company_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);

CREATE TABLE silver.supplier (
    id BIGINT PRIMARY KEY,
    name VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);

CREATE TABLE silver.product (
    id BIGINT PRIMARY KEY,
    template_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    sku VARCHAR NOT NULL,
    brand VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    subcategory VARCHAR NOT NULL,
    gender VARCHAR NOT NULL,
    season VARCHAR NOT NULL,
    color VARCHAR NOT NULL,
    size VARCHAR NOT NULL,
    list_price DECIMAL(14,2) NOT NULL,
    standard_cost DECIMAL(14,2) NOT NULL,
    active BOOLEAN NOT NULL,
    supplier_id BIGINT,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);

CREATE TABLE silver.supplier_product (
    supplier_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    lead_time_days INTEGER NOT NULL,
    min_qty INTEGER NOT NULL,
    pack_size INTEGER NOT NULL,
    price DECIMAL(14,2) NOT NULL,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);

-- No primary key on the fact tables: DuckDB keeps an index in memory for each, which a
-- ten-million-row append does not need. Loaders assign unique ids.
CREATE TABLE silver.sales_line (
    id BIGINT NOT NULL,
    date DATE NOT NULL,
    company_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    channel VARCHAR NOT NULL,
    customer_id BIGINT,
    product_id BIGINT NOT NULL,
    order_ref VARCHAR NOT NULL,
    qty INTEGER NOT NULL,
    net_amount DECIMAL(14,2) NOT NULL,
    cost_amount DECIMAL(14,2) NOT NULL,
    discount_amount DECIMAL(14,2) NOT NULL,
    currency VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_ref VARCHAR
);

CREATE TABLE silver.stock_level (
    product_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    on_hand INTEGER NOT NULL,
    reserved INTEGER NOT NULL,
    incoming INTEGER NOT NULL,
    as_of DATE NOT NULL,
    source VARCHAR NOT NULL
);

CREATE TABLE silver.stock_move (
    id BIGINT NOT NULL,
    date DATE NOT NULL,
    product_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    qty INTEGER NOT NULL,
    unit_cost DECIMAL(14,2) NOT NULL,
    kind VARCHAR NOT NULL,
    reference VARCHAR,
    source VARCHAR NOT NULL
);

CREATE TABLE silver.purchase_order (
    id BIGINT PRIMARY KEY,
    name VARCHAR NOT NULL,
    company_id BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    state VARCHAR NOT NULL,
    order_date DATE NOT NULL,
    expected_date DATE NOT NULL,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);

CREATE TABLE silver.purchase_line (
    id BIGINT PRIMARY KEY,
    order_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    qty_ordered INTEGER NOT NULL,
    qty_received INTEGER NOT NULL,
    price DECIMAL(14,2) NOT NULL,
    source VARCHAR NOT NULL
);

CREATE TABLE silver.helpdesk_ticket (
    id BIGINT PRIMARY KEY,
    company_id BIGINT NOT NULL,
    team VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    priority INTEGER NOT NULL,
    created DATE NOT NULL,
    closed DATE,
    sla_deadline DATE NOT NULL,
    customer_id BIGINT,
    subject VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);

CREATE TABLE silver.invoice (
    id BIGINT PRIMARY KEY,
    company_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    customer_id BIGINT,
    supplier_id BIGINT,
    date DATE NOT NULL,
    due_date DATE NOT NULL,
    amount DECIMAL(14,2) NOT NULL,
    residual DECIMAL(14,2) NOT NULL,
    payment_state VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_id VARCHAR
);
