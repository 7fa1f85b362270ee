//! NHS "Making Data Count" XmR charts as SVG or PNG (plotters).
//!
//! A line of the values, the mean (solid) and process limits (dashed), the baseline shaded when
//! one fixed the limits, and each point marked by its signal: improvement blue triangles,
//! concern orange squares, special cause without direction purple diamonds, common cause grey
//! circles. Shapes carry the meaning as well as colours, and every SVG carries a text
//! alternative (`<title>` and `<desc>`) with the latest value, the mean and the signal.

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::icons;
use crate::schema::measures::label;
use crate::spc::SeriesChart;
use crate::spc::Signal;

pub const IMPROVEMENT: RGBColor = RGBColor(0x00, 0x5E, 0xB8);
pub const CONCERN: RGBColor = RGBColor(0xED, 0x8B, 0x00);
pub const COMMON_CAUSE: RGBColor = RGBColor(0x76, 0x86, 0x92);
pub const NEITHER: RGBColor = RGBColor(0x7C, 0x28, 0x55);
pub const LIMIT: RGBColor = RGBColor(0x42, 0x55, 0x63);
pub const MEAN: RGBColor = RGBColor(0x23, 0x1F, 0x20);
const BASELINE: RGBColor = RGBColor(0xE8, 0xED, 0xEE);
/// The target line, red as in NHSRplotthedots (`ptd_spc_colours`).
pub const TARGET: RGBColor = RGBColor(0xDE, 0x1B, 0x1B);

/// Image size in pixels.
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 420;
/// The width kept right of the plot for its key.
const KEY_WIDTH: u32 = 200;

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

pub(crate) fn ensure_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The embedded font lays out text in both formats and draws it in PNGs.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// The colour of a signal (as used in the charts).
pub fn colour(signal: Signal) -> RGBColor {
    match signal {
        Signal::Improvement => IMPROVEMENT,
        Signal::Concern => CONCERN,
        Signal::SpecialCause => NEITHER,
        Signal::CommonCause => COMMON_CAUSE,
    }
}

/// Hex form of a colour, as it appears in the SVG.
pub fn hex(colour: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
}

