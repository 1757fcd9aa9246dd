//! The parameters of tool questions, beside filters and periods: how far ahead stock must last
//! ("in the next 14 days" → `horizon_days`), how long without a sale makes stock dead ("no
//! sales for 6 months" → `days_without_sales`), the cover a reorder aims at ("for the next 8
//! weeks" → `target_cover_days`), and the state of helpdesk tickets ("open", "closed",
//! "overdue" → `state`, `sla`).

use analyst_core::Tool;
use serde_json::{Map, Value};

use crate::calendar::Unit;
use crate::points::count_word;
use crate::text::Tokens;

/// Words that introduce a duration and are taken with it.
const LEAD_IN: &[&str] = &[
    "in",
    "the",
    "next",
    "coming",
    "within",
    "over",
    "for",
    "under",
    "below",
    "less",
    "fewer",
    "than",
    "more",
    "at",
    "least",
    "of",
    "upcoming",
    "following",
];
/// Words before a duration that make it a look back ("last 90 days"), not a look ahead.
const LOOK_BACK: &[&str] = &["last", "past", "previous", "prior", "trailing"];

/// Reads the tool's parameters, taking their words.
pub(crate) fn read(tool: Tool, tokens: &mut Tokens) -> Map<String, Value> {
    let mut params = Map::new();
    match tool {
        Tool::StockCoverage => {
            if let Some(days) = duration(tokens, false) {
                params.insert("horizon_days".into(), days.into());
            }
            // "stock cover in days": the unit of the answer, nothing to filter on.
            for i in 0..tokens.len() {
                if tokens.phrase_at(i, &["in", "days"]) || tokens.phrase_at(i, &["in", "weeks"]) {
                    tokens.take(i, 2);
                }
            }
        }
        Tool::ReorderSuggestion => {
            if let Some(days) = duration(tokens, false) {
                params.insert("target_cover_days".into(), days.into());
            }
        }
        Tool::DeadStock => {
            if let Some(days) = duration(tokens, true) {
                params.insert("days_without_sales".into(), days.into());
            }
        }
        Tool::HelpdeskSummary => read_ticket_state(tokens, &mut params),
        _ => {}
    }
    params
}

/// The first duration among the free words ("14 days", "two weeks", "next month", "a year"),
/// in days, with its lead-in and trailing words taken. A look back ("last 90 days") counts
/// only when `look_back` (dead stock); otherwise it is left for the period reader.
fn duration(tokens: &mut Tokens, look_back: bool) -> Option<u32> {
    for i in 0..tokens.len() {
        let Some((len, days)) = duration_at(tokens, i) else {
            continue;
        };
        let mut start = i;
        while let Some(before) = start.checked_sub(1) {
            let word = tokens.word(before);
            let lead = LEAD_IN.contains(&word) || (look_back && LOOK_BACK.contains(&word));
            if !lead || !tokens.is_free(before) {
                break;
            }
            start = before;
        }
        if !look_back && (start..i).any(|j| LOOK_BACK.contains(&tokens.word(j))) {
            continue;
        }
        if !look_back && LOOK_BACK.contains(&tokens.before(start)) {
            continue;
        }
        let mut end = i + len;
        for trailing in [
            &["ahead"][..],
            &["from", "now"],
            &["or", "more"],
            &["or", "longer"],
            &["and", "more"],
            &["and", "over"],
            &["of", "cover"],
            &["of", "stock"],
            &["of", "coverage"],
        ] {
            if tokens.phrase_at(end, trailing) {
                end += trailing.len();
            }
        }
        tokens.take(start, end - start);
        return Some(days);
    }
    None
}

