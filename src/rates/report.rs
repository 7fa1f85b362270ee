//! The rates report: the out-of-area measures of a selection's periods, with their metadata.
use anyhow::Result;
use polars::prelude::*;
use serde_json::json;

use crate::input::Inputs;
use crate::periods::{Period, PeriodKind};
use crate::rates::{fields, rates, Breakdown, RatesRequest};
use crate::schema::Report;
use crate::scope::{period_report, Selection};

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
pub fn populations_frame(
    reference: &crate::input::reference::Reference,
) -> PolarsResult<DataFrame> {
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
