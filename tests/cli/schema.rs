//! The documented output schema is what the binary prints.

use super::fixtures::{hand_built, hand_built_args};

/// Field names from the first column of the table under `heading` in docs/output-schema.md.
fn documented_fields(heading: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/output-schema.md"
    ))
    .unwrap();
    let section = doc.split(heading).nth(1).expect("section");
    section
        .lines()
        .skip_while(|l| !l.starts_with("| field"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.split('`')
                .nth(1)
                .expect("field name in backticks")
                .to_string()
        })
        .collect()
}

#[test]
fn rates_rows_have_exactly_the_documented_fields_in_order() {
    let w = hand_built();
    let doc = w.json(&hand_built_args("rates", &[]));
    let row = doc["rows"][0].as_object().unwrap();
    let printed: Vec<&String> = row.keys().collect();
    let documented = documented_fields("## `oapstat rates`");
    assert_eq!(printed.len(), documented.len());
    for (p, d) in printed.iter().zip(&documented) {
        assert_eq!(*p, d);
    }
    let top: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(
        top,
        [
            "schema_version",
            "oapstat_version",
            "command",
            "parameters",
            "inputs",
            "empty_values",
            "suppression",
            "rows"
        ]
    );
}

fn assert_documented(heading: &str, row: &serde_json::Value) {
    let printed: Vec<&String> = row.as_object().unwrap().keys().collect();
    let documented = documented_fields(heading);
    assert_eq!(
        printed.len(),
        documented.len(),
        "{heading}: {printed:?} vs {documented:?}"
    );
    for (p, d) in printed.iter().zip(&documented) {
        assert_eq!(*p, d, "{heading}");
    }
}

#[test]
fn los_spc_reinvest_and_capacity_rows_have_the_documented_fields() {
    let w = hand_built();
    let los = w.json(&hand_built_args("los", &[]));
    assert_documented("## `oapstat los`", &los["rows"][0]);
    let spc = w.json(&hand_built_args("spc", &[]));
    assert_documented("## `oapstat spc`", &spc["rows"][0]);
    let reinvest = w.json(&hand_built_args(
        "reinvest",
        &[
            "--baseline",
            "2024-02-01..2024-02-29",
            "--current",
            "2024-03-01..2024-03-31",
        ],
    ));
    assert_documented("## `oapstat reinvest`", &reinvest["rows"][0]);
    let capacity = w.json(&hand_built_args(
        "capacity",
        &["--baseline", "2024-02-01..2024-02-29"],
    ));
    assert_documented("## `oapstat capacity`", &capacity["rows"][0]);
    let nhs = w.json(&hand_built_args("nhs", &["--month", "2024-03"]));
    assert_documented("## `oapstat nhs`", &nhs["rows"][0]);
    let published = w.json(&[
        "published",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/nhs-oap-open-data/oaps-open-data-oct-2016.csv"
        ),
        "--format",
        "json",
    ]);
    assert_documented("## `oapstat published`", &published["rows"][0]);
    w.write(
        "MHSDS Data_OAPs_Mar_2024.csv",
        "REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,PRIMARY_LEVEL,PRIMARY_LEVEL_DESCRIPTION,SECONDARY_LEVEL,SECONDARY_LEVEL_DESCRIPTION,MEASURE_ID,MEASURE_NAME,MEASURE_VALUE\n2024-03-01,2024-03-31,Final,England,England,England,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,400\n",
    );
    let benchmark = w.json(&hand_built_args(
        "benchmark",
        &["--published", "MHSDS Data_OAPs_Mar_2024.csv"],
    ));
    assert_documented("## `oapstat benchmark`", &benchmark["rows"][0]);
}

#[test]
fn equality_rows_have_the_documented_fields() {
    let w = super::equality::with_people(super::equality::ADMISSIONS);
    let doc = w.json(&hand_built_args("equality", &["--period", "month"]));
    assert_documented("## `oapstat equality`", &doc["rows"][0]);
}
