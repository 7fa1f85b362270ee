//! A deterministic generator of synthetic, realistic extracts (DOMAIN.md section 3).
//!
//! Five fictional collaboratives, the service lines of DOMAIN.md's MHSDS bed-type table, lengths
//! of stay drawn from log-normal distributions per service line (secure stays run to many months,
//! acute to weeks), out-of-area use falling in some collaboratives and rising in others, and the
//! awkward cases of real extracts: spells crossing months and financial years, same-day stays,
//! ongoing stays, several placements per spell, missing costs and distances. The same seed gives
//! the same files. The admissions carry their people's age, gender, ethnic category and IMD
//! decile, drawn from a stream of their own with inequalities built in, and `populations.csv`
//! the collaboratives' populations by group (`src/generate/demographics.rs`).
//!
//! The service runs before the extract starts: admissions are simulated from [`LONGEST_STAY`]
//! days before the start (so every stay that could still be open is there: the steady state),
//! and the extract holds, as a real one would, the spells open on the start date or admitted
//! after it, with their true admission dates, and of their placements those open on the start
//! date or begun after it.
//!
//! The draws are stratified (`Strata`): arrivals evenly spread, each collaborative's service
//! lines, out-of-area spells and reasons coming at nearly even intervals, and lengths of stay
//! running through their quantiles in a low-discrepancy order. A service's demand is steady, as
//! a real one's is over a few years; independent draws made the number of long stays begun, and
//! so the occupancy of a small service, wander for years, which XmR charts flag as special cause.

use std::path::Path;

use anyhow::{bail, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};

use crate::output::write_atomically;
use crate::periods::{date_of, day_of, Day};

mod demographics;
pub use demographics::Person;
use demographics::{People, SpellFacts};
pub mod mhsds;

struct ServiceLine {
    name: &'static str,
    weight: f64,
    /// Median length of stay in nights, and the spread of its logarithm.
    median_los: f64,
    sigma: f64,
    /// Share of spells with an out-of-area placement at the start of the data.
    oap_share: f64,
    /// Typical recorded daily cost of an out-of-area bed, and of a local bed.
    oap_daily_cost: f64,
    local_daily_cost: f64,
}

const SERVICE_LINES: [ServiceLine; 10] = [
    ServiceLine {
        name: "adult_acute",
        weight: 0.50,
        median_los: 28.0,
        sigma: 0.9,
        oap_share: 0.08,
        oap_daily_cost: 650.0,
        local_daily_cost: 480.0,
    },
    ServiceLine {
        name: "older_adult_acute",
        weight: 0.12,
        median_los: 45.0,
        sigma: 0.8,
        oap_share: 0.04,
        oap_daily_cost: 600.0,
        local_daily_cost: 450.0,
    },
    ServiceLine {
        name: "picu",
        weight: 0.07,
        median_los: 14.0,
        sigma: 0.8,
        oap_share: 0.18,
        oap_daily_cost: 950.0,
        local_daily_cost: 800.0,
    },
    ServiceLine {
        name: "adult_secure_medium",
        weight: 0.04,
        median_los: 420.0,
        sigma: 0.6,
        oap_share: 0.12,
        oap_daily_cost: 720.0,
        local_daily_cost: 620.0,
    },
    ServiceLine {
        name: "adult_secure_low",
        weight: 0.06,
        median_los: 300.0,
        sigma: 0.6,
        oap_share: 0.10,
        oap_daily_cost: 600.0,
        local_daily_cost: 520.0,
    },
    ServiceLine {
        name: "cyp_inpatient",
        weight: 0.12,
        median_los: 55.0,
        sigma: 0.8,
        oap_share: 0.15,
        oap_daily_cost: 850.0,
        local_daily_cost: 750.0,
    },
    ServiceLine {
        name: "adult_eating_disorder",
        weight: 0.09,
        median_los: 80.0,
        sigma: 0.6,
        oap_share: 0.14,
        oap_daily_cost: 700.0,
        local_daily_cost: 600.0,
    },
    ServiceLine {
        name: "adult_rehabilitation",
        weight: 0.04,
        median_los: 180.0,
        sigma: 0.7,
        oap_share: 0.15,
        oap_daily_cost: 560.0,
        local_daily_cost: 460.0,
    },
    ServiceLine {
        name: "adult_ld_autism",
        weight: 0.03,
        median_los: 90.0,
        sigma: 0.8,
        oap_share: 0.25,
        oap_daily_cost: 820.0,
        local_daily_cost: 700.0,
    },
    ServiceLine {
        name: "mother_and_baby",
        weight: 0.02,
        median_los: 35.0,
        sigma: 0.6,
        oap_share: 0.20,
        oap_daily_cost: 900.0,
        local_daily_cost: 800.0,
    },
];

