//! Finding the header row among a file's first rows: reports put titles, periods and vendor
//! names above it, and some have a second header row under grouped (merged) headers.

use crate::normalize::{DecimalStyle, parse_date, parse_number};
use crate::profile::DateOrder;
use crate::suggest::is_known_header;

/// How many of the first rows may hold the header.
pub(super) const SEARCH_ROWS: usize = 30;

/// Where the header is among the first rows, and its column names.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HeaderRow {
    /// Index of the (lower, for two rows) header row among the rows searched.
    pub last_row: usize,
    pub names: Vec<String>,
    /// How much the row reads as a header (known names count double), to compare sheets.
    pub score: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum CellKind {
    Empty,
    Value,
    Text,
}

fn kind(cell: &str) -> CellKind {
    let cell = cell.trim();
    if cell.is_empty() {
        CellKind::Empty
    } else if parse_number(cell, DecimalStyle::Point).is_some()
        || parse_number(cell, DecimalStyle::Comma).is_some()
        || parse_date(cell, DateOrder::DayMonthYear).is_some()
        || parse_date(cell, DateOrder::MonthDayYear).is_some()
    {
        CellKind::Value
    } else {
        CellKind::Text
    }
}

/// A row of at least two names and no numbers or dates.
fn all_names(row: &[String]) -> bool {
    let kinds: Vec<CellKind> = row.iter().map(|cell| kind(cell)).collect();
    kinds.iter().filter(|&&k| k == CellKind::Text).count() >= 2 && !kinds.contains(&CellKind::Value)
}

/// Column names differ; a title merged across the row repeats one text in every cell.
fn mostly_distinct(row: &[String]) -> bool {
    let names: std::collections::HashSet<&str> = row
        .iter()
        .map(|cell| cell.trim())
        .filter(|cell| !cell.is_empty())
        .collect();
    names.len() * 10 >= filled(row) * 6
}

fn filled(row: &[String]) -> usize {
    row.iter().filter(|cell| !cell.trim().is_empty()).count()
}

/// Finds the header among the first rows: the row of names, at least as wide as most of the
/// rows below, with the most known column names (the first such row on a tie). When the row
/// above or below it groups it (`Sales` merged over `Qty` and `Amount`), the two rows are one
/// header (`Sales Qty`, `Sales Amount`).
pub(super) fn find(rows: &[Vec<String>]) -> Option<HeaderRow> {
    let rows = &rows[..rows.len().min(SEARCH_ROWS + 2)];
    let usual_width = usual_width(rows);
    let candidates = rows
        .iter()
        .take(SEARCH_ROWS)
        .enumerate()
        .filter(|(_, row)| {
            all_names(row) && filled(row) * 10 >= usual_width * 6 && mostly_distinct(row)
        });
    let (index, score) = candidates
        .map(|(index, row)| {
            let known = row.iter().filter(|cell| is_known_header(cell)).count();
            (index, 2 * known + filled(row))
        })
        .fold(
            None,
            |best: Option<(usize, usize)>, (index, score)| match best {
                Some((_, best_score)) if best_score >= score => best,
                _ => Some((index, score)),
            },
        )?;
    let row_is_group = |upper: usize, lower: usize| {
        is_group_row(&rows[upper], &rows[lower])
            && rows.get(lower + 1).is_some_and(|row| has_values(row))
    };
    let (upper, last_row) = if index > 0 && row_is_group(index - 1, index) {
        (Some(index - 1), index)
    } else if index + 1 < rows.len()
        && all_names(&rows[index + 1])
        && row_is_group(index, index + 1)
    {
        (Some(index), index + 1)
    } else {
        (None, index)
    };
    let names = match upper {
        Some(upper) => combine(&rows[upper], &rows[last_row]),
        None => rows[index].clone(),
    };
    Some(HeaderRow {
        last_row,
        names,
        score,
    })
}

fn has_values(row: &[String]) -> bool {
    row.iter().any(|cell| kind(cell) == CellKind::Value)
}

