//! Reinvestment estimates (DOMAIN.md section 8): what reduced out-of-area use frees, or could
//! free, for community services, per collaborative and service line.
//!
//! - OAP days in a baseline and a current period, annualised (× 365 ÷ days in the period);
//! - avoided OAP days = baseline − current (negative: a cost pressure, not a saving);
//! - saving per avoided day = OAP daily cost − local daily cost, the OAP daily cost being the
//!   recorded mean of the baseline (a mean over costed OAP days) unless given, with a low–high
//!   range from the lower and upper quartiles of the recorded daily cost over the same costed OAP
//!   days (each day once), widened to hold the mean where skewed costs put it outside them;
//! - estimated saving = avoided days × saving per day; reinvestment = saving × committed share;
//! - whether the change is real: the current period's monthly OAP days against the baseline's
//!   XmR limits ([`crate::spc`]);
//! - a scenario: what eliminating (or cutting by a share) the current inappropriate OAP days
//!   would free.

mod report;

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use polars::prelude::*;

use crate::periods::Period;

pub use report::{report, ReinvestOptions};

mod change;
mod costs;
pub mod rows;

pub use change::{monthly_days, verdict, MonthlyDays, Verdict};
pub use costs::{cost_quartiles, weighted_quantile, CostQuartiles};

/// OAP figures of one collaborative and service line in one period (from `rates`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PeriodUse {
    pub oap_days: f64,
    pub inappropriate_oap_days: f64,
    pub oap_days_with_cost: f64,
    pub total_recorded_cost: f64,
}

/// A scenario on the current period's inappropriate OAP days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scenario {
    /// Cut them by this fraction (1.0: eliminate).
    ReduceInappropriate(f64),
}

impl Scenario {
    /// `eliminate-inappropriate` or `reduce-inappropriate=50%` (or `=0.5`).
    pub fn parse(text: &str) -> Result<Scenario> {
        let text = text.trim();
        if text == "eliminate-inappropriate" {
            return Ok(Scenario::ReduceInappropriate(1.0));
        }
        if let Some(value) = text.strip_prefix("reduce-inappropriate=") {
            let fraction = match value.strip_suffix('%') {
                Some(percent) => percent.trim().parse::<f64>().map(|p| p / 100.0),
                None => value.trim().parse::<f64>(),
            };
            match fraction {
                Ok(f) if (0.0..=1.0).contains(&f) => return Ok(Scenario::ReduceInappropriate(f)),
                _ => bail!("--scenario {text:?}: the reduction must be a percentage from 0% to 100% (e.g. reduce-inappropriate=50%)"),
            }
        }
        bail!("--scenario {text:?} is not known (expected eliminate-inappropriate or reduce-inappropriate=N%)")
    }

    pub fn fraction(self) -> f64 {
        match self {
            Scenario::ReduceInappropriate(f) => f,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Scenario::ReduceInappropriate(f) if f >= 1.0 => {
                "eliminate the current period's inappropriate OAP days".into()
            }
            Scenario::ReduceInappropriate(f) => format!(
                "cut the current period's inappropriate OAP days by {}%",
                f * 100.0
            ),
        }
    }
}

/// The assumptions of an estimate.
#[derive(Debug, Clone)]
pub struct Assumptions {
    pub baseline: Period,
    pub current: Period,
    /// Share of savings committed to community services.
    pub reinvest_share: f64,
    /// An OAP daily cost given by the user instead of the recorded baseline mean.
    pub oap_daily_cost: Option<f64>,
    pub scenario: Option<Scenario>,
}

/// Where the OAP daily cost of a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostSource {
    RecordedBaselineMean,
    Given,
    /// No OAP in the baseline had a recorded cost: the row cannot be costed.
    NoneRecorded,
}

impl CostSource {
    pub fn name(self) -> &'static str {
        match self {
            CostSource::RecordedBaselineMean => "recorded mean of the baseline",
            CostSource::Given => "given (--oap-daily-cost)",
            CostSource::NoneRecorded => "no cost recorded in the baseline: not costed",
        }
    }
}

