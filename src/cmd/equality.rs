//! `oapstat equality`: the out-of-area measures by age band, gender, ethnicity and deprivation,
//! per collaborative and period, with intervals, comparisons and ratios (DOMAIN.md section 12).

use anyhow::{bail, Context, Result};
use polars::prelude::DataFrame;
use serde_json::json;

use super::{emit, period_report, prepare, resolve_periods, Extracts, Selection};
use crate::cli::{EqualityArgs, ImageFormat};
use crate::demographics::Dimension;
use crate::equality::{equality, fields, EqualityRequest};
use crate::input::Inputs;
use crate::output::write_atomically;
use crate::periods::{Period, PeriodKind};
use crate::render::equality_chart::{self, EqualityChart, GroupPoint};
use crate::render::Report;
use crate::summary::{PackChart, Section};

pub fn run(args: &EqualityArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let (inputs, selection) = prepare(&args.analysis, quiet, Extracts::Both)?;
    let options = Options::from_args(args, &inputs)?;
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

/// What `equality` is asked for, once checked against the input.
pub struct Options {
    pub dimensions: Vec<Dimension>,
    /// The reference group of each dimension that has one.
    pub references: Vec<(Dimension, &'static str)>,
    pub confidence: f64,
}

impl Options {
    fn from_args(args: &EqualityArgs, inputs: &Inputs) -> Result<Options> {
        let confidence: f64 = args.confidence.parse()?;
        Options::new(&args.dimension, &args.reference, confidence, inputs)
    }

    /// The dimensions asked for (by default every one the admissions have a column for), the
    /// reference groups (`DIMENSION=GROUP`, over the defaults) and the confidence level.
    pub fn new(
        dimensions: &[Dimension],
        references: &[String],
        confidence: f64,
        inputs: &Inputs,
    ) -> Result<Options> {
        let people = &inputs.checked.people;
        let dimensions: Vec<Dimension> = if dimensions.is_empty() {
            Dimension::ALL
                .into_iter()
                .filter(|d| people.has(*d))
                .collect()
        } else {
            for d in dimensions {
                if !people.has(*d) {
                    bail!(
                        "--dimension {}: the admissions have no {} column{}",
                        d.name(),
                        d.column(),
                        if *d == Dimension::ImdDecile {
                            " (nor lsoa with an IMD lookup: imd.csv in the data folder, or --imd FILE)"
                        } else {
                            ""
                        }
                    );
                }
            }
            let mut chosen = dimensions.to_vec();
            chosen.sort();
            chosen.dedup();
            chosen
        };
        if dimensions.is_empty() {
            bail!("the admissions have none of the optional columns age, gender, ethnic_category, imd_decile (or lsoa): nothing to break down by (see docs/equality.md)");
        }
        let mut chosen: Vec<(Dimension, &'static str)> = Dimension::ALL
            .into_iter()
            .filter_map(|d| d.default_reference().map(|g| (d, g)))
            .collect();
        for text in references {
            let Some((name, group)) = text.split_once('=') else {
                bail!("--reference {text:?}: expected DIMENSION=GROUP, such as ethnicity=A");
            };
            let name = name.trim().replace('-', "_");
            let dimension = Dimension::from_name(&name)
                .or_else(|| (name == "age").then_some(Dimension::AgeBand))
                .or_else(|| (name == "imd").then_some(Dimension::ImdDecile));
            let Some(dimension) = dimension else {
                bail!(
                    "--reference {text:?}: {name:?} is not a dimension (expected one of {})",
                    Dimension::ALL.map(Dimension::name).join(", ")
                );
            };
            let Some(group) = dimension.find_group(group) else {
                let groups = dimension.groups();
                bail!(
                    "--reference {text:?}: {:?} is not a group of {} (expected one of: {})",
                    group.trim(),
                    dimension.name(),
                    groups[..groups.len() - 1].join("; ")
                );
            };
            chosen.retain(|(d, _)| *d != dimension);
            chosen.push((dimension, group));
        }
        chosen.sort();
        Ok(Options {
            dimensions,
            references: chosen,
            confidence,
        })
    }

    fn reference(&self, dimension: Dimension) -> Option<&'static str> {
        (self.references.iter())
            .find(|(d, _)| *d == dimension)
            .map(|(_, g)| *g)
    }
}

fn percent_label(confidence: f64) -> String {
    format!("{}%", confidence * 100.0)
}

fn reference_words(options: &Options) -> String {
    let words: Vec<String> = (options.references.iter())
        .filter(|(d, _)| options.dimensions.contains(d))
        .map(|(d, g)| format!("{} {g}", d.name()))
        .collect();
    if words.is_empty() {
        "no reference group".into()
    } else {
        words.join(", ")
    }
}

/// Every collaborative with a spell in scope or listed in the reference, in order of code.
fn collaboratives(selection: &Selection) -> Result<Vec<String>> {
    let codes = selection
        .admissions
        .column("collaborative")?
        .as_materialized_series()
        .unique()?;
    let mut all: std::collections::BTreeSet<String> =
        crate::spells::decode(&codes.into(), &selection.names)?
            .str()?
            .iter()
            .flatten()
            .map(str::to_string)
            .collect();
    all.extend(selection.collaboratives.iter().cloned());
    Ok(all.into_iter().collect())
}

/// The equality figures of the selection per collaborative, period, dimension and group.
pub fn compute(
    inputs: &Inputs,
    selection: &Selection,
    periods: &[Period],
    options: &Options,
) -> Result<DataFrame> {
    let covered: Vec<bool> = periods
        .iter()
        .map(|p| selection.coverage.covers(p))
        .collect();
    let reference = |d: Dimension| options.reference(d);
    Ok(equality(
        &selection.admissions,
        &selection.oaps,
        &EqualityRequest {
            periods,
            covered: &covered,
            dimensions: &options.dimensions,
            collaboratives: &collaboratives(selection)?,
            names: &selection.names,
            populations: inputs.reference.populations.as_ref(),
            confidence: options.confidence,
            reference: &reference,
        },
    )?)
}

/// The report of equality figures already computed by [`compute`].
pub fn report_of(
    frame: &DataFrame,
    inputs: &Inputs,
    selection: &Selection,
    kind: PeriodKind,
    periods: &[Period],
    options: &Options,
) -> Result<Report> {
    let mut report = period_report(
        "equality",
        frame,
        fields(),
        inputs,
        selection,
        kind,
        periods,
        json!(options.dimensions),
    )?;
    if let Some(parameters) = report.meta.get_mut("parameters") {
        parameters["confidence"] = json!(options.confidence);
        parameters["reference"] = options
            .references
            .iter()
            .map(|(d, g)| (d.name().to_string(), json!(g)))
            .collect::<serde_json::Map<_, _>>()
            .into();
        parameters["populations"] = json!(inputs.reference.populations.as_ref().map(|p| &p.path));
        parameters["methods"] = json!({
            "share": "Wilson score interval",
            "crude_rate": "per 100,000; exact Poisson limits below 10 events, Byar's from 10",
            "standardised_rate": "directly age-standardised per 100,000 to the European Standard Population 2013 (the bands with a population), Dobson's limits, none below 10 events",
            "compared": "higher or lower: the interval wholly above or below the collaborative's value over all groups (for a rate, over the groups with a population)",
            "age": "age at admission (NHS England bands age at the end of the reporting period)",
            "los_quartiles": "linear interpolation between closest ranks (Excel PERCENTILE.INC, R type 7)",
        });
    }
    Ok(report)
}

/// The measures charted: (field, its name in a chart, in a file name, shown as a percentage).
const CHARTED: [(&str, &str, &str, bool); 3] = [
    (
        "admissions_with_oap_share",
        "share of admissions with an out-of-area placement",
        "share",
        true,
    ),
    (
        "oaps_started_dsr_per_100k",
        "OAPs started per 100,000, age-standardised",
        "dsr",
        false,
    ),
    (
        "oaps_started_per_100k",
        "OAPs started per 100,000",
        "rate",
        false,
    ),
];

/// The charts of the last period of `frame`: per collaborative and dimension, the share with an
/// OAP, and the OAP rate (age-standardised where any group has one, else crude) where any group
/// has one; each with the name its file takes (without extension).
pub fn charts(frame: &DataFrame, confidence: f64) -> Result<Vec<(String, EqualityChart)>> {
    let text = |name: &str| -> Result<Vec<Option<String>>> {
        Ok(frame
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect())
    };
    let number = |name: &str| -> Result<Vec<Option<f64>>> {
        Ok(frame
            .column(name)?
            .cast(&polars::prelude::DataType::Float64)?
            .f64()?
            .iter()
            .collect())
    };
    let (collaborative, period, dimension, group) = (
        text("collaborative")?,
        text("period")?,
        text("dimension")?,
        text("group")?,
    );
    let starts = frame
        .column("period_start")?
        .cast(&polars::prelude::DataType::Int32)?;
    let starts: Vec<Option<i32>> = starts.i32()?.iter().collect();
    let latest = (0..frame.height()).max_by_key(|&row| starts[row]);
    let Some(last) = latest.and_then(|row| period[row].clone()) else {
        return Ok(Vec::new());
    };
    let last = &last;
    let mut charts = Vec::new();
    let mut drawn_rate: std::collections::BTreeSet<(String, String)> = Default::default();
    for (field, about, short, percent) in CHARTED {
        let (value, lower, upper) = (
            number(field)?,
            number(&format!("{field}_lower"))?,
            number(&format!("{field}_upper"))?,
        );
        let compared = text(&format!("{field}_compared"))?;
        let mut current: Option<(String, String, EqualityChart)> = None;
        let mut finish = |current: Option<(String, String, EqualityChart)>| {
            if let Some((c, d, chart)) = current {
                let is_rate = !percent;
                let any = chart.groups.iter().any(|g| g.value.is_some());
                // One rate chart a dimension: age-standardised where there is one.
                if any && (!is_rate || drawn_rate.insert((c.clone(), d.clone()))) {
                    charts.push((format!("equality-{c}-{d}-{short}"), chart));
                }
            }
        };
        for row in 0..frame.height() {
            if period[row].as_ref() != Some(last) {
                continue;
            }
            let (c, d, g) = (
                collaborative[row].clone().unwrap_or_default(),
                dimension[row].clone().unwrap_or_default(),
                group[row].clone().unwrap_or_default(),
            );
            if current
                .as_ref()
                .is_none_or(|(pc, pd, _)| *pc != c || *pd != d)
            {
                finish(current.take());
                current = Some((
                    c.clone(),
                    d.clone(),
                    EqualityChart {
                        title: format!("{c}, {last}: {about}, by {}", d.replace('_', " ")),
                        measure: about[..1].to_uppercase() + &about[1..],
                        percent,
                        benchmark: None,
                        confidence,
                        groups: Vec::new(),
                    },
                ));
            }
            let (_, _, chart) = current.as_mut().expect("a chart");
            if g == crate::equality::ALL {
                chart.benchmark = value[row];
            } else {
                chart.groups.push(GroupPoint {
                    label: g,
                    value: value[row],
                    lower: lower[row],
                    upper: upper[row],
                    compared: compared[row].clone(),
                });
            }
        }
        finish(current);
    }
    Ok(charts)
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

/// The monthly pack's equality section: the latest 12 months.
pub struct PackEquality {
    pub report: Report,
    /// The headline line naming the groups significantly higher, and what the section holds.
    pub section: Section,
    /// Charts (file within the pack, chart), none in a suppressed pack.
    pub charts: Vec<PackChart>,
}

/// The equality section of the pack for the 12 months ending with `month`, over every dimension
/// the admissions have (`None` when they have none): its report (suppressed as asked), a
/// headline line naming every group whose share or rate is significantly higher than its
/// collaborative's, and the charts (not in a suppressed pack, whose charts would show the
/// small numbers the rule hides).
pub fn pack_section(
    inputs: &Inputs,
    selection: &Selection,
    month: chrono::NaiveDate,
    suppression: Option<crate::suppress::Suppression>,
) -> Result<Option<PackEquality>> {
    let options = match Options::new(&[], &[], 0.95, inputs) {
        Ok(options) => options,
        Err(_) => return Ok(None),
    };
    let window = super::period_of_month(PeriodKind::Rolling12, month);
    let periods = std::slice::from_ref(&window);
    let frame = compute(inputs, selection, periods, &options)?;
    let mut report = report_of(
        &frame,
        inputs,
        selection,
        PeriodKind::Rolling12,
        periods,
        &options,
    )?;
    crate::suppress::apply_or_record(&mut report, suppression);
    let text = |name: &str| -> Result<Vec<String>> {
        Ok(frame
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    };
    let (collaborative, dimension, group) =
        (text("collaborative")?, text("dimension")?, text("group")?);
    let mut higher: Vec<String> = Vec::new();
    for row in 0..frame.height() {
        let mut what = Vec::new();
        for (field, words) in [
            ("admissions_with_oap_share", "share with an OAP"),
            ("oaps_started_dsr_per_100k", "OAP rate, age-standardised"),
            ("oaps_started_per_100k", "OAP rate"),
        ] {
            let compared = frame.column(&format!("{field}_compared"))?;
            if compared.str()?.get(row) == Some("higher") {
                // The crude rate only where no age-standardised one is flagged.
                if !(field == "oaps_started_per_100k"
                    && what.contains(&"OAP rate, age-standardised"))
                {
                    what.push(words);
                }
            }
        }
        if !what.is_empty() {
            higher.push(format!(
                "{} {} ({}: {})",
                collaborative[row],
                group[row],
                dimension[row].replace('_', " "),
                what.join(", ")
            ));
        }
    }
    let headline = if higher.is_empty() {
        format!(
            "Equality, {}: no group's share or rate is significantly higher than its collaborative's (95% intervals).",
            window.label
        )
    } else {
        format!(
            "Equality, {}: significantly higher than the collaborative's (95% intervals): {}.",
            window.label,
            higher.join("; ")
        )
    };
    let mut lines = vec![
        headline,
        format!(
            "By {}; every figure with its interval, compared with the collaborative's value and as a ratio to the reference group, in equality.csv (methods: docs/equality.md). With many groups, about one in 20 may be flagged by chance.",
            options
                .dimensions
                .iter()
                .map(|d| d.name().replace('_', " "))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ];
    let charts = if suppression.is_some() {
        lines.push("Equality charts: not in a suppressed pack (they show every group's value); run oapstat equality --chart for them.".into());
        Vec::new()
    } else {
        charts(&frame, options.confidence)?
            .into_iter()
            .map(|(name, chart)| {
                Ok(PackChart {
                    collaborative: name.split('-').nth(1).unwrap_or_default().to_string(),
                    measure_label: chart.title.clone(),
                    file: format!("charts/{name}.svg"),
                    svg: equality_chart::svg(&chart)?,
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    Ok(Some(PackEquality {
        report,
        section: Section {
            heading: format!("Who is sent out of area, {}", window.label),
            lines,
        },
        charts,
    }))
}
