//! Is a change real? XmR charts the NHS "Making Data Count" way (DOMAIN.md section 7), flagging
//! exactly what NHSRplotthedots, the NHS-R community's reference implementation, flags
//! (`R/ptd_spc_standard.R` and `R/ptd_calculate_point_type.R`).
//!
//! For a series `x1..xn`: centre = mean; moving ranges `|xi − xi−1|`; moving ranges at or above
//! 3.267 × their mean are screened out before the mean moving range is taken again; process
//! limits = mean ± 2.66 × mean moving range. With a baseline, the mean and limits come from the
//! baseline points only and every point is judged against them.
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

mod series;

use serde::Serialize;

use crate::schema::measures::Improvement;

pub use series::{
    charts, charts_of, extracts_for, measure_frame, ChartRequest, Charts, SeriesChart,
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

/// Centre line and process limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    pub mean: f64,
    pub mean_moving_range: f64,
    pub lower: f64,
    pub upper: f64,
}

/// One point of an XmR chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub value: f64,
    pub moving_range: Option<f64>,
    pub outside_limits: bool,
    pub shift: bool,
    pub trend: bool,
    pub two_of_three: bool,
    pub signal: Signal,
}

/// An XmR chart of a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub limits: Limits,
    pub points: Vec<Point>,
}

/// Mean, screened mean moving range and limits of `values`; `None` with fewer than 2 values.
pub fn limits(values: &[f64]) -> Option<Limits> {
    if values.len() < MIN_POINTS {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let ranges: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let raw_mean = ranges.iter().sum::<f64>() / ranges.len() as f64;
    // Screened at or above the factor, as NHSRplotthedots keeps `mr < 3.267 * amr`.
    let kept: Vec<f64> = ranges
        .iter()
        .copied()
        .filter(|r| *r < SCREEN_FACTOR * raw_mean)
        .collect();
    // Only a flat series (every moving range 0) keeps none; its limits are its mean.
    let mean_moving_range = if kept.is_empty() {
        raw_mean
    } else {
        kept.iter().sum::<f64>() / kept.len() as f64
    };
    Some(Limits {
        mean,
        mean_moving_range,
        lower: mean - LIMIT_FACTOR * mean_moving_range,
        upper: mean + LIMIT_FACTOR * mean_moving_range,
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

/// The XmR chart of `values`; limits from `baseline` points (all points when `None`).
pub fn chart(
    values: &[f64],
    baseline: Option<std::ops::Range<usize>>,
    improvement: Improvement,
) -> Option<Chart> {
    let base = baseline.unwrap_or(0..values.len());
    let limits = limits(values.get(base)?)?;
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
        .map(|v| *v > limits.upper || *v < limits.lower)
        .collect();
    let close_distance = (limits.upper - limits.mean) * 2.0 / 3.0;
    let close: Vec<bool> = (0..n)
        .map(|i| {
            !outside[i]
                && (values[i] > limits.mean + close_distance
                    || values[i] < limits.mean - close_distance)
        })
        .collect();
    let two_of_three = two_of_three(&close, &side);
    let points = (0..n)
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
                moving_range: (i > 0).then(|| (values[i] - values[i - 1]).abs()),
                outside_limits: outside[i],
                shift: shift[i],
                trend: trend[i],
                two_of_three: two_of_three[i],
                signal,
            }
        })
        .collect();
    Some(Chart { limits, points })
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
        chart(&values, Some(0..12), Improvement::Down).unwrap()
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
        assert_eq!(c.limits.mean, 10.0);
        assert_eq!(c.limits.mean_moving_range, 2.0);
        assert!((c.limits.upper - 15.32).abs() < 1e-12);
        assert!((c.limits.lower - 4.68).abs() < 1e-12);
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
        none_fire(&chart(&[5.0, 5.0, 5.0], None, Improvement::Down).unwrap());
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
        let c = chart(&values, Some(0..12), Improvement::Neither).unwrap();
        assert_eq!(c.points[12].signal, Signal::SpecialCause);
        let up = chart(&values, Some(0..12), Improvement::Up).unwrap();
        assert_eq!(up.points[12].signal, Signal::Improvement);
    }

    #[test]
    fn slope_and_sparkline() {
        assert_eq!(slope(&[1.0, 3.0, 5.0, 7.0]), Some(2.0));
        assert_eq!(slope(&[4.0, 4.0]), Some(0.0));
        assert_eq!(slope(&[1.0]), None);
        assert_eq!(sparkline(&[0.0, 7.0, 3.5]), "▁█▅");
    }
}
