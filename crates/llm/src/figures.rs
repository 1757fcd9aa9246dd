//! Figures the model wrote that no tool result holds. The answer's KPIs, tables and charts are
//! filled from tool results; a number in the prose that matches none of them is reported (the
//! gateway puts the list in `meta`), so an invented figure never passes silently.

/// A number as written in prose.
struct Figure {
    text: String,
    value: f64,
    decimals: i32,
    /// 1, or 1e3 / 1e6 / 1e9 for a `k` / `M` / `B` suffix.
    scale: f64,
    percent: bool,
}

/// The numbers of `prose` (as written, in order, once each) that match no number of
/// `tool_results`. Formatting is tolerated: `1,234.5` matches 1234.50 and 1234.46 (rounded to
/// the precision shown), `1.2M` matches 1234567, `12.5%` matches 12.5 and 0.125, and signs are
/// ignored (`fell 3%` for -3). Dates, times, years (1900–2100), small counts (≤ 12) and numbers
/// stuck to letters (`Q3`, `3rd`) are not treated as figures.
pub fn unmatched_figures<I>(prose: &str, tool_results: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let known: Vec<f64> = tool_results
        .into_iter()
        .flat_map(|text| scan(text.as_ref(), false))
        .map(|figure| figure.value * figure.scale)
        .collect();
    let mut unmatched: Vec<String> = Vec::new();
    for figure in scan(prose, true) {
        let matched = known.iter().any(|&value| matches(&figure, value));
        if !matched && !unmatched.contains(&figure.text) {
            unmatched.push(figure.text);
        }
    }
    unmatched
}

/// Whether `value` shown at the figure's precision (and scale) is the figure.
fn matches(figure: &Figure, value: f64) -> bool {
    let factor = 10f64.powi(figure.decimals);
    let shown = (figure.value * factor).round();
    let equal = |candidate: f64| ((candidate.abs() / figure.scale) * factor).round() == shown;
    equal(value) || (figure.percent && equal(value * 100.0))
}

/// The numbers of `text`. `prose` applies the rules that tell a figure from a date, a year, a
/// count or a code.
fn scan(text: &str, prose: bool) -> Vec<Figure> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |index: usize| chars.get(index).is_some_and(char::is_ascii_digit);
    let mut figures = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        if !digit(index) || (index > 0 && digit(index - 1)) {
            index += 1;
            continue;
        }
        let start = index;
        while digit(index) {
            index += 1;
        }
        let mut grouped = false;
        while chars.get(index) == Some(&',')
            && (1..=3).all(|offset| digit(index + offset))
            && !digit(index + 4)
        {
            grouped = true;
            index += 4;
        }
        let mut decimals = 0;
        if chars.get(index) == Some(&'.') && digit(index + 1) {
            index += 1;
            while digit(index) {
                index += 1;
                decimals += 1;
            }
        }
        let number: String = chars[start..index].iter().filter(|c| **c != ',').collect();
        let Ok(value) = number.parse::<f64>() else {
            continue;
        };
        let after_number = index;
        let letter_after = |at: usize| chars.get(at).is_some_and(|c| c.is_alphabetic());
        let (mut scale, mut percent) = (1.0, false);
        match chars.get(index) {
            Some('%') => {
                percent = true;
                index += 1;
            }
            Some(suffix @ ('k' | 'K' | 'm' | 'M' | 'b' | 'B')) if !letter_after(index + 1) => {
                scale = match suffix {
                    'k' | 'K' => 1e3,
                    'm' | 'M' => 1e6,
                    _ => 1e9,
                };
                index += 1;
            }
            _ => {}
        }
        let mut worded = false;
        if index == after_number
            && let Some((length, word_scale, word_percent)) = scale_word(&chars, index)
        {
            (scale, percent, worded) = (word_scale, word_percent, true);
            index += length;
        }
        let figure = Figure {
            text: chars[start..index].iter().collect(),
            value,
            decimals,
            scale,
            percent,
        };
        if prose {
            let before = start.checked_sub(1).and_then(|at| chars.get(at)).copied();
            let stuck = before.is_some_and(|c| c.is_alphabetic() || c == '_')
                || (!worded && letter_after(index));
            let joined = |separator: Option<&char>, neighbour: bool| {
                separator.is_some_and(|c| matches!(c, '-' | '/' | ':')) && neighbour
            };
            let date_or_time = joined(before.as_ref(), start >= 2 && digit(start - 2))
                || (after_number == index && joined(chars.get(index), digit(index + 1)));
            let plain = !grouped && decimals == 0 && scale == 1.0 && !percent;
            let count_or_year = plain && (value <= 12.0 || (1900.0..=2100.0).contains(&value));
            if stuck || date_or_time || count_or_year {
                continue;
            }
        }
        figures.push(figure);
    }
    figures
}

