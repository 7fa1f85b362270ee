//! `oapstat reinvest` on the hand-built extracts (see fixtures.rs), figures worked out by hand.

use serde_json::Value;

use super::fixtures::{find_row, hand_built, hand_built_json};

fn reinvest(extra: &[&str]) -> Value {
    hand_built_json("reinvest", extra)
}

fn row<'a>(doc: &'a Value, service_line: &str) -> &'a Value {
    find_row(
        doc,
        &[("collaborative", "AAA"), ("service_line", service_line)],
    )
}

fn assert_close(value: &Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"));
    assert!((actual - expected).abs() < 0.006, "{actual} != {expected}");
}

const FEB_TO_MAR: [&str; 4] = [
    "--baseline",
    "2024-02-01..2024-02-29",
    "--current",
    "2024-03-01..2024-03-31",
];

#[test]
fn falling_oap_days_are_a_saving_with_a_quartile_range() {
    let doc = reinvest(&FEB_TO_MAR);
    let acute = row(&doc, "adult_acute");
    // February: P1 29 + P2 28 + P3 0 + P5 10 = 67 days in 29; March: P1 4 + P5 31 + P6 7 = 42 in 31.
    assert_eq!(acute["baseline_oap_days"], 67);
    assert_eq!(acute["current_oap_days"], 42);
    let baseline = 67.0 * 365.0 / 29.0;
    let current = 42.0 * 365.0 / 31.0;
    assert_close(&acute["baseline_oap_days_annualised"], baseline);
    assert_close(&acute["avoided_oap_days_annualised"], baseline - current);
    // Recorded February cost: (29 × 500 + 0 × 800 + 10 × 600) ÷ 39 days with a cost.
    let mean = 20_500.0 / 39.0;
    assert_close(&acute["oap_daily_cost"], mean);
    assert_eq!(
        acute["oap_daily_cost_source"],
        "recorded mean of the baseline"
    );
    // Quartiles of the recorded daily costs 500, 600, 800 (linear): 550 and 700.
    assert_close(&acute["oap_daily_cost_lower_quartile"], 550.0);
    assert_close(&acute["oap_daily_cost_upper_quartile"], 700.0);
    assert_close(&acute["local_daily_cost"], 450.0);
    let avoided = baseline - current;
    assert_close(&acute["estimated_saving"], avoided * (mean - 450.0));
    assert_close(&acute["estimated_saving_low"], avoided * 100.0);
    assert_close(&acute["estimated_saving_high"], avoided * 250.0);
    assert_close(&acute["cost_pressure"], 0.0);
    assert_close(&acute["reinvestment"], avoided * (mean - 450.0));
}

#[test]
fn rising_oap_days_are_a_cost_pressure_and_totals_keep_them_apart() {
    // January (12 OAP days in 31, all P1 at £500) against February (67 in 29).
    let doc = reinvest(&[
        "--baseline",
        "2024-01-01..2024-01-31",
        "--current",
        "2024-02-01..2024-02-29",
        "--reinvest-share",
        "0.5",
    ]);
    let acute = row(&doc, "adult_acute");
    let avoided = 12.0 * 365.0 / 31.0 - 67.0 * 365.0 / 29.0;
    assert_close(&acute["avoided_oap_days_annualised"], avoided);
    assert_close(&acute["estimated_saving"], 0.0);
    assert_close(&acute["cost_pressure"], -avoided * 50.0);
    assert_close(&acute["reinvestment"], 0.0);
    // cyp_inpatient had no OAP with a recorded cost in January: not costed, and said so.
    let cyp = row(&doc, "cyp_inpatient");
    assert_eq!(
        cyp["oap_daily_cost_source"],
        "no cost recorded in the baseline: not costed"
    );
    assert_eq!(cyp["estimated_saving"], Value::Null);
    assert_eq!(doc["assumptions"]["not_costed"][0], "AAA cyp_inpatient");
    let total = row(&doc, "all");
    assert_close(&total["cost_pressure"], -avoided * 50.0);
    assert_close(&total["estimated_saving"], 0.0);
    assert_close(&total["reinvestment"], 0.0);
    assert_eq!(doc["assumptions"]["reinvest_share"], 0.5);
}

