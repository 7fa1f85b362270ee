//! The chart of `capacity`: a collaborative and service line's nightly demand for local beds over
//! the baseline, with today's beds and both counts of beds needed as horizontal lines, in the
//! project's chart style (SVG with a text alternative).

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{
    ensure_font, number, with_text_alternative, CONCERN, HEIGHT, IMPROVEMENT, WIDTH,
};
use crate::capacity::DemandChart;
use crate::periods::date_of;

const DEMAND: RGBColor = RGBColor(0x76, 0x86, 0x92);
const CURRENT: RGBColor = RGBColor(0x23, 0x1F, 0x20);

fn title(chart: &DemandChart) -> String {
    format!(
        "{} {}: nightly demand for local beds",
        chart.collaborative, chart.service_line
    )
}

fn text_alternative(chart: &DemandChart) -> String {
    let n = chart.demand.len();
    let mean = chart.demand.iter().sum::<f64>() / n.max(1) as f64;
    let peak = chart.demand.iter().copied().fold(0.0, f64::max);
    format!(
        "Demand for local beds each night from {} to {}: mean {}, peak {}. Beds needed at {}% occupancy: {}; beds that demand exceeds on at most {}% of nights: {}; current beds: {}.",
        date_of(chart.first),
        date_of(chart.first + n as i32 - 1),
        number(mean),
        number(peak),
        number(chart.occupancy * 100.0),
        number(chart.beds_by_occupancy),
        number(chart.risk * 100.0),
        number(chart.beds_by_risk),
        chart.current_beds.map_or("not given".into(), number),
    )
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &DemandChart) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing the chart: {e:?}");
    root.fill(&WHITE).map_err(error)?;
    let n = chart.demand.len();
    let mut high = chart
        .demand
        .iter()
        .copied()
        .fold(chart.beds_by_occupancy.max(chart.beds_by_risk), f64::max);
    if let Some(c) = chart.current_beds {
        high = high.max(c);
    }
    let top = (high * 1.15).max(1.0);
    let mut plot = ChartBuilder::on(root)
        .caption(title(chart), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..n.max(1) as f64, 0f64..top)
        .map_err(error)?;
    let first = chart.first;
    plot.configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(12)
        .y_label_formatter(&super::chart::tick)
        .x_label_formatter(&|x: &f64| date_of(first + *x as i32).format("%Y-%m-%d").to_string())
        .x_desc("Night")
        .y_desc("People needing a local bed")
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(error)?;
    plot.draw_series(LineSeries::new(
        chart
            .demand
            .iter()
            .enumerate()
            .map(|(i, v)| (i as f64 + 0.5, *v)),
        DEMAND.stroke_width(1),
    ))
    .map_err(error)?
    .label("Demand each night")
    .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], DEMAND.stroke_width(2)));
    let mut lines = vec![
        (
            chart.beds_by_occupancy,
            format!(
                "Beds at {}% occupancy: {}",
                number(chart.occupancy * 100.0),
                number(chart.beds_by_occupancy)
            ),
            IMPROVEMENT,
        ),
        (
            chart.beds_by_risk,
            format!(
                "Beds exceeded on at most {}% of nights: {}",
                number(chart.risk * 100.0),
                number(chart.beds_by_risk)
            ),
            CONCERN,
        ),
    ];
    if let Some(c) = chart.current_beds {
        lines.push((c, format!("Current beds: {}", number(c)), CURRENT));
    }
    for (value, label, colour) in lines {
        plot.draw_series(DashedLineSeries::new(
            [(0.0, value), (n as f64, value)],
            8,
            4,
            colour.stroke_width(2),
        ))
        .map_err(error)?
        .label(label)
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
    }
    plot.configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(CURRENT)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(error)?;
    root.present().map_err(error)?;
    Ok(())
}

/// The chart as an SVG document with its text alternative.
pub fn svg(chart: &DemandChart) -> Result<String> {
    ensure_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, chart)?;
    }
    with_text_alternative(svg, &title(chart), &text_alternative(chart))
}
