//! What sells in each week: the chance that a sales line is for each variant, and the units a
//! buyer would plan for at each location (what replenishment orders against).

use chrono::{Datelike, Duration, NaiveDate};

use crate::calendar::{OUTLETS, Plan};
use crate::catalog::{Catalog, LOCATIONS, Location, lifecycle};
use crate::sales::units_per_line;

/// Demand of short-supply best sellers in the last weeks, relative to the plan.
const SHORT_SUPPLY_SURGE: f64 = 1.5;
/// How long before the end the surge starts.
pub(crate) const SURGE_DAYS: i64 = 42;

pub(crate) struct Demand {
    /// The Monday on or before the first day.
    first_monday: NaiveDate,
    /// Per week: cumulative sampling weights over all variants (surges included).
    cumulative: Vec<Vec<f64>>,
    /// Per week: each variant's planned share of the lines (surges excluded).
    planned: Vec<Vec<f32>>,
    /// Per week and location: units sold per day, all variants together.
    units_per_day: Vec<[f64; LOCATIONS]>,
}

impl Demand {
    pub(crate) fn new(catalog: &Catalog, plan: &Plan, end: NaiveDate) -> Demand {
        let first_monday =
            plan.start - Duration::days(i64::from(plan.start.weekday().num_days_from_monday()));
        let weeks = ((end - first_monday).num_days() / 7 + 1) as usize;
        let surge_from = end - Duration::days(SURGE_DAYS);
        let mut cumulative = Vec::with_capacity(weeks);
        let mut planned = Vec::with_capacity(weeks);
        for week in 0..weeks {
            let monday = first_monday + Duration::days(7 * week as i64);
            let sunday = monday + Duration::days(6);
            let mut running = 0.0;
            let mut sampling = Vec::with_capacity(catalog.variants.len());
            let mut plain = Vec::with_capacity(catalog.variants.len());
            for variant in &catalog.variants {
                let template = &catalog.templates[variant.template];
                // A variant sells in a week only when its whole week is inside its window.
                let weight = if lifecycle(template, sunday) > 0.0 {
                    lifecycle(template, monday) * variant.share
                } else {
                    0.0
                };
                let surge = if template.short_supply && monday >= surge_from {
                    SHORT_SUPPLY_SURGE
                } else {
                    1.0
                };
                running += weight * surge;
                sampling.push(running);
                plain.push(weight);
            }
            let total: f64 = plain.iter().sum();
            planned.push(
                plain
                    .iter()
                    .map(|weight| {
                        if total > 0.0 {
                            (weight / total) as f32
                        } else {
                            0.0
                        }
                    })
                    .collect(),
            );
            cumulative.push(sampling);
        }
        let mut units_per_day = vec![[0.0; LOCATIONS]; weeks];
        for (index, counts) in plan.days.iter().enumerate() {
            let week = ((plan.day(index) - first_monday).num_days() / 7) as usize;
            for (outlet, &lines) in OUTLETS.iter().zip(counts) {
                units_per_day[week][outlet.location] +=
                    f64::from(lines) * units_per_line(outlet.channel) / 7.0;
            }
        }
        Demand {
            first_monday,
            cumulative,
            planned,
            units_per_day,
        }
    }

    /// The week index of a day.
    pub(crate) fn week(&self, day: NaiveDate) -> usize {
        let week = ((day - self.first_monday).num_days() / 7).max(0) as usize;
        week.min(self.cumulative.len() - 1)
    }

    /// A variant drawn for a sales line in `week`, from a uniform number in [0, 1).
    pub(crate) fn pick(&self, week: usize, uniform: f64) -> usize {
        let cumulative = &self.cumulative[week.min(self.cumulative.len() - 1)];
        let total = cumulative.last().copied().unwrap_or(0.0);
        if total <= 0.0 {
            return ((uniform * cumulative.len() as f64) as usize).min(cumulative.len() - 1);
        }
        let target = uniform * total;
        cumulative
            .partition_point(|&value| value <= target)
            .min(cumulative.len() - 1)
    }

    /// Planned units per day of a variant at a location in `week` (weeks past the end repeat
    /// the last one).
    pub(crate) fn daily(&self, variant: usize, location: Location, week: usize) -> f64 {
        let week = week.min(self.planned.len() - 1);
        self.units_per_day[week][location] * f64::from(self.planned[week][variant])
    }

    /// Planned units per day over the `weeks` weeks starting at `week`, averaged.
    pub(crate) fn daily_ahead(
        &self,
        variant: usize,
        locations: &[Location],
        week: usize,
        weeks: usize,
    ) -> f64 {
        let weeks = weeks.max(1);
        let sum: f64 = (week..week + weeks)
            .flat_map(|w| locations.iter().map(move |&location| (w, location)))
            .map(|(w, location)| self.daily(variant, location, w))
            .sum();
        sum / weeks as f64
    }

    /// Whether the variant is planned to sell in any of the `weeks` weeks from `week`.
    pub(crate) fn sells_within(&self, variant: usize, week: usize, weeks: usize) -> bool {
        (week..week + weeks.max(1)).any(|w| {
            let w = w.min(self.planned.len() - 1);
            self.planned[w][variant] > 0.0
        })
    }
}
