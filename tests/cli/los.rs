//! `oapstat los` on the hand-built extracts (see fixtures.rs), every figure worked out by hand.

use serde_json::{json, Value};

use super::fixtures::{find_row, hand_built, hand_built_args, hand_built_json};

fn los(extra: &[&str]) -> Value {
    hand_built_json("los", extra)
}

fn row<'a>(doc: &'a Value, period: &str, key: Option<(&str, &str)>) -> &'a Value {
    let mut wanted = vec![("collaborative", "AAA"), ("period", period)];
    wanted.extend(key);
    find_row(doc, &wanted)
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn odd_count_with_a_same_day_stay_and_a_discharge_on_the_last_day() {
    let doc = los(&[]);
    // Discharged in February: A3 same day (0), A8 (7), A2 on 29 February (28).
    let feb = row(&doc, "2024-02", None);
    assert_eq!(feb["discharges"], 3);
    assert!(close(&feb["los_mean"], 35.0 / 3.0));
    assert!(close(&feb["los_median"], 7.0));
    // Linear: rank 0.9 × (3 − 1) = 1.8 → 7 + 0.8 × (28 − 7) = 23.8.
    assert!(close(&feb["los_p90"], 23.8), "{feb}");
    // Open at the end of 29 February: A1 (41 nights so far), A4 (15), A7 (1: admitted that day).
    assert_eq!(feb["open_spells"], 3);
    assert!(close(&feb["open_los_median"], 15.0));
    assert_eq!(feb["open_spells_365_plus_nights"], 0);
}

#[test]
fn even_count_median_is_the_mean_of_the_two_middle_values() {
    let doc = los(&[]);
    // Discharged in March: A7 on 2 March (2 nights), A1 on 5 March (45 nights).
    let mar = row(&doc, "2024-03", None);
    assert_eq!(mar["discharges"], 2);
    assert!(close(&mar["los_median"], 23.5));
    assert!(close(&mar["los_mean"], 23.5));
    assert!(close(&mar["los_p90"], 2.0 + 0.9 * 43.0));
    // Open at 31 March: A4 (46 nights so far), A5 (7).
    assert_eq!(mar["open_spells"], 2);
    assert!(close(&mar["open_los_median"], 26.5));
}

#[test]
fn first_day_discharge_and_empty_groups() {
    let doc = los(&[]);
    // January: A6 discharged on the 15th after 10 nights; A1 open (12 nights so far).
    let jan = row(&doc, "2024-01", None);
    assert_eq!(jan["discharges"], 1);
    assert!(close(&jan["los_median"], 10.0));
    assert!(close(&jan["los_p90"], 10.0));
    assert_eq!(jan["open_spells"], 1);
    // BBB has no spells: zero counts, undefined LOS.
    let bbb = find_row(&doc, &[("collaborative", "BBB")]);
    assert_eq!(bbb["discharges"], 0);
    assert_eq!(bbb["los_median"], Value::Null);
    assert_eq!(bbb["open_spells"], 0);
}

#[test]
fn split_by_whether_the_spell_had_an_oap_and_by_service_line() {
    let doc = los(&["--by", "oap"]);
    let yes = row(&doc, "2024-02", Some(("had_oap", "yes")));
    assert_eq!(yes["discharges"], 2); // A2 (28), A3 (0)
    assert!(close(&yes["los_median"], 14.0));
    let no = row(&doc, "2024-02", Some(("had_oap", "no")));
    assert_eq!(no["discharges"], 1); // A8
    assert_eq!(doc["parameters"]["by"], json!(["oap"]));

    let doc = los(&["--by", "service_line"]);
    let cyp = row(&doc, "2024-03", Some(("service_line", "cyp_inpatient")));
    assert_eq!(cyp["discharges"], 1);
    assert!(close(&cyp["los_median"], 2.0));
}

#[test]
fn financial_quarter() {
    let doc = los(&["--period", "quarter"]);
    // January to March 2024: A6 10, A3 0, A8 7, A2 28, A7 2, A1 45.
    let q4 = row(&doc, "2023-24 Q4", None);
    assert_eq!(q4["discharges"], 6);
    assert!(close(&q4["los_median"], 8.5));
    assert!(close(&q4["los_mean"], 92.0 / 6.0));
}

#[test]
fn suppression_applies_to_los() {
    let doc = los(&["--suppress", "--from", "2024-02", "--to", "2024-02"]);
    let feb = row(&doc, "2024-02", None);
    assert_eq!(feb["discharges"], "*");
    assert_eq!(feb["los_median"], "*");
}

