//! The monthly pack's human summary: the headline per collaborative, taken from the reports the
//! pack holds (after suppression, when asked), and written as Markdown.

use std::collections::BTreeMap;

use crate::render::{format_cell, Cell, Field, Report};

/// The headline of one collaborative for the month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headline {
    pub collaborative: String,
    pub oaps_active_end: String,
    pub inappropriate_oap_days_3_months: String,
    pub inappropriate_oap_days_3_months_year_earlier: String,
    pub median_los: String,
    pub median_los_year_earlier: String,
    /// "measure: signal (rules)" for each chart whose point this month is special cause.
    pub signals: Vec<String>,
    pub reinvestment_so_far: String,
}

fn cell<'a>(report: &'a Report, row: &'a [Cell], name: &str) -> Option<(&'a Field, &'a Cell)> {
    let i = report.field_index(name)?;
    Some((&report.fields[i], &row[i]))
}

fn text_of(report: &Report, row: &[Cell], name: &str) -> String {
    cell(report, row, name).map_or("–".into(), |(f, c)| format_cell(f, c))
}

fn matches(report: &Report, row: &[Cell], name: &str, value: &str) -> bool {
    matches!(cell(report, row, name), Some((_, Cell::Text(t))) if t == value)
}

/// Values of `measure` per collaborative for a period label.
fn by_collaborative(report: &Report, period: &str, measure: &str) -> BTreeMap<String, String> {
    report
        .rows
        .iter()
        .filter(|row| matches(report, row, "period", period))
        .filter_map(|row| match cell(report, row, "collaborative") {
            Some((_, Cell::Text(c))) => Some((c.clone(), text_of(report, row, measure))),
            _ => None,
        })
        .collect()
}

/// Labels of the periods the headline compares.
pub struct HeadlinePeriods {
    pub month: String,
    pub window: String,
    pub window_year_earlier: String,
    pub month_year_earlier: String,
}

/// The headline per collaborative from the pack's reports.
///
/// `rates` holds the month; `rolling` the two rolling 3-month windows; `los` the month and the
/// same month a year earlier; `charts` the SPC points; `reinvest` the financial year to date.
pub fn headlines(
    periods: &HeadlinePeriods,
    rates: &Report,
    rolling: &Report,
    los: &Report,
    charts: &[&Report],
    reinvest: &Report,
) -> Vec<Headline> {
    let active = by_collaborative(rates, &periods.month, "oaps_active_end");
    let window = by_collaborative(rolling, &periods.window, "inappropriate_oap_days");
    let window_before = by_collaborative(
        rolling,
        &periods.window_year_earlier,
        "inappropriate_oap_days",
    );
    let median = by_collaborative(los, &periods.month, "los_median");
    let median_before = by_collaborative(los, &periods.month_year_earlier, "los_median");
    let dash =
        |m: &BTreeMap<String, String>, c: &str| m.get(c).cloned().unwrap_or_else(|| "–".into());
    active
        .keys()
        .map(|code| {
            let mut signals = Vec::new();
            for chart in charts {
                for row in chart.rows.iter().filter(|r| {
                    matches(chart, r, "collaborative", code)
                        && matches(chart, r, "period", &periods.month)
                }) {
                    let Some((_, Cell::Text(signal))) = cell(chart, row, "signal") else {
                        continue;
                    };
                    if signal == "common_cause" {
                        continue;
                    }
                    let rules: Vec<&str> = ["outside_limits", "shift", "trend", "two_of_three"]
                        .into_iter()
                        .filter(|r| matches!(cell(chart, row, r), Some((_, Cell::Bool(true)))))
                        .collect();
                    let measure = text_of(chart, row, "measure");
                    signals.push(format!(
                        "{measure}: {} ({})",
                        signal.replace('_', " "),
                        rules.join(", ").replace('_', " ")
                    ));
                }
            }
            let reinvestment = reinvest
                .rows
                .iter()
                .find(|r| {
                    matches(reinvest, r, "collaborative", code)
                        && matches(reinvest, r, "service_line", "all")
                })
                .map(|r| {
                    let central = text_of(reinvest, r, "reinvestment");
                    let (low, high) = (
                        text_of(reinvest, r, "reinvestment_low"),
                        text_of(reinvest, r, "reinvestment_high"),
                    );
                    let mut text = if low == high {
                        central
                    } else {
                        format!("{central} ({low} to {high})")
                    };
                    // A rise in OAP days is a cost pressure, shown rather than hidden in a zero.
                    if let Some((_, Cell::Float(pressure))) = cell(reinvest, r, "cost_pressure") {
                        if *pressure > 0.0 {
                            text.push_str(&format!(
                                "; cost pressure {}",
                                text_of(reinvest, r, "cost_pressure")
                            ));
                        }
                    }
                    text
                })
                .unwrap_or_else(|| "–".into());
            Headline {
                collaborative: code.clone(),
                oaps_active_end: dash(&active, code),
                inappropriate_oap_days_3_months: dash(&window, code),
                inappropriate_oap_days_3_months_year_earlier: dash(&window_before, code),
                median_los: dash(&median, code),
                median_los_year_earlier: dash(&median_before, code),
                signals,
                reinvestment_so_far: reinvestment,
            }
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The Markdown summary of the pack.
pub fn markdown(
    month: &str,
    periods: &HeadlinePeriods,
    headlines: &[Headline],
    reinvest_label: &str,
    notes: &[String],
    suppression: Option<&str>,
) -> String {
    let mut md = String::new();
    md.push_str(&format!(
        "# Out-of-area placements: monthly summary, {month}\n\n"
    ));
    if let Some(rule) = suppression {
        md.push_str(&format!(
            "**Small-number suppression applied:** {rule}. Figures are not additive.\n\n"
        ));
    }
    md.push_str(&format!(
        "| Collaborative | OAPs active at month end | Inappropriate OAP days, {} | Same 3 months a year earlier ({}) | Median LOS {month} (days) | Median LOS {} | SPC signals this month | Reinvestment {reinvest_label} |\n",
        periods.window, periods.window_year_earlier, periods.month_year_earlier
    ));
    md.push_str("|---|---:|---:|---:|---:|---:|---|---:|\n");
    for h in headlines {
        let signals = if h.signals.is_empty() {
            "none".to_string()
        } else {
            h.signals.join("; ")
        };
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            escape(&h.collaborative),
            h.oaps_active_end,
            h.inappropriate_oap_days_3_months,
            h.inappropriate_oap_days_3_months_year_earlier,
            h.median_los,
            h.median_los_year_earlier,
            escape(&signals),
            h.reinvestment_so_far
        ));
    }
    md.push('\n');
    for note in notes {
        md.push_str(&format!("- {note}\n"));
    }
    md
}
