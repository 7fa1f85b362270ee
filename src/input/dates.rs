//! Dates as day numbers: the two date formats of the contract, read without building a date.

use crate::periods::Day;

/// An empty date cell.
pub const NO_DAY: Day = Day::MIN;
/// A date cell holding text that is not a date (already reported).
pub const BAD_DAY: Day = Day::MIN + 1;

/// Whether a day number is a date (neither empty nor invalid).
pub fn is_day(day: Day) -> bool {
    day > BAD_DAY
}

/// The two accepted date formats (DOMAIN.md section 3); one per column of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    Iso,
    Uk,
}

impl DateFormat {
    pub fn detect(text: &str) -> Option<DateFormat> {
        let b = text.as_bytes();
        if b.len() != 10 {
            return None;
        }
        if b[4] == b'-' && b[7] == b'-' {
            Some(DateFormat::Iso)
        } else if b[2] == b'/' && b[5] == b'/' {
            Some(DateFormat::Uk)
        } else {
            None
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::Uk => "DD/MM/YYYY",
        }
    }

    /// The day of a date written in this format, or `None`.
    pub fn parse(self, text: &str) -> Option<Day> {
        let (y, m, d) = self.numbers(text)?;
        day_from_civil(y as i32, m, d)
    }

    /// Why text written as a date in this format is no date (its month or day is not in the
    /// calendar, e.g. `February 2026 has 28 days`); `None` when it is one, or is not written so.
    pub fn calendar_problem(self, text: &str) -> Option<String> {
        let (y, m, d) = self.numbers(text)?;
        calendar_problem(y as i32, m, d)
    }

    /// The year, month and day of text written in this format.
    fn numbers(self, text: &str) -> Option<(u32, u32, u32)> {
        if DateFormat::detect(text)? != self {
            return None;
        }
        let b = text.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            b[range].iter().try_fold(0u32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        Some(match self {
            DateFormat::Iso => (number(0..4)?, number(5..7)?, number(8..10)?),
            DateFormat::Uk => (number(6..10)?, number(3..5)?, number(0..2)?),
        })
    }

    pub(super) fn bit(self) -> u8 {
        match self {
            DateFormat::Iso => 1,
            DateFormat::Uk => 2,
        }
    }
}

/// The day number (days since 1970-01-01) of a calendar date, or `None` when there is no such
/// date: Howard Hinnant's `days_from_civil`, without building a date (this runs for every date
/// cell of an extract). A test checks it against chrono for every day of 1900 to 2100.
fn day_from_civil(year: i32, month: u32, day: u32) -> Option<Day> {
    if day == 0 || day > days_in_month(year, month)? {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era =
        year_of_era as u32 * 365 + year_of_era as u32 / 4 - year_of_era as u32 / 100 + day_of_year;
    Some(era * 146_097 + day_of_era as i32 - 719_468)
}

/// The days of a month of a year; `None` for no month.
fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

/// Why a year, month and day are no date in the calendar; `None` when they are one.
fn calendar_problem(year: i32, month: u32, day: u32) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let Some(days) = days_in_month(year, month) else {
        return Some(format!("there is no month {month} (months are 1 to 12)"));
    };
    if day == 0 {
        return Some("there is no day 0 (days start at 1)".to_string());
    }
    (day > days).then(|| format!("{} {year} has {days} days", MONTHS[month as usize - 1]))
}

pub fn iso(day: Day) -> String {
    crate::periods::date_of(day).format("%Y-%m-%d").to_string()
}

/// A date format a mapping gives for a column (chrono's strftime syntax, e.g. `%Y%m%d`). A time
/// after the date (after a space or a `T`) is ignored. Formats made only of `%Y`, `%m`, `%d` and
/// other characters that stand for themselves are read at fixed places, without chrono.
#[derive(Debug, Clone)]
pub struct DateLayout {
    format: String,
    /// Where the year, month and day are, and the characters between them, when fixed.
    fixed: Option<Fixed>,
}

#[derive(Debug, Clone)]
struct Fixed {
    year: usize,
    month: usize,
    day: usize,
    /// Every other byte of the date, at its place.
    literals: Vec<(usize, u8)>,
    len: usize,
}

impl DateLayout {
    /// The layout of a strftime format, or why it is not one that describes a date.
    pub fn new(format: &str) -> Result<DateLayout, String> {
        use chrono::format::{Item, StrftimeItems};
        if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
            return Err(format!(
                "{format:?} is not a valid date format (chrono's strftime syntax, e.g. \"%Y%m%d\" or \"%d/%m/%Y\")"
            ));
        }
        let layout = DateLayout {
            format: format.to_string(),
            fixed: Fixed::of(format),
        };
        // A format that can write a date but not read it back lacks the year, month or day.
        for date in [(2024, 1, 31), (1999, 12, 5)] {
            let (y, m, d) = date;
            let sample = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            let mut written = String::new();
            let time = sample.and_hms_opt(13, 45, 0).expect("a time");
            // A format chrono cannot write (e.g. a time zone) is no date format either.
            let wrote =
                std::fmt::Write::write_fmt(&mut written, format_args!("{}", time.format(format)));
            if wrote.is_err() || layout.parse(&written) != Some(crate::periods::day_of(sample)) {
                return Err(format!(
                    "{format:?} does not give a whole date (it needs the year, month and day, e.g. \"%Y%m%d\")"
                ));
            }
        }
        Ok(layout)
    }