/// The longest stay drawn, in nights; the service is simulated this long before the extract.
pub const LONGEST_STAY: Day = 3000;

/// Shares of each collaborative's admissions by admitting (sending) provider: a lead trust and
/// two smaller partners.
const PROVIDER_SHARES: [f64; 3] = [0.55, 0.30, 0.15];

struct CollaborativeSpec {
    code: &'static str,
    name: &'static str,
    lead_provider: &'static str,
    population: u64,
    /// Share of admissions.
    weight: f64,
    /// Multiplier of the out-of-area share at the start and at the end of the data.
    oap_trend: (f64, f64),
    /// Multiplier of local bed costs.
    cost_factor: f64,
    providers: [&'static str; 3],
}

const COLLABORATIVES: [CollaborativeSpec; 5] = [
    CollaborativeSpec {
        code: "NCM",
        name: "North Coast and Moors Provider Collaborative",
        lead_provider: "RNC",
        population: 2_650_000,
        weight: 0.25,
        oap_trend: (1.6, 0.5),
        cost_factor: 1.00,
        providers: ["RNC01", "RNC02", "RNC03"],
    },
    CollaborativeSpec {
        code: "RVW",
        name: "River Valleys and Wolds Provider Collaborative",
        lead_provider: "RVW",
        population: 1_480_000,
        weight: 0.15,
        oap_trend: (1.2, 0.9),
        cost_factor: 0.95,
        providers: ["RVW01", "RVW02", "RVW03"],
    },
    CollaborativeSpec {
        code: "CMP",
        name: "Central Midlands Partnership Provider Collaborative",
        lead_provider: "RCM",
        population: 3_120_000,
        weight: 0.27,
        oap_trend: (0.8, 1.4),
        cost_factor: 1.02,
        providers: ["RCM01", "RCM02", "RCM03"],
    },
    CollaborativeSpec {
        code: "SWP",
        name: "South West Peninsula Provider Collaborative",
        lead_provider: "RSW",
        population: 1_870_000,
        weight: 0.17,
        oap_trend: (1.0, 1.0),
        cost_factor: 0.97,
        providers: ["RSW01", "RSW02", "RSW03"],
    },
    CollaborativeSpec {
        code: "TGW",
        name: "Thames Gateway Provider Collaborative",
        lead_provider: "RTG",
        population: 2_240_000,
        weight: 0.16,
        oap_trend: (1.3, 0.7),
        cost_factor: 1.12,
        providers: ["RTG01", "RTG02", "RTG03"],
    },
];

/// Independent-sector providers that take out-of-area placements.
const OUT_OF_AREA_PROVIDERS: [&str; 10] = [
    "NPX01", "NPX02", "NPX03", "NPX04", "NPX05", "NPX06", "NPX07", "NPX08", "NPX09", "NPX10",
];

/// Reason codes with their shares among out-of-area placements.
const REASONS: [(&str, f64); 7] = [
    ("10", 0.60),
    ("11", 0.06),
    ("12", 0.05),
    ("13", 0.03),
    ("14", 0.10),
    ("15", 0.10),
    ("99", 0.06),
];

/// What to generate.
pub struct GenerateRequest {
    pub seed: u64,
    pub admissions: usize,
    pub start: NaiveDate,
    pub extract_date: NaiveDate,
}

/// Column-wise extracts, ready to write as CSV or Parquet.
#[derive(Default)]
pub struct Generated {
    pub admission_id: Vec<String>,
    pub patient_id: Vec<String>,
    pub collaborative: Vec<&'static str>,
    pub service_line: Vec<&'static str>,
    pub admission_date: Vec<Day>,
    pub discharge_date: Vec<Option<Day>>,
    pub admitting_provider: Vec<&'static str>,
    /// Who was admitted: the `age`, `gender`, `ethnic_category` and `imd_decile` columns.
    pub person: Vec<Person>,