/// A value axis's tick as people read it: `1,200`, not `1200.0`; `0.25`, not `0.25000001`.
pub(crate) fn tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        crate::figures::group_thousands(v.round() as i64)
    } else {
        let text = format!("{v:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub(crate) fn number(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// The chart's title.
pub fn title(series: &SeriesChart) -> String {
    format!("{}: {}", series.collaborative, label(&series.measure))
}

/// A sentence stating the latest value, the mean, the limits and the signal.
pub fn text_alternative(series: &SeriesChart) -> String {
    let Some(chart) = &series.chart else {
        return format!("{}: too few values to chart.", title(series));
    };
    let last = series.present.len() - 1;
    let latest = &chart.points[last];
    let period = &series.periods[series.present[last]].label;
    let special = chart
        .points
        .iter()
        .filter(|p| p.signal != Signal::CommonCause)
        .count();
    let direction = series.improvement.describe();
    let mut text = format!(
        "XmR chart of {} for {}, {} to {} ({direction}). Latest value {} in {period}; mean {}; process limits {} to {}. Latest point: {}. {special} of {} points show special cause.",
        label(&series.measure),
        series.collaborative,
        series.periods[series.present[0]].label,
        period,
        number(latest.value),
        number(chart.last_section().limits.mean),
        number(chart.last_section().limits.lower),
        number(chart.last_section().limits.upper),
        latest.signal.name().replace('_', " "),
        chart.points.len()
    );
    let rebases: Vec<String> = chart
        .sections
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, section)| {
            format!(
                "{} ({})",
                series.periods[series.present[section.points.start]].label, series.reasons[k]
            )
        })
        .collect();
    if !rebases.is_empty() {
        text.push_str(&format!(
            " Rebased at {}: the mean and limits are the last section's.",
            rebases.join(", ")
        ));
    }
    if let Some(v) = series.variation() {
        text.push_str(&format!(" Variation: {}.", v.words()));
    }
    match (series.target, series.assurance()) {
        (Some(t), Some(a)) => {
            text.push_str(&format!(" Assurance: {} of {}.", a.words(), number(t)))
        }
        (Some(t), None) => text.push_str(&format!(" Target {}.", number(t))),
        _ => {}
    }
    text
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, series: &SeriesChart) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing the chart: {e:?}");
    root.fill(&WHITE).map_err(error)?;
    let n = series.periods.len();
    let xs: Vec<f64> = series.present.iter().map(|&i| i as f64).collect();
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in series.values.iter().flatten() {
        low = low.min(*v);
        high = high.max(*v);
    }
    if let Some(chart) = &series.chart {
        for section in &chart.sections {
            low = low.min(section.limits.lower);
            high = high.max(section.limits.upper);
        }
    }
    if let Some(target) = series.target {
        low = low.min(target);
        high = high.max(target);
    }
    if !low.is_finite() {
        (low, high) = (0.0, 1.0);
    }
    let pad = ((high - low) * 0.08).max(1.0);
    let (y0, y1) = (low - pad, high + pad);
    let labels: Vec<String> = series.periods.iter().map(|p| p.label.clone()).collect();
    // The key sits right of the plot, where it can cover no point or line.
    let (plot, key_area) = root.split_horizontally(root.dim_in_pixel().0.saturating_sub(KEY_WIDTH));
    let mut key: Vec<(String, KeyGlyph)> = Vec::new();
    let mut chart = ChartBuilder::on(&plot)
        .caption(title(series), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y0..y1)
        .map_err(error)?;
    let label_of = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(n.min(12))
        .x_label_formatter(&label_of)
        .y_label_formatter(&tick)
        .x_desc("Period")
        .y_desc(label(&series.measure))
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(error)?;

    let Some(xmr) = &series.chart else {
        return Ok(());
    };
    // Each section spans its points, to half way to the next section's first point; a single
    // section spans the whole width.
    let spans: Vec<(f64, f64)> = xmr
        .sections
        .iter()
        .enumerate()
        .map(|(k, section)| {
            let from = if k == 0 {
                -0.5
            } else {
                (series.present[section.points.start - 1] + series.present[section.points.start])
                    as f64
                    / 2.0
            };
            let to = if k + 1 == xmr.sections.len() {
                n as f64 - 0.5
            } else {
                (series.present[section.points.end - 1] + series.present[section.points.end]) as f64
                    / 2.0
            };
            (from, to)
        })
        .collect();
    let mut shaded = false;
    for section in &xmr.sections {
        let b = &section.baseline;
        if *b == section.points {
            continue;
        }
        let (from, to) = (
            series.present[b.start] as f64 - 0.5,
            series.present[b.end - 1] as f64 + 0.5,
        );
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(from, y0), (to, y1)],
                BASELINE.filled(),
            )))
            .map_err(error)?;
        shaded = true;
    }
    if shaded {
        key.push(("Baseline (fixes the limits)".into(), KeyGlyph::Band));
    }
    for (section, &(first, last)) in xmr.sections.iter().zip(&spans) {
        let l = section.limits;
        chart
            .draw_series(LineSeries::new(
                [(first, l.mean), (last, l.mean)],
                MEAN.stroke_width(2),
            ))
            .map_err(error)?;
        for value in [l.upper, l.lower] {
            chart
                .draw_series(DashedLineSeries::new(
                    [(first, value), (last, value)],
                    6,
                    4,
                    LIMIT.stroke_width(1),
                ))
                .map_err(error)?;
        }
    }
    let limits = xmr.last_section().limits;
    key.push((format!("Mean {}", number(limits.mean)), KeyGlyph::Mean));
    key.push((
        format!("Upper limit {}", number(limits.upper)),
        KeyGlyph::Limit,
    ));
    key.push((
        format!("Lower limit {}", number(limits.lower)),
        KeyGlyph::Limit,
    ));
    // Each rebase: a vertical line where its section starts, with its reason.
    for (k, &(from, _)) in spans.iter().enumerate().skip(1) {
        chart
            .draw_series(DashedLineSeries::new(
                [(from, y0), (from, y1)],
                3,
                3,
                MEAN.stroke_width(1),
            ))
            .map_err(error)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{}: {}", k + 1, series.reasons[k]),
                (from + 0.15, y1 - (y1 - y0) * 0.02),
                ("sans-serif", 12).into_font().color(&MEAN),
            )))
            .map_err(error)?;
    }
    if xmr.sections.len() > 1 {
        key.push(("Rebase: new section".into(), KeyGlyph::Rebase));
    }
    if let Some(target) = series.target {
        chart
            .draw_series(DashedLineSeries::new(
                [(-0.5, target), (n as f64 - 0.5, target)],
                8,
                4,
                TARGET.stroke_width(2),
            ))
            .map_err(error)?;
        key.push((format!("Target {}", number(target)), KeyGlyph::Target));
    }
    chart
        .draw_series(LineSeries::new(
            xs.iter().zip(&xmr.points).map(|(x, p)| (*x, p.value)),
            COMMON_CAUSE.stroke_width(2),
        ))
        .map_err(error)?;
    for signal in [
        Signal::CommonCause,
        Signal::Improvement,
        Signal::Concern,
        Signal::SpecialCause,
    ] {
        let points: Vec<(f64, f64)> = xs
            .iter()
            .zip(&xmr.points)
            .filter(|(_, p)| p.signal == signal)
            .map(|(x, p)| (*x, p.value))
            .collect();
        if points.is_empty() {
            continue;
        }
        let c = colour(signal);
        match signal {
            Signal::CommonCause => chart
                .draw_series(points.iter().map(|p| Circle::new(*p, 4, c.filled())))
                .map_err(error)?,
            Signal::Improvement => chart
                .draw_series(
                    points
                        .iter()
                        .map(|p| TriangleMarker::new(*p, 7, c.filled())),
                )
                .map_err(error)?,
            Signal::Concern => {
                chart
                    .draw_series(points.iter().map(|p| {
                        EmptyElement::at(*p) + Rectangle::new([(-5, -5), (5, 5)], c.filled())
                    }))
                    .map_err(error)?
            }
            Signal::SpecialCause => chart
                .draw_series(points.iter().map(|p| {
                    EmptyElement::at(*p)
                        + Polygon::new(vec![(0, -6), (6, 0), (0, 6), (-6, 0)], c.filled())
                }))
                .map_err(error)?,
        };
        key.push((signal.name().replace('_', " "), KeyGlyph::Point(signal)));
    }
    draw_key(&key_area, &key).map_err(error)?;
    // The Making Data Count icons, top right: variation, then assurance when there is a target.
    let (w, _) = root.dim_in_pixel();
    if let Some(v) = series.variation() {
        draw_icon(root, &icons::variation_shapes(v), (w as i32 - 92, 6), 40).map_err(error)?;
    }
    if let Some(a) = series.assurance() {
        draw_icon(root, &icons::assurance_shapes(a), (w as i32 - 46, 6), 40).map_err(error)?;
    }
    root.present().map_err(error)?;
    Ok(())
}

