//! `oapstat spc`: an XmR chart of one measure per collaborative, and whether its changes are real;
//! with `--summary`, the Making Data Count summary of several measures and its matrix.

use anyhow::{bail, Result};
use serde_json::Value;

use super::{prepare, resolve_periods, write_report};
use crate::cli::{SpcArgs, XmrArgs};
use crate::input::{Extracts, Inputs};
use crate::periods::{parse_bound, Period, PeriodKind};
use crate::render::Format;
use crate::spc::matrix;
use crate::spc::targets::{load, Rebase, Target};
use crate::spc::{charts, extracts_for, ChartRequest};

pub fn run(args: &SpcArgs) -> Result<()> {
    let measures: Vec<String> = match (args.measure.is_empty(), args.summary) {
        (false, _) => args.measure.clone(),
        (true, true) => crate::spc::SUMMARY_MEASURES
            .iter()
            .map(|m| m.to_string())
            .collect(),
        (true, false) => vec!["los_median".to_string()],
    };
    if measures.len() > 1 && !args.summary {
        bail!("--measure is given {} times: spc charts one measure (or give --summary for a row per collaborative and measure)", measures.len());
    }
    let extracts = if measures.iter().all(|m| !extracts_for(m).placements) {
        Extracts::ADMISSIONS_ONLY
    } else {
        Extracts::BOTH
    };
    let (inputs, selection) = prepare(&args.analysis, args.output.quiet, extracts)?;
    let periods = resolve_periods(&args.periods, &inputs)?;
    let (targets, rebases) = targets_and_rebases(&args.xmr, &inputs)?;
    let mut reports = Vec::new();
    let mut entries = Vec::new();
    for measure in &measures {
        let mut request = chart_request(args.periods.period, &periods, measure, &args.xmr)?;
        request.targets = &targets;
        request.rebases = &rebases;
        let charts = charts(&inputs, &selection, &request)?;
        entries.extend(charts.drawn.iter().filter_map(|s| s.entry()));
        reports.push(charts);
    }
    if !args.output.quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    if !args.summary {
        let charts = reports.remove(0);
        return if args.output.format == Format::Table {
            write_report(&charts.series, &args.output)
        } else {
            write_report(&charts.points, &args.output)
        };
    }
    // One row per collaborative and measure, by collaborative then measure as asked.
    let mut summary = reports[0].series.clone();
    summary.rows.clear();
    let mut series_meta = Vec::new();
    for report in &reports {
        summary.rows.extend(report.series.rows.iter().cloned());
        if let Some(Value::Array(s)) = report.series.meta.get("series") {
            series_meta.extend(s.iter().cloned());
        }
    }
    let collaborative = |row: &[crate::schema::Cell]| match &row[0] {
        crate::schema::Cell::Text(code) => code.clone(),
        _ => String::new(),
    };
    summary.rows.sort_by_key(|row| collaborative(row));
    for field in summary.fields.iter_mut() {
        field.optional = !crate::spc::SUMMARY_COLUMNS.contains(&field.name.as_str());
    }
    entries.sort_by(|a, b| a.collaborative.cmp(&b.collaborative));
    let cells = matrix::matrix(&entries);
    summary
        .meta
        .insert("series".into(), Value::Array(series_meta));
    if let Some(Value::Object(parameters)) = summary.meta.get_mut("parameters") {
        parameters.insert("measure".into(), serde_json::json!(measures));
        parameters.remove("improvement");
    }
    summary
        .meta
        .insert("matrix".into(), matrix::to_json(&cells));
    summary.notes = vec!["The Making Data Count summary: per collaborative and measure, the last section's mean, limits and counts of points; variation from the last point, assurance from the last limits against the target. Every series and section, and the matrix: --format json.".to_string()];
    write_report(&summary, &args.output)
}

/// A chart request from the command line's chart options (no targets or rebases yet: see
/// [`targets_and_rebases`]).
pub fn chart_request<'a>(
    kind: PeriodKind,
    periods: &'a [Period],
    measure: &'a str,
    xmr: &XmrArgs,
) -> Result<ChartRequest<'a>> {
    let baseline_range = match (&xmr.baseline_from, &xmr.baseline_to) {
        (Some(from), Some(to)) => Some((parse_bound(from, false)?, parse_bound(to, true)?)),
        _ => None,
    };
    Ok(ChartRequest {
        kind,
        periods,
        measure,
        improvement: xmr.improvement,
        baseline_months: xmr.baseline_months,
        baseline_range,
        targets: &[],
        rebases: &[],
    })
}

/// The targets and rebases of the charts from the command line's options, else the files
/// (see [`crate::spc::targets::load`]).
pub fn targets_and_rebases(xmr: &XmrArgs, inputs: &Inputs) -> Result<(Vec<Target>, Vec<Rebase>)> {
    load(
        xmr.target,
        xmr.targets.as_deref(),
        &xmr.rebase,
        xmr.rebase_file.as_deref(),
        inputs,
    )
}