    pub placement_id: Vec<String>,
    pub placement_admission: Vec<String>,
    pub start_date: Vec<Day>,
    pub end_date: Vec<Option<Day>>,
    pub receiving_provider: Vec<&'static str>,
    pub out_of_area: Vec<bool>,
    pub oap_reason: Vec<Option<&'static str>>,
    pub distance_km: Vec<Option<f64>>,
    pub daily_cost: Vec<Option<f64>>,
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T], weight: impl Fn(&T) -> f64) -> &'a T {
    let total: f64 = items.iter().map(&weight).sum();
    let mut x = rng.random::<f64>() * total;
    for item in items {
        x -= weight(item);
        if x < 0.0 {
            return item;
        }
    }
    items.last().expect("non-empty")
}

/// Stratified draws: which collaborative and service line each spell is, whether it is out of
/// area, and its length of stay follow their shares and distributions closely over any stretch
/// of spells: each (collaborative, service line) comes up at nearly even intervals, its
/// out-of-area spells at the rate wanted, and the stays of each (pair, in or out of area) run
/// through their quantiles in a low-discrepancy order, with a little randomness in each.
/// Independent draws let the number of long stays begun, and so the occupancy of a small
/// service, wander for years, which an XmR chart flags.
struct Strata {
    /// Per pair: how far it is behind its share of the spells.
    credit: Vec<f64>,
    /// Per pair and kind (in area, or out of area for one reason or another): stays drawn so
    /// far, and where the sequence starts.
    stays: Vec<(u64, f64)>,
    /// Per pair: out-of-area spells owed.
    owed: Vec<f64>,
    /// Per pair and reason: how far the reason is behind its share of the out-of-area spells.
    reasons: Vec<f64>,
}

impl Strata {
    fn new(rng: &mut ChaCha8Rng) -> Strata {
        let pairs = COLLABORATIVES.len() * SERVICE_LINES.len();
        Strata {
            credit: (0..pairs).map(|_| rng.random::<f64>()).collect(),
            stays: (0..3 * pairs).map(|_| (0, rng.random::<f64>())).collect(),
            owed: (0..pairs).map(|_| rng.random::<f64>()).collect(),
            reasons: (0..pairs * REASONS.len())
                .map(|_| rng.random::<f64>())
                .collect(),
        }
    }

    /// The next spell's collaborative and service line: the pair furthest behind its share
    /// (with a random nudge of up to half a spell).
    fn next_spell(&mut self, rng: &mut ChaCha8Rng) -> (usize, usize) {
        let total: f64 = COLLABORATIVES.iter().map(|c| c.weight).sum::<f64>()
            * SERVICE_LINES.iter().map(|s| s.weight).sum::<f64>();
        let mut best = (f64::MIN, 0);
        for (i, credit) in self.credit.iter_mut().enumerate() {
            let (c, l) = (i / SERVICE_LINES.len(), i % SERVICE_LINES.len());
            *credit += COLLABORATIVES[c].weight * SERVICE_LINES[l].weight / total;
            let nudged = *credit + 0.5 * rng.random::<f64>();
            if nudged > best.0 {
                best = (nudged, i);
            }
        }
        self.credit[best.1] -= 1.0;
        (best.1 / SERVICE_LINES.len(), best.1 % SERVICE_LINES.len())
    }

    /// Whether the next spell of the pair is out of area, at the rate `share`.
    fn out_of_area(&mut self, c: usize, l: usize, share: f64) -> bool {
        let owed = &mut self.owed[c * SERVICE_LINES.len() + l];
        *owed += share;
        let oap = *owed >= 1.0;
        if oap {
            *owed -= 1.0;
        }
        oap
    }

