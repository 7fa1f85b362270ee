//! Checking every row of the extracts against the input contract (DOMAIN.md section 3), and
//! turning the rows that pass into typed dataframes for the analyses.
//!
//! Every problem is a [`Finding`] naming the file, the line (the CSV header is line 1; a Parquet
//! file's rows count from 1), the column, the value and the rule broken. A row with any finding is
//! invalid; the analyses only ever see valid rows, and the counts of rows read, valid and invalid
//! are kept per file. Nothing is dropped without a finding.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use polars::prelude::*;

use crate::extract::{ExtractKind, RawFile};
use crate::periods::{date_of, day_of, Day};

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
    /// `admission_id, collaborative, service_line, admission_date, discharge_date, provider_code`
    /// (dates as Polars `Date`; `discharge_date` null while the spell is open). The patient
    /// identifier is checked but never carried further.
    pub admissions: DataFrame,
    /// `placement_id, admission_id, collaborative, service_line, start_date, end_date,
    /// provider_code, out_of_area, oap_reason, distance_km, daily_cost`; `collaborative` and
    /// `service_line` are those of the placement's spell.
    pub placements: DataFrame,
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
}

/// The reason codes of DOMAIN.md section 2.
pub const REASON_CODES: [&str; 7] = ["10", "11", "12", "13", "14", "15", "99"];

const ADMISSION_COLUMNS: [&str; 7] = [
    "admission_id",
    "patient_id",
    "collaborative",
    "service_line",
    "admission_date",
    "discharge_date",
    "provider_code",
];
const PLACEMENT_COLUMNS: [&str; 7] = [
    "placement_id",
    "admission_id",
    "start_date",
    "end_date",
    "provider_code",
    "out_of_area",
    "oap_reason",
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum DateFormat {
    Iso,
    Uk,
}

impl DateFormat {
    fn detect(text: &str) -> Option<DateFormat> {
        let b = text.as_bytes();
        if b.len() != 10 {
            return None;
        }
        if b[4] == b'-' && b[7] == b'-' {
            Some(DateFormat::Iso)
        } else if b[2] == b'/' && b[5] == b'/' {
            Some(DateFormat::Uk)
        } else {
            None
        }
    }
    fn describe(self) -> &'static str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::Uk => "DD/MM/YYYY",
        }
    }
    fn parse(self, text: &str) -> Option<Day> {
        if DateFormat::detect(text)? != self {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (y, m, d) = match self {
            DateFormat::Iso => (number(0..4)?, number(5..7)?, number(8..10)?),
            DateFormat::Uk => (number(6..10)?, number(3..5)?, number(0..2)?),
        };
        NaiveDate::from_ymd_opt(y as i32, m, d).map(day_of)
    }
}

/// Accepted spellings of a flag, compared case-insensitively (DOMAIN.md section 3).
fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "1" => Some(true),
        "n" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn iso(day: Day) -> String {
    date_of(day).format("%Y-%m-%d").to_string()
}

/// Collects findings for one pass, keyed by file index and row.
struct Findings<'a> {
    files: &'a [RawFile],
    list: Vec<(usize, usize, Finding)>,
}

impl<'a> Findings<'a> {
    fn add(
        &mut self,
        file: usize,
        row: usize,
        rule: Rule,
        column: Option<&'static str>,
        value: Option<&str>,
        message: String,
    ) {
        let raw = &self.files[file];
        self.list.push((
            file,
            row,
            Finding {
                file: raw.path.clone(),
                line: raw.line_of(row),
                rule,
                column,
                value: value.map(str::to_string),
                message,
            },
        ));
    }
}

/// Text cells of one column: trimmed, empty as `None`. A missing optional column is all `None`.
fn text_cells<'a>(raw: &'a RawFile, name: &str) -> Vec<Option<&'a str>> {
    match raw.frame.column(name).ok().and_then(|c| c.str().ok()) {
        Some(ca) => ca
            .iter()
            .map(|v| v.map(str::trim).filter(|s| !s.is_empty()))
            .collect(),
        None => vec![None; raw.frame.height()],
    }
}

/// Per-file helper that parses cells and records findings.
struct Cells<'f, 'a> {
    file: usize,
    findings: &'f mut Findings<'a>,
    bad: Vec<bool>,
}

