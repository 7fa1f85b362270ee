//! Finding the extracts (DOMAIN.md section 3): the files of a data folder, explicit paths and
//! glob patterns.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

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
    /// How the extracts are read: `--mapping`, or `mapping.toml` in the data folder.
    pub mapping: Option<PathBuf>,
}

/// Resolves `--data DIR` and the explicit paths (which may be glob patterns) into files.
///
/// In a data folder the extracts are the files named `admissions*.csv|parquet` and
/// `placements*.csv|parquet`; the references are `collaboratives.csv` and `local_costs.csv`, and
/// `mapping.toml` says how to read the extracts.
/// An explicit path replaces what the folder would give for that extract.
pub fn resolve_inputs(
    data_dir: Option<&Path>,
    admissions: &[String],
    placements: &[String],
    collaboratives: Option<&Path>,
    local_costs: Option<&Path>,
    mapping: Option<&Path>,
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
        inputs.mapping = reference("mapping.toml");
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
    if let Some(path) = mapping {
        inputs.mapping = Some(path.to_path_buf());
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
