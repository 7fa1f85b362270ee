//! Drafting a mapping from the first rows of a system's own export: which column holds each
//! contract column (names compared without case, spaces or underscores, with the usual synonyms
//! and the MHSDS field names), the delimiter, the encoding, how dates are written and what codes
//! need a table of values. What it cannot tell is marked `EDIT` in the draft, with a `"?"` that
//! oapstat refuses until it is replaced.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::preset::MHSDS_BED_TYPE;
use crate::input::contract::{columns_of, parse_flag, REASON_CODES};
use crate::input::dates::DateLayout;
use crate::input::files::ExtractKind;

/// How much of each file is read to draft from.
const SAMPLE_BYTES: usize = 1 << 18;
/// Rows looked at, at most.
const SAMPLE_ROWS: usize = 500;

/// Other names of each contract column (compared once lower case, without spaces, underscores
/// or other punctuation), MHSDS field names among them.
fn synonyms(kind: ExtractKind, column: &str) -> &'static [&'static str] {
    use ExtractKind::*;
    match (kind, column) {
        (_, "admission_id") => &[
            "admissionid",
            "spellid",
            "spellno",
            "spellnumber",
            "spell",
            "hospprovspellid",
            "uniqhospprovspellid",
            "hospprovspellnum",
            "admid",
            "admissionno",
            "admissionnumber",
        ],
        (_, "patient_id") => &[
            "patientid",
            "personid",
            "patientno",
            "patientnumber",
            "localpatientid",
            "nhsnumber",
            "pasid",
            "mrn",
            "clientid",
        ],
        (_, "collaborative") => &[
            "collaborative",
            "providercollaborative",
            "collaborativecode",
            "collab",
            "pc",
            "pccode",
            "leadprovider",
        ],
        (_, "service_line") => &[
            "serviceline",
            "bedtype",
            "hospitalbedtypemh",
            "mhadmittedpatientclass",
            "wardtype",
            "service",
            "specialty",
        ],
        (_, "admission_date") => &[
            "admissiondate",
            "admdate",
            "admitdate",
            "dateofadmission",
            "startdatehospprovspell",
            "spellstartdate",
            "admitted",
        ],
        (_, "discharge_date") => &[
            "dischargedate",
            "disdate",
            "dischdate",
            "dateofdischarge",
            "dischdatehospprovspell",
            "spellenddate",
            "discharged",
        ],
        (Admissions, "provider_code") => &[
            "providercode",
            "orgidprov",
            "provider",
            "providerid",
            "orgcode",
            "organisationcode",
            "trustcode",
        ],
        (Placements, "provider_code") => &[
            "providercode",
            "orgidreceiving",
            "receivingprovider",
            "receivingprovidercode",
            "provider",
            "providerid",
            "orgcode",
            "sitecode",
        ],
        (_, "placement_id") => &[
            "placementid",
            "placementno",
            "placementref",
            "wardstayid",
            "uniqwardstayid",
            "oapid",
            "stayid",
        ],
        (_, "start_date") => &[
            "startdate",
            "placementstart",
            "placementstartdate",
            "startdatewardstay",
            "wardstaystartdate",
            "fromdate",
        ],
        (_, "end_date") => &[
            "enddate",
            "placementend",
            "placementenddate",
            "enddatewardstay",
            "wardstayenddate",
            "todate",
        ],
        (_, "out_of_area") => &[
            "outofarea",
            "ooa",
            "oap",
            "oapflag",
            "outofareaplacement",
            "outofareaflag",
            "isoap",
        ],
        (_, "oap_reason") => &[
            "oapreason",
            "reasonoat",
            "reason",
            "reasoncode",
            "oapreasoncode",
        ],
        (_, "distance_km") => &[
            "distancekm",
            "distance",
            "distancefromhome",
            "km",
            "distancetravelled",
        ],
        (_, "daily_cost") => &[
            "dailycost",
            "costperday",
            "dailyrate",
            "bedcost",
            "dailyprice",
            "cost",
        ],
        _ => &[],
    }
}

