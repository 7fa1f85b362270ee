//! Reading the extracts straight into compact typed columns, checking on the way every rule that
//! needs only the row itself (DOMAIN.md section 3).
//!
//! A CSV file is read in blocks of whole lines. While the text holds no quote character, each
//! line is a record and each comma separates two fields, so blocks are parsed on every core at
//! once; from the first block holding a quote to the end of the file the `csv` crate reads the
//! records one after the other (a quoted field may hold commas and line breaks). A Parquet file
//! is decoded by Polars a million rows at a time and checked column by column ([`parquet`]).
//! Only the blocks being parsed are held as text: the rows are kept as day numbers, flags and dictionary codes, and
//! identifiers (needed only for the rules across rows) as one text buffer per column.
//!
//! Line numbers are those of the file (the header is line 1), counting blank lines and line
//! breaks inside quoted fields; a Parquet file's rows count from 1.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

use anyhow::{bail, Context, Result};

use polars::prelude::{PlHashMap, PlHashSet};

use crate::extract::ExtractKind;
use crate::periods::Day;
use crate::validate::{Finding, Rule, REASON_CODES};

mod parquet;
pub use parquet::{read_parquet, ColumnWise};

/// An empty date cell.
pub const NO_DAY: Day = Day::MIN;
/// A date cell holding text that is not a date (already reported).
pub const BAD_DAY: Day = Day::MIN + 1;

/// Whether a day number is a date (neither empty nor invalid).
pub fn is_day(day: Day) -> bool {
    day > BAD_DAY
}

/// The two accepted date formats (DOMAIN.md section 3); one per column of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    Iso,
    Uk,
}

impl DateFormat {
    pub fn detect(text: &str) -> Option<DateFormat> {
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

    pub fn describe(self) -> &'static str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::Uk => "DD/MM/YYYY",
        }
    }

    /// The day of a date written in this format, or `None`.
    pub fn parse(self, text: &str) -> Option<Day> {
        if DateFormat::detect(text)? != self {
            return None;
        }
        let b = text.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            b[range].iter().try_fold(0u32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        let (y, m, d) = match self {
            DateFormat::Iso => (number(0..4)?, number(5..7)?, number(8..10)?),
            DateFormat::Uk => (number(6..10)?, number(3..5)?, number(0..2)?),
        };
        day_from_civil(y as i32, m, d)
    }

    fn bit(self) -> u8 {
        match self {
            DateFormat::Iso => 1,
            DateFormat::Uk => 2,
        }
    }
}

/// The day number (days since 1970-01-01) of a calendar date, or `None` when there is no such
/// date: Howard Hinnant's `days_from_civil`, without building a date (this runs for every date
/// cell of an extract). A test checks it against chrono for every day of 1900 to 2100.
fn day_from_civil(year: i32, month: u32, day: u32) -> Option<Day> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days_in_month {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era =
        year_of_era as u32 * 365 + year_of_era as u32 / 4 - year_of_era as u32 / 100 + day_of_year;
    Some(era * 146_097 + day_of_era as i32 - 719_468)
}

/// Accepted spellings of a flag, compared case-insensitively (DOMAIN.md section 3).
pub fn parse_flag(text: &str) -> Option<bool> {
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if is("y") || is("yes") || is("true") || text == "1" {
        Some(true)
    } else if is("n") || is("no") || is("false") || text == "0" {
        Some(false)
    } else {
        None
    }
}

/// Many short texts in one buffer (identifiers); an empty cell is an empty text. While every text
/// has the same length (identifiers often do), where each ends needs no storing.
#[derive(Debug, Default)]
pub struct Texts {
    text: String,
    /// Where each text ends; empty while all have length `width`.
    ends: Vec<u32>,
    width: usize,
    rows: usize,
}

impl Texts {
    fn with_capacity(bytes: usize) -> Texts {
        Texts {
            text: String::with_capacity(bytes),
            ..Default::default()
        }
    }

    fn fixed(&self) -> bool {
        self.ends.is_empty()
    }

    /// Starts storing where each text ends.
    fn store_ends(&mut self) {
        if self.fixed() {
            self.ends = (1..=self.rows).map(|r| (r * self.width) as u32).collect();
        }
    }

    fn push(&mut self, value: &str) {
        if self.fixed() && (self.rows == 0 || value.len() == self.width) {
            self.width = value.len();
            self.text.push_str(value);
        } else {
            self.store_ends();
            self.text.push_str(value);
            self.ends.push(self.text.len() as u32);
        }
        self.rows += 1;
    }

    /// The text of row `row`; `None` when the cell was empty.
    pub fn get(&self, row: usize) -> Option<&str> {
        let (start, end) = if self.fixed() {
            (row * self.width, (row + 1) * self.width)
        } else {
            let start = if row == 0 { 0 } else { self.ends[row - 1] };
            (start as usize, self.ends[row] as usize)
        };
        (end > start).then(|| &self.text[start..end])
    }

    fn append(&mut self, mut other: Texts) -> Result<()> {
        let offset = self.text.len();
        if offset + other.text.len() > u32::MAX as usize {
            bail!("the identifiers of one extract take more than 4 GiB of text");
        }
        let same_width = self.rows == 0 || other.rows == 0 || self.width == other.width;
        if self.fixed() && other.fixed() && same_width {
            if self.rows == 0 {
                self.width = other.width;
            }
        } else {
            self.store_ends();
            other.store_ends();
            self.ends
                .extend(other.ends.iter().map(|e| e + offset as u32));
        }
        self.text.push_str(&other.text);
        self.rows += other.rows;
        Ok(())
    }
}

/// Short texts with few distinct values (collaborative, service line, provider), as codes.
#[derive(Debug, Default, Clone)]
pub struct Dictionary {
    index: PlHashMap<String, u32>,
    pub values: Vec<String>,
}

impl Dictionary {
    pub fn code(&mut self, value: &str) -> u32 {
        // Most such columns have a handful of values: comparing is quicker than hashing.
        if self.values.len() <= 8 {
            if let Some(code) = self.values.iter().position(|v| v == value) {
                return code as u32;
            }
        } else if let Some(&code) = self.index.get(value) {
            return code;
        }
        let code = self.values.len() as u32;
        self.values.push(value.to_string());
        self.index.insert(value.to_string(), code);
        code
    }

    /// Codes of `other` in this dictionary (adding its values).
    fn absorb(&mut self, other: &Dictionary) -> Vec<u32> {
        other.values.iter().map(|v| self.code(v)).collect()
    }
}

/// Dictionary codes of a column: two bytes each while every code fits in two (the usual case:
/// a few dozen collaboratives and service lines), four from the first that does not.
#[derive(Debug, Clone)]
pub enum Codes {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Self {
        Codes::Narrow(Vec::new())
    }
}

