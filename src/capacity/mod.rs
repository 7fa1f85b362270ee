//! How many local beds would bring inappropriate out-of-area placements home?
//!
//! The daily **demand** for local beds, per collaborative and service line (and per named group
//! of service lines), over a baseline: on each night, the people in hospital that night and not
//! in an out-of-area placement (in area: a spell's placements are all of its stays, DOMAIN.md
//! section 3), plus `repatriate` × the people in an inappropriate OAP (reason 10) that night.
//! Appropriate OAPs stay where they are. A stay is in on the nights `s, …, e − 1` (DOMAIN.md
//! section 4), so a day on which one stay ends and another starts counts one.
//!
//! From the days' demand: its mean, peak and percentiles (linear, R type 7); the beds needed at a
//! target occupancy (mean ÷ occupancy, rounded up to whole beds); the beds needed so that demand
//! exceeds them on at most a given share of days (the smallest whole number of beds, read from
//! the days' own distribution), with the person-days a year that would still need a bed
//! elsewhere at that size (the demand above the beds, annualised).

mod report;

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::census::Census;
use crate::periods::{date_of, Day, Period};
use crate::reinvest::weighted_quantile;
use crate::spells::stays;

pub use report::{beds_file, fields, report, CapacityOptions};

/// What to compute, besides the frames.
pub struct CapacityRequest<'a> {
    pub baseline: &'a Period,
    /// Share of inappropriate OAP days brought home (0 to 1).
    pub repatriate: f64,
    /// Named groups of service lines (e.g. adult acute), each reported beside its lines.
    pub groups: &'a [(String, Vec<String>)],
    /// The names of the coded columns (`validate::Checked::names`).
    pub names: &'a [String],
}

/// The daily demand of one collaborative and service line (or group) over the baseline, and the
/// recorded spend on its inappropriate OAPs brought home.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub collaborative: String,
    pub service_line: String,
    /// One value a day, from the baseline's first day.
    pub days: Vec<f64>,
    /// Recorded cost of the inappropriate OAP days brought home (`repatriate` × their cost).
    pub inappropriate_oap_spend: f64,
    /// Inappropriate OAP days brought home, and those of them with a recorded cost.
    pub inappropriate_oap_days: f64,
    pub inappropriate_oap_days_costed: f64,
}

/// The censuses of one key: spells, OAPs, inappropriate OAPs; and the inappropriate OAPs' cost.
struct Tallies {
    spells: Census<i64>,
    oaps: Census<i64>,
    inappropriate: Census<i64>,
    spend: f64,
    days: f64,
    costed: f64,
}

impl Tallies {
    fn new(p1: i32, p2: i32) -> Tallies {
        Tallies {
            spells: Census::new(p1, p2),
            oaps: Census::new(p1, p2),
            inappropriate: Census::new(p1, p2),
            spend: 0.0,
            days: 0.0,
            costed: 0.0,
        }
    }
}