/// A header name as compared: lower case, letters and digits only.
fn squashed(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The first rows of one file.
struct Sample {
    path: String,
    delimiter: u8,
    /// `None`: UTF-8.
    encoding: Option<&'static encoding_rs::Encoding>,
    /// Whether the text read is ASCII only (the same in UTF-8 and Windows-1252).
    ascii: bool,
    names: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn sample(path: &Path) -> Result<Sample> {
    let shown = path.display().to_string();
    let mut bytes = Vec::with_capacity(SAMPLE_BYTES);
    std::fs::File::open(path)
        .with_context(|| format!("{shown}: cannot open"))?
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{shown}: cannot read"))?;
    // Whole lines only.
    if bytes.len() == SAMPLE_BYTES {
        if let Some(end) = memchr::memrchr(b'\n', &bytes) {
            bytes.truncate(end + 1);
        }
    }
    let (text, encoding) = match std::str::from_utf8(&bytes) {
        Ok(text) => (text.to_string(), None),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            (text.into_owned(), Some(encoding_rs::WINDOWS_1252))
        }
    };
    let ascii = bytes.is_ascii();
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    if first.trim().is_empty() {
        bail!("{shown}: the file is empty or its first line is (expected a header line)");
    }
    let delimiter = [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| (first.matches(char::from(*d)).count(), *d == b','))
        .expect("delimiters");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let names = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the header"))?
        .iter()
        .map(|n| n.trim().to_string())
        .collect();
    let rows = reader
        .records()
        .take(SAMPLE_ROWS)
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(|v| v.trim().to_string()).collect())
        .collect();
    Ok(Sample {
        path: shown,
        delimiter,
        encoding,
        ascii,
        names,
        rows,
    })
}

impl Sample {
    /// The header name matching a contract column.
    fn find(&self, kind: ExtractKind, column: &str) -> Option<usize> {
        let own = squashed(column);
        let names: Vec<String> = self.names.iter().map(|n| squashed(n)).collect();
        names.iter().position(|n| *n == own).or_else(|| {
            synonyms(kind, column)
                .iter()
                .find_map(|s| names.iter().position(|n| n == s))
        })
    }

    /// The distinct non-empty values of a column among the rows read, in order of first sight.
    fn values(&self, at: usize) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for row in &self.rows {
            if let Some(v) = row.get(at).map(String::as_str).filter(|v| !v.is_empty()) {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
        }
        seen
    }

    /// How many contract columns of `kind` the header matches.
    fn score(&self, kind: ExtractKind) -> usize {
        let (columns, _) = columns_of(kind);
        columns
            .iter()
            .filter(|c| self.find(kind, c).is_some())
            .count()
    }
}

/// Which extract a file is: from its name, else from the columns its header matches.
fn kind_of(sample: &Sample) -> ExtractKind {
    let name = Path::new(&sample.path)
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ["plac", "plc", "oap", "ward"]
        .iter()
        .any(|w| name.contains(w))
    {
        return ExtractKind::Placements;
    }
    if ["adm", "spell"].iter().any(|w| name.contains(w)) {
        return ExtractKind::Admissions;
    }
    let placements = sample.score(ExtractKind::Placements);
    let unique_to_placements = ["placement_id", "start_date", "out_of_area"]
        .iter()
        .filter(|c| sample.find(ExtractKind::Placements, c).is_some())
        .count();
    if unique_to_placements > 0 && placements >= sample.score(ExtractKind::Admissions) {
        ExtractKind::Placements
    } else {
        ExtractKind::Admissions
    }
}

/// Date formats tried, in order; the first two are the contract's own.
const DATE_FORMATS: [&str; 7] = [
    "%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y",
];

