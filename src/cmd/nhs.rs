//! `oapstat nhs`: NHS England's published OAP measures for a reporting month or a series.

use anyhow::{bail, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use serde_json::json;

use super::{parse_month, prepare, suppress_as_asked, write_report, Extracts, Selection};
use crate::cli::NhsArgs;
use crate::input::Inputs;
use crate::nhs::{
    is_percentage, measure_names, measures, measures_from_mhsds, short_name, without_zeros,
    Breakdown, NhsRequest, Window, ADULT_ACUTE,
};
use crate::periods::{
    add_months, last_complete_month_end, month_end, month_start, parse_bound, Period,
};
use crate::render::{format_cell, Cell, Field, Format, Kind, Report};

pub fn run(args: &NhsArgs) -> Result<()> {
    let quiet = args.output.quiet;
    let (inputs, selection) = prepare(&args.analysis, quiet, Extracts::Both)?;
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
        ADULT_ACUTE.iter().map(|s| s.to_string()).collect()
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
/// percentage with its `%` (`5.7%`). Machine formats keep the bare id and number.
fn for_people(mut report: Report) -> Report {
    let (Some(id_at), Some(value_at)) = (
        report.field_index("measure_id"),
        report.field_index("measure_value"),
    ) else {
        return report;
    };
    let value_field = report.fields[value_at].clone();
    for row in &mut report.rows {
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

/// What `nhs` computes besides the selection.
pub struct Options<'a> {
    /// First day of each reporting month.
    pub months: &'a [NaiveDate],
    pub adult_acute: &'a [String],
    pub status: &'a str,
    /// Leave out rows whose value is 0 or empty, as NHS England's `_RAW` file does.
    pub raw: bool,
    /// Populations given with `--population` (`England`, or a collaborative's, over the
    /// reference's).
    pub populations: &'a std::collections::BTreeMap<String, u64>,
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
                super::today()?,
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

/// The fields of the report, in the columns of the published file plus the reporting month and
/// period code first and the figures a rate is made of last.
pub fn fields() -> Vec<Field> {
    vec![
        Field::text("month", "Month"),
        Field::text("period", "Period"),
        Field::date("reporting_period_start"),
        Field::date("reporting_period_end"),
        Field::text("status", ""),
        Field::text("breakdown", "Breakdown"),
        Field::text("primary_level", "Level"),
        Field::text("primary_level_description", ""),
        Field::text("secondary_level", "Secondary level"),
        Field::text("secondary_level_description", ""),
        Field::text("measure_id", "Measure"),
        Field::text("measure_name", ""),
        Field::new("measure_value", Kind::Measure, "Value", &["numerator"]),
        Field::count("numerator", "Numerator").optional(),
        Field::count("denominator", "Denominator").optional(),
        Field::new("population", Kind::Reference, "", &[]),
    ]
}

/// The NHS measures of the selection for the reporting months.
pub fn compute(inputs: &Inputs, selection: &Selection, options: &Options) -> Result<DataFrame> {
    let mut populations = inputs.reference.populations();
    for (code, &n) in options.populations {
        populations.insert(code.clone(), Some(n));
    }
    let descriptions = inputs.reference.names();
    let covered_from = selection.coverage.from;
    let request = NhsRequest {
        months: options.months,
        collaboratives: &selection.collaboratives,
        selected: &selection.scope.collaboratives,
        names: &selection.names,
        adult_acute: options.adult_acute,
        populations: &populations,
        descriptions: &descriptions,
        covered_from,
        status: options.status,
        england_population: options.populations.get("England").copied(),
    };
    let frame = match &inputs.mhsds {
        // NHS England's own way, from the tables themselves (the adult acute group is its
        // bed types 200-202, 10-12 before April 2024).
        Some(mhsds) => measures_from_mhsds(&mhsds.data, &request)?,
        None => measures(&selection.admissions, &selection.oaps, &request)?,
    };
    Ok(if options.raw {
        without_zeros(&frame)?
    } else {
        frame
    })
}

/// The report: rows, and metadata saying which months, adult acute lines, and which figures are
/// empty and why.
pub fn report(inputs: &Inputs, selection: &Selection, options: &Options) -> Result<Report> {
    let frame = compute(inputs, selection, options)?;
    crate::timing("nhs: frame");
    let mut report = Report::from_frame("nhs", &frame, fields())?;
    crate::timing("nhs: report");
    let mut without_population: Vec<String> = Vec::new();
    let population = frame.column("population")?.i64()?;
    let breakdown = frame.column("breakdown")?.str()?;
    let level = frame.column("primary_level")?.str()?;
    let id = frame.column("measure_id")?.str()?;
    for row in 0..frame.height() {
        let is_rate = id.get(row).is_some_and(|id| {
            ["OAP05", "OAP06", "OAP07"]
                .iter()
                .any(|r| id.starts_with(r))
        });
        if is_rate
            && population.get(row).is_none()
            && breakdown.get(row) == Some(Breakdown::Collaborative.label())
        {
            let code = level.get(row).unwrap_or_default().to_string();
            if !without_population.contains(&code) {
                without_population.push(code);
            }
        }
    }
    // Each month's M, Q and Y periods, for what the extract does not cover.
    let periods: Vec<Period> = options
        .months
        .iter()
        .flat_map(|&m| Window::ALL.map(|w| w.period(m)))
        .collect();
    let months = options.months;
    report.meta.insert(
        "parameters".into(),
        json!({
            "months": months.iter().map(|m| m.format("%Y-%m").to_string()).collect::<Vec<_>>(),
            "periods": {"M": "the month", "Q": "the 3 months ending with it", "Y": "the 12 months ending with it"},
            "adult_acute_service_lines": options.adult_acute,
            "status": options.status,
            "raw": options.raw,
            "collaboratives": selection.scope.collaboratives,
            "service_lines": selection.scope.service_lines,
        }),
    );
    report.meta.insert("empty_values".into(), {
        let mut empty = selection.coverage.empty_values(&periods);
        empty["collaboratives_without_population"] = json!(without_population);
        empty
    });
    report.meta.insert("inputs".into(), inputs.metadata());
    for warning in report_warnings(&report) {
        report.notes.push(format!("Note: {warning}."));
    }
    report.notes.push(match inputs.mhsds {
        Some(_) => "Adult acute (the `a` measures): MHSDS bed types 200, 201, 202 (10, 11, 12 before April 2024), as NHS England's pipeline reads them; bed days at Q and Y are the sums of the months' (docs/mhsds.md).".to_string(),
        None => format!(
            "Adult acute (the `a` measures): {}.",
            options.adult_acute.join(", ")
        ),
    });
    Ok(report)
}

/// Why some values are empty, in words (from the report's `empty_values` metadata).
fn report_warnings(report: &Report) -> Vec<String> {
    let mut warnings = Vec::new();
    let Some(empty) = report.meta.get("empty_values") else {
        return warnings;
    };
    let list = |key: &str| crate::coverage::listed(empty, key);
    let codes = list("collaboratives_without_population");
    if !codes.is_empty() {
        warnings.push(format!(
            "no population in the collaboratives reference for {}: their rates per 1,000,000 (OAP05-OAP07, OAP05a-OAP07a) and those of the collaboratives together are empty, not 0",
            codes.join(", ")
        ));
    }
    warnings.extend(crate::coverage::describe(empty));
    warnings
}
