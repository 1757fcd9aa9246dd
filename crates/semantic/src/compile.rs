//! Semantic query → one SQL statement (rows, their total and the total row).
//!
//! Shape of the statement:
//! 1. `facts`: the fact table restricted to the period (and the comparison period), with
//!    `period_date` aligned so comparison rows fall in the same time buckets;
//! 2. `grouped`: base aggregates per group, plus a grand-total group (`GROUPING SETS`);
//! 3. `measured`: measures as formulas over the bases;
//! 4. the detail rows ranked and cut to the limit, and the total row.

use std::collections::BTreeSet;

use analyst_core::query::OrderField;
use analyst_core::{Dimension, Grain, Measure, SemanticQuery, Shift};
use analyst_store::Value;

use crate::SemanticError;
use crate::catalog::{Base, Join, Source, bases, dimension_sql, measure_formula};

/// Answers show at most this many rows inline; larger results are offered as an export.
pub const INLINE_ROW_LIMIT: u32 = 500;

/// What each leading column of the result holds (they are followed by `grouping_level`,
/// `row_rank` and `total_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputColumn {
    Dimension(Dimension),
    Measure(Measure),
    /// The measure over the comparison period.
    Previous(Measure),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompiledQuery {
    pub sql: String,
    pub params: Vec<Value>,
    pub source: Source,
    pub dimensions: Vec<Dimension>,
    pub columns: Vec<OutputColumn>,
    /// The most detail rows the statement returns.
    pub row_limit: u32,
}

/// Collects parameters and hands out their `$n` placeholders.
#[derive(Default)]
struct Params(Vec<Value>);

impl Params {
    fn push(&mut self, value: Value) -> String {
        self.0.push(value);
        format!("${}", self.0.len())
    }
}

/// Which rows the statement returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The first rows up to the limit (at most [`INLINE_ROW_LIMIT`]), then the total row; each
    /// row followed by `grouping_level`, `row_rank` and `total_count`.
    Inline,
    /// Every group in order, the output columns and the number of groups: for exports,
    /// streamed.
    All,
}

/// Compiles a `sales_by_dimension` query whose filter values are already canonical.
pub fn compile(query: &SemanticQuery) -> Result<CompiledQuery, SemanticError> {
    compile_shaped(query, Shape::Inline)
}

/// Compiles `query` to a statement returning every group (no total row, no cap but the
/// query's own limit), in the query's order: the columns [`CompiledQuery::columns`] names,
/// then `total_count`, the number of groups before the limit. What an export streams.
pub fn compile_all_rows(query: &SemanticQuery) -> Result<CompiledQuery, SemanticError> {
    compile_shaped(query, Shape::All)
}