impl<'f, 'a> Cells<'f, 'a> {
    fn flag_row(
        &mut self,
        row: usize,
        rule: Rule,
        column: Option<&'static str>,
        value: Option<&str>,
        message: String,
    ) {
        self.bad[row] = true;
        self.findings
            .add(self.file, row, rule, column, value, message);
    }

    fn required_text(&mut self, cells: &[Option<&'a str>], column: &'static str) {
        for (row, cell) in cells.iter().enumerate() {
            if cell.is_none() {
                self.flag_row(
                    row,
                    Rule::MissingValue,
                    Some(column),
                    None,
                    format!("{column} is empty (required)"),
                );
            }
        }
    }

    fn dates(
        &mut self,
        cells: &[Option<&str>],
        column: &'static str,
        required: bool,
    ) -> Vec<Option<Day>> {
        let format = cells.iter().flatten().find_map(|v| DateFormat::detect(v));
        let mut out = Vec::with_capacity(cells.len());
        for (row, cell) in cells.iter().enumerate() {
            let Some(text) = cell else {
                if required {
                    self.flag_row(
                        row,
                        Rule::MissingValue,
                        Some(column),
                        None,
                        format!("{column} is empty (required)"),
                    );
                }
                out.push(None);
                continue;
            };
            let parsed = format.and_then(|f| f.parse(text));
            if parsed.is_none() {
                let expected = format.map_or("YYYY-MM-DD or DD/MM/YYYY", DateFormat::describe);
                self.flag_row(
                    row,
                    Rule::InvalidDate,
                    Some(column),
                    Some(text),
                    format!("{column} {text:?} is not a valid date (expected {expected}, one format per column)"),
                );
            }
            out.push(parsed);
        }
        out
    }

    fn numbers(&mut self, cells: &[Option<&str>], column: &'static str) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(cells.len());
        for (row, cell) in cells.iter().enumerate() {
            let parsed =
                cell.map(|text| (text, text.parse::<f64>().ok().filter(|v| v.is_finite())));
            match parsed {
                None => out.push(None),
                Some((text, None)) => {
                    self.flag_row(
                        row,
                        Rule::InvalidNumber,
                        Some(column),
                        Some(text),
                        format!("{column} {text:?} is not a number"),
                    );
                    out.push(None);
                }
                Some((text, Some(value))) => {
                    if value < 0.0 {
                        self.flag_row(
                            row,
                            Rule::NegativeNumber,
                            Some(column),
                            Some(text),
                            format!("{column} {text} is negative"),
                        );
                    }
                    out.push(Some(value));
                }
            }
        }
        out
    }
}

struct AdmissionRow<'a> {
    file: usize,
    row: usize,
    id: Option<&'a str>,
    collaborative: Option<&'a str>,
    service_line: Option<&'a str>,
    provider: Option<&'a str>,
    admitted: Option<Day>,
    discharged: Option<Day>,
}

struct PlacementRow<'a> {
    file: usize,
    row: usize,
    id: Option<&'a str>,
    admission_id: Option<&'a str>,
    start: Option<Day>,
    end: Option<Day>,
    /// Whether the end date cell held anything (an unparseable end is not an ongoing stay).
    end_given: bool,
    provider: Option<&'a str>,
    out_of_area: Option<bool>,
    reason: Option<&'a str>,
    distance: Option<f64>,
    cost: Option<f64>,
}

