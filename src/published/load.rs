//! Reading NHS England's published files named on the command line into one table.
use anyhow::{bail, Result};

use crate::input::files::expand;
use crate::periods::parse_bound;
use crate::published::{read, Published};

/// Reads the files (paths or globs) named on the command line.
pub fn load(files: &[String], period: Option<&str>, keep_duplicates: bool) -> Result<Published> {
    let period = match period {
        Some(text) => match parse_bound(text, false) {
            Ok(month) if text.trim().len() == 7 => Some(month),
            _ => bail!("--period {text:?} is not a month (expected YYYY-MM)"),
        },
        None => None,
    };
    let paths: Vec<String> = expand(files, "FILE")?
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    read(&paths, period, keep_duplicates)
}
