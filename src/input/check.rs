//! Checking every row of the extracts against the input contract (DOMAIN.md section 3), and
//! turning the rows that pass into typed dataframes for the analyses: each file is read (CSV or
//! Parquet) with the one-row rules, then the rules across rows are checked, then the frames of
//! the valid rows are built.
//!
//! A row with any finding is invalid; the analyses only ever see valid rows, and the counts of
//! rows read, valid and invalid are kept per file. Nothing is dropped without a finding. A spell
//! no placement names is found too, but stays valid: it is listed apart ([`Checked::unplaced`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;

use super::across::{
    rule_after_extract_date, rule_every_spell_placed, rule_no_overlaps,
    rules_of_identifiers_and_spells, ExtractDateSource,
};
use super::column_rules::ColumnWise;
use super::columns::Lines;
use super::contract::columns_of;
use super::csv::{header_names, read_csv};
use super::files::{ExtractKind, InputPaths};
use super::findings::{FileCounts, FileRows, Finding, Sources};
use super::frames::{admissions_frame, every_admission_frame, oaps_frame, positions};
use super::header::read_header;
use super::mapping::Mapping;
use super::parquet::{read_parquet, read_parquet_columns};
use super::rows::{AdmissionRows, PeopleSeen, PlacementRows, Reading, PEOPLE_COLUMNS};
use crate::periods::date_of;

/// What checking needs besides the files.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The date the extract was taken; `None`: the latest date found in the extracts.
    pub extract_date: Option<NaiveDate>,
    /// No date may lie after today, whatever the extract date.
    pub today: NaiveDate,
    /// The collaboratives of the reference file, when one was given.
    pub known_collaboratives: Option<BTreeSet<String>>,
    /// How the extracts are read.
    pub mapping: Mapping,
    /// The IMD decile of each LSOA (`imd.csv`, `--imd`), when given.
    pub imd: Option<PlHashMap<String, u8>>,
}

/// What the admissions say of who each patient is (DOMAIN.md section 12).
#[derive(Debug, Clone, Default)]
pub struct People {
    /// The optional columns the admissions files have, of `age`, `gender`, `ethnic_category`,
    /// `imd_decile` and `lsoa` (all files together).
    pub columns: Vec<&'static str>,
    /// A line for each column with values outside NHS England's lists (or LSOAs the IMD lookup
    /// lacks), which are read as UNKNOWN: how many, and the first.
    pub unlisted: Vec<String>,
    /// LSOAs are given but no IMD lookup: deprivation is not known.
    pub lsoa_without_lookup: bool,
}

impl People {
    /// Whether the admissions tell the groups of a dimension.
    pub fn has(&self, dimension: crate::demographics::Dimension) -> bool {
        use crate::demographics::Dimension;
        let has = |column: &str| self.columns.contains(&column);
        match dimension {
            Dimension::ImdDecile => has("imd_decile") || has("lsoa") && !self.lsoa_without_lookup,
            other => has(other.column()),
        }
    }
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
    /// The optional columns of who the patient is: when the admissions have any, their frame
    /// has a column `person` (`UInt32`, [`crate::demographics::Person::pack`]).
    pub people: People,
    /// The problems, each making its row invalid; sorted by file, then line.
    pub findings: Vec<Finding>,
    /// The valid spells no placement names (rule `no_placement`), sorted by file, then line:
    /// they stay valid, but whether they were out of area is not known. Empty when the
    /// placements were not read.
    pub unplaced: Vec<Finding>,
    pub files: Vec<FileCounts>,
    pub extract_date: NaiveDate,
    /// Where the extract date came from: given, or the latest date in the data (or today).
    pub extract_date_source: ExtractDateSource,
    /// The MHSDS table files read in place of the extracts (`--mhsds`), with their counts;
    /// empty otherwise.
    pub tables: Vec<super::mhsds::TableCounts>,
    /// The first day the input covers when it says so itself (MHSDS: its earliest month), and
    /// what it was read from; `None`: see [`Checked::data_start`].
    pub starts: Option<(NaiveDate, &'static str)>,
}

impl Checked {
    pub fn rows_invalid(&self) -> usize {
        self.files.iter().map(|f| f.rows_invalid).sum::<usize>()
            + self.tables.iter().map(|t| t.rows_rejected).sum::<usize>()
    }

