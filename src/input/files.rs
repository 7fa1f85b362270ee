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
    /// The XmR charts' targets and rebases: `targets.csv` and `rebase.csv` in the data folder.
    pub targets: Option<PathBuf>,
    pub rebases: Option<PathBuf>,
    /// The IMD decile of each LSOA: `--imd`, or `imd.csv` in the data folder.
    pub imd: Option<PathBuf>,
    /// Populations by group: `--populations`, or `populations.csv` in the data folder.
    pub populations: Option<PathBuf>,
}

/// What the user asked to read: a data folder, explicit paths (which may be glob patterns),
/// the references and the mapping.
#[derive(Debug, Clone, Default)]
pub struct InputRequest<'a> {
    pub data_dir: Option<&'a Path>,
    pub admissions: &'a [String],
    pub placements: &'a [String],
    pub collaboratives: Option<&'a Path>,
    pub local_costs: Option<&'a Path>,
    pub mapping: Option<&'a Path>,
    pub imd: Option<&'a Path>,
    pub populations: Option<&'a Path>,
    /// False when the command does not read the placements at all.
    pub placements_needed: bool,
    /// Whether who each patient is must be read (MHSDS: `MHS001MPI`).
    pub people_needed: bool,
    /// A folder of MHSDS tables to read in place of the extracts (`--mhsds`).
    pub mhsds: Option<&'a Path>,
}

/// Which files of the data folder an extract is, as a mapping says (`[admissions] files =
/// "Spells_*.csv"`): a glob pattern relative to the folder.
#[derive(Debug, Clone, PartialEq)]
pub struct FilesPattern {
    pub glob: String,
    /// The mapping entry, as named in messages: `mapping.toml:9: [admissions] files`.
    pub entry: String,
}

impl InputRequest<'_> {
    /// The folder of MHSDS tables to read in place of the extracts: `--mhsds`; or the data
    /// folder's `mhsds/` when the data folder holds no admissions extract of its own and no
    /// extract is named (a folder with both is read as extracts unless `--mhsds` is given).
    pub fn mhsds_dir(&self) -> Result<Option<PathBuf>> {
        if let Some(dir) = self.mhsds {
            return Ok(Some(dir.to_path_buf()));
        }
        let Some(data) = self.data_dir else {
            return Ok(None);
        };
        let inside = data.join("mhsds");
        if !inside.is_dir() || !self.admissions.is_empty() || !self.placements.is_empty() {
            return Ok(None);
        }
        let extracts =
            data.is_dir() && !files_with_prefix(data, ExtractKind::Admissions.name())?.is_empty();
        Ok((!extracts).then_some(inside))
    }

    /// The mapping file: `--mapping`, or `mapping.toml` in the data folder if there.
    pub fn mapping_path(&self) -> Option<PathBuf> {
        match (self.mapping, self.data_dir) {
            (Some(path), _) => Some(path.to_path_buf()),
            (None, Some(dir)) => Some(dir.join("mapping.toml")).filter(|p| p.is_file()),
            (None, None) => None,
        }
    }
}

/// Resolves `--data DIR` and the explicit paths into files, `folder_files` saying (from the
/// mapping) which files of the folder each extract is.
///
/// In a data folder the extracts are the files named `admissions*.csv|parquet` and
/// `placements*.csv|parquet`, or those a mapping's `files` pattern matches; the references are
/// `collaboratives.csv` and `local_costs.csv`, and `mapping.toml` says how to read the extracts.
/// An explicit path replaces what the folder would give for that extract.
pub fn resolve_inputs(
    request: &InputRequest,
    folder_files: impl Fn(ExtractKind) -> Option<FilesPattern>,
) -> Result<InputPaths> {
    let mut inputs = InputPaths {
        mapping: request.mapping_path(),
        ..Default::default()
    };
    if let Some(dir) = request.data_dir {
        if !dir.is_dir() {
            bail!("{}: not a folder (--data expects a folder holding admissions.csv, placements.csv, collaboratives.csv and local_costs.csv)", dir.display());
        }
        let files_of = |kind: ExtractKind| match folder_files(kind) {
            Some(pattern) => files_matching(dir, &pattern),
            None => files_with_prefix(dir, kind.name()),
        };
        inputs.admissions = files_of(ExtractKind::Admissions)?;
        if request.placements_needed {
            inputs.placements = files_of(ExtractKind::Placements)?;
        }
        let reference = |name: &str| Some(dir.join(name)).filter(|p| p.is_file());
        inputs.collaboratives = reference("collaboratives.csv");
        inputs.local_costs = reference("local_costs.csv");
        inputs.targets = reference("targets.csv");
        inputs.rebases = reference("rebase.csv");
        inputs.imd = reference("imd.csv");
        inputs.populations = reference("populations.csv");
    }
    if !request.admissions.is_empty() {
        inputs.admissions = expand(request.admissions, "--admissions")?;
    }
    if !request.placements.is_empty() {
        inputs.placements = expand(request.placements, "--placements")?;
    }
    if let Some(path) = request.collaboratives {
        inputs.collaboratives = Some(path.to_path_buf());
    }
    if let Some(path) = request.local_costs {
        inputs.local_costs = Some(path.to_path_buf());
    }
    if let Some(path) = request.imd {
        inputs.imd = Some(path.to_path_buf());
    }
    if let Some(path) = request.populations {
        inputs.populations = Some(path.to_path_buf());
    }
    if inputs.admissions.is_empty() {
        bail!("no admissions extract: give --admissions PATH or --data DIR holding admissions.csv");
    }
    if !request.placements_needed {
        // Not read at all: neither checked nor counted.
        inputs.placements.clear();
    } else if inputs.placements.is_empty() {
        bail!("no placements extract: give --placements PATH or --data DIR holding placements.csv");
    }
    Ok(inputs)
}

/// The files of `dir` a mapping's pattern matches, sorted; none is an error naming the entry.
fn files_matching(dir: &Path, pattern: &FilesPattern) -> Result<Vec<PathBuf>> {
    let full = dir.join(&pattern.glob);
    let full = full.to_string_lossy();
    // The folder's own name may hold glob characters: escaped, only the pattern is one.
    let escaped = glob::Pattern::escape(&dir.to_string_lossy());
    let text = format!("{escaped}{}", &full[dir.to_string_lossy().len()..]);
    let mut matched: Vec<PathBuf> = glob::glob(&text)
        .with_context(|| {
            format!(
                "{}: {:?} is not a valid glob pattern",
                pattern.entry, pattern.glob
            )
        })?
        .filter_map(|p| p.ok())
        .filter(|p| p.is_file())
        .collect();
    if matched.is_empty() {
        bail!(
            "{}: {:?} matches no file in {}",
            pattern.entry,
            pattern.glob,
            dir.display()
        );
    }
    matched.sort();
    Ok(matched)
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
