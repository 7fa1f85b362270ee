//! JSON, NDJSON and CSV writers. Field names are the measure names; ratios are fractions;
//! undefined figures are `null` (empty in CSV); suppressed figures are the string `"*"`.

use std::io::Write;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::nhs::PUBLISHED_COLUMNS;
use crate::schema::{Cell, Kind, Report, SCHEMA_VERSION};

fn cell_value(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(v) => Value::from(*v),
        Cell::Float(v) => serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Suppressed => Value::String("*".into()),
    }
}

/// One row as a JSON object, fields in output order.
fn row_object(report: &Report, row: &[Cell]) -> Map<String, Value> {
    report
        .fields
        .iter()
        .zip(row)
        .map(|(f, c)| (f.name.clone(), cell_value(c)))
        .collect()
}

/// The whole report as one JSON object (schema in docs/output-schema.md).
pub fn document(report: &Report) -> Value {
    let mut doc = Map::new();
    doc.insert("schema_version".into(), Value::from(SCHEMA_VERSION));
    doc.insert(
        "oapstat_version".into(),
        Value::from(env!("CARGO_PKG_VERSION")),
    );
    doc.insert("command".into(), Value::from(report.command.clone()));
    for (key, value) in &report.meta {
        doc.insert(key.clone(), value.clone());
    }
    let rows = report
        .rows
        .iter()
        .map(|r| Value::Object(row_object(report, r)))
        .collect();
    doc.insert("rows".into(), Value::Array(rows));
    Value::Object(doc)
}

pub fn write_json(report: &Report, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)?;
    Ok(())
}

pub fn write_ndjson(report: &Report, out: &mut dyn Write) -> Result<()> {
    for row in &report.rows {
        serde_json::to_writer(&mut *out, &Value::Object(row_object(report, row)))?;
        writeln!(out)?;
    }
    Ok(())
}

pub fn write_csv(report: &Report, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(report.fields.iter().map(|f| f.name.as_str()))?;
    for row in &report.rows {
        let record: Vec<_> = row.iter().map(csv_text).collect();
        writer.write_record(record.iter().map(|c| c.as_bytes()))?;
    }
    writer.flush()?;
    Ok(())
}

/// The report in the published layout: only a report of NHS measures has its fields. Dates are
/// written `DD/MM/YYYY`, as in the files NHS England publishes, so that oapstat's file and
/// theirs can be stacked in one table or spreadsheet.
pub fn write_nhs_csv(report: &Report, out: &mut dyn Write) -> Result<()> {
    let index: Vec<usize> = PUBLISHED_COLUMNS
        .iter()
        .map(|(_, field)| {
            report.field_index(field).ok_or_else(|| {
                anyhow::anyhow!(
                    "--format nhs-csv is the layout of NHS England's OAP measures: `oapstat nhs` writes it, `oapstat {}` does not",
                    report.command
                )
            })
        })
        .collect::<Result<_>>()?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(PUBLISHED_COLUMNS.iter().map(|(header, _)| *header))?;
    for row in &report.rows {
        let record: Vec<_> = index
            .iter()
            .map(|&i| match (report.fields[i].kind, &row[i]) {
                (Kind::Date, Cell::Text(iso)) => std::borrow::Cow::Owned(published_date(iso)),
                (_, cell) => csv_text(cell),
            })
            .collect();
        writer.write_record(record.iter().map(|c| c.as_bytes()))?;
    }
    writer.flush()?;
    Ok(())
}

/// An ISO date (`2026-10-01`) as NHS England's published files write it (`01/10/2026`).
fn published_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_or_else(|_| iso.to_string(), |d| d.format("%d/%m/%Y").to_string())
}

/// A cell as CSV text: empty when null, `*` when suppressed, whole numbers without a point.
fn csv_text(cell: &Cell) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match cell {
        Cell::Null => Cow::Borrowed(""),
        Cell::Text(s) => Cow::Borrowed(s),
        Cell::Int(v) => Cow::Owned(v.to_string()),
        Cell::Float(v) => Cow::Owned(v.to_string()),
        Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Cell::Suppressed => Cow::Borrowed("*"),
    }
}

/// The rows as a Parquet file: text and dates as such, flags as booleans, numbers as 64-bit
/// integers (every value whole) or floats; a numeric column holding a suppressed cell is text,
/// `*` beside the numbers written out, as in CSV.
pub fn write_parquet(report: &Report, out: &mut dyn Write) -> Result<()> {
    use polars::prelude::*;
    let height = report.rows.len();
    let mut columns = Vec::with_capacity(report.fields.len());
    for (i, field) in report.fields.iter().enumerate() {
        let cells = report.rows.iter().map(|row| &row[i]);
        let name: PlSmallStr = field.name.as_str().into();
        let column = match field.kind {
            Kind::Flag => Column::new(
                name,
                cells
                    .map(|c| match c {
                        Cell::Bool(b) => Some(*b),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            Kind::Date => {
                let days: Vec<Option<i32>> = cells
                    .map(|c| match c {
                        Cell::Text(t) => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                            .ok()
                            .map(crate::periods::day_of),
                        _ => None,
                    })
                    .collect();
                Column::new(name, days).cast(&DataType::Date)?
            }
            _ if report
                .rows
                .iter()
                .all(|row| matches!(row[i], Cell::Null | Cell::Int(_) | Cell::Float(_)))
                && field.kind != Kind::Text =>
            {
                let whole = report
                    .rows
                    .iter()
                    .all(|row| !matches!(row[i], Cell::Float(_)));
                if whole {
                    Column::new(
                        name,
                        cells
                            .map(|c| match c {
                                Cell::Int(v) => Some(*v),
                                _ => None,
                            })
                            .collect::<Vec<_>>(),
                    )
                } else {
                    Column::new(
                        name,
                        cells
                            .map(|c| match c {
                                Cell::Int(v) => Some(*v as f64),
                                Cell::Float(v) => Some(*v),
                                _ => None,
                            })
                            .collect::<Vec<_>>(),
                    )
                }
            }
            _ => Column::new(
                name,
                cells
                    .map(|c| match c {
                        Cell::Null => None,
                        other => Some(csv_text(other).into_owned()),
                    })
                    .collect::<Vec<_>>(),
            ),
        };
        columns.push(column);
    }
    let mut frame = DataFrame::new(height, columns)?;
    polars_io::prelude::ParquetWriter::new(out).finish(&mut frame)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_published() {
        assert_eq!(published_date("2026-10-01"), "01/10/2026");
        assert_eq!(published_date("2024-02-29"), "29/02/2024");
        assert_eq!(published_date("2025-11-30"), "30/11/2025");
    }
}