impl Codes {
    fn with_capacity(rows: usize) -> Codes {
        Codes::Narrow(Vec::with_capacity(rows))
    }

    pub fn push(&mut self, code: u32) {
        match self {
            Codes::Narrow(codes) => match u16::try_from(code) {
                Ok(code) => codes.push(code),
                Err(_) => {
                    let mut wide: Vec<u32> =
                        Vec::with_capacity(codes.capacity().max(codes.len() + 1));
                    wide.extend(codes.iter().map(|&c| u32::from(c)));
                    wide.push(code);
                    *self = Codes::Wide(wide);
                }
            },
            Codes::Wide(codes) => codes.push(code),
        }
    }

    pub fn get(&self, row: usize) -> u32 {
        match self {
            Codes::Narrow(codes) => u32::from(codes[row]),
            Codes::Wide(codes) => codes[row],
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Codes::Narrow(codes) => codes.len(),
            Codes::Wide(codes) => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends the codes of `other`, each `c` as `map[c]`.
    fn extend_mapped(&mut self, other: &Codes, map: &[u32]) {
        (0..other.len()).for_each(|row| self.push(map[other.get(row) as usize]));
    }

    /// Four bytes a code.
    pub fn into_wide(self) -> Vec<u32> {
        match self {
            Codes::Narrow(codes) => codes.into_iter().map(u32::from).collect(),
            Codes::Wide(codes) => codes,
        }
    }
}

/// What every row of a file is parsed with.
pub struct FileContext<'a> {
    pub file: usize,
    pub path: &'a str,
    /// Where each of the extract's columns is in a record (`None`: not in the file).
    pub columns: Vec<Option<usize>>,
    /// True when a required column is missing: rows are counted, all invalid, not parsed.
    pub unusable: bool,
    pub reading: Reading<'a>,
}

/// Reading that keeps every identifier, as with placements (for tests).
#[cfg(test)]
const KEEP_IDS: Reading<'static> = Reading {
    known_collaboratives: None,
    forced: [None, None],
    keep_admission_ids: true,
};

/// What the rules of a row need beyond the file itself, and what of it is kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reading<'a> {
    /// The collaboratives of the reference, when one is given.
    pub known_collaboratives: Option<&'a PlHashSet<String>>,
    /// Date formats fixed for the file (second pass over a file mixing formats in a column).
    pub forced: [Option<DateFormat>; 2],
    /// Whether each admission's identifier is kept (to find its placements, or its duplicates);
    /// when not, only whether the identifiers always increase is kept ([`IdOrder`]).
    pub keep_admission_ids: bool,
}

/// One cell of a record: text (CSV, and the text columns of Parquet), or a value a Parquet
/// column already holds typed (dates, numbers, flags), which needs no parsing.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Text(&'a str),
    Day(Day),
    Number(f64),
    Flag(bool),
}

impl Cell<'_> {
    /// The cell as written in a message.
    fn shown(self) -> String {
        match self {
            Cell::Text(text) => text.to_string(),
            Cell::Day(day) => iso(day),
            Cell::Number(value) => value.to_string(),
            Cell::Flag(flag) => flag.to_string(),
        }
    }
}

impl FileContext<'_> {
    /// A text cell, trimmed; `None` when empty (or missing from a short row).
    fn cell<'r>(&self, fields: &[Cell<'r>], column: usize) -> Option<&'r str> {
        match fields.get(self.columns[column]?)? {
            Cell::Text(text) => {
                let text = text.trim();
                (!text.is_empty()).then_some(text)
            }
            _ => None,
        }
    }

    /// A cell that may be typed; `None` when empty.
    fn value<'r>(&self, fields: &[Cell<'r>], column: usize) -> Option<Cell<'r>> {
        match *fields.get(self.columns[column]?)? {
            Cell::Text(text) => {
                let text = text.trim();
                (!text.is_empty()).then_some(Cell::Text(text))
            }
            typed => Some(typed),
        }
    }
}

/// The columns of the admissions extract, in the order used by [`FileContext::columns`].
pub const ADMISSION_COLUMNS: [&str; 7] = [
    "admission_id",
    "patient_id",
    "collaborative",
    "service_line",
    "admission_date",
    "discharge_date",
    "provider_code",
];
/// The columns of the placements extract; the last two are optional.
pub const PLACEMENT_COLUMNS: [&str; 9] = [
    "placement_id",
    "admission_id",
    "start_date",
    "end_date",
    "provider_code",
    "out_of_area",
    "oap_reason",
    "distance_km",
    "daily_cost",
];
const REQUIRED_PLACEMENT_COLUMNS: usize = 7;

/// The line of each row, kept as runs of rows on consecutive lines (a blank line, or a line break
/// inside a quoted field, starts a new run): a few bytes per file instead of four per row.
#[derive(Debug, Default, Clone)]
pub struct Lines {
    /// (first row, its line) of each run.
    runs: Vec<(u32, u32)>,
    rows: u32,
}

impl Lines {
    fn push_run(&mut self, row: u32, line: u32) {
        match self.runs.last() {
            Some(&(first, first_line)) if first_line + (row - first) == line => {}
            _ => self.runs.push((row, line)),
        }
    }

    pub fn push(&mut self, line: u32) {
        self.push_run(self.rows, line);
        self.rows += 1;
    }

    pub fn len(&self) -> usize {
        self.rows as usize
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The line of row `row`.
    pub fn get(&self, row: usize) -> u32 {
        let run = self
            .runs
            .partition_point(|&(first, _)| first as usize <= row)
            - 1;
        let (first, line) = self.runs[run];
        line + (row as u32 - first)
    }

    fn append(&mut self, other: Lines) {
        for (first, line) in other.runs {
            self.push_run(first + self.rows, line);
        }
        self.rows += other.rows;
    }
}

/// State shared by both kinds of rows: lines, validity, findings and date formats.
#[derive(Debug, Default)]
pub struct Common {
    pub line: Lines,
    pub bad: Vec<bool>,
    /// Findings with the index of their file.
    pub findings: Vec<(usize, Finding)>,
    /// Per date column: the formats seen (bits), and the first seen.
    formats_seen: [u8; 2],
    pub first_format: [Option<DateFormat>; 2],
}

impl Common {
    fn with_capacity(rows: usize) -> Common {
        Common {
            bad: Vec::with_capacity(rows),
            ..Default::default()
        }
    }

    fn flag(
        &mut self,
        ctx: &FileContext,
        rule: Rule,
        column: &'static str,
        value: Option<&str>,
        message: String,
    ) {
        let row = self.bad.len() - 1;
        self.bad[row] = true;
        self.findings.push((
            ctx.file,
            Finding {
                file: ctx.path.to_string(),
                line: self.line.get(row) as usize,
                rule,
                column: Some(column),
                value: value.map(str::to_string),
                message,
            },
        ));
    }

