//! A folder of MHSDS tables: which files hold which table, and their rows read, typed and
//! checked cell by cell. Only the rows the figures need are kept: an `MHS101Referral` row
//! without a `ReasonOAT` is no out-of-area referral, so it is counted and let go before any
//! other cell of it is read; an `MHS001MPI` row is needed only when it is a person's master
//! record (`PatMRecInRP`) and the person has a referral, spell or ward stay read before it
//! (the table is read last).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::read::{read_rows, Needed, Wanted};
use super::records::{
    columns, At, Cells, Dictionary, HeaderMonth, MasterRecord, Referral, Spell, Unlisted, WardStay,
};
use crate::input::Finding;

/// The MHSDS tables oapstat reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Table {
    #[serde(rename = "MHS000Header")]
    Header,
    #[serde(rename = "MHS101Referral")]
    Referral,
    #[serde(rename = "MHS501HospProvSpell")]
    Spell,
    #[serde(rename = "MHS502WardStay")]
    WardStay,
    /// Who each person is; read last (see the module).
    #[serde(rename = "MHS001MPI")]
    Mpi,
}

impl Table {
    pub const ALL: [Table; 5] = [
        Table::Header,
        Table::Referral,
        Table::Spell,
        Table::WardStay,
        Table::Mpi,
    ];

    /// The table's name, which its files' names start with.
    pub fn name(self) -> &'static str {
        match self {
            Table::Header => "MHS000Header",
            Table::Referral => "MHS101Referral",
            Table::Spell => "MHS501HospProvSpell",
            Table::WardStay => "MHS502WardStay",
            Table::Mpi => "MHS001MPI",
        }
    }

    fn wanted(self) -> &'static [Wanted] {
        match self {
            Table::Header => &columns::HEADER,
            Table::Referral => &columns::REFERRAL,
            Table::Spell => &columns::SPELL,
            Table::WardStay => &columns::WARD_STAY,
            Table::Mpi => &columns::MPI,
        }
    }

    /// `MHS000Header` is optional: without it the months' reporting periods are the calendar
    /// months their `UniqMonthID` names; so is `MHS001MPI`, without which who each person is
    /// is not known (no breakdowns by group of people).
    fn required(self) -> bool {
        !matches!(self, Table::Header | Table::Mpi)
    }
}

/// Rows read, used, not needed and rejected in one file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TableCounts {
    pub path: String,
    pub table: Table,
    pub rows_read: usize,
    pub rows_used: usize,
    /// Rows the figures do not need (a referral without `ReasonOAT`, an `MHS001MPI` row that
    /// is no master record or of a person with no other record), not checked further.
    pub rows_not_needed: usize,
    pub rows_rejected: usize,
}

/// The files of each table in a folder: those whose name starts with the table's name (in any
/// case) and ends `.csv` or `.parquet`, in name order (monthly files are concatenated).
pub fn table_files(dir: &Path) -> Result<Vec<(Table, PathBuf)>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read the folder of MHSDS tables", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".csv") || lower.ends_with(".parquet")) {
            continue;
        }
        if let Some(table) = Table::ALL
            .into_iter()
            .find(|t| lower.starts_with(&t.name().to_ascii_lowercase()))
        {
            files.push((table, path));
        }
    }
    // In table order: `MHS001MPI` after the tables whose people it describes.
    files.sort();
    for table in Table::ALL.into_iter().filter(|t| t.required()) {
        if !files.iter().any(|(t, _)| *t == table) {
            bail!(
                "{}: no {} file (expected {}*.csv or {}*.parquet; a folder of MHSDS tables holds MHS101Referral, MHS501HospProvSpell and MHS502WardStay, and MHS000Header if you have it)",
                dir.display(),
                table.name(),
                table.name(),
                table.name()
            );
        }
    }
    Ok(files)
}