/// A low, central and high money figure.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    pub low: f64,
    pub central: f64,
    pub high: f64,
}

impl Range {
    fn scale(per_day: Range, days: f64) -> Range {
        let (a, b) = (per_day.low * days, per_day.high * days);
        Range {
            low: a.min(b),
            central: per_day.central * days,
            high: a.max(b),
        }
    }
    fn times(self, share: f64) -> Range {
        Range {
            low: self.low * share,
            central: self.central * share,
            high: self.high * share,
        }
    }
    /// The same amounts the other way round: a negative effect as a positive cost pressure.
    pub fn opposite(self) -> Range {
        Range {
            low: -self.high,
            central: -self.central,
            high: -self.low,
        }
    }
    fn add(self, other: Range) -> Range {
        Range {
            low: self.low + other.low,
            central: self.central + other.central,
            high: self.high + other.high,
        }
    }
}

fn non_negative(r: Range) -> Range {
    Range {
        low: r.low.max(0.0),
        central: r.central.max(0.0),
        high: r.high.max(0.0),
    }
}

/// The estimate for one collaborative and service line (or, with `service_line` "all", a
/// collaborative's total).
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub collaborative: String,
    pub service_line: String,
    pub baseline_oap_days: f64,
    pub current_oap_days: f64,
    pub baseline_oap_days_annualised: f64,
    pub current_oap_days_annualised: f64,
    pub avoided_oap_days_annualised: f64,
    /// Whether the change in OAP days is real.
    pub verdict: Verdict,
    pub cost_source: CostSource,
    pub oap_daily_cost: Option<f64>,
    pub oap_daily_cost_lower_quartile: Option<f64>,
    pub oap_daily_cost_upper_quartile: Option<f64>,
    /// The cost range is the quartiles widened to hold the mean (skewed costs put it outside).
    pub cost_range_widened: bool,
    pub local_daily_cost: Option<f64>,
    /// Saving per avoided day: low, central, high.
    pub saving_per_day: Option<Range>,
    /// Avoided days × saving per day when OAP days fell or held (`None` when they rose); on a
    /// total, the sum of its service lines' savings.
    pub estimated_saving: Option<Range>,
    /// Risen OAP days × saving per day when OAP days rose (`None` otherwise); on a total, the
    /// sum of its service lines' cost pressures.
    pub cost_pressure: Option<Range>,
    /// Savings less cost pressures (negative: a net cost pressure).
    pub net_saving: Option<Range>,
    /// The committed share of the net saving, never below zero.
    pub reinvestment: Option<Range>,
    pub scenario_avoided_oap_days_annualised: Option<f64>,
    pub scenario_saving: Option<Range>,
    pub scenario_reinvestment: Option<Range>,
}

/// OAP use per collaborative and service line from a `rates --by service_line` frame of one period.
pub fn period_use(rates: &DataFrame) -> PolarsResult<BTreeMap<(String, String), PeriodUse>> {
    let mut out = BTreeMap::new();
    let c = rates.column("collaborative")?.str()?;
    let s = rates.column("service_line")?.str()?;
    let number = |name: &str| -> PolarsResult<Vec<f64>> {
        Ok(rates
            .column(name)?
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .map(|v| v.unwrap_or(0.0))
            .collect())
    };
    let (days, inappropriate, with_cost, cost) = (
        number("oap_days")?,
        number("inappropriate_oap_days")?,
        number("oap_days_with_cost")?,
        number("total_recorded_cost")?,
    );
    for i in 0..rates.height() {
        if let (Some(c), Some(s)) = (c.get(i), s.get(i)) {
            out.insert(
                (c.to_string(), s.to_string()),
                PeriodUse {
                    oap_days: days[i],
                    inappropriate_oap_days: inappropriate[i],
                    oap_days_with_cost: with_cost[i],
                    total_recorded_cost: cost[i],
                },
            );
        }
    }
    Ok(out)
}

