//! Targets and rebases for the XmR charts (DOMAIN.md section 13), many series at once.
//!
//! `targets.csv`: `collaborative` (a code, or `*` for every collaborative), `measure`, `target`
//! (a number), and optionally `improvement` (up, down or neither; empty: the measure's own). A
//! collaborative's own row wins over the `*` row of the same measure.
//!
//! `rebase.csv`: `collaborative` (or `*`), `measure` (or `*`), `month` (YYYY-MM: the first month
//! of the new section) and `reason` (said on the chart and in the output). Every row matching a
//! series rebases it.
//!
//! Both are read whole and checked: an error names the file, line, column, value and what was
//! expected; a (collaborative, measure) pair targeted twice, or rebased twice at one month, is an
//! error too.

use std::path::Path;

use anyhow::{bail, Result};
use chrono::NaiveDate;

use crate::input::reference::Table;
use crate::input::Inputs;
use crate::periods::parse_bound;
use crate::schema::measures::Improvement;

/// Every collaborative, or every measure.
pub const ALL: &str = "*";

/// One row of a targets file.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// A collaborative's code, or [`ALL`].
    pub collaborative: String,
    pub measure: String,
    pub target: f64,
    /// Which way is better, when the file says.
    pub improvement: Option<Improvement>,
    /// Where the row was read: `targets.csv:3`.
    pub source: String,
}

/// One row of a rebase file.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebase {
    /// A collaborative's code, or [`ALL`].
    pub collaborative: String,
    /// A measure, or [`ALL`].
    pub measure: String,
    /// The first day of the first month of the new section.
    pub month: NaiveDate,
    pub reason: String,
    /// Where the row was read: `rebase.csv:3`.
    pub source: String,
}

/// Whether a row's `pattern` (a code or [`ALL`]) covers `value` (codes match in any case).
fn covers(pattern: &str, value: &str) -> bool {
    pattern == ALL || pattern.eq_ignore_ascii_case(value)
}

/// The target of a collaborative's measure: its own row, else the `*` row.
pub fn target_of<'a>(
    targets: &'a [Target],
    collaborative: &str,
    measure: &str,
) -> Option<&'a Target> {
    let of_measure = || targets.iter().filter(move |t| t.measure == measure);
    of_measure()
        .find(|t| t.collaborative != ALL && covers(&t.collaborative, collaborative))
        .or_else(|| of_measure().find(|t| t.collaborative == ALL))
}

/// The rebases of a collaborative's measure, by month (one per month: a collaborative's own row
/// wins over a `*` row of the same month).
pub fn rebases_of<'a>(
    rebases: &'a [Rebase],
    collaborative: &str,
    measure: &str,
) -> Vec<&'a Rebase> {
    let mut matching: Vec<&Rebase> = rebases
        .iter()
        .filter(|r| covers(&r.collaborative, collaborative) && covers(&r.measure, measure))
        .collect();
    // The most specific first within a month, then one per month.
    matching.sort_by_key(|r| (r.month, r.collaborative == ALL, r.measure == ALL));
    matching.dedup_by_key(|r| r.month);
    matching
}

/// A month `YYYY-MM` as its first day.
pub fn parse_month_start(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    (text.len() == 7)
        .then(|| parse_bound(text, false).ok())
        .flatten()
}

