//! The rows of an extract as they are read: what every row of a file is parsed with, and the
//! typed columns each kind of row is kept in (the rules a row is checked by are in
//! [`super::rules`]).

use anyhow::Result;
use polars::prelude::{PlHashMap, PlHashSet};

use super::columns::{Codes, Dictionary, IdOrder, Lines, Texts};
use super::contract::columns_of;
use super::dates::{iso, DateFormat, NO_DAY};
use super::files::ExtractKind;
use super::findings::Finding;
use super::header::Header;
use super::mapping::{ColumnMapping, Mapping};
use crate::demographics::Person;
use crate::periods::Day;

/// What every row of a file is parsed with.
pub struct FileContext<'a> {
    pub file: usize,
    pub path: &'a str,
    /// The extract's columns.
    pub contract: &'static [&'static str],
    /// Where each of the extract's columns is in a record (`None`: not in the file).
    pub columns: Vec<Option<usize>>,
    /// Each column as messages name it (see [`Header::shown`]).
    pub shown: Vec<String>,
    /// How each column is read (the mapping's entries, in the contract's order).
    pub mapping: &'a [ColumnMapping],
    /// The columns (bits, by contract index) the mapping recodes or gives a date format for:
    /// tested first, so that reading without a mapping costs one test a cell.
    pub recoded: u16,
    pub formatted: u16,
    /// True when a required column is missing: rows are counted, all invalid, not parsed.
    pub unusable: bool,
    /// True when the file has any of the admissions' optional columns of who the patient is
    /// (a file without them reads as if they did not exist).
    pub people: bool,
    pub reading: Reading<'a>,
}

impl<'a> FileContext<'a> {
    pub fn new(
        file: usize,
        path: &'a str,
        kind: ExtractKind,
        header: &Header,
        reading: Reading<'a>,
    ) -> FileContext<'a> {
        let mapping = reading.mapping.columns(kind);
        let bits = |columns: &[ColumnMapping], test: fn(&ColumnMapping) -> bool| {
            (columns.iter().enumerate())
                .filter(|(_, m)| test(m))
                .fold(0u16, |bits, (i, _)| bits | 1 << i)
        };
        FileContext {
            file,
            path,
            contract: columns_of(kind).0,
            columns: header.columns.clone(),
            shown: header.shown.clone(),
            mapping,
            recoded: bits(mapping, |m| m.values.is_some()),
            formatted: bits(mapping, |m| m.format.is_some()),
            unusable: !header.missing.is_empty(),
            people: kind == ExtractKind::Admissions
                && header.columns[PEOPLE_COLUMNS].iter().any(Option::is_some),
            reading,
        }
    }

    /// Whether the mapping recodes a column's values.
    #[inline]
    pub fn recodes(&self, column: usize) -> bool {
        self.recoded & 1 << column != 0
    }
}

/// The admissions extract's optional columns of who the patient is: `age` to `lsoa`.
pub const PEOPLE_COLUMNS: std::ops::Range<usize> = 7..12;

/// Reading that keeps every identifier, as with placements (for tests).
#[cfg(test)]
pub(super) fn keep_ids() -> Reading<'static> {
    Reading {
        known_collaboratives: None,
        forced: [None, None],
        keep_admission_ids: true,
        mapping: Mapping::plain(),
        imd: None,
    }
}

/// What the rules of a row need beyond the file itself, and what of it is kept.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    /// The collaboratives of the reference, when one is given.
    pub known_collaboratives: Option<&'a PlHashSet<String>>,
    /// Date formats fixed for the file (second pass over a file mixing formats in a column).
    pub forced: [Option<DateFormat>; 2],
    /// Whether each admission's identifier is kept (to find its placements, or its duplicates);
    /// when not, only whether the identifiers always increase is kept ([`IdOrder`]).
    pub keep_admission_ids: bool,
    /// How the file is read: its columns, codes, date formats, delimiter and encoding.
    pub mapping: &'a Mapping,
    /// The IMD decile of each LSOA (`imd.csv`), when given.
    pub imd: Option<&'a PlHashMap<String, u8>>,
}

