//! The monthly pack: from the checked inputs and the pack's options to its contents — every
//! report, the headline as Markdown and HTML, the charts and the workbook — computed, never
//! written. `cmd::summary` holds the command: its arguments, the lock, and writing the pack
//! whole or not at all.

mod equality;
pub mod headline;
pub mod pages;

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::input::Inputs;
use crate::periods::{
    add_months, financial_year, financial_year_of, last_complete_financial_year, month_end,
    period_of_month, Period, PeriodKind,
};
use crate::published::Published;
use crate::render::{chart, xlsx};
use crate::schema::measures::label as measure_label;
use crate::schema::Report;
use crate::scope::Selection;
use crate::suppress::{self, Suppression};

use headline::{capacity_lines, headlines, total_headline, HeadlinePeriods};
use pages::{headline_table, html, markdown, PackChart, Page, Section};

/// Why a pack has no reinvestment section (headline, notes and manifest say it).
pub const REINVEST_NOT_ESTIMATED: &str = "not estimated: no local daily costs were given (--local-costs, or local_costs.csv in the --data folder)";

/// Whether the pack sets the collaboratives beside NHS England's published figures.
pub enum Benchmarking {
    /// No published files were given.
    NotAsked,
    /// Published files were given, but a suppressed pack leaves the comparison out: published
    /// sub-national cells are rounded already, the collaboratives' own are not.
    LeftOut,
    /// Beside England: every month both cover.
    With {
        published: Published,
        peers: Vec<crate::benchmark::Peer>,
        populations: std::collections::BTreeMap<String, u64>,
    },
}

/// What the pack is of, and how.
pub struct PackOptions {
    /// The pack's month (its first day).
    pub month: NaiveDate,
    /// Every month of the series, from the extract's first to the pack's month (the last).
    pub months: Vec<Period>,
    pub suppression: Option<Suppression>,
    /// The share of a saving committed to reinvestment.
    pub reinvest_share: f64,
    /// The current local beds file, when one is known (the pack then sizes local beds).
    pub beds: Option<PathBuf>,
    pub benchmarking: Benchmarking,
}

