//! Reading the extracts: CSV variants, Parquet, several files, and unreadable input.

use serde_json::Value;

use super::fixtures::{hand_built, ADMISSIONS, COLLABORATIVES, PLACEMENTS};
use super::workdir::Workdir;

/// February 2024 OAP days of AAA for the given input arguments (68 for the hand-built data).
fn february_oap_days(w: &Workdir, inputs: &[&str]) -> Value {
    let mut args = vec![
        "rates",
        "--extract-date",
        "2024-04-30",
        "--format",
        "json",
        "--from",
        "2024-02",
        "--to",
        "2024-02",
        "--collaborative",
        "AAA",
    ];
    args.extend(inputs);
    let doc = w.json(&args);
    doc["rows"][0]["oap_days"].clone()
}

fn with_files(admissions: &str, placements: &str) -> Workdir {
    let w = Workdir::new();
    w.write("a.csv", admissions)
        .write("p.csv", placements)
        .write("c.csv", COLLABORATIVES);
    w
}

/// The rows of `COMMAND` as JSON on the files of [`with_files`], invalid rows set aside to
/// `rejects.csv`.
fn figures_set_aside(w: &Workdir, command: &str) -> Value {
    let mut args = vec![
        command,
        "--extract-date",
        "2024-04-30",
        "--format",
        "json",
        "--quiet",
        "--skip-invalid",
        "rejects.csv",
    ];
    args.extend(FILES);
    w.json(&args)["rows"].clone()
}

const FILES: [&str; 6] = [
    "--admissions",
    "a.csv",
    "--placements",
    "p.csv",
    "--collaboratives",
    "c.csv",
];

#[test]
fn plain_csv() {
    let w = with_files(ADMISSIONS, PLACEMENTS);
    assert_eq!(february_oap_days(&w, &FILES), 68);
}

#[test]
fn byte_order_mark_and_crlf_line_endings() {
    let bom = |s: &str| format!("\u{feff}{}", s.replace('\n', "\r\n"));
    let w = with_files(&bom(ADMISSIONS), &bom(PLACEMENTS));
    assert_eq!(february_oap_days(&w, &FILES), 68);
}

#[test]
fn header_names_in_any_case_with_spaces_quoted_fields_and_extra_columns() {
    let admissions = ADMISSIONS
        .replacen(
            "admission_id,patient_id,collaborative",
            " Admission_ID ,PATIENT_ID,\"Collaborative\"",
            1,
        )
        .replace(",RAA01\n", ",\"RAA01\"\n")
        .replacen("provider_code\n", "provider_code,notes\n", 1)
        .replace(",\"RAA01\"\n", ",\"RAA01\",\"free text, with a comma\"\n");
    let placements = PLACEMENTS.replacen("out_of_area", "Out_Of_Area", 1);
    let w = with_files(&admissions, &placements);
    assert_eq!(february_oap_days(&w, &FILES), 68);
}

#[test]
fn uk_dates_and_flags_in_other_spellings() {
    let uk = |text: &str| {
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            let fields: Vec<String> = line
                .split(',')
                .map(|f| match (i, f.len(), f.as_bytes().get(4)) {
                    (1.., 10, Some(b'-')) => format!("{}/{}/{}", &f[8..10], &f[5..7], &f[0..4]),
                    _ => f.to_string(),
                })
                .collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    };
    let placements = uk(PLACEMENTS)
        .replace(",Y,", ",true,")
        .replace(",N,", ",0,");
    assert!(placements.contains("20/01/2024,05/03/2024,NPX01,true,10"));
    let w = with_files(&uk(ADMISSIONS), &placements);
    assert_eq!(february_oap_days(&w, &FILES), 68);
}

