//! The table schema: what a report is (its fields, their kinds, its rows of cells and the
//! metadata that travels with them) and what describes a measure ([`measures`]). It sits below
//! both the analyses, which declare their reports' fields, and `render`, which writes them, so
//! neither needs the other's internals.

pub mod measures;

use polars::prelude::*;
use serde_json::{Map, Value};

use crate::periods::date_of;

/// The version of the machine-readable output schema (see docs/output-schema.md).
pub const SCHEMA_VERSION: u32 = 5;

/// What a field holds, which decides how it is shown and whether suppression touches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// ISO date.
    Date,
    /// A count of placements, admissions or days: suppressed and rounded under `--suppress`.
    Count,
    /// A fraction (0.25 is 25 %).
    Ratio,
    /// Pounds sterling.
    Money,
    /// A figure per 100,000 population.
    Rate,
    /// A figure from the reference data (population), never suppressed.
    Reference,
    /// Any other number (days, slopes).
    Number,
    /// A published measure whose nature varies by row: a count where the field it derives from
    /// (its numerator) is empty, else a rate or proportion of that numerator. Suppression rounds
    /// it as a count, or hides it with its numerator and rounds it to a whole number.
    Measure,
    /// Yes or no.
    Flag,
}

/// One output field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Machine name: a measure name of DOMAIN.md in snake_case.
    pub name: String,
    pub kind: Kind,
    /// Heading in the people's table; empty: not shown there (machine formats only).
    pub heading: String,
    /// Counts this figure is derived from: suppressed when any of them is.
    pub derived_from: Vec<String>,
    /// In the people's table only when asked for (`--columns`), so that the default set fits a
    /// terminal 120 characters wide.
    pub optional: bool,
}

impl Field {
    pub fn new(name: &str, kind: Kind, heading: &str, derived_from: &[&str]) -> Field {
        Field {
            name: name.to_string(),
            kind,
            heading: heading.to_string(),
            derived_from: derived_from.iter().map(|s| s.to_string()).collect(),
            optional: false,
        }
    }
    pub fn text(name: &str, heading: &str) -> Field {
        Field::new(name, Kind::Text, heading, &[])
    }
    pub fn date(name: &str) -> Field {
        Field::new(name, Kind::Date, "", &[])
    }
    pub fn count(name: &str, heading: &str) -> Field {
        Field::new(name, Kind::Count, heading, &[])
    }
    pub fn number(name: &str, heading: &str) -> Field {
        Field::new(name, Kind::Number, heading, &[])
    }
    /// Shown in the people's table only when asked for by `--columns` (it keeps its heading).
    pub fn optional(mut self) -> Field {
        self.optional = true;
        self
    }
    /// Not shown in the people's table (machine formats carry every field).
    pub fn hidden(mut self) -> Field {
        self.heading.clear();
        self
    }
}

/// One cell of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Hidden by small-number suppression: `*` in every format.
    Suppressed,
}

impl Cell {
    fn from_any(value: AnyValue) -> Cell {
        match value {
            AnyValue::Null => Cell::Null,
            AnyValue::Boolean(b) => Cell::Bool(b),
            AnyValue::String(s) => Cell::Text(s.to_string()),
            AnyValue::StringOwned(s) => Cell::Text(s.to_string()),
            AnyValue::Date(d) => Cell::Text(date_of(d).format("%Y-%m-%d").to_string()),
            AnyValue::Float64(v) if v.is_nan() => Cell::Null,
            AnyValue::Float64(v) => Cell::Float(v),
            AnyValue::Float32(v) => Cell::Float(f64::from(v)),
            other => match other.extract::<i64>() {
                Some(v) => Cell::Int(v),
                None => Cell::Text(other.to_string()),
            },
        }
    }
}

/// A result ready to be written: fields, rows and the metadata that travels with them.
#[derive(Debug, Clone)]
pub struct Report {
    /// The command that made it (`rates`, `los`...).
    pub command: String,
    pub fields: Vec<Field>,
    pub rows: Vec<Vec<Cell>>,
    /// Metadata written beside the rows in JSON (parameters, inputs, assumptions, suppression).
    pub meta: Map<String, Value>,
    /// Lines printed under the people's table (assumptions, suppression notice).
    pub notes: Vec<String>,
}

impl Report {
    /// Builds a report from a frame holding (at least) the named fields.
    pub fn from_frame(
        command: &str,
        frame: &DataFrame,
        fields: Vec<Field>,
    ) -> PolarsResult<Report> {
        let columns: Vec<&Column> = fields
            .iter()
            .map(|f| frame.column(&f.name))
            .collect::<PolarsResult<_>>()?;
        let mut rows = Vec::with_capacity(frame.height());
        for i in 0..frame.height() {
            let mut row = Vec::with_capacity(columns.len());
            for (column, field) in columns.iter().zip(&fields) {
                let cell = Cell::from_any(column.get(i)?);
                row.push(match (field.kind, cell) {
                    (Kind::Money, Cell::Float(v)) => Cell::Float(round_to_pence(v)),
                    (_, cell) => cell,
                });
            }
            rows.push(row);
        }
        Ok(Report {
            command: command.to_string(),
            fields,
            rows,
            meta: Map::new(),
            notes: Vec::new(),
        })
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// Pounds rounded to pence, a half penny away from zero. A computed amount such as 37,335.90 / 60
/// (exactly 622.265) is held as the nearest binary fraction, a hair above or below the half: it
/// is first taken to a ten-thousandth of a penny, so that exact halves round as on paper.
pub fn round_to_pence(pounds: f64) -> f64 {
    let pence = ((pounds * 100.0) * 1e4).round() / 1e4;
    pence.round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_rounds_half_pennies_away_from_zero() {
        assert_eq!(round_to_pence(37_335.9 / 60.0), 622.27);
        assert_eq!(round_to_pence(41_071.5 / 60.0), 684.53);
        assert_eq!(round_to_pence(12_290.1 / 20.0), 614.51);
        assert_eq!(round_to_pence(-1.005), -1.01);
        assert_eq!(round_to_pence(1.004_99), 1.0);
        assert_eq!(round_to_pence(0.125), 0.13);
    }
}
