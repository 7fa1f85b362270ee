//! A proportion with its Wilson score interval (PHEindicatormethods `phe_proportion`,
//! `wilson_lower` and `wilson_upper` in `R/utils.R`).

use super::{z, Interval};

/// The proportion `x / n` with its Wilson score interval (Wilson 1927; Newcombe and Altman 2000):
/// `(2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²))`.
///
/// `None` when `n` is 0 (the package refuses a denominator of zero). Panics when `x > n`: a
/// numerator larger than its denominator is not a proportion (the package refuses it too).
pub fn wilson(x: u64, n: u64, confidence: f64) -> Option<Interval> {
    assert!(
        x <= n,
        "a proportion's numerator ({x}) exceeds its denominator ({n})"
    );
    if n == 0 {
        return None;
    }
    Some(wilson_interval(x as f64, n as f64, z(confidence)))
}

/// Wilson's interval for any non-negative `x ≤ n`, `n > 0` (the package accepts fractional
/// numerators, and so do its test vectors).
pub(super) fn wilson_interval(x: f64, n: f64, z: f64) -> Interval {
    let z2 = z * z;
    let spread = z * (z2 + 4.0 * x * (1.0 - x / n)).sqrt();
    Interval {
        value: x / n,
        lower: (2.0 * x + z2 - spread) / 2.0 / (n + z2),
        upper: (2.0 * x + z2 + spread) / 2.0 / (n + z2),
    }
}
