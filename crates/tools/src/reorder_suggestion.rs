//! `reorder_suggestion`: what to order from each supplier, per product and company.
//!
//! lead-time demand = velocity × lead time; safety stock = z × σ(daily units) × √lead time
//! (z from the service level, 95% by default); reorder point = lead-time demand + safety
//! stock. When available + incoming ≤ reorder point: order = velocity × (lead time + review
//! period) + safety stock − (available + incoming), rounded up to the pack size and at least
//! the MOQ. The review period defaults to 42 days, so an order brings a product to 42 days of
//! cover on arrival (plus safety stock). Products without supplier terms are ordered as if
//! the lead time were 0, MOQ and pack 1, at standard cost, and say so.

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::{SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use serde_json::json;

use crate::demand::{Window, confidence, confidence_note, demand_ctes};
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{
    ChartSpec, ToolResult, at, float_at, kpi, plural, put_numbers, put_texts, say,
};
use crate::scope::{Binds, conditions};
use crate::suggestions::{NewSuggestion, replace_reorder_suggestions};
use crate::{ToolContext, ToolError};

const TOOL: &str = "reorder_suggestion";

/// The z-score of a one-sided service level (percent), by Acklam's rational approximation of
/// the inverse normal distribution (error below 1.2e-9).
pub(crate) fn z_score(service_level_pct: f64) -> f64 {
    let p = (service_level_pct / 100.0).clamp(1e-9, 1.0 - 1e-9);
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&[
        "service_level",
        "review_days",
        "window_days",
        "store_suggestions",
    ])?;
    let service_level = params.number("service_level", 95.0, 50.0..=99.9)?;
    let review_days = params.integer("review_days", 42, 0..=365)?;
    let window_days = params.integer("window_days", 28, 7..=365)?;
    let store = params.flag("store_suggestions", true)?;
    if !query.dimensions.is_empty() {
        return Err(ToolError::InvalidParam {
            tool: TOOL,
            message: "lists order lines by supplier; filter by supplier, brand, category… instead of grouping".into(),
        });
    }
    let z = z_score(service_level);
    let window = Window::of(query, context.today, window_days);
    let mut binds = Binds::default();
    let conditions = conditions(TOOL, &query.filters, &[], &mut binds)?;
    let ctes = demand_ctes(window, &conditions, &mut binds);
    let (z_sql, review_sql) = (binds.float(z), binds.float(review_days as f64));
    let limit = binds.push(i64::from(row_cap(
        Tool::ReorderSuggestion,
        query.limit,
        context,
    )));
    let sql = format!(
        "WITH {ctes},
        terms AS (
            SELECT sp.product_id, sp.supplier_id, sp.lead_time_days, sp.min_qty, sp.pack_size, sp.price,
                   row_number() OVER (PARTITION BY sp.product_id
                       ORDER BY CASE WHEN sp.supplier_id = p.supplier_id THEN 0 ELSE 1 END,
                                sp.lead_time_days, sp.supplier_id) AS pick
            FROM silver.supplier_product sp
            JOIN silver.product p ON p.id = sp.product_id
            JOIN scope_product x ON x.product_id = sp.product_id),
        planned AS (
            SELECT d.product_id, d.company_id, d.velocity, d.sigma, d.selling_days, d.out_days,
                   CAST(d.on_hand - d.reserved AS DOUBLE PRECISION) AS available,
                   CAST(d.incoming AS DOUBLE PRECISION) AS incoming,
                   COALESCE(t.supplier_id, p.supplier_id) AS supplier_id,
                   t.product_id IS NOT NULL AS has_terms,
                   CAST(COALESCE(t.lead_time_days, 0) AS DOUBLE PRECISION) AS lead_days,
                   CAST(GREATEST(COALESCE(t.min_qty, 1), 1) AS BIGINT) AS moq,
                   CAST(GREATEST(COALESCE(t.pack_size, 1), 1) AS BIGINT) AS pack,
                   CAST(COALESCE(t.price, p.standard_cost) AS DOUBLE PRECISION) AS price
            FROM demand d JOIN silver.product p ON p.id = d.product_id
            LEFT JOIN terms t ON t.product_id = d.product_id AND t.pick = 1
            WHERE d.velocity > 0),
        pointed AS (
            SELECT pl.*, pl.velocity * pl.lead_days AS lead_demand,
                   {z_sql} * pl.sigma * SQRT(pl.lead_days) AS safety
            FROM planned pl),
        ordered AS (
            SELECT po.*, po.lead_demand + po.safety AS reorder_point,
                   po.velocity * (po.lead_days + {review_sql}) + po.safety - (po.available + po.incoming) AS needed
            FROM pointed po
            WHERE po.available + po.incoming <= po.lead_demand + po.safety),
        lined AS (
            SELECT o.*,
                   GREATEST(CAST(CEIL(GREATEST(o.needed, 0) / o.pack - 0.000001) AS BIGINT) * o.pack, o.moq) AS qty
            FROM ordered o),
        priced AS (
            SELECT l.*, l.qty * l.price AS amount,
                   SUM(l.qty * l.price) OVER (PARTITION BY l.company_id, l.supplier_id) AS order_total,
                   COUNT(*) OVER (PARTITION BY l.company_id, l.supplier_id) AS order_lines,
                   DENSE_RANK() OVER (ORDER BY l.company_id, l.supplier_id) AS order_rank
            FROM lined l)
        SELECT COALESCE(sup.name, '(no supplier)') AS supplier, c.name AS company, p.sku,
               p.name || ' ' || p.color || ' ' || p.size AS product,
               pr.available, pr.incoming, pr.velocity, pr.lead_days, pr.lead_demand, pr.safety,
               pr.reorder_point, pr.needed, pr.pack, pr.moq, pr.qty, pr.price, pr.amount,
               pr.order_total, pr.order_lines, pr.selling_days, pr.out_days, pr.sigma, pr.has_terms,
               pr.product_id, pr.company_id, pr.supplier_id,
               count(*) OVER () AS total_count, SUM(pr.amount) OVER () AS grand_total,
               MAX(pr.order_rank) OVER () AS order_count
        FROM priced pr
        JOIN silver.product p ON p.id = pr.product_id
        JOIN silver.company c ON c.id = pr.company_id
        LEFT JOIN silver.supplier sup ON sup.id = pr.supplier_id
        ORDER BY pr.order_total DESC, supplier, company, pr.amount DESC, p.sku
        LIMIT {limit}"
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let columns = vec![
        Column::new("supplier", "Supplier", ValueFormat::String),
        Column::new("company", "Company", ValueFormat::String),
        Column::new("sku", "SKU", ValueFormat::String),
        Column::new("product", "Product", ValueFormat::String),
        Column::new("available", "Available", ValueFormat::Integer),
        Column::new("incoming", "Incoming", ValueFormat::Integer),
        Column::new("velocity", "Units/day", ValueFormat::Number),
        Column::new("lead_time_days", "Lead time", ValueFormat::Integer),
        Column::new("safety_stock", "Safety stock", ValueFormat::Number),
        Column::new("reorder_point", "Reorder point", ValueFormat::Number),
        Column::new("qty", "Order qty", ValueFormat::Integer),
        Column::new("unit_price", "Unit price", ValueFormat::Currency),
        Column::new("amount", "Line total", ValueFormat::Currency),
        Column::new("order_total", "Order total", ValueFormat::Currency),
        Column::new("confidence", "Confidence", ValueFormat::String),
        Column::new("why", "Why", ValueFormat::String),
    ];
    let mut table = Vec::new();
    let mut stored = Vec::new();
    let mut supplier_totals: Vec<(String, f64)> = Vec::new();
    let (mut total_count, mut grand_total, mut supplier_count) = (0u64, 0.0, 0u64);
    for row in &rows {
        let v = |index: usize| float_at(row, index);
        let (available, incoming, velocity, lead, lead_demand, safety, reorder_point, needed) =
            (v(4), v(5), v(6), v(7), v(8), v(9), v(10), v(11));
        let (pack, moq, qty, price, amount, order_total) =
            (v(12), v(13), v(14), v(15), v(16), v(17));
        let (selling_days, out_days, sigma) = (v(19), v(20), v(21));
        let has_terms = at(row, 22).as_bool().unwrap_or(false);
        (total_count, grand_total, supplier_count) = (v(26) as u64, v(27), v(28) as u64);
        let supplier = at(row, 0).to_string();
        let company = at(row, 1).to_string();
        let label = format!("{supplier} ({company})");
        if !supplier_totals.iter().any(|(name, _)| *name == label) {
            supplier_totals.push((label, order_total));
        }
        let grade = if has_terms {
            confidence(selling_days)
        } else {
            "low"
        };
        let rounding = if qty > needed.max(0.0).ceil() {
            if (qty - moq).abs() < f64::EPSILON && moq > (needed / pack).ceil() * pack {
                format!(" → raised to the MOQ of {}", say(moq, ValueFormat::Integer))
            } else {
                format!(
                    " → rounded up to packs of {}",
                    say(pack, ValueFormat::Integer)
                )
            }
        } else {
            String::new()
        };
        let reason = format!(
            "{}available {} + incoming {} ≤ reorder point {} (lead-time demand {}/day × {} days = {} + safety stock {:.2} × {} × √{} = {}); \
             order {}/day × ({} + {review_days}) days + {} − {} = {}{rounding} = {}; velocity from {} days in stock{}; {}",
            if has_terms {
                ""
            } else {
                "no supplier terms: lead time 0, MOQ 1, pack 1, standard cost assumed; "
            },
            say(available, ValueFormat::Integer),
            say(incoming, ValueFormat::Integer),
            say(reorder_point, ValueFormat::Number),
            say(velocity, ValueFormat::Number),
            lead as i64,
            say(lead_demand, ValueFormat::Number),
            z,
            say(sigma, ValueFormat::Number),
            lead as i64,
            say(safety, ValueFormat::Number),
            say(velocity, ValueFormat::Number),
            lead as i64,
            say(safety, ValueFormat::Number),
            say(available + incoming, ValueFormat::Integer),
            say(needed, ValueFormat::Number),
            say(qty, ValueFormat::Integer),
            window.days() - out_days as i64,
            if out_days > 0.0 {
                format!(" ({} stock-out days left out)", out_days as i64)
            } else {
                String::new()
            },
            confidence_note(selling_days, window.days()),
        );
        let mut out = Row::new();
        put_texts(&mut out, row, &["supplier", "company", "sku", "product"]);
        put_numbers(
            &mut out,
            &[
                ("available", Some(available), ValueFormat::Integer),
                ("incoming", Some(incoming), ValueFormat::Integer),
                ("velocity", Some(velocity), ValueFormat::Number),
                ("lead_time_days", Some(lead), ValueFormat::Integer),
                ("safety_stock", Some(safety), ValueFormat::Number),
                ("reorder_point", Some(reorder_point), ValueFormat::Number),
                ("qty", Some(qty), ValueFormat::Integer),
                ("unit_price", Some(price), ValueFormat::Currency),
                ("amount", Some(amount), ValueFormat::Currency),
                ("order_total", Some(order_total), ValueFormat::Currency),
            ],
        );
        out.insert("confidence".into(), json!(grade));
        out.insert("why".into(), json!(reason.clone()));
        stored.push(NewSuggestion {
            company_id: at(row, 24).as_i64().unwrap_or_default(),
            supplier_id: at(row, 25).as_i64(),
            product_id: at(row, 23).as_i64().unwrap_or_default(),
            qty: qty as i64,
            unit_price: price,
            amount,
            reason,
            confidence: grade,
        });
        table.push(out);
    }
    if store && !stored.is_empty() {
        let ids = replace_reorder_suggestions(connection, &stored, context.today)?;
        for (row, id) in table.iter_mut().zip(ids) {
            row.insert("suggestion_id".into(), json!(id));
        }
    }
    let sentence = if table.is_empty() {
        "No product is at or below its reorder point: nothing to order now.".to_string()
    } else {
        format!(
            "Order {} in {} for {}; the largest goes to {} ({}).",
            plural(total_count, "line", "lines"),
            plural(supplier_count, "purchase order", "purchase orders"),
            say(grand_total, ValueFormat::Currency),
            supplier_totals
                .first()
                .map_or("-", |(name, _)| name.as_str()),
            say(
                supplier_totals.first().map_or(0.0, |(_, total)| *total),
                ValueFormat::Currency
            ),
        )
    };
    Ok(ToolResult {
        tool: Tool::ReorderSuggestion,
        sentence,
        kpis: vec![
            kpi("Order lines", total_count as f64, ValueFormat::Integer),
            kpi(
                "Purchase orders",
                supplier_count as f64,
                ValueFormat::Integer,
            ),
            kpi(
                "Total at supplier price",
                grand_total,
                ValueFormat::Currency,
            ),
        ],
        columns,
        rows: table,
        total_row: None,
        total_count,
        formula: format!(
            "reorder point = velocity × lead time + safety stock; safety stock = z ({z:.2} for \
             {service_level}% service) × σ(daily units) × √lead time; when available + incoming ≤ \
             reorder point, order = velocity × (lead time + {review_days}-day review) + safety stock \
             − (available + incoming), rounded up to the pack size, at least the MOQ; velocity = \
             net units {} to {} ÷ days in stock",
            window.start, window.end
        ),
        chart: Some(ChartSpec {
            kind: ChartType::HorizontalBar,
            title: "Order total by supplier".into(),
            label_key: "supplier".into(),
            series: vec![("order_total".into(), "Order total".into())],
            format: ValueFormat::Currency,
            points: supplier_totals,
        }),
        sql,
        params: json!({"service_level": service_level, "z": z, "review_days": review_days,
                       "window_days": window.days(), "store_suggestions": store}),
    })
}

#[cfg(test)]
mod tests {
    use super::z_score;

    #[test]
    fn service_levels_give_the_textbook_z() {
        assert!((z_score(95.0) - 1.644854).abs() < 1e-5);
        assert!((z_score(99.0) - 2.326348).abs() < 1e-5);
        assert!(z_score(50.0).abs() < 1e-9);
    }
}
