//! `oapstat capacity`: how many local beds would bring inappropriate OAPs home, and at what cost.

use anyhow::{bail, Context, Result};

use super::{emit, prepare};
use crate::capacity::{beds_file, report, CapacityOptions};
use crate::cli::CapacityArgs;
use crate::input::Extracts;
use crate::output::write_atomically;

/// `NAME=LINE,LINE`.
fn parse_group(text: &str) -> Result<(String, Vec<String>)> {
    let Some((name, lines)) = text.split_once('=') else {
        bail!("--group {text:?}: expected NAME=LINE,LINE (e.g. adult_acute_group=adult_acute,older_adult_acute,picu)");
    };
    let lines: Vec<String> = lines
        .split(',')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if name.trim().is_empty() || lines.is_empty() {
        bail!(
            "--group {text:?}: expected NAME=LINE,LINE with a name and at least one service line"
        );
    }
    Ok((name.trim().to_string(), lines))
}

pub fn run(args: &CapacityArgs) -> Result<()> {
    let options = CapacityOptions {
        baseline: args.baseline.clone(),
        repatriate: args.repatriate,
        occupancy: args.occupancy,
        no_bed_risk: args.no_bed_risk,
        groups: args
            .group
            .iter()
            .map(|g| parse_group(g))
            .collect::<Result<_>>()?,
        beds: beds_file(args.beds.as_ref(), args.analysis.input.data.as_ref()),
        by_month: args.by_month,
        charts: args.charts.is_some(),
    };
    let (inputs, selection) = prepare(&args.analysis, args.output.quiet, Extracts::BOTH)?;
    let (report, charts) = report(&inputs, &selection, &options)?;
    if let Some(dir) = &args.charts {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
        for chart in &charts {
            let svg = crate::render::demand_chart::svg(chart)?;
            let path = dir.join(chart.file_name());
            write_atomically(&path, |out| Ok(out.write_all(svg.as_bytes())?))?;
        }
        if !args.output.quiet {
            eprintln!(
                "oapstat: {} charts written to {}",
                charts.len(),
                dir.display()
            );
        }
    }
    if !args.output.quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    emit(report, &args.output, None)
}
