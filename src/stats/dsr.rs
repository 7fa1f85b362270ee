//! A directly age-standardised rate with Dobson's limits, standardised to the European Standard
//! Population 2013 (PHEindicatormethods `calculate_dsr` in `R/DSR.R`, independent events).

use super::rate::{byar_lower, byar_upper};
use super::{check_confidence, z, Interval};

/// Below this many events in all bands together the package gives no standardised rate.
const FEWEST_EVENTS: u64 = 10;

/// The European Standard Population 2013's 19 age bands, with their names as `populations.csv`
/// writes them and their weights (per 100,000), the package's `esp2013`.
const ESP2013: [(&str, f64); 19] = [
    ("0-4", 5000.0),
    ("5-9", 5500.0),
    ("10-14", 5500.0),
    ("15-19", 5500.0),
    ("20-24", 6000.0),
    ("25-29", 6000.0),
    ("30-34", 6500.0),
    ("35-39", 7000.0),
    ("40-44", 7000.0),
    ("45-49", 7000.0),
    ("50-54", 7000.0),
    ("55-59", 6500.0),
    ("60-64", 6000.0),
    ("65-69", 5500.0),
    ("70-74", 5000.0),
    ("75-79", 4000.0),
    ("80-84", 2500.0),
    ("85-89", 1500.0),
    ("90+", 1000.0),
];

/// An age band of the European Standard Population 2013: `0-4`, `5-9`, … `85-89`, `90+`,
/// ordered by age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EspBand(u8);

impl EspBand {
    /// All 19 bands, youngest first.
    pub const ALL: [EspBand; 19] = {
        let mut all = [EspBand(0); 19];
        let mut i = 0;
        while i < 19 {
            all[i] = EspBand(i as u8);
            i += 1;
        }
        all
    };

    /// The band of an age in whole years (90 and over: `90+`).
    pub fn of_age(age: u32) -> EspBand {
        EspBand((age / 5).min(18) as u8)
    }

    /// The band named `name` (`0-4` … `90+`), if it is one.
    pub fn parse(name: &str) -> Option<EspBand> {
        ESP2013
            .iter()
            .position(|(band, _)| *band == name)
            .map(|i| EspBand(i as u8))
    }

    /// The band's name, e.g. `15-19`.
    pub fn name(self) -> &'static str {
        ESP2013[usize::from(self.0)].0
    }

    /// The band's weight in the European Standard Population 2013 (of 100,000).
    pub fn weight(self) -> f64 {
        ESP2013[usize::from(self.0)].1
    }
}

impl std::fmt::Display for EspBand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One age band's events and population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeBandCount {
    pub band: EspBand,
    pub count: u64,
    pub population: f64,
}

/// Why no standardised rate can be computed from the bands given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DsrError {
    #[error("age band {0} is given more than once")]
    RepeatedBand(EspBand),
    #[error("age band {band} has {count} events but no population")]
    EventsWithoutPopulation { band: EspBand, count: u64 },
    #[error("age band {band} has a population of {population}, not a number of people")]
    InvalidPopulation { band: EspBand, population: f64 },
}

/// The directly age-standardised rate per `multiplier` of the bands given, with Dobson's limits
/// (Dobson et al. 1991), standardised to the European Standard Population 2013:
/// value = Σ(xᵢwᵢ/nᵢ) / Σwᵢ × multiplier, var = Σ(xᵢwᵢ²/nᵢ²) / (Σwᵢ)², O = Σxᵢ, limits
/// value + √(var/O) × (Byar(O) − O) × multiplier with Byar's lower and upper limits of O.
///
/// The standard is the bands given: a band absent from `bands`, or given with a population of 0
/// and no events, is left out with its weight (DOMAIN.md section 12). `Ok(None)` when the bands
/// hold fewer than 10 events in all (the package gives no value). An error for a band given twice,
/// for events in a band without population (they would be lost; the package refuses a population
/// of 0), and for a negative or non-finite population.
pub fn dsr(
    bands: &[AgeBandCount],
    multiplier: f64,
    confidence: f64,
) -> Result<Option<Interval>, DsrError> {
    let mut seen = [false; 19];
    for band in bands {
        let index = usize::from(band.band.0);
        if std::mem::replace(&mut seen[index], true) {
            return Err(DsrError::RepeatedBand(band.band));
        }
        if !band.population.is_finite() || band.population < 0.0 {
            return Err(DsrError::InvalidPopulation {
                band: band.band,
                population: band.population,
            });
        }
        if band.population == 0.0 && band.count > 0 {
            return Err(DsrError::EventsWithoutPopulation {
                band: band.band,
                count: band.count,
            });
        }
    }
    let used = bands
        .iter()
        .filter(|b| b.population > 0.0)
        .map(|b| (b.count, b.population, b.band.weight()));
    Ok(standardised(used, multiplier, confidence))
}

/// The standardised rate of `(count, population, standard weight)` rows, each population above
/// 0: the package's `dsr_inner` for independent events, with any standard population.
pub(super) fn standardised(
    rows: impl IntoIterator<Item = (u64, f64, f64)>,
    multiplier: f64,
    confidence: f64,
) -> Option<Interval> {
    check_confidence(confidence);
    let (mut events, mut weights, mut weighted, mut variance) = (0u64, 0.0, 0.0, 0.0);
    for (count, population, weight) in rows {
        let x = count as f64;
        events += count;
        weights += weight;
        weighted += x * weight / population;
        variance += x * (weight / population).powi(2);
    }
    if events < FEWEST_EVENTS {
        return None;
    }
    let value = weighted / weights * multiplier;
    let variance = variance / (weights * weights);
    let o = events as f64;
    let z = z(confidence);
    let spread = (variance / o).sqrt() * multiplier;
    let lower = byar_lower(o, z).expect("Byar's lower limit is positive from 10 events");
    Some(Interval {
        value,
        lower: value + spread * (lower - o),
        upper: value + spread * (byar_upper(o, z) - o),
    })
}
