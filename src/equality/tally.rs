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

/// What every dimension's counts are read from, prepared once.
struct Spells<'a> {
    collaborative: Vec<u32>,
    person: Vec<u32>,
    stays: crate::spells::Stays,
    has_oap: Vec<bool>,
    /// The discharged spells in order of discharge: (discharge day, row).
    discharged: Vec<(Day, u32)>,
    /// Per out-of-area placement: its spell's row (`u32::MAX`: none in scope).
    spell_of_oap: Vec<u32>,
    placements: crate::spells::Stays,
    inappropriate: Vec<bool>,
    of_day: PeriodsOfDay,
    periods: &'a [Period],
    slots: usize,
}

/// The counts of every dimension asked for, from the spells (`admissions`, with `person` when
/// the extract has it: else every person is UNKNOWN) and their out-of-area placements; the
/// dimensions are counted side by side on every core.
pub fn tally(
    admissions: &DataFrame,
    oaps: &DataFrame,
    periods: &[Period],
    dimensions: &[Dimension],
    names: &[String],
    collaboratives: &[String],
) -> PolarsResult<Vec<DimensionTally>> {
    let collaborative = collaborative_slots(admissions, names, collaboratives)?;
    let person = crate::spells::people(admissions)?;
    let spell_stays = stays(admissions, "admission_date", "discharge_date")?;
    let mut discharged: Vec<(Day, u32)> = (0..person.len())
        .filter(|&row| collaborative[row] != u32::MAX)
        .filter_map(|row| spell_stays.end(row).map(|e| (e, row as u32)))
        .collect();
    discharged.sort_unstable();
    let mut spell_of_oap = crate::spells::spell_rows(admissions, oaps)?;
    for row in &mut spell_of_oap {
        if *row != u32::MAX && collaborative[*row as usize] == u32::MAX {
            *row = u32::MAX;
        }
    }
    let spells = Spells {
        has_oap: had_oap(admissions, oaps)?,
        placements: stays(oaps, "start_date", "end_date")?,
        inappropriate: (oaps.column("oap_reason")?.str()?.iter())
            .map(|r| r == Some("10"))
            .collect(),
        collaborative,
        person,
        stays: spell_stays,
        discharged,
        spell_of_oap,
        of_day: PeriodsOfDay::new(periods),
        periods,
        slots: collaboratives.len(),
    };
    let spells = &spells;
    let mut tallies: Vec<DimensionTally> = std::thread::scope(|scope| {
        let counting: Vec<_> = dimensions
            .iter()
            .map(|&d| scope.spawn(move || count_dimension(d, spells)))
            .collect();
        counting
            .into_iter()
            .map(|c| c.join().expect("counting a dimension"))
            .collect()
    });
    los_quartiles(&mut tallies, spells);
    Ok(tallies)
}

/// The quartiles of the length of stay of each period's discharges, per group (as `los`
/// computes them: linear between the closest ranks). Each period's discharges are put in order
/// of length once; every group then takes its lengths in that order, already sorted.
fn los_quartiles(tallies: &mut [DimensionTally], spells: &Spells) {
    let d = &spells.discharged;
    for (p, period) in spells.periods.iter().enumerate() {
        let from = d.partition_point(|&(e, _)| e < period.start_day());
        let to = d.partition_point(|&(e, _)| e <= period.end_day());
        // (length << 32) | row: a valid spell is never discharged before its admission.
        let mut order: Vec<u64> = d[from..to]
            .iter()
            .map(|&(end, row)| {
                let length = (end - spells.stays.start(row as usize)).max(0) as u64;
                length << 32 | u64::from(row)
            })
            .collect();
        order.sort_unstable();
        let order = &order;
        std::thread::scope(|scope| {
            for t in tallies.iter_mut() {
                scope.spawn(move || {
                    let groups = t.groups;
                    let table = t.dimension.group_table();
                    let mut lengths: Vec<Vec<i32>> = vec![Vec::new(); spells.slots * groups];
                    for &key in order {
                        let (length, row) = ((key >> 32) as i32, (key & 0xFFFF_FFFF) as usize);
                        let c = spells.collaborative[row] as usize;
                        let who = Person::unpack(spells.person[row]);
                        let group = usize::from(table[usize::from(t.dimension.byte_of(who))]);
                        lengths[c * groups + group].push(length);
                        lengths[c * groups + groups - 1].push(length);
                    }
                    for (cell, values) in lengths.iter().enumerate() {
                        let q = |q: f64| quantile_linear(values, q);
                        if let (Some(p25), Some(median), Some(p75)) = (q(0.25), q(0.5), q(0.75)) {
                            t.los[cell * t.periods + p] = Some((p25, median, p75));
                        }
                    }
                });
            }
        });
    }
}

