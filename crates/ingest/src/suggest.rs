//! Column suggestions for a file no profile matches: each header is compared with the words
//! people use for each field (English and Thai), and the sample's values must fit the field
//! (dates in a date column, numbers in a quantity column).

use crate::detect::header_key;
use crate::field::Field;
use crate::normalize::{DecimalStyle, parse_date, parse_number};
use crate::profile::DateOrder;
use crate::read::RawRow;

/// The lowest confidence suggested.
const THRESHOLD: f64 = 0.7;

/// One suggested field → column.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub field: Field,
    pub header: String,
    /// The column's index in the headers.
    pub column: usize,
    /// 0 to 1: 1 for a header that is a known name of the field.
    pub confidence: f64,
}

/// Headers people use for each field, as [`header_key`]s.
fn vocabulary(field: Field) -> &'static [&'static str] {
    match field {
        Field::Date => &[
            "date",
            "sales date",
            "sale date",
            "order date",
            "transaction date",
            "invoice date",
            "doc date",
            "week ending",
            "created at",
            "order creation date",
            "day",
            "วันที่",
            "วันที่ขาย",
            "วันที่สั่งซื้อ",
        ],
        Field::StoreCode => &[
            "store code",
            "store",
            "branch code",
            "branch",
            "shop code",
            "store id",
            "branch no",
            "outlet code",
            "location code",
            "account code",
            "รหัสสาขา",
            "สาขา",
            "รหัสร้าน",
        ],
        Field::StoreName => &[
            "store name",
            "branch name",
            "shop name",
            "outlet name",
            "location",
            "ชื่อสาขา",
            "ชื่อร้าน",
        ],
        Field::Sku => &[
            "sku",
            "sku code",
            "item code",
            "product code",
            "article no",
            "article",
            "material",
            "seller sku",
            "sku reference no",
            "lineitem sku",
            "รหัสสินค้า",
        ],
        Field::Barcode => &["barcode", "ean", "ean13", "upc", "gtin", "บาร์โค้ด"],
        Field::ProductName => &[
            "product name",
            "product",
            "item name",
            "item description",
            "description",
            "article description",
            "lineitem name",
            "ชื่อสินค้า",
            "รายการสินค้า",
        ],
        Field::Brand => &["brand", "brand name", "ยี่ห้อ", "แบรนด์"],
        Field::Category => &[
            "category",
            "product category",
            "department",
            "หมวดหมู่",
            "หมวดสินค้า",
        ],
        Field::Subcategory => &["subcategory", "sub category", "class", "หมวดย่อย"],
        Field::Quantity => &[
            "qty",
            "quantity",
            "units",
            "units sold",
            "sales qty",
            "sold qty",
            "pcs",
            "lineitem quantity",
            "จำนวน",
            "จำนวนขาย",
        ],
        Field::UnitPrice => &[
            "unit price",
            "price",
            "deal price",
            "selling price",
            "lineitem price",
            "ราคา",
            "ราคาต่อหน่วย",
        ],
        Field::NetAmount => &[
            "net sales",
            "net amount",
            "net",
            "sales value",
            "amount",
            "sales amount",
            "revenue",
            "product subtotal",
            "ยอดขายสุทธิ",
            "ยอดสุทธิ",
            "มูลค่า",
        ],
        Field::GrossAmount => &[
            "gross sales",
            "gross amount",
            "gross",
            "ยอดขาย",
            "ยอดขายรวม",
        ],
        Field::Discount => &["discount", "discount amount", "lineitem discount", "ส่วนลด"],
        Field::Customer => &[
            "customer",
            "customer name",
            "buyer",
            "buyer username",
            "account name",
            "billing name",
            "ลูกค้า",
            "ชื่อลูกค้า",
        ],
        Field::OrderRef => &[
            "order id",
            "order no",
            "order number",
            "invoice no",
            "receipt no",
            "doc no",
            "เลขที่ใบเสร็จ",
            "เลขที่คำสั่งซื้อ",
        ],
    }
}

/// How much a header reads as a name of the field: 1 for a known name, 0.85 when it contains
/// one (`Sales Qty (pcs)`), else the edit-distance similarity to the closest name.
fn header_similarity(key: &str, field: Field) -> f64 {
    vocabulary(field)
        .iter()
        .map(|name| {
            if key == *name {
                1.0
            } else if contains_word(key, name) {
                0.85
            } else {
                strsim::normalized_damerau_levenshtein(key, name)
            }
        })
        .fold(0.0, f64::max)
}

