//! NHS England's published out-of-area placement measures, OAP01–OAP11 and their adult acute
//! twins OAP01a–OAP11a (DOMAIN.md section 10), for reporting months and the three periods NHS
//! England gives each: M (the month), Q (the 3 months ending with it) and Y (the 12 months).
//!
//! Every measure counts inappropriate OAPs (reason 10) only. Counts come from a daily census of
//! those OAPs and of all spells (see [`crate::census`]): started, days in the period, active at
//! its end and ended; rates divide by the population, proportions by the same count over all
//! spells. The result is long, one row per period, breakdown, level and measure, in the columns
//! of the published file.

mod measures;
mod pipeline;
mod report;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::census::Census;
use crate::demographics::{Dimension, Person};
use crate::input::reference::{GroupPopulation, Populations};
use crate::periods::{day_of, Day};
use crate::spells::{census_days, map_groups, stays};

pub use measures::{
    is_percentage, measure_names, short_name, Breakdown, Window, Within, ADULT_ACUTE,
    PUBLISHED_COLUMNS,
};
use measures::{Per, Tallies, INAPPROPRIATE, MEASURES};
pub use pipeline::{hosp_spell_bed_days, LevelKey};
pub use report::{compute, fields, report, report_warnings, Options};

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

/// The tallies of every period of every group of `frame` by `keys`: for each group, its key
/// values (text) and one [`Tallies`] per period bound.
fn group_tallies(
    frame: &DataFrame,
    start: &str,
    end: &str,
    keys: &[&str],
    names: &[String],
    adult_acute_code: &[bool],
    bounds: &[(Day, Day)],
) -> PolarsResult<Vec<(Vec<String>, Vec<Tallies>)>> {
    let stays = stays(frame, start, end)?;
    let lines = frame.column("service_line")?.u32()?;
    let lines: Vec<u32> = lines.iter().map(|c| c.unwrap_or(u32::MAX)).collect();
    let (first, last) = census_days(bounds);
    let (key_columns, groups) = map_groups(frame, keys, names, |rows, _| {
        let mut census: [Census<i64>; 2] = [Census::new(first, last), Census::new(first, last)];
        for row in rows() {
            let (s, e) = (stays.start(row), stays.end(row));
            census[0].add(s, e, 1);
            if adult_acute_code
                .get(lines[row] as usize)
                .copied()
                .unwrap_or(false)
            {
                census[1].add(s, e, 1);
            }
        }
        let census = census.map(Census::finish);
        bounds
            .iter()
            .map(|&(p1, p2)| {
                census.each_ref().map(|c| {
                    [
                        c.started_in(p1, p2),
                        c.nights_in(p1, p2),
                        c.active_at_end(p2),
                        c.ended_in(p1, p2),
                    ]
                })
            })
            .collect::<Vec<Tallies>>()
    })?;
    let keys: Vec<&StringChunked> = key_columns
        .iter()
        .map(|c| c.str())
        .collect::<PolarsResult<_>>()?;
    Ok(groups
        .into_iter()
        .enumerate()
        .map(|(g, tallies)| {
            let key = keys
                .iter()
                .map(|k| k.get(g).unwrap_or_default().to_string())
                .collect();
            (key, tallies)
        })
        .collect())
}

/// Tallies of spells and of inappropriate OAPs per period, for one level.
#[derive(Debug, Clone)]
struct Level {
    spells: Vec<Tallies>,
    oaps: Vec<Tallies>,
}

impl Level {
    fn empty(periods: usize) -> Level {
        Level {
            spells: vec![[[0; 4]; 2]; periods],
            oaps: vec![[[0; 4]; 2]; periods],
        }
    }

