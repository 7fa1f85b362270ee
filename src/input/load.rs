//! From paths to checked frames: read every file, check every row, and either refuse invalid
//! input or set the invalid rows aside in a rejects file. Shared by every analysis command.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;
use serde_json::{json, Value};

use super::check::{check, CheckOptions, Checked};
use super::files::{ExtractKind, InputPaths};
use super::findings;
use super::mapping::{Mapping, MappingSource};
use crate::output::write_atomically;
use crate::reference::{read_reference, Reference};
use crate::render::group_thousands;

/// Input data problems: the command exits with code 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

/// The checked extracts and the reference data.
pub struct Inputs {
    pub checked: Checked,
    pub reference: Reference,
    pub paths: InputPaths,
    /// Where rejected rows were written, when `--skip-invalid` was used.
    pub rejects_file: Option<String>,
    /// The mapping file the extracts were read through, with its SHA-256.
    pub mapping: Option<MappingSource>,
}

/// Reads and checks every input file.
pub fn load(
    paths: InputPaths,
    extract_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Inputs> {
    let reference = read_reference(
        paths.collaboratives.as_deref(),
        paths.local_costs.as_deref(),
    )?;
    // The mapping is read and checked whole before any row of the extracts.
    let mapping = match &paths.mapping {
        Some(path) => Mapping::read(path)?,
        None => Mapping::default(),
    };
    let source = mapping.source.clone();
    let options = CheckOptions {
        mapping,
        extract_date,
        today,
        known_collaboratives: paths
            .collaboratives
            .as_ref()
            .map(|_| reference.collaboratives.keys().cloned().collect()),
    };
    let checked = check(&paths, &options)?;
    crate::timing("extracts checked");
    Ok(Inputs {
        checked,
        reference,
        paths,
        rejects_file: None,
        mapping: source,
    })
}

impl Inputs {
    /// Refuses invalid input, unless `skip_invalid` names a rejects file: then the invalid rows
    /// are written there with their reasons and the command goes on without them.
    pub fn require_valid(&mut self, skip_invalid: Option<&Path>) -> Result<()> {
        let findings = &self.checked.findings;
        if findings.is_empty() {
            return Ok(());
        }
        let invalid = self.checked.rows_invalid();
        match skip_invalid {
            None => {
                let shown: Vec<String> = findings.iter().take(10).map(|f| f.to_string()).collect();
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
                Err(InvalidInput(message).into())
            }
            Some(path) => {
                // The rejects file: one line per problem, with the file and line of the rejected row.
                write_atomically(path, |out| {
                    findings::write_csv(&self.checked.findings, "problem", out)
                })?;
                self.rejects_file = Some(path.display().to_string());
                Ok(())
            }
        }
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

    /// One line per extract: rows read, used and rejected.
    pub fn counts_line(&self) -> String {
        let mut parts = Vec::new();
        for kind in [ExtractKind::Admissions, ExtractKind::Placements] {
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
        line
    }

    /// The `inputs` metadata of machine outputs.
    pub fn metadata(&self) -> Value {
        let display = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
        json!({
            "files": self.checked.files,
            "rows_rejected": self.checked.rows_invalid(),
            "rejects_file": self.rejects_file,
            "collaboratives": display(&self.paths.collaboratives),
            "local_costs": display(&self.paths.local_costs),
            "mapping": self.mapping,
            "extract_date": self.checked.extract_date.to_string(),
            "extract_date_source": if self.checked.extract_date_inferred { "latest date in the extracts" } else { "--extract-date" },
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
