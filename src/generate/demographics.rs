//! The people of the generated spells (issue 28; DOMAIN.md section 12): age at admission, gender,
//! ethnic category and IMD decile, and `populations.csv`, a population shaped like England's.
//!
//! Drawn once a spell's stay and whether it goes out of area are known, from a stream of the
//! generator of its own, so the extracts' other columns are those the seed gave before these
//! columns existed. A spell's group is drawn knowing what happened to it, which is how the
//! inequalities are built in:
//! - in TGW, people of African ethnicity (N, "Black or Black British") are [`AFRICAN_OAP_ODDS`]
//!   times as likely among the spells with an out-of-area placement as among the others, and
//!   their spells are longer (the odds rise by [`AFRICAN_LOS_TILT`] per standard deviation of the
//!   log length of stay within the service line);
//! - everywhere, the spells with an out-of-area placement come more from deprived areas: their
//!   IMD decile is weighted by [`DEPRIVATION_OAP_RATIO`]`^((5.5 − decile) / 9)` (per person,
//!   decile 1 six times decile 10); the other spells come from each decile as its population.
//!
//! Nothing else depends on what happened to the spell: ethnicity elsewhere and every group's
//! share follow the collaborative's population, and age and gender follow the service line (CYP
//! 11–17, older adults 65+, secure services mostly men, eating disorders and mother and baby
//! units mostly or only women).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::{COLLABORATIVES, SERVICE_LINES};
use crate::stats::EspBand;

/// The columns added to the admissions extract, in order.
pub const COLUMNS: [&str; 4] = ["age", "gender", "ethnic_category", "imd_decile"];

/// The odds of African ethnicity among TGW's spells with an out-of-area placement, over those
/// among its other spells.
const AFRICAN_OAP_ODDS: f64 = 3.5;
/// How much the odds of African ethnicity rise per standard deviation of a TGW spell's log
/// length of stay (within its service line): exp(0.5).
const AFRICAN_LOS_TILT: f64 = 0.5;
/// The collaborative and ethnic category of the built-in ethnic inequality.
const AFRICAN_IN: &str = "TGW";
const AFRICAN: &str = "N";
/// How many times more a spell with an out-of-area placement comes from decile 1 than from
/// decile 10 (per person living there).
const DEPRIVATION_OAP_RATIO: f64 = 6.0;

/// What happened to a generated spell: what its person is drawn from.
pub(super) struct SpellFacts {
    pub collaborative: usize,
    pub service_line: usize,
    /// An out-of-area placement at some time in the spell.
    pub oap: bool,
    /// The stay drawn, in nights (for an ongoing spell, the stay it will have had).
    pub los: i32,
}

/// The person of a spell, in four bytes (the generator holds millions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    /// Whole years at admission.
    pub age: u8,
    gender: u8,
    ethnic_category: u8,
    imd_decile: u8,
}

impl Person {
    /// NHS gender code: 1, 2, 3, 4 or 9.
    pub fn gender(&self) -> &'static str {
        GENDER_CODES[usize::from(self.gender)]
    }

    /// NHS ethnic category code (A–S, Z, 99), empty when not recorded.
    pub fn ethnic_category(&self) -> &'static str {
        match usize::from(self.ethnic_category) {
            i if i < ETHNIC_CATEGORIES.len() => ETHNIC_CATEGORIES[i].0,
            NOT_STATED_INDEX => "Z",
            NOT_KNOWN_INDEX => "99",
            _ => "",
        }
    }

    /// IMD 2019 decile of the person's area (1 most deprived), none when not known.
    pub fn imd_decile(&self) -> Option<u8> {
        (self.imd_decile > 0).then_some(self.imd_decile)
    }
}

const NOT_STATED_INDEX: usize = 16;
const NOT_KNOWN_INDEX: usize = 17;
const NOT_RECORDED_INDEX: usize = 18;

/// The NHS ethnic categories a person is drawn from, with their labels and upper groups: those
/// of [`crate::demographics`] before "Not Stated" and "Not Known" (drawn apart, above).
const ETHNIC_CATEGORIES: &[(&str, &str, &str)] = crate::demographics::ETHNICITIES.split_at(16).0;
/// The upper groups of [`ETHNIC_CATEGORIES`].
const UPPER_GROUPS: &[&str] = crate::demographics::UPPER_ETHNICITIES.split_at(5).0;

