//! One module per command: each turns its parsed arguments into options, calls the analysis and
//! hands the result to rendering. Shared steps (inputs, periods, output) live here.

pub mod benchmark;

pub mod capacity;

pub mod chart;
pub mod equality;
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
use clap::ValueEnum;

use crate::cli::{AnalysisInput, InputArgs, OutputArgs, PeriodArgs, ScopeArgs, SuppressArgs};
use crate::input::files::InputRequest;
use crate::input::Extracts;
use crate::input::{load, Inputs};
use crate::output::write_atomically;
use crate::periods::{
    add_months, last_complete_month_end, month_start, parse_bound, periods_within, Period,
};
use crate::periods::{parse_date, parse_month, today};
use crate::render;
use crate::schema::Report;
use crate::scope::Scope;
use crate::scope::{select, Selection};
use crate::suppress::{self, Suppression};

/// Resolves and reads the inputs; with no input option, the bundled sample.
pub fn load_inputs(args: &InputArgs, quiet: bool, extracts: Extracts) -> Result<Inputs> {
    let none_given = args.data.is_none()
        && args.mhsds.is_none()
        && args.admissions.is_empty()
        && args.placements.is_empty()
        && args.collaboratives.is_none()
        && args.local_costs.is_none()
        && args.imd.is_none()
        && args.populations.is_none();
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
        imd: args.imd.as_deref(),
        populations: args.populations.as_deref(),
        placements_needed: extracts.placements,
        people_needed: extracts.people,
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
        return Ok(vec![crate::periods::period_of_month(args.period, month)]);
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

/// Reads and checks the inputs, refuses invalid rows (or sets them aside with `--skip-invalid`),
/// and applies the selection: the first steps of every analysis command.
pub fn prepare(
    args: &AnalysisInput,
    quiet: bool,
    extracts: Extracts,
) -> Result<(Inputs, Selection)> {
    let mut inputs = load_inputs(&args.input, quiet, extracts)?;
    inputs.require_valid(args.invalid.skip_invalid.as_deref())?;
    if !quiet {
        for warning in inputs.people_warnings() {
            eprintln!("oapstat: warning: {warning}");
        }
    }
    let selection = select(&inputs, args.scope.scope())?;
    Ok((inputs, selection))
}
