//! Charts drawn on the server as standalone SVG: axes with round ticks, labels that fit,
//! thousands separators and baht, a legend for comparisons. The same picture goes to the UI,
//! reports and e-mail, so it needs no script and no external font.

use std::fmt::Write;

use analyst_core::ValueFormat;
use analyst_core::answer::{Chart, ChartType};
use analyst_core::format::{format_compact, format_value};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 360.0;
const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', 'Noto Sans Thai', 'Noto Sans', sans-serif";
const INK: &str = "#1f2933";
const MUTED: &str = "#616e7c";
const GRID: &str = "#e4e7eb";
/// Rough width of one character at 12px, for fitting labels.
const CHAR_WIDTH: f64 = 6.6;

struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Frame {
    fn width(&self) -> f64 {
        self.right - self.left
    }
    fn height(&self) -> f64 {
        self.bottom - self.top
    }
}

/// A linear scale over round ticks that include zero.
struct Scale {
    low: f64,
    high: f64,
    ticks: Vec<f64>,
}

impl Scale {
    fn over(values: impl Iterator<Item = f64>) -> Scale {
        let (mut low, mut high) = (0.0f64, 0.0f64);
        for value in values {
            low = low.min(value);
            high = high.max(value);
        }
        if high - low <= f64::EPSILON {
            high = low + 1.0;
        }
        let step = nice_step((high - low) / 5.0);
        let low = (low / step).floor() * step;
        let high = (high / step).ceil() * step;
        let count = ((high - low) / step).round() as usize;
        let ticks = (0..=count).map(|index| low + step * index as f64).collect();
        Scale { low, high, ticks }
    }

    /// Position of `value` between `from` (low end) and `to` (high end).
    fn at(&self, value: f64, from: f64, to: f64) -> f64 {
        from + (value - self.low) / (self.high - self.low) * (to - from)
    }
}

/// 1, 2 or 5 times a power of ten, the nearest to `raw` (so an axis gets about 4 to 8 ticks).
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.0 {
        2.0
    } else if fraction < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Shortens a label to `max` characters with an ellipsis.
fn fit(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut short: String = label.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// Renders the chart as a complete SVG document.
pub(crate) fn render(chart: &Chart, format: ValueFormat) -> String {
    let horizontal = chart.kind == ChartType::HorizontalBar;
    let height = if horizontal {
        (70.0 + chart.labels.len() as f64 * 24.0).max(160.0)
    } else {
        HEIGHT
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{title}" font-family="{FONT}" font-size="12"><title>{title}</title><rect width="100%" height="100%" fill="#ffffff"/>"##,
        title = escape(&chart.title)
    );
    let _ = write!(
        svg,
        r#"<text x="16" y="24" font-size="15" font-weight="600" fill="{INK}">{}</text>"#,
        escape(&chart.title)
    );
    legend(&mut svg, chart);
    let values = chart
        .datasets
        .iter()
        .flat_map(|dataset| dataset.data.iter().flatten().copied());
    let scale = Scale::over(values);
    if horizontal {
        let frame = Frame {
            left: 190.0,
            right: WIDTH - 80.0,
            top: 44.0,
            bottom: height - 28.0,
        };
        horizontal_bars(&mut svg, chart, &scale, &frame, format);
    } else {
        let rotate = chart.labels.len() > 12
            || chart.labels.iter().any(|label| {
                label.chars().count() as f64 * CHAR_WIDTH > 560.0 / chart.labels.len() as f64
            });
        let frame = Frame {
            left: 76.0,
            right: WIDTH - 20.0,
            top: 48.0,
            bottom: HEIGHT - if rotate { 86.0 } else { 40.0 },
        };
        value_axis(&mut svg, &scale, &frame, format);
        if chart.kind == ChartType::Line {
            lines(&mut svg, chart, &scale, &frame);
        } else {
            vertical_bars(&mut svg, chart, &scale, &frame);
        }
        category_axis(&mut svg, chart, &frame, rotate);
    }
    svg.push_str("</svg>");
    svg
}

fn legend(svg: &mut String, chart: &Chart) {
    if chart.datasets.len() < 2 {
        return;
    }
    let mut x = WIDTH - 20.0;
    for dataset in chart.datasets.iter().rev() {
        let label = fit(&dataset.label, 28);
        x -= label.chars().count() as f64 * CHAR_WIDTH + 26.0;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="14" width="12" height="12" rx="2" fill="{}"/><text x="{:.1}" y="24" fill="{MUTED}">{}</text>"#,
            escape(&dataset.color),
            x + 17.0,
            escape(&label)
        );
    }
}

