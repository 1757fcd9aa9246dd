//! What each measure and dimension means in SQL, for each fact table.
//!
//! The fact table is aliased `f` and carries `period_date` (the sale date, moved forward into
//! the current period for comparison rows so both periods share time buckets).

use analyst_core::{Dimension, Measure};

/// The fact table a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `gold.daily_sales`: additive daily aggregates; fast.
    Gold,
    /// `silver.sales_line`: one row per line; needed for distinct counts and customers.
    Silver,
}

impl Source {
    pub fn table(self) -> &'static str {
        match self {
            Source::Gold => "gold.daily_sales",
            Source::Silver => "silver.sales_line",
        }
    }

    /// The cheapest table that can answer for these measures and dimensions.
    pub fn for_query(measures: &[Measure], dimensions: &[Dimension]) -> Source {
        let needs_lines = measures
            .iter()
            .any(|measure| bases(*measure).iter().any(|base| base.needs_lines()))
            || dimensions
                .iter()
                .any(|dimension| matches!(dimension, Dimension::Customer | Dimension::Segment));
        if needs_lines {
            Source::Silver
        } else {
            Source::Gold
        }
    }
}

/// Tables joined to the facts, in the order they must be joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Join {
    Company,
    Store,
    Product,
    Supplier,
    Customer,
}

impl Join {
    pub(crate) fn clause(self) -> &'static str {
        match self {
            Join::Company => "JOIN silver.company c ON c.id = f.company_id",
            Join::Store => "JOIN silver.store s ON s.id = f.store_id",
            Join::Product => "JOIN silver.product p ON p.id = f.product_id",
            Join::Supplier => "LEFT JOIN silver.supplier sup ON sup.id = p.supplier_id",
            Join::Customer => "LEFT JOIN silver.customer cu ON cu.id = f.customer_id",
        }
    }
}

/// The SQL expression of a dimension and the joins it needs.
pub(crate) fn dimension_sql(dimension: Dimension) -> (&'static str, &'static [Join]) {
    use Dimension::*;
    match dimension {
        Company => ("c.name", &[Join::Company]),
        Store => ("s.name", &[Join::Store]),
        Channel => ("f.channel", &[]),
        Brand => ("p.brand", &[Join::Product]),
        Category => ("p.category", &[Join::Product]),
        Subcategory => ("p.subcategory", &[Join::Product]),
        Gender => ("p.gender", &[Join::Product]),
        Season => ("p.season", &[Join::Product]),
        Supplier => (
            "COALESCE(sup.name, '(no supplier)')",
            &[Join::Product, Join::Supplier],
        ),
        Product => ("p.name", &[Join::Product]),
        Color => ("p.color", &[Join::Product]),
        Size => ("p.size", &[Join::Product]),
        Customer => ("COALESCE(cu.name, '(anonymous)')", &[Join::Customer]),
        Segment => ("COALESCE(cu.segment, '(anonymous)')", &[Join::Customer]),
        Date => ("f.period_date", &[]),
        Week => ("CAST(date_trunc('week', f.period_date) AS DATE)", &[]),
        Month => ("CAST(date_trunc('month', f.period_date) AS DATE)", &[]),
        Quarter => ("CAST(date_trunc('quarter', f.period_date) AS DATE)", &[]),
        Year => ("CAST(EXTRACT(YEAR FROM f.period_date) AS INTEGER)", &[]),
        Weekday => ("CAST(EXTRACT(ISODOW FROM f.period_date) AS INTEGER)", &[]),
        // Helpdesk dimensions are refused by `SemanticQuery::validate` before compiling.
        Team | Stage | Priority => ("NULL", &[]),
    }
}

/// The query listing every known value of a categorical dimension (for matching filters).
pub(crate) fn values_sql(dimension: Dimension) -> Option<&'static str> {
    use Dimension::*;
    Some(match dimension {
        Company => "SELECT name FROM silver.company ORDER BY name",
        Store => "SELECT name FROM silver.store ORDER BY name",
        Channel => "SELECT code FROM silver.channel ORDER BY code",
        Brand => "SELECT DISTINCT brand FROM silver.product ORDER BY 1",
        Category => "SELECT DISTINCT category FROM silver.product ORDER BY 1",
        Subcategory => "SELECT DISTINCT subcategory FROM silver.product ORDER BY 1",
        Gender => "SELECT DISTINCT gender FROM silver.product ORDER BY 1",
        Season => "SELECT DISTINCT season FROM silver.product ORDER BY 1",
        Supplier => "SELECT name FROM silver.supplier ORDER BY name",
        Product => "SELECT DISTINCT name FROM silver.product ORDER BY 1",
        Color => "SELECT DISTINCT color FROM silver.product ORDER BY 1",
        Size => "SELECT DISTINCT size FROM silver.product ORDER BY 1",
        Customer => "SELECT DISTINCT name FROM silver.customer ORDER BY 1",
        Segment => "SELECT DISTINCT segment FROM silver.customer ORDER BY 1",
        Team => "SELECT DISTINCT team FROM silver.helpdesk_ticket ORDER BY 1",
        Stage => "SELECT DISTINCT stage FROM silver.helpdesk_ticket ORDER BY 1",
        Priority => {
            "SELECT DISTINCT CAST(priority AS VARCHAR) FROM silver.helpdesk_ticket ORDER BY 1"
        }
        // Helpdesk values are understood in ticket questions only (see the NLU's scopes).
        Date | Week | Month | Quarter | Year | Weekday => return None,
    })
}

