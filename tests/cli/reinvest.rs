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
fn falling_oap_days_are_a_saving_with_a_day_weighted_quartile_range() {
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
    // Quartiles over the 39 costed days, each once: 29 at £500 (P1), 10 at £600 (P5); P3's
    // same-day stay has no day. Lower at position 38 × 0.25 = 9.5: £500; upper at 28.5: halfway
    // from £500 (day 28) to £600 (day 29), £550. The mean £525.64 lies between them (by
    // placement, 500, 600 and 800, the quartiles would be 550 and 700, above the mean).
    assert_close(&acute["oap_daily_cost_lower_quartile"], 500.0);
    assert_close(&acute["oap_daily_cost_upper_quartile"], 550.0);
    assert_eq!(acute["cost_range_widened"], false);
    assert_close(&acute["local_daily_cost"], 450.0);
    let avoided = baseline - current;
    let saving = avoided * (mean - 450.0);
    assert_close(&acute["estimated_saving"], saving);
    assert_close(&acute["estimated_saving_low"], avoided * 50.0);
    assert_close(&acute["estimated_saving_high"], avoided * 100.0);
    // A saving, so no cost pressure at all; the net is the saving.
    assert_eq!(acute["cost_pressure"], Value::Null);
    assert_eq!(acute["cost_pressure_low"], Value::Null);
    assert_close(&acute["net_saving"], saving);
    assert_close(&acute["reinvestment"], saving);
    assert_eq!(
        acute["change"],
        format!("saving £{}", group(saving.round() as i64))
    );
    assert_eq!(
        acute["change_range"],
        format!(
            "£{} to £{}",
            group((avoided * 50.0).round() as i64),
            group((avoided * 100.0).round() as i64)
        )
    );
    // One baseline month cannot make an XmR chart.
    assert_eq!(acute["oap_days_change"], "not_judged");
}

/// Thousands separated by commas.
fn group(v: i64) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn a_rise_within_the_baselines_variation_is_common_cause() {
    // adult_acute OAP days: January 12, February 67 (the baseline: mean 39.5, one moving range
    // of 55, limits 39.5 ± 146.3); March 42, April 39 (the current period, annualised a rise
    // from 79 × 365 / 60 to 81 × 365 / 61): above the mean, but no shift and no point beyond
    // a limit.
    let doc = reinvest(&[
        "--baseline",
        "2024-01-01..2024-02-29",
        "--current",
        "2024-03-01..2024-04-30",
    ]);
    let acute = row(&doc, "adult_acute");
    assert_eq!(acute["baseline_oap_days"], 79);
    assert_eq!(acute["current_oap_days"], 81);
    assert_eq!(acute["oap_days_change"], "common_cause");
    assert_eq!(acute["estimated_saving"], Value::Null);
    assert!(acute["change"]
        .as_str()
        .unwrap()
        .starts_with("cost pressure £"));
    // The collaborative's total is judged on all its OAP days: cyp_inpatient adds 1 day in
    // February and 1 in March (P8 from the leap day to 2 March).
    let total = row(&doc, "all");
    assert_eq!(total["oap_days_change"], "common_cause");
    assert!(total["change"]
        .as_str()
        .unwrap()
        .starts_with("net cost pressure £"));
    assert!(doc["assumptions"]["oap_days_change"]
        .as_str()
        .unwrap()
        .contains("the 2 whole months of the baseline"));
}

#[test]
fn sensitivity_to_local_costs_and_share_by_hand() {
    // February to March, share 100%: adult_acute saves avoided × (mean − 450); cyp_inpatient
    // (P8: 1 night in February at £1,000, 1 in March) saves (365/29 − 365/31) × (1,000 − 700).
    // Each local cost 10% lower adds 0.1 × avoided days × local cost to the net.
    let doc = reinvest(&FEB_TO_MAR);
    let acute = row(&doc, "adult_acute");
    let cyp = row(&doc, "cyp_inpatient");
    let f = |v: &Value| v.as_f64().unwrap();
    let net = f(&acute["net_saving"]) + f(&cyp["net_saving"]);
    let local_share = 0.1
        * (f(&acute["avoided_oap_days_annualised"]) * 450.0
            + f(&cyp["avoided_oap_days_annualised"]) * 700.0);
    // Sums of figures rounded to pence: within two pence.
    let near =
        |v: &Value, expected: f64| assert!((f(v) - expected).abs() < 0.02, "{v} != {expected}");
    let s = &doc["assumptions"]["sensitivity"][0];
    assert_eq!(s["collaborative"], "AAA");
    near(&s["net_saving"], net);
    near(
        &s["net_saving_local_cost_10_percent_lower"],
        net + local_share,
    );
    near(
        &s["net_saving_local_cost_10_percent_higher"],
        net - local_share,
    );
    near(&s["reinvestment_per_10_points_of_share"], net * 0.1);
    near(&row(&doc, "all")["net_saving"], net);
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
    // A rise: a cost pressure, and no saving at all (not a saving of 0).
    assert_eq!(acute["estimated_saving"], Value::Null);
    assert_close(&acute["cost_pressure"], -avoided * 50.0);
    assert_close(&acute["net_saving"], avoided * 50.0);
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
    assert_close(&total["net_saving"], avoided * 50.0);
    assert_close(&total["reinvestment"], 0.0);
    assert_eq!(doc["assumptions"]["reinvest_share"], 0.5);
}

