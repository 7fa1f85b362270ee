//! Length of stay of discharged spells, and the open spells behind them (DOMAIN.md section 6).
//!
//! LOS of a discharged spell = discharge date − admission date, in days. Trends are by period of
//! discharge. The 90th percentile interpolates linearly between the closest ranks (the method of
//! Excel's PERCENTILE.INC, R's type 7 and numpy's default); the median of an even count is the
//! mean of the two middle values. Open spells at each period end, with their length so far,
//! show what a falling LOS of discharges can hide.

mod report;

use polars::prelude::*;

use crate::periods::{Day, Period};
use crate::schema::{Field, Kind};
use crate::spells::{
    had_oap, in_order, map_groups, measures_frame, on_grid, period_bounds, stays, zero_filled,
};

pub use report::{compute, report, report_of};

/// Open spells this long or longer (nights so far) are counted apart.
pub const VERY_LONG_NIGHTS: i32 = 365;

/// An optional breakdown of `los`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LosBreakdown {
    /// The service line of the spell.
    #[value(name = "service_line", alias = "service-line")]
    ServiceLine,
    /// Whether the spell had any out-of-area placement (`had_oap`: yes or no).
    Oap,
}

impl LosBreakdown {
    pub fn column(self) -> &'static str {
        match self {
            LosBreakdown::ServiceLine => "service_line",
            LosBreakdown::Oap => "had_oap",
        }
    }
    fn heading(self) -> &'static str {
        match self {
            LosBreakdown::ServiceLine => "Service line",
            LosBreakdown::Oap => "Had OAP",
        }
    }
}

/// The fields of a `los` row, in output order.
pub fn fields(by: &[LosBreakdown]) -> Vec<Field> {
    let mut fields = vec![Field::text("collaborative", "Collaborative")];
    for b in by {
        fields.push(Field::text(b.column(), b.heading()));
    }
    fields.extend([
        Field::text("period", "Period"),
        Field::date("period_start"),
        Field::date("period_end"),
        Field::count("discharges", "Discharges"),
        Field::new("los_mean", Kind::Number, "Mean LOS", &["discharges"]),
        Field::new("los_median", Kind::Number, "Median LOS", &["discharges"]),
        Field::new("los_p90", Kind::Number, "90th pct LOS", &["discharges"]),
        Field::count("open_spells", "Open at end"),
        Field::new(
            "open_los_median",
            Kind::Number,
            "Median open so far",
            &["open_spells"],
        ),
        Field::count("open_spells_365_plus_nights", "Open 365+ nights"),
    ]);
    fields
}

/// Inputs of [`los`] besides the frames.
pub struct LosRequest<'a> {
    pub periods: &'a [Period],
    pub by: &'a [LosBreakdown],
    /// Collaboratives that must appear even with no activity.
    pub collaboratives: &'a [String],
    /// The names of the coded columns (`validate::Checked::names`).
    pub names: &'a [String],
}

/// The `q` quantile of sorted values by linear interpolation between the closest ranks (R's type
/// 7), computed as Polars does (`QuantileMethod::Linear`); the median is `q = 0.5`.
pub fn quantile_linear(sorted: &[i32], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let float_index = (sorted.len() - 1) as f64 * q;
    let index = (float_index as usize).min(sorted.len() - 1);
    let lower = f64::from(sorted[index]);
    if float_index.ceil() as usize == index {
        return Some(lower);
    }
    let upper = f64::from(sorted[index + 1]);
    Some(if lower == upper {
        lower
    } else {
        (float_index - index as f64) * (upper - lower) + lower
    })
}

/// Spells open at the end of each period, counted by the day they started: a running count per
/// start day (a Fenwick tree) takes in the spells started and lets go of those discharged as the
/// periods' last days pass in order, so the median and the long stays of each period end are
/// read off it, not found among the open spells one by one.
///
/// Built in two passes over the spells, so that no spell is held: [`OpenSpells::count`] each
/// (starts per day, and how many end on each day), [`OpenSpells::counted`], then
/// [`OpenSpells::place`] each (the start days of the spells ending on each day, a counting
/// sort), then [`OpenSpells::by_start_day`].
struct OpenSpells {
    /// No spell that can be open at a period end starts before this day.
    first: Day,
    last_end: Day,
    started: Vec<i32>,
    ending_from: Vec<u32>,
    /// Where the next start day of a spell ending on each day goes (second pass).
    next: Vec<u32>,
    ending_starts: Vec<Day>,
}

