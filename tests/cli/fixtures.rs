//! Hand-built extracts whose every figure is worked out by hand in the tests.
//!
//! Collaborative AAA (population 200,000), January to April 2024, extract date 2024-04-30:
//!
//! | spell | service line | admitted   | discharged | placements                                                   |
//! |-------|--------------|------------|------------|--------------------------------------------------------------|
//! | A1    | adult_acute  | 2024-01-20 | 2024-03-05 | P1 OAP reason 10, whole spell, 30 km, £500/day                |
//! | A2    | adult_acute  | 2024-02-01 | 2024-02-29 | P2 OAP reason 14, whole spell (first and last day of Feb), 120 km, no cost |
//! | A3    | adult_acute  | 2024-02-10 | 2024-02-10 | P3 OAP reason 99, same day, distance unknown, £800/day         |
//! | A4    | adult_acute  | 2024-02-15 | (open)     | P4 in area to 2024-02-20, then P5 OAP reason 10 ongoing, 350 km, £600/day |
//! | A5    | adult_acute  | 2024-03-25 | 2024-04-10 | P6 OAP reason 10 across the financial-year boundary, 10 km, £400/day |
//! | A6    | adult_acute  | 2024-01-05 | 2024-01-15 | P7 in area                                                    |
//! | A7    | cyp_inpatient| 2024-02-29 | 2024-03-02 | P8 OAP reason 11 from the leap day, 60 km, £1,000/day          |
//! | A8    | adult_acute  | 2024-02-05 | 2024-02-12 | P9 in area                                                    |
//!
//! Collaborative BBB (population 100,000) has no activity at all: every month is an empty group.
//!
//! A7 was admitted by an independent provider whose name is not ASCII (`St Andrew’s Healthcare`):
//! `tests/data/trust-export/` holds the same rows as a trust's system exports them, in
//! Windows-1252.

pub const ADMISSIONS: &str = "\
admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code
A1,PT1,AAA,adult_acute,2024-01-20,2024-03-05,RAA01
A2,PT2,AAA,adult_acute,2024-02-01,2024-02-29,RAA01
A3,PT3,AAA,adult_acute,2024-02-10,2024-02-10,RAA01
A4,PT4,AAA,adult_acute,2024-02-15,,RAA01
A5,PT5,AAA,adult_acute,2024-03-25,2024-04-10,RAA01
A6,PT6,AAA,adult_acute,2024-01-05,2024-01-15,RAA01
A7,PT7,AAA,cyp_inpatient,2024-02-29,2024-03-02,St Andrew’s Healthcare
A8,PT1,AAA,adult_acute,2024-02-05,2024-02-12,RAA01
";

pub const PLACEMENTS: &str = "\
placement_id,admission_id,start_date,end_date,provider_code,out_of_area,oap_reason,distance_km,daily_cost
P1,A1,2024-01-20,2024-03-05,NPX01,Y,10,30,500
P2,A2,2024-02-01,2024-02-29,NPX02,Y,14,120,
P3,A3,2024-02-10,2024-02-10,NPX01,Y,99,,800
P4,A4,2024-02-15,2024-02-20,RAA01,N,,5,
P5,A4,2024-02-20,,NPX03,Y,10,350,600
P6,A5,2024-03-25,2024-04-10,NPX01,Y,10,10,400
P7,A6,2024-01-05,2024-01-15,RAA01,N,,8,
P8,A7,2024-02-29,2024-03-02,NPX04,Y,11,60,1000
P9,A8,2024-02-05,2024-02-12,RAA01,N,,3,
";

pub const COLLABORATIVES: &str = "\
collaborative,name,lead_provider,population
AAA,Alpha Provider Collaborative,RAA,200000
BBB,Beta Provider Collaborative,RBB,100000
";

pub const LOCAL_COSTS: &str = "\
collaborative,service_line,local_daily_cost
AAA,adult_acute,450
AAA,cyp_inpatient,700
BBB,adult_acute,400
";

use super::workdir::Workdir;

/// A work folder holding the hand-built extracts as `data/`.
pub fn hand_built() -> Workdir {
    let w = Workdir::new();
    std::fs::create_dir(w.path("data")).unwrap();
    w.write("data/admissions.csv", ADMISSIONS)
        .write("data/placements.csv", PLACEMENTS)
        .write("data/collaboratives.csv", COLLABORATIVES)
        .write("data/local_costs.csv", LOCAL_COSTS);
    w
}

/// The one row of a JSON output whose fields have the given text values.
pub fn find_row<'a>(doc: &'a serde_json::Value, wanted: &[(&str, &str)]) -> &'a serde_json::Value {
    doc["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| wanted.iter().all(|(k, v)| r[*k] == *v))
        .unwrap_or_else(|| panic!("no row with {wanted:?}"))
}

/// `COMMAND --data data --extract-date 2024-04-30 --format json EXTRA...`: a command on the
/// hand-built extracts (in a [`hand_built`] folder), as JSON.
pub fn hand_built_args<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        command,
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--format",
        "json",
    ];
    args.extend(extra);
    args
}

/// [`hand_built_args`] run on the hand-built extracts, parsed.
pub fn hand_built_json(command: &str, extra: &[&str]) -> serde_json::Value {
    hand_built().json(&hand_built_args(command, extra))
}
