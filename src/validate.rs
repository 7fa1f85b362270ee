//! Checking every row of the extracts against the input contract (DOMAIN.md section 3), and
//! turning the rows that pass into typed dataframes for the analyses.
//!
//! Every problem is a [`Finding`] naming the file, the line (the CSV header is line 1; a Parquet
//! file's rows count from 1), the column, the value and the rule broken. A row with any finding is
//! invalid; the analyses only ever see valid rows, and the counts of rows read, valid and invalid
//! are kept per file. Nothing is dropped without a finding.

use std::collections::BTreeSet;

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
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if is("y") || is("yes") || is("true") || text == "1" {
        Some(true)
    } else if is("n") || is("no") || is("false") || text == "0" {
        Some(false)
    } else {
        None
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
    cell_iter(raw, name).collect()
}

/// The same cells one at a time, for columns no later rule needs row by row.
fn cell_iter<'a>(raw: &'a RawFile, name: &str) -> Box<dyn Iterator<Item = Option<&'a str>> + 'a> {
    match raw.frame.column(name).ok().and_then(|c| c.str().ok()) {
        Some(ca) => Box::new(
            ca.iter()
                .map(|v| v.map(str::trim).filter(|s| !s.is_empty())),
        ),
        None => Box::new(std::iter::repeat_n(None, raw.frame.height())),
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

    fn required_text<'s>(
        &mut self,
        cells: impl Iterator<Item = Option<&'s str>>,
        column: &'static str,
    ) {
        for (row, cell) in cells.enumerate() {
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

    fn dates(&mut self, raw: &RawFile, column: &'static str, required: bool) -> Vec<Option<Day>> {
        let format = cell_iter(raw, column)
            .flatten()
            .find_map(DateFormat::detect);
        let mut out = Vec::with_capacity(raw.frame.height());
        for (row, cell) in cell_iter(raw, column).enumerate() {
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

    fn numbers(&mut self, raw: &RawFile, column: &'static str) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(raw.frame.height());
        for (row, cell) in cell_iter(raw, column).enumerate() {
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
    out_of_area: Option<bool>,
    distance: Option<f64>,
    cost: Option<f64>,
}

/// Rows of one file, parsed, with the findings of the rules that need only the row itself.
struct ParsedFile<'a> {
    findings: Vec<(usize, usize, Finding)>,
    bad: Vec<bool>,
    admissions: Vec<AdmissionRow<'a>>,
    placements: Vec<PlacementRow<'a>>,
}

fn parse_file<'a>(raw: &'a [RawFile], file: usize, options: &CheckOptions) -> ParsedFile<'a> {
    let raw_file = &raw[file];
    let mut findings = Findings {
        files: raw,
        list: Vec::new(),
    };
    let mut admissions = Vec::with_capacity(if raw_file.kind == ExtractKind::Admissions {
        raw_file.frame.height()
    } else {
        0
    });
    let mut placements = Vec::with_capacity(if raw_file.kind == ExtractKind::Placements {
        raw_file.frame.height()
    } else {
        0
    });
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
        let bad = vec![true; raw_file.frame.height()];
        return ParsedFile {
            findings: findings.list,
            bad,
            admissions,
            placements,
        };
    }
    let mut cells = Cells {
        file,
        findings: &mut findings,
        bad: vec![false; raw_file.frame.height()],
    };
    match raw_file.kind {
        ExtractKind::Admissions => {
            let ids = text_cells(raw_file, "admission_id");
            let collaboratives = text_cells(raw_file, "collaborative");
            cells.required_text(ids.iter().copied(), "admission_id");
            cells.required_text(collaboratives.iter().copied(), "collaborative");
            for name in ["patient_id", "service_line", "provider_code"] {
                cells.required_text(cell_iter(raw_file, name), name);
            }
            let admitted = cells.dates(raw_file, "admission_date", true);
            let discharged = cells.dates(raw_file, "discharge_date", false);
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
                if let (Some(known), Some(c)) = (&options.known_collaboratives, collaboratives[row])
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
                    admitted: admitted[row],
                    discharged: discharged[row],
                });
            }
        }
        ExtractKind::Placements => {
            let ids = text_cells(raw_file, "placement_id");
            let admission_ids = text_cells(raw_file, "admission_id");
            cells.required_text(ids.iter().copied(), "placement_id");
            cells.required_text(admission_ids.iter().copied(), "admission_id");
            cells.required_text(cell_iter(raw_file, "provider_code"), "provider_code");
            let starts = cells.dates(raw_file, "start_date", true);
            let end_given: Vec<bool> = cell_iter(raw_file, "end_date")
                .map(|c| c.is_some())
                .collect();
            let ends = cells.dates(raw_file, "end_date", false);
            let distances = cells.numbers(raw_file, "distance_km");
            let costs = cells.numbers(raw_file, "daily_cost");
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
                    end_given: end_given[row],
                    out_of_area,
                    distance: distances[row],
                    cost: costs[row],
                });
            }
        }
    }
    let bad = cells.bad;
    ParsedFile {
        findings: findings.list,
        bad,
        admissions,
        placements,
    }
}

