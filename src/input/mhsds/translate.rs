//! From MHSDS tables to the spells and placements every analysis reads (the frames of
//! [`crate::input::Checked`]), so that `rates`, `los`, `spc`, `chart`, `reinvest`, `capacity` and
//! `summary` run on MHSDS unchanged:
//! - a spell is an `MHS501HospProvSpell` spell (`UniqHospProvSpellID`) as its latest submission
//!   has it (the row of its latest `UniqMonthID`, the latest `RecordStartDate` among them):
//!   admitted `StartDateHospProvSpell`, discharged `DischDateHospProvSpell`;
//! - its placements are its ward stays (`MHS502WardStay`, each at its latest submission), from
//!   `StartDateWardStay` to `EndDateWardStay`, at `OrgIDProv`; a spell without a ward stay is
//!   one placement of its own dates;
//! - out of area, and the reason, from its referral's `ReasonOAT` (`MHS101Referral`, joined on
//!   `UniqServReqID`, its latest row with a reason): given, the placements are out of area;
//! - its service line from the bed type (`MHAdmittedPatientClass`) of its ward stay with the
//!   highest `UniqWardStayID` (the one NHS England's bed days read), by the preset
//!   `oapstat mapping --preset mhsds-bed-type`; `unknown` without one;
//! - its sending provider (`admitting_provider`): the referral's `OrgIDReferringOrg` for an
//!   OAP (`UNKNOWN` when empty), else `OrgIDProv`; its collaborative, that provider's in
//!   `providers.csv`. A spell whose provider has no collaborative there is left out (counted);
//! - who the patient is (`person`, when `MHS001MPI` is given): the person's master record of
//!   the month the spell started (its latest version), else of the first month after with
//!   one, else of the last before; the age is `AgeRepPeriodEnd` of that month, so an age at
//!   the end of the month of admission where the extracts give the age at admission.

use std::collections::HashMap;

use polars::prelude::*;

use super::records::{month_of, Month};
use super::Mhsds;
use crate::input::contract::REASON_CODES;
use crate::input::mapping::preset::MHSDS_BED_TYPE;
use crate::periods::{date_of, Day};

/// The frames of the spells and out-of-area placements, and what was left out.
pub struct Translated {
    pub admissions: DataFrame,
    pub oaps: DataFrame,
    /// The text of each code of `collaborative`, `service_line` and `admitting_provider`.
    pub names: Vec<String>,
    /// Spells read (at their latest submission), and those left out: no collaborative.
    pub spells: usize,
    pub without_collaborative: usize,
}

/// The sending provider of an OAP without `OrgIDReferringOrg`.
const UNKNOWN: &str = "UNKNOWN";

/// The service line of a spell without a ward stay or bed type.
pub const UNKNOWN_SERVICE_LINE: &str = "unknown";

