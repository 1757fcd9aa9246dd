//! Domains over the fake's records: a domain is compiled once per search (fields resolved,
//! operands parsed to the field's type, archived records hidden unless asked for) and
//! evaluated on borrowed cells, so that a search over a million rows clones nothing.

use std::cmp::Ordering;

use serde_json::Value;

use super::orm::OrmError;
use super::records::{Dataset, parse_date, parse_datetime};
use super::schema::{FieldKind, ModelDef};
use super::table::{Cell, Table};

/// A compiled domain, ready to test records.
pub(crate) struct Filter(Expr);

impl Filter {
    /// Compiles `domain` for `table`; with `active_test`, archived records are hidden unless
    /// the domain says something about `active`.
    pub(crate) fn new(
        data: &Dataset,
        table: &Table,
        domain: &Value,
        active_test: bool,
    ) -> Result<Self, OrmError> {
        let mut expr = compile(data, &table.def, domain)?;
        if active_test
            && let Some(column) = table.def.column("active")
            && !mentions_active(domain)
        {
            let only_active = Expr::Leaf(Leaf {
                hops: Vec::new(),
                field: Target::Column(column, FieldKind::Boolean),
                operator: "=".to_owned(),
                operand: Operand::Bool(true),
            });
            expr = Expr::And(Box::new(only_active), Box::new(expr));
        }
        Ok(Self(expr))
    }

    /// Whether the record matches.
    pub(crate) fn matches(&self, data: &Dataset, id: i64, row: &[Cell]) -> bool {
        evaluate(data, &self.0, id, row)
    }

    /// A value every matching record's `column` is at least, when the domain implies one
    /// (e.g. `write_date > X`, or the keyset `write_date > X | (write_date = X & id > Y)`).
    pub(crate) fn lower_bound(&self, column: usize) -> Option<f64> {
        lower_bound(&self.0, column)
    }
}

fn lower_bound(expr: &Expr, column: usize) -> Option<f64> {
    match expr {
        Expr::Leaf(Leaf {
            hops,
            field: Target::Column(of, _),
            operator,
            operand: Operand::Number(n),
        }) if hops.is_empty() && *of == column && matches!(operator.as_str(), ">" | ">=" | "=") => {
            Some(*n)
        }
        Expr::And(left, right) => match (lower_bound(left, column), lower_bound(right, column)) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (bound, None) | (None, bound) => bound,
        },
        Expr::Or(left, right) => Some(lower_bound(left, column)?.min(lower_bound(right, column)?)),
        _ => None,
    }
}

/// A compiled domain.
enum Expr {
    True,
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Leaf(Leaf),
}