/// Checks every row of the raw files and builds the typed frames of valid rows.
pub fn check(raw: &[RawFile], options: &CheckOptions) -> PolarsResult<Checked> {
    let mut findings = Findings {
        files: raw,
        list: Vec::new(),
    };
    // bad[file][row]: the row has at least one finding.
    let mut bad: Vec<Vec<bool>> = raw.iter().map(|f| vec![false; f.frame.height()]).collect();
    let mut admissions = Vec::new();
    let mut placements = Vec::new();

    for (file, raw_file) in raw.iter().enumerate() {
        let required: &[&'static str] = match raw_file.kind {
            ExtractKind::Admissions => &ADMISSION_COLUMNS,
            ExtractKind::Placements => &PLACEMENT_COLUMNS,
        };
        let missing: Vec<&'static str> = required
            .iter()
            .copied()
            .filter(|c| raw_file.frame.column(c).is_err())
            .collect();
        if !missing.is_empty() {
            let found: Vec<&str> = raw_file
                .frame
                .get_column_names()
                .iter()
                .map(|n| n.as_str())
                .collect();
            for column in missing {
                let finding = Finding {
                    file: raw_file.path.clone(),
                    line: 1,
                    rule: Rule::MissingColumn,
                    column: Some(column),
                    value: None,
                    message: format!(
                        "missing required column {column} (found: {})",
                        found.join(", ")
                    ),
                };
                findings.list.push((file, 0, finding));
            }
            bad[file].iter_mut().for_each(|b| *b = true);
            continue;
        }
        let mut cells = Cells {
            file,
            findings: &mut findings,
            bad: std::mem::take(&mut bad[file]),
        };
        match raw_file.kind {
            ExtractKind::Admissions => {
                let ids = text_cells(raw_file, "admission_id");
                let patients = text_cells(raw_file, "patient_id");
                let collaboratives = text_cells(raw_file, "collaborative");
                let service_lines = text_cells(raw_file, "service_line");
                let providers = text_cells(raw_file, "provider_code");
                for (cells_of, name) in [
                    (&ids, "admission_id"),
                    (&patients, "patient_id"),
                    (&collaboratives, "collaborative"),
                    (&service_lines, "service_line"),
                    (&providers, "provider_code"),
                ] {
                    cells.required_text(cells_of, name);
                }
                let admitted = cells.dates(
                    &text_cells(raw_file, "admission_date"),
                    "admission_date",
                    true,
                );
                let discharged = cells.dates(
                    &text_cells(raw_file, "discharge_date"),
                    "discharge_date",
                    false,
                );
                for row in 0..raw_file.frame.height() {
                    if let (Some(a), Some(d)) = (admitted[row], discharged[row]) {
                        if d < a {
                            cells.flag_row(
                                row,
                                Rule::DischargeBeforeAdmission,
                                Some("discharge_date"),
                                Some(&iso(d)),
                                format!(
                                    "discharge_date {} is before admission_date {}",
                                    iso(d),
                                    iso(a)
                                ),
                            );
                        }
                    }
                    if let (Some(known), Some(c)) =
                        (&options.known_collaboratives, collaboratives[row])
                    {
                        if !known.contains(c) {
                            cells.flag_row(
                                row,
                                Rule::UnknownCollaborative,
                                Some("collaborative"),
                                Some(c),
                                format!("collaborative {c} is not in the collaboratives reference"),
                            );
                        }
                    }
                    admissions.push(AdmissionRow {
                        file,
                        row,
                        id: ids[row],
                        collaborative: collaboratives[row],
                        service_line: service_lines[row],
                        provider: providers[row],
                        admitted: admitted[row],
                        discharged: discharged[row],
                    });
                }
            }
            ExtractKind::Placements => {
                let ids = text_cells(raw_file, "placement_id");
                let admission_ids = text_cells(raw_file, "admission_id");
                let providers = text_cells(raw_file, "provider_code");
                for (cells_of, name) in [
                    (&ids, "placement_id"),
                    (&admission_ids, "admission_id"),
                    (&providers, "provider_code"),
                ] {
                    cells.required_text(cells_of, name);
                }
                let starts = cells.dates(&text_cells(raw_file, "start_date"), "start_date", true);
                let end_cells = text_cells(raw_file, "end_date");
                let ends = cells.dates(&end_cells, "end_date", false);
                let distances = cells.numbers(&text_cells(raw_file, "distance_km"), "distance_km");
                let costs = cells.numbers(&text_cells(raw_file, "daily_cost"), "daily_cost");
                let flags = text_cells(raw_file, "out_of_area");
                let reasons = text_cells(raw_file, "oap_reason");
                for row in 0..raw_file.frame.height() {
                    let out_of_area = match flags[row] {
                        None => {
                            cells.flag_row(
                                row,
                                Rule::MissingValue,
                                Some("out_of_area"),
                                None,
                                "out_of_area is empty (required: Y or N)".into(),
                            );
                            None
                        }
                        Some(text) => {
                            let flag = parse_flag(text);
                            if flag.is_none() {
                                cells.flag_row(row, Rule::InvalidFlag, Some("out_of_area"), Some(text),
                                    format!("out_of_area {text:?} is not a flag (expected Y/N, true/false or 1/0)"));
                            }
                            flag
                        }
                    };
                    match (out_of_area, reasons[row]) {
                        (Some(true), None) => cells.flag_row(row, Rule::MissingReason, Some("oap_reason"), None,
                            "oap_reason is empty but the placement is out of area (a reason code is required)".into()),
                        (_, Some(code)) if !REASON_CODES.contains(&code) => cells.flag_row(row, Rule::UnknownReason, Some("oap_reason"), Some(code),
                            format!("oap_reason {code:?} is not a known code (expected one of {})", REASON_CODES.join(", "))),
                        (Some(false), Some(code)) => cells.flag_row(row, Rule::ReasonForInAreaPlacement, Some("oap_reason"), Some(code),
                            format!("oap_reason {code} is given for an in-area placement (leave it empty when out_of_area is N)")),
                        _ => {}
                    }
                    if let (Some(s), Some(e)) = (starts[row], ends[row]) {
                        if e < s {
                            cells.flag_row(
                                row,
                                Rule::EndBeforeStart,
                                Some("end_date"),
                                Some(&iso(e)),
                                format!("end_date {} is before start_date {}", iso(e), iso(s)),
                            );
                        }
                    }
                    placements.push(PlacementRow {
                        file,
                        row,
                        id: ids[row],
                        admission_id: admission_ids[row],
                        start: starts[row],
                        end: ends[row],
                        end_given: end_cells[row].is_some(),
                        provider: providers[row],
                        out_of_area,
                        reason: reasons[row],
                        distance: distances[row],
                        cost: costs[row],
                    });
                }
            }
        }
        bad[file] = cells.bad;
    }

    // The extract date: as given, or the latest date in the data. No date may be after it, nor
    // after today.
    let latest = admissions
        .iter()
        .flat_map(|a| [a.admitted, a.discharged])
        .chain(placements.iter().flat_map(|p| [p.start, p.end]))
        .flatten()
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
    let after_limit = |file: usize,
                       row: usize,
                       column: &'static str,
                       day: Option<Day>,
                       findings: &mut Findings,
                       bad: &mut Vec<Vec<bool>>| {
        if let Some(d) = day.filter(|d| *d > extract_day) {
            bad[file][row] = true;
            findings.add(
                file,
                row,
                Rule::AfterExtractDate,
                Some(column),
                Some(&iso(d)),
                format!("{column} {} is after {limit_text}", iso(d)),
            );
        }
    };
    for a in &admissions {
        after_limit(
            a.file,
            a.row,
            "admission_date",
            a.admitted,
            &mut findings,
            &mut bad,
        );
        after_limit(
            a.file,
            a.row,
            "discharge_date",
            a.discharged,
            &mut findings,
            &mut bad,
        );
    }
    for p in &placements {
        after_limit(
            p.file,
            p.row,
            "start_date",
            p.start,
            &mut findings,
            &mut bad,
        );
        after_limit(p.file, p.row, "end_date", p.end, &mut findings, &mut bad);
    }

    // Duplicate admission ids: the first occurrence stands, later ones are findings.
    let mut admission_index: HashMap<&str, usize> = HashMap::with_capacity(admissions.len());
    for (index, a) in admissions.iter().enumerate() {
        let Some(id) = a.id else { continue };
        if let Some(&first) = admission_index.get(id) {
            let first = &admissions[first];
            let first_at = location(raw, first.file, first.row, a.file);
            bad[a.file][a.row] = true;
            findings.add(
                a.file,
                a.row,
                Rule::DuplicateId,
                Some("admission_id"),
                Some(id),
                format!("admission_id {id} is a duplicate of {first_at}"),
            );
        } else {
            admission_index.insert(id, index);
        }
    }

    // Placement rules that need the spell.
    let mut placement_ids: HashMap<&str, usize> = HashMap::with_capacity(placements.len());
    for (index, p) in placements.iter().enumerate() {
        if let Some(id) = p.id {
            if let Some(&first) = placement_ids.get(id) {
                let first = &placements[first];
                let first_at = location(raw, first.file, first.row, p.file);
                bad[p.file][p.row] = true;
                findings.add(
                    p.file,
                    p.row,
                    Rule::DuplicateId,
                    Some("placement_id"),
                    Some(id),
                    format!("placement_id {id} is a duplicate of {first_at}"),
                );
            } else {
                placement_ids.insert(id, index);
            }
        }
        let Some(admission_id) = p.admission_id else {
            continue;
        };
        let Some(&spell_index) = admission_index.get(admission_id) else {
            bad[p.file][p.row] = true;
            findings.add(
                p.file,
                p.row,
                Rule::UnknownAdmission,
                Some("admission_id"),
                Some(admission_id),
                format!("admission_id {admission_id} is not in the admissions extract"),
            );
            continue;
        };
        let spell = &admissions[spell_index];
        if bad[spell.file][spell.row] {
            let at = location(raw, spell.file, spell.row, usize::MAX);
            bad[p.file][p.row] = true;
            findings.add(
                p.file,
                p.row,
                Rule::RejectedAdmission,
                Some("admission_id"),
                Some(admission_id),
                format!("admission_id {admission_id} refers to an invalid admission ({at})"),
            );
            continue;
        }
        let (Some(admitted), Some(start)) = (spell.admitted, p.start) else {
            continue;
        };
        let mut outside = |message: String, column: &'static str, value: String| {
            bad[p.file][p.row] = true;
            findings.add(
                p.file,
                p.row,
                Rule::OutsideSpell,
                Some(column),
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
        if let Some(discharged) = spell.discharged {
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
            match p.end {
                Some(end) if end > discharged => outside(
                    format!(
                        "end_date {} is after the spell's discharge_date {}",
                        iso(end),
                        iso(discharged)
                    ),
                    "end_date",
                    iso(end),
                ),
                None if !p.end_given => outside(
                    format!(
                        "end_date is empty (ongoing) but the spell was discharged on {}",
                        iso(discharged)
                    ),
                    "end_date",
                    String::new(),
                ),
                _ => {}
            }
        }
    }

    // Overlapping placements within a spell, among placements otherwise valid: sorted by start,
    // each must start on or after the previous one's end (a same-day stay occupies no night).
    let mut by_spell: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, p) in placements.iter().enumerate() {
        if !bad[p.file][p.row] {
            if let Some(admission_id) = p.admission_id {
                by_spell.entry(admission_id).or_default().push(index);
            }
        }
    }
    for (admission_id, mut members) in by_spell {
        if members.len() < 2 {
            continue;
        }
        members.sort_by_key(|&i| {
            (
                placements[i].start,
                placements[i].end.unwrap_or(Day::MAX),
                placements[i].file,
                placements[i].row,
            )
        });
        let mut previous = members[0];
        for &current in &members[1..] {
            let (prev, cur) = (&placements[previous], &placements[current]);
            let (Some(start), Some(prev_start)) = (cur.start, prev.start) else {
                continue;
            };
            let overlaps = prev.end.is_none_or(|prev_end| start < prev_end);
            if overlaps {
                let at = location(raw, prev.file, prev.row, cur.file);
                let until = prev
                    .end
                    .map_or("ongoing".to_string(), |e| format!("to {}", iso(e)));
                bad[cur.file][cur.row] = true;
                findings.add(cur.file, cur.row, Rule::OverlappingPlacements, Some("start_date"), Some(&iso(start)),
                    format!("start_date {} overlaps placement {} ({at}, {} {until}) in spell {admission_id}",
                        iso(start), prev.id.unwrap_or("?"), iso(prev_start)));
            }
            // Keep comparing with whichever stay reaches furthest.
            if prev.end.is_some() && cur.end.is_none_or(|e| prev.end.is_some_and(|pe| e > pe)) {
                previous = current;
            }
        }
    }

    // Counts, and the frames of valid rows.
    let files = raw
        .iter()
        .zip(&bad)
        .map(|(f, b)| {
            let invalid = b.iter().filter(|x| **x).count();
            FileCounts {
                path: f.path.clone(),
                extract: f.kind,
                rows_read: b.len(),
                rows_valid: b.len() - invalid,
                rows_invalid: invalid,
            }
        })
        .collect();
    let valid_admissions: Vec<&AdmissionRow> =
        admissions.iter().filter(|a| !bad[a.file][a.row]).collect();
    let valid_placements: Vec<&PlacementRow> =
        placements.iter().filter(|p| !bad[p.file][p.row]).collect();
    let admissions_frame = admissions_frame(&valid_admissions)?;
    let placements_frame = placements_frame(&valid_placements, &admissions, &admission_index)?;

    let mut list = findings.list;
    list.sort_by_key(|(file, row, finding)| (*file, *row, finding.rule));
    Ok(Checked {
        admissions: admissions_frame,
        placements: placements_frame,
        findings: list.into_iter().map(|(_, _, f)| f).collect(),
        files,
        extract_date: date_of(extract_day),
        extract_date_inferred,
    })
}

