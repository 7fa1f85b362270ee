//! `oapstat published`: NHS England's published OAP files as one tidy table.

use anyhow::Result;
use serde_json::json;

use super::emit;
use crate::cli::PublishedArgs;
use crate::figures::format_cell;
use crate::published::load;
use crate::published::{FileRead, Published};
use crate::render::Format;
use crate::schema::{Cell, Field, Kind, Report};

pub fn run(args: &PublishedArgs) -> Result<()> {
    let published = load(&args.files, args.period.as_deref(), args.keep_duplicates)?;
    if !args.output.quiet {
        for warning in &published.warnings {
            eprintln!("oapstat: warning: {warning}");
        }
        for file in &published.files {
            let left_out = match file.rows_not_oap {
                0 => String::new(),
                n => format!(", {n} not OAP measures left out"),
            };
            eprintln!(
                "oapstat: {}: {} rows read ({}, {}){left_out}",
                file.path, file.rows_read, file.generation, file.month
            );
        }
    }
    let mut report = report(&published)?;
    if args.output.format == Format::Table {
        report = for_people(report, &published.files);
    }
    emit(report, &args.output, None)
}

/// The fields of the tidy table.
pub fn fields() -> Vec<Field> {
    vec![
        Field::date("period_start"),
        Field::date("period_end"),
        Field::text("period", "Period"),
        // In the table only when more than one file is read (then numbered, see `for_people`).
        Field::text("source_file", "File").optional(),
        Field::text("generation", ""),
        Field::text("breakdown", "Breakdown"),
        Field::text("level_code", "Level"),
        Field::text("level_name", ""),
        Field::text("secondary_breakdown", "Secondary breakdown").optional(),
        Field::text("secondary_code", "Secondary code").optional(),
        // The secondary level's description (its code where the file has none).
        Field::text("secondary_name", "Secondary"),
        Field::text("measure", ""),
        Field::text("measure_id", "Measure"),
        // A count, rate or percentage as published: whole numbers without a point in the table.
        Field::new("value", Kind::Measure, "Value", &[]),
        // In the table a suppressed value is `*`, as in the file.
        Field::new("suppressed", Kind::Flag, "Suppressed", &[]).optional(),
    ]
}

/// The table for people, within 120 characters where the names allow: the period with its
/// reporting month (`2026-10 Q`, as `empty_values` labels windows), since files of several
/// months hold the same rows; each file's number when more than one is read (the rounded and
/// `_RAW` files hold the same rows), named in a note; the secondary level's description, else
/// its code; a suppressed value as `*`. Machine formats keep every field as read.
fn for_people(mut report: Report, files: &[FileRead]) -> Report {
    let at = |name: &str| report.field_index(name).expect("a field of `published`");
    let (period, end, file) = (at("period"), at("period_end"), at("source_file"));
    let (code, name) = (at("secondary_code"), at("secondary_name"));
    let (value, suppressed) = (at("value"), at("suppressed"));
    let several = files.len() > 1;
    let end_field = report.fields[end].clone();
    for row in &mut report.rows {
        let month: String = format_cell(&end_field, &row[end]).chars().take(7).collect();
        if let Cell::Text(length) = &row[period] {
            row[period] = Cell::Text(format!("{month} {length}"));
        }
        if several {
            if let Cell::Text(path) = &row[file] {
                let number = files
                    .iter()
                    .position(|f| &f.path == path)
                    .map_or(0, |n| n + 1);
                row[file] = Cell::Text(number.to_string());
            }
        }
        let described = matches!(&row[name], Cell::Text(t) if !t.is_empty());
        if !described {
            row[name] = row[code].clone();
        }
        if row[suppressed] == Cell::Bool(true) {
            row[value] = Cell::Suppressed;
        }
    }
    if several {
        report.fields[file].optional = false;
        for (n, f) in files.iter().enumerate() {
            report.notes.push(format!(
                "File {}: {} ({}, {}).",
                n + 1,
                f.path,
                f.variant(),
                f.month
            ));
        }
    }
    report
}

fn report(published: &Published) -> Result<Report> {
    let mut report = Report::from_frame("published", &published.frame, fields())?;
    report
        .meta
        .insert("files".into(), serde_json::to_value(&published.files)?);
    report
        .meta
        .insert("warnings".into(), json!(published.warnings));
    report.notes.push("Values as published: `*` where NHS England suppressed them (in CSV and JSON an empty value with suppressed true); the share of OAP days with a recorded cost, a fraction in the files, is a percentage here.".into());
    Ok(report)
}
