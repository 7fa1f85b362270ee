//! MHSDS record-level tables from the generator's spells (`oapstat generate --mhsds`): the five
//! tables NHS England derives its OAP measures from (`MHS000Header`, `MHS001MPI`,
//! `MHS101Referral`, `MHS501HospProvSpell`, `MHS502WardStay`; DOMAIN.md section 14), with the
//! column names of its pipeline, as providers submit them month by month.
//!
//! The spells and placements are those of the extract generator for the same seed, start,
//! extract date and number of admissions, told as MHSDS tells them: each placement is a referral
//! and a hospital spell at its receiving provider (consecutive in-area placements at one
//! provider one spell), its ward stays splitting it where the bed type changes; an out-of-area
//! placement is a referral with its `ReasonOAT` at the receiving provider, the admitting provider
//! its referring (sending) organisation. On top, referrals without a hospital spell (community
//! care), as most of a national `MHS101Referral` is.
//!
//! Every record open in a month is in that month's submission, with the same unique ids
//! (`UniqMonthID` = months since April 1900, plus 1: April 2024 = 1489) and what was known at the
//! month's end (a discharge after it is not yet there). The cases the pipeline's rules turn on are
//! all present: record versions (a month's row resubmitted later: the old version's
//! `RecordEndDate` the day before the new one's `RecordStartDate`, with another `ReasonOAT` or
//! bed type, or the discharge not yet recorded), overlapping OAP referrals of one person (a referral left open after
//! the person moved to a second out-of-area provider), hospital spells whose ward stays change
//! bed type, open ward stays, same-day discharges, OAP referrals without a referring
//! organisation, OAP referrals without a hospital spell, referrals received a few days before
//! their spell starts, and both bed-type code sets (10, 11, 12… up to March 2024, 200, 201, 202…
//! from April 2024, one provider switching two months late). The output is written month by month: only one month's rows are held.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};

use super::{generate, GenerateRequest, COLLABORATIVES, OUT_OF_AREA_PROVIDERS};
use crate::periods::{date_of, day_of, Day};

/// What to write.
pub struct MhsdsRequest {
    /// The spells: as the extract generator makes them.
    pub extract: GenerateRequest,
    /// Referrals without a hospital spell begun over the data.
    pub community_referrals: usize,
    /// One file per table per month (`MHS101Referral_2024-04.csv`), else one per table.
    pub monthly_files: bool,
    pub parquet: bool,
}

/// The tables, in the order written; `TABLES[i].0` is the file's stem.
pub const TABLES: [(&str, &[&str]); 5] = [
    (
        "MHS000Header",
        &[
            "UniqMonthID",
            "OrgIDProvider",
            "UniqSubmissionID",
            "ReportingPeriodStartDate",
            "ReportingPeriodEndDate",
        ],
    ),
    (
        "MHS001MPI",
        &[
            "UniqMonthID",
            "OrgIDProv",
            "Person_ID",
            "PatMRecInRP",
            "AgeRepPeriodEnd",
            "Gender",
            "GenderIDCode",
            "NHSDEthnicity",
            "LSOA2011",
            "RecordStartDate",
            "RecordEndDate",
        ],
    ),
    (
        "MHS101Referral",
        &[
            "UniqMonthID",
            "OrgIDProv",
            "Person_ID",
            "UniqServReqID",
            "ReferralRequestReceivedDate",
            "ServDischDate",
            "ReasonOAT",
            "PrimReasonReferralMH",
            "OrgIDReferringOrg",
            "RecordStartDate",
            "RecordEndDate",
        ],
    ),
    (
        "MHS501HospProvSpell",
        &[
            "UniqMonthID",
            "OrgIDProv",
            "Person_ID",
            "UniqServReqID",
            "UniqHospProvSpellID",
            "StartDateHospProvSpell",
            "DischDateHospProvSpell",
            "RecordStartDate",
            "RecordEndDate",
        ],
    ),
    (
        "MHS502WardStay",
        &[
            "UniqMonthID",
            "OrgIDProv",
            "Person_ID",
            "UniqHospProvSpellID",
            "UniqWardStayID",
            "StartDateWardStay",
            "EndDateWardStay",
            "MHAdmittedPatientClass",
            "WardType",
            "RecordStartDate",
            "RecordEndDate",
        ],
    ),
];

/// Columns holding integers (in Parquet `Int64`) and dates (`Date`); the others are text.
const INTEGER_COLUMNS: [&str; 2] = ["UniqMonthID", "AgeRepPeriodEnd"];

fn is_date_column(name: &str) -> bool {
    name.contains("Date")
}