    fn required(&mut self, ctx: &FileContext, cell: Option<&str>, column: &'static str) {
        if cell.is_none() {
            self.flag(
                ctx,
                Rule::MissingValue,
                column,
                None,
                format!("{column} is empty (required)"),
            );
        }
    }

    /// Parses a date cell; `slot` is the date column (0 or 1) of the extract.
    fn date(
        &mut self,
        ctx: &FileContext,
        cell: Option<Cell>,
        column: &'static str,
        slot: usize,
        required: bool,
    ) -> Day {
        let text = match cell {
            None => {
                if required {
                    self.required(ctx, None, column);
                }
                return NO_DAY;
            }
            Some(Cell::Day(day)) => return day,
            Some(Cell::Text(text)) => text,
            Some(other) => {
                let shown = other.shown();
                let message = format!("{column} {shown:?} is not a date");
                self.flag(ctx, Rule::InvalidDate, column, Some(&shown), message);
                return BAD_DAY;
            }
        };
        let format = match ctx.reading.forced[slot] {
            Some(format) => Some(format),
            None => {
                let detected = DateFormat::detect(text);
                if let Some(format) = detected {
                    self.formats_seen[slot] |= format.bit();
                    self.first_format[slot].get_or_insert(format);
                }
                detected
            }
        };
        match format.and_then(|f| f.parse(text)) {
            Some(day) => day,
            None => {
                // The message names the column's format, known only once the file is read.
                self.flag(ctx, Rule::InvalidDate, column, Some(text), String::new());
                BAD_DAY
            }
        }
    }

    fn number(
        &mut self,
        ctx: &FileContext,
        cell: Option<Cell>,
        column: &'static str,
    ) -> Option<f64> {
        let cell = cell?;
        let parsed = match cell {
            Cell::Text(text) => text.parse::<f64>().ok(),
            Cell::Number(value) => Some(value),
            _ => None,
        };
        let text = &cell.shown();
        match parsed.filter(|v| v.is_finite()) {
            None => {
                self.flag(
                    ctx,
                    Rule::InvalidNumber,
                    column,
                    Some(text),
                    format!("{column} {text:?} is not a number"),
                );
                None
            }
            Some(value) => {
                if value < 0.0 {
                    self.flag(
                        ctx,
                        Rule::NegativeNumber,
                        column,
                        Some(text),
                        format!("{column} {text} is negative"),
                    );
                }
                Some(value)
            }
        }
    }

    fn start_row(&mut self, line: u32) {
        self.line.push(line);
        self.bad.push(false);
    }

    fn append(&mut self, other: Common) {
        self.line.append(other.line);
        self.bad.extend(other.bad);
        self.findings.extend(other.findings);
        for slot in 0..2 {
            self.formats_seen[slot] |= other.formats_seen[slot];
            if self.first_format[slot].is_none() {
                self.first_format[slot] = other.first_format[slot];
            }
        }
    }

    /// The format of each date column, when a column mixes both (a second pass is needed).
    pub fn mixed_formats(&self) -> Option<[Option<DateFormat>; 2]> {
        self.formats_seen.contains(&3).then_some(self.first_format)
    }

    /// Writes the messages of invalid dates, now that each column's format is known.
    pub fn finish_date_messages(
        &mut self,
        date_columns: [&str; 2],
        formats: [Option<DateFormat>; 2],
    ) {
        for (_, finding) in &mut self.findings {
            if finding.rule != Rule::InvalidDate || !finding.message.is_empty() {
                continue;
            }
            let slot = usize::from(finding.column == Some(date_columns[1]));
            let expected = formats[slot].map_or("YYYY-MM-DD or DD/MM/YYYY", DateFormat::describe);
            finding.message = format!(
                "{} {:?} is not a valid date (expected {expected}, one format per column)",
                finding.column.unwrap_or_default(),
                finding.value.as_deref().unwrap_or_default()
            );
        }
    }
}

/// The order of identifiers from row to row (empty cells aside), followed as they are read:
/// identifiers that always increase hold no duplicate, and placements whose admission ids never
/// decrease find their spells by a merge.
#[derive(Debug)]
pub struct IdOrder {
    /// Each is greater than the one before.
    pub increasing: bool,
    /// None is less than the one before.
    pub never_decreasing: bool,
    first: Option<String>,
    last: String,
}

impl Default for IdOrder {
    fn default() -> Self {
        IdOrder {
            increasing: true,
            never_decreasing: true,
            first: None,
            last: String::new(),
        }
    }
}

impl IdOrder {
    fn see(&mut self, id: &str) {
        if self.first.is_none() {
            self.first = Some(id.to_string());
        } else {
            self.follow(id);
        }
        self.last.clear();
        self.last.push_str(id);
    }

    /// Takes in `next` coming after the last seen.
    fn follow(&mut self, next: &str) {
        match next.cmp(self.last.as_str()) {
            std::cmp::Ordering::Less => (self.increasing, self.never_decreasing) = (false, false),
            std::cmp::Ordering::Equal => self.increasing = false,
            std::cmp::Ordering::Greater => {}
        }
    }

