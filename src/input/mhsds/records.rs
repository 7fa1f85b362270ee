//! The rows of the MHSDS tables oapstat reads, typed: identifiers as codes into dictionaries,
//! dates as day numbers, each row with the file and line it came from. A row whose cells do not
//! parse is not kept: it becomes a [`Finding`].

use std::collections::HashMap;

use chrono::NaiveDate;

use super::read::Wanted;
use crate::demographics::{ethnicity_code, gender_code, Person, MAX_AGE, NONE};
use crate::input::contract::REASON_CODES;
use crate::input::dates::DateFormat;
use crate::input::findings::short;
use crate::input::{Finding, Rule};
use crate::periods::{add_months, day_of, Day};

/// `UniqMonthID`: months since March 1900 (April 1900 is 1, April 2024 is 1489).
pub type Month = i32;

/// The first `UniqMonthID` of the April 2024 bed type codes (200–213, 300–311).
pub const FIRST_MONTH_OF_NEW_BED_TYPES: Month = 1489;

/// The first day of a `UniqMonthID`.
pub fn month_start(month: Month) -> NaiveDate {
    add_months(
        NaiveDate::from_ymd_opt(1900, 4, 1).expect("a date"),
        month - 1,
    )
}

/// The `UniqMonthID` of a date's month.
pub fn month_of(date: NaiveDate) -> Month {
    use chrono::Datelike;
    (date.year() - 1900) * 12 + date.month() as i32 - 4 + 1
}

/// Text values interned as codes (identifiers, organisation codes), each kept once.
#[derive(Debug, Default, Clone)]
pub struct Dictionary {
    index: HashMap<Box<str>, u32>,
    pub values: Vec<Box<str>>,
}

impl Dictionary {
    pub fn code(&mut self, text: &str) -> u32 {
        if let Some(&code) = self.index.get(text) {
            return code;
        }
        let code = self.values.len() as u32;
        self.values.push(text.into());
        self.index.insert(text.into(), code);
        code
    }

    pub fn find(&self, text: &str) -> Option<u32> {
        self.index.get(text).copied()
    }

    pub fn text(&self, code: u32) -> &str {
        &self.values[code as usize]
    }
}

/// Where a row came from: the index of its file and its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub file: u32,
    pub line: u32,
}

/// A record's version (`RecordStartDate`, `RecordEndDate`): the pipeline reads a row for a
/// reporting period ending `rp_end` when `RecordEndDate` is empty or on or after `rp_end` and
/// `RecordStartDate` is before it. A file without these columns holds only current records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub start: Day,
    pub end: Option<Day>,
}

impl Version {
    pub fn current_at(&self, rp_end: Day) -> bool {
        self.end.is_none_or(|e| e >= rp_end) && self.start < rp_end
    }
}

/// An `MHS101Referral` row with an out-of-area reason (`ReasonOAT` given).
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub id: u32,
    pub person: u32,
    pub month: Month,
    pub received: Day,
    pub discharged: Option<Day>,
    /// Index into [`REASON_CODES`].
    pub reason: u8,
    /// `OrgIDProv`: the receiving provider (an organisation code).
    pub provider: u32,
    /// `OrgIDReferringOrg`: the sending provider, when given.
    pub referrer: Option<u32>,
    pub version: Version,
    pub at: At,
}

/// An `MHS501HospProvSpell` row.
#[derive(Debug, Clone, PartialEq)]
pub struct Spell {
    /// `UniqServReqID`, in the referrals' dictionary.
    pub referral: u32,
    pub person: u32,
    pub month: Month,
    pub provider: u32,
    /// `UniqHospProvSpellID`.
    pub id: u32,
    pub start: Day,
    pub discharged: Option<Day>,
    pub version: Version,
    pub at: At,
}

/// An `MHS502WardStay` row.
#[derive(Debug, Clone, PartialEq)]
pub struct WardStay {
    /// `UniqWardStayID`, in its own dictionary (its text orders the stays: see
    /// [`super::pipeline`]).
    pub id: u32,
    pub person: u32,
    pub month: Month,
    /// `UniqHospProvSpellID`, in the spells' dictionary.
    pub spell: u32,
    pub provider: u32,
    pub start: Day,
    pub end: Option<Day>,
    /// `MHAdmittedPatientClass` as a number (`None` when not given).
    pub bed_type: Option<u16>,
    pub version: Version,
    pub at: At,
}

