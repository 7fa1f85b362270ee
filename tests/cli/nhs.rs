//! `oapstat nhs`: NHS England's OAP measures, every one worked out by hand.
//!
//! A fixture of its own (the rates fixture starts in January 2024, too late for a 12-month
//! period). Collaborative CCC (population 250,000) and DDD (population 100,000, no activity),
//! extract date 2024-04-30; the earliest discharge (S1, April 2023) puts the extract's start at
//! 2023-04-01, so the Y period of March 2024 (2023-04-01 to 2024-03-31) is covered.
//!
//! | spell | service line      | provider | admitted   | discharged | placement                       |
//! |-------|-------------------|----------|------------|------------|---------------------------------|
//! | S1    | adult_acute       | RC1      | 2023-04-01 | 2023-04-10 | in area                         |
//! | S2    | adult_acute       | RC1      | 2024-02-20 | 2024-03-10 | OAP reason 10, Feb into March   |
//! | S3    | older_adult_acute | RC2      | 2024-03-05 | (open)     | OAP reason 10, ongoing          |
//! | S4    | adult_secure_low  | RC1      | 2023-06-01 | (open)     | OAP reason 10, ongoing, secure  |
//! | S5    | picu              | RC2      | 2024-03-12 | 2024-03-12 | OAP reason 10, same day         |
//! | S6    | adult_acute       | RC1      | 2024-01-10 | 2024-01-20 | OAP reason 12 (appropriate)     |
//! | S7    | cyp_inpatient     | RC1      | 2023-10-01 | 2023-11-01 | in area                         |
//! | S8    | adult_acute       | RC1      | 2024-03-20 | 2024-03-25 | in area                         |
//!
//! Reporting month 2024-03: M = March 2024, Q = January to March 2024, Y = April 2023 to March
//! 2024. Inappropriate OAPs (S2, S3, S4, S5) in nights (first day counts, end day does not):
//! S2 9 in March, 19 in Q and Y; S3 27; S4 31, 91 (31 + 29 + 31) and 305 (June 2023 to March
//! 2024); S5 0. Spells' nights: S1 9 (Y), S6 10 (Q, Y), S7 31 (Y), S8 5.

use serde_json::Value;

use super::fixtures::find_row;
use super::workdir::Workdir;

const ADMISSIONS: &str = "\
admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code
S1,PT1,CCC,adult_acute,2023-04-01,2023-04-10,RC1
S2,PT2,CCC,adult_acute,2024-02-20,2024-03-10,RC1
S3,PT3,CCC,older_adult_acute,2024-03-05,,RC2
S4,PT4,CCC,adult_secure_low,2023-06-01,,RC1
S5,PT5,CCC,picu,2024-03-12,2024-03-12,RC2
S6,PT6,CCC,adult_acute,2024-01-10,2024-01-20,RC1
S7,PT7,CCC,cyp_inpatient,2023-10-01,2023-11-01,RC1
S8,PT8,CCC,adult_acute,2024-03-20,2024-03-25,RC1
";

const PLACEMENTS: &str = "\
placement_id,admission_id,start_date,end_date,provider_code,out_of_area,oap_reason,distance_km,daily_cost
P1,S1,2023-04-01,2023-04-10,RC1,N,,,
P2,S2,2024-02-20,2024-03-10,NPX1,Y,10,80,
P3,S3,2024-03-05,,NPX2,Y,10,90,
P4,S4,2023-06-01,,NPX3,Y,10,150,
P5,S5,2024-03-12,2024-03-12,NPX1,Y,10,40,
P6,S6,2024-01-10,2024-01-20,NPX1,Y,12,60,
P7,S7,2023-10-01,2023-11-01,RC1,N,,,
P8,S8,2024-03-20,2024-03-25,RC1,N,,,
";

pub const COLLABORATIVES: &str = "\
collaborative,name,lead_provider,population
CCC,Gamma Provider Collaborative,RC1,250000
DDD,Delta Provider Collaborative,RD1,100000
";

pub fn fixture(collaboratives: &str) -> Workdir {
    let w = Workdir::new();
    std::fs::create_dir(w.path("data")).unwrap();
    w.write("data/admissions.csv", ADMISSIONS)
        .write("data/placements.csv", PLACEMENTS)
        .write("data/collaboratives.csv", collaboratives);
    w
}

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["nhs", "--data", "data", "--extract-date", "2024-04-30"];
    args.extend(extra);
    args
}

fn nhs_json(extra: &[&str]) -> Value {
    let mut a = args(extra);
    a.extend(["--format", "json"]);
    fixture(COLLABORATIVES).json(&a)
}

/// The value of a measure at a level and period, or None when empty.
fn value(doc: &Value, level: (&str, &str, &str), id: &str, period: &str) -> Option<f64> {
    let (breakdown, primary, secondary) = level;
    find_row(
        doc,
        &[
            ("breakdown", breakdown),
            ("primary_level", primary),
            ("secondary_level", secondary),
            ("measure_id", id),
            ("period", period),
        ],
    )["measure_value"]
        .as_f64()
}

