//! `oapstat rates` on the hand-built extracts: every figure worked out by hand (see fixtures.rs).

use serde_json::{json, Value};

use super::fixtures::{find_row, hand_built, hand_built_args, hand_built_json};
use super::workdir::Workdir;

fn rates(extra: &[&str]) -> Value {
    hand_built_json("rates", extra)
}

fn row<'a>(doc: &'a Value, collaborative: &str, period: &str) -> &'a Value {
    find_row(doc, &[("collaborative", collaborative), ("period", period)])
}

fn assert_fields(row: &Value, expected: &[(&str, Value)]) {
    for (name, value) in expected {
        match (row[name].as_f64(), value.as_f64()) {
            (Some(actual), Some(wanted)) if row[name].is_f64() || value.is_f64() => {
                assert!(
                    (actual - wanted).abs() < 1e-9,
                    "{name}: {actual} != {wanted} in {row}"
                )
            }
            _ => assert_eq!(&row[name], value, "{name} in {row}"),
        }
    }
}

#[test]
fn february_2024_leap_month_every_measure() {
    let doc = rates(&[]);
    let feb = row(&doc, "AAA", "2024-02");
    assert_fields(
        feb,
        &[
            ("period_start", json!("2024-02-01")),
            ("period_end", json!("2024-02-29")),
            // Started in February: P2 (first day), P3 (same day), P5, P8 (29 February).
            ("oaps_started", json!(4)),
            // Ended in February: P2 (last day), P3 (same day).
            ("oaps_ended", json!(2)),
            // Active at the end of 29 February: P1 (to 5 March), P5 (ongoing), P8 (to 2 March).
            ("oaps_active_end", json!(3)),
            ("inappropriate_oaps_active_end", json!(2)),
            // P1 29 (whole month) + P2 28 (1st to 29th, discharge day not counted) + P3 0
            // (same day) + P5 10 (20th to 29th) + P8 1 (the leap night).
            ("oap_days", json!(68)),
            ("inappropriate_oap_days", json!(39)),
            ("reason_not_known_oap_days", json!(0)),
            // Ended: P3 0 nights, P2 28 nights.
            ("oaps_ended_0_7_nights", json!(1)),
            ("oaps_ended_8_14_nights", json!(0)),
            ("oaps_ended_15_30_nights", json!(1)),
            ("oaps_ended_31_plus_nights", json!(0)),
            // Active in the period: P1 30 km, P8 60 km, P2 120 km, P5 350 km, P3 unknown.
            ("oaps_active_under_25km", json!(0)),
            ("oaps_active_25_50km", json!(1)),
            ("oaps_active_50_100km", json!(1)),
            ("oaps_active_100_200km", json!(1)),
            ("oaps_active_200_300km", json!(0)),
            ("oaps_active_300km_plus", json!(1)),
            ("oaps_active_distance_unknown", json!(1)),
            // Costs recorded on P1 (29 days), P3 (0), P5 (10), P8 (1); not on P2.
            ("oap_days_with_cost", json!(40)),
            ("total_recorded_cost", json!(21500.0)),
            ("cost_recorded_share", json!(40.0 / 68.0)),
            ("mean_daily_cost", json!(537.5)),
            // Admitted in February: A2, A3, A4, A7, A8; all but A8 had an OAP.
            ("admissions", json!(5)),
            ("oap_admissions", json!(4)),
            ("oap_admission_rate", json!(0.8)),
            // A1 29 + A2 28 + A3 0 + A4 15 + A7 1 + A8 7.
            ("bed_days", json!(80)),
            ("oap_day_share", json!(0.85)),
            ("population", json!(200000)),
            ("oap_days_per_100k", json!(34.0)),
            ("oaps_active_end_per_100k", json!(1.5)),
            ("inappropriate_oap_days_per_100k", json!(19.5)),
            ("admissions_per_100k", json!(2.5)),
        ],
    );
}

