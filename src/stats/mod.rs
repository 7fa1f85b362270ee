//! Public-health statistics (DOMAIN.md section 12): proportions with Wilson score intervals,
//! crude rates with exact Poisson (below 10) or Byar's (from 10) limits, and directly
//! age-standardised rates (European Standard Population 2013) with Dobson's limits; and how a
//! value compares with a benchmark.
//!
//! The reference is OHID/UKHSA's R package PHEindicatormethods (`R/Proportions.R`, `R/Rates.R`,
//! `R/DSR.R`, `R/utils.R`): each function here computes what the package's function of the same
//! kind computes, tested against the package's own test vectors and, on thousands of random
//! inputs, against SciPy (`bench/stats_compare.py`).
//!
//! A bottom layer: plain numbers in, plain numbers out, nothing from the rest of the crate.
//! Counts are whole numbers (`u64`); populations may be fractional (`f64`). A confidence level is
//! a fraction, e.g. 0.95 or 0.998. Where the package gives no value (a denominator of zero, a
//! standardised rate of fewer than 10 events) the functions return `None`.

mod dsr;
mod proportion;
mod rate;

pub use dsr::{dsr, AgeBandCount, DsrError, EspBand};
pub use proportion::wilson;
pub use rate::crude_rate;

use statrs::distribution::{ContinuousCDF, Normal};

/// A value with the lower and upper limits of its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Interval {
    /// The interval with the value and both limits multiplied by `factor` (e.g. 100 for a
    /// percentage).
    pub fn scaled(self, factor: f64) -> Interval {
        Interval {
            value: self.value * factor,
            lower: self.lower * factor,
            upper: self.upper * factor,
        }
    }
}

/// The standard normal quantile of a two-sided confidence level: the quantile of
/// `confidence + (1 − confidence) / 2`, as the package's `qnorm(confidence + (1-confidence)/2)`
/// (1.959963984540054 for 0.95, 3.090232306167813 for 0.998).
///
/// Panics unless 0 < `confidence` < 1 (a confidence level is chosen by the program, not read
/// from data).
pub fn z(confidence: f64) -> f64 {
    check_confidence(confidence);
    standard_normal().inverse_cdf(confidence + (1.0 - confidence) / 2.0)
}

fn standard_normal() -> Normal {
    Normal::standard()
}

fn check_confidence(confidence: f64) {
    assert!(
        confidence > 0.0 && confidence < 1.0,
        "a confidence level is a fraction between 0 and 1, not {confidence}"
    );
}

/// How a value compares with a benchmark, as Fingertips shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compared {
    /// The whole interval lies above the benchmark.
    Higher,
    /// The interval contains the benchmark.
    Similar,
    /// The whole interval lies below the benchmark.
    Lower,
}

impl Compared {
    /// The word printed in outputs: `higher`, `similar` or `lower`.
    pub fn as_str(self) -> &'static str {
        match self {
            Compared::Higher => "higher",
            Compared::Similar => "similar",
            Compared::Lower => "lower",
        }
    }
}

impl std::fmt::Display for Compared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares an interval with a benchmark (DOMAIN.md section 12, "Compared with what"): higher
/// when its lower limit is above the benchmark, lower when its upper limit is below it, else
/// similar (a limit equal to the benchmark is similar).
pub fn compare(interval: &Interval, benchmark: f64) -> Compared {
    if interval.lower > benchmark {
        Compared::Higher
    } else if interval.upper < benchmark {
        Compared::Lower
    } else {
        Compared::Similar
    }
}

#[cfg(test)]
mod tests;
