//! `oapstat summary`: the monthly pack, written whole or not at all, safe to run from cron.
//!
//! The pack is built in a temporary folder beside the target (`OUT/.YYYY-MM.tmp-*`) and renamed
//! into place only when every file is written, so a killed run leaves no partial pack; the next
//! run removes what a killed run left. A lock file (`OUT/.oapstat-summary.lock`, held with an OS
//! file lock that dies with the process) stops a second run for the same output folder. An existing pack is
//! replaced only with `--force`. Nothing goes to standard output unless `--print`.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{load_inputs, resolve_periods};
use crate::cli::{PeriodArgs, SummaryArgs};
use crate::input::InvalidInput;
use crate::pack::{self, Benchmarking, Pack, PackOptions, REINVEST_NOT_ESTIMATED};
use crate::periods::{
    last_complete_month_end, month_end, month_start, parse_date, parse_month, today, PeriodKind,
};
use crate::render::{self, Format};
use crate::scope::select;
use crate::suppress::{self, Suppression};

/// Why a pack was not written, with its own exit code.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("another oapstat summary is writing to {folder} (lock {lock} is held); try again when it has finished")]
    Locked { folder: String, lock: String },
    #[error("{pack} already exists (a complete pack); pass --force to replace it")]
    Exists { pack: String },
}

impl PackError {
    pub fn exit_code(&self) -> i32 {
        match self {
            PackError::Locked { .. } => 3,
            PackError::Exists { .. } => 4,
        }
    }
}

/// For tests of a killed run: exit abruptly (no clean-up) after writing this many files.
const CRASH_AFTER_FILES: &str = "OAPSTAT_SUMMARY_CRASH_AFTER_FILES";

fn sha256_file(path: &Path) -> Result<String> {
    let mut file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(format!("{:x}", hasher.finalize()))
}

fn input_entry(path: &Path, extract: &str, counts: Option<(usize, usize)>) -> Result<Value> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("{}: cannot open", path.display()))?
        .len();
    let mut entry = json!({
        "path": path.display().to_string(),
        "extract": extract,
        "size_bytes": size,
        "sha256": sha256_file(path)?,
    });
    if let Some((read, used)) = counts {
        entry["rows_read"] = json!(read);
        entry["rows_used"] = json!(used);
        entry["rows_rejected"] = json!(read - used);
    }
    Ok(entry)
}

/// The date `--month last` counts from: `--as-of`, or today.
fn as_of(args: &SummaryArgs) -> Result<chrono::NaiveDate> {
    match &args.as_of {
        Some(_) if args.month.trim() != "last" => bail!("--as-of goes with --month last"),
        Some(text) => parse_date(text, "--as-of"),
        None => today(),
    }
}

