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
use crate::spc::targets::{
    check_names, parse_month_start, read_rebases, read_targets, Rebase, Target, ALL,
};
use crate::spc::{charts, extracts_for, ChartRequest};

/// The measures `spc --summary` summarises unless `--measure` names others: the board's OAP
/// measures, median length of stay and the share of bed days out of area.
pub const SUMMARY_MEASURES: [&str; 5] = [
    "oap_days",
    "inappropriate_oap_days",
    "inappropriate_oaps_active_end",
    "los_median",
    "oap_day_share",
];

pub fn run(args: &SpcArgs) -> Result<()> {
    let measures: Vec<String> = match (args.measure.is_empty(), args.summary) {
        (false, _) => args.measure.clone(),
        (true, true) => SUMMARY_MEASURES.iter().map(|m| m.to_string()).collect(),
        (true, false) => vec!["los_median".to_string()],
    };
    if measures.len() > 1 && !args.summary {
        bail!("--measure is given {} times: spc charts one measure (or give --summary for a row per collaborative and measure)", measures.len());
    }
    let extracts = if measures
        .iter()
        .all(|m| extracts_for(m) == Extracts::AdmissionsOnly)
    {
        Extracts::AdmissionsOnly
    } else {
        Extracts::Both
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

/// The targets and rebases of the charts: `--target`/`--rebase` for every series, else the files
/// (`--targets`/`--rebase-file`, or `targets.csv`/`rebase.csv` in the data folder), their names
/// checked against the extracts' collaboratives and the measures.
pub fn targets_and_rebases(xmr: &XmrArgs, inputs: &Inputs) -> Result<(Vec<Target>, Vec<Rebase>)> {
    let targets = match (xmr.target, &xmr.targets, &inputs.paths.targets) {
        (Some(value), _, _) => {
            if !value.is_finite() {
                bail!("--target {value} is not a number");
            }
            crate::spc::measures()
                .into_iter()
                .map(|measure| Target {
                    collaborative: ALL.into(),
                    measure,
                    target: value,
                    improvement: None,
                    source: "--target".into(),
                })
                .collect()
        }
        (None, Some(path), _) | (None, None, Some(path)) => read_targets(path)?,
        _ => Vec::new(),
    };
    let rebases = if !xmr.rebase.is_empty() {
        xmr.rebase
            .iter()
            .map(|text| {
                let (month, reason) = text.split_once('=').unwrap_or((text, ""));
                let Some(start) = parse_month_start(month) else {
                    bail!("--rebase {text:?} is not a month (expected YYYY-MM, or YYYY-MM=REASON)");
                };
                Ok(Rebase {
                    collaborative: ALL.into(),
                    measure: ALL.into(),
                    month: start,
                    reason: if reason.trim().is_empty() {
                        "rebased".into()
                    } else {
                        reason.trim().to_string()
                    },
                    source: "--rebase".into(),
                })
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        match (&xmr.rebase_file, &inputs.paths.rebases) {
            (Some(path), _) | (None, Some(path)) => read_rebases(path)?,
            _ => Vec::new(),
        }
    };
    let collaboratives: Vec<String> = crate::scope::known_collaboratives(inputs)?
        .into_iter()
        .collect();
    let measures = crate::spc::measures();
    check_names(
        targets.iter().filter(|t| t.source != "--target").map(|t| {
            (
                t.source.as_str(),
                t.collaborative.as_str(),
                t.measure.as_str(),
            )
        }),
        &collaboratives,
        &measures,
    )?;
    check_names(
        rebases.iter().map(|r| {
            (
                r.source.as_str(),
                r.collaborative.as_str(),
                r.measure.as_str(),
            )
        }),
        &collaboratives,
        &measures,
    )?;
    Ok((targets, rebases))
}
