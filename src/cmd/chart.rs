//! `oapstat chart`: a measure's XmR chart per collaborative, as SVG or PNG files.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{prepare, resolve_periods};
use crate::cli::{ChartArgs, ImageFormat};
use crate::output::write_atomically;
use crate::render::chart::{png, svg};
use crate::spc::{charts, SeriesChart};

/// The image of one series in a format.
pub fn image(series: &SeriesChart, format: ImageFormat) -> Result<Vec<u8>> {
    match format {
        ImageFormat::Svg => Ok(svg(series)?.into_bytes()),
        ImageFormat::Png => png(series),
    }
}

fn format_of(path: &Path) -> Option<ImageFormat> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => Some(ImageFormat::Svg),
        Some("png") => Some(ImageFormat::Png),
        _ => None,
    }
}

pub fn run(args: &ChartArgs) -> Result<()> {
    let extracts = crate::spc::extracts_for(&args.measure);
    let (inputs, selection) = prepare(&args.analysis, args.quiet, extracts)?;
    let periods = resolve_periods(&args.periods, &inputs)?;
    let mut request =
        super::spc::chart_request(args.periods.period, &periods, &args.measure, &args.xmr)?;
    let (targets, rebases) = super::spc::targets_and_rebases(&args.xmr, &inputs)?;
    request.targets = &targets;
    request.rebases = &rebases;
    let drawn = charts(&inputs, &selection, &request)?.drawn;
    if !args.quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    let named_format = format_of(&args.out);
    let format = args.image.or(named_format).unwrap_or(ImageFormat::Svg);
    let extension = match format {
        ImageFormat::Svg => "svg",
        ImageFormat::Png => "png",
    };
    let targets: Vec<(PathBuf, &SeriesChart)> = if named_format.is_some() {
        if drawn.len() != 1 {
            bail!(
                "--out {} names one file but {} collaboratives are charted: give one --collaborative, or a folder",
                args.out.display(),
                drawn.len()
            );
        }
        vec![(args.out.clone(), &drawn[0])]
    } else {
        std::fs::create_dir_all(&args.out)
            .with_context(|| format!("{}: cannot create the folder", args.out.display()))?;
        drawn
            .iter()
            .map(|s| {
                (
                    args.out
                        .join(format!("{}-{}.{extension}", s.measure, s.collaborative)),
                    s,
                )
            })
            .collect()
    };
    for (path, series) in targets {
        let bytes = image(series, format)?;
        write_atomically(&path, |out| Ok(out.write_all(&bytes)?))?;
        if !args.quiet {
            eprintln!("oapstat: wrote {}", path.display());
        }
    }
    Ok(())
}
