//! When the demo business sells: outlets (a channel at a location), growth, seasons, weekdays,
//! holidays and promotion days, and the exact number of sales lines of each day and outlet.

use analyst_core::rows::Channel;
use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::catalog::Location;

/// A channel sold through a location, with its share of the lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outlet {
    pub channel: Channel,
    pub location: Location,
    weight: f64,
}

pub(crate) const OUTLETS: [Outlet; 9] = [
    outlet(Channel::Store, 0, 17.0),
    outlet(Channel::Store, 1, 12.5),
    outlet(Channel::Store, 2, 9.0),
    outlet(Channel::Store, 3, 7.0),
    outlet(Channel::Store, 4, 7.5),
    outlet(Channel::Online, 5, 16.0),
    outlet(Channel::Online, 6, 4.0),
    outlet(Channel::Marketplace, 5, 13.0),
    outlet(Channel::Wholesale, 5, 6.0),
];

const fn outlet(channel: Channel, location: Location, weight: f64) -> Outlet {
    Outlet {
        channel,
        location,
        weight,
    }
}

/// Khon Kaen opened in September 2024: no sales before.
const KHON_KAEN: Location = 3;
const KHON_KAEN_OPENING: NaiveDate = match NaiveDate::from_ymd_opt(2024, 9, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// Sales lines of every day and outlet; the grand total is exactly the configured number.
pub(crate) struct Plan {
    pub start: NaiveDate,
    pub days: Vec<[u32; OUTLETS.len()]>,
}

impl Plan {
    pub(crate) fn day(&self, index: usize) -> NaiveDate {
        self.start + Duration::days(index as i64)
    }
}

/// Spreads `lines` over the days from `start` to `end` and over the outlets of each day, in
/// proportion to their demand, so the totals are exact.
pub(crate) fn plan(lines: u64, start: NaiveDate, end: NaiveDate) -> Plan {
    let end = end.max(start);
    let count = (end - start).num_days() as usize + 1;
    let weights: Vec<[f64; OUTLETS.len()]> = (0..count)
        .map(|index| {
            let day = start + Duration::days(index as i64);
            let mut row = [0.0; OUTLETS.len()];
            for (slot, outlet) in row.iter_mut().zip(OUTLETS.iter()) {
                *slot = outlet_demand(outlet, day, start);
            }
            row
        })
        .collect();
    let day_totals: Vec<f64> = weights.iter().map(|row| row.iter().sum()).collect();
    let per_day = apportion(lines, &day_totals);
    let days = weights
        .iter()
        .zip(per_day)
        .map(|(row, total)| {
            let split = apportion(total, row);
            let mut counts = [0u32; OUTLETS.len()];
            for (slot, value) in counts.iter_mut().zip(split) {
                *slot = u32::try_from(value).unwrap_or(u32::MAX);
            }
            counts
        })
        .collect();
    Plan { start, days }
}

/// Splits `total` into integers proportional to `weights` that add up to `total` exactly.
fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        let mut parts = vec![0; weights.len()];
        if let Some(first) = parts.first_mut() {
            *first = total;
        }
        return parts;
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut running = 0.0;
    let mut given = 0u64;
    for weight in weights {
        running += weight;
        let until = ((running / sum) * total as f64).round() as u64;
        let until = until.min(total).max(given);
        parts.push(until - given);
        given = until;
    }
    if let Some(last) = parts.last_mut() {
        *last += total - given;
    }
    parts
}

/// Relative demand of an outlet on a day.
fn outlet_demand(outlet: &Outlet, day: NaiveDate, start: NaiveDate) -> f64 {
    if outlet.location == KHON_KAEN && day < KHON_KAEN_OPENING {
        return 0.0;
    }
    let years = (day - start).num_days() as f64 / 365.25;
    let growth = 1.0 + 0.12 * years;
    let month = MONTH_SEASON[day.month0() as usize];
    let weekday = weekday_factor(outlet.channel, day.weekday());
    let tourist = match (outlet.location, day.month()) {
        // Phuket and Chiang Mai live from the high season (November to February).
        (2 | 4, 11 | 12 | 1 | 2) => 1.3,
        (2 | 4, 6..=9) => 0.8,
        _ => 1.0,
    };
    outlet.weight * growth * month * weekday * tourist * event_factor(outlet, day)
}

const MONTH_SEASON: [f64; 12] = [
    1.0, 0.9, 1.0, 1.1, 0.95, 0.9, 0.95, 1.0, 0.9, 1.0, 1.15, 1.35,
];