    /// The reason of the pair's next out-of-area spell: the one furthest behind its share.
    fn reason(&mut self, c: usize, l: usize, rng: &mut ChaCha8Rng) -> &'static str {
        let at = (c * SERVICE_LINES.len() + l) * REASONS.len();
        let credit = &mut self.reasons[at..at + REASONS.len()];
        let mut best = (f64::MIN, 0);
        for (i, credit) in credit.iter_mut().enumerate() {
            *credit += REASONS[i].1;
            let nudged = *credit + 0.5 * rng.random::<f64>();
            if nudged > best.0 {
                best = (nudged, i);
            }
        }
        credit[best.1] -= 1.0;
        REASONS[best.1].0
    }

    /// The quantile of the next stay of the pair, in area (`None`), inappropriately out of area
    /// (reason 10) or out of area for another reason: the golden-ratio sequence of each.
    fn next_stay(&mut self, c: usize, l: usize, reason: Option<&str>) -> f64 {
        const GOLDEN: f64 = 0.618_033_988_749_894_9;
        let kind = match reason {
            None => 0,
            Some("10") => 1,
            Some(_) => 2,
        };
        let (count, start) = &mut self.stays[3 * (c * SERVICE_LINES.len() + l) + kind];
        *count += 1;
        (*start + *count as f64 * GOLDEN)
            .fract()
            .clamp(1e-6, 1.0 - 1e-6)
    }
}