/// The daily demand per collaborative and service line, then per collaborative and group, in
/// code order.
pub fn daily_demand(
    admissions: &DataFrame,
    oaps: &DataFrame,
    request: &CapacityRequest,
) -> PolarsResult<Vec<Demand>> {
    let (p1, p2) = (request.baseline.start_day(), request.baseline.end_day());
    // Keyed by the codes of collaborative and service line (`validate::Checked`), named at the end.
    let mut tallies: BTreeMap<(u32, u32), Tallies> = BTreeMap::new();
    let keys = |frame: &DataFrame| -> PolarsResult<Vec<Option<(u32, u32)>>> {
        let (c, s) = (
            frame.column("collaborative")?.u32()?,
            frame.column("service_line")?.u32()?,
        );
        Ok(c.iter().zip(s.iter()).map(|(c, s)| c.zip(s)).collect())
    };
    let spells = stays(admissions, "admission_date", "discharge_date")?;
    for (row, key) in keys(admissions)?.into_iter().enumerate() {
        if let Some(key) = key {
            tallies
                .entry(key)
                .or_insert_with(|| Tallies::new(p1, p2))
                .spells
                .add(spells.start(row), spells.end(row), 1);
        }
    }
    let placements = stays(oaps, "start_date", "end_date")?;
    let reasons = oaps.column("oap_reason")?.str()?;
    let costs = oaps.column("daily_cost")?.f64()?;
    for (row, key) in keys(oaps)?.into_iter().enumerate() {
        let Some(key) = key else { continue };
        let t = tallies.entry(key).or_insert_with(|| Tallies::new(p1, p2));
        let (start, end) = (placements.start(row), placements.end(row));
        t.oaps.add(start, end, 1);
        if reasons.get(row) == Some("10") {
            t.inappropriate.add(start, end, 1);
            let nights = crate::periods::days_in_period(start, end, p1, p2) as f64;
            t.days += nights;
            if let Some(cost) = costs.get(row) {
                t.spend += cost * nights;
                t.costed += nights;
            }
        }
    }
    let name = |code: u32| {
        request
            .names
            .get(code as usize)
            .cloned()
            .unwrap_or_default()
    };
    let share = request.repatriate;
    let mut lines: Vec<Demand> = tallies
        .into_iter()
        .map(|((collaborative, service_line), t)| {
            let (collaborative, service_line) = (name(collaborative), name(service_line));
            let (spells, oaps, inappropriate) =
                (t.spells.finish(), t.oaps.finish(), t.inappropriate.finish());
            let days = (p1..=p2)
                .map(|d| {
                    (spells.active_at_end(d) - oaps.active_at_end(d)) as f64
                        + share * inappropriate.active_at_end(d) as f64
                })
                .collect();
            Demand {
                collaborative,
                service_line,
                days,
                inappropriate_oap_spend: share * t.spend,
                inappropriate_oap_days: share * t.days,
                inappropriate_oap_days_costed: share * t.costed,
            }
        })
        .collect();
    let mut grouped = Vec::new();
    let collaboratives: std::collections::BTreeSet<&str> =
        lines.iter().map(|l| l.collaborative.as_str()).collect();
    for (name, members) in request.groups {
        for collaborative in &collaboratives {
            let parts: Vec<&Demand> = lines
                .iter()
                .filter(|l| l.collaborative == *collaborative && members.contains(&l.service_line))
                .collect();
            if parts.is_empty() {
                continue;
            }
            let n = parts[0].days.len();
            grouped.push(Demand {
                collaborative: collaborative.to_string(),
                service_line: name.clone(),
                days: (0..n)
                    .map(|i| parts.iter().map(|p| p.days[i]).sum())
                    .collect(),
                inappropriate_oap_spend: parts.iter().map(|p| p.inappropriate_oap_spend).sum(),
                inappropriate_oap_days: parts.iter().map(|p| p.inappropriate_oap_days).sum(),
                inappropriate_oap_days_costed: parts
                    .iter()
                    .map(|p| p.inappropriate_oap_days_costed)
                    .sum(),
            });
        }
    }
    lines.extend(grouped);
    // By collaborative, then service line, with each collaborative's groups after its lines.
    lines.sort_by(|a, b| a.collaborative.cmp(&b.collaborative));
    Ok(lines)
}

/// What the days' demand says about beds.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub days: usize,
    pub mean: f64,
    pub peak: f64,
    /// The 50th, 75th, 90th, 95th and 99th percentiles.
    pub percentiles: [f64; 5],
    /// Mean ÷ occupancy, rounded up to whole beds.
    pub beds_by_occupancy: f64,
    /// The fewest whole beds that demand exceeds on at most the risk's share of days.
    pub beds_by_risk: f64,
    /// Demand above `beds_by_risk`, summed over the days and annualised (× 365 ÷ days).
    pub person_days_above_per_year: f64,
}

pub const PERCENTILES: [f64; 5] = [0.50, 0.75, 0.90, 0.95, 0.99];

