//! `--mhsds`: MHSDS tables in, NHS England's OAP measures out as its pipeline computes them, and
//! every other analysis on the same tables. Every figure below is worked out by hand from the
//! fixture `tests/data/mhsds-tables/` (its README.md lists the cases).
//!
//! Reporting month May 2024 (`UniqMonthID` 1490; M = May, Q = March to May; the tables start in
//! March 2024, so Y is empty). Inappropriate OAP referrals (`ReasonOAT` 10), with the case each
//! is for:
//!
//! | referral | person | received | end (after the later-referral rule) | case |
//! |---|---|---|---|---|
//! | A1 | PA | 03-10 | open | resubmitted in March, April and May; bed type 10 in March, 200 after; its ward stay open |
//! | B1 | PB | 04-05 | 05-20 (a superseded May version said 05-22) | record versions; bed type 10 still sent after April 2024 |
//! | C1 | PC | 05-02 | open | three ward stays changing bed type (202, 203, 200) |
//! | D1 | PD | 04-01 | 05-15, D2's received date (its own ServDischDate is empty) | overlapping referrals |
//! | D2 | PD | 05-15 | open | the later referral; its ward stay open from the day it starts |
//! | E1 | PE | 05-07 | 05-07 | same-day discharge |
//! | F1 | PF | 05-03 | 05-25 | no sending provider (UNKNOWN) |
//! | J1 | PJ | 05-10 | open | received on the day two ward stays meet |
//!
//! Nights of their spells in May (first day counted, discharge day not): A1 31, B1 19, C1 30,
//! D1 14, D2 17, E1 0, F1 22, J1 31, counted twice (its received date is in two ward stays of
//! different bed types, so `oaps_month` holds two distinct rows for it): OAP02 M = 195. Adult
//! acute (the ward stay with the highest UniqWardStayID: B1's is code 10 in a 2024 month, not
//! adult acute): 195 - 19 = 176. In April (E = 1489): A1 30, B1 26, D1 30 (D2 not yet there, so
//! D1 still open) = 86, acute 60; in March: A1 22 (acute). OAP02 Q = 22 + 86 + 195 = 303, acute
//! 22 + 60 + 176 = 258.
//!
//! All spells (the denominators): the OAPs' and SG (in area, RX1, admitted 04-20, open), SH (in
//! area, RX2, 05-05 to 05-12, bed type 203) and SI (reason 14, 05-08, open). Started in May: SC
//! SD2 SE SF SJ SH SI = 7 (adult acute, any ward stay: 6, not SH); in March to May + SA SB SD1
//! SG = 11 (acute 9: SB's bed is code 10 in 2024). Discharged in May: SB SD1 SE SF SH = 5 (acute
//! 3). Open at the end of May: SA SC SD2 SJ SG SI = 6 (all acute). Nights in May: 31 + 19 + 30 +
//! 14 + 17 + 0 + 22 + 31 + 31 (SG) + 7 (SH) + 24 (SI) = 226, acute 200; April 30 + 26 + 30 + 11
//! (SG) = 97, acute 71; March 22: Q 345, acute 293.

use serde_json::Value;

use super::fixtures::find_row;
use super::workdir::Workdir;

const TABLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mhsds-tables");

fn nhs(extra: &[&str]) -> Value {
    let mut args = vec![
        "nhs",
        "--mhsds",
        TABLES,
        "--month",
        "2024-05",
        "--population",
        "England=1000000",
        "--format",
        "json",
    ];
    args.extend(extra);
    Workdir::new().json(&args)
}

fn value(doc: &Value, breakdown: &str, level: &str, id: &str, period: &str) -> Option<f64> {
    find_row(
        doc,
        &[
            ("breakdown", breakdown),
            ("primary_level", level),
            ("measure_id", id),
            ("period", period),
        ],
    )["measure_value"]
        .as_f64()
}

