//! The Parquet differential: the same rows written as Parquet in every physical type a contract
//! column may arrive as (by pyarrow, in `tests/data/parquet-types/`, and by Polars here) must
//! read to what the CSV of those rows reads to: the same findings on the same rows (a CSV's
//! lines count the header, a Parquet file's rows count from 1), the same counts, and the same
//! figures from `rates`, `los` and `nhs`.

use polars::prelude::{Column, DataFrame, DataType};
use serde_json::Value;

use super::fixtures::{ADMISSIONS, COLLABORATIVES, LOCAL_COSTS, PLACEMENTS};
use super::workdir::Workdir;

const TYPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/parquet-types");

/// The variants pyarrow writes in types oapstat cannot read, and what oapstat says of them.
const REFUSED: [(&str, &str); 3] = [
    (
        "int8-flags",
        "p.parquet: column out_of_area is of the Parquet type Int8, which oapstat cannot read",
    ),
    (
        "decimal-numbers",
        "p.parquet: column distance_km is of the Parquet type Decimal(10, 2), which oapstat \
         cannot read",
    ),
    (
        "binary-text",
        "a.parquet: column admission_id is of the Parquet type BinaryView, which oapstat cannot \
         read",
    ),
];

fn read_types_file(name: &str) -> String {
    std::fs::read_to_string(format!("{TYPES}/{name}")).expect("parquet-types fixture")
}

/// Replaces each `NAME.EXT:N` (a file and line, in a message) by `NAME:ROW`, the row of the
/// file counted from 1 without the header.
fn rows_not_lines(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['.']) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let (ext, header) = if after.starts_with(".csv:") {
            (".csv:", 1)
        } else if after.starts_with(".parquet:") {
            (".parquet:", 0)
        } else {
            out.push('.');
            rest = &after[1..];
            continue;
        };
        let digits: String = after[ext.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let line: u64 = digits.parse().expect("a line number");
        out.push_str(&format!(":{}", line - header));
        rest = &after[ext.len() + digits.len()..];
    }
    out.push_str(rest);
    out
}

/// What oapstat says of the extracts `a.EXT` and `p.EXT` in `w`, with rows for lines and without
/// file extensions: validate's findings and counts, the rows of `rates` and `los` as JSON, and
/// `nhs` as CSV.
fn everything(w: &Workdir, ext: &str) -> Vec<String> {
    let (a, p) = (format!("a.{ext}"), format!("p.{ext}"));
    let inputs = [
        "--extract-date",
        "2024-04-30",
        "--admissions",
        &a,
        "--placements",
        &p,
        "--collaboratives",
        "c.csv",
        "--local-costs",
        "l.csv",
    ];
    let run = |command: &str, format: &str, skip: bool| {
        let mut args = vec![command, "--format", format];
        args.extend(inputs);
        if skip {
            args.extend(["--quiet", "--skip-invalid", "rejects.csv"]);
        }
        let (code, stdout, stderr) = w.run(&args);
        assert!(code <= 1, "oapstat {args:?}: {stderr}");
        stdout
    };
    let mut validate: Value = serde_json::from_str(&run("validate", "json", false)).unwrap();
    for finding in validate["findings"].as_array_mut().unwrap() {
        if finding["file"].as_str().unwrap().ends_with(".csv") {
            finding["line"] = (finding["line"].as_u64().unwrap() - 1).into();
        }
    }
    let mut said = vec![
        serde_json::to_string_pretty(&validate["inputs"]["files"]).unwrap(),
        serde_json::to_string_pretty(&validate["findings"]).unwrap(),
    ];
    for command in ["rates", "los"] {
        let doc: Value = serde_json::from_str(&run(command, "json", true)).unwrap();
        assert!(!doc["rows"].as_array().unwrap().is_empty(), "{command}");
        said.push(serde_json::to_string_pretty(&doc["rows"]).unwrap());
    }
    said.push(run("nhs", "csv", true));
    // The rejected rows: file, line (a row), then the finding.
    let rejected = std::fs::read_to_string(w.path("rejects.csv")).unwrap_or_default();
    let (header, mut rejects) = cells_of(&rejected);
    for reject in &mut rejects {
        if reject[0].ends_with(".csv") {
            reject[1] = (reject[1].parse::<u64>().unwrap() - 1).to_string();
        }
    }
    said.push(csv_of(&header, &rejects));
    said.iter()
        .map(|text| {
            rows_not_lines(text)
                .replace("a.csv", "a")
                .replace("a.parquet", "a")
                .replace("p.csv", "p")
                .replace("p.parquet", "p")
        })
        .collect()
}

