//! Gold aggregates, rebuilt from silver for the dates new data touched.
//!
//! The functions here run inside the caller's transaction, so a load and its aggregates land
//! together or not at all.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};

use crate::{Connection, Result, Value};

const DELETE_DAILY_SALES: &str = "DELETE FROM gold.daily_sales WHERE date BETWEEN $1 AND $2";

// Rows go in date order so that the store's min/max indexes skip whole blocks for a period.
const INSERT_DAILY_SALES: &str = "INSERT INTO gold.daily_sales
    (date, company_id, store_id, channel, product_id, units, revenue, cost, discount, orders,
     returns_units, returns_revenue, lines)
SELECT date, company_id, store_id, channel, product_id,
       SUM(qty),
       SUM(net_amount),
       SUM(cost_amount),
       SUM(discount_amount),
       COUNT(DISTINCT order_ref) FILTER (WHERE qty > 0),
       COALESCE(-SUM(qty) FILTER (WHERE qty < 0), 0),
       COALESCE(-SUM(net_amount) FILTER (WHERE qty < 0), 0),
       COUNT(*)
FROM silver.sales_line
WHERE date BETWEEN $1 AND $2
GROUP BY date, company_id, store_id, channel, product_id
ORDER BY date, store_id, product_id";

/// Rebuilds `gold.daily_sales` for exactly the given dates (grouped into contiguous ranges);
/// returns the number of gold rows written.
pub fn refresh_daily_sales(
    connection: &dyn Connection,
    dates: &BTreeSet<NaiveDate>,
) -> Result<u64> {
    let mut written = 0;
    for (from, to) in contiguous_ranges(dates) {
        written += refresh_daily_sales_range(connection, from, to)?;
    }
    Ok(written)
}

/// Rebuilds `gold.daily_sales` for every date from `from` to `to`, inclusive.
pub fn refresh_daily_sales_range(
    connection: &dyn Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u64> {
    let range = [Value::Date(from), Value::Date(to)];
    connection.execute(DELETE_DAILY_SALES, &range)?;
    let written = connection.execute(INSERT_DAILY_SALES, &range)? as u64;
    connection.execute(
        "INSERT INTO ops.gold_refresh (table_name, date_from, date_to, rows_written)
         VALUES ('gold.daily_sales', $1, $2, $3)",
        &[
            Value::Date(from),
            Value::Date(to),
            Value::Int(i64::try_from(written).unwrap_or(i64::MAX)),
        ],
    )?;
    Ok(written)
}

/// When the store last matched its sources: the newest gold rebuild, or the moment every
/// model synced from Odoo was last read without error (a sync that found no change leaves
/// gold alone but still says the copy is current).
pub fn data_as_of(connection: &dyn Connection) -> Result<Option<chrono::NaiveDateTime>> {
    Ok(connection
        .query(
            "SELECT max(moment) FROM (
                 SELECT max(refreshed_at) AS moment FROM ops.gold_refresh
                 UNION ALL
                 SELECT min(last_read) FROM (
                     SELECT max(started_at) AS last_read FROM ops.odoo_sync_run
                     WHERE status IN ('ok', 'skipped') GROUP BY connection, model) AS models
             ) AS moments",
            &[],
        )?
        .scalar()
        .and_then(Value::as_timestamp))
}

/// Groups sorted dates into inclusive runs of consecutive days.
pub fn contiguous_ranges(dates: &BTreeSet<NaiveDate>) -> Vec<(NaiveDate, NaiveDate)> {
    let mut ranges: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &date in dates {
        match ranges.last_mut() {
            Some((_, end)) if *end + Duration::days(1) == date => *end = date,
            _ => ranges.push((date, date)),
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_group_into_runs() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let dates: BTreeSet<_> = [1, 2, 3, 5, 7, 8].into_iter().map(day).collect();
        assert_eq!(
            contiguous_ranges(&dates),
            vec![(day(1), day(3)), (day(5), day(5)), (day(7), day(8))]
        );
        assert!(contiguous_ranges(&BTreeSet::new()).is_empty());
    }
}
