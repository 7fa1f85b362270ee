//! `oapstat rates`: the out-of-area measures per collaborative and period.

use anyhow::Result;

use super::{emit, prepare, resolve_periods};
use crate::cli::RatesArgs;
use crate::input::Extracts;
use crate::rates::report;
use crate::render::Format;

pub fn run(args: &RatesArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let (inputs, selection) = prepare(&args.analysis, quiet, Extracts::BOTH)?;
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
