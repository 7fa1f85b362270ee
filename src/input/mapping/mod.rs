//! A mapping file: how a system's own export is read as the contract's extracts (which column
//! holds each contract column, how its dates are written, what its codes mean, and the file's
//! delimiter and encoding). It is read and checked whole before any row of an extract; the
//! readers apply it as they read each cell ([`crate::input::rules`]).

pub mod preset;
pub mod suggest;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use polars::prelude::PlHashMap;
use sha2::{Digest, Sha256};

use super::contract::{columns_of, parse_flag, REASON_CODES};
use super::dates::DateLayout;
use super::files::{ExtractKind, FilesPattern};

/// Where a mapping was read from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MappingSource {
    /// The path as the user gave it.
    pub path: String,
    /// The SHA-256 of the file, in hex.
    pub sha256: String,
}

/// How the extracts are read: the contract as it is, or through a mapping file.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// `None`: no mapping file (the contract's names, codes and formats, comma-separated UTF-8).
    pub source: Option<MappingSource>,
    /// The field delimiter of CSV files.
    pub delimiter: u8,
    /// The text encoding of CSV files; `None`: UTF-8.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    admissions: Vec<ColumnMapping>,
    placements: Vec<ColumnMapping>,
    /// Which files of the `--data` folder each extract is (`None`: `admissions*`, `placements*`).
    admissions_files: Option<FilesPattern>,
    placements_files: Option<FilesPattern>,
}

/// How one contract column is read.
#[derive(Debug, Clone, Default)]
pub struct ColumnMapping {
    /// The column of the file that holds it (`None`: the contract's own name).
    pub column: Option<String>,
    /// How its dates are written (`None`: YYYY-MM-DD or DD/MM/YYYY, found from the data).
    pub format: Option<DateLayout>,
    /// What its codes mean.
    pub values: Option<Values>,
    /// The entry, as named in messages: `mapping.toml [admissions] service_line`.
    pub entry: String,
}

/// A column's codes and the contract values they stand for.
#[derive(Debug, Clone, Default)]
pub struct Values {
    map: PlHashMap<String, String>,
    /// The value of every code not listed (`"*"`).
    other: Option<String>,
}

impl Values {
    /// The contract value of a code, or `None` when the mapping has no entry for it.
    pub fn get(&self, code: &str) -> Option<&str> {
        self.map
            .get(code)
            .or(self.other.as_ref())
            .map(String::as_str)
    }
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            source: None,
            delimiter: b',',
            encoding: None,
            admissions: plain_columns(ExtractKind::Admissions),
            placements: plain_columns(ExtractKind::Placements),
            admissions_files: None,
            placements_files: None,
        }
    }
}

fn plain_columns(kind: ExtractKind) -> Vec<ColumnMapping> {
    vec![ColumnMapping::default(); columns_of(kind).0.len()]
}

/// The sections of a mapping file.
const SECTIONS: &str = "[csv], [admissions] and [placements]";

impl Mapping {
    /// No mapping: the contract's own names, codes and formats, comma-separated UTF-8.
    pub fn plain() -> &'static Mapping {
        static PLAIN: std::sync::LazyLock<Mapping> = std::sync::LazyLock::new(Mapping::default);
        &PLAIN
    }

    /// How each contract column of an extract is read, in the contract's order.
    pub fn columns(&self, kind: ExtractKind) -> &[ColumnMapping] {
        match kind {
            ExtractKind::Admissions => &self.admissions,
            ExtractKind::Placements => &self.placements,
        }
    }

    /// Which files of the `--data` folder an extract is, when the mapping says (`files`).
    pub fn files(&self, kind: ExtractKind) -> Option<&FilesPattern> {
        match kind {
            ExtractKind::Admissions => self.admissions_files.as_ref(),
            ExtractKind::Placements => self.placements_files.as_ref(),
        }
    }

    /// Reads and checks a mapping file.
    pub fn read(path: &Path) -> Result<Mapping> {
        let shown = path.display().to_string();
        let bytes =
            std::fs::read(path).with_context(|| format!("{shown}: cannot read the mapping"))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| anyhow::anyhow!("{shown}: the mapping is not UTF-8 text"))?;
        let mut mapping = Mapping::parse(&shown, text)?;
        mapping.source = Some(MappingSource {
            path: shown,
            sha256: format!("{:x}", Sha256::digest(&bytes)),
        });
        Ok(mapping)
    }

    /// Parses the text of a mapping file named `shown`.
    pub fn parse(shown: &str, text: &str) -> Result<Mapping> {
        let table: toml::Table = text.parse().map_err(|error: toml::de::Error| {
            let line = error
                .span()
                .map_or(1, |span| text[..span.start].matches('\n').count() + 1);
            anyhow::anyhow!(
                "{shown}:{line}: not a valid TOML mapping: {}",
                error.message()
            )
        })?;
        let at = Locator { shown, text };
        let mut mapping = Mapping::default();
        for (section, value) in &table {
            let Some(entries) = value.as_table() else {
                bail!(
                    "{}: {section} is not a section (a mapping has {SECTIONS})",
                    at.entry(None, section)
                );
            };
            match section.as_str() {
                "csv" => mapping.read_csv_section(&at, entries)?,
                "admissions" => {
                    (mapping.admissions, mapping.admissions_files) =
                        at.extract_section(ExtractKind::Admissions, entries)?
                }
                "placements" => {
                    (mapping.placements, mapping.placements_files) =
                        at.extract_section(ExtractKind::Placements, entries)?
                }
                _ => bail!(
                    "{}: unknown section (a mapping has {SECTIONS})",
                    at.entry(None, section)
                ),
            }
        }
        Ok(mapping)
    }

    fn read_csv_section(&mut self, at: &Locator, entries: &toml::Table) -> Result<()> {
        for (key, value) in entries {
            let here = at.entry(Some("csv"), key);
            let text = value
                .as_str()
                .with_context(|| format!("{here}: expected a text in quotes"))?;
            match key.as_str() {
                "delimiter" => {
                    self.delimiter = match text {
                        "\t" | "tab" => b'\t',
                        one if one.len() == 1 && !matches!(one, "\"" | "\n" | "\r") => {
                            one.as_bytes()[0]
                        }
                        _ => bail!(
                            "{here}: {text:?} is not a delimiter (expected one character, such as \",\", \";\", \"\\t\" or \"|\")"
                        ),
                    }
                }
                "encoding" => {
                    let encoding = encoding_rs::Encoding::for_label(text.trim().as_bytes())
                        .with_context(|| {
                            format!("{here}: unknown encoding {text:?} (e.g. \"utf-8\", \"windows-1252\", \"utf-16le\")")
                        })?;
                    self.encoding = (encoding != encoding_rs::UTF_8).then_some(encoding);
                }
                _ => bail!("{here}: unknown key (the [csv] section has delimiter and encoding)"),
            }
        }
        Ok(())
    }
}

