//! The capacity report: local beds against a selection's demand, with their costs.
use std::path::PathBuf;

use anyhow::{bail, Result};
use serde_json::json;

use crate::capacity::{
    by_month, daily_demand, figures, share_of_days_above, CapacityRequest, Demand, DemandChart,
    Figures,
};
use crate::figures::percent;
use crate::input::Inputs;
use crate::periods::{last_complete_financial_year, Period};
use crate::schema::{Cell, Field, Kind, Report};
use crate::scope::Selection;

/// What to estimate, as given.
pub struct CapacityOptions {
    pub baseline: Option<String>,
    pub repatriate: f64,
    pub occupancy: f64,
    pub no_bed_risk: f64,
    pub groups: Vec<(String, Vec<String>)>,
    pub beds: Option<PathBuf>,
    pub by_month: bool,
    /// Whether to chart the demand of each collaborative and service line.
    pub charts: bool,
}

/// The current beds file: the one given, else `local_beds.csv` in the data folder if there.
pub fn beds_file(given: Option<&PathBuf>, data: Option<&PathBuf>) -> Option<PathBuf> {
    given.cloned().or_else(|| {
        let in_data = data?.join("local_beds.csv");
        in_data.is_file().then_some(in_data)
    })
}

/// The output fields of a capacity row.
pub fn fields() -> Vec<Field> {
    let number = |name: &str, heading: &str| Field::new(name, Kind::Number, heading, &[]);
    let beds = |name: &str, heading: &str| Field::new(name, Kind::Count, heading, &[]);
    let money = |name: &str, heading: &str| Field::new(name, Kind::Money, heading, &[]);
    vec![
        Field::text("collaborative", "Collaborative"),
        Field::text("service_line", "Service line"),
        Field::text("month", "Month"),
        Field::count("days", ""),
        number("mean_demand", "Mean demand"),
        number("peak_demand", "Peak").optional(),
        number("demand_p50", ""),
        number("demand_p75", ""),
        number("demand_p90", ""),
        number("demand_p95", "95th pct").optional(),
        number("demand_p99", ""),
        beds("beds_by_occupancy", "Beds by occupancy"),
        beds("beds_by_no_bed_risk", "Beds by risk"),
        number("person_days_above_beds_per_year", "Person-days/yr above").optional(),
        beds("current_beds", "Current beds"),
        Field::new(
            "share_of_days_above_current_beds",
            Kind::Ratio,
            "Days above now",
            &[],
        )
        .optional(),
        beds("extra_beds_by_occupancy", "Extra (occupancy)").optional(),
        beds("extra_beds_by_no_bed_risk", "Extra (risk)"),
        money("local_daily_cost", ""),
        money("extra_beds_cost_per_year_by_occupancy", ""),
        money(
            "extra_beds_cost_per_year_by_no_bed_risk",
            "Extra beds £/yr (risk)",
        )
        .optional(),
        money("inappropriate_oap_spend_per_year", "OAP spend £/yr"),
        Field::new("inappropriate_oap_days_costed_share", Kind::Ratio, "", &[]),
        money("spend_less_cost_by_occupancy", ""),
        money("spend_less_cost_by_no_bed_risk", "Spend less cost (risk)").optional(),
    ]
}

/// One output row: the figures of `days` for a collaborative and service line (or group), with
/// current beds and costs when known.
fn row(
    demand: &Demand,
    month: &str,
    days: &[f64],
    f: &Figures,
    current: Option<f64>,
    local_cost: Option<f64>,
    per_year: f64,
) -> Vec<Cell> {
    let num = |v: Option<f64>| v.map_or(Cell::Null, Cell::Float);
    let money = |v: Option<f64>| {
        v.map_or(Cell::Null, |v| {
            Cell::Float(crate::schema::round_to_pence(v))
        })
    };
    let whole = |v: Option<f64>| v.map_or(Cell::Null, |v| Cell::Int(v as i64));
    let extra = |needed: f64| current.map(|c| needed - c);
    let cost = |needed: f64| match (extra(needed), local_cost) {
        (Some(e), Some(c)) => Some(e.max(0.0) * c * 365.0),
        _ => None,
    };
    // The spend is over the whole baseline; a month's row has none of its own.
    let spend = (month == "all").then_some(per_year);
    let less = |needed: f64| match (spend, cost(needed)) {
        (Some(s), Some(c)) => Some(s - c),
        _ => None,
    };
    let mut cells = vec![
        Cell::Text(demand.collaborative.clone()),
        Cell::Text(demand.service_line.clone()),
        Cell::Text(month.to_string()),
        Cell::Int(f.days as i64),
        Cell::Float(f.mean),
        Cell::Float(f.peak),
    ];
    cells.extend(f.percentiles.iter().map(|p| Cell::Float(*p)));
    cells.extend([
        whole(Some(f.beds_by_occupancy)),
        whole(Some(f.beds_by_risk)),
        Cell::Float(f.person_days_above_per_year),
        whole(current),
        num(current.map(|c| share_of_days_above(days, c))),
        whole(extra(f.beds_by_occupancy)),
        whole(extra(f.beds_by_risk)),
        money(local_cost),
        money(cost(f.beds_by_occupancy)),
        money(cost(f.beds_by_risk)),
        money(spend),
        num((month == "all" && demand.inappropriate_oap_days > 0.0)
            .then(|| demand.inappropriate_oap_days_costed / demand.inappropriate_oap_days)),
        money(less(f.beds_by_occupancy)),
        money(less(f.beds_by_risk)),
    ]);
    cells
}

