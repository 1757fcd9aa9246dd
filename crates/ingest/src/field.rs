//! The canonical fields a sales file's columns map to, with the names and aliases people type.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A canonical field of a sales row; a profile maps each one it uses to a file's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Date,
    StoreCode,
    StoreName,
    Sku,
    Barcode,
    ProductName,
    Brand,
    Category,
    Subcategory,
    Quantity,
    UnitPrice,
    NetAmount,
    GrossAmount,
    Discount,
    Customer,
    OrderRef,
}

impl Field {
    /// Every field, in the order forms and reports list them.
    pub const ALL: [Field; 16] = [
        Field::Date,
        Field::StoreCode,
        Field::StoreName,
        Field::Sku,
        Field::Barcode,
        Field::ProductName,
        Field::Brand,
        Field::Category,
        Field::Subcategory,
        Field::Quantity,
        Field::UnitPrice,
        Field::NetAmount,
        Field::GrossAmount,
        Field::Discount,
        Field::Customer,
        Field::OrderRef,
    ];

    /// The canonical name (`date`, `store_code`, …), as in profiles and `--map`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::StoreCode => "store_code",
            Field::StoreName => "store_name",
            Field::Sku => "sku",
            Field::Barcode => "barcode",
            Field::ProductName => "product_name",
            Field::Brand => "brand",
            Field::Category => "category",
            Field::Subcategory => "subcategory",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit_price",
            Field::NetAmount => "net_amount",
            Field::GrossAmount => "gross_amount",
            Field::Discount => "discount",
            Field::Customer => "customer",
            Field::OrderRef => "order_ref",
        }
    }

    /// Short names accepted besides the canonical one (`qty`, `store`, `amount`, …).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Date => &["day", "sale_date", "order_date"],
            Field::StoreCode => &["store", "branch", "branch_code", "shop", "shop_code"],
            Field::StoreName => &["branch_name", "shop_name"],
            Field::Sku => &["product_code", "item_code", "article"],
            Field::Barcode => &["ean", "upc", "gtin"],
            Field::ProductName => &["product", "name", "item", "description"],
            Field::Brand => &[],
            Field::Category => &["cat"],
            Field::Subcategory => &["subcat", "sub_category"],
            Field::Quantity => &["qty", "units", "quantity_sold"],
            Field::UnitPrice => &["price"],
            Field::NetAmount => &["amount", "net", "net_sales", "sales", "revenue"],
            Field::GrossAmount => &["gross", "gross_sales"],
            Field::Discount => &["discount_amount", "disc"],
            Field::Customer => &["customer_name", "buyer"],
            Field::OrderRef => &["order", "order_id", "order_no", "invoice", "ref"],
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown field name, with the closest known one when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    pub name: String,
    pub closest: Option<&'static str>,
}

impl fmt::Display for UnknownField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown field '{}'", self.name)?;
        match self.closest {
            Some(closest) => write!(f, " — did you mean {closest}?"),
            None => write!(f, " — known fields: {}", known_names()),
        }
    }
}

fn known_names() -> String {
    Field::ALL.map(Field::as_str).join(", ")
}

impl FromStr for Field {
    type Err = UnknownField;

    /// Case, spaces and dashes do not matter: `Store Code`, `store-code` and `store_code` agree.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let key: String = text
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        for field in Field::ALL {
            if field.as_str() == key || field.aliases().contains(&key.as_str()) {
                return Ok(field);
            }
        }
        let closest = Field::ALL
            .iter()
            .flat_map(|field| {
                std::iter::once(field.as_str()).chain(field.aliases().iter().copied())
            })
            .map(|name| (strsim::jaro_winkler(name, &key), name))
            .filter(|(similarity, _)| *similarity >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, name)| name);
        Err(UnknownField {
            name: text.trim().to_owned(),
            closest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_and_aliases_parse() {
        assert_eq!("qty".parse(), Ok(Field::Quantity));
        assert_eq!("Quantity".parse(), Ok(Field::Quantity));
        assert_eq!("store".parse(), Ok(Field::StoreCode));
        assert_eq!("Store Code".parse(), Ok(Field::StoreCode));
        assert_eq!("amount".parse(), Ok(Field::NetAmount));
        assert_eq!("net_amount".parse(), Ok(Field::NetAmount));
        for field in Field::ALL {
            assert_eq!(field.as_str().parse(), Ok(field));
        }
    }

    #[test]
    fn a_typo_suggests_the_closest_field() {
        let error = "qtty".parse::<Field>().expect_err("not a field");
        assert_eq!(error.closest, Some("qty"));
        assert!(error.to_string().contains("did you mean qty?"), "{error}");
    }

    #[test]
    fn serde_names_are_the_canonical_names() {
        for field in Field::ALL {
            let json = serde_json::to_string(&field).expect("serialize");
            assert_eq!(json, format!("\"{}\"", field.as_str()));
        }
    }
}
