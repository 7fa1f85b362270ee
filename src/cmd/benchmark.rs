//! `oapstat benchmark`: the collaboratives' own measures beside England's and peers' published
//! figures.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use super::{emit, prepare};
use crate::benchmark::Peer;
use crate::benchmark::{default_chart_measure, report, BenchmarkOptions};
use crate::cli::BenchmarkArgs;
use crate::input::Extracts;

pub fn run(args: &BenchmarkArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let peers = peers(&args.peer)?;
    let populations = populations(&args.population)?;
    let (inputs, selection) = prepare(&args.analysis, quiet, Extracts::BOTH)?;
    let published = crate::published::load(&args.published, args.period.as_deref(), false)?;
    if !quiet {
        for warning in &published.warnings {
            eprintln!("oapstat: warning: {warning}");
        }
    }
    let options = BenchmarkOptions {
        published: &published,
        month: args.month.as_deref(),
        peers: &peers,
        populations: &populations,
    };
    let (report, frame) = report(&inputs, &selection, &options)?;
    if let Some(path) = &args.chart {
        let measure = match &args.chart_measure {
            Some(measure) => measure.clone(),
            None => default_chart_measure(&report),
        };
        let svg = crate::render::benchmark_chart::svg(&frame, &measure)?;
        crate::output::write_atomically(path, |out| Ok(out.write_all(svg.as_bytes())?))?;
    }
    if !quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    emit(report, &args.output, None)
}

/// `BREAKDOWN:CODE` options, England first.
pub fn peers(texts: &[String]) -> Result<Vec<Peer>> {
    let mut peers = vec![Peer {
        breakdown: "England".into(),
        code: "England".into(),
    }];
    for text in texts {
        let Some((breakdown, code)) = text.rsplit_once(':') else {
            bail!("--peer {text:?}: expected BREAKDOWN:CODE as the published file spells them (e.g. \"Sending Provider:RX3\")");
        };
        peers.push(Peer {
            breakdown: breakdown.trim().to_string(),
            code: code.trim().to_string(),
        });
    }
    Ok(peers)
}

/// `CODE=N` options.
pub fn populations(texts: &[String]) -> Result<BTreeMap<String, u64>> {
    let mut populations = BTreeMap::new();
    for text in texts {
        match text.split_once('=').map(|(c, n)| (c.trim(), n.trim().replace(',', "").parse::<u64>())) {
            Some((code, Ok(n))) if !code.is_empty() && n > 0 => {
                populations.insert(code.to_string(), n);
            }
            _ => bail!("--population {text:?}: expected CODE=N with N a whole number of people (e.g. England=57106398)"),
        }
    }
    Ok(populations)
}