/// Each collaborative's population by ethnic category, in per cent, in the order of
/// [`ETHNIC_CATEGORIES`] (shaped on the 2021 Census of England: a coastal north, a northern
/// county, the Midlands, the south west, and the Thames estuary).
const ETHNICITY_SHARES: [(&str, [f64; 16]); 5] = [
    (
        "NCM",
        [
            90.0, 0.4, 3.0, 0.4, 0.2, 0.5, 0.5, 0.8, 0.9, 0.4, 0.7, 0.1, 0.6, 0.1, 0.5, 0.9,
        ],
    ),
    (
        "RVW",
        [
            84.0, 0.4, 4.0, 0.7, 0.2, 0.6, 0.6, 1.0, 4.5, 0.4, 0.8, 0.3, 0.8, 0.2, 0.4, 1.1,
        ],
    ),
    (
        "CMP",
        [
            66.0, 0.8, 5.5, 1.8, 0.4, 0.8, 0.9, 6.5, 5.5, 1.2, 1.6, 1.8, 3.5, 0.7, 0.6, 2.4,
        ],
    ),
    (
        "SWP",
        [
            90.5, 0.4, 4.0, 0.4, 0.2, 0.5, 0.6, 0.5, 0.2, 0.2, 0.6, 0.2, 0.6, 0.1, 0.5, 0.5,
        ],
    ),
    (
        "TGW",
        [
            64.0, 1.0, 8.5, 1.2, 0.8, 1.0, 1.1, 3.0, 1.0, 1.5, 2.0, 2.0, 8.5, 1.0, 1.0, 2.4,
        ],
    ),
];
/// Shares of spells whose ethnicity is not stated (Z), not known (99), or not recorded at all.
const NOT_STATED: f64 = 0.03;
const NOT_KNOWN: f64 = 0.02;
const NOT_RECORDED: f64 = 0.02;
/// Share of spells whose area, and so IMD decile, is not known.
const NO_DECILE: f64 = 0.03;

/// How much each collaborative's population leans to the deprived deciles: its decile `d` holds
/// a share proportional to `1 + lean × (5.5 − d) / 4.5`.
const DEPRIVATION_LEAN: [(&str, f64); 5] = [
    ("NCM", 0.35),
    ("RVW", 0.15),
    ("CMP", 0.2),
    ("SWP", -0.25),
    ("TGW", 0.05),
];

/// England's population by ESP 2013 age band, in thousands (ONS mid-year estimates, rounded):
/// the age structure of every group's population.
const AGE_STRUCTURE: [f64; 19] = [
    3170.0, 3470.0, 3560.0, 3370.0, 3560.0, 3780.0, 3970.0, 3840.0, 3650.0, 3480.0, 3860.0, 3830.0,
    3370.0, 2880.0, 2790.0, 2270.0, 1480.0, 880.0, 530.0,
];
/// The female share of each ESP age band (women live longer).
const FEMALE_SHARE: [f64; 19] = [
    0.488, 0.488, 0.488, 0.488, 0.495, 0.5, 0.505, 0.505, 0.505, 0.505, 0.505, 0.505, 0.51, 0.515,
    0.525, 0.54, 0.565, 0.61, 0.69,
];

/// NHS England's age bands (DOMAIN.md section 12) with the share of each ESP band in them.
const NHS_AGE_BANDS: [(&str, &[(usize, f64)]); 11] = [
    ("0 to 17", &[(0, 1.0), (1, 1.0), (2, 1.0), (3, 0.6)]),
    ("18 to 24", &[(3, 0.4), (4, 1.0)]),
    ("25 to 29", &[(5, 1.0)]),
    ("30 to 34", &[(6, 1.0)]),
    ("35 to 39", &[(7, 1.0)]),
    ("40 to 44", &[(8, 1.0)]),
    ("45 to 49", &[(9, 1.0)]),
    ("50 to 54", &[(10, 1.0)]),
    ("55 to 59", &[(11, 1.0)]),
    ("60 to 64", &[(12, 1.0)]),
    (
        "65 or over",
        &[
            (13, 1.0),
            (14, 1.0),
            (15, 1.0),
            (16, 1.0),
            (17, 1.0),
            (18, 1.0),
        ],
    ),
];

