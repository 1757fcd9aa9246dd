//! One row's rules: it needs a date, a product (SKU, barcode or name), a quantity and an
//! amount (net; else gross − discount; else quantity × unit price − discount). A return is
//! negative in quantity and amounts alike; total lines and empty rows are skipped.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Normalizer, parse_date, parse_number};
use crate::error::RowError;
use crate::field::Field;
use crate::read::RawRow;

/// A canonical sales line, ready for `silver.sales_line`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleRow {
    /// The file's line (CSV) or row (spreadsheet), 1-based.
    pub line: u64,
    pub date: NaiveDate,
    /// After the profile's value map (a vendor's branch code → our store code).
    pub store_code: Option<String>,
    pub store_name: Option<String>,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub product_name: Option<String>,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub customer: Option<String>,
    pub order_ref: Option<String>,
    /// Negative for a return.
    pub qty: f64,
    /// Tax as the file has it; negative for a return.
    pub net_amount: f64,
    pub gross_amount: Option<f64>,
    /// The discount given on the line (negative on a return, like its amounts).
    pub discount_amount: f64,
}

/// Words that open a total or subtotal line at the bottom or between groups of a report.
const TOTAL_WORDS: [&str; 6] = [
    "total",
    "subtotal",
    "sub total",
    "grand total",
    "รวม",
    "ยอดรวม",
];

pub(super) fn normalize(
    normalizer: &Normalizer,
    row: &RawRow,
) -> Result<Option<SaleRow>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut fail = |field: Field, value: &str, reason: String| {
        errors.push(RowError {
            line: row.line,
            column: normalizer.column_name(field),
            value: value.to_owned(),
            reason,
        });
    };
    let conventions = normalizer.conventions();
    let date_cell = normalizer.cell(row, Field::Date);
    let date = date_cell.and_then(|text| parse_date(text, conventions.date_order));
    if date.is_none() && (is_total_line(row) || all_mapped_cells_empty(normalizer, row)) {
        return Ok(None);
    }
    match date_cell {
        None => fail(Field::Date, "", "the date is empty".into()),
        Some(text) if date.is_none() => fail(
            Field::Date,
            text,
            format!(
                "not a date (this file's dates are read as {}, e.g. 31/01/2025 or 2025-01-31)",
                conventions.date_order
            ),
        ),
        Some(_) => {}
    }

    let number = |field: Field, fail: &mut dyn FnMut(Field, &str, String)| -> Option<f64> {
        let text = normalizer.cell(row, field)?;
        let value = parse_number(text, conventions.decimal);
        if value.is_none() {
            let example = match conventions.decimal {
                super::DecimalStyle::Point => "1,234.50",
                super::DecimalStyle::Comma => "1.234,50",
            };
            fail(
                field,
                text,
                format!("not a number (this file's numbers look like {example})"),
            );
        }
        value
    };
    let qty = number(Field::Quantity, &mut fail);
    if normalizer.cell(row, Field::Quantity).is_none() {
        fail(Field::Quantity, "", "the quantity is empty".into());
    }
    let net = number(Field::NetAmount, &mut fail);
    let gross = number(Field::GrossAmount, &mut fail);
    let discount = number(Field::Discount, &mut fail);
    let unit_price = number(Field::UnitPrice, &mut fail);

    let product = [Field::Sku, Field::Barcode, Field::ProductName];
    if product
        .iter()
        .all(|&field| normalizer.cell(row, field).is_none())
    {
        let names: Vec<String> = product
            .iter()
            .filter(|&&field| normalizer.columns[field as usize].is_some())
            .map(|&field| normalizer.column_name(field))
            .collect();
        fail(
            Field::Sku,
            "",
            format!("no product: {} empty", names.join(" / ")),
        );
    }
    let amount_given = net.is_some() || gross.is_some() || unit_price.is_some();
    let amount_cells_empty = [Field::NetAmount, Field::GrossAmount, Field::UnitPrice]
        .iter()
        .all(|&field| normalizer.cell(row, field).is_none());
    if !amount_given && amount_cells_empty {
        fail(
            Field::NetAmount,
            "",
            "no amount: the amount columns are empty".into(),
        );
    }

    let (Some(date), Some(qty), true, true) = (date, qty, errors.is_empty(), amount_given) else {
        return Err(errors);
    };
    let returned = qty < 0.0 || net.is_some_and(|v| v < 0.0) || gross.is_some_and(|v| v < 0.0);
    let signed = |value: f64| if returned { -value.abs() } else { value.abs() };
    let qty = if returned { -qty.abs() } else { qty };
    let gross_amount = gross.map(signed);
    let discount_amount = discount.map_or(0.0, signed);
    let net_amount = match (net, gross_amount, unit_price) {
        (Some(net), _, _) => signed(net),
        (None, Some(gross), _) => gross - discount_amount,
        (None, None, Some(price)) => qty * price.abs() - discount_amount,
        (None, None, None) => return Err(errors),
    };
    Ok(Some(SaleRow {
        line: row.line,
        date,
        store_code: normalizer.text(row, Field::StoreCode),
        store_name: normalizer.text(row, Field::StoreName),
        sku: normalizer.text(row, Field::Sku),
        barcode: normalizer.text(row, Field::Barcode),
        product_name: normalizer.text(row, Field::ProductName),
        brand: normalizer.text(row, Field::Brand),
        category: normalizer.text(row, Field::Category),
        subcategory: normalizer.text(row, Field::Subcategory),
        customer: normalizer.text(row, Field::Customer),
        order_ref: normalizer.text(row, Field::OrderRef),
        qty,
        net_amount,
        gross_amount,
        discount_amount,
    }))
}

/// A row whose first non-empty cell starts with a total word (`Total`, `Grand total`, `รวม`).
fn is_total_line(row: &RawRow) -> bool {
    let Some(first) = row.cells.iter().map(|c| c.trim()).find(|c| !c.is_empty()) else {
        return true;
    };
    TOTAL_WORDS.iter().any(|word| {
        first
            .get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
    })
}

fn all_mapped_cells_empty(normalizer: &Normalizer, row: &RawRow) -> bool {
    Field::ALL
        .iter()
        .all(|&field| normalizer.cell(row, field).is_none())
}
