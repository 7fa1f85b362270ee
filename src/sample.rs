//! The sample extracts, inside the binary: every command's default input, wherever the binary
//! is run from. The readers take files, so on first use the sample is written, whole or not at
//! all, to a folder of the user's cache (`$XDG_CACHE_HOME/oapstat/` or `~/.cache/oapstat/`,
//! named after a hash of its content so that a new binary's sample never mixes with an old
//! one's), or, where no cache folder can be written, to one under the system's temporary folder.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

/// The files of the sample (`data/` of the repository), as compiled in; a name may hold a folder
/// (`mhsds/`).
pub const FILES: [(&str, &[u8]); 16] = [
    (
        "admissions.csv",
        include_bytes!("../data/admissions.csv").as_slice(),
    ),
    (
        "placements.csv",
        include_bytes!("../data/placements.csv").as_slice(),
    ),
    (
        "collaboratives.csv",
        include_bytes!("../data/collaboratives.csv").as_slice(),
    ),
    (
        "local_costs.csv",
        include_bytes!("../data/local_costs.csv").as_slice(),
    ),
    (
        "populations.csv",
        include_bytes!("../data/populations.csv").as_slice(),
    ),
    (
        "targets.csv",
        include_bytes!("../data/targets.csv").as_slice(),
    ),
    ("README.md", include_bytes!("../data/README.md").as_slice()),
    // The same service as MHSDS tables (data/README.md): read only by `--mhsds`.
    (
        "mhsds/MHS000Header.parquet",
        include_bytes!("../data/mhsds/MHS000Header.parquet").as_slice(),
    ),
    (
        "mhsds/MHS001MPI.parquet",
        include_bytes!("../data/mhsds/MHS001MPI.parquet").as_slice(),
    ),
    (
        "mhsds/MHS101Referral.parquet",
        include_bytes!("../data/mhsds/MHS101Referral.parquet").as_slice(),
    ),
    (
        "mhsds/MHS501HospProvSpell.parquet",
        include_bytes!("../data/mhsds/MHS501HospProvSpell.parquet").as_slice(),
    ),
    (
        "mhsds/MHS502WardStay.parquet",
        include_bytes!("../data/mhsds/MHS502WardStay.parquet").as_slice(),
    ),
    (
        "mhsds/providers.csv",
        include_bytes!("../data/mhsds/providers.csv").as_slice(),
    ),
    (
        "mhsds/collaboratives.csv",
        include_bytes!("../data/mhsds/collaboratives.csv").as_slice(),
    ),
    (
        "mhsds/imd.csv",
        include_bytes!("../data/mhsds/imd.csv").as_slice(),
    ),
    (
        "mhsds/populations.csv",
        include_bytes!("../data/mhsds/populations.csv").as_slice(),
    ),
];

/// A short hash of the sample's content.
fn content_hash() -> String {
    let mut hasher = Sha256::new();
    for (name, bytes) in FILES {
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    format!("{:x}", hasher.finalize())[..12].to_string()
}

/// Writes the sample's files into `dir` (created if needed). Existing files are refused unless
/// `force`.
pub fn write_to(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    if !force {
        let existing: Vec<String> = FILES
            .iter()
            .map(|(name, _)| dir.join(name))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            bail!(
                "{} exist already: --force replaces them",
                existing.join(", ")
            );
        }
    }
    let mut written = Vec::new();
    for (name, bytes) in FILES {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create the folder", parent.display()))?;
        }
        crate::output::write_atomically(&path, |out| Ok(out.write_all(bytes)?))?;
        written.push(path);
    }
    Ok(written)
}

/// The user's cache folder for oapstat, if the environment names one.
fn cache_root() -> Option<PathBuf> {
    let from = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    from("XDG_CACHE_HOME")
        .or_else(|| from("HOME").map(|home| home.join(".cache")))
        .map(|root| root.join("oapstat"))
}

/// Writes the sample into `root/sample-<hash>` unless it is there already: into a temporary
/// folder beside it first, renamed into place, so that a folder of that name is always whole.
fn cached(root: &Path) -> Result<PathBuf> {
    let dir = root.join(format!("sample-{}", content_hash()));
    let complete = FILES.iter().all(|(name, bytes)| {
        std::fs::metadata(dir.join(name)).is_ok_and(|m| m.len() == bytes.len() as u64)
    });
    if complete {
        return Ok(dir);
    }
    std::fs::create_dir_all(root)?;
    let temp = tempfile::Builder::new()
        .prefix(".sample-")
        .tempdir_in(root)?;
    write_to(temp.path(), true)?;
    match std::fs::rename(temp.path(), &dir) {
        Ok(()) => {
            // Renamed: nothing left for the guard to remove.
            let _ = temp.keep();
        }
        // Another run put it in place first (or an incomplete old one is in the way).
        Err(_) if dir.is_dir() => {
            if !FILES.iter().all(|(name, _)| dir.join(name).is_file()) {
                std::fs::remove_dir_all(&dir)?;
                std::fs::rename(temp.path(), &dir)?;
                let _ = temp.keep();
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(dir)
}

/// The folder holding the sample's files, written on first use: in the user's cache folder, or
/// else under the system's temporary folder (one per user).
pub fn dir() -> Result<PathBuf> {
    // SAFETY: getuid has no preconditions and cannot fail.
    let user = unsafe { libc::getuid() };
    let fallback = std::env::temp_dir().join(format!("oapstat-{user}"));
    let mut failure = None;
    for root in cache_root().into_iter().chain([fallback]) {
        match cached(&root) {
            Ok(dir) => return Ok(dir),
            Err(e) => failure = Some(format!("{}: {e}", root.display())),
        }
    }
    bail!(
        "cannot write the bundled sample to a cache folder ({}); give the input files instead (--data DIR)",
        failure.unwrap_or_default()
    )
}
