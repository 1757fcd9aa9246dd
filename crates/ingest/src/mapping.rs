//! Column mappings typed by people (`--map "date=Order Date,sku=Product ID,qty=Qty"`) and the
//! rule every mapping must meet: a date, a product key, a quantity and a way to an amount.

use std::collections::BTreeMap;

use crate::error::IngestError;
use crate::field::Field;

/// Parses `field=Header` pairs separated by commas or new lines. A header holding a comma is
/// quoted: `sku="Code, internal"`. Fields accept aliases (`qty`, `store`, `amount`, …).
pub fn parse_mapping(text: &str) -> Result<BTreeMap<Field, String>, IngestError> {
    let mut columns = BTreeMap::new();
    for entry in split_entries(text) {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let bad = |reason: String| IngestError::BadMapping {
            entry: entry.to_owned(),
            reason,
        };
        let (name, header) = entry
            .split_once('=')
            .ok_or_else(|| bad("write it as field=Column header, e.g. qty=Quantity".into()))?;
        let field: Field = name.parse().map_err(|error| bad(format!("{error}")))?;
        let header = unquote(header.trim());
        if header.is_empty() {
            return Err(bad("the column header after '=' is empty".into()));
        }
        if let Some(previous) = columns.insert(field, header.to_owned()) {
            return Err(bad(format!(
                "{field} is mapped twice ('{previous}' and '{header}')"
            )));
        }
    }
    check_complete(&columns)?;
    Ok(columns)
}

/// Checks that a mapping can make a sales row: a date, a product (SKU, barcode or name), a
/// quantity, and an amount (net, gross, or unit price).
pub(crate) fn check_complete(columns: &BTreeMap<Field, String>) -> Result<(), IngestError> {
    let has = |field: Field| columns.contains_key(&field);
    let mut missing = Vec::new();
    if !has(Field::Date) {
        missing.push("a date column (date=…)");
    }
    if !(has(Field::Sku) || has(Field::Barcode) || has(Field::ProductName)) {
        missing.push("a product column (sku=…, barcode=… or product_name=…)");
    }
    if !has(Field::Quantity) {
        missing.push("a quantity column (qty=…)");
    }
    if !(has(Field::NetAmount) || has(Field::GrossAmount) || has(Field::UnitPrice)) {
        missing.push("an amount column (net_amount=…, gross_amount=… or unit_price=…)");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(IngestError::IncompleteMapping(format!(
            "it needs {}",
            missing.join(", ")
        )))
    }
}

/// Splits on commas and new lines outside double quotes.
fn split_entries(text: &str) -> Vec<&str> {
    let mut entries = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (index, character) in text.char_indices() {
        match character {
            '"' => quoted = !quoted,
            ',' | '\n' if !quoted => {
                entries.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    entries.push(&text[start..]);
    entries
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_with_aliases_and_quoted_headers() {
        let columns =
            parse_mapping("date=Order Date, sku=\"Code, internal\",qty=Qty\namount=Net (THB)")
                .expect("valid mapping");
        assert_eq!(columns[&Field::Date], "Order Date");
        assert_eq!(columns[&Field::Sku], "Code, internal");
        assert_eq!(columns[&Field::Quantity], "Qty");
        assert_eq!(columns[&Field::NetAmount], "Net (THB)");
        assert_eq!(columns.len(), 4);
    }

    #[test]
    fn an_unknown_field_suggests_the_closest() {
        let error = parse_mapping("date=D,sku=S,qtty=Q,amount=A").expect_err("typo");
        let message = error.to_string();
        assert!(message.contains("'qtty=Q'"), "{message}");
        assert!(message.contains("did you mean qty?"), "{message}");
    }

    #[test]
    fn an_incomplete_mapping_says_what_is_missing() {
        let message = parse_mapping("date=D,sku=S")
            .expect_err("no qty")
            .to_string();
        assert!(message.contains("a quantity column"), "{message}");
        assert!(message.contains("an amount column"), "{message}");
        assert!(!message.contains("a product column"), "{message}");
    }

    #[test]
    fn a_field_mapped_twice_is_refused() {
        let message = parse_mapping("date=A,date=B,sku=S,qty=Q,amount=N")
            .expect_err("twice")
            .to_string();
        assert!(message.contains("mapped twice"), "{message}");
    }

    #[test]
    fn an_entry_without_equals_explains_the_syntax() {
        let message = parse_mapping("date Order Date")
            .expect_err("syntax")
            .to_string();
        assert!(message.contains("field=Column header"), "{message}");
    }
}