/// The month of `UniqMonthID` 1: April 1900.
pub fn uniq_month_id(date: NaiveDate) -> i64 {
    i64::from(date.year() - 1900) * 12 + i64::from(date.month0()) - 3 + 1
}

/// The last `UniqMonthID` of the bed-type codes used before April 2024.
const LAST_OLD_CODE_MONTH: i64 = 1488;

/// Bed types (`MHAdmittedPatientClass`) of a service line: from April 2024, and before.
fn bed_codes(service_line: &str) -> (&'static str, &'static str) {
    match service_line {
        "adult_acute" => ("200", "10"),
        "older_adult_acute" => ("201", "11"),
        "picu" => ("202", "12"),
        "adult_eating_disorder" => ("203", "13"),
        "mother_and_baby" => ("204", "14"),
        "adult_ld_autism" => ("205", "15"),
        "adult_secure_low" => ("206", "19"),
        "adult_secure_medium" => ("207", "20"),
        "adult_rehabilitation" => ("212", "17"),
        _ => ("300", "23"),
    }
}

/// `WardType` of a service line (01 child, 02 adolescent, 03 adult, 04 older adult).
fn ward_type(service_line: &str) -> &'static str {
    match service_line {
        "cyp_inpatient" => "02",
        "older_adult_acute" => "04",
        _ => "03",
    }
}

/// The provider that went on submitting the old bed-type codes for two months after April 2024
/// (the pipeline maps them to the new codes, but its adult acute test reads only the new ones).
const LATE_SWITCHING_PROVIDER: &str = "RTG03";
const LATE_SWITCH_LAST_MONTH: i64 = 1490;

/// Reason codes of referrals to mental health services (`PrimReasonReferralMH`), most common first.
const PRIMARY_REASONS: [&str; 8] = ["01", "02", "04", "05", "08", "10", "11", "12"];
const ETHNICITIES: [(&str, f64); 18] = [
    ("A", 0.70),
    ("B", 0.02),
    ("C", 0.05),
    ("D", 0.01),
    ("E", 0.01),
    ("F", 0.01),
    ("G", 0.01),
    ("H", 0.03),
    ("J", 0.02),
    ("K", 0.01),
    ("L", 0.01),
    ("M", 0.02),
    ("N", 0.02),
    ("P", 0.01),
    ("R", 0.01),
    ("S", 0.02),
    ("Z", 0.02),
    ("99", 0.02),
];

struct Ward {
    id: u64,
    start: Day,
    end: Option<Day>,
    line: &'static str,
}

struct Spell {
    id: u64,
    start: Day,
    discharge: Option<Day>,
    wards: Vec<Ward>,
}

/// A referral, with its hospital spell if it has one.
struct Referral {
    id: u64,
    person: u32,
    provider: &'static str,
    received: Day,
    discharge: Option<Day>,
    reason: Option<&'static str>,
    primary_reason: &'static str,
    referring: Option<&'static str>,
    spell: Option<Spell>,
    /// A month (day of its first day) whose row was resubmitted later, with the old version's
    /// content changed.
    revised: Option<Day>,
}

impl Referral {
    fn first_day(&self) -> Day {
        self.spell
            .as_ref()
            .map_or(self.received, |s| s.start.min(self.received))
    }

    /// The last day any of its records is open (`None`: still open at the extract date).
    fn last_day(&self) -> Option<Day> {
        let spell_end = self.spell.as_ref().map_or(Some(Day::MIN), |s| s.discharge);
        Some(self.discharge?.max(spell_end?))
    }
}

#[derive(Clone, Copy)]
struct Person {
    birth: Day,
    gender: &'static str,
    gender_identity: Option<&'static str>,
    ethnicity: &'static str,
    lsoa: u32,
}

fn person_for(rng: &mut ChaCha8Rng, line: &str, admitted: Day) -> Person {
    let age_years = match line {
        "cyp_inpatient" => rng.random_range(12..18),
        "older_adult_acute" => rng.random_range(66..95),
        "mother_and_baby" => rng.random_range(19..42),
        _ => rng.random_range(18..70),
    };
    let birth = admitted - age_years * 365 - rng.random_range(0..365);
    let gender = match rng.random::<f64>() {
        x if x < 0.50 => "1",
        x if x < 0.985 => "2",
        _ => "9",
    };
    let gender_identity = match rng.random::<f64>() {
        x if x < 0.55 => Some(gender).filter(|g| *g != "9"),
        x if x < 0.56 => Some("3"),
        x if x < 0.565 => Some("4"),
        _ => None,
    };
    let ethnicity = super::pick(rng, &ETHNICITIES, |e| e.1).0;
    Person {
        birth,
        gender,
        gender_identity,
        ethnicity,
        lsoa: rng.random_range(1..=LSOAS),
    }
}