/// Each measure's M and Q values at a level.
fn assert_level(doc: &Value, breakdown: &str, level: &str, expected: &[(&str, [f64; 2])]) {
    for (id, values) in expected {
        for (period, want) in ["M", "Q"].into_iter().zip(values) {
            let got = value(doc, breakdown, level, id, period)
                .unwrap_or_else(|| panic!("{level} {id} {period}: empty"));
            assert!(
                (got - want).abs() < 1e-9,
                "{breakdown} {level} {id} {period}: {got}, expected {want}"
            );
        }
    }
}

#[test]
fn england_every_measure_as_the_pipeline_computes_it() {
    let doc = nhs(&[]);
    assert_level(
        &doc,
        "England",
        "England",
        &[
            // Started: M C1 D2 E1 F1 J1; Q + A1 B1 D1.
            ("OAP01", [5.0, 8.0]),
            ("OAP02", [195.0, 303.0]),
            // Active at the end of May: A1 C1 D2 J1 (D1 ended by D2); Q is M.
            ("OAP03", [4.0, 4.0]),
            // Ended: B1 (05-20, its current version), D1 (05-15), E1, F1.
            ("OAP04", [4.0, 4.0]),
            // Per 1,000,000 of 1,000,000 people: the counts.
            ("OAP05", [5.0, 8.0]),
            ("OAP06", [4.0, 4.0]),
            ("OAP07", [4.0, 4.0]),
            ("OAP08", [500.0 / 7.0, 800.0 / 11.0]),
            ("OAP09", [19500.0 / 226.0, 30300.0 / 345.0]),
            ("OAP10", [400.0 / 6.0, 400.0 / 6.0]),
            ("OAP11", [80.0, 80.0]),
            // Started in an adult acute ward stay holding the received date: C1 (WC1, 202), E1,
            // F1, J1 (WJ1); not D2 (its ward stay is open: BETWEEN with an empty end never
            // holds); Q + D1 (its May row closes WD1 on 05-15); not A1 (open), B1 (code 10 in
            // 2024).
            ("OAP01a", [4.0, 5.0]),
            ("OAP02a", [176.0, 258.0]),
            ("OAP03a", [4.0, 4.0]),
            // Ended in an adult acute ward stay: D1, E1, F1; not B1 (code 10 in May 2024).
            ("OAP04a", [3.0, 3.0]),
            ("OAP08a", [400.0 / 6.0, 500.0 / 9.0]),
            ("OAP09a", [17600.0 / 200.0, 25800.0 / 293.0]),
            ("OAP10a", [400.0 / 6.0, 400.0 / 6.0]),
            ("OAP11a", [100.0, 100.0]),
        ],
    );
    // The 12 months before May 2024 are not all in the tables: Y is empty, not 0.
    assert_eq!(value(&doc, "England", "England", "OAP01", "Y"), None);
}

