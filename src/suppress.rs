//! Small-number suppression (DOMAIN.md section 9): a step of the output, never of the computation.
//!
//! Below national level a count under the threshold (zero included) becomes `*`, every other
//! count is rounded to the nearest multiple of the rounding base, and any figure derived from a
//! suppressed count is suppressed too. Derived figures are computed from the unrounded counts.

use serde_json::{json, Value};

use crate::render::{Cell, Kind, Report};

/// The suppression rule in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppression {
    /// Counts below this become `*` (NHS Digital: 5).
    pub threshold: i64,
    /// Other counts are rounded to the nearest multiple of this (NHS Digital: 5).
    pub rounding_base: i64,
}

impl Default for Suppression {
    fn default() -> Self {
        Suppression {
            threshold: 5,
            rounding_base: 5,
        }
    }
}

impl Suppression {
    /// Rounds a count to the nearest multiple of the base, halves away from zero.
    pub fn round(&self, value: i64) -> i64 {
        let base = self.rounding_base.max(1);
        ((value + base / 2).div_euclid(base)) * base
    }

    /// How the rule is described in outputs.
    pub fn describe(&self) -> String {
        format!(
            "small-number suppression applied: counts under {} are shown as *, other counts are rounded to the nearest {}, and figures derived from a suppressed count are suppressed",
            self.threshold, self.rounding_base
        )
    }

    pub fn metadata(&self) -> Value {
        json!({
            "applied": true,
            "threshold": self.threshold,
            "rounding_base": self.rounding_base,
            "rule": self.describe(),
        })
    }

    /// Applies the rule to every row of a report and records that it did.
    pub fn apply(&self, report: &mut Report) {
        let derived: Vec<Vec<usize>> = report
            .fields
            .iter()
            .map(|f| {
                f.derived_from
                    .iter()
                    .filter_map(|name| report.field_index(name))
                    .collect()
            })
            .collect();
        // National rows stay exact, as NHS England publishes them (`England`, `England; ...`).
        let breakdown = report.field_index("breakdown");
        for row in &mut report.rows {
            let national = breakdown.is_some_and(
                |b| matches!(&row[b], Cell::Text(t) if t == "England" || t.starts_with("England;")),
            );
            if national {
                continue;
            }
            let original = row.clone();
            let is_small = |i: usize| match &original[i] {
                Cell::Int(v) => *v < self.threshold,
                Cell::Float(v) => *v < self.threshold as f64,
                _ => false,
            };
            for (i, field) in report.fields.iter().enumerate() {
                // A measure with no numerator is itself a count.
                let is_count = match field.kind {
                    Kind::Count => true,
                    Kind::Measure => derived[i].iter().all(|&j| original[j] == Cell::Null),
                    _ => false,
                };
                let suppressed = if is_count {
                    is_small(i)
                } else {
                    derived[i].iter().any(|&j| is_small(j))
                };
                if suppressed {
                    row[i] = Cell::Suppressed;
                } else if is_count {
                    match row[i] {
                        Cell::Int(v) => row[i] = Cell::Int(self.round(v)),
                        Cell::Float(v) => row[i] = Cell::Float(self.round(v.round() as i64) as f64),
                        _ => {}
                    }
                } else if let (Kind::Measure, Cell::Float(v)) = (field.kind, &row[i]) {
                    // NHS England: a rate or proportion to the nearest whole number.
                    row[i] = Cell::Float(v.round());
                }
            }
        }
        report.meta.insert("suppression".into(), self.metadata());
        report.notes.push(format!("Note: {}.", self.describe()));
    }
}

/// Applies a rule to a report, or records in its metadata that none was applied.
pub fn apply_or_record(report: &mut Report, rule: Option<Suppression>) {
    match rule {
        Some(rule) => rule.apply(report),
        None => {
            report.meta.insert("suppression".into(), not_applied());
        }
    }
}