/// Age at admission by service line: mean and spread of a normal draw, and the youngest and
/// oldest age kept.
fn age_of(line: &str) -> (f64, f64, f64, f64) {
    match line {
        "older_adult_acute" => (78.0, 7.0, 60.0, 101.0),
        "cyp_inpatient" => (15.2, 1.4, 11.0, 17.0),
        "picu" => (32.0, 9.0, 18.0, 70.0),
        "adult_secure_medium" => (36.0, 10.0, 18.0, 75.0),
        "adult_secure_low" => (40.0, 11.0, 18.0, 78.0),
        "adult_eating_disorder" => (26.0, 8.0, 18.0, 65.0),
        "adult_rehabilitation" => (40.0, 11.0, 18.0, 75.0),
        "adult_ld_autism" => (30.0, 10.0, 18.0, 70.0),
        "mother_and_baby" => (30.0, 5.0, 18.0, 45.0),
        _ => (38.0, 13.0, 18.0, 90.0),
    }
}

/// Gender codes 1, 2, 3, 4 and 9 by service line, as shares.
fn genders_of(line: &str) -> [f64; 5] {
    match line {
        "adult_secure_medium" | "adult_secure_low" => [0.85, 0.14, 0.004, 0.002, 0.004],
        "adult_eating_disorder" => [0.12, 0.86, 0.012, 0.004, 0.004],
        "mother_and_baby" => [0.0, 1.0, 0.0, 0.0, 0.0],
        "cyp_inpatient" => [0.40, 0.57, 0.02, 0.005, 0.005],
        _ => [0.52, 0.465, 0.006, 0.003, 0.006],
    }
}
const GENDER_CODES: [&str; 5] = ["1", "2", "3", "4", "9"];

fn draw_index(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        x -= w;
        if x < 0.0 {
            return i;
        }
    }
    weights.len() - 1
}

fn ethnicity_shares(collaborative: &str) -> [f64; 16] {
    ETHNICITY_SHARES
        .iter()
        .find(|(code, _)| *code == collaborative)
        .map(|(_, shares)| *shares)
        .expect("every collaborative has its ethnic mix")
}

/// The share of a collaborative's population in each IMD decile.
fn decile_shares(collaborative: &str) -> [f64; 10] {
    let lean = DEPRIVATION_LEAN
        .iter()
        .find(|(code, _)| *code == collaborative)
        .map(|(_, lean)| *lean)
        .expect("every collaborative has its deprivation");
    let mut shares = [0.0; 10];
    for (i, share) in shares.iter_mut().enumerate() {
        *share = 1.0 + lean * (4.5 - i as f64) / 4.5;
    }
    let total: f64 = shares.iter().sum();
    shares.map(|s| s / total)
}

/// Draws the person of each spell, from a stream of its own.
pub(super) struct People {
    rng: ChaCha8Rng,
    ages: Vec<(Normal<f64>, f64, f64)>,
    oap_deciles: [f64; 10],
    african: usize,
}

impl People {
    pub fn new(seed: u64) -> People {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // A stream of its own: the spells' draws (stream 0) are untouched.
        rng.set_stream(28);
        let ages = SERVICE_LINES
            .iter()
            .map(|line| {
                let (mean, spread, youngest, oldest) = age_of(line.name);
                let normal = Normal::new(mean, spread).expect("a positive spread");
                (normal, youngest, oldest)
            })
            .collect();
        People {
            rng,
            ages,
            oap_deciles: std::array::from_fn(|i| {
                DEPRIVATION_OAP_RATIO.powf((4.5 - i as f64) / 9.0)
            }),
            african: ETHNIC_CATEGORIES
                .iter()
                .position(|(code, _, _)| *code == AFRICAN)
                .expect("N is a category"),
        }
    }

