//! Writing output files: completely or not at all.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes a file completely or not at all: into a temporary file beside it, renamed into place.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::Builder::new()
        .prefix(".oapstat-")
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "{}: cannot create a file in {}",
                path.display(),
                dir.display()
            )
        })?;
    {
        let mut buffered = std::io::BufWriter::new(file.as_file_mut());
        write(&mut buffered).with_context(|| format!("{}: cannot write", path.display()))?;
        buffered
            .flush()
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    // Temporary files are private (0600); the finished file gets ordinary permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("{}: cannot set permissions", path.display()))?;
    }
    file.persist(path)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}
