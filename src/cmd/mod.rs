//! One module per command: each turns its parsed arguments into options, calls the analysis and
//! hands the result to rendering. Shared steps (inputs, periods, output) live here.

pub mod benchmark;
pub mod capacity;
pub mod chart;
pub mod generate;
pub mod los;
pub mod mapping;
pub mod nhs;
pub mod published;
pub mod rates;
pub mod reinvest;
pub mod shell;
pub mod spc;
pub mod summary;
pub mod validate;

use std::io::Write;

use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::ValueEnum;

use crate::cli::{AnalysisInput, InputArgs, OutputArgs, PeriodArgs, ScopeArgs, SuppressArgs};
use crate::coverage::Coverage;
use crate::input::files::InputRequest;
use crate::input::{load, Inputs};
use crate::output::write_atomically;
use crate::periods::{
    add_months, last_complete_month_end, month_end, month_start, parse_bound, parse_financial_year,
    periods_within, Period, PeriodKind,
};
use crate::render::{self, Report};
use crate::scope::Scope;
use crate::suppress::{self, Suppression};

/// Today's date; `OAPSTAT_TODAY` (YYYY-MM-DD) fixes it for reproducible runs and tests.
pub fn today() -> Result<NaiveDate> {
    match std::env::var("OAPSTAT_TODAY") {
        Ok(text) => parse_date(&text, "OAPSTAT_TODAY"),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

pub fn parse_date(text: &str, what: &str) -> Result<NaiveDate> {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(date) => Ok(date),
        Err(_) => bail!("{what} {text:?} is not a date (expected YYYY-MM-DD)"),
    }
}

/// A month as `--month` takes it: `YYYY-MM`; `latest`, the last complete month of the extract
/// (its extract date's month when that is the month's last day, else the month before); or
/// `last`, the last complete month before `today` (as a cron job counts).
pub fn parse_month(
    text: &str,
    option: &str,
    extract_date: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate> {
    match text.trim() {
        "latest" => Ok(month_start(last_complete_month_end(extract_date))),
        "last" => Ok(month_start(last_complete_month_end(today))),
        trimmed => match parse_bound(trimmed, false) {
            Ok(month) if trimmed.len() == 7 => Ok(month),
            _ => bail!(
                "{option} {text:?} is not a month (expected YYYY-MM; latest, the last complete month of the extract; or last, the last complete month before today)"
            ),
        },
    }
}

/// Which extracts a command reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extracts {
    Both,
    /// The placements are neither used nor read (`los` without `--by oap`).
    AdmissionsOnly,
}

/// Resolves and reads the inputs; with no input option, the bundled sample.
pub fn load_inputs(args: &InputArgs, quiet: bool, extracts: Extracts) -> Result<Inputs> {
    let none_given = args.data.is_none()
        && args.mhsds.is_none()
        && args.admissions.is_empty()
        && args.placements.is_empty()
        && args.collaboratives.is_none()
        && args.local_costs.is_none();
    let bundled = if none_given {
        let dir = crate::sample::dir()?;
        if !quiet {
            eprintln!(
                "oapstat: using the sample data bundled with oapstat (written to {})",
                dir.display()
            );
        }
        Some(dir)
    } else {
        None
    };
    let request = InputRequest {
        data_dir: bundled.as_deref().or(args.data.as_deref()),
        admissions: &args.admissions,
        placements: &args.placements,
        collaboratives: args.collaboratives.as_deref(),
        local_costs: args.local_costs.as_deref(),
        mapping: args.mapping.as_deref(),
        placements_needed: extracts == Extracts::Both,
        mhsds: args.mhsds.as_deref(),
    };
    let extract_date = args
        .extract_date
        .as_deref()
        .map(|t| parse_date(t, "--extract-date"))
        .transpose()?;
    load(&request, extract_date, today()?)
}

impl ScopeArgs {
    pub fn scope(&self) -> Scope {
        Scope {
            collaboratives: self.collaborative.clone(),
            service_lines: self.service_line.clone(),
        }
    }
}

/// The periods asked for; by default from the month the extract starts (its earliest discharge,
/// see [`crate::input::Checked::data_start`]) to the last complete month of the extract.
pub fn resolve_periods(args: &PeriodArgs, inputs: &Inputs) -> Result<Vec<Period>> {
    let latest = last_complete_month_end(inputs.checked.extract_date);
    if let Some(text) = &args.month {
        let month = parse_month(text, "--month", inputs.checked.extract_date, today()?)?;
        return Ok(vec![period_of_month(args.period, month)]);
    }
    if let Some(n) = args.last {
        if n == 0 {
            bail!("--last must be 1 or more");
        }
        let to = match &args.to {
            Some(text) => parse_bound(text, true)?,
            None => latest,
        };
        // Far enough back for N periods of any kind (a year is the longest step and span).
        let from = add_months(month_start(to), -12 * (n as i32 + 1));
        let periods = periods_within(args.period, from, to);
        return Ok(periods[periods.len().saturating_sub(n)..].to_vec());
    }
    let start = inputs.checked.data_start()?;
    let from = match (&args.from, start) {
        (Some(text), _) => parse_bound(text, false)?,
        (None, Some((day, _))) => month_start(day),
        (None, None) => bail!("the admissions extract has no valid rows: nothing to report"),
    };
    let to = match &args.to {
        Some(text) => parse_bound(text, true)?,
        None => last_complete_month_end(inputs.checked.extract_date),
    };
    if to < from {
        // Say where each bound came from: a default the user never typed needs naming.
        let to_text = match &args.to {
            Some(_) => format!("--to {to}"),
            None => format!(
                "the last complete month ({to}, the extract date being {})",
                inputs.checked.extract_date
            ),
        };
        let from_text = match &args.from {
            Some(_) => format!("--from {from}"),
            None => format!(
                "the month the extract starts ({from}, from {})",
                start.map_or("", |s| s.1)
            ),
        };
        bail!("{to_text} is before {from_text}: no period to report; give --from and --to");
    }
    let periods = periods_within(args.period, from, to);
    if periods.is_empty() {
        bail!(
            "no complete {} period lies between {from} and {to} (--from and --to take the periods wholly between them): --month {} picks the one ending with (or, for a quarter or year, holding) that month, --last N the latest N",
            args.period
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string()),
            to.format("%Y-%m"),
        );
    }
    Ok(periods)
}

