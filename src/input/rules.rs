//! The rules that need only the row itself (DOMAIN.md section 3), checked as each row is parsed,
//! and the findings they produce. Cells are read through the mapping here: recoded by its
//! `values`, dates read in its `format`; messages name each column as the file's header spells
//! it, and the mapping's entry where one applied.

use super::contract::{parse_flag, REASON_CODES};
use super::dates::{is_day, iso, DateFormat, BAD_DAY, NO_DAY};
use super::findings::{short, Finding, Rule};
use super::rows::{
    AdmissionRows, Cell, Common, FileContext, PeopleSeen, PlacementRows, Rows, PEOPLE_COLUMNS,
};
use crate::demographics::{ethnicity_code, gender_code, Person, MAX_AGE};
use crate::periods::Day;

impl Common {
    /// Records a finding on column `column` (by contract index) of the row being read; a cell
    /// that already has one gets no second.
    fn flag(
        &mut self,
        ctx: &FileContext,
        rule: Rule,
        column: usize,
        value: Option<&str>,
        message: String,
    ) {
        let row = self.bad.len() - 1;
        self.bad[row] = true;
        let bit = 1 << column;
        if self.reported & bit != 0 {
            return;
        }
        self.reported |= bit;
        self.findings.push((
            ctx.file,
            Finding {
                file: ctx.path.to_string(),
                line: self.line.get(row) as usize,
                rule,
                column: Some(ctx.contract[column]),
                value: value.map(|v| short(v).into_owned()),
                message,
            },
        ));
    }

