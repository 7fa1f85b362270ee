//! `oapstat spc`: XmR charts of a measure per collaborative, through the binary.

use serde_json::Value;

use super::fixtures::{hand_built, hand_built_args};
use super::workdir::Workdir;

#[test]
fn points_and_series_for_a_rates_measure() {
    let w = hand_built();
    let doc = w.json(&[
        "spc",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--measure",
        "oap_days",
        "--format",
        "json",
    ]);
    let rows = doc["rows"].as_array().unwrap();
    let aaa: Vec<&Value> = rows
        .iter()
        .filter(|r| r["collaborative"] == "AAA")
        .collect();
    let values: Vec<f64> = aaa.iter().map(|r| r["value"].as_f64().unwrap()).collect();
    assert_eq!(values, [12.0, 68.0, 43.0, 39.0]);
    // Mean 40.5; moving ranges 56, 25, 4 (mean 28.33, none screened); limits 40.5 ± 2.66 × 28.33.
    let mean = 40.5;
    let mr = (56.0 + 25.0 + 4.0) / 3.0;
    assert!((aaa[0]["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
    assert!((aaa[0]["upper_limit"].as_f64().unwrap() - (mean + 2.66 * mr)).abs() < 1e-9);
    assert_eq!(aaa[0]["moving_range"], Value::Null);
    assert_eq!(aaa[1]["moving_range"], 56.0);
    assert!(aaa.iter().all(|r| r["signal"] == "common_cause"));
    assert_eq!(doc["parameters"]["improvement"], "down");
    let series = &doc["series"][0];
    assert_eq!(series["collaborative"], "AAA");
    assert_eq!(series["latest_period"], "2024-04");
    assert_eq!(series["latest_value"], 39.0);
    assert_eq!(series["points"], 4);
}

#[test]
fn baseline_fixes_the_limits() {
    let w = hand_built();
    let doc = w.json(&[
        "spc",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--measure",
        "oap_days",
        "--format",
        "json",
        "--baseline-months",
        "2",
        "--collaborative",
        "AAA",
    ]);
    let rows = doc["rows"].as_array().unwrap();
    // Baseline 12 and 68: mean 40, moving range 56, limits 40 ± 148.96.
    assert_eq!(rows[0]["mean"], 40.0);
    assert!((rows[3]["upper_limit"].as_f64().unwrap() - (40.0 + 2.66 * 56.0)).abs() < 1e-9);
    assert_eq!(rows[0]["baseline"], true);
    assert_eq!(rows[2]["baseline"], false);
    assert_eq!(doc["parameters"]["baseline"]["first_points"], 2);
}

#[test]
fn table_shows_a_sparkline_and_the_latest_signal() {
    let w = hand_built();
    let (code, stdout, _) = w.run(&[
        "spc",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--measure",
        "oap_days",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("▁█▅▄"), "{stdout}");
    assert!(stdout.contains("common_cause"), "{stdout}");
}

#[test]
fn unknown_measure_is_a_usage_error_listing_the_measures() {
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&["spc", "--measure", "oap_nights", "-q"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--measure \"oap_nights\" is not a measure of los or rates (one of: discharges, los_mean"), "{stderr}");
}

#[test]
fn length_of_stay_measures_need_no_placements() {
    let w = super::fixtures::hand_built();
    w.write("data/placements.csv", "placement_id\nP1\n");
    let (code, _, stderr) = w.run(&hand_built_args("spc", &["--measure", "los_median"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("placements: not needed, not read"),
        "{stderr}"
    );
    let (code, _, stderr) = w.run(&hand_built_args("spc", &["--measure", "oap_days"]));
    assert_eq!(
        code, 1,
        "an out-of-area measure reads the placements: {stderr}"
    );
}