#[test]
fn very_long_open_spells_are_counted_apart() {
    // A secure spell open since 1 December 2022: 427 nights so far at the end of January 2024.
    let w = hand_built();
    let admissions =
        w.read("data/admissions.csv") + "A9,PT9,AAA,adult_secure_medium,2022-12-01,,RAA01\n";
    let placements = w.read("data/placements.csv") + "P10,A9,2022-12-01,,RAA01,N,,5,\n";
    w.write("data/admissions.csv", &admissions)
        .write("data/placements.csv", &placements);
    let doc = w.json(&hand_built_args("los", &["--from", "2024-01"]));
    let jan = row(&doc, "2024-01", None);
    assert_eq!(jan["open_spells"], 2); // A1 (12 nights) and A9 (427)
    assert_eq!(jan["open_spells_365_plus_nights"], 1);
    assert!(close(&jan["open_los_median"], (12.0 + 427.0) / 2.0));
    let feb = row(&doc, "2024-02", None);
    assert_eq!(feb["open_spells"], 4); // A1 41, A4 15, A7 1, A9 456
    assert_eq!(feb["open_spells_365_plus_nights"], 1);
    assert!(close(&feb["open_los_median"], (15.0 + 41.0) / 2.0));
}

#[test]
fn placements_are_read_only_for_the_oap_breakdown() {
    let w = hand_built();
    // A placements file that is wrong in every way: los does not need it...
    w.write("data/placements.csv", "placement_id\nP1\n");
    let (code, stdout, stderr) = w.run(&hand_built_args("los", &[]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("placements: not needed, not read"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        doc["inputs"]["files"].as_array().unwrap().len(),
        1,
        "only the admissions file is listed"
    );
    assert_eq!(row(&doc, "2024-02", None)["discharges"], 3);
    // ...except to split spells by whether they had an out-of-area placement.
    let (code, _, stderr) = w.run(&hand_built_args("los", &["--by", "oap"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("missing required column"), "{stderr}");
}

#[test]
fn duplicate_admission_ids_are_found_without_the_placements() {
    // Without the placements, los keeps no admission id while the ids increase; a duplicate
    // breaks that order, and the admissions are read again to name it.
    let w = hand_built();
    let duplicate = "A3,PT9,AAA,adult_acute,2024-03-01,2024-03-02,RAA01\n";
    w.write(
        "data/admissions.csv",
        &format!("{}{duplicate}", super::fixtures::ADMISSIONS),
    );
    let args = hand_built_args("los", &[]);
    let (code, _, stderr) = w.run(&args);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("data/admissions.csv:10: admission_id A3 is a duplicate of line 4"),
        "{stderr}"
    );
    // Set aside, the figures are those of the extract without it.
    let (code, stdout, stderr) = w.run(&hand_built_args("los", &["--skip-invalid", "rejects.csv"]));
    assert_eq!(code, 0, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["rows"], los(&[])["rows"]);
    assert!(w.read("rejects.csv").contains("duplicate_id"));

    // Each file in order by itself, the second repeating an id of the first.
    w.write("data/admissions.csv", super::fixtures::ADMISSIONS).write(
        "data/admissions_z.csv",
        &format!(
            "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code\n{duplicate}"
        ),
    );
    let (code, _, stderr) = w.run(&args);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "data/admissions_z.csv:2: admission_id A3 is a duplicate of data/admissions.csv:4"
        ),
        "{stderr}"
    );
}

#[test]
fn default_periods_that_cannot_be_reported_are_named_as_defaults() {
    // One admission on 5 January 2024 and no --extract-date: the latest date is the extract
    // date, so the last complete month (December 2023) ends before the first (January 2024).
    let w = hand_built();
    w.write(
        "data/admissions.csv",
        "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code\nA1,PT1,AAA,adult_acute,2024-01-05,,RAA01\n",
    );
    let (code, _, stderr) = w.run(&["los", "--data", "data"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "the last complete month (2023-12-31, the extract date being 2024-01-05) is before the month the extract starts (2024-01-01, from its earliest admission, no spell having ended)"
        ),
        "{stderr}"
    );
}

#[test]
fn rolling_windows_count_a_discharge_in_every_window_holding_it() {
    // Discharges (nights): A6 15 Jan (10), A3 10 Feb (0), A8 12 Feb (7), A2 29 Feb (28),
    // A7 2 Mar (2), A1 5 Mar (45), A5 10 Apr (16).
    let doc = los(&["--period", "rolling3"]);
    // January to March: 0, 2, 7, 10, 28, 45.
    let q1 = row(&doc, "2024-01/2024-03", None);
    assert_eq!(q1["discharges"], 6);
    assert!(close(&q1["los_mean"], 92.0 / 6.0), "{q1}");
    assert!(close(&q1["los_median"], (7.0 + 10.0) / 2.0), "{q1}");
    // Rank 0.9 × 5 = 4.5: 28 + 0.5 × (45 − 28).
    assert!(close(&q1["los_p90"], 36.5), "{q1}");
    // February to April: 0, 2, 7, 16, 28, 45 (A6 has left the window, A5 come in).
    let q2 = row(&doc, "2024-02/2024-04", None);
    assert_eq!(q2["discharges"], 6);
    assert!(close(&q2["los_mean"], 98.0 / 6.0), "{q2}");
    assert!(close(&q2["los_median"], (7.0 + 16.0) / 2.0), "{q2}");
    assert!(close(&q2["los_p90"], 36.5), "{q2}");
}