    /// Why text written as a date in this layout is no date (see
    /// [`DateFormat::calendar_problem`]); for layouts read at fixed places.
    pub fn calendar_problem(&self, text: &str) -> Option<String> {
        let (y, m, d) = self.fixed.as_ref()?.numbers(text.as_bytes())?;
        calendar_problem(y as i32, m, d)
    }

    /// The format as given.
    pub fn describe(&self) -> &str {
        &self.format
    }

    /// The day of a date written in this layout (anything after a space or `T` ignored), or `None`.
    pub fn parse(&self, text: &str) -> Option<Day> {
        match &self.fixed {
            Some(fixed) => fixed.parse(text.as_bytes()),
            None => {
                let (date, rest) =
                    chrono::NaiveDate::parse_and_remainder(text, &self.format).ok()?;
                is_time_or_nothing(rest).then(|| crate::periods::day_of(date))
            }
        }
    }
}

/// Whether what follows a date is nothing, or a time after a space or `T`.
fn is_time_or_nothing(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with([' ', 'T'])
}

impl Fixed {
    fn of(format: &str) -> Option<Fixed> {
        let (mut year, mut month, mut day) = (None, None, None);
        let mut literals = Vec::new();
        let mut at = 0;
        let mut bytes = format.bytes();
        while let Some(byte) = bytes.next() {
            if byte == b'%' {
                let (slot, width) = match bytes.next()? {
                    b'Y' => (&mut year, 4),
                    b'm' => (&mut month, 2),
                    b'd' => (&mut day, 2),
                    _ => return None,
                };
                if slot.replace(at).is_some() {
                    return None;
                }
                at += width;
            } else if byte.is_ascii() && !byte.is_ascii_digit() {
                literals.push((at, byte));
                at += 1;
            } else {
                return None;
            }
        }
        Some(Fixed {
            year: year?,
            month: month?,
            day: day?,
            literals,
            len: at,
        })
    }

    fn parse(&self, text: &[u8]) -> Option<Day> {
        let (y, m, d) = self.numbers(text)?;
        day_from_civil(y as i32, m, d)
    }

