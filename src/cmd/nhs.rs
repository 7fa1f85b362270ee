//! `oapstat nhs`: NHS England's published OAP measures for a reporting month or a series.

use anyhow::{bail, Result};
use chrono::NaiveDate;

use super::{prepare, suppress_as_asked, write_report};
use crate::cli::NhsArgs;
use crate::demographics::Dimension;
use crate::figures::format_cell;
use crate::input::Extracts;
use crate::input::Inputs;
use crate::nhs::{default_adult_acute, is_percentage, measure_names, short_name};
use crate::nhs::{report, report_warnings, Options};
use crate::periods::parse_month;
use crate::periods::{add_months, last_complete_month_end, month_end, month_start, parse_bound};
use crate::render::Format;
use crate::schema::{Cell, Report};

pub fn run(args: &NhsArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let (inputs, selection) = prepare(
        &args.analysis,
        quiet,
        Extracts::BOTH.with_people(!args.no_groups),
    )?;
    if inputs.mhsds.is_some() {
        // NHS England's measures from its own tables: its own adult acute bed types, every
        // bed type; an option choosing otherwise would be read and then not used.
        if !args.adult_acute.is_empty() {
            bail!("--adult-acute does not apply to MHSDS tables: the `a` measures are of NHS England's adult acute bed types (200-202, 10-12 before April 2024)");
        }
        if !args.analysis.scope.service_line.is_empty() {
            bail!("--service-line does not apply to nhs with MHSDS tables: NHS England's measures are of every bed type, the `a` measures of its adult acute beds");
        }
    }
    let months = reporting_months(args, &inputs)?;
    let adult_acute: Vec<String> = if args.adult_acute.is_empty() {
        default_adult_acute()
    } else {
        args.adult_acute.clone()
    };
    let populations = super::benchmark::populations(&args.population)?;
    let options = Options {
        months: &months,
        adult_acute: &adult_acute,
        status: &args.status,
        raw: args.raw,
        populations: &populations,
        by_group: !args.no_groups,
    };
    let mut report = report(&inputs, &selection, &options)?;
    crate::timing("nhs measures computed");
    if args.output.format == Format::Table {
        report.notes.push(
            "Measures (OAP01-OAP11 count inappropriate OAPs, reason 10; the `a` measures adult acute"
                .into(),
        );
        report.notes.push(
            "spells only; per 1M: per 1,000,000 of the population; %: of the same count over all spells):"
                .into(),
        );
        for (id, name) in measure_names() {
            report.notes.push(format!("  {id}  {name}"));
        }
    }
    if !quiet && args.output.format != Format::Table {
        for warning in &report_warnings(&report) {
            eprintln!("oapstat: warning: {warning}");
        }
    }
    if !quiet {
        eprintln!("oapstat: {}", inputs.counts_line());
    }
    suppress_as_asked(&mut report, Some(&args.suppress))?;
    if args.output.format == Format::Table {
        report = for_people(report);
    }
    let result = write_report(&report, &args.output);
    crate::timing("written");
    result
}

/// The table for people: each measure id with its short name (`OAP08 started %`), and a
/// percentage with its `%` (`5.7%`), and a collaborative's breakdown without the `Collaborative; `
/// its Level column already says (`Gender`, beside `NCM`). Machine formats keep the published
/// text, the bare id and number.
fn for_people(mut report: Report) -> Report {
    let (Some(id_at), Some(value_at), Some(breakdown_at)) = (
        report.field_index("measure_id"),
        report.field_index("measure_value"),
        report.field_index("breakdown"),
    ) else {
        return report;
    };
    let value_field = report.fields[value_at].clone();
    let at = |name: &str| report.field_index(name);
    let (primary, secondary) = (
        at("primary_level").zip(at("primary_level_description")),
        at("secondary_level").zip(at("secondary_level_description")),
    );
    for row in &mut report.rows {
        // A group of people by its name (`Female`, `British`) where the level holds its code:
        // England's in the primary level, any other level's in the secondary.
        let Cell::Text(breakdown) = &row[breakdown_at] else {
            continue;
        };
        let of_group = Dimension::ALL
            .iter()
            .any(|d| breakdown.ends_with(&format!("; {}", d.breakdown())));
        let level = match breakdown.starts_with("England; ") {
            true => primary,
            false => secondary,
        };
        if let (true, Some((code, name))) = (of_group, level) {
            row[code] = row[name].clone();
        }
        if let Cell::Text(breakdown) = &row[breakdown_at] {
            if let Some(within) = breakdown.strip_prefix("Collaborative; ") {
                row[breakdown_at] = Cell::Text(within.to_string());
            }
        }
        let Cell::Text(id) = &row[id_at] else {
            continue;
        };
        let percentage = is_percentage(id);
        if let Some(name) = short_name(id) {
            row[id_at] = Cell::Text(format!("{id} {name}"));
        }
        if percentage && matches!(row[value_at], Cell::Float(_) | Cell::Int(_)) {
            row[value_at] = Cell::Text(format!("{}%", format_cell(&value_field, &row[value_at])));
        }
    }
    report
}

/// The first day of each reporting month asked for, each checked against the extract: complete
/// on its extract date and not before it starts.
fn reporting_months(args: &NhsArgs, inputs: &Inputs) -> Result<Vec<NaiveDate>> {
    let month = |text: &str, option: &str| -> Result<NaiveDate> {
        match parse_bound(text, false) {
            Ok(start) if text.trim().len() == 7 => Ok(start),
            _ => bail!("{option} {text:?} is not a month (expected YYYY-MM)"),
        }
    };
    let last_of_extract = month_start(last_complete_month_end(inputs.checked.extract_date));
    let (first, last) = match (&args.month, &args.from) {
        (Some(text), _) => {
            let m = parse_month(
                text,
                "--month",
                inputs.checked.extract_date,
                crate::periods::today()?,
            )?;
            (m, m)
        }
        (None, Some(from)) => {
            let to = match &args.to {
                Some(text) => month(text, "--to")?,
                None => last_of_extract,
            };
            (month(from, "--from")?, to)
        }
        (None, None) => {
            let to = match (&args.to, args.last) {
                (Some(text), Some(_)) => month(text, "--to")?,
                (Some(_), None) => bail!("--to goes with --from or --last"),
                (None, _) => last_of_extract,
            };
            match args.last {
                Some(0) => bail!("--last must be 1 or more"),
                Some(n) => (add_months(to, 1 - n as i32), to),
                None => (to, to),
            }
        }
    };
    if last < first {
        bail!(
            "--to {} is before --from {}",
            last.format("%Y-%m"),
            first.format("%Y-%m")
        );
    }
    let extract_date = inputs.checked.extract_date;
    if month_end(last) > extract_date {
        bail!(
            "{} is not complete on the extract date {extract_date}: the last complete month is {}",
            last.format("%Y-%m"),
            last_of_extract.format("%Y-%m")
        );
    }
    if let Some((start, from_what)) = inputs.checked.data_start()? {
        if first < month_start(start) {
            bail!(
                "{} is before the extract starts ({start}, {from_what}): no figure for it",
                first.format("%Y-%m")
            );
        }
    }
    let mut months = Vec::new();
    let mut m = first;
    while m <= last {
        months.push(m);
        m = add_months(m, 1);
    }
    Ok(months)
}