    /// A text cell, trimmed and recoded; `None` when empty (or missing from a short row).
    #[inline]
    fn text<'r>(
        &mut self,
        ctx: &'r FileContext,
        fields: &[Cell<'r>],
        column: usize,
    ) -> Option<&'r str> {
        let text = ctx.cell(fields, column)?;
        if !ctx.recodes(column) {
            return Some(text);
        }
        self.recode(ctx, column, text)
    }

    /// A cell that may be typed, text recoded; `None` when empty.
    #[inline]
    fn typed<'r>(
        &mut self,
        ctx: &'r FileContext,
        fields: &[Cell<'r>],
        column: usize,
    ) -> Option<Cell<'r>> {
        match ctx.value(fields, column)? {
            Cell::Text(text) if ctx.recodes(column) => {
                self.recode(ctx, column, text).map(Cell::Text)
            }
            cell => Some(cell),
        }
    }

    /// The contract value of a code, where the mapping recodes the column (a code mapped to ""
    /// is an empty cell); a code the mapping has no entry for is a finding.
    fn recode<'r>(
        &mut self,
        ctx: &'r FileContext,
        column: usize,
        code: &'r str,
    ) -> Option<&'r str> {
        let Some(values) = &ctx.mapping[column].values else {
            return Some(code);
        };
        match values.get(code) {
            Some(value) => (!value.is_empty()).then_some(value),
            // Who the patient is: a code the mapping does not list is read as it is, and one
            // outside NHS England's lists is then UNKNOWN (counted, never dropped).
            None if ctx.people && PEOPLE_COLUMNS.contains(&column) => Some(code),
            None => {
                let name = &ctx.shown[column];
                let entry = &ctx.mapping[column].entry;
                let shown = short(code);
                let message = format!(
                    "{name} {shown:?} has no entry in the values of {entry} (add one, or \"*\" = ... for every other code)"
                );
                self.flag(ctx, Rule::UnmappedValue, column, Some(code), message);
                Some(code)
            }
        }
    }

    fn required(&mut self, ctx: &FileContext, cell: Option<&str>, column: usize) {
        if cell.is_none() {
            let name = &ctx.shown[column];
            let message = format!("{name} is empty (required)");
            self.flag(ctx, Rule::MissingValue, column, None, message);
        }
    }

    /// Parses a date cell; `slot` is the date column (0 or 1) of the extract.
    fn date(
        &mut self,
        ctx: &FileContext,
        cell: Option<Cell>,
        column: usize,
        slot: usize,
        required: bool,
    ) -> Day {
        let name = &ctx.shown[column];
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
                let message = format!("{name} {:?} is not a date", short(&shown));
                self.flag(ctx, Rule::InvalidDate, column, Some(&shown), message);
                return BAD_DAY;
            }
        };
        if let Some(layout) = (ctx.formatted & 1 << column != 0)
            .then(|| ctx.mapping[column].format.as_ref())
            .flatten()
        {
            return layout.parse(text).unwrap_or_else(|| {
                let message = match layout.calendar_problem(text) {
                    Some(problem) => format!("{name} {text:?} is not a date: {problem}"),
                    None => {
                        let (format, entry) = (layout.describe(), &ctx.mapping[column].entry);
                        format!(
                            "{name} {:?} is not a valid date (expected {format}, as {entry} says)",
                            short(text)
                        )
                    }
                };
                self.flag(ctx, Rule::InvalidDate, column, Some(text), message);
                BAD_DAY
            });
        }
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

    fn number(&mut self, ctx: &FileContext, cell: Option<Cell>, column: usize) -> Option<f64> {
        let cell = cell?;
        let parsed = match cell {
            Cell::Text(text) => text.parse::<f64>().ok(),
            Cell::Number(value) => Some(value),
            _ => None,
        };
        let text = &cell.shown();
        let name = &ctx.shown[column];
        match parsed.filter(|v| v.is_finite()) {
            None => {
                let message = format!("{name} {:?} is not a number", short(text));
                self.flag(ctx, Rule::InvalidNumber, column, Some(text), message);
                None
            }
            Some(value) => {
                if value < 0.0 {
                    let message = format!("{name} {text} is negative");
                    self.flag(ctx, Rule::NegativeNumber, column, Some(text), message);
                }
                Some(value)
            }
        }
    }

    /// A whole number from `low` to `high` (`None` when empty or invalid, with a finding).
    fn whole(
        &mut self,
        ctx: &FileContext,
        cell: Option<Cell>,
        column: usize,
        (low, high): (u8, u8),
        expected: &str,
    ) -> Option<u8> {
        let cell = cell?;
        let value = match cell {
            Cell::Text(text) => text.parse::<i64>().ok(),
            Cell::Number(value) if value.fract() == 0.0 && value.abs() < 1e15 => Some(value as i64),
            _ => None,
        };
        let text = &cell.shown();
        let name = &ctx.shown[column];
        match value {
            None => {
                let message = format!(
                    "{name} {:?} is not a whole number (expected {expected})",
                    short(text)
                );
                self.flag(ctx, Rule::InvalidNumber, column, Some(text), message);
                None
            }
            Some(v) if v < i64::from(low) || v > i64::from(high) => {
                let message =
                    format!("{name} {text} is outside {low}\u{2013}{high} (expected {expected})");
                self.flag(ctx, Rule::OutOfRange, column, Some(text), message);
                None
            }
            Some(v) => Some(v as u8),
        }
    }

    /// Who the patient of the row is, from the optional columns (DOMAIN.md section 12): an
    /// empty cell is not known; an age or decile out of range is invalid; a code outside NHS
    /// England's lists (or an LSOA the IMD lookup lacks) is read as not known and counted in
    /// `seen`.
    fn person(&mut self, ctx: &FileContext, fields: &[Cell], seen: &mut PeopleSeen) -> Person {
        let mut person = Person::UNKNOWN;
        for (k, column) in PEOPLE_COLUMNS.enumerate() {
            seen.columns[k] |= ctx.columns[column].is_some();
        }
        let mut unlisted = |c: &mut Common, column: usize, value: &str| {
            let row = c.bad.len() - 1;
            let entry = &mut seen.unlisted[column - PEOPLE_COLUMNS.start];
            entry.count += 1;
            if entry.first.is_none() {
                entry.first = Some((ctx.file, c.line.get(row), short(value).into_owned()));
            }
        };
        let cell = self.typed(ctx, fields, adm::AGE);
        let expected = "whole years at admission, 0 to 124";
        if let Some(age) = self.whole(ctx, cell, adm::AGE, (0, MAX_AGE), expected) {
            person.age = age;
        }
        if let Some(code) = self.text(ctx, fields, adm::GENDER) {
            match gender_code(code) {
                Some(gender) => person.gender = gender,
                None => unlisted(self, adm::GENDER, code),
            }
        }
        if let Some(code) = self.text(ctx, fields, adm::ETHNIC_CATEGORY) {
            match ethnicity_code(code) {
                Some(ethnicity) => person.ethnicity = ethnicity,
                None => unlisted(self, adm::ETHNIC_CATEGORY, code),
            }
        }
        let cell = self.typed(ctx, fields, adm::IMD_DECILE);
        let decile = self.whole(
            ctx,
            cell,
            adm::IMD_DECILE,
            (1, 10),
            "an IMD decile, 1 to 10",
        );
        let decile_given = ctx.cell(fields, adm::IMD_DECILE).is_some()
            || matches!(ctx.value(fields, adm::IMD_DECILE), Some(Cell::Number(_)));
        if let Some(decile) = decile {
            person.imd_decile = decile;
        } else if !decile_given {
            if let (Some(lsoa), Some(lookup)) = (self.text(ctx, fields, adm::LSOA), ctx.reading.imd)
            {
                match lookup.get(lsoa) {
                    Some(&decile) => person.imd_decile = decile,
                    None => unlisted(self, adm::LSOA, lsoa),
                }
            }
        }
        person
    }

    /// Flags each cell of the row just parsed (whose findings start at `before`) that holds a
    /// line break: no column of the contract holds one, so the cell's own finding replaces any
    /// other of it. `line` is the row's first line; `unclosed`: its last cell's quote never
    /// closed (the cell runs to the end of the file).
    pub(super) fn flag_line_breaks(
        &mut self,
        ctx: &FileContext,
        fields: &[Cell],
        line: u32,
        before: usize,
        unclosed: bool,
    ) {
        for column in 0..ctx.contract.len() {
            let Some(index) = ctx.columns[column] else {
                continue;
            };
            let Some(&Cell::Text(text)) = fields.get(index) else {
                continue;
            };
            if !text.contains(['\n', '\r']) {
                continue;
            }
            let (opened, closed) = cell_lines(fields, index, line);
            let name = ctx.contract[column];
            let mut i = before;
            while i < self.findings.len() {
                if self.findings[i].1.column == Some(name) {
                    self.findings.remove(i);
                } else {
                    i += 1;
                }
            }
            self.reported &= !(1 << column);
            let end = if unclosed && index + 1 == fields.len() {
                let last = closed - u32::from(text.ends_with('\n'));
                format!("never closes, so the cell takes in every line to the end of the file (line {last})")
            } else {
                format!(
                    "closes only on line {closed}, so the cell takes in {} lines",
                    closed - opened + 1
                )
            };
            let message = format!(
                "{}: a quote opens this cell on line {opened} and {end}; no column holds a line break (a stray quote?); the cell: {:?}",
                ctx.shown[column],
                short(text)
            );
            self.flag(ctx, Rule::LineBreakInCell, column, Some(text), message);
        }
    }

    /// Writes the messages of invalid dates, now that each column's format is known; `names`
    /// are the two date columns as the file names them.
    pub fn finish_date_messages(
        &mut self,
        date_columns: [&str; 2],
        names: [&str; 2],
        formats: [Option<DateFormat>; 2],
    ) {
        for (_, finding) in &mut self.findings {
            if finding.rule != Rule::InvalidDate || !finding.message.is_empty() {
                continue;
            }
            let slot = usize::from(finding.column == Some(date_columns[1]));
            let value = finding.value.as_deref().unwrap_or_default();
            let problem = formats[slot].and_then(|format| format.calendar_problem(value));
            finding.message = match problem {
                Some(problem) => format!("{} {value:?} is not a date: {problem}", names[slot]),
                None => {
                    let expected =
                        formats[slot].map_or("YYYY-MM-DD or DD/MM/YYYY", DateFormat::describe);
                    format!(
                        "{} {value:?} is not a valid date (expected {expected}, one format per column)",
                        names[slot]
                    )
                }
            };
        }
    }
}

