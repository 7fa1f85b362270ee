//! Workbooks and Parquet files, read back by independent readers (calamine, and Polars' own
//! Parquet reader): every cell as in the CSV output of the same command.

use calamine::{open_workbook, Data, Reader, Xlsx};

use super::fixtures::{hand_built, hand_built_args};
use super::workdir::Workdir;

/// A CSV output as rows of text (header first).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// An Excel serial day as an ISO date (day 0 is 1899-12-30 for the dates Excel writes today).
fn excel_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (base + chrono::Days::new(serial as u64)).to_string()
}

/// Asserts that a sheet holds the CSV's cells: numbers as numbers, dates as dates, `*` as text.
/// Returns how many number cells it holds.
fn assert_sheet_is_csv(path: &std::path::Path, sheet: &str, csv: &str) -> usize {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap();
    let expected = csv_rows(csv);
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), expected.len(), "{sheet}: rows");
    let mut numbers = 0;
    for (r, (row, want)) in rows.iter().zip(&expected).enumerate() {
        for (c, want) in want.iter().enumerate() {
            let cell = row.get(c).unwrap_or(&Data::Empty);
            let ok = match cell {
                Data::Empty => want.is_empty(),
                Data::String(s) => s == want,
                Data::Float(v) => {
                    numbers += 1;
                    want.parse::<f64>().is_ok_and(|w| (w - v).abs() < 1e-9)
                }
                Data::Int(v) => want.parse::<f64>().is_ok_and(|w| w == *v as f64),
                Data::Bool(b) => *want == b.to_string(),
                Data::DateTime(d) => excel_date(d.as_f64()) == *want,
                other => panic!("{sheet} {r},{c}: unexpected {other:?}"),
            };
            assert!(ok, "{sheet} row {r} column {c}: {cell:?}, CSV has {want:?}");
        }
    }
    numbers
}

#[test]
fn a_commands_workbook_holds_its_csv_cells() {
    let w = hand_built();
    for (command, extra) in [
        ("rates", vec![]),
        ("los", vec![]),
        ("nhs", vec!["--month", "2024-03"]),
    ] {
        let mut args = hand_built_args(command, &extra);
        let csv_args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "json" { "csv" } else { a })
            .collect();
        let (_, csv, _) = w.run(&csv_args);
        args.retain(|a| *a != "--format" && *a != "json");
        args.extend(["--format", "xlsx", "-o", "out.xlsx", "--suppress"]);
        let (code, _, stderr) = w.run(&args);
        assert_eq!(code, 0, "{stderr}");
        let mut csv_args = csv_args.clone();
        csv_args.push("--suppress");
        let (_, suppressed_csv, _) = w.run(&csv_args);
        assert_ne!(csv, suppressed_csv);
        let numbers = assert_sheet_is_csv(&w.path("out.xlsx"), command, &suppressed_csv);
        // Population and money are numbers even where every count is suppressed.
        assert!(
            command == "los" || numbers > 0,
            "{command}: no number cells"
        );
        let mut workbook: Xlsx<_> = open_workbook(w.path("out.xlsx")).unwrap();
        assert_eq!(workbook.sheet_names(), [command, "metadata"]);
        let meta = workbook.worksheet_range("metadata").unwrap();
        assert!(meta
            .rows()
            .any(|r| r[0] == Data::String("suppression".into())
                && matches!(&r[1], Data::String(s) if s.contains("\"applied\":true"))));
    }
    // Binary formats are not written to a terminal; piped, they are bytes.
    let (code, stdout, _) = w.run(&[
        "rates",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--format",
        "xlsx",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.len() > 100);
}

