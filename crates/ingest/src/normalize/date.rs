//! Dates as sales files write them: ISO, day/month/year or month/day/year (decided once per
//! file), `5-Jan-2025`, Thai month names, Excel serial numbers, and Buddhist-era years.

use chrono::NaiveDate;

use crate::profile::DateOrder;

/// Years outside this range are typing errors, not sales dates.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Excel serial numbers read as dates: 1954-10-03 to 2119-01-09.
const SERIALS: std::ops::RangeInclusive<f64> = 20_000.0..=80_000.0;

/// Reads a date, with numeric `a/b/y` dates in the file's order; a time after the date is
/// ignored.
pub(crate) fn parse_date(text: &str, order: DateOrder) -> Option<NaiveDate> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if let Some(date) = iso(bytes) {
        return Some(date);
    }
    if let Some((first, second, year)) = numeric_parts(bytes) {
        let (day, month) = match order {
            DateOrder::DayMonthYear => (first, second),
            DateOrder::MonthDayYear => (second, first),
        };
        return make(full_year(year)?, month, day);
    }
    if bytes.len() == 8 && bytes.iter().all(u8::is_ascii_digit) {
        let year = number(&bytes[..4])?;
        return make(
            full_year(year)?,
            number(&bytes[4..6])?,
            number(&bytes[6..8])?,
        );
    }
    if let Some(date) = serial(text) {
        return Some(date);
    }
    named_month(text)
}

/// What one value says about the file's date order: `13/01/2025` says day first,
/// `01/13/2025` month first, `05/06/2025` nothing.
pub(crate) fn date_order_evidence(text: &str) -> Option<DateOrder> {
    let (first, second, _) = numeric_parts(text.trim().as_bytes())?;
    match (first > 12, second > 12) {
        (true, false) => Some(DateOrder::DayMonthYear),
        (false, true) => Some(DateOrder::MonthDayYear),
        _ => None,
    }
}

/// `2025-01-31`, `2025/01/31` or `2025.01.31`, optionally followed by a time.
fn iso(bytes: &[u8]) -> Option<NaiveDate> {
    let head = bytes.get(..10)?;
    let separator = head[4];
    if !matches!(separator, b'-' | b'/' | b'.') || head[7] != separator {
        return None;
    }
    if !matches!(bytes.get(10), None | Some(b' ' | b'T')) {
        return None;
    }
    let year = number(&head[..4])?;
    make(
        full_year(year)?,
        number(&head[5..7])?,
        number(&head[8..10])?,
    )
}

/// `a/b/y`, `a-b-y` or `a.b.y` with one- or two-digit `a` and `b` and a two- or four-digit
/// year, optionally followed by a time.
fn numeric_parts(bytes: &[u8]) -> Option<(u32, u32, u32)> {
    let end = bytes
        .iter()
        .position(|&byte| byte == b' ' || byte == b'T')
        .unwrap_or(bytes.len());
    let date = &bytes[..end];
    let separator = *date.iter().find(|byte| !byte.is_ascii_digit())?;
    if !matches!(separator, b'/' | b'-' | b'.') {
        return None;
    }
    let mut parts = date.split(|&byte| byte == separator);
    let (first, second, year) = (parts.next()?, parts.next()?, parts.next()?);
    let sized = |part: &[u8], sizes: &[usize]| sizes.contains(&part.len());
    if parts.next().is_some()
        || !sized(first, &[1, 2])
        || !sized(second, &[1, 2])
        || !sized(year, &[2, 4])
    {
        return None;
    }
    Some((number(first)?, number(second)?, number(year)?))
}

/// A four-digit Gregorian year from what the file wrote: a Buddhist-era year (above 2400) is
/// 543 years ahead; two digits are 20xx below 50 and a Buddhist-era 25xx from 50 (`68` is
/// 2568 BE, 2025).
fn full_year(year: u32) -> Option<i32> {
    let year = i32::try_from(year).ok()?;
    let year = match year {
        0..=49 => 2000 + year,
        50..=99 => 2500 + year - 543,
        2400.. => year - 543,
        _ => year,
    };
    YEARS.contains(&year).then_some(year)
}

fn make(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0')),
    )
}

/// An Excel serial day number (days since 1899-12-30), as spreadsheets store dates.
fn serial(text: &str) -> Option<NaiveDate> {
    if !text
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b'.')
    {
        return None;
    }
    let days: f64 = text.parse().ok()?;
    if !SERIALS.contains(&days) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_days(chrono::Days::new(days.trunc() as u64))
}