/// Finds where an entry of the mapping file is, to name it in messages.
struct Locator<'a> {
    shown: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    /// `mapping.toml:7: [admissions] admission_date` (the line where the key is set).
    fn entry(&self, section: Option<&str>, key: &str) -> String {
        let name = match section {
            Some(section) => format!("[{section}] {key}"),
            None => format!("[{key}]"),
        };
        match self.line(section, key) {
            Some(line) => format!("{}:{line}: {name}", self.shown),
            None => format!("{}: {name}", self.shown),
        }
    }

    /// The line of `key` in `section` (or of the section's header when `section` is `None`).
    fn line(&self, section: Option<&str>, key: &str) -> Option<usize> {
        let mut current: Option<String> = None;
        for (i, line) in self.text.lines().enumerate() {
            let line = line.trim();
            if let Some(header) = line.strip_prefix('[') {
                let name = header.split(']').next().unwrap_or_default().trim();
                if section.is_none() && name == key {
                    return Some(i + 1);
                }
                current = Some(name.to_string());
                continue;
            }
            let Some(section) = section else { continue };
            let name = line
                .split('=')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches('"');
            if current.as_deref() == Some(section) && line.contains('=') && name == key {
                return Some(i + 1);
            }
        }
        None
    }

    /// An extract's section: how each contract column is read, and which files of the `--data`
    /// folder the extract is (`files`).
    fn extract_section(
        &self,
        kind: ExtractKind,
        entries: &toml::Table,
    ) -> Result<(Vec<ColumnMapping>, Option<FilesPattern>)> {
        let section = kind.name();
        let (contract, _) = columns_of(kind);
        let mut columns = plain_columns(kind);
        let mut files = None;
        let mut sources: BTreeMap<String, &str> = BTreeMap::new();
        for (key, value) in entries {
            let here = self.entry(Some(section), key);
            if key == "files" {
                files = Some(files_pattern(&here, value)?);
                continue;
            }
            let Some(index) = contract.iter().position(|c| c == key) else {
                bail!(
                    "{here}: not a column of the {section} extract (its columns: {})",
                    contract.join(", ")
                );
            };
            let mut column = ColumnMapping {
                entry: format!("{} [{section}] {key}", self.shown),
                ..Default::default()
            };
            match value {
                toml::Value::String(name) => column.column = Some(name.clone()),
                toml::Value::Table(table) => self.column_table(&here, key, table, &mut column)?,
                _ => bail!(
                    "{here}: expected a column name in quotes, or a table such as {{ column = \"AdmDate\", format = \"%Y%m%d\" }}"
                ),
            }
            if let Some(name) = &column.column {
                if name.trim().is_empty() {
                    bail!("{here}: the column name is empty");
                }
                let normalised = super::contract::normalise_column_name(name);
                if let Some(other) = sources.insert(normalised, contract[index]) {
                    bail!("{here}: column {name:?} is already the one of [{section}] {other}");
                }
            }
            columns[index] = column;
        }
        Ok((columns, files))
    }

    fn column_table(
        &self,
        here: &str,
        key: &str,
        table: &toml::Table,
        column: &mut ColumnMapping,
    ) -> Result<()> {
        let is_date = key.ends_with("_date");
        let text = |name: &str, value: &toml::Value| -> Result<String> {
            match value {
                toml::Value::String(text) => Ok(text.clone()),
                _ => bail!("{here}: {name} expects a text in quotes"),
            }
        };
        let mut values = Values::default();
        let mut any_values = false;
        for (name, value) in table {
            match name.as_str() {
                "column" => column.column = Some(text(name, value)?),
                "format" if is_date => {
                    let format = text(name, value)?;
                    column.format =
                        Some(DateLayout::new(&format).map_err(|e| anyhow::anyhow!("{here}: {e}"))?);
                }
                "format" => bail!("{here}: format applies to date columns only"),
                "preset" => {
                    let name = text(name, value)?;
                    let Some(preset) = preset::find(&name) else {
                        bail!(
                            "{here}: unknown preset {name:?} (presets: {})",
                            preset::names().join(", ")
                        );
                    };
                    if preset.column != key {
                        bail!(
                            "{here}: preset {name:?} is for {} (not {key})",
                            preset.column
                        );
                    }
                    for (code, value) in preset.codes() {
                        values.map.entry(code).or_insert(value);
                    }
                    any_values = true;
                }
                "values" => {
                    let Some(codes) = value.as_table() else {
                        bail!("{here}: values expects a table such as {{ \"1\" = \"yes\", \"2\" = \"no\" }}");
                    };
                    for (code, value) in codes {
                        let value = match value {
                            toml::Value::String(text) => text.clone(),
                            toml::Value::Integer(number) => number.to_string(),
                            _ => bail!("{here}: values: the value of {code:?} is not a text in quotes"),
                        };
                        check_value(here, key, code, &value)?;
                        if code == "*" {
                            values.other = Some(value);
                        } else {
                            // Entries of `values` win over those of a preset.
                            values.map.insert(code.clone(), value);
                        }
                    }
                    any_values = true;
                }
                _ => bail!(
                    "{here}: unknown key {name:?} (a column's table has column{}, values and preset)",
                    if is_date { ", format" } else { "" }
                ),
            }
        }
        if any_values {
            column.values = Some(values);
        }
        Ok(())
    }
}