fn compile_shaped(query: &SemanticQuery, shape: Shape) -> Result<CompiledQuery, SemanticError> {
    query.validate()?;
    refuse_helpdesk_dimensions(query)?;
    let dimensions = effective_dimensions(query);
    let source = Source::for_query(&query.measures, &dimensions);
    let mut params = Params::default();

    // 1. facts, restricted to the period(s).
    let (where_period, aligned_date, in_current) = match (&query.period, query.compare) {
        (None, _) => (String::new(), "f.date".to_string(), None),
        (Some(period), None) => {
            let (start, end) = (
                params.push(period.start.into()),
                params.push(period.end.into()),
            );
            (
                format!("WHERE f.date BETWEEN {start} AND {end}"),
                "f.date".to_string(),
                None,
            )
        }
        (Some(period), Some(compare)) => {
            let previous = period.compared(compare.kind);
            let (start, end) = (
                params.push(period.start.into()),
                params.push(period.end.into()),
            );
            let (previous_start, previous_end) = (
                params.push(previous.start.into()),
                params.push(previous.end.into()),
            );
            let current = format!("f.date BETWEEN {start} AND {end}");
            let interval = match period.compare_shift(compare.kind) {
                Shift::Months(months) => format!("INTERVAL '{months} months'"),
                Shift::Days(days) => format!("INTERVAL '{days} days'"),
            };
            (
                format!("WHERE {current} OR f.date BETWEEN {previous_start} AND {previous_end}"),
                format!(
                    "CASE WHEN {current} THEN f.date ELSE CAST(f.date + {interval} AS DATE) END"
                ),
                Some(current),
            )
        }
    };
    let in_current_column = match &in_current {
        Some(current) => format!(", ({current}) AS in_current"),
        None => String::new(),
    };
    let facts = format!(
        "facts AS (SELECT f.*, {aligned_date} AS period_date{in_current_column} FROM {} f {where_period})",
        source.table()
    );

    // 2. grouped: joins, filters, base aggregates.
    let mut joins: BTreeSet<Join> = BTreeSet::new();
    let dimension_exprs: Vec<&str> = dimensions
        .iter()
        .map(|dimension| {
            let (expr, needed) = dimension_sql(*dimension);
            joins.extend(needed);
            expr
        })
        .collect();
    let mut conditions = Vec::new();
    for filter in &query.filters {
        let (expr, needed) = dimension_sql(filter.field);
        joins.extend(needed);
        let placeholders: Vec<String> = filter
            .values
            .iter()
            .map(|value| params.push(value.as_str().into()))
            .collect();
        let operator = match filter.op {
            analyst_core::FilterOp::In => "IN",
            analyst_core::FilterOp::NotIn => "NOT IN",
        };
        conditions.push(format!("{expr} {operator} ({})", placeholders.join(", ")));
    }
    let needed_bases: BTreeSet<Base> = query
        .measures
        .iter()
        .flat_map(|measure| bases(*measure).iter().copied())
        .collect();
    let mut select = Vec::new();
    for (index, expr) in dimension_exprs.iter().enumerate() {
        select.push(format!("{expr} AS d{index}"));
    }
    for base in &needed_bases {
        match in_current {
            None => select.push(format!(
                "{} AS b_{}",
                base.aggregate_sql(source, None),
                base.name()
            )),
            Some(_) => {
                select.push(format!(
                    "{} AS b_{}",
                    base.aggregate_sql(source, Some("f.in_current")),
                    base.name()
                ));
                select.push(format!(
                    "{} AS p_{}",
                    base.aggregate_sql(source, Some("NOT f.in_current")),
                    base.name()
                ));
            }
        }
    }
    let (group_by, grouping_level) = if dimension_exprs.is_empty() {
        (String::new(), "0".to_string())
    } else if shape == Shape::All {
        (
            format!("GROUP BY {}", dimension_exprs.join(", ")),
            "0".to_string(),
        )
    } else {
        (
            format!(
                "GROUP BY GROUPING SETS (({}), ())",
                dimension_exprs.join(", ")
            ),
            format!("GROUPING({})", dimension_exprs[0]),
        )
    };
    select.push(format!("{grouping_level} AS grouping_level"));
    let join_sql: Vec<&str> = joins.iter().map(|join| join.clause()).collect();
    let where_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let grouped = format!(
        "grouped AS (SELECT {} FROM facts f {} {where_sql} {group_by})",
        select.join(", "),
        join_sql.join(" ")
    );

    // 3. measured.
    let mut columns: Vec<OutputColumn> = dimensions
        .iter()
        .map(|dimension| OutputColumn::Dimension(*dimension))
        .collect();
    let mut measured = Vec::new();
    for index in 0..dimensions.len() {
        measured.push(format!("d{index}"));
    }
    for measure in &query.measures {
        measured.push(format!(
            "{} AS {}",
            measure_formula(*measure, "b_"),
            measure.name()
        ));
        columns.push(OutputColumn::Measure(*measure));
    }
    if in_current.is_some() {
        for measure in &query.measures {
            measured.push(format!(
                "{} AS {}_previous",
                measure_formula(*measure, "p_"),
                measure.name()
            ));
            columns.push(OutputColumn::Previous(*measure));
        }
    }
    measured.push("grouping_level".into());
    let measured = format!("measured AS (SELECT {} FROM grouped)", measured.join(", "));

    // 4. rank, cut, total.
    let order = order_sql(query, &dimensions);
    let (sql, row_limit) = match shape {
        Shape::Inline => {
            let row_limit = query
                .limit
                .unwrap_or(INLINE_ROW_LIMIT)
                .min(INLINE_ROW_LIMIT);
            let limit = params.push(Value::Int(i64::from(row_limit)));
            let sql = format!(
                "WITH {facts}, {grouped}, {measured} \
                 SELECT * FROM (SELECT m.*, \
                   row_number() OVER (PARTITION BY grouping_level ORDER BY {order}) AS row_rank, \
                   count(*) OVER (PARTITION BY grouping_level) AS total_count \
                 FROM measured m) ranked \
                 WHERE grouping_level = 1 OR row_rank <= {limit} \
                 ORDER BY grouping_level, row_rank"
            );
            (sql, row_limit)
        }
        Shape::All => {
            let outputs = output_names(&columns, &dimensions);
            let limit = match query.limit {
                Some(limit) => format!(" LIMIT {}", params.push(Value::Int(i64::from(limit)))),
                None => String::new(),
            };
            // The number of groups comes with every row, so that a reader knows the total
            // from the first batch without running the aggregation twice.
            let sql = format!(
                "WITH {facts}, {grouped}, {measured} \
                 SELECT {}, count(*) OVER () AS total_count FROM measured ORDER BY {order}{limit}",
                outputs.join(", ")
            );
            (sql, query.limit.unwrap_or(u32::MAX))
        }
    };
    Ok(CompiledQuery {
        sql,
        params: params.0,
        source,
        dimensions,
        columns,
        row_limit,
    })
}

