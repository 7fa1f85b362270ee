//! oapstat: out-of-area placement, length-of-stay and reinvestment statistics for NHS mental
//! health provider collaboratives.
//!
//! The floors of the house, top to bottom. A module imports only from its own floor or the
//! floors below, never in a circle (`tests/cli/layers.rs` reads this list and fails otherwise;
//! a new top-level module must be given a floor here):
//!
//! 1. The command line: `cli` (the arguments) and `cmd` (one thin command each: read the
//!    arguments, call the floors below, write the result).
//! 2. The monthly pack: `pack` (from the checked inputs and options to every report, page, chart
//!    and workbook of the pack; `cmd::summary` writes it).
//! 3. Output: `render` (reports as tables, JSON, NDJSON, CSV, Excel and Parquet; charts as SVG
//!    and PNG). It reads the analyses' results (an SPC chart, NHS England's layout) but never
//!    computes a figure.
//! 4. The analyses, each a pure function of the checked frames with the report it builds:
//!    `rates`, `los`, `nhs`, `spc`, `equality`, `reinvest`, `capacity`, `benchmark`, `published`.
//! 5. What the analyses share: `scope` (the selection), `spells` (frames by spell, group and
//!    period), `census` (stays counted by day), `coverage` (the days an extract covers),
//!    `suppress` (small-number suppression of a report).
//! 6. Input: `input` (finds, maps, reads and checks every row of the extracts and references),
//!    `generate` (synthetic extracts) and `sample` (the bundled sample).
//! 7. Basic types: `schema` (a report's fields, kinds and cells, and what describes a measure),
//!    `figures` (numbers as people read them), `periods` (days, months, financial years),
//!    `stats` (public-health intervals and standardised rates), `demographics` (NHS England's
//!    code lists and labels of who a patient is), `memory` and `output` (files written whole).

pub mod benchmark;
pub mod capacity;
pub mod census;
pub mod cli;
pub mod cmd;
pub mod coverage;
pub mod demographics;
pub mod equality;
pub mod figures;
pub mod generate;
pub mod input;
pub mod los;
pub mod memory;
pub mod nhs;
pub mod output;
pub mod pack;
pub mod periods;
pub mod published;
pub mod rates;
pub mod reinvest;
pub mod render;
pub mod sample;
pub mod schema;
pub mod scope;
pub mod spc;
pub mod spells;
pub mod stats;
pub mod suppress;

use cli::{Cli, Command};

static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Prints the time since the command started on standard error when `OAPSTAT_TIMING` is set
/// (a profile of where the time goes, for benchmarks).
pub fn timing(label: &str) {
    if std::env::var_os("OAPSTAT_TIMING").is_some_and(|v| !v.is_empty()) {
        let started = STARTED.get_or_init(std::time::Instant::now);
        // Resident and peak memory, where the system tells them (Linux).
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let memory: Vec<String> = status
            .lines()
            .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        eprintln!(
            "oapstat: timing: {label}: {:.3} s {}",
            started.elapsed().as_secs_f64(),
            memory.join(" ")
        );
    }
}

/// Runs a parsed command line and returns the process exit code (errors are returned, and
/// mapped to codes by `main`).
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    STARTED.get_or_init(std::time::Instant::now);
    match cli.command {
        Command::Validate(args) => cmd::validate::run(&args),
        Command::Rates(args) => cmd::rates::run(&args).map(|_| 0),
        Command::Los(args) => cmd::los::run(&args).map(|_| 0),
        Command::Equality(args) => cmd::equality::run(&args).map(|_| 0),
        Command::Spc(args) => cmd::spc::run(&args).map(|_| 0),
        Command::Reinvest(args) => cmd::reinvest::run(&args).map(|_| 0),
        Command::Capacity(args) => cmd::capacity::run(&args).map(|_| 0),
        Command::Nhs(args) => cmd::nhs::run(&args).map(|_| 0),
        Command::Published(args) => cmd::published::run(&args).map(|_| 0),
        Command::Benchmark(args) => cmd::benchmark::run(&args).map(|_| 0),
        Command::Chart(args) => cmd::chart::run(&args).map(|_| 0),
        Command::Summary(args) => cmd::summary::run(&args).map(|_| 0),
        Command::Sample(args) => cmd::shell::sample(&args).map(|_| 0),
        Command::Completions(args) => cmd::shell::completions(&args).map(|_| 0),
        Command::Man(args) => cmd::shell::man(&args).map(|_| 0),
        Command::Mapping(args) => cmd::mapping::run(&args).map(|_| 0),
        Command::Generate(args) => cmd::generate::run(&args).map(|_| 0),
    }
}

/// The exit code for an error: 1 for problems in the input data, 3 when another run holds the
/// pack's lock, 4 when the pack exists already, 2 for everything else.
pub fn exit_code(error: &anyhow::Error) -> i32 {
    if error.downcast_ref::<input::InvalidInput>().is_some() {
        1
    } else if let Some(pack) = error.downcast_ref::<cmd::summary::PackError>() {
        pack.exit_code()
    } else {
        2
    }
}

/// Whether an error is a closed output pipe (`oapstat rates | head`), which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
