//! From paths to checked frames: read every file, check every row, and either refuse invalid
//! input or set the invalid rows aside in a rejects file. Shared by every analysis command.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::PlHashMap;
use serde_json::{json, Value};

use super::across::ExtractDateSource;
use super::check::{check, CheckOptions, Checked, People};
use super::files::{resolve_inputs, ExtractKind, InputPaths, InputRequest};
use super::findings;
use super::mapping::{Mapping, MappingSource};
use super::mhsds::records::{month_start, At, Month};
use super::mhsds::{read_folder, translate::translate, Mhsds, Table};
use crate::figures::{group_thousands, percent, percent_beside};
use crate::input::reference::{read_imd, read_populations, read_reference, Reference};
use crate::output::write_atomically;
use crate::periods::last_complete_month_end;

/// The largest share of valid spells that may lack a placement: beyond it (or when no spell has
/// one) the out-of-area figures cannot be trusted, and the input is refused. Each spell without
/// a placement may hide out-of-area days, and out-of-area days are a few in every hundred bed
/// days: one spell in a hundred unplaced could hide as many as a month's change.
pub const UNPLACED_LIMIT: f64 = 0.01;

/// What to do about spells without a placement, said wherever the input is refused for them.
pub const UNPLACED_REMEDY: &str = "every spell's stays belong in the placements extract";

pub use super::findings::InvalidInput;

/// A folder of MHSDS tables read in place of the extracts, and what its translation into spells
/// left out.
pub struct MhsdsInput {
    pub dir: std::path::PathBuf,
    pub data: Mhsds,
    /// Spells read (at their latest submission), and those of providers with no collaborative
    /// in `providers.csv` (left out of the spells every analysis but `nhs` reads).
    pub spells: usize,
    pub without_collaborative: usize,
}

/// The checked extracts and the reference data.
pub struct Inputs {
    pub checked: Checked,
    pub reference: Reference,
    pub paths: InputPaths,
    /// Where rejected rows were written, when `--skip-invalid` was used.
    pub rejects_file: Option<String>,
    /// The mapping file the extracts were read through, with its SHA-256.
    pub mapping: Option<MappingSource>,
    /// The MHSDS tables, when read in place of the extracts (`checked` then holds their
    /// translation: see [`super::mhsds::translate`]).
    pub mhsds: Option<MhsdsInput>,
}

