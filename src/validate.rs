//! Checking every row of the extracts against the input contract (DOMAIN.md section 3), and
//! turning the rows that pass into typed dataframes for the analyses.
//!
//! Every problem is a [`Finding`] naming the file, the line (the CSV header is line 1; a Parquet
//! file's rows count from 1), the column, the value and the rule broken. A row with any finding is
//! invalid; the analyses only ever see valid rows, and the counts of rows read, valid and invalid
//! are kept per file. Nothing is dropped without a finding.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;

use crate::extract::{ExtractKind, InputPaths};
use crate::periods::{date_of, day_of, Day};
use crate::rows::{
    is_day, iso, read_csv, read_parquet, AdmissionRows, Codes, ColumnWise, Lines, PlacementRows,
    Reading, NO_DAY,
};

/// The rule a finding breaks; its snake_case name is part of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    MissingColumn,
    MissingValue,
    InvalidDate,
    InvalidNumber,
    InvalidFlag,
    DischargeBeforeAdmission,
    EndBeforeStart,
    AfterExtractDate,
    DuplicateId,
    UnknownAdmission,
    RejectedAdmission,
    OutsideSpell,
    OverlappingPlacements,
    MissingReason,
    UnknownReason,
    ReasonForInAreaPlacement,
    NegativeNumber,
    UnknownCollaborative,
}

/// One problem with one row (or, for a missing column, with a whole file).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub rule: Rule,
    pub column: Option<&'static str>,
    pub value: Option<String>,
    /// The message as shown to people, without the `file:line: ` prefix.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Rows read, valid and invalid in one file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FileCounts {
    pub path: String,
    pub extract: ExtractKind,
    pub rows_read: usize,
    pub rows_valid: usize,
    pub rows_invalid: usize,
}

/// What checking needs besides the files.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The date the extract was taken; `None`: the latest date found in the extracts.
    pub extract_date: Option<NaiveDate>,
    /// No date may lie after today, whatever the extract date.
    pub today: NaiveDate,
    /// The collaboratives of the reference file, when one was given.
    pub known_collaboratives: Option<BTreeSet<String>>,
}

/// The outcome of checking: typed frames of the valid rows, every finding, and the counts.
pub struct Checked {
    /// The valid spells: `spell_id, collaborative, service_line, admitting_provider,
    /// admission_date, discharge_date` (dates as Polars `Date`; `discharge_date` null while the
    /// spell is open). `spell_id` numbers the spells from 0 (and is left out when the placements
    /// were not read: nothing joins to the spells then); `collaborative`, `service_line` and
    /// `admitting_provider` are codes into `names`
    /// (`UInt32`: 4 bytes a row where text takes 16). Identifiers from the extracts (admission,
    /// patient) are checked but never carried further.
    pub admissions: DataFrame,
    /// The valid out-of-area placements (the only placements the analyses use): `spell_id,
    /// collaborative, service_line, admitting_provider, start_date, end_date, provider_code,
    /// oap_reason, distance_km, daily_cost`; `collaborative`, `service_line` and
    /// `admitting_provider` (the sending provider) are those of the spell, coded like the
    /// admissions'; the receiving provider (`provider_code`) and reason are text.
    pub oaps: DataFrame,
    /// The text of each code of `collaborative`, `service_line` and `admitting_provider`.
    pub names: Vec<String>,
    /// Sorted by file, then line.
    pub findings: Vec<Finding>,
    pub files: Vec<FileCounts>,
    pub extract_date: NaiveDate,
    /// True when the extract date was not given and was taken from the latest date in the data.
    pub extract_date_inferred: bool,
}

impl Checked {
    pub fn rows_invalid(&self) -> usize {
        self.files.iter().map(|f| f.rows_invalid).sum()
    }

    /// The first day the extract covers, and what it was read from. An extract of a running
    /// service holds the spells open on its first day or admitted after it, so some of them
    /// began years before it; but none ended before it: the earliest discharge marks it. With no
    /// discharge at all, the earliest admission. `None` with no valid spell.
    pub fn data_start(&self) -> PolarsResult<Option<(NaiveDate, &'static str)>> {
        let earliest = |name: &str| -> PolarsResult<Option<i32>> {
            self.admissions
                .column(name)?
                .as_materialized_series()
                .min::<i32>()
        };
        Ok(match earliest("discharge_date")? {
            Some(day) => Some((date_of(day), "its earliest discharge")),
            None => earliest("admission_date")?.map(|day| {
                (
                    date_of(day),
                    "its earliest admission, no spell having ended",
                )
            }),
        })
    }
}

/// The reason codes of DOMAIN.md section 2.
pub const REASON_CODES: [&str; 7] = ["10", "11", "12", "13", "14", "15", "99"];