/// Whether `upper` groups the headers of `lower` (merged cells over two rows): it is names,
/// and some name spans down (over an empty cell, or repeated where a merge was filled in),
/// or its groups start after an empty first column.
fn is_group_row(upper: &[String], lower: &[String]) -> bool {
    let width = upper.len().max(lower.len());
    let spans_down = (0..width).any(|column| {
        let above = cell(upper, column);
        !above.is_empty() && (cell(lower, column).is_empty() || cell(lower, column) == above)
    });
    let groups_later = cell(upper, 0).is_empty() && !cell(lower, 0).is_empty();
    all_names(upper) && (spans_down || groups_later)
}

fn cell(row: &[String], column: usize) -> &str {
    row.get(column).map_or("", |c| c.trim())
}

/// The most common number of filled cells among rows with at least two.
fn usual_width(rows: &[Vec<String>]) -> usize {
    let mut counts = std::collections::BTreeMap::new();
    for row in rows {
        let width = filled(row);
        if width >= 2 {
            *counts.entry(width).or_insert(0usize) += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(width, count)| (count, width))
        .map_or(2, |(width, _)| width)
}

/// Two header rows as one: a group name spans the empty cells to its right (a merged cell),
/// and sits before each name under it; a name written in both rows (merged down) counts once.
fn combine(top: &[String], bottom: &[String]) -> Vec<String> {
    let width = top.len().max(bottom.len());
    let mut group = "";
    (0..width)
        .map(|column| {
            let upper = top.get(column).map_or("", |cell| cell.trim());
            let lower = bottom.get(column).map_or("", |cell| cell.trim());
            if !upper.is_empty() {
                group = upper;
            } else if lower.is_empty() {
                group = "";
            }
            let upper = if upper.is_empty() && !lower.is_empty() {
                group
            } else {
                upper
            };
            match (upper, lower) {
                (u, l) if u.is_empty() || u == l => l.to_owned(),
                (u, "") => u.to_owned(),
                (u, l) => format!("{u} {l}"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|line| line.iter().map(|cell| (*cell).to_owned()).collect())
            .collect()
    }

    #[test]
    fn title_lines_above_the_header_are_passed_over() {
        let rows = rows(&[
            &["Weekly sell-out report", "", "", ""],
            &["Period: 01/01/2025 - 07/01/2025", "", "", ""],
            &["", "", "", ""],
            &["Date", "SKU", "Qty", "Net Sales"],
            &["01/01/2025", "A1", "2", "100.00"],
            &["02/01/2025", "A2", "1", "50.00"],
        ]);
        let header = find(&rows).expect("header found");
        assert_eq!(header.last_row, 3);
        assert_eq!(header.names, ["Date", "SKU", "Qty", "Net Sales"]);
    }

    #[test]
    fn a_vendor_line_of_names_loses_to_the_row_of_column_names() {
        let rows = rows(&[
            &["Vendor", "Siam Sport", "Period", "January"],
            &["Date", "Article No", "Sales Qty", "Net Sales"],
            &["01/01/2025", "A1", "2", "100.00"],
        ]);
        assert_eq!(find(&rows).expect("header").last_row, 1);
    }

    #[test]
    fn grouped_headers_over_two_rows_are_combined() {
        let rows = rows(&[
            &["Date", "Store", "Sales", "", "Returns", ""],
            &["", "", "Qty", "Amount", "Qty", "Amount"],
            &["01/01/2025", "S1", "2", "100", "0", "0"],
        ]);
        let header = find(&rows).expect("header");
        assert_eq!(header.last_row, 1);
        assert_eq!(
            header.names,
            [
                "Date",
                "Store",
                "Sales Qty",
                "Sales Amount",
                "Returns Qty",
                "Returns Amount"
            ]
        );
    }

    #[test]
    fn a_title_merged_across_the_row_is_not_the_header() {
        let title = "รายงานยอดขาย มกราคม 2568";
        let rows = rows(&[
            &[title, title, title, title],
            &["วันที่", "รหัสสินค้า", "จำนวน", "ยอดขายสุทธิ"],
            &["31/01/2568", "A1", "2", "100.00"],
        ]);
        assert_eq!(find(&rows).expect("header").last_row, 1);
    }

    #[test]
    fn no_row_of_names_is_no_header() {
        let rows = rows(&[&["1", "2", "3"], &["4", "5", "6"]]);
        assert_eq!(find(&rows), None);
    }
}