    /// The first day the extract covers, and what it was read from. An extract of a running
    /// service holds the spells open on its first day or admitted after it, so some of them
    /// began years before it; but none ended before it: the earliest discharge marks it. With no
    /// discharge at all, the earliest admission. `None` with no valid spell.
    pub fn data_start(&self) -> PolarsResult<Option<(NaiveDate, &'static str)>> {
        if self.starts.is_some() {
            return Ok(self.starts);
        }
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

/// Checks a file's header against the mapping (its rows are read later); a file whose header
/// cannot be read is left for the reading to report.
fn check_header(path: &Path, kind: ExtractKind, mapping: &Mapping) -> Result<()> {
    let names = if is_parquet(path) {
        read_parquet_columns(path, kind, mapping.columns(kind)).map(|raw| raw.names)
    } else {
        header_names(path, mapping)
    };
    if let Ok(names) = names {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let shown = path.display().to_string();
        read_header(&shown, kind, &names, mapping.columns(kind))?;
    }
    Ok(())
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Reads every file of one extract, parsing and checking each row.
fn read_extract<R: ColumnWise>(
    paths: &[PathBuf],
    kind: ExtractKind,
    sources: &mut Sources,
    known: Option<&PlHashSet<String>>,
    keep_admission_ids: bool,
    mapping: &Mapping,
    imd: Option<&PlHashMap<String, u8>>,
) -> Result<R> {
    let mut all = R::default();
    let date_columns = match kind {
        ExtractKind::Admissions => ["admission_date", "discharge_date"],
        ExtractKind::Placements => ["start_date", "end_date"],
    };
    for path in paths {
        let file = sources.files.len();
        let is_parquet = is_parquet(path);
        let read = |forced| {
            let reading = Reading {
                known_collaboratives: known,
                forced,
                keep_admission_ids,
                mapping,
                imd,
            };
            if is_parquet {
                let _reuse = crate::memory::ReuseFreed::new();
                read_parquet::<R>(path, file, kind, reading)
            } else {
                read_csv::<R>(path, file, kind, reading)
            }
        };
        let (mut rows, header) = read([None, None])?;
        let mut formats = rows.common().first_format;
        // A column mixing both date formats: read again with the format of its first date.
        if let Some(first) = rows.common().mixed_formats() {
            (rows, _) = read(first)?;
            formats = first;
        }
        let date_names = date_columns.map(|name| {
            let at = columns_of(kind).0.iter().position(|c| *c == name);
            header.shown[at.expect("a contract column")].as_str()
        });
        rows.common_mut()
            .finish_date_messages(date_columns, date_names, formats);
        rows.common_mut()
            .findings
            .extend(header.missing.into_iter().map(|f| (file, f)));
        let renamed = columns_of(kind)
            .0
            .iter()
            .zip(header.shown)
            .filter(|(contract, shown)| **contract != shown.as_str())
            .map(|(contract, shown)| (*contract, shown))
            .collect();
        sources.files.push(FileRows {
            path: path.display().to_string(),
            kind,
            renamed,
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
    // A mapping that does not fit a file is refused before any row of any file is read.
    if options.mapping.source.is_some() {
        for (files, kind) in [
            (&paths.admissions, ExtractKind::Admissions),
            (&paths.placements, ExtractKind::Placements),
        ] {
            for path in files {
                check_header(path, kind, &options.mapping)?;
            }
        }
    }
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
            &options.mapping,
            options.imd.as_ref(),
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
        &options.mapping,
        None,
    )?;
    crate::timing("placements read");

    let (extract_day, extract_date_source) = rule_after_extract_date(
        &mut sources,
        &mut adm,
        &mut plc,
        options.extract_date,
        options.today,
    );
    let spell_of = rules_of_identifiers_and_spells(&mut sources, &mut adm, &mut plc);
    let mut unplaced = if placements_read {
        rule_every_spell_placed(&sources, &adm, &spell_of)
    } else {
        Vec::new()
    };
    // Admission ids are needed no more.
    adm.id = Default::default();
    rule_no_overlaps(&mut sources, &mut plc, &spell_of);

    // Counts, and the frames of valid rows.
    let files = sources
        .files
        .iter()
        .map(|f| {
            let common = match f.kind {
                ExtractKind::Admissions => &adm.common,
                ExtractKind::Placements => &plc.common,
            };
            let rows = f.first_row..f.first_row + f.rows;
            let invalid = common.bad[rows.clone()].iter().filter(|b| **b).count();
            let more_lines: usize = (common.spans.iter())
                .filter(|&&(row, _)| rows.contains(&(row as usize)) && common.bad[row as usize])
                .map(|&(_, lines)| lines as usize)
                .sum();
            FileCounts {
                path: f.path.clone(),
                extract: f.kind,
                rows_read: f.rows,
                rows_valid: f.rows - invalid,
                rows_invalid: invalid,
                lines_invalid: invalid + more_lines,
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
    let people = people_of(&adm.people, &sources, options.imd.is_none());
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
    unplaced.sort_by_key(|(file, finding)| (*file, finding.line));
    Ok(Checked {
        admissions,
        oaps,
        names,
        people,
        findings: list.into_iter().map(|(_, f)| f).collect(),
        unplaced: unplaced.into_iter().map(|(_, f)| f).collect(),
        files,
        extract_date: date_of(extract_day),
        extract_date_source,
        tables: Vec::new(),
        starts: None,
    })
}

/// What the admissions say of who each patient is, for [`Checked::people`].
fn people_of(seen: &PeopleSeen, sources: &Sources, no_lookup: bool) -> People {
    let names = &columns_of(ExtractKind::Admissions).0[PEOPLE_COLUMNS];
    let columns: Vec<&'static str> = (names.iter().zip(seen.columns))
        .filter(|(_, seen)| *seen)
        .map(|(name, _)| *name)
        .collect();
    let unlisted: Vec<String> = (names.iter().zip(&seen.unlisted))
        .filter(|(_, u)| u.count > 0)
        .map(|(name, u)| {
            let what = if *name == "lsoa" {
                "LSOA codes the IMD lookup does not list"
            } else {
                "codes outside NHS England's list"
            };
            let first = u
                .first
                .as_ref()
                .map_or(String::new(), |(file, line, value)| {
                    let path = sources.files.get(*file).map_or("", |f| f.path.as_str());
                    format!(" (the first: {path}:{line}, {value:?})")
                });
            format!(
                "{name}: {} {what}, counted in the group UNKNOWN{first}",
                crate::figures::group_thousands(u.count as i64)
            )
        })
        .collect();
    let mut unlisted: Vec<String> = unlisted;
    let lsoa_without_lookup = no_lookup && columns.contains(&"lsoa");
    if lsoa_without_lookup {
        unlisted.push("lsoa: given, but no IMD lookup (imd.csv in the data folder, or --imd FILE), so deprivation is not known: no breakdown by IMD decile".into());
    }
    People {
        lsoa_without_lookup,
        columns,
        unlisted,
    }
}