/// Rows written, per table (in [`TABLES`] order).
pub struct Written {
    pub rows: [u64; 5],
    pub files: Vec<PathBuf>,
    pub months: usize,
}

/// Generates the tables and writes them into `dir`, with `providers.csv` and `collaboratives.csv`.
pub fn write(request: &MhsdsRequest, dir: &Path) -> Result<Written> {
    let model = build(request)?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let mut out = Output::new(dir, request.parquet, request.monthly_files);
    let (first, last) = (
        day_of(request.extract.start),
        day_of(request.extract.extract_date),
    );
    let mut month = crate::periods::month_start(request.extract.start);
    let mut next = 0usize;
    let mut active: Vec<usize> = Vec::new();
    let mut months = 0usize;
    let providers: Vec<&'static str> = COLLABORATIVES
        .iter()
        .flat_map(|c| c.providers)
        .chain(OUT_OF_AREA_PROVIDERS)
        .collect();
    while day_of(month) <= last {
        let (m1, m2) = (
            day_of(month),
            day_of(crate::periods::month_end(month)).min(last),
        );
        let month_id = uniq_month_id(month);
        let label = month.format("%Y-%m").to_string();
        while next < model.referrals.len() && model.referrals[next].first_day() <= m2 {
            active.push(next);
            next += 1;
        }
        let mut rows = MonthRows::new(month_id, m1, day_of(crate::periods::month_end(month)));
        for (i, provider) in providers.iter().enumerate() {
            rows.header(
                provider,
                &format!("{}{:06}", provider, month_id * 100 + i as i64),
            );
        }
        let mut persons: Vec<(u32, &'static str)> = Vec::new();
        for &i in &active {
            let referral = &model.referrals[i];
            if referral.last_day().is_some_and(|d| d < m1.max(first)) {
                continue;
            }
            rows.referral(referral, &model);
            persons.push((referral.person, referral.provider));
        }
        persons.sort_unstable();
        persons.dedup();
        let mut previous = None;
        for (person, provider) in persons {
            let master = previous != Some(person);
            previous = Some(person);
            rows.person(person, provider, master, &model);
        }
        out.month(&label, rows)?;
        active.retain(|&i| {
            model.referrals[i]
                .last_day()
                .is_none_or(|d| d > day_of(crate::periods::month_end(month)))
        });
        month = crate::periods::add_months(month, 1);
        months += 1;
    }
    let (rows, mut files) = out.finish()?;
    files.push(write_reference(dir)?);
    files.push(super::write_collaboratives(dir)?);
    files.push(write_imd(dir, &model)?);
    files.push(super::write_populations(dir, true)?);
    Ok(Written {
        rows,
        files,
        months,
    })
}

/// `providers.csv`: each collaborative's providers (the out-of-area providers belong to none).
fn write_reference(dir: &Path) -> Result<PathBuf> {
    let path = dir.join("providers.csv");
    crate::output::write_atomically(&path, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["provider_code", "collaborative"])?;
        for c in &COLLABORATIVES {
            for p in c.providers {
                w.write_record([p, c.code])?;
            }
        }
        w.flush()?;
        Ok(())
    })?;
    Ok(path)
}

/// The share of people of each IMD decile (1 most deprived) among those admitted: more from
/// the most deprived areas.
const DECILE_SHARES: [f64; 10] = [0.16, 0.14, 0.12, 0.11, 0.10, 0.09, 0.08, 0.07, 0.07, 0.06];

/// The IMD decile of the generator's LSOA number (1 to 32,844, `E01` and six digits): the
/// numbers are cut into ten runs in [`DECILE_SHARES`]; `None` for the one in 97 the lookup
/// leaves out (an area the IMD 2019 look-up does not list, read as UNKNOWN).
fn decile_of_lsoa(lsoa: u32) -> Option<u8> {
    if lsoa.is_multiple_of(97) {
        return None;
    }
    let place = f64::from(lsoa - 1) / f64::from(LSOAS);
    let mut upto = 0.0;
    for (i, share) in DECILE_SHARES.iter().enumerate() {
        upto += share;
        if place < upto {
            return Some(i as u8 + 1);
        }
    }
    Some(10)
}

/// How many LSOA numbers the generator draws from.
const LSOAS: u32 = 32_844;

