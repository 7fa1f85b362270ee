//! Reporting periods and day counting (DOMAIN.md sections 1, 4 and 5).
//!
//! Every date inside oapstat's analyses is a *day number*: days since 1970-01-01, the physical
//! value of a Polars `Date`. Day arithmetic is then plain integer arithmetic, and this module is
//! the one place that converts between day numbers, calendar dates and reporting periods.

use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};

/// Days since 1970-01-01, the physical representation of a Polars `Date`.
pub type Day = i32;

const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// The day number of a calendar date.
pub fn day_of(date: NaiveDate) -> Day {
    date.num_days_from_ce() - EPOCH_DAYS_FROM_CE
}

/// The calendar date of a day number.
pub fn date_of(day: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day + EPOCH_DAYS_FROM_CE).expect("day number in range")
}

/// Nights a stay from `start` to `end` (ongoing: `None`) occupies within the inclusive period
/// `[p1, p2]`: `max(0, min(e, p2 + 1) − max(s, p1))`, with `e = p2 + 1` when ongoing
/// (DOMAIN.md section 4). The admission day counts, the discharge day does not.
pub fn days_in_period(start: Day, end: Option<Day>, p1: Day, p2: Day) -> i64 {
    let end = end.map_or(p2 + 1, |e| e.min(p2 + 1));
    (i64::from(end) - i64::from(start.max(p1))).max(0)
}

/// How a span of time is cut into reporting periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodKind {
    /// Calendar months, labelled `2025-10`.
    Month,
    /// NHS financial quarters (Q1 = April–June), labelled `2025-26 Q1`.
    Quarter,
    /// NHS financial years (April–March), labelled `2025-26`.
    Year,
    /// Rolling three months ending in each month, labelled `2025-08/2025-10`.
    Rolling3,
    /// Rolling twelve months ending in each month, labelled `2024-11/2025-10` (NHS England's Y).
    Rolling12,
}

/// One reporting period: inclusive first and last dates and the label used in every output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn start_day(&self) -> Day {
        day_of(self.start)
    }
    pub fn end_day(&self) -> Day {
        day_of(self.end)
    }
    /// Number of calendar days in the period (both ends included).
    pub fn length_days(&self) -> i64 {
        i64::from(self.end_day() - self.start_day() + 1)
    }
}

/// First day of the month `months` after (or before, when negative) the month of `date`.
pub fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("valid month")
}

/// First day of the month of `date`.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    add_months(date, 0)
}

/// Last day of the month of `date`.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    add_months(date, 1).pred_opt().expect("valid date")
}

/// The financial year that `date` falls in, as the calendar year it starts in (2025 for 2025-26).
pub fn financial_year_of(date: NaiveDate) -> i32 {
    if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// `2025-26` for the financial year starting in April 2025.
pub fn financial_year_label(start_year: i32) -> String {
    format!("{}-{:02}", start_year, (start_year + 1).rem_euclid(100))
}

/// The financial year starting in April of `start_year`, as a period.
pub fn financial_year(start_year: i32) -> Period {
    Period {
        label: financial_year_label(start_year),
        start: NaiveDate::from_ymd_opt(start_year, 4, 1).expect("valid date"),
        end: NaiveDate::from_ymd_opt(start_year + 1, 3, 31).expect("valid date"),
    }
}

/// The last financial year complete on `date`: the one it falls in when `date` is its last day
/// (31 March), else the one before.
pub fn last_complete_financial_year(date: NaiveDate) -> Period {
    let this_year = financial_year(financial_year_of(date));
    if this_year.end <= date {
        this_year
    } else {
        financial_year(financial_year_of(date) - 1)
    }
}

/// Parses `2025-26` (or `2025/26`) into the financial year starting in April 2025.
pub fn parse_financial_year(text: &str) -> Result<Period> {
    let text = text.trim();
    let parsed = text
        .split_once(['-', '/'])
        .and_then(|(a, b)| Some((a.parse::<i32>().ok()?, b.parse::<i32>().ok()?)));
    match parsed {
        Some((start, end)) if (start + 1).rem_euclid(100) == end && text.len() == 7 => {
            Ok(financial_year(start))
        }
        _ => bail!("{text:?} is not a financial year (expected the form 2025-26)"),
    }
}

/// The last day of the last calendar month that is complete on `extract_date`.
pub fn last_complete_month_end(extract_date: NaiveDate) -> NaiveDate {
    if month_end(extract_date) == extract_date {
        extract_date
    } else {
        month_start(extract_date).pred_opt().expect("valid date")
    }
}

/// Parses a `--from`/`--to` value: `YYYY-MM` (the whole month) or `YYYY-MM-DD`. For `YYYY-MM`,
/// `--from` means the first day of the month and `--to` the last (`is_end`).
pub fn parse_bound(text: &str, is_end: bool) -> Result<NaiveDate> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date);
    }
    if let Ok(first) = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d") {
        if text.len() == 7 {
            return Ok(if is_end { month_end(first) } else { first });
        }
    }
    bail!("{text:?} is not a month or a date (expected YYYY-MM or YYYY-MM-DD)")
}

