//! The reinvestment report: savings and pressures of a selection, with every assumption.
use anyhow::{bail, Result};
use chrono::NaiveDate;
use serde_json::json;

use crate::figures::pounds;
use crate::input::Inputs;
use crate::periods::{
    financial_year, financial_year_of, last_complete_financial_year, periods_within, Period,
    PeriodKind,
};
use crate::rates::{rates, Breakdown, RatesRequest};
use crate::reinvest::rows::{cells, fields};
use crate::reinvest::{
    cost_quartiles, estimate, monthly_days, period_use, sensitivity, total, Assumptions, Scenario,
};
use crate::schema::Report;
use crate::scope::Selection;

/// The current period ends at the extract date at the latest (then it is annualised).
fn cap_at(period: Period, extract_date: NaiveDate, option: &str) -> Result<Period> {
    if period.start > extract_date {
        bail!(
            "{option} {} starts after the extract date {extract_date}",
            period.label
        );
    }
    if period.end <= extract_date {
        return Ok(period);
    }
    Ok(Period {
        label: format!("{} (to {extract_date})", period.label),
        start: period.start,
        end: extract_date,
    })
}

/// What to estimate: periods as given (`None`: the defaults), share, cost and scenario.
pub struct ReinvestOptions {
    pub baseline: Option<String>,
    pub current: Option<String>,
    pub reinvest_share: f64,
    pub oap_daily_cost: Option<f64>,
    pub scenario: Option<Scenario>,
}