#[test]
fn the_packs_workbook_has_every_table_the_charts_and_no_small_count_when_suppressed() {
    let w = hand_built();
    let mut pack = super::summary::PACK.to_vec();
    pack.push("--suppress");
    let (code, _, stderr) = w.run(&pack);
    assert_eq!(code, 0, "{stderr}");
    let path = w.path("reports/2024-03/summary.xlsx");
    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        [
            "headline",
            "rates",
            "rates-rolling-3-months",
            "nhs-oaps",
            "los",
            "reinvest",
            "spc",
            "charts",
            "matrix",
            "metadata"
        ]
    );
    // The summary matrix: AAA's and BBB's measures without a target in the last row, each
    // with its variation's letter.
    let matrix = workbook.worksheet_range("matrix").unwrap();
    let rows: Vec<Vec<String>> = matrix
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][1], "Special cause concern");
    assert_eq!(rows[4][0], "No target");
    assert!(
        rows[4].iter().any(|c| c.contains("[~] AAA OAP days")),
        "{rows:?}"
    );
    for sheet in ["rates", "los", "reinvest", "spc"] {
        assert_sheet_is_csv(
            &path,
            sheet,
            &w.read(&format!("reports/2024-03/{sheet}.csv")),
        );
    }
    // No count under 5 or off the rounding in the suppressed rates.
    let rates = workbook.worksheet_range("rates").unwrap();
    let header: Vec<String> = rates
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for name in ["oaps_started", "oap_days", "admissions", "bed_days"] {
        let c = header.iter().position(|h| h == name).unwrap();
        for row in rates.rows().skip(1) {
            match &row[c] {
                Data::String(s) => assert_eq!(s, "*"),
                Data::Float(v) => assert!(*v >= 5.0 && v % 5.0 == 0.0, "{name} {v}"),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
    let headline = workbook.worksheet_range("headline").unwrap();
    assert_eq!(
        headline.rows().nth(1).unwrap()[0],
        Data::String("AAA".into())
    );
    // Native charts: one per collaborative with a series and measure (AAA, BBB × 3 measures).
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for k in 1..=6 {
        assert!(
            text.contains(&format!("xl/charts/chart{k}.xml")),
            "chart {k}"
        );
    }
}

#[test]
fn parquet_output_reads_back_with_its_types() {
    use polars::prelude::*;
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&["rates", "--format", "parquet", "-o", "rates.parquet", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    let (_, csv, _) = w.run(&["rates", "--format", "csv", "-q"]);
    let file = std::fs::File::open(w.path("rates.parquet")).unwrap();
    let frame = polars_io::prelude::ParquetReader::new(file)
        .finish()
        .unwrap();
    let rows = csv_rows(&csv);
    assert_eq!(frame.height(), rows.len() - 1);
    assert_eq!(
        frame.column("period_start").unwrap().dtype(),
        &DataType::Date
    );
    assert_eq!(frame.column("oap_days").unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        frame.column("oap_day_share").unwrap().dtype(),
        &DataType::Float64
    );
    let days = rows[0].iter().position(|h| h == "oap_days").unwrap();
    let column = frame.column("oap_days").unwrap().i64().unwrap();
    for (i, row) in rows.iter().skip(1).enumerate() {
        assert_eq!(column.get(i).unwrap().to_string(), row[days]);
    }
}

#[test]
fn the_headline_money_is_reinvests_own_net_figure_and_numbers_in_the_workbook() {
    // Issue 31: the sample pack's CMP headline said `£0 (£0 to £129,170); cost pressure
    // £298,265` while reinvest.csv said `net cost pressure £222,506`.
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&["summary", "--month", "2026-10", "--out", "packs"]);
    assert_eq!(code, 0, "{stderr}");
    let reinvest = csv_rows(&w.read("packs/2026-10/reinvest.csv"));
    let column = |name: &str| reinvest[0].iter().position(|h| h == name).unwrap();
    let cmp = reinvest
        .iter()
        .find(|r| r[0] == "CMP" && r[1] == "all")
        .unwrap();
    let number = |name: &str| cmp[column(name)].parse::<f64>().unwrap();
    // The net is the gross sides' difference: 75,758.92 − 298,264.59 = −222,505.67.
    assert!((number("estimated_saving") - 75_758.92).abs() < 0.005);
    assert!((number("cost_pressure") - 298_264.59).abs() < 0.005);
    assert!((number("net_saving") + 222_505.67).abs() < 0.005);
    assert_eq!(cmp[column("change")], "net cost pressure £222,506");
    // The headline reads the same figure and range, the gross sides beside them.
    let md = w.read("packs/2026-10/summary.md");
    let row = md.lines().find(|l| l.starts_with("| CMP |")).unwrap();
    let money = row.split('|').map(str::trim).nth(11).unwrap();
    assert!(
        money.starts_with(&format!(
            "net cost pressure £222,506 ({}); savings £75,759, cost pressures £298,265; reinvestment £0",
            cmp[column("change_range")]
        )),
        "{money}"
    );
    assert!(!md.contains("£0 (£0 to £129,170)"), "{md}");
    // The workbook: the money as numbers, each in its own column.
    let mut workbook: Xlsx<_> = open_workbook(w.path("packs/2026-10/summary.xlsx")).unwrap();
    let headline = workbook.worksheet_range("headline").unwrap();
    let header: Vec<String> = headline
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let cmp = headline
        .rows()
        .find(|r| r[0] == Data::String("CMP".into()))
        .unwrap();
    let at = |prefix: &str| &cmp[header.iter().position(|h| h.starts_with(prefix)).unwrap()];
    assert_eq!(at("Net saving, 2026-27"), &Data::Float(-222_506.0));
    assert_eq!(at("Savings"), &Data::Float(75_759.0));
    assert_eq!(at("Cost pressures"), &Data::Float(298_265.0));
    assert_eq!(at("Reinvestment"), &Data::Float(0.0));
    assert_eq!(
        at("Name"),
        &Data::String("Central Midlands Partnership Provider Collaborative".into())
    );
    // The total row sums the counts.
    let all = headline
        .rows()
        .find(|r| r[0] == Data::String("All".into()))
        .unwrap();
    let active = header
        .iter()
        .position(|h| h == "OAPs active at month end")
        .unwrap();
    let sum: f64 = headline
        .rows()
        .skip(1)
        .filter(|r| r[0] != Data::String("All".into()))
        .map(|r| match r[active] {
            Data::Float(v) => v,
            _ => 0.0,
        })
        .sum();
    assert_eq!(all[active], Data::Float(sum));
}
