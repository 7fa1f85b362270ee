//! `oapstat validate`: one test per rule, asserting the exact file, line and message.

use serde_json::Value;

use super::workdir::Workdir;

const ADMISSIONS_HEADER: &str = "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code\n";
const PLACEMENTS_HEADER: &str = "placement_id,admission_id,start_date,end_date,provider_code,out_of_area,oap_reason,distance_km,daily_cost\n";
/// Two valid spells, each with one placement, used as the base of most tests.
const ADMISSIONS: &str =
    "A1,PT1,AAA,adult_acute,2024-01-20,2024-03-05,R01\nA2,PT2,AAA,picu,2024-02-01,,R01\n";
const PLACEMENTS: &str =
    "P1,A1,2024-01-20,2024-03-05,NPX01,Y,10,30,500\nP2,A2,2024-02-01,,R01,N,,5,\n";

/// Runs `validate` on admissions and placements rows (headers added) and returns
/// (exit code, standard output).
fn validate(admission_rows: &str, placement_rows: &str) -> (i32, String) {
    let w = Workdir::new();
    w.write(
        "admissions.csv",
        &format!("{ADMISSIONS_HEADER}{admission_rows}"),
    )
    .write(
        "placements.csv",
        &format!("{PLACEMENTS_HEADER}{placement_rows}"),
    );
    let (code, stdout, _) = w.run(&[
        "validate",
        "--admissions",
        "admissions.csv",
        "--placements",
        "placements.csv",
        "--extract-date",
        "2024-06-30",
    ]);
    (code, stdout)
}

/// Asserts that validation fails with exactly these problem lines.
fn expect_problems(admission_rows: &str, placement_rows: &str, expected: &[&str]) {
    let (code, stdout) = validate(admission_rows, placement_rows);
    assert_eq!(code, 1, "{stdout}");
    let problems: Vec<&str> = stdout.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(problems, expected, "{stdout}");
}

#[test]
fn clean_input_exits_zero_with_counts() {
    let (code, stdout) = validate(ADMISSIONS, PLACEMENTS);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("No problems found.\nExtract date 2024-06-30 (given with --extract-date)."),
        "{stdout}"
    );
    assert!(
        stdout.contains("│ admissions.csv ┆ admissions ┆         2 ┆     2 ┆       0 │"),
        "{stdout}"
    );
}