impl OpenSpells {
    /// `first`: a day on or before the start of every spell; `last_end`: the last period end.
    fn new(first: Day, last_end: Day) -> OpenSpells {
        let first = first.min(last_end);
        let days = (last_end - first + 1) as usize;
        OpenSpells {
            first,
            last_end,
            started: vec![0; days],
            ending_from: vec![0; days + 1],
            next: Vec::new(),
            ending_starts: Vec::new(),
        }
    }

    /// Whether a spell can be open at some period end: not started after the last, nor ended
    /// on its start day.
    fn can_be_open(&self, start: Day, end: Option<Day>) -> bool {
        start <= self.last_end && end != Some(start)
    }

    fn slot(&self, day: Day) -> usize {
        (day - self.first) as usize
    }

    /// First pass: one spell.
    fn count(&mut self, start: Day, end: Option<Day>) {
        if !self.can_be_open(start, end) {
            return;
        }
        let slot = self.slot(start);
        self.started[slot] += 1;
        if let Some(end) = end.filter(|&e| e <= self.last_end) {
            let slot = self.slot(end);
            self.ending_from[slot + 1] += 1;
        }
    }

    /// Between the passes: where the spells ending on each day go.
    fn counted(&mut self) {
        for d in 0..self.started.len() {
            self.ending_from[d + 1] += self.ending_from[d];
        }
        self.next = self.ending_from.clone();
        self.ending_starts = vec![0; self.ending_from[self.started.len()] as usize];
    }

    /// Second pass: the same spells, in any order.
    fn place(&mut self, start: Day, end: Option<Day>) {
        if !self.can_be_open(start, end) {
            return;
        }
        if let Some(end) = end.filter(|&e| e <= self.last_end) {
            let slot = self.slot(end);
            self.ending_starts[self.next[slot] as usize] = start;
            self.next[slot] += 1;
        }
    }

    fn by_start_day(self) -> OpenAtEnd {
        let days = self.started.len();
        OpenAtEnd {
            first: self.first,
            tree: vec![0; days + 1],
            open: 0,
            started: self.started,
            ending_from: self.ending_from,
            ending_starts: self.ending_starts,
            done_through: self.first - 1,
        }
    }
}

/// The open spells as the period ends pass (see [`OpenSpells`]).
struct OpenAtEnd {
    first: Day,
    /// Fenwick tree (1-based) of open spells per start day.
    tree: Vec<i32>,
    open: i64,
    started: Vec<i32>,
    ending_from: Vec<u32>,
    ending_starts: Vec<Day>,
    /// Every day up to this one has been taken in.
    done_through: Day,
}

impl OpenAtEnd {
    fn change(&mut self, start: Day, by: i32) {
        let mut i = (start - self.first) as usize + 1;
        while i < self.tree.len() {
            self.tree[i] += by;
            i += i & i.wrapping_neg();
        }
        self.open += i64::from(by);
    }

    /// Open spells that started on or before `day`.
    fn started_by(&self, day: Day) -> i64 {
        if day < self.first {
            return 0;
        }
        let mut i = ((day - self.first) as usize + 1).min(self.tree.len() - 1);
        let mut total = 0i64;
        while i > 0 {
            total += i64::from(self.tree[i]);
            i -= i & i.wrapping_neg();
        }
        total
    }

    /// The start day of the open spell of rank `k` (0 = the earliest start).
    fn start_of_rank(&self, k: i64) -> Day {
        let (mut position, mut remaining) = (0usize, k);
        let mut step = (self.tree.len() - 1).next_power_of_two();
        while step > 0 {
            let next = position + step;
            if next < self.tree.len() && i64::from(self.tree[next]) <= remaining {
                position = next;
                remaining -= i64::from(self.tree[next]);
            }
            step /= 2;
        }
        self.first + position as Day
    }

    /// At the end of the day `p2` (ends given in order): open spells, the median of their nights
    /// so far (up to and including that night, as [`quantile_linear`] gives it), and how many
    /// have been in [`VERY_LONG_NIGHTS`] nights or more.
    fn at_end_of(&mut self, p2: Day) -> (i64, Option<f64>, i64) {
        while self.done_through < p2 {
            self.done_through += 1;
            let d = self.done_through;
            let Some(slot) = usize::try_from(d - self.first)
                .ok()
                .filter(|&s| s < self.started.len())
            else {
                continue;
            };
            if self.started[slot] > 0 {
                self.change(d, self.started[slot]);
            }
            let ending = self.ending_from[slot] as usize..self.ending_from[slot + 1] as usize;
            for i in ending {
                self.change(self.ending_starts[i], -1);
            }
        }
        let n = self.open;
        let after = p2 + 1;
        let long = self.started_by(after - VERY_LONG_NIGHTS);
        let median = match n {
            0 => None,
            n if n % 2 == 1 => Some(f64::from(after - self.start_of_rank(n / 2))),
            n => {
                // Nights so far fall as start days rise: the two middle values, lower first.
                let lower = f64::from(after - self.start_of_rank(n / 2));
                let upper = f64::from(after - self.start_of_rank(n / 2 - 1));
                Some(if lower == upper {
                    lower
                } else {
                    0.5 * (upper - lower) + lower
                })
            }
        };
        (n, median, long)
    }
}