/// The rows of the tables, typed, with the dictionaries their codes point into.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    pub header: Vec<HeaderMonth>,
    pub referrals: Vec<Referral>,
    pub spells: Vec<Spell>,
    pub ward_stays: Vec<WardStay>,
    /// The master records of `MHS001MPI` (empty without the table).
    pub master_records: Vec<MasterRecord>,
    /// `UniqServReqID`.
    pub referral_ids: Dictionary,
    /// `UniqHospProvSpellID`.
    pub spell_ids: Dictionary,
    /// `UniqWardStayID`.
    pub ward_stay_ids: Dictionary,
    /// `Person_ID`.
    pub people: Dictionary,
    /// Organisation codes (`OrgIDProv`, `OrgIDReferringOrg`).
    pub organisations: Dictionary,
    /// `LSOA2011`.
    pub lsoas: Dictionary,
    /// The values of `MHS001MPI` outside NHS England's lists, read as unknown, by column: how
    /// many, and the first (file, line, value).
    pub unlisted: Vec<(&'static str, usize, (u32, u32, String))>,
    /// The files read, in the order [`At::file`] counts them.
    pub files: Vec<TableCounts>,
}

/// Reads every table file of a folder (`MHS001MPI` only with `people`); returns the valid rows
/// and every problem found.
pub fn read_tables(dir: &Path, people: bool) -> Result<(Tables, Vec<Finding>)> {
    let mut tables = Tables::default();
    let mut findings = Vec::new();
    let files = table_files(dir)?.into_iter();
    for (table, path) in files.filter(|(t, _)| people || *t != Table::Mpi) {
        let shown = path.display().to_string();
        let file = tables.files.len() as u32;
        let wanted = table.wanted();
        let (mut used, mut rejected, mut not_needed) = (0, 0, 0);
        // RecordStartDate is the last but one column of every table but the header.
        let record_start = wanted.len().saturating_sub(2);
        // ReasonOAT is the referrals' first column: without it a row is no OAP referral; an
        // MHS001MPI row is of no use for a person with no other record (Person_ID, its second).
        // The people are known by then (the table is read last) and stay as they are.
        let people = match table {
            Table::Mpi => std::mem::take(&mut tables.people),
            _ => Dictionary::default(),
        };
        let given = |text: &str| !text.is_empty();
        let known = |text: &str| people.find(text).is_some();
        let needed: Option<Needed> = match table {
            Table::Referral => Some((0, &given)),
            Table::Mpi => Some((1, &known)),
            _ => None,
        };
        let t = &mut tables;
        let (rows, skipped) = read_rows(
            &path,
            table.name(),
            wanted,
            needed,
            |line, cells, present| {
                let has_record_start = table != Table::Header && present[record_start];
                let at = At {
                    file,
                    line: line as u32,
                };
                let mut c = Cells {
                    file: &shown,
                    line,
                    wanted,
                    cells,
                    findings: Vec::new(),
                };
                let kept =
                    match table {
                        Table::Header => header_row(&mut c, at).map(|r| t.header.push(r)),
                        Table::Referral => referral_row(&mut c, at, has_record_start, t)
                            .map(|r| t.referrals.push(r)),
                        Table::Spell => {
                            spell_row(&mut c, at, has_record_start, t).map(|r| t.spells.push(r))
                        }
                        Table::WardStay => ward_stay_row(&mut c, at, has_record_start, t)
                            .map(|r| t.ward_stays.push(r)),
                        Table::Mpi => match master_row(&mut c, at, has_record_start, &people, t) {
                            Some(Some(r)) => {
                                t.master_records.push(r);
                                Some(())
                            }
                            Some(None) => {
                                not_needed += 1;
                                return;
                            }
                            None => None,
                        },
                    };
                if kept.is_some() && c.findings.is_empty() {
                    used += 1;
                } else {
                    rejected += 1;
                    findings.append(&mut c.findings);
                }
            },
        )?;
        if table == Table::Mpi {
            tables.people = people;
        }
        tables.files.push(TableCounts {
            path: shown,
            table,
            rows_read: rows,
            rows_used: used,
            rows_not_needed: skipped + not_needed,
            rows_rejected: rejected,
        });
    }
    Ok((tables, findings))
}