/// One condition: a path of fields (many2one hops, then the compared field).
struct Leaf {
    hops: Vec<(usize, &'static str)>,
    field: Target,
    operator: String,
    operand: Operand,
}

enum Target {
    Id,
    Column(usize, FieldKind),
}

/// The operand, parsed to the compared field's type.
enum Operand {
    False,
    Number(f64),
    Text(String),
    Bool(bool),
    Numbers(Vec<f64>),
    Texts(Vec<String>),
}

/// A borrowed view of a value, for comparisons.
#[derive(Clone, Copy)]
pub(crate) enum Scalar<'a> {
    Empty,
    Number(f64),
    Text(&'a str),
    Bool(bool),
    Links(&'a [i64]),
}

fn mentions_active(domain: &Value) -> bool {
    domain.as_array().into_iter().flatten().any(|item| {
        item.get(0)
            .and_then(Value::as_str)
            .is_some_and(|path| path == "active" || path.ends_with(".active"))
    })
}

fn compile(data: &Dataset, def: &ModelDef, domain: &Value) -> Result<Expr, OrmError> {
    let items = domain
        .as_array()
        .ok_or_else(|| OrmError::Value(format!("Invalid domain {domain}")))?;
    let mut position = 0;
    let mut terms = Vec::new();
    while position < items.len() {
        terms.push(compile_term(data, def, items, &mut position)?);
    }
    Ok(terms
        .into_iter()
        .rev()
        .reduce(|rest, term| Expr::And(Box::new(term), Box::new(rest)))
        .unwrap_or(Expr::True))
}

fn compile_term(
    data: &Dataset,
    def: &ModelDef,
    items: &[Value],
    position: &mut usize,
) -> Result<Expr, OrmError> {
    let item = items.get(*position).ok_or_else(|| {
        OrmError::Value("Invalid domain: an operator lacks its operands".to_owned())
    })?;
    *position += 1;
    match item.as_str() {
        Some("&") => Ok(Expr::And(
            Box::new(compile_term(data, def, items, position)?),
            Box::new(compile_term(data, def, items, position)?),
        )),
        Some("|") => Ok(Expr::Or(
            Box::new(compile_term(data, def, items, position)?),
            Box::new(compile_term(data, def, items, position)?),
        )),
        Some("!") => Ok(Expr::Not(Box::new(compile_term(
            data, def, items, position,
        )?))),
        _ => compile_leaf(data, def, item),
    }
}

fn compile_leaf(data: &Dataset, def: &ModelDef, item: &Value) -> Result<Expr, OrmError> {
    let Some([path, operator, operand]) = item.as_array().map(Vec::as_slice) else {
        return Err(OrmError::Value(format!("Invalid leaf {item}")));
    };
    let (Some(path), Some(operator)) = (path.as_str(), operator.as_str()) else {
        return Err(OrmError::Value(format!("Invalid leaf {item}")));
    };
    if !OPERATORS.contains(&operator) {
        return Err(OrmError::Value(format!(
            "Invalid leaf {}: the fake Odoo does not evaluate operator {operator:?}",
            python_leaf(item)
        )));
    }
    let invalid = |field: &str, model: &str| {
        OrmError::Value(format!(
            "Invalid field {model}.{field} in leaf {}",
            python_leaf(item)
        ))
    };
    let mut model = def;
    let mut hops = Vec::new();
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let field = model
            .field(segment)
            .ok_or_else(|| invalid(segment, model.name))?;
        if segments.peek().is_none() {
            let target = match (field.kind, field.column) {
                (FieldKind::Id, _) => Target::Id,
                (kind, Some(column)) => Target::Column(column, kind),
                _ => return Err(invalid(segment, model.name)),
            };
            let kind = match target {
                Target::Id => FieldKind::Id,
                Target::Column(_, kind) => kind,
            };
            let operand = parse_operand(kind, operator, operand).ok_or_else(|| {
                OrmError::Value(format!("Invalid operand in leaf {}", python_leaf(item)))
            })?;
            return Ok(Expr::Leaf(Leaf {
                hops,
                field: target,
                operator: operator.to_owned(),
                operand,
            }));
        }
        match (field.kind, field.column) {
            (FieldKind::Many2one(target), Some(column)) => {
                hops.push((column, target));
                model = &data.table(target)?.def;
            }
            _ => return Err(invalid(segment, model.name)),
        }
    }
    Err(OrmError::Value(format!("Invalid leaf {item}")))
}

/// The operators the fake evaluates (`child_of` and `parent_of` are not among them).
const OPERATORS: &[&str] = &[
    "=",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "in",
    "not in",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "=like",
    "=ilike",
];

/// The leaf as Python prints a tuple, for Odoo's error text.
fn python_leaf(item: &Value) -> String {
    let parts: Vec<String> = item
        .as_array()
        .into_iter()
        .flatten()
        .map(|part| match part {
            Value::String(text) => format!("'{text}'"),
            Value::Bool(true) => "True".to_owned(),
            Value::Bool(false) => "False".to_owned(),
            other => other.to_string(),
        })
        .collect();
    format!("({})", parts.join(", "))
}

fn parse_operand(kind: FieldKind, operator: &str, value: &Value) -> Option<Operand> {
    if value == &Value::Bool(false) && kind != FieldKind::Boolean {
        return Some(Operand::False);
    }
    let number = |value: &Value| -> Option<f64> {
        match (kind, value) {
            (FieldKind::Date, Value::String(text)) => parse_date(text).map(f64::from),
            (FieldKind::DateTime, Value::String(text)) => parse_datetime(text).map(|s| s as f64),
            (_, other) => other.as_f64(),
        }
    };
    let textual = matches!(
        kind,
        FieldKind::Char | FieldKind::Selection | FieldKind::Computed
    );
    if matches!(operator, "in" | "not in") {
        let items = value.as_array()?;
        return if textual {
            Some(Operand::Texts(
                items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<_>>()?,
            ))
        } else {
            let mut numbers: Vec<f64> = items.iter().map(number).collect::<Option<_>>()?;
            numbers.sort_unstable_by(f64::total_cmp);
            Some(Operand::Numbers(numbers))
        };
    }
    match kind {
        FieldKind::Boolean => value.as_bool().map(Operand::Bool),
        _ if textual => value.as_str().map(|text| Operand::Text(text.to_owned())),
        _ => number(value).map(Operand::Number),
    }
}

fn evaluate(data: &Dataset, expr: &Expr, id: i64, row: &[Cell]) -> bool {
    match expr {
        Expr::True => true,
        Expr::And(left, right) => evaluate(data, left, id, row) && evaluate(data, right, id, row),
        Expr::Or(left, right) => evaluate(data, left, id, row) || evaluate(data, right, id, row),
        Expr::Not(inner) => !evaluate(data, inner, id, row),
        Expr::Leaf(leaf) => {
            let (mut id, mut row) = (id, row);
            for (column, target) in &leaf.hops {
                let linked = match &row[*column] {
                    Cell::Link(linked) => *linked,
                    _ => return compare(Scalar::Empty, &leaf.operator, &leaf.operand),
                };
                match data
                    .tables
                    .get(target)
                    .and_then(|table| table.rows.get(linked))
                {
                    Some(next) => (id, row) = (linked, next),
                    None => return compare(Scalar::Empty, &leaf.operator, &leaf.operand),
                }
            }
            let value = match leaf.field {
                Target::Id => Scalar::Number(id as f64),
                Target::Column(column, _) => scalar(&row[column]),
            };
            compare(value, &leaf.operator, &leaf.operand)
        }
    }
}

pub(crate) fn scalar(cell: &Cell) -> Scalar<'_> {
    match cell {
        Cell::Empty => Scalar::Empty,
        Cell::Bool(flag) => Scalar::Bool(*flag),
        Cell::Int(int) | Cell::Link(int) => Scalar::Number(*int as f64),
        Cell::Float(float) => Scalar::Number(*float),
        Cell::Text(text) => Scalar::Text(text),
        Cell::Links(ids) => Scalar::Links(ids),
        Cell::Date(days) => Scalar::Number(f64::from(*days)),
        Cell::DateTime(seconds) => Scalar::Number(*seconds as f64),
    }
}

