//! `oapstat capacity` on the hand-built extracts (see fixtures.rs), every figure by hand.
//!
//! adult_acute in February 2024 (29 nights), night by night: in hospital H (A1 all month, A2
//! nights 1–28, A8 nights 5–11, A4 from night 15), out of area O (P1 all month, P2 nights 1–28,
//! P5 from night 20, when A4's in-area P4 ends and P5 starts: one person, counted once),
//! inappropriate I (P1, P5). Demand = H − O + share × I:
//!
//! | nights | H | O | I | share 1 | share 0.5 |
//! |--------|---|---|---|---------|-----------|
//! | 1–4    | 2 | 2 | 1 | 1       | 0.5       |
//! | 5–11   | 3 | 2 | 1 | 2       | 1.5       |
//! | 12–14  | 2 | 2 | 1 | 1       | 0.5       |
//! | 15–19  | 3 | 2 | 1 | 2       | 1.5       |
//! | 20–28  | 3 | 3 | 2 | 2       | 1         |
//! | 29     | 2 | 2 | 2 | 2       | 1         |
//!
//! So with share 1: 7 nights at 1, 22 at 2; with share 0.5: 7 at 0.5, 10 at 1, 12 at 1.5.

use serde_json::Value;

use super::fixtures::{find_row, hand_built, hand_built_args};

const FEBRUARY: [&str; 2] = ["--baseline", "2024-02-01..2024-02-29"];

fn capacity(extra: &[&str]) -> Value {
    let mut args = FEBRUARY.to_vec();
    args.extend(extra);
    hand_built().json(&hand_built_args("capacity", &args))
}

fn row<'a>(doc: &'a Value, service_line: &str) -> &'a Value {
    find_row(
        doc,
        &[
            ("collaborative", "AAA"),
            ("service_line", service_line),
            ("month", "all"),
        ],
    )
}

fn close(value: &Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"));
    assert!((actual - expected).abs() < 0.006, "{actual} != {expected}");
}

#[test]
fn demand_and_beds_by_hand() {
    let doc = capacity(&[]);
    let acute = row(&doc, "adult_acute");
    assert_eq!(acute["days"], 29);
    close(&acute["mean_demand"], 51.0 / 29.0);
    close(&acute["peak_demand"], 2.0);
    // Sorted: 7 ones then 22 twos; the median is at position 14 of 0–28.
    close(&acute["demand_p50"], 2.0);
    close(&acute["demand_p99"], 2.0);
    // 1.7586 / 0.85 = 2.07: 3 beds. At most 5% of 29 days (1 day) above: the second busiest
    // night (2) sets 2 beds, and nothing is left over.
    assert_eq!(acute["beds_by_occupancy"], 3);
    assert_eq!(acute["beds_by_no_bed_risk"], 2);
    close(&acute["person_days_above_beds_per_year"], 0.0);
    // Inappropriate OAP spend in February: P1 29 nights × £500 + P5 10 × £600 = £20,500,
    // × 365 / 29.
    close(
        &acute["inappropriate_oap_spend_per_year"],
        20_500.0 * 365.0 / 29.0,
    );
    close(&acute["inappropriate_oap_days_costed_share"], 1.0);
    // No current beds: no extra beds and no cost.
    assert_eq!(acute["current_beds"], Value::Null);
    assert_eq!(
        acute["extra_beds_cost_per_year_by_no_bed_risk"],
        Value::Null
    );
    // cyp_inpatient: A7's one night is in an appropriate OAP (P8, reason 11): no local demand.
    let cyp = row(&doc, "cyp_inpatient");
    close(&cyp["mean_demand"], 0.0);
    assert_eq!(cyp["beds_by_no_bed_risk"], 0);
    close(&cyp["inappropriate_oap_spend_per_year"], 0.0);
    assert_eq!(doc["assumptions"]["baseline_covered_by_data"], true);
}

#[test]
fn a_larger_risk_leaves_demand_above_the_beds() {
    // Up to 80% of days (23 of 29) above: the 24th busiest night (1) sets 1 bed, and 22 nights
    // are 1 above it: 22 person-days in 29 days, × 365 / 29 a year.
    let doc = capacity(&["--no-bed-risk", "0.8"]);
    let acute = row(&doc, "adult_acute");
    assert_eq!(acute["beds_by_no_bed_risk"], 1);
    close(
        &acute["person_days_above_beds_per_year"],
        22.0 * 365.0 / 29.0,
    );
}

