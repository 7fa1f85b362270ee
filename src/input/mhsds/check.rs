//! The rules across rows of the MHSDS tables: a record repeated in one month (same id, month
//! and `RecordStartDate`; for `MHS001MPI`, a second master record of a person), with other
//! values or the same, and a ward stay outside its hospital spell. A row breaking one is taken out of the tables and becomes a [`Finding`].

use std::collections::HashMap;

use super::records::{At, Month};
use super::tables::{Table, Tables};
use crate::input::dates::iso;
use crate::input::findings::short;
use crate::input::{Finding, Rule};
use crate::periods::Day;

/// Checks the rules across rows; the rows breaking one are removed from `tables` (and counted
/// as rejected in its files), their findings added to `findings`.
pub fn check_across(tables: &mut Tables, findings: &mut Vec<Finding>) {
    let mut bad_referrals = vec![false; tables.referrals.len()];
    let mut bad_spells = vec![false; tables.spells.len()];
    let mut bad_ward_stays = vec![false; tables.ward_stays.len()];
    let mut bad_masters = vec![false; tables.master_records.len()];
    let mut found = Vec::new();
    {
        let t = &*tables;
        let file = |at: At| t.files[at.file as usize].path.as_str();
        // The rows in order of their key (a stable sort: of equal keys, the earliest row
        // first), so that a repeat is next to the row it repeats; four bytes a row. Returns
        // that order.
        let mut repeats = |table: Table,
                           id_column: &'static str,
                           keys: Vec<((u32, Month, Day), At)>,
                           id_of: &dyn Fn(usize) -> String,
                           differ: &dyn Fn(usize, usize) -> Vec<&'static str>,
                           bad: &mut [bool]| {
            let mut order: Vec<u32> = (0..keys.len() as u32).collect();
            order.sort_by_key(|&row| keys[row as usize].0);
            let mut earlier = 0usize;
            for (place, &row) in order.iter().enumerate() {
                let row = row as usize;
                let (key, at) = keys[row];
                if place == 0 || keys[earlier].0 != key {
                    earlier = row;
                    continue;
                }
                bad[row] = true;
                let columns = differ(earlier, row);
                let how = if columns.is_empty() {
                    "with the same values".to_string()
                } else {
                    format!("with other values of {}", columns.join(", "))
                };
                let before = keys[earlier].1;
                let id = id_of(row);
                found.push(Finding {
                    file: file(at).to_string(),
                    line: at.line as usize,
                    rule: Rule::DuplicateId,
                    column: Some(id_column),
                    value: Some(short(&id).into_owned()),
                    message: format!(
                        "{id_column} {} is repeated in {} month {} ({}:{}) {how}",
                        short(&id),
                        table.name(),
                        key.1,
                        file(before),
                        before.line
                    ),
                });
            }
            order
        };
        let r = &t.referrals;
        repeats(
            Table::Referral,
            "UniqServReqID",
            r.iter()
                .map(|x| ((x.id, x.month, x.version.start), x.at))
                .collect(),
            &|row| t.referral_ids.text(r[row].id).to_string(),
            &|a, b| {
                let (a, b) = (&r[a], &r[b]);
                let mut d = Vec::new();
                differs(&mut d, "Person_ID", a.person != b.person);
                differs(
                    &mut d,
                    "ReferralRequestReceivedDate",
                    a.received != b.received,
                );
                differs(&mut d, "ServDischDate", a.discharged != b.discharged);
                differs(&mut d, "ReasonOAT", a.reason != b.reason);
                differs(&mut d, "OrgIDProv", a.provider != b.provider);
                differs(&mut d, "OrgIDReferringOrg", a.referrer != b.referrer);
                differs(&mut d, "RecordEndDate", a.version.end != b.version.end);
                d
            },
            &mut bad_referrals,
        );
        let s = &t.spells;
        repeats(
            Table::Spell,
            "UniqHospProvSpellID",
            s.iter()
                .map(|x| ((x.id, x.month, x.version.start), x.at))
                .collect(),
            &|row| t.spell_ids.text(s[row].id).to_string(),
            &|a, b| {
                let (a, b) = (&s[a], &s[b]);
                let mut d = Vec::new();
                differs(&mut d, "UniqServReqID", a.referral != b.referral);
                differs(&mut d, "Person_ID", a.person != b.person);
                differs(&mut d, "OrgIDProv", a.provider != b.provider);
                differs(&mut d, "StartDateHospProvSpell", a.start != b.start);
                differs(
                    &mut d,
                    "DischDateHospProvSpell",
                    a.discharged != b.discharged,
                );
                differs(&mut d, "RecordEndDate", a.version.end != b.version.end);
                d
            },
            &mut bad_spells,
        );
        let w = &t.ward_stays;
        repeats(
            Table::WardStay,
            "UniqWardStayID",
            w.iter()
                .map(|x| ((x.id, x.month, x.version.start), x.at))
                .collect(),
            &|row| t.ward_stay_ids.text(w[row].id).to_string(),
            &|a, b| {
                let (a, b) = (&w[a], &w[b]);
                let mut d = Vec::new();
                differs(&mut d, "Person_ID", a.person != b.person);
                differs(&mut d, "UniqHospProvSpellID", a.spell != b.spell);
                differs(&mut d, "OrgIDProv", a.provider != b.provider);
                differs(&mut d, "StartDateWardStay", a.start != b.start);
                differs(&mut d, "EndDateWardStay", a.end != b.end);
                differs(&mut d, "MHAdmittedPatientClass", a.bed_type != b.bed_type);
                differs(&mut d, "RecordEndDate", a.version.end != b.version.end);
                d
            },
            &mut bad_ward_stays,
        );

        // Two master records of a person in one month: NHS England's tables would count the
        // person in both groups, and their bed days twice.
        let p = &t.master_records;
        let order = repeats(
            Table::Mpi,
            "Person_ID",
            p.iter()
                .map(|x| ((x.person, x.month, x.version.start), x.at))
                .collect(),
            &|row| t.people.text(p[row].person).to_string(),
            &|a, b| {
                let (a, b) = (&p[a], &p[b]);
                let mut d = Vec::new();
                differs(&mut d, "AgeRepPeriodEnd", a.who.age != b.who.age);
                differs(
                    &mut d,
                    "Gender or GenderIDCode",
                    a.who.gender != b.who.gender,
                );
                differs(&mut d, "NHSDEthnicity", a.who.ethnicity != b.who.ethnicity);
                differs(&mut d, "LSOA2011", a.lsoa != b.lsoa);
                differs(&mut d, "RecordEndDate", a.version.end != b.version.end);
                d
            },
            &mut bad_masters,
        );

        // Two versions of a person's master record of a month current at once: the earlier one
        // still open (or closed after the later began) when the later begins. The pipeline
        // would join both, putting the person in two groups and their bed days in twice.
        // In the order the repeats were found in, by person, month and RecordStartDate.
        let kept: Vec<usize> = (order.into_iter().map(|i| i as usize))
            .filter(|&i| !bad_masters[i])
            .collect();
        for pair in kept.windows(2) {
            let (a, b) = (&p[pair[0]], &p[pair[1]]);
            if (a.person, a.month) != (b.person, b.month)
                || a.version.end.is_some_and(|end| end <= b.version.start)
            {
                continue;
            }
            bad_masters[pair[1]] = true;
            let until = a.version.end.map_or_else(
                || "has no RecordEndDate".to_string(),
                |e| format!("ends {}", iso(e)),
            );
            found.push(Finding {
                file: file(b.at).to_string(),
                line: b.at.line as usize,
                rule: Rule::DuplicateId,
                column: Some("RecordStartDate"),
                value: Some(iso(b.version.start)),
                message: format!(
                    "Person_ID {}: a master record of MHS001MPI month {} from {} begins while the one from {} ({}:{}) {until}: both would be current",
                    short(t.people.text(b.person)),
                    b.month,
                    iso(b.version.start),
                    iso(a.version.start),
                    file(a.at),
                    a.at.line
                ),
            });
        }

        // A ward stay outside its spell, as the same month's submission of the spell has it.
        let mut spell_of: HashMap<(u32, Month), usize> = HashMap::new();
        for (i, spell) in s.iter().enumerate() {
            if !bad_spells[i] {
                spell_of.entry((spell.id, spell.month)).or_insert(i);
            }
        }
        for (i, stay) in w.iter().enumerate() {
            if bad_ward_stays[i] {
                continue;
            }
            let Some(&k) = spell_of.get(&(stay.spell, stay.month)) else {
                continue;
            };
            let spell = &s[k];
            let before = stay.start < spell.start;
            let after = spell
                .discharged
                .is_some_and(|d| stay.start > d || stay.end.is_none_or(|e| e > d));
            if before || after {
                bad_ward_stays[i] = true;
                let shown = |d: Option<Day>| d.map_or_else(|| "open".to_string(), iso);
                let (column, value) = if before {
                    ("StartDateWardStay", iso(stay.start))
                } else {
                    ("EndDateWardStay", shown(stay.end))
                };
                found.push(Finding {
                    file: file(stay.at).to_string(),
                    line: stay.at.line as usize,
                    rule: Rule::OutsideSpell,
                    column: Some(column),
                    value: Some(value),
                    message: format!(
                        "ward stay {} to {} is outside its hospital spell {} ({} to {}, {}:{})",
                        iso(stay.start),
                        shown(stay.end),
                        short(t.spell_ids.text(spell.id)),
                        iso(spell.start),
                        shown(spell.discharged),
                        file(spell.at),
                        spell.at.line
                    ),
                });
            }
        }
    }
    let mut reject = |at: At| {
        let counts = &mut tables.files[at.file as usize];
        counts.rows_used -= 1;
        counts.rows_rejected += 1;
    };
    for (row, bad) in bad_referrals.iter().enumerate() {
        if *bad {
            reject(tables.referrals[row].at);
        }
    }
    for (row, bad) in bad_spells.iter().enumerate() {
        if *bad {
            reject(tables.spells[row].at);
        }
    }
    for (row, bad) in bad_ward_stays.iter().enumerate() {
        if *bad {
            reject(tables.ward_stays[row].at);
        }
    }
    for (row, bad) in bad_masters.iter().enumerate() {
        if *bad {
            reject(tables.master_records[row].at);
        }
    }
    let mut keep = bad_masters.into_iter().map(|b| !b);
    tables
        .master_records
        .retain(|_| keep.next().unwrap_or(true));
    let mut keep = bad_referrals.into_iter().map(|b| !b);
    tables.referrals.retain(|_| keep.next().unwrap_or(true));
    let mut keep = bad_spells.into_iter().map(|b| !b);
    tables.spells.retain(|_| keep.next().unwrap_or(true));
    let mut keep = bad_ward_stays.into_iter().map(|b| !b);
    tables.ward_stays.retain(|_| keep.next().unwrap_or(true));
    findings.append(&mut found);
    findings.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
}

fn differs(list: &mut Vec<&'static str>, column: &'static str, differ: bool) {
    if differ {
        list.push(column);
    }
}