/// Horizontal grid lines with their values on the left.
fn value_axis(svg: &mut String, scale: &Scale, frame: &Frame, format: ValueFormat) {
    for &tick in &scale.ticks {
        let y = scale.at(tick, frame.bottom, frame.top);
        let stroke = if tick == 0.0 { MUTED } else { GRID };
        let _ = write!(
            svg,
            r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{stroke}" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="{MUTED}">{}</text>"#,
            frame.left,
            frame.right,
            frame.left - 8.0,
            y + 4.0,
            escape(&format_compact(tick, format))
        );
    }
}

/// Category labels under the plot, thinned and rotated when they would overlap.
fn category_axis(svg: &mut String, chart: &Chart, frame: &Frame, rotate: bool) {
    let count = chart.labels.len().max(1);
    let band = frame.width() / count as f64;
    let every = if rotate {
        (count as f64 / 24.0).ceil().max(1.0) as usize
    } else {
        1
    };
    let max_chars = if rotate {
        16
    } else {
        ((band / CHAR_WIDTH) as usize).max(3)
    };
    for (index, label) in chart.labels.iter().enumerate() {
        if index % every != 0 {
            continue;
        }
        let x = frame.left + band * (index as f64 + 0.5);
        let y = frame.bottom + 16.0;
        let text = escape(&fit(label, max_chars));
        if rotate {
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{y:.1}" text-anchor="end" fill="{MUTED}" transform="rotate(-40 {x:.1} {y:.1})">{text}</text>"#
            );
        } else {
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="{MUTED}">{text}</text>"#
            );
        }
    }
}

fn vertical_bars(svg: &mut String, chart: &Chart, scale: &Scale, frame: &Frame) {
    let count = chart.labels.len().max(1);
    let band = frame.width() / count as f64;
    let series = chart.datasets.len().max(1);
    let bar = (band * 0.7 / series as f64).min(56.0);
    let zero = scale.at(0.0, frame.bottom, frame.top);
    for (offset, dataset) in chart.datasets.iter().enumerate() {
        for (index, value) in dataset.data.iter().enumerate() {
            let Some(value) = value else { continue };
            let center = frame.left + band * (index as f64 + 0.5);
            let x = center - bar * series as f64 / 2.0 + bar * offset as f64;
            let y = scale.at(*value, frame.bottom, frame.top);
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="2" fill="{}"><title>{}</title></rect>"#,
                y.min(zero),
                (bar - 2.0).max(1.0),
                (y - zero).abs().max(0.5),
                escape(&dataset.color),
                escape(&format!("{}: {value}", chart.labels[index]))
            );
        }
    }
}

fn lines(svg: &mut String, chart: &Chart, scale: &Scale, frame: &Frame) {
    let count = chart.labels.len().max(1);
    let band = frame.width() / count as f64;
    for dataset in &chart.datasets {
        let points: Vec<(f64, f64)> = dataset
            .data
            .iter()
            .enumerate()
            .filter_map(|(index, value)| {
                value.map(|value| {
                    (
                        frame.left + band * (index as f64 + 0.5),
                        scale.at(value, frame.bottom, frame.top),
                    )
                })
            })
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            path.join(" "),
            escape(&dataset.color)
        );
        if points.len() <= 40 {
            for (x, y) in &points {
                let _ = write!(
                    svg,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{}"/>"#,
                    escape(&dataset.color)
                );
            }
        }
    }
}

