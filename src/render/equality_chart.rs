//! Equality charts as SVG or PNG (plotters), in the drawing style of the XmR charts
//! ([`super::chart`]): one row per group in NHS England's order, its value as a point with its
//! interval as a bar, the collaborative's value over all groups as a vertical line. A group whose
//! interval lies wholly above the line is marked `higher` (orange square), wholly below `lower`
//! (blue triangle), else a grey circle: shape and word carry the meaning as well as the colour,
//! so the chart reads in greyscale. Every SVG carries a text alternative naming the flagged groups.

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::DataFrame;

use super::chart::{ensure_font, with_text_alternative, COMMON_CAUSE, CONCERN, IMPROVEMENT};

const BENCHMARK: RGBColor = RGBColor(0x23, 0x1F, 0x20);
const WIDTH: u32 = 900;
/// The width kept left of the plot for the groups' labels.
const LABEL_WIDTH: u32 = 300;

/// One group of a chart.
#[derive(Debug, Clone)]
pub struct GroupPoint {
    pub label: String,
    /// `None`: no value (nobody in the group, or no population).
    pub value: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// `higher`, `similar` or `lower`.
    pub compared: Option<String>,
}

/// A chart of one measure of one collaborative, period and dimension.
#[derive(Debug, Clone)]
pub struct EqualityChart {
    /// E.g. `TGW, 2025-26: share of admissions with an out-of-area placement, by ethnicity`.
    pub title: String,
    /// The measure as the axis names it.
    pub measure: String,
    /// Values are shares, shown as percentages.
    pub percent: bool,
    /// The collaborative's value over all groups.
    pub benchmark: Option<f64>,
    /// The interval's confidence level, e.g. 0.95.
    pub confidence: f64,
    pub groups: Vec<GroupPoint>,
}

impl EqualityChart {
    fn shown(&self, value: f64) -> String {
        if self.percent {
            format!("{:.1}%", value * 100.0)
        } else {
            format!("{value:.1}")
        }
    }