fn assert_measures(doc: &Value, level: (&str, &str, &str), expected: &[(&str, [f64; 3])]) {
    for (id, values) in expected {
        for (period, want) in ["M", "Q", "Y"].into_iter().zip(values) {
            let got = value(doc, level, id, period)
                .unwrap_or_else(|| panic!("{level:?} {id} {period}: empty"));
            assert!(
                (got - want).abs() < 1e-9,
                "{level:?} {id} {period}: {got}, expected {want}"
            );
        }
    }
}

const CCC: (&str, &str, &str) = ("Collaborative", "CCC", "NONE");

#[test]
fn every_measure_of_a_collaborative_at_m_q_and_y() {
    let doc = nhs_json(&["--month", "2024-03"]);
    // Started: S3, S5 in March; S2 in February (Q); S4 in June 2023 (Y).
    // Spells admitted: M S3 S5 S8 = 3; Q + S2 S6 = 5; Y + S1 S4 S7 = 8.
    // Bed days of spells: M 9 + 27 + 31 + 0 + 5 = 72; Q 19 + 27 + 91 + 0 + 10 + 5 = 152;
    // Y 9 + 19 + 27 + 305 + 0 + 10 + 31 + 5 = 406. Open on 31 March: S3, S4.
    // Discharged: M S2 S5 S8 = 3; Q + S6 = 4; Y + S1 S7 = 6.
    assert_measures(
        &doc,
        CCC,
        &[
            ("OAP01", [2.0, 3.0, 4.0]),
            ("OAP02", [67.0, 137.0, 351.0]),
            ("OAP03", [2.0, 2.0, 2.0]),
            ("OAP04", [2.0, 2.0, 2.0]),
            // Per 1,000,000 of 250,000 people: × 4.
            ("OAP05", [8.0, 12.0, 16.0]),
            ("OAP06", [8.0, 8.0, 8.0]),
            ("OAP07", [8.0, 8.0, 8.0]),
            ("OAP08", [200.0 / 3.0, 60.0, 50.0]),
            ("OAP09", [6700.0 / 72.0, 13700.0 / 152.0, 35100.0 / 406.0]),
            ("OAP10", [100.0, 100.0, 100.0]),
            ("OAP11", [200.0 / 3.0, 50.0, 100.0 / 3.0]),
        ],
    );
    // Adult acute: S2, S3, S5 of the OAPs (S4 is secure); spells S1 S2 S3 S5 S6 S8.
    // Admitted: M 3, Q 5, Y 6. Bed days: M 9 + 27 + 0 + 5 = 41; Q 19 + 27 + 10 + 5 = 61;
    // Y 9 + 61 = 70. Open at the end: S3. Discharged: M 3, Q 4, Y 5.
    assert_measures(
        &doc,
        CCC,
        &[
            ("OAP01a", [2.0, 3.0, 3.0]),
            ("OAP02a", [36.0, 46.0, 46.0]),
            ("OAP03a", [1.0, 1.0, 1.0]),
            ("OAP04a", [2.0, 2.0, 2.0]),
            ("OAP05a", [8.0, 12.0, 12.0]),
            ("OAP06a", [4.0, 4.0, 4.0]),
            ("OAP07a", [8.0, 8.0, 8.0]),
            ("OAP08a", [200.0 / 3.0, 60.0, 50.0]),
            ("OAP09a", [3600.0 / 41.0, 4600.0 / 61.0, 4600.0 / 70.0]),
            ("OAP10a", [100.0, 100.0, 100.0]),
            ("OAP11a", [200.0 / 3.0, 50.0, 40.0]),
        ],
    );
    // The numbers a rate is made of travel with it.
    let oap09 = find_row(
        &doc,
        &[
            ("primary_level", "CCC"),
            ("breakdown", "Collaborative"),
            ("measure_id", "OAP09"),
            ("period", "Q"),
        ],
    );
    assert_eq!(oap09["numerator"], 137);
    assert_eq!(oap09["denominator"], 152);
    assert_eq!(oap09["reporting_period_start"], "2024-01-01");
    assert_eq!(oap09["reporting_period_end"], "2024-03-31");
    assert_eq!(
        oap09["measure_name"],
        "Proportion of Inappropriate OAPs bed days in the period"
    );
    assert_eq!(
        oap09["primary_level_description"],
        "Gamma Provider Collaborative"
    );
}

