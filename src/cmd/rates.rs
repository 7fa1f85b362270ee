//! `oapstat rates`: the out-of-area measures per collaborative and period.

use anyhow::Result;
use polars::prelude::*;
use serde_json::json;

use super::{emit, listed_collaboratives, load_inputs, period_parameters, resolve_periods};
use crate::cli::RatesArgs;
use crate::rates::{fields, rates, RatesRequest};
use crate::render::{Format, Report};

pub fn run(args: &RatesArgs) -> Result<()> {
    let t0 = std::time::Instant::now();
    let quiet = args.output.quiet;
    let mut inputs = load_inputs(&args.input, quiet)?;
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
    let populations = populations_frame(&inputs.reference)?;
    let frame = rates(
        &admissions,
        &placements,
        &RatesRequest {
            periods: &periods,
            by: &args.by,
            collaboratives: &collaboratives,
            populations,
        },
    )?;

    crate::timing("rates computed", t0);
    let mut report = Report::from_frame("rates", &frame, fields(&args.by))?;
    let mut parameters = period_parameters(&args.periods, &periods, &scope);
    parameters["by"] = json!(args.by);
    report.meta.insert("parameters".into(), parameters);
    report.meta.insert("inputs".into(), inputs.metadata());
    if args.output.format == Format::Table {
        report.notes.push(
            "Length and distance bands, reason-not-known days, cost coverage and per-100k figures: --format csv or json.".into(),
        );
    }
    if !quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    let result = emit(report, &args.output, Some(&args.suppress));
    crate::timing("written", t0);
    result
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