    /// A sentence per flag: the collaborative's value, the groups higher and lower with their
    /// values and intervals, and how many are similar or have no value.
    pub fn text_alternative(&self) -> String {
        let level = format!("{}%", self.confidence * 100.0);
        let mut parts = vec![format!(
            "{}. Collaborative (all groups): {}.",
            self.title,
            self.benchmark.map_or("no value".into(), |b| self.shown(b))
        )];
        for word in ["higher", "lower"] {
            let flagged: Vec<String> = (self.groups.iter())
                .filter(|g| g.compared.as_deref() == Some(word))
                .map(|g| {
                    format!(
                        "{} {} ({level} interval {} to {})",
                        g.label,
                        self.shown(g.value.unwrap_or_default()),
                        self.shown(g.lower.unwrap_or_default()),
                        self.shown(g.upper.unwrap_or_default())
                    )
                })
                .collect();
            let listed = if flagged.is_empty() {
                "none".to_string()
            } else {
                flagged.join("; ")
            };
            parts.push(format!("Significantly {word}: {listed}."));
        }
        let similar = (self.groups.iter())
            .filter(|g| g.compared.as_deref() == Some("similar"))
            .count();
        let none = self.groups.iter().filter(|g| g.value.is_none()).count();
        parts.push(format!(
            "Similar: {similar} groups; no value: {none} groups."
        ));
        parts.join(" ")
    }
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &EqualityChart) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing the chart: {e:?}");
    root.fill(&WHITE).map_err(error)?;
    let n = chart.groups.len();
    let high = (chart.groups.iter())
        .filter_map(|g| g.upper.or(g.value))
        .chain(chart.benchmark)
        .fold(0.0f64, f64::max);
    let x1 = if high > 0.0 { high * 1.08 } else { 1.0 };
    let labels: Vec<String> = (chart.groups.iter())
        .map(|g| match g.compared.as_deref() {
            Some(word @ ("higher" | "lower")) => format!("{} ({word})", g.label),
            _ if g.value.is_none() => format!("{} (no value)", g.label),
            _ => g.label.clone(),
        })
        .collect();
    let mut plot = ChartBuilder::on(root)
        .caption(&chart.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(LABEL_WIDTH)
        .build_cartesian_2d(0f64..x1, (n as f64 - 0.5)..-0.5f64)
        .map_err(error)?;
    let label_of = |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    let percent = chart.percent;
    let x_label = |x: &f64| {
        if percent {
            format!("{:.0}%", x * 100.0)
        } else {
            format!("{x:.0}")
        }
    };
    plot.configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .y_labels(n)
        .y_label_formatter(&label_of)
        .x_label_formatter(&x_label)
        .x_desc(format!(
            "{} ({}% interval)",
            chart.measure,
            chart.confidence * 100.0
        ))
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(error)?;
    if let Some(b) = chart.benchmark {
        plot.draw_series(DashedLineSeries::new(
            [(b, -0.5), (b, n as f64 - 0.5)],
            6,
            4,
            BENCHMARK.stroke_width(2),
        ))
        .map_err(error)?
        .label(format!("Collaborative (all groups) {}", chart.shown(b)))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BENCHMARK.stroke_width(2)));
    }
    for (i, g) in chart.groups.iter().enumerate() {
        let (Some(value), Some(lower), Some(upper)) = (g.value, g.lower, g.upper) else {
            continue;
        };
        let y = i as f64;
        let colour = match g.compared.as_deref() {
            Some("higher") => CONCERN,
            Some("lower") => IMPROVEMENT,
            _ => COMMON_CAUSE,
        };
        plot.draw_series(std::iter::once(PathElement::new(
            [(lower, y), (upper, y)],
            colour.stroke_width(3),
        )))
        .map_err(error)?;
        let at = EmptyElement::at((value, y));
        match g.compared.as_deref() {
            Some("higher") => plot.draw_series(std::iter::once(
                at + Rectangle::new([(-6, -6), (6, 6)], colour.filled()),
            )),
            Some("lower") => plot.draw_series(std::iter::once(
                at + TriangleMarker::new((0, 0), 7, colour.filled()),
            )),
            _ => plot.draw_series(std::iter::once(
                at + Circle::new((0, 0), 5, colour.filled()),
            )),
        }
        .map_err(error)?;
    }
    // The key: what each shape means.
    for (colour, name) in [
        (CONCERN, "higher: interval wholly above (square)"),
        (IMPROVEMENT, "lower: interval wholly below (triangle)"),
        (COMMON_CAUSE, "similar (circle)"),
    ] {
        plot.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(error)?
            .label(name)
            .legend(move |(x, y)| Circle::new((x + 9, y), 5, colour.filled()));
    }
    plot.configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BENCHMARK)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(error)?;
    Ok(())
}

fn height(chart: &EqualityChart) -> u32 {
    110 + 26 * chart.groups.len() as u32
}

/// The chart as an SVG document with its text alternative.
pub fn svg(chart: &EqualityChart) -> Result<String> {
    ensure_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height(chart))).into_drawing_area();
        draw(&root, chart)?;
    }
    with_text_alternative(svg, &chart.title, &chart.text_alternative())
}

/// The chart as PNG bytes.
pub fn png(chart: &EqualityChart) -> Result<Vec<u8>> {
    ensure_font();
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("chart.png");
    {
        let root = BitMapBackend::new(&path, (WIDTH, height(chart))).into_drawing_area();
        draw(&root, chart)?;
    }
    Ok(std::fs::read(&path)?)
}

/// The measures charted: (field, its name in a chart, in a file name, shown as a percentage).
const CHARTED: [(&str, &str, &str, bool); 3] = [
    (
        "admissions_with_oap_share",
        "share of admissions with an out-of-area placement",
        "share",
        true,
    ),
    (
        "oaps_started_dsr_per_100k",
        "OAPs started per 100,000, age-standardised",
        "dsr",
        false,
    ),
    (
        "oaps_started_per_100k",
        "OAPs started per 100,000",
        "rate",
        false,
    ),
];

