//! The model router (seed 000's `ai.analyst.model.router`, doc 08): deterministic and
//! explainable. A question the NL parser understood goes to the deterministic analyst; any
//! other question's signals pick the cheapest tier that should do the job, and the route keeps
//! the signals and reasons for `meta.route`.

mod choice;
mod escalation;
mod signals;

use serde::Serialize;

use crate::config::CostTier;

pub use choice::{candidates, choose};
pub use escalation::Escalation;
pub(crate) use escalation::after_answer;
pub use signals::{Signal, SignalKind};

/// Where a question goes, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    /// `None`: the deterministic analyst answers; no provider is called.
    pub tier: Option<CostTier>,
    pub signals: Vec<Signal>,
    /// Plain sentences: the routing decision, then any escalation or fallback of the run.
    pub reasons: Vec<String>,
}

impl Route {
    pub fn is_deterministic(&self) -> bool {
        self.tier.is_none()
    }

    /// `deterministic`, `cheap`, `standard` or `premium` (the value of `meta.route`).
    pub fn label(&self) -> &'static str {
        self.tier.map_or("deterministic", CostTier::as_str)
    }
}

/// Routes a question. `conversation_depth` is the number of earlier messages in the
/// conversation; `parser_confident` whether the deterministic NL parser understood it.
///
/// Two or more premium signals → premium; two or more signals of which any may be premium →
/// standard; else cheap.
pub fn route(question: &str, conversation_depth: usize, parser_confident: bool) -> Route {
    if parser_confident {
        let reason = "the NL parser understood the question: the deterministic analyst answers";
        return Route {
            tier: None,
            signals: Vec::new(),
            reasons: vec![reason.into()],
        };
    }
    let signals = signals::detect(question, conversation_depth);
    let premium = signals
        .iter()
        .filter(|signal| signal.kind.tier() == CostTier::Premium)
        .count();
    let tier = if premium >= 2 {
        CostTier::Premium
    } else if signals.len() >= 2 {
        CostTier::Standard
    } else {
        CostTier::Cheap
    };
    let listed: Vec<String> = signals.iter().map(Signal::to_string).collect();
    let reason = if signals.is_empty() {
        "the NL parser did not understand the question and it shows no complexity signal: cheap"
            .to_owned()
    } else {
        format!(
            "{} signal(s), {premium} of them premium ({}): {tier}",
            signals.len(),
            listed.join(", ")
        )
    };
    Route {
        tier: Some(tier),
        signals,
        reasons: vec![reason],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confident_parse_is_deterministic() {
        let route = route("why did revenue drop vs last month", 0, true);
        assert!(route.is_deterministic());
        assert_eq!(route.label(), "deterministic");
    }

    #[test]
    fn the_reason_lists_the_signals() {
        let route = route("Why did revenue fall compared to September?", 0, false);
        assert_eq!(route.tier, Some(CostTier::Standard));
        assert!(
            route.reasons[0].contains("why/explain"),
            "{:?}",
            route.reasons
        );
        assert!(
            route.reasons[0].contains("comparison"),
            "{:?}",
            route.reasons
        );
    }
}