/// The periods of `kind` that lie wholly inside `[from, to]`, in time order.
///
/// Only complete periods are returned, so that no figure silently covers part of a period.
/// A rolling window is included when all its months lie inside the span.
pub fn periods_within(kind: PeriodKind, from: NaiveDate, to: NaiveDate) -> Vec<Period> {
    let mut periods = Vec::new();
    let (step, span) = match kind {
        PeriodKind::Month => (1, 1),
        PeriodKind::Quarter => (3, 3),
        PeriodKind::Year => (12, 12),
        PeriodKind::Rolling3 => (1, 3),
        PeriodKind::Rolling12 => (1, 12),
    };
    // The first candidate start: the month of `from`, moved back to a quarter or year boundary.
    let mut start = month_start(from);
    if matches!(kind, PeriodKind::Quarter | PeriodKind::Year) {
        let months_from_april = (start.month0() as i32 - 3).rem_euclid(step);
        start = add_months(start, -months_from_april);
    }
    while start <= to {
        let end = add_months(start, span).pred_opt().expect("valid date");
        if start >= from && end <= to {
            periods.push(Period {
                label: label(kind, start, end),
                start,
                end,
            });
        }
        start = add_months(start, step);
    }
    periods
}

fn label(kind: PeriodKind, start: NaiveDate, end: NaiveDate) -> String {
    match kind {
        PeriodKind::Month => start.format("%Y-%m").to_string(),
        PeriodKind::Quarter => {
            let quarter = (start.month0() as i32 - 3).rem_euclid(12) / 3 + 1;
            format!(
                "{} Q{quarter}",
                financial_year_label(financial_year_of(start))
            )
        }
        PeriodKind::Year => financial_year_label(financial_year_of(start)),
        PeriodKind::Rolling3 | PeriodKind::Rolling12 => {
            format!("{}/{}", start.format("%Y-%m"), end.format("%Y-%m"))
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }
    fn day(text: &str) -> Day {
        day_of(d(text))
    }

    #[test]
    fn day_numbers_match_polars_epoch() {
        assert_eq!(day("1970-01-01"), 0);
        assert_eq!(day("2024-02-29"), 19_782);
        assert_eq!(date_of(19_782), d("2024-02-29"));
    }

    #[test]
    fn days_in_period_counts_nights() {
        let (p1, p2) = (day("2024-02-01"), day("2024-02-29"));
        // Entirely inside: 2024-02-10 to 2024-02-15 is 5 nights.
        assert_eq!(
            days_in_period(day("2024-02-10"), Some(day("2024-02-15")), p1, p2),
            5
        );
        // Crossing both ends: all 29 nights of February in the leap year.
        assert_eq!(
            days_in_period(day("2024-01-20"), Some(day("2024-03-05")), p1, p2),
            29
        );
        // Ongoing from before: the whole month.
        assert_eq!(days_in_period(day("2023-12-01"), None, p1, p2), 29);
        // Same-day stay: zero nights.
        assert_eq!(
            days_in_period(day("2024-02-10"), Some(day("2024-02-10")), p1, p2),
            0
        );
        // Starting on the last day: one night; ending on the first day: none.
        assert_eq!(days_in_period(day("2024-02-29"), None, p1, p2), 1);
        assert_eq!(
            days_in_period(day("2024-01-01"), Some(day("2024-02-01")), p1, p2),
            0
        );
        // Wholly outside.
        assert_eq!(days_in_period(day("2024-03-01"), None, p1, p2), 0);
    }

    #[test]
    fn days_in_consecutive_periods_add_up_to_length() {
        let (s, e) = (day("2023-12-15"), day("2024-03-10"));
        let months = periods_within(PeriodKind::Month, d("2023-12-01"), d("2024-03-31"));
        let total: i64 = months
            .iter()
            .map(|p| days_in_period(s, Some(e), p.start_day(), p.end_day()))
            .sum();
        assert_eq!(total, i64::from(e - s));
        assert_eq!(total, 86); // 17 + 31 + 29 + 9
    }

    #[test]
    fn month_labels_and_bounds() {
        let months = periods_within(PeriodKind::Month, d("2024-01-01"), d("2024-03-31"));
        let labels: Vec<_> = months.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2024-01", "2024-02", "2024-03"]);
        assert_eq!(months[1].end, d("2024-02-29"));
        assert_eq!(months[1].length_days(), 29);
    }

    #[test]
    fn financial_quarters_and_years() {
        let quarters = periods_within(PeriodKind::Quarter, d("2025-02-01"), d("2026-01-31"));
        let labels: Vec<_> = quarters.iter().map(|p| p.label.as_str()).collect();
        // Jan–Mar 2025 is not wholly inside; Jan–Mar 2026 is not complete.
        assert_eq!(labels, ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3"]);
        assert_eq!(quarters[2].start, d("2025-10-01"));
        assert_eq!(quarters[2].end, d("2025-12-31"));

        let years = periods_within(PeriodKind::Year, d("2023-04-01"), d("2026-10-31"));
        let labels: Vec<_> = years.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2023-24", "2024-25", "2025-26"]);
        assert_eq!(years[0].length_days(), 366); // includes 2024-02-29
        assert_eq!(years[1].length_days(), 365);
    }

    #[test]
    fn rolling_three_months() {
        let windows = periods_within(PeriodKind::Rolling3, d("2025-01-01"), d("2025-04-30"));
        let labels: Vec<_> = windows.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2025-01/2025-03", "2025-02/2025-04"]);
        assert_eq!(windows[0].start, d("2025-01-01"));
        assert_eq!(windows[0].end, d("2025-03-31"));
    }

    #[test]
    fn last_complete_month() {
        assert_eq!(last_complete_month_end(d("2026-11-24")), d("2026-10-31"));
        assert_eq!(last_complete_month_end(d("2026-10-31")), d("2026-10-31"));
        assert_eq!(last_complete_month_end(d("2024-03-01")), d("2024-02-29"));
    }

    #[test]
    fn the_last_complete_financial_year() {
        // 31 March closes its year; the day before does not; October is in the next year.
        for (date, year) in [
            ("2026-03-31", "2025-26"),
            ("2026-03-30", "2024-25"),
            ("2026-10-31", "2025-26"),
            ("2024-04-01", "2023-24"),
        ] {
            assert_eq!(last_complete_financial_year(d(date)).label, year, "{date}");
        }
    }

    #[test]
    fn bounds_and_financial_years_parse() {
        assert_eq!(parse_bound("2025-10", false).unwrap(), d("2025-10-01"));
        assert_eq!(parse_bound("2024-02", true).unwrap(), d("2024-02-29"));
        assert_eq!(parse_bound("2025-10-15", true).unwrap(), d("2025-10-15"));
        assert!(parse_bound("Oct 2025", false).is_err());
        let fy = parse_financial_year("2023-24").unwrap();
        assert_eq!((fy.start, fy.end), (d("2023-04-01"), d("2024-03-31")));
        assert_eq!(parse_financial_year("1999-00").unwrap().label, "1999-00");
        assert!(parse_financial_year("2023-25").is_err());
    }
}
