//! A collaborative beside England and its peers: its own measures (from its extracts) laid next
//! to the same measures in NHS England's published files, as published, with rates per 1,000,000
//! population where the population of each side is known.
//!
//! For MHSDS-era months the measures are NHS England's OAP01–OAP11a at M, Q and Y; for the
//! Clinical Audit Platform files of 2016 onwards, the oapstat measures they match (see
//! [`CAP_MEASURES`]) for the month.

mod report;

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use crate::spells::text_values;

pub use report::{default_chart_measure, fields, report, BenchmarkOptions};

/// The Clinical Audit Platform measures that oapstat computes the same way (DOMAIN.md sections 5
/// and 11), by the ids `published` gives them; each is a field of `rates`.
pub const CAP_MEASURES: [&str; 6] = [
    "oaps_started",
    "oaps_ended",
    "oaps_active_end",
    "oap_days",
    "inappropriate_oap_days",
    "total_recorded_cost",
];

/// Whether a measure is a count (so that a rate per 1,000,000 population means something); the
/// NHS rates OAP05–OAP07 are per 1,000,000 already.
fn per_million_kind(measure_id: &str) -> PerMillion {
    let nhs = |numbers: &[&str]| {
        numbers
            .iter()
            .any(|n| measure_id == format!("OAP{n}") || measure_id == format!("OAP{n}a"))
    };
    if nhs(&["01", "02", "03", "04"]) || CAP_MEASURES[..5].contains(&measure_id) {
        PerMillion::Count
    } else if nhs(&["05", "06", "07"]) {
        PerMillion::Already
    } else {
        PerMillion::Never
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PerMillion {
    Count,
    Already,
    Never,
}

/// A published level to set beside the collaborative: a breakdown and a level code as the file
/// spells them (`England` / `England`, `Sending Provider` / `RX3`, `ICB of GP Practice or
/// Residence` / `QHM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub breakdown: String,
    pub code: String,
}

/// Inputs of [`compare`] besides the frames.
pub struct BenchmarkRequest<'a> {
    /// England first, then the peers asked for.
    pub peers: &'a [Peer],
    /// Populations of published levels by code (`England`, `QHM`).
    pub populations: &'a BTreeMap<String, u64>,
}

/// One side's value of a measure in a period.
struct Side {
    month: String,
    period: String,
    period_start: i32,
    period_end: i32,
    measure_id: String,
    measure: String,
    side: &'static str,
    breakdown: String,
    level_code: String,
    level_name: String,
    value: Option<f64>,
    suppressed: bool,
    population: Option<u64>,
}