/// `imd.csv`: the IMD decile of every LSOA of the generated people (but the ones
/// [`decile_of_lsoa`] leaves out).
fn write_imd(dir: &Path, model: &Model) -> Result<PathBuf> {
    let mut lsoas: Vec<u32> = model.persons.iter().map(|p| p.lsoa).collect();
    lsoas.sort_unstable();
    lsoas.dedup();
    let path = dir.join("imd.csv");
    crate::output::write_atomically(&path, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["lsoa", "imd_decile"])?;
        for lsoa in lsoas {
            if let Some(decile) = decile_of_lsoa(lsoa) {
                w.write_record([format!("E01{lsoa:06}"), decile.to_string()])?;
            }
        }
        w.flush()?;
        Ok(())
    })?;
    Ok(path)
}

struct Model {
    referrals: Vec<Referral>,
    persons: Vec<Person>,
    person_ids: Vec<String>,
}

/// The referrals, spells and ward stays, sorted by their first day.
fn build(request: &MhsdsRequest) -> Result<Model> {
    let extract = generate(&request.extract)?;
    let (first, last) = (
        day_of(request.extract.start),
        day_of(request.extract.extract_date),
    );
    // A stream of its own, so that the spells are the extract's whatever is drawn here.
    let mut rng = ChaCha8Rng::seed_from_u64(request.extract.seed ^ 0x4d48_5344_5300_0001);
    let mut persons: Vec<Person> = Vec::new();
    let mut person_ids: Vec<String> = Vec::new();
    let mut person_index: HashMap<String, u32> = HashMap::new();
    let mut referrals: Vec<Referral> = Vec::new();
    let (mut referral_no, mut spell_no, mut ward_no) = (0u64, 0u64, 0u64);
    let mut placements_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, admission) in extract.placement_admission.iter().enumerate() {
        placements_of.entry(admission.as_str()).or_default().push(i);
    }
    let late_close = LogNormal::new(4f64.ln(), 0.7)?;
    for a in 0..extract.admission_id.len() {
        let line = extract.service_line[a];
        let person = *person_index
            .entry(extract.patient_id[a].clone())
            .or_insert_with(|| {
                persons.push(person_for(&mut rng, line, extract.admission_date[a]));
                person_ids.push(extract.patient_id[a].clone());
                (persons.len() - 1) as u32
            });
        let sending = extract.admitting_provider[a];
        // Consecutive in-area placements at one provider are one spell; an out-of-area placement
        // is a spell of its own at its provider.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        for &p in placements_of
            .get(extract.admission_id[a].as_str())
            .map_or(&[][..], |v| v.as_slice())
        {
            match groups.last_mut() {
                Some((_, end))
                    if !extract.out_of_area[p]
                        && !extract.out_of_area[*end]
                        && extract.receiving_provider[*end] == extract.receiving_provider[p] =>
                {
                    *end = p
                }
                _ => groups.push((p, p)),
            }
        }
        for (g0, g1) in groups {
            let start = extract.start_date[g0];
            let discharge = extract.end_date[g1];
            let provider = extract.receiving_provider[g0];
            let oap = extract.out_of_area[g0];
            // Ward stays: one per placement, each cut again where the bed type changes.
            let mut cuts: Vec<(Day, Option<Day>)> = (g0..=g1)
                .map(|p| (extract.start_date[p], extract.end_date[p]))
                .collect();
            let span = discharge.unwrap_or(last) - start;
            // An out-of-area stay the person left for a second provider while its referral stayed
            // open: the later referral of the same person ends the first (the pipeline's rule).
            let moved = (oap && span >= 6 && rng.random::<f64>() < 0.08)
                .then(|| start + rng.random_range(2..span - 2));
            if let Some(t) = moved {
                cuts = vec![(start, Some(t))];
            }
            let spell_end = moved.or(discharge);
            let wards = ward_stays(&mut rng, &cuts, spell_end, line, &mut ward_no);
            let lead = if rng.random::<f64>() < 0.15 {
                rng.random_range(1..=3)
            } else {
                0
            };
            let closed_late = |rng: &mut ChaCha8Rng, d: Option<Day>| {
                d.map(|d| {
                    if rng.random::<f64>() < 0.1 {
                        (d + late_close.sample(rng).round() as Day).min(last)
                    } else {
                        d
                    }
                })
            };
            let referring = if oap {
                (rng.random::<f64>() > 0.04).then_some(sending)
            } else {
                (rng.random::<f64>() > 0.3).then_some(sending)
            };
            let reason = if oap { extract.oap_reason[g0] } else { None };
            // A few OAP referrals whose hospital spell was never linked to them.
            let unlinked = oap && moved.is_none() && rng.random::<f64>() < 0.02;
            referral_no += 1;
            spell_no += 1;
            let ref_discharge = if moved.is_some() {
                discharge
            } else {
                closed_late(&mut rng, discharge)
            };
            referrals.push(Referral {
                id: referral_no,
                person,
                provider,
                received: start - lead,
                discharge: ref_discharge,
                reason,
                primary_reason: PRIMARY_REASONS[rng.random_range(0..PRIMARY_REASONS.len())],
                referring,
                spell: (!unlinked).then_some(Spell {
                    id: spell_no,
                    start,
                    discharge: spell_end,
                    wards,
                }),
                revised: None,
            });
            if let Some(t) = moved {
                let n = OUT_OF_AREA_PROVIDERS.len();
                let at = OUT_OF_AREA_PROVIDERS
                    .iter()
                    .position(|p| *p == provider)
                    .unwrap_or(0);
                let second = OUT_OF_AREA_PROVIDERS[(at + rng.random_range(1..n)) % n];
                let wards = ward_stays(&mut rng, &[(t, discharge)], discharge, line, &mut ward_no);
                referral_no += 1;
                spell_no += 1;
                referrals.push(Referral {
                    id: referral_no,
                    person,
                    provider: second,
                    received: t,
                    discharge,
                    reason,
                    primary_reason: PRIMARY_REASONS[rng.random_range(0..PRIMARY_REASONS.len())],
                    referring,
                    spell: Some(Spell {
                        id: spell_no,
                        start: t,
                        discharge,
                        wards,
                    }),
                    revised: None,
                });
            }
        }
    }
    // Referrals without a hospital spell, a third of them of people who also have one.
    let inpatients = persons.len() as u32;
    let community_persons = (request.community_referrals * 2 / 3).max(1);
    let length = LogNormal::new(120f64.ln(), 0.9)?;
    let home: Vec<&'static str> = COLLABORATIVES.iter().flat_map(|c| c.providers).collect();
    let span = last - first + 1;
    let mut community_person: HashMap<u32, u32> = HashMap::new();
    for i in 0..request.community_referrals {
        let received = first - 365
            + ((i as f64 + rng.random::<f64>()) * f64::from(span + 365)
                / request.community_referrals as f64) as Day;
        let person = if inpatients > 0 && rng.random::<f64>() < 1.0 / 3.0 {
            rng.random_range(0..inpatients)
        } else {
            let k = rng.random_range(0..community_persons) as u32;
            *community_person.entry(k).or_insert_with(|| {
                persons.push(person_for(&mut rng, "", received));
                person_ids.push(format!("PC{:08}", k + 1));
                (persons.len() - 1) as u32
            })
        };
        let discharge =
            Some(received + length.sample(&mut rng).round() as Day).filter(|d| *d <= last);
        if discharge.is_some_and(|d| d < first) {
            continue;
        }
        referral_no += 1;
        referrals.push(Referral {
            id: referral_no,
            person,
            provider: home[rng.random_range(0..home.len())],
            received,
            discharge,
            reason: None,
            primary_reason: PRIMARY_REASONS[rng.random_range(0..PRIMARY_REASONS.len())],
            referring: None,
            spell: None,
            revised: None,
        });
    }
    // Record versions: a month's row of about one referral in fifty (one in five of the OAP
    // referrals) resubmitted in a later month.
    let last_month = day_of(crate::periods::month_start(date_of(last)));
    for referral in &mut referrals {
        let share = if referral.reason.is_some() { 0.2 } else { 0.02 };
        if rng.random::<f64>() >= share {
            continue;
        }
        let from = day_of(crate::periods::month_start(date_of(
            referral.first_day().max(first),
        )));
        let to = referral.last_day().unwrap_or(last).min(last_month - 1);
        if to < from {
            continue;
        }
        let pick = from + rng.random_range(0..=(to - from));
        referral.revised = Some(day_of(crate::periods::month_start(date_of(pick))));
    }
    referrals.sort_by_key(|r| (r.first_day(), r.id));
    Ok(Model {
        referrals,
        persons,
        person_ids,
    })
}