    /// The order of these rows followed by `later`.
    fn append(&mut self, later: IdOrder) {
        let Some(first) = later.first else { return };
        if self.first.is_none() {
            self.first = Some(first);
        } else {
            self.follow(&first);
        }
        self.increasing &= later.increasing;
        self.never_decreasing &= later.never_decreasing;
        self.last = later.last;
    }
}

/// Rows of an admissions extract.
#[derive(Debug, Default)]
pub struct AdmissionRows {
    pub common: Common,
    /// Identifiers, when [`Reading::keep_admission_ids`]; otherwise empty (`id_order` is kept
    /// either way).
    pub id: Texts,
    pub id_order: IdOrder,
    pub collaborative: Codes,
    pub service_line: Codes,
    /// The admitting provider (the sending provider of the spell's out-of-area placements).
    pub provider: Codes,
    pub admitted: Vec<Day>,
    pub discharged: Vec<Day>,
    /// Codes of `collaborative`, `service_line` and `provider`.
    pub dictionary: Dictionary,
}

/// Rows of a placements extract. Receiving provider, reason, distance and cost are kept for the
/// out-of-area placements only (`oap_row`), the only ones the analyses use.
#[derive(Debug, Default)]
pub struct PlacementRows {
    pub common: Common,
    pub id: Texts,
    pub id_order: IdOrder,
    pub admission_id: Texts,
    pub admission_id_order: IdOrder,
    pub start: Vec<Day>,
    pub end: Vec<Day>,
    pub oap_row: Vec<u32>,
    pub provider: Vec<u32>,
    /// Index into [`REASON_CODES`].
    pub reason: Vec<u8>,
    pub distance: Vec<Option<f64>>,
    pub cost: Vec<Option<f64>>,
    /// Codes of `provider`.
    pub dictionary: Dictionary,
}

/// Rows of one extract, parsed and checked one row at a time.
pub trait Rows: Default + Send {
    fn with_capacity(rows: usize) -> Self;
    fn common(&self) -> &Common;
    fn common_mut(&mut self) -> &mut Common;
    /// Parses one record (`fields` in file order).
    fn parse(&mut self, ctx: &FileContext, line: u32, fields: &[Cell]);
    /// Appends the rows of a later block or file.
    fn append(&mut self, other: Self) -> Result<()>;
    fn len(&self) -> usize {
        self.common().line.len()
    }
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A row of a file that lacks a required column: counted, invalid, not parsed.
    fn push_unusable(&mut self, ctx: &FileContext, line: u32);
}

impl AdmissionRows {
    /// Takes an admission's identifier in its order, and keeps it when asked to.
    fn push_id(&mut self, ctx: &FileContext, id: Option<&str>) {
        if let Some(id) = id {
            self.id_order.see(id);
        }
        if ctx.reading.keep_admission_ids {
            self.id.push(id.unwrap_or_default());
        }
    }
}

impl PlacementRows {
    /// Keeps a placement's identifier and its admission's, and takes both in their orders.
    fn push_ids(&mut self, id: Option<&str>, admission_id: Option<&str>) {
        if let Some(id) = id {
            self.id_order.see(id);
        }
        if let Some(admission_id) = admission_id {
            self.admission_id_order.see(admission_id);
        }
        self.id.push(id.unwrap_or_default());
        self.admission_id.push(admission_id.unwrap_or_default());
    }
}

impl Rows for AdmissionRows {
    fn with_capacity(rows: usize) -> Self {
        AdmissionRows {
            id: Texts::with_capacity(rows * 10),
            collaborative: Codes::with_capacity(rows),
            service_line: Codes::with_capacity(rows),
            provider: Codes::with_capacity(rows),
            admitted: Vec::with_capacity(rows),
            discharged: Vec::with_capacity(rows),
            common: Common::with_capacity(rows),
            ..Default::default()
        }
    }
    fn common(&self) -> &Common {
        &self.common
    }
    fn common_mut(&mut self) -> &mut Common {
        &mut self.common
    }

    fn parse(&mut self, ctx: &FileContext, line: u32, fields: &[Cell]) {
        if ctx.unusable {
            return self.push_unusable(ctx, line);
        }
        let c = &mut self.common;
        c.start_row(line);
        let id = ctx.cell(fields, 0);
        let collaborative = ctx.cell(fields, 2);
        c.required(ctx, id, "admission_id");
        c.required(ctx, collaborative, "collaborative");
        c.required(ctx, ctx.cell(fields, 1), "patient_id");
        let service_line = ctx.cell(fields, 3);
        c.required(ctx, service_line, "service_line");
        let provider = ctx.cell(fields, 6);
        c.required(ctx, provider, "provider_code");
        let admitted = c.date(ctx, ctx.value(fields, 4), "admission_date", 0, true);
        let discharged = c.date(ctx, ctx.value(fields, 5), "discharge_date", 1, false);
        if is_day(admitted) && is_day(discharged) && discharged < admitted {
            let (a, d) = (iso(admitted), iso(discharged));
            c.flag(
                ctx,
                Rule::DischargeBeforeAdmission,
                "discharge_date",
                Some(&d),
                format!("discharge_date {d} is before admission_date {a}"),
            );
        }
        if let (Some(known), Some(code)) = (ctx.reading.known_collaboratives, collaborative) {
            if !known.contains(code) {
                c.flag(
                    ctx,
                    Rule::UnknownCollaborative,
                    "collaborative",
                    Some(code),
                    format!("collaborative {code} is not in the collaboratives reference"),
                );
            }
        }
        self.push_id(ctx, id);
        self.collaborative
            .push(self.dictionary.code(collaborative.unwrap_or_default()));
        self.service_line
            .push(self.dictionary.code(service_line.unwrap_or_default()));
        self.provider
            .push(self.dictionary.code(provider.unwrap_or_default()));
        self.admitted.push(admitted);
        self.discharged.push(discharged);
    }

    fn push_unusable(&mut self, ctx: &FileContext, line: u32) {
        self.common.start_row(line);
        let last = self.common.bad.len() - 1;
        self.common.bad[last] = true;
        self.push_id(ctx, None);
        let blank = self.dictionary.code("");
        self.collaborative.push(blank);
        self.service_line.push(blank);
        self.provider.push(blank);
        self.admitted.push(NO_DAY);
        self.discharged.push(NO_DAY);
    }

    fn append(&mut self, other: Self) -> Result<()> {
        let map = self.dictionary.absorb(&other.dictionary);
        self.common.append(other.common);
        self.id.append(other.id)?;
        self.id_order.append(other.id_order);
        self.collaborative.extend_mapped(&other.collaborative, &map);
        self.service_line.extend_mapped(&other.service_line, &map);
        self.provider.extend_mapped(&other.provider, &map);
        self.admitted.extend(other.admitted);
        self.discharged.extend(other.discharged);
        Ok(())
    }
}

impl Rows for PlacementRows {
    fn with_capacity(rows: usize) -> Self {
        PlacementRows {
            id: Texts::with_capacity(rows * 10),
            admission_id: Texts::with_capacity(rows * 10),
            start: Vec::with_capacity(rows),
            end: Vec::with_capacity(rows),
            common: Common::with_capacity(rows),
            // Room for every row to be out of area: pages never written take no memory, and the
            // columns are never copied to grow.
            oap_row: Vec::with_capacity(rows),
            provider: Vec::with_capacity(rows),
            reason: Vec::with_capacity(rows),
            distance: Vec::with_capacity(rows),
            cost: Vec::with_capacity(rows),
            ..Default::default()
        }
    }
    fn common(&self) -> &Common {
        &self.common
    }
    fn common_mut(&mut self) -> &mut Common {
        &mut self.common
    }

