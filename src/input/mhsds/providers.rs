//! `providers.csv` (`provider_code, collaborative`): the collaborative each provider belongs to.
//! An out-of-area placement belongs to the collaborative of its sending provider; a spell that
//! is not one, to that of its provider.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::input::contract::normalise_column_name;
use crate::input::findings::InvalidInput;

/// Providers by code, each with its collaborative.
#[derive(Debug, Clone, Default)]
pub struct Providers {
    pub path: Option<PathBuf>,
    pub collaborative_of: BTreeMap<String, String>,
}

impl Providers {
    /// `providers.csv` in `dir`, if there (none: no provider belongs to a collaborative).
    pub fn read_in(dir: &Path) -> Result<Providers> {
        let path = dir.join("providers.csv");
        if !path.exists() {
            return Ok(Providers::default());
        }
        Providers::read(&path)
    }

    pub fn read(path: &Path) -> Result<Providers> {
        let shown = path.display().to_string();
        let mut reader = csv::ReaderBuilder::new()
            .from_path(path)
            .with_context(|| format!("{shown}: cannot read"))?;
        let header: Vec<String> = reader
            .headers()
            .with_context(|| format!("{shown}: cannot read the header"))?
            .iter()
            .map(normalise_column_name)
            .collect();
        let column = |name: &str| {
            header.iter().position(|h| h == name).ok_or_else(|| {
                InvalidInput(format!(
                    "{shown}:1: no column {name} (providers.csv has provider_code, collaborative)"
                ))
            })
        };
        let (code_at, collaborative_at) = (column("provider_code")?, column("collaborative")?);
        let mut collaborative_of = BTreeMap::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.with_context(|| format!("{shown}:{line}: cannot read"))?;
            let cell = |at: usize| record.get(at).map(str::trim).unwrap_or_default();
            let (code, collaborative) = (cell(code_at), cell(collaborative_at));
            if code.is_empty() || collaborative.is_empty() {
                return Err(InvalidInput(format!(
                    "{shown}:{line}: provider_code and collaborative are both required"
                ))
                .into());
            }
            if let Some(other) =
                collaborative_of.insert(code.to_string(), collaborative.to_string())
            {
                if other != collaborative {
                    return Err(InvalidInput(format!(
                        "{shown}:{line}: provider {code} is given two collaboratives, {other} and {collaborative}"
                    ))
                    .into());
                }
            }
        }
        Ok(Providers {
            path: Some(path.to_path_buf()),
            collaborative_of,
        })
    }

    /// The collaborative of a provider: by its code, or by the first three characters (the
    /// trust of a site code, as NHS England's pipeline reads a sending provider).
    pub fn collaborative(&self, code: &str) -> Option<&str> {
        self.collaborative_of
            .get(code)
            .or_else(|| {
                code.get(..3)
                    .and_then(|trust| self.collaborative_of.get(trust))
            })
            .map(String::as_str)
    }
}
