//! Is a change real? XmR charts the NHS "Making Data Count" way (DOMAIN.md sections 7 and 13),
//! flagging exactly what NHSRplotthedots, the NHS-R community's reference implementation, flags
//! (`R/ptd_spc_standard.R`, `R/ptd_calculate_point_type.R`), with its sections (rebasing),
//! variation and assurance (`R/ptd_calculate_assurance_type.R`, `summary.ptd_spc_df` in
//! `R/ptd_spc.R`).
//!
//! A series may be cut into **sections** at rebase points (`ptd_add_rebase_column`: the
//! reference's `rebase_group`); everything below is computed within a section alone, so a run
//! never crosses a rebase. For a section `x1..xn`: centre = mean; moving ranges `|xi − xi−1|`;
//! moving ranges at or above 3.267 × their mean are screened out before the mean moving range is
//! taken again; process limits = mean ± 2.66 × mean moving range. With a baseline, the mean and
//! limits come from the baseline points only and every point of the section is judged against
//! them: `--baseline-months N` fixes each section on its own first N points, as the reference's
//! `fix_after_n_points` counts `row_number()` within each rebase group.
//!
//! Special cause rules, each flagging every point it involves:
//! - outside the limits: strictly above the upper or below the lower limit;
//! - shift: 7 or more consecutive points all above, or all below, the mean (a point exactly on
//!   the mean breaks the run);
//! - trend: 7 or more consecutive points each strictly above (or below) the one before (a tie
//!   breaks the trend);
//! - two of three: a point is *close* when beyond two thirds of the way from the mean to a limit
//!   but not outside the limits; a close point is flagged when it belongs to a window of 3
//!   consecutive points with at least 2 close and all 3 strictly on one side of the mean.
//!
//! Each flagged point is high or low, as the reference reads it: outside the limits by its side
//! of the mean; else a trend by the trend's direction; else two of three or a shift by its side
//! of the mean. High or low is then an improvement or a concern by the measure's good direction.
//!
//! A section with no spread (a single point, or every moving range 0) keeps no moving range
//! after screening; the reference's limits are then R's mean of nothing (NaN). oapstat draws them
//! on the mean and, as the reference's NaN comparisons do, judges no point outside or close to
//! them and reads a target against them as inconsistent.

pub mod matrix;
mod series;
pub mod targets;

use serde::Serialize;

use crate::schema::measures::Improvement;

pub use series::{
    charts, charts_of, extracts_for, measure_frame, measures, summary_fields, ChartRequest, Charts,
    SeriesChart, SUMMARY_COLUMNS, SUMMARY_MEASURES,
};

/// A point's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    CommonCause,
    Improvement,
    Concern,
    /// Special cause on a measure with no good direction.
    SpecialCause,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::CommonCause => "common_cause",
            Signal::Improvement => "improvement",
            Signal::Concern => "concern",
            Signal::SpecialCause => "special_cause",
        }
    }
}

pub const LIMIT_FACTOR: f64 = 2.66;
pub const SCREEN_FACTOR: f64 = 3.267;
pub const RUN_LENGTH: usize = 7;
/// The fewest values an XmR chart is drawn from: one moving range needs two.
pub const MIN_POINTS: usize = 2;

/// Centre line and process limits of a section.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    pub mean: f64,
    pub mean_moving_range: f64,
    pub lower: f64,
    pub upper: f64,
    /// Whether a moving range was kept after screening. Without one (a single point, or every
    /// moving range 0) the reference's limits are undefined (NaN): the limits here sit on the
    /// mean, no point is outside or close to them, and a target is inconsistent with them.
    pub spread: bool,
}

/// Which points of each section fix its limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Baseline {
    /// Every point of the section.
    #[default]
    All,
    /// The first N points of each section (all of a shorter one): the reference's
    /// `fix_after_n_points`, counted from each rebase.
    FirstPoints(usize),
    /// The points at these positions of the series: each section is fixed on those it holds, a
    /// section holding none on all its points.
    Positions(std::ops::Range<usize>),
}

/// Where a series is cut into sections and which points fix each section's limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// Positions at which a new section starts (a rebase); 0 and positions past the end cut
    /// nothing, as a rebase date outside the series does nothing in the reference.
    pub rebases: Vec<usize>,
    pub baseline: Baseline,
}

impl Layout {
    /// One section, fixed on `baseline` positions when given.
    pub fn fixed(baseline: Option<std::ops::Range<usize>>) -> Self {
        Layout {
            rebases: Vec::new(),
            baseline: baseline.map_or(Baseline::All, Baseline::Positions),
        }
    }