#[test]
fn all_collaboratives_empty_groups_service_lines_and_sending_providers() {
    let doc = nhs_json(&["--month", "2024-03"]);
    // DDD has no activity: zeros, and proportions with no spell are empty, never 0.
    let ddd = ("Collaborative", "DDD", "NONE");
    assert_measures(&doc, ddd, &[("OAP01", [0.0; 3]), ("OAP05", [0.0; 3])]);
    assert_eq!(value(&doc, ddd, "OAP08", "M"), None);
    // All collaboratives: CCC's counts over 350,000 people.
    let all = ("All collaboratives", "ALL", "NONE");
    assert_measures(
        &doc,
        all,
        &[
            ("OAP02", [67.0, 137.0, 351.0]),
            ("OAP05", [2e6 / 350_000.0, 3e6 / 350_000.0, 4e6 / 350_000.0]),
        ],
    );
    // Service lines: the secure OAP counts under its own line and not in the `a` measures.
    let secure = ("Collaborative; Service line", "CCC", "adult_secure_low");
    assert_measures(
        &doc,
        secure,
        &[("OAP02", [31.0, 91.0, 305.0]), ("OAP09", [100.0; 3])],
    );
    let rows = doc["rows"].as_array().unwrap();
    let ids_of = |secondary: &str| -> Vec<String> {
        let mut ids: Vec<String> = rows
            .iter()
            .filter(|r| r["secondary_level"] == secondary && r["period"] == "M")
            .map(|r| r["measure_id"].as_str().unwrap().to_string())
            .collect();
        ids.dedup();
        ids
    };
    // No population for a service line or a provider: no rates; no `a` measures for a line
    // outside the adult acute group; a provider has the counts only.
    assert_eq!(
        ids_of("adult_secure_low"),
        ["OAP01", "OAP02", "OAP03", "OAP04", "OAP08", "OAP09", "OAP10", "OAP11"]
    );
    assert_eq!(ids_of("picu").len(), 16);
    assert_eq!(
        ids_of("RC2"),
        ["OAP01", "OAP02", "OAP03", "OAP04", "OAP01a", "OAP02a", "OAP03a", "OAP04a"]
    );
    // The same-day picu OAP started and ended in March with no night.
    let picu = ("Collaborative; Service line", "CCC", "picu");
    assert_measures(
        &doc,
        picu,
        &[
            ("OAP01a", [1.0; 3]),
            ("OAP02a", [0.0; 3]),
            ("OAP04a", [1.0; 3]),
        ],
    );
    // Its line had no bed day at all: the proportion of bed days has no value.
    assert_eq!(value(&doc, picu, "OAP09a", "M"), None);
    // Zero denominator: no cyp_inpatient spell was admitted in March.
    let cyp = ("Collaborative; Service line", "CCC", "cyp_inpatient");
    assert_eq!(value(&doc, cyp, "OAP08", "M"), None);
    assert_eq!(value(&doc, cyp, "OAP09", "Y"), Some(0.0));
    // Sending providers (the admitting provider): RC1 sent S2 and S4, RC2 sent S3 and S5.
    let rc1 = ("Collaborative; Sending Provider", "CCC", "RC1");
    let rc2 = ("Collaborative; Sending Provider", "CCC", "RC2");
    assert_measures(
        &doc,
        rc1,
        &[("OAP01", [0.0, 1.0, 2.0]), ("OAP02a", [9.0, 19.0, 19.0])],
    );
    assert_measures(&doc, rc2, &[("OAP01", [2.0; 3]), ("OAP03a", [1.0; 3])]);
    assert_eq!(
        doc["parameters"]["adult_acute_service_lines"],
        serde_json::json!(["adult_acute", "older_adult_acute", "picu"])
    );
}

#[test]
fn the_published_layout_sorted_and_byte_stable() {
    // Dates DD/MM/YYYY, as NHS England's downloaded files write them.
    let w = fixture(COLLABORATIVES);
    let mut a = args(&["--month", "2024-03", "--format", "nhs-csv"]);
    a.extend(["--status", "Provisional"]);
    let (code, first, stderr) = w.run(&a);
    assert_eq!(code, 0, "{stderr}");
    let (_, second, _) = w.run(&a);
    assert_eq!(first, second);
    let mut lines = first.lines();
    assert_eq!(
        lines.next().unwrap(),
        "REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,PRIMARY_LEVEL,PRIMARY_LEVEL_DESCRIPTION,SECONDARY_LEVEL,SECONDARY_LEVEL_DESCRIPTION,MEASURE_ID,MEASURE_NAME,MEASURE_VALUE"
    );
    let body: Vec<&str> = lines.collect();
    assert_eq!(
        body[..3],
        [
            "01/03/2024,31/03/2024,Provisional,All collaboratives,ALL,All collaboratives,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,2",
            "01/01/2024,31/03/2024,Provisional,All collaboratives,ALL,All collaboratives,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,3",
            "01/04/2023,31/03/2024,Provisional,All collaboratives,ALL,All collaboratives,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,4",
        ]
    );
    // 22 measures × 3 periods for each of ALL, CCC, DDD; 8 × 3 for each line outside the adult
    // acute group (secure, cyp) and 16 × 3 for each inside (adult_acute, older, picu); 8 × 3 for
    // each sending provider (RC1, RC2).
    assert_eq!(body.len(), 3 * (22 * 3 + 8 * 2 + 16 * 3 + 8 * 2));
}