/// Reads a targets file.
pub fn read_targets(path: &Path) -> Result<Vec<Target>> {
    let table = Table::read(path, &["collaborative", "measure", "target"])?;
    let mut targets: Vec<Target> = Vec::new();
    for (line, row) in &table.rows {
        let at = format!("{}:{line}", table.path);
        let collaborative = required(
            &table,
            row,
            "collaborative",
            &at,
            "a collaborative's code, or * for all",
        )?;
        let measure = required(
            &table,
            row,
            "measure",
            &at,
            "a measure of rates or los (e.g. inappropriate_oaps_active_end)",
        )?;
        if measure == ALL {
            bail!("{at}: measure \"*\" is not a measure (a target belongs to one measure)");
        }
        let text = table.get(row, "target");
        let target = match text.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => bail!("{at}: target {text:?} is not a number"),
        };
        let text = table.get(row, "improvement");
        let improvement = if text.is_empty() {
            None
        } else {
            match <Improvement as clap::ValueEnum>::from_str(text, true) {
                Ok(i) => Some(i),
                Err(_) => bail!(
                    "{at}: improvement {text:?} is not up, down or neither (or empty: the measure's own direction)"
                ),
            }
        };
        if let Some(first) = targets
            .iter()
            .find(|t| t.measure == measure && t.collaborative.eq_ignore_ascii_case(&collaborative))
        {
            bail!(
                "{at}: collaborative {collaborative} measure {measure} has a target already ({})",
                first.source
            );
        }
        targets.push(Target {
            collaborative,
            measure,
            target,
            improvement,
            source: at,
        });
    }
    Ok(targets)
}

/// Reads a rebase file.
pub fn read_rebases(path: &Path) -> Result<Vec<Rebase>> {
    let table = Table::read(path, &["collaborative", "measure", "month", "reason"])?;
    let mut rebases: Vec<Rebase> = Vec::new();
    for (line, row) in &table.rows {
        let at = format!("{}:{line}", table.path);
        let collaborative = required(
            &table,
            row,
            "collaborative",
            &at,
            "a collaborative's code, or * for all",
        )?;
        let measure = required(
            &table,
            row,
            "measure",
            &at,
            "a measure of rates or los, or * for all",
        )?;
        let text = table.get(row, "month");
        let Some(month) = parse_month_start(text) else {
            bail!("{at}: month {text:?} is not a month (expected YYYY-MM, the first month of the new section)");
        };
        let reason = required(
            &table,
            row,
            "reason",
            &at,
            "why the process changed (shown on the chart)",
        )?;
        if let Some(first) = rebases.iter().find(|r| {
            r.month == month
                && r.measure == measure
                && r.collaborative.eq_ignore_ascii_case(&collaborative)
        }) {
            bail!(
                "{at}: collaborative {collaborative} measure {measure} is rebased at {} already ({})",
                month.format("%Y-%m"),
                first.source
            );
        }
        rebases.push(Rebase {
            collaborative,
            measure,
            month,
            reason,
            source: at,
        });
    }
    Ok(rebases)
}

/// A cell that must not be empty.
fn required(
    table: &Table,
    row: &[String],
    column: &str,
    at: &str,
    expected: &str,
) -> Result<String> {
    let text = table.get(row, column);
    if text.is_empty() {
        bail!("{at}: {column} is empty (expected {expected})");
    }
    Ok(text.to_string())
}

/// Checks that every row names a known collaborative and measure (or `*`), naming the row.
pub fn check_names<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    collaboratives: &[String],
    measures: &[String],
) -> Result<()> {
    for (source, collaborative, measure) in rows {
        if collaborative != ALL
            && !collaboratives
                .iter()
                .any(|c| c.eq_ignore_ascii_case(collaborative))
        {
            bail!(
                "{source}: collaborative {collaborative:?} is not in the extracts (expected one of: {}, or *)",
                collaboratives.join(", ")
            );
        }
        if measure != ALL && !measures.iter().any(|m| m == measure) {
            bail!(
                "{source}: measure {measure:?} is not a measure of rates or los (expected one of: {})",
                measures.join(", ")
            );
        }
    }
    Ok(())
}