/// The metadata value when no suppression was applied.
pub fn not_applied() -> Value {
    json!({ "applied": false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Field;

    #[test]
    fn rounds_to_nearest_five() {
        let rule = Suppression::default();
        assert_eq!(rule.round(5), 5);
        assert_eq!(rule.round(7), 5);
        assert_eq!(rule.round(8), 10);
        assert_eq!(rule.round(12), 10);
        assert_eq!(rule.round(13), 15);
        assert_eq!(rule.round(1234), 1235);
    }

    #[test]
    fn suppresses_small_counts_and_what_derives_from_them() {
        let mut report = Report {
            command: "test".into(),
            fields: vec![
                Field::text("collaborative", "C"),
                Field::count("oap_admissions", "A"),
                Field::count("admissions", "B"),
                Field::new(
                    "oap_admission_rate",
                    Kind::Ratio,
                    "R",
                    &["oap_admissions", "admissions"],
                ),
                Field::new("population", Kind::Reference, "", &[]),
            ],
            rows: vec![
                vec![
                    Cell::Text("X".into()),
                    Cell::Int(3),
                    Cell::Int(48),
                    Cell::Float(0.0625),
                    Cell::Int(2),
                ],
                vec![
                    Cell::Text("Y".into()),
                    Cell::Int(12),
                    Cell::Int(48),
                    Cell::Float(0.25),
                    Cell::Int(2),
                ],
                vec![
                    Cell::Text("Z".into()),
                    Cell::Int(0),
                    Cell::Int(0),
                    Cell::Null,
                    Cell::Int(2),
                ],
            ],
            meta: Default::default(),
            notes: vec![],
        };
        Suppression::default().apply(&mut report);
        assert_eq!(
            report.rows[0][1..4],
            [Cell::Suppressed, Cell::Int(50), Cell::Suppressed]
        );
        // The rate uses unrounded counts: 12 / 48, not 10 / 50.
        assert_eq!(
            report.rows[1][1..4],
            [Cell::Int(10), Cell::Int(50), Cell::Float(0.25)]
        );
        // Zero is suppressed too.
        assert_eq!(
            report.rows[2][1..4],
            [Cell::Suppressed, Cell::Suppressed, Cell::Suppressed]
        );
        // Reference figures are never touched.
        assert_eq!(report.rows[0][4], Cell::Int(2));
        assert_eq!(report.meta["suppression"]["applied"], true);
    }

    #[test]
    fn counts_held_as_numbers_are_rounded_too() {
        let mut report = Report {
            command: "test".into(),
            fields: vec![Field::count("value", "V")],
            rows: vec![vec![Cell::Float(42.0)], vec![Cell::Float(3.0)]],
            meta: Default::default(),
            notes: vec![],
        };
        Suppression::default().apply(&mut report);
        assert_eq!(
            report.rows,
            [vec![Cell::Float(40.0)], vec![Cell::Suppressed]]
        );
    }

    #[test]
    fn published_measures_round_as_nhs_england_rounds_them() {
        // One measure a row: a count where `numerator` is empty, else a rate of that numerator.
        let fields = vec![
            Field::new("measure_value", Kind::Measure, "V", &["numerator"]),
            Field::count("numerator", "N"),
            Field::count("denominator", "D"),
            Field::new("population", Kind::Reference, "", &[]),
        ];
        let count = |v: f64| vec![Cell::Float(v), Cell::Null, Cell::Null, Cell::Null];
        let rate =
            |v: f64, n: i64, d: Cell| vec![Cell::Float(v), Cell::Int(n), d, Cell::Int(250_000)];
        let mut report = Report {
            command: "nhs".into(),
            fields,
            rows: vec![
                count(4.0),
                count(5.0),
                count(7.0),
                count(8.0),
                count(12.0),
                count(13.0),
                count(0.0),
                rate(16.0, 4, Cell::Null),
                rate(20.0, 5, Cell::Null),
                rate(52.5, 13, Cell::Null),
                rate(86.45, 351, Cell::Int(406)),
                rate(57.5, 23, Cell::Int(4)),
                vec![Cell::Null, Cell::Null, Cell::Null, Cell::Null],
            ],
            meta: Default::default(),
            notes: vec![],
        };
        Suppression::default().apply(&mut report);
        let shown: Vec<String> = report
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Null => "-".to_string(),
                        Cell::Suppressed => "*".to_string(),
                        Cell::Int(v) => v.to_string(),
                        Cell::Float(v) => v.to_string(),
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert_eq!(
            shown,
            [
                "* - - -",
                "5 - - -",
                "5 - - -",
                "10 - - -",
                "10 - - -",
                "15 - - -",
                "* - - -",
                // A rate is * when its numerator is; otherwise a whole number (52.5 → 53).
                "* * - 250000",
                "20 5 - 250000",
                "53 15 - 250000",
                "86 350 405 250000",
                // A small denominator is a count of its own: hidden, the rate still shown.
                "58 25 * 250000",
                "- - - -",
            ]
        );
    }
}