/// The pack's contents, ready to be written.
pub struct Pack {
    /// Each report by its file name (`rates` is written as rates.json and rates.csv).
    pub reports: Vec<(&'static str, Report)>,
    pub summary_md: String,
    pub index_html: String,
    pub charts: Vec<PackChart>,
    /// The benchmark chart's file name and SVG, when drawn.
    pub benchmark_chart: Option<(String, String)>,
    /// summary.xlsx.
    pub workbook: Vec<u8>,
    /// The financial year local beds are sized over.
    pub capacity_baseline: String,
    pub reinvest_estimated: bool,
    pub beds: Option<PathBuf>,
}

/// Computes the pack of `options.month` for a selection.
pub fn build(inputs: &Inputs, selection: &Selection, options: &PackOptions) -> Result<Pack> {
    let month = options.month;
    let label = month.format("%Y-%m").to_string();
    let month_last_day = month_end(month);
    let suppression = options.suppression;
    let monthly = &options.months;
    // Each monthly frame is computed once and serves both its report and its charts.
    let rates_frame = crate::rates::compute(inputs, selection, monthly, &[])?;
    let los_frame = crate::los::compute(selection, monthly, &[])?;
    let rates = crate::rates::report_of(
        &rates_frame,
        inputs,
        selection,
        PeriodKind::Month,
        monthly,
        &[],
    )?;
    let window = period_of_month(PeriodKind::Rolling3, month);
    let month_before = period_of_month(PeriodKind::Month, add_months(month, -12));
    let window_before = period_of_month(PeriodKind::Rolling3, add_months(month, -12));
    let rolling = crate::rates::report(
        inputs,
        selection,
        PeriodKind::Rolling3,
        &[window_before.clone(), window.clone()],
        &[],
    )?;
    // NHS England's measures for the month, also written in the published layout.
    let adult_acute = crate::nhs::default_adult_acute();
    let nhs = crate::nhs::report(
        inputs,
        selection,
        &crate::nhs::Options {
            months: &[month],
            adult_acute: &adult_acute,
            status: "Local",
            raw: false,
            populations: &Default::default(),
            // The pack's equality section gives the groups of people.
            by_group: false,
        },
    )?;
    let los = crate::los::report_of(
        &los_frame,
        inputs,
        selection,
        PeriodKind::Month,
        monthly,
        &[],
    )?;
    let mut charts = Vec::new();
    let mut drawn = Vec::new();
    // The Making Data Count measures, with the data folder's targets and rebases.
    let (targets, rebases) = crate::spc::targets::load(None, None, &[], None, inputs)?;
    for measure in crate::spc::SUMMARY_MEASURES {
        let frame = if !crate::spc::extracts_for(measure).placements {
            &los_frame
        } else {
            &rates_frame
        };
        let request = crate::spc::ChartRequest {
            kind: PeriodKind::Month,
            periods: monthly,
            measure,
            improvement: None,
            baseline_months: None,
            baseline_range: None,
            targets: &targets,
            rebases: &rebases,
        };
        let result = crate::spc::charts_of(frame, inputs, selection, &request)?;
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
        Some(crate::reinvest::report(
            inputs,
            selection,
            &crate::reinvest::ReinvestOptions {
                baseline: None,
                current: Some(format!("{}..{month_last_day}", fy.start)),
                reinvest_share: options.reinvest_share,
                oap_daily_cost: None,
                scenario: None,
            },
        )?)
    };
    // Local beds, when the current beds are known: over the last complete financial year. Its
    // nightly figures are not counts the suppression rule covers, so a suppressed pack leaves it
    // out (and says so).
    let beds = options.beds.clone();
    let capacity_year = last_complete_financial_year(month_last_day);
    let capacity_options = crate::capacity::CapacityOptions {
        baseline: Some(capacity_year.label.clone()),
        repatriate: 1.0,
        occupancy: 0.85,
        no_bed_risk: 0.05,
        groups: Vec::new(),
        beds: beds.clone(),
        by_month: false,
        charts: false,
    };
    // Beside England, when published files are given: every month both cover.
    let benchmark = match &options.benchmarking {
        Benchmarking::With {
            published,
            peers,
            populations,
        } => Some(crate::benchmark::report(
            inputs,
            selection,
            &crate::benchmark::BenchmarkOptions {
                published,
                month: None,
                peers,
                populations,
            },
        )?),
        _ => None,
    };
    let capacity = match (&beds, suppression) {
        (Some(_), None) => Some(crate::capacity::report(inputs, selection, &capacity_options)?.0),
        _ => None,
    };
    // Each chart is suppressed on its own: its values are counts or not by its measure.
    for chart in &mut charts {
        suppress::apply_or_record(chart, suppression);
    }
    // The summary matrix: every charted measure of every collaborative, in spc.json too.
    drawn.sort_by(|a, b| a.collaborative.cmp(&b.collaborative));
    let entries: Vec<crate::spc::matrix::Entry> = drawn.iter().filter_map(|s| s.entry()).collect();
    let cells = crate::spc::matrix::matrix(&entries);
    let matrix_heading = format!("Summary matrix, {label}: variation and assurance");
    let mut spc = combine_charts(charts);
    spc.meta
        .insert("matrix".into(), crate::spc::matrix::to_json(&cells));

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
                crate::figures::percent(capacity_options.no_bed_risk),
                crate::figures::percent(capacity_options.occupancy)
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
    // Who is sent out of area, over the latest 12 months (when the admissions say who).
    let (equality_section, equality_charts) =
        match equality::pack_section(inputs, selection, month, suppression)? {
            Some(equality) => {
                reports.push(("equality", equality.report));
                (Some(equality.section), equality.charts)
            }
            None => (None, Vec::new()),
        };
    let benchmark_chart = match &benchmark {
        Some((report, frame)) => {
            let measure = crate::benchmark::default_chart_measure(report);
            let file = format!("charts/benchmark-{measure}.svg");
            let svg = crate::render::benchmark_chart::svg(frame, &measure).ok();
            svg.map(|svg| (file, svg))
        }
        None => None,
    };
    let benchmark_note = match (&benchmark, &benchmark_chart) {
        (Some(_), Some((file, _))) => Some(format!("Beside England: the collaboratives' measures and NHS England's published figures for the months both cover, per 1,000,000 population where known, in benchmark.csv; chart in {file}.")),
        (Some(_), None) => Some("Beside England: the collaboratives' measures and NHS England's published figures in benchmark.csv (no population for England given, so no chart per 1,000,000).".to_string()),
        (None, _) if matches!(options.benchmarking, Benchmarking::LeftOut) => Some("Beside England: not in a suppressed pack (the collaboratives' own figures there are not rounded); run oapstat benchmark for it.".to_string()),
        (None, _) => None,
    };
    reports.extend(benchmark.map(|(mut r, _)| {
        suppress::apply_or_record(&mut r, None);
        ("benchmark", r)
    }));
    let pooled = selection.pooled("All")?;
    let mut pooled_rates = crate::rates::report(
        inputs,
        &pooled,
        PeriodKind::Month,
        std::slice::from_ref(&monthly[monthly.len() - 1]),
        &[],
    )?;
    let mut pooled_rolling = crate::rates::report(
        inputs,
        &pooled,
        PeriodKind::Rolling3,
        &[window_before.clone(), window.clone()],
        &[],
    )?;
    let mut pooled_los = crate::los::report(
        inputs,
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
        &entries,
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
        format!(
            "SPC: XmR charts of monthly {} over the whole series (Making Data Count rules); lower is better for all. Variation is the latest point's, assurance the last limits against the target ({}).",
            crate::spc::SUMMARY_MEASURES.iter().map(|m| measure_label(m)).collect::<Vec<_>>().join(", "),
            match (&inputs.paths.targets, targets.is_empty()) {
                (Some(path), false) => format!("targets from {}", path.display()),
                _ => "no targets given: targets.csv in the --data folder".to_string(),
            }
        ),
        match find_some("reinvest") {
            Some(_) => format!("Reinvestment: {} against {}, annualised, {}% of the saving committed; the change in OAP days is judged against the baseline year's XmR chart; details in reinvest.csv.", fy.label, financial_year(financial_year_of(fy.start) - 1).label, crate::figures::percent(options.reinvest_share)),
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
    .chain(equality_section)
    .collect();
    let suppression_text = suppression.map(|s| s.describe());
    // What the reader must know before trusting the figures, above the headline table.
    let cautions: Vec<String> = inputs.unplaced_line().into_iter().collect();
    let page = Page {
        month: &label,
        periods: &periods,
        headlines: &heads,
        reinvest_label: &reinvest_label,
        sections: &sections,
        suppression: suppression_text.as_deref(),
        cautions: &cautions,
    };
    let summary_md = markdown(
        &page,
        &crate::render::matrix::markdown(&cells, &matrix_heading, &measure_label),
    );
    let mut pack_charts = Vec::new();
    for series in &drawn {
        pack_charts.push(PackChart {
            anchor: crate::render::matrix::chart_anchor(&series.collaborative, &series.measure),
            collaborative: series.collaborative.clone(),
            measure_label: measure_label(&series.measure),
            file: format!("charts/{}-{}.svg", series.measure, series.collaborative),
            svg: chart::svg(series)?,
        });
    }
    pack_charts.extend(equality_charts);
    let index_html = html(
        &page,
        &crate::render::matrix::html(&cells, &matrix_heading, &measure_label, &|_| true),
        &pack_charts,
    );

    // The workbook: the headline, a sheet per report, the SPC charts, and the pack's metadata.
    let (headings, headline_rows) = headline_table(&label, &periods, &heads, &reinvest_label);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    xlsx::add_text_sheet(&mut workbook, "headline", &headings, &headline_rows)?;
    for (name, report) in &reports {
        xlsx::add_report_sheet(&mut workbook, name, report)?;
    }
    xlsx::add_spc_charts(&mut workbook, "spc", find("spc"))?;
    xlsx::add_matrix_sheet(&mut workbook, &cells, &measure_label)?;
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

    Ok(Pack {
        capacity_baseline: capacity_year.label,
        reinvest_estimated: reports.iter().any(|(n, _)| *n == "reinvest"),
        reports,
        summary_md,
        index_html,
        charts: pack_charts,
        benchmark_chart,
        workbook,
        beds,
    })
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
