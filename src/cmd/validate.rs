//! `oapstat validate`: every problem in the extracts, with file and line, and the row counts.

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, CellAlignment, Table};
use serde_json::{json, Value};

use super::load_inputs;
use crate::cli::ValidateArgs;
use crate::figures::{group_thousands, percent};
use crate::input::findings::{self, FileCounts};
use crate::input::load::{UNPLACED_LIMIT, UNPLACED_REMEDY};
use crate::input::{Finding, Inputs};
use crate::render::Format;
use crate::schema::SCHEMA_VERSION;

/// Returns the exit code: 0 when the other commands would go on with the input (no invalid row,
/// spells without a placement, if any, within [`UNPLACED_LIMIT`]), 1 otherwise.
pub fn run(args: &ValidateArgs) -> Result<i32> {
    let inputs = load_inputs(
        &args.input,
        args.quiet || args.format != Format::Table,
        super::Extracts::BOTH.with_people(true),
    )?;
    let checked = &inputs.checked;
    let refusal = inputs.unplaced_refusal();
    let usable = checked.findings.is_empty() && refusal.is_none();
    // Every finding, those that leave their spell valid (no placement) among them, by file and line.
    let mut all: Vec<&Finding> = checked.findings.iter().chain(&checked.unplaced).collect();
    all.sort_by_key(|f| (f.file.as_str(), f.line));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Table => write_text(&inputs, &all, refusal.as_deref(), &mut out)?,
        Format::Json => {
            let doc = json!({
                "schema_version": SCHEMA_VERSION,
                "oapstat_version": env!("CARGO_PKG_VERSION"),
                "command": "validate",
                "valid": usable,
                "inputs": inputs.metadata(),
                "findings": all,
                "read_as_unknown": inputs.people_warnings(),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Ndjson => {
            for finding in &all {
                serde_json::to_writer(&mut out, finding)?;
                writeln!(out)?;
            }
        }
        Format::Csv => findings::write_csv(all.iter().copied(), "message", &mut out)?,
        Format::NhsCsv | Format::Xlsx | Format::Parquet => {
            unreachable!("--format offers validate only table, json, ndjson and csv")
        }
    }
    out.flush()?;
    Ok(if usable { 0 } else { 1 })
}

fn write_text(
    inputs: &Inputs,
    all: &[&Finding],
    refusal: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    let checked = &inputs.checked;
    for finding in all {
        writeln!(out, "{finding}")?;
    }
    if !all.is_empty() {
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
    for t in &checked.tables {
        let right = |n: usize| {
            comfy_table::Cell::new(group_thousands(n as i64)).set_alignment(CellAlignment::Right)
        };
        table.add_row(vec![
            comfy_table::Cell::new(&t.path),
            comfy_table::Cell::new(t.table.name()),
            right(t.rows_read),
            right(t.rows_used),
            right(t.rows_rejected),
        ]);
    }
    writeln!(out, "{table}")?;
    // The rows let go unchecked, per table that lets any go, and why.
    for (table, why) in [
        (
            crate::input::mhsds::Table::Referral,
            "rows without ReasonOAT (no out-of-area referral)",
        ),
        (
            crate::input::mhsds::Table::Mpi,
            "rows that are not a person's master record of the month, or of a person with no referral, spell or ward stay read,",
        ),
    ] {
        let not_needed: usize = (checked.tables.iter())
            .filter(|t| t.table == table)
            .map(|t| t.rows_not_needed)
            .sum();
        if not_needed > 0 {
            writeln!(
                out,
                "{}: {} {why} not needed, so not checked.",
                table.name(),
                group_thousands(not_needed as i64)
            )?;
        }
    }
    // The verdict in words: the invalid rows, then the spells without a placement (listed above
    // with the rest), refused or within the line; "No problems found." only when there are none.
    let problems = checked.findings.len();
    let unplaced = inputs.unplaced_count();
    if problems == 0 {
        let found = if unplaced.is_some() {
            "No invalid rows."
        } else {
            "No problems found."
        };
        writeln!(out, "{found}")?;
    } else {
        writeln!(
            out,
            "{} problem{} in {} row{}.",
            group_thousands(problems as i64),
            if problems == 1 { "" } else { "s" },
            group_thousands(checked.rows_invalid() as i64),
            if checked.rows_invalid() == 1 { "" } else { "s" },
        )?;
    }
    match (refusal, unplaced) {
        (Some(refusal), _) => writeln!(
            out,
            "Refused: {refusal}; the spells without a placement are listed above, and {UNPLACED_REMEDY}."
        )?,
        (None, Some(unplaced)) => writeln!(
            out,
            "{unplaced} (listed above), so whether they were out of area is not known; within the {}% the figures are trusted with.",
            percent(UNPLACED_LIMIT)
        )?,
        (None, None) => {}
    }
    let extract_date = inputs.extract_date_line();
    writeln!(
        out,
        "{}{}.",
        extract_date[..1].to_uppercase(),
        &extract_date[1..]
    )?;
    if let Some(mapping) = &inputs.mapping {
        writeln!(out, "Read through the mapping {}.", mapping.path)?;
    }
    for warning in inputs.people_warnings() {
        writeln!(out, "Read as UNKNOWN: {warning}.")?;
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
