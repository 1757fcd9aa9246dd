//! The semantic layer against an independent computation: the same demo business is generated
//! twice (deterministically), once into a real store and once into memory, and every answer of
//! the store is recomputed in plain Rust over the rows.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::convert::Infallible;

use analyst_core::query::{OrderBy, OrderField};
use analyst_core::rows::{
    HelpdeskTicket, Invoice, PurchaseLine, PurchaseOrder, SalesLine, StockLevel, StockMove,
};
use analyst_core::{Compare, CompareKind, Dimension, Filter, Measure, Period, SemanticQuery};
use analyst_demo::{DemoConfig, DemoSink, MasterData, generate, install};
use analyst_semantic::values::resolve_filters;
use analyst_semantic::{QueryResult, SemanticError, Source, execute};
use analyst_store::{Connection, Value};
use chrono::{Datelike, NaiveDate};

#[derive(Default)]
struct Collected {
    master: MasterData,
    lines: Vec<SalesLine>,
}

impl DemoSink for Collected {
    type Error = Infallible;
    fn master_data(&mut self, master: &MasterData) -> Result<(), Infallible> {
        self.master = master.clone();
        Ok(())
    }
    fn sales_lines(&mut self, batch: &[SalesLine]) -> Result<(), Infallible> {
        self.lines.extend_from_slice(batch);
        Ok(())
    }
    fn stock_levels(&mut self, _: &[StockLevel]) -> Result<(), Infallible> {
        Ok(())
    }
    fn stock_moves(&mut self, _: &[StockMove]) -> Result<(), Infallible> {
        Ok(())
    }
    fn purchase_orders(
        &mut self,
        _: &[PurchaseOrder],
        _: &[PurchaseLine],
    ) -> Result<(), Infallible> {
        Ok(())
    }
    fn helpdesk_tickets(&mut self, _: &[HelpdeskTicket]) -> Result<(), Infallible> {
        Ok(())
    }
    fn invoices(&mut self, _: &[Invoice]) -> Result<(), Infallible> {
        Ok(())
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    connection: Box<dyn Connection>,
    data: Collected,
    products: HashMap<i64, analyst_core::rows::Product>,
    names: HashMap<(&'static str, i64), String>,
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn fixture() -> Fixture {
    let config = DemoConfig::new(40_000, 7, day("2026-11-14"));
    let dir = tempfile::tempdir().unwrap();
    let connection = install::new_store(dir.path(), &config).unwrap();
    let mut data = Collected::default();
    generate(&config, &mut data).unwrap();
    let products = data
        .master
        .products
        .iter()
        .map(|p| (p.id, p.clone()))
        .collect();
    let mut names = HashMap::new();
    for company in &data.master.companies {
        names.insert(("company", company.id), company.name.clone());
    }
    for store in &data.master.stores {
        names.insert(("store", store.id), store.name.clone());
    }
    for customer in &data.master.customers {
        names.insert(("customer", customer.id), customer.name.clone());
    }
    Fixture {
        _dir: dir,
        connection,
        data,
        products,
        names,
    }
}

/// Sums of one group, exact (satang and units).
#[derive(Default, Debug)]
struct Sums {
    revenue: i64,
    units: i64,
    cost: i64,
    discount: i64,
    returns_units: i64,
    returns_revenue: i64,
    orders: BTreeSet<String>,
    customers: BTreeSet<i64>,
}

impl Sums {
    fn add(&mut self, line: &SalesLine) {
        self.revenue += line.net_amount;
        self.units += i64::from(line.qty);
        self.cost += line.cost_amount;
        self.discount += line.discount_amount;
        if line.qty < 0 {
            self.returns_units -= i64::from(line.qty);
            self.returns_revenue -= line.net_amount;
        } else {
            self.orders.insert(line.order_ref.clone());
            if let Some(customer) = line.customer_id {
                self.customers.insert(customer);
            }
        }
    }

    fn measure(&self, measure: Measure) -> Option<f64> {
        let baht = |satang: i64| satang as f64 / 100.0;
        let revenue = baht(self.revenue);
        Some(match measure {
            Measure::Revenue => revenue,
            Measure::Units => self.units as f64,
            Measure::Cost => baht(self.cost),
            Measure::Margin => baht(self.revenue - self.cost),
            Measure::MarginPct if self.revenue == 0 => return None,
            Measure::MarginPct => (self.revenue - self.cost) as f64 * 100.0 / self.revenue as f64,
            Measure::Discount => baht(self.discount),
            Measure::ReturnsUnits => self.returns_units as f64,
            Measure::ReturnsRevenue => baht(self.returns_revenue),
            Measure::Orders => self.orders.len() as f64,
            Measure::Customers => self.customers.len() as f64,
            Measure::AvgOrderValue if self.orders.is_empty() => return None,
            Measure::AvgOrderValue => revenue / self.orders.len() as f64,
            Measure::AvgSellingPrice if self.units == 0 => return None,
            Measure::AvgSellingPrice => revenue / self.units as f64,
        })
    }
}

impl Fixture {
    /// The value of `dimension` for a line, as the store reports it.
    fn key(&self, dimension: Dimension, line: &SalesLine) -> Value {
        let product = &self.products[&line.product_id];
        let text = |s: &str| Value::Text(s.to_string());
        match dimension {
            Dimension::Company => text(&self.names[&("company", line.company_id)]),
            Dimension::Store => text(&self.names[&("store", line.store_id)]),
            Dimension::Channel => text(line.channel.as_str()),
            Dimension::Brand => text(&product.brand),
            Dimension::Category => text(&product.category),
            Dimension::Subcategory => text(&product.subcategory),
            Dimension::Gender => text(&product.gender),
            Dimension::Size => text(&product.size),
            Dimension::Customer => match line.customer_id {
                Some(id) => text(&self.names[&("customer", id)]),
                None => text("(anonymous)"),
            },
            Dimension::Month => Value::Date(line.date.with_day(1).unwrap()),
            Dimension::Weekday => Value::Int(i64::from(line.date.weekday().number_from_monday())),
            Dimension::Year => Value::Int(i64::from(line.date.year())),
            other => panic!("the test does not compute {other}"),
        }
    }

    /// Groups lines in `dates` that pass every filter.
    fn expected(&self, query: &SemanticQuery, dates: &Period) -> BTreeMap<Vec<String>, Sums> {
        let mut groups: BTreeMap<Vec<String>, Sums> = BTreeMap::new();
        for line in &self.data.lines {
            if !dates.contains(line.date) {
                continue;
            }
            let passes = query.filters.iter().all(|filter| {
                let value = self.key(filter.field, line).to_string();
                filter
                    .values
                    .iter()
                    .any(|wanted| wanted.eq_ignore_ascii_case(&value))
            });
            if !passes {
                continue;
            }
            let key = query
                .dimensions
                .iter()
                .map(|d| self.key(*d, line).to_string())
                .collect();
            groups.entry(key).or_default().add(line);
        }
        groups
    }

    fn run(&self, mut query: SemanticQuery) -> (SemanticQuery, QueryResult) {
        resolve_filters(self.connection.as_ref(), &mut query).unwrap();
        let result = execute(self.connection.as_ref(), &query).unwrap();
        (query, result)
    }
}

fn close(actual: Option<f64>, expected: Option<f64>, what: &str) {
    match (actual, expected) {
        (Some(a), Some(e)) => assert!(
            (a - e).abs() <= 1e-6 * e.abs().max(1.0) + 0.005,
            "{what}: store {a} vs computed {e}"
        ),
        (a, e) => assert_eq!(a, e, "{what}"),
    }
}

/// Every group and the total of `result` match the independent computation.
fn check(fixture: &Fixture, query: &SemanticQuery, result: &QueryResult) {
    let period = query.period.clone().unwrap();
    let expected = fixture.expected(query, &period);
    let previous = query.compare.map(|compare| {
        let mut aligned: HashMap<Vec<String>, Sums> = HashMap::new();
        for (key, sums) in fixture.expected(query, &period.compared(compare.kind)) {
            aligned.insert(key, sums);
        }
        aligned
    });
    if query.dimensions.is_empty() {
        assert_eq!(result.rows.len(), 1);
    } else if query.limit.is_none() && previous.is_none() {
        assert_eq!(
            result.total_count as usize,
            expected.len(),
            "number of groups"
        );
        assert_eq!(result.rows.len(), expected.len().min(500));
    }
    let all = fixture.expected(
        &SemanticQuery {
            dimensions: vec![],
            ..query.clone()
        },
        &period,
    );
    let grand = all.values().next();
    for row in &result.rows {
        let key: Vec<String> = row.dimensions.iter().map(ToString::to_string).collect();
        let sums = expected.get(&key);
        for (index, measure) in result.measures.iter().enumerate() {
            let computed = sums
                .and_then(|sums| sums.measure(*measure))
                .or(if sums.is_none() { Some(0.0) } else { None });
            close(
                row.measures[index],
                computed,
                &format!("{measure} of {key:?}"),
            );
            if let Some(previous) = &previous {
                let computed = previous
                    .get(&key)
                    .map_or(Some(0.0), |sums| sums.measure(*measure));
                close(
                    row.previous[index],
                    computed,
                    &format!("previous {measure} of {key:?}"),
                );
            }
        }
    }
    if !query.dimensions.is_empty() && !result.rows.is_empty() {
        let total = result.total.as_ref().expect("a total row");
        for (index, measure) in result.measures.iter().enumerate() {
            close(
                total.measures[index],
                grand.and_then(|sums| sums.measure(*measure)),
                &format!("total {measure}"),
            );
        }
    }
}

fn sales(measures: &[Measure], dimensions: &[Dimension], start: &str, end: &str) -> SemanticQuery {
    let mut query = SemanticQuery::sales(measures.to_vec());
    query.dimensions = dimensions.to_vec();
    query.period = Some(Period::parse(start, end).unwrap());
    query
}

const GOLD_MEASURES: [Measure; 9] = [
    Measure::Revenue,
    Measure::Units,
    Measure::Cost,
    Measure::Margin,
    Measure::MarginPct,
    Measure::Discount,
    Measure::ReturnsUnits,
    Measure::ReturnsRevenue,
    Measure::AvgSellingPrice,
];

#[test]
fn every_measure_by_several_dimensions_matches_plain_rust() {
    let fixture = fixture();
    for dimension in [
        Dimension::Brand,
        Dimension::Category,
        Dimension::Company,
        Dimension::Channel,
        Dimension::Size,
    ] {
        let (query, result) = fixture.run(sales(
            &GOLD_MEASURES,
            &[dimension],
            "2025-01-01",
            "2025-12-31",
        ));
        assert_eq!(
            result.source,
            Source::Gold,
            "additive measures come from gold"
        );
        check(&fixture, &query, &result);
    }
    let line_measures = [
        Measure::Orders,
        Measure::Customers,
        Measure::AvgOrderValue,
        Measure::Revenue,
    ];
    for dimension in [Dimension::Store, Dimension::Weekday, Dimension::Customer] {
        let (query, result) = fixture.run(sales(
            &line_measures,
            &[dimension],
            "2025-06-01",
            "2025-08-31",
        ));
        assert_eq!(
            result.source,
            Source::Silver,
            "distinct counts come from the lines"
        );
        check(&fixture, &query, &result);
    }
}

#[test]
fn filters_and_periods_across_month_and_year_boundaries() {
    let fixture = fixture();
    let mut query = sales(
        &[Measure::Revenue, Measure::Units],
        &[Dimension::Month],
        "2025-11-15",
        "2026-02-10",
    );
    query.filters = vec![Filter::one_of(Dimension::Brand, vec!["stride".into()])];
    let (query, result) = fixture.run(query);
    assert_eq!(
        query.filters[0].values,
        vec!["Stride".to_string()],
        "values are made canonical"
    );
    assert_eq!(result.rows.len(), 4, "four months touched");
    assert_eq!(
        result.rows[0].dimensions[0],
        Value::Date(day("2025-11-01")),
        "trends run in time order"
    );
    check(&fixture, &query, &result);

    let mut query = sales(
        &[Measure::Units, Measure::ReturnsUnits],
        &[Dimension::Channel, Dimension::Gender],
        "2026-03-30",
        "2026-04-02",
    );
    query.filters = vec![Filter::one_of(
        Dimension::Store,
        vec!["Bangkok Siam".into(), "Chiang Mai Nimman".into()],
    )];
    let (query, result) = fixture.run(query);
    check(&fixture, &query, &result);

    let mut query = sales(
        &[Measure::Revenue, Measure::Margin],
        &[],
        "2025-01-01",
        "2025-12-31",
    );
    query.filters = vec![Filter::one_of(
        Dimension::Company,
        vec!["Lanna Outdoor Co., Ltd.".into()],
    )];
    let (query, result) = fixture.run(query);
    check(&fixture, &query, &result);
    assert!(
        result.rows[0].measures[0].unwrap() > 0.0,
        "Lanna sold in 2025"
    );
}

#[test]
fn comparisons_with_the_previous_year_and_period() {
    let fixture = fixture();
    let mut query = sales(
        &[Measure::Revenue, Measure::Orders],
        &[Dimension::Channel],
        "2026-01-01",
        "2026-03-31",
    );
    query.compare = Some(Compare {
        kind: CompareKind::PreviousYear,
    });
    let (query, result) = fixture.run(query);
    assert!(result.compared);
    check(&fixture, &query, &result);

    let mut query = sales(&[Measure::Revenue], &[], "2025-10-01", "2025-12-31");
    query.compare = Some(Compare {
        kind: CompareKind::PreviousPeriod,
    });
    let (query, result) = fixture.run(query);
    check(&fixture, &query, &result);
}

#[test]
fn empty_periods_are_answers_not_errors() {
    let fixture = fixture();
    let (_, result) = fixture.run(sales(
        &[Measure::Revenue],
        &[Dimension::Brand],
        "2030-01-01",
        "2030-01-31",
    ));
    assert!(result.rows.is_empty());
    assert_eq!(result.total_count, 0);
    let (_, result) = fixture.run(sales(
        &[Measure::Revenue, Measure::Orders],
        &[],
        "2030-01-01",
        "2030-01-31",
    ));
    assert_eq!(result.rows.len(), 1);
    assert_eq!(result.rows[0].measures, vec![Some(0.0), Some(0.0)]);
}

#[test]
fn top_and_bottom_n_are_ordered_and_counted() {
    let fixture = fixture();
    let mut query = sales(
        &[Measure::Revenue],
        &[Dimension::Customer],
        "2026-01-01",
        "2026-11-14",
    );
    query.filters = vec![Filter::one_of(Dimension::Channel, vec!["wholesale".into()])];
    query.order = vec![OrderBy {
        field: OrderField::Measure(Measure::Revenue),
        desc: true,
    }];
    query.limit = Some(3);
    let (query, result) = fixture.run(query);
    let expected = fixture.expected(&query, query.period.as_ref().unwrap());
    let mut ranked: Vec<(String, i64)> = expected
        .iter()
        .map(|(key, sums)| (key[0].clone(), sums.revenue))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let names: Vec<String> = result
        .rows
        .iter()
        .map(|row| row.dimensions[0].to_string())
        .collect();
    assert_eq!(
        names,
        ranked
            .iter()
            .take(3)
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(result.total_count as usize, ranked.len());
    check(&fixture, &query, &result);

    let mut query = sales(
        &[Measure::Units],
        &[Dimension::Product],
        "2026-10-16",
        "2026-11-14",
    );
    query.order = vec![OrderBy {
        field: OrderField::Measure(Measure::Units),
        desc: false,
    }];
    query.limit = Some(10);
    let (_, result) = fixture.run(query);
    let units: Vec<f64> = result
        .rows
        .iter()
        .map(|row| row.measures[0].unwrap())
        .collect();
    assert!(
        units.windows(2).all(|pair| pair[0] <= pair[1]),
        "bottom 10 ascend: {units:?}"
    );
}

#[test]
fn gold_and_silver_agree() {
    let fixture = fixture();
    let (_, gold) = fixture.run(sales(
        &[Measure::Revenue, Measure::Units],
        &[Dimension::Store],
        "2024-01-01",
        "2026-11-14",
    ));
    let (_, silver) = fixture.run(sales(
        &[Measure::Revenue, Measure::Units, Measure::Orders],
        &[Dimension::Store],
        "2024-01-01",
        "2026-11-14",
    ));
    assert_eq!((gold.source, silver.source), (Source::Gold, Source::Silver));
    for (g, s) in gold.rows.iter().zip(&silver.rows) {
        assert_eq!(g.dimensions, s.dimensions);
        close(g.measures[0], s.measures[0], "revenue");
        close(g.measures[1], s.measures[1], "units");
    }
}

#[test]
fn unknown_values_are_refused_naming_the_closest() {
    let fixture = fixture();
    let mut query = sales(&[Measure::Revenue], &[], "2025-01-01", "2025-12-31");
    query.filters = vec![Filter::one_of(Dimension::Brand, vec!["Stryde".into()])];
    let error = resolve_filters(fixture.connection.as_ref(), &mut query).unwrap_err();
    assert!(matches!(error, SemanticError::UnknownValue { .. }));
    assert_eq!(
        error.to_string(),
        "unknown brand 'Stryde' — did you mean Stride?"
    );
}