    /// The sections of a series of `n` points, in order.
    pub fn sections(&self, n: usize) -> Vec<std::ops::Range<usize>> {
        let mut starts: Vec<usize> = self
            .rebases
            .iter()
            .copied()
            .filter(|&s| s > 0 && s < n)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let ends = starts.iter().copied().chain(std::iter::once(n));
        std::iter::once(0)
            .chain(starts.iter().copied())
            .zip(ends)
            .map(|(start, end)| start..end)
            .collect()
    }

    /// The positions fixing the limits of the section `section`.
    fn baseline_of(&self, section: &std::ops::Range<usize>) -> std::ops::Range<usize> {
        match &self.baseline {
            Baseline::All => section.clone(),
            Baseline::FirstPoints(n) => section.start..section.end.min(section.start + n),
            Baseline::Positions(p) => {
                let inside = p.start.max(section.start)..p.end.min(section.end);
                if inside.is_empty() {
                    section.clone()
                } else {
                    inside
                }
            }
        }
    }
}

/// A section of a chart: its points, the points that fixed its limits, and the limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub points: std::ops::Range<usize>,
    pub baseline: std::ops::Range<usize>,
    pub limits: Limits,
}

/// One point of an XmR chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub value: f64,
    /// The index of the point's section in [`Chart::sections`].
    pub section: usize,
    /// From the previous point of the same section (none for a section's first point).
    pub moving_range: Option<f64>,
    pub outside_limits: bool,
    pub shift: bool,
    pub trend: bool,
    pub two_of_three: bool,
    pub signal: Signal,
    /// A special cause reads high (above the mean, or a rising trend); false for common cause.
    pub high: bool,
}

impl Point {
    /// The point's variation, as the Making Data Count icons show it.
    pub fn variation(&self) -> Variation {
        match (self.signal, self.high) {
            (Signal::CommonCause, _) => Variation::CommonCause,
            (Signal::Improvement, true) => Variation::ImprovementHigh,
            (Signal::Improvement, false) => Variation::ImprovementLow,
            (Signal::Concern, true) => Variation::ConcernHigh,
            (Signal::Concern, false) => Variation::ConcernLow,
            (Signal::SpecialCause, true) => Variation::NeitherHigh,
            (Signal::SpecialCause, false) => Variation::NeitherLow,
        }
    }
}

/// An XmR chart of a series, in one or more sections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub sections: Vec<Section>,
    pub points: Vec<Point>,
}

impl Chart {
    /// The limits point `i` is judged against.
    pub fn limits_of(&self, i: usize) -> &Limits {
        &self.sections[self.points[i].section].limits
    }

    /// The last section, whose limits the variation and the assurance are read from.
    pub fn last_section(&self) -> &Section {
        self.sections.last().expect("a chart has a section")
    }

    /// The series' variation: its last point's (`ptd_get_icons`: the point at `max(x)`).
    pub fn variation(&self) -> Variation {
        self.points
            .last()
            .map_or(Variation::CommonCause, Point::variation)
    }

    /// Per section, the reference's summary (`summary.ptd_spc_df`): points, counts by reading,
    /// and the variation of its last point.
    pub fn section_summaries(&self) -> Vec<SectionSummary> {
        self.sections
            .iter()
            .enumerate()
            .map(|(k, section)| {
                let points = &self.points[section.points.clone()];
                let count = |s: Signal| points.iter().filter(|p| p.signal == s).count();
                SectionSummary {
                    section: k,
                    points: points.len(),
                    common_cause: count(Signal::CommonCause),
                    improvement: count(Signal::Improvement),
                    concern: count(Signal::Concern),
                    neither: count(Signal::SpecialCause),
                    variation: points
                        .last()
                        .map_or(Variation::CommonCause, Point::variation),
                }
            })
            .collect()
    }
}

/// One section of a series summarised as the reference does (`summary.ptd_spc_df`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SectionSummary {
    pub section: usize,
    pub points: usize,
    pub common_cause: usize,
    pub improvement: usize,
    pub concern: usize,
    /// Special cause on a measure with no good direction.
    pub neither: usize,
    /// The variation of the section's last point.
    pub variation: Variation,
}

/// A series' variation: its last point's reading (the reference's variation icons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    ConcernHigh,
    ConcernLow,
    NeitherHigh,
    NeitherLow,
    CommonCause,
    ImprovementHigh,
    ImprovementLow,
}

