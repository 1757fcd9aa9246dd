//! The measures and dimensions a semantic query may name.
//!
//! Names are the IR's words (`avg_order_value`, `subcategory`); how each is computed in SQL is
//! the semantic layer's business, not this module's.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// How a value is shown: the answer contract's column `type` and KPI `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueFormat {
    String,
    Number,
    Integer,
    Currency,
    Percentage,
    Date,
}

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $error:ident { $($variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The IR name, e.g. `avg_order_value`.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// The human label used in tables and KPIs.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl FromStr for $name {
            type Err = CoreError;
            fn from_str(text: &str) -> Result<Self, CoreError> {
                let wanted = text.trim().to_ascii_lowercase();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|item| item.name() == wanted)
                    .ok_or_else(|| CoreError::$error {
                        given: text.to_string(),
                        known: $name::ALL.iter().map(|item| item.name()).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

named_enum!(
    /// A figure computed over sales lines.
    Measure, UnknownMeasure {
        Revenue => "revenue", "Revenue";
        Units => "units", "Units";
        Orders => "orders", "Orders";
        Customers => "customers", "Customers";
        AvgOrderValue => "avg_order_value", "Avg order value";
        AvgSellingPrice => "avg_selling_price", "Avg selling price";
        Cost => "cost", "Cost";
        Margin => "margin", "Margin";
        MarginPct => "margin_pct", "Margin %";
        Discount => "discount", "Discount";
        ReturnsUnits => "returns_units", "Returned units";
        ReturnsRevenue => "returns_revenue", "Returned revenue";
    }
);

named_enum!(
    /// A way to group or filter sales lines (or, for `team`, `stage` and `priority`, tickets).
    Dimension, UnknownDimension {
        Company => "company", "Company";
        Store => "store", "Store";
        Channel => "channel", "Channel";
        Brand => "brand", "Brand";
        Category => "category", "Category";
        Subcategory => "subcategory", "Subcategory";
        Gender => "gender", "Gender";
        Season => "season", "Season";
        Supplier => "supplier", "Supplier";
        Product => "product", "Product";
        Color => "color", "Color";
        Size => "size", "Size";
        Customer => "customer", "Customer";
        Segment => "segment", "Segment";
        Date => "date", "Date";
        Week => "week", "Week";
        Month => "month", "Month";
        Quarter => "quarter", "Quarter";
        Year => "year", "Year";
        Weekday => "weekday", "Weekday";
        Team => "team", "Team";
        Stage => "stage", "Stage";
        Priority => "priority", "Priority";
    }
);

impl Measure {
    pub fn format(self) -> ValueFormat {
        match self {
            Measure::Units | Measure::Orders | Measure::Customers | Measure::ReturnsUnits => {
                ValueFormat::Integer
            }
            Measure::MarginPct => ValueFormat::Percentage,
            _ => ValueFormat::Currency,
        }
    }

    /// Whether a bigger value is good news (returns and discounts are not).
    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Measure::Cost | Measure::Discount | Measure::ReturnsUnits | Measure::ReturnsRevenue
        )
    }
}

impl Dimension {
    /// Dimensions that bucket time; they sort by time and cannot be filtered by value.
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Dimension::Date
                | Dimension::Week
                | Dimension::Month
                | Dimension::Quarter
                | Dimension::Year
                | Dimension::Weekday
        )
    }

    /// Dimensions of helpdesk tickets, not of sales lines.
    pub fn is_helpdesk(self) -> bool {
        matches!(
            self,
            Dimension::Team | Dimension::Stage | Dimension::Priority
        )
    }

    pub fn format(self) -> ValueFormat {
        match self {
            Dimension::Date | Dimension::Week | Dimension::Month => ValueFormat::Date,
            Dimension::Year => ValueFormat::Integer,
            _ => ValueFormat::String,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_known_ones() {
        for measure in Measure::ALL {
            assert_eq!(measure.name().parse::<Measure>().unwrap(), *measure);
        }
        for dimension in Dimension::ALL {
            assert_eq!(dimension.name().parse::<Dimension>().unwrap(), *dimension);
        }
        let error = "turnover".parse::<Measure>().unwrap_err().to_string();
        assert!(
            error.contains("turnover") && error.contains("avg_order_value"),
            "{error}"
        );
        assert_eq!(
            serde_json::to_string(&Measure::AvgOrderValue).unwrap(),
            "\"avg_order_value\""
        );
    }
}
