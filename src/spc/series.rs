//! XmR charts of a measure per collaborative: the series, their charts, and the points and
//! series summaries as reports.
use anyhow::{bail, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use serde_json::{json, Value};

use crate::input::Extracts;
use crate::input::Inputs;
use crate::los;
use crate::periods::{add_months, Period, PeriodKind};
use crate::rates;
use crate::schema::measures::Improvement;
use crate::schema::{Cell, Field, Kind, Report};
use crate::scope::{period_parameters, Selection};
use crate::spc::matrix::Entry;
use crate::spc::targets::{rebases_of, target_of, Rebase, Target};
use crate::spc::{
    assurance, chart, slope, sparkline, Assurance, Baseline, Layout, Signal, Variation,
};

/// What to chart, and how.
pub struct ChartRequest<'a> {
    pub kind: PeriodKind,
    pub periods: &'a [Period],
    pub measure: &'a str,
    /// `None`: the measure's default direction.
    pub improvement: Option<Improvement>,
    pub baseline_months: Option<usize>,
    /// Fix the limits on the points between these dates.
    pub baseline_range: Option<(NaiveDate, NaiveDate)>,
    /// Targets (`--target`, or targets.csv's rows): a series takes its own or the `*` row.
    pub targets: &'a [Target],
    /// Rebases (`--rebase`, or rebase.csv's rows): each matching one starts a section.
    pub rebases: &'a [Rebase],
}

/// Every point (`rows`, with the series summaries in `meta.series`) and the table of series.
pub struct Charts {
    pub points: Report,
    pub series: Report,
    /// Each series with its chart, for drawing.
    pub drawn: Vec<SeriesChart>,
}

/// One collaborative's series and its XmR chart.
#[derive(Debug, Clone)]
pub struct SeriesChart {
    pub collaborative: String,
    pub measure: String,
    pub improvement: Improvement,
    pub periods: Vec<Period>,
    pub values: Vec<Option<f64>>,
    /// Positions (in `periods`) of the values the chart holds, in order.
    pub present: Vec<usize>,
    pub chart: Option<crate::spc::Chart>,
    /// The target, when one applies.
    pub target: Option<f64>,
    /// Why each section starts: empty for the first, a rebase's reason for the others.
    pub reasons: Vec<String>,
}

impl SeriesChart {
    /// The series' variation: its last point's (none without a chart).
    pub fn variation(&self) -> Option<Variation> {
        self.chart.as_ref().map(crate::spc::Chart::variation)
    }

    /// The target against the last section's limits (none without a target, a chart or a
    /// better direction).
    pub fn assurance(&self) -> Option<Assurance> {
        let chart = self.chart.as_ref()?;
        assurance(&chart.last_section().limits, self.target?, self.improvement)
    }

    /// The series' place in the summary matrix (none without a chart).
    pub fn entry(&self) -> Option<Entry> {
        Some(Entry {
            collaborative: self.collaborative.clone(),
            measure: self.measure.clone(),
            variation: self.variation()?,
            assurance: self.assurance(),
        })
    }

    /// Whether point `k` (of the chart's points) fixed its section's limits.
    pub fn in_baseline(&self, k: usize) -> bool {
        self.chart
            .as_ref()
            .is_some_and(|c| c.sections[c.points[k].section].baseline.contains(&k))
    }
}

/// The extracts a measure needs: a length-of-stay measure, the admissions only.
pub fn extracts_for(measure: &str) -> Extracts {
    if los::fields(&[]).iter().any(|f| f.name == measure) {
        Extracts::ADMISSIONS_ONLY
    } else {
        Extracts::BOTH
    }
}