fn horizontal_bars(
    svg: &mut String,
    chart: &Chart,
    scale: &Scale,
    frame: &Frame,
    format: ValueFormat,
) {
    let count = chart.labels.len().max(1);
    let band = frame.height() / count as f64;
    let zero = scale.at(0.0, frame.left, frame.right);
    for &tick in &scale.ticks {
        let x = scale.at(tick, frame.left, frame.right);
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="{}" stroke-width="1"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="{MUTED}">{}</text>"#,
            frame.top,
            frame.bottom,
            if tick == 0.0 { MUTED } else { GRID },
            frame.bottom + 16.0,
            escape(&format_compact(tick, format))
        );
    }
    let Some(dataset) = chart.datasets.first() else {
        return;
    };
    for (index, (label, value)) in chart.labels.iter().zip(&dataset.data).enumerate() {
        let y = frame.top + band * index as f64;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{INK}">{}</text>"#,
            frame.left - 8.0,
            y + band / 2.0 + 4.0,
            escape(&fit(label, 26))
        );
        let Some(value) = value else { continue };
        let end = scale.at(*value, frame.left, frame.right);
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="2" fill="{}"/><text x="{:.1}" y="{:.1}" fill="{MUTED}">{}</text>"#,
            end.min(zero),
            y + band * 0.18,
            (end - zero).abs().max(0.5),
            band * 0.64,
            escape(&dataset.color),
            end.max(zero) + 6.0,
            y + band / 2.0 + 4.0,
            escape(&format_value(*value, format))
        );
    }
}

#[cfg(test)]
mod tests {
    use analyst_core::answer::Dataset;

    use super::*;

    fn chart(kind: ChartType, labels: &[&str], series: &[&[Option<f64>]]) -> Chart {
        Chart {
            kind,
            title: "Revenue by brand".into(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            datasets: series
                .iter()
                .enumerate()
                .map(|(index, data)| Dataset {
                    label: format!("Series {index}"),
                    data: data.to_vec(),
                    color: "#4e79a7".into(),
                })
                .collect(),
            vega_lite: None,
            svg: None,
        }
    }

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        let scale = Scale::over([0.0, 1_234_567.0].into_iter());
        assert_eq!(scale.ticks.first(), Some(&0.0));
        assert!(*scale.ticks.last().unwrap() >= 1_234_567.0);
        assert!(
            scale
                .ticks
                .windows(2)
                .all(|pair| pair[1] - pair[0] == 200_000.0)
        );
        let negative = Scale::over([-30.0, 70.0].into_iter());
        assert!(negative.ticks.contains(&0.0) && negative.low <= -30.0);
    }

    #[test]
    fn labels_are_escaped_and_figures_readable() {
        let svg = render(
            &chart(
                ChartType::Bar,
                &["Tom & <Jerry>", "ร้านภูเก็ต"],
                &[&[Some(1_500_000.0), Some(20.0)]],
            ),
            ValueFormat::Currency,
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("Tom &amp; &lt;Jerry&gt;"));
        assert!(!svg.contains("<Jerry>"));
        assert!(svg.contains("ร้านภูเก็ต"));
        assert!(
            svg.contains("฿1.6M") || svg.contains("฿1.5M") || svg.contains("฿2M"),
            "{svg}"
        );
        assert_eq!(
            svg.matches("<rect").count(),
            1 + 2,
            "background and two bars"
        );
    }

    #[test]
    fn every_kind_renders_with_gaps_and_many_points() {
        let labels: Vec<String> = (1..=30).map(|day| format!("2026-11-{day:02}")).collect();
        let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let data: Vec<Option<f64>> = (0..30)
            .map(|i| if i == 3 { None } else { Some(i as f64 * 10.0) })
            .collect();
        let line = render(
            &chart(ChartType::Line, &label_refs, &[&data, &data]),
            ValueFormat::Integer,
        );
        assert_eq!(line.matches("<polyline").count(), 2);
        assert!(line.contains("rotate(-40"), "many labels are rotated");
        let bars = render(
            &chart(ChartType::HorizontalBar, &label_refs, &[&data]),
            ValueFormat::Integer,
        );
        assert!(bars.contains("290"), "values printed at bar ends");
        let grouped = render(
            &chart(
                ChartType::GroupedBar,
                &["A", "B"],
                &[&[Some(1.0), Some(-2.0)], &[Some(3.0), None]],
            ),
            ValueFormat::Percentage,
        );
        assert_eq!(
            grouped.matches("<rect").count(),
            1 + 2 + 3,
            "background, legend, bars"
        );
    }
}