/// A `files` entry: a glob pattern relative to the `--data` folder.
fn files_pattern(here: &str, value: &toml::Value) -> Result<FilesPattern> {
    let Some(glob) = value.as_str() else {
        bail!("{here}: expected a file name or glob pattern in quotes, such as \"Spells_*.csv\"");
    };
    if glob.trim().is_empty() || Path::new(glob).is_absolute() {
        bail!("{here}: {glob:?} is not a file name or glob pattern relative to the --data folder (such as \"Spells_*.csv\")");
    }
    if let Err(error) = glob::Pattern::new(glob) {
        bail!("{here}: {glob:?} is not a valid glob pattern ({error})");
    }
    Ok(FilesPattern {
        glob: glob.to_string(),
        entry: here.to_string(),
    })
}

/// Refuses a value that the column could never hold.
fn check_value(here: &str, key: &str, code: &str, value: &str) -> Result<()> {
    match key {
        "out_of_area" if parse_flag(value).is_none() => bail!(
            "{here}: values maps {code:?} to {value:?}, which is not a flag (expected yes or no)"
        ),
        "oap_reason" if !value.is_empty() && !REASON_CODES.contains(&value) => bail!(
            "{here}: values maps {code:?} to {value:?}, which is not a reason code (expected one of {}, or \"\" for none)",
            REASON_CODES.join(", ")
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_reads_every_kind_of_entry() {
        let mapping = Mapping::parse(
            "m.toml",
            r#"
[csv]
delimiter = ";"
encoding = "windows-1252"

[admissions]
admission_id = "SpellID"
admission_date = { column = "AdmDate", format = "%Y%m%d" }
service_line = { column = "BedType", preset = "mhsds-bed-type", values = { "200" = "acute" } }

[placements]
out_of_area = { column = "OOA", values = { "1" = "yes", "2" = "no" } }
oap_reason = { values = { "*" = "10" } }
"#,
        )
        .unwrap();
        assert_eq!(mapping.delimiter, b';');
        assert_eq!(mapping.encoding, Some(encoding_rs::WINDOWS_1252));
        let adm = mapping.columns(ExtractKind::Admissions);
        assert_eq!(adm[0].column.as_deref(), Some("SpellID"));
        assert!(adm[1].column.is_none() && adm[1].values.is_none());
        assert_eq!(adm[4].format.as_ref().unwrap().describe(), "%Y%m%d");
        let lines = adm[3].values.as_ref().unwrap();
        assert_eq!(
            lines.get("200"),
            Some("acute"),
            "values win over the preset"
        );
        assert_eq!(lines.get("10"), Some("adult_acute"));
        assert_eq!(lines.get("300"), Some("cyp_inpatient"));
        assert_eq!(lines.get("999"), None);
        let plc = mapping.columns(ExtractKind::Placements);
        assert_eq!(plc[5].values.as_ref().unwrap().get("2"), Some("no"));
        assert_eq!(plc[6].values.as_ref().unwrap().get("anything"), Some("10"));
        assert_eq!(plc[6].entry, "m.toml [placements] oap_reason");
    }
}
