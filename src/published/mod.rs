//! Reading what NHS England publishes about out-of-area placements into one tidy table: the
//! Clinical Audit Platform open-data files of October 2016 onwards in each of their layouts
//! (DOMAIN.md section 11), and the MHSDS-era OAP files in the published header (section 10),
//! rounded or `_RAW`, their dates `DD/MM/YYYY` as downloaded or `YYYY-MM-DD` as the pipeline's
//! own tables hold them (one form per column).

mod load;

pub use load::load;

pub mod questions;

use std::collections::BTreeMap;
use std::path::Path;

use crate::input::dates::DateFormat;
use crate::nhs::{Window, PUBLISHED_COLUMNS};
use crate::periods::{date_of, day_of, month_end, month_start};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use polars::prelude::*;

/// Which collection a file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Generation {
    /// The Clinical Audit Platform collection, October 2016 to March 2023.
    Cap,
    /// The Mental Health Services Data Set, from April 2023.
    Mhsds,
}

impl Generation {
    pub fn name(self) -> &'static str {
        match self {
            Generation::Cap => "cap",
            Generation::Mhsds => "mhsds",
        }
    }
}

/// The layouts a published file comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `Question, Breakdown1, Breakdown1Code, Breakdown2, Breakdown2Code, value` (October and
    /// November 2016).
    Cap6,
    /// With `Breakdown1Description` and `Breakdown2Description` (from December 2016).
    Cap8,
    /// With `PublicationDate` and `PublicationPeriod` first (from February 2017).
    Cap10,
    /// The MHSDS header of DOMAIN.md section 10.
    Mhsds,
}

const CAP8: [&str; 8] = [
    "question",
    "breakdown1",
    "breakdown1code",
    "breakdown1description",
    "breakdown2",
    "breakdown2code",
    "breakdown2description",
    "value",
];

fn layout_of(header: &[String]) -> Option<Layout> {
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let cap6 = [
        "question",
        "breakdown1",
        "breakdown1code",
        "breakdown2",
        "breakdown2code",
        "value",
    ];
    let mhsds: Vec<String> = PUBLISHED_COLUMNS
        .iter()
        .map(|(h, _)| h.to_lowercase())
        .collect();
    if names == cap6 {
        Some(Layout::Cap6)
    } else if names == CAP8 {
        Some(Layout::Cap8)
    } else if names.len() == 10
        && names[..2] == ["publicationdate", "publicationperiod"]
        && names[2..] == CAP8
    {
        Some(Layout::Cap10)
    } else if names == mhsds {
        Some(Layout::Mhsds)
    } else {
        None
    }
}

/// The canonical spelling of a CAP breakdown (`region` was once written in lower case).
fn breakdown_name(text: &str) -> String {
    const KNOWN: [&str; 13] = [
        "England",
        "BedType",
        "Region",
        "Ccg",
        "Stp",
        "SendingProvider",
        "ReceivingProvider",
        "ReceiverGroup",
        "OutOfAreaReason",
        "Gender",
        "MhaStatus",
        "PrimaryDiagnosis",
        "AgeGroup",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(text.trim()))
        .map_or_else(|| text.trim().to_string(), |k| k.to_string())
}

/// The month a file name names (`oaps-open-data-dec-2016.csv`, `MHSDS Data_OAPs_OctPrf_2026`).
fn month_from_name(path: &Path) -> Option<NaiveDate> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let name = path.file_stem()?.to_str()?.to_lowercase();
    let words: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        let Some(month) = MONTHS.iter().position(|m| pair[0].starts_with(m)) else {
            continue;
        };
        if let Ok(year) = pair[1].parse::<i32>() {
            if (2000..2100).contains(&year) {
                return NaiveDate::from_ymd_opt(year, month as u32 + 1, 1);
            }
        }
    }
    None
}

