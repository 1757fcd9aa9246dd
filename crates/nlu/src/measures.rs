//! Measure words: "revenue", "units sold", "margin %", "AOV", "refunds"…
//!
//! Phrases are matched longest first, so "gross margin %" is a margin percentage and not a
//! margin followed by a stray "%". A measure after "by" ("top 5 brands by margin") is the one
//! the ranking sorts on.

use analyst_core::Measure;

use crate::text::Tokens;

use Measure as M;

const PHRASES: &[(&[&str], Measure)] = &[
    // Average order value.
    (&["average", "order", "value"], M::AvgOrderValue),
    (&["avg", "order", "value"], M::AvgOrderValue),
    (&["average", "order", "size"], M::AvgOrderValue),
    (&["order", "value"], M::AvgOrderValue),
    (&["aov"], M::AvgOrderValue),
    (&["average", "basket"], M::AvgOrderValue),
    (&["avg", "basket"], M::AvgOrderValue),
    (&["basket", "size"], M::AvgOrderValue),
    (&["basket", "value"], M::AvgOrderValue),
    (&["average", "ticket"], M::AvgOrderValue),
    (&["average", "transaction", "value"], M::AvgOrderValue),
    (&["revenue", "per", "order"], M::AvgOrderValue),
    (&["sales", "per", "order"], M::AvgOrderValue),
    (&["revenue", "per", "transaction"], M::AvgOrderValue),
    // Average selling price.
    (&["average", "selling", "price"], M::AvgSellingPrice),
    (&["avg", "selling", "price"], M::AvgSellingPrice),
    (&["average", "sales", "price"], M::AvgSellingPrice),
    (&["average", "sale", "price"], M::AvgSellingPrice),
    (&["average", "unit", "price"], M::AvgSellingPrice),
    (&["average", "price"], M::AvgSellingPrice),
    (&["avg", "price"], M::AvgSellingPrice),
    (&["selling", "price"], M::AvgSellingPrice),
    (&["revenue", "per", "unit"], M::AvgSellingPrice),
    (&["price", "per", "unit"], M::AvgSellingPrice),
    (&["asp"], M::AvgSellingPrice),
    // Margin percentage (before margin).
    (&["gross", "margin", "%"], M::MarginPct),
    (&["gross", "margin", "percent"], M::MarginPct),
    (&["gross", "margin", "percentage"], M::MarginPct),
    (&["margin", "in", "%"], M::MarginPct),
    (&["margin", "%"], M::MarginPct),
    (&["%", "margin"], M::MarginPct),
    (&["margin", "percent"], M::MarginPct),
    (&["margin", "percentage"], M::MarginPct),
    (&["margin", "pct"], M::MarginPct),
    (&["margin", "rate"], M::MarginPct),
    (&["margin", "ratio"], M::MarginPct),
    (&["percent", "margin"], M::MarginPct),
    (&["profit", "margin"], M::MarginPct),
    (&["profit", "%"], M::MarginPct),
    (&["gm", "%"], M::MarginPct),
    (&["gm%"], M::MarginPct),
    // Margin.
    (&["gross", "margin"], M::Margin),
    (&["gross", "profit"], M::Margin),
    (&["margin"], M::Margin),
    (&["margins"], M::Margin),
    (&["profit"], M::Margin),
    (&["profits"], M::Margin),
    (&["gp"], M::Margin),
    // Returns (before revenue and units: "returned revenue", "units returned").
    (&["returned", "value"], M::ReturnsRevenue),
    (&["return", "value"], M::ReturnsRevenue),
    (&["returns", "value"], M::ReturnsRevenue),
    (&["value", "of", "returns"], M::ReturnsRevenue),
    (&["returned", "revenue"], M::ReturnsRevenue),
    (&["returns", "revenue"], M::ReturnsRevenue),
    (&["returned", "sales"], M::ReturnsRevenue),
    (&["return", "amount"], M::ReturnsRevenue),
    (&["returns", "amount"], M::ReturnsRevenue),
    (&["refund", "amount"], M::ReturnsRevenue),
    (&["refunds"], M::ReturnsRevenue),
    (&["refund"], M::ReturnsRevenue),
    (&["refunded"], M::ReturnsRevenue),
    (&["returned", "units"], M::ReturnsUnits),
    (&["returned", "items"], M::ReturnsUnits),
    (&["returned", "pieces"], M::ReturnsUnits),
    (&["returned", "quantity"], M::ReturnsUnits),
    (&["returned", "qty"], M::ReturnsUnits),
    (&["return", "units"], M::ReturnsUnits),
    (&["units", "returned"], M::ReturnsUnits),
    (&["items", "returned"], M::ReturnsUnits),
    (&["returns"], M::ReturnsUnits),
    (&["returned"], M::ReturnsUnits),
    // Revenue.
    (&["net", "sales"], M::Revenue),
    (&["gross", "sales"], M::Revenue),
    (&["total", "sales"], M::Revenue),
    (&["sales", "value"], M::Revenue),
    (&["sales", "amount"], M::Revenue),
    (&["sales", "revenue"], M::Revenue),
    (&["net", "revenue"], M::Revenue),
    (&["sales"], M::Revenue),
    (&["sale"], M::Revenue),
    (&["revenue"], M::Revenue),
    (&["revenues"], M::Revenue),
    (&["turnover"], M::Revenue),
    (&["takings"], M::Revenue),
    (&["gmv"], M::Revenue),
    // Units.
    (&["number", "of", "units"], M::Units),
    (&["units", "sold"], M::Units),
    (&["items", "sold"], M::Units),
    (&["pieces", "sold"], M::Units),
    (&["products", "sold"], M::Units),
    (&["pairs", "sold"], M::Units),
    (&["units"], M::Units),
    (&["unit"], M::Units),
    (&["pieces"], M::Units),
    (&["pcs"], M::Units),
    (&["qty"], M::Units),
    (&["quantity"], M::Units),
    (&["quantities"], M::Units),
    (&["volume"], M::Units),
    (&["pairs"], M::Units),
    // Orders.
    (&["number", "of", "orders"], M::Orders),
    (&["number", "of", "transactions"], M::Orders),
    (&["order", "count"], M::Orders),
    (&["orders"], M::Orders),
    (&["transactions"], M::Orders),
    (&["receipts"], M::Orders),
    (&["baskets"], M::Orders),
    // Customers.
    (&["number", "of", "customers"], M::Customers),
    (&["unique", "customers"], M::Customers),
    (&["distinct", "customers"], M::Customers),
    (&["customer", "count"], M::Customers),
    (&["customers"], M::Customers),
    (&["buyers"], M::Customers),
    (&["shoppers"], M::Customers),
    // Cost.
    (&["cost", "of", "goods", "sold"], M::Cost),
    (&["cost", "of", "goods"], M::Cost),
    (&["cost", "of", "sales"], M::Cost),
    (&["cost"], M::Cost),
    (&["costs"], M::Cost),
    (&["cogs"], M::Cost),
    // Discount.
    (&["discount", "amount"], M::Discount),
    (&["discount"], M::Discount),
    (&["discounts"], M::Discount),
    (&["discounting"], M::Discount),
    (&["markdown"], M::Discount),
    (&["markdowns"], M::Discount),
];

