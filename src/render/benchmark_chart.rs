//! The chart of `benchmark`: a measure per 1,000,000 population, month by month, for each
//! collaborative and for England (and peers with a population), in the project's chart style
//! (SVG with a text alternative).

use anyhow::{anyhow, bail, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::*;

use super::chart::{
    ensure_font, number, with_text_alternative, COMMON_CAUSE, CONCERN, HEIGHT, IMPROVEMENT,
    NEITHER, WIDTH,
};

const ENGLAND: RGBColor = RGBColor(0x23, 0x1F, 0x20);
/// The collaboratives' and peers' lines: NHS identity colours, distinct from England's black.
const PALETTE: [RGBColor; 6] = [
    IMPROVEMENT,
    NEITHER,
    CONCERN,
    RGBColor(0x00, 0x96, 0x39),
    COMMON_CAUSE,
    RGBColor(0xAE, 0x25, 0x73),
];

/// One line of the chart: a level and its value per 1,000,000 for each month (None: no value).
struct Line {
    label: String,
    values: Vec<Option<f64>>,
}

/// The months and the lines of `measure` at period M in a `benchmark` frame.
fn lines(frame: &DataFrame, measure: &str) -> Result<(Vec<String>, Vec<Line>)> {
    let text = |name: &str| crate::spells::text_values(frame, name);
    let (months, periods, ids, codes, sides) = (
        text("month")?,
        text("period")?,
        text("measure_id")?,
        text("level_code")?,
        text("side")?,
    );
    let per_million: Vec<Option<f64>> = frame.column("per_million")?.f64()?.iter().collect();
    let rows: Vec<usize> = (0..frame.height())
        .filter(|&i| periods[i] == "M" && ids[i] == measure)
        .collect();
    if rows.is_empty() {
        bail!("--chart-measure {measure}: no such measure at period M in the comparison");
    }
    let mut month_list: Vec<String> = rows.iter().map(|&i| months[i].clone()).collect();
    month_list.sort();
    month_list.dedup();
    let mut lines: Vec<Line> = Vec::new();
    for &i in &rows {
        let label = match sides[i].as_str() {
            "england" => "England".to_string(),
            "peer" => format!("{} (peer)", codes[i]),
            _ => codes[i].clone(),
        };
        let at = month_list
            .iter()
            .position(|m| *m == months[i])
            .expect("listed");
        let line = match lines.iter_mut().position(|l| l.label == label) {
            Some(k) => &mut lines[k],
            None => {
                lines.push(Line {
                    label,
                    values: vec![None; month_list.len()],
                });
                lines.last_mut().expect("pushed")
            }
        };
        line.values[at] = per_million[i];
    }
    lines.retain(|l| l.values.iter().any(Option::is_some));
    Ok((month_list, lines))
}

fn title(measure: &str) -> String {
    format!("{measure} per 1,000,000 population: collaboratives and England")
}

fn text_alternative(measure: &str, months: &[String], lines: &[Line]) -> String {
    let mut text = format!(
        "{measure} per 1,000,000 population, {} to {}.",
        months.first().map_or("", String::as_str),
        months.last().map_or("", String::as_str)
    );
    for line in lines {
        let values: Vec<String> = line
            .values
            .iter()
            .zip(months)
            .map(|(v, m)| format!("{m} {}", v.map_or("no value".into(), number)))
            .collect();
        text.push_str(&format!(" {}: {}.", line.label, values.join(", ")));
    }
    text
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    measure: &str,
    months: &[String],
    lines: &[Line],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing the chart: {e:?}");
    root.fill(&WHITE).map_err(error)?;
    let high = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten())
        .copied()
        .fold(0.0, f64::max);
    let n = months.len();
    let mut plot = ChartBuilder::on(root)
        .caption(title(measure), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(
            -0.5f64..(n as f64 - 0.5).max(0.5),
            0f64..(high * 1.15).max(1.0),
        )
        .map_err(error)?;
    plot.configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(n.min(12))
        .y_label_formatter(&super::chart::tick)
        .x_label_formatter(&|x: &f64| {
            let i = x.round();
            if i >= 0.0 && (i as usize) < months.len() && (x - i).abs() < 1e-6 {
                months[i as usize].clone()
            } else {
                String::new()
            }
        })
        .x_desc("Month")
        .y_desc("Per 1,000,000 population")
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(error)?;
    let mut others = 0;
    for line in lines {
        let england = line.label == "England";
        let colour = if england {
            ENGLAND
        } else {
            others += 1;
            PALETTE[(others - 1) % PALETTE.len()]
        };
        let width = if england { 3 } else { 2 };
        let points: Vec<(f64, f64)> = line
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        plot.draw_series(LineSeries::new(points.clone(), colour.stroke_width(width)))
            .map_err(error)?
            .label(line.label.clone())
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(width))
            });
        plot.draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
            .map_err(error)?;
    }
    plot.configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(ENGLAND)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(error)?;
    root.present().map_err(error)?;
    Ok(())
}

/// The chart of `measure` (period M, per 1,000,000) from a `benchmark` frame, as an SVG
/// document with its text alternative.
pub fn svg(frame: &DataFrame, measure: &str) -> Result<String> {
    let (months, lines) = lines(frame, measure)?;
    if lines.is_empty() {
        bail!("--chart: no {measure} per 1,000,000 to draw (populations unknown?)");
    }
    ensure_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, measure, &months, &lines)?;
    }
    with_text_alternative(
        svg,
        &title(measure),
        &text_alternative(measure, &months, &lines),
    )
}
