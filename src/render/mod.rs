//! Turning results into bytes: a readable table for people, JSON, NDJSON and CSV for machines.
//!
//! Analyses produce dataframes; [`crate::schema::Report::from_frame`] turns one into a [`crate::schema::Report`] (typed cells
//! plus metadata), [`crate::suppress`] may rewrite its cells, and one writer per format turns it
//! into bytes. No analysis formats text, and no writer computes a figure.

pub mod benchmark_chart;
pub mod chart;
pub mod demand_chart;
pub mod equality_chart;
pub mod icons;
mod machine;
pub mod matrix;
mod text;
pub mod xlsx;

use std::io::Write;

use anyhow::Result;

use crate::schema::Report;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A table for people.
    Table,
    /// One JSON object: `{"schema_version", ..., "rows": [...]}`.
    Json,
    /// One JSON object per row, one per line.
    Ndjson,
    /// A header line and one line per row.
    Csv,
    /// NHS England's published OAP file: its exact header, one measure a line, dates DD/MM/YYYY
    /// as NHS England writes them (`oapstat nhs`).
    #[value(name = "nhs-csv")]
    #[serde(rename = "nhs-csv")]
    NhsCsv,
    /// An Excel workbook: the rows on one sheet (numbers as numbers, with formats), and a
    /// metadata sheet. Binary: give -o FILE.
    Xlsx,
    /// An Apache Parquet file of the rows, for Polars, pandas or DuckDB. Binary: give -o FILE.
    Parquet,
}

impl Format {
    /// Bytes for a file, not text for a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Parquet)
    }
}

/// Writes a report in a format.
pub fn write(report: &Report, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Table => text::write_table(report, out, &TableLayout::default()),
        Format::Json => machine::write_json(report, out),
        Format::Ndjson => machine::write_ndjson(report, out),
        Format::Csv => machine::write_csv(report, out),
        Format::NhsCsv => machine::write_nhs_csv(report, out),
        Format::Xlsx => Ok(out.write_all(&xlsx::report_workbook(report)?)?),
        Format::Parquet => machine::write_parquet(report, out),
    }
}

/// The report as bytes (for files, tests and snapshots).
pub fn to_bytes(report: &Report, format: Format) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write(report, format, &mut bytes)?;
    Ok(bytes)
}

pub use text::{write_table, TableLayout};