impl Default for Reading<'_> {
    fn default() -> Self {
        Reading {
            known_collaboratives: None,
            forced: [None, None],
            keep_admission_ids: false,
            mapping: Mapping::plain(),
            imd: None,
        }
    }
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
    pub(super) fn shown(self) -> String {
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
    pub(super) fn cell<'r>(&self, fields: &[Cell<'r>], column: usize) -> Option<&'r str> {
        match fields.get(self.columns[column]?)? {
            Cell::Text(text) => {
                let text = text.trim();
                (!text.is_empty()).then_some(text)
            }
            _ => None,
        }
    }

    /// A cell that may be typed; `None` when empty.
    pub(super) fn value<'r>(&self, fields: &[Cell<'r>], column: usize) -> Option<Cell<'r>> {
        match *fields.get(self.columns[column]?)? {
            Cell::Text(text) => {
                let text = text.trim();
                (!text.is_empty()).then_some(Cell::Text(text))
            }
            typed => Some(typed),
        }
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
    /// Who each row's patient is ([`Person::pack`]), once a file has any of the columns: rows of
    /// files without them are [`Person::UNKNOWN`]. Empty while no file has them.
    pub person: Vec<u32>,
    /// Which of those columns the files have, and the values read as UNKNOWN.
    pub people: PeopleSeen,
}

/// The optional columns of who the patient is that the admissions files have, and the values
/// outside NHS England's lists (read as UNKNOWN, never dropped).
#[derive(Debug, Default, Clone)]
pub struct PeopleSeen {
    /// Per column of [`PEOPLE_COLUMNS`]: whether any file has it.
    pub columns: [bool; 5],
    /// Per column of [`PEOPLE_COLUMNS`]: the values read as UNKNOWN because no list has them.
    pub unlisted: [Unlisted; 5],
}

/// Values of a column outside its list, read as UNKNOWN: how many, and the first.
#[derive(Debug, Default, Clone)]
pub struct Unlisted {
    pub count: usize,
    /// File index, line and value of the first.
    pub first: Option<(usize, u32, String)>,
}

impl PeopleSeen {
    pub(super) fn append(&mut self, other: PeopleSeen) {
        for (column, (seen, unlisted)) in other.columns.into_iter().zip(other.unlisted).enumerate()
        {
            self.columns[column] |= seen;
            let mine = &mut self.unlisted[column];
            mine.count += unlisted.count;
            if mine.first.is_none() {
                mine.first = unlisted.first;
            }
        }
    }
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
    /// Index into [`REASON_CODES`](super::contract::REASON_CODES).
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
    pub(super) fn push_id(&mut self, ctx: &FileContext, id: Option<&str>) {
        if let Some(id) = id {
            self.id_order.see(id);
        }
        if ctx.reading.keep_admission_ids {
            self.id.push(id.unwrap_or_default());
        }
    }
}

impl AdmissionRows {
    /// Keeps who the patient of the row being read is (rows of earlier files without the
    /// columns: nothing known).
    pub(super) fn push_person(&mut self, person: Person) {
        let row = self.admitted.len() - 1;
        if self.person.len() < row {
            self.person.resize(row, Person::UNKNOWN.pack());
        }
        self.person.push(person.pack());
    }
}

impl PlacementRows {
    /// Keeps a placement's identifier and its admission's, and takes both in their orders.
    pub(super) fn push_ids(&mut self, id: Option<&str>, admission_id: Option<&str>) {
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
        if ctx.people {
            self.push_person(Person::UNKNOWN);
        }
    }

    fn append(&mut self, other: Self) -> Result<()> {
        if !self.person.is_empty() || !other.person.is_empty() {
            let mut theirs = other.person;
            theirs.resize(other.admitted.len(), Person::UNKNOWN.pack());
            self.person
                .resize(self.admitted.len(), Person::UNKNOWN.pack());
            self.person.extend(theirs);
        }
        self.people.append(other.people);
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

/// State shared by both kinds of rows: lines, validity, findings and date formats.
#[derive(Debug, Default)]
pub struct Common {
    pub line: Lines,
    pub bad: Vec<bool>,
    /// Findings with the index of their file.
    pub findings: Vec<(usize, Finding)>,
    /// Columns (bits, by contract index) of the row being read that already have a finding: one
    /// finding a cell.
    pub(super) reported: u16,
    /// Per date column: the formats seen (bits), and the first seen.
    pub(super) formats_seen: [u8; 2],
    pub first_format: [Option<DateFormat>; 2],
    /// The rows that took more than one line of the file (a quoted cell holding line breaks):
    /// (row, the lines it took after its first).
    pub spans: Vec<(u32, u32)>,
}

impl Common {
    pub(super) fn with_capacity(rows: usize) -> Common {
        Common {
            bad: Vec::with_capacity(rows),
            ..Default::default()
        }
    }

    pub(super) fn start_row(&mut self, line: u32) {
        self.line.push(line);
        self.bad.push(false);
        self.reported = 0;
    }

    pub(super) fn append(&mut self, other: Common) {
        let offset = self.line.len() as u32;
        (self.spans).extend(
            other
                .spans
                .iter()
                .map(|&(row, lines)| (row + offset, lines)),
        );
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
}
