//! The monthly pack's human summary: the headline per collaborative, taken from the reports the
//! pack holds (after suppression, when asked), and written as Markdown.

use std::collections::BTreeMap;

use crate::figures::format_cell;
use crate::schema::measures::label;
use crate::schema::{Cell, Field, Report};
use crate::spc::matrix::Entry;
use crate::spc::{MIN_POINTS, RUN_LENGTH};

/// The headline of one collaborative (or of all together) for the month.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub collaborative: String,
    /// The collaborative's name from the reference (its code when none).
    pub name: String,
    pub oaps_active_end: String,
    /// NHS England's OAP06 for the month: inappropriate OAPs active at its end per 1,000,000.
    pub inappropriate_oaps_active_per_million: String,
    /// Inappropriate OAP days of the 3 months ending with the month: NHS England's OAP02 at Q.
    pub inappropriate_oap_days_3_months: String,
    pub inappropriate_oap_days_3_months_year_earlier: String,
    /// The 3 months' inappropriate OAP days less those a year earlier (signed; empty when either
    /// is).
    pub inappropriate_oap_days_change: String,
    pub median_los: String,
    pub median_los_year_earlier: String,
    /// Each charted measure's place in the Making Data Count matrix (its variation and
    /// assurance); `None` where no chart is drawn (all collaboratives).
    pub mdc: Option<Vec<Entry>>,
    /// The most points among the collaborative's charts up to the month (a measure without
    /// values, LOS with no discharge, shows as empty beside it): with fewer than [`RUN_LENGTH`] no
    /// signal is a thin reading, and with fewer than [`MIN_POINTS`] there is no chart.
    pub spc_points: usize,
    /// The financial year to date's money, as `reinvest` gives it, or why there is none.
    pub money: Result<Money, String>,
}

/// A collaborative's money for the financial year to date, read from `reinvest`'s total row
/// (service line `all`): the same figures, never recomputed. Each as people read it (`£1,234`,
/// `–` when empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Money {
    /// `net saving £X` or `net cost pressure £X`, as reinvest.csv's `change` says it.
    pub change: String,
    /// Its range, as reinvest.csv's `change_range`.
    pub change_range: String,
    /// The net saving (negative: a net cost pressure) and its low and high.
    pub net_saving: [String; 3],
    /// The gross sides: savings on the service lines where OAP days fell, cost pressures where
    /// they rose.
    pub savings: String,
    pub cost_pressures: String,
    pub reinvestment: String,
    /// Whether the change in OAP days is real, in words.
    pub oap_days_change: String,
}

impl Headline {
    /// The row's cells in the order of [`headings`] (the signals joined, or "none"), the money
    /// in one cell: the net figure with its range, then the gross sides.
    pub(super) fn cells(&self) -> [String; 11] {
        let signals = match &self.mdc {
            None => "–".to_string(),
            Some(s) if s.is_empty() => too_few_points(self.spc_points),
            Some(s) => {
                let mut text = s
                    .iter()
                    .map(|e| format!("{}: {}", label(&e.measure), icon_words(e)))
                    .collect::<Vec<_>>()
                    .join("; ");
                if self.spc_points < RUN_LENGTH {
                    text.push_str(&format!(" ({})", few_points_for_runs(self.spc_points)));
                }
                text
            }
        };
        let money = match &self.money {
            Ok(m) if m.change == "–" => "–".to_string(),
            Ok(m) => {
                let mut text = m.change.clone();
                if m.change_range != "–" && m.net_saving[1] != m.net_saving[2] {
                    text.push_str(&format!(" ({})", m.change_range));
                }
                text.push_str(&format!(
                    "; savings {}, cost pressures {}; reinvestment {}",
                    m.savings, m.cost_pressures, m.reinvestment
                ));
                if m.oap_days_change != "–" {
                    text.push_str(&format!("; change in OAP days {}", m.oap_days_change));
                }
                text
            }
            Err(why) => why.clone(),
        };
        [
            self.collaborative.clone(),
            self.name.clone(),
            self.oaps_active_end.clone(),
            self.inappropriate_oaps_active_per_million.clone(),
            self.inappropriate_oap_days_3_months.clone(),
            self.inappropriate_oap_days_3_months_year_earlier.clone(),
            self.inappropriate_oap_days_change.clone(),
            self.median_los.clone(),
            self.median_los_year_earlier.clone(),
            signals,
            money,
        ]
    }