/// Discharges (LOS of spells discharged in each period) and open spells at each period end
/// (nights so far), grouped by `keys`: one row per group and period.
fn los_measures(
    spells: &DataFrame,
    periods: &[Period],
    keys: &[&str],
    names: &[String],
) -> PolarsResult<DataFrame> {
    let stays = stays(spells, "admission_date", "discharge_date")?;
    let n = periods.len();
    let bounds = period_bounds(periods);
    #[derive(Default)]
    struct Measures {
        discharges: Vec<i64>,
        mean: Vec<Option<f64>>,
        median: Vec<Option<f64>>,
        p90: Vec<Option<f64>>,
        open: Vec<i64>,
        open_median: Vec<Option<f64>>,
        open_long: Vec<i64>,
    }
    let first_start = (0..spells.height())
        .map(|row| stays.start(row))
        .min()
        .unwrap_or(0);
    let last_end = bounds.iter().map(|&(_, p2)| p2).max().unwrap_or(0);
    // Periods are in order of start and of end: those holding a discharge day are a run, from
    // the first period ending on or after it (looked up by day).
    let table_start = first_start.min(last_end);
    let first_period: Vec<u32> = (table_start..=last_end)
        .map(|day| bounds.partition_point(|&(_, p2)| p2 < day) as u32)
        .collect();
    let bounds = &bounds;
    let periods_of = |e: Day| {
        let first = match e {
            e if e > last_end => n,
            e if e < table_start => bounds.partition_point(|&(_, p2)| p2 < e),
            e => first_period[(e - table_start) as usize] as usize,
        };
        (first..n).take_while(move |&k| bounds[k].0 <= e)
    };
    let (keys, groups) = map_groups(spells, keys, names, |rows, _| {
        let mut m = Measures::default();
        // Per period: LOS of the spells discharged in it. Open spells: see `OpenSpells`.
        // Two passes over the group's spells: counts first, so that the lengths of the
        // discharges of each period are held in vectors of the exact size, and no spell is held
        // for the open ones (at 7 million spells, tens of MiB less than growing them).
        let mut counts = vec![0usize; n];
        let mut open = OpenSpells::new(first_start, last_end);
        for row in rows() {
            let (s, e) = (stays.start(row), stays.end(row));
            open.count(s, e);
            if let Some(e) = e {
                periods_of(e).for_each(|k| counts[k] += 1);
            }
        }
        open.counted();
        let mut discharged: Vec<Vec<i32>> = counts.iter().map(|&c| Vec::with_capacity(c)).collect();
        for row in rows() {
            let (s, e) = (stays.start(row), stays.end(row));
            open.place(s, e);
            if let Some(e) = e {
                periods_of(e).for_each(|k| discharged[k].push(e - s));
            }
        }
        let mut open = open.by_start_day();
        for (k, &(_, p2)) in bounds.iter().enumerate() {
            let values = &mut discharged[k];
            values.sort_unstable();
            m.discharges.push(values.len() as i64);
            let total: i64 = values.iter().map(|&v| i64::from(v)).sum();
            m.mean
                .push((!values.is_empty()).then(|| total as f64 / values.len() as f64));
            m.median.push(quantile_linear(values, 0.5));
            m.p90.push(quantile_linear(values, 0.9));
            let (count, median, long) = open.at_end_of(p2);
            m.open.push(count);
            m.open_median.push(median);
            m.open_long.push(long);
        }
        m
    })?;
    let mut all = Measures::default();
    for m in groups {
        all.discharges.extend(m.discharges);
        all.mean.extend(m.mean);
        all.median.extend(m.median);
        all.p90.extend(m.p90);
        all.open.extend(m.open);
        all.open_median.extend(m.open_median);
        all.open_long.extend(m.open_long);
    }
    let Measures {
        discharges,
        mean,
        median,
        p90,
        open,
        open_median,
        open_long,
    } = all;
    measures_frame(
        keys,
        periods,
        vec![
            Column::new("discharges".into(), discharges),
            Column::new("los_mean".into(), mean),
            Column::new("los_median".into(), median),
            Column::new("los_p90".into(), p90),
            Column::new("open_spells".into(), open),
            Column::new("open_los_median".into(), open_median),
            Column::new("open_spells_365_plus_nights".into(), open_long),
        ],
    )
}

