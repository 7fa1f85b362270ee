//! `providers.csv` (`provider_code, collaborative`): the collaborative each provider belongs to.
//! An out-of-area placement belongs to the collaborative of its sending provider; a spell that
//! is not one, to that of its provider.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::input::findings::InvalidInput;
use crate::input::reference::Table;

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
        let table = Table::read(path, &["provider_code", "collaborative"])?;
        let mut collaborative_of = BTreeMap::new();
        for (line, row) in &table.rows {
            let code = table.get(row, "provider_code");
            let collaborative = table.get(row, "collaborative");
            if code.is_empty() || collaborative.is_empty() {
                return Err(InvalidInput(format!(
                    "{}:{line}: provider_code and collaborative are both required",
                    table.path
                ))
                .into());
            }
            if let Some(other) =
                collaborative_of.insert(code.to_string(), collaborative.to_string())
            {
                if other != collaborative {
                    return Err(InvalidInput(format!(
                        "{}:{line}: provider {code} is given two collaboratives, {other} and {collaborative}",
                        table.path
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
