//! What the extract covers: the periods it can give figures for.
//!
//! An extract sees the days from the month it starts (the month of its earliest discharge, see
//! [`crate::input::Checked::data_start`]) to its extract date. A period is **covered** when it
//! lies wholly inside those days: it starts on or after the first day of that month and ends on
//! or before the extract date. A period that starts a day earlier is not covered (the stays and
//! stocks at its start, and so every count over it, are unknown), nor one that ends after the
//! extract date. Every figure of a period that is not covered is empty (null), never 0, and the
//! report's `empty_values` metadata says which periods and why (as `nhs` does for its Q and Y).

use chrono::NaiveDate;
use polars::prelude::*;
use serde_json::{json, Value};

use crate::periods::{month_start, Period};
use crate::schema::{Cell, Field, Kind};

/// The days an extract covers, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The first day of the month the extract starts (`NaiveDate::MAX` for an extract without a
    /// valid spell: it covers nothing).
    pub from: NaiveDate,
    /// The extract date.
    pub to: NaiveDate,
}

impl Coverage {
    /// The coverage of an extract starting on `start` (its earliest discharge) and taken on
    /// `extract_date`.
    pub fn new(start: Option<NaiveDate>, extract_date: NaiveDate) -> Coverage {
        Coverage {
            from: start.map_or(NaiveDate::MAX, month_start),
            to: extract_date,
        }
    }

    /// Whether the days from `start` to `end` (both included) lie wholly inside the coverage.
    pub fn covers_days(&self, start: NaiveDate, end: NaiveDate) -> bool {
        start >= self.from && end <= self.to
    }

    /// Whether a period lies wholly inside the coverage.
    pub fn covers(&self, period: &Period) -> bool {
        self.covers_days(period.start, period.end)
    }

    /// The labels of the periods that are not covered, those starting before the extract first
    /// and then those ending after its extract date, as `empty_values` metadata.
    pub fn empty_values<'a>(&self, periods: impl IntoIterator<Item = &'a Period>) -> Value {
        let periods: Vec<&Period> = periods.into_iter().collect();
        let before: Vec<&str> = periods
            .iter()
            .filter(|p| p.start < self.from)
            .map(|p| p.label.as_str())
            .collect();
        let after: Vec<&str> = periods
            .iter()
            .filter(|p| p.start >= self.from && p.end > self.to)
            .map(|p| p.label.as_str())
            .collect();
        json!({
            "periods_before_the_extract_starts": before,
            "periods_after_the_extract_date": after,
            "covered_from": (self.from != NaiveDate::MAX).then(|| self.from.to_string()),
            "covered_to": self.to.to_string(),
        })
    }

    /// `frame` with every figure (the fields that are not text, dates or reference data) of the
    /// rows whose `period` is not covered set to null.
    pub fn blank_uncovered(
        &self,
        frame: DataFrame,
        periods: &[Period],
        fields: &[Field],
    ) -> PolarsResult<DataFrame> {
        let uncovered: Vec<&str> = periods
            .iter()
            .filter(|p| !self.covers(p))
            .map(|p| p.label.as_str())
            .collect();
        if uncovered.is_empty() || frame.height() == 0 {
            return Ok(frame);
        }
        let keep: BooleanChunked = frame
            .column("period")?
            .str()?
            .iter()
            .map(|label| Some(!label.is_some_and(|l| uncovered.contains(&l))))
            .collect();
        let mut frame = frame;
        for field in fields.iter().filter(|f| is_figure(f)) {
            let Ok(column) = frame.column(&field.name) else {
                continue;
            };
            let series = column.as_materialized_series();
            let nulls = Series::full_null(series.name().clone(), series.len(), series.dtype());
            let blanked = series.zip_with(&keep, &nulls)?;
            frame.replace(&field.name, blanked.into_column())?;
        }
        Ok(frame)
    }
}

/// Empties the figures of a report's row (a period the extract does not cover), but those
/// named in `keep` (inputs that do not depend on the period, such as a local daily cost).
pub fn blank_row(fields: &[Field], row: &mut [Cell], keep: &[&str]) {
    for (field, cell) in fields.iter().zip(row.iter_mut()) {
        if is_figure(field) && !keep.contains(&field.name.as_str()) {
            *cell = Cell::Null;
        }
    }
}

/// A field holding a figure of its period (not a key, a date or reference data).
pub fn is_figure(field: &Field) -> bool {
    !matches!(field.kind, Kind::Text | Kind::Date | Kind::Reference)
        || !field.derived_from.is_empty()
}

/// The texts listed under `key` of `empty_values` metadata (none when it lists none).
pub fn listed(empty_values: &Value, key: &str) -> Vec<String> {
    empty_values[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Why some periods' figures are empty, in words, from `empty_values` metadata (none when every
/// period is covered).
pub fn describe(empty_values: &Value) -> Vec<String> {
    let list = |key: &str| listed(empty_values, key);
    let mut lines = Vec::new();
    let before = list("periods_before_the_extract_starts");
    if !before.is_empty() {
        lines.push(match empty_values["covered_from"].as_str() {
            Some(from) => format!(
                "the extract covers {from} onwards: the periods starting before it ({}) are empty, not 0 or partial",
                before.join(", ")
            ),
            None => format!(
                "the extract has no valid spell: the periods ({}) are empty",
                before.join(", ")
            ),
        });
    }
    let after = list("periods_after_the_extract_date");
    if !after.is_empty() {
        lines.push(format!(
            "the extract date is {}: the periods ending after it ({}) are empty, not 0 or partial",
            empty_values["covered_to"].as_str().unwrap_or_default(),
            after.join(", ")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_is_covered_from_the_first_day_of_the_extracts_month_to_its_extract_date() {
        // Earliest discharge 2026-06-17: covered from 2026-06-01.
        let c = Coverage::new(Some(d("2026-06-17")), d("2026-11-15"));
        assert_eq!(c.from, d("2026-06-01"));
        // Starting the day the extract starts: covered; a day before: not.
        assert!(c.covers_days(d("2026-06-01"), d("2026-06-30")));
        assert!(!c.covers_days(d("2026-05-31"), d("2026-06-30")));
        // Ending on the extract date: covered; a day after: not.
        assert!(c.covers_days(d("2026-11-01"), d("2026-11-15")));
        assert!(!c.covers_days(d("2026-11-01"), d("2026-11-16")));
        // Nothing is covered without a valid spell.
        assert!(!Coverage::new(None, d("2026-11-15")).covers_days(d("2026-06-01"), d("2026-06-30")));
    }

    #[test]
    fn empty_values_lists_periods_before_and_after() {
        let c = Coverage::new(Some(d("2026-06-02")), d("2026-10-31"));
        let p = |label: &str, s: &str, e: &str| Period {
            label: label.into(),
            start: d(s),
            end: d(e),
        };
        let periods = [
            p("2025-08/2025-10", "2025-08-01", "2025-10-31"),
            p("2026-06", "2026-06-01", "2026-06-30"),
            p("2026-11", "2026-11-01", "2026-11-30"),
        ];
        let empty = c.empty_values(&periods);
        assert_eq!(
            empty["periods_before_the_extract_starts"],
            json!(["2025-08/2025-10"])
        );
        assert_eq!(empty["periods_after_the_extract_date"], json!(["2026-11"]));
        assert_eq!(empty["covered_from"], json!("2026-06-01"));
        assert_eq!(describe(&empty).len(), 2);
    }
}
