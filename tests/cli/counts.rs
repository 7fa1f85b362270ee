//! The counts line every command prints on standard error (issue 31, item 5): the extract date,
//! where it came from, and whether its month was left out as incomplete.

use super::fixtures::hand_built;

#[test]
fn an_inferred_extract_date_names_its_file_line_and_column_and_the_month_left_out() {
    let w = hand_built();
    // The latest date of the hand-built extracts is 2024-04-10: A5's discharge (line 6 of the
    // admissions; P6's end the same day in the placements comes after).
    let (code, stdout, stderr) = w.run(&["rates", "--data", "data", "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.ends_with("; extract date 2024-04-10 (the latest date in the extracts: data/admissions.csv:6, discharge_date), so 2024-04 is incomplete and left out of the default periods\n"),
        "{stderr}"
    );
    // ... and so it is: the periods end with March.
    let last = stdout.lines().last().unwrap();
    assert!(last.starts_with("BBB,2024-03,"), "{last}");
    let doc = w.json(&["rates", "--data", "data", "--format", "json"]);
    assert_eq!(doc["inputs"]["extract_date"], "2024-04-10");
    assert_eq!(
        doc["inputs"]["extract_date_source"],
        "latest date in the extracts"
    );
    assert_eq!(
        doc["inputs"]["extract_date_found_at"],
        serde_json::json!({"file": "data/admissions.csv", "line": 6, "column": "discharge_date"})
    );
}

#[test]
fn a_given_extract_date_says_so_and_a_month_end_leaves_nothing_out() {
    let w = hand_built();
    for command in ["rates", "los", "spc", "nhs", "reinvest", "capacity"] {
        let (code, _, stderr) = w.run(&[command, "--data", "data", "--extract-date", "2024-04-30"]);
        assert_eq!(code, 0, "{command}: {stderr}");
        assert!(
            stderr.ends_with("; extract date 2024-04-30 (given with --extract-date)\n"),
            "{command}: {stderr}"
        );
    }
    let (code, _, stderr) = w.run(&[
        "chart",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--collaborative",
        "AAA",
        "--out",
        "aaa.svg",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.ends_with(
            "; extract date 2024-04-30 (given with --extract-date)\noapstat: wrote aaa.svg\n"
        ),
        "{stderr}"
    );
    let (_, _, stderr) = w.run(&["rates", "--data", "data", "--extract-date", "2024-04-20"]);
    assert!(
        stderr.ends_with("; extract date 2024-04-20 (given with --extract-date), so 2024-04 is incomplete and left out of the default periods\n"),
        "{stderr}"
    );
    let doc = w.json(&[
        "rates",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--format",
        "json",
    ]);
    assert_eq!(doc["inputs"]["extract_date_source"], "--extract-date");
    assert_eq!(
        doc["inputs"]["extract_date_found_at"],
        serde_json::Value::Null
    );
}