/// The ward stays of a spell: one per placement (`cuts`, the last ended by `end`), a stay of more
/// than a week cut once more, a third of the time, where the bed type changes (adult acute to a
/// PICU, or stepping down to rehabilitation, and sometimes back; a PICU or older adult stay to
/// adult acute; medium to low secure and back; another ward of the same type otherwise).
fn ward_stays(
    rng: &mut ChaCha8Rng,
    cuts: &[(Day, Option<Day>)],
    end: Option<Day>,
    line: &'static str,
    ward_no: &mut u64,
) -> Vec<Ward> {
    let mut wards = Vec::new();
    for (i, &(start, stay_end)) in cuts.iter().enumerate() {
        let stay_end = if i + 1 == cuts.len() { end } else { stay_end };
        let length = stay_end.map(|e| e - start);
        let changed = match line {
            "adult_acute" if rng.random::<f64>() < 0.3 => "adult_rehabilitation",
            "adult_acute" => "picu",
            "picu" | "older_adult_acute" => "adult_acute",
            "adult_secure_medium" => "adult_secure_low",
            "adult_secure_low" => "adult_secure_medium",
            other => other,
        };
        if length.is_none_or(|l| l > 7) && rng.random::<f64>() < 0.33 {
            let at = start + rng.random_range(1..length.unwrap_or(30).max(2));
            let back = length.is_none_or(|l| l > 20) && rng.random::<f64>() < 0.4;
            let second_end = if back {
                Some(at + rng.random_range(1..8)).filter(|d| stay_end.is_none_or(|e| *d < e))
            } else {
                None
            };
            let mut push = |s: Day, e: Option<Day>, l: &'static str| {
                *ward_no += 1;
                wards.push(Ward {
                    id: *ward_no,
                    start: s,
                    end: e,
                    line: l,
                });
            };
            push(start, Some(at), line);
            match second_end {
                Some(b) => {
                    push(at, Some(b), changed);
                    push(b, stay_end, line);
                }
                None => push(at, stay_end, changed),
            }
        } else {
            *ward_no += 1;
            wards.push(Ward {
                id: *ward_no,
                start,
                end: stay_end,
                line,
            });
        }
    }
    wards
}