/// The standard normal quantile of `p` in (0, 1): Acklam's rational approximation (relative
/// error below 1.2e-9).
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Generates the extracts in memory.
pub fn generate(request: &GenerateRequest) -> Result<Generated> {
    let (first, last) = (day_of(request.start), day_of(request.extract_date));
    if last <= first {
        bail!(
            "the extract date {} must be after the start {}",
            request.extract_date,
            request.start
        );
    }
    let mut rng = ChaCha8Rng::seed_from_u64(request.seed);
    let n = request.admissions;
    let span = f64::from(last - first);
    // Admission dates first, sorted, so that ids follow time: `n` from the start to the extract
    // date (the last on the extract date, so the last month is complete), and before them the
    // same rate over the warm-up of LONGEST_STAY days.
    let warm_up = (n as f64 * f64::from(LONGEST_STAY) / (span + 1.0)).round() as usize;
    // Arrivals are spread evenly (each at a random day of its own equal share of the time), so
    // that every month has its expected number.
    let spread = |rng: &mut ChaCha8Rng, count: usize, from: Day, days: Day| -> Vec<Day> {
        let step = f64::from(days) / count.max(1) as f64;
        (0..count)
            .map(|i| from + ((i as f64 + rng.random::<f64>()) * step).floor() as Day)
            .collect()
    };
    let mut dates = spread(&mut rng, warm_up, first - LONGEST_STAY, LONGEST_STAY);
    let mut window = spread(&mut rng, n, first, last - first + 1);
    if let Some(d) = window.last_mut() {
        *d = last;
    }
    dates.append(&mut window);
    let patients = (n * 7 / 10).max(1);
    let noise = LogNormal::new(0.0, 0.2)?;
    let far = LogNormal::new(90f64.ln(), 0.8)?;
    let near = LogNormal::new(12f64.ln(), 0.6)?;
    let mut out = Generated::default();
    let mut placement_number = 0usize;
    let mut strata = Strata::new(&mut rng);
    // The people from a stream of their own: every other column is as the seed made it before
    // they existed.
    let mut people = People::new(request.seed);
    for &admitted in &dates {
        let (c, l) = strata.next_spell(&mut rng);
        let (collaborative, line) = (&COLLABORATIVES[c], &SERVICE_LINES[l]);
        // Out-of-area use follows the collaborative's trend from the start (steady before it).
        let t = (f64::from(admitted - first) / span).max(0.0);
        let trend =
            collaborative.oap_trend.0 + (collaborative.oap_trend.1 - collaborative.oap_trend.0) * t;
        let oap_spell = strata.out_of_area(c, l, (line.oap_share * trend).min(0.9));
        let reason = oap_spell.then(|| strata.reason(c, l, &mut rng));
        let los = if line.median_los < 60.0 && rng.random::<f64>() < 0.03 {
            0
        } else {
            let z = normal_quantile(strata.next_stay(c, l, reason));
            let draw = (line.median_los.ln() + line.sigma * z).exp();
            draw.round().clamp(1.0, f64::from(LONGEST_STAY)) as Day
        };
        if admitted + los < first {
            // Discharged before the extract starts: not in it.
            continue;
        }
        let discharged = Some(admitted + los).filter(|d| *d <= last);
        let admission_id = format!("A{:08}", out.admission_id.len() + 1);
        out.admission_id.push(admission_id.clone());
        out.patient_id
            .push(format!("PT{:07}", rng.random_range(0..patients) + 1));
        out.collaborative.push(collaborative.code);
        out.service_line.push(line.name);
        out.admission_date.push(admitted);
        out.discharge_date.push(discharged);
        out.admitting_provider
            .push(collaborative.providers[*pick(&mut rng, &[0, 1, 2], |&i| PROVIDER_SHARES[i])]);
        out.person.push(people.draw(&SpellFacts {
            collaborative: c,
            service_line: l,
            oap: oap_spell,
            los,
        }));

        // Placements: cut the spell at random days into 1–3 consecutive stays.
        let spell_end = discharged.unwrap_or(last);
        let wanted = match rng.random::<f64>() {
            x if x < 0.72 => 1,
            x if x < 0.92 => 2,
            _ => 3,
        };
        let stays = wanted.min((spell_end - admitted) as usize + 1);
        let mut cuts: Vec<Day> = (1..stays)
            .map(|_| admitted + rng.random_range(0..=(spell_end - admitted)))
            .collect();
        cuts.sort_unstable();
        // Which stay is out of area: usually the first (then brought back closer to home).
        let oap_stay = if rng.random::<f64>() < 0.7 {
            0
        } else {
            rng.random_range(0..stays)
        };
        for stay in 0..stays {
            let start = if stay == 0 { admitted } else { cuts[stay - 1] };
            let end = if stay + 1 == stays {
                discharged
            } else {
                Some(cuts[stay])
            };
            let out_of_area = oap_spell && (stay == oap_stay || (stays == 1));
            if end.is_some_and(|e| e < first) {
                // Ended before the extract starts: not in it.
                continue;
            }
            placement_number += 1;
            out.placement_id.push(format!("P{placement_number:08}"));
            out.placement_admission.push(admission_id.clone());
            out.start_date.push(start);
            out.end_date.push(end);
            out.out_of_area.push(out_of_area);
            if out_of_area {
                out.receiving_provider
                    .push(OUT_OF_AREA_PROVIDERS[rng.random_range(0..OUT_OF_AREA_PROVIDERS.len())]);
                out.oap_reason.push(reason);
                out.distance_km.push(
                    (rng.random::<f64>() > 0.08)
                        .then(|| (far.sample(&mut rng) + 15.0).min(650.0).round()),
                );
                out.daily_cost.push(
                    (rng.random::<f64>() > 0.15)
                        .then(|| round2(line.oap_daily_cost * noise.sample(&mut rng))),
                );
            } else {
                out.receiving_provider
                    .push(collaborative.providers[rng.random_range(0..3)]);
                out.oap_reason.push(None);
                out.distance_km.push(
                    (rng.random::<f64>() > 0.08).then(|| near.sample(&mut rng).min(45.0).round()),
                );
                out.daily_cost.push(
                    (rng.random::<f64>() < 0.1)
                        .then(|| round2(line.local_daily_cost * collaborative.cost_factor)),
                );
            }
        }
    }
    Ok(out)
}

fn iso(day: Day) -> String {
    date_of(day).format("%Y-%m-%d").to_string()
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or(String::new(), |v| v.to_string())
}