/// How an entry of the chart's key is drawn.
enum KeyGlyph {
    Band,
    Mean,
    Limit,
    Rebase,
    Target,
    Point(Signal),
}

/// The chart's key, a line per entry below the variation icon, in the area right of the plot.
fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    key: &[(String, KeyGlyph)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let x = 8;
    for (i, (label, glyph)) in key.iter().enumerate() {
        let y = 76 + 20 * i as i32;
        match glyph {
            KeyGlyph::Band => area.draw(&Rectangle::new(
                [(x, y - 5), (x + 16, y + 5)],
                BASELINE.filled(),
            ))?,
            KeyGlyph::Mean => area.draw(&PathElement::new(
                [(x, y), (x + 16, y)],
                MEAN.stroke_width(2),
            ))?,
            KeyGlyph::Rebase => area.draw(&PathElement::new(
                [(x + 8, y - 7), (x + 8, y + 7)],
                MEAN.stroke_width(1),
            ))?,
            KeyGlyph::Target => area.draw(&PathElement::new(
                [(x, y), (x + 16, y)],
                TARGET.stroke_width(2),
            ))?,
            KeyGlyph::Limit => area
                .draw(&PathElement::new(
                    [(x, y), (x + 6, y)],
                    LIMIT.stroke_width(1),
                ))
                .and_then(|_| {
                    area.draw(&PathElement::new(
                        [(x + 10, y), (x + 16, y)],
                        LIMIT.stroke_width(1),
                    ))
                })?,
            KeyGlyph::Point(signal) => {
                let c = colour(*signal).filled();
                match signal {
                    Signal::CommonCause => area.draw(&Circle::new((x + 8, y), 4, c))?,
                    Signal::Improvement => area.draw(&TriangleMarker::new((x + 8, y), 7, c))?,
                    Signal::Concern => {
                        area.draw(&Rectangle::new([(x + 3, y - 5), (x + 13, y + 5)], c))?
                    }
                    Signal::SpecialCause => area.draw(&Polygon::new(
                        vec![(x + 8, y - 6), (x + 14, y), (x + 8, y + 6), (x + 2, y)],
                        c,
                    ))?,
                }
            }
        }
        area.draw(&Text::new(
            label.as_str(),
            (x + 24, y - 7),
            ("sans-serif", 13).into_font(),
        ))?;
    }
    Ok(())
}