fn header_row(c: &mut Cells, at: At) -> Option<HeaderMonth> {
    let month = c.month(0);
    let start = c.required_date(1);
    let end = c.required_date(2);
    Some(HeaderMonth {
        month: month?,
        start: start?,
        end: end?,
        at,
    })
}

fn referral_row(c: &mut Cells, at: At, has_start: bool, t: &mut Tables) -> Option<Referral> {
    let reason = c.reason(0);
    let id = c.required(1);
    let person = c.required(2);
    let month = c.month(3);
    let received = c.required_date(4);
    let discharged = c.date(5);
    let provider = c.required(6);
    let version = c.version(8, 9, has_start);
    let referrer = c.text(7);
    if !c.findings.is_empty() {
        return None;
    }
    Some(Referral {
        id: t.referral_ids.code(id?),
        person: t.people.code(person?),
        month: month?,
        received: received?,
        discharged: discharged.ok()?,
        reason: reason?,
        provider: t.organisations.code(provider?),
        referrer: referrer.map(|r| t.organisations.code(r)),
        version: version?,
        at,
    })
}

fn spell_row(c: &mut Cells, at: At, has_start: bool, t: &mut Tables) -> Option<Spell> {
    let referral = c.required(0);
    let person = c.required(1);
    let month = c.month(2);
    let provider = c.required(3);
    let id = c.required(4);
    let start = c.required_date(5);
    let discharged = c.date(6);
    let version = c.version(7, 8, has_start);
    if !c.findings.is_empty() {
        return None;
    }
    Some(Spell {
        referral: t.referral_ids.code(referral?),
        person: t.people.code(person?),
        month: month?,
        provider: t.organisations.code(provider?),
        id: t.spell_ids.code(id?),
        start: start?,
        discharged: discharged.ok()?,
        version: version?,
        at,
    })
}

fn ward_stay_row(c: &mut Cells, at: At, has_start: bool, t: &mut Tables) -> Option<WardStay> {
    let id = c.required(0);
    let person = c.required(1);
    let month = c.month(2);
    let spell = c.required(3);
    let provider = c.required(4);
    let start = c.required_date(5);
    let end = c.date(6);
    let bed_type = c.bed_type(7);
    let version = c.version(8, 9, has_start);
    if !c.findings.is_empty() {
        return None;
    }
    Some(WardStay {
        id: t.ward_stay_ids.code(id?),
        person: t.people.code(person?),
        month: month?,
        spell: t.spell_ids.code(spell?),
        provider: t.organisations.code(provider?),
        start: start?,
        end: end.ok()?,
        bed_type: bed_type.ok()?,
        version: version?,
        at,
    })
}

/// An `MHS001MPI` row of one of `people`: `Some(None)` when not needed (not the person's
/// master record), `None` when a cell does not parse.
fn master_row(
    c: &mut Cells,
    at: At,
    has_start: bool,
    people: &Dictionary,
    t: &mut Tables,
) -> Option<Option<MasterRecord>> {
    let master = c.master(0);
    let person = people.find(c.required(1)?);
    if master == Some(false) {
        return Some(None);
    }
    let month = c.month(2);
    let mut unlisted: Vec<Unlisted> = Vec::new();
    let who = c.who(3, 4, 5, 6, &mut unlisted);
    let lsoa = c.text(7);
    let version = c.version(8, 9, has_start);
    if !c.findings.is_empty() {
        return None;
    }
    for (column, value) in unlisted {
        match t.unlisted.iter_mut().find(|u| u.0 == column) {
            Some(u) => u.1 += 1,
            None => t
                .unlisted
                .push((column, 1, (at.file, at.line, value.to_string()))),
        }
    }
    Some(Some(MasterRecord {
        person: person?,
        month: month?,
        who: who?,
        lsoa: lsoa.map(|l| t.lsoas.code(l)),
        version: version?,
        at,
    }))
}
