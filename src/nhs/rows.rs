//! The figures of each level as rows of NHS England's layout: a level's tallies, its measures
//! (counts, rates over a population, proportions over all spells), the breakdowns by group of
//! people in NHS England's order, and the frame every output writes.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::measures::{measure_names, Breakdown, Per, Tallies, Window, Within, MEASURES};
use super::NhsRequest;
use crate::demographics::Dimension;
use crate::input::reference::GroupPopulation;
use crate::periods::day_of;

/// Tallies of spells and of inappropriate OAPs per period, for one level.
#[derive(Debug, Clone)]
pub(super) struct Level {
    pub(super) spells: Vec<Tallies>,
    pub(super) oaps: Vec<Tallies>,
}

impl Level {
    pub(super) fn empty(periods: usize) -> Level {
        Level {
            spells: vec![[[0; 4]; 2]; periods],
            oaps: vec![[[0; 4]; 2]; periods],
        }
    }

    pub(super) fn add(&mut self, other: &Level) {
        for (mine, theirs) in [
            (&mut self.spells, &other.spells),
            (&mut self.oaps, &other.oaps),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                for k in 0..2 {
                    for t in 0..4 {
                        a[k][t] += b[k][t];
                    }
                }
            }
        }
    }
}

/// One output row under construction.
struct Row {
    month: usize,
    window: Window,
    breakdown: Breakdown,
    primary: String,
    primary_description: String,
    secondary: Option<String>,
    secondary_description: Option<String>,
    /// The group's place in NHS England's list of its groups (0 for other levels).
    rank: usize,
    measure: usize,
    value: Option<f64>,
    numerator: Option<i64>,
    denominator: Option<i64>,
    population: Option<i64>,
}

/// The figures of one level, ready to be written as rows.
pub(super) struct Figures {
    pub(super) breakdown: Breakdown,
    pub(super) primary: String,
    pub(super) description: String,
    pub(super) secondary: Option<String>,
    /// The secondary level's name, when it is not its code (a group of people's).
    pub(super) secondary_description: Option<String>,
    /// The group's place in NHS England's list of its groups (0 for other levels).
    pub(super) rank: usize,
    pub(super) level: Level,
    pub(super) population: Option<u64>,
    /// By service line: whether the line is adult acute (the `a` measures exist only then).
    pub(super) adult_acute_line: bool,
}

impl Figures {
    /// A level with no secondary level.
    pub(super) fn of(
        breakdown: Breakdown,
        primary: String,
        description: String,
        level: Level,
        population: Option<u64>,
    ) -> Figures {
        Figures {
            breakdown,
            primary,
            description,
            secondary: None,
            secondary_description: None,
            rank: 0,
            level,
            population,
            adult_acute_line: false,
        }
    }
}

/// The reporting months' periods, (month, window), in the order of every [`Level`]'s tallies.
pub(super) fn periods_of(request: &NhsRequest) -> Vec<(usize, Window)> {
    (0..request.months.len())
        .flat_map(|m| Window::ALL.map(|w| (m, w)))
        .collect()
}

/// Tallies by group of people: by (the level divided, its code, dimension), each group's (its
/// index in [`Dimension::groups`]).
pub(super) type GroupLevels = BTreeMap<(Within, String, Dimension), BTreeMap<usize, Level>>;

/// The figures of every level by group of people: for England and each collaborative every
/// group of the dimension's list in NHS England's order (UNKNOWN last, zeros where none), for
/// a provider the groups it has; the group's code and name as NHS England's files give them,
/// its population (England's under `England` in `populations.csv`) for its rates.
pub(super) fn group_figures(
    figures: &mut Vec<Figures>,
    by_group: GroupLevels,
    request: &NhsRequest,
    periods: usize,
) {
    for ((within, code, dimension), mut levels) in by_group {
        let (names, codes) = (dimension.groups(), dimension.codes());
        let every = matches!(within, Within::England | Within::Collaborative);
        let description = match within {
            Within::Collaborative => request.description(&code),
            _ => code.clone(),
        };
        for (rank, name) in names.iter().enumerate() {
            let level = match levels.remove(&rank) {
                Some(level) => level,
                None if every => Level::empty(periods),
                None => continue,
            };
            let population = every
                .then_some(request.group_populations)
                .flatten()
                .and_then(|p| p.of(&code, dimension, name))
                .and_then(GroupPopulation::total)
                .map(|n| n.round() as u64);
            let breakdown = Breakdown::Group(within, dimension);
            let figure = if within == Within::England {
                Figures::of(
                    breakdown,
                    codes[rank].to_string(),
                    name.to_string(),
                    level,
                    population,
                )
            } else {
                Figures {
                    secondary: Some(codes[rank].to_string()),
                    secondary_description: Some(name.to_string()),
                    ..Figures::of(
                        breakdown,
                        code.clone(),
                        description.clone(),
                        level,
                        population,
                    )
                }
            };
            figures.push(Figures { rank, ..figure });
        }
    }
}