/// The frame holding `measure` per collaborative and period: `los`'s or `rates`'s.
pub fn measure_frame(
    inputs: &Inputs,
    selection: &Selection,
    periods: &[Period],
    measure: &str,
) -> Result<DataFrame> {
    let numeric = |f: &Field| numeric_kind(f.kind);
    if los::fields(&[])
        .iter()
        .any(|f| f.name == measure && numeric(f))
    {
        crate::los::compute(selection, periods, &[])
    } else if rates::fields(&[])
        .iter()
        .any(|f| f.name == measure && numeric(f))
    {
        crate::rates::compute(inputs, selection, periods, &[])
    } else {
        bail!(
            "--measure {measure:?} is not a measure of los or rates (one of: {})",
            measures().join(", ")
        );
    }
}

fn numeric_kind(kind: Kind) -> bool {
    !matches!(kind, Kind::Text | Kind::Date | Kind::Reference)
}

/// Every measure a chart can be drawn of: the numeric fields of `los` and `rates`.
pub fn measures() -> Vec<String> {
    los::fields(&[])
        .into_iter()
        .chain(rates::fields(&[]))
        .filter(|f| numeric_kind(f.kind))
        .map(|f| f.name)
        .collect()
}

/// XmR charts of one measure per collaborative.
pub fn charts(inputs: &Inputs, selection: &Selection, request: &ChartRequest) -> Result<Charts> {
    let frame = measure_frame(inputs, selection, request.periods, request.measure)?;
    charts_of(&frame, inputs, selection, request)
}

