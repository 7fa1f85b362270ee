//! The equality report: the measures of a selection's periods by dimension and group, with
//! the options that choose them (dimensions, reference groups, confidence) and their metadata.

use anyhow::{bail, Result};
use polars::prelude::DataFrame;
use serde_json::json;

use super::{equality, fields, EqualityRequest};
use crate::demographics::Dimension;
use crate::input::Inputs;
use crate::periods::{Period, PeriodKind};
use crate::schema::Report;
use crate::scope::{period_report, Selection};

/// What `equality` is asked for, once checked against the input.
pub struct Options {
    pub dimensions: Vec<Dimension>,
    /// The reference group of each dimension that has one.
    pub references: Vec<(Dimension, &'static str)>,
    pub confidence: f64,
}

impl Options {
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
                        "{}",
                        match &inputs.mhsds {
                            Some(_) if people.columns.is_empty() => format!("--dimension {}: the MHSDS tables have no MHS001MPI (who each patient is): nothing to break down by", d.name()),
                            Some(_) => format!("--dimension {}: MHS001MPI's LSOA2011 needs an IMD lookup (imd.csv beside the tables or in the data folder, or --imd FILE)", d.name()),
                            None => format!(
                                "--dimension {}: the admissions have no {} column{}",
                                d.name(),
                                d.column(),
                                if *d == Dimension::ImdDecile {
                                    " (nor lsoa with an IMD lookup: imd.csv in the data folder, or --imd FILE)"
                                } else {
                                    ""
                                }
                            ),
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
            match inputs.mhsds {
                Some(_) => bail!("the MHSDS tables have no MHS001MPI (who each patient is): nothing to break down by (see docs/mhsds.md)"),
                None => bail!("the admissions have none of the optional columns age, gender, ethnic_category, imd_decile (or lsoa): nothing to break down by (see docs/equality.md)"),
            }
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

    pub fn reference(&self, dimension: Dimension) -> Option<&'static str> {
        (self.references.iter())
            .find(|(d, _)| *d == dimension)
            .map(|(_, g)| *g)
    }
}

pub fn percent_label(confidence: f64) -> String {
    format!("{}%", confidence * 100.0)
}

pub fn reference_words(options: &Options) -> String {
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
            "age": if inputs.mhsds.is_some() {
                "age at the end of the month of admission (MHS001MPI's AgeRepPeriodEnd; NHS England bands age at the end of the reporting period)"
            } else {
                "age at admission (NHS England bands age at the end of the reporting period)"
            },
            "los_quartiles": "linear interpolation between closest ranks (Excel PERCENTILE.INC, R type 7)",
        });
    }
    Ok(report)
}