#[test]
fn suppressed_as_published_and_raw_without_zeros() {
    let w = fixture(COLLABORATIVES);
    let csv = |extra: &[&str]| -> Vec<String> {
        let mut a = args(&["--month", "2024-03", "--format", "nhs-csv"]);
        a.extend(extra);
        let (code, out, err) = w.run(&a);
        assert_eq!(code, 0, "{err}");
        out.lines().skip(1).map(str::to_string).collect()
    };
    let suppressed = csv(&["--suppress"]);
    let find = |lines: &[String], level: &str, start: &str, id: &str| -> String {
        lines
            .iter()
            .find(|l| {
                l.starts_with(start)
                    && l.contains(&format!(",{level},"))
                    && l.contains(&format!(",{id},"))
            })
            .unwrap_or_else(|| panic!("no {level} {start} {id}"))
            .rsplit(',')
            .next()
            .unwrap()
            .to_string()
    };
    // OAP02 M of CCC 67 → 65; Q 137 → 135; Y 351 → 350. OAP01 M 2 → *, and the rate from it.
    let m = "01/03/2024,31/03/2024";
    let q = "01/01/2024,31/03/2024";
    let y = "01/04/2023,31/03/2024";
    let ccc = "Collaborative,CCC,Gamma Provider Collaborative,NONE";
    assert_eq!(find(&suppressed, ccc, m, "OAP02"), "65");
    assert_eq!(find(&suppressed, ccc, q, "OAP02"), "135");
    assert_eq!(find(&suppressed, ccc, y, "OAP02"), "350");
    assert_eq!(find(&suppressed, ccc, m, "OAP01"), "*");
    assert_eq!(find(&suppressed, ccc, m, "OAP05"), "*");
    // OAP09 Y: numerator 351 is shown, so the proportion is rounded to a whole number (86.45).
    assert_eq!(find(&suppressed, ccc, y, "OAP09"), "86");
    assert_eq!(find(&suppressed, ccc, q, "OAP09"), "90");
    // Zero is suppressed too.
    let ddd = "Collaborative,DDD,Delta Provider Collaborative,NONE";
    assert_eq!(find(&suppressed, ddd, m, "OAP01"), "*");
    assert!(suppressed.iter().all(|l| !l.ends_with(",0")));

    let raw = csv(&["--raw"]);
    let full = csv(&[]);
    assert!(raw.iter().all(|l| !l.ends_with(",0") && !l.ends_with(',')));
    assert!(full.iter().any(|l| l.ends_with(",0")));
    assert_eq!(
        find(&raw, ccc, y, "OAP09"),
        (35100.0_f64 / 406.0).to_string()
    );
    assert!(raw.len() < full.len());
    assert!(!raw.iter().any(|l| l.contains(ddd)));
}

#[test]
fn periods_before_the_extract_and_collaboratives_without_population_are_empty() {
    // February 2024's Y period starts in March 2023, before the extract (April 2023).
    let doc = nhs_json(&["--from", "2024-02", "--to", "2024-03"]);
    assert_eq!(value(&doc, CCC, "OAP01", "Y"), None);
    let feb_y = find_row(
        &doc,
        &[
            ("month", "2024-02"),
            ("primary_level", "CCC"),
            ("breakdown", "Collaborative"),
            ("measure_id", "OAP02"),
            ("period", "Y"),
        ],
    );
    assert_eq!(feb_y["measure_value"], Value::Null);
    assert_eq!(
        doc["empty_values"]["periods_before_the_extract_starts"],
        serde_json::json!(["2024-02 Y"])
    );

    let w = fixture(
        "collaborative,name,lead_provider,population\nCCC,Gamma Provider Collaborative,RC1,\nDDD,Delta Provider Collaborative,RD1,100000\n",
    );
    let mut a = args(&["--month", "2024-03", "--format", "json"]);
    a.push("--quiet");
    let doc = w.json(&a);
    assert_eq!(value(&doc, CCC, "OAP05", "M"), None);
    assert_eq!(value(&doc, CCC, "OAP01", "M"), Some(2.0));
    assert_eq!(
        value(&doc, ("All collaboratives", "ALL", "NONE"), "OAP06", "M"),
        None
    );
    assert_eq!(
        doc["empty_values"]["collaboratives_without_population"],
        serde_json::json!(["CCC"])
    );
    let (code, _, stderr) = w.run(&args(&["--month", "2024-03", "--format", "csv"]));
    assert_eq!(code, 0);
    assert!(
        stderr.contains("warning: no population in the collaboratives reference for CCC"),
        "{stderr}"
    );
}

