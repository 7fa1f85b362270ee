//! Options as a first-time user meets them (issue 31, item 10): a collaborative's code in any
//! case, only the formats a command writes, `-q` on `sample`.

use super::fixtures::hand_built;
use super::workdir::Workdir;

#[test]
fn a_collaborative_code_in_any_case_and_an_unknown_one_lists_those_there_are() {
    let w = hand_built();
    let run = |code: &str| {
        w.json(&[
            "rates",
            "--data",
            "data",
            "--extract-date",
            "2024-04-30",
            "--format",
            "json",
            "--collaborative",
            code,
        ])
    };
    let (upper, lower) = (run("AAA"), run("aaa"));
    assert_eq!(upper["rows"], lower["rows"]);
    assert_eq!(lower["rows"][0]["collaborative"], "AAA");
    assert_eq!(
        lower["parameters"]["collaboratives"],
        serde_json::json!(["AAA"])
    );
    let (code, _, stderr) = w.run(&["rates", "--data", "data", "--collaborative", "ncm"]);
    assert_eq!(code, 2);
    assert_eq!(stderr, "oapstat: error: --collaborative ncm: no such collaborative in the admissions or the collaboratives reference (those there: AAA, BBB)\n");
}

#[test]
fn each_command_offers_only_the_formats_it_writes() {
    let w = Workdir::new();
    let help = |command: &str| w.run(&[command, "--help"]).1;
    assert!(!help("rates").contains("nhs-csv"));
    assert!(help("rates").contains("- parquet"));
    assert!(help("nhs").contains("- nhs-csv"));
    let validate = help("validate");
    assert!(
        !validate.contains("xlsx") && !validate.contains("nhs-csv"),
        "{validate}"
    );
    let (code, _, stderr) = w.run(&["validate", "--format", "parquet"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("[possible values: table, json, ndjson, csv]"),
        "{stderr}"
    );
}

#[test]
fn sample_takes_quiet() {
    let w = Workdir::new();
    let (code, stdout, stderr) = w.run(&["sample", "--out", "s", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty() && stderr.is_empty(), "{stdout}{stderr}");
    assert!(w.path("s/admissions.csv").is_file());
    let (_, _, stderr) = w.run(&["sample", "--out", "t"]);
    assert!(stderr.starts_with("oapstat: wrote the bundled sample to t"));
}

#[test]
fn validate_takes_quiet() {
    let w = Workdir::new();
    let (code, stdout, stderr) = w.run(&["validate", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.contains("No problems found."), "{stdout}");
    let (_, _, stderr) = w.run(&["validate"]);
    assert!(
        stderr.starts_with("oapstat: using the sample data bundled"),
        "{stderr}"
    );
}
