//! Numbers as sales files write them: decimal comma or point (decided once per file),
//! thousands separators, currency symbols, and negatives as `-1`, `1-` or `(1)`.

use serde::{Deserialize, Serialize};

/// Which character separates the decimals in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalStyle {
    /// `1,234.50`
    Point,
    /// `1.234,50`
    Comma,
}

/// Currency marks stripped from either end of an amount, longest first.
const CURRENCIES: [&str; 12] = [
    "บาท",
    "THB",
    "USD",
    "EUR",
    "GBP",
    "SGD",
    "Baht",
    "฿",
    "$",
    "€",
    "£",
    "¥",
];

/// The longest number kept; more digits than this is no quantity or amount.
const MAX_DIGITS: usize = 40;

/// Reads a quantity or amount, or `None` when the text is not a number in this style.
pub(crate) fn parse_number(text: &str, style: DecimalStyle) -> Option<f64> {
    let text = text.trim();
    if is_plain(text.as_bytes(), style) {
        return text.parse().ok();
    }
    let (negative, core) = strip_sign(text)?;
    let core = strip_currency(core);
    let (negative_inside, core) = strip_sign(core)?;
    let value = parse_grouped(core, style)?;
    Some(if negative != negative_inside {
        -value
    } else {
        value
    })
}

/// Digits with an optional leading minus and at most one decimal point (in point style): the
/// common case, handed straight to the standard parser.
fn is_plain(bytes: &[u8], style: DecimalStyle) -> bool {
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let mut points = 0;
    !digits.is_empty()
        && digits.iter().all(|&byte| {
            points += usize::from(byte == b'.');
            byte.is_ascii_digit() || (byte == b'.' && style == DecimalStyle::Point)
        })
        && points <= 1
        && digits.first().is_some_and(u8::is_ascii_digit)
}

/// Takes a sign off: a leading `-` or `−`, a trailing `-`, or enclosing parentheses.
fn strip_sign(text: &str) -> Option<(bool, &str)> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return Some((true, inner.trim()));
    }
    for minus in ['-', '−'] {
        if let Some(rest) = text.strip_prefix(minus) {
            return Some((true, rest.trim_start()));
        }
        if let Some(rest) = text.strip_suffix(minus) {
            return Some((true, rest.trim_end()));
        }
    }
    (!text.is_empty()).then_some((false, text))
}

fn strip_currency(text: &str) -> &str {
    let mut text = text.trim();
    for currency in CURRENCIES {
        if let Some(rest) = strip_prefix_ignore_case(text, currency) {
            text = rest.trim_start();
        }
        if let Some(rest) = strip_suffix_ignore_case(text, currency) {
            text = rest.trim_end();
        }
    }
    text
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let split = text.len().checked_sub(suffix.len())?;
    let tail = text.get(split..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..split])
}

/// Digits with thousands separators (each followed by exactly three digits) and one decimal
/// separator; an exponent (`1.5E+06`, as spreadsheets export) is allowed.
fn parse_grouped(text: &str, style: DecimalStyle) -> Option<f64> {
    let (decimal, thousands) = match style {
        DecimalStyle::Point => ('.', ','),
        DecimalStyle::Comma => (',', '.'),
    };
    let mut buffer = [0u8; MAX_DIGITS];
    let mut length = 0;
    let mut push = |byte: u8| -> Option<()> {
        *buffer.get_mut(length)? = byte;
        length += 1;
        Some(())
    };
    let mut characters = text.char_indices().peekable();
    let (mut seen_digit, mut seen_decimal) = (false, false);
    while let Some((index, character)) = characters.next() {
        match character {
            '0'..='9' => {
                seen_digit = true;
                push(character as u8)?;
            }
            c if c == decimal && !seen_decimal => {
                seen_decimal = true;
                push(b'.')?;
            }
            c if (c == thousands || is_group_space(c)) && seen_digit && !seen_decimal => {
                let group = text[index + c.len_utf8()..]
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .count();
                if group != 3 {
                    return None;
                }
            }
            'e' | 'E' if seen_digit => {
                push(b'e')?;
                if let Some(&(_, sign @ ('+' | '-'))) = characters.peek() {
                    push(sign as u8)?;
                    characters.next();
                }
            }
            _ => return None,
        }
    }
    if !seen_digit {
        return None;
    }
    std::str::from_utf8(&buffer[..length]).ok()?.parse().ok()
}