#[test]
fn january_march_and_april_cross_boundaries() {
    let doc = rates(&[]);
    let periods: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["collaborative"] == "AAA")
        .map(|r| r["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2024-01", "2024-02", "2024-03", "2024-04"]);
    assert_fields(
        row(&doc, "AAA", "2024-01"),
        &[
            ("oaps_started", json!(1)),
            ("oaps_active_end", json!(1)),
            ("oap_days", json!(12)), // 20 to 31 January
            ("mean_daily_cost", json!(500.0)),
            ("admissions", json!(2)),
            ("oap_admission_rate", json!(0.5)),
            ("bed_days", json!(22)), // A1 12 + A6 10
        ],
    );
    assert_fields(
        row(&doc, "AAA", "2024-03"),
        &[
            ("oaps_started", json!(1)),
            ("oaps_ended", json!(2)),
            ("oaps_active_end", json!(2)),
            // P1 4 + P5 31 + P6 7 (25 to 31 March) + P8 1.
            ("oap_days", json!(43)),
            ("inappropriate_oap_days", json!(42)),
            // P1 ran 45 nights, P8 2 nights.
            ("oaps_ended_31_plus_nights", json!(1)),
            ("oaps_ended_0_7_nights", json!(1)),
            (
                "total_recorded_cost",
                json!(4.0 * 500.0 + 31.0 * 600.0 + 7.0 * 400.0 + 1000.0),
            ),
        ],
    );
    assert_fields(
        row(&doc, "AAA", "2024-04"),
        &[
            ("oaps_started", json!(0)),
            ("oaps_ended", json!(1)),
            ("oaps_active_end", json!(1)),
            // P5 30 (still ongoing) + P6 9 (1 to 10 April): P6's 7 + 9 = its 16 nights.
            ("oap_days", json!(39)),
            ("oaps_ended_15_30_nights", json!(1)),
            ("admissions", json!(0)),
            ("oap_admission_rate", Value::Null),
        ],
    );
}

#[test]
fn empty_collaborative_has_zero_rows_and_null_ratios() {
    let doc = rates(&[]);
    for period in ["2024-01", "2024-02", "2024-03", "2024-04"] {
        assert_fields(
            row(&doc, "BBB", period),
            &[
                ("oaps_started", json!(0)),
                ("oap_days", json!(0)),
                ("total_recorded_cost", json!(0.0)),
                ("admissions", json!(0)),
                ("bed_days", json!(0)),
                ("oap_admission_rate", Value::Null),
                ("oap_day_share", Value::Null),
                ("mean_daily_cost", Value::Null),
                ("cost_recorded_share", Value::Null),
                ("oap_days_per_100k", json!(0.0)),
            ],
        );
    }
}

#[test]
fn financial_quarter_adds_up_its_months() {
    let doc = rates(&["--period", "quarter"]);
    let rows = doc["rows"].as_array().unwrap();
    // Only Q4 2023-24 (January to March 2024) is complete by the extract date 2024-04-30.
    let q4 = row(&doc, "AAA", "2023-24 Q4");
    assert_eq!(rows.len(), 2);
    assert_fields(
        q4,
        &[
            ("period_start", json!("2024-01-01")),
            ("period_end", json!("2024-03-31")),
            ("oap_days", json!(12 + 68 + 43)),
            ("oaps_started", json!(6)),
            ("oaps_ended", json!(4)),
            ("oaps_active_end", json!(2)),
            // Admitted January to March: all eight spells (A5 on 25 March).
            ("admissions", json!(8)),
        ],
    );
}