/// XmR charts of a measure of a frame from [`measure_frame`] (or `rates`/`los` without `--by`).
pub fn charts_of(
    frame: &DataFrame,
    inputs: &Inputs,
    selection: &Selection,
    request: &ChartRequest,
) -> Result<Charts> {
    let periods = request.periods;
    let measure = request.measure;
    let improvement = request
        .improvement
        .unwrap_or_else(|| crate::schema::measures::improvement(measure));
    let baseline_range = request.baseline_range;
    let mut points = Report {
        command: "spc".into(),
        fields: point_fields(),
        rows: Vec::new(),
        meta: Default::default(),
        notes: Vec::new(),
    };
    // A chart of a count holds counts (small-number suppression treats them so).
    let source_kind = los::fields(&[])
        .into_iter()
        .chain(rates::fields(&[]))
        .find(|f| f.name == measure)
        .map(|f| f.kind);
    if source_kind == Some(Kind::Count) {
        for field in points.fields.iter_mut() {
            match field.name.as_str() {
                "value" => field.kind = Kind::Count,
                "moving_range" => field.derived_from = vec!["value".into()],
                _ => {}
            }
        }
    }
    let mut series = Vec::new();
    let mut drawn = Vec::new();
    let collaborative_column = frame.column("collaborative")?.str()?.clone();
    let values = frame.column(measure)?.cast(&DataType::Float64)?;
    let values = values.f64()?;
    let n_periods = periods.len();
    for start in (0..frame.height()).step_by(n_periods.max(1)) {
        let collaborative = collaborative_column
            .get(start)
            .unwrap_or_default()
            .to_string();
        let values: Vec<Option<f64>> = (start..start + n_periods).map(|i| values.get(i)).collect();
        let present: Vec<usize> = (0..n_periods).filter(|&i| values[i].is_some()).collect();
        let present_values: Vec<f64> = present
            .iter()
            .map(|&i| values[i].unwrap_or_default())
            .collect();
        let baseline = match (request.baseline_months, baseline_range) {
            (Some(n), _) => Baseline::FirstPoints(n),
            (None, Some((from, to))) => {
                let inside: Vec<usize> = (0..present.len())
                    .filter(|&k| periods[present[k]].start >= from && periods[present[k]].end <= to)
                    .collect();
                match (inside.first(), inside.last()) {
                    (Some(&a), Some(&b)) => Baseline::Positions(a..b + 1),
                    _ => bail!(
                        "no {measure} value of {collaborative} lies in the baseline {from} to {to}"
                    ),
                }
            }
            _ => Baseline::All,
        };
        let target = target_of(request.targets, &collaborative, measure);
        let improvement = request
            .improvement
            .or(target.and_then(|t| t.improvement))
            .unwrap_or(improvement);
        // Each rebase starts its section at the first value of a period starting on or after
        // its month; one before the first value or after the last does nothing, as a date
        // outside the series does nothing in the reference.
        let mut cuts: Vec<(usize, String)> = Vec::new();
        for rebase in rebases_of(request.rebases, &collaborative, measure) {
            let Some(k) = (0..present.len()).find(|&k| periods[present[k]].start >= rebase.month)
            else {
                continue;
            };
            match cuts.iter_mut().find(|(at, _)| *at == k) {
                _ if k == 0 => {}
                Some((_, reason)) => reason.push_str(&format!("; {}", rebase.reason)),
                None => cuts.push((k, rebase.reason.clone())),
            }
        }
        let layout = Layout {
            rebases: cuts.iter().map(|(k, _)| *k).collect(),
            baseline,
        };
        let chart = chart(&present_values, &layout, improvement);
        let reasons: Vec<String> = std::iter::once(String::new())
            .chain(cuts.iter().map(|(_, r)| r.clone()))
            .collect();
        let drawn_series = SeriesChart {
            collaborative: collaborative.clone(),
            measure: measure.to_string(),
            improvement,
            periods: periods.to_vec(),
            values: values.clone(),
            present: present.clone(),
            chart: chart.clone(),
            target: target.map(|t| t.target),
            reasons,
        };
        let variation = drawn_series.variation();
        let assured = drawn_series.assurance();
        for (i, period) in periods.iter().enumerate() {
            let k = present.iter().position(|&p| p == i);
            let point = k.and_then(|k| chart.as_ref().map(|c| (&c.points[k], *c.limits_of(k))));
            let in_baseline = k.is_some_and(|k| drawn_series.in_baseline(k));
            let float = |v: Option<f64>| v.map_or(Cell::Null, Cell::Float);
            let flag = |f: &dyn Fn(&crate::spc::Point) -> bool| {
                point.map_or(Cell::Null, |(p, _)| Cell::Bool(f(p)))
            };
            let section = point.map(|(p, _)| p.section);
            points.rows.push(vec![
                Cell::Text(collaborative.clone()),
                Cell::Text(measure.to_string()),
                Cell::Text(period.label.clone()),
                Cell::Text(period.start.to_string()),
                Cell::Text(period.end.to_string()),
                float(values[i]),
                float(point.map(|(_, l)| l.mean)),
                float(point.map(|(_, l)| l.lower)),
                float(point.map(|(_, l)| l.upper)),
                float(point.and_then(|(p, _)| p.moving_range)),
                Cell::Bool(in_baseline),
                flag(&|p| p.outside_limits),
                flag(&|p| p.shift),
                flag(&|p| p.trend),
                flag(&|p| p.two_of_three),
                point.map_or(Cell::Null, |(p, _)| Cell::Text(p.signal.name().into())),
                section.map_or(Cell::Null, |s| Cell::Int(s as i64 + 1)),
                match section {
                    Some(s) if s > 0 => Cell::Text(drawn_series.reasons[s].clone()),
                    _ => Cell::Null,
                },
                float(drawn_series.target),
                match (variation, k) {
                    (Some(v), Some(_)) => Cell::Text(v.name().into()),
                    _ => Cell::Null,
                },
                match (assured, k) {
                    (Some(a), Some(_)) => Cell::Text(a.name().into()),
                    _ => Cell::Null,
                },
            ]);
        }
        drawn.push(drawn_series);
        series.push(summary(drawn.last().expect("just drawn")));
    }

    let mut parameters = period_parameters(request.kind, periods, &selection.scope);
    parameters["measure"] = json!(measure);
    parameters["improvement"] = json!(improvement);
    parameters["baseline"] = match (request.baseline_months, baseline_range) {
        (Some(n), _) => json!({"first_points": n}),
        (None, Some((from, to))) => json!({"from": from.to_string(), "to": to.to_string()}),
        _ => Value::Null,
    };
    parameters["rules"] = json!("XmR: limits mean ± 2.66 × mean moving range (moving ranges over 3.267 × their mean screened out); special cause: outside the limits, 7+ points on one side of the mean, 7+ points rising or falling, 2 of 3 beyond two-thirds of the way to a limit on one side");
    points.meta.insert("parameters".into(), parameters);
    points.meta.insert("inputs".into(), inputs.metadata());
    points.meta.insert(
        "series".into(),
        Value::Array(series.iter().map(|s| s.json.clone()).collect()),
    );
    crate::scope::record_coverage(&mut points, &selection.coverage, periods);
    // Without a target there is no assurance to show: the table keeps to its width.
    let mut fields = summary_fields();
    if drawn.iter().all(|s| s.target.is_none()) {
        for field in fields.iter_mut().filter(|f| f.name == "assurance") {
            field.optional = true;
        }
    }
    let series_report = Report {
        command: "spc".into(),
        fields,
        rows: series.into_iter().map(|s| s.row).collect(),
        meta: points.meta.clone(),
        notes: std::iter::once(format!(
            "{measure}, improvement {}: signals are improvement or concern by that direction. Every point: --format csv or json.",
            serde_json::to_value(improvement)?.as_str().unwrap_or_default()
        ))
        .chain(points.notes.iter().cloned())
        .collect(),
    };
    Ok(Charts {
        drawn,
        points,
        series: series_report,
    })
}