/// The lines on which field `index` of a record starting on line `line` opens and closes
/// (counting the line breaks of the quoted fields before it and in it).
pub(super) fn cell_lines(fields: &[Cell], index: usize, line: u32) -> (u32, u32) {
    let breaks = |cell: &Cell| match cell {
        Cell::Text(text) => memchr::memchr_iter(b'\n', text.as_bytes()).count() as u32,
        _ => 0,
    };
    let opened = line + fields[..index].iter().map(breaks).sum::<u32>();
    (opened, opened + breaks(&fields[index]))
}

/// Rows parsed and checked one record at a time.
pub trait RowRules: Rows {
    /// Parses one record (`fields` in file order) and checks it.
    fn parse(&mut self, ctx: &FileContext, line: u32, fields: &[Cell]);
}

/// The admissions extract's columns, by their place in the contract.
mod adm {
    pub const ID: usize = 0;
    pub const PATIENT: usize = 1;
    pub const COLLABORATIVE: usize = 2;
    pub const SERVICE_LINE: usize = 3;
    pub const ADMITTED: usize = 4;
    pub const DISCHARGED: usize = 5;
    pub const PROVIDER: usize = 6;
    pub const AGE: usize = 7;
    pub const GENDER: usize = 8;
    pub const ETHNIC_CATEGORY: usize = 9;
    pub const IMD_DECILE: usize = 10;
    pub const LSOA: usize = 11;
}