/// A work folder with the hand-built references and the CSV extracts as `a.csv` and `p.csv`.
fn with_csv(admissions: &str, placements: &str) -> Workdir {
    with_references(admissions, placements, [COLLABORATIVES, LOCAL_COSTS])
}

/// A work folder with the references (collaboratives, local costs) as `c.csv` and `l.csv` and
/// the CSV extracts as `a.csv` and `p.csv`.
fn with_references(admissions: &str, placements: &str, references: [&str; 2]) -> Workdir {
    let w = Workdir::new();
    w.write("c.csv", references[0])
        .write("l.csv", references[1])
        .write("a.csv", admissions)
        .write("p.csv", placements);
    w
}

/// Asserts that the Parquet files `a.parquet` and `p.parquet` in `w` read as its CSV files do.
fn assert_same_as_csv(w: &Workdir, csv: &[String], case: &str) {
    let parquet = everything(w, "parquet");
    let names = ["counts", "findings", "rates", "los", "nhs", "rejects"];
    for ((name, csv), parquet) in names.iter().zip(csv).zip(&parquet) {
        assert_eq!(parquet, csv, "{case}: {name} differ from the CSV's");
    }
}

/// The pyarrow files of a fixture: (variant, admissions file, placements file).
fn pyarrow_variants(fixture: &str) -> Vec<(String, String, String)> {
    let mut variants: Vec<(String, String, String)> = std::fs::read_dir(TYPES)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let variant = name
                .strip_prefix(&format!("{fixture}-"))?
                .strip_suffix("-admissions.parquet")?
                .to_string();
            Some((
                variant.clone(),
                name.clone(),
                format!("{fixture}-{variant}-placements.parquet"),
            ))
        })
        .collect();
    variants.sort();
    variants
}

/// Every pyarrow-written variant of a fixture reads as its CSV does (or, for a type oapstat
/// cannot read, is refused naming the file, the column and the type); returns how many were
/// compared.
fn pyarrow_differential(fixture: &str) -> usize {
    let w = with_csv(
        &read_types_file(&format!("{fixture}-admissions.csv")),
        &read_types_file(&format!("{fixture}-placements.csv")),
    );
    let csv = everything(&w, "csv");
    let variants = pyarrow_variants(fixture);
    for (variant, admissions, placements) in &variants {
        std::fs::copy(format!("{TYPES}/{admissions}"), w.path("a.parquet")).unwrap();
        std::fs::copy(format!("{TYPES}/{placements}"), w.path("p.parquet")).unwrap();
        if let Some((_, refused)) = REFUSED.iter().find(|(v, _)| v == variant) {
            let (code, _, stderr) = w.run(&[
                "validate",
                "--admissions",
                "a.parquet",
                "--placements",
                "p.parquet",
                "--collaboratives",
                "c.csv",
            ]);
            assert_eq!(code, 2, "{variant}: {stderr}");
            assert!(stderr.contains(refused), "{variant}: {stderr}");
            continue;
        }
        assert_same_as_csv(&w, &csv, &format!("{fixture}-{variant}"));
    }
    variants.len()
}

#[test]
fn pyarrow_fixtures_are_the_hand_built_extracts() {
    assert_eq!(read_types_file("hand-built-admissions.csv"), ADMISSIONS);
    assert_eq!(read_types_file("hand-built-placements.csv"), PLACEMENTS);
}

#[test]
fn pyarrow_types_of_the_hand_built_extracts_read_as_csv() {
    // 14 variants: text as string, large_string, string_view and dictionary; dates as text (ISO
    // and UK), date32, date64 and timestamps (s, ms, us in UTC, ns in Europe/London, with and
    // without a time of day); numbers as float64 and float32; flags as bool and text.
    assert_eq!(pyarrow_differential("hand-built"), 14);
}

#[test]
fn pyarrow_types_of_the_edge_rows_read_as_csv() {
    // The 14 of the hand-built extracts; ids as int64 and as int32 (with dictionary text),
    // numbers as int64, flags as int32; and three refused: int8 flags, decimal numbers and text
    // as binary without the UTF-8 annotation.
    assert_eq!(pyarrow_differential("edge"), 21);
}