fn point_fields() -> Vec<Field> {
    vec![
        Field::text("collaborative", "Collaborative"),
        Field::text("measure", "Measure"),
        Field::text("period", "Period"),
        Field::date("period_start"),
        Field::date("period_end"),
        Field::number("value", "Value"),
        Field::number("mean", "Mean"),
        Field::number("lower_limit", "Lower limit"),
        Field::number("upper_limit", "Upper limit"),
        Field::number("moving_range", "Moving range"),
        Field::new("baseline", Kind::Flag, "Baseline", &[]),
        Field::new("outside_limits", Kind::Flag, "Outside limits", &[]),
        Field::new("shift", Kind::Flag, "Shift", &[]),
        Field::new("trend", Kind::Flag, "Trend", &[]),
        Field::new("two_of_three", Kind::Flag, "Two of three", &[]),
        Field::text("signal", "Signal"),
        Field::new("section", Kind::Reference, "Section", &[]),
        Field::text("section_reason", "Rebased because"),
        Field::new("target", Kind::Reference, "Target", &[]),
        Field::text("variation", "Variation"),
        Field::text("assurance", "Assurance"),
    ]
}

/// The fields of the series table: one row per series, the figures of its last section as the
/// reference's `summary.ptd_spc_df` gives them, and its variation and assurance. Those `spc`
/// shows by default are not optional; `spc --summary` shows [`SUMMARY_COLUMNS`].
pub fn summary_fields() -> Vec<Field> {
    let reference = |name: &str, heading: &str| Field::new(name, Kind::Reference, heading, &[]);
    vec![
        Field::text("collaborative", "Collaborative"),
        Field::text("measure", "Measure").optional(),
        Field::text("improvement", "Better").optional(),
        Field::text("latest_period", "Latest"),
        Field::number("latest_value", "Value"),
        Field::number("mean", "Mean"),
        Field::number("lower_limit", "Lower limit").optional(),
        Field::number("upper_limit", "Upper limit").optional(),
        Field::number("slope_per_period", "Slope / period").optional(),
        Field::number("change_vs_year_earlier", "Change vs year earlier"),
        Field::text("sparkline", "Series"),
        Field::text("latest_signal", "Latest signal").optional(),
        Field::number("signals", "Special-cause points").optional(),
        reference("sections", "Sections").optional(),
        Field::text("section_from", "Last section from").optional(),
        Field::text("section_reason", "Rebased because").optional(),
        reference("points", "n").optional(),
        reference("common_cause", "Common cause").optional(),
        reference("special_cause_improvement", "Improvement").optional(),
        reference("special_cause_concern", "Concern").optional(),
        reference("special_cause_neither", "Neither").optional(),
        Field::text("variation", "Variation"),
        Field::text("assurance", "Assurance"),
        reference("target", "Target").optional(),
    ]
}

