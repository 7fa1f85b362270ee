//! `oapstat los`: length of stay of discharged spells and open spells per collaborative and period.

use anyhow::Result;
use serde_json::json;

use super::{emit, period_report, prepare, resolve_periods, Extracts, Selection};
use crate::cli::LosArgs;
use crate::input::Inputs;
use polars::prelude::DataFrame;

use crate::los::{fields, los, LosBreakdown, LosRequest};
use crate::periods::{Period, PeriodKind};
use crate::render::Report;

pub fn run(args: &LosArgs) -> Result<()> {
    // The placements only tell which spells had an out-of-area placement.
    let extracts = if args.by.contains(&LosBreakdown::Oap) {
        Extracts::Both
    } else {
        Extracts::AdmissionsOnly
    };
    let (inputs, selection) = prepare(&args.analysis, args.output.quiet, extracts)?;
    let periods = resolve_periods(&args.periods, &inputs)?;
    let mut report = report(&inputs, &selection, args.periods.period, &periods, &args.by)?;
    crate::timing("los computed");
    report.notes.push("LOS in days (discharge date − admission date) of spells discharged in the period; open spells at the period end with their nights so far. 90th percentile: linear interpolation (Excel PERCENTILE.INC).".into());
    if !args.output.quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    emit(report, &args.output, Some(&args.suppress))
}

/// LOS of the selection per collaborative (and breakdown) and period.
pub fn compute(
    selection: &Selection,
    periods: &[Period],
    by: &[LosBreakdown],
) -> Result<DataFrame> {
    let frame = los(
        &selection.admissions,
        &selection.oaps,
        &LosRequest {
            periods,
            by,
            collaboratives: &selection.collaboratives,
            names: &selection.names,
        },
    )?;
    // A period the extract does not cover has no figures, rather than zeros.
    Ok(selection
        .coverage
        .blank_uncovered(frame, periods, &fields(by))?)
}

/// The LOS report (rows and metadata) for the selection and periods.
pub fn report(
    inputs: &Inputs,
    selection: &Selection,
    kind: PeriodKind,
    periods: &[Period],
    by: &[LosBreakdown],
) -> Result<Report> {
    report_of(
        &compute(selection, periods, by)?,
        inputs,
        selection,
        kind,
        periods,
        by,
    )
}

/// The report of LOS already computed by [`compute`].
pub fn report_of(
    frame: &DataFrame,
    inputs: &Inputs,
    selection: &Selection,
    kind: PeriodKind,
    periods: &[Period],
    by: &[LosBreakdown],
) -> Result<Report> {
    let mut report = period_report(
        "los",
        frame,
        fields(by),
        inputs,
        selection,
        kind,
        periods,
        json!(by),
    )?;
    if let Some(parameters) = report.meta.get_mut("parameters") {
        parameters["percentile_method"] =
            json!("linear interpolation between closest ranks (Excel PERCENTILE.INC, R type 7)");
    }
    Ok(report)
}
