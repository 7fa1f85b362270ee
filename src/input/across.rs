//! The rules across rows (DOMAIN.md section 3): no date after the extract date, unique
//! identifiers, placements of known and valid spells within their spell, every spell placed, no
//! overlapping placements.

use chrono::NaiveDate;
use polars::prelude::*;

use super::columns::Lines;
use super::dates::{is_day, iso, NO_DAY};
use super::files::ExtractKind;
use super::findings::{short, Finding, Rule, Sources};
use super::rows::{AdmissionRows, PlacementRows};
use crate::periods::{day_of, Day};

/// Where the extract date came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractDateSource {
    /// Given with `--extract-date`.
    Given,
    /// The latest date in the extracts: that of `column` at `file`'s line `line`.
    Latest {
        file: String,
        line: usize,
        column: &'static str,
    },
    /// Today: the extracts hold no date, or their latest is after today.
    Today,
}

/// The extract date (as given, or the latest date in the data, but never after today) and where
/// it came from, and the rule that no date lies after it.
pub(super) fn rule_after_extract_date(
    sources: &mut Sources,
    adm: &mut AdmissionRows,
    plc: &mut PlacementRows,
    extract_date: Option<NaiveDate>,
    today: NaiveDate,
) -> (Day, ExtractDateSource) {
    use ExtractKind::{Admissions, Placements};
    // The extract date: as given, or the latest date in the data (the first row holding it, to
    // say where it came from). No date may be after it, nor after today.
    let latest_of = |days: &[Day]| {
        days.iter()
            .enumerate()
            .filter(|(_, d)| is_day(**d))
            .max_by_key(|(row, d)| (**d, std::cmp::Reverse(*row)))
            .map(|(row, d)| (*d, row))
    };
    let today = day_of(today);
    let (extract_day, source) = match extract_date {
        Some(date) => (day_of(date), ExtractDateSource::Given),
        None => {
            let columns = [
                (
                    Admissions,
                    "admission_date",
                    &adm.admitted,
                    &adm.common.line,
                ),
                (
                    Admissions,
                    "discharge_date",
                    &adm.discharged,
                    &adm.common.line,
                ),
                (Placements, "start_date", &plc.start, &plc.common.line),
                (Placements, "end_date", &plc.end, &plc.common.line),
            ];
            let latest = columns
                .iter()
                .filter_map(|(kind, column, days, lines)| {
                    latest_of(days).map(|(day, row)| (day, *kind, *column, row, *lines))
                })
                // The first column holding it, admissions before placements.
                .min_by_key(|(day, ..)| std::cmp::Reverse(*day));
            match latest {
                Some((day, kind, column, row, lines)) if day <= today => {
                    let (file, line) = sources.at(kind, row, lines);
                    let file = sources.files[file].path.clone();
                    (day, ExtractDateSource::Latest { file, line, column })
                }
                _ => (today, ExtractDateSource::Today),
            }
        }
    };
    let extract_date_inferred = source != ExtractDateSource::Given;
    let limit_text = if extract_date_inferred {
        format!("today, {}", iso(today))
    } else {
        format!("the extract date {}", iso(extract_day))
    };
    let after_limit = |sources: &mut Sources,
                       bad: &mut [bool],
                       lines: &Lines,
                       kind: ExtractKind,
                       column: &'static str,
                       days: &[Day]| {
        for (row, &day) in days.iter().enumerate() {
            if is_day(day) && day > extract_day {
                bad[row] = true;
                sources.add(
                    kind,
                    row,
                    lines,
                    Rule::AfterExtractDate,
                    column,
                    Some(&iso(day)),
                    format!("{column} {} is after {limit_text}", iso(day)),
                );
            }
        }
    };
    let (ac, pc) = (&mut adm.common, &mut plc.common);
    after_limit(
        &mut *sources,
        &mut ac.bad,
        &ac.line,
        Admissions,
        "admission_date",
        &adm.admitted,
    );
    after_limit(
        &mut *sources,
        &mut ac.bad,
        &ac.line,
        Admissions,
        "discharge_date",
        &adm.discharged,
    );
    after_limit(
        &mut *sources,
        &mut pc.bad,
        &pc.line,
        Placements,
        "start_date",
        &plc.start,
    );
    after_limit(
        &mut *sources,
        &mut pc.bad,
        &pc.line,
        Placements,
        "end_date",
        &plc.end,
    );
    (extract_day, source)
}