/// Writes the extracts and the reference files into `dir` (each file complete or not at all).
pub fn write(generated: &Generated, dir: &Path, parquet: bool) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let g = generated;
    let ext = if parquet { "parquet" } else { "csv" };
    let admissions_path = dir.join(format!("admissions.{ext}"));
    let placements_path = dir.join(format!("placements.{ext}"));
    if parquet {
        let dates =
            |name: &str, v: Vec<Option<Day>>| Column::new(name.into(), v).cast(&DataType::Date);
        let mut admissions = DataFrame::new(
            g.admission_id.len(),
            vec![
                Column::new("admission_id".into(), &g.admission_id),
                Column::new("patient_id".into(), &g.patient_id),
                Column::new("collaborative".into(), &g.collaborative),
                Column::new("service_line".into(), &g.service_line),
                dates(
                    "admission_date",
                    g.admission_date.iter().map(|d| Some(*d)).collect(),
                )?,
                dates("discharge_date", g.discharge_date.clone())?,
                Column::new("provider_code".into(), &g.admitting_provider),
                Column::new(
                    "age".into(),
                    g.person
                        .iter()
                        .map(|p| i32::from(p.age))
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "gender".into(),
                    g.person.iter().map(Person::gender).collect::<Vec<_>>(),
                ),
                Column::new(
                    "ethnic_category".into(),
                    g.person
                        .iter()
                        .map(|p| Some(p.ethnic_category()).filter(|c| !c.is_empty()))
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "imd_decile".into(),
                    g.person
                        .iter()
                        .map(|p| p.imd_decile().map(i32::from))
                        .collect::<Vec<_>>(),
                ),
            ],
        )?;
        let mut placements = DataFrame::new(
            g.placement_id.len(),
            vec![
                Column::new("placement_id".into(), &g.placement_id),
                Column::new("admission_id".into(), &g.placement_admission),
                dates(
                    "start_date",
                    g.start_date.iter().map(|d| Some(*d)).collect(),
                )?,
                dates("end_date", g.end_date.clone())?,
                Column::new("provider_code".into(), &g.receiving_provider),
                Column::new("out_of_area".into(), &g.out_of_area),
                Column::new("oap_reason".into(), &g.oap_reason),
                Column::new("distance_km".into(), &g.distance_km),
                Column::new("daily_cost".into(), &g.daily_cost),
            ],
        )?;
        for (path, frame) in [
            (&admissions_path, &mut admissions),
            (&placements_path, &mut placements),
        ] {
            write_atomically(path, |out| {
                polars_io::prelude::ParquetWriter::new(out).finish(frame)?;
                Ok(())
            })?;
        }
    } else {
        write_atomically(&admissions_path, |out| {
            let mut w = csv::Writer::from_writer(out);
            let columns = crate::input::contract::ADMISSION_COLUMNS[..7].iter();
            w.write_record(columns.chain(demographics::COLUMNS.iter()))?;
            for i in 0..g.admission_id.len() {
                w.write_record([
                    g.admission_id[i].as_str(),
                    &g.patient_id[i],
                    g.collaborative[i],
                    g.service_line[i],
                    &iso(g.admission_date[i]),
                    &opt(g.discharge_date[i].map(iso)),
                    g.admitting_provider[i],
                    &g.person[i].age.to_string(),
                    g.person[i].gender(),
                    g.person[i].ethnic_category(),
                    &opt(g.person[i].imd_decile()),
                ])?;
            }
            w.flush()?;
            Ok(())
        })?;
        write_atomically(&placements_path, |out| {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(crate::input::contract::PLACEMENT_COLUMNS)?;
            for i in 0..g.placement_id.len() {
                w.write_record([
                    g.placement_id[i].as_str(),
                    &g.placement_admission[i],
                    &iso(g.start_date[i]),
                    &opt(g.end_date[i].map(iso)),
                    g.receiving_provider[i],
                    if g.out_of_area[i] { "Y" } else { "N" },
                    g.oap_reason[i].unwrap_or(""),
                    &opt(g.distance_km[i]),
                    &opt(g.daily_cost[i]),
                ])?;
            }
            w.flush()?;
            Ok(())
        })?;
    }
    let collaboratives_path = write_collaboratives(dir)?;
    let costs_path = dir.join("local_costs.csv");
    write_atomically(&costs_path, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["collaborative", "service_line", "local_daily_cost"])?;
        for c in &COLLABORATIVES {
            for s in &SERVICE_LINES {
                w.write_record([
                    c.code,
                    s.name,
                    &round2(s.local_daily_cost * c.cost_factor).to_string(),
                ])?;
            }
        }
        w.flush()?;
        Ok(())
    })?;
    let populations_path = write_populations(dir, false)?;
    Ok(vec![
        admissions_path,
        placements_path,
        collaboratives_path,
        costs_path,
        populations_path,
    ])
}

