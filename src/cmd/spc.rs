//! `oapstat spc`: an XmR chart of one measure per collaborative, and whether its changes are real.

use anyhow::Result;

use super::{prepare, resolve_periods, write_report};
use crate::cli::{SpcArgs, XmrArgs};
use crate::periods::{parse_bound, Period, PeriodKind};
use crate::render::Format;
use crate::spc::{charts, extracts_for, ChartRequest};

pub fn run(args: &SpcArgs) -> Result<()> {
    let extracts = extracts_for(&args.measure);
    let (inputs, selection) = prepare(&args.analysis, args.output.quiet, extracts)?;
    let periods = resolve_periods(&args.periods, &inputs)?;
    let request = chart_request(args.periods.period, &periods, &args.measure, &args.xmr)?;
    let charts = charts(&inputs, &selection, &request)?;
    if !args.output.quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    if args.output.format == Format::Table {
        write_report(&charts.series, &args.output)
    } else {
        write_report(&charts.points, &args.output)
    }
}

/// A chart request from the command line's chart options.
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
    })
}