#[test]
fn inappropriate_oaps_started_and_ended_per_million_and_rolling_twelve_months() {
    // Reason 10: P1 (20 January to 5 March), P5 (20 February, ongoing), P6 (25 March to
    // 10 April). AAA's population is 200,000: per 1,000,000 is × 5.
    let doc = rates(&[]);
    assert_fields(
        row(&doc, "AAA", "2024-02"),
        &[
            ("inappropriate_oaps_started", json!(1)),
            ("inappropriate_oaps_ended", json!(0)),
            ("inappropriate_oaps_active_end", json!(2)),
            ("inappropriate_oaps_started_per_million", json!(5.0)),
            ("inappropriate_oaps_active_end_per_million", json!(10.0)),
            ("inappropriate_oaps_ended_per_million", json!(0.0)),
        ],
    );
    assert_fields(
        row(&doc, "AAA", "2024-03"),
        &[
            ("inappropriate_oaps_started", json!(1)),
            ("inappropriate_oaps_ended", json!(1)),
        ],
    );
    // A rolling 12 months ending in April 2024 starts in May 2023, before the extract (which
    // covers 2024-01-01 onwards): every figure of it is empty, not the 3 + 2 OAPs and
    // 45 + 71 + 16 inappropriate nights the extract happens to hold.
    let w = hand_built();
    let year = w.json(&hand_built_args(
        "rates",
        &["--period", "rolling12", "--from", "2023-05"],
    ));
    let rows = year["rows"].as_array().unwrap();
    // Only one rolling 12 months lies within May 2023 to April 2024 (per collaborative).
    assert_eq!(rows.len(), 2);
    assert_fields(
        row(&year, "AAA", "2023-05/2024-04"),
        &[
            ("period_start", json!("2023-05-01")),
            ("period_end", json!("2024-04-30")),
            ("inappropriate_oaps_started", Value::Null),
            ("inappropriate_oap_days", Value::Null),
            ("inappropriate_oaps_ended_per_million", Value::Null),
            ("population", json!(200_000)),
        ],
    );
    assert_eq!(
        year["empty_values"]["periods_before_the_extract_starts"],
        json!(["2023-05/2024-04"])
    );
}

#[test]
fn a_period_starting_before_the_extract_is_empty_and_one_starting_on_its_first_day_is_not() {
    // The extract covers 2024-01-01 onwards (earliest discharge 2024-01-15) to its extract date,
    // 2024-04-30.
    let w = hand_built();
    let doc = w.json(&hand_built_args(
        "rates",
        &["--from", "2023-12", "--to", "2024-05"],
    ));
    // December 2023 starts a day before the first covered day: empty, never 0.
    assert_fields(
        row(&doc, "AAA", "2023-12"),
        &[("oap_days", Value::Null), ("oaps_active_end", Value::Null)],
    );
    assert_fields(
        row(&doc, "BBB", "2023-12"),
        &[("oap_days", Value::Null), ("admissions", Value::Null)],
    );
    // January 2024 starts on it: P1's 12 nights (20 to 31 January).
    assert_fields(row(&doc, "AAA", "2024-01"), &[("oap_days", json!(12))]);
    // BBB has no activity in January: a true 0.
    assert_fields(row(&doc, "BBB", "2024-01"), &[("oap_days", json!(0))]);
    // May 2024 ends after the extract date: empty too.
    assert_fields(row(&doc, "AAA", "2024-05"), &[("oap_days", Value::Null)]);
    assert_eq!(
        doc["empty_values"],
        json!({
            "periods_before_the_extract_starts": ["2023-12"],
            "periods_after_the_extract_date": ["2024-05"],
            "covered_from": "2024-01-01",
            "covered_to": "2024-04-30",
        })
    );
    // The table shows – and says why; CSV leaves the cells empty.
    let base = [
        "rates",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--collaborative",
        "AAA",
    ];
    let (code, table, _) = w.run(&[&base[..], &["--from", "2023-12", "--to", "2024-01"]].concat());
    assert_eq!(code, 0);
    let december = table.lines().find(|l| l.contains("2023-12")).unwrap();
    assert!(
        december.contains('–') && !december.contains(" 0 "),
        "{table}"
    );
    assert!(table.contains("Note: the extract covers 2024-01-01 onwards: the periods starting before it (2023-12) are empty, not 0 or partial."), "{table}");
    let (_, csv, _) = w.run(
        &[
            &base[..],
            &["--from", "2023-12", "--to", "2023-12", "--format", "csv"],
        ]
        .concat(),
    );
    assert!(
        csv.contains("\nAAA,2023-12,2023-12-01,2023-12-31,,,,"),
        "{csv}"
    );
    // The same in los (no discharge count of 0 for December).
    let los = w.json(&hand_built_args(
        "los",
        &["--from", "2023-12", "--to", "2024-01"],
    ));
    let december = find_row(&los, &[("collaborative", "AAA"), ("period", "2023-12")]);
    assert!(december["discharges"].is_null(), "{december}");
}