    /// The person of a spell, knowing what happened to it.
    pub fn draw(&mut self, spell: &SpellFacts) -> Person {
        let rng = &mut self.rng;
        let collaborative = COLLABORATIVES[spell.collaborative].code;
        let line = &SERVICE_LINES[spell.service_line];
        let (normal, youngest, oldest) = &self.ages[spell.service_line];
        let age = normal.sample(rng).round().clamp(*youngest, *oldest) as u8;
        let gender = draw_index(rng, &genders_of(line.name)) as u8;

        let recorded = rng.random::<f64>();
        let ethnic_category = if recorded < NOT_STATED {
            NOT_STATED_INDEX
        } else if recorded < NOT_STATED + NOT_KNOWN {
            NOT_KNOWN_INDEX
        } else if recorded < NOT_STATED + NOT_KNOWN + NOT_RECORDED {
            NOT_RECORDED_INDEX
        } else {
            let mut shares = ethnicity_shares(collaborative);
            if collaborative == AFRICAN_IN {
                let los_z = (f64::from(spell.los.max(1)).ln() - line.median_los.ln()) / line.sigma;
                let odds = if spell.oap { AFRICAN_OAP_ODDS } else { 1.0 }
                    * (AFRICAN_LOS_TILT * los_z.clamp(-3.0, 3.0)).exp();
                shares[self.african] *= odds;
            }
            draw_index(rng, &shares)
        } as u8;

        let imd_decile = if rng.random::<f64>() < NO_DECILE {
            0
        } else {
            let mut weights = decile_shares(collaborative);
            if spell.oap {
                for (w, tilt) in weights.iter_mut().zip(self.oap_deciles) {
                    *w *= tilt;
                }
            }
            draw_index(rng, &weights) as u8 + 1
        };
        Person {
            age,
            gender,
            ethnic_category,
            imd_decile,
        }
    }
}

/// The header of `populations.csv`.
pub const POPULATION_COLUMNS: [&str; 5] = [
    "collaborative",
    "dimension",
    "group",
    "age_band",
    "population",
];

/// The rows of `populations.csv`: for every collaborative, its population (collaboratives.csv)
/// by NHS age band (`all` ages), and by ESP 2013 age band for each gender with a census count
/// (male, female), ethnic category, upper ethnic group and IMD decile. Every group has the
/// age structure of England; rounded to whole people.
pub fn population_rows() -> Vec<[String; 5]> {
    let age_total: f64 = AGE_STRUCTURE.iter().sum();
    let mut rows = Vec::new();
    for c in &COLLABORATIVES {
        let by_band = AGE_STRUCTURE.map(|people| c.population as f64 * people / age_total);
        let mut row = |dimension: &str, group: &str, band: &str, people: f64| {
            rows.push([
                c.code.to_string(),
                dimension.to_string(),
                group.to_string(),
                band.to_string(),
                format!("{}", people.round()),
            ]);
        };
        for (group, parts) in NHS_AGE_BANDS {
            let people = parts.iter().map(|(band, share)| by_band[*band] * share);
            row("age_band", group, "all", people.sum());
        }
        let shares = ethnicity_shares(c.code);
        let known: f64 = shares.iter().sum();
        let mut groups: Vec<(&str, &str, [f64; 19])> = vec![
            ("gender", "Male", FEMALE_SHARE.map(|f| 1.0 - f)),
            ("gender", "Female", FEMALE_SHARE),
        ];
        for ((_, label, _), share) in ETHNIC_CATEGORIES.iter().zip(shares) {
            groups.push(("ethnicity", label, [share / known; 19]));
        }
        for &upper in UPPER_GROUPS {
            let share: f64 = ETHNIC_CATEGORIES
                .iter()
                .zip(shares)
                .filter(|((_, _, group), _)| *group == upper)
                .map(|(_, share)| share)
                .sum();
            groups.push(("upper_ethnicity", upper, [share / known; 19]));
        }
        for (decile, share) in crate::demographics::IMD_DECILES
            .iter()
            .zip(decile_shares(c.code))
        {
            groups.push(("imd_decile", decile, [share; 19]));
        }
        for (dimension, group, share) in groups {
            for (i, band) in EspBand::ALL.iter().enumerate() {
                row(dimension, group, band.name(), by_band[i] * share[i]);
            }
        }
    }
    rows
}