#[test]
fn collaboratives_and_providers() {
    let doc = nhs(&[]);
    // NCM (RX1's): OAPs A1 C1 D1 J1; spells SA SC SD1 SJ SI SG. Population 500,000.
    // Started in May: C1 J1; spells SC SJ SI = 3. Nights: 31 + 30 + 14 + 62 = 137; spells'
    // 31 + 30 + 14 + 31 + 24 + 31 = 161.
    assert_level(
        &doc,
        "Collaborative",
        "NCM",
        &[
            ("OAP01", [2.0, 4.0]),
            ("OAP02", [137.0, 22.0 + 60.0 + 137.0]),
            ("OAP03", [3.0, 3.0]),
            ("OAP04", [1.0, 1.0]),
            ("OAP05", [4.0, 8.0]),
            ("OAP08", [200.0 / 3.0, 400.0 / 6.0]),
            ("OAP09", [13700.0 / 161.0, 21900.0 / (22.0 + 71.0 + 161.0)]),
        ],
    );
    // CMP (RX2's): D2 E1 started, B1 E1 ended, D2 active; nights 19 + 17 + 0 = 36 of SB SD2 SE
    // SH's 19 + 17 + 0 + 7 = 43.
    assert_level(
        &doc,
        "Collaborative",
        "CMP",
        &[
            ("OAP01", [2.0, 3.0]),
            ("OAP02", [36.0, 26.0 + 36.0]),
            ("OAP03", [1.0, 1.0]),
            ("OAP04", [2.0, 2.0]),
            ("OAP09", [3600.0 / 43.0, 6200.0 / (26.0 + 43.0)]),
            ("OAP01a", [1.0, 1.0]),
            ("OAP02a", [17.0, 17.0]),
        ],
    );
    // F1 has no OrgIDReferringOrg: its sending provider is UNKNOWN, in no collaborative.
    assert_level(
        &doc,
        "Sending Provider",
        "UNKNOWN",
        &[
            ("OAP01", [1.0, 1.0]),
            ("OAP02", [22.0, 22.0]),
            ("OAP04", [1.0, 1.0]),
        ],
    );
    // Received by RR2: B1 D2 F1 J1.
    assert_level(
        &doc,
        "Receiving Provider",
        "RR2",
        &[
            ("OAP01", [3.0, 4.0]),
            ("OAP02", [19.0 + 17.0 + 22.0 + 62.0, 26.0 + 120.0]),
            ("OAP03", [2.0, 2.0]),
        ],
    );
    // Providers have counts only, as NHS England publishes them.
    let rows = doc["rows"].as_array().unwrap();
    assert!(!rows
        .iter()
        .any(|r| r["breakdown"] == "Sending Provider" && r["measure_id"] == "OAP08"));
}

#[test]
fn bed_days_at_q_are_the_months_summed() {
    // A1's spell, open from 10 March, as the monthly values sum it: March 22 (from 03-10),
    // April 30, May 31 = 83 of the Q's 303. Read literally, `oaps_quarter` would give it
    // `hosp_spell_bed_days_rp` from the received date, 83 nights, on each of its distinct rows:
    // 3 monthly referral rows times 3 monthly ward stay rows (their BedDaysWSEndRP differ) = 747.
    let doc = nhs(&[]);
    let q = value(&doc, "Receiving Provider", "RR1", "OAP02", "Q").unwrap();
    // RR1's OAPs: A1 83, C1 30, D1 30 (April) + 14 (May), E1 0.
    assert_eq!(q, 83.0 + 30.0 + 44.0);
}

#[test]
fn the_same_tables_as_parquet_give_the_same_figures() {
    let w = Workdir::new();
    std::fs::create_dir(w.path("t")).unwrap();
    for name in ["providers.csv", "collaboratives.csv"] {
        std::fs::copy(format!("{TABLES}/{name}"), w.path(&format!("t/{name}"))).unwrap();
    }
    for table in ["MHS101Referral", "MHS501HospProvSpell", "MHS502WardStay"] {
        let text = std::fs::read_to_string(format!("{TABLES}/{table}.csv")).unwrap();
        let mut lines = text.lines();
        // Column names in another case: any case is read.
        let header: Vec<String> = lines
            .next()
            .unwrap()
            .split(',')
            .map(|h| h.to_uppercase())
            .collect();
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let columns: Vec<polars::prelude::Column> = header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let cells: Vec<Option<&str>> = rows
                    .iter()
                    .map(|r| Some(r[i]).filter(|c| !c.is_empty()))
                    .collect();
                let column = polars::prelude::Column::new(name.as_str().into(), cells);
                if name == "UNIQMONTHID" {
                    column.cast(&polars::prelude::DataType::Int32).unwrap()
                } else if name.contains("DATE") {
                    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                    let days: Vec<Option<i32>> = rows
                        .iter()
                        .map(|r| {
                            chrono::NaiveDate::parse_from_str(r[i], "%Y-%m-%d")
                                .ok()
                                .map(|d| (d - epoch).num_days() as i32)
                        })
                        .collect();
                    polars::prelude::Column::new(name.as_str().into(), days)
                        .cast(&polars::prelude::DataType::Date)
                        .unwrap()
                } else {
                    column
                }
            })
            .collect();
        let mut frame = polars::prelude::DataFrame::new(rows.len(), columns).unwrap();
        polars_io::prelude::ParquetWriter::new(
            std::fs::File::create(w.path(&format!("t/{table}_2024.parquet"))).unwrap(),
        )
        .finish(&mut frame)
        .unwrap();
    }
    let args = |dir: &str| {
        vec![
            "nhs".to_string(),
            "--mhsds".into(),
            dir.to_string(),
            "--month".into(),
            "2024-05".into(),
            "--format".into(),
            "csv".into(),
        ]
    };
    let run = |dir: &str| {
        let a = args(dir);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, out, err) = w.run(&a);
        assert_eq!(code, 0, "{err}");
        out
    };
    assert_eq!(run("t"), run(TABLES));
}

