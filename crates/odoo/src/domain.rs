//! Odoo search domains: conditions combined in Odoo's prefix notation
//! (`["&", [f, op, v], [g, op, w]]`), built with typed operators.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// A comparison operator of a domain leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Eq,
    NotEq,
    Greater,
    GreaterOrEq,
    Less,
    LessOrEq,
    In,
    NotIn,
    /// Substring, case-sensitive (`like`).
    Like,
    /// Substring, case-insensitive (`ilike`).
    ILike,
    /// SQL pattern with `%` and `_`, case-sensitive (`=like`).
    EqLike,
    /// The record or its descendants (`child_of`).
    ChildOf,
}

impl Operator {
    /// The operator as Odoo spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::NotEq => "!=",
            Self::Greater => ">",
            Self::GreaterOrEq => ">=",
            Self::Less => "<",
            Self::LessOrEq => "<=",
            Self::In => "in",
            Self::NotIn => "not in",
            Self::Like => "like",
            Self::ILike => "ilike",
            Self::EqLike => "=like",
            Self::ChildOf => "child_of",
        }
    }
}

/// A search domain in prefix notation. The empty domain matches every record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Domain(Vec<Value>);

impl Domain {
    /// The domain that matches everything (`[]`).
    pub fn all() -> Self {
        Self::default()
    }

    /// One condition: `[field, operator, value]`; `field` may be a dotted path
    /// (`order_id.state`).
    pub fn leaf(field: &str, operator: Operator, value: impl Into<Value>) -> Self {
        Self(vec![Value::Array(vec![
            Value::from(field),
            Value::from(operator.as_str()),
            value.into(),
        ])])
    }

    /// Both domains (`"&"`); the empty domain is neutral.
    pub fn and(self, other: Domain) -> Self {
        self.combine("&", other)
    }

    /// Either domain (`"|"`); the empty domain matches everything, so it absorbs.
    pub fn or(self, other: Domain) -> Self {
        if self.0.is_empty() || other.0.is_empty() {
            return Self::all();
        }
        self.combine("|", other)
    }

    /// The negation (`"!"`) of a non-empty domain.
    pub fn negate(self) -> Self {
        if self.0.is_empty() {
            return self;
        }
        let mut items = vec![Value::from("!")];
        items.extend(self.grouped());
        Self(items)
    }

    /// The domain as the JSON list Odoo expects.
    pub fn to_value(&self) -> Value {
        Value::Array(self.0.clone())
    }

    fn combine(self, operator: &str, other: Domain) -> Self {
        if self.0.is_empty() {
            return other;
        }
        if other.0.is_empty() {
            return self;
        }
        let mut items = vec![Value::from(operator)];
        items.extend(self.grouped());
        items.extend(other.grouped());
        Self(items)
    }

    /// The items as one prefix expression: a list of several top-level terms is an implicit
    /// AND, made explicit so that the list can be nested under an operator.
    fn grouped(self) -> Vec<Value> {
        let terms = count_terms(&self.0);
        let mut items = vec![Value::from("&"); terms.saturating_sub(1)];
        items.extend(self.0);
        items
    }
}

/// Top-level terms of a prefix list: each operator consumes its operands.
fn count_terms(items: &[Value]) -> usize {
    let mut terms = 0usize;
    let mut needed = 0usize;
    for item in items {
        if needed == 0 {
            terms += 1;
            needed = 1;
        }
        needed -= 1;
        match item.as_str() {
            Some("&" | "|") => needed += 2,
            Some("!") => needed += 1,
            _ => {}
        }
    }
    terms
}

impl Serialize for Domain {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn combines_in_prefix_notation() {
        let domain = Domain::leaf("state", Operator::In, json!(["sale", "done"]))
            .and(Domain::leaf(
                "write_date",
                Operator::GreaterOrEq,
                "2026-01-01 00:00:00",
            ))
            .or(Domain::leaf("id", Operator::Eq, 7).negate());
        assert_eq!(
            domain.to_value(),
            json!([
                "|",
                "&",
                ["state", "in", ["sale", "done"]],
                ["write_date", ">=", "2026-01-01 00:00:00"],
                "!",
                ["id", "=", 7]
            ])
        );
    }

    #[test]
    fn the_empty_domain_is_neutral_for_and_absorbing_for_or() {
        let leaf = Domain::leaf("active", Operator::Eq, true);
        assert_eq!(Domain::all().and(leaf.clone()), leaf);
        assert_eq!(leaf.clone().or(Domain::all()), Domain::all());
        assert_eq!(Domain::all().to_value(), json!([]));
    }

    #[test]
    fn nested_and_of_an_and_stays_one_expression() {
        let two = Domain::leaf("a", Operator::Eq, 1).and(Domain::leaf("b", Operator::Eq, 2));
        let three = two.and(Domain::leaf("c", Operator::Eq, 3));
        assert_eq!(
            three.to_value(),
            json!(["&", "&", ["a", "=", 1], ["b", "=", 2], ["c", "=", 3]])
        );
        assert_eq!(count_terms(&three.0), 1);
    }
}
