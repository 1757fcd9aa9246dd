//! Number formatting for answers: thousands separators, baht, percentages, deltas.

use crate::ValueFormat;

/// Formats `value` the way an answer shows it: `฿1,234,567`, `1,234`, `12.5%`.
pub fn format_value(value: f64, format: ValueFormat) -> String {
    match format {
        ValueFormat::Currency => {
            let sign = if value < 0.0 { "-" } else { "" };
            let decimals = if value.abs() >= 1000.0 { 0 } else { 2 };
            format!("{sign}฿{}", group_thousands(value.abs(), decimals))
        }
        ValueFormat::Integer => group_thousands_signed(value, 0),
        ValueFormat::Percentage => format!("{value:.1}%"),
        _ => group_thousands_signed(value, 2),
    }
}

/// A short form for chart axes: `฿1.2M`, `350K`, `12%`.
pub fn format_compact(value: f64, format: ValueFormat) -> String {
    if format == ValueFormat::Percentage {
        return format!("{value:.0}%");
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e9 {
        (magnitude / 1e9, "B")
    } else if magnitude >= 1e6 {
        (magnitude / 1e6, "M")
    } else if magnitude >= 1e3 {
        (magnitude / 1e3, "K")
    } else {
        (magnitude, "")
    };
    let number = if scaled >= 100.0 || scaled.fract() == 0.0 {
        format!("{scaled:.0}")
    } else if scaled >= 10.0 {
        format!("{scaled:.1}")
    } else {
        format!("{scaled:.2}")
    };
    let number = if number.contains('.') {
        number
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        number
    };
    let currency = if format == ValueFormat::Currency {
        "฿"
    } else {
        ""
    };
    format!("{sign}{currency}{number}{suffix}")
}

/// A change as `+12.5%` / `-3.0%`; `None` when there is nothing to compare with.
pub fn format_change_pct(current: f64, previous: f64) -> Option<String> {
    change_pct(current, previous).map(|pct| format!("{pct:+.1}%"))
}

/// The relative change in percent; `None` when the previous value is zero or missing.
pub fn change_pct(current: f64, previous: f64) -> Option<f64> {
    if previous == 0.0 || !previous.is_finite() || !current.is_finite() {
        return None;
    }
    Some((current - previous) / previous.abs() * 100.0)
}

fn group_thousands_signed(value: f64, decimals: usize) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}{}", group_thousands(value.abs(), decimals))
}

fn group_thousands(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{grouped}.{fraction}"),
        None => grouped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_figures_for_people() {
        assert_eq!(
            format_value(1_234_567.4, ValueFormat::Currency),
            "฿1,234,567"
        );
        assert_eq!(format_value(999.5, ValueFormat::Currency), "฿999.50");
        assert_eq!(format_value(-2500.0, ValueFormat::Currency), "-฿2,500");
        assert_eq!(format_value(1234.0, ValueFormat::Integer), "1,234");
        assert_eq!(format_value(-12.0, ValueFormat::Integer), "-12");
        assert_eq!(format_value(41.256, ValueFormat::Percentage), "41.3%");
        assert_eq!(format_value(0.0, ValueFormat::Integer), "0");
    }

    #[test]
    fn compact_figures_for_axes() {
        assert_eq!(format_compact(1_250_000.0, ValueFormat::Currency), "฿1.25M");
        assert_eq!(format_compact(350_000.0, ValueFormat::Integer), "350K");
        assert_eq!(format_compact(12_500.0, ValueFormat::Integer), "12.5K");
        assert_eq!(
            format_compact(2_000_000_000.0, ValueFormat::Currency),
            "฿2B"
        );
        assert_eq!(format_compact(-40.0, ValueFormat::Integer), "-40");
        assert_eq!(format_compact(0.0, ValueFormat::Currency), "฿0");
        assert_eq!(format_compact(42.0, ValueFormat::Percentage), "42%");
    }

    #[test]
    fn changes_need_a_base() {
        assert_eq!(format_change_pct(112.5, 100.0).as_deref(), Some("+12.5%"));
        assert_eq!(format_change_pct(97.0, 100.0).as_deref(), Some("-3.0%"));
        assert_eq!(format_change_pct(5.0, 0.0), None);
    }
}
