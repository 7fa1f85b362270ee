//! Finding the extracts (DOMAIN.md section 3), and reading a Parquet extract as text.
//!
//! Reading and checking the rows is the job of [`crate::rows`] and [`crate::validate`], which
//! can then say exactly which file, line, column and value is wrong.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use polars::prelude::{DataFrame, DataType, PolarsError, PolarsResult};
use polars_io::prelude::{FileMetadataRef, ParquetReader, SerReader};

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
    placements_needed: bool,
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
    if !placements_needed {
        // Not read at all: neither checked nor counted.
        inputs.placements.clear();
    } else if inputs.placements.is_empty() {
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

/// The files of paths and glob patterns, each pattern's matches sorted; a pattern that matches
/// nothing is an error naming `option`.
pub fn expand(patterns: &[String], option: &str) -> Result<Vec<PathBuf>> {
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

/// A Parquet file of an extract; row `i` is row `i + 1` of the file. Columns that hold dates,
/// numbers or flags where the extract expects them keep their type (`Date`, `Float64`,
/// `Boolean`); every other column is text.
pub struct RawFile {
    /// The path as the user gave it (used in every message about the file).
    pub path: String,
    /// The columns' names as in the file.
    pub names: Vec<String>,
    /// Rows in the file.
    pub rows: usize,
    /// Rows of each row group, in order.
    pub row_groups: Vec<usize>,
    /// Where the file is, and its metadata (read once).
    file: PathBuf,
    metadata: FileMetadataRef,
    /// What each column is cast to when read (`None`: kept as it is).
    casts: Vec<Option<DataType>>,
}

/// See [`RawFile::chunks`].
fn chunks_of(row_groups: &[usize], most: usize) -> Vec<(usize, usize)> {
    let most = most.max(1);
    let mut chunks: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for &rows in row_groups {
        match chunks.last_mut() {
            Some((start, len)) if *start + *len == offset && *len + rows <= most => *len += rows,
            _ if rows <= SLICED_ABOVE => chunks.push((offset, rows)),
            _ => chunks.extend(
                (0..rows)
                    .step_by(most)
                    .map(|from| (offset + from, most.min(rows - from))),
            ),
        }
        offset += rows;
    }
    chunks
}

/// Row groups of more rows than this are read in slices (see [`RawFile::chunks`]).
pub const SLICED_ABOVE: usize = 1 << 21;

impl RawFile {
    /// The rows to read at a time, as (offset, length): whole row groups, as many together as
    /// make up to `most` rows (a larger one alone), since Polars decodes a row group whole even
    /// for a slice of it; only a row group of more than [`SLICED_ABOVE`] rows is read in slices
    /// of `most`.
    pub fn chunks(&self, most: usize) -> Vec<(usize, usize)> {
        chunks_of(&self.row_groups, most)
    }

    /// Rows `offset..offset + len` of the file (only the row groups holding them are read).
    pub fn rows(&self, offset: usize, len: usize) -> Result<DataFrame> {
        let read = || -> PolarsResult<DataFrame> {
            let mut reader = ParquetReader::new(std::fs::File::open(&self.file)?)
                .with_slice(Some((offset, len)));
            reader.set_metadata(self.metadata.clone());
            let mut frame = reader.finish()?;
            for (i, cast) in self.casts.iter().enumerate() {
                if let Some(dtype) = cast {
                    let column = frame.columns()[i].cast(dtype)?;
                    frame.replace_column(i, column)?;
                }
            }
            Ok(frame)
        };
        read().with_context(|| format!("{}: cannot read", self.path))
    }
}

/// The path of an extract file as shown in messages, and its size, once it is known to be a
/// file that is not empty (`expected` says what it should hold).
pub fn open_extract(path: &Path, expected: &str) -> Result<(String, u64)> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).with_context(|| format!("{shown}: cannot open"))?;
    if !metadata.is_file() {
        bail!("{shown}: not a file");
    }
    if metadata.len() == 0 {
        bail!("{shown}: the file is empty (expected {expected})");
    }
    Ok((shown, metadata.len()))
}

/// Reads one Parquet file (CSV files are read by [`crate::rows`]).
pub fn read_parquet_columns(path: &Path, kind: ExtractKind) -> Result<RawFile> {
    let expected = format!("a Parquet file of the {} columns", kind.name());
    let (shown, _) = open_extract(path, &expected)?;
    let mut reader = std::fs::File::open(path)
        .map_err(PolarsError::from)
        .map(ParquetReader::new)
        .with_context(|| format!("{shown}: cannot read"))?;
    let schema = reader
        .schema()
        .with_context(|| format!("{shown}: cannot read the columns"))?;
    let metadata = reader
        .get_metadata()
        .with_context(|| format!("{shown}: cannot read the row groups"))?
        .clone();
    let (dates, numbers, flags): (&[&str], &[&str], &[&str]) = match kind {
        ExtractKind::Admissions => (&["admission_date", "discharge_date"], &[], &[]),
        ExtractKind::Placements => (
            &["start_date", "end_date"],
            &["distance_km", "daily_cost"],
            &["out_of_area"],
        ),
    };
    let casts: Vec<Option<DataType>> = schema
        .iter_values()
        .map(|field| {
            let dtype = DataType::from_arrow_field(field);
            let normalised = crate::rows::normalise_column_name(&field.name);
            let is = |names: &[&str]| names.contains(&normalised.as_str());
            if is(dates) && dtype == DataType::Date || is(flags) && dtype == DataType::Boolean {
                None
            } else if is(numbers) && dtype.is_primitive_numeric() {
                (dtype != DataType::Float64).then_some(DataType::Float64)
            } else {
                (dtype != DataType::String).then_some(DataType::String)
            }
        })
        .collect();
    let row_groups: Vec<usize> = metadata.row_groups.iter().map(|g| g.num_rows()).collect();
    Ok(RawFile {
        path: shown,
        names: schema.iter_names().map(|n| n.to_string()).collect(),
        rows: row_groups.iter().sum(),
        row_groups,
        file: path.to_path_buf(),
        metadata,
        casts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_whole_row_groups() {
        // Small groups together up to the most; a larger one alone; a huge one in slices.
        assert_eq!(
            chunks_of(&[2, 2, 2, 5, 1, 1], 4),
            [(0, 4), (4, 2), (6, 5), (11, 2)]
        );
        let huge = SLICED_ABOVE + 1;
        assert_eq!(
            chunks_of(&[1, huge], SLICED_ABOVE / 2),
            [
                (0, 1),
                (1, SLICED_ABOVE / 2),
                (1 + SLICED_ABOVE / 2, SLICED_ABOVE / 2),
                (1 + SLICED_ABOVE, 1)
            ]
        );
        assert!(chunks_of(&[], 4).is_empty());
    }
}