/// Words that scale a number or make it a percentage: (word, scale, percent). English words
/// must end there; Thai words may run on (`ล้านบาท`).
const SCALE_WORDS: [(&str, f64, bool); 11] = [
    ("thousand", 1e3, false),
    ("million", 1e6, false),
    ("millions", 1e6, false),
    ("billion", 1e9, false),
    ("billions", 1e9, false),
    ("percent", 1.0, true),
    ("พัน", 1e3, false),
    ("หมื่น", 1e4, false),
    ("แสน", 1e5, false),
    ("ล้าน", 1e6, false),
    ("เปอร์เซ็นต์", 1.0, true),
];

/// The scale word at `at` (after at most one space): characters used, scale, percent.
fn scale_word(chars: &[char], at: usize) -> Option<(usize, f64, bool)> {
    let space = usize::from(chars.get(at) == Some(&' '));
    let rest = chars.get(at + space..)?;
    SCALE_WORDS.iter().find_map(|&(word, scale, percent)| {
        let length = word.chars().count();
        let matches = rest.len() >= length && rest[..length].iter().copied().eq(word.chars());
        let english = word.is_ascii();
        let ends = !english || rest.get(length).is_none_or(|next| !next.is_alphabetic());
        (matches && ends).then_some((space + length, scale, percent))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_and_rounding_are_tolerated() {
        let tools = [r#"{"revenue": 1234.46, "orders": 310, "margin_pct": 0.125, "growth": -3.0}"#];
        let prose = "Revenue was ฿1,234.5 (about 1.2k) from 310 orders; margin 12.5%, down 3%.";
        assert_eq!(unmatched_figures(prose, tools), Vec::<String>::new());
    }

    #[test]
    fn an_invented_figure_is_reported_once() {
        let tools = [r#"{"rows": [{"brand": "Stride", "revenue": 345678.0}]}"#];
        let prose = "Stride sold ฿345,678, ahead of Nova at ฿120,000 (฿120,000 is a guess).";
        assert_eq!(unmatched_figures(prose, tools), vec!["120,000".to_owned()]);
    }

    #[test]
    fn dates_years_counts_and_codes_are_not_figures() {
        let prose =
            "In Q3 2026, from 2026-10-01 to 31/10 at 10:30, the top 5 brands (SKU123) grew 44.1%.";
        assert_eq!(
            unmatched_figures(prose, ["no numbers"]),
            vec!["44.1%".to_owned()]
        );
    }

    #[test]
    fn scale_words_in_english_and_thai() {
        let tools = ["1234567", "0.125"];
        let prose = "Revenue reached 1.2 million (1.2 ล้านบาท), margin 12.5 percent; Nova 3 ล้าน.";
        assert_eq!(unmatched_figures(prose, tools), vec!["3 ล้าน".to_owned()]);
    }

    #[test]
    fn millions_match_at_the_shown_precision() {
        assert!(unmatched_figures("Revenue reached 1.23M.", ["1234567"]).is_empty());
        assert_eq!(
            unmatched_figures("Revenue reached 1.3M.", ["1234567"]),
            vec!["1.3M".to_owned()]
        );
    }
}
