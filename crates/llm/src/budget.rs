//! Daily cost budgets, the pure part: an estimate of a request's cost and the check against a
//! limit. What was spent today is the gateway's to keep in the store.

use crate::config::Price;
use crate::conversation::{ChatRequest, Message};

/// Characters per token of the estimate (a common rule of thumb for English and JSON; Thai
/// runs denser, so the estimate errs high for it).
const CHARACTERS_PER_TOKEN: usize = 4;

/// Whether spending `estimated_cost` more keeps `spent_today` within `limit` (`None`: no limit).
pub fn within_budget(spent_today: f64, estimated_cost: f64, limit: Option<f64>) -> bool {
    limit.is_none_or(|limit| spent_today + estimated_cost <= limit)
}

/// An upper estimate of one request's cost: its text as input tokens, `max_tokens` as output.
pub fn estimate_cost(price: &Price, request: &ChatRequest) -> f64 {
    let mut characters = request.system.chars().count();
    for tool in &request.tools {
        characters +=
            tool.name.len() + tool.description.chars().count() + tool.parameters.to_string().len();
    }
    for message in &request.messages {
        characters += match message {
            Message::User(text) => text.chars().count(),
            Message::Assistant { text, tool_calls } => {
                text.chars().count()
                    + tool_calls
                        .iter()
                        .map(|call| call.arguments.to_string().len())
                        .sum::<usize>()
            }
            Message::ToolResults(results) => results
                .iter()
                .map(|result| result.content.chars().count())
                .sum(),
        };
    }
    let input_tokens = characters.div_ceil(CHARACTERS_PER_TOKEN) as u64;
    price.cost(input_tokens, u64::from(request.max_tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_inclusive_and_optional() {
        assert!(within_budget(9.0, 1.0, Some(10.0)));
        assert!(!within_budget(9.5, 1.0, Some(10.0)));
        assert!(within_budget(1e9, 1.0, None));
    }

    #[test]
    fn the_estimate_counts_text_and_max_tokens() {
        let price = Price {
            input_per_1k: 1.0,
            output_per_1k: 2.0,
            currency: "THB".into(),
        };
        let request = ChatRequest {
            system: "x".repeat(2000),
            messages: vec![Message::User("y".repeat(2000))],
            tools: Vec::new(),
            max_tokens: 500,
        };
        // 4000 characters ≈ 1000 input tokens (1 THB) + 500 output tokens (1 THB).
        assert!((estimate_cost(&price, &request) - 2.0).abs() < 1e-9);
    }
}