/// The format all the dates of a sample are written in: `Ok(None)` when the contract reads them
/// as they are, `Err` when none fits.
fn date_format(values: &[&str]) -> Result<Option<&'static str>, ()> {
    if values.is_empty() {
        return Ok(None);
    }
    let fits = |format: &str| {
        let layout = DateLayout::new(format).expect("a known format");
        values.iter().all(|v| layout.parse(v).is_some())
    };
    let format = DATE_FORMATS.into_iter().find(|f| fits(f)).ok_or(())?;
    let plain = values.iter().all(|v| v.len() == 10);
    Ok((!(plain && DATE_FORMATS[..2].contains(&format))).then_some(format))
}

/// A TOML string (a JSON string is one: the same quotes and escapes).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string")
}

/// A draft mapping for the given files (admissions and placements, told apart by name or header).
pub fn suggest(paths: &[PathBuf]) -> Result<String> {
    if paths.is_empty() {
        bail!("give the files to draft a mapping for: oapstat mapping --suggest ADMISSIONS PLACEMENTS");
    }
    let samples = paths
        .iter()
        .map(|p| sample(p))
        .collect::<Result<Vec<_>>>()?;
    let mut out = String::new();
    let files: Vec<&str> = samples.iter().map(|s| s.path.as_str()).collect();
    writeln!(
        out,
        "# A mapping drafted by `oapstat mapping --suggest` from {}.",
        files.join(", ")
    )?;
    writeln!(
        out,
        "# Check every line. Lines whose note begins \"EDIT:\" need your answer: oapstat refuses"
    )?;
    writeln!(out, "# the \"?\" they hold until you give it.")?;
    writeln!(
        out,
        "# The format: \"Reading your own export\" in docs/your-extracts.md of oapstat's repository.\n"
    )?;
    write_csv_section(&mut out, &samples)?;
    for kind in [ExtractKind::Admissions, ExtractKind::Placements] {
        let of_kind: Vec<&Sample> = samples.iter().filter(|s| kind_of(s) == kind).collect();
        match of_kind.first() {
            Some(first) => {
                write_extract_section(&mut out, kind, first, files_entry(kind, first, &samples))?
            }
            None => writeln!(
                out,
                "# [{}]: no file given looked like the {} extract.\n",
                kind.name(),
                kind.name()
            )?,
        }
    }
    Ok(out)
}

fn write_csv_section(out: &mut String, samples: &[Sample]) -> Result<()> {
    writeln!(out, "[csv]")?;
    let first = &samples[0];
    let same_delimiter = samples.iter().all(|s| s.delimiter == first.delimiter);
    let delimiter = match first.delimiter {
        b'\t' => "\\t".to_string(),
        d => char::from(d).to_string(),
    };
    if same_delimiter {
        writeln!(out, "delimiter = \"{delimiter}\"")?;
    } else {
        writeln!(out, "delimiter = \"?\"  # EDIT: the files use different delimiters; one mapping reads files of one kind")?;
    }
    let not_utf8: Vec<&str> = samples
        .iter()
        .filter(|s| s.encoding.is_some())
        .map(|s| s.path.as_str())
        .collect();
    let utf8: Vec<&str> = samples
        .iter()
        .filter(|s| s.encoding.is_none() && !s.ascii)
        .map(|s| s.path.as_str())
        .collect();
    if not_utf8.is_empty() {
        writeln!(out, "encoding = \"utf-8\"")?;
    } else if utf8.is_empty() {
        writeln!(
            out,
            "encoding = \"windows-1252\"  # not UTF-8: read as Windows text (as Excel saves it)"
        )?;
    } else {
        writeln!(out, "encoding = \"?\"  # EDIT: {} not UTF-8 but {} UTF-8; one mapping reads files of one encoding", not_utf8.join(", "), utf8.join(", "))?;
    }
    writeln!(out)?;
    Ok(())
}