/// The estimates per collaborative and service line, in code order.
///
/// A service line with OAP days in either period needs a local daily cost; its absence is an
/// error naming the collaborative and service line. A service line with no OAP days in either
/// period is left out (nothing to estimate). `monthly` holds the monthly OAP days that judge
/// whether each change is real (a key without them is not judged).
pub fn estimate(
    baseline: &BTreeMap<(String, String), PeriodUse>,
    current: &BTreeMap<(String, String), PeriodUse>,
    quartiles: &BTreeMap<(String, String), CostQuartiles>,
    local_daily_costs: &BTreeMap<(String, String), f64>,
    monthly: &BTreeMap<(String, String), MonthlyDays>,
    assumptions: &Assumptions,
) -> Result<Vec<Estimate>> {
    // Multiply before dividing, so that a whole year's days come back exactly.
    let annualise = |days: f64, p: &Period| days * 365.0 / p.length_days() as f64;
    let (baseline_period, current_period) = (&assumptions.baseline, &assumptions.current);
    let keys: std::collections::BTreeSet<&(String, String)> =
        baseline.keys().chain(current.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let b = baseline.get(key).copied().unwrap_or_default();
        let c = current.get(key).copied().unwrap_or_default();
        if b.oap_days == 0.0 && c.oap_days == 0.0 {
            continue;
        }
        let Some(&local) = local_daily_costs.get(key) else {
            bail!(
                "no local daily cost for collaborative {} and service line {}: add it to the local costs reference (local_costs.csv)",
                key.0, key.1
            );
        };
        let baseline_annual = annualise(b.oap_days, baseline_period);
        let current_annual = annualise(c.oap_days, current_period);
        let avoided = baseline_annual - current_annual;
        let recorded_mean =
            (b.oap_days_with_cost > 0.0).then(|| b.total_recorded_cost / b.oap_days_with_cost);
        let quartile = quartiles.get(key).copied();
        let (source, cost, low_cost, high_cost) = match (assumptions.oap_daily_cost, recorded_mean)
        {
            (Some(given), _) => (CostSource::Given, Some(given), Some(given), Some(given)),
            (None, Some(mean)) => (
                CostSource::RecordedBaselineMean,
                Some(mean),
                quartile.map(|q| q.lower),
                quartile.map(|q| q.upper),
            ),
            (None, None) => (CostSource::NoneRecorded, None, None, None),
        };
        // The point never lies outside its range: where skewed costs put the mean outside the
        // quartiles (or rounding does, by a hair), the range is widened to hold it.
        let mut widened = false;
        let saving_per_day = match (cost, low_cost, high_cost) {
            (Some(mid), Some(lo), Some(hi)) => {
                widened = mid < lo || mid > hi;
                Some(Range {
                    low: lo.min(mid) - local,
                    central: mid - local,
                    high: hi.max(mid) - local,
                })
            }
            _ => None,
        };
        let effect = saving_per_day.map(|per_day| Range::scale(per_day, avoided));
        // A fall (or no change) in OAP days is a saving, a rise a cost pressure; never both. The
        // low end of a saving may be below zero where cheap OAPs cost less than a local bed.
        let estimated_saving = effect.filter(|_| avoided >= 0.0);
        let cost_pressure = effect.filter(|_| avoided < 0.0).map(Range::opposite);
        let scenario_days = assumptions
            .scenario
            .map(|s| annualise(c.inappropriate_oap_days, current_period) * s.fraction());
        let scenario_saving = match (scenario_days, saving_per_day) {
            (Some(days), Some(per_day)) => Some(Range::scale(per_day, days)),
            _ => None,
        };
        out.push(Estimate {
            collaborative: key.0.clone(),
            service_line: key.1.clone(),
            baseline_oap_days: b.oap_days,
            current_oap_days: c.oap_days,
            baseline_oap_days_annualised: baseline_annual,
            current_oap_days_annualised: current_annual,
            avoided_oap_days_annualised: avoided,
            verdict: monthly
                .get(key)
                .map_or(Verdict::NotJudged, |m| verdict(m, avoided)),
            cost_source: source,
            oap_daily_cost: cost,
            oap_daily_cost_lower_quartile: low_cost,
            oap_daily_cost_upper_quartile: high_cost,
            cost_range_widened: widened,
            local_daily_cost: Some(local),
            saving_per_day,
            estimated_saving,
            cost_pressure,
            net_saving: effect,
            reinvestment: effect.map(|e| non_negative(e).times(assumptions.reinvest_share)),
            scenario_avoided_oap_days_annualised: scenario_days,
            scenario_saving,
            scenario_reinvestment: scenario_saving.map(|s| s.times(assumptions.reinvest_share)),
        });
    }
    Ok(out)
}