    fn parse(&mut self, ctx: &FileContext, line: u32, fields: &[Cell]) {
        if ctx.unusable {
            return self.push_unusable(ctx, line);
        }
        let c = &mut self.common;
        c.start_row(line);
        let id = ctx.cell(fields, 0);
        let admission_id = ctx.cell(fields, 1);
        c.required(ctx, id, "placement_id");
        c.required(ctx, admission_id, "admission_id");
        let provider = ctx.cell(fields, 4);
        c.required(ctx, provider, "provider_code");
        let start = c.date(ctx, ctx.value(fields, 2), "start_date", 0, true);
        let end = c.date(ctx, ctx.value(fields, 3), "end_date", 1, false);
        let distance = c.number(ctx, ctx.value(fields, 7), "distance_km");
        let cost = c.number(ctx, ctx.value(fields, 8), "daily_cost");
        let out_of_area = match ctx.value(fields, 5) {
            None => {
                c.flag(
                    ctx,
                    Rule::MissingValue,
                    "out_of_area",
                    None,
                    "out_of_area is empty (required: Y or N)".into(),
                );
                None
            }
            Some(Cell::Flag(flag)) => Some(flag),
            Some(cell) => {
                let text = &cell.shown();
                let flag = match cell {
                    Cell::Text(text) => parse_flag(text),
                    _ => None,
                };
                if flag.is_none() {
                    c.flag(
                        ctx,
                        Rule::InvalidFlag,
                        "out_of_area",
                        Some(text),
                        format!(
                            "out_of_area {text:?} is not a flag (expected Y/N, true/false or 1/0)"
                        ),
                    );
                }
                flag
            }
        };
        let reason = ctx.cell(fields, 6);
        let reason_code = reason.and_then(|r| REASON_CODES.iter().position(|c| *c == r));
        match (out_of_area, reason) {
            (Some(true), None) => c.flag(ctx, Rule::MissingReason, "oap_reason", None,
                "oap_reason is empty but the placement is out of area (a reason code is required)".into()),
            (_, Some(code)) if reason_code.is_none() => c.flag(ctx, Rule::UnknownReason, "oap_reason", Some(code),
                format!("oap_reason {code:?} is not a known code (expected one of {})", REASON_CODES.join(", "))),
            (Some(false), Some(code)) => c.flag(ctx, Rule::ReasonForInAreaPlacement, "oap_reason", Some(code),
                format!("oap_reason {code} is given for an in-area placement (leave it empty when out_of_area is N)")),
            _ => {}
        }
        if is_day(start) && is_day(end) && end < start {
            let (s, e) = (iso(start), iso(end));
            c.flag(
                ctx,
                Rule::EndBeforeStart,
                "end_date",
                Some(&e),
                format!("end_date {e} is before start_date {s}"),
            );
        }
        let row = self.start.len();
        self.push_ids(id, admission_id);
        self.start.push(start);
        self.end.push(end);
        if out_of_area == Some(true) {
            self.oap_row.push(row as u32);
            self.provider
                .push(self.dictionary.code(provider.unwrap_or_default()));
            self.reason
                .push(reason_code.unwrap_or(u8::MAX as usize) as u8);
            self.distance.push(distance);
            self.cost.push(cost);
        }
    }

    fn push_unusable(&mut self, _: &FileContext, line: u32) {
        self.common.start_row(line);
        let last = self.common.bad.len() - 1;
        self.common.bad[last] = true;
        self.id.push("");
        self.admission_id.push("");
        self.start.push(NO_DAY);
        self.end.push(NO_DAY);
    }

    fn append(&mut self, other: Self) -> Result<()> {
        let offset = self.start.len() as u32;
        let map = self.dictionary.absorb(&other.dictionary);
        self.common.append(other.common);
        self.id.append(other.id)?;
        self.id_order.append(other.id_order);
        self.admission_id.append(other.admission_id)?;
        self.admission_id_order.append(other.admission_id_order);
        self.start.extend(other.start);
        self.end.extend(other.end);
        self.oap_row
            .extend(other.oap_row.iter().map(|r| r + offset));
        self.provider
            .extend(other.provider.iter().map(|&c| map[c as usize]));
        self.reason.extend(other.reason);
        self.distance.extend(other.distance);
        self.cost.extend(other.cost);
        Ok(())
    }
}

pub fn iso(day: Day) -> String {
    crate::periods::date_of(day).format("%Y-%m-%d").to_string()
}

/// The columns of an extract kind and how many of them are required.
pub fn columns_of(kind: ExtractKind) -> (&'static [&'static str], usize) {
    match kind {
        ExtractKind::Admissions => (&ADMISSION_COLUMNS, ADMISSION_COLUMNS.len()),
        ExtractKind::Placements => (&PLACEMENT_COLUMNS, REQUIRED_PLACEMENT_COLUMNS),
    }
}