/// One file of an extract: its path and its rows' place among the extract's rows.
struct FileRows {
    path: String,
    kind: ExtractKind,
    first_row: usize,
    rows: usize,
}

/// Where rows come from, and where findings go.
struct Sources {
    files: Vec<FileRows>,
    /// Index in `files` of the first placements file.
    first_placement_file: usize,
    findings: Vec<(usize, Finding)>,
}

impl Sources {
    /// The file index and line of row `row` of an extract.
    fn at(&self, kind: ExtractKind, row: usize, lines: &Lines) -> (usize, usize) {
        let range = match kind {
            ExtractKind::Admissions => 0..self.first_placement_file,
            ExtractKind::Placements => self.first_placement_file..self.files.len(),
        };
        let files = &self.files[range.clone()];
        let index = files.partition_point(|f| f.first_row <= row) - 1;
        (range.start + index, lines.get(row) as usize)
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        kind: ExtractKind,
        row: usize,
        lines: &Lines,
        rule: Rule,
        column: &'static str,
        value: Option<&str>,
        message: String,
    ) {
        let (file, line) = self.at(kind, row, lines);
        self.findings.push((
            file,
            Finding {
                file: self.files[file].path.clone(),
                line,
                rule,
                column: Some(column),
                value: value.map(str::to_string),
                message,
            },
        ));
    }

    /// `line 5`, or `admissions-2.csv:5` when the row is in another file than `here`.
    fn location(&self, kind: ExtractKind, row: usize, lines: &Lines, here: usize) -> String {
        let (file, line) = self.at(kind, row, lines);
        if file == here {
            format!("line {line}")
        } else {
            format!("{}:{line}", self.files[file].path)
        }
    }
}

/// Reads every file of one extract, parsing and checking each row.
fn read_extract<R: ColumnWise>(
    paths: &[PathBuf],
    kind: ExtractKind,
    sources: &mut Sources,
    known: Option<&PlHashSet<String>>,
    keep_admission_ids: bool,
) -> Result<R> {
    let mut all = R::default();
    let date_columns = match kind {
        ExtractKind::Admissions => ["admission_date", "discharge_date"],
        ExtractKind::Placements => ["start_date", "end_date"],
    };
    for path in paths {
        let file = sources.files.len();
        let is_parquet = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        let read = |forced| {
            let reading = Reading {
                known_collaboratives: known,
                forced,
                keep_admission_ids,
            };
            if is_parquet {
                let _reuse = crate::memory::ReuseFreed::new();
                read_parquet::<R>(path, file, kind, reading)
            } else {
                read_csv::<R>(path, file, kind, reading)
            }
        };
        let (mut rows, missing) = read([None, None])?;
        let mut formats = rows.common().first_format;
        // A column mixing both date formats: read again with the format of its first date.
        if let Some(first) = rows.common().mixed_formats() {
            (rows, _) = read(first)?;
            formats = first;
        }
        rows.common_mut()
            .finish_date_messages(date_columns, formats);
        rows.common_mut()
            .findings
            .extend(missing.into_iter().map(|f| (file, f)));
        sources.files.push(FileRows {
            path: path.display().to_string(),
            kind,
            first_row: all.len(),
            rows: rows.len(),
        });
        if all.is_empty() {
            all = rows;
        } else {
            all.append(rows)?;
        }
    }
    let findings = std::mem::take(&mut all.common_mut().findings);
    sources.findings.extend(findings);
    Ok(all)
}