    /// The row's cells for the workbook: the figures of [`Headline::cells`] but the money, which
    /// goes in columns of its own ([`workbook_headings`]).
    pub(super) fn workbook_cells(&self) -> Vec<String> {
        let mut cells = self.cells()[..10].to_vec();
        let dash = || "–".to_string();
        match &self.money {
            Ok(m) => cells.extend([
                m.net_saving[0].clone(),
                m.net_saving[1].clone(),
                m.net_saving[2].clone(),
                m.savings.clone(),
                m.cost_pressures.clone(),
                m.reinvestment.clone(),
                m.oap_days_change.clone(),
            ]),
            Err(why) => {
                cells.extend(std::iter::repeat_with(dash).take(6));
                cells.push(why.clone());
            }
        }
        cells
    }
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

/// The value of an NHS measure (`oapstat nhs` report) at a breakdown and level for a period
/// code.
fn nhs_value(nhs: &Report, breakdown: &str, code: &str, measure_id: &str, period: &str) -> String {
    nhs.rows
        .iter()
        .find(|row| {
            matches(nhs, row, "breakdown", breakdown)
                && matches(nhs, row, "primary_level", code)
                && matches(nhs, row, "measure_id", measure_id)
                && matches(nhs, row, "period", period)
        })
        .map_or("–".into(), |row| text_of(nhs, row, "measure_value"))
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
/// `rates` holds the month; `rolling` the two rolling 3-month windows; `nhs` NHS England's
/// measures for the month; `los` the month and the same month a year earlier; `charts` the SPC
/// points; `reinvest` the financial year to date, or why there is none; `names` the
/// collaboratives' names.
#[allow(clippy::too_many_arguments)]
pub fn headlines(
    periods: &HeadlinePeriods,
    rates: &Report,
    rolling: &Report,
    nhs: &Report,
    los: &Report,
    charts: &[&Report],
    entries: &[Entry],
    reinvest: Result<&Report, &str>,
    names: &BTreeMap<String, String>,
) -> Vec<Headline> {
    let active = by_collaborative(rates, &periods.month, "oaps_active_end");
    active
        .keys()
        .map(|code| {
            let mut points = 0;
            for chart in charts {
                // Points with a value up to the month, per measure (a report may hold several).
                let mut present: BTreeMap<String, usize> = BTreeMap::new();
                for row in chart.rows.iter().filter(|r| {
                    matches(chart, r, "collaborative", code)
                        && text_of(chart, r, "period") <= periods.month
                }) {
                    let count = present.entry(text_of(chart, row, "measure")).or_default();
                    if !matches!(cell(chart, row, "value"), None | Some((_, Cell::Null))) {
                        *count += 1;
                    }
                }
                points = present.into_values().fold(points, usize::max);
            }
            let mdc: Vec<Entry> = entries
                .iter()
                .filter(|e| e.collaborative == *code)
                .cloned()
                .collect();
            let name = names.get(code).cloned().unwrap_or_else(|| code.clone());
            let mut headline = figures(
                periods,
                code,
                &name,
                (rates, rolling, los),
                nhs_value(nhs, "Collaborative", code, "OAP06", "M"),
            );
            headline.mdc = Some(mdc);
            headline.spc_points = points;
            headline.money = match reinvest {
                Ok(reinvest) => Ok(money(reinvest, code)),
                Err(why) => Err(why.to_string()),
            };
            headline
        })
        .collect()
}

/// The headline of all collaboratives together, from reports of the selection pooled as one
/// collaborative named `code` (sums of counts, recomputed ratios and medians) and `nhs`'s own
/// all-collaboratives level. No SPC chart is drawn for it, and `reinvest` has no total across
/// collaboratives: those cells are empty.
pub fn total_headline(
    periods: &HeadlinePeriods,
    code: &str,
    name: &str,
    pooled: (&Report, &Report, &Report),
    nhs: &Report,
) -> Headline {
    figures(
        periods,
        code,
        name,
        pooled,
        nhs_value(nhs, "All collaboratives", "ALL", "OAP06", "M"),
    )
}

/// A headline's figures from `rates`, `rolling` and `los` reports holding the collaborative
/// `code`.
fn figures(
    periods: &HeadlinePeriods,
    code: &str,
    name: &str,
    (rates, rolling, los): (&Report, &Report, &Report),
    per_million: String,
) -> Headline {
    let value = |report: &Report, period: &str, measure: &str| {
        by_collaborative(report, period, measure)
            .remove(code)
            .unwrap_or_else(|| "–".into())
    };
    let window = value(rolling, &periods.window, "inappropriate_oap_days");
    let window_before = value(
        rolling,
        &periods.window_year_earlier,
        "inappropriate_oap_days",
    );
    Headline {
        collaborative: code.to_string(),
        name: name.to_string(),
        oaps_active_end: value(rates, &periods.month, "oaps_active_end"),
        inappropriate_oaps_active_per_million: per_million,
        inappropriate_oap_days_change: change(&window, &window_before),
        inappropriate_oap_days_3_months: window,
        inappropriate_oap_days_3_months_year_earlier: window_before,
        median_los: value(los, &periods.month, "los_median"),
        median_los_year_earlier: value(los, &periods.month_year_earlier, "los_median"),
        mdc: None,
        spc_points: 0,
        money: Err("–".into()),
    }
}

/// "none" for a collaborative whose charts show no signal, unless they have too few points to
/// say so: fewer than [`MIN_POINTS`] draw no XmR chart, and fewer than [`RUN_LENGTH`] cannot
/// show a shift or a trend, the rules that find a sustained change.
/// A series' two icons in words: "special cause concern (high), consistently fails the target".
fn icon_words(e: &Entry) -> String {
    match e.assurance {
        Some(a) => format!("{}, {}", e.variation.words(), a.words()),
        None => e.variation.words().to_string(),
    }
}

/// Why a chart of fewer than [`RUN_LENGTH`] points says little.
fn few_points_for_runs(points: usize) -> String {
    format!(
        "too few points for an XmR chart's shift and trend rules: {points} month{}, {RUN_LENGTH} needed",
        if points == 1 { "" } else { "s" }
    )
}

impl Headline {
    /// The variation and assurance cell for the page: each measure's two icons (the
    /// reference's, with their letters) and its name, the icons' words beside them.
    pub fn mdc_html(&self) -> Option<String> {
        let entries = self.mdc.as_ref().filter(|e| !e.is_empty())?;
        let html_escape = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let mut html = String::new();
        for e in entries {
            html.push_str(&format!(
                "<span class=\"mdc\">{} {}</span><br>",
                crate::render::matrix::icon_pair(e, 20),
                html_escape(&format!("{}: {}", label(&e.measure), icon_words(e)))
            ));
        }
        if self.spc_points < RUN_LENGTH {
            html.push_str(&html_escape(&few_points_for_runs(self.spc_points)));
        }
        Some(html)
    }
}

fn too_few_points(points: usize) -> String {
    let months = |n: usize| format!("{n} month{}", if n == 1 { "" } else { "s" });
    if points < MIN_POINTS {
        format!(
            "too few points for an XmR chart: {}, {MIN_POINTS} needed",
            months(points)
        )
    } else if points < RUN_LENGTH {
        format!(
            "none, but too few points for an XmR chart's shift and trend rules: {}, {RUN_LENGTH} needed",
            months(points)
        )
    } else {
        "none".to_string()
    }
}

/// `now − before` of two counts as shown (`1,234`), signed (`+96`, `-12`, `0`); `*` when either
/// is suppressed, `–` when either is empty.
fn change(now: &str, before: &str) -> String {
    let parse = |t: &str| t.replace(',', "").parse::<i64>().ok();
    if now == "*" || before == "*" {
        return "*".into();
    }
    match (parse(now), parse(before)) {
        (Some(a), Some(b)) if a > b => format!("+{}", crate::figures::group_thousands(a - b)),
        (Some(a), Some(b)) => crate::figures::group_thousands(a - b),
        _ => "–".into(),
    }
}

/// A collaborative's money from `reinvest`'s total row: its own net figure in words and its
/// range, the gross sides, the reinvestment and whether the change in OAP days is real.
fn money(reinvest: &Report, code: &str) -> Money {
    let Some(r) = reinvest.rows.iter().find(|r| {
        matches(reinvest, r, "collaborative", code) && matches(reinvest, r, "service_line", "all")
    }) else {
        let dash = || "–".to_string();
        return Money {
            change: dash(),
            change_range: dash(),
            net_saving: [dash(), dash(), dash()],
            savings: dash(),
            cost_pressures: dash(),
            reinvestment: dash(),
            oap_days_change: dash(),
        };
    };
    let t = |name: &str| text_of(reinvest, r, name);
    let verdict = match cell(reinvest, r, "oap_days_change") {
        Some((_, Cell::Text(v))) => crate::reinvest::Verdict::parse(v).map(|v| v.describe()),
        _ => None,
    };
    Money {
        change: t("change"),
        change_range: t("change_range"),
        net_saving: [t("net_saving"), t("net_saving_low"), t("net_saving_high")],
        savings: t("estimated_saving"),
        cost_pressures: t("cost_pressure"),
        reinvestment: t("reinvestment"),
        oap_days_change: verdict.map_or("–".into(), str::to_string),
    }
}

pub(super) fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The capacity section's lines: one per collaborative and service line with current beds.
pub fn capacity_lines(capacity: &Report) -> Vec<String> {
    capacity
        .rows
        .iter()
        .filter(|r| {
            matches(capacity, r, "month", "all")
                && !matches!(cell(capacity, r, "current_beds"), Some((_, Cell::Null)) | None)
        })
        .map(|r| {
            let t = |name: &str| text_of(capacity, r, name);
            format!(
                "{} {}: nightly demand {} on average, {} at its peak; {} beds needed by the chance of no bed, {} by occupancy; {} beds now, so {} more at {} a year, against {} a year of inappropriate OAP spend brought home.",
                t("collaborative"),
                t("service_line"),
                t("mean_demand"),
                t("peak_demand"),
                t("beds_by_no_bed_risk"),
                t("beds_by_occupancy"),
                t("current_beds"),
                t("extra_beds_by_no_bed_risk"),
                t("extra_beds_cost_per_year_by_no_bed_risk"),
                t("inappropriate_oap_spend_per_year"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_signal_says_when_the_points_are_too_few_to_tell() {
        assert_eq!(
            too_few_points(1),
            "too few points for an XmR chart: 1 month, 2 needed"
        );
        assert_eq!(
            too_few_points(6),
            "none, but too few points for an XmR chart's shift and trend rules: 6 months, 7 needed"
        );
        assert_eq!(too_few_points(7), "none");
    }
}
