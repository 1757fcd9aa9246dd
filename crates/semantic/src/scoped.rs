//! Record rules in SQL. A [`ScopedConnection`] runs every statement with each `silver.` and
//! `gold.` table replaced by the rows of it the user may see, so the semantic layer, every tool
//! and every value lookup are bound by the user's [`DataScope`] without knowing about it: a new
//! tool cannot forget the rules, and totals and shares are computed over visible rows only.
//!
//! `FROM silver.sales_line f` becomes
//! `FROM (SELECT * FROM silver.sales_line WHERE store_id IN ($7)) f`; the scope's values are
//! parameters appended after the statement's own. A table this module does not know is
//! refused under a restricted scope (fail closed), and restricted users change no data here.

use analyst_core::DataScope;
use analyst_store::arrow::record_batch::RecordBatch;
use analyst_store::{Connection, Result, StoreError, Value, load::BulkLoader};

/// How a table's rows are tied to companies, stores and channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tie {
    /// `company_id`, `store_id` and `channel`: sales lines and their daily aggregates.
    Sale,
    /// `store_id` only (stock is not kept per channel).
    Store,
    /// `company_id` and `store_id` (purchase orders).
    CompanyAndStore,
    /// Through `order_id` to `silver.purchase_order`.
    PurchaseOrder,
    /// `company_id` only; kept from users restricted to stores or channels.
    CompanyOnly,
    /// `company_id`: reference data of a company (customers), visible to its stores.
    CompanyReference,
    /// The store list itself.
    StoreList,
    /// The company list itself.
    CompanyList,
    /// The channel list itself.
    ChannelList,
    /// Shared by every company (products, suppliers).
    Catalogue,
}

fn tie(table: &str) -> Option<Tie> {
    Some(match table {
        "silver.sales_line" | "gold.daily_sales" => Tie::Sale,
        "silver.stock_level" | "silver.stock_move" => Tie::Store,
        "silver.purchase_order" => Tie::CompanyAndStore,
        "silver.purchase_line" => Tie::PurchaseOrder,
        "silver.helpdesk_ticket" | "silver.invoice" => Tie::CompanyOnly,
        "silver.customer" => Tie::CompanyReference,
        "silver.store" => Tie::StoreList,
        "silver.company" => Tie::CompanyList,
        "silver.channel" => Tie::ChannelList,
        "silver.product" | "silver.supplier" | "silver.supplier_product" => Tie::Catalogue,
        _ => return None,
    })
}

/// A connection whose reads see only the rows of `scope`.
pub struct ScopedConnection<'a> {
    inner: &'a dyn Connection,
    scope: &'a DataScope,
}

/// Reads through `inner` under `scope`.
pub fn scoped<'a>(inner: &'a dyn Connection, scope: &'a DataScope) -> ScopedConnection<'a> {
    ScopedConnection { inner, scope }
}

impl Connection for ScopedConnection<'_> {
    fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        self.refuse_data_writes(sql)?;
        self.inner.execute(sql, params)
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<analyst_store::Rows> {
        if !self.scope.is_restricted() {
            return self.inner.query(sql, params);
        }
        let (sql, params) = restrict(sql, params, self.scope)?;
        self.inner.query(&sql, &params)
    }

    fn stream(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<()> {
        if !self.scope.is_restricted() {
            return self.inner.stream(sql, params, each);
        }
        let (sql, params) = restrict(sql, params, self.scope)?;
        self.inner.stream(&sql, &params, each)
    }

    fn execute_batch(&self, sql: &str) -> Result<()> {
        self.refuse_data_writes(sql)?;
        self.inner.execute_batch(sql)
    }

    fn bulk_loader(&self) -> Result<Box<dyn BulkLoader + '_>> {
        if self.scope.is_restricted() {
            return Err(refused());
        }
        self.inner.bulk_loader()
    }

    fn new_connection(&self) -> Result<Box<dyn Connection + Send>> {
        // A new connection would carry no scope.
        Err(StoreError::Query(
            "a scoped connection cannot open another connection".into(),
        ))
    }
}

impl ScopedConnection<'_> {
    fn refuse_data_writes(&self, sql: &str) -> Result<()> {
        if self.scope.is_restricted() && !table_references(sql).is_empty() {
            return Err(refused());
        }
        Ok(())
    }
}