/// A value as published: a number (`5.03563e+006` too), `*` (suppressed) or empty.
fn parse_value(text: &str) -> Option<(Option<f64>, bool)> {
    let text = text.trim();
    match text {
        "*" => Some((None, true)),
        "" => Some((None, false)),
        _ => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|v| (Some(v), false)),
    }
}

/// A fraction as a percentage, without floating-point tails (0.853 is 85.3, not
/// 85.29999999999998).
fn as_percent(fraction: f64) -> f64 {
    (fraction * 100.0 * 1e9).round() / 1e9
}

/// The length of a published period, as NHS England names the three periods of a reporting
/// month (DOMAIN.md section 10): `M` (the month), `Q` (the 3 months ending with it), `Y` (the 12
/// months ending with it); any other span as its number of days (`45 days`).
pub fn period_length(start: NaiveDate, end: NaiveDate) -> String {
    let month = month_start(end);
    match Window::ALL.iter().find(|w| w.dates(month) == (start, end)) {
        Some(window) => window.code().to_string(),
        None => format!("{} days", (end - start).num_days() + 1),
    }
}

/// Whether a MEASURE_ID is one of NHS England's OAP measures (OAP01…OAP11, OAP01a…OAP11a, and
/// any later OAPnn).
fn is_oap_measure(id: &str) -> bool {
    id.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("OAP"))
}

/// How many MEASURE_IDs a message about a file of another measure family names.
const IDS_SHOWN: usize = 5;

/// The date form of each of the two date columns of an MHSDS-layout file: that of its first
/// date, with the line it was set on.
#[derive(Default)]
struct DateForms([Option<(DateFormat, u64)>; 2]);

impl DateForms {
    /// The date in column `slot` (0: start, 1: end) of a line, in the column's form.
    fn parse(
        &mut self,
        slot: usize,
        text: &str,
        path: &str,
        line: u64,
        name: &str,
    ) -> Result<NaiveDate> {
        let form = match self.0[slot] {
            Some((form, _)) => Some(form),
            None => DateFormat::detect(text).inspect(|&form| self.0[slot] = Some((form, line))),
        };
        if let Some(day) = form.and_then(|f| f.parse(text)) {
            return Ok(date_of(day));
        }
        let expected = match self.0[slot] {
            Some((form, first)) if first != line => format!(
                "{}, the form of this column from line {first}: one form per column",
                form.describe()
            ),
            Some((form, _)) => form.describe().to_string(),
            None => "DD/MM/YYYY as downloaded, or YYYY-MM-DD".to_string(),
        };
        bail!("{path}:{line}: {name} {text:?} is not a date (expected {expected})")
    }
}

/// The rows read from published files.
#[derive(Default)]
struct Table {
    period_start: Vec<i32>,
    period_end: Vec<i32>,
    period: Vec<String>,
    source_file: Vec<String>,
    generation: Vec<&'static str>,
    breakdown: Vec<String>,
    level_code: Vec<String>,
    level_name: Vec<String>,
    secondary_breakdown: Vec<String>,
    secondary_code: Vec<String>,
    secondary_name: Vec<String>,
    measure: Vec<String>,
    measure_id: Vec<String>,
    value: Vec<Option<f64>>,
    suppressed: Vec<bool>,
}

/// What reading published files gives: the table, and warnings (unknown questions).
pub struct Published {
    /// `period_start, period_end, period, source_file, generation, breakdown, level_code,
    /// level_name, secondary_breakdown, secondary_code, secondary_name, measure, measure_id,
    /// value, suppressed`, in file order; `period` is [`period_length`].
    pub frame: DataFrame,
    pub warnings: Vec<String>,
    /// Per file: its path, generation, first month and rows read.
    pub files: Vec<FileRead>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileRead {
    pub path: String,
    pub generation: &'static str,
    pub layout: String,
    /// The reporting month of the file (the latest when it holds several).
    pub month: String,
    /// Its data rows, those left out included.
    pub rows_read: usize,
    /// Rows of another family's measures (an MHSDS-layout file's MEASURE_IDs other than
    /// OAP01…OAP11a) left out of the table, with a warning.
    pub rows_not_oap: usize,
}

impl FileRead {
    /// `_RAW` (NHS England's unrounded file), `rounded` (its other MHSDS file) or `cap`.
    pub fn variant(&self) -> &'static str {
        if is_raw(&self.path) {
            "_RAW"
        } else if self.generation == Generation::Mhsds.name() {
            "rounded"
        } else {
            self.generation
        }
    }
}

