//! `oapstat equality`: the out-of-area measures by age band, gender, ethnicity and deprivation,
//! per collaborative and period, with intervals, comparisons and ratios (DOMAIN.md section 12).

use anyhow::{Context, Result};
use polars::prelude::DataFrame;

use super::{emit, prepare, resolve_periods};
use crate::cli::{EqualityArgs, ImageFormat};
use crate::equality::{compute, percent_label, reference_words, report_of, Options};
use crate::input::{Extracts, Inputs};
use crate::output::write_atomically;
use crate::render::equality_chart::{self, charts};

pub fn run(args: &EqualityArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let (inputs, selection) = prepare(&args.analysis, quiet, Extracts::BOTH.with_people(true))?;
    let options = options_from_args(args, &inputs)?;
    let periods = resolve_periods(&args.periods, &inputs)?;
    let frame = compute(&inputs, &selection, &periods, &options)?;
    crate::timing("equality computed");
    if let Some(dir) = &args.chart {
        write_charts(&frame, &options, dir, args.chart_format, quiet)?;
    }
    let mut report = report_of(
        &frame,
        &inputs,
        &selection,
        args.periods.period,
        &periods,
        &options,
    )?;
    if args.output.format == crate::render::Format::Table {
        report.notes.push(format!(
            "Share with OAP: admissions with an out-of-area placement, with its Wilson {} interval; compared with the collaborative's share over all spells (higher or lower: the whole interval above or below it). Rates per 100,000, their intervals and ratios to {}: --format csv or json.",
            percent_label(options.confidence),
            reference_words(&options)
        ));
    }
    if !quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    emit(report, &args.output, Some(&args.suppress))
}

/// The equality options from the command line.
fn options_from_args(args: &EqualityArgs, inputs: &Inputs) -> Result<Options> {
    let confidence: f64 = args.confidence.parse()?;
    Options::new(&args.dimension, &args.reference, confidence, inputs)
}

/// Writes the charts of [`charts`] into `dir`, each file whole or not at all.
fn write_charts(
    frame: &DataFrame,
    options: &Options,
    dir: &std::path::Path,
    format: ImageFormat,
    quiet: bool,
) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    for (name, chart) in charts(frame, options.confidence)? {
        let (bytes, extension) = match format {
            ImageFormat::Svg => (equality_chart::svg(&chart)?.into_bytes(), "svg"),
            ImageFormat::Png => (equality_chart::png(&chart)?, "png"),
        };
        let path = dir.join(format!("{name}.{extension}"));
        write_atomically(&path, |out| Ok(out.write_all(&bytes)?))?;
        if !quiet {
            eprintln!("oapstat: wrote {}", path.display());
        }
    }
    Ok(())
}
