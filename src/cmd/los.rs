//! `oapstat los`: length of stay of discharged spells and open spells per collaborative and period.

use anyhow::Result;

use super::{emit, prepare, resolve_periods};
use crate::cli::LosArgs;
use crate::input::Extracts;
use crate::los::report;
use crate::los::LosBreakdown;

pub fn run(args: &LosArgs) -> Result<()> {
    // The placements only tell which spells had an out-of-area placement.
    let extracts = if args.by.contains(&LosBreakdown::Oap) {
        Extracts::BOTH
    } else {
        Extracts::ADMISSIONS_ONLY
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
