//! The counts behind every equality figure, in one pass over the spells and one over the
//! out-of-area placements: per collaborative, dimension, group (and all groups together) and
//! period, the admissions, those with an out-of-area placement, the discharges and their lengths
//! of stay, the out-of-area placements started (also by ESP 2013 age band, for age-standardised
//! rates) and the out-of-area days.
//!
//! A spell's group and age band are those of the spell (age at admission); its out-of-area
//! placements carry them.

use polars::prelude::*;

use crate::census::Census;
use crate::demographics::{Dimension, Person};
use crate::los::quantile_linear;
use crate::periods::{Day, Period};
use crate::spells::{census_days, had_oap, period_bounds, stays};
use crate::stats::EspBand;

/// The ESP 2013 bands.
pub const BANDS: usize = 19;

/// The counts of one dimension: every array is indexed by [`DimensionTally::slot`] (collaborative,
/// group; the group after the last, `groups`, is all groups together) and then by period.
pub struct DimensionTally {
    pub dimension: Dimension,
    /// The groups of the dimension plus one (all groups).
    pub groups: usize,
    periods: usize,
    pub admissions: Vec<u64>,
    pub admissions_with_oap: Vec<u64>,
    pub discharges: Vec<u64>,
    pub oaps_started: Vec<u64>,
    pub inappropriate_oaps_started: Vec<u64>,
    /// By slot, band and period.
    pub oaps_started_by_band: Vec<u64>,
    pub inappropriate_oaps_started_by_band: Vec<u64>,
    pub oap_days: Vec<i64>,
    pub inappropriate_oap_days: Vec<i64>,
    /// Quartiles of the length of stay of the discharges: (p25, median, p75).
    pub los: Vec<Option<(f64, f64, f64)>>,
}

impl DimensionTally {
    /// The index of a collaborative's group (`group == groups - 1`: all groups) in a period.
    pub fn at(&self, collaborative: usize, group: usize, period: usize) -> usize {
        (collaborative * self.groups + group) * self.periods + period
    }

    /// The index of a band of a collaborative's group in a period.
    pub fn at_band(&self, collaborative: usize, group: usize, band: usize, period: usize) -> usize {
        ((collaborative * self.groups + group) * BANDS + band) * self.periods + period
    }
}

/// The periods holding each day from `first`: the periods may overlap (rolling windows).
struct PeriodsOfDay {
    first: Day,
    starts: Vec<u32>,
    periods: Vec<u16>,
}

impl PeriodsOfDay {
    fn new(periods: &[Period]) -> PeriodsOfDay {
        let bounds = period_bounds(periods);
        let first = bounds.iter().map(|b| b.0).min().unwrap_or(0);
        let last = bounds.iter().map(|b| b.1).max().unwrap_or(-1);
        let mut starts = vec![0u32];
        let mut holding = Vec::new();
        for day in first..=last {
            for (p, &(p1, p2)) in bounds.iter().enumerate() {
                if p1 <= day && day <= p2 {
                    holding.push(p as u16);
                }
            }
            starts.push(holding.len() as u32);
        }
        PeriodsOfDay {
            first,
            starts,
            periods: holding,
        }
    }

    fn of(&self, day: Day) -> &[u16] {
        let Some(slot) = day
            .checked_sub(self.first)
            .and_then(|s| usize::try_from(s).ok())
            .filter(|&s| s + 1 < self.starts.len())
        else {
            return &[];
        };
        &self.periods[self.starts[slot] as usize..self.starts[slot + 1] as usize]
    }
}

/// Each admission row's collaborative, as an index into `collaboratives` (codes into `names`).
fn collaborative_slots(
    frame: &DataFrame,
    names: &[String],
    collaboratives: &[String],
) -> PolarsResult<Vec<u32>> {
    let slot_of_code: Vec<u32> = names
        .iter()
        .map(|name| {
            collaboratives
                .iter()
                .position(|c| c == name)
                .map_or(u32::MAX, |i| i as u32)
        })
        .collect();
    Ok(frame
        .column("collaborative")?
        .u32()?
        .iter()
        .map(|code| code.map_or(u32::MAX, |c| slot_of_code[c as usize]))
        .collect())
}