/// English month names and abbreviations (lower case) with their numbers.
const ENGLISH_MONTHS: [(&str, u32); 12] = [
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Thai month names, full and abbreviated.
const THAI_MONTHS: [(&str, &str); 12] = [
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
];

/// `5-Jan-2025`, `05 January 2025`, `Jan 5, 2025`, `Wed, 5 Jan 25`, `5 ม.ค. 2568`: one month
/// word and two numbers, the one of four digits (or the second) being the year.
fn named_month(text: &str) -> Option<NaiveDate> {
    let mut month = None;
    let mut numbers: Vec<&str> = Vec::with_capacity(2);
    let mut rest = text;
    for (thai_month, (full, short)) in (1..).zip(THAI_MONTHS) {
        if let Some(index) = text.find(full).or_else(|| text.find(short)) {
            month = Some(thai_month);
            let length = if text[index..].starts_with(full) {
                full.len()
            } else {
                short.len()
            };
            rest = &text[..index];
            numbers.extend(numeric_tokens(rest));
            rest = &text[index + length..];
            break;
        }
    }
    for token in rest.split(|c: char| !c.is_alphanumeric()) {
        if token.is_empty() || numbers.len() == 2 && month.is_some() {
            continue;
        }
        if token.bytes().all(|byte| byte.is_ascii_digit()) {
            if numbers.len() < 2 {
                numbers.push(token);
            }
        } else if month.is_none() {
            month = english_month(token);
        }
    }
    let month = month?;
    let (day, year) = match numbers.as_slice() {
        [a, b] if a.len() == 4 => (*b, *a),
        [a, b] => (*a, *b),
        _ => return None,
    };
    if day.len() > 2 || !matches!(year.len(), 2 | 4) {
        return None;
    }
    make(
        full_year(number(year.as_bytes())?)?,
        month,
        number(day.as_bytes())?,
    )
}

fn numeric_tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|token| !token.is_empty())
}

fn english_month(token: &str) -> Option<u32> {
    let lower = token.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    let (_, month) = ENGLISH_MONTHS.iter().find(|(name, _)| *name == prefix)?;
    // "Mon", "Sat"… are weekdays, "march" a month: the whole word must read as the month.
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let full = FULL[*month as usize - 1];
    (lower.len() == 3 || full.starts_with(&lower) || lower == "sept").then_some(*month)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateOrder::{DayMonthYear as Dmy, MonthDayYear as Mdy};

    fn day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, month, day)
    }

    #[test]
    fn iso_dates_with_or_without_time() {
        assert_eq!(parse_date("2025-01-31", Dmy), day(2025, 1, 31));
        assert_eq!(parse_date("2025/01/31", Mdy), day(2025, 1, 31));
        assert_eq!(parse_date("2025-01-31 14:22:05", Dmy), day(2025, 1, 31));
        assert_eq!(
            parse_date("2025-01-31T14:22:05+07:00", Dmy),
            day(2025, 1, 31)
        );
        assert_eq!(parse_date("20250131", Dmy), day(2025, 1, 31));
    }

    #[test]
    fn numeric_dates_follow_the_file_order() {
        assert_eq!(parse_date("03/04/2025", Dmy), day(2025, 4, 3));
        assert_eq!(parse_date("03/04/2025", Mdy), day(2025, 3, 4));
        assert_eq!(parse_date("3.4.2025", Dmy), day(2025, 4, 3));
        assert_eq!(parse_date("31-01-25", Dmy), day(2025, 1, 31));
        assert_eq!(parse_date("1/31/2025 10:00", Mdy), day(2025, 1, 31));
        assert_eq!(parse_date("31/01/2025", Mdy), None);
    }

    #[test]
    fn buddhist_era_years() {
        assert_eq!(parse_date("31/01/2568", Dmy), day(2025, 1, 31));
        assert_eq!(parse_date("2568-01-31", Dmy), day(2025, 1, 31));
        assert_eq!(parse_date("31/01/68", Dmy), day(2025, 1, 31));
        assert_eq!(parse_date("5 ม.ค. 2568", Dmy), day(2025, 1, 5));
        assert_eq!(parse_date("15 กุมภาพันธ์ 2568", Dmy), day(2025, 2, 15));
    }

    #[test]
    fn month_names() {
        assert_eq!(parse_date("05-Jan-2025", Mdy), day(2025, 1, 5));
        assert_eq!(parse_date("5 January 2025", Dmy), day(2025, 1, 5));
        assert_eq!(parse_date("Jan 5, 2025", Dmy), day(2025, 1, 5));
        assert_eq!(parse_date("Wed, 5 Feb 25", Dmy), day(2025, 2, 5));
        assert_eq!(parse_date("31 Jan 2025 14:22", Dmy), day(2025, 1, 31));
        assert_eq!(parse_date("5-Sept-2025", Dmy), day(2025, 9, 5));
    }

    #[test]
    fn excel_serial_numbers() {
        assert_eq!(parse_date("45688", Dmy), day(2025, 1, 31));
        assert_eq!(parse_date("45688.75", Dmy), day(2025, 1, 31));
        assert_eq!(parse_date("12", Dmy), None);
    }

    #[test]
    fn not_dates() {
        for text in [
            "",
            "Total",
            "31/02/2025",
            "2025-13-01",
            "1/2",
            "abc 2025",
            "12345",
            "1/1/1850",
        ] {
            assert_eq!(parse_date(text, Dmy), None, "{text}");
        }
    }

    #[test]
    fn order_evidence() {
        assert_eq!(date_order_evidence("13/01/2025"), Some(Dmy));
        assert_eq!(date_order_evidence("01/13/2025"), Some(Mdy));
        assert_eq!(date_order_evidence("05/06/2025"), None);
        assert_eq!(date_order_evidence("2025-01-13"), None);
    }
}