impl Variation {
    pub const ALL: [Variation; 7] = [
        Variation::ConcernHigh,
        Variation::ConcernLow,
        Variation::NeitherHigh,
        Variation::NeitherLow,
        Variation::CommonCause,
        Variation::ImprovementHigh,
        Variation::ImprovementLow,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Variation::CommonCause => "common_cause",
            Variation::ImprovementHigh => "improvement_high",
            Variation::ImprovementLow => "improvement_low",
            Variation::ConcernHigh => "concern_high",
            Variation::ConcernLow => "concern_low",
            Variation::NeitherHigh => "neither_high",
            Variation::NeitherLow => "neither_low",
        }
    }

    /// In words, for people.
    pub fn words(self) -> &'static str {
        match self {
            Variation::CommonCause => "common cause",
            Variation::ImprovementHigh => "special cause improvement (high)",
            Variation::ImprovementLow => "special cause improvement (low)",
            Variation::ConcernHigh => "special cause concern (high)",
            Variation::ConcernLow => "special cause concern (low)",
            Variation::NeitherHigh => "special cause, neither direction better (high)",
            Variation::NeitherLow => "special cause, neither direction better (low)",
        }
    }

    /// The icon's letter, so it reads printed in greyscale (common cause has none: "~").
    pub fn letter(self) -> &'static str {
        match self {
            Variation::CommonCause => "~",
            Variation::ImprovementHigh | Variation::ConcernHigh | Variation::NeitherHigh => "H",
            Variation::ImprovementLow | Variation::ConcernLow | Variation::NeitherLow => "L",
        }
    }
}

/// Will the target be met? From the last section's limits (DOMAIN.md section 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    ConsistentFail,
    Inconsistent,
    ConsistentPass,
}

impl Assurance {
    pub const ALL: [Assurance; 3] = [
        Assurance::ConsistentFail,
        Assurance::Inconsistent,
        Assurance::ConsistentPass,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Assurance::ConsistentPass => "consistent_pass",
            Assurance::ConsistentFail => "consistent_fail",
            Assurance::Inconsistent => "inconsistent",
        }
    }

    /// In words, for people.
    pub fn words(self) -> &'static str {
        match self {
            Assurance::ConsistentPass => "consistently passes the target",
            Assurance::ConsistentFail => "consistently fails the target",
            Assurance::Inconsistent => "hits and misses the target",
        }
    }

    /// The icon's letter.
    pub fn letter(self) -> &'static str {
        match self {
            Assurance::ConsistentPass => "P",
            Assurance::ConsistentFail => "F",
            Assurance::Inconsistent => "?",
        }
    }
}

/// The assurance of a target against limits (`ptd_calculate_assurance_type`): strict
/// comparisons, so a target exactly on a limit is inconsistent; none without a better direction.
pub fn assurance(limits: &Limits, target: f64, improvement: Improvement) -> Option<Assurance> {
    let higher_is_better = match improvement {
        Improvement::Up => true,
        Improvement::Down => false,
        Improvement::Neither => return None,
    };
    // Undefined limits compare as NA in the reference, which its case_when reads as neither.
    Some(if !limits.spread {
        Assurance::Inconsistent
    } else if target > limits.upper {
        if higher_is_better {
            Assurance::ConsistentFail
        } else {
            Assurance::ConsistentPass
        }
    } else if target < limits.lower {
        if higher_is_better {
            Assurance::ConsistentPass
        } else {
            Assurance::ConsistentFail
        }
    } else {
        Assurance::Inconsistent
    })
}

