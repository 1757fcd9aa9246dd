//! The chart of an answer: the kind that suits the result (a line for a trend, bars for a
//! ranking, grouped bars for a comparison, none for a single figure), its data, and the same
//! chart as a Vega-Lite spec and as a server-rendered SVG for the UI, reports and e-mail.

mod svg;

use analyst_core::answer::{Chart, ChartType, Dataset};
use analyst_core::{Dimension, ValueFormat};
use analyst_semantic::QueryResult;
use serde_json::json;

use crate::answer::dimension_label;

const PALETTE: [&str; 4] = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];

/// Rankings with more rows than this read better as horizontal bars.
const MAX_VERTICAL_BARS: usize = 8;

pub(crate) fn build(result: &QueryResult) -> Option<Chart> {
    let dimension = *result.dimensions.first()?;
    let measure = *result.measures.first()?;
    if result.rows.is_empty() {
        return None;
    }
    let labels: Vec<String> = result
        .rows
        .iter()
        .map(|row| {
            result
                .dimensions
                .iter()
                .zip(&row.dimensions)
                .map(|(dimension, value)| dimension_label(*dimension, value))
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .collect();
    let mut datasets = vec![Dataset {
        label: measure.label().into(),
        data: result.rows.iter().map(|row| row.measures[0]).collect(),
        color: PALETTE[0].into(),
    }];
    if result.compared {
        datasets.push(Dataset {
            label: format!("{} (previous)", measure.label()),
            data: result
                .rows
                .iter()
                .map(|row| row.previous.first().copied().flatten())
                .collect(),
            color: PALETTE[1].into(),
        });
    }
    let trend = dimension.is_time() && dimension != Dimension::Weekday;
    let kind = if trend {
        ChartType::Line
    } else if result.compared {
        ChartType::GroupedBar
    } else if result.rows.len() > MAX_VERTICAL_BARS {
        ChartType::HorizontalBar
    } else {
        ChartType::Bar
    };
    let title = format!(
        "{} by {}",
        measure.label(),
        dimension.label().to_lowercase()
    );
    let mut chart = Chart {
        kind,
        title,
        labels,
        datasets,
        vega_lite: None,
        svg: None,
    };
    chart.vega_lite = Some(vega_lite(&chart, dimension.label(), measure.label()));
    chart.svg = Some(svg::render(&chart, measure.format()));
    Some(chart)
}

/// Adds the Vega-Lite spec and the SVG drawing to a chart built elsewhere (tool answers).
pub(crate) fn finish(chart: &mut Chart, x_title: &str, y_title: &str, format: ValueFormat) {
    chart.vega_lite = Some(vega_lite(chart, x_title, y_title));
    chart.svg = Some(svg::render(chart, format));
}

/// The same chart for Vega-Lite clients: one row per (label, series) in long form.
fn vega_lite(chart: &Chart, x_title: &str, y_title: &str) -> serde_json::Value {
    let values: Vec<_> = chart
        .datasets
        .iter()
        .flat_map(|dataset| {
            chart
                .labels
                .iter()
                .zip(&dataset.data)
                .map(move |(label, value)| {
                    json!({"label": label, "series": dataset.label, "value": value})
                })
        })
        .collect();
    let colors: Vec<&str> = chart.datasets.iter().map(|d| d.color.as_str()).collect();
    let series: Vec<&str> = chart.datasets.iter().map(|d| d.label.as_str()).collect();
    let color = json!({"field": "series", "type": "nominal", "title": null,
                       "scale": {"domain": series, "range": colors}});
    let category = json!({"field": "label", "type": "ordinal", "sort": null, "title": x_title});
    let quantity = json!({"field": "value", "type": "quantitative", "title": y_title});
    let (mark, encoding) = match chart.kind {
        ChartType::Line => (
            json!({"type": "line", "point": true}),
            json!({"x": category, "y": quantity, "color": color}),
        ),
        ChartType::HorizontalBar => (
            json!({"type": "bar"}),
            json!({"y": category, "x": quantity, "color": color}),
        ),
        ChartType::GroupedBar => (
            json!({"type": "bar"}),
            json!({"x": category, "xOffset": {"field": "series"}, "y": quantity, "color": color}),
        ),
        _ => (
            json!({"type": "bar"}),
            json!({"x": category, "y": quantity, "color": color}),
        ),
    };
    json!({
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": chart.title,
        "data": {"values": values},
        "mark": mark,
        "encoding": encoding
    })
}
