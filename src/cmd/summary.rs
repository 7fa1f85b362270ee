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

use super::{load_inputs, parse_date, parse_month, resolve_periods, select, today};
use crate::cli::{PeriodArgs, SummaryArgs};
use crate::input::InvalidInput;
use crate::periods::{
    add_months, financial_year, financial_year_of, last_complete_financial_year, month_end, Period,
    PeriodKind,
};
use crate::render::chart::{self, measure_label};
use crate::render::{self, xlsx, Format, Report};
use crate::summary::{
    capacity_lines, headline_table, headlines, html, markdown, total_headline, HeadlinePeriods,
    PackChart, Section,
};
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

/// Why a pack has no reinvestment section (headline, notes and manifest say it).
const REINVEST_NOT_ESTIMATED: &str = "not estimated: no local daily costs were given (--local-costs, or local_costs.csv in the --data folder)";

pub fn run(args: &SummaryArgs) -> Result<()> {
    let say = |message: &str| {
        if args.verbose {
            eprintln!("oapstat: {message}");
        }
    };
    let as_of = as_of(args)?;
    say("reading and checking the extracts");
    let mut inputs = load_inputs(&args.analysis.input, true, super::Extracts::Both)?;
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
        bail!(
            "the extract (extract date {}) does not cover {label}, which ends on {month_last_day}",
            inputs.checked.extract_date
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

    say("computing rates, LOS, SPC and reinvestment");
    let monthly = resolve_periods(
        &PeriodArgs {
            period: PeriodKind::Month,
            from: None,
            to: Some(label.clone()),
            month: None,
            last: None,
        },
        &inputs,
    )?;
    // Each monthly frame is computed once and serves both its report and its charts.
    let rates_frame = super::rates::compute(&inputs, &selection, &monthly, &[])?;
    let los_frame = super::los::compute(&selection, &monthly, &[])?;
    let rates = super::rates::report_of(
        &rates_frame,
        &inputs,
        &selection,
        PeriodKind::Month,
        &monthly,
        &[],
    )?;
    let window = rolling_window(month);
    let month_before = {
        let start = add_months(month, -12);
        Period {
            label: start.format("%Y-%m").to_string(),
            start,
            end: month_end(start),
        }
    };
    let window_before = rolling_window(add_months(month, -12));
    let rolling = super::rates::report(
        &inputs,
        &selection,
        PeriodKind::Rolling3,
        &[window_before.clone(), window.clone()],
        &[],
    )?;
    // NHS England's measures for the month, also written in the published layout.
    let adult_acute: Vec<String> = crate::nhs::ADULT_ACUTE
        .iter()
        .map(|s| s.to_string())
        .collect();
    let nhs = super::nhs::report(
        &inputs,
        &selection,
        &super::nhs::Options {
            months: &[month],
            adult_acute: &adult_acute,
            status: "Local",
            raw: false,
            populations: &Default::default(),
        },
    )?;
    let los = super::los::report_of(
        &los_frame,
        &inputs,
        &selection,
        PeriodKind::Month,
        &monthly,
        &[],
    )?;
    let mut charts = Vec::new();
    let mut drawn = Vec::new();
    for (measure, frame) in [
        ("oap_days", &rates_frame),
        ("inappropriate_oap_days", &rates_frame),
        ("los_median", &los_frame),
    ] {
        let request = super::spc::ChartRequest {
            kind: PeriodKind::Month,
            periods: &monthly,
            measure,
            improvement: None,
            baseline_months: None,
            baseline_range: None,
        };
        let result = super::spc::charts_of(frame, &inputs, &selection, &request)?;
        charts.push(result.points);
        drawn.extend(result.drawn);
    }
    let fy = financial_year(financial_year_of(month));
    let reinvest_label = format!("{} to date ({} to {month_last_day})", fy.label, fy.start);
    // Without local daily costs there is nothing to set a saving against: the pack is written
    // without its reinvestment section, and says why.
    let reinvest = if inputs.reference.local_daily_costs.is_empty() {
        None
    } else {
        Some(super::reinvest::report(
            &inputs,
            &selection,
            &super::reinvest::ReinvestOptions {
                baseline: None,
                current: Some(format!("{}..{month_last_day}", fy.start)),
                reinvest_share: args.reinvest_share,
                oap_daily_cost: None,
                scenario: None,
            },
        )?)
    };
    // Local beds, when the current beds are known: over the last complete financial year. Its
    // nightly figures are not counts the suppression rule covers, so a suppressed pack leaves it
    // out (and says so).
    let beds = super::capacity::beds_file(args.beds.as_ref(), args.analysis.input.data.as_ref());
    let capacity_year = last_complete_financial_year(month_last_day);
    let capacity_options = super::capacity::CapacityOptions {
        baseline: Some(capacity_year.label.clone()),
        repatriate: 1.0,
        occupancy: 0.85,
        no_bed_risk: 0.05,
        groups: Vec::new(),
        beds: beds.clone(),
        by_month: false,
        charts: None,
    };
    // Beside England, when published files are given: every month both cover. Published
    // sub-national cells are rounded already, but the collaboratives' own are not, so a
    // suppressed pack leaves it out (and says so).
    let benchmark = if args.published.is_empty() || suppression.is_some() {
        None
    } else {
        let published = super::published::load(&args.published, None, false)?;
        let peers = super::benchmark::peers(&args.peer)?;
        let populations = super::benchmark::populations(&args.population)?;
        Some(super::benchmark::report(
            &inputs,
            &selection,
            &super::benchmark::BenchmarkOptions {
                published: &published,
                month: None,
                peers: &peers,
                populations: &populations,
            },
        )?)
    };
    let capacity = match (&beds, suppression) {
        (Some(_), None) => Some(super::capacity::report(&inputs, &selection, &capacity_options)?.0),
        _ => None,
    };
    // Each chart is suppressed on its own: its values are counts or not by its measure.
    for chart in &mut charts {
        suppress::apply_or_record(chart, suppression);
    }
    let spc = combine_charts(charts);

    let mut reports = vec![
        ("rates", rates),
        ("rates-rolling-3-months", rolling),
        ("nhs-oaps", nhs),
        ("los", los),
    ];
    reports.extend(reinvest.map(|r| ("reinvest", r)));
    reports.push(("spc", spc));
    for (name, report) in &mut reports {
        if *name != "spc" {
            suppress::apply_or_record(report, suppression);
        }
    }
    let capacity_section = match (&capacity, &beds) {
        (Some(report), _) => Some(Section {
            heading: format!(
                "Local beds, {}: beds needed so that demand exceeds them on at most {}% of nights, and at {}% occupancy; details in capacity.csv",
                capacity_year.label,
                render::percent(capacity_options.no_bed_risk),
                render::percent(capacity_options.occupancy)
            ),
            lines: capacity_lines(report),
        }),
        (None, Some(_)) => Some(Section {
            heading: "Local beds".into(),
            lines: vec!["Not in a suppressed pack: its nightly figures are not counts the suppression rule covers. Run oapstat capacity for them.".into()],
        }),
        (None, None) => None,
    };
    reports.extend(capacity.map(|r| ("capacity", r)));
    let benchmark_chart = match &benchmark {
        Some((report, frame)) => {
            let measure = super::benchmark::default_chart_measure(report);
            let file = format!("charts/benchmark-{measure}.svg");
            let svg = crate::render::benchmark_chart::svg(frame, &measure).ok();
            svg.map(|svg| (file, svg))
        }
        None => None,
    };
    let benchmark_note = match (&benchmark, &benchmark_chart) {
        (Some(_), Some((file, _))) => Some(format!("Beside England: the collaboratives' measures and NHS England's published figures for the months both cover, per 1,000,000 population where known, in benchmark.csv; chart in {file}.")),
        (Some(_), None) => Some("Beside England: the collaboratives' measures and NHS England's published figures in benchmark.csv (no population for England given, so no chart per 1,000,000).".to_string()),
        (None, _) if !args.published.is_empty() => Some("Beside England: not in a suppressed pack (the collaboratives' own figures there are not rounded); run oapstat benchmark for it.".to_string()),
        (None, _) => None,
    };
    reports.extend(benchmark.map(|(mut r, _)| {
        suppress::apply_or_record(&mut r, None);
        ("benchmark", r)
    }));
    let pooled = selection.pooled("All")?;
    let mut pooled_rates = super::rates::report(
        &inputs,
        &pooled,
        PeriodKind::Month,
        std::slice::from_ref(&monthly[monthly.len() - 1]),
        &[],
    )?;
    let mut pooled_rolling = super::rates::report(
        &inputs,
        &pooled,
        PeriodKind::Rolling3,
        &[window_before.clone(), window.clone()],
        &[],
    )?;
    let mut pooled_los = super::los::report(
        &inputs,
        &pooled,
        PeriodKind::Month,
        &[month_before.clone(), monthly[monthly.len() - 1].clone()],
        &[],
    )?;
    for report in [&mut pooled_rates, &mut pooled_rolling, &mut pooled_los] {
        suppress::apply_or_record(report, suppression);
    }
    let find_some = |name: &str| reports.iter().find(|(n, _)| *n == name).map(|r| &r.1);
    let find = |name: &str| find_some(name).expect("report");
    let periods = HeadlinePeriods {
        month: label.clone(),
        window: window.label.clone(),
        window_year_earlier: window_before.label.clone(),
        month_year_earlier: add_months(month, -12).format("%Y-%m").to_string(),
    };
    let spc_report = find("spc");
    let mut heads = headlines(
        &periods,
        find("rates"),
        find("rates-rolling-3-months"),
        find("nhs-oaps"),
        find("los"),
        &[spc_report],
        find_some("reinvest").ok_or(REINVEST_NOT_ESTIMATED),
        &inputs.reference.names(),
    );
    // The total row: the selection counted as one collaborative by the same computations, so
    // its ratios and medians are recomputed over all rows, never averaged.
    heads.push(total_headline(
        &periods,
        "All",
        "All collaboratives",
        (&pooled_rates, &pooled_rolling, &pooled_los),
        find("nhs-oaps"),
    ));
    let mut notes = vec![
        format!("{}.", inputs.counts_line_but_unplaced()),
        "Inappropriate OAP days: OAPs with reason 10 (no local bed available); rolling 3 months as planning guidance tracks them.".to_string(),
        "NHS England's measures: nhs-oaps.csv holds OAP01-OAP11 and OAP01a-OAP11a for the month (M, Q, Y) in the published layout; OAP06 is inappropriate OAPs active at the month's end per 1,000,000 people, OAP02 Q the inappropriate OAP days of the 3 months.".to_string(),
        "SPC: XmR charts of monthly OAP days, inappropriate OAP days and median LOS over the whole series (Making Data Count rules); lower is better for all three.".to_string(),
        match find_some("reinvest") {
            Some(_) => format!("Reinvestment: {} against {}, annualised, {}% of the saving committed; the change in OAP days is judged against the baseline year's XmR chart; details in reinvest.csv.", fy.label, financial_year(financial_year_of(fy.start) - 1).label, render::percent(args.reinvest_share)),
            None => format!("Reinvestment: {REINVEST_NOT_ESTIMATED}."),
        },
        format!(
            "Files: {} as JSON and CSV; charts/ as SVG; index.html; manifest.json lists inputs and files with SHA-256.",
            reports.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ),
    ];
    notes.extend(benchmark_note);
    // Why a figure is empty (–): the periods the extract does not cover, report by report (the
    // headline's median LOS a year earlier is in no report of the pack: its pooled twin says).
    let pooled_los_named = [("the headline's median LOS", &pooled_los)];
    let named = reports
        .iter()
        .map(|(name, report)| (*name, report))
        .chain(pooled_los_named);
    for (name, report) in named {
        if let Some(empty) = report.meta.get("empty_values") {
            for line in crate::coverage::describe(empty) {
                notes.push(format!("Empty (–) in {name}: {line}."));
            }
        }
    }
    // OAP06 is a rate per 1,000,000 people: empty where the reference gives no population.
    let without_population: Vec<&str> = heads
        .iter()
        .filter(|h| h.collaborative != "All" && h.inappropriate_oaps_active_per_million == "–")
        .map(|h| h.collaborative.as_str())
        .filter(|code| inputs.reference.population(code).is_none())
        .collect();
    if !without_population.is_empty() {
        notes.push(format!(
            "Empty (–) in the headline's OAP06: the reference (collaboratives.csv) gives no population for {}, and OAP06 is per 1,000,000 people{}.",
            without_population.join(", "),
            if heads.iter().any(|h| h.collaborative == "All" && h.inappropriate_oaps_active_per_million == "–") {
                " (so none for all collaboratives together)"
            } else {
                ""
            }
        ));
    }
    let sections: Vec<Section> = std::iter::once(Section {
        heading: String::new(),
        lines: notes,
    })
    .chain(capacity_section)
    .collect();
    let suppression_text = suppression.map(|s| s.describe());
    // What the reader must know before trusting the figures, above the headline table.
    let cautions: Vec<String> = inputs.unplaced_line().into_iter().collect();
    let summary_md = markdown(
        &label,
        &periods,
        &heads,
        &reinvest_label,
        &sections,
        suppression_text.as_deref(),
        &cautions,
    );
    drawn.sort_by(|a, b| a.collaborative.cmp(&b.collaborative));
    let mut pack_charts = Vec::new();
    for series in &drawn {
        pack_charts.push(PackChart {
            collaborative: series.collaborative.clone(),
            measure_label: measure_label(&series.measure),
            file: format!("charts/{}-{}.svg", series.measure, series.collaborative),
            svg: chart::svg(series)?,
        });
    }
    let index_html = html(
        &label,
        &periods,
        &heads,
        &reinvest_label,
        &sections,
        suppression_text.as_deref(),
        &cautions,
        &pack_charts,
    );

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
    // The workbook: the headline, a sheet per report, the SPC charts, and the pack's metadata.
    let (headings, headline_rows) = headline_table(&label, &periods, &heads, &reinvest_label);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    xlsx::add_text_sheet(&mut workbook, "headline", &headings, &headline_rows)?;
    for (name, report) in &reports {
        xlsx::add_report_sheet(&mut workbook, name, report)?;
    }
    xlsx::add_spc_charts(&mut workbook, "spc", find("spc"))?;
    let mut workbook_meta = serde_json::Map::new();
    workbook_meta.insert("month".into(), json!(label));
    workbook_meta.insert(
        "extract_date".into(),
        json!(inputs.checked.extract_date.to_string()),
    );
    workbook_meta.insert("inputs".into(), inputs.metadata());
    workbook_meta.insert(
        "suppression".into(),
        suppression.map_or(suppress::not_applied(), |s| s.metadata()),
    );
    let workbook_notes: Vec<String> = sections.iter().flat_map(|s| s.lines.clone()).collect();
    xlsx::add_metadata_sheet(&mut workbook, "summary", &workbook_meta, &workbook_notes)?;
    let workbook = workbook
        .save_to_buffer()
        .map_err(|e| anyhow::anyhow!("writing summary.xlsx: {e}"))?;
    writer.write("summary.xlsx", &workbook)?;

    let mut input_entries = Vec::new();
    for file in &inputs.checked.files {
        input_entries.push(input_entry(
            Path::new(&file.path),
            file.extract.name(),
            Some((file.rows_read, file.rows_valid)),
        )?);
    }
    for (path, extract) in [
        (&inputs.paths.collaboratives, "collaboratives"),
        (&inputs.paths.local_costs, "local_costs"),
        (&inputs.paths.mapping, "mapping"),
    ] {
        if let Some(path) = path {
            input_entries.push(input_entry(path, extract, None)?);
        }
    }
    let manifest = json!({
        "schema_version": render::SCHEMA_VERSION,
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
        "capacity": {"included": reports.iter().any(|(n, _)| *n == "capacity"), "beds": beds.as_ref().map(|p| p.display().to_string()), "baseline": capacity_year.label},
        "reinvestment": match find_some("reinvest") {
            Some(_) => json!({"estimated": true}),
            None => json!({"estimated": false, "reason": REINVEST_NOT_ESTIMATED}),
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

/// The rolling three months ending with `month`.
fn rolling_window(month: chrono::NaiveDate) -> Period {
    let start = add_months(month, -2);
    let end = month_end(month);
    Period {
        label: format!("{}/{}", start.format("%Y-%m"), month.format("%Y-%m")),
        start,
        end,
    }
}

/// The points of several charts in one report, with all their series summaries.
fn combine_charts(charts: Vec<Report>) -> Report {
    let mut combined = charts[0].clone();
    combined.rows.clear();
    let mut series = Vec::new();
    let mut measures = Vec::new();
    for chart in charts {
        combined.rows.extend(chart.rows);
        if let Some(Value::Array(s)) = chart.meta.get("series") {
            series.extend(s.iter().cloned());
        }
        if let Some(m) = chart.meta.get("parameters").and_then(|p| p.get("measure")) {
            measures.push(m.clone());
        }
    }
    combined.meta.insert("series".into(), Value::Array(series));
    if let Some(Value::Object(parameters)) = combined.meta.get_mut("parameters") {
        parameters.insert("measure".into(), Value::Array(measures));
        parameters.remove("improvement");
    }
    combined
}
