//! `oapstat reinvest`: savings, cost pressures and reinvestment from reduced out-of-area use.

use anyhow::Result;

use super::{emit, prepare};
use crate::cli::ReinvestArgs;
use crate::input::Extracts;
use crate::reinvest::Scenario;
use crate::reinvest::{report, ReinvestOptions};

pub fn run(args: &ReinvestArgs) -> Result<()> {
    let options = ReinvestOptions {
        baseline: args.baseline.clone(),
        current: args.current.clone(),
        reinvest_share: args.reinvest_share,
        oap_daily_cost: args.oap_daily_cost,
        scenario: args.scenario.as_deref().map(Scenario::parse).transpose()?,
    };
    let (inputs, selection) = prepare(&args.analysis, args.output.quiet, Extracts::BOTH)?;
    let report = report(&inputs, &selection, &options)?;
    if !args.output.quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    emit(report, &args.output, Some(&args.suppress))
}