/// LOS measures per collaborative (and breakdown) and period of discharge, every period present.
pub fn los(
    admissions: &DataFrame,
    oaps: &DataFrame,
    request: &LosRequest,
) -> PolarsResult<DataFrame> {
    let mut spells = admissions.clone();
    if request.by.contains(&LosBreakdown::Oap) {
        let had_oap = had_oap(admissions, oaps)?;
        spells.with_column(Column::new(
            "had_oap".into(),
            had_oap
                .iter()
                .map(|&v| if v { "yes" } else { "no" })
                .collect::<Vec<_>>(),
        ))?;
    }
    let mut key_names = vec!["collaborative"];
    key_names.extend(request.by.iter().map(|b| b.column()));
    let measures = los_measures(&spells, request.periods, &key_names, request.names)?;
    let mut on_grid = on_grid(
        vec![measures],
        &key_names,
        request.collaboratives,
        request.periods,
    )?;
    zero_filled(
        &mut on_grid,
        &["discharges", "open_spells", "open_spells_365_plus_nights"],
    )?;
    in_order(&on_grid, &fields(request.by), &key_names)
}

#[cfg(test)]
mod quantile_tests {
    use super::*;

    #[test]
    fn quantiles_by_hand_and_as_polars_computes_them() {
        assert_eq!(quantile_linear(&[], 0.5), None);
        assert_eq!(quantile_linear(&[7], 0.9), Some(7.0));
        // Even count: the mean of the two middle values.
        assert_eq!(quantile_linear(&[1, 2, 10, 40], 0.5), Some(6.0));
        // 90th of 1..=10: rank 1 + 0.9 * 9 = 9.1, so 9 + 0.1 * (10 - 9).
        let ten: Vec<i32> = (1..=10).collect();
        assert!((quantile_linear(&ten, 0.9).unwrap() - 9.1).abs() < 1e-12);
        // The same as Polars on uneven data, value for value.
        let values: Vec<i32> = (0..101).map(|i| (i * 37 % 101) * (i % 7)).collect();
        for n in [2usize, 3, 10, 11, 50, 101] {
            let mut sorted = values[..n].to_vec();
            sorted.sort_unstable();
            let series = Series::new("v".into(), &values[..n]);
            for q in [0.5, 0.9] {
                let polars = series
                    .quantile_reduce(q, QuantileMethod::Linear)
                    .unwrap()
                    .value()
                    .extract::<f64>();
                assert_eq!(quantile_linear(&sorted, q), polars, "n {n} q {q}");
            }
        }
    }
}

#[cfg(test)]
mod open_spell_tests {
    use super::*;

    #[test]
    fn open_spells_at_each_end_agree_with_counting_them() {
        // Spells of every start in a 500-day window and many lengths (same-day, ongoing, some
        // over 365 nights), against month-like ends, counted one by one.
        let mut spells: Vec<(Day, Option<Day>)> = Vec::new();
        for s in (0..500).step_by(3) {
            for len in [0, 1, 5, 29, 30, 31, 200, 364, 365, 366, 400] {
                spells.push((s, Some(s + len)));
            }
            spells.push((s, None));
        }
        let ends: Vec<Day> = (1..=20).map(|k| k * 30 - 1).collect();
        let last = *ends.last().unwrap();
        let mut open = OpenSpells::new(0, last);
        for &(s, e) in &spells {
            open.count(s, e);
        }
        open.counted();
        // The second pass in another order: the counting sort places them all the same.
        for &(s, e) in spells.iter().rev() {
            open.place(s, e);
        }
        let mut open = open.by_start_day();
        for &p2 in &ends {
            let mut so_far: Vec<i32> = spells
                .iter()
                .filter(|(s, e)| *s <= p2 && e.is_none_or(|e| e > p2))
                .map(|(s, _)| p2 + 1 - s)
                .collect();
            so_far.sort_unstable();
            let long = so_far.iter().filter(|&&n| n >= VERY_LONG_NIGHTS).count() as i64;
            assert_eq!(
                open.at_end_of(p2),
                (so_far.len() as i64, quantile_linear(&so_far, 0.5), long),
                "end {p2}"
            );
        }
    }
}