/// The counts of every dimension asked for, from the spells (`admissions`, with `person` when
/// the extract has it: else every person is UNKNOWN) and their out-of-area placements.
pub fn tally(
    admissions: &DataFrame,
    oaps: &DataFrame,
    periods: &[Period],
    dimensions: &[Dimension],
    names: &[String],
    collaboratives: &[String],
) -> PolarsResult<Vec<DimensionTally>> {
    let n_periods = periods.len();
    let slots = collaboratives.len();
    let of_day = PeriodsOfDay::new(periods);
    let spell_collaborative = collaborative_slots(admissions, names, collaboratives)?;
    let person: Vec<u32> = match admissions.column("person") {
        Ok(column) => column
            .u32()?
            .iter()
            .map(|p| p.unwrap_or(u32::MAX))
            .collect(),
        Err(_) => vec![Person::UNKNOWN.pack(); admissions.height()],
    };
    let spells = stays(admissions, "admission_date", "discharge_date")?;
    let has_oap = had_oap(admissions, oaps)?;
    let tables: Vec<[u8; 256]> = dimensions.iter().map(|d| d.group_table()).collect();
    let (first, last) = census_days(&period_bounds(periods));

    let mut tallies: Vec<DimensionTally> = dimensions
        .iter()
        .map(|&dimension| {
            let groups = dimension.group_count() + 1;
            let cells = slots * groups * n_periods;
            DimensionTally {
                dimension,
                groups,
                periods: n_periods,
                admissions: vec![0; cells],
                admissions_with_oap: vec![0; cells],
                discharges: vec![0; cells],
                oaps_started: vec![0; cells],
                inappropriate_oaps_started: vec![0; cells],
                oaps_started_by_band: vec![0; cells * BANDS],
                inappropriate_oaps_started_by_band: vec![0; cells * BANDS],
                oap_days: vec![0; cells],
                inappropriate_oap_days: vec![0; cells],
                los: vec![None; cells],
            }
        })
        .collect();

    // The spells: admissions and discharges in each period.
    for row in 0..admissions.height() {
        let c = spell_collaborative[row];
        if c == u32::MAX {
            continue;
        }
        let admitted = of_day.of(spells.start(row));
        let discharged = spells.end(row).map_or(&[][..], |e| of_day.of(e));
        if admitted.is_empty() && discharged.is_empty() {
            continue;
        }
        let who = Person::unpack(person[row]);
        for (t, table) in tallies.iter_mut().zip(&tables) {
            let group = usize::from(table[usize::from(t.dimension.byte_of(who))]);
            for g in [group, t.groups - 1] {
                for &p in admitted {
                    let at = t.at(c as usize, g, usize::from(p));
                    t.admissions[at] += 1;
                    t.admissions_with_oap[at] += u64::from(has_oap[row]);
                }
                for &p in discharged {
                    let at = t.at(c as usize, g, usize::from(p));
                    t.discharges[at] += 1;
                }
            }
        }
    }
    los_quartiles(
        &mut tallies,
        &spells,
        &person,
        &spell_collaborative,
        &tables,
        periods,
    )?;

    // The out-of-area placements, each with its spell's collaborative, group and age.
    let ids = admissions.column("spell_id")?.u32()?;
    let mut row_of_id = vec![u32::MAX; ids.max().map_or(0, |m| m as usize + 1)];
    for (row, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            row_of_id[id as usize] = row as u32;
        }
    }
    let placements = stays(oaps, "start_date", "end_date")?;
    let reasons: Vec<bool> = oaps
        .column("oap_reason")?
        .str()?
        .iter()
        .map(|r| r == Some("10"))
        .collect();
    let cells_per_dimension = |t: &DimensionTally| slots * t.groups;
    let mut days: Vec<Vec<Census<i64>>> = tallies
        .iter()
        .map(|t| vec![Census::new(first, last); 2 * cells_per_dimension(t)])
        .collect();
    for (k, id) in oaps.column("spell_id")?.u32()?.iter().enumerate() {
        let Some(&row) = id.and_then(|id| row_of_id.get(id as usize)) else {
            continue;
        };
        if row == u32::MAX || spell_collaborative[row as usize] == u32::MAX {
            continue;
        }
        let c = spell_collaborative[row as usize] as usize;
        let who = Person::unpack(person[row as usize]);
        let band = (who.age <= crate::demographics::MAX_AGE)
            .then(|| {
                EspBand::ALL
                    .iter()
                    .position(|&b| b == EspBand::of_age(who.age.into()))
            })
            .flatten();
        let (start, end) = (placements.start(k), placements.end(k));
        let inappropriate = reasons[k];
        let started = of_day.of(start);
        for ((t, table), days) in tallies.iter_mut().zip(&tables).zip(&mut days) {
            let group = usize::from(table[usize::from(t.dimension.byte_of(who))]);
            for g in [group, t.groups - 1] {
                let cell = c * t.groups + g;
                days[2 * cell].add(start, end, 1);
                if inappropriate {
                    days[2 * cell + 1].add(start, end, 1);
                }
                for &p in started {
                    let p = usize::from(p);
                    let at = t.at(c, g, p);
                    t.oaps_started[at] += 1;
                    t.inappropriate_oaps_started[at] += u64::from(inappropriate);
                    if let Some(b) = band {
                        let at = t.at_band(c, g, b, p);
                        t.oaps_started_by_band[at] += 1;
                        t.inappropriate_oaps_started_by_band[at] += u64::from(inappropriate);
                    }
                }
            }
        }
    }
    let bounds = period_bounds(periods);
    for (t, days) in tallies.iter_mut().zip(days) {
        for (cell, census) in days.into_iter().enumerate() {
            let census = census.finish();
            let (slot, inappropriate) = (cell / 2, cell % 2 == 1);
            for (p, &(p1, p2)) in bounds.iter().enumerate() {
                let at = slot * n_periods + p;
                let nights = census.nights_in(p1, p2);
                if inappropriate {
                    t.inappropriate_oap_days[at] = nights;
                } else {
                    t.oap_days[at] = nights;
                }
            }
        }
    }
    Ok(tallies)
}

