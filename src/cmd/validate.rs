//! `oapstat validate`: every problem in the extracts, with file and line, and the row counts.

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, CellAlignment, Table};
use serde_json::{json, Value};

use super::load_inputs;
use crate::cli::ValidateArgs;
use crate::input::findings::{self, FileCounts};
use crate::input::mapping::MappingSource;
use crate::input::Checked;
use crate::render::{group_thousands, Format, SCHEMA_VERSION};

/// Returns the exit code: 0 when the input is clean, 1 when problems were found.
pub fn run(args: &ValidateArgs) -> Result<i32> {
    if matches!(args.format, Format::NhsCsv | Format::Xlsx | Format::Parquet) {
        anyhow::bail!("oapstat validate lists its findings as table, json, ndjson or csv");
    }
    let inputs = load_inputs(
        &args.input,
        args.format != Format::Table,
        super::Extracts::Both,
    )?;
    let checked = &inputs.checked;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Table => write_text(checked, inputs.mapping.as_ref(), &mut out)?,
        Format::Json => {
            let doc = json!({
                "schema_version": SCHEMA_VERSION,
                "oapstat_version": env!("CARGO_PKG_VERSION"),
                "command": "validate",
                "valid": checked.findings.is_empty(),
                "inputs": inputs.metadata(),
                "findings": checked.findings,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Ndjson => {
            for finding in &checked.findings {
                serde_json::to_writer(&mut out, finding)?;
                writeln!(out)?;
            }
        }
        Format::Csv => findings::write_csv(&checked.findings, "message", &mut out)?,
        Format::NhsCsv | Format::Xlsx | Format::Parquet => unreachable!("refused above"),
    }
    out.flush()?;
    Ok(if checked.findings.is_empty() { 0 } else { 1 })
}

fn write_text(
    checked: &Checked,
    mapping: Option<&MappingSource>,
    out: &mut dyn Write,
) -> Result<()> {
    for finding in &checked.findings {
        writeln!(out, "{finding}")?;
    }
    if !checked.findings.is_empty() {
        writeln!(out)?;
    }
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED).set_header([
        "File",
        "Extract",
        "Rows read",
        "Valid",
        "Invalid",
    ]);
    for f in &checked.files {
        let extract = match serde_json::to_value(f.extract)? {
            Value::String(s) => s,
            other => other.to_string(),
        };
        table.add_row(vec![
            comfy_table::Cell::new(&f.path),
            comfy_table::Cell::new(extract),
            comfy_table::Cell::new(group_thousands(f.rows_read as i64))
                .set_alignment(CellAlignment::Right),
            comfy_table::Cell::new(group_thousands(f.rows_valid as i64))
                .set_alignment(CellAlignment::Right),
            comfy_table::Cell::new(invalid_rows(f)).set_alignment(CellAlignment::Right),
        ]);
    }
    writeln!(out, "{table}")?;
    let problems = checked.findings.len();
    if problems == 0 {
        writeln!(
            out,
            "No problems found (extract date {}).",
            checked.extract_date
        )?;
    } else {
        writeln!(
            out,
            "{} problem{} in {} row{} (extract date {}).",
            group_thousands(problems as i64),
            if problems == 1 { "" } else { "s" },
            group_thousands(checked.rows_invalid() as i64),
            if checked.rows_invalid() == 1 { "" } else { "s" },
            checked.extract_date
        )?;
    }
    if let Some(mapping) = mapping {
        writeln!(out, "Read through the mapping {}.", mapping.path)?;
    }
    Ok(())
}

/// A file's invalid rows, with the lines they took when a quoted cell of one spans lines.
fn invalid_rows(f: &FileCounts) -> String {
    let rows = group_thousands(f.rows_invalid as i64);
    if f.lines_invalid > f.rows_invalid {
        format!("{rows} ({} lines)", group_thousands(f.lines_invalid as i64))
    } else {
        rows
    }
}