/// Reads and checks every row of the extracts and builds the typed frames of valid rows.
pub fn check(paths: &InputPaths, options: &CheckOptions) -> Result<Checked> {
    let known: Option<PlHashSet<String>> = options
        .known_collaboratives
        .as_ref()
        .map(|k| k.iter().cloned().collect());
    let mut sources = Sources {
        files: Vec::new(),
        first_placement_file: paths.admissions.len(),
        findings: Vec::new(),
    };
    // Admission ids are kept to join the placements; with no placements, only for duplicates,
    // which ids that always increase cannot hold (the usual case), so only their order is kept.
    let placements_read = !paths.placements.is_empty();
    let read_admissions = |sources: &mut Sources, keep_ids| {
        read_extract::<AdmissionRows>(
            &paths.admissions,
            ExtractKind::Admissions,
            sources,
            known.as_ref(),
            keep_ids,
        )
    };
    let mut adm = read_admissions(&mut sources, placements_read)?;
    if !placements_read && !adm.id_order.increasing {
        // Ids out of order: read again, keeping them to look for duplicates.
        sources.files.clear();
        sources.findings.clear();
        adm = read_admissions(&mut sources, true)?;
    }
    crate::timing("admissions read");
    let mut plc: PlacementRows = read_extract(
        &paths.placements,
        ExtractKind::Placements,
        &mut sources,
        known.as_ref(),
        true,
    )?;
    crate::timing("placements read");

    let (extract_day, extract_date_inferred) =
        rule_after_extract_date(&mut sources, &mut adm, &mut plc, options);
    let spell_of = rules_of_identifiers_and_spells(&mut sources, &mut adm, &mut plc);
    rule_no_overlaps(&mut sources, &mut plc, &spell_of);

    // Counts, and the frames of valid rows.
    let files = sources
        .files
        .iter()
        .map(|f| {
            let bad = match f.kind {
                ExtractKind::Admissions => &adm.common.bad,
                ExtractKind::Placements => &plc.common.bad,
            };
            let invalid = bad[f.first_row..f.first_row + f.rows]
                .iter()
                .filter(|b| **b)
                .count();
            FileCounts {
                path: f.path.clone(),
                extract: f.kind,
                rows_read: f.rows,
                rows_valid: f.rows - invalid,
                rows_invalid: invalid,
            }
        })
        .collect();
    crate::timing("check: rules across rows");
    // The frames, each row set freed as soon as it is no longer needed.
    // Each admission's place among the valid ones; none needed when every one is valid.
    let position = adm
        .common
        .bad
        .contains(&true)
        .then(|| positions(&adm.common.bad));
    let oaps = oaps_frame(&plc, &adm, &spell_of, position.as_deref())?;
    drop((plc, spell_of));
    adm.common.line = Lines::default();
    crate::timing("check: oaps frame");
    let names = std::mem::take(&mut adm.dictionary.values);
    // Nothing joins to the spells when the placements were not read: no spell ids then.
    let admissions = match position {
        None => every_admission_frame(adm, placements_read)?,
        Some(position) => admissions_frame(&adm, &position, placements_read)?,
    };

    // Free memory kept while the extracts were read goes back to the system.
    crate::memory::hand_back_free();
    crate::timing("rows checked and frames built");
    let mut list = sources.findings;
    list.sort_by_key(|(file, finding)| (*file, finding.line, finding.rule));
    Ok(Checked {
        admissions,
        oaps,
        names,
        findings: list.into_iter().map(|(_, f)| f).collect(),
        files,
        extract_date: date_of(extract_day),
        extract_date_inferred,
    })
}

/// The extract date (as given, or the latest date in the data, but never after today), and the
/// rule that no date lies after it.
fn rule_after_extract_date(
    sources: &mut Sources,
    adm: &mut AdmissionRows,
    plc: &mut PlacementRows,
    options: &CheckOptions,
) -> (Day, bool) {
    use ExtractKind::{Admissions, Placements};
    // The extract date: as given, or the latest date in the data. No date may be after it, nor
    // after today.
    let latest = [&adm.admitted, &adm.discharged, &plc.start, &plc.end]
        .iter()
        .flat_map(|days| days.iter().copied().filter(|d| is_day(*d)).max())
        .max();
    let today = day_of(options.today);
    let (extract_day, extract_date_inferred) = match options.extract_date {
        Some(date) => (day_of(date), false),
        None => (latest.unwrap_or(today).min(today), true),
    };
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
    (extract_day, extract_date_inferred)
}

/// The rules on identifiers (duplicates, unknown or invalid admissions) and on placements within
/// their spell; the spell (admission row) of each placement whose spell is valid (`u32::MAX`
/// otherwise).
fn rules_of_identifiers_and_spells(
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
                            format!("admission_id {id} is a duplicate of {first_at}"),
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
                format!("placement_id {id} is a duplicate of {first_at}"),
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
                format!("admission_id {admission_id} is not in the admissions extract"),
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
                format!("admission_id {admission_id} refers to an invalid admission ({at})"),
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

    // Admission ids are needed no more.
    drop(admission_index);
    adm.id = Default::default();
    spell_of
}

