//! Who is sent away: the admissions' optional columns of who the patient is (age, gender,
//! ethnic category, deprivation) and `oapstat equality`, on the hand-built extracts with those
//! columns added (see fixtures.rs for the spells; the people are below), every figure worked out
//! by hand.

use serde_json::Value;

use super::fixtures::{COLLABORATIVES, LOCAL_COSTS, PLACEMENTS};
use super::workdir::Workdir;

/// The hand-built spells with who each patient is. A1 and A8 are the same patient (PT1), whose
/// age at each admission differs.
///
/// | spell | age | gender | ethnic category | IMD decile |
/// |-------|-----|--------|-----------------|------------|
/// | A1    | 34  | 1      | A               | 1          |
/// | A2    | 17  | 2      | A               | 1          |
/// | A3    | 45  | 2      | N               | 2          |
/// | A4    | 70  | 1      | N               | 10         |
/// | A5    | 29  | 9      | Z               | (empty)    |
/// | A6    | 52  | 2      | A               | 10         |
/// | A7    | 16  | (empty)| (empty)         | 5          |
/// | A8    | 35  | 1      | A               | 1          |
pub const ADMISSIONS: &str = "\
admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code,age,gender,ethnic_category,imd_decile
A1,PT1,AAA,adult_acute,2024-01-20,2024-03-05,RAA01,34,1,A,1
A2,PT2,AAA,adult_acute,2024-02-01,2024-02-29,RAA01,17,2,A,1
A3,PT3,AAA,adult_acute,2024-02-10,2024-02-10,RAA01,45,2,N,2
A4,PT4,AAA,adult_acute,2024-02-15,,RAA01,70,1,N,10
A5,PT5,AAA,adult_acute,2024-03-25,2024-04-10,RAA01,29,9,Z,
A6,PT6,AAA,adult_acute,2024-01-05,2024-01-15,RAA01,52,2,A,10
A7,PT7,AAA,cyp_inpatient,2024-02-29,2024-03-02,St Andrew’s Healthcare,16,,,5
A8,PT1,AAA,adult_acute,2024-02-05,2024-02-12,RAA01,35,1,A,1
";

/// A work folder holding the hand-built extracts with people as `data/`.
pub fn with_people(admissions: &str) -> Workdir {
    let w = Workdir::new();
    std::fs::create_dir(w.path("data")).unwrap();
    w.write("data/admissions.csv", admissions)
        .write("data/placements.csv", PLACEMENTS)
        .write("data/collaboratives.csv", COLLABORATIVES)
        .write("data/local_costs.csv", LOCAL_COSTS);
    w
}

fn findings(w: &Workdir) -> Vec<Value> {
    let (_, stdout, stderr) = w.run(&["validate", "--data", "data", "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    doc["findings"].as_array().unwrap().clone()
}

#[test]
fn an_age_or_decile_out_of_range_is_invalid_named_by_file_line_and_column() {
    let admissions = ADMISSIONS
        .replace("RAA01,45,2,N,2", "RAA01,125,2,N,2")
        .replace("RAA01,70,1,N,10", "RAA01,70,1,N,11")
        .replace("RAA01,52,2,A,10", "RAA01,5x,2,A,0")
        .replace("RAA01,29,9,Z,", "RAA01,-1,9,Z,");
    let w = with_people(&admissions);
    let found: Vec<(u64, &str, &str, &str)> = findings(&w)
        .iter()
        .filter(|f| f["file"] == "data/admissions.csv")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap(),
                f["column"].as_str().unwrap(),
                f["value"].as_str().unwrap(),
            )
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(l, r, c, v)| (l, leak(r), leak(c), leak(v)))
        .collect();
    assert_eq!(
        found,
        [
            (4, "out_of_range", "age", "125"),
            (5, "out_of_range", "imd_decile", "11"),
            (6, "out_of_range", "age", "-1"),
            (7, "invalid_number", "age", "5x"),
            (7, "out_of_range", "imd_decile", "0"),
        ]
    );
    let (code, stdout, _) = w.run(&["validate", "--data", "data"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("data/admissions.csv:4: age 125 is outside 0–124 (expected whole years at admission, 0 to 124)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "data/admissions.csv:7: imd_decile 0 is outside 1–10 (expected an IMD decile, 1 to 10)"
        ),
        "{stdout}"
    );
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

#[test]
fn a_code_outside_the_lists_is_unknown_counted_and_warned_never_dropped() {
    let admissions = ADMISSIONS
        .replace("RAA01,45,2,N,2", "RAA01,45,F,N,2")
        .replace("RAA01,70,1,N,10", "RAA01,70,1,W1,10")
        .replace("RAA01,52,2,A,10", "RAA01,52,X,A,10");
    let w = with_people(&admissions);
    assert!(findings(&w).is_empty());
    let (code, stdout, _) = w.run(&["validate", "--data", "data"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("Read as UNKNOWN: gender: 2 codes outside NHS England's list, counted in the group UNKNOWN (the first: data/admissions.csv:4, \"F\")."), "{stdout}");
    assert!(stdout.contains("Read as UNKNOWN: ethnic_category: 1 codes outside NHS England's list, counted in the group UNKNOWN (the first: data/admissions.csv:5, \"W1\")."), "{stdout}");
    // Every command says so on standard error, and uses every spell.
    let (code, _, stderr) = w.run(&["rates", "--data", "data", "--extract-date", "2024-04-30"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("oapstat: warning: gender: 2 codes outside"),
        "{stderr}"
    );
    assert!(
        stderr.contains("admissions: 8 rows read, 8 used, 0 rejected"),
        "{stderr}"
    );
}

#[test]
fn extracts_without_the_columns_read_as_before_and_with_them_the_same_figures() {
    let plain = super::fixtures::hand_built();
    let args = super::fixtures::hand_built_args("rates", &[]);
    let before = plain.json(&args);
    let after = with_people(ADMISSIONS).json(&args);
    assert_eq!(before["rows"], after["rows"]);
}

#[test]
fn ethnic_category_labels_are_read_as_codes_through_the_preset() {
    let admissions = ADMISSIONS
        .replace(",A,", ",White - British,")
        .replace(",N,", ",Black or Black British - African,")
        .replace(",Z,", ",Not stated,");
    let w = with_people(&admissions);
    w.write(
        "data/mapping.toml",
        "[admissions]\nethnic_category = { preset = \"nhs-ethnic-category\" }\n",
    );
    assert!(findings(&w).is_empty());
    let (code, stdout, _) = w.run(&["validate", "--data", "data"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("Read as UNKNOWN"), "{stdout}");
    let (code, stdout, _) = w.run(&["mapping", "--preset", "nhs-ethnic-category"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("\"White - British\" = \"A\""), "{stdout}");
}