/// A duration starting at `i`: (words, days).
fn duration_at(tokens: &Tokens, i: usize) -> Option<(usize, u32)> {
    let word = tokens.word(i);
    if word == "fortnight" && tokens.span_free(i, 1) {
        return Some((1, 14));
    }
    let (count, unit_at) = match count_word(word) {
        Some(count) => (count, i + 1),
        None if matches!(word, "a" | "an" | "next" | "one") => (1, i + 1),
        None => return None,
    };
    let unit = Unit::from_word(tokens.word(unit_at))?;
    let per_unit = match unit {
        Unit::Day => 1,
        Unit::Week => 7,
        Unit::Month => 30,
        Unit::Quarter => 91,
        Unit::Year => 365,
    };
    let len = unit_at + 1 - i;
    // "next week" keeps "next" as part of the duration.
    tokens
        .span_free(i, len)
        .then_some((len, count.checked_mul(per_unit)?))
}

/// "open", "closed", "overdue" tickets.
fn read_ticket_state(tokens: &mut Tokens, params: &mut Map<String, Value>) {
    for i in 0..tokens.len() {
        if !tokens.is_free(i) {
            continue;
        }
        let state = match tokens.word(i) {
            "open" | "unresolved" | "unsolved" | "pending" | "outstanding" | "active"
            | "backlog" | "unanswered" => Some("open"),
            "closed" | "solved" | "resolved" | "done" | "finished" => Some("closed"),
            _ => None,
        };
        if let Some(state) = state {
            params.entry("state").or_insert_with(|| state.into());
            tokens.take(i, 1);
            continue;
        }
        let breached = match tokens.word(i) {
            "overdue" | "breached" | "breach" | "breaches" | "breaching" | "late" => 1,
            "past" if tokens.word(i + 1) == "due" => 2,
            _ => 0,
        };
        if breached > 0 {
            params.insert("sla".into(), "breached".into());
            tokens.take(i, breached);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(tool: Tool, text: &str) -> (Map<String, Value>, usize) {
        let mut tokens = Tokens::new(&crate::text::fold(text));
        let params = read(tool, &mut tokens);
        (params, tokens.free_indices().count())
    }

    fn one(key: &str, value: impl Into<Value>) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert(key.into(), value.into());
        map
    }

    #[test]
    fn horizons_look_ahead() {
        let coverage = Tool::StockCoverage;
        assert_eq!(
            params(coverage, "in the next 14 days"),
            (one("horizon_days", 14), 0)
        );
        assert_eq!(
            params(coverage, "within two weeks"),
            (one("horizon_days", 14), 0)
        );
        assert_eq!(params(coverage, "next month"), (one("horizon_days", 30), 0));
        assert_eq!(
            params(coverage, "less than 10 days of cover"),
            (one("horizon_days", 10), 0)
        );
        assert_eq!(
            params(coverage, "14 days ahead"),
            (one("horizon_days", 14), 0)
        );
        assert_eq!(params(coverage, "cover in days"), (Map::new(), 1));
        // A look back is a period, not a horizon.
        assert_eq!(params(coverage, "over the last 4 weeks").0, Map::new());
        assert_eq!(
            params(Tool::ReorderSuggestion, "for the next 8 weeks"),
            (one("target_cover_days", 56), 0)
        );
    }

    #[test]
    fn dead_stock_durations() {
        let dead = Tool::DeadStock;
        assert_eq!(
            params(dead, "for 180 days"),
            (one("days_without_sales", 180), 0)
        );
        assert_eq!(
            params(dead, "in the last 6 months"),
            (one("days_without_sales", 180), 0)
        );
        assert_eq!(
            params(dead, "for a year"),
            (one("days_without_sales", 365), 0)
        );
        assert_eq!(params(dead, "at Bangna").0, Map::new());
    }

    #[test]
    fn ticket_states() {
        let helpdesk = Tool::HelpdeskSummary;
        assert_eq!(params(helpdesk, "open"), (one("state", "open"), 0));
        assert_eq!(params(helpdesk, "unresolved"), (one("state", "open"), 0));
        assert_eq!(params(helpdesk, "solved"), (one("state", "closed"), 0));
        assert_eq!(params(helpdesk, "overdue"), (one("sla", "breached"), 0));
    }
}