#[test]
fn validate_names_every_problem() {
    let w = Workdir::new();
    std::fs::create_dir(w.path("m")).unwrap();
    w.write(
        "m/MHS101Referral_2024_05.csv",
        "\
uniqservreqid,person_id,uniqmonthid,referralrequestreceiveddate,servdischdate,reasonoat,orgidprov,orgidreferringorg
R1,P1,1490,2024-05-02,,10,RR1,RX1
R2,P2,1490,2024-02-30,,10,RR1,RX1
R3,P3,1490,2024-05-03,,77,RR1,RX1
R1,P1,1490,2024-05-02,2024-05-09,10,RR1,RX1
R4,P4,1490,2024-05-04,,,RR1,
",
    )
    .write(
        "m/MHS501HospProvSpell_2024_05.csv",
        "\
UniqServReqID,Person_ID,UniqMonthID,OrgIDProv,UniqHospProvSpellID,StartDateHospProvSpell,DischDateHospProvSpell
R1,P1,1490,RR1,S1,2024-05-02,2024-05-20
",
    )
    .write(
        "m/MHS502WardStay_2024_05.csv",
        "\
UniqWardStayID,Person_ID,UniqMonthID,UniqHospProvSpellID,OrgIDProv,StartDateWardStay,EndDateWardStay,MHAdmittedPatientClass
W1,P1,1490,S1,RR1,2024-05-02,2024-05-25,200
W2,P1,1490,S1,RR1,2024-05-02,2024-05-10,999
",
    );
    let (code, out, _) = w.run(&["validate", "--mhsds", "m"]);
    assert_eq!(code, 1, "{out}");
    for expected in [
        "m/MHS101Referral_2024_05.csv:3: ReferralRequestReceivedDate \"2024-02-30\" is not a date: February 2024 has 29 days",
        "m/MHS101Referral_2024_05.csv:4: ReasonOAT \"77\" is not a known code (expected one of 10, 11, 12, 13, 14, 15, 99)",
        "m/MHS101Referral_2024_05.csv:5: UniqServReqID R1 is repeated in MHS101Referral month 1490 (m/MHS101Referral_2024_05.csv:2) with other values of ServDischDate",
        "m/MHS502WardStay_2024_05.csv:2: ward stay 2024-05-02 to 2024-05-25 is outside its hospital spell S1 (2024-05-02 to 2024-05-20, m/MHS501HospProvSpell_2024_05.csv:2)",
        "m/MHS502WardStay_2024_05.csv:3: MHAdmittedPatientClass \"999\" is not a known bed type",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // Rows read, used (valid) and rejected per file; R4 has no ReasonOAT: not needed.
    assert!(
        out.contains("MHS101Referral: 1 rows without ReasonOAT"),
        "{out}"
    );
    let (code, out, _) = w.run(&["validate", "--mhsds", "m", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let tables = doc["inputs"]["mhsds"]["tables"].as_array().unwrap();
    let referrals = tables
        .iter()
        .find(|t| t["table"] == "MHS101Referral")
        .unwrap();
    assert_eq!(
        (
            &referrals["rows_read"],
            &referrals["rows_used"],
            &referrals["rows_not_needed"],
            &referrals["rows_rejected"]
        ),
        (
            &Value::from(5),
            &Value::from(1),
            &Value::from(1),
            &Value::from(3)
        )
    );
    // The other commands refuse the tables, naming the first problem.
    let (code, _, err) = w.run(&["nhs", "--mhsds", "m", "--month", "2024-05"]);
    assert_eq!(code, 1);
    assert!(err.contains("the input has 5 problems in 5 rows"), "{err}");
}

#[test]
fn a_data_folder_with_only_mhsds_tables_reads_them() {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("data/mhsds")).unwrap();
    for entry in std::fs::read_dir(TABLES).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".csv") {
            std::fs::copy(&path, w.path(&format!("data/mhsds/{name}"))).unwrap();
        }
    }
    let doc = w.json(&[
        "nhs", "--data", "data", "--month", "2024-05", "--format", "json",
    ]);
    assert_eq!(value(&doc, "England", "England", "OAP01", "M"), Some(5.0));
    // With extracts of its own beside, the folder's extracts are read (unless --mhsds).
    w.write(
        "data/admissions.csv",
        "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code\n\
         S1,PT1,NCM,adult_acute,2024-04-01,2024-04-10,RX1\n",
    )
    .write(
        "data/placements.csv",
        "placement_id,admission_id,start_date,end_date,provider_code,out_of_area,oap_reason,distance_km,daily_cost\n\
         P1,S1,2024-04-01,2024-04-10,RX1,N,,,\n",
    );
    let (code, out, _) = w.run(&["validate", "--data", "data"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("admissions.csv") && !out.contains("MHS101Referral"),
        "{out}"
    );
    let (code, out, _) = w.run(&["validate", "--data", "data", "--mhsds", "data/mhsds"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("MHS101Referral") && !out.contains("admissions.csv"),
        "{out}"
    );
}

#[test]
fn every_analysis_runs_on_the_translation() {
    let w = Workdir::new();
    // Spells at their latest submission, in a collaborative (all but SF, whose sending provider
    // is UNKNOWN): SA SB SC SD1 SD2 SE SG SH SI SJ = 10; admitted in May: SC SD2 SE SH SI SJ.
    let doc = w.json(&[
        "los", "--mhsds", TABLES, "--month", "2024-05", "--format", "json",
    ]);
    let discharges: i64 = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["discharges"].as_i64())
        .sum();
    // Discharged in May: SB SD1 SE SH (SF is in no collaborative).
    assert_eq!(discharges, 4, "{doc}");
    let (code, _, err) = w.run(&["rates", "--mhsds", TABLES, "--month", "2024-05"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 of 11 spells belong to no collaborative of providers.csv"),
        "{err}"
    );
}

#[test]
fn options_that_would_not_apply_are_refused() {
    let w = Workdir::new();
    for (option, value) in [("--adult-acute", "adult_acute"), ("--service-line", "picu")] {
        let (code, _, err) = w.run(&[
            "nhs", "--mhsds", TABLES, "--month", "2024-05", option, value,
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&format!("{option} does not apply")), "{err}");
    }
    let (code, _, err) = w.run(&["nhs", "--mhsds", TABLES, "--admissions", "a.csv"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn suppression_leaves_england_exact() {
    let w = Workdir::new();
    let (code, out, err) = w.run(&[
        "nhs",
        "--mhsds",
        TABLES,
        "--month",
        "2024-05",
        "--format",
        "nhs-csv",
        "--suppress",
    ]);
    assert_eq!(code, 0, "{err}");
    let line = |level: &str, start: &str, id: &str| -> String {
        out.lines()
            .find(|l| {
                let c: Vec<&str> = l.split(',').collect();
                c[0] == start && c[4] == level && c[8] == id
            })
            .unwrap_or_else(|| panic!("no {level} {id} in {out}"))
            .rsplit(',')
            .next()
            .unwrap()
            .to_string()
    };
    // England as computed (Q: 8, not 10); below it, under 5 is `*`.
    assert_eq!(line("England", "01/03/2024", "OAP01"), "8");
    assert_eq!(line("UNKNOWN", "01/05/2024", "OAP01"), "*");
}