fn weekday_factor(channel: Channel, weekday: Weekday) -> f64 {
    use Weekday::*;
    match (channel, weekday) {
        (Channel::Store, Mon | Tue) => 0.85,
        (Channel::Store, Wed | Thu) => 0.9,
        (Channel::Store, Fri) => 1.05,
        (Channel::Store, Sat) => 1.4,
        (Channel::Store, Sun) => 1.35,
        (Channel::Online, Mon | Tue) => 1.1,
        (Channel::Online, Sat | Sun) => 0.95,
        (Channel::Online, _) => 1.0,
        (Channel::Marketplace, _) => 1.0,
        (Channel::Wholesale, Sat) => 0.15,
        (Channel::Wholesale, Sun) => 0.0,
        (Channel::Wholesale, _) => 1.0,
    }
}

/// Holidays and sale events.
fn event_factor(outlet: &Outlet, day: NaiveDate) -> f64 {
    let (month, date) = (day.month(), day.day());
    let digital = matches!(outlet.channel, Channel::Online | Channel::Marketplace);
    let store = outlet.channel == Channel::Store;
    let bangkok = outlet.location <= 1;
    let mut factor = 1.0;
    if month == date && digital {
        // Double-day campaigns (9.9, 10.10, 11.11, 12.12) drive the marketplaces.
        factor *= match (month, outlet.channel) {
            (11, Channel::Marketplace) => 5.0,
            (12, Channel::Marketplace) => 4.0,
            (_, Channel::Marketplace) => 3.0,
            (11, _) => 3.0,
            _ => 2.0,
        };
    }
    if digital && (25..=28).contains(&date) {
        factor *= 1.2; // payday
    }
    match (month, date) {
        (1, 1) if store => factor *= 0.5,
        (4, 8..=12) if store => factor *= 1.2, // before Songkran
        (4, 13..=15) if store && bangkok => factor *= 0.6,
        (4, 13..=15) if store => factor *= 1.2,
        (6, 20..=30) | (7, 1..=10) if store || digital => factor *= 1.25, // mid-year sale
        (12, 20..=31) if store => factor *= 1.45,                         // year-end sale
        _ => {}
    }
    if is_black_friday_weekend(day) {
        factor *= if digital {
            2.0
        } else if store {
            1.3
        } else {
            1.0
        };
    }
    factor
}

/// The last Friday of November and the weekend after it.
fn is_black_friday_weekend(day: NaiveDate) -> bool {
    if day.month() != 11 {
        return false;
    }
    let Some(last) = NaiveDate::from_ymd_opt(day.year(), 11, 30) else {
        return false;
    };
    let back =
        (last.weekday().num_days_from_monday() + 7 - Weekday::Fri.num_days_from_monday()) % 7;
    let friday = last - Duration::days(i64::from(back));
    day >= friday && day <= friday + Duration::days(2)
}

/// The share of lines sold at a promotional price on `day` through `channel`.
pub(crate) fn promotion_share(channel: Channel, day: NaiveDate) -> f64 {
    let (month, date) = (day.month(), day.day());
    let digital = matches!(channel, Channel::Online | Channel::Marketplace);
    if month == date && digital {
        return 0.7;
    }
    if is_black_friday_weekend(day) {
        return 0.6;
    }
    match (month, date) {
        (6, 20..=30) | (7, 1..=10) | (12, 20..=31) => 0.5,
        _ if channel == Channel::Marketplace => 0.3,
        _ => 0.08,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_line_is_planned_exactly_once() {
        for lines in [0, 1, 7, 20_000, 1_000_003] {
            let plan = plan(lines, day("2024-01-01"), day("2026-11-14"));
            let total: u64 = plan.days.iter().flatten().map(|&n| u64::from(n)).sum();
            assert_eq!(total, lines);
        }
        let single = plan(50, day("2026-01-01"), day("2026-01-01"));
        assert_eq!(single.days.len(), 1);
    }

    #[test]
    fn khon_kaen_sells_only_after_opening_and_wholesale_rests_on_sunday() {
        let plan = plan(200_000, day("2024-01-01"), day("2024-12-31"));
        for (index, counts) in plan.days.iter().enumerate() {
            let date = plan.day(index);
            if date < KHON_KAEN_OPENING {
                assert_eq!(counts[3], 0, "{date}");
            }
            if date.weekday() == Weekday::Sun {
                assert_eq!(counts[8], 0, "{date}");
            }
        }
        let eleven = (day("2024-11-11") - day("2024-01-01")).num_days() as usize;
        let ordinary = (day("2024-11-18") - day("2024-01-01")).num_days() as usize;
        assert!(
            plan.days[eleven][7] > 3 * plan.days[ordinary][7],
            "11.11 drives marketplaces"
        );
    }

    #[test]
    fn black_friday_is_the_last_friday_of_november() {
        assert!(is_black_friday_weekend(day("2026-11-27")));
        assert!(is_black_friday_weekend(day("2026-11-29")));
        assert!(!is_black_friday_weekend(day("2026-11-20")));
        assert!(is_black_friday_weekend(day("2025-11-28")));
    }
}