#[test]
fn rolling_three_months_and_financial_years() {
    let doc = rates(&["--period", "rolling3"]);
    let window = row(&doc, "AAA", "2024-01/2024-03");
    assert_fields(
        window,
        &[
            ("oap_days", json!(123)),
            ("period_end", json!("2024-03-31")),
        ],
    );
    assert_fields(
        row(&doc, "AAA", "2024-02/2024-04"),
        &[("oap_days", json!(68 + 43 + 39))],
    );

    // The financial year 2023-24 starts before the extract (2024-01-01 onwards): empty, though
    // the extract holds 123 of its OAP days.
    let w = hand_built();
    let years = w.json(&hand_built_args(
        "rates",
        &["--period", "year", "--from", "2023-04"],
    ));
    let fy = row(&years, "AAA", "2023-24");
    assert_fields(
        fy,
        &[
            ("oap_days", Value::Null),
            ("period_end", json!("2024-03-31")),
        ],
    );
}

#[test]
fn by_service_line_splits_and_by_reason_nulls_admission_measures() {
    let doc = rates(&["--by", "service_line"]);
    let cyp = find_row(
        &doc,
        &[("service_line", "cyp_inpatient"), ("period", "2024-02")],
    );
    assert_fields(
        cyp,
        &[
            ("oaps_started", json!(1)),
            ("oap_days", json!(1)),
            ("admissions", json!(1)),
            ("bed_days", json!(1)),
        ],
    );

    let doc = rates(&["--by", "reason", "--from", "2024-02", "--to", "2024-02"]);
    let reason_10 = find_row(&doc, &[("oap_reason", "10")]);
    assert_fields(
        reason_10,
        &[
            ("oap_days", json!(39)),
            ("admissions", Value::Null),
            ("oap_day_share", Value::Null),
        ],
    );
    let reason_99 = find_row(&doc, &[("oap_reason", "99")]);
    assert_fields(
        reason_99,
        &[("oaps_started", json!(1)), ("oap_days", json!(0))],
    );

    // By receiving provider in February: NPX01 had P1 (29 nights) and P3 (same day).
    let doc = rates(&["--by", "provider", "--from", "2024-02", "--to", "2024-02"]);
    let npx01 = find_row(&doc, &[("receiving_provider", "NPX01")]);
    assert_fields(
        npx01,
        &[
            ("oaps_started", json!(1)),
            ("oap_days", json!(29)),
            ("oaps_active_end", json!(1)),
            ("bed_days", Value::Null),
        ],
    );
}

#[test]
fn filters_keep_only_the_chosen_collaborative() {
    let doc = rates(&["--collaborative", "BBB"]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r["collaborative"] == "BBB"));
    assert_eq!(doc["parameters"]["collaboratives"], json!(["BBB"]));
}

#[test]
fn suppression_hides_small_counts_and_rounds_others() {
    let doc = rates(&["--suppress", "--from", "2024-02", "--to", "2024-02"]);
    let feb = row(&doc, "AAA", "2024-02");
    assert_fields(
        feb,
        &[
            ("oaps_started", json!("*")),
            ("oap_days", json!(70)),
            ("inappropriate_oap_days", json!(40)),
            ("admissions", json!(5)),
            ("oap_admissions", json!("*")),
            ("oap_admission_rate", json!("*")),
            ("bed_days", json!(80)),
            // 68 / 80 from the unrounded counts.
            ("oap_day_share", json!(0.85)),
        ],
    );
    assert_eq!(doc["suppression"]["applied"], true);
    assert_eq!(doc["suppression"]["threshold"], 5);
}

