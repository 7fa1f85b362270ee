//! A crude rate with exact Poisson or Byar's limits (PHEindicatormethods `phe_rate` in
//! `R/Rates.R`, `byars_lower` and `byars_upper` in `R/utils.R`).

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::{check_confidence, z, Interval};

/// Below this many events a rate's limits are exact Poisson limits, from it Byar's.
const EXACT_BELOW: u64 = 10;

/// The rate `x / n × multiplier` with its confidence interval: for `x` below 10 the exact
/// Poisson limits `χ²(α/2; 2x)/2` and `χ²(1 − α/2; 2x + 2)/2` (α = 1 − confidence; the lower
/// limit is 0 when `x` is 0), from 10 Byar's approximation of them; each divided by `n` and
/// multiplied by `multiplier` (100,000 for a rate per 100,000).
///
/// `None` when the population `n` is not above 0 (the package refuses it). `x` may exceed `n`
/// (a rate is not a proportion).
pub fn crude_rate(x: u64, n: f64, multiplier: f64, confidence: f64) -> Option<Interval> {
    check_confidence(confidence);
    if n.is_nan() || n <= 0.0 {
        return None;
    }
    let (lower, upper) = if x < EXACT_BELOW {
        exact_poisson(x, confidence)
    } else {
        let z = z(confidence);
        let lower = byar_lower(x as f64, z)
            .expect("Byar's lower limit is positive from 10 events (z would need to exceed 9.3)");
        (lower, byar_upper(x as f64, z))
    };
    let per = multiplier / n;
    Some(Interval {
        value: x as f64 * per,
        lower: lower * per,
        upper: upper * per,
    })
}

/// The exact Poisson limits of a count (Garwood 1936), from the chi-square quantiles exactly as
/// the package: `qchisq((1-conf)/2, 2x)/2` and `qchisq(conf+(1-conf)/2, 2x+2)/2`.
pub(super) fn exact_poisson(x: u64, confidence: f64) -> (f64, f64) {
    let tail = (1.0 - confidence) / 2.0;
    // χ² with 0 degrees of freedom is the point mass at 0, as R's qchisq(p, 0).
    let lower = if x == 0 {
        0.0
    } else {
        chi_square_quantile(2.0 * x as f64, tail) / 2.0
    };
    let upper = chi_square_quantile(2.0 * x as f64 + 2.0, confidence + tail) / 2.0;
    (lower, upper)
}

fn chi_square_quantile(freedom: f64, p: f64) -> f64 {
    ChiSquared::new(freedom)
        .expect("degrees of freedom are positive")
        .inverse_cdf(p)
}

/// Byar's approximation of the lower exact Poisson limit of `x` events (Breslow and Day 1987):
/// `x(1 − 1/(9x) − z/(3√x))³`; `None` where that is negative (very few events at a high
/// confidence), where the package gives NA.
pub(super) fn byar_lower(x: f64, z: f64) -> Option<f64> {
    let lower = x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * x.sqrt())).powi(3);
    (lower >= 0.0).then_some(lower)
}

/// Byar's approximation of the upper exact Poisson limit of `x` events:
/// `(x + 1)(1 − 1/(9(x + 1)) + z/(3√(x + 1)))³`.
pub(super) fn byar_upper(x: f64, z: f64) -> f64 {
    let next = x + 1.0;
    next * (1.0 - 1.0 / (9.0 * next) + z / (3.0 * next.sqrt())).powi(3)
}