#[test]
fn pyarrow_null_type_columns_read_as_empty() {
    let w = with_csv(ADMISSIONS, &read_types_file("nulls-placements.csv"));
    let csv = everything(&w, "csv");
    std::fs::copy(
        format!("{TYPES}/hand-built-typed-admissions.parquet"),
        w.path("a.parquet"),
    )
    .unwrap();
    std::fs::copy(
        format!("{TYPES}/nulls-typed-placements.parquet"),
        w.path("p.parquet"),
    )
    .unwrap();
    assert_same_as_csv(&w, &csv, "nulls");
}

/// Reads one pyarrow variant of the hand-built extracts and of the edge rows as their CSV.
fn one_variant(variant: &str) {
    for fixture in ["hand-built", "edge"] {
        let w = with_csv(
            &read_types_file(&format!("{fixture}-admissions.csv")),
            &read_types_file(&format!("{fixture}-placements.csv")),
        );
        let csv = everything(&w, "csv");
        for (kind, to) in [("admissions", "a.parquet"), ("placements", "p.parquet")] {
            let from = format!("{TYPES}/{fixture}-{variant}-{kind}.parquet");
            std::fs::copy(from, w.path(to)).unwrap();
        }
        assert_same_as_csv(&w, &csv, &format!("{fixture}-{variant}"));
    }
}

/// Found by the differential: a dictionary-encoded text column (pandas' categorical, or
/// pyarrow's `dictionary_encode`) made oapstat panic ("Arrow datatype Dictionary(Int32,
/// Utf8View, false) not supported by Polars").
#[test]
fn dictionary_encoded_text_is_text() {
    one_variant("dictionary");
}

/// Found by the differential: timestamps and `date64` in a date column were read as text
/// (`"2024-01-20 00:00:00.000" is not a valid date`), every row rejected.
#[test]
fn timestamp_and_date64_dates_are_dates() {
    for variant in ["date64", "timestamp-s", "timestamp-ms", "timestamp-us-utc"] {
        one_variant(variant);
    }
}

/// Found by the differential: timestamps with a time zone stopped the run ("cannot format
/// timezone-naive Datetime"). A timestamp's date is its calendar day in its own zone, its time
/// of day dropped: local midnight in Europe/London after 31 March 2024 is 23:00 UTC the day
/// before, and 23:59:59 on a winter day is 23:59:59 UTC, both the local date.
#[test]
fn zoned_timestamps_and_times_of_day_are_their_calendar_day() {
    for variant in [
        "timestamp-ns-london",
        "timestamp-us-london-times",
        "timestamp-ms-times",
    ] {
        one_variant(variant);
    }
}

// ---- Polars-written variants ------------------------------------------------------------

