//! Finding and reading the extracts (DOMAIN.md section 3) into raw text dataframes.
//!
//! Reading is deliberately dumb: every column is read as text, header names are normalised
//! (trimmed, lower case), and nothing is converted. Converting and checking every cell is the job
//! of [`crate::validate`], which can then say exactly which file, line, column and value is wrong.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use polars::prelude::{
    col, DataFrame, DataType, LazyCsvReader, LazyFileListReader, LazyFrame, PlRefPath,
    ScanArgsParquet,
};

/// Which extract a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtractKind {
    Admissions,
    Placements,
}

impl ExtractKind {
    pub fn name(self) -> &'static str {
        match self {
            ExtractKind::Admissions => "admissions",
            ExtractKind::Placements => "placements",
        }
    }
}

/// Where the inputs come from, as the user gave them.
#[derive(Debug, Clone, Default)]
pub struct InputPaths {
    pub admissions: Vec<PathBuf>,
    pub placements: Vec<PathBuf>,
    pub collaboratives: Option<PathBuf>,
    pub local_costs: Option<PathBuf>,
}

/// The sample data bundled with the source tree, used when no input is named.
pub fn bundled_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Resolves `--data DIR` and the explicit paths (which may be glob patterns) into files.
///
/// In a data folder the extracts are the files named `admissions*.csv|parquet` and
/// `placements*.csv|parquet`; the references are `collaboratives.csv` and `local_costs.csv`.
/// An explicit path replaces what the folder would give for that extract.
pub fn resolve_inputs(
    data_dir: Option<&Path>,
    admissions: &[String],
    placements: &[String],
    collaboratives: Option<&Path>,
    local_costs: Option<&Path>,
) -> Result<InputPaths> {
    let mut inputs = InputPaths::default();
    if let Some(dir) = data_dir {
        if !dir.is_dir() {
            bail!("{}: not a folder (--data expects a folder holding admissions.csv, placements.csv, collaboratives.csv and local_costs.csv)", dir.display());
        }
        inputs.admissions = files_with_prefix(dir, "admissions")?;
        inputs.placements = files_with_prefix(dir, "placements")?;
        let reference = |name: &str| Some(dir.join(name)).filter(|p| p.is_file());
        inputs.collaboratives = reference("collaboratives.csv");
        inputs.local_costs = reference("local_costs.csv");
    }
    if !admissions.is_empty() {
        inputs.admissions = expand(admissions, "--admissions")?;
    }
    if !placements.is_empty() {
        inputs.placements = expand(placements, "--placements")?;
    }
    if let Some(path) = collaboratives {
        inputs.collaboratives = Some(path.to_path_buf());
    }
    if let Some(path) = local_costs {
        inputs.local_costs = Some(path.to_path_buf());
    }
    if inputs.admissions.is_empty() {
        bail!("no admissions extract: give --admissions PATH or --data DIR holding admissions.csv");
    }
    if inputs.placements.is_empty() {
        bail!("no placements extract: give --placements PATH or --data DIR holding placements.csv");
    }
    Ok(inputs)
}

fn is_extract_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("csv" | "parquet" | "CSV" | "PARQUET")
    )
}

fn files_with_prefix(dir: &Path, prefix: &str) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list the folder", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && is_extract_file(p)
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    files.sort();
    Ok(files)
}

fn expand(patterns: &[String], option: &str) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for pattern in patterns {
        if !pattern.contains(['*', '?', '[']) {
            files.push(PathBuf::from(pattern));
            continue;
        }
        let mut matched: Vec<PathBuf> = glob::glob(pattern)
            .with_context(|| format!("{option} {pattern:?} is not a valid glob pattern"))?
            .filter_map(|p| p.ok())
            .filter(|p| p.is_file())
            .collect();
        if matched.is_empty() {
            bail!("{option} {pattern:?} matches no file");
        }
        matched.sort();
        files.append(&mut matched);
    }
    Ok(files)
}

/// One file of an extract, read as text.
pub struct RawFile {
    /// The path as the user gave it (used in every message about the file).
    pub path: String,
    pub kind: ExtractKind,
    /// Every column as text, with normalised names; row `i` is data line `i + 2` of a CSV file
    /// (the header is line 1) or row `i + 1` of a Parquet file.
    pub frame: DataFrame,
    /// The first line number: 2 for CSV (after the header), 1 for Parquet.
    pub first_line: usize,
}

impl RawFile {
    pub fn line_of(&self, row: usize) -> usize {
        row + self.first_line
    }
}

/// Normalises a header name: surrounding spaces and a byte-order mark removed, lower case.
pub fn normalise_column_name(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// Reads one CSV or Parquet file with every column as text.
pub fn read_raw(path: &Path, kind: ExtractKind) -> Result<RawFile> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).with_context(|| format!("{shown}: cannot open"))?;
    if !metadata.is_file() {
        bail!("{shown}: not a file");
    }
    if metadata.len() == 0 {
        bail!(
            "{shown}: the file is empty (expected a header line naming the {} columns)",
            kind.name()
        );
    }
    let is_parquet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let polars_path = PlRefPath::new(shown.as_str());
    let lazy = if is_parquet {
        LazyFrame::scan_parquet(polars_path, ScanArgsParquet::default())
    } else {
        LazyCsvReader::new(polars_path)
            .with_has_header(true)
            // No inference: every column is text, converted and checked cell by cell later.
            .with_infer_schema_length(Some(0))
            .finish()
    }
    .with_context(|| format!("{shown}: cannot read"))?;
    let mut lazy = lazy;
    let schema = lazy
        .collect_schema()
        .with_context(|| format!("{shown}: cannot read the header"))?;
    let mut seen = std::collections::HashMap::new();
    let mut columns = Vec::with_capacity(schema.len());
    for name in schema.iter_names() {
        let normalised = normalise_column_name(name);
        if let Some(previous) = seen.insert(normalised.clone(), name.to_string()) {
            bail!("{shown}:1: columns {previous:?} and {:?} both mean {normalised} (names are case-insensitive)", name.to_string());
        }
        columns.push(
            col(name.clone())
                .cast(DataType::String)
                .alias(normalised.as_str()),
        );
    }
    let frame = match lazy.select(columns).collect() {
        Ok(frame) => frame,
        // Polars' message names neither line nor remedy a user can act on: find the line.
        Err(error) => match (!is_parquet).then(|| diagnose_csv(path)).flatten() {
            Some(problem) => bail!("{shown}:{problem}"),
            None => return Err(error).with_context(|| format!("{shown}: cannot read")),
        },
    };
    Ok(RawFile {
        path: shown,
        kind,
        frame,
        first_line: if is_parquet { 1 } else { 2 },
    })
}

/// The first line of a CSV file that cannot be read, as `LINE: what is wrong`.
fn diagnose_csv(path: &Path) -> Option<String> {
    let mut reader = csv::ReaderBuilder::new().from_path(path).ok()?;
    let header_fields = reader.headers().ok()?.len();
    for record in reader.records() {
        if let Err(error) = record {
            let line = error.position().map_or(0, |p| p.line());
            return Some(match error.kind() {
                csv::ErrorKind::UnequalLengths { len, .. } => {
                    format!("{line}: has {len} fields, but the header has {header_fields}")
                }
                csv::ErrorKind::Utf8 { .. } => format!("{line}: is not valid UTF-8 text"),
                _ => format!("{line}: {error}"),
            });
        }
    }
    None
}
