//! `oapstat published`: NHS England's published OAP files as one tidy table.

use anyhow::{bail, Result};
use serde_json::json;

use super::emit;
use crate::cli::PublishedArgs;
use crate::input::files::expand;
use crate::periods::parse_bound;
use crate::published::{read, Published};
use crate::render::{Field, Kind, Report};

pub fn run(args: &PublishedArgs) -> Result<()> {
    let published = load(&args.files, args.period.as_deref(), args.keep_duplicates)?;
    if !args.output.quiet {
        for warning in &published.warnings {
            eprintln!("oapstat: warning: {warning}");
        }
        for file in &published.files {
            eprintln!(
                "oapstat: {}: {} rows read ({}, {})",
                file.path, file.rows_read, file.generation, file.month
            );
        }
    }
    emit(report(&published)?, &args.output, None)
}

/// Reads the files (paths or globs) named on the command line.
pub fn load(files: &[String], period: Option<&str>, keep_duplicates: bool) -> Result<Published> {
    let period = match period {
        Some(text) => match parse_bound(text, false) {
            Ok(month) if text.trim().len() == 7 => Some(month),
            _ => bail!("--period {text:?} is not a month (expected YYYY-MM)"),
        },
        None => None,
    };
    let paths: Vec<String> = expand(files, "FILE")?
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    read(&paths, period, keep_duplicates)
}

/// The fields of the tidy table.
pub fn fields() -> Vec<Field> {
    vec![
        Field::date("period_start"),
        Field::date("period_end"),
        Field::text("period", "Period"),
        Field::text("source_file", ""),
        Field::text("generation", ""),
        Field::text("breakdown", "Breakdown"),
        Field::text("level_code", "Level"),
        Field::text("level_name", ""),
        Field::text("secondary_breakdown", "Secondary"),
        Field::text("secondary_code", "Code"),
        Field::text("secondary_name", ""),
        Field::text("measure", ""),
        Field::text("measure_id", "Measure"),
        // A count, rate or percentage as published: whole numbers without a point in the table.
        Field::new("value", Kind::Measure, "Value", &[]),
        Field::new("suppressed", Kind::Flag, "Suppressed", &[]),
    ]
}

fn report(published: &Published) -> Result<Report> {
    let mut report = Report::from_frame("published", &published.frame, fields())?;
    report
        .meta
        .insert("files".into(), serde_json::to_value(&published.files)?);
    report
        .meta
        .insert("warnings".into(), json!(published.warnings));
    report.notes.push("Values as published: `*` (suppressed) is an empty value with suppressed = yes; the share of OAP days with a recorded cost, a fraction in the files, is a percentage here.".into());
    Ok(report)
}