/// Finds, reads and checks every input file: the mapping first (it may say which files of the
/// data folder the extracts are), then the references, then the extracts.
pub fn load(
    request: &InputRequest,
    extract_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Inputs> {
    if let Some(dir) = request.mhsds_dir()? {
        return load_mhsds(request, &dir, extract_date);
    }
    // The mapping is read and checked whole before any row of the extracts.
    let mapping = match request.mapping_path() {
        Some(path) => Mapping::read(&path)?,
        None => Mapping::default(),
    };
    let paths = resolve_inputs(request, |kind| mapping.files(kind).cloned())?;
    let (reference, imd) = references(&paths)?;
    let source = mapping.source.clone();
    let options = CheckOptions {
        mapping,
        extract_date,
        today,
        known_collaboratives: paths
            .collaboratives
            .as_ref()
            .map(|_| reference.collaboratives.keys().cloned().collect()),
        imd,
    };
    let checked = check(&paths, &options)?;
    crate::timing("extracts checked");
    Ok(Inputs {
        checked,
        reference,
        paths,
        rejects_file: None,
        mapping: source,
        mhsds: None,
    })
}

/// The reference files of the paths, read and checked: the collaboratives, local costs and
/// populations, and the IMD decile of each LSOA.
fn references(paths: &InputPaths) -> Result<(Reference, Option<PlHashMap<String, u8>>)> {
    let mut reference = read_reference(
        paths.collaboratives.as_deref(),
        paths.local_costs.as_deref(),
    )?;
    reference.populations = paths
        .populations
        .as_deref()
        .map(read_populations)
        .transpose()?;
    let imd = paths.imd.as_deref().map(read_imd).transpose()?;
    Ok((reference, imd))
}

/// Reads a folder of MHSDS tables and translates them into the spells and placements the
/// analyses read. The references: `--collaboratives`, else `collaboratives.csv` in the MHSDS
/// folder or the data folder (and `local_costs.csv` likewise). The extract date: given, or the
/// last day of the latest `UniqMonthID` (its `MHS000Header` period end, if given).
fn load_mhsds(
    request: &InputRequest,
    dir: &Path,
    extract_date: Option<NaiveDate>,
) -> Result<Inputs> {
    if !dir.is_dir() {
        anyhow::bail!(
            "{}: not a folder (--mhsds expects a folder of MHSDS tables)",
            dir.display()
        );
    }
    let in_folders = |name: &str| {
        [Some(dir), request.data_dir]
            .into_iter()
            .flatten()
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    };
    let given_or_found = |given: Option<&Path>, name: &str| {
        given.map(Path::to_path_buf).or_else(|| in_folders(name))
    };
    let paths = InputPaths {
        collaboratives: given_or_found(request.collaboratives, "collaboratives.csv"),
        local_costs: given_or_found(request.local_costs, "local_costs.csv"),
        // The XmR charts' targets and rebases, as beside extracts.
        targets: in_folders("targets.csv"),
        rebases: in_folders("rebase.csv"),
        // Who each person is: the IMD decile of MHS001MPI's LSOA2011, and the groups'
        // populations.
        imd: given_or_found(request.imd, "imd.csv"),
        populations: given_or_found(request.populations, "populations.csv"),
        ..Default::default()
    };
    let (reference, imd) = references(&paths)?;
    let data = read_folder(dir, imd.as_ref(), request.people_needed)?;
    crate::timing("mhsds tables read and checked");
    let translated = translate(&data)?;
    crate::timing("mhsds tables as spells and placements");
    let t = &data.tables;
    let months: Vec<(Month, At)> = t
        .referrals
        .iter()
        .map(|r| (r.month, r.at))
        .chain(t.spells.iter().map(|s| (s.month, s.at)))
        .chain(t.ward_stays.iter().map(|w| (w.month, w.at)))
        .chain(t.header.iter().map(|h| (h.month, h.at)))
        .collect();
    let (Some(first), Some(&(last, at))) = (
        months.iter().map(|m| m.0).min(),
        months
            .iter()
            .min_by_key(|(m, at)| (std::cmp::Reverse(*m), at.file, at.line)),
    ) else {
        return Err(InvalidInput(format!(
            "{}: the MHSDS tables hold no valid row (an MHS101Referral row counts only with a ReasonOAT)",
            dir.display()
        ))
        .into());
    };
    let last_day = t
        .header
        .iter()
        .find(|h| h.month == last)
        .map(|h| crate::periods::date_of(h.end))
        .unwrap_or_else(|| crate::periods::month_end(month_start(last)));
    let (extract_date, extract_date_source) = match extract_date {
        Some(date) => (date, ExtractDateSource::Given),
        None => (
            last_day,
            ExtractDateSource::Latest {
                file: t.files[at.file as usize].path.clone(),
                line: at.line as usize,
                column: "UniqMonthID",
            },
        ),
    };
    let checked = Checked {
        admissions: translated.admissions,
        oaps: translated.oaps,
        names: translated.names,
        findings: data.findings.clone(),
        unplaced: Vec::new(),
        files: Vec::new(),
        extract_date,
        extract_date_source,
        tables: t.files.clone(),
        starts: Some((month_start(first), "its earliest UniqMonthID")),
        people: People {
            // MHS001MPI's columns, as the extracts' would name them.
            columns: if data.people.given {
                vec!["age", "gender", "ethnic_category", "lsoa"]
            } else {
                Vec::new()
            },
            unlisted: data.people.unlisted.clone(),
            lsoa_without_lookup: data.people.lsoa_without_lookup,
        },
    };
    Ok(Inputs {
        checked,
        reference,
        paths,
        rejects_file: None,
        mapping: None,
        mhsds: Some(MhsdsInput {
            dir: dir.to_path_buf(),
            data,
            spells: translated.spells,
            without_collaborative: translated.without_collaborative,
        }),
    })
}

impl Inputs {
    /// Refuses invalid input, unless `skip_invalid` names a rejects file: then the invalid rows
    /// are written there with their reasons and the command goes on without them. Refuses input
    /// whose spells lack placements beyond [`UNPLACED_LIMIT`] either way.
    pub fn require_valid(&mut self, skip_invalid: Option<&Path>) -> Result<()> {
        let findings = &self.checked.findings;
        if !findings.is_empty() {
            let invalid = self.checked.rows_invalid();
            match skip_invalid {
                None => {
                    let shown: Vec<String> =
                        findings.iter().take(10).map(|f| f.to_string()).collect();
                    let more = findings.len().saturating_sub(shown.len());
                    let mut message = format!(
                        "the input has {} problem{} in {} row{}:\n  {}",
                        group_thousands(findings.len() as i64),
                        plural(findings.len()),
                        group_thousands(invalid as i64),
                        plural(invalid),
                        shown.join("\n  ")
                    );
                    if more > 0 {
                        message.push_str(&format!(
                            "\n  ... and {} more",
                            group_thousands(more as i64)
                        ));
                    }
                    message.push_str("\nrun `oapstat validate` (same input options) to see them all, or pass --skip-invalid REJECTS.csv to go on without the invalid rows");
                    return Err(InvalidInput(message).into());
                }
                Some(path) => {
                    // The rejects file: one line per problem, with the file and line of the rejected row.
                    write_atomically(path, |out| {
                        findings::write_csv(&self.checked.findings, "problem", out)
                    })?;
                    self.rejects_file = Some(path.display().to_string());
                }
            }
        }
        match (self.unplaced_refusal(), self.checked.unplaced.first()) {
            (Some(why), Some(first)) => Err(InvalidInput(format!(
                "{why} (first: {first}); {UNPLACED_REMEDY}; run `oapstat validate` (same input options) to list them all"
            ))
            .into()),
            _ => Ok(()),
        }
    }

    /// The valid spells, and the share of them without a placement.
    fn unplaced_share(&self) -> (usize, f64) {
        let spells = self.checked.admissions.height();
        let share = if spells == 0 {
            0.0
        } else {
            self.checked.unplaced.len() as f64 / spells as f64
        };
        (spells, share)
    }

    /// Whether the spells without a placement are too many for the figures to be trusted: no
    /// spell placed at all, or more than [`UNPLACED_LIMIT`] of them unplaced. Says why; the
    /// commands add where the spells are listed.
    pub fn unplaced_refusal(&self) -> Option<String> {
        let unplaced = &self.checked.unplaced;
        let (spells, share) = self.unplaced_share();
        let why = if !unplaced.is_empty() && unplaced.len() == spells {
            format!(
                "no spell has a placement (none of the {} spells is named in the placements extract): every out-of-area figure would be 0",
                group_thousands(spells as i64)
            )
        } else if share > UNPLACED_LIMIT {
            format!(
                "{}, more than the {}% the out-of-area figures can be trusted with: whether they were out of area is not known",
                self.unplaced_count()?,
                percent(UNPLACED_LIMIT)
            )
        } else {
            return None;
        };
        Some(why)
    }

    /// `161 of 16,059 spells (1.003%) have no placement`, the share to as many decimals as it
    /// takes never to read as [`UNPLACED_LIMIT`] when it is not (`None` when there are none).
    pub fn unplaced_count(&self) -> Option<String> {
        let unplaced = &self.checked.unplaced;
        if unplaced.is_empty() {
            return None;
        }
        let (spells, share) = self.unplaced_share();
        Some(format!(
            "{} of {} spells ({}%) have no placement",
            group_thousands(unplaced.len() as i64),
            group_thousands(spells as i64),
            percent_beside(share, UNPLACED_LIMIT),
        ))
    }

    /// The spells without a placement, in a few words (`None` when there are none). It names
    /// the first one's line, never its identifier: the line goes into the pack.
    pub fn unplaced_line(&self) -> Option<String> {
        let first = self.checked.unplaced.first()?;
        Some(format!(
            "{}, so whether they were out of area is not known (the first at {}:{}; `oapstat validate` lists them)",
            self.unplaced_count()?,
            first.file,
            first.line,
        ))
    }

    /// The extract date, where it came from, and whether its month is left out as incomplete.
    pub fn extract_date_line(&self) -> String {
        let date = self.checked.extract_date;
        let from = match &self.checked.extract_date_source {
            ExtractDateSource::Given => "given with --extract-date".to_string(),
            ExtractDateSource::Latest { file, line, column } if self.mhsds.is_some() => {
                format!("the end of the latest month in the MHSDS tables: {file}:{line}, {column}")
            }
            ExtractDateSource::Latest { file, line, column } => {
                format!("the latest date in the extracts: {file}:{line}, {column}")
            }
            ExtractDateSource::Today => {
                "today: no date in the extracts is on or before it".to_string()
            }
        };
        let mut line = format!("extract date {date} ({from})");
        if last_complete_month_end(date) < date {
            line.push_str(&format!(
                ", so {} is incomplete and left out of the default periods",
                date.format("%Y-%m")
            ));
        }
        line
    }

    /// The input's problems in one line (for unattended runs, whose errors are one line).
    pub fn problems_line(&self) -> String {
        let findings = &self.checked.findings;
        let invalid = self.checked.rows_invalid();
        format!(
            "the input has {} problem{} in {} row{} (first: {}); run `oapstat validate` to see them all, or pass --skip-invalid REJECTS.csv",
            group_thousands(findings.len() as i64),
            plural(findings.len()),
            group_thousands(invalid as i64),
            plural(invalid),
            findings.first().map(|f| f.to_string()).unwrap_or_default()
        )
    }

    /// The line every command prints on standard error: rows read, used and rejected per
    /// extract, the spells without a placement, the extract date and where it came from, the
    /// mapping and the rejects file.
    pub fn counts_line(&self) -> String {
        self.counts(true)
    }

    /// The counts line but for the spells without a placement: for the pack, whose caution
    /// above the headline says those.
    pub fn counts_line_but_unplaced(&self) -> String {
        self.counts(false)
    }

    fn counts(&self, with_unplaced: bool) -> String {
        let mut parts = Vec::new();
        for table in Table::ALL {
            let files = self.checked.tables.iter().filter(|t| t.table == table);
            let (mut files_read, mut read, mut used, mut not_needed, mut rejected) =
                (0, 0, 0, 0, 0);
            for t in files {
                files_read += 1;
                read += t.rows_read;
                used += t.rows_used;
                not_needed += t.rows_not_needed;
                rejected += t.rows_rejected;
            }
            if files_read == 0 {
                continue;
            }
            let why = match table {
                Table::Referral => Some("no ReasonOAT"),
                Table::Mpi => Some("not a master record, or of a person with no other record"),
                _ => None,
            };
            let not_needed = why.map_or(String::new(), |why| {
                format!(
                    ", {} not needed ({why})",
                    group_thousands(not_needed as i64)
                )
            });
            parts.push(format!(
                "{}: {} rows read, {} used{not_needed}, {} rejected",
                table.name(),
                group_thousands(read as i64),
                group_thousands(used as i64),
                group_thousands(rejected as i64)
            ));
        }
        if let Some(m) = self.mhsds.as_ref().filter(|m| m.without_collaborative > 0) {
            parts.push(format!(
                "{} of {} spells belong to no collaborative of providers.csv{}",
                group_thousands(m.without_collaborative as i64),
                group_thousands(m.spells as i64),
                if m.data.providers.path.is_none() {
                    " (there is none)"
                } else {
                    ""
                }
            ));
        }
        let kinds: &[ExtractKind] = if self.mhsds.is_some() {
            &[]
        } else {
            &[ExtractKind::Admissions, ExtractKind::Placements]
        };
        for &kind in kinds {
            if kind == ExtractKind::Placements && self.paths.placements.is_empty() {
                parts.push("placements: not needed, not read".to_string());
                continue;
            }
            let files = self.checked.files.iter().filter(|f| f.extract == kind);
            let (read, valid, lines) = files.fold((0, 0, 0), |(r, v, l), f| {
                (r + f.rows_read, v + f.rows_valid, l + f.lines_invalid)
            });
            let rejected = read - valid;
            // Rows whose quoted cells took in the lines after them: those lines go with them.
            let taking = if lines > rejected {
                format!(
                    " (taking {} lines of the file, as a quoted cell spans lines)",
                    group_thousands(lines as i64)
                )
            } else {
                String::new()
            };
            parts.push(format!(
                "{}: {} rows read, {} used, {} rejected{taking}",
                kind.name(),
                group_thousands(read as i64),
                group_thousands(valid as i64),
                group_thousands(rejected as i64)
            ));
        }
        let mut line = parts.join("; ");
        if let Some(mapping) = &self.mapping {
            line.push_str(&format!(" (read through the mapping {})", mapping.path));
        }
        if let Some(path) = &self.rejects_file {
            line.push_str(&format!(" (rejected rows and reasons in {path})"));
        }
        if let Some(unplaced) = self.unplaced_line().filter(|_| with_unplaced) {
            line.push_str(&format!("; {unplaced}"));
        }
        line.push_str(&format!("; {}", self.extract_date_line()));
        line
    }

    /// Warnings about who the patients are: values outside NHS England's lists, read as
    /// UNKNOWN (each column's count and first), and LSOAs without an IMD lookup.
    pub fn people_warnings(&self) -> &[String] {
        &self.checked.people.unlisted
    }

    /// The `inputs` metadata of machine outputs.
    pub fn metadata(&self) -> Value {
        let display = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
        json!({
            "files": self.checked.files,
            "mhsds": self.mhsds.as_ref().map(|m| json!({
                "folder": m.dir.display().to_string(),
                "tables": self.checked.tables,
                "providers": m.data.providers.path.as_ref().map(|p| p.display().to_string()),
                "spells": m.spells,
                "spells_without_collaborative": m.without_collaborative,
            })),
            "rows_rejected": self.checked.rows_invalid(),
            "rejects_file": self.rejects_file,
            "collaboratives": display(&self.paths.collaboratives),
            "local_costs": display(&self.paths.local_costs),
            "imd": display(&self.paths.imd),
            "populations": display(&self.paths.populations),
            "mapping": self.mapping,
            "extract_date": self.checked.extract_date.to_string(),
            "extract_date_source": match &self.checked.extract_date_source {
                ExtractDateSource::Given => "--extract-date",
                ExtractDateSource::Latest { .. } => "latest date in the extracts",
                ExtractDateSource::Today => "today",
            },
            "extract_date_found_at": match &self.checked.extract_date_source {
                ExtractDateSource::Latest { file, line, column } => json!({"file": file, "line": line, "column": column}),
                _ => Value::Null,
            },
            "spells": self.checked.admissions.height(),
            "spells_without_placement": if self.paths.placements.is_empty() && self.mhsds.is_none() { Value::Null } else { json!(self.checked.unplaced.len()) },
        })
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