#[test]
fn partial_current_year_ends_at_the_extract_date_and_is_annualised() {
    // The data covers January 2024 onwards: the baseline is its first quarter.
    let doc = reinvest(&[
        "--baseline",
        "2024-01-01..2024-03-31",
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
    assert_eq!(doc["assumptions"]["baseline"]["days"], 91);
    let acute = row(&doc, "adult_acute");
    // January to March 2024: 12 + 67 + 42 = 121 days in 91; April 2024: P5 30 + P6 9 = 39 days
    // in 30.
    let avoided = 121.0 * 365.0 / 91.0 - 39.0 * 365.0 / 30.0;
    assert_close(&acute["avoided_oap_days_annualised"], avoided);
    assert_eq!(acute["oap_daily_cost_source"], "given (--oap-daily-cost)");
    // 485.33 − 474.50: 10.83 days a year avoided, at £600 − £450 a day.
    assert!(avoided > 0.0);
    assert_close(&acute["estimated_saving"], avoided * 150.0);
    assert_close(&acute["estimated_saving_low"], avoided * 150.0);
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
    // One column says which way the money goes, in words, beside its range.
    assert!(stdout.contains("Saving or cost pressure"), "{stdout}");
    assert!(stdout.contains("net saving £"), "{stdout}");
    assert!(stdout.contains("Sensitivity AAA: net saving £"), "{stdout}");
}

#[test]
fn a_baseline_the_data_does_not_cover_gives_no_estimate() {
    // The data starts on 2024-01-15 (its earliest discharge), so it covers 2024-01-01 onwards.
    // A baseline starting that day is covered; one starting the day before is not, and every
    // estimate is then empty (never a saving or pressure from part of the baseline).
    let on = reinvest(&[
        "--baseline",
        "2024-01-01..2024-01-31",
        "--current",
        "2024-03-01..2024-03-31",
    ]);
    assert_eq!(on["assumptions"]["baseline_covered_by_data"], true);
    assert_eq!(
        on["empty_values"]["periods_before_the_extract_starts"],
        serde_json::json!([])
    );
    // January: P1 12 days (20 to 31 January).
    assert_eq!(row(&on, "adult_acute")["baseline_oap_days"], 12);
    let before = reinvest(&[
        "--baseline",
        "2023-12-31..2024-01-31",
        "--current",
        "2024-03-01..2024-03-31",
    ]);
    assert_eq!(before["assumptions"]["baseline_covered_by_data"], false);
    assert_eq!(
        before["empty_values"]["periods_before_the_extract_starts"],
        serde_json::json!(["2023-12-31 to 2024-01-31"])
    );
    assert_eq!(before["empty_values"]["covered_from"], "2024-01-01");
    for r in before["rows"].as_array().unwrap() {
        for field in [
            "baseline_oap_days",
            "current_oap_days",
            "avoided_oap_days_annualised",
            "oap_days_change",
            "oap_daily_cost_source",
            "change",
            "net_saving",
            "net_saving_low",
            "cost_pressure",
            "reinvestment",
            "reinvestment_high",
        ] {
            assert!(r[field].is_null(), "{field} in {r}");
        }
    }
    // The local daily cost does not depend on the period: it stays.
    assert_close(&row(&before, "adult_acute")["local_daily_cost"], 450.0);
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
            "Note: the extract covers 2024-01-01 onwards: the periods starting before it (2023-24) are empty, not 0 or partial."
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("Sensitivity AAA"), "{stdout}");
}

/// Every money range of a row holds its point, and a service line never has both a saving and
/// a cost pressure: checked over generated extracts and many baseline and current choices.
#[test]
fn every_estimate_lies_within_its_range_on_generated_extracts() {
    let w = super::workdir::Workdir::new();
    let choices: [[&str; 2]; 6] = [
        ["2023-24", "2024-25"],
        ["2024-25", "2025-26"],
        ["2023-24", "2025-26"],
        ["2024-01-01..2024-06-30", "2025-01-01..2025-09-30"],
        ["2024-04-01..2024-04-30", "2026-10-01..2026-10-31"],
        ["2023-06-15..2024-02-10", "2024-02-11..2026-10-31"],
    ];
    let mut rows = 0;
    for seed in ["1", "2", "3", "4"] {
        let dir = format!("g{seed}");
        let (code, _, stderr) = w.run(&[
            "generate",
            "--seed",
            seed,
            "--admissions",
            "1500",
            "--out",
            &dir,
        ]);
        assert_eq!(code, 0, "{stderr}");
        for [baseline, current] in choices {
            let doc = w.json(&[
                "reinvest",
                "--data",
                &dir,
                "--baseline",
                baseline,
                "--current",
                current,
                "--scenario",
                "reduce-inappropriate=50%",
                "--format",
                "json",
            ]);
            for row in doc["rows"].as_array().unwrap() {
                rows += 1;
                for name in [
                    "estimated_saving",
                    "cost_pressure",
                    "net_saving",
                    "reinvestment",
                    "scenario_saving",
                ] {
                    let (Some(point), Some(low), Some(high)) = (
                        row[name].as_f64(),
                        row[format!("{name}_low")].as_f64(),
                        row[format!("{name}_high")].as_f64(),
                    ) else {
                        continue;
                    };
                    assert!(
                        low <= point && point <= high,
                        "seed {seed}, {baseline} against {current}: {name} {low} <= {point} <= {high} fails in {row}"
                    );
                }
                if row["service_line"] != "all" {
                    assert!(
                        row["estimated_saving"].is_null() || row["cost_pressure"].is_null(),
                        "both a saving and a cost pressure: {row}"
                    );
                }
            }
        }
    }
    assert!(rows > 100, "only {rows} rows checked");
}
