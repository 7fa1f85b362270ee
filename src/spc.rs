//! Is a change real? XmR charts the NHS "Making Data Count" way (DOMAIN.md section 7).
//!
//! For a series `x1..xn`: centre = mean; moving ranges `|xi − xi−1|`; moving ranges above
//! 3.267 × their mean are screened out before the mean moving range is taken (as NHSRplotthedots
//! does); process limits = mean ± 2.66 × mean moving range. With a baseline, the mean and limits
//! come from the baseline points only and every point is judged against them.
//!
//! Special cause rules, each flagging every point it involves:
//! - outside the limits;
//! - shift: 7 or more consecutive points all above, or all below, the mean (a point exactly on
//!   the mean breaks the run);
//! - trend: 7 or more consecutive points each strictly above (or below) the one before (a tie
//!   breaks the trend);
//! - two of three: 2 of 3 consecutive points beyond two-thirds of the way from the mean to a
//!   limit, on the same side (a point beyond the limit itself counts as beyond two-thirds).
//!
//! Each flagged point is high or low (its side of the mean; for a trend, the trend's direction)
//! and so an improvement or a concern by the measure's good direction.

use serde::Serialize;

/// Which way is better for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Improvement {
    /// Higher is better.
    Up,
    /// Lower is better (fewer OAP days, shorter stays).
    Down,
    /// Neither: special causes are reported without a judgement.
    Neither,
}

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
    if values.len() < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let ranges: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let raw_mean = ranges.iter().sum::<f64>() / ranges.len() as f64;
    let kept: Vec<f64> = ranges
        .iter()
        .copied()
        .filter(|r| *r <= SCREEN_FACTOR * raw_mean)
        .collect();
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

/// Marks every point of each maximal run of at least [`RUN_LENGTH`] points where `same(i)` holds
/// for each consecutive pair `(i - 1, i)` with the same non-zero direction.
fn runs(n: usize, direction: impl Fn(usize) -> i8, starts_run: bool) -> (Vec<bool>, Vec<i8>) {
    let mut flags = vec![false; n];
    let mut sides = vec![0i8; n];
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
        // A side run counts points i..=j; a trend run of differences i..=j spans points i-1..=j.
        let first = if starts_run { i } else { i - 1 };
        if j + 1 - first >= RUN_LENGTH {
            for k in first..=j {
                flags[k] = true;
                sides[k] = d;
            }
        }
        i = j + 1;
    }
    (flags, sides)
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
    let side = |i: usize| -> i8 {
        let v = values[i];
        if v > limits.mean {
            1
        } else if v < limits.mean {
            -1
        } else {
            0
        }
    };
    let (shift, shift_side) = runs(n, side, true);
    let step = |i: usize| -> i8 {
        if i == 0 {
            0
        } else if values[i] > values[i - 1] {
            1
        } else if values[i] < values[i - 1] {
            -1
        } else {
            0
        }
    };
    let (trend, trend_side) = runs(n, step, false);
    let upper_two_thirds = limits.mean + (limits.upper - limits.mean) * 2.0 / 3.0;
    let lower_two_thirds = limits.mean - (limits.mean - limits.lower) * 2.0 / 3.0;
    let beyond = |i: usize| -> i8 {
        if values[i] > upper_two_thirds {
            1
        } else if values[i] < lower_two_thirds {
            -1
        } else {
            0
        }
    };
    let mut two_of_three = vec![false; n];
    for start in 0..n.saturating_sub(2) {
        for s in [1i8, -1] {
            let members: Vec<usize> = (start..start + 3).filter(|&i| beyond(i) == s).collect();
            if members.len() >= 2 {
                members.iter().for_each(|&i| two_of_three[i] = true);
            }
        }
    }
    let points = (0..n)
        .map(|i| {
            let outside = values[i] > limits.upper || values[i] < limits.lower;
            // High or low: the side of the mean, or the trend's direction for a trend alone.
            let direction = if outside || shift[i] || two_of_three[i] {
                if shift[i] {
                    shift_side[i]
                } else {
                    side(i)
                }
            } else if trend[i] {
                trend_side[i]
            } else {
                0
            };
            let special = outside || shift[i] || trend[i] || two_of_three[i];
            let signal = match (special, improvement, direction) {
                (false, _, _) => Signal::CommonCause,
                (true, Improvement::Neither, _) | (true, _, 0) => Signal::SpecialCause,
                (true, Improvement::Up, 1) | (true, Improvement::Down, -1) => Signal::Improvement,
                (true, _, _) => Signal::Concern,
            };
            Point {
                value: values[i],
                moving_range: (i > 0).then(|| (values[i] - values[i - 1]).abs()),
                outside_limits: outside,
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

    #[test]
    fn two_of_three_beyond_two_thirds_fires_once() {
        let c = with_tail(&[14.0, 10.5, 14.0, 9.5]);
        assert_eq!(fired(&c, |p| p.two_of_three), [12, 14]);
        assert!(c
            .points
            .iter()
            .all(|p| !p.shift && !p.trend && !p.outside_limits));
        // On opposite sides it does not fire.
        none_fire(&with_tail(&[14.0, 10.5, 6.0, 10.5]));
        // One beyond alone does not fire.
        none_fire(&with_tail(&[14.0, 10.5, 9.5, 10.5]));
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
