//! The benchmark report: a selection's measures beside NHS England's published figures.
use std::collections::BTreeMap;

use anyhow::{bail, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use serde_json::json;

use crate::benchmark::{compare, ours_from_nhs, ours_from_rates, BenchmarkRequest, Peer};
use crate::input::Inputs;
use crate::nhs::Window;
use crate::periods::{last_complete_month_end, month_end, month_start, Period};
use crate::published::Published;
use crate::schema::{Field, Kind, Report};
use crate::scope::Selection;

/// What `benchmark` compares besides the selection.
pub struct BenchmarkOptions<'a> {
    pub published: &'a Published,
    /// Only this month (YYYY-MM); otherwise every month both sides cover.
    pub month: Option<&'a str>,
    /// England first, then the peers.
    pub peers: &'a [Peer],
    pub populations: &'a BTreeMap<String, u64>,
}

/// The measure a chart draws by default: OAP06 when MHSDS-era months are compared, else
/// `oaps_active_end`.
pub fn default_chart_measure(report: &Report) -> String {
    let mhsds = report.meta["parameters"]["months"]
        .as_array()
        .is_some_and(|months| months.iter().any(|m| m["generation"] == "mhsds"));
    if mhsds { "OAP06" } else { "oaps_active_end" }.to_string()
}

/// The comparison as a report, and its frame (for charts).
pub fn report(
    inputs: &Inputs,
    selection: &Selection,
    options: &BenchmarkOptions,
) -> Result<(Report, DataFrame)> {
    let months = months(selection, options.published, options.month)?;
    let frame = compute(
        inputs,
        selection,
        options.published,
        &months,
        options.peers,
        options.populations,
    )?;
    let mut report = Report::from_frame("benchmark", &frame, fields())?;
    report.meta.insert(
        "parameters".into(),
        json!({
            "months": months.iter().map(|(m, g)| json!({"month": m.format("%Y-%m").to_string(), "generation": g})).collect::<Vec<_>>(),
            "peers": options.peers.iter().map(|p| format!("{}:{}", p.breakdown, p.code)).collect::<Vec<_>>(),
            "populations": options.populations,
            "population_sources": {
                "collaboratives": "the collaboratives reference",
                "published_levels": if options.populations.is_empty() { "none given (--population CODE=N): their rates per 1,000,000 are empty" } else { "--population" },
            },
            "collaboratives": selection.scope.collaboratives,
        }),
    );
    report.meta.insert(
        "published".into(),
        serde_json::to_value(&options.published.files)?,
    );
    report.meta.insert("inputs".into(), inputs.metadata());
    // The months are those the extract covers, but a month's Q and Y windows reach back before
    // it: the collaboratives' figures of a window the extract does not cover are empty.
    let windows: Vec<Period> = months
        .iter()
        .flat_map(|(&month, &generation)| {
            let windows: &[Window] = if generation == "mhsds" {
                &Window::ALL
            } else {
                &[Window::M]
            };
            windows.iter().map(move |w| w.period(month))
        })
        .collect();
    crate::scope::record_coverage(&mut report, &selection.coverage, &windows);
    report.notes.push("Published values as published: rounded, and * where NHS England suppressed them; never rebuilt from sub-national cells.".into());
    if options.populations.is_empty() {
        report.notes.push("No population for England or the peers (--population England=N): their rates per 1,000,000 are empty.".into());
    }
    Ok((report, frame))
}

