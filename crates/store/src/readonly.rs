//! The guard of the read-only SQL console: one SELECT (or WITH … SELECT) statement only.
//!
//! This is the first of two locks: the console also opens the store in read-only mode with
//! file access disabled, so a statement that slips past this check still cannot write.

use crate::{Result, StoreError};

const ALLOWED: &[&str] = &["select", "with", "values", "table", "from"];

/// Returns the statement without trailing semicolons, or an error saying why it is refused.
pub fn check_read_only(sql: &str) -> Result<&str> {
    let statement = sql
        .trim()
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    if statement.is_empty() {
        return Err(StoreError::NotReadOnly("the query is empty".into()));
    }
    let code = strip_comments(statement);
    let first_word: String = code
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    if !ALLOWED.contains(&first_word.as_str()) {
        return Err(StoreError::NotReadOnly(format!(
            "only SELECT or WITH queries may run here; '{}' was refused",
            if first_word.is_empty() {
                "?"
            } else {
                &first_word
            }
        )));
    }
    if has_semicolon_outside_quotes(&code) {
        return Err(StoreError::NotReadOnly(
            "run one statement at a time (the query holds a ';')".into(),
        ));
    }
    Ok(statement)
}

/// Removes `-- …` and `/* … */` comments outside string literals.
fn strip_comments(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '-' && chars.peek() == Some(&'-') => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        break;
                    }
                }
                out.push(' ');
            }
            None if c == '/' && chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for skipped in chars.by_ref() {
                    if previous == '*' && skipped == '/' {
                        break;
                    }
                    previous = skipped;
                }
                out.push(' ');
            }
            None => out.push(c),
        }
    }
    out
}

fn has_semicolon_outside_quotes(sql: &str) -> bool {
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == ';' => return true,
            None => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_pass_and_everything_else_is_refused() {
        assert_eq!(check_read_only(" SELECT 1; ").unwrap(), "SELECT 1");
        assert!(check_read_only("with x as (select 1) select * from x").is_ok());
        assert!(check_read_only("-- note\nSELECT ';' AS semi").is_ok());
        for refused in [
            "DELETE FROM silver.sales_line",
            "drop table silver.product",
            "SELECT 1; DELETE FROM silver.sales_line",
            "/* select */ UPDATE silver.product SET active = false",
            "COPY silver.product TO '/tmp/x.csv'",
            "ATTACH '/tmp/other.db'",
            "",
            ";",
        ] {
            assert!(
                check_read_only(refused).is_err(),
                "{refused} should be refused"
            );
        }
    }
}