fn refused() -> StoreError {
    StoreError::Query("users restricted to part of the data cannot change the data".into())
}

/// `(start, end)` byte ranges of every `silver.x` / `gold.x` table name outside string
/// literals and quoted identifiers.
fn table_references(sql: &str) -> Vec<(usize, usize)> {
    let bytes = sql.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if b == b'\'' || b == b'"' {
            quote = Some(b);
            i += 1;
            continue;
        }
        let starts_word = i == 0 || !(is_word(bytes[i - 1]) || bytes[i - 1] == b'.');
        let schema = ["silver.", "gold."]
            .into_iter()
            .find(|schema| starts_word && sql[i..].starts_with(schema));
        if let Some(schema) = schema {
            let mut end = i + schema.len();
            while end < bytes.len() && is_word(bytes[end]) {
                end += 1;
            }
            if end > i + schema.len() {
                found.push((i, end));
            }
            i = end;
            continue;
        }
        i += 1;
    }
    found
}

/// Words after a table name that start the next clause, so the table has no alias.
const CLAUSE_WORDS: [&str; 20] = [
    "WHERE",
    "JOIN",
    "LEFT",
    "RIGHT",
    "INNER",
    "FULL",
    "CROSS",
    "NATURAL",
    "ON",
    "USING",
    "GROUP",
    "ORDER",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "WINDOW",
    "QUALIFY",
];

/// Whether the text after a table reference starts with an alias (`AS x` or a plain name).
fn has_alias(rest: &str) -> bool {
    let word: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    !word.is_empty()
        && !CLAUSE_WORDS
            .iter()
            .any(|clause| clause.eq_ignore_ascii_case(&word))
}

/// The lists of a scope.
#[derive(Debug, Clone, Copy)]
enum Field {
    Company = 0,
    Store = 1,
    Channel = 2,
}

/// Placeholders of the scope's lists, added to the parameters on first use.
struct Lists<'a> {
    scope: &'a DataScope,
    params: Vec<Value>,
    /// The placeholders of each field's list, once added.
    placeholders: [Option<String>; 3],
}

impl Lists<'_> {
    /// `column IN (…)` for a field's list, `None` when the scope does not restrict the field.
    fn condition(&mut self, field: Field, column: &str) -> Option<String> {
        let values: Vec<Value> = match field {
            Field::Company => self
                .scope
                .companies
                .as_ref()?
                .iter()
                .map(|id| (*id).into())
                .collect(),
            Field::Store => self
                .scope
                .stores
                .as_ref()?
                .iter()
                .map(|id| (*id).into())
                .collect(),
            Field::Channel => {
                let codes = self.scope.channels.as_ref()?;
                codes.iter().map(|code| code.as_str().into()).collect()
            }
        };
        let params = &mut self.params;
        let list = self.placeholders[field as usize].get_or_insert_with(|| {
            let first = params.len() + 1;
            params.extend(values);
            (first..=params.len())
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(", ")
        });
        Some(membership(column, list))
    }

    fn companies(&mut self, column: &str) -> Option<String> {
        self.condition(Field::Company, column)
    }

    fn stores(&mut self, column: &str) -> Option<String> {
        self.condition(Field::Store, column)
    }

    fn channels(&mut self, column: &str) -> Option<String> {
        self.condition(Field::Channel, column)
    }
}

/// `column IN (list)`, or FALSE for an empty list.
fn membership(column: &str, list: &str) -> String {
    if list.is_empty() {
        "FALSE".into()
    } else {
        format!("{column} IN ({list})")
    }
}

/// The statement with every fact table restricted to `scope`, and its parameters.
fn restrict(sql: &str, params: &[Value], scope: &DataScope) -> Result<(String, Vec<Value>)> {
    let mut lists = Lists {
        scope,
        params: params.to_vec(),
        placeholders: [None, None, None],
    };
    let mut out = String::with_capacity(sql.len() + 256);
    let mut copied = 0;
    for (start, end) in table_references(sql) {
        let table = &sql[start..end];
        let Some(tie) = tie(table) else {
            return Err(StoreError::Query(format!(
                "{table} has no record rule mapping, so restricted users cannot read it"
            )));
        };
        out.push_str(&sql[copied..start]);
        copied = end;
        let conditions = conditions(tie, &mut lists);
        if conditions.is_empty() {
            out.push_str(table);
            continue;
        }
        out.push_str(&format!(
            "(SELECT * FROM {table} WHERE {})",
            conditions.join(" AND ")
        ));
        if !has_alias(&sql[end..]) {
            let name = table.split('.').nth(1).unwrap_or(table);
            out.push_str(&format!(" AS {name}"));
        }
    }
    out.push_str(&sql[copied..]);
    Ok((out, lists.params))
}