/// The quartiles of the length of stay of the spells discharged in each period, per group (as
/// `los` computes them: linear between the closest ranks). The discharged spells are put in
/// order of discharge once; each period's are then one run of them.
fn los_quartiles(
    tallies: &mut [DimensionTally],
    spells: &crate::spells::Stays,
    person: &[u32],
    collaborative: &[u32],
    tables: &[[u8; 256]],
    periods: &[Period],
) -> PolarsResult<()> {
    let mut discharged: Vec<(Day, u32)> = (0..person.len())
        .filter(|&row| collaborative[row] != u32::MAX)
        .filter_map(|row| spells.end(row).map(|e| (e, row as u32)))
        .collect();
    discharged.sort_unstable();
    for (p, period) in periods.iter().enumerate() {
        let from = discharged.partition_point(|&(e, _)| e < period.start_day());
        let to = discharged.partition_point(|&(e, _)| e <= period.end_day());
        for (t, table) in tallies.iter_mut().zip(tables) {
            let mut lengths: Vec<Vec<i32>> = vec![Vec::new(); t.los.len() / t.periods];
            for &(end, row) in &discharged[from..to] {
                let row = row as usize;
                let who = Person::unpack(person[row]);
                let group = usize::from(table[usize::from(t.dimension.byte_of(who))]);
                let c = collaborative[row] as usize;
                for g in [group, t.groups - 1] {
                    lengths[c * t.groups + g].push(end - spells.start(row));
                }
            }
            for (cell, mut values) in lengths.into_iter().enumerate() {
                values.sort_unstable();
                let q = |q: f64| quantile_linear(&values, q);
                if let (Some(p25), Some(median), Some(p75)) = (q(0.25), q(0.5), q(0.75)) {
                    t.los[cell * t.periods + p] = Some((p25, median, p75));
                }
            }
        }
    }
    Ok(())
}