/// The comparison, one row per month, period, measure and side (the collaboratives, then
/// England and each peer in the order asked), with `per_million` where it means something:
/// `month, period, period_start, period_end, measure_id, measure, side, breakdown, level_code,
/// level_name, value, suppressed, population, per_million`.
///
/// `ours`: `month, period, period_start, period_end, measure_id, measure, collaborative,
/// collaborative_name, value, population`. `published`: the frame of
/// [`crate::published::read`]. A published value is compared only where the collaborative has
/// the same measure for the same dates; suppressed cells stay suppressed, rounded ones rounded.
pub fn compare(
    ours: &DataFrame,
    published: &DataFrame,
    request: &BenchmarkRequest,
) -> PolarsResult<DataFrame> {
    let text = text_values;
    let days = |frame: &DataFrame, name: &str| -> PolarsResult<Vec<i32>> {
        let column = frame.column(name)?.cast(&DataType::Int32)?;
        Ok(column
            .i32()?
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect())
    };
    let mut sides: Vec<Side> = Vec::new();
    // Ours: keyed by (start, end, measure id) for the published rows to join.
    let (months, periods, starts, ends) = (
        text(ours, "month")?,
        text(ours, "period")?,
        days(ours, "period_start")?,
        days(ours, "period_end")?,
    );
    let (ids, measures, codes, names) = (
        text(ours, "measure_id")?,
        text(ours, "measure")?,
        text(ours, "collaborative")?,
        text(ours, "collaborative_name")?,
    );
    let values: Vec<Option<f64>> = ours
        .column("value")?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .collect();
    let populations: Vec<Option<i64>> = ours
        .column("population")?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .collect();
    let mut wanted: BTreeMap<(i32, i32, String), (String, String)> = BTreeMap::new();
    for i in 0..ours.height() {
        wanted.insert(
            (starts[i], ends[i], ids[i].clone()),
            (months[i].clone(), periods[i].clone()),
        );
        sides.push(Side {
            month: months[i].clone(),
            period: periods[i].clone(),
            period_start: starts[i],
            period_end: ends[i],
            measure_id: ids[i].clone(),
            measure: measures[i].clone(),
            side: "collaborative",
            breakdown: "Collaborative".into(),
            level_code: codes[i].clone(),
            level_name: names[i].clone(),
            value: values[i],
            suppressed: false,
            population: populations[i].map(|p| p as u64),
        });
    }
    // Published: the levels asked for, with no secondary level.
    let p_starts = days(published, "period_start")?;
    let p_ends = days(published, "period_end")?;
    let (p_ids, p_measures) = (text(published, "measure_id")?, text(published, "measure")?);
    let (p_breakdowns, p_codes, p_names, p_secondary) = (
        text(published, "breakdown")?,
        text(published, "level_code")?,
        text(published, "level_name")?,
        text(published, "secondary_code")?,
    );
    let p_values: Vec<Option<f64>> = published.column("value")?.f64()?.iter().collect();
    let p_suppressed: Vec<bool> = published
        .column("suppressed")?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect();
    let mut seen: BTreeSet<(usize, i32, i32, String)> = BTreeSet::new();
    for i in 0..published.height() {
        if !p_secondary[i].is_empty() {
            continue;
        }
        let Some(peer) = request
            .peers
            .iter()
            .position(|p| p.breakdown == p_breakdowns[i] && p.code == p_codes[i])
        else {
            continue;
        };
        let key = (p_starts[i], p_ends[i], p_ids[i].clone());
        let Some((month, period)) = wanted.get(&key) else {
            continue;
        };
        // The same cell in two files (a rounded file and its _RAW twin): the first is kept.
        if !seen.insert((peer, key.0, key.1, key.2)) {
            continue;
        }
        sides.push(Side {
            month: month.clone(),
            period: period.clone(),
            period_start: p_starts[i],
            period_end: p_ends[i],
            measure_id: p_ids[i].clone(),
            measure: p_measures[i].clone(),
            side: if peer == 0 { "england" } else { "peer" },
            breakdown: p_breakdowns[i].clone(),
            level_code: p_codes[i].clone(),
            level_name: p_names[i].clone(),
            value: p_values[i],
            suppressed: p_suppressed[i],
            population: request.populations.get(&p_codes[i]).copied(),
        });
    }
    // Month, measure (in the order ours lists them), period, then the collaboratives, England
    // and the peers in the order asked.
    let measure_order: BTreeMap<&str, usize> = {
        let mut order = BTreeMap::new();
        for id in &ids {
            let next = order.len();
            order.entry(id.as_str()).or_insert(next);
        }
        order
    };
    let side_rank = |s: &Side| -> usize {
        match s.side {
            "collaborative" => 0,
            _ => {
                1 + request
                    .peers
                    .iter()
                    .position(|p| p.breakdown == s.breakdown && p.code == s.level_code)
                    .unwrap_or(0)
            }
        }
    };
    let period_rank = |p: &str| ["M", "Q", "Y"].iter().position(|x| *x == p).unwrap_or(0);
    sides.sort_by(|a, b| {
        a.month
            .cmp(&b.month)
            .then_with(|| {
                measure_order
                    .get(a.measure_id.as_str())
                    .cmp(&measure_order.get(b.measure_id.as_str()))
            })
            .then_with(|| period_rank(&a.period).cmp(&period_rank(&b.period)))
            .then_with(|| side_rank(a).cmp(&side_rank(b)))
            .then_with(|| a.level_code.cmp(&b.level_code))
    });
    frame_of(&sides)
}

fn frame_of(sides: &[Side]) -> PolarsResult<DataFrame> {
    let text = |name: &str, f: fn(&Side) -> &str| {
        Column::new(name.into(), sides.iter().map(f).collect::<Vec<&str>>())
    };
    let per_million: Vec<Option<f64>> = sides
        .iter()
        .map(|s| match per_million_kind(&s.measure_id) {
            PerMillion::Count => {
                let population = s.population.filter(|&p| p > 0)?;
                Some(s.value? * 1_000_000.0 / population as f64)
            }
            PerMillion::Already => s.value,
            PerMillion::Never => None,
        })
        .collect();
    DataFrame::new(
        sides.len(),
        vec![
            text("month", |s| &s.month),
            text("period", |s| &s.period),
            Column::new(
                "period_start".into(),
                sides.iter().map(|s| s.period_start).collect::<Vec<_>>(),
            )
            .cast(&DataType::Date)?,
            Column::new(
                "period_end".into(),
                sides.iter().map(|s| s.period_end).collect::<Vec<_>>(),
            )
            .cast(&DataType::Date)?,
            text("measure_id", |s| &s.measure_id),
            text("measure", |s| &s.measure),
            text("side", |s| s.side),
            text("breakdown", |s| &s.breakdown),
            text("level_code", |s| &s.level_code),
            text("level_name", |s| &s.level_name),
            Column::new(
                "value".into(),
                sides.iter().map(|s| s.value).collect::<Vec<_>>(),
            ),
            Column::new(
                "suppressed".into(),
                sides.iter().map(|s| s.suppressed).collect::<Vec<_>>(),
            ),
            Column::new(
                "population".into(),
                sides
                    .iter()
                    .map(|s| s.population.map(|p| p as i64))
                    .collect::<Vec<_>>(),
            ),
            Column::new("per_million".into(), per_million),
        ],
    )
}