#[test]
fn several_files_per_extract_by_repeating_or_glob() {
    let lines: Vec<&str> = PLACEMENTS.lines().collect();
    let w = with_files(ADMISSIONS, "");
    w.write(
        "p-1.csv",
        &format!("{}\n{}\n", lines[0], lines[1..5].join("\n")),
    )
    .write(
        "p-2.csv",
        &format!("{}\n{}\n", lines[0], lines[5..].join("\n")),
    );
    let repeated = [
        "--admissions",
        "a.csv",
        "--placements",
        "p-1.csv",
        "--placements",
        "p-2.csv",
        "--collaboratives",
        "c.csv",
    ];
    assert_eq!(february_oap_days(&w, &repeated), 68);
    let globbed = [
        "--admissions",
        "a.csv",
        "--placements",
        "p-*.csv",
        "--collaboratives",
        "c.csv",
    ];
    assert_eq!(february_oap_days(&w, &globbed), 68);
}

#[test]
fn problems_name_the_file_among_several() {
    let lines: Vec<&str> = PLACEMENTS.lines().collect();
    let w = with_files(ADMISSIONS, "");
    w.write(
        "p-1.csv",
        &format!("{}\n{}\n", lines[0], lines[1..5].join("\n")),
    )
    .write(
        "p-2.csv",
        &format!("{}\n{}\n{}\n", lines[0], lines[5..].join("\n"), lines[1]),
    );
    let (code, stdout, _) = w.run(&[
        "validate",
        "--admissions",
        "a.csv",
        "--placements",
        "p-*.csv",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("p-2.csv:7: placement_id P1 is a duplicate of p-1.csv:2\n"),
        "{stdout}"
    );
}

#[test]
fn parquet_round_trip_matches_csv() {
    let w = Workdir::new();
    for (format, dir) in [("csv", "csv"), ("parquet", "pq")] {
        let (code, _, stderr) = w.run(&[
            "generate",
            "--seed",
            "7",
            "--admissions",
            "400",
            "--start",
            "2024-01-01",
            "--extract-date",
            "2024-12-31",
            "--format",
            format,
            "--out",
            dir,
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    let csv = w.json(&["rates", "--data", "csv", "--format", "json"]);
    let parquet = w.json(&["rates", "--data", "pq", "--format", "json"]);
    assert_eq!(csv["rows"], parquet["rows"]);
    assert!(!csv["rows"].as_array().unwrap().is_empty());
    assert_eq!(
        parquet["inputs"]["files"][0]["path"],
        "pq/admissions.parquet"
    );
}

#[test]
fn missing_file_is_an_io_error() {
    let w = Workdir::new();
    let (code, stdout, stderr) = w.run(&[
        "validate",
        "--admissions",
        "nowhere.csv",
        "--placements",
        "p.csv",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("nowhere.csv: cannot open"), "{stderr}");
}

#[test]
fn glob_matching_nothing_is_a_usage_error() {
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&[
        "validate",
        "--admissions",
        "none-*.csv",
        "--placements",
        "p.csv",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--admissions \"none-*.csv\" matches no file"),
        "{stderr}"
    );
}

#[test]
fn empty_file_is_an_error() {
    let w = with_files(ADMISSIONS, "");
    let (code, _, stderr) = w.run(&["validate", "--admissions", "a.csv", "--placements", "p.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "p.csv: the file is empty (expected a header line naming the placements columns)"
        ),
        "{stderr}"
    );
}

#[test]
fn header_only_files_are_valid_and_empty() {
    let header = |s: &str| format!("{}\n", s.lines().next().unwrap());
    let w = with_files(&header(ADMISSIONS), &header(PLACEMENTS));
    let (code, stdout, _) = w.run(&["validate", "--admissions", "a.csv", "--placements", "p.csv"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("No problems found"));
    // Nothing to report on: a clear error rather than an empty table.
    let (code, _, stderr) = w.run(&["rates", "--admissions", "a.csv", "--placements", "p.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the admissions extract has no valid rows"),
        "{stderr}"
    );
}

#[test]
fn bundled_sample_is_used_with_no_input_options() {
    let w = Workdir::new();
    let (code, stdout, stderr) = w.run(&["validate"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains("using the sample data bundled with oapstat"),
        "{stderr}"
    );
    assert!(
        stdout.contains(
            "No problems found.\nExtract date 2026-10-31 (the latest date in the extracts: "
        ) && stdout.contains("admissions.csv:16050, admission_date)."),
        "{stdout}"
    );
}

#[test]
fn closed_pipe_is_not_an_error() {
    let w = hand_built();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("oapstat"))
        .current_dir(w.path("."))
        .args([
            "rates",
            "--data",
            "data",
            "--format",
            "csv",
            "--extract-date",
            "2024-04-30",
            "--by",
            "service_line",
            "--period",
            "rolling3",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn unreadable_csv_lines_are_named() {
    let header = "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code\n";
    let w = with_files(&format!("{header}A1,P1,AAA,adult_acute,2024-01-01,,R1\nA2,P2,AAA,adult_acute,2024-01-01,,R1,extra\n"), PLACEMENTS);
    let (code, _, stderr) = w.run(&["validate", "--admissions", "a.csv", "--placements", "p.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "oapstat: error: a.csv:3: has 8 fields, but the header has 7\n"
    );

    w.write("a.csv", "");
    std::fs::write(
        w.path("a.csv"),
        [
            header.as_bytes(),
            b"A1,P\xff1,AAA,adult_acute,2024-01-01,,R1\n",
        ]
        .concat(),
    )
    .unwrap();
    let (code, _, stderr) = w.run(&["validate", "--admissions", "a.csv", "--placements", "p.csv"]);
    assert_eq!(code, 2);
    assert_eq!(stderr, "oapstat: error: a.csv:2: is not valid UTF-8 text (for a file saved by Excel or another Windows program, give a mapping with [csv] encoding = \"windows-1252\")\n");
}

#[test]
fn values_with_surrounding_spaces_and_empty_quoted_text() {
    let admissions = ADMISSIONS
        .replace(",AAA,", ", AAA ,")
        .replace("A4,PT4", " A4 ,PT4");
    let placements = PLACEMENTS
        .replace(",N,,", ",N,\"\",")
        .replace("P5,A4,", "P5, A4,");
    let w = with_files(&admissions, &placements);
    assert_eq!(february_oap_days(&w, &FILES), 68);
}

#[test]
fn row_order_changes_no_figure_and_no_finding() {
    // Extracts sorted by identifier are checked by merging them, others through an index.
    let reversed = |text: &str| {
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        lines.join("\n") + "\n"
    };
    let placements = format!(
        "{PLACEMENTS}PX1,A99,2024-02-01,,NPX01,Y,10,30,500\nP1,A1,2024-01-21,2024-01-22,NPX01,N,,,\n"
    );
    let sorted = with_files(ADMISSIONS, &placements);
    let unsorted = with_files(&reversed(ADMISSIONS), &reversed(&placements));
    let findings = |w: &Workdir| {
        let mut args = vec![
            "validate",
            "--format",
            "json",
            "--extract-date",
            "2024-04-30",
        ];
        args.extend(FILES);
        let (code, stdout, _) = w.run(&args);
        assert_eq!(code, 1);
        let doc: Value = serde_json::from_str(&stdout).unwrap();
        let mut found: Vec<(String, String)> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["rule"].to_string(), f["value"].to_string()))
            .collect();
        found.sort();
        found
    };
    let expected = vec![
        ("\"duplicate_id\"".to_string(), "\"P1\"".to_string()),
        ("\"unknown_admission\"".to_string(), "\"A99\"".to_string()),
    ];
    assert_eq!(findings(&sorted), expected);
    assert_eq!(findings(&unsorted), expected);

    // (Of two placements with one id, the first in the file stands: which one depends on the
    // order, so the figures are compared without the duplicate.)
    let placements = format!("{PLACEMENTS}PX1,A99,2024-02-01,,NPX01,Y,10,30,500\n");
    let rates = |w: &Workdir| figures_set_aside(w, "rates");
    let sorted = rates(&with_files(ADMISSIONS, &placements));
    assert_eq!(
        sorted,
        rates(&with_files(&reversed(ADMISSIONS), &reversed(&placements)))
    );
    assert_eq!(sorted, rates(&with_files(ADMISSIONS, PLACEMENTS)));
}

#[test]
fn rows_set_aside_leave_the_figures_of_the_clean_extract() {
    // An invalid admission first (29 days in February 2023 only), with an out-of-area placement
    // that is therefore rejected too: with --skip-invalid, every figure is that of the clean
    // extract.
    let insert_first = |text: &str, row: &str| {
        let (header, rest) = text.split_once('\n').unwrap();
        format!("{header}\n{row}\n{rest}")
    };
    let admissions = insert_first(ADMISSIONS, "A0,PT0,AAA,adult_acute,2023-02-29,,RAA01");
    let placements = insert_first(PLACEMENTS, "P0,A0,2024-02-01,,NPX01,Y,10,30,500");
    let figures = figures_set_aside;
    let (clean, with_invalid) = (
        with_files(ADMISSIONS, PLACEMENTS),
        with_files(&admissions, &placements),
    );
    for command in ["rates", "los"] {
        assert_eq!(
            figures(&with_invalid, command),
            figures(&clean, command),
            "{command}"
        );
        let rejects = with_invalid.read("rejects.csv");
        assert!(rejects.contains("a.csv,2,invalid_date"), "{rejects}");
        // los reads no placements, so sets none aside.
        let placement_set_aside = rejects.contains("p.csv,2,rejected_admission");
        assert_eq!(
            placement_set_aside,
            command == "rates",
            "{command}: {rejects}"
        );
    }
}

#[test]
fn a_stray_quote_is_named_and_the_lines_it_takes_are_counted() {
    // P3 (line 4) ends with a quote that opens its daily_cost cell: the rest of the file (lines
    // 5 to 10) is read into that cell, as every RFC 4180 reader reads it. The finding names the
    // line the quote opens on, and the counts the lines the rejected row took.
    let placements = PLACEMENTS.replace(
        "P3,A3,2024-02-10,2024-02-10,NPX01,Y,99,,800",
        "P3,A3,2024-02-10,2024-02-10,NPX01,Y,99,,\"",
    );
    let w = with_files(ADMISSIONS, &placements);
    let (code, stdout, _) = w.run(&[
        "validate",
        "--extract-date",
        "2024-04-30",
        "--admissions",
        "a.csv",
        "--placements",
        "p.csv",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("\np.csv:4: daily_cost: a quote opens this cell on line 4 and never closes, so the cell takes in every line to the end of the file (line 10); no column holds a line break (a stray quote?); the cell: \"\\nP4,A4,2024-02-15,2024-02-20,RAA01,N,,5,… (251 characters)\"\n"), "{stdout}");
    assert!(
        stdout.contains("│ p.csv ┆ placements ┆         3 ┆     2 ┆ 1 (7 lines) │"),
        "{stdout}"
    );
    // The placements the quote took in are lost, so their spells have none: listed, and far
    // beyond the line the figures can be trusted with.
    assert!(
        stdout.starts_with("a.csv:5: admission_id A4 has no placement"),
        "{stdout}"
    );
    let (code, stdout, _) = w.run(&[
        "validate",
        "--extract-date",
        "2024-04-30",
        "--admissions",
        "a.csv",
        "--placements",
        "p.csv",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["inputs"]["files"][1]["lines_invalid"], 7);
    assert_eq!(doc["inputs"]["files"][1]["rows_invalid"], 1);
    // So --skip-invalid cannot make figures of what is left: the rows set aside took spells'
    // only placements with them.
    let (code, _, stderr) = w.run(&[
        "rates",
        "--extract-date",
        "2024-04-30",
        "--admissions",
        "a.csv",
        "--placements",
        "p.csv",
        "--skip-invalid",
        "rejects.csv",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "have no placement, more than the 1% the out-of-area figures can be trusted with"
        ),
        "{stderr}"
    );
}
