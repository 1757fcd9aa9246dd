-- Daily aggregates of silver.sales_line by date x company x store x channel x product,
-- rebuilt for the dates that new data touches (see gold.rs).
-- `orders` counts the orders that hold the product that day: additive over dates, stores
-- and channels, not over products (an order with two products counts once for each).
CREATE TABLE gold.daily_sales (
    date DATE NOT NULL,
    company_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    channel VARCHAR NOT NULL,
    product_id BIGINT NOT NULL,
    units BIGINT NOT NULL,
    revenue DECIMAL(18,2) NOT NULL,
    cost DECIMAL(18,2) NOT NULL,
    discount DECIMAL(18,2) NOT NULL,
    orders BIGINT NOT NULL,
    returns_units BIGINT NOT NULL,
    returns_revenue DECIMAL(18,2) NOT NULL,
    lines BIGINT NOT NULL
);

-- One row per gold rebuild, so freshness and cost can be inspected.
CREATE TABLE ops.gold_refresh (
    table_name VARCHAR NOT NULL,
    date_from DATE NOT NULL,
    date_to DATE NOT NULL,
    rows_written BIGINT NOT NULL,
    refreshed_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