/// Odoo's SQL semantics: an empty value matches `= False`, `!=` and `not in`, nothing else.
fn compare(value: Scalar<'_>, operator: &str, operand: &Operand) -> bool {
    let positive = match operator {
        "!=" => return !compare(value, "=", operand),
        "not in" => return !compare(value, "in", operand),
        "not like" => return !compare(value, "like", operand),
        "not ilike" => return !compare(value, "ilike", operand),
        other => other,
    };
    match (value, operand) {
        (Scalar::Empty, Operand::False) => positive == "=",
        (_, Operand::False) => false,
        (Scalar::Empty, _) => false,
        (Scalar::Links(ids), Operand::Number(n)) => {
            positive == "=" && ids.iter().any(|id| *id as f64 == *n)
        }
        (Scalar::Links(ids), Operand::Numbers(ns)) => {
            positive == "in" && ids.iter().any(|id| contains(ns, *id as f64))
        }
        (Scalar::Number(v), Operand::Number(n)) => ordered(v.partial_cmp(n), positive),
        (Scalar::Number(v), Operand::Numbers(ns)) => positive == "in" && contains(ns, v),
        (Scalar::Bool(v), Operand::Bool(b)) => positive == "=" && v == *b,
        (Scalar::Text(v), Operand::Texts(ts)) => positive == "in" && ts.iter().any(|t| t == v),
        (Scalar::Text(v), Operand::Text(t)) => match positive {
            "like" => v.contains(t.as_str()),
            "ilike" => v.to_lowercase().contains(&t.to_lowercase()),
            "=like" => like(v, t),
            "=ilike" => like(&v.to_lowercase(), &t.to_lowercase()),
            other => ordered(Some(v.cmp(t.as_str())), other),
        },
        _ => false,
    }
}

/// Membership in a sorted operand list.
fn contains(sorted: &[f64], value: f64) -> bool {
    sorted
        .binary_search_by(|probe| probe.total_cmp(&value))
        .is_ok()
}

fn ordered(ordering: Option<Ordering>, operator: &str) -> bool {
    let Some(ordering) = ordering else {
        return false;
    };
    match operator {
        "=" => ordering.is_eq(),
        ">" => ordering.is_gt(),
        ">=" => ordering.is_ge(),
        "<" => ordering.is_lt(),
        "<=" => ordering.is_le(),
        _ => false,
    }
}

/// SQL `LIKE`: `%` any run, `_` one character.
fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    fn matches(text: &[char], pattern: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('%', rest)) => (0..=text.len()).any(|skip| matches(&text[skip..], rest)),
            Some(('_', rest)) => !text.is_empty() && matches(&text[1..], rest),
            Some((c, rest)) => text.first() == Some(c) && matches(&text[1..], rest),
        }
    }
    matches(&text, &pattern)
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn like_patterns() {
        assert!(like("WH/Stock", "WH/%"));
        assert!(like("S01", "S_1"));
        assert!(!like("WH/Stock", "wh/%"));
        assert!(like("", "%"));
    }
}