#[test]
fn repatriating_half_of_the_inappropriate_days() {
    let doc = capacity(&["--repatriate", "0.5", "--no-bed-risk", "0.5"]);
    let acute = row(&doc, "adult_acute");
    close(&acute["mean_demand"], 31.5 / 29.0);
    close(&acute["peak_demand"], 1.5);
    // Sorted: 7 × 0.5, 10 × 1, 12 × 1.5: position 14 is 1, position 21 is 1.5.
    close(&acute["demand_p50"], 1.0);
    close(&acute["demand_p75"], 1.5);
    // 1.0862 / 0.85 = 1.28: 2 beds. At most 50% (14 days) above: the 15th busiest (1) sets 1
    // bed, leaving 12 nights 0.5 above: 6 person-days.
    assert_eq!(acute["beds_by_occupancy"], 2);
    assert_eq!(acute["beds_by_no_bed_risk"], 1);
    close(
        &acute["person_days_above_beds_per_year"],
        6.0 * 365.0 / 29.0,
    );
    // Half of the inappropriate OAPs' spend comes home.
    close(
        &acute["inappropriate_oap_spend_per_year"],
        10_250.0 * 365.0 / 29.0,
    );
    assert_eq!(doc["parameters"]["repatriate"], 0.5);
}

#[test]
fn current_beds_give_extra_beds_and_their_cost() {
    let w = hand_built();
    w.write(
        "data/local_beds.csv",
        "collaborative,service_line,beds\nAAA,adult_acute,1\nAAA,cyp_inpatient,2\n",
    );
    let doc = w.json(&hand_built_args("capacity", &FEBRUARY));
    let acute = row(&doc, "adult_acute");
    assert_eq!(acute["current_beds"], 1);
    // Demand above 1 bed on 22 of 29 nights.
    close(&acute["share_of_days_above_current_beds"], 22.0 / 29.0);
    assert_eq!(acute["extra_beds_by_occupancy"], 2);
    assert_eq!(acute["extra_beds_by_no_bed_risk"], 1);
    // A bed costs £450 a day every day: 1 extra bed £164,250 a year, 2 £328,500.
    close(&acute["extra_beds_cost_per_year_by_no_bed_risk"], 164_250.0);
    close(&acute["extra_beds_cost_per_year_by_occupancy"], 328_500.0);
    let spend = 20_500.0 * 365.0 / 29.0;
    close(&acute["spend_less_cost_by_no_bed_risk"], spend - 164_250.0);
    close(&acute["spend_less_cost_by_occupancy"], spend - 328_500.0);
    // Beds to spare are a negative extra and cost nothing more.
    let cyp = row(&doc, "cyp_inpatient");
    assert_eq!(cyp["extra_beds_by_no_bed_risk"], -2);
    close(&cyp["extra_beds_cost_per_year_by_no_bed_risk"], 0.0);
}

/// A beds file for every service line serves a run on one of them: the lines outside
/// `--service-line` are not in the extracts' scope, so they are not "unknown" (found running the
/// guide's example with `--service-line picu` on a beds file of three lines).
#[test]
fn a_beds_file_may_name_service_lines_outside_the_selection() {
    let w = hand_built();
    w.write(
        "data/local_beds.csv",
        "collaborative,service_line,beds\nAAA,adult_acute,1\nAAA,cyp_inpatient,2\n",
    );
    let mut args = hand_built_args("capacity", &FEBRUARY);
    args.extend(["--service-line", "adult_acute"]);
    let doc = w.json(&args);
    let rows = doc["rows"].as_array().unwrap();
    assert!(
        rows.iter().all(|r| r["service_line"] == "adult_acute"),
        "{doc}"
    );
    assert_eq!(row(&doc, "adult_acute")["current_beds"], 1);
}

#[test]
fn groups_and_months() {
    let doc = capacity(&[
        "--group",
        "all_lines=adult_acute,cyp_inpatient",
        "--by-month",
    ]);
    let group = row(&doc, "all_lines");
    close(&group["mean_demand"], 51.0 / 29.0);
    close(
        &group["inappropriate_oap_spend_per_year"],
        20_500.0 * 365.0 / 29.0,
    );
    assert_eq!(group["local_daily_cost"], Value::Null);
    let february = find_row(
        &doc,
        &[
            ("collaborative", "AAA"),
            ("service_line", "adult_acute"),
            ("month", "2024-02"),
        ],
    );
    close(&february["mean_demand"], 51.0 / 29.0);
    assert_eq!(february["beds_by_no_bed_risk"], 2);
}