/// The rule that placements of a spell do not overlap.
fn rule_no_overlaps(sources: &mut Sources, plc: &mut PlacementRows, spell_of: &[u32]) {
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

/// A text column from dictionary codes.
fn coded_column(name: &str, values: &[String], codes: Vec<IdxSize>) -> PolarsResult<Column> {
    let dictionary = Column::new(name.into(), values);
    dictionary.take(&IdxCa::from_vec(name.into(), codes))
}

fn date_column(name: &str, days: impl Iterator<Item = Day>) -> PolarsResult<Column> {
    let days: Int32Chunked = days.map(|d| is_day(d).then_some(d)).collect();
    Column::from(days.into_series().with_name(name.into())).cast(&DataType::Date)
}

/// Each admission row's position among the valid ones (`u32::MAX` when invalid).
fn positions(bad: &[bool]) -> Vec<u32> {
    let mut next = 0;
    bad.iter()
        .map(|is_bad| {
            if *is_bad {
                u32::MAX
            } else {
                next += 1;
                next - 1
            }
        })
        .collect()
}

/// The frame of the admissions when every one is valid: the row columns become the frame's
/// without a copy (an open spell's discharge day is masked as null).
fn every_admission_frame(adm: AdmissionRows, spell_ids: bool) -> PolarsResult<DataFrame> {
    let rows = adm.admitted.len();
    let open: polars_arrow::bitmap::Bitmap = adm.discharged.iter().map(|&d| is_day(d)).collect();
    let discharged =
        Int32Chunked::from_vec_validity("discharge_date".into(), adm.discharged, Some(open))
            .into_date()
            .into_column();
    let mut columns = vec![
        UInt32Chunked::from_vec("collaborative".into(), adm.collaborative.into_wide())
            .into_column(),
        UInt32Chunked::from_vec("service_line".into(), adm.service_line.into_wide()).into_column(),
        UInt32Chunked::from_vec("admitting_provider".into(), adm.provider.into_wide())
            .into_column(),
        // Required, so never empty in a valid row.
        Int32Chunked::from_vec("admission_date".into(), adm.admitted)
            .into_date()
            .into_column(),
        discharged,
    ];
    if spell_ids {
        let ids = (0..rows as u32).collect::<Vec<u32>>();
        columns.insert(0, Column::new("spell_id".into(), ids));
    }
    DataFrame::new(rows, columns)
}

/// The frame of valid admissions, in the order of `position` (from [`positions`]).
fn admissions_frame(
    adm: &AdmissionRows,
    position: &[u32],
    spell_ids: bool,
) -> PolarsResult<DataFrame> {
    let valid: Vec<u32> = (0..position.len() as u32)
        .filter(|&row| position[row as usize] != u32::MAX)
        .collect();
    let codes = |name: &str, of: &Codes| {
        Column::new(
            name.into(),
            valid
                .iter()
                .map(|&r| of.get(r as usize))
                .collect::<Vec<u32>>(),
        )
    };
    let mut columns = vec![
        codes("collaborative", &adm.collaborative),
        codes("service_line", &adm.service_line),
        codes("admitting_provider", &adm.provider),
        date_column(
            "admission_date",
            valid.iter().map(|&r| adm.admitted[r as usize]),
        )?,
        date_column(
            "discharge_date",
            valid.iter().map(|&r| adm.discharged[r as usize]),
        )?,
    ];
    if spell_ids {
        let ids = (0..valid.len() as u32).collect::<Vec<u32>>();
        columns.insert(0, Column::new("spell_id".into(), ids));
    }
    DataFrame::new(valid.len(), columns)
}

/// The frame of valid out-of-area placements.
fn oaps_frame(
    plc: &PlacementRows,
    adm: &AdmissionRows,
    spell_of: &[u32],
    position: Option<&[u32]>,
) -> PolarsResult<DataFrame> {
    // (index among the out-of-area rows, placement row, admission row)
    let valid: Vec<(usize, usize, usize)> = plc
        .oap_row
        .iter()
        .enumerate()
        .map(|(k, &row)| (k, row as usize))
        .filter(|&(_, row)| !plc.common.bad[row])
        .map(|(k, row)| (k, row, spell_of[row] as usize))
        .collect();
    let spell_codes = |name: &str, of: &Codes| {
        Column::new(
            name.into(),
            valid
                .iter()
                .map(|&(_, _, a)| of.get(a))
                .collect::<Vec<u32>>(),
        )
    };
    let reasons: Vec<String> = REASON_CODES.iter().map(|c| c.to_string()).collect();
    let columns = vec![
        Column::new(
            "spell_id".into(),
            valid
                .iter()
                .map(|&(_, _, a)| position.map_or(a as u32, |p| p[a]))
                .collect::<Vec<u32>>(),
        ),
        spell_codes("collaborative", &adm.collaborative),
        spell_codes("service_line", &adm.service_line),
        spell_codes("admitting_provider", &adm.provider),
        date_column("start_date", valid.iter().map(|&(_, p, _)| plc.start[p]))?,
        date_column("end_date", valid.iter().map(|&(_, p, _)| plc.end[p]))?,
        coded_column(
            "provider_code",
            &plc.dictionary.values,
            valid
                .iter()
                .map(|&(k, _, _)| plc.provider[k] as IdxSize)
                .collect(),
        )?,
        coded_column(
            "oap_reason",
            &reasons,
            valid
                .iter()
                .map(|&(k, _, _)| plc.reason[k] as IdxSize)
                .collect(),
        )?,
        Column::new(
            "distance_km".into(),
            valid
                .iter()
                .map(|&(k, _, _)| plc.distance[k])
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "daily_cost".into(),
            valid
                .iter()
                .map(|&(k, _, _)| plc.cost[k])
                .collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new(valid.len(), columns)
}