/// A value of a row.
enum V<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Date(Option<Day>),
}

enum Buffer {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Date(Vec<Option<Day>>),
}

/// One table's rows of one month, column by column.
struct Rows {
    columns: Vec<Buffer>,
    len: usize,
}

impl Rows {
    fn new(names: &[&str]) -> Rows {
        Rows {
            columns: names
                .iter()
                .map(|n| {
                    if INTEGER_COLUMNS.contains(n) {
                        Buffer::Int(Vec::new())
                    } else if is_date_column(n) {
                        Buffer::Date(Vec::new())
                    } else {
                        Buffer::Text(Vec::new())
                    }
                })
                .collect(),
            len: 0,
        }
    }

    fn push(&mut self, values: &[V]) {
        debug_assert_eq!(values.len(), self.columns.len());
        for (column, value) in self.columns.iter_mut().zip(values) {
            match (column, value) {
                (Buffer::Text(c), V::Text(v)) => c.push(v.map(str::to_string)),
                (Buffer::Int(c), V::Int(v)) => c.push(*v),
                (Buffer::Date(c), V::Date(v)) => c.push(*v),
                _ => unreachable!("a value of another type than its column"),
            }
        }
        self.len += 1;
    }
}

/// One month's submissions: a [`Rows`] per table.
struct MonthRows {
    month_id: i64,
    month_start: Day,
    month_end: Day,
    tables: Vec<Rows>,
}

impl MonthRows {
    fn new(month_id: i64, month_start: Day, month_end: Day) -> MonthRows {
        MonthRows {
            month_id,
            month_start,
            month_end,
            tables: TABLES.iter().map(|(_, cols)| Rows::new(cols)).collect(),
        }
    }

    fn header(&mut self, provider: &str, submission: &str) {
        let (id, s, e) = (self.month_id, self.month_start, self.month_end);
        self.tables[0].push(&[
            V::Int(Some(id)),
            V::Text(Some(provider)),
            V::Text(Some(submission)),
            V::Date(Some(s)),
            V::Date(Some(e)),
        ]);
    }

    fn person(&mut self, person: u32, provider: &str, master: bool, model: &Model) {
        let p = model.persons[person as usize];
        let age = (date_of(self.month_end).years_since(date_of(p.birth))).map(i64::from);
        let lsoa = format!("E01{:06}", p.lsoa);
        let (id, s) = (self.month_id, self.month_start);
        self.tables[1].push(&[
            V::Int(Some(id)),
            V::Text(Some(provider)),
            V::Text(Some(&model.person_ids[person as usize])),
            V::Text(Some(if master { "true" } else { "false" })),
            V::Int(age),
            V::Text(Some(p.gender)),
            V::Text(p.gender_identity),
            V::Text(Some(p.ethnicity)),
            V::Text(Some(&lsoa)),
            V::Date(Some(s)),
            V::Date(None),
        ]);
    }

