//! A file's conventions, decided once from a sample of its values rather than row by row: a
//! file does not switch between day/month and month/day, or between decimal comma and point.

use serde::{Deserialize, Serialize};

use super::date::date_order_evidence;
use super::number::{DecimalStyle, decimal_evidence};
use crate::profile::DateOrder;

/// What a convention was decided from, so the user can be told when it was a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The file's values showed it (a day above 12, a `1.234,50`).
    Values,
    /// The values could not tell; the vendor profile says so.
    Profile,
    /// The values could not tell and nothing else did: the usual default (day/month/year,
    /// decimal point). Worth a warning to the user.
    Assumed,
}

/// How this file writes dates and numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileConventions {
    pub date_order: DateOrder,
    pub date_order_basis: Basis,
    pub decimal: DecimalStyle,
    pub decimal_basis: Basis,
}

impl FileConventions {
    /// Decides from the sample's date cells and numeric cells; where the values disagree
    /// (a file mixing both orders), the majority wins and the other rows will fail.
    pub(crate) fn decide(
        dates: &[&str],
        numbers: &[&str],
        profile_order: Option<DateOrder>,
    ) -> FileConventions {
        let (day_first, month_first) = count(
            dates.iter().filter_map(|d| date_order_evidence(d)),
            DateOrder::DayMonthYear,
        );
        let (date_order, date_order_basis) = if day_first + month_first > 0 {
            let order = if month_first > day_first {
                DateOrder::MonthDayYear
            } else {
                DateOrder::DayMonthYear
            };
            (order, Basis::Values)
        } else if let Some(order) = profile_order {
            (order, Basis::Profile)
        } else {
            (DateOrder::DayMonthYear, Basis::Assumed)
        };
        let (point, comma) = count(
            numbers.iter().filter_map(|n| decimal_evidence(n)),
            DecimalStyle::Point,
        );
        let (decimal, decimal_basis) = match (point, comma) {
            (0, 0) => (DecimalStyle::Point, Basis::Assumed),
            (point, comma) if comma > point => (DecimalStyle::Comma, Basis::Values),
            _ => (DecimalStyle::Point, Basis::Values),
        };
        FileConventions {
            date_order,
            date_order_basis,
            decimal,
            decimal_basis,
        }
    }
}

/// How many items equal `first`, and how many do not.
fn count<T: PartialEq>(items: impl Iterator<Item = T>, first: T) -> (usize, usize) {
    items.fold((0, 0), |(yes, no), item| {
        if item == first {
            (yes + 1, no)
        } else {
            (yes, no + 1)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_day_above_twelve_decides_the_whole_file() {
        let dates = ["01/02/2025", "05/06/2025", "01/13/2025"];
        let decided = FileConventions::decide(&dates, &[], Some(DateOrder::DayMonthYear));
        assert_eq!(decided.date_order, DateOrder::MonthDayYear);
        assert_eq!(decided.date_order_basis, Basis::Values);
    }

    #[test]
    fn ambiguous_dates_follow_the_profile_then_the_default() {
        let dates = ["01/02/2025", "05/06/2025"];
        let from_profile = FileConventions::decide(&dates, &[], Some(DateOrder::MonthDayYear));
        assert_eq!(from_profile.date_order, DateOrder::MonthDayYear);
        assert_eq!(from_profile.date_order_basis, Basis::Profile);
        let assumed = FileConventions::decide(&dates, &[], None);
        assert_eq!(assumed.date_order, DateOrder::DayMonthYear);
        assert_eq!(assumed.date_order_basis, Basis::Assumed);
    }

    #[test]
    fn decimal_comma_is_decided_from_the_values() {
        let decided = FileConventions::decide(&[], &["3", "1.234,50", "12,5", "1,000"], None);
        assert_eq!(decided.decimal, DecimalStyle::Comma);
        assert_eq!(decided.decimal_basis, Basis::Values);
        let assumed = FileConventions::decide(&[], &["3", "1,000"], None);
        assert_eq!(assumed.decimal, DecimalStyle::Point);
        assert_eq!(assumed.decimal_basis, Basis::Assumed);
    }
}