/// An icon's shapes ([`icons`]) drawn `size` pixels square with its top left at `at`.
fn draw_icon<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    shapes: &[icons::Shape],
    at: (i32, i32),
    size: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let scale = f64::from(size) / icons::UNITS;
    let p = |(x, y): (f64, f64)| {
        (
            at.0 + (x * scale).round() as i32,
            at.1 + (y * scale).round() as i32,
        )
    };
    let rgb = |(r, g, b): (u8, u8, u8)| RGBColor(r, g, b);
    let width = |w: f64| ((w * scale).round() as u32).max(1);
    for shape in shapes {
        match shape {
            icons::Shape::Ring(c) => {
                let centre = p((189.0, 189.0));
                let r = (151.0 * scale).round() as i32;
                root.draw(&Circle::new(centre, r, WHITE.filled()))?;
                root.draw(&Circle::new(centre, r, rgb(*c).stroke_width(width(20.0))))?;
            }
            icons::Shape::Letter(t, x, y, c) => {
                let font_px = f64::from(size) * 117.0 / icons::UNITS;
                root.draw(&Text::new(
                    *t,
                    p((*x, *y - 100.0)),
                    ("sans-serif", font_px)
                        .into_font()
                        .style(FontStyle::Bold)
                        .color(&rgb(*c)),
                ))?;
            }
            icons::Shape::Dot(x, y, r, c) => root.draw(&Circle::new(
                p((*x, *y)),
                ((r * scale).round() as i32).max(1),
                rgb(*c).filled(),
            ))?,
            icons::Shape::Line(ps, w, _, c) => root.draw(&PathElement::new(
                ps.iter().map(|q| p(*q)).collect::<Vec<_>>(),
                rgb(*c).stroke_width(width(*w)),
            ))?,
            icons::Shape::Polygon(ps, c) => root.draw(&Polygon::new(
                ps.iter().map(|q| p(*q)).collect::<Vec<_>>(),
                rgb(*c).filled(),
            ))?,
        }
    }
    Ok(())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart as an SVG document with its text alternative.
pub fn svg(series: &SeriesChart) -> Result<String> {
    ensure_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, series)?;
    }
    with_text_alternative(svg, &title(series), &text_alternative(series))
}

/// An SVG document with its text alternative, read by screen readers and shown as a tooltip.
pub(crate) fn with_text_alternative(mut svg: String, title: &str, desc: &str) -> Result<String> {
    let open_end = svg
        .find('>')
        .ok_or_else(|| anyhow!("the chart has no <svg> element"))?;
    let accessible = format!(
        " role=\"img\" aria-label=\"{}\"><title>{}</title><desc>{}</desc>",
        escape(title),
        escape(title),
        escape(desc)
    );
    svg.replace_range(open_end..open_end + 1, &accessible);
    Ok(svg)
}