/// `name` in `key` as whole words (ASCII), or anywhere (Thai is written without spaces).
fn contains_word(key: &str, name: &str) -> bool {
    if !name.is_ascii() {
        return key.contains(name);
    }
    key.match_indices(name).any(|(start, _)| {
        let before = key[..start].chars().next_back();
        let after = key[start + name.len()..].chars().next();
        before.is_none_or(|c| c == ' ') && after.is_none_or(|c| c == ' ')
    })
}

/// Whether a header cell reads as a known column name (used to find the header row).
pub(crate) fn is_known_header(text: &str) -> bool {
    let key = header_key(text);
    !key.is_empty()
        && Field::ALL
            .iter()
            .any(|&field| header_similarity(&key, field) >= 0.85)
}

/// The kinds of values a column holds, as fractions of its non-empty sample cells.
struct ValueKinds {
    dates: f64,
    numbers: f64,
    barcodes: f64,
    filled: usize,
}

fn value_kinds(sample: &[RawRow], column: usize) -> ValueKinds {
    let values: Vec<&str> = sample
        .iter()
        .filter_map(|row| row.cells.get(column))
        .map(|cell| cell.trim())
        .filter(|cell| !cell.is_empty())
        .collect();
    let fraction = |test: &dyn Fn(&str) -> bool| {
        let hits = values.iter().filter(|value| test(value)).count();
        if values.is_empty() {
            0.0
        } else {
            hits as f64 / values.len() as f64
        }
    };
    ValueKinds {
        dates: fraction(&|v| {
            parse_number(v, DecimalStyle::Point).is_none_or(|n| n >= 20_000.0)
                && (parse_date(v, DateOrder::DayMonthYear).is_some()
                    || parse_date(v, DateOrder::MonthDayYear).is_some())
        }),
        numbers: fraction(&|v| {
            parse_number(v, DecimalStyle::Point).is_some()
                || parse_number(v, DecimalStyle::Comma).is_some()
        }),
        barcodes: fraction(&|v| {
            (8..=14).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit())
        }),
        filled: values.len(),
    }
}

/// Whether the sample's values can belong to the field (an empty sample says nothing).
fn values_fit(field: Field, kinds: &ValueKinds) -> bool {
    if kinds.filled == 0 {
        return true;
    }
    match field {
        Field::Date => kinds.dates >= 0.8,
        Field::Quantity
        | Field::UnitPrice
        | Field::NetAmount
        | Field::GrossAmount
        | Field::Discount => kinds.numbers >= 0.8,
        Field::Barcode => kinds.barcodes >= 0.8,
        _ => true,
    }
}

/// Suggests a column for each field it can, best matches first, each column used once. A
/// column of dates is suggested as the date even when its header is unknown.
pub fn suggest_mapping(headers: &[String], sample: &[RawRow]) -> Vec<Suggestion> {
    let kinds: Vec<ValueKinds> = (0..headers.len())
        .map(|column| value_kinds(sample, column))
        .collect();
    let mut candidates = Vec::new();
    for (column, header) in headers.iter().enumerate() {
        let key = header_key(header);
        for field in Field::ALL {
            if !values_fit(field, &kinds[column]) {
                continue;
            }
            let mut confidence = header_similarity(&key, field);
            if field == Field::Date && kinds[column].filled > 0 && kinds[column].dates >= 0.95 {
                confidence = confidence.max(THRESHOLD);
            }
            if confidence >= THRESHOLD {
                candidates.push((confidence, column, field));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut suggestions: Vec<Suggestion> = Vec::new();
    for (confidence, column, field) in candidates {
        let taken = suggestions
            .iter()
            .any(|s| s.field == field || s.column == column);
        if !taken {
            suggestions.push(Suggestion {
                field,
                header: headers[column].clone(),
                column,
                confidence,
            });
        }
    }
    suggestions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_headers_are_recognised_in_english_and_thai() {
        for header in [
            "Date",
            "Sales Qty (pcs)",
            "SKU",
            "Net Amount",
            "จำนวน",
            "ยอดขายสุทธิ",
        ] {
            assert!(is_known_header(header), "{header}");
        }
        for title in ["Weekly sell-out report", "Siam Sport Co., Ltd.", "Page 1"] {
            assert!(!is_known_header(title), "{title}");
        }
    }
}