/// A measure named in the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MeasureWord {
    pub(crate) start: usize,
    pub(crate) measure: Measure,
    /// Named after "by": what a ranking sorts on.
    pub(crate) ranks: bool,
}

/// Takes every measure phrase, in the order of the question.
pub(crate) fn read(tokens: &mut Tokens) -> Vec<MeasureWord> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some((phrase, measure)) = PHRASES
            .iter()
            .filter(|(phrase, _)| tokens.phrase_at(i, phrase))
            .max_by_key(|(phrase, _)| phrase.len())
        else {
            i += 1;
            continue;
        };
        tokens.take(i, phrase.len());
        let ranks = i > 0 && tokens.is_free(i - 1) && tokens.before(i) == "by";
        if ranks {
            tokens.take(i - 1, 1);
        }
        found.push(MeasureWord {
            start: i,
            measure: *measure,
            ranks,
        });
        i += phrase.len();
    }
    found
}

/// Whether the single word at `i` starts a measure phrase (so it is not a value there).
pub(crate) fn is_measure_word(tokens: &Tokens, i: usize) -> bool {
    PHRASES
        .iter()
        .any(|(phrase, _)| phrase.len() == 1 && phrase[0] == tokens.word(i))
}

/// Every word this module knows (for spelling correction).
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    PHRASES
        .iter()
        .flat_map(|(phrase, _)| phrase.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures(text: &str) -> Vec<Measure> {
        let mut tokens = Tokens::new(&crate::text::fold(text));
        read(&mut tokens).iter().map(|m| m.measure).collect()
    }

    #[test]
    fn reads_measures_longest_first() {
        assert_eq!(measures("margin % by category"), [M::MarginPct]);
        assert_eq!(
            measures("Gross margin % and revenue"),
            [M::MarginPct, M::Revenue]
        );
        assert_eq!(measures("revenue and margin"), [M::Revenue, M::Margin]);
        assert_eq!(measures("gross profit"), [M::Margin]);
        assert_eq!(
            measures("AOV and ASP"),
            [M::AvgOrderValue, M::AvgSellingPrice]
        );
        assert_eq!(measures("average order value"), [M::AvgOrderValue]);
        assert_eq!(measures("average price"), [M::AvgSellingPrice]);
        assert_eq!(measures("units sold"), [M::Units]);
        assert_eq!(measures("qty"), [M::Units]);
        assert_eq!(measures("number of orders"), [M::Orders]);
        assert_eq!(measures("transactions"), [M::Orders]);
        assert_eq!(measures("turnover"), [M::Revenue]);
        assert_eq!(measures("net sales"), [M::Revenue]);
        assert_eq!(measures("markdowns"), [M::Discount]);
        assert_eq!(measures("returns"), [M::ReturnsUnits]);
        assert_eq!(measures("returned value"), [M::ReturnsRevenue]);
        assert_eq!(measures("refunds"), [M::ReturnsRevenue]);
        assert_eq!(measures("COGS"), [M::Cost]);
        assert!(measures("weather in Phuket").is_empty());
    }

    #[test]
    fn a_measure_after_by_is_the_ranking_one() {
        let mut tokens = Tokens::new("top brands by margin");
        let found = read(&mut tokens);
        assert_eq!(found.len(), 1);
        assert!(found[0].ranks);
        assert!(!tokens.is_free(2));
    }
}