/// The charts of the last period of `frame`: per collaborative and dimension, the share with an
/// OAP, and the OAP rate (age-standardised where any group has one, else crude) where any group
/// has one; each with the name its file takes (without extension).
pub fn charts(frame: &DataFrame, confidence: f64) -> Result<Vec<(String, EqualityChart)>> {
    let text = |name: &str| -> Result<Vec<Option<String>>> {
        Ok(frame
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect())
    };
    let number = |name: &str| -> Result<Vec<Option<f64>>> {
        Ok(frame
            .column(name)?
            .cast(&polars::prelude::DataType::Float64)?
            .f64()?
            .iter()
            .collect())
    };
    let (collaborative, period, dimension, group) = (
        text("collaborative")?,
        text("period")?,
        text("dimension")?,
        text("group")?,
    );
    let starts = frame
        .column("period_start")?
        .cast(&polars::prelude::DataType::Int32)?;
    let starts: Vec<Option<i32>> = starts.i32()?.iter().collect();
    let latest = (0..frame.height()).max_by_key(|&row| starts[row]);
    let Some(last) = latest.and_then(|row| period[row].clone()) else {
        return Ok(Vec::new());
    };
    let last = &last;
    let mut charts = Vec::new();
    let mut drawn_rate: std::collections::BTreeSet<(String, String)> = Default::default();
    for (field, about, short, percent) in CHARTED {
        let (value, lower, upper) = (
            number(field)?,
            number(&format!("{field}_lower"))?,
            number(&format!("{field}_upper"))?,
        );
        let compared = text(&format!("{field}_compared"))?;
        let mut current: Option<(String, String, EqualityChart)> = None;
        let mut finish = |current: Option<(String, String, EqualityChart)>| {
            if let Some((c, d, chart)) = current {
                let is_rate = !percent;
                let any = chart.groups.iter().any(|g| g.value.is_some());
                // One rate chart a dimension: age-standardised where there is one.
                if any && (!is_rate || drawn_rate.insert((c.clone(), d.clone()))) {
                    charts.push((format!("equality-{c}-{d}-{short}"), chart));
                }
            }
        };
        for row in 0..frame.height() {
            if period[row].as_ref() != Some(last) {
                continue;
            }
            let (c, d, g) = (
                collaborative[row].clone().unwrap_or_default(),
                dimension[row].clone().unwrap_or_default(),
                group[row].clone().unwrap_or_default(),
            );
            if current
                .as_ref()
                .is_none_or(|(pc, pd, _)| *pc != c || *pd != d)
            {
                finish(current.take());
                current = Some((
                    c.clone(),
                    d.clone(),
                    EqualityChart {
                        title: format!("{c}, {last}: {about}, by {}", d.replace('_', " ")),
                        measure: about[..1].to_uppercase() + &about[1..],
                        percent,
                        benchmark: None,
                        confidence,
                        groups: Vec::new(),
                    },
                ));
            }
            let (_, _, chart) = current.as_mut().expect("a chart");
            if g == crate::equality::ALL {
                chart.benchmark = value[row];
            } else {
                chart.groups.push(GroupPoint {
                    label: g,
                    value: value[row],
                    lower: lower[row],
                    upper: upper[row],
                    compared: compared[row].clone(),
                });
            }
        }
        finish(current);
    }
    Ok(charts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_alternative_names_the_flags_and_the_svg_carries_it() {
        let point = |label: &str, value: Option<f64>, compared: Option<&str>| GroupPoint {
            label: label.into(),
            value,
            lower: value.map(|v| v - 0.05),
            upper: value.map(|v| v + 0.05),
            compared: compared.map(str::to_string),
        };
        let chart = EqualityChart {
            title: "AAA, 2025-26: share of admissions with an out-of-area placement, by ethnicity"
                .into(),
            measure: "Share".into(),
            percent: true,
            benchmark: Some(0.1),
            confidence: 0.95,
            groups: vec![
                point("British", Some(0.08), Some("similar")),
                point("African", Some(0.3), Some("higher")),
                point("Irish", None, None),
            ],
        };
        assert_eq!(
            chart.text_alternative(),
            "AAA, 2025-26: share of admissions with an out-of-area placement, by ethnicity. Collaborative (all groups): 10.0%. Significantly higher: African 30.0% (95% interval 25.0% to 35.0%). Significantly lower: none. Similar: 1 groups; no value: 1 groups."
        );
        let svg = svg(&chart).unwrap();
        assert!(svg.contains("<desc>AAA, 2025-26"));
        assert!(svg.contains("African (higher)") && svg.contains("Irish (no value)"));
    }
}
