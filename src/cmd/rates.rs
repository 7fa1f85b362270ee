//! `oapstat rates`: the out-of-area measures per collaborative and period.

use anyhow::Result;
use polars::prelude::*;
use serde_json::json;

use super::{emit, period_report, prepare, resolve_periods, Extracts, Selection};
use crate::cli::RatesArgs;
use crate::input::Inputs;
use crate::periods::{Period, PeriodKind};
use crate::rates::{fields, rates, Breakdown, RatesRequest};
use crate::render::{Format, Report};

pub fn run(args: &RatesArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let (inputs, selection) = prepare(&args.analysis, quiet, Extracts::Both)?;
    let periods = resolve_periods(&args.periods, &inputs)?;
    let mut report = report(&inputs, &selection, args.periods.period, &periods, &args.by)?;
    crate::timing("rates computed");
    if args.output.format == Format::Table {
        report.notes.push(
            "Length and distance bands, reason-not-known days, cost coverage and per-100k figures: --format csv or json.".into(),
        );
    }
    if !quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    let result = emit(report, &args.output, Some(&args.suppress));
    crate::timing("written");
    result
}

/// The rates of the selection per collaborative (and breakdown) and period.
pub fn compute(
    inputs: &Inputs,
    selection: &Selection,
    periods: &[Period],
    by: &[Breakdown],
) -> Result<DataFrame> {
    let frame = rates(
        &selection.admissions,
        &selection.oaps,
        &RatesRequest {
            periods,
            by,
            collaboratives: &selection.collaboratives,
            populations: populations_frame(&inputs.reference)?,
            names: &selection.names,
        },
    )?;
    // A period the extract does not cover has no figures, rather than zeros.
    Ok(selection
        .coverage
        .blank_uncovered(frame, periods, &fields(by))?)
}

/// The rates report (rows and metadata) for the selection and periods.
pub fn report(
    inputs: &Inputs,
    selection: &Selection,
    kind: PeriodKind,
    periods: &[Period],
    by: &[Breakdown],
) -> Result<Report> {
    report_of(
        &compute(inputs, selection, periods, by)?,
        inputs,
        selection,
        kind,
        periods,
        by,
    )
}

/// The report of rates already computed by [`compute`].
pub fn report_of(
    frame: &DataFrame,
    inputs: &Inputs,
    selection: &Selection,
    kind: PeriodKind,
    periods: &[Period],
    by: &[Breakdown],
) -> Result<Report> {
    period_report(
        "rates",
        frame,
        fields(by),
        inputs,
        selection,
        kind,
        periods,
        json!(by),
    )
}

/// `collaborative, population` from the reference (population null where not given).
pub fn populations_frame(reference: &crate::reference::Reference) -> PolarsResult<DataFrame> {
    let codes: Vec<&str> = reference
        .collaboratives
        .keys()
        .map(String::as_str)
        .collect();
    let populations: Vec<Option<i64>> = reference
        .collaboratives
        .values()
        .map(|c| c.population.map(|p| p as i64))
        .collect();
    DataFrame::new(
        codes.len(),
        vec![
            Column::new("collaborative".into(), codes),
            Column::new("population".into(), populations),
        ],
    )
}