pub fn run(args: &SummaryArgs) -> Result<()> {
    let say = |message: &str| {
        if args.verbose {
            eprintln!("oapstat: {message}");
        }
    };
    let as_of = as_of(args)?;
    say("reading and checking the extracts");
    let mut inputs = load_inputs(
        &args.analysis.input,
        true,
        crate::input::Extracts::BOTH.with_people(true),
    )?;
    say(&inputs.counts_line());
    let month = parse_month(&args.month, "--month", inputs.checked.extract_date, as_of)?;
    let label = month.format("%Y-%m").to_string();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create the folder", args.out.display()))?;
    let pack = args.out.join(&label);
    let lock_path = args.out.join(".oapstat-summary.lock");
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("{}: cannot open the lock file", lock_path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(PackError::Locked {
                folder: args.out.display().to_string(),
                lock: lock_path.display().to_string(),
            }
            .into())
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("{}: cannot lock", lock_path.display()))
        }
    }
    if pack.exists() && !args.force {
        return Err(PackError::Exists {
            pack: pack.display().to_string(),
        }
        .into());
    }
    // What a killed run left behind: safe to remove, since this run holds the lock.
    for entry in std::fs::read_dir(&args.out)?.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with(&format!(".{label}.tmp-"))
            || name.starts_with(&format!(".{label}.old-"))
        {
            say(&format!(
                "removing {} left by an earlier run",
                entry.path().display()
            ));
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("{}: cannot remove", entry.path().display()))?;
        }
    }

    match &args.analysis.invalid.skip_invalid {
        None if !inputs.checked.findings.is_empty() => {
            return Err(InvalidInput(inputs.problems_line()).into())
        }
        skip => inputs.require_valid(skip.as_deref())?,
    }
    let month_last_day = month_end(month);
    if inputs.checked.extract_date < month_last_day {
        let extract_date = inputs.checked.extract_date;
        let latest = month_start(last_complete_month_end(extract_date)).format("%Y-%m");
        let asked = match args.month.trim() {
            "last" => format!(" (--month last: the last complete month before {as_of})"),
            _ => String::new(),
        };
        bail!(
            "the extract (extract date {extract_date}) does not cover {label}{asked}, which ends on {month_last_day}: its last complete month is {latest}; give --month {latest} (or --month latest), or wait for an extract that covers {label}"
        );
    }
    let selection = select(&inputs, args.analysis.scope.scope())?;
    let suppression = args.suppress.suppress.then_some(Suppression {
        threshold: args.suppress.suppress_threshold,
        rounding_base: args.suppress.suppress_rounding,
    });
    if args.suppress.suppress_rounding < 1 || args.suppress.suppress_threshold < 0 {
        bail!("--suppress-rounding must be 1 or more and --suppress-threshold 0 or more");
    }

    let months = resolve_periods(
        &PeriodArgs {
            period: PeriodKind::Month,
            from: None,
            to: Some(label.clone()),
            month: None,
            last: None,
        },
        &inputs,
    )?;
    say("computing rates, LOS, SPC and reinvestment");
    let benchmarking = match (args.published.is_empty(), suppression.is_some()) {
        (true, _) => Benchmarking::NotAsked,
        // Published sub-national cells are rounded already, but the collaboratives' own are
        // not: a suppressed pack leaves the comparison out (and says so).
        (false, true) => Benchmarking::LeftOut,
        (false, false) => Benchmarking::With {
            published: crate::published::load(&args.published, None, false)?,
            peers: super::benchmark::peers(&args.peer)?,
            populations: super::benchmark::populations(&args.population)?,
        },
    };
    let contents = pack::build(
        &inputs,
        &selection,
        &PackOptions {
            month,
            months,
            suppression,
            reinvest_share: args.reinvest_share,
            beds: crate::capacity::beds_file(args.beds.as_ref(), args.analysis.input.data.as_ref()),
            benchmarking,
        },
    )?;
    let Pack {
        reports,
        summary_md,
        index_html,
        charts: pack_charts,
        benchmark_chart,
        workbook,
        capacity_baseline,
        reinvest_estimated,
        beds,
    } = contents;

    // Write everything into a temporary folder beside the pack, then rename it into place.
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{label}.tmp-"))
        .tempdir_in(&args.out)
        .with_context(|| format!("{}: cannot create a temporary folder", args.out.display()))?;
    let mut writer = PackWriter {
        dir: temp.path().to_path_buf(),
        pack: pack.clone(),
        written: Vec::new(),
        crash_after: std::env::var(CRASH_AFTER_FILES)
            .ok()
            .and_then(|v| v.parse().ok()),
        verbose: args.verbose,
    };
    for (name, report) in &reports {
        writer.write(
            &format!("{name}.json"),
            &render::to_bytes(report, Format::Json)?,
        )?;
        // NHS England's measures in the layout NHS England publishes them in.
        let csv = if *name == "nhs-oaps" {
            Format::NhsCsv
        } else {
            Format::Csv
        };
        writer.write(&format!("{name}.csv"), &render::to_bytes(report, csv)?)?;
    }
    writer.write("summary.md", summary_md.as_bytes())?;
    for chart in &pack_charts {
        writer.write(&chart.file, chart.svg.as_bytes())?;
    }
    if let Some((file, svg)) = &benchmark_chart {
        writer.write(file, svg.as_bytes())?;
    }
    writer.write("index.html", index_html.as_bytes())?;
    writer.write("summary.xlsx", &workbook)?;

    let mut input_entries = Vec::new();
    for file in &inputs.checked.files {
        input_entries.push(input_entry(
            Path::new(&file.path),
            file.extract.name(),
            Some((file.rows_read, file.rows_valid)),
        )?);
    }
    // MHSDS tables read in place of the extracts: each file, its table and its rows.
    for table in &inputs.checked.tables {
        let mut entry = input_entry(Path::new(&table.path), table.table.name(), None)?;
        entry["rows_read"] = json!(table.rows_read);
        entry["rows_used"] = json!(table.rows_used);
        entry["rows_not_needed"] = json!(table.rows_not_needed);
        entry["rows_rejected"] = json!(table.rows_rejected);
        input_entries.push(entry);
    }
    let providers = (inputs.mhsds.as_ref()).and_then(|m| m.data.providers.path.clone());
    for (path, extract) in [
        (&inputs.paths.collaboratives, "collaboratives"),
        (&inputs.paths.local_costs, "local_costs"),
        (&inputs.paths.mapping, "mapping"),
        (&inputs.paths.targets, "targets"),
        (&inputs.paths.rebases, "rebase"),
        (&inputs.paths.imd, "imd"),
        (&inputs.paths.populations, "populations"),
        (&providers, "providers"),
    ] {
        if let Some(path) = path {
            input_entries.push(input_entry(path, extract, None)?);
        }
    }
    let manifest = json!({
        "schema_version": crate::schema::SCHEMA_VERSION,
        "oapstat_version": env!("CARGO_PKG_VERSION"),
        "command": "summary",
        "month": label,
        "parameters": {
            "month": args.month,
            "as_of": args.as_of,
            "collaboratives": selection.scope.collaboratives,
            "service_lines": selection.scope.service_lines,
            "reinvest_share": args.reinvest_share,
        },
        "capacity": {"included": reports.iter().any(|(n, _)| *n == "capacity"), "beds": beds.as_ref().map(|p| p.display().to_string()), "baseline": capacity_baseline},
        "reinvestment": match reinvest_estimated {
            true => json!({"estimated": true}),
            false => json!({"estimated": false, "reason": REINVEST_NOT_ESTIMATED}),
        },
        "extract_date": inputs.checked.extract_date.to_string(),
        "inputs": input_entries,
        "spells_without_placement": {
            "count": inputs.checked.unplaced.len(),
            "spells": inputs.checked.admissions.height(),
            "limit_share": crate::input::load::UNPLACED_LIMIT,
        },
        "rows_rejected": inputs.checked.rows_invalid(),
        "rejects_file": inputs.rejects_file,
        "suppression": suppression.map_or(suppress::not_applied(), |s| s.metadata()),
        "files": writer.written,
    });
    writer.write(
        "manifest.json",
        (serde_json::to_string_pretty(&manifest)? + "\n").as_bytes(),
    )?;

    let built: PathBuf = temp.keep();
    if pack.exists() {
        let old = args
            .out
            .join(format!(".{label}.old-{}", std::process::id()));
        std::fs::rename(&pack, &old)
            .with_context(|| format!("{}: cannot move the old pack aside", pack.display()))?;
        std::fs::rename(&built, &pack)
            .with_context(|| format!("{}: cannot put the pack in place", pack.display()))?;
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("{}: cannot remove the old pack", old.display()))?;
    } else {
        std::fs::rename(&built, &pack)
            .with_context(|| format!("{}: cannot put the pack in place", pack.display()))?;
    }
    say(&format!("pack written to {}", pack.display()));
    drop(lock);
    if args.print {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        out.write_all(summary_md.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// Writes the pack's files into the temporary folder, keeping their sizes and SHA-256.
struct PackWriter {
    dir: PathBuf,
    /// The pack's final folder, as messages name it.
    pack: PathBuf,
    written: Vec<Value>,
    crash_after: Option<usize>,
    verbose: bool,
}

impl PackWriter {
    fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(name);
        // Named as the pack will hold it: the folder being built is removed on failure.
        let failed = |doing: &str| {
            format!(
                "{}: cannot {doing} (the pack is not written; packs already there are untouched)",
                self.pack.join(name).display()
            )
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| failed("create its folder"))?;
        }
        let mut file = File::create(&path).with_context(|| failed("create"))?;
        file.write_all(bytes)
            .and_then(|_| file.sync_all())
            .with_context(|| failed("write"))?;
        self.written.push(json!({"name": name, "size_bytes": bytes.len(), "sha256": format!("{:x}", Sha256::digest(bytes))}));
        if self.verbose {
            eprintln!("oapstat: wrote {name}");
        }
        if self.crash_after == Some(self.written.len()) {
            // Test hook: stop as a killed run would, without any clean-up.
            std::process::exit(70);
        }
        Ok(())
    }
}
