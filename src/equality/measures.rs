//! From the counts to the figures of every row (DOMAIN.md section 12): shares with Wilson
//! intervals, crude rates per 100,000 with exact Poisson or Byar limits and directly
//! age-standardised rates with Dobson limits (where populations are given), each compared with
//! the collaborative's value over all groups, and the ratio to a reference group.

use polars::prelude::*;

use super::tally::{DimensionTally, BANDS};
use crate::demographics::Dimension;
use crate::input::reference::{GroupPopulation, Populations};
use crate::periods::Period;
use crate::stats::{compare, crude_rate, dsr, wilson, AgeBandCount, EspBand, Interval};

/// Rates are per this many people.
pub const PER: f64 = 100_000.0;

/// The label of the row of all groups together.
pub const ALL: &str = "All";

/// The figures of one measure of a row: the value and its interval, how it compares with the
/// benchmark and its ratio to the reference group.
#[derive(Default)]
struct Figure {
    value: Vec<Option<f64>>,
    lower: Vec<Option<f64>>,
    upper: Vec<Option<f64>>,
    compared: Vec<Option<&'static str>>,
    ratio: Vec<Option<f64>>,
}

impl Figure {
    /// Adds the rows of one collaborative, period and dimension: `intervals[g]` of each group
    /// (the last is all groups, the benchmark), `reference` the index of the reference group.
    fn push(&mut self, intervals: &[Option<Interval>], reference: Option<usize>) {
        let (all, groups) = intervals.split_last().expect("the row of all groups");
        let benchmark = all.map(|i| i.value);
        let reference = reference
            .and_then(|r| intervals[r])
            .map(|i| i.value)
            .filter(|v| *v > 0.0);
        // All groups first, then each group.
        for (g, interval) in std::iter::once(all).chain(groups).enumerate() {
            let is_all = g == 0;
            self.value.push(interval.map(|i| i.value));
            self.lower.push(interval.map(|i| i.lower));
            self.upper.push(interval.map(|i| i.upper));
            self.compared.push(match (interval, benchmark) {
                (Some(i), Some(b)) if !is_all => Some(compare(i, b).as_str()),
                _ => None,
            });
            self.ratio.push(match (interval, reference) {
                (Some(i), Some(r)) if !is_all => Some(i.value / r),
                _ => None,
            });
        }
    }

    fn columns(self, name: &str) -> Vec<Column> {
        vec![
            Column::new(name.into(), self.value),
            Column::new(format!("{name}_lower").into(), self.lower),
            Column::new(format!("{name}_upper").into(), self.upper),
            Column::new(format!("{name}_compared").into(), self.compared),
            Column::new(format!("{name}_ratio").into(), self.ratio),
        ]
    }
}

/// What the figures are computed with.
pub struct Settings<'a> {
    pub periods: &'a [Period],
    /// Per period: whether the extract covers it (an uncovered period's figures are empty).
    pub covered: &'a [bool],
    pub collaboratives: &'a [String],
    pub populations: Option<&'a Populations>,
    pub confidence: f64,
    /// The reference group of each dimension, where there is one.
    pub reference: &'a dyn Fn(Dimension) -> Option<&'static str>,
}

/// The population of each group (the last: all groups with one, summed), and per band.
fn populations_of(
    populations: Option<&Populations>,
    collaborative: &str,
    dimension: Dimension,
    labels: &[&str],
) -> Vec<Option<GroupPopulation>> {
    let mut of: Vec<Option<GroupPopulation>> = labels
        .iter()
        .map(|label| populations.and_then(|p| p.of(collaborative, dimension, label).cloned()))
        .collect();
    let with: Vec<&GroupPopulation> = of.iter().flatten().collect();
    let all = (!with.is_empty()).then(|| GroupPopulation {
        all: Some(with.iter().filter_map(|g| g.total()).sum()),
        bands: std::array::from_fn(|b| {
            let given: Vec<f64> = with.iter().filter_map(|g| g.bands[b]).collect();
            (!given.is_empty()).then(|| given.iter().sum())
        }),
    });
    of.push(all);
    of
}