/// An additive (or distinct-count) aggregate that measures are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Base {
    Revenue,
    Units,
    Cost,
    Discount,
    ReturnsUnits,
    ReturnsRevenue,
    Orders,
    Customers,
}

impl Base {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Base::Revenue => "revenue",
            Base::Units => "units",
            Base::Cost => "cost",
            Base::Discount => "discount",
            Base::ReturnsUnits => "returns_units",
            Base::ReturnsRevenue => "returns_revenue",
            Base::Orders => "orders",
            Base::Customers => "customers",
        }
    }

    fn needs_lines(self) -> bool {
        matches!(self, Base::Orders | Base::Customers)
    }

    /// The aggregate over `f`, with `condition` (a period test) added to its FILTER.
    pub(crate) fn aggregate_sql(self, source: Source, condition: Option<&str>) -> String {
        let (function, argument, own_condition) = match (self, source) {
            (Base::Revenue, Source::Gold) => ("SUM", "f.revenue", None),
            (Base::Units, Source::Gold) => ("SUM", "f.units", None),
            (Base::Cost, Source::Gold) => ("SUM", "f.cost", None),
            (Base::Discount, Source::Gold) => ("SUM", "f.discount", None),
            (Base::ReturnsUnits, Source::Gold) => ("SUM", "f.returns_units", None),
            (Base::ReturnsRevenue, Source::Gold) => ("SUM", "f.returns_revenue", None),
            (Base::Revenue, Source::Silver) => ("SUM", "f.net_amount", None),
            (Base::Units, Source::Silver) => ("SUM", "f.qty", None),
            (Base::Cost, Source::Silver) => ("SUM", "f.cost_amount", None),
            (Base::Discount, Source::Silver) => ("SUM", "f.discount_amount", None),
            (Base::ReturnsUnits, Source::Silver) => ("SUM", "-f.qty", Some("f.qty < 0")),
            (Base::ReturnsRevenue, Source::Silver) => ("SUM", "-f.net_amount", Some("f.qty < 0")),
            (Base::Orders, _) => ("COUNT", "DISTINCT f.order_ref", Some("f.qty > 0")),
            (Base::Customers, _) => ("COUNT", "DISTINCT f.customer_id", Some("f.qty > 0")),
        };
        let conditions: Vec<&str> = own_condition.into_iter().chain(condition).collect();
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" FILTER (WHERE {})", conditions.join(" AND "))
        };
        format!("CAST(COALESCE({function}({argument}){filter}, 0) AS DOUBLE PRECISION)")
    }
}

/// The bases a measure is computed from.
pub(crate) fn bases(measure: Measure) -> &'static [Base] {
    use Measure::*;
    match measure {
        Revenue => &[Base::Revenue],
        Units => &[Base::Units],
        Orders => &[Base::Orders],
        Customers => &[Base::Customers],
        AvgOrderValue => &[Base::Revenue, Base::Orders],
        AvgSellingPrice => &[Base::Revenue, Base::Units],
        Cost => &[Base::Cost],
        Margin => &[Base::Revenue, Base::Cost],
        MarginPct => &[Base::Revenue, Base::Cost],
        Discount => &[Base::Discount],
        ReturnsUnits => &[Base::ReturnsUnits],
        ReturnsRevenue => &[Base::ReturnsRevenue],
    }
}

/// The measure as a formula over its bases; `prefix` picks the period (`b_` current, `p_`
/// previous). Ratios are NULL when their denominator is zero.
pub(crate) fn measure_formula(measure: Measure, prefix: &str) -> String {
    use Measure::*;
    let base = |base: Base| format!("{prefix}{}", base.name());
    match measure {
        Revenue | Units | Orders | Customers | Cost | Discount | ReturnsUnits | ReturnsRevenue => {
            base(bases(measure)[0])
        }
        AvgOrderValue => format!(
            "{} / NULLIF({}, 0)",
            base(Base::Revenue),
            base(Base::Orders)
        ),
        AvgSellingPrice => format!("{} / NULLIF({}, 0)", base(Base::Revenue), base(Base::Units)),
        Margin => format!("{} - {}", base(Base::Revenue), base(Base::Cost)),
        MarginPct => format!(
            "({r} - {c}) * 100 / NULLIF({r}, 0)",
            r = base(Base::Revenue),
            c = base(Base::Cost)
        ),
    }
}