/// `line 5`, or `admissions-2.csv:5` when the other row is in another file than `here`.
fn location(raw: &[RawFile], file: usize, row: usize, here: usize) -> String {
    let line = raw[file].line_of(row);
    if file == here {
        format!("line {line}")
    } else {
        format!("{}:{line}", raw[file].path)
    }
}

fn date_column(name: &str, days: Vec<Option<Day>>) -> PolarsResult<Column> {
    Column::new(name.into(), days).cast(&DataType::Date)
}

fn text_column<'a, R>(name: &str, rows: &[&R], f: impl Fn(&R) -> Option<&'a str>) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(|r| f(r)).collect::<Vec<Option<&'a str>>>(),
    )
}

fn admissions_frame(rows: &[&AdmissionRow]) -> PolarsResult<DataFrame> {
    DataFrame::new(
        rows.len(),
        vec![
            text_column("admission_id", rows, |r| r.id),
            text_column("collaborative", rows, |r| r.collaborative),
            text_column("service_line", rows, |r| r.service_line),
            date_column("admission_date", rows.iter().map(|r| r.admitted).collect())?,
            date_column(
                "discharge_date",
                rows.iter().map(|r| r.discharged).collect(),
            )?,
            text_column("provider_code", rows, |r| r.provider),
        ],
    )
}

