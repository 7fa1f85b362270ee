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

/// AAA's OAP days by month are 12, 68, 43 and 39; BBB has none (0 every month).
fn hand_built_json(w: &Workdir, extra: &[&str]) -> Value {
    let mut args = vec![
        "spc",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--measure",
        "oap_days",
        "--format",
        "json",
        "-q",
    ];
    args.extend(extra);
    w.json(&args)
}

#[test]
fn a_rebase_starts_a_section_and_a_target_is_read_against_the_last_limits() {
    let w = hand_built();
    let doc = hand_built_json(&w, &["--rebase", "2024-03=new ward", "--target", "25"]);
    let rows: Vec<&Value> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["collaborative"] == "AAA")
        .collect();
    // Section 1: 12 and 68 (mean 40, moving range 56); section 2: 43 and 39 (mean 41, moving
    // range 4, limits 41 ± 10.64 = 30.36 to 51.64). No moving range crosses the rebase.
    assert_eq!(rows[1]["section"], 1);
    assert_eq!(rows[1]["mean"], 40.0);
    assert_eq!(rows[2]["section"], 2);
    assert_eq!(rows[2]["section_reason"], "new ward");
    assert_eq!(rows[2]["moving_range"], Value::Null);
    assert_eq!(rows[3]["mean"], 41.0);
    assert!((rows[3]["lower_limit"].as_f64().unwrap() - 30.36).abs() < 1e-9);
    assert!((rows[3]["upper_limit"].as_f64().unwrap() - 51.64).abs() < 1e-9);
    // Lower is better and 25 lies below the last lower limit: consistently failed.
    assert!(rows.iter().all(|r| r["target"] == 25.0));
    assert!(rows.iter().all(|r| r["assurance"] == "consistent_fail"));
    assert!(rows.iter().all(|r| r["variation"] == "common_cause"));
    let series = &doc["series"][0];
    assert_eq!(series["assurance"], "consistent_fail");
    assert_eq!(series["sections"][1]["from"], "2024-03");
    assert_eq!(series["sections"][1]["reason"], "new ward");
    assert_eq!(series["sections"][1]["points"], 2);
    // BBB's flat series has no spread: the reference's limits are NaN, its target inconsistent.
    let bbb = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["collaborative"] == "BBB")
        .unwrap();
    assert_eq!(bbb["assurance"], "inconsistent");
    // Exactly on a limit is inconsistent too (strict comparisons): AAA's last lower limit.
    let on = hand_built_json(&w, &["--rebase", "2024-03", "--target", "30.36"]);
    let lower = on["series"][0]["lower_limit"].as_f64().unwrap();
    let on = hand_built_json(&w, &["--rebase", "2024-03", "--target", &lower.to_string()]);
    assert_eq!(on["series"][0]["assurance"], "inconsistent");
    assert_eq!(on["series"][0]["sections"][1]["reason"], "rebased");
}

#[test]
fn targets_and_rebases_come_from_the_data_folder_and_are_checked() {
    let w = hand_built();
    w.write(
        "data/targets.csv",
        "collaborative,measure,target,improvement\nAAA,oap_days,60,up\n",
    );
    w.write(
        "data/rebase.csv",
        "collaborative,measure,month,reason\n*,oap_days,2024-03,new pathway\n",
    );
    let doc = hand_built_json(&w, &[]);
    let series = &doc["series"][0];
    // Higher is better as the file says: 60 above the upper limit 51.64 fails.
    assert_eq!(series["improvement"], "up");
    assert_eq!(series["target"], 60.0);
    assert_eq!(series["assurance"], "consistent_fail");
    assert_eq!(series["sections"][1]["reason"], "new pathway");
    // BBB has no target row: no assurance (the reference would say inconsistent).
    assert_eq!(doc["series"][1]["assurance"], Value::Null);
    // A bad row names the file, line, column, value and what was expected.
    w.write(
        "data/targets.csv",
        "collaborative,measure,target\nAAA,oap_days,sixty\n",
    );
    let (code, _, stderr) = w.run(&hand_built_args("spc", &["--measure", "oap_days"]));
    assert_ne!(code, 0);
    assert!(
        stderr.contains("targets.csv:2: target \"sixty\" is not a number"),
        "{stderr}"
    );
    w.write(
        "data/targets.csv",
        "collaborative,measure,target\nZZZ,oap_days,1\n",
    );
    let (code, _, stderr) = w.run(&hand_built_args("spc", &["--measure", "oap_days"]));
    assert_ne!(code, 0);
    assert!(
        stderr.contains("targets.csv:2: collaborative \"ZZZ\" is not in the extracts"),
        "{stderr}"
    );
    let (code, _, stderr) = w.run(&hand_built_args("spc", &["--rebase", "2024-13"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--rebase \"2024-13\" is not a month"),
        "{stderr}"
    );
}

#[test]
fn summary_gives_a_row_per_collaborative_and_measure_and_the_matrix() {
    let w = hand_built();
    let doc = w.json(&[
        "spc",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--summary",
        "--measure",
        "oap_days",
        "--measure",
        "inappropriate_oap_days",
        "--target",
        "25",
        "--format",
        "json",
        "-q",
    ]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["collaborative"], "AAA");
    assert_eq!(rows[0]["measure"], "oap_days");
    assert_eq!(rows[1]["measure"], "inappropriate_oap_days");
    // AAA's OAP days: mean 40.5 and limits 40.5 ± 75.37, four common-cause points; 25 inside.
    assert_eq!(rows[0]["points"], 4);
    assert_eq!(rows[0]["common_cause"], 4);
    assert_eq!(rows[0]["assurance"], "inconsistent");
    let cells = doc["matrix"]["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 16);
    let inconsistent_common: Vec<&Value> = cells
        .iter()
        .filter(|c| c["assurance"] == "inconsistent" && c["variation"] == "common_cause")
        .flat_map(|c| c["series"].as_array().unwrap())
        .collect();
    assert_eq!(inconsistent_common.len(), 4, "{inconsistent_common:?}");
    // More than one measure without --summary is refused.
    let (code, _, stderr) = w.run(&hand_built_args(
        "spc",
        &["--measure", "oap_days", "--measure", "los_median"],
    ));
    assert_ne!(code, 0);
    assert!(stderr.contains("give --summary"), "{stderr}");
}