/// England's rows of `populations.csv`: the sum of the collaboratives' `rows` for each
/// dimension, group and age band, in their order.
pub fn england_rows(rows: &[[String; 5]]) -> Vec<[String; 5]> {
    let mut order: Vec<(String, String, String)> = Vec::new();
    let mut sums: std::collections::HashMap<(String, String, String), f64> =
        std::collections::HashMap::new();
    for [_, dimension, group, band, population] in rows {
        let key = (dimension.clone(), group.clone(), band.clone());
        let people: f64 = population.parse().unwrap_or(0.0);
        match sums.get_mut(&key) {
            Some(sum) => *sum += people,
            None => {
                order.push(key.clone());
                sums.insert(key, people);
            }
        }
    }
    order
        .into_iter()
        .map(|key| {
            let total = sums[&key];
            let (dimension, group, band) = key;
            ["England".into(), dimension, group, band, format!("{total}")]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(spells: &[SpellFacts], seed: u64) -> Vec<Person> {
        let mut people = People::new(seed);
        spells.iter().map(|spell| people.draw(spell)).collect()
    }

    #[test]
    fn a_person_reads_back_its_codes() {
        let person = |gender, ethnic_category, imd_decile| Person {
            age: 40,
            gender,
            ethnic_category,
            imd_decile,
        };
        assert_eq!(person(0, 0, 1).gender(), "1");
        assert_eq!(person(4, 0, 1).gender(), "9");
        assert_eq!(person(0, 12, 1).ethnic_category(), "N");
        assert_eq!(person(0, 15, 1).ethnic_category(), "S");
        assert_eq!(person(0, 16, 1).ethnic_category(), "Z");
        assert_eq!(person(0, 17, 1).ethnic_category(), "99");
        assert_eq!(person(0, 18, 1).ethnic_category(), "");
        assert_eq!(person(0, 0, 10).imd_decile(), Some(10));
        assert_eq!(person(0, 0, 0).imd_decile(), None);
    }

    fn facts(collaborative: usize, oap: bool, los: i32, n: usize) -> Vec<SpellFacts> {
        (0..n)
            .map(|_| SpellFacts {
                collaborative,
                service_line: 0,
                oap,
                los,
            })
            .collect()
    }

    #[test]
    fn the_built_in_inequalities_are_there() {
        let tgw = COLLABORATIVES.iter().position(|c| c.code == "TGW").unwrap();
        let swp = COLLABORATIVES.iter().position(|c| c.code == "SWP").unwrap();
        let share_african = |spells: &[SpellFacts], seed| {
            let people = draw(spells, seed);
            people.iter().filter(|p| p.ethnic_category() == "N").count() as f64
                / spells.len() as f64
        };
        // Acute spells of the median stay: 8.5% of TGW's known ethnicities are African; 93% are
        // recorded; with an out-of-area placement the odds are 3.5 times.
        let local = share_african(&facts(tgw, false, 28, 40_000), 1);
        assert!((local - 0.93 * 0.085 / 1.0).abs() < 0.006, "{local}");
        let away = share_african(&facts(tgw, true, 28, 40_000), 2);
        let odds = |p: f64| p / (0.93 - p);
        assert!(
            (odds(away) / odds(local) - 3.5).abs() < 0.4,
            "{away} {local}"
        );
        // A stay one standard deviation longer (×e^0.9 for acute): odds ×e^0.5.
        let long = share_african(&facts(tgw, false, (28.0 * 0.9f64.exp()) as i32, 40_000), 3);
        assert!(
            (odds(long) / odds(local) - 0.5f64.exp()).abs() < 0.25,
            "{long}"
        );
        // Not elsewhere.
        let swp_away = share_african(&facts(swp, true, 28, 40_000), 4);
        assert!((swp_away - 0.93 * 0.006).abs() < 0.002, "{swp_away}");

        // Deprivation: out-of-area spells six times as often from decile 1 as from decile 10,
        // per person living there (SWP's decile 1 holds 0.6 times the people of its decile 10).
        let people = draw(&facts(swp, true, 28, 60_000), 5);
        let count = |d| people.iter().filter(|p| p.imd_decile() == Some(d)).count() as f64;
        let ratio = count(1) / count(10);
        assert!((ratio - 6.0 * 0.6).abs() < 0.45, "{ratio}");
        let people = draw(&facts(swp, false, 28, 60_000), 6);
        let count = |d| people.iter().filter(|p| p.imd_decile() == Some(d)).count() as f64;
        let ratio = count(1) / count(10);
        assert!((ratio - 0.6).abs() < 0.08, "{ratio}");
    }

    #[test]
    fn populations_add_up_to_each_collaborative() {
        let rows = population_rows();
        for c in &COLLABORATIVES {
            for dimension in [
                "age_band",
                "gender",
                "ethnicity",
                "upper_ethnicity",
                "imd_decile",
            ] {
                let sum: f64 = rows
                    .iter()
                    .filter(|r| r[0] == c.code && r[1] == dimension)
                    .map(|r| r[4].parse::<f64>().unwrap())
                    .sum();
                // Rounding to whole people: within a person per row.
                assert!(
                    (sum - c.population as f64).abs() <= 320.0,
                    "{} {dimension}: {sum}",
                    c.code
                );
            }
        }
        assert!(rows
            .iter()
            .all(|r| r[3] == "all" || EspBand::parse(&r[3]).is_some()));
    }
}