fn placements_frame<'a>(
    rows: &[&PlacementRow<'a>],
    admissions: &[AdmissionRow<'a>],
    admission_index: &HashMap<&str, usize>,
) -> PolarsResult<DataFrame> {
    let spell = |r: &PlacementRow| -> &AdmissionRow<'a> {
        &admissions[admission_index[r.admission_id.expect("valid placement has an admission")]]
    };
    DataFrame::new(
        rows.len(),
        vec![
            text_column("placement_id", rows, |r| r.id),
            text_column("admission_id", rows, |r| r.admission_id),
            text_column("collaborative", rows, |r| spell(r).collaborative),
            text_column("service_line", rows, |r| spell(r).service_line),
            date_column("start_date", rows.iter().map(|r| r.start).collect())?,
            date_column("end_date", rows.iter().map(|r| r.end).collect())?,
            text_column("provider_code", rows, |r| r.provider),
            Column::new(
                "out_of_area".into(),
                rows.iter()
                    .map(|r| r.out_of_area == Some(true))
                    .collect::<Vec<_>>(),
            ),
            text_column("oap_reason", rows, |r| r.reason),
            Column::new(
                "distance_km".into(),
                rows.iter().map(|r| r.distance).collect::<Vec<_>>(),
            ),
            Column::new(
                "daily_cost".into(),
                rows.iter().map(|r| r.cost).collect::<Vec<_>>(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_in_either_format_but_one_per_column() {
        assert_eq!(DateFormat::detect("2024-02-29"), Some(DateFormat::Iso));
        assert_eq!(DateFormat::detect("29/02/2024"), Some(DateFormat::Uk));
        assert_eq!(DateFormat::Iso.parse("2024-02-29"), Some(19_782));
        assert_eq!(DateFormat::Uk.parse("29/02/2024"), Some(19_782));
        assert_eq!(DateFormat::Iso.parse("2023-02-29"), None);
        assert_eq!(DateFormat::Iso.parse("29/02/2024"), None);
        assert_eq!(DateFormat::Iso.parse("2024-1-01"), None);
        assert_eq!(DateFormat::Iso.parse("2024-+1-01"), None);
    }

    #[test]
    fn flags() {
        for yes in ["Y", "y", "TRUE", "true", "1", "Yes"] {
            assert_eq!(parse_flag(yes), Some(true));
        }
        for no in ["N", "n", "False", "0", "no"] {
            assert_eq!(parse_flag(no), Some(false));
        }
        assert_eq!(parse_flag("maybe"), None);
    }
}
