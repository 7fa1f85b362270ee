//! `oapstat los`: length of stay of discharged spells and open spells per collaborative and period.

use anyhow::Result;
use polars::prelude::*;
use serde_json::json;

use super::{emit, listed_collaboratives, load_inputs, period_parameters, resolve_periods};
use crate::cli::LosArgs;
use crate::los::{fields, los, LosRequest};
use crate::render::Report;

pub fn run(args: &LosArgs) -> Result<()> {
    let mut inputs = load_inputs(&args.input, args.output.quiet)?;
    inputs.require_valid(args.invalid.skip_invalid.as_deref())?;
    let scope = args.scope.scope();
    let periods = resolve_periods(&args.periods, &inputs)?;
    let admissions = scope
        .apply(inputs.checked.admissions.clone().lazy())
        .collect()?;
    let placements = scope
        .apply(inputs.checked.placements.clone().lazy())
        .collect()?;
    let collaboratives = listed_collaboratives(&inputs, &scope);
    let frame = los(
        &admissions,
        &placements,
        &LosRequest {
            periods: &periods,
            by: &args.by,
            collaboratives: &collaboratives,
        },
    )?;

    let mut report = Report::from_frame("los", &frame, fields(&args.by))?;
    let mut parameters = period_parameters(&args.periods, &periods, &scope);
    parameters["by"] = json!(args.by);
    parameters["percentile_method"] =
        json!("linear interpolation between closest ranks (Excel PERCENTILE.INC, R type 7)");
    report.meta.insert("parameters".into(), parameters);
    report.meta.insert("inputs".into(), inputs.metadata());
    report.notes.push("LOS in days (discharge date − admission date) of spells discharged in the period; open spells at the period end with their nights so far. 90th percentile: linear interpolation (Excel PERCENTILE.INC).".into());
    if !args.output.quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    emit(report, &args.output, Some(&args.suppress))
}