/// The rows of every level's figures, sorted by month, breakdown, levels, measure and period.
pub(super) fn frame_from(figures: &[Figures], request: &NhsRequest) -> PolarsResult<DataFrame> {
    let periods = periods_of(request);
    let mut rows = Vec::new();
    for f in figures {
        let (breakdown, level, population) = (f.breakdown, &f.level, f.population);
        for (p, &(month, window)) in periods.iter().enumerate() {
            if !breakdown.has_window(window) {
                continue;
            }
            let covered = window.dates(request.months[month]).0 >= request.covered_from;
            for adult_acute in [false, true] {
                // By service line, the adult acute measures exist for adult acute lines only.
                if adult_acute && breakdown == Breakdown::ServiceLine && !f.adult_acute_line {
                    continue;
                }
                let k = usize::from(adult_acute);
                for (m, &(_, tally, per)) in MEASURES.iter().enumerate() {
                    if !breakdown.allows(per) {
                        continue;
                    }
                    let count = level.oaps[p][k][tally as usize];
                    let (value, numerator, denominator, population) = match per {
                        Per::Count => (Some(count as f64), None, None, None),
                        Per::Million => (
                            population
                                .filter(|&p| p > 0)
                                .map(|p| count as f64 * 1_000_000.0 / p as f64),
                            Some(count),
                            None,
                            population.map(|p| p as i64),
                        ),
                        Per::Percent => {
                            let spells = level.spells[p][k][tally as usize];
                            (
                                (spells != 0).then(|| count as f64 * 100.0 / spells as f64),
                                Some(count),
                                Some(spells),
                                None,
                            )
                        }
                    };
                    rows.push(Row {
                        month,
                        window,
                        breakdown,
                        primary: f.primary.clone(),
                        primary_description: f.description.clone(),
                        secondary: f.secondary.clone(),
                        secondary_description: f.secondary_description.clone(),
                        rank: f.rank,
                        measure: m + if adult_acute { MEASURES.len() } else { 0 },
                        value: value.filter(|_| covered),
                        numerator: numerator.filter(|_| covered),
                        denominator: denominator.filter(|_| covered),
                        population,
                    });
                }
            }
        }
    }
    // Month, breakdown and levels (groups in NHS England's order), measure, period.
    fn primary(r: &Row) -> &str {
        match r.breakdown {
            Breakdown::Group(Within::England, _) => "",
            _ => &r.primary,
        }
    }
    rows.sort_by(|a, b| {
        (a.month, a.breakdown)
            .cmp(&(b.month, b.breakdown))
            .then_with(|| primary(a).cmp(primary(b)))
            .then_with(|| a.rank.cmp(&b.rank))
            .then_with(|| a.secondary.cmp(&b.secondary))
            .then_with(|| a.measure.cmp(&b.measure))
            .then_with(|| (a.window as u8).cmp(&(b.window as u8)))
    });
    crate::timing("nhs: rows");
    frame_of(&rows, request)
}

fn frame_of(rows: &[Row], request: &NhsRequest) -> PolarsResult<DataFrame> {
    let ids = measure_names();
    let months: Vec<String> = request
        .months
        .iter()
        .map(|m| m.format("%Y-%m").to_string())
        .collect();
    let dates = |first: bool| -> PolarsResult<Column> {
        let days: Vec<i32> = rows
            .iter()
            .map(|r| {
                let (p1, p2) = r.window.dates(request.months[r.month]);
                day_of(if first { p1 } else { p2 })
            })
            .collect();
        let name = if first {
            "reporting_period_start"
        } else {
            "reporting_period_end"
        };
        Column::new(name.into(), days).cast(&DataType::Date)
    };
    let text = |name: &str, f: fn(&Row) -> &str| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<&str>>())
    };
    fn secondary(r: &Row) -> &str {
        r.secondary.as_deref().unwrap_or("NONE")
    }
    fn secondary_description(r: &Row) -> &str {
        r.secondary_description
            .as_deref()
            .unwrap_or_else(|| secondary(r))
    }
    let columns = vec![
        Column::new(
            "month".into(),
            rows.iter()
                .map(|r| months[r.month].as_str())
                .collect::<Vec<&str>>(),
        ),
        text("period", |r| r.window.code()),
        dates(true)?,
        dates(false)?,
        Column::new("status".into(), vec![request.status; rows.len()]),
        text("breakdown", |r| r.breakdown.label()),
        text("primary_level", |r| r.primary.as_str()),
        text("primary_level_description", |r| {
            r.primary_description.as_str()
        }),
        text("secondary_level", secondary),
        text("secondary_level_description", secondary_description),
        Column::new(
            "measure_id".into(),
            rows.iter()
                .map(|r| ids[r.measure].0.as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            "measure_name".into(),
            rows.iter().map(|r| ids[r.measure].1).collect::<Vec<&str>>(),
        ),
        Column::new(
            "measure_value".into(),
            rows.iter().map(|r| r.value).collect::<Vec<_>>(),
        ),
        Column::new(
            "numerator".into(),
            rows.iter().map(|r| r.numerator).collect::<Vec<_>>(),
        ),
        Column::new(
            "denominator".into(),
            rows.iter().map(|r| r.denominator).collect::<Vec<_>>(),
        ),
        Column::new(
            "population".into(),
            rows.iter().map(|r| r.population).collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new(rows.len(), columns)
}

/// The rows NHS England's `_RAW` file would hold: those with a value other than 0.
pub fn without_zeros(frame: &DataFrame) -> PolarsResult<DataFrame> {
    let values = frame.column("measure_value")?.f64()?;
    let keep: BooleanChunked = values
        .iter()
        .map(|v| Some(v.is_some_and(|v| v != 0.0)))
        .collect();
    frame.filter(&keep)
}