#[test]
fn partial_current_year_ends_at_the_extract_date_and_is_annualised() {
    let doc = reinvest(&[
        "--baseline",
        "2023-24",
        "--current",
        "2024-25",
        "--oap-daily-cost",
        "600",
    ]);
    assert_eq!(
        doc["assumptions"]["current"]["label"],
        "2024-25 (to 2024-04-30)"
    );
    assert_eq!(doc["assumptions"]["current"]["days"], 30);
    assert_eq!(doc["assumptions"]["baseline"]["days"], 366);
    let acute = row(&doc, "adult_acute");
    // 2023-24: 12 + 67 + 42 = 121 days in 366; April 2024: P5 30 + P6 9 = 39 days in 30.
    let avoided = 121.0 * 365.0 / 366.0 - 39.0 * 365.0 / 30.0;
    assert_close(&acute["avoided_oap_days_annualised"], avoided);
    assert_eq!(acute["oap_daily_cost_source"], "given (--oap-daily-cost)");
    assert_close(&acute["cost_pressure"], -avoided * 150.0);
    assert_close(&acute["cost_pressure_low"], -avoided * 150.0);
}

#[test]
fn scenarios_free_the_current_inappropriate_days() {
    let doc = reinvest(&[&FEB_TO_MAR[..], &["--scenario", "eliminate-inappropriate"]].concat());
    let acute = row(&doc, "adult_acute");
    // March inappropriate (reason 10): P1 4 + P5 31 + P6 7 = 42 days.
    let days = 42.0 * 365.0 / 31.0;
    assert_close(&acute["scenario_avoided_oap_days_annualised"], days);
    assert_close(&acute["scenario_saving"], days * (20_500.0 / 39.0 - 450.0));
    let half = reinvest(&[&FEB_TO_MAR[..], &["--scenario", "reduce-inappropriate=50%"]].concat());
    assert_close(
        &row(&half, "adult_acute")["scenario_avoided_oap_days_annualised"],
        days / 2.0,
    );
    assert_eq!(
        half["assumptions"]["scenario"],
        "cut the current period's inappropriate OAP days by 50%"
    );
    // Without a scenario the fields are there, and null.
    let none = reinvest(&FEB_TO_MAR);
    assert_eq!(row(&none, "adult_acute")["scenario_saving"], Value::Null);
}

#[test]
fn missing_local_cost_is_a_clear_error() {
    let w = hand_built();
    w.write(
        "data/local_costs.csv",
        "collaborative,service_line,local_daily_cost\nAAA,adult_acute,450\n",
    );
    let (code, stdout, stderr) = w.run(&[
        "reinvest",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--baseline",
        "2024-02-01..2024-02-29",
        "--current",
        "2024-03-01..2024-03-31",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("no local daily cost for collaborative AAA and service line cyp_inpatient"),
        "{stderr}"
    );
}

#[test]
fn table_carries_the_assumptions() {
    let w = hand_built();
    let (code, stdout, _) = w.run(&[
        "reinvest",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--baseline",
        "2024-02-01..2024-02-29",
        "--current",
        "2024-03-01..2024-03-31",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Baseline 2024-02-01 to 2024-02-29 (29 days) against current 2024-03-01 to 2024-03-31 (31 days)"), "{stdout}");
    assert!(
        stdout.contains("OAP daily cost: recorded mean of the baseline"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Reinvestment: 100% of the saving"),
        "{stdout}"
    );
}

#[test]
fn a_baseline_the_data_does_not_cover_is_flagged() {
    // The data starts on 2024-01-05; the 2023-24 baseline starts on 2023-04-01.
    let doc = reinvest(&["--baseline", "2023-24", "--current", "2024-25"]);
    assert_eq!(doc["assumptions"]["baseline_covered_by_data"], false);
    let covered = reinvest(&FEB_TO_MAR);
    assert_eq!(covered["assumptions"]["baseline_covered_by_data"], true);
    let w = hand_built();
    let (code, stdout, _) = w.run(&[
        "reinvest",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--baseline",
        "2023-24",
        "--current",
        "2024-25",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains(
            "Warning: the data starts on 2024-01-05, after the baseline starts (2023-04-01)"
        ),
        "{stdout}"
    );
}