/// The placements extract's columns, by their place in the contract.
mod plc {
    pub const ID: usize = 0;
    pub const ADMISSION: usize = 1;
    pub const START: usize = 2;
    pub const END: usize = 3;
    pub const PROVIDER: usize = 4;
    pub const OUT_OF_AREA: usize = 5;
    pub const REASON: usize = 6;
    pub const DISTANCE: usize = 7;
    pub const COST: usize = 8;
}

impl RowRules for AdmissionRows {
    fn parse(&mut self, ctx: &FileContext, line: u32, fields: &[Cell]) {
        if ctx.unusable {
            return self.push_unusable(ctx, line);
        }
        let c = &mut self.common;
        c.start_row(line);
        let id = c.text(ctx, fields, adm::ID);
        let collaborative = c.text(ctx, fields, adm::COLLABORATIVE);
        c.required(ctx, id, adm::ID);
        c.required(ctx, collaborative, adm::COLLABORATIVE);
        let patient = c.text(ctx, fields, adm::PATIENT);
        c.required(ctx, patient, adm::PATIENT);
        let service_line = c.text(ctx, fields, adm::SERVICE_LINE);
        c.required(ctx, service_line, adm::SERVICE_LINE);
        let provider = c.text(ctx, fields, adm::PROVIDER);
        c.required(ctx, provider, adm::PROVIDER);
        let cell = c.typed(ctx, fields, adm::ADMITTED);
        let admitted = c.date(ctx, cell, adm::ADMITTED, 0, true);
        let cell = c.typed(ctx, fields, adm::DISCHARGED);
        let discharged = c.date(ctx, cell, adm::DISCHARGED, 1, false);
        if is_day(admitted) && is_day(discharged) && discharged < admitted {
            let (a, d) = (iso(admitted), iso(discharged));
            let (dn, an) = (&ctx.shown[adm::DISCHARGED], &ctx.shown[adm::ADMITTED]);
            let message = format!("{dn} {d} is before {an} {a}");
            c.flag(
                ctx,
                Rule::DischargeBeforeAdmission,
                adm::DISCHARGED,
                Some(&d),
                message,
            );
        }
        if let (Some(known), Some(code)) = (ctx.reading.known_collaboratives, collaborative) {
            if !known.contains(code) {
                let name = &ctx.shown[adm::COLLABORATIVE];
                let message = format!(
                    "{name} {} is not in the collaboratives reference",
                    short(code)
                );
                c.flag(
                    ctx,
                    Rule::UnknownCollaborative,
                    adm::COLLABORATIVE,
                    Some(code),
                    message,
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
        let person = ctx
            .people
            .then(|| self.common.person(ctx, fields, &mut self.people));
        self.admitted.push(admitted);
        self.discharged.push(discharged);
        if let Some(person) = person {
            self.push_person(person);
        }
    }
}

impl RowRules for PlacementRows {
    fn parse(&mut self, ctx: &FileContext, line: u32, fields: &[Cell]) {
        if ctx.unusable {
            return self.push_unusable(ctx, line);
        }
        let c = &mut self.common;
        c.start_row(line);
        let name = |column: usize| ctx.shown[column].as_str();
        let id = c.text(ctx, fields, plc::ID);
        let admission_id = c.text(ctx, fields, plc::ADMISSION);
        c.required(ctx, id, plc::ID);
        c.required(ctx, admission_id, plc::ADMISSION);
        let provider = c.text(ctx, fields, plc::PROVIDER);
        c.required(ctx, provider, plc::PROVIDER);
        let cell = c.typed(ctx, fields, plc::START);
        let start = c.date(ctx, cell, plc::START, 0, true);
        let cell = c.typed(ctx, fields, plc::END);
        let end = c.date(ctx, cell, plc::END, 1, false);
        let cell = c.typed(ctx, fields, plc::DISTANCE);
        let distance = c.number(ctx, cell, plc::DISTANCE);
        let cell = c.typed(ctx, fields, plc::COST);
        let cost = c.number(ctx, cell, plc::COST);
        let flag_name = name(plc::OUT_OF_AREA);
        let out_of_area = match c.typed(ctx, fields, plc::OUT_OF_AREA) {
            None => {
                let message = format!("{flag_name} is empty (required: Y or N)");
                c.flag(ctx, Rule::MissingValue, plc::OUT_OF_AREA, None, message);
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
                    let message = format!(
                        "{flag_name} {:?} is not a flag (expected Y/N, true/false or 1/0)",
                        short(text)
                    );
                    c.flag(
                        ctx,
                        Rule::InvalidFlag,
                        plc::OUT_OF_AREA,
                        Some(text),
                        message,
                    );
                }
                flag
            }
        };
        let reason = c.text(ctx, fields, plc::REASON);
        let reason_code = reason.and_then(|r| REASON_CODES.iter().position(|c| *c == r));
        let reason_name = name(plc::REASON);
        let problem = match (out_of_area, reason) {
            (Some(true), None) => Some((Rule::MissingReason, None,
                format!("{reason_name} is empty but the placement is out of area (a reason code is required)"))),
            (_, Some(code)) if reason_code.is_none() => Some((Rule::UnknownReason, Some(code),
                format!("{reason_name} {:?} is not a known code (expected one of {})", short(code), REASON_CODES.join(", ")))),
            (Some(false), Some(code)) => Some((Rule::ReasonForInAreaPlacement, Some(code),
                format!("{reason_name} {} is given for an in-area placement (leave it empty when {flag_name} is N)", short(code)))),
            _ => None,
        };
        if let Some((rule, value, message)) = problem {
            c.flag(ctx, rule, plc::REASON, value, message);
        }
        if is_day(start) && is_day(end) && end < start {
            let (s, e) = (iso(start), iso(end));
            let message = format!("{} {e} is before {} {s}", name(plc::END), name(plc::START));
            c.flag(ctx, Rule::EndBeforeStart, plc::END, Some(&e), message);
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
}