/// The file name of a path.
fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// The `files` line of an extract whose file is not named as `--data` expects (`admissions*`,
/// `placements*`): its name with every run of digits (a date, a number) as `*`, so that next
/// month's file matches too; the name itself when that pattern would match another file given.
fn files_entry(kind: ExtractKind, sample: &Sample, samples: &[Sample]) -> Option<String> {
    let name = file_name(&sample.path);
    if name.starts_with(kind.name()) {
        return None;
    }
    let mut glob = String::new();
    for c in name.chars() {
        if !c.is_ascii_digit() {
            glob.push(c);
        } else if !glob.ends_with('*') {
            glob.push('*');
        }
    }
    let matches_another = glob::Pattern::new(&glob).is_ok_and(|pattern| {
        samples
            .iter()
            .any(|s| s.path != sample.path && pattern.matches(&file_name(&s.path)))
    });
    if matches_another || glob.contains(['?', '[', ']']) {
        glob = glob::Pattern::escape(&name);
    }
    Some(format!(
        "files = {}  # the files of the --data folder that are the {} extract (a glob pattern)",
        quoted(&glob),
        kind.name()
    ))
}

fn write_extract_section(
    out: &mut String,
    kind: ExtractKind,
    sample: &Sample,
    files: Option<String>,
) -> Result<()> {
    let (columns, required) = columns_of(kind);
    writeln!(out, "[{}]  # from {}", kind.name(), sample.path)?;
    if let Some(files) = files {
        writeln!(out, "{files}")?;
    }
    for (i, column) in columns.iter().enumerate() {
        let Some(at) = sample.find(kind, column) else {
            if i < required {
                writeln!(
                    out,
                    "{column} = \"?\"  # EDIT: no column matched; name the column that holds it (columns: {})",
                    sample.names.join(", ")
                )?;
            } else {
                writeln!(out, "# {column} = \"...\"  # optional: no column matched")?;
            }
            continue;
        };
        let name = quoted(&sample.names[at]);
        let values = sample.values(at);
        let listed = |values: &[&str]| -> String {
            values
                .iter()
                .map(|v| format!("{} = \"?\"", quoted(v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match *column {
            "admission_date" | "discharge_date" | "start_date" | "end_date" => {
                match date_format(&values) {
                    Ok(None) => writeln!(out, "{column} = {name}")?,
                    Ok(Some(format)) => {
                        let time = values.iter().any(|v| v.len() > 10 && v.contains([' ', 'T']));
                        let note = if time { "  # the time after each date is ignored" } else { "" };
                        writeln!(out, "{column} = {{ column = {name}, format = {} }}{note}", quoted(format))?
                    }
                    Err(()) => writeln!(
                        out,
                        "{column} = {{ column = {name}, format = \"?\" }}  # EDIT: say how dates are written, e.g. {} is \"%d/%m/%Y\" (strftime)",
                        quoted(values.first().copied().unwrap_or_default())
                    )?,
                }
            }
            "out_of_area" if !values.iter().all(|v| parse_flag(v).is_some()) => writeln!(
                out,
                "{column} = {{ column = {name}, values = {{ {} }} }}  # EDIT: say which codes mean \"yes\" (out of area) and which \"no\"",
                listed(&values)
            )?,
            "oap_reason" if !values.iter().all(|v| REASON_CODES.contains(v)) => writeln!(
                out,
                "{column} = {{ column = {name}, values = {{ {} }} }}  # EDIT: give the reason code ({}) of each",
                listed(&values),
                REASON_CODES.join(", ")
            )?,
            "service_line" => {
                let codes: Vec<String> = MHSDS_BED_TYPE.codes().map(|(code, _)| code).collect();
                let bed_types = !values.is_empty() && values.iter().all(|v| codes.iter().any(|c| c == v));
                if bed_types {
                    writeln!(out, "{column} = {{ column = {name}, preset = \"mhsds-bed-type\" }}  # MHSDS bed type codes: `oapstat mapping --preset mhsds-bed-type` shows the table")?;
                } else {
                    writeln!(out, "{column} = {name}")?;
                }
            }
            _ => writeln!(out, "{column} = {name}")?,
        }
    }
    writeln!(out)?;
    Ok(())
}