/// The capacity report: a row per collaborative and service line (and group), and per month of
/// the baseline with `by_month`, with every assumption; and, when `options.charts` asks, each
/// row's demand chart as (file name, SVG).
pub fn report(
    inputs: &Inputs,
    selection: &Selection,
    options: &CapacityOptions,
) -> Result<(Report, Vec<DemandChart>)> {
    if !(options.occupancy > 0.0 && options.occupancy <= 1.0) {
        bail!(
            "--occupancy {} must be above 0 and at most 1 (e.g. 0.85)",
            options.occupancy
        );
    }
    if !(0.0..1.0).contains(&options.no_bed_risk) {
        bail!(
            "--no-bed-risk {} must be 0 or more and below 1 (e.g. 0.05)",
            options.no_bed_risk
        );
    }
    if !(0.0..=1.0).contains(&options.repatriate) {
        bail!(
            "--repatriate {} must be between 0 and 1",
            options.repatriate
        );
    }
    let extract_date = inputs.checked.extract_date;
    let baseline = match &options.baseline {
        Some(text) => crate::periods::parse_period(text, "--baseline")?,
        None => last_complete_financial_year(extract_date),
    };
    if baseline.end > extract_date {
        bail!(
            "--baseline {} ends after the extract date {extract_date}",
            baseline.label
        );
    }
    let current_beds = match &options.beds {
        Some(path) => Some(crate::input::reference::read_local_beds(path)?),
        None => None,
    };
    let request = CapacityRequest {
        baseline: &baseline,
        repatriate: options.repatriate,
        groups: &options.groups,
        names: &selection.names,
    };
    let mut demands = daily_demand(&selection.admissions, &selection.oaps, &request)?;
    // In the order rates and los list them: by collaborative, then service line.
    demands.sort_by(|a, b| {
        (&a.collaborative, &a.service_line).cmp(&(&b.collaborative, &b.service_line))
    });
    let mut notes = Vec::new();
    if let Some(beds) = &current_beds {
        let known: std::collections::BTreeSet<(&str, &str)> = demands
            .iter()
            .map(|d| (d.collaborative.as_str(), d.service_line.as_str()))
            .collect();
        let unknown: Vec<String> = beds
            .keys()
            .filter(|(c, s)| {
                !known.contains(&(c.as_str(), s.as_str()))
                    && selection.scope.includes_collaborative(c)
                    && selection.scope.includes_service_line(s)
            })
            .map(|(c, s)| format!("{c} {s}"))
            .collect();
        if !unknown.is_empty() {
            bail!(
                "{}: no admissions for {} (a collaborative or service line the extracts do not hold, or misspelt)",
                options.beds.as_ref().map_or(String::new(), |p| p.display().to_string()),
                unknown.join(", ")
            );
        }
    }
    let mut report = Report {
        command: "capacity".into(),
        fields: fields(),
        rows: Vec::new(),
        meta: Default::default(),
        notes: Vec::new(),
    };
    let n = baseline.length_days() as f64;
    let mut charts = Vec::new();
    // A baseline the extract does not wholly cover gives no figures, so no chart of them.
    let covered = selection.coverage.covers(&baseline);
    for demand in &demands {
        let key = (demand.collaborative.clone(), demand.service_line.clone());
        let current = current_beds.as_ref().and_then(|b| b.get(&key).copied());
        let local_cost = inputs.reference.local_daily_costs.get(&key).copied();
        let per_year = demand.inappropriate_oap_spend * 365.0 / n;
        let whole = figures(&demand.days, options.occupancy, options.no_bed_risk);
        if options.charts && covered {
            charts.push(DemandChart {
                collaborative: demand.collaborative.clone(),
                service_line: demand.service_line.clone(),
                first: baseline.start_day(),
                demand: demand.days.clone(),
                beds_by_occupancy: whole.beds_by_occupancy,
                occupancy: options.occupancy,
                beds_by_risk: whole.beds_by_risk,
                risk: options.no_bed_risk,
                current_beds: current,
            });
        }
        report.rows.push(row(
            demand,
            "all",
            &demand.days,
            &whole,
            current,
            local_cost,
            per_year,
        ));
        if options.by_month {
            for (month, days) in by_month(&demand.days, &baseline) {
                let f = figures(&days, options.occupancy, options.no_bed_risk);
                report.rows.push(row(
                    demand, &month, &days, &f, current, local_cost, per_year,
                ));
            }
        }
    }
    // A baseline (or month) the extract does not wholly cover holds days it cannot show: its
    // figures are empty, not understated.
    let coverage = &selection.coverage;
    let month_field = report.field_index("month").expect("month field");
    let mut uncovered_periods = Vec::new();
    for row in &mut report.rows {
        let period = match &row[month_field] {
            Cell::Text(m) if m != "all" => {
                crate::periods::parse_bound(m, false)
                    .ok()
                    .map(|start| Period {
                        label: m.clone(),
                        start,
                        end: crate::periods::month_end(start),
                    })
            }
            _ => Some(baseline.clone()),
        };
        if let Some(period) = period.filter(|p| !coverage.covers(p)) {
            crate::coverage::blank_row(
                &report.fields,
                row,
                &["days", "current_beds", "local_daily_cost"],
            );
            if !uncovered_periods.contains(&period) {
                uncovered_periods.push(period);
            }
        }
    }
    notes.push(format!(
        "Baseline {} ({} days). Demand for local beds each night: people in hospital and not out of area, plus {}% of those in an inappropriate OAP (reason 10); appropriate OAPs stay where they are.",
        baseline.label,
        baseline.length_days(),
        percent(options.repatriate)
    ));
    notes.push(format!(
        "Beds by occupancy: mean demand ÷ {} (the Royal College of Psychiatrists' 85% guidance by default), rounded up. Beds by risk: the fewest beds that demand exceeds on at most {}% of days; person-days/yr above: the demand left over at that size, annualised.",
        options.occupancy,
        percent(options.no_bed_risk)
    ));
    if current_beds.is_some() {
        notes.push("Extra beds = beds needed − current beds (negative: beds to spare); a bed costs the local daily cost every day, occupied or not; OAP spend: the recorded cost of the inappropriate OAP days brought home, annualised (days without a recorded cost add nothing: see inappropriate_oap_days_costed_share).".into());
    } else {
        notes.push("No current beds given (--beds, or local_beds.csv in the --data folder): extra beds and their cost are not estimated.".into());
    }
    if !options.groups.is_empty() {
        notes.push(format!(
            "Groups: {}; a group's demand is the sum of its lines' each night, and it has no local cost of its own.",
            options
                .groups
                .iter()
                .map(|(n, l)| format!("{n} = {}", l.join(" + ")))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    report.notes = notes;
    crate::scope::record_coverage(&mut report, coverage, &uncovered_periods);
    report.meta.insert(
        "parameters".into(),
        json!({
            "baseline": {"label": baseline.label, "start": baseline.start.to_string(), "end": baseline.end.to_string(), "days": baseline.length_days()},
            "repatriate": options.repatriate,
            "occupancy": options.occupancy,
            "no_bed_risk": options.no_bed_risk,
            "groups": options.groups.iter().map(|(n, l)| json!({"name": n, "service_lines": l})).collect::<Vec<_>>(),
            "beds": options.beds.as_ref().map(|p| p.display().to_string()),
            "by_month": options.by_month,
            "collaboratives": selection.scope.collaboratives,
            "service_lines": selection.scope.service_lines,
        }),
    );
    report.meta.insert(
        "assumptions".into(),
        json!({
            "demand": "each night: people in hospital and not in an out-of-area placement, plus repatriate × people in an inappropriate OAP (reason 10); a stay is in on the nights from its start to the night before its end",
            "beds_by_occupancy": "mean demand ÷ occupancy, rounded up to whole beds",
            "beds_by_no_bed_risk": "the fewest whole beds that demand exceeds on at most no_bed_risk of the days",
            "percentiles": "linear interpolation between closest ranks (R type 7)",
            "cost": "extra beds (never fewer than 0) × local daily cost × 365; OAP spend: recorded daily cost × inappropriate OAP days brought home, × 365 ÷ baseline days",
            "baseline_covered_by_data": covered,
        }),
    );
    report.meta.insert("inputs".into(), inputs.metadata());
    Ok((report, charts))
}