/// Whether a file is NHS England's unrounded variant (`..._RAW.csv`).
fn is_raw(path: &str) -> bool {
    path.to_lowercase().contains("_raw")
}

/// Reads published files (each named as the user gave it). `period` is the month for a CAP
/// file that names none (neither a `PublicationPeriod` column nor a month in its name).
/// Two files of the same generation, variant (rounded or `_RAW`) and month are refused unless
/// `keep_duplicates`.
pub fn read(
    paths: &[String],
    period: Option<NaiveDate>,
    keep_duplicates: bool,
) -> Result<Published> {
    let mut table = Table::default();
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    let mut seen: BTreeMap<(Generation, bool, NaiveDate), String> = BTreeMap::new();
    for path in paths {
        let (generation, month, rows, rows_not_oap, layout) =
            read_file(path, period, &mut table, &mut warnings)?;
        let raw = is_raw(path);
        if let Some(first) = seen.insert((generation, raw, month), path.clone()) {
            if !keep_duplicates {
                bail!(
                    "{first} and {path} are both {} files for {}{}: give one, or --keep-duplicates to keep both",
                    generation.name(),
                    month.format("%Y-%m"),
                    if raw { " (_RAW)" } else { "" }
                );
            }
        }
        files.push(FileRead {
            path: path.clone(),
            generation: generation.name(),
            layout: format!("{layout:?}"),
            month: month.format("%Y-%m").to_string(),
            rows_read: rows + rows_not_oap,
            rows_not_oap,
        });
    }
    Ok(Published {
        frame: table.frame()?,
        warnings,
        files,
    })
}

