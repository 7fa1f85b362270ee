//! NHS England's published out-of-area placement measures, OAP01–OAP11 and their adult acute
//! twins OAP01a–OAP11a (DOMAIN.md section 10), for reporting months and the three periods NHS
//! England gives each: M (the month), Q (the 3 months ending with it) and Y (the 12 months).
//!
//! Every measure counts inappropriate OAPs (reason 10) only: started, days in the period, active
//! at its end and ended; rates divide by the population, proportions by the same count over all
//! spells. The result is long, one row per period, breakdown, level and measure, in the columns
//! of the published file. Its stages:
//! - [`measures`]: what the measures, periods and breakdowns are;
//! - [`census`]: the counts from the extracts, by a daily census of OAPs and spells;
//! - [`pipeline`]: the counts from MHSDS tables, as NHS England's pipeline computes them;
//! - [`rows`]: each level's figures as rows of NHS England's layout;
//! - [`report`]: the command's report.

mod census;
mod measures;
mod pipeline;
mod report;
mod rows;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::demographics::Dimension;
use crate::input::reference::Populations;

pub use measures::{
    default_adult_acute, is_percentage, measure_names, short_name, Breakdown, Window, Within,
    PUBLISHED_COLUMNS,
};
pub use pipeline::{hosp_spell_bed_days, LevelKey};
pub use report::{compute, fields, report, report_warnings, Options};
pub use rows::without_zeros;
use rows::{frame_from, group_figures, periods_of, Figures, GroupLevels, Level};

/// Inputs of [`measures`] besides the frames.
pub struct NhsRequest<'a> {
    /// The first day of each reporting month.
    pub months: &'a [NaiveDate],
    /// Collaboratives that must appear even with no activity (from the reference, in scope).
    pub collaboratives: &'a [String],
    /// The collaboratives chosen by the user (`--collaborative`); empty: all of them. It decides
    /// the level over the collaboratives (see [`Aggregate`]).
    pub selected: &'a [String],
    /// The names of the coded columns (`validate::Checked::names`).
    pub names: &'a [String],
    /// The service lines of the adult acute group.
    pub adult_acute: &'a [String],
    /// Population and name of each collaborative known to the reference.
    pub populations: &'a BTreeMap<String, Option<u64>>,
    pub descriptions: &'a BTreeMap<String, String>,
    /// Periods starting before this date are not covered by the extract: their values are null.
    pub covered_from: NaiveDate,
    /// The STATUS column's value.
    pub status: &'a str,
    /// England's population (MHSDS: the England level's rates), if known.
    pub england_population: Option<u64>,
    /// The groups of people to break each level down by (those the input tells: the admissions
    /// frame has `person`, or `MHS001MPI` was read); empty: none.
    pub dimensions: &'a [Dimension],
    /// Each group's population (`populations.csv`; England's groups under `England`), for
    /// its rates.
    pub group_populations: Option<&'a Populations>,
}

impl NhsRequest<'_> {
    /// A collaborative's name from the reference (its code when it has none).
    pub(super) fn description(&self, code: &str) -> String {
        self.descriptions
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

/// The level over the collaboratives: all of them (`All collaboratives`, `ALL`); with a
/// selection of two or more, those chosen (`Selected collaboratives`, their codes joined by `+`);
/// with one, none (it would repeat that collaborative's own rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    pub breakdown: Breakdown,
    pub code: String,
    pub description: String,
}

impl Aggregate {
    pub fn of(selected: &[String]) -> Option<Aggregate> {
        let mut codes: Vec<&str> = selected.iter().map(String::as_str).collect();
        codes.sort_unstable();
        codes.dedup();
        match codes.len() {
            0 => Some(Aggregate {
                breakdown: Breakdown::AllCollaboratives,
                code: "ALL".into(),
                description: "All collaboratives".into(),
            }),
            1 => None,
            _ => Some(Aggregate {
                breakdown: Breakdown::SelectedCollaboratives,
                code: codes.join("+"),
                description: format!("Selected collaboratives: {}", codes.join(", ")),
            }),
        }
    }
}

/// All 22 measures for every reporting month, window and level (DOMAIN.md section 10), from
/// the extracts: the collaboratives together ([`Aggregate`]), each collaborative, its service
/// lines, its sending providers and, for each of `request.dimensions`, its groups of people
/// (every group of the dimension's list, UNKNOWN included; a spell's group is its patient's, and
/// an out-of-area placement's that of its spell).
///
/// Columns: `month, period, reporting_period_start, reporting_period_end, status, breakdown,
/// primary_level, primary_level_description, secondary_level, secondary_level_description,
/// measure_id, measure_name, measure_value, numerator, denominator, population`. A rate or
/// proportion has its count in `numerator`, and its spells count (`denominator`) or the
/// population; a count measure has neither. `measure_value` is null for a zero denominator, an
/// unknown population, or a period that starts before `covered_from`.
/// Rows are sorted by month, breakdown, levels (groups of people in NHS England's order),
/// measure and period.
pub fn measures(
    admissions: &DataFrame,
    oaps: &DataFrame,
    request: &NhsRequest,
) -> PolarsResult<DataFrame> {
    let figures = census::census_figures(admissions, oaps, request)?;
    frame_from(&figures, request)
}