/// The figures of `days` (at least one) at a target `occupancy` (0 < o ≤ 1) and a `risk`
/// (0 ≤ r < 1) of demand above the beds.
pub fn figures(days: &[f64], occupancy: f64, risk: f64) -> Figures {
    let n = days.len();
    // Sorted once, quietest night first (the quantiles keep that order).
    let mut sorted: Vec<(f64, u64)> = days.iter().map(|d| (*d, 1)).collect();
    let percentiles = PERCENTILES.map(|q| weighted_quantile(&mut sorted, q).unwrap_or(0.0));
    let mean = days.iter().sum::<f64>() / n as f64;
    let peak = days.iter().copied().fold(0.0, f64::max);
    // Demand may exceed the beds on at most `allowed` days: the beds must reach the demand of the
    // (allowed + 1)-th busiest day.
    let allowed = (risk * n as f64 + 1e-9).floor() as usize;
    let beds_by_risk = if allowed < n {
        sorted[n - 1 - allowed].0.ceil().max(0.0)
    } else {
        0.0
    };
    let above: f64 = days.iter().map(|d| (d - beds_by_risk).max(0.0)).sum();
    Figures {
        days: n,
        mean,
        peak,
        percentiles,
        beds_by_occupancy: (mean / occupancy - 1e-9).ceil().max(0.0),
        beds_by_risk,
        person_days_above_per_year: above * 365.0 / n as f64,
    }
}

/// The share of days on which demand exceeds `beds`.
pub fn share_of_days_above(days: &[f64], beds: f64) -> f64 {
    days.iter().filter(|d| **d > beds).count() as f64 / days.len() as f64
}

/// The days of `demand` in each calendar month of the baseline, labelled `YYYY-MM`.
pub fn by_month(demand: &[f64], baseline: &Period) -> Vec<(String, Vec<f64>)> {
    let mut months: Vec<(String, Vec<f64>)> = Vec::new();
    for (i, value) in demand.iter().enumerate() {
        let label = date_of(baseline.start_day() + i as i32)
            .format("%Y-%m")
            .to_string();
        match months.last_mut() {
            Some((last, values)) if *last == label => values.push(*value),
            _ => months.push((label, vec![*value])),
        }
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_by_hand() {
        // Ten days: 3, 5, 4, 6, 8, 5, 4, 3, 7, 5. Mean 5; peak 8; sorted 3 3 4 4 5 5 5 6 7 8:
        // p50 at 4.5 → 5; p90 at 8.1 → 7 + 0.1 × 1 = 7.1.
        let days = [3.0, 5.0, 4.0, 6.0, 8.0, 5.0, 4.0, 3.0, 7.0, 5.0];
        let f = figures(&days, 0.85, 0.1);
        assert_eq!(f.mean, 5.0);
        assert_eq!(f.peak, 8.0);
        assert_eq!(f.percentiles[0], 5.0);
        assert!((f.percentiles[2] - 7.1).abs() < 1e-12);
        // 5 / 0.85 = 5.88: 6 beds.
        assert_eq!(f.beds_by_occupancy, 6.0);
        // At most 1 day of 10 above: the second busiest day (7) sets it; the busiest is 1 above.
        assert_eq!(f.beds_by_risk, 7.0);
        assert!((f.person_days_above_per_year - 36.5).abs() < 1e-9);
        // No risk: the peak.
        assert_eq!(figures(&days, 0.85, 0.0).beds_by_risk, 8.0);
        // Fractional demand rounds up to a whole bed.
        assert_eq!(figures(&[2.5, 2.5], 1.0, 0.0).beds_by_risk, 3.0);
        assert_eq!(figures(&[2.5, 2.5], 1.0, 0.0).beds_by_occupancy, 3.0);
        assert_eq!(share_of_days_above(&days, 5.0), 0.3);
    }
}

/// What one chart of `capacity` shows (drawn by `render::demand_chart`).
#[derive(Debug, Clone)]
pub struct DemandChart {
    pub collaborative: String,
    pub service_line: String,
    /// The baseline's first night, and the demand of each night from it.
    pub first: Day,
    pub demand: Vec<f64>,
    pub beds_by_occupancy: f64,
    pub occupancy: f64,
    pub beds_by_risk: f64,
    pub risk: f64,
    pub current_beds: Option<f64>,
}

impl DemandChart {
    /// The chart's file name: `capacity-COLLABORATIVE-SERVICE_LINE.svg`.
    pub fn file_name(&self) -> String {
        format!("capacity-{}-{}.svg", self.collaborative, self.service_line)
    }
}
