//! The extracts' side of NHS England's measures: spells and inappropriate OAPs tallied by a
//! daily census (see [`crate::census`]) for each level, the collaboratives, their service lines,
//! sending providers and groups of people.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::measures::{Breakdown, Tallies, Within, INAPPROPRIATE};
use super::rows::{group_figures, periods_of, Figures, GroupLevels, Level};
use super::{Aggregate, NhsRequest};
use crate::census::Census;
use crate::demographics::{Dimension, Person};
use crate::periods::{day_of, Day};
use crate::spells::{census_days, map_groups, stays};

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

/// The levels of the extracts, tallied by a daily census.
pub(super) fn census_figures(
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
    let description = |c: &str| request.description(c);
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