#[test]
fn months_outside_the_extract_are_refused() {
    let w = fixture(COLLABORATIVES);
    let (code, _, stderr) = w.run(&args(&["--month", "2024-05"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("2024-05 is not complete on the extract date 2024-04-30: the last complete month is 2024-04"),
        "{stderr}"
    );
    let (code, _, stderr) = w.run(&args(&["--month", "2023-03"]));
    assert_eq!(code, 2);
    assert!(
        stderr
            .contains("2023-03 is before the extract starts (2023-04-10, its earliest discharge)"),
        "{stderr}"
    );
    let (code, _, stderr) = w.run(&args(&["--month", "March"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--month \"March\" is not a month (expected YYYY-MM; latest"));
    // Only `nhs` offers NHS England's layout (issue 31, item 10).
    let (code, _, stderr) = w.run(&["rates", "--data", "data", "--format", "nhs-csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid value 'nhs-csv' for '--format <FORMAT>'")
            && stderr.contains("[possible values: table, json, ndjson, csv, xlsx, parquet]"),
        "{stderr}"
    );
    // The default month is the last complete one of the extract.
    let mut a = args(&["--format", "json"]);
    a.push("--quiet");
    let doc = w.json(&a);
    assert_eq!(doc["parameters"]["months"], serde_json::json!(["2024-04"]));
    // `latest` names it; `last` counts from today (2026-11-24 in the tests) as `summary` does,
    // and this extract ends in 2024.
    let mut a = args(&["--format", "json", "--month", "latest"]);
    a.push("--quiet");
    assert_eq!(
        w.json(&a)["parameters"]["months"],
        serde_json::json!(["2024-04"])
    );
    // The latest N months, ending with the last complete one or --to.
    let mut a = args(&["--format", "json", "--last", "3"]);
    a.push("--quiet");
    assert_eq!(
        w.json(&a)["parameters"]["months"],
        serde_json::json!(["2024-02", "2024-03", "2024-04"])
    );
    let mut a = args(&["--format", "json", "--last", "2", "--to", "2024-03"]);
    a.push("--quiet");
    assert_eq!(
        w.json(&a)["parameters"]["months"],
        serde_json::json!(["2024-02", "2024-03"])
    );
    let (code, _, stderr) = w.run(&args(&["--to", "2024-03"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--to goes with --from or --last"),
        "{stderr}"
    );
    let (code, _, stderr) = w.run(&args(&["--month", "last"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("2026-10 is not complete on the extract date 2024-04-30"),
        "{stderr}"
    );
}

#[test]
fn another_adult_acute_group_is_used_and_said() {
    let doc = nhs_json(&[
        "--month",
        "2024-03",
        "--adult-acute",
        "adult_acute,adult_secure_low",
    ]);
    // Now S2 and S4 are the adult acute OAPs: 9 + 31 March nights.
    assert_measures(&doc, CCC, &[("OAP02a", [40.0, 110.0, 324.0])]);
    assert_eq!(
        doc["parameters"]["adult_acute_service_lines"],
        serde_json::json!(["adult_acute", "adult_secure_low"])
    );
}

#[test]
fn oapstats_published_layout_stacks_with_nhs_englands_file() {
    let w = fixture(COLLABORATIVES);
    let (code, ours, err) = w.run(&args(&["--month", "2024-03", "--format", "nhs-csv"]));
    assert_eq!(code, 0, "{err}");
    // NHS England's file as downloaded (BOM, CRLF, DD/MM/YYYY), oapstat's rows appended to it.
    let theirs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/mhsds/MHSDS Data_OAPs_OctPrf_2026.csv"
    ))
    .unwrap();
    let their_header = theirs
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap();
    let (our_header, our_rows) = ours.split_once('\n').unwrap();
    assert_eq!(their_header, our_header);
    assert!(theirs
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("01/10/2026,31/10/2026,"));
    assert!(our_rows.starts_with("01/03/2024,31/03/2024,"));
    w.write("stacked.csv", &format!("{theirs}{our_rows}"));
    let doc = w.json(&["published", "stacked.csv", "--format", "json", "-q"]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 16 + ours.lines().count() - 1);
    // oapstat's OAP01 of CCC for the 12 months to March 2024, read back as published.
    let y = rows
        .iter()
        .find(|r| {
            r["level_code"] == "CCC"
                && r["measure_id"] == "OAP01"
                && r["period"] == "Y"
                && r["breakdown"] == "Collaborative"
        })
        .unwrap();
    assert_eq!(y["period_start"], "2023-04-01");
    assert_eq!(y["period_end"], "2024-03-31");
    assert_eq!(y["value"], 4.0);
}

#[test]
fn a_selection_names_the_level_over_its_collaboratives_in_every_format() {
    let w = fixture(COLLABORATIVES);
    // One collaborative: no level over it (it would repeat its own rows as "All collaboratives").
    for format in ["csv", "nhs-csv", "table", "ndjson"] {
        let (code, out, err) = w.run(&args(&[
            "--month",
            "2024-03",
            "--collaborative",
            "CCC",
            "--format",
            format,
        ]));
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("All collaboratives"), "{format}: {out}");
        assert!(!out.contains("ALL"), "{format}: {out}");
        assert!(!out.contains("Selected collaboratives"), "{format}: {out}");
        assert!(out.contains("CCC"), "{format}");
    }
    let one = w.json(&args(&[
        "--month",
        "2024-03",
        "--collaborative",
        "CCC",
        "--format",
        "json",
        "-q",
    ]));
    assert_eq!(one["rows"][0]["breakdown"], "Collaborative");
    assert_eq!(one["rows"][0]["primary_level"], "CCC");
    // Two: the level over them is named for them, with their counts and population together.
    let two = w.json(&args(&[
        "--month",
        "2024-03",
        "--collaborative",
        "DDD",
        "--collaborative",
        "CCC",
        "--format",
        "json",
        "-q",
    ]));
    let selected = ("Selected collaboratives", "CCC+DDD", "NONE");
    assert_measures(
        &two,
        selected,
        &[
            ("OAP01", [2.0, 3.0, 4.0]),
            ("OAP05", [2e6 / 350_000.0, 3e6 / 350_000.0, 4e6 / 350_000.0]),
        ],
    );
    assert_eq!(
        two["rows"][0]["primary_level_description"],
        "Selected collaboratives: CCC, DDD"
    );
    assert!(two["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["breakdown"] != "All collaboratives"));
    let (code, out, err) = w.run(&args(&[
        "--month",
        "2024-03",
        "--collaborative",
        "CCC",
        "--collaborative",
        "DDD",
        "--format",
        "nhs-csv",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().nth(1).unwrap(),
        "01/03/2024,31/03/2024,Local,Selected collaboratives,CCC+DDD,\"Selected collaboratives: CCC, DDD\",NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,2"
    );
    // Without a selection, all collaboratives, as before.
    let all = nhs_json(&["--month", "2024-03"]);
    assert_eq!(all["rows"][0]["breakdown"], "All collaboratives");
    assert_eq!(all["rows"][0]["primary_level"], "ALL");
}

/// The cells of the table's rows for a level and measure, `│`-separated and trimmed.
fn table_rows<'a>(table: &'a str, level: &str, measure: &str) -> Vec<Vec<&'a str>> {
    table
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            l.trim_matches(|c| c == '│' || c == ' ')
                .split('┆')
                .map(str::trim)
                .collect::<Vec<_>>()
        })
        .filter(|c| c.len() == 7 && c[2] == "Collaborative" && c[3] == level && c[5] == measure)
        .collect()
}

#[test]
fn the_table_names_each_measure_and_shows_percentages_with_their_sign() {
    let w = fixture(COLLABORATIVES);
    let (code, table, err) = w.run(&args(&["--month", "2024-03", "-q"]));
    assert_eq!(code, 0, "{err}");
    // OAP08 of CCC: 2 of 3 spells admitted in March, 3 of 5 in Q, 4 of 8 in Y.
    let oap08: Vec<&str> = table_rows(&table, "CCC", "OAP08 started %")
        .iter()
        .map(|c| c[6])
        .collect();
    assert_eq!(oap08, ["66.7%", "60%", "50%"], "{table}");
    // A count and a rate keep their numbers, named.
    let oap01: Vec<&str> = table_rows(&table, "CCC", "OAP01 started")
        .iter()
        .map(|c| c[6])
        .collect();
    assert_eq!(oap01, ["2", "3", "4"]);
    let oap06a: Vec<&str> = table_rows(&table, "CCC", "OAP06a active per 1M")
        .iter()
        .map(|c| c[6])
        .collect();
    assert_eq!(oap06a, ["4", "4", "4"]);
    // A proportion with no denominator is empty, not "–%"; DDD admitted nobody.
    let ddd: Vec<&str> = table_rows(&table, "DDD", "OAP08 started %")
        .iter()
        .map(|c| c[6])
        .collect();
    assert_eq!(ddd, ["–", "–", "–"]);
    // Suppressed, a hidden proportion is `*`, a shown one rounded, with its sign.
    let (_, suppressed, _) = w.run(&args(&["--month", "2024-03", "-q", "--suppress"]));
    let oap09: Vec<&str> = table_rows(&suppressed, "CCC", "OAP09 bed days %")
        .iter()
        .map(|c| c[6])
        .collect();
    assert_eq!(oap09, ["93%", "90%", "86%"], "{suppressed}");
    assert_eq!(table_rows(&suppressed, "CCC", "OAP08 started %")[0][6], "*");
    // Machine formats keep the bare id and number.
    let doc = nhs_json(&["--month", "2024-03"]);
    let row = find_row(
        &doc,
        &[
            ("breakdown", "Collaborative"),
            ("primary_level", "CCC"),
            ("measure_id", "OAP08"),
            ("period", "Q"),
        ],
    );
    assert_eq!(row["measure_value"], 60.0);
}

/// The fixture's spells with the columns of who the patient is (the first `columns` of `age,
/// gender, ethnic_category, imd_decile`), and the populations of CCC by gender:
///
/// | spell | age | gender      | ethnic category  | IMD decile |
/// |-------|-----|-------------|------------------|------------|
/// | S1    | 30  | 1 Male      | A British        | 1          |
/// | S2    | 17  | 2 Female    | M Caribbean      | 2          |
/// | S3    | 70  | 2 Female    | Z Not Stated     | 10         |
/// | S4    | 40  | 1 Male      | 99 Not Known     | 5          |
/// | S5    | 25  | X (UNKNOWN) | W1 (UNKNOWN)     | (empty)    |
/// | S6    | 50  | 2 Female    | A British        | 3          |
/// | S7    | 19  | 1 Male      | B Irish          | 4          |
/// | S8    | 66  | 2 Female    | H Indian         | 6          |
fn fixture_with_people(columns: usize) -> Workdir {
    const PEOPLE: [[&str; 4]; 8] = [
        ["30", "1", "A", "1"],
        ["17", "2", "M", "2"],
        ["70", "2", "Z", "10"],
        ["40", "1", "99", "5"],
        ["25", "X", "W1", ""],
        ["50", "2", "A", "3"],
        ["19", "1", "B", "4"],
        ["66", "2", "H", "6"],
    ];
    let names = ["age", "gender", "ethnic_category", "imd_decile"];
    let mut lines = ADMISSIONS.lines();
    let mut admissions = format!("{},{}\n", lines.next().unwrap(), names[..columns].join(","));
    for (line, person) in lines.zip(PEOPLE) {
        admissions.push_str(&format!("{line},{}\n", person[..columns].join(",")));
    }
    let w = fixture(COLLABORATIVES);
    w.write("data/admissions.csv", &admissions).write(
        "data/populations.csv",
        "collaborative,dimension,group,age_band,population\n\
         CCC,gender,Male,all,120000\n\
         CCC,gender,Female,all,130000\n",
    );
    w
}

/// The rows of a breakdown by group of people.
fn group_rows(doc: &Value, breakdown: &str) -> Vec<Value> {
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["breakdown"] == breakdown)
        .cloned()
        .collect()
}

#[test]
fn each_collaborative_by_gender_worked_by_hand() {
    let w = fixture_with_people(4);
    let a = args(&["--month", "2024-03", "--format", "json"]);
    let doc = w.json(&a);
    // A gender's secondary level is its code, as NHS England's files give it (Der_Gender: 1
    // Male, 2 Female, 3 Non-binary, 9 Indeterminate), its name beside it.
    fn gender(group: &str) -> (&str, &str, &str) {
        ("Collaborative; Gender", "CCC", group)
    }
    // Inappropriate OAPs started: S2 (Female, 20 February: Q, Y), S3 (Female, 5 March: M, Q, Y),
    // S4 (Male, June 2023: Y), S5 (UNKNOWN, 12 March: M, Q, Y).
    // Spells admitted: Female S2, S3, S6, S8 (March: S3, S8; Q and Y: all four); Male S1, S4,
    // S7 (all in Y, none in Q). Populations: Male 120,000, Female 130,000.
    assert_measures(
        &doc,
        gender("2"),
        &[
            ("OAP01", [1.0, 2.0, 2.0]),
            ("OAP08", [50.0, 50.0, 50.0]),
            ("OAP05", [1e6 / 130_000.0, 2e6 / 130_000.0, 2e6 / 130_000.0]),
        ],
    );
    assert_measures(&doc, gender("1"), &[("OAP01", [0.0, 0.0, 1.0])]);
    assert_eq!(
        value(&doc, gender("1"), "OAP08", "M"),
        None,
        "no admissions"
    );
    assert_eq!(value(&doc, gender("1"), "OAP08", "Q"), None);
    let y = value(&doc, gender("1"), "OAP08", "Y").unwrap();
    assert!((y - 100.0 / 3.0).abs() < 1e-9, "{y}");
    assert_measures(&doc, gender("UNKNOWN"), &[("OAP01", [1.0, 1.0, 1.0])]);
    assert_measures(&doc, gender("3"), &[("OAP01", [0.0, 0.0, 0.0])]);
    // No population for UNKNOWN (none can be given) nor for a group the file leaves out.
    assert_eq!(value(&doc, gender("UNKNOWN"), "OAP05", "Y"), None);
    assert_eq!(value(&doc, gender("9"), "OAP05", "Y"), None);
    // Bed days of the adult acute twin: S3 (older adult acute, Female) 27 nights in March.
    assert_measures(&doc, gender("2"), &[("OAP02a", [27.0 + 9.0, 46.0, 46.0])]);

    // Every group of every collaborative (DDD has no activity), in NHS England's order, with all
    // 22 measures at M, Q and Y; labels as DOMAIN.md section 12.
    let rows = group_rows(&doc, "Collaborative; Gender");
    assert_eq!(rows.len(), 2 * 6 * 22 * 3);
    let mut groups: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["primary_level"] == "DDD")
        .map(|r| {
            (
                r["secondary_level"].as_str().unwrap(),
                r["secondary_level_description"].as_str().unwrap(),
            )
        })
        .collect();
    groups.dedup();
    assert_eq!(
        groups,
        [
            ("1", "Male"),
            ("2", "Female"),
            ("3", "Non-binary"),
            ("4", "Other (not listed)"),
            ("9", "Indeterminate"),
            ("UNKNOWN", "UNKNOWN")
        ]
    );
    for (breakdown, groups) in [
        ("Collaborative; Age Band", 12),
        ("Collaborative; Ethnicity", 19),
        ("Collaborative; Upper Ethnicity", 8),
        ("Collaborative; IMD Decile", 11),
    ] {
        assert_eq!(
            group_rows(&doc, breakdown).len(),
            2 * groups * 22 * 3,
            "{breakdown}"
        );
    }
    assert_measures(
        &doc,
        ("Collaborative; Age Band", "CCC", "65 or over"),
        &[("OAP01", [1.0, 1.0, 1.0])],
    );
    assert_measures(
        &doc,
        (
            "Collaborative; Upper Ethnicity",
            "CCC",
            "Black or Black British",
        ),
        &[("OAP01", [0.0, 1.0, 1.0])],
    );
    assert_measures(
        &doc,
        ("Collaborative; IMD Decile", "CCC", "UNKNOWN"),
        &[("OAP01", [1.0, 1.0, 1.0])],
    );
    assert_eq!(
        doc["parameters"]["groups_of_people"],
        serde_json::json!([
            "age_band",
            "gender",
            "ethnicity",
            "upper_ethnicity",
            "imd_decile"
        ])
    );
    let (code, table, stderr) = w.run(&args(&["--month", "2024-03"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("Age band: age at admission (NHS England bands age at the end of the reporting period)."), "{table}");
}

#[test]
fn each_breakdowns_groups_add_up_to_their_collaborative() {
    let doc = fixture_with_people(4).json(&args(&["--month", "2024-03", "--format", "json"]));
    let rows = doc["rows"].as_array().unwrap();
    let number = |r: &Value, field: &str| r[field].as_f64().unwrap_or(0.0);
    for r in rows.iter().filter(|r| r["breakdown"] == "Collaborative") {
        let id = r["measure_id"].as_str().unwrap();
        let count = |r: &Value| match r["numerator"].as_f64() {
            Some(n) => n,
            None => number(r, "measure_value"),
        };
        for breakdown in [
            "Collaborative; Age Band",
            "Collaborative; Gender",
            "Collaborative; Ethnicity",
            "Collaborative; Upper Ethnicity",
            "Collaborative; IMD Decile",
        ] {
            let of_groups: Vec<&Value> = rows
                .iter()
                .filter(|g| {
                    g["breakdown"] == breakdown
                        && g["primary_level"] == r["primary_level"]
                        && g["measure_id"] == id
                        && g["period"] == r["period"]
                })
                .collect();
            assert!(!of_groups.is_empty());
            let sum: f64 = of_groups.iter().map(|g| count(g)).sum();
            assert_eq!(sum, count(r), "{breakdown} {id} {}", r["period"]);
            let denominators: f64 = of_groups.iter().map(|g| number(g, "denominator")).sum();
            assert_eq!(denominators, number(r, "denominator"), "{breakdown} {id}");
        }
    }
}

#[test]
fn without_the_columns_the_rows_are_as_before_and_with_some_only_theirs() {
    let a = args(&["--month", "2024-03", "--format", "csv"]);
    let (code, without, stderr) = fixture(COLLABORATIVES).run(&a);
    assert_eq!(code, 0, "{stderr}");
    let (code, with, stderr) = fixture_with_people(4).run(&a);
    assert_eq!(code, 0, "{stderr}");
    let by_group = [
        "Age Band",
        "Gender",
        "Ethnicity",
        "Upper Ethnicity",
        "IMD Decile",
    ]
    .map(|d| format!(",Collaborative; {d},"));
    let of_group = |line: &&str| by_group.iter().any(|b| line.contains(b.as_str()));
    assert!(!without.lines().any(|l| of_group(&l)));
    let others: Vec<&str> = with.lines().filter(|l| !of_group(l)).collect();
    assert_eq!(others, without.lines().collect::<Vec<_>>());
    // Age and gender only: those two breakdowns.
    let (code, two, stderr) = fixture_with_people(2).run(&a);
    assert_eq!(code, 0, "{stderr}");
    let mut seen: Vec<&str> = two
        .lines()
        .filter(|l| of_group(l))
        .map(|l| l.split(',').nth(5).unwrap())
        .collect();
    seen.dedup();
    assert_eq!(seen, ["Collaborative; Age Band", "Collaborative; Gender"]);
}