#[test]
fn json_metadata_ndjson_and_csv_agree() {
    let w = hand_built();
    let doc = w.json(&[
        "rates",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--format",
        "json",
    ]);
    assert_eq!(doc["schema_version"], 5);
    assert_eq!(doc["command"], "rates");
    assert_eq!(doc["parameters"]["period"], "month");
    assert_eq!(doc["inputs"]["files"][1]["rows_read"], 9);
    assert_eq!(doc["inputs"]["extract_date"], "2024-04-30");
    assert_eq!(doc["suppression"]["applied"], false);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8);

    let (code, ndjson, _) = w.run(&[
        "rates",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--format",
        "ndjson",
    ]);
    assert_eq!(code, 0);
    let lines: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, rows);

    let (code, csv, _) = w.run(&[
        "rates",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let first = reader.records().next().unwrap().unwrap();
    assert_eq!(headers.len(), rows[0].as_object().unwrap().len());
    let field = |name: &str| {
        first
            .get(headers.iter().position(|h| h == name).unwrap())
            .unwrap()
            .to_string()
    };
    assert_eq!(field("collaborative"), "AAA");
    assert_eq!(field("oap_days"), "12");
    assert_eq!(field("oap_admission_rate"), "0.5");
}

#[test]
fn no_patient_identifier_in_any_output() {
    let w = hand_built();
    for format in ["table", "json", "ndjson", "csv"] {
        let (code, stdout, stderr) = w.run(&[
            "rates",
            "--data",
            "data",
            "--extract-date",
            "2024-04-30",
            "--by",
            "service_line",
            "--format",
            format,
        ]);
        assert_eq!(code, 0);
        assert!(
            !stdout.contains("PT1") && !stdout.contains("patient_id"),
            "{format}: {stdout}"
        );
        assert!(!stderr.contains("PT1"));
    }
}

#[test]
fn table_is_for_people_and_output_file_is_written_whole() {
    let w = hand_built();
    let february = [
        "rates",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--from",
        "2024-02",
        "--to",
        "2024-02",
    ];
    let (code, stdout, _) = w.run(&february);
    assert_eq!(code, 0);
    assert!(stdout.contains("£21,500"), "{stdout}");
    assert!(stdout.contains("85.0%"), "{stdout}");
    // The OAP admission rate is in the table when asked for.
    assert!(!stdout.contains("80.0%"), "{stdout}");
    let mut args = february.to_vec();
    args.extend(["--columns", "collaborative,oap_admission_rate"]);
    let (code, stdout, _) = w.run(&args);
    assert_eq!(code, 0);
    assert!(stdout.contains("┆              80.0% │"), "{stdout}");

    let (code, stdout, _) = w.run(&[
        "rates",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--format",
        "csv",
        "-o",
        "out.csv",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty());
    assert!(w.read("out.csv").starts_with("collaborative,period,"));
}

#[test]
fn an_unknown_collaborative_is_an_error_not_an_empty_report() {
    let w = hand_built();
    let (code, stdout, stderr) = w.run(&["rates", "--data", "data", "--collaborative", "AAB"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("--collaborative AAB: no such collaborative in the admissions or the collaboratives reference"), "{stderr}");
}

#[test]
fn periods_outside_the_data_and_bad_bounds_are_usage_errors() {
    let w = hand_built();
    let (code, _, stderr) = w.run(&[
        "rates", "--data", "data", "--from", "2024-03", "--to", "2024-01",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is before --from"), "{stderr}");
    let (code, _, stderr) = w.run(&["rates", "--data", "data", "--from", "March"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("\"March\" is not a month or a date"),
        "{stderr}"
    );
}

#[test]
fn tables_fit_a_terminal_120_wide_and_are_never_cut_when_piped() {
    let w = Workdir::new();
    for command in ["rates", "los", "spc", "reinvest", "capacity", "nhs"] {
        let (code, stdout, stderr) = {
            let output = w
                .oapstat(&[command, "-q"])
                .env("OAPSTAT_TABLE_WIDTH", "120")
                .output()
                .unwrap();
            (
                output.status.code(),
                String::from_utf8_lossy(&output.stdout).to_string(),
                String::from_utf8_lossy(&output.stderr).to_string(),
            )
        };
        assert_eq!(code, Some(0), "{stderr}");
        let table: Vec<&str> = stdout.lines().take_while(|l| !l.starts_with('└')).collect();
        let widest = table.iter().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 120, "{command}: {widest} wide");
        // Every row on one line: no value broken.
        let body = table.iter().skip_while(|l| !l.starts_with('╞')).skip(1);
        assert!(
            body.clone().all(|l| !l.starts_with("│               ┆")),
            "{command}: a row runs onto a second line"
        );
    }
    // Piped, a table wider than a terminal is written whole.
    let (_, stdout, _) = w.run(&["rates", "-q", "--columns", "collaborative,period,oaps_started,oaps_ended,oaps_active_end,inappropriate_oaps_active_end,oap_days,inappropriate_oap_days,total_recorded_cost,mean_daily_cost,admissions,oap_admission_rate,bed_days,oap_day_share"]);
    assert!(stdout.lines().next().unwrap().chars().count() > 120);
    assert!(stdout
        .lines()
        .nth(1)
        .unwrap()
        .contains("Inappropriate active at end"));
}

#[test]
fn one_month_or_the_latest_n_with_one_flag() {
    let w = hand_built();
    let periods = |extra: &[&str]| -> Vec<String> {
        let mut args = hand_built_args("rates", extra);
        args.extend(["--collaborative", "AAA"]);
        w.json(&args)["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["period"].as_str().unwrap().to_string())
            .collect()
    };
    // One month: March 2024's OAP days, P1 4 + P5 31 + P6 7 + P8 1 (29 February to 2 March) = 43.
    let march = w.json(&hand_built_args("rates", &["--month", "2024-03"]));
    assert_eq!(march["rows"].as_array().unwrap().len(), 2);
    assert_eq!(row(&march, "AAA", "2024-03")["oap_days"], 43);
    // `latest`: the last complete month of the extract (extract date 2024-04-30).
    assert_eq!(periods(&["--month", "latest"]), ["2024-04"]);
    // `last`: the last complete month before today (fixed at 2026-11-24 in the tests), as
    // `summary --month last` counts for cron; far beyond this extract, so its figures are empty.
    let last = w.json(&hand_built_args(
        "rates",
        &["--month", "last", "--collaborative", "AAA"],
    ));
    assert_eq!(
        row(&last, "AAA", "2026-10")["oap_days"],
        serde_json::Value::Null
    );
    // The rolling 12 months ending with a month (issue 31: `--period rolling12 --from 2026-10`
    // found no period).
    assert_eq!(
        periods(&["--period", "rolling12", "--month", "2024-04"]),
        ["2023-05/2024-04"]
    );
    assert_eq!(
        periods(&["--period", "rolling3", "--month", "latest"]),
        ["2024-02/2024-04"]
    );
    // A quarter or year: the one holding the month.
    assert_eq!(
        periods(&["--period", "quarter", "--month", "2024-02"]),
        ["2023-24 Q4"]
    );
    assert_eq!(
        periods(&["--period", "year", "--month", "2024-04"]),
        ["2024-25"]
    );
    // The latest N, ending with the last complete month or --to.
    assert_eq!(periods(&["--last", "2"]), ["2024-03", "2024-04"]);
    assert_eq!(
        periods(&["--last", "2", "--to", "2024-02"]),
        ["2024-01", "2024-02"]
    );
    let windows = w.json(&hand_built_args(
        "rates",
        &["--period", "rolling3", "--last", "2"],
    ));
    // Hand-worked in rolling_three_months_and_financial_years: 123 and 68 + 43 + 39.
    assert_eq!(row(&windows, "AAA", "2024-01/2024-03")["oap_days"], 123);
    assert_eq!(row(&windows, "AAA", "2024-02/2024-04")["oap_days"], 150);
    // The same flags on los.
    let los = w.json(&hand_built_args("los", &["--month", "2024-03"]));
    assert_eq!(
        find_row(&los, &[("collaborative", "AAA"), ("period", "2024-03")])["los_median"],
        23.5
    );
    // Refusals name what is wrong.
    let (code, _, stderr) = w.run(&hand_built_args("rates", &["--month", "March"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--month \"March\" is not a month (expected YYYY-MM; latest, the last complete month of the extract; or last, the last complete month before today)"),
        "{stderr}"
    );
    let (code, _, stderr) = w.run(&hand_built_args(
        "rates",
        &["--month", "2024-03", "--from", "2024-01"],
    ));
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    let (code, _, stderr) = w.run(&hand_built_args(
        "rates",
        &["--period", "rolling12", "--from", "2024-04"],
    ));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--month 2024-04 picks the one ending with"),
        "{stderr}"
    );
}