/// The same 22 measures from MHSDS tables, as NHS England's pipeline computes them (see
/// [`pipeline`]): England, each collaborative (through `providers.csv`), each sending provider
/// and each receiving provider, and with `request.dimensions` each of them by group of people
/// (providers' at Y, counts only). Proportions exist for England and the collaboratives, rates
/// where a population is known (England's from `england_population`, its groups' from
/// `populations.csv` under `England`).
pub fn measures_from_mhsds(
    mhsds: &crate::input::mhsds::Mhsds,
    request: &NhsRequest,
) -> PolarsResult<DataFrame> {
    let counted = pipeline::levels(mhsds, request.months);
    crate::timing("nhs: pipeline");
    let periods = periods_of(request).len();
    let description = |c: &str| request.description(c);
    let chosen = |c: &String| request.selected.is_empty() || request.selected.contains(c);
    let mut figures: Vec<Figures> = Vec::new();
    let mut collaboratives: BTreeMap<String, Level> = request
        .collaboratives
        .iter()
        .filter(|c| chosen(c))
        .map(|c| (c.clone(), Level::empty(periods)))
        .collect();
    let mut england = Level::empty(periods);
    let mut by_group = GroupLevels::new();
    for (key, c) in counted {
        let level = Level {
            spells: c.spells,
            oaps: c.oaps,
        };
        let (breakdown, code) = match key {
            LevelKey::England => {
                england = level;
                continue;
            }
            LevelKey::Collaborative(code) => {
                if chosen(&code) {
                    collaboratives.insert(code, level);
                }
                continue;
            }
            LevelKey::Group {
                of,
                dimension,
                group,
            } => {
                let (within, code) = match *of {
                    LevelKey::England => (Within::England, "England".to_string()),
                    LevelKey::Collaborative(code) if chosen(&code) => (Within::Collaborative, code),
                    LevelKey::Collaborative(_) => continue,
                    LevelKey::SendingProvider(code) => (Within::SendingProvider, code),
                    LevelKey::ReceivingProvider(code) => (Within::ReceivingProvider, code),
                    LevelKey::Group { .. } => unreachable!("a group of a group"),
                };
                if request.dimensions.contains(&dimension) {
                    by_group
                        .entry((within, code, dimension))
                        .or_default()
                        .insert(group, level);
                }
                continue;
            }
            LevelKey::SendingProvider(code) => (Breakdown::SendingProviderOfEngland, code),
            LevelKey::ReceivingProvider(code) => (Breakdown::ReceivingProvider, code),
        };
        figures.push(Figures::of(breakdown, code.clone(), code, level, None));
    }
    figures.push(Figures::of(
        Breakdown::England,
        "England".into(),
        "England".into(),
        england,
        request.england_population,
    ));
    for &dimension in request.dimensions {
        by_group
            .entry((Within::England, "England".into(), dimension))
            .or_default();
        for code in collaboratives.keys() {
            by_group
                .entry((Within::Collaborative, code.clone(), dimension))
                .or_default();
        }
    }
    for (code, level) in collaboratives {
        figures.push(Figures::of(
            Breakdown::Collaborative,
            code.clone(),
            description(&code),
            level,
            request.populations.get(&code).copied().flatten(),
        ));
    }
    group_figures(&mut figures, by_group, request, periods);
    frame_from(&figures, request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_over_the_collaboratives_is_the_selection() {
        let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = Aggregate::of(&[]).unwrap();
        assert_eq!(
            (
                all.breakdown.label(),
                all.code.as_str(),
                all.description.as_str()
            ),
            ("All collaboratives", "ALL", "All collaboratives")
        );
        assert_eq!(Aggregate::of(&codes(&["NCM"])), None);
        assert_eq!(Aggregate::of(&codes(&["NCM", "NCM"])), None);
        let two = Aggregate::of(&codes(&["NCM", "CMP"])).unwrap();
        assert_eq!(
            (
                two.breakdown.label(),
                two.code.as_str(),
                two.description.as_str()
            ),
            (
                "Selected collaboratives",
                "CMP+NCM",
                "Selected collaboratives: CMP, NCM"
            )
        );
    }
}