/// The months both the extract and the published files cover (or the one asked for), each with
/// the generation of its published files (MHSDS where both exist).
fn months(
    selection: &Selection,
    published: &Published,
    month: Option<&str>,
) -> Result<BTreeMap<NaiveDate, &'static str>> {
    let ends = published
        .frame
        .column("period_end")?
        .cast(&DataType::Int32)?;
    let generations = published.frame.column("generation")?.str()?;
    let mut in_files: BTreeMap<NaiveDate, &'static str> = BTreeMap::new();
    for (end, generation) in ends.i32()?.iter().zip(generations.iter()) {
        let (Some(end), Some(generation)) = (end, generation) else {
            continue;
        };
        let month = month_start(crate::periods::date_of(end));
        let generation = if generation == "mhsds" {
            "mhsds"
        } else {
            "cap"
        };
        let entry = in_files.entry(month).or_insert(generation);
        if generation == "mhsds" {
            *entry = "mhsds";
        }
    }
    let coverage = &selection.coverage;
    let first = (coverage.from != NaiveDate::MAX).then_some(coverage.from);
    let last = month_start(last_complete_month_end(coverage.to));
    let in_extract = |m: &NaiveDate| coverage.covers_days(*m, month_end(*m));
    let shown = |set: &mut dyn Iterator<Item = &NaiveDate>| {
        set.map(|m| m.format("%Y-%m").to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(text) = month {
        let wanted =
            crate::periods::parse_month(text, "--month", coverage.to, crate::periods::today()?)?;
        let Some(generation) = in_files.get(&wanted) else {
            bail!(
                "--month {text}: the published files cover {}",
                shown(&mut in_files.keys())
            );
        };
        if !in_extract(&wanted) {
            bail!(
                "--month {text}: the extract covers {} to {}",
                first.map_or("nothing".into(), |f| f.format("%Y-%m").to_string()),
                last.format("%Y-%m")
            );
        }
        return Ok(BTreeMap::from([(wanted, *generation)]));
    }
    let both: BTreeMap<NaiveDate, &'static str> = in_files
        .iter()
        .filter(|(m, _)| in_extract(m))
        .map(|(m, g)| (*m, *g))
        .collect();
    if both.is_empty() {
        bail!(
            "no month is covered by both the extract ({} to {}) and the published files ({})",
            first.map_or("nothing".into(), |f| f.format("%Y-%m").to_string()),
            last.format("%Y-%m"),
            shown(&mut in_files.keys())
        );
    }
    Ok(both)
}

/// The comparison for the months.
fn compute(
    inputs: &Inputs,
    selection: &Selection,
    published: &Published,
    months: &BTreeMap<NaiveDate, &'static str>,
    peers: &[Peer],
    populations: &BTreeMap<String, u64>,
) -> Result<DataFrame> {
    let reference_populations = inputs.reference.populations();
    let names = inputs.reference.names();
    let mhsds: Vec<NaiveDate> = months
        .iter()
        .filter(|(_, g)| **g == "mhsds")
        .map(|(m, _)| *m)
        .collect();
    let cap: Vec<Period> = months
        .iter()
        .filter(|(_, g)| **g == "cap")
        .map(|(m, _)| Period {
            label: m.format("%Y-%m").to_string(),
            start: *m,
            end: month_end(*m),
        })
        .collect();
    let mut ours: Vec<DataFrame> = Vec::new();
    if !mhsds.is_empty() {
        let adult_acute = crate::nhs::default_adult_acute();
        let nhs = crate::nhs::compute(
            inputs,
            selection,
            &crate::nhs::Options {
                months: &mhsds,
                adult_acute: &adult_acute,
                status: "Local",
                raw: false,
                populations: &Default::default(),
                by_group: false,
            },
        )?;
        ours.push(ours_from_nhs(&nhs, &reference_populations)?);
    }
    if !cap.is_empty() {
        let rates = crate::rates::compute(inputs, selection, &cap, &[])?;
        ours.push(ours_from_rates(&rates, &names, &reference_populations)?);
    }
    let mut all = ours.remove(0);
    for frame in ours {
        all.vstack_mut(&frame)?;
    }
    Ok(compare(
        &all,
        &published.frame,
        &BenchmarkRequest { peers, populations },
    )?)
}

/// The fields of the comparison.
pub fn fields() -> Vec<Field> {
    vec![
        Field::text("month", "Month"),
        Field::text("period", "Period"),
        Field::date("period_start"),
        Field::date("period_end"),
        Field::text("measure_id", "Measure"),
        Field::text("measure", ""),
        Field::text("side", ""),
        Field::text("breakdown", "Breakdown"),
        Field::text("level_code", "Level"),
        Field::text("level_name", ""),
        Field::new("value", Kind::Measure, "Value", &[]),
        Field::new("suppressed", Kind::Flag, "Suppressed", &[]),
        Field::new("population", Kind::Reference, "Population", &[]),
        Field::number("per_million", "Per 1,000,000"),
    ]
}