pub fn translate(m: &Mhsds) -> PolarsResult<Translated> {
    let t = &m.tables;
    let latest = |month: Month, start: Day, best: Option<(Month, Day)>| {
        best.is_none_or(|b| (month, start) > b)
    };
    // Each spell's latest row.
    let mut spell_row: HashMap<u32, usize> = HashMap::new();
    for (i, s) in t.spells.iter().enumerate() {
        let best = spell_row
            .get(&s.id)
            .map(|&j| (t.spells[j].month, t.spells[j].version.start));
        if latest(s.month, s.version.start, best) {
            spell_row.insert(s.id, i);
        }
    }
    // Each ward stay's latest row, by spell.
    let mut stay_row: HashMap<u32, usize> = HashMap::new();
    for (i, w) in t.ward_stays.iter().enumerate() {
        let best = stay_row
            .get(&w.id)
            .map(|&j| (t.ward_stays[j].month, t.ward_stays[j].version.start));
        if latest(w.month, w.version.start, best) {
            stay_row.insert(w.id, i);
        }
    }
    let mut stays_of: HashMap<u32, Vec<usize>> = HashMap::new();
    for &i in stay_row.values() {
        stays_of.entry(t.ward_stays[i].spell).or_default().push(i);
    }
    // Each referral's latest row with a reason.
    let mut referral_row: HashMap<u32, usize> = HashMap::new();
    for (i, r) in t.referrals.iter().enumerate() {
        let best = referral_row
            .get(&r.id)
            .map(|&j| (t.referrals[j].month, t.referrals[j].version.start));
        if latest(r.month, r.version.start, best) {
            referral_row.insert(r.id, i);
        }
    }
    let service_line_of: HashMap<u16, &str> = MHSDS_BED_TYPE
        .rows
        .iter()
        .flat_map(|(code, old, _, line)| {
            std::iter::once(*code)
                .chain(old.iter().copied())
                .filter_map(move |c| c.parse::<u16>().ok().map(|c| (c, *line)))
        })
        .collect();

    let mut names: Vec<String> = Vec::new();
    let mut name_code: HashMap<String, u32> = HashMap::new();
    let mut code = |text: &str| -> u32 {
        if let Some(&c) = name_code.get(text) {
            return c;
        }
        names.push(text.to_string());
        name_code.insert(text.to_string(), names.len() as u32 - 1);
        names.len() as u32 - 1
    };
    // Spells in a stable order: by their row in the tables.
    let mut spells: Vec<usize> = spell_row.values().copied().collect();
    spells.sort_unstable();
    let total = spells.len();
    let (mut ids, mut collaboratives, mut lines, mut senders) = (vec![], vec![], vec![], vec![]);
    let (mut admitted, mut discharged, mut people) = (vec![], vec![], vec![]);
    let mut o = OapColumns::default();
    for &i in &spells {
        let s = &t.spells[i];
        let referral = referral_row.get(&s.referral).map(|&j| &t.referrals[j]);
        let sender = match referral {
            Some(r) => r
                .referrer
                .map_or(UNKNOWN, |c| t.organisations.text(c))
                .to_string(),
            None => t.organisations.text(s.provider).to_string(),
        };
        let Some(collaborative) = m.providers.collaborative(&sender) else {
            continue;
        };
        let mut stays: Vec<usize> = stays_of.get(&s.id).cloned().unwrap_or_default();
        stays.sort_by(|&a, &b| {
            let (a, b) = (&t.ward_stays[a], &t.ward_stays[b]);
            (a.start, t.ward_stay_ids.text(a.id)).cmp(&(b.start, t.ward_stay_ids.text(b.id)))
        });
        let top = stays
            .iter()
            .max_by(|&&a, &&b| {
                t.ward_stay_ids
                    .text(t.ward_stays[a].id)
                    .cmp(t.ward_stay_ids.text(t.ward_stays[b].id))
            })
            .map(|&k| &t.ward_stays[k]);
        let line = top
            .and_then(|w| w.bed_type)
            .and_then(|b| service_line_of.get(&b).copied())
            .unwrap_or(UNKNOWN_SERVICE_LINE);
        let spell_id = ids.len() as u32;
        let (c, l, p) = (code(collaborative), code(line), code(&sender));
        ids.push(spell_id);
        collaboratives.push(c);
        lines.push(l);
        senders.push(p);
        admitted.push(s.start);
        discharged.push(s.discharged);
        if m.people.given {
            let who = m.people.around(s.person, month_of(date_of(s.start)));
            people.push(who.pack());
        }
        if let Some(r) = referral {
            let reason = REASON_CODES[r.reason as usize];
            let mut place = |start: Day, end: Option<Day>, provider: u32| {
                o.spell.push(spell_id);
                o.codes.push((c, l, p));
                o.start.push(start);
                o.end.push(end);
                o.provider.push(t.organisations.text(provider).to_string());
                o.reason.push(reason);
            };
            if stays.is_empty() {
                place(s.start, s.discharged, s.provider);
            }
            for &k in &stays {
                let w = &t.ward_stays[k];
                place(w.start, w.end, w.provider);
            }
        }
    }
    let date = |name: &str, days: Vec<Option<Day>>| -> PolarsResult<Column> {
        Column::new(name.into(), days).cast(&DataType::Date)
    };
    let n = ids.len();
    let mut columns = vec![
        Column::new("spell_id".into(), ids),
        Column::new("collaborative".into(), collaboratives),
        Column::new("service_line".into(), lines),
        Column::new("admitting_provider".into(), senders),
        date("admission_date", admitted.into_iter().map(Some).collect())?,
        date("discharge_date", discharged)?,
    ];
    if m.people.given {
        columns.push(Column::new("person".into(), people));
    }
    let admissions = DataFrame::new(n, columns)?;
    let rows = o.spell.len();
    let oaps = DataFrame::new(
        rows,
        vec![
            Column::new("spell_id".into(), o.spell),
            Column::new(
                "collaborative".into(),
                o.codes.iter().map(|c| c.0).collect::<Vec<u32>>(),
            ),
            Column::new(
                "service_line".into(),
                o.codes.iter().map(|c| c.1).collect::<Vec<u32>>(),
            ),
            Column::new(
                "admitting_provider".into(),
                o.codes.iter().map(|c| c.2).collect::<Vec<u32>>(),
            ),
            date("start_date", o.start.into_iter().map(Some).collect())?,
            date("end_date", o.end)?,
            Column::new("provider_code".into(), o.provider),
            Column::new("oap_reason".into(), o.reason),
            Column::new("distance_km".into(), vec![None::<f64>; rows]),
            Column::new("daily_cost".into(), vec![None::<f64>; rows]),
        ],
    )?;
    Ok(Translated {
        admissions,
        oaps,
        names,
        spells: total,
        without_collaborative: total - n,
    })
}

#[derive(Default)]
struct OapColumns {
    spell: Vec<u32>,
    codes: Vec<(u32, u32, u32)>,
    start: Vec<Day>,
    end: Vec<Option<Day>>,
    provider: Vec<String>,
    reason: Vec<&'static str>,
}