/// A collaborative's total: sums of the costed service lines, savings and pressures apart; the
/// net saving is savings less pressures, and its committed share, never negative, is the
/// reinvestment. `monthly` (the collaborative's monthly OAP days) judges its change.
pub fn total(
    collaborative: &str,
    rows: &[&Estimate],
    share: f64,
    monthly: Option<&MonthlyDays>,
) -> Estimate {
    let sum = |f: &dyn Fn(&Estimate) -> f64| rows.iter().map(|r| f(r)).sum::<f64>();
    let sum_range = |f: &dyn Fn(&Estimate) -> Option<Range>| {
        rows.iter()
            .filter_map(|r| f(r))
            .fold(Range::default(), Range::add)
    };
    // With no service line costed there is no saving to add up: empty, never £0.
    let costed = rows
        .iter()
        .any(|r| r.estimated_saving.is_some() || r.cost_pressure.is_some());
    let saving = sum_range(&|r| r.estimated_saving);
    let pressure = sum_range(&|r| r.cost_pressure);
    let net = saving.add(pressure.opposite());
    let has_scenario = costed && rows.iter().any(|r| r.scenario_saving.is_some());
    let scenario_saving = has_scenario.then(|| sum_range(&|r| r.scenario_saving));
    let avoided = sum(&|r| r.avoided_oap_days_annualised);
    Estimate {
        collaborative: collaborative.to_string(),
        service_line: "all".into(),
        baseline_oap_days: sum(&|r| r.baseline_oap_days),
        current_oap_days: sum(&|r| r.current_oap_days),
        baseline_oap_days_annualised: sum(&|r| r.baseline_oap_days_annualised),
        current_oap_days_annualised: sum(&|r| r.current_oap_days_annualised),
        avoided_oap_days_annualised: avoided,
        verdict: monthly.map_or(Verdict::NotJudged, |m| verdict(m, avoided)),
        cost_source: if costed {
            CostSource::RecordedBaselineMean
        } else {
            CostSource::NoneRecorded
        },
        oap_daily_cost: None,
        oap_daily_cost_lower_quartile: None,
        oap_daily_cost_upper_quartile: None,
        cost_range_widened: rows.iter().any(|r| r.cost_range_widened),
        local_daily_cost: None,
        saving_per_day: None,
        estimated_saving: costed.then_some(saving),
        cost_pressure: costed.then_some(pressure),
        net_saving: costed.then_some(net),
        reinvestment: costed.then(|| non_negative(net).times(share)),
        scenario_avoided_oap_days_annualised: has_scenario
            .then(|| sum(&|r| r.scenario_avoided_oap_days_annualised.unwrap_or(0.0))),
        scenario_saving,
        scenario_reinvestment: scenario_saving.map(|s| s.times(share)),
    }
}

/// How a collaborative's net saving moves with its assumptions (central figures).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sensitivity {
    pub net_saving: f64,
    /// With every local daily cost 10% lower, and 10% higher.
    pub net_saving_local_cost_10_percent_lower: f64,
    pub net_saving_local_cost_10_percent_higher: f64,
    /// How much the reinvestment moves per 10 percentage points of the reinvestment share.
    pub reinvestment_per_10_points_of_share: f64,
}