/// Checks every row of the raw files and builds the typed frames of valid rows.
pub fn check(raw: &[RawFile], options: &CheckOptions) -> PolarsResult<Checked> {
    let t0 = std::time::Instant::now();
    // Rules within a row: each file on its own thread.
    let parsed: Vec<ParsedFile> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..raw.len())
            .map(|file| scope.spawn(move || parse_file(raw, file, options)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("parsing thread"))
            .collect()
    });
    let mut findings = Findings {
        files: raw,
        list: Vec::new(),
    };
    // bad[file][row]: the row has at least one finding.
    let mut bad: Vec<Vec<bool>> = Vec::with_capacity(raw.len());
    let mut admissions = Vec::new();
    let mut placements = Vec::new();
    for file in parsed {
        findings.list.extend(file.findings);
        bad.push(file.bad);
        append(&mut admissions, file.admissions);
        append(&mut placements, file.placements);
    }

    crate::timing("rows parsed", t0);
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

    // Duplicate placement ids, found on another thread while the admissions are indexed.
    let mut admission_index: PlHashMap<&str, usize> = PlHashMap::with_capacity(admissions.len());
    std::thread::scope(|scope| -> PolarsResult<()> {
        let duplicate_placements = scope.spawn(|| {
            let mut seen: PlHashMap<&str, usize> = PlHashMap::with_capacity(placements.len());
            let mut duplicates = Vec::new();
            for (index, p) in placements.iter().enumerate() {
                if let Some(id) = p.id {
                    match seen.get(id) {
                        Some(&first) => duplicates.push((index, first)),
                        None => {
                            seen.insert(id, index);
                        }
                    }
                }
            }
            duplicates
        });
        // Duplicate admission ids: the first occurrence stands, later ones are findings.

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
        for (index, first) in duplicate_placements
            .join()
            .expect("duplicate placement ids")
        {
            let (p, first) = (&placements[index], &placements[first]);
            let id = p.id.unwrap_or_default();
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
        }
        Ok(())
    })?;

    // Placement rules that need the spell.
    // The spell (index into `admissions`) of each placement whose spell is valid.
    let mut spell_of: Vec<u32> = vec![u32::MAX; placements.len()];
    for (index, p) in placements.iter().enumerate() {
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
        spell_of[index] = spell_index as u32;
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

    // Overlapping placements within a spell, among placements otherwise valid: sorted by spell
    // and start, each must start on or after the end of the stays before it (a same-day stay
    // occupies no night).
    let mut order: Vec<(u32, Day, Day, u32)> = placements
        .iter()
        .enumerate()
        .filter(|(i, p)| spell_of[*i] != u32::MAX && !bad[p.file][p.row])
        .filter_map(|(i, p)| Some((spell_of[i], p.start?, p.end.unwrap_or(Day::MAX), i as u32)))
        .collect();
    order.sort_unstable();
    for group in order.chunk_by(|a, b| a.0 == b.0) {
        // The stay that reaches furthest so far.
        let mut reach = group[0].3 as usize;
        for &(_, start, _, current) in &group[1..] {
            let (prev, cur) = (&placements[reach], &placements[current as usize]);
            if prev.end.is_none_or(|prev_end| start < prev_end) {
                let at = location(raw, prev.file, prev.row, cur.file);
                let until = prev
                    .end
                    .map_or("ongoing".to_string(), |e| format!("to {}", iso(e)));
                let prev_start = prev.start.map(iso).unwrap_or_default();
                bad[cur.file][cur.row] = true;
                findings.add(cur.file, cur.row, Rule::OverlappingPlacements, Some("start_date"), Some(&iso(start)),
                    format!("start_date {} overlaps placement {} ({at}, {prev_start} {until}) in spell {}",
                        iso(start), prev.id.unwrap_or("?"), cur.admission_id.unwrap_or("?")));
            }
            if prev.end.is_some() && cur.end.is_none_or(|e| prev.end.is_some_and(|pe| e > pe)) {
                reach = current as usize;
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
    let admissions_frame = admissions_frame(raw, &bad, &admissions)?;
    let placements_frame = placements_frame(
        raw,
        &bad,
        &placements,
        &spell_of,
        &admissions,
        &admissions_frame,
    )?;

    crate::timing("rows checked and frames built", t0);
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

/// Appends rows; the first file's rows (one file per extract is the usual case) are moved, not
/// copied.
fn append<T>(all: &mut Vec<T>, rows: Vec<T>) {
    if all.is_empty() {
        *all = rows;
    } else {
        all.extend(rows);
    }
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

/// The text columns of the valid rows of every file of one extract, trimmed, empty as null.
/// Polars filters and trims the raw columns in parallel, in file order.
fn valid_text(
    raw: &[RawFile],
    bad: &[Vec<bool>],
    kind: ExtractKind,
    columns: &[&str],
) -> PolarsResult<DataFrame> {
    let mut frames = Vec::new();
    for (file, raw_file) in raw.iter().enumerate().filter(|(_, f)| f.kind == kind) {
        let keep: Vec<bool> = bad[file].iter().map(|b| !b).collect();
        if !keep.iter().any(|k| *k) {
            continue;
        }
        // Only cells with surrounding spaces, or empty text, need rewriting: most extracts have
        // neither, and then the raw columns are used as they are, without a copy.
        let exprs: Vec<Expr> = columns
            .iter()
            .map(|c| -> PolarsResult<Expr> {
                let cells = raw_file.frame.column(c)?.str()?;
                let (mut untrimmed, mut empty) = (false, false);
                for value in cells.iter().flatten() {
                    let trimmed = value.trim();
                    untrimmed |= trimmed.len() != value.len();
                    empty |= trimmed.is_empty();
                    if untrimmed && empty {
                        break;
                    }
                }
                let text = if untrimmed {
                    col(*c).str().strip_chars(lit(NULL))
                } else {
                    col(*c)
                };
                Ok(if empty {
                    when(text.clone().eq(lit("")))
                        .then(lit(NULL))
                        .otherwise(text)
                } else {
                    text
                }
                .alias(*c))
            })
            .collect::<PolarsResult<_>>()?;
        let rows = if keep.iter().all(|k| *k) {
            raw_file.frame.clone()
        } else {
            raw_file
                .frame
                .filter(&BooleanChunked::from_slice("keep".into(), &keep))?
        };
        frames.push(rows.lazy().select(exprs));
    }
    if frames.is_empty() {
        let empty = columns
            .iter()
            .map(|c| Column::new_empty((*c).into(), &DataType::String))
            .collect();
        return DataFrame::new(0, empty);
    }
    concat(frames, UnionArgs::default())?.collect()
}

fn valid_rows<'r, R>(
    rows: &'r [R],
    bad: &'r [Vec<bool>],
    at: impl Fn(&R) -> (usize, usize) + 'r,
) -> impl Iterator<Item = &'r R> + 'r {
    rows.iter().filter(move |r| {
        let (file, row) = at(r);
        !bad[file][row]
    })
}

fn admissions_frame(
    raw: &[RawFile],
    bad: &[Vec<bool>],
    rows: &[AdmissionRow],
) -> PolarsResult<DataFrame> {
    let text = valid_text(
        raw,
        bad,
        ExtractKind::Admissions,
        &[
            "admission_id",
            "collaborative",
            "service_line",
            "provider_code",
        ],
    )?;
    let valid = || valid_rows(rows, bad, |r| (r.file, r.row));
    let mut columns = text.into_columns();
    let provider = columns.pop().expect("four columns");
    columns.push(date_column(
        "admission_date",
        valid().map(|r| r.admitted).collect(),
    )?);
    columns.push(date_column(
        "discharge_date",
        valid().map(|r| r.discharged).collect(),
    )?);
    columns.push(provider);
    DataFrame::new_infer_height(columns)
}

fn placements_frame(
    raw: &[RawFile],
    bad: &[Vec<bool>],
    rows: &[PlacementRow],
    spell_of: &[u32],
    admissions: &[AdmissionRow],
    admissions_frame: &DataFrame,
) -> PolarsResult<DataFrame> {
    let text = valid_text(
        raw,
        bad,
        ExtractKind::Placements,
        &[
            "placement_id",
            "admission_id",
            "provider_code",
            "oap_reason",
        ],
    )?;
    // Position of each valid admission in the admissions frame.
    let mut position = vec![u32::MAX; admissions.len()];
    let mut next = 0u32;
    for (i, a) in admissions.iter().enumerate() {
        if !bad[a.file][a.row] {
            position[i] = next;
            next += 1;
        }
    }
    let valid: Vec<(usize, &PlacementRow)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !bad[r.file][r.row])
        .collect();
    let spells = IdxCa::from_vec(
        "spell".into(),
        valid
            .iter()
            .map(|(i, _)| position[spell_of[*i] as usize] as IdxSize)
            .collect(),
    );
    let mut columns = text.into_columns();
    let reason = columns.pop().expect("four columns");
    let provider = columns.pop().expect("four columns");
    columns.push(admissions_frame.column("collaborative")?.take(&spells)?);
    columns.push(admissions_frame.column("service_line")?.take(&spells)?);
    columns.push(date_column(
        "start_date",
        valid.iter().map(|(_, r)| r.start).collect(),
    )?);
    columns.push(date_column(
        "end_date",
        valid.iter().map(|(_, r)| r.end).collect(),
    )?);
    columns.push(provider);
    columns.push(Column::new(
        "out_of_area".into(),
        valid
            .iter()
            .map(|(_, r)| r.out_of_area == Some(true))
            .collect::<Vec<_>>(),
    ));
    columns.push(reason);
    columns.push(Column::new(
        "distance_km".into(),
        valid.iter().map(|(_, r)| r.distance).collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "daily_cost".into(),
        valid.iter().map(|(_, r)| r.cost).collect::<Vec<_>>(),
    ));
    DataFrame::new_infer_height(columns)
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