/// The rules on identifiers (duplicates, unknown or invalid admissions) and on placements within
/// their spell; the spell (admission row) of each placement whose spell is valid (`u32::MAX`
/// otherwise).
pub(super) fn rules_of_identifiers_and_spells(
    sources: &mut Sources,
    adm: &mut AdmissionRows,
    plc: &mut PlacementRows,
) -> Vec<u32> {
    use ExtractKind::{Admissions, Placements};
    let (ac, pc) = (&mut adm.common, &mut plc.common);
    // Duplicate identifiers: the first occurrence stands, later ones are findings. Extracts
    // sorted by identifier (the usual case) need no index: identifiers that always increase
    // (as followed while reading) hold no duplicate, and placements sorted by admission find
    // their spell by a merge. Otherwise hash maps; the placement ids are looked at on another
    // thread.
    let (admissions_sorted, placements_sorted, references_sorted) = (
        adm.id_order.increasing,
        plc.id_order.increasing,
        plc.admission_id_order.never_decreasing,
    );
    let merge = admissions_sorted && references_sorted;
    let mut admission_index: PlHashMap<&str, u32> = PlHashMap::default();
    std::thread::scope(|scope| {
        let placement_ids = &plc.id;
        let rows = plc.start.len();
        let duplicate_placements = scope.spawn(move || {
            let mut duplicates = Vec::new();
            if placements_sorted {
                return duplicates;
            }
            let mut seen: PlHashMap<&str, u32> = PlHashMap::with_capacity(rows);
            for row in 0..rows {
                if let Some(id) = placement_ids.get(row) {
                    match seen.get(id) {
                        Some(&first) => duplicates.push((row, first as usize)),
                        None => {
                            seen.insert(id, row as u32);
                        }
                    }
                }
            }
            duplicates
        });
        if !merge {
            admission_index.reserve(adm.admitted.len());
            for row in 0..adm.admitted.len() {
                let Some(id) = adm.id.get(row) else { continue };
                match admission_index.get(id) {
                    Some(&first) => {
                        let (here, _) = sources.at(Admissions, row, &ac.line);
                        let first_at = sources.location(Admissions, first as usize, &ac.line, here);
                        ac.bad[row] = true;
                        sources.add(
                            Admissions,
                            row,
                            &ac.line,
                            Rule::DuplicateId,
                            "admission_id",
                            Some(id),
                            format!("admission_id {} is a duplicate of {first_at}", short(id)),
                        );
                    }
                    None => {
                        admission_index.insert(id, row as u32);
                    }
                }
            }
        }
        for (row, first) in duplicate_placements
            .join()
            .expect("duplicate placement ids")
        {
            let id = plc.id.get(row).unwrap_or_default();
            let (here, _) = sources.at(Placements, row, &pc.line);
            let first_at = sources.location(Placements, first, &pc.line, here);
            pc.bad[row] = true;
            sources.add(
                Placements,
                row,
                &pc.line,
                Rule::DuplicateId,
                "placement_id",
                Some(id),
                format!("placement_id {} is a duplicate of {first_at}", short(id)),
            );
        }
    });
    // The admission row of an admission id: by the index, or by walking both sorted extracts.
    let mut next_admission = 0usize;
    let mut find_spell = |id: &str| -> Option<u32> {
        if !merge {
            return admission_index.get(id).copied();
        }
        while next_admission < adm.admitted.len() {
            match adm.id.get(next_admission) {
                Some(candidate) if candidate >= id => {
                    return (candidate == id).then_some(next_admission as u32);
                }
                _ => next_admission += 1,
            }
        }
        None
    };

    // Placement rules that need the spell. The spell (admission row) of each placement whose
    // spell is valid.
    let mut spell_of: Vec<u32> = vec![u32::MAX; plc.start.len()];
    for (row, spell_of_row) in spell_of.iter_mut().enumerate() {
        let Some(admission_id) = plc.admission_id.get(row) else {
            continue;
        };
        let Some(spell) = find_spell(admission_id) else {
            pc.bad[row] = true;
            sources.add(
                Placements,
                row,
                &pc.line,
                Rule::UnknownAdmission,
                "admission_id",
                Some(admission_id),
                format!(
                    "admission_id {} is not in the admissions extract",
                    short(admission_id)
                ),
            );
            continue;
        };
        let spell = spell as usize;
        if ac.bad[spell] {
            let at = sources.location(Admissions, spell, &ac.line, usize::MAX);
            pc.bad[row] = true;
            sources.add(
                Placements,
                row,
                &pc.line,
                Rule::RejectedAdmission,
                "admission_id",
                Some(admission_id),
                format!(
                    "admission_id {} refers to an invalid admission ({at})",
                    short(admission_id)
                ),
            );
            continue;
        }
        *spell_of_row = spell as u32;
        let (admitted, start) = (adm.admitted[spell], plc.start[row]);
        if !is_day(admitted) || !is_day(start) {
            continue;
        }
        let mut outside = |message: String, column: &'static str, value: String| {
            pc.bad[row] = true;
            sources.add(
                Placements,
                row,
                &pc.line,
                Rule::OutsideSpell,
                column,
                Some(&value),
                message,
            );
        };
        if start < admitted {
            outside(
                format!(
                    "start_date {} is before the spell's admission_date {}",
                    iso(start),
                    iso(admitted)
                ),
                "start_date",
                iso(start),
            );
        }
        let discharged = adm.discharged[spell];
        if is_day(discharged) {
            if start > discharged {
                outside(
                    format!(
                        "start_date {} is after the spell's discharge_date {}",
                        iso(start),
                        iso(discharged)
                    ),
                    "start_date",
                    iso(start),
                );
            }
            let end = plc.end[row];
            if is_day(end) && end > discharged {
                outside(
                    format!(
                        "end_date {} is after the spell's discharge_date {}",
                        iso(end),
                        iso(discharged)
                    ),
                    "end_date",
                    iso(end),
                );
            } else if end == NO_DAY {
                outside(
                    format!(
                        "end_date is empty (ongoing) but the spell was discharged on {}",
                        iso(discharged)
                    ),
                    "end_date",
                    String::new(),
                );
            }
        }
    }

    drop(admission_index);
    spell_of
}