/// The conditions a table's rows must meet.
fn conditions(tie: Tie, lists: &mut Lists<'_>) -> Vec<String> {
    let scope = lists.scope;
    let hidden = || vec!["FALSE".to_string()];
    let conditions: Vec<Option<String>> = match tie {
        Tie::Catalogue => vec![],
        Tie::Sale => vec![
            lists.companies("company_id"),
            lists.stores("store_id"),
            lists.channels("channel"),
        ],
        Tie::Store | Tie::CompanyAndStore | Tie::PurchaseOrder if scope.channels.is_some() => {
            return hidden();
        }
        Tie::Store => vec![lists.stores("store_id")],
        Tie::CompanyAndStore => vec![lists.companies("company_id"), lists.stores("store_id")],
        Tie::PurchaseOrder => {
            let order = [lists.companies("company_id"), lists.stores("store_id")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>();
            if order.is_empty() {
                return vec![];
            }
            vec![Some(format!(
                "order_id IN (SELECT id FROM silver.purchase_order WHERE {})",
                order.join(" AND ")
            ))]
        }
        Tie::CompanyOnly if scope.stores.is_some() || scope.channels.is_some() => {
            return hidden();
        }
        Tie::CompanyOnly | Tie::CompanyReference => vec![lists.companies("company_id")],
        Tie::StoreList => vec![lists.companies("company_id"), lists.stores("id")],
        Tie::CompanyList => vec![lists.companies("id")],
        Tie::ChannelList => vec![lists.channels("code")],
    };
    conditions.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn store_manager() -> DataScope {
        DataScope {
            companies: None,
            stores: Some(BTreeSet::from([3])),
            channels: None,
            description: "Phuket Central".into(),
        }
    }

    #[test]
    fn tables_are_replaced_by_their_visible_rows_with_appended_parameters() {
        let (sql, params) = restrict(
            "SELECT s.name, sum(f.qty) FROM silver.sales_line f JOIN silver.store s ON s.id = f.store_id WHERE f.date > $1 GROUP BY 1",
            &[Value::from("2026-01-01")],
            &store_manager(),
        )
        .unwrap();
        assert_eq!(
            sql,
            "SELECT s.name, sum(f.qty) FROM (SELECT * FROM silver.sales_line WHERE store_id IN ($2)) f JOIN (SELECT * FROM silver.store WHERE id IN ($2)) s ON s.id = f.store_id WHERE f.date > $1 GROUP BY 1"
        );
        assert_eq!(params, vec![Value::from("2026-01-01"), Value::from(3_i64)]);
    }

    #[test]
    fn tables_without_an_alias_keep_their_name_and_strings_are_left_alone() {
        let (sql, _) = restrict(
            "SELECT DISTINCT name FROM silver.store WHERE name <> 'silver.store' ORDER BY 1",
            &[],
            &store_manager(),
        )
        .unwrap();
        assert_eq!(
            sql,
            "SELECT DISTINCT name FROM (SELECT * FROM silver.store WHERE id IN ($1)) AS store WHERE name <> 'silver.store' ORDER BY 1"
        );
    }

    #[test]
    fn company_level_records_are_hidden_from_store_users_and_unknown_tables_refused() {
        let (sql, _) =
            restrict("SELECT count(*) FROM silver.invoice", &[], &store_manager()).unwrap();
        assert!(sql.contains("WHERE FALSE"), "{sql}");
        let error = restrict("SELECT * FROM silver.secret_table", &[], &store_manager())
            .unwrap_err()
            .to_string();
        assert!(error.contains("silver.secret_table"), "{error}");
        let nothing = DataScope {
            channels: Some(BTreeSet::new()),
            ..DataScope::default()
        };
        let (sql, params) = restrict("SELECT * FROM gold.daily_sales g", &[], &nothing).unwrap();
        assert_eq!(
            sql,
            "SELECT * FROM (SELECT * FROM gold.daily_sales WHERE FALSE) g"
        );
        assert!(params.is_empty());
    }
}