/// Reads one file into the table: its generation, month, rows in the table, rows left out (not
/// OAP measures) and layout.
fn read_file(
    path: &str,
    period: Option<NaiveDate>,
    table: &mut Table,
    warnings: &mut Vec<String>,
) -> Result<(Generation, NaiveDate, usize, usize, Layout)> {
    let bytes = std::fs::read(path).with_context(|| format!("{path}: cannot read"))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim().is_empty() {
        bail!("{path}: the file is empty: no header and no rows (expected a published OAP file)");
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{path}: cannot read the header"))?
        .iter()
        .map(str::to_string)
        .collect();
    let Some(layout) = layout_of(&header) else {
        bail!(
            "{path}: not a published OAP file: its header is {}; expected a Clinical Audit Platform layout (Question,Breakdown1,Breakdown1Code,[Breakdown1Description,]Breakdown2,Breakdown2Code,[Breakdown2Description,]value, optionally after PublicationDate,PublicationPeriod) or the MHSDS header ({})",
            header.join(","),
            PUBLISHED_COLUMNS.iter().map(|c| c.0).collect::<Vec<_>>().join(",")
        );
    };
    let generation = if layout == Layout::Mhsds {
        Generation::Mhsds
    } else {
        Generation::Cap
    };
    // The file's month, for the CAP layouts without a period column.
    let file_month = month_from_name(Path::new(path)).or(period);
    if matches!(layout, Layout::Cap6 | Layout::Cap8) && file_month.is_none() {
        bail!("{path}: no period: the file has no PublicationPeriod column and its name names no month (as in oaps-open-data-dec-2016.csv); give --period YYYY-MM");
    }
    let mut latest: Option<NaiveDate> = None;
    let mut unknown: Vec<String> = Vec::new();
    let mut not_oap: Vec<String> = Vec::new();
    let mut rows_not_oap = 0;
    let mut oap_rows = 0;
    let mut rows = 0;
    let mut forms = DateForms::default();
    // Lines counted from the records' byte offsets: after a CRLF-ended line (the ending NHS
    // England's downloads have) the csv crate starts the next record at the `\n`, so its own line
    // count is one short; a record starts at its first byte that ends no line.
    let bytes = text.as_bytes();
    let mut line = 1u64;
    let mut counted_to = 0usize;
    for record in reader.records() {
        let record = record.with_context(|| format!("{path}: not valid CSV"))?;
        let mut at = record.position().map_or(counted_to, |p| p.byte() as usize);
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        line += memchr::memchr_iter(b'\n', &bytes[counted_to..at]).count() as u64;
        counted_to = at;
        if record.len() != header.len() {
            bail!(
                "{path}:{line}: {} fields, expected {} as in the header",
                record.len(),
                header.len()
            );
        }
        let field = |i: usize| record.get(i).unwrap_or_default().trim();
        // Another family's measure in an OAP file (MHS01...): left out, said below.
        if layout == Layout::Mhsds && !field(8).is_empty() && !is_oap_measure(field(8)) {
            if !not_oap.iter().any(|id| id == field(8)) {
                not_oap.push(field(8).to_string());
            }
            rows_not_oap += 1;
            continue;
        }
        oap_rows += usize::from(layout == Layout::Mhsds && !field(8).is_empty());
        let value_text = field(header.len() - 1);
        let Some((mut value, suppressed)) = parse_value(value_text) else {
            bail!("{path}:{line}: value {value_text:?} is neither a number nor * (suppressed)");
        };
        let (start, end) = match layout {
            Layout::Mhsds => (
                forms.parse(0, field(0), path, line, "REPORTING_PERIOD_START")?,
                forms.parse(1, field(1), path, line, "REPORTING_PERIOD_END")?,
            ),
            Layout::Cap10 => {
                let text = field(1);
                let month = NaiveDate::parse_from_str(&format!("{}/01", text.replace('-', "/")), "%Y/%m/%d")
                    .with_context(|| format!("{path}:{line}: PublicationPeriod {text:?} is not a month (expected YYYY/MM)"))?;
                (month, month_end(month))
            }
            Layout::Cap6 | Layout::Cap8 => {
                let month = file_month.expect("checked above");
                (month, month_end(month))
            }
        };
        latest = latest.max(Some(month_start(end)));
        let (breakdown, level, secondary, measure, id) = match layout {
            Layout::Mhsds => {
                let none = |t: &str| {
                    if t == "NONE" {
                        String::new()
                    } else {
                        t.to_string()
                    }
                };
                (
                    field(3).to_string(),
                    [field(4).to_string(), field(5).to_string()],
                    [String::new(), none(field(6)), none(field(7))],
                    field(9).to_string(),
                    field(8).to_string(),
                )
            }
            _ => {
                let at = if layout == Layout::Cap10 { 2 } else { 0 };
                let described = layout != Layout::Cap6;
                let (b1, b2) = if described {
                    (at + 1, at + 4)
                } else {
                    (at + 1, at + 3)
                };
                let question = field(at).to_string();
                let id = match questions::measure_of(&question) {
                    Some((id, fraction)) => {
                        if fraction {
                            value = value.map(as_percent);
                        }
                        id.to_string()
                    }
                    None => {
                        if !unknown.contains(&question) {
                            unknown.push(question.clone());
                        }
                        String::new()
                    }
                };
                let description = |i: usize| {
                    if described {
                        field(i).to_string()
                    } else {
                        String::new()
                    }
                };
                let b1_name = breakdown_name(field(b1));
                let code = if b1_name == "England" && field(b1 + 1).is_empty() {
                    "England".to_string()
                } else {
                    field(b1 + 1).to_string()
                };
                let b2_name = field(b2);
                (
                    b1_name,
                    [code, description(b1 + 2)],
                    [
                        if b2_name.is_empty() {
                            String::new()
                        } else {
                            breakdown_name(b2_name)
                        },
                        field(b2 + 1).to_string(),
                        description(b2 + 2),
                    ],
                    question,
                    id,
                )
            }
        };
        let [level_code, level_name] = level;
        let [secondary_breakdown, secondary_code, secondary_name] = secondary;
        table.period_start.push(day_of(start));
        table.period_end.push(day_of(end));
        table.period.push(period_length(start, end));
        table.source_file.push(path.to_string());
        table.generation.push(generation.name());
        table.breakdown.push(breakdown);
        table.level_code.push(level_code);
        table.level_name.push(level_name);
        table.secondary_breakdown.push(secondary_breakdown);
        table.secondary_code.push(secondary_code);
        table.secondary_name.push(secondary_name);
        table.measure.push(measure);
        table.measure_id.push(id);
        table.value.push(value);
        table.suppressed.push(suppressed);
        rows += 1;
    }
    for question in unknown {
        warnings.push(format!(
            "{path}: question {question:?} is not in oapstat's table of published measures: kept with an empty measure_id"
        ));
    }
    if rows_not_oap > 0 && oap_rows == 0 {
        bail!(
            "{path}: holds no OAP measures (MEASURE_ID OAP01…OAP11a): its measures are {}; it is another part of NHS England's Mental Health Services Monthly Statistics, and oapstat published reads the OAP files",
            first_ids(&not_oap)
        );
    }
    if rows_not_oap > 0 {
        warnings.push(format!(
            "{path}: {rows_not_oap} rows of measures that are not OAP measures ({}) left out: they are another part of NHS England's Mental Health Services Monthly Statistics",
            first_ids(&not_oap)
        ));
    }
    let month = latest
        .or(file_month)
        .with_context(|| format!("{path}: no rows"))?;
    Ok((generation, month, rows, rows_not_oap, layout))
}

/// The first [`IDS_SHOWN`] measure ids of a list, and how many there are when there are more.
fn first_ids(ids: &[String]) -> String {
    let shown = ids[..ids.len().min(IDS_SHOWN)].join(", ");
    if ids.len() > IDS_SHOWN {
        format!("{shown}, … ({} in all)", ids.len())
    } else {
        shown
    }
}

impl Table {
    fn frame(self) -> PolarsResult<DataFrame> {
        let n = self.value.len();
        DataFrame::new(
            n,
            vec![
                Column::new("period_start".into(), self.period_start).cast(&DataType::Date)?,
                Column::new("period_end".into(), self.period_end).cast(&DataType::Date)?,
                Column::new("period".into(), self.period),
                Column::new("source_file".into(), self.source_file),
                Column::new("generation".into(), self.generation),
                Column::new("breakdown".into(), self.breakdown),
                Column::new("level_code".into(), self.level_code),
                Column::new("level_name".into(), self.level_name),
                Column::new("secondary_breakdown".into(), self.secondary_breakdown),
                Column::new("secondary_code".into(), self.secondary_code),
                Column::new("secondary_name".into(), self.secondary_name),
                Column::new("measure".into(), self.measure),
                Column::new("measure_id".into(), self.measure_id),
                Column::new("value".into(), self.value),
                Column::new("suppressed".into(), self.suppressed),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn values_as_published() {
        assert_eq!(
            parse_value("5.03563e+006"),
            Some((Some(5_035_630.0), false))
        );
        assert_eq!(parse_value("*"), Some((None, true)));
        assert_eq!(parse_value(""), Some((None, false)));
        assert_eq!(parse_value("12x"), None);
        assert_eq!(as_percent(0.853), 85.3);
    }

    #[test]
    fn period_lengths_from_start_and_end() {
        let d = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let length = |start: &str, end: &str| period_length(d(start), d(end));
        assert_eq!(length("2026-10-01", "2026-10-31"), "M");
        assert_eq!(length("2026-08-01", "2026-10-31"), "Q");
        assert_eq!(length("2025-11-01", "2026-10-31"), "Y");
        // February of a leap year, a Q across a year's end, a Y from March to February.
        assert_eq!(length("2024-02-01", "2024-02-29"), "M");
        assert_eq!(length("2025-12-01", "2026-02-28"), "Q");
        assert_eq!(length("2023-03-01", "2024-02-29"), "Y");
        // Not a period NHS England publishes: its days, first and last counted.
        assert_eq!(length("2026-09-01", "2026-10-31"), "61 days");
        assert_eq!(length("2026-10-02", "2026-10-31"), "30 days");
    }

    #[test]
    fn dates_in_either_form_one_form_per_column() {
        let mut forms = DateForms::default();
        let date = |f: &mut DateForms, slot: usize, text: &str, line: u64| {
            f.parse(slot, text, "f.csv", line, "REPORTING_PERIOD_START")
                .map(|d| d.to_string())
                .map_err(|e| e.to_string())
        };
        assert_eq!(date(&mut forms, 0, "01/06/2024", 2).unwrap(), "2024-06-01");
        assert_eq!(date(&mut forms, 1, "2024-08-31", 2).unwrap(), "2024-08-31");
        assert_eq!(date(&mut forms, 0, "31/08/2024", 3).unwrap(), "2024-08-31");
        assert_eq!(
            date(&mut forms, 0, "2024-06-01", 4).unwrap_err(),
            "f.csv:4: REPORTING_PERIOD_START \"2024-06-01\" is not a date (expected DD/MM/YYYY, the form of this column from line 2: one form per column)"
        );
        let mut fresh = DateForms::default();
        assert_eq!(
            date(&mut fresh, 0, "June 2024", 2).unwrap_err(),
            "f.csv:2: REPORTING_PERIOD_START \"June 2024\" is not a date (expected DD/MM/YYYY as downloaded, or YYYY-MM-DD)"
        );
        // The first date of a column sets its form even when it is no real day.
        assert!(date(&mut fresh, 1, "31/02/2024", 2)
            .unwrap_err()
            .ends_with("\"31/02/2024\" is not a date (expected DD/MM/YYYY)"));
    }

    #[test]
    fn every_day_of_2000_to_2030_in_both_forms_is_chronos_day() {
        let (mut uk, mut iso) = (DateForms::default(), DateForms::default());
        let mut day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        let mut line = 2;
        while day.year() <= 2030 {
            let as_uk = day.format("%d/%m/%Y").to_string();
            let as_iso = day.format("%Y-%m-%d").to_string();
            assert_eq!(uk.parse(0, &as_uk, "f", line, "S").unwrap(), day);
            assert_eq!(iso.parse(1, &as_iso, "f", line, "E").unwrap(), day);
            day = day.succ_opt().unwrap();
            line += 1;
        }
    }

    #[test]
    fn oap_measure_ids() {
        assert!(is_oap_measure("OAP01"));
        assert!(is_oap_measure("OAP11a"));
        assert!(is_oap_measure("oap03"));
        assert!(!is_oap_measure("MRS01"));
        assert!(!is_oap_measure("OA"));
        assert!(!is_oap_measure(""));
    }

    #[test]
    fn months_from_file_names() {
        let month = |name: &str| month_from_name(Path::new(name)).map(|d| d.to_string());
        assert_eq!(
            month("oaps-open-data-dec-2016.csv").as_deref(),
            Some("2016-12-01")
        );
        assert_eq!(
            month("data/Oaps-Open-Data-Feb-2017.CSV").as_deref(),
            Some("2017-02-01")
        );
        assert_eq!(
            month("MHSDS Data_OAPs_Oct_2026.csv").as_deref(),
            Some("2026-10-01")
        );
        assert_eq!(month("oaps.csv"), None);
    }
}
