//! The report of NHS England's measures for a selection: its fields, rows and metadata.
use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;
use serde_json::json;

use crate::demographics::Dimension;
use crate::input::reference::GroupPopulation;
use crate::input::Inputs;
use crate::nhs::{measures, measures_from_mhsds, without_zeros, Breakdown, NhsRequest, Window};
use crate::periods::Period;
use crate::schema::{Field, Kind, Report};
use crate::scope::Selection;

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
    /// Break each collaborative down by group of people too (NHS England's demographic
    /// breakdowns), where the admissions tell the groups.
    pub by_group: bool,
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

/// The breakdowns by group of people: when asked for, those the input tells (the admissions'
/// columns, or `MHS001MPI`).
fn dimensions(inputs: &Inputs, options: &Options) -> Vec<Dimension> {
    Dimension::ALL
        .into_iter()
        .filter(|&d| options.by_group && inputs.checked.people.has(d))
        .collect()
}

/// England's population (MHSDS tables: England's rates): `--population England=N`, else the sum
/// of England's age bands in `populations.csv` when it gives every one of them.
fn england_population(inputs: &Inputs, options: &Options) -> Option<u64> {
    if let Some(&n) = options.populations.get("England") {
        return Some(n);
    }
    let populations = inputs.reference.populations.as_ref()?;
    let bands = Dimension::AgeBand.groups();
    let known = &bands[..bands.len() - 1];
    known
        .iter()
        .map(|band| {
            populations
                .of("England", Dimension::AgeBand, band)
                .and_then(GroupPopulation::total)
        })
        .sum::<Option<f64>>()
        .map(|n| n.round() as u64)
}

/// The NHS measures of the selection for the reporting months.
pub fn compute(inputs: &Inputs, selection: &Selection, options: &Options) -> Result<DataFrame> {
    let mut populations = inputs.reference.populations();
    for (code, &n) in options.populations {
        populations.insert(code.clone(), Some(n));
    }
    let descriptions = inputs.reference.names();
    let covered_from = selection.coverage.from;
    let dimensions = dimensions(inputs, options);
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
        england_population: england_population(inputs, options),
        dimensions: &dimensions,
        group_populations: inputs.reference.populations.as_ref(),
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
        let without = [Breakdown::Collaborative.label(), Breakdown::England.label()];
        if is_rate
            && population.get(row).is_none()
            && breakdown.get(row).is_some_and(|b| without.contains(&b))
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
            "groups_of_people": dimensions(inputs, options).iter().map(|d| d.name()).collect::<Vec<_>>(),
        }),
    );
    report.meta.insert("empty_values".into(), {
        let mut empty = selection.coverage.empty_values(&periods);
        let england = without_population.iter().any(|c| c == "England");
        without_population.retain(|c| c != "England");
        empty["collaboratives_without_population"] = json!(without_population);
        if inputs.mhsds.is_some() {
            empty["england_without_population"] = json!(england);
        }
        empty
    });
    report.meta.insert("inputs".into(), inputs.metadata());
    for warning in report_warnings(&report) {
        report.notes.push(format!("Note: {warning}."));
    }
    if dimensions(inputs, options).contains(&Dimension::AgeBand) {
        report.notes.push(match inputs.mhsds {
            Some(_) => "Age band: age at the end of the month (MHS001MPI's AgeRepPeriodEnd), as NHS England bands it.",
            None => "Age band: age at admission (NHS England bands age at the end of the reporting period).",
        }.to_string());
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
pub fn report_warnings(report: &Report) -> Vec<String> {
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
    if empty.get("england_without_population") == Some(&serde_json::Value::Bool(true)) {
        warnings.push("no population for England (--population England=N, or England's age bands in populations.csv): England's rates per 1,000,000 (OAP05-OAP07, OAP05a-OAP07a) are empty, not 0".to_string());
    }
    warnings.extend(crate::coverage::describe(empty));
    warnings
}