/// One row per collaborative, period, dimension and group (all groups first), with every count
/// and figure; see [`super::fields`] for the columns.
pub fn rows(tallies: &[DimensionTally], settings: &Settings) -> PolarsResult<DataFrame> {
    let mut collaborative: Vec<&str> = Vec::new();
    let mut period: Vec<&str> = Vec::new();
    let mut period_start: Vec<i32> = Vec::new();
    let mut period_end: Vec<i32> = Vec::new();
    let mut dimension: Vec<&str> = Vec::new();
    let mut group: Vec<&str> = Vec::new();
    let mut counts: [Vec<Option<i64>>; 8] = Default::default();
    let mut los: [Vec<Option<f64>>; 3] = Default::default();
    let mut population: Vec<Option<f64>> = Vec::new();
    let mut share = Figure::default();
    let mut crude = [Figure::default(), Figure::default()];
    let mut standardised = [Figure::default(), Figure::default()];
    let conf = settings.confidence;

    for (c, code) in settings.collaboratives.iter().enumerate() {
        for (p, per) in settings.periods.iter().enumerate() {
            let covered = settings.covered[p];
            for t in tallies {
                let d = t.dimension;
                let mut labels = d.groups();
                let reference =
                    (settings.reference)(d).and_then(|r| labels.iter().position(|l| *l == r));
                let pops = populations_of(settings.populations, code, d, &labels);
                labels.push(ALL);
                let at = |g: usize| t.at(c, g, p);
                let count = |of: &[u64], g: usize| covered.then(|| of[at(g)]);
                // All groups first, then each group in NHS England's order.
                let order: Vec<usize> = std::iter::once(t.groups - 1)
                    .chain(0..t.groups - 1)
                    .collect();
                for &g in &order {
                    collaborative.push(code);
                    period.push(&per.label);
                    period_start.push(per.start_day());
                    period_end.push(per.end_day());
                    dimension.push(d.name());
                    group.push(labels[g]);
                    let values = [
                        count(&t.admissions, g),
                        count(&t.admissions_with_oap, g),
                        count(&t.oaps_started, g),
                        count(&t.inappropriate_oaps_started, g),
                        covered.then(|| t.oap_days[at(g)] as u64),
                        covered.then(|| t.inappropriate_oap_days[at(g)] as u64),
                        count(&t.discharges, g),
                    ];
                    for (column, value) in counts.iter_mut().zip(values) {
                        column.push(value.map(|v| v as i64));
                    }
                    let quartiles = t.los[at(g)].filter(|_| covered);
                    los[0].push(quartiles.map(|q| q.0));
                    los[1].push(quartiles.map(|q| q.1));
                    los[2].push(quartiles.map(|q| q.2));
                    population.push(pops[g].as_ref().and_then(GroupPopulation::total));
                }
                // Shares: of every spell admitted; the benchmark is all spells.
                let shares: Vec<Option<Interval>> = (0..t.groups)
                    .map(|g| {
                        let (x, n) = (count(&t.admissions_with_oap, g)?, count(&t.admissions, g)?);
                        wilson(x, n, conf)
                    })
                    .collect();
                share.push(&shares, reference);
                // Rates: each group with its population; all groups over those with one.
                let with_population: Vec<usize> =
                    (0..t.groups - 1).filter(|&g| pops[g].is_some()).collect();
                for (k, (of, by_band)) in [
                    (&t.oaps_started, &t.oaps_started_by_band),
                    (
                        &t.inappropriate_oaps_started,
                        &t.inappropriate_oaps_started_by_band,
                    ),
                ]
                .into_iter()
                .enumerate()
                {
                    let numerator = |g: usize| -> Option<u64> {
                        if !covered {
                            None
                        } else if g == t.groups - 1 {
                            Some(with_population.iter().map(|&h| of[at(h)]).sum())
                        } else {
                            Some(of[at(g)])
                        }
                    };
                    let rates: Vec<Option<Interval>> = (0..t.groups)
                        .map(|g| {
                            let n = pops[g].as_ref()?.total()?;
                            crude_rate(numerator(g)?, n, PER, conf)
                        })
                        .collect();
                    crude[k].push(&rates, reference);
                    let band_count = |g: usize, b: usize| -> u64 {
                        if g == t.groups - 1 {
                            (with_population.iter())
                                .filter(|&&h| {
                                    pops[h].as_ref().is_some_and(|p| p.bands[b].is_some())
                                })
                                .map(|&h| by_band[t.at_band(c, h, b, p)])
                                .sum()
                        } else {
                            by_band[t.at_band(c, g, b, p)]
                        }
                    };
                    let dsrs: Vec<Option<Interval>> = (0..t.groups)
                        .map(|g| {
                            let bands = &pops[g].as_ref()?.bands;
                            if !covered || bands.iter().all(Option::is_none) {
                                return None;
                            }
                            let counts: Vec<AgeBandCount> = (0..BANDS)
                                .filter_map(|b| {
                                    Some(AgeBandCount {
                                        band: EspBand::ALL[b],
                                        count: band_count(g, b),
                                        population: bands[b]?,
                                    })
                                })
                                .collect();
                            dsr(&counts, PER, conf).ok().flatten()
                        })
                        .collect();
                    standardised[k].push(&dsrs, reference);
                }
            }
        }
    }
    let n = collaborative.len();
    let mut columns = vec![
        Column::new("collaborative".into(), collaborative),
        Column::new("period".into(), period),
        Column::new("period_start".into(), period_start).cast(&DataType::Date)?,
        Column::new("period_end".into(), period_end).cast(&DataType::Date)?,
        Column::new("dimension".into(), dimension),
        Column::new("group".into(), group),
    ];
    let [admissions, with_oap, started, inappropriate, days, inappropriate_days, discharges, _] =
        counts;
    columns.push(Column::new("admissions".into(), admissions));
    columns.push(Column::new("admissions_with_oap".into(), with_oap));
    columns.extend(share.columns("admissions_with_oap_share"));
    columns.push(Column::new("oaps_started".into(), started));
    columns.push(Column::new(
        "inappropriate_oaps_started".into(),
        inappropriate,
    ));
    columns.push(Column::new("oap_days".into(), days));
    columns.push(Column::new(
        "inappropriate_oap_days".into(),
        inappropriate_days,
    ));
    columns.push(Column::new("discharges".into(), discharges));
    let [p25, median, p75] = los;
    columns.push(Column::new("los_p25".into(), p25));
    columns.push(Column::new("los_median".into(), median));
    columns.push(Column::new("los_p75".into(), p75));
    columns.push(Column::new("population".into(), population));
    let [crude_all, crude_inappropriate] = crude;
    columns.extend(crude_all.columns("oaps_started_per_100k"));
    columns.extend(crude_inappropriate.columns("inappropriate_oaps_started_per_100k"));
    let [dsr_all, dsr_inappropriate] = standardised;
    columns.extend(dsr_all.columns("oaps_started_dsr_per_100k"));
    columns.extend(dsr_inappropriate.columns("inappropriate_oaps_started_dsr_per_100k"));
    DataFrame::new(n, columns)
}
