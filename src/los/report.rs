//! The length-of-stay report: a selection's periods, with their metadata.
use anyhow::Result;
use polars::prelude::DataFrame;
use serde_json::json;

use crate::input::Inputs;
use crate::los::{fields, los, LosBreakdown, LosRequest};
use crate::periods::{Period, PeriodKind};
use crate::schema::Report;
use crate::scope::{period_report, Selection};

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
