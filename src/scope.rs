//! Which collaboratives and service lines an analysis looks at (`--collaborative`,
//! `--service-line`).

use anyhow::{bail, Result};
use polars::prelude::*;

use crate::coverage::Coverage;
use crate::input::Inputs;
use crate::periods::{Period, PeriodKind};
use crate::schema::Report;

/// Filters shared by every analysis. Empty lists mean "all".
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Scope {
    pub collaboratives: Vec<String>,
    pub service_lines: Vec<String>,
}

impl Scope {
    /// Keeps the rows of a frame with `collaborative` and `service_line` columns that are in
    /// scope; the columns hold codes into `names` (see `validate::Checked`).
    pub fn apply(&self, frame: &DataFrame, names: &[String]) -> PolarsResult<DataFrame> {
        let mut keep: Option<BooleanChunked> = None;
        for (column, values) in [
            ("collaborative", &self.collaboratives),
            ("service_line", &self.service_lines),
        ] {
            if values.is_empty() {
                continue;
            }
            let listed: Vec<bool> = names.iter().map(|n| values.contains(n)).collect();
            let in_list: BooleanChunked = frame
                .column(column)?
                .u32()?
                .iter()
                .map(|code| code.is_some_and(|c| listed.get(c as usize) == Some(&true)))
                .collect();
            keep = Some(match keep {
                Some(k) => &k & &in_list,
                None => in_list,
            });
        }
        match keep {
            Some(mask) => frame.filter(&mask),
            None => Ok(frame.clone()),
        }
    }

    /// Whether a collaborative code is in scope.
    pub fn includes_collaborative(&self, code: &str) -> bool {
        self.collaboratives.is_empty() || self.collaboratives.iter().any(|c| c == code)
    }

    /// Whether a service line is in scope.
    pub fn includes_service_line(&self, line: &str) -> bool {
        self.service_lines.is_empty() || self.service_lines.iter().any(|s| s == line)
    }
}

/// The collaboratives of the reference that are in scope (each gets a row for every period).
pub fn listed_collaboratives(inputs: &Inputs, scope: &Scope) -> Vec<String> {
    inputs
        .reference
        .collaboratives
        .keys()
        .filter(|c| scope.includes_collaborative(c))
        .cloned()
        .collect()
}

/// The valid rows in scope, and the collaboratives that must each have a row per period.
pub struct Selection {
    pub admissions: polars::prelude::DataFrame,
    /// The out-of-area placements in scope.
    pub oaps: polars::prelude::DataFrame,
    pub collaboratives: Vec<String>,
    pub scope: Scope,
    /// The names of the coded `collaborative` and `service_line` columns.
    pub names: Vec<String>,
    /// The days the extract covers: figures of periods outside them are empty.
    pub coverage: Coverage,
}

/// Applies the scope (`--collaborative`, `--service-line`) to the checked extracts. A
/// collaborative's code may be given in any case.
/// The collaboratives the extracts or the reference name.
pub fn known_collaboratives(inputs: &Inputs) -> Result<std::collections::BTreeSet<String>> {
    let codes = inputs
        .checked
        .admissions
        .column("collaborative")?
        .as_materialized_series()
        .unique()?;
    let mut known: std::collections::BTreeSet<String> =
        crate::spells::decode(&codes.into(), &inputs.checked.names)?
            .str()?
            .iter()
            .flatten()
            .map(str::to_string)
            .collect();
    known.extend(inputs.reference.collaboratives.keys().cloned());
    Ok(known)
}

pub fn select(inputs: &Inputs, mut scope: Scope) -> Result<Selection> {
    // A misspelt code would otherwise give an empty report that looks like "no activity".
    if !scope.collaboratives.is_empty() {
        let known = known_collaboratives(inputs)?;
        for code in &mut scope.collaboratives {
            let found = known
                .get(code.as_str())
                .or_else(|| known.iter().find(|k| k.eq_ignore_ascii_case(code)));
            match found {
                Some(known) => *code = known.clone(),
                None if known.is_empty() => bail!(
                    "--collaborative {code}: no such collaborative (the admissions and the collaboratives reference name none)"
                ),
                None => bail!(
                    "--collaborative {code}: no such collaborative in the admissions or the collaboratives reference (those there: {})",
                    known.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            }
        }
    }
    let names = &inputs.checked.names;
    Ok(Selection {
        admissions: scope.apply(&inputs.checked.admissions, names)?,
        oaps: scope.apply(&inputs.checked.oaps, names)?,
        collaboratives: listed_collaboratives(inputs, &scope),
        scope,
        names: names.clone(),
        coverage: Coverage::new(
            inputs.checked.data_start()?.map(|(day, _)| day),
            inputs.checked.extract_date,
        ),
    })
}

impl Selection {
    /// The selection as one collaborative named `label`: every spell and placement counted
    /// together, so that its figures are those of the whole (sums of counts, ratios and medians
    /// recomputed over all rows, never averaged).
    pub fn pooled(&self, label: &str) -> Result<Selection> {
        let mut names = self.names.clone();
        names.push(label.to_string());
        let code = (names.len() - 1) as u32;
        let recode = |frame: &polars::prelude::DataFrame| -> Result<polars::prelude::DataFrame> {
            let mut frame = frame.clone();
            let codes =
                polars::prelude::Column::new("collaborative".into(), vec![code; frame.height()]);
            frame.replace("collaborative", codes)?;
            Ok(frame)
        };
        Ok(Selection {
            admissions: recode(&self.admissions)?,
            oaps: recode(&self.oaps)?,
            collaboratives: vec![label.to_string()],
            scope: self.scope.clone(),
            names,
            coverage: self.coverage.clone(),
        })
    }
}

/// Records in a report which of its periods the extract does not cover (their figures are
/// empty): `empty_values` metadata, merged into any the report has, and a note under the table.
pub fn record_coverage<'a>(
    report: &mut Report,
    coverage: &Coverage,
    periods: impl IntoIterator<Item = &'a Period>,
) {
    let empty = coverage.empty_values(periods);
    for line in crate::coverage::describe(&empty) {
        report.notes.push(format!("Note: {line}."));
    }
    match report.meta.get_mut("empty_values") {
        Some(serde_json::Value::Object(existing)) => {
            if let serde_json::Value::Object(new) = empty {
                existing.extend(new);
            }
        }
        _ => {
            report.meta.insert("empty_values".into(), empty);
        }
    }
}

/// The report of a period-based analysis: rows, and `parameters` (periods, scope, `by`) and
/// `inputs` metadata.
#[allow(clippy::too_many_arguments)]
pub fn period_report(
    command: &str,
    frame: &polars::prelude::DataFrame,
    fields: Vec<crate::schema::Field>,
    inputs: &Inputs,
    selection: &Selection,
    kind: PeriodKind,
    periods: &[Period],
    by: serde_json::Value,
) -> Result<Report> {
    let mut report = Report::from_frame(command, frame, fields)?;
    let mut parameters = period_parameters(kind, periods, &selection.scope);
    parameters["by"] = by;
    report.meta.insert("parameters".into(), parameters);
    report.meta.insert("inputs".into(), inputs.metadata());
    record_coverage(&mut report, &selection.coverage, periods);
    Ok(report)
}

/// The `parameters` metadata shared by the period-based commands.
pub fn period_parameters(kind: PeriodKind, periods: &[Period], scope: &Scope) -> serde_json::Value {
    serde_json::json!({
        "period": kind,
        "from": periods.first().map(|p| p.start.to_string()),
        "to": periods.last().map(|p| p.end.to_string()),
        "collaboratives": scope.collaboratives,
        "service_lines": scope.service_lines,
    })
}