/// An `MHS001MPI` master record (`PatMRecInRP` true): who a person was in a month, as NHS
/// England groups people (DOMAIN.md section 12). A value outside NHS England's lists is read as
/// unknown (and counted: [`super::tables::Tables::unlisted`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MasterRecord {
    pub person: u32,
    pub month: Month,
    /// Age at the month's end (`AgeRepPeriodEnd`), gender (`GenderIDCode` 1–4, else `Gender`
    /// 1, 2 or 9) and ethnic category (`NHSDEthnicity`); the IMD decile is not known yet (see
    /// [`super::people`]).
    pub who: Person,
    /// `LSOA2011`, in the tables' LSOA dictionary.
    pub lsoa: Option<u32>,
    pub version: Version,
    pub at: At,
}

/// An `MHS000Header` row: a month's reporting period.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMonth {
    pub month: Month,
    pub start: Day,
    pub end: Day,
    pub at: At,
}

/// The bed types (`MHAdmittedPatientClass`) of MHSDS: those used before April 2024 and after.
pub const OLD_BED_TYPES: [u16; 29] = [
    10, 11, 12, 13, 14, 15, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
    36, 37, 38, 39, 40,
];
pub const NEW_BED_TYPES: [u16; 26] = [
    200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 300, 301, 302, 303, 304,
    305, 306, 307, 308, 309, 310, 311,
];

pub fn is_known_bed_type(code: u16) -> bool {
    OLD_BED_TYPES.contains(&code) || NEW_BED_TYPES.contains(&code)
}

/// The columns of each table oapstat reads.
pub mod columns {
    use super::Wanted;

    const fn req(name: &'static str) -> Wanted {
        Wanted {
            name,
            required: true,
        }
    }
    const fn opt(name: &'static str) -> Wanted {
        Wanted {
            name,
            required: false,
        }
    }

    pub const HEADER: [Wanted; 3] = [
        req("UniqMonthID"),
        req("ReportingPeriodStartDate"),
        req("ReportingPeriodEndDate"),
    ];
    pub const REFERRAL: [Wanted; 10] = [
        req("ReasonOAT"),
        req("UniqServReqID"),
        req("Person_ID"),
        req("UniqMonthID"),
        req("ReferralRequestReceivedDate"),
        req("ServDischDate"),
        req("OrgIDProv"),
        req("OrgIDReferringOrg"),
        opt("RecordStartDate"),
        opt("RecordEndDate"),
    ];
    pub const SPELL: [Wanted; 9] = [
        req("UniqServReqID"),
        req("Person_ID"),
        req("UniqMonthID"),
        req("OrgIDProv"),
        req("UniqHospProvSpellID"),
        req("StartDateHospProvSpell"),
        req("DischDateHospProvSpell"),
        opt("RecordStartDate"),
        opt("RecordEndDate"),
    ];
    /// `PatMRecInRP` first: a row that is not the person's master record is not needed.
    pub const MPI: [Wanted; 10] = [
        req("PatMRecInRP"),
        req("Person_ID"),
        req("UniqMonthID"),
        req("AgeRepPeriodEnd"),
        req("Gender"),
        opt("GenderIDCode"),
        req("NHSDEthnicity"),
        req("LSOA2011"),
        opt("RecordStartDate"),
        opt("RecordEndDate"),
    ];
    pub const WARD_STAY: [Wanted; 10] = [
        req("UniqWardStayID"),
        req("Person_ID"),
        req("UniqMonthID"),
        req("UniqHospProvSpellID"),
        req("OrgIDProv"),
        req("StartDateWardStay"),
        req("EndDateWardStay"),
        req("MHAdmittedPatientClass"),
        opt("RecordStartDate"),
        opt("RecordEndDate"),
    ];
}

/// Turns the cells of one row into typed values, recording the first problem of each cell.
pub struct Cells<'a, 'c> {
    pub file: &'a str,
    pub line: usize,
    pub wanted: &'a [Wanted],
    pub cells: &'a [Option<&'c str>],
    pub findings: Vec<Finding>,
}

