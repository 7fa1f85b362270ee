//! A file's header: where each of the extract's columns is, and which required ones are missing.

use anyhow::{bail, Result};

use super::contract::{columns_of, normalise_column_name};
use super::files::ExtractKind;
use super::findings::{Finding, Rule};
use super::mapping::ColumnMapping;

/// What one file's header says: where each column is, and what is missing.
#[derive(Debug, Clone)]
pub struct Header {
    pub columns: Vec<Option<usize>>,
    /// Each contract column as messages name it: as the file's header spells it where a mapping
    /// names the column, else the contract's name.
    pub shown: Vec<String>,
    /// A finding for each required column that is missing (all the file's rows are invalid).
    pub missing: Vec<Finding>,
    pub fields: usize,
}

/// The header name (normalised) that holds each contract column: the mapping's, else the
/// contract's own.
pub fn wanted_names(kind: ExtractKind, mapping: &[ColumnMapping]) -> Vec<String> {
    columns_of(kind)
        .0
        .iter()
        .zip(mapping)
        .map(|(name, m)| normalise_column_name(m.column.as_deref().unwrap_or(name)))
        .collect()
}

/// Maps the header's names (any case, surrounding spaces) to the extract's columns, through the
/// mapping's names where it gives them. A column the mapping names that the file lacks is an
/// error: the mapping does not fit the file.
pub fn read_header(
    path: &str,
    kind: ExtractKind,
    names: &[&str],
    mapping: &[ColumnMapping],
) -> Result<Header> {
    let spelled: Vec<&str> = names
        .iter()
        .map(|n| n.trim_start_matches('\u{feff}').trim())
        .collect();
    let normalised: Vec<String> = names.iter().map(|n| normalise_column_name(n)).collect();
    let (contract, required) = columns_of(kind);
    let wanted = wanted_names(kind, mapping);
    for (i, name) in normalised.iter().enumerate() {
        if let Some(j) = normalised[..i].iter().position(|n| n == name) {
            if wanted.contains(name) {
                bail!(
                    "{path}:1: columns {:?} and {:?} both mean {name} (names are case-insensitive)",
                    names[j],
                    names[i]
                );
            }
        }
    }
    let columns: Vec<Option<usize>> = wanted
        .iter()
        .map(|w| normalised.iter().position(|n| n == w))
        .collect();
    let found = spelled.join(", ");
    for (m, at) in mapping.iter().zip(&columns) {
        if let (Some(name), None) = (&m.column, at) {
            bail!(
                "{}: column {name:?} is not in {path} (its columns: {found})",
                m.entry
            );
        }
    }
    let shown = contract
        .iter()
        .zip(mapping)
        .zip(&columns)
        .map(|((name, m), at)| match (&m.column, at) {
            (Some(_), Some(at)) => spelled[*at].to_string(),
            _ => name.to_string(),
        })
        .collect();
    // A header read as one column that holds another separator: say how to read it.
    let hint = match spelled[..] {
        [one] => [';', '\t', '|']
            .into_iter()
            .find(|d| one.contains(*d))
            .map(|d| {
                let d = if d == '\t' { "\\t".to_string() } else { d.to_string() };
                format!("; the header is one column: if the file is separated by \"{d}\", give a mapping with [csv] delimiter = \"{d}\"")
            })
            .unwrap_or_default(),
        _ => String::new(),
    };
    let missing = contract[..required]
        .iter()
        .zip(&columns)
        .filter(|(_, at)| at.is_none())
        .map(|(column, _)| Finding {
            file: path.to_string(),
            line: 1,
            rule: Rule::MissingColumn,
            column: Some(column),
            value: None,
            message: format!("missing required column {column} (found: {found}{hint})"),
        })
        .collect();
    Ok(Header {
        columns,
        shown,
        missing,
        fields: names.len(),
    })
}