/// The collaboratives' side from `nhs::measures`: its `Collaborative` rows, with each
/// collaborative's population (for counts as well as rates).
pub fn ours_from_nhs(
    nhs: &DataFrame,
    populations: &BTreeMap<String, Option<u64>>,
) -> PolarsResult<DataFrame> {
    let breakdown = nhs.column("breakdown")?.str()?;
    let keep: BooleanChunked = breakdown
        .iter()
        .map(|b| Some(b == Some("Collaborative")))
        .collect();
    let mut frame = nhs.filter(&keep)?.select([
        "month",
        "period",
        "reporting_period_start",
        "reporting_period_end",
        "measure_id",
        "measure_name",
        "primary_level",
        "primary_level_description",
        "measure_value",
    ])?;
    for (from, to) in [
        ("reporting_period_start", "period_start"),
        ("reporting_period_end", "period_end"),
        ("measure_name", "measure"),
        ("primary_level", "collaborative"),
        ("primary_level_description", "collaborative_name"),
        ("measure_value", "value"),
    ] {
        frame.rename(from, to.into())?;
    }
    with_population(frame, populations)
}

/// The collaboratives' side from `rates` (monthly): the [`CAP_MEASURES`], one row each.
pub fn ours_from_rates(
    rates: &DataFrame,
    names: &BTreeMap<String, String>,
    populations: &BTreeMap<String, Option<u64>>,
) -> PolarsResult<DataFrame> {
    let collaborative = rates.column("collaborative")?.str()?;
    let period = rates.column("period")?.str()?;
    let starts = rates.column("period_start")?.cast(&DataType::Int32)?;
    let ends = rates.column("period_end")?.cast(&DataType::Int32)?;
    let (starts, ends) = (starts.i32()?, ends.i32()?);
    // (month, first day, last day, measure, collaborative, value)
    type CapRow<'a> = (String, i32, i32, &'a str, String, Option<f64>);
    let mut rows: Vec<CapRow> = Vec::new();
    for measure in CAP_MEASURES {
        let values = rates.column(measure)?.cast(&DataType::Float64)?;
        for (i, value) in values.f64()?.iter().enumerate() {
            rows.push((
                period.get(i).unwrap_or_default().to_string(),
                starts.get(i).unwrap_or_default(),
                ends.get(i).unwrap_or_default(),
                measure,
                collaborative.get(i).unwrap_or_default().to_string(),
                value,
            ));
        }
    }
    let name_of = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let frame = DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "month".into(),
                rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
            ),
            Column::new("period".into(), vec!["M"; rows.len()]),
            Column::new(
                "period_start".into(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            )
            .cast(&DataType::Date)?,
            Column::new(
                "period_end".into(),
                rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            )
            .cast(&DataType::Date)?,
            Column::new(
                "measure_id".into(),
                rows.iter().map(|r| r.3).collect::<Vec<_>>(),
            ),
            Column::new(
                "measure".into(),
                rows.iter()
                    .map(|r| cap_measure_text(r.3))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "collaborative".into(),
                rows.iter().map(|r| r.4.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "collaborative_name".into(),
                rows.iter().map(|r| name_of(&r.4)).collect::<Vec<_>>(),
            ),
            Column::new("value".into(), rows.iter().map(|r| r.5).collect::<Vec<_>>()),
        ],
    )?;
    with_population(frame, populations)
}

/// The published question a CAP measure id stands for.
fn cap_measure_text(id: &str) -> &'static str {
    crate::published::questions::QUESTIONS
        .iter()
        .find(|q| q.1 == id)
        .map_or(
            "Total number of inappropriate OAP days over the period",
            |q| q.0,
        )
}

fn with_population(
    mut frame: DataFrame,
    populations: &BTreeMap<String, Option<u64>>,
) -> PolarsResult<DataFrame> {
    let population: Vec<Option<i64>> = frame
        .column("collaborative")?
        .str()?
        .iter()
        .map(|c| {
            c.and_then(|c| populations.get(c).copied().flatten())
                .map(|p| p as i64)
        })
        .collect();
    frame.with_column(Column::new("population".into(), population))?;
    Ok(frame)
}