#[test]
fn missing_required_column() {
    let w = Workdir::new();
    w.write("admissions.csv", "admission_id,patient_id,collaborative,service_line,admission_date,provider_code\nA1,PT1,AAA,adult_acute,2024-01-20,R01\n")
        .write("placements.csv", PLACEMENTS_HEADER);
    let (code, stdout, _) = w.run(&[
        "validate",
        "--admissions",
        "admissions.csv",
        "--placements",
        "placements.csv",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("admissions.csv:1: missing required column discharge_date (found: admission_id, patient_id, collaborative, service_line, admission_date, provider_code)\n"), "{stdout}");
}

#[test]
fn empty_required_value() {
    expect_problems(
        "A1,,AAA,adult_acute,2024-01-20,2024-03-05,R01\n",
        "P1,A1,2024-01-20,2024-03-05,NPX01,Y,10,30,500\n",
        &[
            "admissions.csv:2: patient_id is empty (required)",
            "placements.csv:2: admission_id A1 refers to an invalid admission (admissions.csv:2)",
        ],
    );
}

#[test]
fn unparseable_date() {
    expect_problems(
        &format!("{ADMISSIONS}A3,PT3,AAA,adult_acute,2024-02-30,,R01\n"),
        PLACEMENTS,
        &["admissions.csv:4: admission_date \"2024-02-30\" is not a date: February 2024 has 29 days"],
    );
}

#[test]
fn dates_not_in_the_calendar_say_why() {
    // UK dates (the column's format from its first value): day 31 of February or of a 30-day
    // month, day 0, month 13.
    expect_problems(
        &(ADMISSIONS
            .replace("2024-01-20", "20/01/2024")
            .replace("2024-02-01", "01/02/2024")
            + "A3,PT3,AAA,adult_acute,31/02/2026,,R01\nA4,PT4,AAA,adult_acute,31/04/2026,,R01\nA5,PT5,AAA,adult_acute,00/04/2026,,R01\nA6,PT6,AAA,adult_acute,01/13/2026,,R01\n"),
        PLACEMENTS,
        &[
            "admissions.csv:4: admission_date \"31/02/2026\" is not a date: February 2026 has 28 days",
            "admissions.csv:5: admission_date \"31/04/2026\" is not a date: April 2026 has 30 days",
            "admissions.csv:6: admission_date \"00/04/2026\" is not a date: there is no day 0 (days start at 1)",
            "admissions.csv:7: admission_date \"01/13/2026\" is not a date: there is no month 13 (months are 1 to 12)",
        ],
    );
}

#[test]
fn date_in_the_other_format_than_the_column() {
    expect_problems(
        ADMISSIONS,
        "P1,A1,2024-01-20,2024-02-01,NPX01,Y,10,30,500\nP2,A2,2024-02-01,,R01,N,,5,\nP3,A1,2024-02-01,05/03/2024,R01,N,,5,\n",
        &["placements.csv:4: end_date \"05/03/2024\" is not a valid date (expected YYYY-MM-DD, one format per column)"],
    );
}

#[test]
fn unparseable_number_and_negative_number() {
    expect_problems(
        ADMISSIONS,
        "P1,A1,2024-01-20,2024-03-05,NPX01,Y,10,30km,500\nP2,A2,2024-02-01,,R01,N,,5,-20\n",
        &[
            "placements.csv:2: distance_km \"30km\" is not a number",
            "placements.csv:3: daily_cost -20 is negative",
        ],
    );
}

#[test]
fn unparseable_flag() {
    expect_problems(
        ADMISSIONS,
        "P1,A1,2024-01-20,2024-03-05,NPX01,maybe,10,30,500\nP2,A2,2024-02-01,,R01,N,,5,\n",
        &["placements.csv:2: out_of_area \"maybe\" is not a flag (expected Y/N, true/false or 1/0)"],
    );
}

#[test]
fn discharge_before_admission() {
    expect_problems(
        "A1,PT1,AAA,adult_acute,2024-01-20,2024-01-10,R01\nA2,PT2,AAA,picu,2024-02-01,,R01\n",
        "P2,A2,2024-02-01,,R01,N,,5,\n",
        &["admissions.csv:2: discharge_date 2024-01-10 is before admission_date 2024-01-20"],
    );
}

#[test]
fn end_before_start() {
    expect_problems(
        ADMISSIONS,
        "P1,A1,2024-01-20,2024-01-10,NPX01,Y,10,30,500\nP2,A2,2024-02-01,,R01,N,,5,\n",
        &["placements.csv:2: end_date 2024-01-10 is before start_date 2024-01-20"],
    );
}

#[test]
fn placement_outside_its_spell() {
    expect_problems(
        ADMISSIONS,
        "P1,A1,2024-01-19,2024-03-06,NPX01,Y,10,30,500\nP2,A2,2024-02-01,,R01,N,,5,\nP3,A1,2024-03-06,,R01,N,,5,\n",
        &[
            "placements.csv:2: start_date 2024-01-19 is before the spell's admission_date 2024-01-20",
            "placements.csv:2: end_date 2024-03-06 is after the spell's discharge_date 2024-03-05",
            "placements.csv:4: start_date 2024-03-06 is after the spell's discharge_date 2024-03-05",
            "placements.csv:4: end_date is empty (ongoing) but the spell was discharged on 2024-03-05",
        ],
    );
}

#[test]
fn placement_whose_admission_is_missing() {
    expect_problems(
        ADMISSIONS,
        &format!("{PLACEMENTS}P3,A9,2024-02-01,2024-02-03,R01,N,,5,\n"),
        &["placements.csv:4: admission_id A9 is not in the admissions extract"],
    );
}

#[test]
fn duplicate_ids() {
    expect_problems(
        &format!("{ADMISSIONS}A1,PT9,AAA,adult_acute,2024-01-20,2024-03-05,R01\n"),
        &format!("{PLACEMENTS}P2,A2,2024-02-01,,R01,N,,5,\n"),
        &[
            "admissions.csv:4: admission_id A1 is a duplicate of line 2",
            "placements.csv:4: placement_id P2 is a duplicate of line 3",
        ],
    );
}

#[test]
fn overlapping_placements_within_a_spell() {
    // P1 runs to 10 February; P3 starts on 5 February. A transfer on the same day (P4 from
    // 2024-03-01 after P3 ends then) is not an overlap.
    expect_problems(
        ADMISSIONS,
        "P1,A1,2024-01-20,2024-02-10,NPX01,Y,10,30,500\nP2,A2,2024-02-01,,R01,N,,5,\nP3,A1,2024-02-05,2024-03-01,R01,N,,5,\nP4,A1,2024-03-01,2024-03-05,R01,N,,5,\n",
        &["placements.csv:4: start_date 2024-02-05 overlaps placement P1 (line 2, 2024-01-20 to 2024-02-10) in spell A1"],
    );
}

#[test]
fn ongoing_placement_overlaps_a_later_one() {
    expect_problems(
        ADMISSIONS,
        "P1,A1,2024-01-20,2024-03-05,NPX01,Y,10,30,500\nP2,A2,2024-02-01,,R01,N,,5,\nP3,A2,2024-03-01,,R01,N,,5,\n",
        &["placements.csv:4: start_date 2024-03-01 overlaps placement P2 (line 3, 2024-02-01 ongoing) in spell A2"],
    );
}

#[test]
fn out_of_area_without_reason_unknown_reason_and_reason_for_in_area() {
    expect_problems(
        ADMISSIONS,
        "P1,A1,2024-01-20,2024-02-01,NPX01,Y,,30,500\nP2,A2,2024-02-01,,R01,N,10,5,\nP3,A1,2024-02-01,2024-03-05,NPX01,Y,17,30,500\n",
        &[
            "placements.csv:2: oap_reason is empty but the placement is out of area (a reason code is required)",
            "placements.csv:3: oap_reason 10 is given for an in-area placement (leave it empty when out_of_area is N)",
            "placements.csv:4: oap_reason \"17\" is not a known code (expected one of 10, 11, 12, 13, 14, 15, 99)",
        ],
    );
}

#[test]
fn dates_after_the_extract_date() {
    expect_problems(
        "A1,PT1,AAA,adult_acute,2024-01-20,2024-07-05,R01\nA2,PT2,AAA,picu,2024-02-01,,R01\n",
        "P1,A1,2024-01-20,2024-07-05,NPX01,Y,10,30,500\nP2,A2,2024-02-01,,R01,N,,5,\n",
        &[
            "admissions.csv:2: discharge_date 2024-07-05 is after the extract date 2024-06-30",
            "placements.csv:2: end_date 2024-07-05 is after the extract date 2024-06-30",
            // Its spell is invalid, so the placement cannot be used either.
            "placements.csv:2: admission_id A1 refers to an invalid admission (admissions.csv:2)",
        ],
    );
}

#[test]
fn dates_in_the_future_without_an_extract_date() {
    let w = Workdir::new();
    w.write(
        "admissions.csv",
        &format!("{ADMISSIONS_HEADER}A1,PT1,AAA,adult_acute,2024-01-20,2027-01-01,R01\n"),
    )
    .write("placements.csv", PLACEMENTS_HEADER);
    let (code, stdout, _) = w.run(&[
        "validate",
        "--admissions",
        "admissions.csv",
        "--placements",
        "placements.csv",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with(
            "admissions.csv:2: discharge_date 2027-01-01 is after today, 2026-11-24\n"
        ),
        "{stdout}"
    );
}

#[test]
fn unknown_collaborative_when_a_reference_is_given() {
    let w = Workdir::new();
    w.write(
        "admissions.csv",
        &format!(
            "{ADMISSIONS_HEADER}{ADMISSIONS}A3,PT3,ZZZ,adult_acute,2024-01-20,2024-03-05,R01\n"
        ),
    )
    .write(
        "placements.csv",
        &format!("{PLACEMENTS_HEADER}{PLACEMENTS}"),
    )
    .write(
        "collaboratives.csv",
        "collaborative,name,lead_provider,population\nAAA,Alpha,RAA,1000\n",
    );
    let (code, stdout, _) = w.run(&[
        "validate",
        "--admissions",
        "admissions.csv",
        "--placements",
        "placements.csv",
        "--collaboratives",
        "collaboratives.csv",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with(
            "admissions.csv:4: collaborative ZZZ is not in the collaboratives reference\n"
        ),
        "{stdout}"
    );
}

#[test]
fn every_problem_is_reported_with_counts_and_as_json() {
    let w = Workdir::new();
    w.write("admissions.csv", &format!("{ADMISSIONS_HEADER}{ADMISSIONS}A3,PT3,AAA,adult_acute,bad,,R01\n"))
        .write("placements.csv", &format!("{PLACEMENTS_HEADER}{PLACEMENTS}P3,A9,2024-02-01,,R01,N,,5,\nP4,A1,2024-02-01,2024-01-01,R01,N,,x,\n"));
    let (code, stdout, _) = w.run(&[
        "validate",
        "--admissions",
        "admissions.csv",
        "--placements",
        "placements.csv",
        "--extract-date",
        "2024-06-30",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(
            "4 problems in 3 rows.\nExtract date 2024-06-30 (given with --extract-date)."
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("│ placements.csv ┆ placements ┆         4 ┆     2 ┆       2 │"),
        "{stdout}"
    );

    let (code, stdout, _) = w.run(&[
        "validate",
        "--admissions",
        "admissions.csv",
        "--placements",
        "placements.csv",
        "--extract-date",
        "2024-06-30",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 4);
    let first = &doc["findings"][0];
    assert_eq!(first["file"], "admissions.csv");
    assert_eq!(first["line"], 4);
    assert_eq!(first["rule"], "invalid_date");
    assert_eq!(first["column"], "admission_date");
    assert_eq!(first["value"], "bad");
    assert_eq!(doc["inputs"]["files"][0]["rows_invalid"], 1);
    assert_eq!(doc["inputs"]["files"][1]["rows_valid"], 2);
}

#[test]
fn other_commands_refuse_invalid_input_or_set_it_aside() {
    let w = Workdir::new();
    w.write(
        "admissions.csv",
        &format!("{ADMISSIONS_HEADER}{ADMISSIONS}"),
    )
    .write(
        "placements.csv",
        &format!("{PLACEMENTS_HEADER}{PLACEMENTS}P3,A9,2024-02-01,,R01,N,,5,\n"),
    );
    let args = [
        "rates",
        "--admissions",
        "admissions.csv",
        "--placements",
        "placements.csv",
        "--extract-date",
        "2024-06-30",
        "--format",
        "csv",
    ];
    let (code, stdout, stderr) = w.run(&args);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("placements.csv:4: admission_id A9 is not in the admissions extract"),
        "{stderr}"
    );
    assert!(stderr.contains("run `oapstat validate`"), "{stderr}");
    assert!(stderr.contains("--skip-invalid REJECTS.csv"), "{stderr}");

    let mut skip = args.to_vec();
    skip.extend(["--skip-invalid", "rejects.csv"]);
    let (code, stdout, stderr) = w.run(&skip);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("collaborative,period"));
    assert!(stderr.contains("placements: 3 rows read, 2 used, 1 rejected (rejected rows and reasons in rejects.csv)"), "{stderr}");
    assert_eq!(
        w.read("rejects.csv"),
        "file,line,rule,column,value,problem\nplacements.csv,4,unknown_admission,admission_id,A9,admission_id A9 is not in the admissions extract\n"
    );
}