/// `populations.csv`: each collaborative's groups of people (and with `england`, England's:
/// the collaboratives' sums, for the MHSDS tables' England breakdowns).
fn write_populations(dir: &Path, england: bool) -> Result<std::path::PathBuf> {
    let path = dir.join("populations.csv");
    let mut rows = demographics::population_rows();
    if england {
        rows.extend(demographics::england_rows(&rows));
    }
    write_atomically(&path, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(demographics::POPULATION_COLUMNS)?;
        for row in &rows {
            w.write_record(row)?;
        }
        w.flush()?;
        Ok(())
    })?;
    Ok(path)
}

/// `collaboratives.csv`: code, name, lead provider and population of each collaborative.
fn write_collaboratives(dir: &Path) -> Result<std::path::PathBuf> {
    let path = dir.join("collaboratives.csv");
    write_atomically(&path, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["collaborative", "name", "lead_provider", "population"])?;
        for c in &COLLABORATIVES {
            w.write_record([c.code, c.name, c.lead_provider, &c.population.to_string()])?;
        }
        w.flush()?;
        Ok(())
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_are_those_of_the_tables() {
        // Φ⁻¹ to nine decimals (any statistics table), in both tails and the middle.
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_985),
            (0.025, -1.959_963_985),
            (0.01, -2.326_347_874),
            (0.999, 3.090_232_306),
            (0.2, -0.841_621_234),
            (1e-6, -4.753_424_309),
        ] {
            assert!(
                (normal_quantile(p) - z).abs() < 1e-7,
                "{p}: {}",
                normal_quantile(p)
            );
        }
    }

    #[test]
    fn strata_keep_each_pair_near_its_share() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut strata = Strata::new(&mut rng);
        let pairs = COLLABORATIVES.len() * SERVICE_LINES.len();
        let mut counts = vec![0usize; pairs];
        let total: f64 = COLLABORATIVES.iter().map(|c| c.weight).sum::<f64>()
            * SERVICE_LINES.iter().map(|s| s.weight).sum::<f64>();
        for spell in 1..=20_000 {
            let (c, l) = strata.next_spell(&mut rng);
            counts[c * SERVICE_LINES.len() + l] += 1;
            // At every point each pair is within two spells of its share.
            if spell % 997 == 0 {
                for (i, &count) in counts.iter().enumerate() {
                    let (c, l) = (i / SERVICE_LINES.len(), i % SERVICE_LINES.len());
                    let share = COLLABORATIVES[c].weight * SERVICE_LINES[l].weight / total;
                    assert!(
                        (count as f64 - share * spell as f64).abs() < 2.0,
                        "{i} at {spell}"
                    );
                }
            }
        }
        // Out-of-area spells at the rate asked, and the quantiles of stays spread evenly.
        let oaps = (0..1000).filter(|_| strata.out_of_area(0, 0, 0.08)).count();
        assert!((79..=81).contains(&oaps), "{oaps}");
        let mut quantiles: Vec<f64> = (0..100).map(|_| strata.next_stay(0, 0, None)).collect();
        quantiles.sort_by(f64::total_cmp);
        for (i, q) in quantiles.iter().enumerate() {
            assert!((q - (i as f64 + 0.5) / 100.0).abs() < 0.02, "{i}: {q}");
        }
    }
}