    /// The year, month and day of text written in this layout.
    fn numbers(&self, text: &[u8]) -> Option<(u32, u32, u32)> {
        if text.len() < self.len
            || !is_time_or_nothing(std::str::from_utf8(&text[self.len..]).ok()?)
        {
            return None;
        }
        let number = |from: usize, width: usize| -> Option<u32> {
            text[from..from + width].iter().try_fold(0u32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        if self.literals.iter().any(|&(at, byte)| text[at] != byte) {
            return None;
        }
        Some((
            number(self.year, 4)?,
            number(self.month, 2)?,
            number(self.day, 2)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::periods::day_of;
    use chrono::{Datelike, NaiveDate};

    #[test]
    fn dates_parse_in_either_format_but_one_per_column() {
        assert_eq!(DateFormat::detect("2024-02-29"), Some(DateFormat::Iso));
        assert_eq!(DateFormat::detect("29/02/2024"), Some(DateFormat::Uk));
        assert_eq!(DateFormat::Iso.parse("2024-02-29"), Some(19_782));
        assert_eq!(DateFormat::Uk.parse("29/02/2024"), Some(19_782));
        assert_eq!(DateFormat::Iso.parse("2023-02-29"), None);
        assert_eq!(DateFormat::Iso.parse("29/02/2024"), None);
        assert_eq!(DateFormat::Iso.parse("2024-1-01"), None);
        assert_eq!(DateFormat::Iso.parse("2024-+1-01"), None);
    }

    #[test]
    fn day_numbers_agree_with_chrono_from_1900_to_2100() {
        let mut date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while date.year() <= 2100 {
            assert_eq!(
                day_from_civil(date.year(), date.month(), date.day()),
                Some(day_of(date)),
                "{date}"
            );
            date = date.succ_opt().unwrap();
        }
        for (y, m, d) in [
            (2023, 2, 29),
            (1900, 2, 29),
            (2024, 4, 31),
            (2024, 13, 1),
            (2024, 0, 1),
            (2024, 1, 0),
        ] {
            assert_eq!(day_from_civil(y, m, d), None, "{y}-{m}-{d}");
        }
        assert_eq!(day_from_civil(2000, 2, 29), Some(11_016));
    }

    #[test]
    fn layouts_read_their_dates_and_ignore_a_time() {
        let day = |text: &str| Some(day_of(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()));
        let compact = DateLayout::new("%Y%m%d").unwrap();
        assert!(compact.fixed.is_some());
        assert_eq!(compact.parse("20240229"), day("2024-02-29"));
        assert_eq!(compact.parse("20240229 13:45:00"), day("2024-02-29"));
        assert_eq!(compact.parse("20240229T13:45"), day("2024-02-29"));
        assert_eq!(compact.parse("20230229"), None, "not a leap year");
        assert_eq!(compact.parse("2024022"), None);
        assert_eq!(compact.parse("202402291"), None);
        assert_eq!(compact.parse("2024-02-29"), None);
        let dashed = DateLayout::new("%d-%m-%Y").unwrap();
        assert_eq!(dashed.parse("31-01-2024"), day("2024-01-31"));
        assert_eq!(dashed.parse("31/01/2024"), None);
        assert_eq!(
            DateLayout::new("%d/%m/%Y")
                .unwrap()
                .parse("05/12/1999 00:00"),
            day("1999-12-05")
        );
        assert_eq!(
            DateLayout::new("%Y-%m-%d").unwrap().parse("2024-04-30"),
            day("2024-04-30")
        );
        // Anything else through chrono.
        let named = DateLayout::new("%d %b %Y").unwrap();
        assert!(named.fixed.is_none());
        assert_eq!(named.parse("29 Feb 2024"), day("2024-02-29"));
        assert_eq!(named.parse("29 Feb 2024 10:00"), day("2024-02-29"));
        assert_eq!(named.parse("29 Feb 2024x"), None);
        let with_time = DateLayout::new("%Y-%m-%d %H:%M").unwrap();
        assert_eq!(with_time.parse("2024-02-29 10:00"), day("2024-02-29"));
        // Fixed and chrono agree on every day of 2023 to 2025.
        let chrono_compact = DateLayout {
            format: "%Y%m%d".into(),
            fixed: None,
        };
        let mut date = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        while date.year() < 2026 {
            let text = date.format("%Y%m%d").to_string();
            assert_eq!(compact.parse(&text), chrono_compact.parse(&text));
            assert_eq!(compact.parse(&text), Some(day_of(date)));
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn dates_not_in_the_calendar_say_why() {
        let uk = |text: &str| DateFormat::Uk.calendar_problem(text);
        assert_eq!(
            uk("31/02/2026").as_deref(),
            Some("February 2026 has 28 days")
        );
        assert_eq!(
            uk("30/02/2024").as_deref(),
            Some("February 2024 has 29 days")
        );
        assert_eq!(
            uk("29/02/1900").as_deref(),
            Some("February 1900 has 28 days")
        );
        assert_eq!(uk("31/04/2026").as_deref(), Some("April 2026 has 30 days"));
        assert_eq!(
            uk("00/01/2026").as_deref(),
            Some("there is no day 0 (days start at 1)")
        );
        assert_eq!(
            uk("01/13/2026").as_deref(),
            Some("there is no month 13 (months are 1 to 12)")
        );
        assert_eq!(
            DateFormat::Iso.calendar_problem("2026-00-10").as_deref(),
            Some("there is no month 0 (months are 1 to 12)")
        );
        assert_eq!(uk("29/02/2024"), None, "a date");
        assert_eq!(uk("2026-02-31"), None, "not written in this format");
        assert_eq!(uk("3x/02/2026"), None);
        let compact = DateLayout::new("%Y%m%d").unwrap();
        assert_eq!(
            compact.calendar_problem("20260231 10:00").as_deref(),
            Some("February 2026 has 28 days")
        );
        // Every problem named is one chrono agrees is no date, and every date it refuses is named.
        for y in [1900, 2000, 2023, 2024] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let text = format!("{d:02}/{m:02}/{y}");
                    let chrono = NaiveDate::parse_from_str(&text, "%d/%m/%Y").is_ok();
                    assert_eq!(uk(&text).is_none(), chrono, "{text}");
                    assert_eq!(DateFormat::Uk.parse(&text).is_some(), chrono, "{text}");
                }
            }
        }
    }

    /// Text shaped like a date, or nearly: digits, signs and separators at and around a date's
    /// places.
    fn date_like() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            (
                0u32..10_000,
                0u32..100,
                0u32..100,
                "[-/. x]",
                "[-/. x]",
                "( 10:00|T10:00| x|x)?"
            )
                .prop_map(|(y, m, d, a, b, tail)| format!("{y:04}{a}{m:02}{b}{d:02}{tail}")),
            (
                0u32..100,
                0u32..100,
                0u32..10_000,
                "[-/. x]",
                "[-/. x]",
                "( 10:00|T10:00| x|x)?"
            )
                .prop_map(|(d, m, y, a, b, tail)| format!("{d:02}{a}{m:02}{b}{y:04}{tail}")),
            (0u32..10_000, 0u32..100, 0u32..100, "( 10:00|T10:00|x)?")
                .prop_map(|(y, m, d, tail)| format!("{y:04}{m:02}{d:02}{tail}")),
            "[0-9+ /:.T-]{0,14}",
        ]
    }

    /// A date as chrono reads it in `format`: only text that chrono writes back the same (its
    /// parser also takes one-digit months, signs and longer years, which no column holds).
    fn chrono_day(text: &str, format: &str) -> Option<Day> {
        let date = NaiveDate::parse_from_str(text, format).ok()?;
        (date.format(format).to_string() == text).then(|| day_of(date))
    }

    proptest::proptest! {
        #[test]
        fn contract_formats_and_fixed_layouts_agree_with_chrono(text in date_like()) {
            // The contract's two formats take the whole cell.
            proptest::prop_assert_eq!(DateFormat::Iso.parse(&text), chrono_day(&text, "%Y-%m-%d"));
            proptest::prop_assert_eq!(DateFormat::Uk.parse(&text), chrono_day(&text, "%d/%m/%Y"));
            // A mapping's layouts ignore a time after a space or a T.
            let (date, rest) = text.split_at(text.find([' ', 'T']).unwrap_or(text.len()));
            for format in ["%Y%m%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%Y"] {
                let layout = DateLayout::new(format).unwrap();
                let expected = chrono_day(date, format).filter(|_| is_time_or_nothing(rest));
                proptest::prop_assert_eq!(layout.parse(&text), expected, "{}", format);
                // A date refused with a reason is one chrono refuses too.
                if layout.calendar_problem(&text).is_some() {
                    proptest::prop_assert_eq!(expected, None);
                }
            }
        }
    }

    #[test]
    fn formats_that_do_not_give_a_date_are_refused() {
        assert!(DateLayout::new("%Y%m%")
            .unwrap_err()
            .contains("not a valid date format"));
        assert!(DateLayout::new("%Y%m")
            .unwrap_err()
            .contains("does not give a whole date"));
        assert!(DateLayout::new("%H:%M")
            .unwrap_err()
            .contains("does not give a whole date"));
    }
}
