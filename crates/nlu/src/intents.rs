//! Tool intents: questions answered by a tool other than `sales_by_dimension` ("which products
//! will run out", "dead stock", "suggest a reorder", "sales velocity", "sell-through",
//! "open tickets by team", receivables, payables, ABC, return rate, margin analysis, stock
//! value and age).
//!
//! The intent is read first, from phrases that name it; its words are taken so that the other
//! readers do not see them ("stock" is not a value, "sell" not a sales cue). The tool's own
//! parameters are then read by [`crate::tool_params`]; filters, groupings, periods and limits
//! come from the usual readers.

use analyst_core::Tool;

use crate::text::Tokens;

type Phrases = &'static [&'static [&'static str]];

/// Tools in the order they win when phrases of several appear ("reorder what will run out" is a
/// reorder; "dead stock" is not stock on hand).
const INTENTS: &[(Tool, Phrases)] = &[
    (
        Tool::DeadStock,
        &[
            &["dead", "stock"],
            &["deadstock"],
            &["dead", "inventory"],
            &["dead", "items"],
            &["no", "sales", "for"],
            &["no", "sales", "in"],
            &["no", "sales", "since"],
            &["no", "sale", "for"],
            &["no", "sale", "in"],
            &["zero", "sales"],
            &["without", "sales"],
            &["without", "any", "sales"],
            &["without", "a", "sale"],
            &["not", "sold"],
            &["unsold"],
            &["never", "sold"],
            &["havent", "sold"],
            &["hasnt", "sold"],
            &["not", "selling"],
            &["stopped", "selling"],
            &["non", "moving"],
            &["nonmoving"],
            &["slow", "moving"],
            &["slow", "movers"],
            &["obsolete"],
        ],
    ),
    (
        Tool::ReorderSuggestion,
        &[
            &["reorder"],
            &["reorders"],
            &["reordering"],
            &["re", "order"],
            &["replenish"],
            &["replenishment"],
            &["restock"],
            &["restocking"],
            &["what", "to", "order"],
            &["what", "to", "buy"],
            &["what", "should", "we", "order"],
            &["what", "should", "i", "order"],
            &["what", "should", "we", "buy"],
            &["need", "to", "order"],
            &["order", "more"],
            &["buy", "more"],
            &["purchase", "suggestion"],
            &["purchase", "suggestions"],
            &["purchase", "proposal"],
            &["purchase", "proposals"],
            &["order", "suggestion"],
            &["order", "suggestions"],
        ],
    ),
    (
        Tool::StockAging,
        &[
            &["stock", "aging"],
            &["stock", "ageing"],
            &["inventory", "aging"],
            &["inventory", "ageing"],
            &["aging", "stock"],
            &["ageing", "stock"],
            &["aged", "stock"],
            &["aged", "inventory"],
            &["stock", "age"],
            &["age", "of", "stock"],
            &["age", "of", "inventory"],
            &["old", "stock"],
        ],
    ),
    (
        Tool::StockCoverage,
        &[
            &["run", "out"],
            &["runs", "out"],
            &["running", "out"],
            &["ran", "out"],
            &["out", "of", "stock"],
            &["stockout"],
            &["stockouts"],
            &["stock", "out"],
            &["stock", "outs"],
            &["stock", "cover"],
            &["stock", "coverage"],
            &["days", "of", "cover"],
            &["weeks", "of", "cover"],
            &["days", "of", "stock"],
            &["weeks", "of", "stock"],
            &["days", "of", "supply"],
            &["cover"],
            &["coverage"],
            &["running", "low"],
            &["run", "low"],
            &["low", "stock"],
            &["low", "on", "stock"],
        ],
    ),
    (
        Tool::InventoryValuation,
        &[
            &["stock", "value"],
            &["inventory", "value"],
            &["value", "of", "stock"],
            &["value", "of", "inventory"],
            &["stock", "valuation"],
            &["inventory", "valuation"],
            &["valuation"],
            &["stock", "on", "hand"],
            &["on", "hand"],
            &["stock", "level"],
            &["stock", "levels"],
            &["inventory"],
            &["inventories"],
            &["stock"],
            &["stocks"],
        ],
    ),
    (
        Tool::SeasonPerformance,
        &[
            &["sell", "through"],
            &["sellthrough"],
            &["sell", "thru"],
            &["season", "performance"],
            &["seasonal", "performance"],
            &["season", "review"],
            &["season", "recap"],
        ],
    ),
    (
        Tool::BuyingVelocity,
        &[
            &["velocity"],
            &["velocities"],
            &["rate", "of", "sale"],
            &["rate", "of", "sales"],
            &["sales", "rate"],
            &["sell", "rate"],
            &["selling", "rate"],
            &["run", "rate"],
            &["how", "fast"],
            &["selling", "speed"],
            &["sales", "speed"],
        ],
    ),
    (
        Tool::HelpdeskSummary,
        &[
            &["helpdesk"],
            &["help", "desk"],
            &["ticket"],
            &["tickets"],
            &["sla"],
            &["slas"],
            &["complaint"],
            &["complaints"],
            &["support", "cases"],
            &["support", "requests"],
        ],
    ),
    (
        Tool::ApAging,
        &[
            &["payable"],
            &["payables"],
            &["ap", "aging"],
            &["ap", "ageing"],
            &["vendor", "bills"],
            &["vendor", "bill"],
            &["supplier", "bills"],
            &["supplier", "bill"],
            &["supplier", "invoices"],
            &["vendor", "invoices"],
            &["bills"],
            &["we", "owe"],
            &["creditors"],
        ],
    ),
    (
        Tool::ArAging,
        &[
            &["receivable"],
            &["receivables"],
            &["ar", "aging"],
            &["ar", "ageing"],
            &["invoices"],
            &["invoice"],
            &["overdue"],
            &["unpaid"],
            &["owes", "us"],
            &["owe", "us"],
            &["debtors"],
        ],
    ),
    (
        Tool::AbcAnalysis,
        &[
            &["abc"],
            &["pareto"],
            &["a", "b", "c", "analysis"],
            &["a", "b", "c", "classification"],
        ],
    ),
    (
        Tool::RefundReturnImpact,
        &[
            &["refund", "rate"],
            &["return", "rate"],
            &["returns", "rate"],
            &["refund", "impact"],
            &["return", "impact"],
            &["returns", "impact"],
            &["impact", "of", "returns"],
            &["impact", "of", "refunds"],
        ],
    ),
    (
        Tool::MarginAnalysis,
        &[
            &["margin", "analysis"],
            &["below", "cost"],
            &["under", "cost"],
            &["at", "a", "loss"],
            &["loss", "making"],
            &["negative", "margin"],
            &["discount", "impact"],
            &["impact", "of", "discounts"],
            &["margin", "erosion"],
        ],
    ),
];

/// Words that only dress a tool question ("suggest", "will") and carry nothing else.
pub(crate) const TOOL_FILLERS: &[&str] = &[
    "suggest",
    "suggested",
    "suggestion",
    "suggestions",
    "recommend",
    "recommended",
    "recommendation",
    "recommendations",
    "propose",
    "proposal",
    "will",
    "going",
    "soon",
    "likely",
    "expected",
    "should",
    "analysis",
    "analyse",
    "analyze",
    "classification",
    "class",
    "classes",
    "status",
    "state",
    "currently",
    "now",
    "still",
    "right",
    "any",
    "left",
    "have",
    "we",
    "up",
    "stock",
    "items",
];

/// The tool a question asks for, with the words that said so taken.
pub(crate) fn read(tokens: &mut Tokens) -> Option<Tool> {
    for (tool, phrases) in INTENTS {
        let mut found = false;
        for i in 0..tokens.len() {
            let Some(phrase) = phrases
                .iter()
                .filter(|phrase| tokens.phrase_at(i, phrase) && !exception(tokens, i, phrase))
                .max_by_key(|phrase| phrase.len())
            else {
                continue;
            };
            // "no sales for 180 days": "for" introduces the parameter, keep it free.
            let len = if matches!(phrase.last(), Some(&("for" | "in" | "since"))) {
                phrase.len() - 1
            } else {
                phrase.len()
            };
            tokens.take(i, len);
            found = true;
        }
        if found {
            return Some(*tool);
        }
    }
    None
}

/// Phrases that look like an intent and are not: "never out of stock" (the Core season),
/// "average ticket" (order value), "margin analysis" is fine but "bills" in "bills paid"…
fn exception(tokens: &Tokens, i: usize, phrase: &[&str]) -> bool {
    match phrase {
        ["out", "of", "stock"] | ["stock"] => {
            let start = if phrase.len() == 1 {
                i.saturating_sub(2)
            } else {
                i
            };
            tokens.before(start) == "never"
                && (phrase.len() == 3 || (tokens.before(i) == "of" && tokens.word(start) == "out"))
        }
        ["ticket"] | ["tickets"] => {
            matches!(tokens.before(i), "average" | "avg") || tokens.word(i + 1) == "size"
        }
        _ => false,
    }
}

/// Every word this module knows (for spelling correction).
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    INTENTS
        .iter()
        .flat_map(|(_, phrases)| phrases.iter().flat_map(|phrase| phrase.iter().copied()))
        .chain(TOOL_FILLERS.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(text: &str) -> Option<Tool> {
        read(&mut Tokens::new(&crate::text::fold(text)))
    }

    #[test]
    fn phrases_name_tools() {
        assert_eq!(
            tool("which products will run out of stock"),
            Some(Tool::StockCoverage)
        );
        assert_eq!(tool("stock cover in days"), Some(Tool::StockCoverage));
        assert_eq!(tool("dead stock at Bangna"), Some(Tool::DeadStock));
        assert_eq!(
            tool("items with no sales for 90 days"),
            Some(Tool::DeadStock)
        );
        assert_eq!(tool("suggest a reorder"), Some(Tool::ReorderSuggestion));
        assert_eq!(
            tool("what should we re-order"),
            Some(Tool::ReorderSuggestion)
        );
        assert_eq!(tool("sales velocity of Stride"), Some(Tool::BuyingVelocity));
        assert_eq!(tool("sell-through of AW25"), Some(Tool::SeasonPerformance));
        assert_eq!(tool("open tickets by team"), Some(Tool::HelpdeskSummary));
        assert_eq!(tool("overdue invoices"), Some(Tool::ArAging));
        assert_eq!(tool("unpaid supplier bills"), Some(Tool::ApAging));
        assert_eq!(tool("ABC analysis of products"), Some(Tool::AbcAnalysis));
        assert_eq!(tool("return rate by brand"), Some(Tool::RefundReturnImpact));
        assert_eq!(tool("products sold below cost"), Some(Tool::MarginAnalysis));
        assert_eq!(
            tool("stock value at Bangna"),
            Some(Tool::InventoryValuation)
        );
        assert_eq!(tool("aged stock"), Some(Tool::StockAging));
    }

    #[test]
    fn sales_words_are_not_tools() {
        assert_eq!(tool("revenue by brand last month"), None);
        assert_eq!(tool("returns by brand since March"), None);
        assert_eq!(tool("average ticket by store"), None);
        assert_eq!(tool("never out of stock revenue"), None);
        assert_eq!(tool("NOS sales"), None);
        assert_eq!(tool("slowest selling products"), None);
        assert_eq!(tool("margin % by category"), None);
    }
}