/// Normalises a header name: surrounding spaces and a byte-order mark removed, lower case.
pub fn normalise_column_name(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// What one file's header says: where each column is, and what is missing.
pub struct Header {
    pub columns: Vec<Option<usize>>,
    /// A finding for each required column that is missing (all the file's rows are invalid).
    pub missing: Vec<Finding>,
    pub fields: usize,
}

/// Maps the header's names (any case, surrounding spaces) to the extract's columns.
pub fn read_header(path: &str, kind: ExtractKind, names: &[&str]) -> Result<Header> {
    let normalised: Vec<String> = names.iter().map(|n| normalise_column_name(n)).collect();
    for (i, name) in normalised.iter().enumerate() {
        if let Some(j) = normalised[..i].iter().position(|n| n == name) {
            bail!(
                "{path}:1: columns {:?} and {:?} both mean {name} (names are case-insensitive)",
                names[j],
                names[i]
            );
        }
    }
    let (wanted, required) = columns_of(kind);
    let columns: Vec<Option<usize>> = wanted
        .iter()
        .map(|w| normalised.iter().position(|n| n == w))
        .collect();
    let found = normalised.join(", ");
    let missing = wanted[..required]
        .iter()
        .zip(&columns)
        .filter(|(_, at)| at.is_none())
        .map(|(column, _)| Finding {
            file: path.to_string(),
            line: 1,
            rule: Rule::MissingColumn,
            column: Some(column),
            value: None,
            message: format!("missing required column {column} (found: {found})"),
        })
        .collect();
    Ok(Header {
        columns,
        missing,
        fields: names.len(),
    })
}

/// How much text a block of a CSV file holds (whole lines are added to reach the next line end).
const BLOCK_BYTES: usize = 4 << 20;

/// Reads one CSV file into rows. `forced` fixes the date formats (second pass).
pub fn read_csv<R: Rows>(
    path: &Path,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
) -> Result<(R, Vec<Finding>)> {
    read_csv_in_blocks(path, file, kind, reading, BLOCK_BYTES)
}

fn read_csv_in_blocks<R: Rows>(
    path: &Path,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
    block_bytes: usize,
) -> Result<(R, Vec<Finding>)> {
    let expected = format!("a header line naming the {} columns", kind.name());
    let (shown, size) = crate::extract::open_extract(path, &expected)?;
    let mut reader = File::open(path).with_context(|| format!("{shown}: cannot open"))?;
    let mut first = Vec::with_capacity(block_bytes + 4096);
    let mut at_end = fill(&mut reader, &mut first, block_bytes, &shown)?;
    while !at_end && memchr::memchr(b'\n', &first).is_none() {
        let wanted = first.len() * 2;
        at_end = fill(&mut reader, &mut first, wanted, &shown)?;
    }
    if first.starts_with(b"\xef\xbb\xbf") {
        first.drain(..3);
    }
    let header_end = memchr::memchr(b'\n', &first).map_or(first.len(), |i| i + 1);
    if memchr::memchr(b'"', &first[..header_end]).is_some() {
        // A quoted header: the csv crate reads the whole file.
        let stream = std::io::Cursor::new(first).chain(reader);
        return read_quoted(stream, None, 1, &shown, file, kind, reading);
    }
    let header_text = std::str::from_utf8(&first[..header_end])
        .map_err(|_| anyhow::anyhow!("{shown}:1: is not valid UTF-8 text"))?;
    let names: Vec<&str> = header_text
        .trim_end_matches(['\n', '\r'])
        .split(',')
        .collect();
    let header = read_header(&shown, kind, &names)?;
    let ctx = FileContext {
        file,
        path: &shown,
        columns: header.columns.clone(),
        unusable: !header.missing.is_empty(),
        reading,
    };
    first.drain(..header_end);
    // Rows per block, to size the vectors: a first guess from the first block's lines.
    let expected_rows = {
        let lines = memchr::memchr_iter(b'\n', &first).count().max(1);
        (size as usize / first.len().max(1) + 1) * lines
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (sender, receiver) = sync_channel::<(usize, Vec<u8>, u32)>(workers);
    let receiver = Mutex::new(receiver);
    // Blocks are appended in file order as soon as they are parsed, so that only the blocks in
    // flight are held twice.
    let merged = Mutex::new(InOrder {
        next: 0,
        waiting: std::collections::BTreeMap::new(),
        rows: Ok(R::with_capacity(expected_rows)),
    });
    let mut tail: Option<Result<R>> = None;
    let mut blocks = 0;
    std::thread::scope(|scope| -> Result<()> {
        // Owned here so that the workers stop however the reading ends.
        let sender = sender;
        for _ in 0..workers {
            scope.spawn(|| loop {
                let job = receiver.lock().expect("block queue").recv();
                let Ok((index, block, line)) = job else { break };
                let rows = parse_plain_block::<R>(&block, line, &ctx, &header);
                drop(block);
                merged.lock().expect("parsed blocks").arrive(index, rows);
            });
        }
        let mut line: u32 = 2;
        let mut block = first;
        loop {
            let mut at_end = fill(&mut reader, &mut block, block_bytes, &shown)?;
            // A block ends at a line end: a longer line makes a longer block.
            while !at_end && memchr::memchr(b'\n', &block).is_none() {
                let wanted = block.len() * 2;
                at_end = fill(&mut reader, &mut block, wanted, &shown)?;
            }
            if memchr::memchr(b'"', &block).is_some() {
                // From here on a field may be quoted: one reader to the end of the file.
                let stream = std::io::Cursor::new(block).chain(&mut reader);
                let columns = (header.columns.clone(), header.fields);
                tail = Some(
                    read_quoted(stream, Some(columns), line, &shown, file, kind, reading)
                        .map(|(rows, _)| rows),
                );
                break;
            }
            let cut = if at_end {
                block.len()
            } else {
                memchr::memrchr(b'\n', &block).map_or(block.len(), |i| i + 1)
            };
            let rest = block.split_off(cut);
            let lines = memchr::memchr_iter(b'\n', &block).count() as u32;
            if !block.is_empty() {
                sender
                    .send((blocks, block, line))
                    .map_err(|_| anyhow::anyhow!("{shown}: a parsing thread stopped"))?;
                blocks += 1;
            }
            line += lines;
            block = rest;
            if at_end && block.is_empty() {
                break;
            }
        }
        Ok(())
    })?;
    let merged = merged.into_inner().expect("parsed blocks");
    debug_assert!(merged.rows.is_err() || merged.next == blocks);
    let mut rows = merged.rows?;
    if let Some(tail) = tail {
        rows.append(tail?)?;
    }
    Ok((rows, header.missing))
}

/// Rows of blocks parsed in any order, appended in the order of the blocks.
struct InOrder<R> {
    next: usize,
    waiting: std::collections::BTreeMap<usize, Result<R>>,
    /// The rows so far, or the first error in file order.
    rows: Result<R>,
}

impl<R: Rows> InOrder<R> {
    fn arrive(&mut self, index: usize, block: Result<R>) {
        self.waiting.insert(index, block);
        while let Some(block) = self.waiting.remove(&self.next) {
            self.next += 1;
            if let Ok(rows) = &mut self.rows {
                if let Err(error) = block.and_then(|block| rows.append(block)) {
                    self.rows = Err(error);
                }
            }
        }
    }
}

/// Reads until `buffer` holds at least `at_least` bytes or the file ends; true at the end.
fn fill(
    reader: &mut impl Read,
    buffer: &mut Vec<u8>,
    at_least: usize,
    shown: &str,
) -> Result<bool> {
    while buffer.len() < at_least {
        let before = buffer.len();
        buffer.resize(at_least, 0);
        let read = match reader.read(&mut buffer[before..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => 0,
            Err(e) => return Err(e).with_context(|| format!("{shown}: cannot read")),
        };
        buffer.truncate(before + read);
        if read == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Parses a block of whole lines holding no quote character, its first line being `line`.
fn parse_plain_block<R: Rows>(
    block: &[u8],
    line: u32,
    ctx: &FileContext,
    header: &Header,
) -> Result<R> {
    let text = match std::str::from_utf8(block) {
        Ok(text) => text,
        Err(error) => {
            let before = memchr::memchr_iter(b'\n', &block[..error.valid_up_to()]).count();
            bail!(
                "{}:{}: is not valid UTF-8 text",
                ctx.path,
                line as usize + before
            );
        }
    };
    let mut rows = R::with_capacity(memchr::memchr_iter(b'\n', block).count() + 1);
    let mut fields: Vec<Cell> = Vec::with_capacity(header.fields);
    for (i, record) in text.split('\n').enumerate() {
        let record = record.strip_suffix('\r').unwrap_or(record);
        if record.is_empty() {
            continue;
        }
        let at = line + i as u32;
        fields.clear();
        fields.extend(record.split(',').map(Cell::Text));
        // Fewer fields: the last cells are empty (as many extracts write them); more: an error.
        if fields.len() > header.fields {
            bail!(
                "{}:{at}: has {} fields, but the header has {}",
                ctx.path,
                fields.len(),
                header.fields
            );
        }
        rows.parse(ctx, at, &fields);
    }
    Ok(rows)
}

/// Reads records with the `csv` crate (quoted fields), one after the other. With `columns`, the
/// stream starts after the header, at line `line`; without, at the header.
#[allow(clippy::too_many_arguments)]
fn read_quoted<R: Rows>(
    stream: impl Read,
    columns: Option<(Vec<Option<usize>>, usize)>,
    line: u32,
    shown: &str,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
) -> Result<(R, Vec<Finding>)> {
    // The csv crate's own line count leaves out blank lines: lines are counted here from the
    // line ends seen in the stream. A record's first line is found from where it ends.
    let line_ends = Rc::new(RefCell::new(VecDeque::new()));
    let counted = LineEnds {
        inner: stream,
        offset: 0,
        ends: Rc::clone(&line_ends),
    };
    let (mut passed, mut last_end) = (0u32, None);
    let mut first_line = move |record_end: u64, record: &csv::ByteRecord| -> u32 {
        let mut ends = line_ends.borrow_mut();
        while ends.front().is_some_and(|&end| end < record_end) {
            last_end = ends.pop_front();
            passed += 1;
        }
        let terminated = record_end > 0 && last_end == Some(record_end - 1);
        let inside = memchr::memchr_iter(b'\n', record.as_slice()).count() as u32;
        line + passed - u32::from(terminated) - inside
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, counted));
    let mut record = csv::ByteRecord::new();
    // Reads the next record; its first line.
    let mut next = |record: &mut csv::ByteRecord| -> Result<Option<u32>> {
        let more = reader.read_byte_record(record).map_err(|error| {
            let at = error
                .position()
                .map_or(line, |p| p.line() as u32 + line - 1);
            anyhow::anyhow!("{shown}:{at}: {error}")
        })?;
        if !more {
            return Ok(None);
        }
        Ok(Some(first_line(reader.position().byte(), record)))
    };
    // The record as text (its buffer is handed back with `into_byte_record`).
    let text = |record: &mut csv::ByteRecord, at: u32| -> Result<csv::StringRecord> {
        csv::StringRecord::from_byte_record(std::mem::take(record))
            .map_err(|_| anyhow::anyhow!("{shown}:{at}: is not valid UTF-8 text"))
    };
    let (columns, fields_wanted, missing) = match columns {
        Some((columns, fields)) => (columns, fields, Vec::new()),
        None => {
            let Some(at) = next(&mut record)? else {
                bail!(
                    "{shown}: the file is empty (expected a header line naming the {} columns)",
                    kind.name()
                );
            };
            let names = text(&mut record, at)?;
            let header = read_header(shown, kind, &names.iter().collect::<Vec<_>>())?;
            (header.columns, header.fields, header.missing)
        }
    };
    let ctx = FileContext {
        file,
        path: shown,
        unusable: !missing.is_empty(),
        columns,
        reading,
    };
    let mut rows = R::default();
    while let Some(at) = next(&mut record)? {
        let string_record = text(&mut record, at)?;
        let fields: Vec<Cell> = string_record.iter().map(Cell::Text).collect();
        if matches!(fields[..], [Cell::Text("")]) {
            continue;
        }
        if fields.len() > fields_wanted {
            bail!(
                "{shown}:{at}: has {} fields, but the header has {fields_wanted}",
                fields.len()
            );
        }
        rows.parse(&ctx, at, &fields);
        drop(fields);
        record = string_record.into_byte_record();
    }
    Ok((rows, missing))
}

/// A stream that notes where its line ends are.
struct LineEnds<R> {
    inner: R,
    offset: u64,
    ends: Rc<RefCell<VecDeque<u64>>>,
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        let mut ends = self.ends.borrow_mut();
        ends.extend(memchr::memchr_iter(b'\n', &buffer[..read]).map(|i| self.offset + i as u64));
        self.offset += read as u64;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::periods::day_of;
    use chrono::{Datelike, NaiveDate};

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
    fn day_numbers_agree_with_chrono_from_1900_to_2100() {
        let mut date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while date.year() <= 2100 {
            assert_eq!(
                day_from_civil(date.year(), date.month(), date.day()),
                Some(day_of(date)),
                "{date}"
            );
            date = date.succ_opt().unwrap();
        }
        for (y, m, d) in [
            (2023, 2, 29),
            (1900, 2, 29),
            (2024, 4, 31),
            (2024, 13, 1),
            (2024, 0, 1),
            (2024, 1, 0),
        ] {
            assert_eq!(day_from_civil(y, m, d), None, "{y}-{m}-{d}");
        }
        assert_eq!(day_from_civil(2000, 2, 29), Some(11_016));
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

    const HEADER: &str =
        "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code\n";

    /// An admissions file of `rows` rows whose row `i` is admitted `i` days after 2024-01-01,
    /// with the changes given as (row, line text).
    fn admissions_file(rows: usize, changes: &[(usize, &str)]) -> tempfile::NamedTempFile {
        let mut text = HEADER.to_string();
        for i in 0..rows {
            match changes.iter().find(|(row, _)| *row == i) {
                Some((_, line)) => text.push_str(line),
                None => {
                    let day =
                        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(i as u64);
                    text.push_str(&format!("A{i},P{i},AAA,adult_acute,{day},,R1\n"));
                }
            }
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    fn read(file: &tempfile::NamedTempFile, block_bytes: usize) -> Result<AdmissionRows> {
        read_csv_in_blocks::<AdmissionRows>(
            file.path(),
            0,
            ExtractKind::Admissions,
            KEEP_IDS,
            block_bytes,
        )
        .map(|(rows, _)| rows)
    }

    fn problem_lines(rows: &AdmissionRows) -> Vec<(usize, Rule)> {
        let mut lines: Vec<_> = rows
            .common
            .findings
            .iter()
            .map(|(_, f)| (f.line, f.rule))
            .collect();
        lines.sort();
        lines
    }

    #[test]
    fn small_blocks_read_the_same_rows_and_lines_as_one_block() {
        // Row i is on line i + 2 (row 40 is a blank line: 199 rows in all); the quote on row
        // 120 hands the rest of the file to the csv crate, and the line break inside the
        // quoted field of row 130 puts later rows one line further down.
        let file = admissions_file(
            200,
            &[
                (40, "\n"),
                (60, "A60,P60,AAA,adult_acute,2024-02-30,,R1\n"),
                (100, "A100,,AAA,adult_acute,2024-04-10,,R1\n"),
                (120, "A120,P120,\"AAA\",adult_acute,2024-04-30,,R1\n"),
                (130, "A130,P130,AAA,\"adult\nacute\",2024-05-10,,R1\n"),
                (150, "A150,P150,AAA,adult_acute,2024-05-30,2024-05-01,R1\n"),
            ],
        );
        let expected = vec![
            (62, Rule::InvalidDate),
            (102, Rule::MissingValue),
            (153, Rule::DischargeBeforeAdmission),
        ];
        for block_bytes in [40, 64, 1000, 1 << 20] {
            let rows = read(&file, block_bytes).unwrap();
            assert_eq!(rows.len(), 199, "block of {block_bytes} bytes");
            assert_eq!(
                problem_lines(&rows),
                expected,
                "block of {block_bytes} bytes"
            );
            let lines: Vec<u32> = (0..rows.len()).map(|r| rows.common.line.get(r)).collect();
            assert_eq!(lines[0], 2);
            assert_eq!(lines[39], 41);
            assert_eq!(lines[40], 43, "row 41 after the blank line");
            assert_eq!(
                lines[129], 132,
                "row 130 starts on line 132 and ends on 133"
            );
            assert_eq!(lines[130], 134, "row 131 after the quoted line break");
            assert_eq!(lines[198], 202);
            assert_eq!(rows.id.get(198), Some("A199"));
            assert_eq!(
                rows.admitted[198],
                day_of(NaiveDate::from_ymd_opt(2024, 7, 18).unwrap())
            );
            assert_eq!(
                rows.dictionary.values[rows.service_line.get(129) as usize],
                "adult\nacute"
            );
        }
    }

    #[test]
    fn bad_lines_are_named_whatever_the_block() {
        let long = format!(
            "A50,P50,AAA,adult_acute,2024-02-20,,R1,{}\n",
            "x".repeat(300)
        );
        let file = admissions_file(120, &[(50, &long)]);
        for block_bytes in [40, 1 << 20] {
            let error = read(&file, block_bytes).err().unwrap().to_string();
            assert!(
                error.ends_with(":52: has 8 fields, but the header has 7"),
                "{error}"
            );
        }
        let file = admissions_file(120, &[(90, "A90,P90,AAA,adult_acute,2024-03-31\n")]);
        let rows = read(&file, 40).unwrap();
        assert_eq!(rows.len(), 120, "a short row has its last cells empty");
        assert_eq!(problem_lines(&rows), vec![(92, Rule::MissingValue)]);
    }

    #[test]
    fn id_order_within_and_across_blocks() {
        let order = |ids: &[&str]| {
            let mut order = IdOrder::default();
            ids.iter().for_each(|id| order.see(id));
            order
        };
        assert!(order(&["A01", "A02", "A10"]).increasing);
        assert!(!order(&["A1", "A2", "A10"]).increasing, "compared as text");
        let repeat = order(&["A1", "A2", "A2"]);
        assert!(!repeat.increasing && repeat.never_decreasing, "a repeat");
        assert!(!order(&["A2", "A1"]).never_decreasing);
        assert!(!order(&["A2", "A1"]).increasing);
        let joined = |a: &[&str], b: &[&str]| {
            let mut first = order(a);
            first.append(order(b));
            first.increasing
        };
        assert!(joined(&["A1", "A2"], &["A3", "A4"]));
        assert!(
            !joined(&["A1", "A3"], &["A2", "A4"]),
            "the second block starts too low"
        );
        assert!(!joined(&["A1", "A3"], &["A3"]), "a repeat across blocks");
        let mut repeat = order(&["A1", "A3"]);
        repeat.append(order(&["A3", "A4"]));
        assert!(repeat.never_decreasing);
        repeat.append(order(&["A2"]));
        assert!(!repeat.never_decreasing, "a step down across blocks");
        assert!(joined(&[], &["A1", "A2"]) && joined(&["A1"], &[]));
        assert!(!joined(&[], &["A2", "A1"]));
        // Across three blocks, the middle one empty.
        let mut all = order(&["A1", "A5"]);
        all.append(order(&[]));
        all.append(order(&["A4"]));
        assert!(!all.increasing);
    }

    #[test]
    fn codes_widen_when_one_does_not_fit_in_two_bytes() {
        let mut codes = Codes::default();
        let values = [0, 7, 65_535, 65_536, 3, 4_000_000];
        for (i, &v) in values.iter().enumerate() {
            codes.push(v);
            let wide = matches!(codes, Codes::Wide(_));
            assert_eq!(wide, i >= 3, "after {v}");
        }
        assert_eq!(
            (0..codes.len()).map(|r| codes.get(r)).collect::<Vec<_>>(),
            values
        );
        let mut narrow = Codes::default();
        [1, 0, 1].iter().for_each(|&c| narrow.push(c));
        narrow.extend_mapped(&narrow.clone(), &[9, 70_000]);
        assert_eq!(narrow.into_wide(), [1, 0, 1, 70_000, 9, 70_000]);
    }

    #[test]
    fn texts_of_one_width_and_of_many() {
        let of = |values: &[&str]| {
            let mut t = Texts::default();
            values.iter().for_each(|v| t.push(v));
            t
        };
        fn read(t: &Texts) -> Vec<Option<&str>> {
            (0..t.rows).map(|i| t.get(i)).collect()
        }
        let fixed = of(&["A1", "A2"]);
        assert!(fixed.fixed());
        let mut all = of(&["A1", "A2"]);
        all.append(of(&["B1"])).unwrap();
        assert!(all.fixed(), "same width stays without ends");
        all.append(of(&["C10", ""])).unwrap();
        all.push("D1");
        assert_eq!(
            read(&all),
            [
                Some("A1"),
                Some("A2"),
                Some("B1"),
                Some("C10"),
                None,
                Some("D1")
            ]
        );
        let mut empty_first = of(&["", ""]);
        empty_first.append(of(&["X"])).unwrap();
        assert_eq!(read(&empty_first), [None, None, Some("X")]);
        let mut onto_nothing = Texts::default();
        onto_nothing.append(of(&["ABC", "DEF"])).unwrap();
        onto_nothing.append(of(&["GH"])).unwrap();
        assert_eq!(read(&onto_nothing), [Some("ABC"), Some("DEF"), Some("GH")]);
    }

    #[test]
    fn texts_hold_empty_cells() {
        let mut t = Texts::default();
        t.push("A1");
        t.push("");
        t.push("A3");
        let mut u = Texts::default();
        u.push("B1");
        t.append(u).unwrap();
        assert_eq!(
            (0..4).map(|i| t.get(i)).collect::<Vec<_>>(),
            [Some("A1"), None, Some("A3"), Some("B1")]
        );
    }
}