fn is_group_space(character: char) -> bool {
    matches!(character, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’')
}

/// What one value says about the file's decimal separator, if anything: `1,234.5` and
/// `1,234,567` say point, `1.234,5` and `12,5` say comma, `1,234` says nothing.
pub(crate) fn decimal_evidence(text: &str) -> Option<DecimalStyle> {
    let (commas, points) = text.bytes().fold((0, 0), |(c, p), byte| {
        (c + usize::from(byte == b','), p + usize::from(byte == b'.'))
    });
    let digits_after = |separator: char| {
        text.rfind(separator).map_or(0, |index| {
            text[index + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count()
        })
    };
    match (commas, points) {
        (0, 0) => None,
        (c, p) if c > 0 && p > 0 => {
            if text.rfind(',') > text.rfind('.') {
                Some(DecimalStyle::Comma)
            } else {
                Some(DecimalStyle::Point)
            }
        }
        (c, 0) if c > 1 => Some(DecimalStyle::Point),
        (1, 0) => (digits_after(',') != 3).then_some(DecimalStyle::Comma),
        (0, p) if p > 1 => Some(DecimalStyle::Comma),
        _ => (digits_after('.') != 3).then_some(DecimalStyle::Point),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecimalStyle::{Comma, Point};

    #[test]
    fn plain_numbers() {
        assert_eq!(parse_number("12", Point), Some(12.0));
        assert_eq!(parse_number("-3", Point), Some(-3.0));
        assert_eq!(parse_number(" 1234.50 ", Point), Some(1234.5));
        assert_eq!(parse_number("1.5E+06", Point), Some(1_500_000.0));
    }

    #[test]
    fn thousands_separators_in_either_style() {
        assert_eq!(parse_number("1,234.50", Point), Some(1234.5));
        assert_eq!(parse_number("1,234,567", Point), Some(1_234_567.0));
        assert_eq!(parse_number("1.234,50", Comma), Some(1234.5));
        assert_eq!(parse_number("1 234,50", Comma), Some(1234.5));
        assert_eq!(parse_number("1\u{a0}234,50", Comma), Some(1234.5));
        assert_eq!(parse_number("1'234.50", Point), Some(1234.5));
        assert_eq!(parse_number("12,5", Comma), Some(12.5));
    }

    #[test]
    fn a_separator_in_the_wrong_style_is_not_silently_misread() {
        assert_eq!(parse_number("12,5", Point), None);
        assert_eq!(parse_number("12.50", Comma), None);
        assert_eq!(parse_number("1,2,3", Point), None);
    }

    #[test]
    fn currency_symbols_and_codes() {
        assert_eq!(parse_number("฿1,250.00", Point), Some(1250.0));
        assert_eq!(parse_number("THB 1,250", Point), Some(1250.0));
        assert_eq!(parse_number("1,250.00 บาท", Point), Some(1250.0));
        assert_eq!(parse_number("$ 99.90", Point), Some(99.9));
        assert_eq!(parse_number("€1.234,50", Comma), Some(1234.5));
        assert_eq!(parse_number("1.234,50 €", Comma), Some(1234.5));
        assert_eq!(parse_number("-฿50", Point), Some(-50.0));
        assert_eq!(parse_number("฿-50", Point), Some(-50.0));
    }

    #[test]
    fn negatives_in_parentheses_and_with_a_trailing_minus() {
        assert_eq!(parse_number("(1,234.50)", Point), Some(-1234.5));
        assert_eq!(parse_number("(฿1,234.50)", Point), Some(-1234.5));
        assert_eq!(parse_number("1,234.50-", Point), Some(-1234.5));
        assert_eq!(parse_number("−7", Point), Some(-7.0));
        assert_eq!(parse_number("2-", Comma), Some(-2.0));
    }

    #[test]
    fn text_is_not_a_number() {
        for text in ["", "-", "abc", "12abc", "1.2.3", "()", "฿", "N/A", "12 pcs"] {
            assert_eq!(parse_number(text, Point), None, "{text}");
        }
    }

    #[test]
    fn evidence_for_the_decimal_separator() {
        assert_eq!(decimal_evidence("1,234.5"), Some(Point));
        assert_eq!(decimal_evidence("1,234,567"), Some(Point));
        assert_eq!(decimal_evidence("12.50"), Some(Point));
        assert_eq!(decimal_evidence("1.234,5"), Some(Comma));
        assert_eq!(decimal_evidence("1.234.567"), Some(Comma));
        assert_eq!(decimal_evidence("12,5"), Some(Comma));
        assert_eq!(decimal_evidence("1,234"), None);
        assert_eq!(decimal_evidence("1.234"), None);
        assert_eq!(decimal_evidence("12"), None);
    }
}