/// Rows of a CSV text: the header and the cells of every row.
fn cells_of(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn csv_of(header: &[String], rows: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

const IDS: [&str; 3] = ["admission_id", "patient_id", "placement_id"];
const DATES: [&str; 4] = ["admission_date", "discharge_date", "start_date", "end_date"];
const NUMBERS: [&str; 2] = ["distance_km", "daily_cost"];

/// Ids as whole numbers: the digits of each (`A00000012` becomes `12`).
fn numeric_ids(header: &[String], rows: &mut [Vec<String>]) {
    for (i, name) in header.iter().enumerate() {
        if IDS.contains(&name.as_str()) {
            for row in rows.iter_mut() {
                let digits: String = row[i].chars().filter(char::is_ascii_digit).collect();
                if !digits.is_empty() {
                    row[i] = digits.parse::<i64>().unwrap().to_string();
                }
            }
        }
    }
}

/// How the Polars-written variants type each column.
#[derive(Clone, Copy, Debug)]
enum PolarsTypes {
    /// Every column text; an empty cell a null in even rows and `""` in odd ones.
    Text,
    /// Ids as `Int64`, dates as `Date`, flags as booleans, numbers as `Float64`.
    Typed,
    /// As `Typed` with ids as `UInt32`, numbers as `Int64` where whole, and dates as text.
    Narrow,
}

fn frame_of(header: &[String], rows: &[Vec<String>], types: PolarsTypes) -> DataFrame {
    let column = |i: usize| -> Vec<&str> { rows.iter().map(|r| r[i].as_str()).collect() };
    let columns = header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells = column(i);
            let text = || {
                let texts: Vec<Option<&str>> = cells
                    .iter()
                    .enumerate()
                    .map(|(row, c)| (!c.is_empty() || row % 2 == 1).then_some(*c))
                    .collect();
                Column::new(name.into(), texts)
            };
            let name = name.as_str();
            match types {
                PolarsTypes::Text => text(),
                _ if IDS.contains(&name) => {
                    let ids = cells.iter().map(|c| c.parse::<i64>().ok());
                    match types {
                        PolarsTypes::Narrow => Column::new(
                            name.into(),
                            ids.map(|v| v.map(|v| v as u32)).collect::<Vec<_>>(),
                        ),
                        _ => Column::new(name.into(), ids.collect::<Vec<_>>()),
                    }
                }
                PolarsTypes::Typed if DATES.contains(&name) => {
                    let days: Vec<Option<i32>> = cells
                        .iter()
                        .map(|c| {
                            chrono::NaiveDate::parse_from_str(c, "%Y-%m-%d")
                                .ok()
                                .map(|d| (d - chrono::NaiveDate::default()).num_days() as i32)
                        })
                        .collect();
                    Column::new(name.into(), days)
                        .cast(&DataType::Date)
                        .unwrap()
                }
                _ if name == "out_of_area" => Column::new(
                    name.into(),
                    cells
                        .iter()
                        .map(|c| match *c {
                            "Y" => Some(true),
                            "N" => Some(false),
                            _ => None,
                        })
                        .collect::<Vec<_>>(),
                ),
                _ if NUMBERS.contains(&name) => match types {
                    PolarsTypes::Narrow
                        if cells
                            .iter()
                            .all(|c| c.parse::<i64>().is_ok() || c.is_empty()) =>
                    {
                        Column::new(
                            name.into(),
                            cells
                                .iter()
                                .map(|c| c.parse::<i64>().ok())
                                .collect::<Vec<_>>(),
                        )
                    }
                    _ => Column::new(
                        name.into(),
                        cells
                            .iter()
                            .map(|c| c.parse::<f64>().ok())
                            .collect::<Vec<_>>(),
                    ),
                },
                _ => text(),
            }
        })
        .collect();
    DataFrame::new(rows.len(), columns).unwrap()
}

fn write_parquet(w: &Workdir, name: &str, frame: &mut DataFrame) {
    polars_io::prelude::ParquetWriter::new(std::fs::File::create(w.path(name)).unwrap())
        .with_row_group_size(Some(300))
        .finish(frame)
        .unwrap();
}

/// The extracts (as CSV text) written by Polars in every [`PolarsTypes`], ids as numbers, each
/// read as the CSV of the same rows.
fn polars_differential(admissions: &str, placements: &str, references: [&str; 2], case: &str) {
    let (a_header, mut a_rows) = cells_of(admissions);
    let (p_header, mut p_rows) = cells_of(placements);
    numeric_ids(&a_header, &mut a_rows);
    numeric_ids(&p_header, &mut p_rows);
    let w = with_references(
        &csv_of(&a_header, &a_rows),
        &csv_of(&p_header, &p_rows),
        references,
    );
    let csv = everything(&w, "csv");
    for types in [PolarsTypes::Text, PolarsTypes::Typed, PolarsTypes::Narrow] {
        write_parquet(&w, "a.parquet", &mut frame_of(&a_header, &a_rows, types));
        write_parquet(&w, "p.parquet", &mut frame_of(&p_header, &p_rows, types));
        assert_same_as_csv(&w, &csv, &format!("{case}, Polars {types:?}"));
    }
}

#[test]
fn polars_types_of_the_hand_built_and_edge_extracts_read_as_csv() {
    let references = [COLLABORATIVES, LOCAL_COSTS];
    polars_differential(ADMISSIONS, PLACEMENTS, references, "hand-built");
    polars_differential(
        &read_types_file("edge-admissions.csv"),
        &read_types_file("edge-placements.csv"),
        references,
        "edge",
    );
}

#[test]
fn polars_types_of_a_generated_extract_read_as_csv() {
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&[
        "generate",
        "--seed",
        "30",
        "--admissions",
        "2000",
        "--start",
        "2023-01-01",
        "--extract-date",
        "2024-04-30",
        "--out",
        "g",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let admissions = w.read("g/admissions.csv");
    let placements = w.read("g/placements.csv");
    assert!(admissions.lines().count() > 2000);
    let references = [w.read("g/collaboratives.csv"), w.read("g/local_costs.csv")];
    polars_differential(
        &admissions,
        &placements,
        [&references[0], &references[1]],
        "generated",
    );
}