/// The reinvestment report: a row per collaborative and service line, a total per collaborative,
/// and the assumptions.
pub fn report(inputs: &Inputs, selection: &Selection, options: &ReinvestOptions) -> Result<Report> {
    if !(0.0..=1.0).contains(&options.reinvest_share) {
        bail!(
            "--reinvest-share {} must be between 0 and 1",
            options.reinvest_share
        );
    }
    if options
        .oap_daily_cost
        .is_some_and(|c| !c.is_finite() || c < 0.0)
    {
        bail!("--oap-daily-cost must be a non-negative number of pounds");
    }
    let scenario = options.scenario;
    let extract_date = inputs.checked.extract_date;
    let last_complete = last_complete_financial_year(extract_date);
    let current = match &options.current {
        Some(text) => cap_at(
            crate::periods::parse_period(text, "--current")?,
            extract_date,
            "--current",
        )?,
        None => last_complete.clone(),
    };
    let baseline = match &options.baseline {
        Some(text) => crate::periods::parse_period(text, "--baseline")?,
        None => financial_year(financial_year_of(current.start) - 1),
    };
    if baseline.end > extract_date {
        bail!(
            "--baseline {} ends after the extract date {extract_date}",
            baseline.label
        );
    }
    if baseline.end >= current.start {
        bail!(
            "the baseline ({}) must end before the current period ({}) starts",
            baseline.label,
            current.label
        );
    }

    if inputs.reference.local_daily_costs.is_empty() {
        bail!("no local daily costs: give --local-costs PATH (collaborative, service_line, local_daily_cost) or --data DIR holding local_costs.csv");
    }
    let (admissions, oaps, collaboratives) = (
        &selection.admissions,
        &selection.oaps,
        &selection.collaboratives,
    );
    let scope = &selection.scope;
    let populations = crate::rates::populations_frame(&inputs.reference)?;
    let by_service_line = |periods: &[Period]| {
        let request = RatesRequest {
            periods,
            by: &[Breakdown::ServiceLine],
            collaboratives,
            populations: populations.clone(),
            names: &selection.names,
        };
        rates(admissions, oaps, &request)
    };
    let use_in = |period: &Period| -> Result<_> {
        Ok(period_use(&by_service_line(std::slice::from_ref(period))?)?)
    };
    // Whether a change is real: the whole months from the baseline's first to the current
    // period's last, the baseline's months fixing the XmR limits.
    let months = periods_within(PeriodKind::Month, baseline.start, current.end);
    let baseline_months = months.iter().filter(|m| m.end <= baseline.end).count();
    let current_months = months.iter().filter(|m| m.start >= current.start).count();
    let monthly = monthly_days(
        &by_service_line(&months)?,
        &months,
        baseline_months,
        current_months,
    )?;
    let assumptions = Assumptions {
        baseline: baseline.clone(),
        current: current.clone(),
        reinvest_share: options.reinvest_share,
        oap_daily_cost: options.oap_daily_cost,
        scenario,
    };
    let estimates = estimate(
        &use_in(&baseline)?,
        &use_in(&current)?,
        &cost_quartiles(oaps, &baseline, &selection.names)?,
        &inputs.reference.local_daily_costs,
        &monthly,
        &assumptions,
    )?;

    let mut report = Report {
        command: "reinvest".into(),
        fields: fields(),
        rows: Vec::new(),
        meta: Default::default(),
        notes: Vec::new(),
    };
    let mut uncosted = Vec::new();
    let mut widened = Vec::new();
    let mut sensitivities = Vec::new();
    let codes: std::collections::BTreeSet<&str> =
        estimates.iter().map(|e| e.collaborative.as_str()).collect();
    for code in codes {
        let rows: Vec<_> = estimates
            .iter()
            .filter(|e| e.collaborative == code)
            .collect();
        for row in &rows {
            report.rows.push(cells(row, scenario.is_some()));
            if row.net_saving.is_none() {
                uncosted.push(format!("{} {}", row.collaborative, row.service_line));
            }
            if row.cost_range_widened {
                widened.push(format!("{} {}", row.collaborative, row.service_line));
            }
        }
        let all = total(
            code,
            &rows,
            options.reinvest_share,
            monthly.get(&(code.to_string(), "all".to_string())),
        );
        report.rows.push(cells(&all, scenario.is_some()));
        // A collaborative with no costed service line has no saving to be sensitive.
        if rows.iter().any(|r| r.net_saving.is_some()) {
            sensitivities.push((code.to_string(), sensitivity(&rows)));
        }
    }
    let days = |p: &Period| p.length_days();
    // A baseline or current period the extract does not wholly cover holds OAP days it cannot
    // show: every estimate compares the two, so none is given (empty, never a false saving or
    // pressure).
    let coverage = &selection.coverage;
    let baseline_covered = coverage.covers(&baseline);
    let both_covered = baseline_covered && coverage.covers(&current);
    if !both_covered {
        let source = report.field_index("oap_daily_cost_source");
        for row in &mut report.rows {
            crate::coverage::blank_row(&report.fields, row, &["local_daily_cost"]);
            if let Some(i) = source {
                row[i] = crate::schema::Cell::Null;
            }
        }
        sensitivities.clear();
        uncosted.clear();
        widened.clear();
    }
    let assumptions_json = json!({
        "baseline": {"label": baseline.label, "start": baseline.start.to_string(), "end": baseline.end.to_string(), "days": days(&baseline), "annualisation": format!("× 365 ÷ {}", days(&baseline))},
        "current": {"label": current.label, "start": current.start.to_string(), "end": current.end.to_string(), "days": days(&current), "annualisation": format!("× 365 ÷ {}", days(&current))},
        "oap_daily_cost": match options.oap_daily_cost {
            Some(c) => json!({"source": "given", "pounds": c}),
            None => json!({"source": "recorded mean of the baseline per collaborative and service line (total recorded cost ÷ OAP days with a cost)", "range": "lower and upper quartile of the recorded daily cost over the same costed OAP days of the baseline (each day once), widened to hold the mean where it lies outside them", "range_widened": widened}),
        },
        "oap_days_change": format!("judged by the XmR chart (NHSRplotthedots rules) of monthly OAP days: the {baseline_months} whole months of the baseline fix the mean and limits; a change is real when the {current_months} whole months of the current period show a shift (7 or more months on one side of the mean) or a month beyond a limit, on the side the change went; otherwise common cause"),
        "sensitivity": sensitivities.iter().map(|(code, s)| json!({
            "collaborative": code,
            "net_saving": crate::schema::round_to_pence(s.net_saving),
            "net_saving_local_cost_10_percent_lower": crate::schema::round_to_pence(s.net_saving_local_cost_10_percent_lower),
            "net_saving_local_cost_10_percent_higher": crate::schema::round_to_pence(s.net_saving_local_cost_10_percent_higher),
            "reinvestment_per_10_points_of_share": crate::schema::round_to_pence(s.reinvestment_per_10_points_of_share),
        })).collect::<Vec<_>>(),
        "local_daily_cost": {"source": inputs.reference.local_costs_path},
        "reinvest_share": options.reinvest_share,
        "scenario": scenario.map(|s| s.describe()),
        "not_costed": uncosted,
        "baseline_covered_by_data": baseline_covered,
        "totals": "per collaborative (service_line \"all\"): savings and cost pressures summed apart; net saving = savings − pressures; reinvestment = share × net saving, never below zero",
    });
    report.notes.push(format!(
        "Baseline {} ({} days) against current {} ({} days), both annualised × 365 ÷ days.",
        baseline.label,
        days(&baseline),
        current.label,
        days(&current)
    ));
    report.notes.push(match options.oap_daily_cost {
        Some(c) => format!("OAP daily cost: £{c} given; local daily cost from {}.", inputs.reference.local_costs_path.as_deref().unwrap_or("the local costs reference")),
        None => format!("OAP daily cost: recorded mean of the baseline over costed OAP days, range from the lower and upper quartiles of the daily cost over the same days; local daily cost from {}.", inputs.reference.local_costs_path.as_deref().unwrap_or("the local costs reference")),
    });
    if !widened.is_empty() {
        report.notes.push(format!(
            "Range widened to hold the estimate (skewed costs put the mean cost outside the quartiles): {}.",
            widened.join(", ")
        ));
    }
    report.notes.push(format!("Change in OAP days: real when the current period's months show a shift or a month beyond the limits of the baseline's XmR chart ({baseline_months} months), on the side the change went; common_cause means within month-to-month variation, so a saving on it may not last."));
    for (code, s) in &sensitivities {
        report.notes.push(format!(
            "Sensitivity {code}: net saving {}; with local daily costs 10% lower {}, 10% higher {}; each 10 points of reinvestment share moves the reinvestment by {}.",
            pounds(s.net_saving),
            pounds(s.net_saving_local_cost_10_percent_lower),
            pounds(s.net_saving_local_cost_10_percent_higher),
            pounds(s.reinvestment_per_10_points_of_share)
        ));
    }
    report.notes.push(format!("Reinvestment: {}% of the saving; a collaborative's total reinvests its net saving (savings less cost pressures), never below zero.", crate::figures::percent(options.reinvest_share)));
    if let Some(s) = scenario {
        report.notes.push(format!(
            "Scenario: {} (scenario_* fields in csv or json).",
            s.describe()
        ));
    }
    crate::scope::record_coverage(&mut report, coverage, [&baseline, &current]);
    if !uncosted.is_empty() {
        report.notes.push(format!(
            "Not costed (no recorded OAP cost in the baseline; give --oap-daily-cost): {}.",
            uncosted.join(", ")
        ));
    }
    report.meta.insert(
        "parameters".into(),
        json!({"collaboratives": scope.collaboratives, "service_lines": scope.service_lines}),
    );
    report.meta.insert("assumptions".into(), assumptions_json);
    report.meta.insert("inputs".into(), inputs.metadata());
    Ok(report)
}