impl<'c> Cells<'_, 'c> {
    fn problem(&mut self, slot: usize, rule: Rule, message: String) {
        self.findings.push(Finding {
            file: self.file.to_string(),
            line: self.line,
            rule,
            column: Some(self.wanted[slot].name),
            value: self.cells[slot].map(|v| short(v).into_owned()),
            message,
        });
    }

    pub fn text(&self, slot: usize) -> Option<&'c str> {
        self.cells[slot]
    }

    /// A required text cell.
    pub fn required(&mut self, slot: usize) -> Option<&'c str> {
        let value = self.cells[slot];
        if value.is_none() {
            let name = self.wanted[slot].name;
            self.problem(
                slot,
                Rule::MissingValue,
                format!("{name} is empty (required)"),
            );
        }
        value
    }

    /// A date cell (`YYYY-MM-DD` or `DD/MM/YYYY`, a time after it ignored), `Ok(None)` when
    /// empty, `Err` when it is not a date.
    pub(super) fn date(&mut self, slot: usize) -> Result<Option<Day>, ()> {
        let Some(text) = self.cells[slot] else {
            return Ok(None);
        };
        let date = text
            .get(..10)
            .filter(|_| text.len() == 10 || matches!(text.as_bytes()[10], b' ' | b'T'))
            .and_then(|d| DateFormat::detect(d).and_then(|f| f.parse(d)));
        match date {
            Some(day) => Ok(Some(day)),
            None => {
                let name = self.wanted[slot].name;
                let why = DateFormat::detect(&text[..text.len().min(10)])
                    .and_then(|f| f.calendar_problem(&text[..10]))
                    .map(|p| format!(": {p}"))
                    .unwrap_or_else(|| " (expected YYYY-MM-DD or DD/MM/YYYY)".to_string());
                self.problem(
                    slot,
                    Rule::InvalidDate,
                    format!("{name} {:?} is not a date{why}", short(text)),
                );
                Err(())
            }
        }
    }

    /// A required date.
    pub fn required_date(&mut self, slot: usize) -> Option<Day> {
        match self.date(slot) {
            Ok(Some(day)) => Some(day),
            Ok(None) => {
                self.required(slot);
                None
            }
            Err(()) => None,
        }
    }

    /// `UniqMonthID`: a whole number of months.
    pub fn month(&mut self, slot: usize) -> Option<Month> {
        let text = self.required(slot)?;
        match text.parse::<Month>() {
            Ok(month) if (1..=3000).contains(&month) => Some(month),
            _ => {
                let name = self.wanted[slot].name;
                self.problem(
                    slot,
                    Rule::InvalidNumber,
                    format!(
                        "{name} {:?} is not a month number (April 2024 is 1489)",
                        short(text)
                    ),
                );
                None
            }
        }
    }

    /// The record's version, from its two optional columns.
    pub fn version(
        &mut self,
        start_slot: usize,
        end_slot: usize,
        has_start: bool,
    ) -> Option<Version> {
        let start = match (has_start, self.date(start_slot)) {
            (false, _) => Some(Day::MIN),
            (true, Ok(Some(day))) => Some(day),
            (true, Ok(None)) => {
                self.required(start_slot);
                None
            }
            (true, Err(())) => None,
        };
        let end = self.date(end_slot);
        Some(Version {
            start: start?,
            end: end.ok()?,
        })
    }

    pub fn reason(&mut self, slot: usize) -> Option<u8> {
        let text = self.cells[slot]?;
        match REASON_CODES.iter().position(|c| *c == text) {
            Some(i) => Some(i as u8),
            None => {
                let name = self.wanted[slot].name;
                self.problem(
                    slot,
                    Rule::UnknownReason,
                    format!(
                        "{name} {:?} is not a known code (expected one of {})",
                        short(text),
                        REASON_CODES.join(", ")
                    ),
                );
                None
            }
        }
    }

    /// `MHAdmittedPatientClass`: `Ok(None)` when empty, `Err` when not a bed type.
    pub(super) fn bed_type(&mut self, slot: usize) -> Result<Option<u16>, ()> {
        let Some(text) = self.cells[slot] else {
            return Ok(None);
        };
        match text.parse::<u16>() {
            Ok(code) if is_known_bed_type(code) => Ok(Some(code)),
            _ => {
                let name = self.wanted[slot].name;
                self.problem(
                    slot,
                    Rule::UnknownBedType,
                    format!(
                        "{name} {:?} is not a known bed type (expected 10-40 before April 2024, 200-213 or 300-311 after)",
                        short(text)
                    ),
                );
                Err(())
            }
        }
    }
}

/// A value of `MHS001MPI` outside NHS England's lists: its column and text.
pub type Unlisted<'c> = (&'static str, &'c str);