    /// The referral's rows of this month (and its spell's and ward stays'), as known at the
    /// month's end; a revised month has the old version too.
    fn referral(&mut self, r: &Referral, model: &Model) {
        let (id, m1, m2) = (self.month_id, self.month_start, self.month_end);
        let known = |d: Option<Day>| d.filter(|d| *d <= m2);
        let open = |s: Day, e: Option<Day>| s <= m2 && e.is_none_or(|e| e >= m1);
        let person = model.person_ids[r.person as usize].as_str();
        let referral_id = format!("SR{:09}", r.id);
        // A revised month: the first version stood from the month's submission until the day
        // before the resubmission (the 15th of the next month), the second from then on.
        let revised = r.revised == Some(m1);
        let resubmitted = m2 + 15;
        let versions: &[(Day, Option<Day>, bool)] = if revised {
            &[
                (m1, Some(resubmitted - 1), true),
                (resubmitted, None, false),
            ]
        } else {
            &[(m1, None, false)]
        };
        for &(record_start, record_end, old) in versions {
            if open(r.received, r.discharge) {
                let reason = if old {
                    match r.reason {
                        Some("10") => Some("14"),
                        Some(_) => Some("10"),
                        None => None,
                    }
                } else {
                    r.reason
                };
                self.tables[2].push(&[
                    V::Int(Some(id)),
                    V::Text(Some(r.provider)),
                    V::Text(Some(person)),
                    V::Text(Some(&referral_id)),
                    V::Date(Some(r.received)),
                    V::Date(known(r.discharge)),
                    V::Text(reason),
                    V::Text(Some(r.primary_reason)),
                    V::Text(r.referring),
                    V::Date(Some(record_start)),
                    V::Date(record_end),
                ]);
            }
            let Some(spell) = &r.spell else { continue };
            let spell_id = format!("HS{:09}", spell.id);
            if open(spell.start, spell.discharge) {
                // The old version lacked the discharge date (recorded late).
                let discharge = known(spell.discharge).filter(|_| !old);
                self.tables[3].push(&[
                    V::Int(Some(id)),
                    V::Text(Some(r.provider)),
                    V::Text(Some(person)),
                    V::Text(Some(&referral_id)),
                    V::Text(Some(&spell_id)),
                    V::Date(Some(spell.start)),
                    V::Date(discharge),
                    V::Date(Some(record_start)),
                    V::Date(record_end),
                ]);
            }
            for ward in &spell.wards {
                if !open(ward.start, ward.end) {
                    continue;
                }
                let (new, before) = bed_codes(ward.line);
                let old_codes = id <= LAST_OLD_CODE_MONTH
                    || (r.provider == LATE_SWITCHING_PROVIDER && id <= LATE_SWITCH_LAST_MONTH);
                // The old version had the bed type of the spell's service line's neighbour.
                let code = match (old, old_codes) {
                    (true, true) => {
                        bed_codes(if ward.line == "picu" {
                            "adult_acute"
                        } else {
                            "picu"
                        })
                        .1
                    }
                    (true, false) => {
                        bed_codes(if ward.line == "picu" {
                            "adult_acute"
                        } else {
                            "picu"
                        })
                        .0
                    }
                    (false, true) => before,
                    (false, false) => new,
                };
                self.tables[4].push(&[
                    V::Int(Some(id)),
                    V::Text(Some(r.provider)),
                    V::Text(Some(person)),
                    V::Text(Some(&spell_id)),
                    V::Text(Some(&format!("WS{:09}", ward.id))),
                    V::Date(Some(ward.start)),
                    V::Date(known(ward.end)),
                    V::Text(Some(code)),
                    V::Text(Some(ward_type(ward.line))),
                    V::Date(Some(record_start)),
                    V::Date(record_end),
                ]);
            }
        }
    }
}

/// A file being written: a temporary file beside its final path until every file is done.
struct Pending {
    path: PathBuf,
    file: tempfile::NamedTempFile,
    sink: Sink,
}

enum Sink {
    Csv(Box<csv::Writer<std::io::BufWriter<std::fs::File>>>),
    Parquet(Box<polars_io::parquet::write::BatchedWriter<std::fs::File>>),
    Closed,
}

struct Output {
    dir: PathBuf,
    parquet: bool,
    monthly: bool,
    open: Vec<Option<Pending>>,
    done: Vec<Pending>,
    rows: [u64; 5],
}

