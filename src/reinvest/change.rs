//! Is a change in OAP days real? The current period's monthly OAP days judged against the
//! baseline's XmR chart (DOMAIN.md sections 7 and 8), with the project's own SPC code.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::periods::Period;
use crate::schema::measures::Improvement;
use crate::spc::{chart, Layout};

/// Whether the change in OAP days between the periods is real, by the baseline's XmR chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A run of 7 or more months on the side of the baseline mean that the change went.
    Shift,
    /// A month beyond the baseline's limit on the side the change went (and no such shift).
    OutsideLimits,
    /// Neither: the change is within month-to-month variation.
    CommonCause,
    /// Fewer than 2 whole months in the baseline, or no whole month in the current period.
    NotJudged,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Shift => "shift",
            Verdict::OutsideLimits => "outside_limits",
            Verdict::CommonCause => "common_cause",
            Verdict::NotJudged => "not_judged",
        }
    }

    /// The verdict of its [`Verdict::name`].
    pub fn parse(name: &str) -> Option<Verdict> {
        [
            Verdict::Shift,
            Verdict::OutsideLimits,
            Verdict::CommonCause,
            Verdict::NotJudged,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }

    /// For people: whether the change is real.
    pub fn describe(self) -> &'static str {
        match self {
            Verdict::Shift => "real (shift)",
            Verdict::OutsideLimits => "real (outside limits)",
            Verdict::CommonCause => "within common-cause variation",
            Verdict::NotJudged => "not judged",
        }
    }
}

/// Monthly OAP days from the first whole month of the baseline to the last whole month of the
/// current period, with how many months belong to each (the months between them, if any, lie
/// in between and are charted but neither baseline nor current).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthlyDays {
    pub values: Vec<f64>,
    pub baseline_months: usize,
    pub current_months: usize,
}

/// Judges a change in OAP days (`avoided` > 0: they fell) by the baseline months' XmR chart: a
/// shift, or else a point outside the limits, among the current months on the side the change
/// went; otherwise common cause. No change is common cause.
pub fn verdict(monthly: &MonthlyDays, avoided: f64) -> Verdict {
    let n = monthly.values.len();
    if monthly.baseline_months < 2 || monthly.current_months == 0 {
        return Verdict::NotJudged;
    }
    let Some(c) = chart(
        &monthly.values,
        &Layout::fixed(Some(0..monthly.baseline_months)),
        Improvement::Neither,
    ) else {
        return Verdict::NotJudged;
    };
    let current = &c.points[n - monthly.current_months..];
    let went = |v: f64| {
        if avoided > 0.0 {
            v < c.limits_of(0).mean
        } else if avoided < 0.0 {
            v > c.limits_of(0).mean
        } else {
            false
        }
    };
    if current.iter().any(|p| p.shift && went(p.value)) {
        Verdict::Shift
    } else if current.iter().any(|p| p.outside_limits && went(p.value)) {
        Verdict::OutsideLimits
    } else {
        Verdict::CommonCause
    }
}

/// Monthly OAP days per collaborative and service line, and per collaborative (service line
/// "all"), from a monthly `rates --by service_line` frame over `months`, of which the first
/// `baseline_months` are the baseline's and the last `current_months` the current period's.
pub fn monthly_days(
    rates: &DataFrame,
    months: &[Period],
    baseline_months: usize,
    current_months: usize,
) -> PolarsResult<BTreeMap<(String, String), MonthlyDays>> {
    let position: BTreeMap<&str, usize> = months
        .iter()
        .enumerate()
        .map(|(i, m)| (m.label.as_str(), i))
        .collect();
    let c = rates.column("collaborative")?.str()?;
    let s = rates.column("service_line")?.str()?;
    let period = rates.column("period")?.str()?;
    let days = rates.column("oap_days")?.cast(&DataType::Float64)?;
    let days = days.f64()?;
    let mut out: BTreeMap<(String, String), MonthlyDays> = BTreeMap::new();
    for row in 0..rates.height() {
        let (Some(c), Some(s), Some(&i)) = (
            c.get(row),
            s.get(row),
            period.get(row).and_then(|p| position.get(p)),
        ) else {
            continue;
        };
        for line in [s, "all"] {
            let series = out
                .entry((c.to_string(), line.to_string()))
                .or_insert_with(|| MonthlyDays {
                    values: vec![0.0; months.len()],
                    baseline_months,
                    current_months,
                });
            series.values[i] += days.get(row).unwrap_or(0.0);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve baseline months alternating 9 and 11 (mean 10, limits 10 ± 5.32, the last above
    /// the mean), then the months between the periods, then `current`.
    fn monthly(gap: &[f64], current: &[f64]) -> MonthlyDays {
        let mut values: Vec<f64> = (0..12)
            .map(|i| if i % 2 == 0 { 9.0 } else { 11.0 })
            .collect();
        values.extend(gap);
        values.extend(current);
        MonthlyDays {
            values,
            baseline_months: 12,
            current_months: current.len(),
        }
    }

    #[test]
    fn a_fall_is_real_only_with_a_shift_or_a_point_beyond_the_limit() {
        // Six months below the mean: within common-cause variation.
        let six = monthly(&[], &[9.5, 9.0, 9.5, 9.0, 9.5, 9.0]);
        assert_eq!(verdict(&six, 20.0), Verdict::CommonCause);
        // Seven: a shift, real.
        let seven = monthly(&[], &[9.5, 9.0, 9.5, 9.0, 9.5, 9.0, 9.5]);
        assert_eq!(verdict(&seven, 20.0), Verdict::Shift);
        // A run that starts in the months between the periods counts (they are consecutive).
        let across = monthly(&[9.5, 9.5, 9.5], &[9.0, 9.5, 9.0, 9.5]);
        assert_eq!(verdict(&across, 20.0), Verdict::Shift);
        // One month below the lower limit (4.68): real.
        let beyond = monthly(&[], &[10.5, 4.0, 10.5]);
        assert_eq!(verdict(&beyond, 20.0), Verdict::OutsideLimits);
        // Signals the other way do not make a fall real; a rise is judged above the mean.
        assert_eq!(verdict(&beyond, -20.0), Verdict::CommonCause);
        assert_eq!(
            verdict(&monthly(&[], &[16.0]), -20.0),
            Verdict::OutsideLimits
        );
        assert_eq!(verdict(&seven, 0.0), Verdict::CommonCause);
        // Too little to judge.
        let short = MonthlyDays {
            values: vec![10.0, 9.0],
            baseline_months: 1,
            current_months: 1,
        };
        assert_eq!(verdict(&short, 20.0), Verdict::NotJudged);
    }
}
