//! The table for people: a report's fields as columns, fitted to the terminal, its notes below.

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};

use crate::figures::format_cell;
use crate::schema::{Kind, Report};

/// How a table for people is laid out.
#[derive(Debug, Clone, Default)]
pub struct TableLayout {
    /// Fit the table to this many characters (a terminal's width), wrapping headings and, where
    /// still needed, cells; `None` (piped to a file or program): never cut or wrapped.
    pub width: Option<u16>,
    /// The fields shown, by machine name, in this order; empty: those with a heading.
    pub columns: Vec<String>,
}

/// The fields a table shows.
fn shown_fields(report: &Report, columns: &[String]) -> Result<Vec<usize>> {
    if columns.is_empty() {
        return Ok((0..report.fields.len())
            .filter(|&i| !report.fields[i].heading.is_empty() && !report.fields[i].optional)
            .collect());
    }
    columns
        .iter()
        .map(|name| {
            report.field_index(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "--columns: {name:?} is not a field of {}; its fields are {}",
                    report.command,
                    report
                        .fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect()
}

pub fn write_table(report: &Report, out: &mut dyn Write, layout: &TableLayout) -> Result<()> {
    let shown = shown_fields(report, &layout.columns)?;
    let heading = |i: usize| {
        let field = &report.fields[i];
        if field.heading.is_empty() {
            field.name.clone()
        } else {
            field.heading.clone()
        }
    };
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_header(shown.iter().map(|&i| heading(i)));
    let cells: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|row| {
            shown
                .iter()
                .map(|&i| format_cell(&report.fields[i], &row[i]))
                .collect()
        })
        .collect();
    match layout.width {
        Some(width) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
            // Headings wrap between words; a value or a word is never broken.
            for (k, &i) in shown.iter().enumerate() {
                let widest = cells
                    .iter()
                    .map(|row| row[k].chars().count())
                    .chain(heading(i).split_whitespace().map(|w| w.chars().count()))
                    .max()
                    .unwrap_or(1);
                if let Some(column) = table.column_mut(k) {
                    column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                        widest as u16 + 2,
                    )));
                }
            }
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    for row in cells {
        table.add_row(row.into_iter().zip(&shown).map(|(text, &i)| {
            let cell = comfy_table::Cell::new(text);
            if matches!(report.fields[i].kind, Kind::Text | Kind::Date | Kind::Flag) {
                cell
            } else {
                cell.set_alignment(CellAlignment::Right)
            }
        }));
    }
    writeln!(out, "{table}")?;
    for note in &report.notes {
        writeln!(out, "{note}")?;
    }
    Ok(())
}