fn iso(day: Day, buf: &mut String) {
    use std::fmt::Write as _;
    let d = date_of(day);
    buf.clear();
    let _ = write!(buf, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}

impl Output {
    fn new(dir: &Path, parquet: bool, monthly: bool) -> Output {
        Output {
            dir: dir.to_path_buf(),
            parquet,
            monthly,
            open: TABLES.iter().map(|_| None).collect(),
            done: Vec::new(),
            rows: [0; 5],
        }
    }

    fn create(&self, table: usize, label: &str, schema: &Schema) -> Result<Pending> {
        let name = TABLES[table].0;
        let ext = if self.parquet { "parquet" } else { "csv" };
        let path = if self.monthly {
            self.dir.join(format!("{name}_{label}.{ext}"))
        } else {
            self.dir.join(format!("{name}.{ext}"))
        };
        let file = tempfile::Builder::new()
            .prefix(".oapstat-")
            .tempfile_in(&self.dir)
            .with_context(|| format!("{}: cannot create a file", path.display()))?;
        let handle = file.reopen()?;
        let sink = if self.parquet {
            Sink::Parquet(Box::new(
                polars_io::prelude::ParquetWriter::new(handle).batched(schema)?,
            ))
        } else {
            let mut w =
                csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, handle));
            w.write_record(TABLES[table].1)?;
            Sink::Csv(Box::new(w))
        };
        Ok(Pending { path, file, sink })
    }

    fn month(&mut self, label: &str, rows: MonthRows) -> Result<()> {
        for (t, table) in rows.tables.into_iter().enumerate() {
            self.rows[t] += table.len as u64;
            let frame = self.parquet.then(|| frame(t, &table)).transpose()?;
            if self.open[t].is_none() {
                let schema = match &frame {
                    Some(f) => f.schema().as_ref().clone(),
                    None => Schema::default(),
                };
                self.open[t] = Some(self.create(t, label, &schema)?);
            }
            let pending = self.open[t].as_mut().expect("opened");
            match (&mut pending.sink, frame) {
                (Sink::Parquet(w), Some(f)) => {
                    if f.height() > 0 {
                        w.write_batch(&f)?
                    }
                }
                (Sink::Csv(w), _) => write_csv(w, &table)?,
                _ => unreachable!("a sink of the format asked"),
            }
            if self.monthly {
                let mut done = self.open[t].take().expect("opened");
                close(&mut done)?;
                self.done.push(done);
            }
        }
        Ok(())
    }

    /// Closes the files and moves them into place; the rows written per table.
    fn finish(mut self) -> Result<([u64; 5], Vec<PathBuf>)> {
        for t in 0..TABLES.len() {
            if let Some(mut done) = self.open[t].take() {
                close(&mut done)?;
                self.done.push(done);
            }
        }
        let mut paths = Vec::new();
        for done in self.done {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                done.file
                    .as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644))?;
            }
            done.file
                .persist(&done.path)
                .with_context(|| format!("{}: cannot write", done.path.display()))?;
            paths.push(done.path);
        }
        Ok((self.rows, paths))
    }
}

fn close(pending: &mut Pending) -> Result<()> {
    match std::mem::replace(&mut pending.sink, Sink::Closed) {
        Sink::Csv(w) => {
            let mut inner = w
                .into_inner()
                .map_err(|e| anyhow::anyhow!("{}: {}", pending.path.display(), e.error()))?;
            inner.flush()?;
        }
        Sink::Parquet(w) => {
            w.finish()?;
        }
        Sink::Closed => {}
    }
    Ok(())
}

fn write_csv(w: &mut csv::Writer<std::io::BufWriter<std::fs::File>>, rows: &Rows) -> Result<()> {
    let mut cells: Vec<String> = vec![String::new(); rows.columns.len()];
    for i in 0..rows.len {
        for (cell, column) in cells.iter_mut().zip(&rows.columns) {
            cell.clear();
            match column {
                Buffer::Text(c) => {
                    if let Some(v) = &c[i] {
                        cell.push_str(v)
                    }
                }
                Buffer::Int(c) => {
                    if let Some(v) = c[i] {
                        use std::fmt::Write as _;
                        let _ = write!(cell, "{v}");
                    }
                }
                Buffer::Date(c) => {
                    if let Some(v) = c[i] {
                        iso(v, cell)
                    }
                }
            }
        }
        w.write_record(&cells)?;
    }
    Ok(())
}

fn frame(table: usize, rows: &Rows) -> Result<DataFrame> {
    let columns = TABLES[table]
        .1
        .iter()
        .zip(&rows.columns)
        .map(|(name, column)| {
            Ok(match column {
                Buffer::Text(c) => Column::new((*name).into(), c),
                Buffer::Int(c) => Column::new((*name).into(), c),
                Buffer::Date(c) => Column::new((*name).into(), c).cast(&DataType::Date)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DataFrame::new(rows.len, columns)?)
}

/// Refuses to run over files of a previous run unless `force`.
pub fn check_existing(dir: &Path, parquet: bool) -> Result<()> {
    let ext = if parquet { "parquet" } else { "csv" };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let ours = TABLES.iter().any(|(t, _)| name.starts_with(t)) && name.ends_with(ext)
            || name == "providers.csv"
            || name == "collaboratives.csv"
            || name == "imd.csv"
            || name == "populations.csv";
        if ours {
            bail!(
                "{}: already exists (pass --force to replace it)",
                entry.path().display()
            );
        }
    }
    Ok(())
}