/// The targets and rebases of the charts: `target` (`--target`) and `rebase` (`--rebase
/// YYYY-MM[=REASON]`) for every series, else the files (`--targets`/`--rebase-file`, or
/// `targets.csv`/`rebase.csv` in the data folder), their names checked against the extracts'
/// collaboratives and the measures.
pub fn load(
    target: Option<f64>,
    targets_file: Option<&Path>,
    rebase: &[String],
    rebase_file: Option<&Path>,
    inputs: &Inputs,
) -> Result<(Vec<Target>, Vec<Rebase>)> {
    let data_targets = inputs.paths.targets.as_deref();
    let targets = match (target, targets_file, data_targets) {
        (Some(value), _, _) => {
            if !value.is_finite() {
                bail!("--target {value} is not a number");
            }
            crate::spc::measures()
                .into_iter()
                .map(|measure| Target {
                    collaborative: ALL.into(),
                    measure,
                    target: value,
                    improvement: None,
                    source: "--target".into(),
                })
                .collect()
        }
        (None, Some(path), _) | (None, None, Some(path)) => read_targets(path)?,
        _ => Vec::new(),
    };
    let rebases = if !rebase.is_empty() {
        rebase
            .iter()
            .map(|text| {
                let (month, reason) = text.split_once('=').unwrap_or((text, ""));
                let Some(start) = parse_month_start(month) else {
                    bail!("--rebase {text:?} is not a month (expected YYYY-MM, or YYYY-MM=REASON)");
                };
                Ok(Rebase {
                    collaborative: ALL.into(),
                    measure: ALL.into(),
                    month: start,
                    reason: if reason.trim().is_empty() {
                        "rebased".into()
                    } else {
                        reason.trim().to_string()
                    },
                    source: "--rebase".into(),
                })
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        match (rebase_file, inputs.paths.rebases.as_deref()) {
            (Some(path), _) | (None, Some(path)) => read_rebases(path)?,
            _ => Vec::new(),
        }
    };
    let collaboratives: Vec<String> = crate::scope::known_collaboratives(inputs)?
        .into_iter()
        .collect();
    let measures = crate::spc::measures();
    check_names(
        targets.iter().filter(|t| t.source != "--target").map(|t| {
            (
                t.source.as_str(),
                t.collaborative.as_str(),
                t.measure.as_str(),
            )
        }),
        &collaboratives,
        &measures,
    )?;
    check_names(
        rebases.iter().map(|r| {
            (
                r.source.as_str(),
                r.collaborative.as_str(),
                r.measure.as_str(),
            )
        }),
        &collaboratives,
        &measures,
    )?;
    Ok((targets, rebases))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn error(result: Result<impl std::fmt::Debug>) -> String {
        format!("{:#}", result.unwrap_err())
    }

    #[test]
    fn targets_read_with_their_own_row_winning_over_the_star_row() {
        let (_d, path) = file(
            "collaborative,measure,target,improvement\n*,inappropriate_oaps_active_end,0,down\nNCM,inappropriate_oaps_active_end,2,\nncm,oap_days,150,\n",
        );
        let t = read_targets(&path).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].improvement, Some(Improvement::Down));
        assert_eq!(t[1].improvement, None);
        let of = |c: &str, m: &str| target_of(&t, c, m).map(|t| t.target);
        assert_eq!(of("NCM", "inappropriate_oaps_active_end"), Some(2.0));
        assert_eq!(of("TGW", "inappropriate_oaps_active_end"), Some(0.0));
        assert_eq!(of("NCM", "oap_days"), Some(150.0));
        assert_eq!(of("TGW", "oap_days"), None);
        assert!(t[1].source.ends_with("f.csv:3"));
        // Without the optional column.
        let (_d, path) = file("collaborative,measure,target\n*,oap_days,10\n");
        assert_eq!(read_targets(&path).unwrap()[0].improvement, None);
    }

    #[test]
    fn targets_errors_name_file_line_column_value_and_what_was_expected() {
        let cases = [
            (
                "collaborative,measure\n",
                "f.csv:1: missing required column target",
            ),
            (
                "collaborative,measure,target\n*,oap_days,ten\n",
                "f.csv:2: target \"ten\" is not a number",
            ),
            (
                "collaborative,measure,target\n*,oap_days,inf\n",
                "f.csv:2: target \"inf\" is not a number",
            ),
            (
                "collaborative,measure,target\n,oap_days,1\n",
                "f.csv:2: collaborative is empty",
            ),
            (
                "collaborative,measure,target\nNCM,*,1\n",
                "f.csv:2: measure \"*\" is not a measure",
            ),
            (
                "collaborative,measure,target,improvement\nNCM,oap_days,1,lower\n",
                "f.csv:2: improvement \"lower\" is not up, down or neither",
            ),
            (
                "collaborative,measure,target\nNCM,oap_days,1\nncm,oap_days,2\n",
                "f.csv:3: collaborative ncm measure oap_days has a target already",
            ),
        ];
        for (text, expected) in cases {
            let (_d, path) = file(text);
            let message = error(read_targets(&path));
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn rebases_read_and_matched_one_per_month() {
        let (_d, path) = file(
            "collaborative,measure,month,reason\n*,*,2025-04,new pathway\nNCM,oap_days,2025-04,new ward\nNCM,*,2024-01,merger\nTGW,oap_days,2025-06,x\n",
        );
        let r = read_rebases(&path).unwrap();
        let months = |c: &str, m: &str| {
            rebases_of(&r, c, m)
                .iter()
                .map(|r| format!("{} {}", r.month.format("%Y-%m"), r.reason))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            months("NCM", "oap_days"),
            ["2024-01 merger", "2025-04 new ward"]
        );
        assert_eq!(
            months("ncm", "los_median"),
            ["2024-01 merger", "2025-04 new pathway"]
        );
        assert_eq!(months("CMP", "los_median"), ["2025-04 new pathway"]);
        assert_eq!(
            months("TGW", "oap_days"),
            ["2025-04 new pathway", "2025-06 x"]
        );
    }

    #[test]
    fn rebase_errors_name_file_line_column_value_and_what_was_expected() {
        let cases = [
            (
                "collaborative,measure,month\n",
                "f.csv:1: missing required column reason",
            ),
            (
                "collaborative,measure,month,reason\n*,*,2025-13,x\n",
                "f.csv:2: month \"2025-13\" is not a month (expected YYYY-MM",
            ),
            (
                "collaborative,measure,month,reason\n*,*,2025-04-01,x\n",
                "f.csv:2: month \"2025-04-01\" is not a month",
            ),
            (
                "collaborative,measure,month,reason\n*,*,2025-04,\n",
                "f.csv:2: reason is empty",
            ),
            (
                "collaborative,measure,month,reason\n*,,2025-04,x\n",
                "f.csv:2: measure is empty",
            ),
            (
                "collaborative,measure,month,reason\n*,*,2025-04,x\n*,*,2025-04,y\n",
                "f.csv:3: collaborative * measure * is rebased at 2025-04 already (",
            ),
        ];
        for (text, expected) in cases {
            let (_d, path) = file(text);
            let message = error(read_rebases(&path));
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn names_are_checked_against_the_extracts_and_the_measures() {
        let collaboratives = vec!["NCM".to_string(), "TGW".to_string()];
        let measures = vec!["oap_days".to_string()];
        assert!(check_names(
            [("f:2", "ncm", "oap_days"), ("f:3", "*", "*")],
            &collaboratives,
            &measures
        )
        .is_ok());
        let e = error(check_names(
            [("f:2", "XYZ", "oap_days")],
            &collaboratives,
            &measures,
        ));
        assert!(e.contains("f:2: collaborative \"XYZ\" is not in the extracts (expected one of: NCM, TGW, or *)"), "{e}");
        let e = error(check_names(
            [("f:4", "NCM", "oap_dayz")],
            &collaboratives,
            &measures,
        ));
        assert!(e.contains("f:4: measure \"oap_dayz\" is not a measure of rates or los (expected one of: oap_days)"), "{e}");
    }
}