/// Mean, screened mean moving range and limits of `values`; `None` without a value.
pub fn limits(values: &[f64]) -> Option<Limits> {
    if values.is_empty() {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let ranges: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let raw_mean = ranges.iter().sum::<f64>() / ranges.len().max(1) as f64;
    // Screened at or above the factor, as NHSRplotthedots keeps `mr < 3.267 * amr`.
    let kept: Vec<f64> = ranges
        .iter()
        .copied()
        .filter(|r| *r < SCREEN_FACTOR * raw_mean)
        .collect();
    // Only a single point or a flat series (every moving range 0) keeps none.
    let mean_moving_range = if kept.is_empty() {
        0.0
    } else {
        kept.iter().sum::<f64>() / kept.len() as f64
    };
    Some(Limits {
        mean,
        mean_moving_range,
        lower: mean - LIMIT_FACTOR * mean_moving_range,
        upper: mean + LIMIT_FACTOR * mean_moving_range,
        spread: !kept.is_empty(),
    })
}

/// Marks every point of each maximal run of at least [`RUN_LENGTH`] points in which
/// `direction(i)` is the same non-zero value for each `i` of the run (`starts_run`) or for each
/// step `(i - 1, i)` of it (a run of steps `i..=j` spans the points `i - 1..=j`).
fn runs(n: usize, direction: impl Fn(usize) -> i8, starts_run: bool) -> Vec<bool> {
    let mut flags = vec![false; n];
    let mut i = 0;
    while i < n {
        let d = direction(i);
        if d == 0 {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < n && direction(j + 1) == d {
            j += 1;
        }
        let first = if starts_run { i } else { i - 1 };
        if j + 1 - first >= RUN_LENGTH {
            flags[first..=j].iter_mut().for_each(|f| *f = true);
        }
        i = j + 1;
    }
    flags
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// The points flagged by two of three: `close[i]` when beyond two thirds of the way to a limit
/// but not outside the limits, `side[i]` the point's side of the mean (0 on it). A close point is
/// flagged when a window of 3 consecutive points holding it has at least 2 close points and all
/// 3 strictly on one side of the mean (NHSRplotthedots' `ptd_two_in_three`).
fn two_of_three(close: &[bool], side: &[i8]) -> Vec<bool> {
    let n = close.len();
    let mut flags = vec![false; n];
    for start in 0..n.saturating_sub(2) {
        let window = start..start + 3;
        let close_count = close[window.clone()].iter().filter(|c| **c).count();
        let side_sum: i8 = side[window.clone()].iter().sum();
        if close_count >= 2 && side_sum.abs() == 3 {
            window.filter(|&i| close[i]).for_each(|i| flags[i] = true);
        }
    }
    flags
}

/// The XmR chart of `values`, cut into sections and fixed as `layout` says; `None` with fewer
/// than [`MIN_POINTS`] values or a section without a baseline point.
pub fn chart(values: &[f64], layout: &Layout, improvement: Improvement) -> Option<Chart> {
    if values.len() < MIN_POINTS {
        return None;
    }
    let mut sections = Vec::new();
    let mut points = Vec::with_capacity(values.len());
    for (k, range) in layout.sections(values.len()).into_iter().enumerate() {
        let baseline = layout.baseline_of(&range);
        let limits = limits(&values[baseline.clone()])?;
        points.extend(judge(&values[range.clone()], &limits, improvement, k));
        sections.push(Section {
            points: range,
            baseline,
            limits,
        });
    }
    Some(Chart { sections, points })
}

/// The points of one section judged against its limits.
fn judge(values: &[f64], limits: &Limits, improvement: Improvement, section: usize) -> Vec<Point> {
    let n = values.len();
    let side: Vec<i8> = values.iter().map(|v| sign(v - limits.mean)).collect();
    let step = |i: usize| {
        if i == 0 {
            0
        } else {
            sign(values[i] - values[i - 1])
        }
    };
    let shift = runs(n, |i| side[i], true);
    let trend = runs(n, step, false);
    let outside: Vec<bool> = values
        .iter()
        .map(|v| limits.spread && (*v > limits.upper || *v < limits.lower))
        .collect();
    // The two-thirds lines as the reference computes them: mean ± 2 × (2.66 / 3) × mR.
    let close_distance = 2.0 * (LIMIT_FACTOR / 3.0) * limits.mean_moving_range;
    let (close_upper, close_lower) = (limits.mean + close_distance, limits.mean - close_distance);
    let close: Vec<bool> = (0..n)
        .map(|i| {
            limits.spread && !outside[i] && (values[i] > close_upper || values[i] < close_lower)
        })
        .collect();
    let two_of_three = two_of_three(&close, &side);
    (0..n)
        .map(|i| {
            // High or low in the reference's order: outside the limits by side; a trend by its
            // direction (the step to the next point when that is in a trend too, else the step
            // from the previous one; only a rise reads as increasing); else by side.
            let direction = if outside[i] {
                side[i]
            } else if trend[i] {
                let to_next = i + 1 < n && trend[i + 1];
                let step = if to_next { step(i + 1) } else { step(i) };
                if step == 1 {
                    1
                } else {
                    -1
                }
            } else if two_of_three[i] || shift[i] {
                side[i]
            } else {
                0
            };
            let signal = match (improvement, direction) {
                (_, 0) => Signal::CommonCause,
                (Improvement::Neither, _) => Signal::SpecialCause,
                (Improvement::Up, 1) | (Improvement::Down, -1) => Signal::Improvement,
                _ => Signal::Concern,
            };
            Point {
                value: values[i],
                section,
                moving_range: (i > 0).then(|| (values[i] - values[i - 1]).abs()),
                outside_limits: outside[i],
                shift: shift[i],
                trend: trend[i],
                two_of_three: two_of_three[i],
                signal,
                high: direction == 1,
            }
        })
        .collect()
}

/// Least-squares slope of `values` against their position (change per period).
pub fn slope(values: &[f64]) -> Option<f64> {
    let n = values.len() as f64;
    if values.len() < 2 {
        return None;
    }
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = values.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, y) in values.iter().enumerate() {
        let dx = i as f64 - mean_x;
        sxy += dx * (y - mean_y);
        sxx += dx * dx;
    }
    Some(sxy / sxx)
}

/// A one-line sparkline of the values.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    values
        .iter()
        .map(|v| {
            if max > min {
                BARS[(((v - min) / (max - min)) * 7.0).round() as usize]
            } else {
                BARS[3]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve baseline points alternating 11 and 9 (ending below the mean): mean 10, moving ranges all 2, limits
    /// 10 ± 5.32, two-thirds lines at 10 ± 3.5467. No rule fires on them.
    fn baseline() -> Vec<f64> {
        (0..12)
            .map(|i| if i % 2 == 0 { 11.0 } else { 9.0 })
            .collect()
    }

    fn with_tail(tail: &[f64]) -> Chart {
        let mut values = baseline();
        values.extend(tail);
        chart(&values, &Layout::fixed(Some(0..12)), Improvement::Down).unwrap()
    }

    fn fired(c: &Chart, rule: fn(&Point) -> bool) -> Vec<usize> {
        c.points
            .iter()
            .enumerate()
            .filter(|(_, p)| rule(p))
            .map(|(i, _)| i)
            .collect()
    }

    fn none_fire(c: &Chart) {
        assert!(
            c.points.iter().all(|p| p.signal == Signal::CommonCause),
            "{c:?}"
        );
    }

    #[test]
    fn limits_by_hand() {
        let c = with_tail(&[]);
        assert_eq!(c.limits_of(0).mean, 10.0);
        assert_eq!(c.limits_of(0).mean_moving_range, 2.0);
        assert!((c.limits_of(0).upper - 15.32).abs() < 1e-12);
        assert!((c.limits_of(0).lower - 4.68).abs() < 1e-12);
        none_fire(&c);
    }

    #[test]
    fn large_moving_ranges_are_screened_out() {
        // Moving ranges 1, 1, 1, 1, 20, 20, 1, 1: mean 5.75; 20 > 3.267 × 5.75 = 18.79 is screened,
        // leaving a mean moving range of 1.
        let l = limits(&[10.0, 11.0, 10.0, 11.0, 10.0, 30.0, 10.0, 11.0, 10.0]).unwrap();
        assert_eq!(l.mean_moving_range, 1.0);
        assert!((l.mean - 113.0 / 9.0).abs() < 1e-12);
    }

    #[test]
    fn outside_the_limits_fires_once() {
        let c = with_tail(&[20.0, 10.5]);
        assert_eq!(fired(&c, |p| p.outside_limits), [12]);
        assert_eq!(fired(&c, |p| p.signal != Signal::CommonCause), [12]);
        // Lower is better: a high point is a concern.
        assert_eq!(c.points[12].signal, Signal::Concern);
        let low = with_tail(&[1.0]);
        assert_eq!(low.points[12].signal, Signal::Improvement);
    }

    #[test]
    fn shift_of_seven_fires_six_does_not() {
        let seven = with_tail(&[10.5, 10.3, 10.6, 10.4, 10.5, 10.3, 10.6]);
        assert_eq!(fired(&seven, |p| p.shift), (12..19).collect::<Vec<_>>());
        assert!(seven
            .points
            .iter()
            .all(|p| !p.trend && !p.outside_limits && !p.two_of_three));
        assert_eq!(seven.points[15].signal, Signal::Concern);
        none_fire(&with_tail(&[10.5, 10.3, 10.6, 10.4, 10.5, 10.3]));
        // A point exactly on the mean breaks the run.
        none_fire(&with_tail(&[
            10.5, 10.3, 10.6, 10.0, 10.4, 10.5, 10.3, 10.6,
        ]));
    }

    #[test]
    fn trend_of_seven_fires_six_does_not_and_ties_break() {
        let seven = with_tail(&[8.6, 9.0, 9.4, 9.8, 10.2, 10.6, 11.0]);
        assert_eq!(fired(&seven, |p| p.trend), (12..19).collect::<Vec<_>>());
        assert!(seven
            .points
            .iter()
            .all(|p| !p.shift && !p.outside_limits && !p.two_of_three));
        // Rising is a concern when lower is better, even below the mean.
        assert_eq!(seven.points[12].signal, Signal::Concern);
        none_fire(&with_tail(&[8.6, 9.0, 9.4, 9.8, 10.2, 10.6]));
        none_fire(&with_tail(&[8.6, 9.0, 9.4, 9.4, 9.8, 10.2, 10.6, 11.0]));
    }

    // Two of three, by hand on the baseline above: the two-thirds lines are 10 ± 3.5467 and the
    // limits 10 ± 5.32, so 14 and 15 are close above, 6 and 5 close below, 20 is outside; the
    // baseline's last point (9) is below the mean.

    #[test]
    fn two_of_three_flags_the_close_points_of_a_one_sided_window() {
        // Two close and one near the mean on the same side: both close points, not the third.
        let c = with_tail(&[14.0, 10.5, 14.0, 9.5]);
        assert_eq!(fired(&c, |p| p.two_of_three), [12, 14]);
        assert!(c
            .points
            .iter()
            .all(|p| !p.shift && !p.trend && !p.outside_limits));
        assert_eq!(c.points[12].signal, Signal::Concern);
        assert_eq!(c.points[13].signal, Signal::CommonCause);
        // Three close: all three.
        let three = with_tail(&[14.0, 14.5, 15.0, 9.5]);
        assert_eq!(fired(&three, |p| p.two_of_three), [12, 13, 14]);
        // Below the mean: two close and a third below too; lower is better.
        let low = with_tail(&[6.0, 5.0, 9.0]);
        assert_eq!(fired(&low, |p| p.two_of_three), [12, 13]);
        assert_eq!(low.points[13].signal, Signal::Improvement);
    }

    #[test]
    fn two_of_three_needs_two_close_points_within_the_limits_on_one_side() {
        // One outside and one close: the outside point has its own rule and is not close.
        let c = with_tail(&[20.0, 14.0, 10.5]);
        assert_eq!(fired(&c, |p| p.outside_limits), [12]);
        assert!(c.points.iter().all(|p| !p.two_of_three));
        assert_eq!(c.points[13].signal, Signal::CommonCause);
        // Two close on one side, but every window holding both has a point below the mean.
        none_fire(&with_tail(&[14.0, 14.0, 9.5]));
        // Close on opposite sides.
        none_fire(&with_tail(&[14.0, 10.5, 6.0, 10.5]));
        // One close alone.
        none_fire(&with_tail(&[14.0, 10.5, 9.5, 10.5]));
    }

    #[test]
    fn moving_ranges_at_the_screening_factor_are_screened_out() {
        // Moving ranges 748 (8 times), 749 and 3,267: mean 1,000, and 3,267 is exactly 3.267
        // times it, so it is screened (NHSRplotthedots keeps only mr < 3.267 × mean).
        let mut values: Vec<f64> = (0..9)
            .map(|i| if i % 2 == 0 { 0.0 } else { 748.0 })
            .collect();
        values.extend([749.0, 749.0 + 3267.0]);
        let l = limits(&values).unwrap();
        assert_eq!(l.mean_moving_range, 6733.0 / 9.0);
        // A flat series screens every range (0 is not below 0): its limits are its mean.
        let flat = limits(&[5.0, 5.0, 5.0]).unwrap();
        assert_eq!((flat.lower, flat.upper), (5.0, 5.0));
        none_fire(&chart(&[5.0, 5.0, 5.0], &Layout::default(), Improvement::Down).unwrap());
    }

    #[test]
    fn a_trend_reads_by_its_direction_before_a_shift_by_its_side() {
        // Seven points above the mean, each lower than the one before: a shift above (concern
        // when lower is better) and a falling trend (improvement); the reference reads the trend.
        let c = with_tail(&[13.0, 12.5, 12.0, 11.5, 11.0, 10.8, 10.6]);
        assert_eq!(fired(&c, |p| p.shift), (12..19).collect::<Vec<_>>());
        assert_eq!(fired(&c, |p| p.trend), (12..19).collect::<Vec<_>>());
        assert!(c.points[12..]
            .iter()
            .all(|p| p.signal == Signal::Improvement));
    }

    #[test]
    fn neither_direction_reports_special_cause_without_judgement() {
        let mut values = baseline();
        values.push(20.0);
        let c = chart(&values, &Layout::fixed(Some(0..12)), Improvement::Neither).unwrap();
        assert_eq!(c.points[12].signal, Signal::SpecialCause);
        let up = chart(&values, &Layout::fixed(Some(0..12)), Improvement::Up).unwrap();
        assert_eq!(up.points[12].signal, Signal::Improvement);
    }

    fn rebased(values: &[f64], rebases: &[usize], baseline: Baseline) -> Chart {
        let layout = Layout {
            rebases: rebases.to_vec(),
            baseline,
        };
        chart(values, &layout, Improvement::Down).unwrap()
    }

    #[test]
    fn a_rebase_gives_each_section_its_own_limits_and_no_run_crosses_it() {
        // 1..=10 rising: one trend of 10 points without a rebase.
        let rising: Vec<f64> = (1..=10).map(f64::from).collect();
        let whole = rebased(&rising, &[], Baseline::All);
        assert_eq!(fired(&whole, |p| p.trend), (0..10).collect::<Vec<_>>());
        // Rebased at the sixth point: 1..=5 (mean 3, moving ranges 1, limits 3 ± 2.66) and
        // 6..=10 (mean 8, limits 8 ± 2.66); five points are no trend, and 1 and 5 (beyond the
        // two-thirds lines 3 ± 1.7733) are close on opposite sides: nothing fires.
        let c = rebased(&rising, &[5], Baseline::All);
        assert_eq!(c.sections.len(), 2);
        assert_eq!(
            (c.sections[0].points.clone(), c.sections[1].points.clone()),
            (0..5, 5..10)
        );
        assert_eq!(c.limits_of(0).mean, 3.0);
        assert_eq!(c.limits_of(9).mean, 8.0);
        assert!((c.limits_of(9).upper - 10.66).abs() < 1e-12);
        assert!((c.limits_of(9).lower - 5.34).abs() < 1e-12);
        none_fire(&c);
        assert_eq!(c.points[5].section, 1);
        // A moving range never crosses a rebase either.
        assert_eq!(c.points[5].moving_range, None);
        assert_eq!(c.points[6].moving_range, Some(1.0));
        // Rebases at 0, past the end or repeated cut nothing more.
        assert_eq!(rebased(&rising, &[0, 5, 5, 10, 99], Baseline::All), c);
    }

    #[test]
    fn first_points_fix_each_section_as_the_reference_does() {
        // fix_after_n_points counts within each rebase group: section one's limits from 10, 12,
        // 10, 12 (mean 11, moving range 2, limits 5.68 to 16.32), so 30 is outside (a concern,
        // lower being better); section two's from 50, 52, 50, 52 (mean 51, 45.68 to 56.32).
        let values = [10.0, 12.0, 10.0, 12.0, 30.0, 50.0, 52.0, 50.0, 52.0, 51.0];
        let c = rebased(&values, &[5], Baseline::FirstPoints(4));
        assert_eq!(c.sections[0].baseline, 0..4);
        assert_eq!(c.sections[1].baseline, 5..9);
        assert_eq!(c.limits_of(0).mean, 11.0);
        assert_eq!(c.limits_of(5).mean, 51.0);
        assert!((c.limits_of(5).lower - 45.68).abs() < 1e-12);
        assert_eq!(fired(&c, |p| p.outside_limits), [4]);
        assert_eq!(c.points[4].signal, Signal::Concern);
        assert_eq!(c.points[4].variation(), Variation::ConcernHigh);
        // Without the rebase the first four fix everything: section two is all outside.
        let once = rebased(&values, &[], Baseline::FirstPoints(4));
        assert_eq!(fired(&once, |p| p.outside_limits), [4, 5, 6, 7, 8, 9]);
        // A section shorter than N is fixed on all its points.
        let short = rebased(&values, &[8], Baseline::FirstPoints(4));
        assert_eq!(short.sections[1].baseline, 8..10);
        assert_eq!(short.limits_of(9).mean, 51.5);
        // A range of positions fixes each section on the part it holds, else on all its points.
        let range = rebased(&values, &[5], Baseline::Positions(0..4));
        assert_eq!(range.sections[0].baseline, 0..4);
        assert_eq!(range.sections[1].baseline, 5..10);
        assert_eq!(range.limits_of(5).mean, 51.0);
    }

    #[test]
    fn a_one_point_or_flat_section_has_no_spread() {
        // The reference's limits there are NaN: no point outside or close, target inconsistent.
        let c = rebased(&[1.0, 3.0, 1.0, 3.0, 1.0, 3.0, 7.0], &[6], Baseline::All);
        let last = c.last_section().limits;
        assert_eq!(
            (last.mean, last.lower, last.upper, last.spread),
            (7.0, 7.0, 7.0, false)
        );
        none_fire(&c);
        assert_eq!(c.variation(), Variation::CommonCause);
        assert_eq!(
            assurance(&last, 0.0, Improvement::Down),
            Some(Assurance::Inconsistent)
        );
        let flat = rebased(&[1.0, 3.0, 1.0, 4.0, 4.0, 4.0], &[3], Baseline::All);
        let last = flat.last_section().limits;
        assert_eq!(
            (last.mean, last.mean_moving_range, last.spread),
            (4.0, 0.0, false)
        );
        assert_eq!(
            assurance(&last, 10.0, Improvement::Up),
            Some(Assurance::Inconsistent)
        );
        none_fire(&flat);
        // A flat baseline judges later points by shift and trend only, as NaN limits do.
        let mut values = vec![5.0; 4];
        values.extend([9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0]);
        let fixed = rebased(&values, &[], Baseline::FirstPoints(4));
        assert!(fixed
            .points
            .iter()
            .all(|p| !p.outside_limits && !p.two_of_three));
        assert_eq!(fired(&fixed, |p| p.shift), (4..11).collect::<Vec<_>>());
    }

    #[test]
    fn assurance_from_the_limits_with_strict_comparisons() {
        // The reference's own cases (tests/testthat/test-ptd_calculate_assurance_type.R):
        // limits 1..3, 5..7 and 1..5 against a target of 4.
        let l = |lower: f64, upper: f64| Limits {
            mean: (lower + upper) / 2.0,
            mean_moving_range: (upper - lower) / 2.0 / LIMIT_FACTOR,
            lower,
            upper,
            spread: true,
        };
        let cases = [l(1.0, 3.0), l(5.0, 7.0), l(1.0, 5.0)];
        let up: Vec<_> = cases
            .iter()
            .map(|c| assurance(c, 4.0, Improvement::Up))
            .collect();
        use Assurance::*;
        assert_eq!(
            up,
            [
                Some(ConsistentFail),
                Some(ConsistentPass),
                Some(Inconsistent)
            ]
        );
        let down: Vec<_> = cases
            .iter()
            .map(|c| assurance(c, 4.0, Improvement::Down))
            .collect();
        assert_eq!(
            down,
            [
                Some(ConsistentPass),
                Some(ConsistentFail),
                Some(Inconsistent)
            ]
        );
        assert_eq!(assurance(&cases[0], 4.0, Improvement::Neither), None);
        // A target exactly on a limit is inconsistent.
        assert_eq!(
            assurance(&cases[0], 3.0, Improvement::Up),
            Some(Inconsistent)
        );
        assert_eq!(
            assurance(&cases[0], 1.0, Improvement::Down),
            Some(Inconsistent)
        );
        // From the last section: 1..=5 then 6..=10 (limits 5.34 to 10.66); a target of 5 is
        // below them, a consistent fail when lower is better, inside the first section's.
        let rising: Vec<f64> = (1..=10).map(f64::from).collect();
        let c = rebased(&rising, &[5], Baseline::All);
        let last = c.last_section().limits;
        assert_eq!(
            assurance(&last, 5.0, Improvement::Down),
            Some(ConsistentFail)
        );
        assert_eq!(
            assurance(c.limits_of(0), 5.0, Improvement::Down),
            Some(Inconsistent)
        );
    }

    #[test]
    fn variation_and_section_summaries() {
        let c = with_tail(&[20.0, 1.0]);
        assert_eq!(c.variation(), Variation::ImprovementLow);
        let s = c.section_summaries();
        assert_eq!(s.len(), 1);
        assert_eq!(
            (
                s[0].points,
                s[0].common_cause,
                s[0].improvement,
                s[0].concern,
                s[0].neither
            ),
            (14, 12, 1, 1, 0)
        );
        assert_eq!(s[0].variation, Variation::ImprovementLow);
        assert_eq!(with_tail(&[20.0]).variation(), Variation::ConcernHigh);
        // A falling trend above the mean reads low: an improvement when lower is better.
        let trend = with_tail(&[13.0, 12.5, 12.0, 11.5, 11.0, 10.8, 10.6]);
        assert_eq!(trend.variation(), Variation::ImprovementLow);
        let mut values = baseline();
        values.push(20.0);
        let neither = chart(&values, &Layout::fixed(Some(0..12)), Improvement::Neither).unwrap();
        assert_eq!(neither.variation(), Variation::NeitherHigh);
        assert_eq!(neither.section_summaries()[0].neither, 1);
        // Per section: the last point of each.
        let r = rebased(
            &[10.0, 12.0, 10.0, 12.0, 30.0, 50.0, 52.0, 50.0, 52.0, 51.0],
            &[5],
            Baseline::FirstPoints(4),
        );
        let s = r.section_summaries();
        assert_eq!(
            (s[0].variation, s[1].variation),
            (Variation::ConcernHigh, Variation::CommonCause)
        );
        assert_eq!(
            (s[0].points, s[0].concern, s[1].points, s[1].common_cause),
            (5, 1, 5, 5)
        );
    }

    #[test]
    fn slope_and_sparkline() {
        assert_eq!(slope(&[1.0, 3.0, 5.0, 7.0]), Some(2.0));
        assert_eq!(slope(&[4.0, 4.0]), Some(0.0));
        assert_eq!(slope(&[1.0]), None);
        assert_eq!(sparkline(&[0.0, 7.0, 3.5]), "▁█▅");
    }
}