/// The counts of one dimension: a pass over the spells (admissions and discharges), one over
/// the discharges of each period (lengths of stay), one over the out-of-area placements.
fn count_dimension(dimension: Dimension, spells: &Spells) -> DimensionTally {
    let n_periods = spells.periods.len();
    let groups = dimension.group_count() + 1;
    let cells = spells.slots * groups * n_periods;
    let mut t = DimensionTally {
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
    };
    let table = dimension.group_table();
    let group_of = |row: usize| {
        usize::from(table[usize::from(dimension.byte_of(Person::unpack(spells.person[row])))])
    };
    let all = groups - 1;

    // The spells: admissions and discharges in each period.
    for row in 0..spells.person.len() {
        let c = spells.collaborative[row];
        if c == u32::MAX {
            continue;
        }
        let admitted = spells.of_day.of(spells.stays.start(row));
        let discharged = spells
            .stays
            .end(row)
            .map_or(&[][..], |e| spells.of_day.of(e));
        if admitted.is_empty() && discharged.is_empty() {
            continue;
        }
        let group = group_of(row);
        for g in [group, all] {
            for &p in admitted {
                let at = t.at(c as usize, g, usize::from(p));
                t.admissions[at] += 1;
                t.admissions_with_oap[at] += u64::from(spells.has_oap[row]);
            }
            for &p in discharged {
                let at = t.at(c as usize, g, usize::from(p));
                t.discharges[at] += 1;
            }
        }
    }

    // The out-of-area placements, each with its spell's collaborative, group and age band.
    let (first, last) = census_days(&period_bounds(spells.periods));
    let mut days: Vec<Census<i64>> = vec![Census::new(first, last); 2 * spells.slots * groups];
    for (k, &row) in spells.spell_of_oap.iter().enumerate() {
        if row == u32::MAX {
            continue;
        }
        let row = row as usize;
        let c = spells.collaborative[row] as usize;
        let age = Person::unpack(spells.person[row]).age;
        let band = (age <= crate::demographics::MAX_AGE)
            .then(|| {
                EspBand::ALL
                    .iter()
                    .position(|&b| b == EspBand::of_age(age.into()))
            })
            .flatten();
        let (start, end) = (spells.placements.start(k), spells.placements.end(k));
        let inappropriate = spells.inappropriate[k];
        let started = spells.of_day.of(start);
        for g in [group_of(row), all] {
            let cell = c * groups + g;
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
    let bounds = period_bounds(spells.periods);
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
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::periods::{day_of, periods_within, PeriodKind};
    use chrono::NaiveDate;

    #[test]
    fn each_day_belongs_to_every_period_holding_it_rolling_windows_overlapping() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let periods = periods_within(PeriodKind::Rolling3, date(2024, 1, 1), date(2024, 5, 31));
        // Windows Jan–Mar, Feb–Apr, Mar–May.
        assert_eq!(periods.len(), 3);
        let of_day = PeriodsOfDay::new(&periods);
        assert_eq!(of_day.of(day_of(date(2024, 1, 1))), [0]);
        assert_eq!(of_day.of(day_of(date(2024, 2, 29))), [0, 1]);
        assert_eq!(of_day.of(day_of(date(2024, 3, 31))), [0, 1, 2]);
        assert_eq!(of_day.of(day_of(date(2024, 5, 31))), [2]);
        assert!(of_day.of(day_of(date(2023, 12, 31))).is_empty());
        assert!(of_day.of(day_of(date(2024, 6, 1))).is_empty());
    }
}