/// The chart as PNG bytes.
pub fn png(series: &SeriesChart) -> Result<Vec<u8>> {
    ensure_font();
    // plotters encodes PNGs only into files: draw into a private temporary one.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("chart.png");
    {
        let root = BitMapBackend::new(&path, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, series)?;
    }
    Ok(std::fs::read(&path)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::periods::{periods_within, PeriodKind};
    use crate::schema::measures::Improvement;

    #[test]
    fn ticks_read_as_people_write_numbers() {
        assert_eq!(tick(&1200.0), "1,200");
        assert_eq!(tick(&0.0), "0");
        assert_eq!(tick(&-35.0), "-35");
        assert_eq!(tick(&0.25), "0.25");
        assert_eq!(tick(&12.5), "12.5");
        assert_eq!(tick(&(0.1 + 0.2)), "0.3");
    }
    use chrono::NaiveDate;

    /// Twelve baseline months alternating 11 and 9, then 20 (above the upper limit 15.32: a
    /// concern, lower being better) and 1 (below the lower limit 4.68: an improvement).
    fn series() -> SeriesChart {
        let mut values: Vec<f64> = (0..12)
            .map(|i| if i % 2 == 0 { 11.0 } else { 9.0 })
            .collect();
        values.extend([20.0, 1.0]);
        let periods = periods_within(
            PeriodKind::Month,
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 2, 28).unwrap(),
        );
        assert_eq!(periods.len(), 14);
        SeriesChart {
            collaborative: "AAA".into(),
            measure: "inappropriate_oap_days".into(),
            improvement: Improvement::Down,
            periods,
            values: values.iter().map(|v| Some(*v)).collect(),
            present: (0..14).collect(),
            chart: crate::spc::chart(
                &values,
                &crate::spc::Layout::fixed(Some(0..12)),
                Improvement::Down,
            ),
            target: None,
            reasons: vec![String::new()],
        }
    }

    fn filled<'a>(
        doc: &'a roxmltree::Document,
        tag: &str,
        fill: RGBColor,
    ) -> Vec<roxmltree::Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag) && n.attribute("fill") == Some(hex(fill).as_str()))
            .collect()
    }

    #[test]
    fn svg_holds_the_series_limits_coloured_points_and_text_alternative() {
        let text = svg(&series()).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(title, "AAA: inappropriate OAP days");
        let desc = doc
            .descendants()
            .find(|n| n.has_tag_name("desc"))
            .unwrap()
            .text()
            .unwrap();
        assert!(desc.contains("Latest value 1 in 2025-02; mean 10; process limits 4.7 to 15.3. Latest point: improvement. 2 of 14 points show special cause."), "{desc}");

        // The values: one line through 14 points.
        let lines: Vec<_> = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("polyline")
                    && n.attribute("stroke") == Some(hex(COMMON_CAUSE).as_str())
            })
            .collect();
        let points: Vec<&str> = lines
            .iter()
            .map(|l| l.attribute("points").unwrap())
            .max_by_key(|p| p.split_whitespace().count())
            .unwrap()
            .split_whitespace()
            .collect();
        assert_eq!(points.len(), 14);
        // Mean and limits: a solid mean line and dashed limit lines.
        assert!(doc
            .descendants()
            .any(|n| n.attribute("stroke") == Some(hex(MEAN).as_str())));
        assert!(
            doc.descendants()
                .filter(|n| n.attribute("stroke") == Some(hex(LIMIT).as_str()))
                .count()
                > 4
        );
        // Points (each shape once more in the legend): 12 grey circles, 1 orange square, 1 blue triangle.
        assert_eq!(filled(&doc, "circle", COMMON_CAUSE).len(), 12 + 1);
        assert_eq!(filled(&doc, "rect", CONCERN).len(), 1 + 1);
        assert_eq!(filled(&doc, "polygon", IMPROVEMENT).len(), 1 + 1);
        // The baseline is shaded.
        assert_eq!(filled(&doc, "rect", BASELINE).len(), 1 + 1);
        // The concern point is drawn higher (smaller y) than every common-cause point.
        let concern_y: f64 = filled(&doc, "rect", CONCERN)
            .iter()
            .map(|n| n.attribute("y").unwrap().parse::<f64>().unwrap())
            .fold(f64::INFINITY, f64::min);
        let highest_grey = filled(&doc, "circle", COMMON_CAUSE)
            .iter()
            .map(|n| n.attribute("cy").unwrap().parse::<f64>().unwrap())
            .fold(f64::INFINITY, f64::min);
        assert!(concern_y < highest_grey);
    }

    #[test]
    fn the_key_sits_right_of_the_plot_and_covers_no_point() {
        // Issue 31: the key sat on the first six points of NCM's chart.
        let text = svg(&series()).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let edge = f64::from(WIDTH - KEY_WIDTH);
        let x_of = |n: &roxmltree::Node, name: &str| -> f64 {
            n.attribute(name).unwrap().parse().unwrap()
        };
        // Every entry of the key right of the plot's edge.
        let key: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter(|n| {
                n.text().map(str::trim).is_some_and(|t| {
                    [
                        "Mean ",
                        "Upper limit",
                        "Lower limit",
                        "common cause",
                        "Baseline",
                    ]
                    .iter()
                    .any(|k| t.starts_with(k))
                })
            })
            .collect();
        assert_eq!(key.len(), 5);
        assert!(key.iter().all(|n| x_of(n, "x") >= edge));
        // Every point and the line through them left of it: all circles but the key's one.
        let circles: Vec<f64> = filled(&doc, "circle", COMMON_CAUSE)
            .iter()
            .map(|n| x_of(n, "cx"))
            .collect();
        assert_eq!(circles.iter().filter(|&&x| x < edge).count(), 12);
        let line = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("polyline")
                    && n.attribute("stroke") == Some(hex(COMMON_CAUSE).as_str())
            })
            .unwrap();
        for point in line.attribute("points").unwrap().split_whitespace() {
            let x: f64 = point.split(',').next().unwrap().parse().unwrap();
            assert!(x < edge, "{point}");
        }
    }

    #[test]
    fn png_is_an_image_of_the_chart_size() {
        let bytes = png(&series()).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
        assert_eq!((width, height), (WIDTH, HEIGHT));
    }
}