#[test]
fn bad_options_and_references_are_clear_errors() {
    let w = hand_built();
    for (option, value, message) in [
        (
            "--occupancy",
            "0",
            "--occupancy 0 must be above 0 and at most 1",
        ),
        (
            "--occupancy",
            "1.2",
            "--occupancy 1.2 must be above 0 and at most 1",
        ),
        (
            "--no-bed-risk",
            "1",
            "--no-bed-risk 1 must be 0 or more and below 1",
        ),
        (
            "--repatriate",
            "2",
            "--repatriate 2 must be between 0 and 1",
        ),
        (
            "--group",
            "acute",
            "--group \"acute\": expected NAME=LINE,LINE",
        ),
    ] {
        let mut args = hand_built_args("capacity", &FEBRUARY);
        args.extend([option, value]);
        let (code, stdout, stderr) = w.run(&args);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(message), "{stderr}");
    }
    w.write(
        "data/local_beds.csv",
        "collaborative,service_line,beds\nAAA,adult_acute,1\nAAA,picu,3\n",
    );
    let (code, _, stderr) = w.run(&hand_built_args("capacity", &FEBRUARY));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("data/local_beds.csv: no admissions for AAA picu"),
        "{stderr}"
    );
    w.write(
        "data/local_beds.csv",
        "collaborative,service_line,beds\nAAA,adult_acute,1.5\n",
    );
    let (code, _, stderr) = w.run(&hand_built_args("capacity", &FEBRUARY));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("data/local_beds.csv:2: beds \"1.5\" is not a whole number"),
        "{stderr}"
    );
}

#[test]
fn a_baseline_before_the_data_has_empty_figures() {
    // The extract covers 2024-01-01 onwards (earliest discharge 2024-01-15): the 2023-24
    // baseline starts before it, so its figures are empty (not understated), while its months
    // January to March 2024 are covered and keep theirs.
    let w = hand_built();
    let doc = w.json(&hand_built_args(
        "capacity",
        &["--baseline", "2023-24", "--by-month"],
    ));
    assert_eq!(doc["assumptions"]["baseline_covered_by_data"], false);
    let row = |month: &str| {
        super::fixtures::find_row(
            &doc,
            &[
                ("collaborative", "AAA"),
                ("service_line", "adult_acute"),
                ("month", month),
            ],
        )
        .clone()
    };
    for month in ["all", "2023-12"] {
        let r = row(month);
        assert!(r["mean_demand"].is_null(), "{r}");
        assert!(r["beds_by_occupancy"].is_null(), "{r}");
        assert!(r["inappropriate_oap_spend_per_year"].is_null(), "{r}");
        // The local daily cost does not depend on the period.
        assert_eq!(r["local_daily_cost"], 450.0);
    }
    assert!(row("2024-01")["mean_demand"].is_number());
    let before = doc["empty_values"]["periods_before_the_extract_starts"]
        .as_array()
        .unwrap();
    assert!(before.contains(&serde_json::json!("2023-24")));
    assert!(before.contains(&serde_json::json!("2023-12")));
    assert!(!before.contains(&serde_json::json!("2024-01")));
    // No demand chart is drawn of a baseline the extract does not cover.
    w.write(
        "data/local_beds.csv",
        "collaborative,service_line,beds\nAAA,adult_acute,1\n",
    );
    let mut args = hand_built_args("capacity", &["--baseline", "2023-24"]);
    args.extend(["--charts", "charts", "--quiet"]);
    assert_eq!(w.run(&args).0, 0);
    assert_eq!(std::fs::read_dir(w.path("charts")).unwrap().count(), 0);
}

#[test]
fn demand_charts_with_their_text_alternative() {
    let w = hand_built();
    w.write(
        "data/local_beds.csv",
        "collaborative,service_line,beds\nAAA,adult_acute,1\n",
    );
    let mut args = hand_built_args("capacity", &FEBRUARY);
    args.extend(["--charts", "charts", "--quiet"]);
    let (code, _, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    let svg = w.read("charts/capacity-AAA-adult_acute.svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(
        desc,
        "Demand for local beds each night from 2024-02-01 to 2024-02-29: mean 1.8, peak 2. Beds needed at 85% occupancy: 3; beds that demand exceeds on at most 5% of nights: 2; current beds: 1."
    );
    assert!(w.path("charts/capacity-AAA-cyp_inpatient.svg").exists());
}