impl<'c> Cells<'_, 'c> {
    /// `PatMRecInRP`: whether the row is the person's master record of the month (`true` or
    /// `false` in any case, or 1 or 0); `None` (a finding) for anything else.
    pub fn master(&mut self, slot: usize) -> Option<bool> {
        let text = self.required(slot)?;
        if text.eq_ignore_ascii_case("true") || text == "1" {
            Some(true)
        } else if text.eq_ignore_ascii_case("false") || text == "0" {
            Some(false)
        } else {
            let name = self.wanted[slot].name;
            self.problem(
                slot,
                Rule::InvalidFlag,
                format!(
                    "{name} {:?} is not a flag (expected true or false, or 1 or 0)",
                    short(text)
                ),
            );
            None
        }
    }

    /// Who the person was (`AgeRepPeriodEnd`, `Gender`, `GenderIDCode`, `NHSDEthnicity`), as the
    /// pipeline's look-ups read them: an age of 0 to 124, a `GenderIDCode` of 1–4 or else a
    /// `Gender` of 1, 2 or 9, an ethnic category of NHS England's list (exactly as written: the
    /// look-up is a join on the code). Anything else is unknown and listed in `unlisted`; an
    /// age that is not a whole number is a finding.
    pub fn who(
        &mut self,
        age: usize,
        gender: usize,
        gender_identity: usize,
        ethnicity: usize,
        unlisted: &mut Vec<Unlisted<'c>>,
    ) -> Option<Person> {
        let mut who = Person::UNKNOWN;
        if let Some(text) = self.cells[age] {
            match text.parse::<i64>() {
                Ok(years) if (0..=i64::from(MAX_AGE)).contains(&years) => who.age = years as u8,
                Ok(_) => unlisted.push((self.wanted[age].name, text)),
                Err(_) => {
                    let name = self.wanted[age].name;
                    self.problem(
                        age,
                        Rule::InvalidNumber,
                        format!("{name} {:?} is not a whole number of years", short(text)),
                    );
                    return None;
                }
            }
        }
        let identity = self.cells[gender_identity].filter(|c| ["1", "2", "3", "4"].contains(c));
        match (identity, self.cells[gender]) {
            (Some(code), _) => who.gender = gender_code(code).unwrap_or(NONE),
            (None, Some(code)) if ["1", "2", "9"].contains(&code) => {
                who.gender = gender_code(code).unwrap_or(NONE)
            }
            (None, Some(code)) => unlisted.push((self.wanted[gender].name, code)),
            (None, None) => {}
        }
        if let Some(code) = self.cells[ethnicity] {
            match ethnicity_code(code)
                .filter(|&i| crate::demographics::ETHNICITIES[usize::from(i)].0 == code)
            {
                Some(i) => who.ethnicity = i,
                None => unlisted.push((self.wanted[ethnicity].name, code)),
            }
        }
        Some(who)
    }
}

/// The day number of a date (for tests and fixtures).
pub fn day(year: i32, month: u32, d: u32) -> Day {
    day_of(NaiveDate::from_ymd_opt(year, month, d).expect("a date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ids_as_mhsds_counts_them() {
        let april_2024 = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
        assert_eq!(month_of(april_2024), 1489);
        assert_eq!(month_start(1489), april_2024);
        assert_eq!(month_start(1), NaiveDate::from_ymd_opt(1900, 4, 1).unwrap());
        // get_month_ids("2021-09-01") in mhsds_functions.py: 1458.
        assert_eq!(month_of(NaiveDate::from_ymd_opt(2021, 9, 1).unwrap()), 1458);
    }

    #[test]
    fn a_version_is_current_as_the_pipeline_filters_it() {
        let rp_end = day(2024, 5, 31);
        let v = |start, end| Version { start, end };
        assert!(v(day(2024, 5, 1), None).current_at(rp_end));
        assert!(v(day(2024, 5, 1), Some(rp_end)).current_at(rp_end));
        assert!(!v(day(2024, 5, 1), Some(day(2024, 5, 30))).current_at(rp_end));
        // RecordStartDate must be before the period's end.
        assert!(!v(rp_end, None).current_at(rp_end));
        assert!(v(Day::MIN, None).current_at(rp_end));
    }

    #[test]
    fn dates_with_a_time_after_them() {
        let wanted = [Wanted {
            name: "StartDateWardStay",
            required: true,
        }];
        let cells_of = |text: &'static str| {
            let cells = [Some(text)];
            let mut c = Cells {
                file: "f.csv",
                line: 2,
                wanted: &wanted,
                cells: &cells,
                findings: Vec::new(),
            };
            (c.date(0), c.findings.len())
        };
        let may_2 = Ok(Some(day(2024, 5, 2)));
        assert_eq!(cells_of("2024-05-02"), (may_2, 0));
        assert_eq!(cells_of("02/05/2024"), (may_2, 0));
        assert_eq!(cells_of("2024-05-02 00:00:00.000"), (may_2, 0));
        assert_eq!(cells_of("2024-05-02T00:00:00"), (may_2, 0));
        assert_eq!(cells_of("2024-05-02x"), (Err(()), 1));
        assert_eq!(cells_of("2024-13-02"), (Err(()), 1));
    }
}