/// The rule that every valid spell has a placement (the contract: a spell's placements are all
/// its stays, an open spell's current stay among them): the spells no placement row names, as
/// findings that leave the spell valid (it happened; whether out of area is what is not known).
/// Only meaningful when the placements were read.
pub(super) fn rule_every_spell_placed(
    sources: &Sources,
    adm: &AdmissionRows,
    spell_of: &[u32],
) -> Vec<(usize, Finding)> {
    let mut placed = vec![false; adm.admitted.len()];
    for &spell in spell_of.iter().filter(|&&s| s != u32::MAX) {
        placed[spell as usize] = true;
    }
    let ac = &adm.common;
    (0..placed.len())
        .filter(|&row| !placed[row] && !ac.bad[row])
        .map(|row| {
            let id = adm.id.get(row).unwrap_or_default();
            sources.finding(
                ExtractKind::Admissions,
                row,
                &ac.line,
                Rule::NoPlacement,
                "admission_id",
                Some(id),
                format!(
                    "admission_id {} has no placement: where the patient stayed, in area or out, is not known",
                    short(id)
                ),
            )
        })
        .collect()
}

/// The rule that placements of a spell do not overlap.
pub(super) fn rule_no_overlaps(sources: &mut Sources, plc: &mut PlacementRows, spell_of: &[u32]) {
    use ExtractKind::Placements;
    let pc = &mut plc.common;
    // Overlapping placements within a spell, among placements otherwise valid: sorted by spell
    // and start, each must start on or after the end of the stays before it (a same-day stay
    // occupies no night).
    let end_or_ongoing = |row: usize| {
        let end = plc.end[row];
        (end != NO_DAY).then_some(end)
    };
    let key = |row: u32| {
        let row = row as usize;
        (
            spell_of[row],
            plc.start[row],
            end_or_ongoing(row).unwrap_or(Day::MAX),
        )
    };
    let mut order: Vec<u32> = (0..plc.start.len() as u32)
        .filter(|&row| spell_of[row as usize] != u32::MAX && !pc.bad[row as usize])
        .collect();
    // Extracts listing each spell's placements together in date order need no sort.
    if !order.is_sorted_by_key(|&row| key(row)) {
        order.sort_unstable_by_key(|&row| (key(row), row));
    }
    for group in order.chunk_by(|&a, &b| spell_of[a as usize] == spell_of[b as usize]) {
        // The stay that reaches furthest so far.
        let mut reach = group[0] as usize;
        for &current in &group[1..] {
            let current = current as usize;
            let start = plc.start[current];
            let (prev_end, cur_end) = (end_or_ongoing(reach), end_or_ongoing(current));
            if prev_end.is_none_or(|prev_end| start < prev_end) {
                let (here, _) = sources.at(Placements, current, &pc.line);
                let at = sources.location(Placements, reach, &pc.line, here);
                let until = prev_end.map_or("ongoing".to_string(), |e| format!("to {}", iso(e)));
                let prev_start = iso(plc.start[reach]);
                pc.bad[current] = true;
                sources.add(Placements, current, &pc.line, Rule::OverlappingPlacements, "start_date", Some(&iso(start)),
                    format!("start_date {} overlaps placement {} ({at}, {prev_start} {until}) in spell {}",
                        iso(start), plc.id.get(reach).unwrap_or("?"), plc.admission_id.get(current).unwrap_or("?")));
            }
            if prev_end.is_some() && cur_end.is_none_or(|e| prev_end.is_some_and(|pe| e > pe)) {
                reach = current;
            }
        }
    }
    drop(order);
    // Placement identifiers are needed no more.
    plc.id = Default::default();
    plc.admission_id = Default::default();
}