    fn add(&mut self, other: &Level) {
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

/// The levels of one breakdown, by (collaborative, secondary level).
type Levels = BTreeMap<(String, String), Level>;

/// Spells and inappropriate OAPs tallied by collaborative and `secondary` (a coded or text
/// column).
fn levels_by(
    admissions: &DataFrame,
    inappropriate: &DataFrame,
    secondary: &str,
    request: &NhsRequest,
    adult_acute_code: &[bool],
    bounds: &[(Day, Day)],
) -> PolarsResult<Levels> {
    let keys = ["collaborative", secondary];
    let tally = |frame: &DataFrame, start: &str, end: &str| {
        group_tallies(
            frame,
            start,
            end,
            &keys,
            request.names,
            adult_acute_code,
            bounds,
        )
    };
    let mut levels = Levels::new();
    for (key, spells) in tally(admissions, "admission_date", "discharge_date")? {
        levels
            .entry((key[0].clone(), key[1].clone()))
            .or_insert_with(|| Level::empty(bounds.len()))
            .spells = spells;
    }
    for (key, oaps) in tally(inappropriate, "start_date", "end_date")? {
        levels
            .entry((key[0].clone(), key[1].clone()))
            .or_insert_with(|| Level::empty(bounds.len()))
            .oaps = oaps;
    }
    Ok(levels)
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
struct Figures {
    breakdown: Breakdown,
    primary: String,
    description: String,
    secondary: Option<String>,
    /// The secondary level's name, when it is not its code (a group of people's).
    secondary_description: Option<String>,
    /// The group's place in NHS England's list of its groups (0 for other levels).
    rank: usize,
    level: Level,
    population: Option<u64>,
    /// By service line: whether the line is adult acute (the `a` measures exist only then).
    adult_acute_line: bool,
}

impl Figures {
    /// A level with no secondary level.
    fn of(
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
fn periods_of(request: &NhsRequest) -> Vec<(usize, Window)> {
    (0..request.months.len())
        .flat_map(|m| Window::ALL.map(|w| (m, w)))
        .collect()
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
    let figures = census_figures(admissions, oaps, request)?;
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
    let description = |c: &str| {
        request
            .descriptions
            .get(c)
            .cloned()
            .unwrap_or_else(|| c.to_string())
    };
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

/// Tallies by group of people: by (the level divided, its code, dimension), each group's (its
/// index in [`Dimension::groups`]).
type GroupLevels = BTreeMap<(Within, String, Dimension), BTreeMap<usize, Level>>;

/// The figures of every level by group of people: for England and each collaborative every
/// group of the dimension's list in NHS England's order (UNKNOWN last, zeros where none), for
/// a provider the groups it has; the group's code and name as NHS England's files give them,
/// its population (England's under `England` in `populations.csv`) for its rates.
fn group_figures(
    figures: &mut Vec<Figures>,
    by_group: GroupLevels,
    request: &NhsRequest,
    periods: usize,
) {
    for ((within, code, dimension), mut levels) in by_group {
        let (names, codes) = (dimension.groups(), dimension.codes());
        let every = matches!(within, Within::England | Within::Collaborative);
        let description = match within {
            Within::Collaborative => request
                .descriptions
                .get(&code)
                .cloned()
                .unwrap_or_else(|| code.clone()),
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

/// The levels of the extracts, tallied by a daily census.
fn census_figures(
    admissions: &DataFrame,
    oaps: &DataFrame,
    request: &NhsRequest,
) -> PolarsResult<Vec<Figures>> {
    let periods = periods_of(request);
    let bounds: Vec<(Day, Day)> = periods
        .iter()
        .map(|&(m, w)| {
            let (p1, p2) = w.dates(request.months[m]);
            (day_of(p1), day_of(p2))
        })
        .collect();
    let adult_acute_code: Vec<bool> = request
        .names
        .iter()
        .map(|n| request.adult_acute.contains(n))
        .collect();
    let reasons = oaps.column("oap_reason")?.str()?;
    let inappropriate = oaps.filter(&reasons.equal(INAPPROPRIATE))?;

    let by_line = levels_by(
        admissions,
        &inappropriate,
        "service_line",
        request,
        &adult_acute_code,
        &bounds,
    )?;
    crate::timing("nhs: by service line");
    let by_provider = levels_by(
        admissions,
        &inappropriate,
        "admitting_provider",
        request,
        &adult_acute_code,
        &bounds,
    )?;
    crate::timing("nhs: by provider");
    let by_group = levels_by_group(admissions, oaps, request, &adult_acute_code, &bounds)?;
    crate::timing("nhs: by group");
    // A collaborative is the sum of its service lines (every spell has exactly one).
    let mut by_collaborative: BTreeMap<String, Level> = request
        .collaboratives
        .iter()
        .map(|c| (c.clone(), Level::empty(bounds.len())))
        .collect();
    for ((collaborative, _), level) in &by_line {
        by_collaborative
            .entry(collaborative.clone())
            .or_insert_with(|| Level::empty(bounds.len()))
            .add(level);
    }
    let mut all = Level::empty(bounds.len());
    for level in by_collaborative.values() {
        all.add(level);
    }
    let population = |c: &str| request.populations.get(c).copied().flatten();
    let all_population = by_collaborative
        .keys()
        .map(|c| population(c))
        .sum::<Option<u64>>();
    let description = |c: &str| {
        request
            .descriptions
            .get(c)
            .cloned()
            .unwrap_or_else(|| c.to_string())
    };
    let mut figures = Vec::new();
    if let Some(aggregate) = Aggregate::of(request.selected) {
        figures.push(Figures::of(
            aggregate.breakdown,
            aggregate.code,
            aggregate.description,
            all,
            all_population,
        ));
    }
    let mut groups = GroupLevels::new();
    for &dimension in request.dimensions {
        for collaborative in by_collaborative.keys() {
            groups
                .entry((Within::Collaborative, collaborative.clone(), dimension))
                .or_default();
        }
    }
    for (dimension, levels) in by_group {
        let names = dimension.groups();
        for ((collaborative, name), level) in levels {
            let rank = names
                .iter()
                .position(|n| *n == name)
                .unwrap_or(names.len() - 1);
            groups
                .entry((Within::Collaborative, collaborative, dimension))
                .or_default()
                .insert(rank, level);
        }
    }
    for (collaborative, level) in by_collaborative {
        figures.push(Figures::of(
            Breakdown::Collaborative,
            collaborative.clone(),
            description(&collaborative),
            level,
            population(&collaborative),
        ));
    }
    for ((collaborative, line), level) in by_line {
        figures.push(Figures {
            adult_acute_line: request.adult_acute.contains(&line),
            secondary: Some(line),
            ..Figures::of(
                Breakdown::ServiceLine,
                collaborative.clone(),
                description(&collaborative),
                level,
                None,
            )
        });
    }
    for ((collaborative, provider), level) in by_provider {
        figures.push(Figures {
            secondary: Some(provider),
            ..Figures::of(
                Breakdown::SendingProvider,
                collaborative.clone(),
                description(&collaborative),
                level,
                None,
            )
        });
    }
    group_figures(&mut figures, groups, request, bounds.len());
    Ok(figures)
}

/// The name of the column [`levels_by_group`] groups by.
const GROUP: &str = "group";

/// Spells and inappropriate OAPs tallied by collaborative and group of people, for each of
/// `request.dimensions`: the same census as every other level, keyed by each row's group (the
/// label, from the spell's `person`; an out-of-area placement's is its spell's).
fn levels_by_group(
    admissions: &DataFrame,
    oaps: &DataFrame,
    request: &NhsRequest,
    adult_acute_code: &[bool],
    bounds: &[(Day, Day)],
) -> PolarsResult<Vec<(Dimension, Levels)>> {
    if request.dimensions.is_empty() {
        return Ok(Vec::new());
    }
    let people = crate::spells::people(admissions)?;
    let unknown = Person::UNKNOWN.pack();
    let placed: Vec<u32> = crate::spells::spell_rows(admissions, oaps)?
        .into_iter()
        .map(|row| people.get(row as usize).copied().unwrap_or(unknown))
        .collect();
    let reasons = oaps.column("oap_reason")?.str()?;
    let inappropriate = reasons.equal(INAPPROPRIATE);
    request
        .dimensions
        .iter()
        .map(|&dimension| {
            let labels = dimension.groups();
            let table = dimension.group_table();
            let with_group = |frame: &DataFrame, people: &[u32]| {
                let group: StringChunked = people
                    .iter()
                    .map(|&p| {
                        let byte = dimension.byte_of(Person::unpack(p));
                        Some(labels[usize::from(table[usize::from(byte)])])
                    })
                    .collect();
                frame.hstack(&[group.with_name(GROUP.into()).into_column()])
            };
            let spells = with_group(admissions, &people)?;
            let oaps = with_group(oaps, &placed)?.filter(&inappropriate)?;
            let levels = levels_by(&spells, &oaps, GROUP, request, adult_acute_code, bounds)?;
            Ok((dimension, levels))
        })
        .collect()
}

/// The rows of every level's figures, sorted by month, breakdown, levels, measure and period.
fn frame_from(figures: &[Figures], request: &NhsRequest) -> PolarsResult<DataFrame> {
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