/// The measures of the Making Data Count summary (`spc --summary`, the pack) unless others are
/// named: the board's OAP measures, median length of stay and the share of bed days out of area.
pub const SUMMARY_MEASURES: [&str; 5] = [
    "oap_days",
    "inappropriate_oap_days",
    "inappropriate_oaps_active_end",
    "los_median",
    "oap_day_share",
];

/// The columns `spc --summary` shows in its table.
pub const SUMMARY_COLUMNS: [&str; 14] = [
    "collaborative",
    "measure",
    "latest_period",
    "latest_value",
    "mean",
    "lower_limit",
    "upper_limit",
    "points",
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "variation",
    "assurance",
    "target",
];

struct Summary {
    json: Value,
    row: Vec<Cell>,
}

/// One series' summary: its last section's limits and counts, latest value and signal,
/// variation and assurance, slope, change against a year earlier, and every section.
fn summary(series: &SeriesChart) -> Summary {
    let (periods, values) = (&series.periods, &series.values);
    let chart = series.chart.as_ref();
    let present: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let latest = present.last().copied();
    let year_earlier = latest.and_then(|(i, v)| {
        let target = add_months(periods[i].start, -12);
        let j = periods.iter().position(|p| p.start == target)?;
        values[j].map(|old| v - old)
    });
    let just_values: Vec<f64> = present.iter().map(|(_, v)| *v).collect();
    let slope = slope(&just_values);
    let latest_signal = chart.and_then(|c| c.points.last()).map(|p| p.signal);
    let signals = chart.map_or(0, |c| {
        c.points
            .iter()
            .filter(|p| p.signal != Signal::CommonCause)
            .count()
    });
    let limits = chart.map(|c| c.last_section().limits);
    let sections = chart.map(|c| c.section_summaries()).unwrap_or_default();
    let label_of = |k: usize| periods[series.present[k]].label.clone();
    let sections_json: Vec<Value> = chart.map_or(Vec::new(), |c| {
        c.sections
            .iter()
            .zip(&sections)
            .map(|(section, s)| {
                json!({
                    "section": s.section + 1,
                    "from": label_of(section.points.start),
                    "to": label_of(section.points.end - 1),
                    "reason": (s.section > 0).then(|| series.reasons[s.section].clone()),
                    "baseline_from": label_of(section.baseline.start),
                    "baseline_to": label_of(section.baseline.end - 1),
                    "points": s.points,
                    "mean": section.limits.mean,
                    "lower_limit": section.limits.lower,
                    "upper_limit": section.limits.upper,
                    "mean_moving_range": section.limits.mean_moving_range,
                    "common_cause": s.common_cause,
                    "improvement": s.improvement,
                    "concern": s.concern,
                    "neither": s.neither,
                    "variation": s.variation.name(),
                })
            })
            .collect()
    });
    let last = sections.last();
    let last_section = chart.map(|c| c.last_section());
    let opt = |v: Option<f64>| v.map_or(Cell::Null, Cell::Float);
    let count = |f: fn(&crate::spc::SectionSummary) -> usize| {
        last.map_or(Cell::Null, |s| Cell::Int(f(s) as i64))
    };
    let variation = series.variation();
    let assurance = series.assurance();
    let improvement = serde_json::to_value(series.improvement)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let row = vec![
        Cell::Text(series.collaborative.clone()),
        Cell::Text(series.measure.clone()),
        Cell::Text(improvement),
        latest.map_or(Cell::Null, |(i, _)| Cell::Text(periods[i].label.clone())),
        opt(latest.map(|(_, v)| v)),
        opt(limits.map(|l| l.mean)),
        opt(limits.map(|l| l.lower)),
        opt(limits.map(|l| l.upper)),
        opt(slope),
        opt(year_earlier),
        Cell::Text(sparkline(&just_values)),
        latest_signal.map_or(Cell::Null, |s| Cell::Text(s.name().into())),
        Cell::Int(signals as i64),
        Cell::Int(sections.len() as i64),
        last_section.map_or(Cell::Null, |s| Cell::Text(label_of(s.points.start))),
        match last {
            Some(s) if s.section > 0 => Cell::Text(series.reasons[s.section].clone()),
            _ => Cell::Null,
        },
        count(|s| s.points),
        count(|s| s.common_cause),
        count(|s| s.improvement),
        count(|s| s.concern),
        count(|s| s.neither),
        variation.map_or(Cell::Null, |v| Cell::Text(v.name().into())),
        assurance.map_or(Cell::Null, |a| Cell::Text(a.name().into())),
        opt(series.target),
    ];
    let json = json!({
        "collaborative": series.collaborative,
        "measure": series.measure,
        "improvement": series.improvement,
        "points": present.len(),
        "mean": limits.map(|l| l.mean),
        "lower_limit": limits.map(|l| l.lower),
        "upper_limit": limits.map(|l| l.upper),
        "mean_moving_range": limits.map(|l| l.mean_moving_range),
        "latest_period": latest.map(|(i, _)| periods[i].label.clone()),
        "latest_value": latest.map(|(_, v)| v),
        "latest_signal": latest_signal,
        "special_cause_points": signals,
        "slope_per_period": slope,
        "change_vs_year_earlier": year_earlier,
        "target": series.target,
        "variation": variation.map(Variation::name),
        "assurance": assurance.map(Assurance::name),
        "sections": sections_json,
    });
    Summary { json, row }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::periods::periods_within;

    #[test]
    fn series_summary_slope_and_change_against_a_year_earlier() {
        let periods = periods_within(
            PeriodKind::Month,
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
        );
        // 13 months rising by 2 a month from 10: January 2025 (34) against January 2024 (10).
        let values: Vec<Option<f64>> = (0..13).map(|i| Some(10.0 + 2.0 * i as f64)).collect();
        let series = |values: Vec<Option<f64>>, target: Option<f64>| {
            let present: Vec<usize> = (0..values.len()).filter(|&i| values[i].is_some()).collect();
            let kept: Vec<f64> = values.iter().flatten().copied().collect();
            SeriesChart {
                collaborative: "AAA".into(),
                measure: "oap_days".into(),
                improvement: Improvement::Down,
                periods: periods.clone(),
                chart: crate::spc::chart(&kept, &Layout::default(), Improvement::Down),
                values,
                present,
                target,
                reasons: vec![String::new()],
            }
        };
        let s = summary(&series(values.clone(), Some(50.0)));
        assert_eq!(s.json["slope_per_period"], 2.0);
        assert_eq!(s.json["change_vs_year_earlier"], 24.0);
        assert_eq!(s.json["latest_period"], "2025-01");
        // 13 points each rising: a trend of 7 or more, a concern when lower is better; the
        // last reads high. Mean 22, moving ranges 2, limits 22 ± 5.32: a target of 50 is above
        // them, a consistent pass when lower is better.
        assert_eq!(s.json["latest_signal"], "concern");
        assert_eq!(s.json["variation"], "concern_high");
        assert_eq!(s.json["assurance"], "consistent_pass");
        assert_eq!(s.json["sections"][0]["points"], 13);
        // Outside the limits reads before a trend: 10, 12, 14 and 16 lie below 16.68 (low, an
        // improvement), 28 to 34 above 27.32 (high, a concern); 18 to 26 are read by the trend.
        assert_eq!(s.json["sections"][0]["improvement"], 4);
        assert_eq!(s.json["sections"][0]["concern"], 9);
        assert_eq!(s.json["sections"][0]["from"], "2024-01");
        // Without a value a year earlier there is no change to report; without a target, no
        // assurance.
        let mut gap = values.clone();
        gap[0] = None;
        let s = summary(&series(gap, None));
        assert_eq!(s.json["assurance"], Value::Null);
        assert_eq!(s.json["change_vs_year_earlier"], Value::Null);
    }
}
