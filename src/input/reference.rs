//! The small reference files (DOMAIN.md section 3): collaboratives with their populations, and
//! the local cost of a bed day per collaborative and service line.
//!
//! `collaboratives.csv`: `collaborative, name, lead_provider, population`.
//! `local_costs.csv`: `collaborative, service_line, local_daily_cost`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};

use polars::prelude::PlHashMap;

use crate::demographics::{Dimension, UNKNOWN};
use crate::input::contract::normalise_column_name;
use crate::stats::EspBand;

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
    /// Populations by group (`populations.csv`), when given.
    pub populations: Option<Populations>,
}

/// The population of one group of people of a collaborative: all ages, and by ESP 2013 band.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupPopulation {
    /// The row with `age_band` `all`.
    pub all: Option<f64>,
    /// The rows by ESP 2013 band, in [`EspBand::ALL`]'s order.
    pub bands: [Option<f64>; 19],
}

impl GroupPopulation {
    /// The population of all ages: the `all` row, else the sum of the bands.
    pub fn total(&self) -> Option<f64> {
        self.all.or_else(|| {
            let bands: Vec<f64> = self.bands.iter().flatten().copied().collect();
            (!bands.is_empty()).then(|| bands.iter().sum())
        })
    }
}

/// `populations.csv`: `collaborative, dimension, group, age_band, population` (DOMAIN.md
/// section 12), by collaborative, dimension and group label.
#[derive(Debug, Clone, Default)]
pub struct Populations {
    pub path: String,
    pub groups: BTreeMap<(String, Dimension, String), GroupPopulation>,
}

impl Populations {
    pub fn of(
        &self,
        collaborative: &str,
        dimension: Dimension,
        group: &str,
    ) -> Option<&GroupPopulation> {
        self.groups
            .get(&(collaborative.to_string(), dimension, group.to_string()))
    }
}

/// Reads `populations.csv`, refusing (with the file, line, column and value) a dimension or
/// group oapstat does not print, an age band not of ESP 2013, a population that is not a
/// number of 0 or more, a row listed twice, and a population for UNKNOWN, Not Stated or Not
/// Known (no one's population is of unknown ethnicity).
pub fn read_populations(path: &Path) -> Result<Populations> {
    let table = Table::read(
        path,
        &[
            "collaborative",
            "dimension",
            "group",
            "age_band",
            "population",
        ],
    )?;
    let mut groups: BTreeMap<(String, Dimension, String), GroupPopulation> = BTreeMap::new();
    let at = |line: &usize| format!("{}:{line}", table.path);
    for (line, row) in &table.rows {
        let collaborative = table.get(row, "collaborative");
        if collaborative.is_empty() {
            bail!("{}: collaborative is empty (required)", at(line));
        }
        let dimension_text = table.get(row, "dimension");
        let Some(dimension) = Dimension::from_name(dimension_text) else {
            bail!(
                "{}: dimension {dimension_text:?} is not one of {}",
                at(line),
                Dimension::ALL.map(Dimension::name).join(", ")
            );
        };
        let group_text = table.get(row, "group");
        // A group by its name (`Female`, `British`) or its code as NHS England's files give it
        // (`2`, `A`).
        let groups_of = dimension.groups();
        let codes = dimension.codes();
        let is = |text: &&str| text.eq_ignore_ascii_case(group_text);
        let by_code = || codes.iter().position(is);
        let found = groups_of.iter().position(is).or_else(by_code);
        let Some(group) = found.map(|i| &groups_of[i]) else {
            let with_population: Vec<String> = (groups_of.iter().zip(&codes))
                .filter(|(g, _)| ![UNKNOWN, "Not Stated", "Not Known"].contains(g))
                .map(|(g, c)| match g == c {
                    true => g.to_string(),
                    false => format!("{g} ({c})"),
                })
                .collect();
            bail!(
                "{}: group {group_text:?} is not a group of {} (expected one of: {})",
                at(line),
                dimension.name(),
                with_population.join("; ")
            );
        };
        if [UNKNOWN, "Not Stated", "Not Known"].contains(group) {
            bail!(
                "{}: group {group:?} has no population (a population is of people whose group is known)",
                at(line)
            );
        }
        let band_text = table.get(row, "age_band");
        let band = if band_text.eq_ignore_ascii_case("all") {
            None
        } else {
            match EspBand::parse(band_text) {
                Some(band) => Some(EspBand::ALL.iter().position(|b| *b == band).unwrap_or(0)),
                None => bail!(
                    "{}: age_band {band_text:?} is not an ESP 2013 band (0-4, 5-9, ..., 85-89, 90+) or all",
                    at(line)
                ),
            }
        };
        let text = table.get(row, "population");
        let population = match text.replace(',', "").parse::<f64>() {
            Ok(p) if p.is_finite() && p >= 0.0 => p,
            _ => bail!(
                "{}: population {text:?} is not a number of 0 or more",
                at(line)
            ),
        };
        let entry = groups
            .entry((collaborative.to_string(), dimension, group.to_string()))
            .or_default();
        let slot = match band {
            None => &mut entry.all,
            Some(band) => &mut entry.bands[band],
        };
        if slot.replace(population).is_some() {
            bail!(
                "{}: {collaborative}, {}, {group}, {band_text} is listed twice",
                at(line),
                dimension.name()
            );
        }
    }
    Ok(Populations {
        path: table.path,
        groups,
    })
}

/// Reads an IMD lookup (`lsoa, imd_decile`, e.g. the published IMD 2019 file cut to those two
/// columns): the decile of each LSOA code, refusing a decile outside 1–10 or an LSOA listed
/// twice with the file and line.
pub fn read_imd(path: &Path) -> Result<PlHashMap<String, u8>> {
    let table = Table::read(path, &["lsoa", "imd_decile"])?;
    let mut lookup = PlHashMap::with_capacity_and_hasher(table.rows.len(), Default::default());
    for (line, row) in &table.rows {
        let lsoa = table.get(row, "lsoa");
        if lsoa.is_empty() {
            bail!("{}:{line}: lsoa is empty (required)", table.path);
        }
        let text = table.get(row, "imd_decile");
        let decile = match text.parse::<u8>() {
            Ok(d) if (1..=10).contains(&d) => d,
            _ => bail!(
                "{}:{line}: imd_decile {text:?} is not a decile (expected a whole number from 1 to 10)",
                table.path
            ),
        };
        if lookup.insert(lsoa.to_string(), decile).is_some() {
            bail!("{}:{line}: lsoa {lsoa} is listed twice", table.path);
        }
    }
    Ok(lookup)
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
