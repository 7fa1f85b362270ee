//! The OAP daily cost's range: quartiles of the recorded daily cost weighted the way the
//! recorded mean is, each costed OAP day once (DOMAIN.md section 8).

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::periods::{days_in_period, Period};
use crate::spells::{decode, stays};

/// Quartiles of the recorded daily cost over the costed OAP days of the baseline (each day once,
/// as the recorded mean counts them; linear interpolation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostQuartiles {
    pub lower: f64,
    pub upper: f64,
}

/// The `q` quantile (linear interpolation between closest ranks, R type 7) of the list holding
/// each `(value, weight)` value `weight` times; `None` when the weights add up to 0.
pub fn weighted_quantile(values: &mut [(f64, u64)], q: f64) -> Option<f64> {
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: u64 = values.iter().map(|v| v.1).sum();
    if total == 0 {
        return None;
    }
    // The value at 0-based position k of the expanded, sorted list.
    let at = |k: u64| {
        let mut seen = 0;
        values
            .iter()
            .find(|(_, w)| {
                seen += w;
                seen > k
            })
            .map(|v| v.0)
            .expect("position within the weights")
    };
    let h = (total - 1) as f64 * q;
    let below = h.floor() as u64;
    let (low, high) = (at(below), at((below + 1).min(total - 1)));
    Some(low + (h - below as f64) * (high - low))
}

/// Day-weighted quartiles of the recorded daily cost of OAPs in `period`, per collaborative and
/// service line: each OAP with a recorded cost weighs its days in the period (DOMAIN.md
/// section 4), as in the recorded mean (total recorded cost ÷ OAP days with a cost).
pub fn cost_quartiles(
    oaps: &DataFrame,
    period: &Period,
    names: &[String],
) -> PolarsResult<BTreeMap<(String, String), CostQuartiles>> {
    let stays = stays(oaps, "start_date", "end_date")?;
    let (c, s) = (
        decode(oaps.column("collaborative")?, names)?,
        decode(oaps.column("service_line")?, names)?,
    );
    let (c, s) = (c.str()?, s.str()?);
    let costs = oaps.column("daily_cost")?.f64()?;
    let (p1, p2) = (period.start_day(), period.end_day());
    let mut costed: BTreeMap<(String, String), Vec<(f64, u64)>> = BTreeMap::new();
    for row in 0..oaps.height() {
        let Some(cost) = costs.get(row) else { continue };
        let days = days_in_period(stays.start(row), stays.end(row), p1, p2);
        if let (Some(c), Some(s), true) = (c.get(row), s.get(row), days > 0) {
            costed
                .entry((c.to_string(), s.to_string()))
                .or_default()
                .push((cost, days as u64));
        }
    }
    Ok(costed
        .into_iter()
        .filter_map(|(key, mut days)| {
            let lower = weighted_quantile(&mut days, 0.25)?;
            let upper = weighted_quantile(&mut days, 0.75)?;
            Some((key, CostQuartiles { lower, upper }))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_weigh_each_costed_day_once() {
        // £100 for 1 day, £200 for 2, £400 for 1: the days are 100, 200, 200, 400. Lower
        // quartile at position 0.75: 100 + 0.75 × 100 = 175; upper at 2.25: 200 + 0.25 × 200 =
        // 250 (by placement, 100, 200, 400, they would be 150 and 300).
        let mut costs = vec![(400.0, 1), (100.0, 1), (200.0, 2)];
        assert_eq!(weighted_quantile(&mut costs, 0.25), Some(175.0));
        assert_eq!(weighted_quantile(&mut costs, 0.75), Some(250.0));
        assert_eq!(weighted_quantile(&mut costs, 0.0), Some(100.0));
        assert_eq!(weighted_quantile(&mut costs, 1.0), Some(400.0));
        assert_eq!(weighted_quantile(&mut [(5.0, 1)], 0.75), Some(5.0));
        assert_eq!(weighted_quantile(&mut [(5.0, 0)], 0.75), None);
        assert_eq!(weighted_quantile(&mut [], 0.5), None);
    }
}
