//! The small reference files (DOMAIN.md section 3): collaboratives with their populations, and
//! the local cost of a bed day per collaborative and service line.
//!
//! `collaboratives.csv`: `collaborative, name, lead_provider, population`.
//! `local_costs.csv`: `collaborative, service_line, local_daily_cost`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::input::contract::normalise_column_name;

/// One provider collaborative.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Collaborative {
    pub code: String,
    pub name: String,
    pub lead_provider: String,
    pub population: Option<u64>,
}

/// The reference data: collaboratives by code, and local daily costs by (collaborative, service line).
#[derive(Debug, Clone, Default)]
pub struct Reference {
    pub collaboratives: BTreeMap<String, Collaborative>,
    pub local_daily_costs: PerServiceLine,
    pub collaboratives_path: Option<String>,
    pub local_costs_path: Option<String>,
}

impl Reference {
    pub fn population(&self, collaborative: &str) -> Option<u64> {
        self.collaboratives.get(collaborative)?.population
    }

    /// Each collaborative's population (None where the reference gives none).
    pub fn populations(&self) -> BTreeMap<String, Option<u64>> {
        self.collaboratives
            .iter()
            .map(|(code, c)| (code.clone(), c.population))
            .collect()
    }

    /// Each collaborative's name.
    pub fn names(&self) -> BTreeMap<String, String> {
        self.collaboratives
            .iter()
            .map(|(code, c)| (code.clone(), c.name.clone()))
            .collect()
    }
}

/// A small CSV file read whole: its path as shown, normalised headers, and rows with their line.
pub(crate) struct Table {
    pub(crate) path: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Reads the file; a `required` column missing is an error naming the file.
    pub(crate) fn read(path: &Path, required: &[&str]) -> Result<Table> {
        let shown = path.display().to_string();
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .with_context(|| format!("{shown}: cannot open"))?;
        let headers: Vec<String> = reader
            .headers()
            .with_context(|| format!("{shown}: cannot read the header"))?
            .iter()
            .map(normalise_column_name)
            .collect();
        for name in required {
            if !headers.iter().any(|h| h == name) {
                bail!(
                    "{shown}:1: missing required column {name} (found: {})",
                    headers.join(", ")
                );
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.with_context(|| format!("{shown}: cannot read"))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            rows.push((line, record.iter().map(str::to_string).collect()));
        }
        Ok(Table {
            path: shown,
            headers,
            rows,
        })
    }

    /// The cell of `column` in `row` ("" when the column is absent).
    pub(crate) fn get<'a>(&self, row: &'a [String], column: &str) -> &'a str {
        let index = self.headers.iter().position(|h| h == column);
        index.and_then(|i| row.get(i)).map_or("", |s| s.as_str())
    }
}

/// Reads the reference files; either may be absent.
pub fn read_reference(
    collaboratives: Option<&Path>,
    local_costs: Option<&Path>,
) -> Result<Reference> {
    let mut reference = Reference::default();
    if let Some(path) = collaboratives {
        let table = Table::read(path, &["collaborative", "population"])?;
        for (line, row) in &table.rows {
            let code = table.get(row, "collaborative");
            if code.is_empty() {
                bail!("{}:{line}: collaborative is empty (required)", table.path);
            }
            let population_text = table.get(row, "population");
            let population = if population_text.is_empty() {
                None
            } else {
                match population_text.replace(',', "").parse::<u64>() {
                    Ok(p) if p > 0 => Some(p),
                    _ => bail!(
                        "{}:{line}: population {population_text:?} is not a positive whole number",
                        table.path
                    ),
                }
            };
            let entry = Collaborative {
                code: code.to_string(),
                name: table.get(row, "name").to_string(),
                lead_provider: table.get(row, "lead_provider").to_string(),
                population,
            };
            if reference
                .collaboratives
                .insert(code.to_string(), entry)
                .is_some()
            {
                bail!(
                    "{}:{line}: collaborative {code} is listed twice",
                    table.path
                );
            }
        }
        reference.collaboratives_path = Some(table.path);
    }
    if let Some(path) = local_costs {
        let (shown, costs) =
            read_per_service_line(path, "local_daily_cost", "a non-negative number", |text| {
                text.parse::<f64>()
                    .ok()
                    .filter(|c| c.is_finite() && *c >= 0.0)
            })?;
        reference.local_daily_costs = costs;
        reference.local_costs_path = Some(shown);
    }
    Ok(reference)
}

/// A figure per collaborative and service line.
pub type PerServiceLine = BTreeMap<(String, String), f64>;

/// Reads the current local beds: `collaborative, service_line, beds` (a whole number, 0 or more).
pub fn read_local_beds(path: &Path) -> Result<PerServiceLine> {
    let (_, beds) =
        read_per_service_line(path, "beds", "a whole number of beds (0 or more)", |text| {
            text.parse::<u32>().ok().map(f64::from)
        })?;
    Ok(beds)
}

/// A file of one figure per collaborative and service line (`collaborative, service_line,
/// COLUMN`): the path as shown, and the figures; each value must `parse`, else the error names the
/// line, the value and what was `expected`; a pair listed twice is an error.
fn read_per_service_line(
    path: &Path,
    column: &str,
    expected: &str,
    parse: impl Fn(&str) -> Option<f64>,
) -> Result<(String, PerServiceLine)> {
    let table = Table::read(path, &["collaborative", "service_line", column])?;
    let mut figures = BTreeMap::new();
    for (line, row) in &table.rows {
        let key = (
            table.get(row, "collaborative").to_string(),
            table.get(row, "service_line").to_string(),
        );
        if key.0.is_empty() || key.1.is_empty() {
            bail!(
                "{}:{line}: collaborative and service_line are required",
                table.path
            );
        }
        let text = table.get(row, column);
        let Some(value) = parse(text) else {
            bail!("{}:{line}: {column} {text:?} is not {expected}", table.path);
        };
        if figures.insert(key.clone(), value).is_some() {
            bail!("{}:{line}: {} {} is listed twice", table.path, key.0, key.1);
        }
    }
    Ok((table.path, figures))
}