/// The period of `kind` that `--month` names: the month itself, the rolling window ending with
/// it, or the financial quarter or year holding it.
pub fn period_of_month(kind: PeriodKind, month: NaiveDate) -> Period {
    let end = month_end(month);
    periods_within(kind, add_months(month, -12), add_months(month, 12))
        .into_iter()
        .find(|p| match kind {
            PeriodKind::Quarter | PeriodKind::Year => p.start <= month && month <= p.end,
            _ => p.end == end,
        })
        .expect("every month ends a month and a rolling window, and lies in a quarter and a year")
}

/// A financial year (`2025-26`) or a date range (`2025-04-01..2025-09-30`).
pub fn parse_period(text: &str, option: &str) -> Result<Period> {
    if let Some((from, to)) = text.split_once("..") {
        let (start, end) = (parse_date(from, option)?, parse_date(to, option)?);
        if end < start {
            bail!("{option} {text:?}: the end is before the start");
        }
        return Ok(Period {
            label: format!("{start} to {end}"),
            start,
            end,
        });
    }
    parse_financial_year(text)
        .map_err(|e| anyhow::anyhow!("{option}: {e} or dates (2025-04-01..2025-09-30)"))
}

/// Applies suppression if asked, then writes the report to standard output or a file.
pub fn emit(mut report: Report, args: &OutputArgs, suppress: Option<&SuppressArgs>) -> Result<()> {
    suppress_as_asked(&mut report, suppress)?;
    write_report(&report, args)
}

/// Applies suppression if asked (`--suppress`), and records in the report whether it was.
pub fn suppress_as_asked(report: &mut Report, suppress: Option<&SuppressArgs>) -> Result<()> {
    let rule = match suppress {
        Some(s) if s.suppress => {
            if s.suppress_rounding < 1 || s.suppress_threshold < 0 {
                bail!("--suppress-rounding must be 1 or more and --suppress-threshold 0 or more");
            }
            Some(Suppression {
                threshold: s.suppress_threshold,
                rounding_base: s.suppress_rounding,
            })
        }
        _ => None,
    };
    suppress::apply_or_record(report, rule);
    Ok(())
}

/// The width of the terminal standard output is, if it is one (`COLUMNS` when set).
/// `OAPSTAT_TABLE_WIDTH` lays tables out for a terminal that wide wherever they go (tests).
fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    if let Some(width) = std::env::var("OAPSTAT_TABLE_WIDTH")
        .ok()
        .and_then(|w| w.parse().ok())
    {
        return Some(width);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ fills the winsize it is given; a failure leaves it zero.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    Some(if ok && size.ws_col > 0 {
        size.ws_col
    } else {
        120
    })
}

/// Writes a report to standard output or, with `-o`, to a file written whole or not at all. A
/// table on a terminal fits its width; in a file or a pipe it is never cut.
pub fn write_report(report: &Report, args: &OutputArgs) -> Result<()> {
    if !args.columns.is_empty() && args.format != render::Format::Table {
        bail!("--columns chooses the fields of the table: --format csv and json carry every field");
    }
    let layout = render::TableLayout {
        width: if args.output.is_none() {
            terminal_width()
        } else {
            None
        },
        columns: args.columns.clone(),
    };
    let write = |out: &mut dyn Write| match args.format {
        render::Format::Table => render::write_table(report, out, &layout),
        format => render::write(report, format, out),
    };
    match &args.output {
        Some(path) => write_atomically(path, write),
        None => {
            use std::io::IsTerminal;
            let stdout = std::io::stdout();
            if args.format.is_binary() && stdout.is_terminal() {
                bail!(
                    "--format {} writes a binary file: give -o FILE (or pipe the output)",
                    serde_json::to_value(args.format)?
                        .as_str()
                        .unwrap_or_default()
                );
            }
            let mut out = std::io::BufWriter::new(stdout.lock());
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
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

/// Reads and checks the inputs, refuses invalid rows (or sets them aside with `--skip-invalid`),
/// and applies the selection: the first steps of every analysis command.
pub fn prepare(
    args: &AnalysisInput,
    quiet: bool,
    extracts: Extracts,
) -> Result<(Inputs, Selection)> {
    let mut inputs = load_inputs(&args.input, quiet, extracts)?;
    inputs.require_valid(args.invalid.skip_invalid.as_deref())?;
    let selection = select(&inputs, args.scope.scope())?;
    Ok((inputs, selection))
}

/// Applies the scope (`--collaborative`, `--service-line`) to the checked extracts. A
/// collaborative's code may be given in any case.
pub fn select(inputs: &Inputs, mut scope: Scope) -> Result<Selection> {
    // A misspelt code would otherwise give an empty report that looks like "no activity".
    if !scope.collaboratives.is_empty() {
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
    fields: Vec<crate::render::Field>,
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