/// The sensitivity of a collaborative's net saving, from its costed service lines: a local cost
/// `(1 ± 0.1) × l` changes each line's saving per day by `∓ 0.1 × l`, so the net saving by
/// `∓ 0.1 × Σ avoided days × l`.
pub fn sensitivity(rows: &[&Estimate]) -> Sensitivity {
    let costed = rows.iter().filter(|r| r.net_saving.is_some());
    let net: f64 = costed
        .clone()
        .filter_map(|r| r.net_saving)
        .map(|n| n.central)
        .sum();
    let local_share: f64 = costed
        .map(|r| r.avoided_oap_days_annualised * r.local_daily_cost.unwrap_or(0.0) * 0.1)
        .sum();
    Sensitivity {
        net_saving: net,
        net_saving_local_cost_10_percent_lower: net + local_share,
        net_saving_local_cost_10_percent_higher: net - local_share,
        reinvestment_per_10_points_of_share: net.max(0.0) * 0.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn fy(year: i32) -> Period {
        crate::periods::financial_year(year)
    }

    fn key(c: &str, s: &str) -> (String, String) {
        (c.to_string(), s.to_string())
    }

    fn assumptions(scenario: Option<Scenario>) -> Assumptions {
        Assumptions {
            baseline: fy(2024),
            current: fy(2025),
            reinvest_share: 0.5,
            oap_daily_cost: None,
            scenario,
        }
    }

    #[test]
    fn falling_rising_and_uncosted_service_lines() {
        let use_ = |days: f64, inappropriate: f64, with_cost: f64, cost: f64| PeriodUse {
            oap_days: days,
            inappropriate_oap_days: inappropriate,
            oap_days_with_cost: with_cost,
            total_recorded_cost: cost,
        };
        // 2024-25 and 2025-26 both have 365 days: no annualisation effect.
        let baseline = BTreeMap::from([
            (key("AAA", "acute"), use_(1000.0, 600.0, 800.0, 480_000.0)), // mean £600/day
            (key("AAA", "picu"), use_(100.0, 50.0, 100.0, 90_000.0)),     // mean £900/day
            (key("AAA", "secure"), use_(200.0, 0.0, 0.0, 0.0)),           // no cost recorded
        ]);
        let current = BTreeMap::from([
            (key("AAA", "acute"), use_(700.0, 400.0, 0.0, 0.0)),
            (key("AAA", "picu"), use_(150.0, 100.0, 0.0, 0.0)),
            (key("AAA", "secure"), use_(100.0, 0.0, 0.0, 0.0)),
        ]);
        let quartiles = BTreeMap::from([
            (
                key("AAA", "acute"),
                CostQuartiles {
                    lower: 550.0,
                    upper: 680.0,
                },
            ),
            (
                key("AAA", "picu"),
                CostQuartiles {
                    lower: 850.0,
                    upper: 1000.0,
                },
            ),
        ]);
        let local = BTreeMap::from([
            (key("AAA", "acute"), 450.0),
            (key("AAA", "picu"), 800.0),
            (key("AAA", "secure"), 500.0),
        ]);
        let rows = estimate(
            &baseline,
            &current,
            &quartiles,
            &local,
            &BTreeMap::new(),
            &assumptions(Some(Scenario::ReduceInappropriate(0.5))),
        )
        .unwrap();

        let acute = &rows[0];
        assert_eq!(acute.avoided_oap_days_annualised, 300.0);
        assert_eq!(acute.oap_daily_cost, Some(600.0));
        // 300 days × (600 − 450) = 45,000; range 300 × 100 to 300 × 230.
        assert_eq!(
            acute.estimated_saving,
            Some(Range {
                low: 30_000.0,
                central: 45_000.0,
                high: 69_000.0
            })
        );
        assert_eq!(acute.cost_pressure, None);
        assert_eq!(acute.net_saving, acute.estimated_saving);
        assert_eq!(acute.verdict, Verdict::NotJudged);
        assert!(!acute.cost_range_widened);
        assert_eq!(
            acute.reinvestment,
            Some(Range {
                low: 15_000.0,
                central: 22_500.0,
                high: 34_500.0
            })
        );
        // Scenario: half of 400 inappropriate days × £150.
        assert_eq!(acute.scenario_avoided_oap_days_annualised, Some(200.0));
        assert_eq!(acute.scenario_saving.unwrap().central, 30_000.0);
        // Half of it committed: 15,000 (range 200 × 100 and 200 × 230, halved).
        assert_eq!(
            acute.scenario_reinvestment,
            Some(Range {
                low: 10_000.0,
                central: 15_000.0,
                high: 23_000.0
            })
        );

        let picu = &rows[1];
        // OAP days rose by 50: a cost pressure of 50 × (900 − 800) = 5,000 (range 2,500–10,000).
        assert_eq!(picu.avoided_oap_days_annualised, -50.0);
        assert_eq!(picu.estimated_saving, None);
        assert_eq!(
            picu.cost_pressure,
            Some(Range {
                low: 2_500.0,
                central: 5_000.0,
                high: 10_000.0
            })
        );

        assert_eq!(
            picu.net_saving,
            Some(Range {
                low: -10_000.0,
                central: -5_000.0,
                high: -2_500.0
            })
        );
        assert_eq!(picu.reinvestment, Some(Range::default()));

        let secure = &rows[2];
        assert_eq!(secure.cost_source, CostSource::NoneRecorded);
        assert_eq!(secure.estimated_saving, None);
        assert_eq!(secure.cost_pressure, None);

        // A collaborative whose only line is not costed (as MHSDS tables, which hold no costs,
        // give): its total has no saving, pressure or reinvestment — empty, never £0.
        let uncosted = total("AAA", &[&rows[2]], 0.5, None);
        assert_eq!(uncosted.cost_source, CostSource::NoneRecorded);
        assert_eq!(uncosted.estimated_saving, None);
        assert_eq!(uncosted.cost_pressure, None);
        assert_eq!(uncosted.net_saving, None);
        assert_eq!(uncosted.reinvestment, None);
        assert_eq!(uncosted.avoided_oap_days_annualised, 100.0);

        let all: Vec<&Estimate> = rows.iter().collect();
        let t = total("AAA", &all, 0.5, None);
        assert_eq!(t.avoided_oap_days_annualised, 300.0 - 50.0 + 100.0);
        assert_eq!(t.estimated_saving.unwrap().central, 45_000.0);
        assert_eq!(t.cost_pressure.unwrap().central, 5_000.0);
        assert_eq!(
            t.net_saving,
            Some(Range {
                low: 20_000.0,
                central: 40_000.0,
                high: 66_500.0
            })
        );
        // Half of the net 40,000; low: 30,000 − 10,000; high: 69,000 − 2,500.
        assert_eq!(
            t.reinvestment,
            Some(Range {
                low: 10_000.0,
                central: 20_000.0,
                high: 33_250.0
            })
        );
    }

    #[test]
    fn partial_current_period_is_annualised() {
        let current_period = Period {
            label: "2025-04-01 to 2025-09-30".into(),
            start: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2025, 9, 30).unwrap(),
        };
        let a = Assumptions {
            current: current_period,
            oap_daily_cost: Some(700.0),
            ..assumptions(None)
        };
        let baseline = BTreeMap::from([(
            key("AAA", "acute"),
            PeriodUse {
                oap_days: 730.0,
                ..Default::default()
            },
        )]);
        let current = BTreeMap::from([(
            key("AAA", "acute"),
            PeriodUse {
                oap_days: 183.0,
                ..Default::default()
            },
        )]);
        let local = BTreeMap::from([(key("AAA", "acute"), 500.0)]);
        let rows = estimate(
            &baseline,
            &current,
            &BTreeMap::new(),
            &local,
            &BTreeMap::new(),
            &a,
        )
        .unwrap();
        // 183 days in 183 days is 365 a year; baseline 730 a year: 365 avoided × £200.
        assert_eq!(rows[0].current_oap_days_annualised, 365.0);
        assert_eq!(rows[0].avoided_oap_days_annualised, 365.0);
        assert_eq!(rows[0].cost_source, CostSource::Given);
        assert_eq!(
            rows[0].estimated_saving,
            Some(Range {
                low: 73_000.0,
                central: 73_000.0,
                high: 73_000.0
            })
        );
    }

    #[test]
    fn missing_local_cost_names_collaborative_and_service_line() {
        let baseline = BTreeMap::from([(
            key("AAA", "picu"),
            PeriodUse {
                oap_days: 10.0,
                ..Default::default()
            },
        )]);
        let error = estimate(
            &baseline,
            &BTreeMap::new(),
            &BTreeMap::new(),
            &BTreeMap::new(),
            &BTreeMap::new(),
            &assumptions(None),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "no local daily cost for collaborative AAA and service line picu: add it to the local costs reference (local_costs.csv)"
        );
    }

    #[test]
    fn a_mean_outside_the_quartiles_widens_the_range() {
        // Ten days at £100 and one at £1,000: both quartiles are £100 (positions 2.5 and 7.5 of
        // 11 days), the mean £2,000 / 11 = £181.82 lies above them; the range is widened to it.
        let mut costs = vec![(100.0, 10), (1000.0, 1)];
        let quartiles = CostQuartiles {
            lower: weighted_quantile(&mut costs, 0.25).unwrap(),
            upper: weighted_quantile(&mut costs, 0.75).unwrap(),
        };
        assert_eq!((quartiles.lower, quartiles.upper), (100.0, 100.0));
        let use_ = |days: f64| PeriodUse {
            oap_days: days,
            oap_days_with_cost: 11.0,
            total_recorded_cost: 2000.0,
            ..Default::default()
        };
        let rows = estimate(
            &BTreeMap::from([(key("AAA", "acute"), use_(365.0))]),
            &BTreeMap::from([(key("AAA", "acute"), use_(300.0))]),
            &BTreeMap::from([(key("AAA", "acute"), quartiles)]),
            &BTreeMap::from([(key("AAA", "acute"), 50.0)]),
            &BTreeMap::new(),
            &assumptions(None),
        )
        .unwrap();
        let saving = rows[0].estimated_saving.unwrap();
        // 65 days × (100 − 50) = 3,250 to 65 × (181.82 − 50) = 8,568.18, the point at the top.
        assert!(rows[0].cost_range_widened);
        assert_eq!(saving.low, 3250.0);
        assert!((saving.central - 65.0 * (2000.0 / 11.0 - 50.0)).abs() < 1e-9);
        assert_eq!(saving.high, saving.central);
        assert!(total("AAA", &[&rows[0]], 0.5, None).cost_range_widened);
    }

    #[test]
    fn sensitivity_to_local_costs_and_share() {
        let line = |avoided: f64, net: f64, local: f64| Estimate {
            avoided_oap_days_annualised: avoided,
            net_saving: Some(Range {
                low: net,
                central: net,
                high: net,
            }),
            local_daily_cost: Some(local),
            ..total("AAA", &[], 0.5, None)
        };
        // Net 45,000 − 5,000 = 40,000; local costs ±10%: ∓ 0.1 × (300 × 450 − 50 × 800) =
        // ∓ 9,500; each 10 points of share moves 4,000.
        let (a, b) = (line(300.0, 45_000.0, 450.0), line(-50.0, -5_000.0, 800.0));
        let s = sensitivity(&[&a, &b]);
        assert_eq!(s.net_saving, 40_000.0);
        assert_eq!(s.net_saving_local_cost_10_percent_lower, 49_500.0);
        assert_eq!(s.net_saving_local_cost_10_percent_higher, 30_500.0);
        assert_eq!(s.reinvestment_per_10_points_of_share, 4_000.0);
    }

    #[test]
    fn scenarios_parse() {
        assert_eq!(
            Scenario::parse("eliminate-inappropriate").unwrap(),
            Scenario::ReduceInappropriate(1.0)
        );
        assert_eq!(
            Scenario::parse("reduce-inappropriate=50%").unwrap(),
            Scenario::ReduceInappropriate(0.5)
        );
        assert_eq!(
            Scenario::parse("reduce-inappropriate=0.25").unwrap(),
            Scenario::ReduceInappropriate(0.25)
        );
        assert!(Scenario::parse("reduce-inappropriate=150%").is_err());
        assert!(Scenario::parse("halve-everything").is_err());
    }
}