/// The SQL names of the output columns: `d0`, `d1` … for dimensions, then measure names.
fn output_names(columns: &[OutputColumn], dimensions: &[Dimension]) -> Vec<String> {
    columns
        .iter()
        .map(|column| match column {
            OutputColumn::Dimension(dimension) => {
                let index = dimensions.iter().position(|d| d == dimension).unwrap_or(0);
                format!("d{index}")
            }
            OutputColumn::Measure(measure) => measure.name().to_string(),
            OutputColumn::Previous(measure) => format!("{}_previous", measure.name()),
        })
        .collect()
}

/// Team, stage and priority describe helpdesk tickets: a sales query naming them is refused
/// with the tool that can answer.
fn refuse_helpdesk_dimensions(query: &SemanticQuery) -> Result<(), SemanticError> {
    let named = query
        .dimensions
        .iter()
        .chain(query.filters.iter().map(|filter| &filter.field))
        .find(|dimension| dimension.is_helpdesk());
    match named {
        Some(dimension) => Err(SemanticError::Invalid(
            analyst_core::CoreError::InvalidQuery(format!(
                "'{dimension}' describes helpdesk tickets, not sales lines; ask helpdesk_summary \
                 (e.g. {{\"tool\":\"helpdesk_summary\",\"dimensions\":[\"{dimension}\"]}})"
            )),
        )),
        None => Ok(()),
    }
}

/// The query's dimensions plus the time bucket its `grain` asks for, when not already there.
fn effective_dimensions(query: &SemanticQuery) -> Vec<Dimension> {
    let mut dimensions = query.dimensions.clone();
    if let Some(grain) = query.grain {
        let bucket = match grain {
            Grain::Day => Dimension::Date,
            Grain::Week => Dimension::Week,
            Grain::Month => Dimension::Month,
            Grain::Quarter => Dimension::Quarter,
            Grain::Year => Dimension::Year,
        };
        if !dimensions.contains(&bucket) {
            dimensions.insert(0, bucket);
        }
    }
    dimensions
}

/// The ORDER BY of the ranking: the query's order, else time ascending for trends, else the
/// first measure descending; every dimension breaks ties so results are deterministic.
fn order_sql(query: &SemanticQuery, dimensions: &[Dimension]) -> String {
    let column = |dimension: Dimension| {
        let index = dimensions.iter().position(|d| *d == dimension).unwrap_or(0);
        format!("d{index}")
    };
    let mut terms: Vec<String> = if !query.order.is_empty() {
        query
            .order
            .iter()
            .map(|order| {
                let direction = if order.desc { "DESC" } else { "ASC" };
                match order.field {
                    OrderField::Measure(measure) => {
                        format!("{} {direction} NULLS LAST", measure.name())
                    }
                    OrderField::Dimension(dimension) => {
                        format!("{} {direction}", column(dimension))
                    }
                }
            })
            .collect()
    } else if let Some(time) = dimensions.iter().find(|dimension| dimension.is_time()) {
        vec![format!("{} ASC", column(*time))]
    } else {
        let first = query.measures.first().copied().unwrap_or(Measure::Revenue);
        vec![format!("{} DESC NULLS LAST", first.name())]
    };
    terms.extend((0..dimensions.len()).map(|index| format!("d{index} ASC")));
    terms.join(", ")
}
