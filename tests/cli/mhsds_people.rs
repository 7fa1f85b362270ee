//! `--mhsds` with `MHS001MPI`: NHS England's breakdowns by group of people ("England; Age Band"
//! and the others, DOMAIN.md section 12) as its pipeline computes them, and who each patient is
//! for every other analysis. Every figure is worked out by hand from `tests/data/mhsds-tables/`
//! (see `mhsds.rs` for the OAPs, their nights and the spells) with the people of
//! `tests/data/mhsds-mpi/` (its README.md lists the cases). Reporting month May 2024.
//!
//! Who each OAP referral's row was (the master record of the row's own month):
//!
//! | referral | rows | age band | gender | ethnicity | IMD decile |
//! |---|---|---|---|---|---|
//! | A1 | March, April / May | 0 to 17 / 18 to 24 | 2 Female | A | 01 |
//! | B1 | April, May | 30 to 34 | 3 Non-binary | B in April; C in May (the current version; at Q also B, the superseded one) | 05 |
//! | C1 | May | UNKNOWN (no record) | UNKNOWN | UNKNOWN | UNKNOWN |
//! | D1, D2 | April, May / May | UNKNOWN (130) | 9 Indeterminate | UNKNOWN (T) | 06 |
//! | E1 | May | 40 to 44 | 2 Female | M | UNKNOWN (not in imd.csv) |
//! | F1 | May | 65 or over | UNKNOWN (X) | 99 | UNKNOWN (no LSOA) |
//! | J1 | May | 65 or over | 1 Male | H | 10 |

use serde_json::Value;

use super::fixtures::find_row;
use super::workdir::Workdir;

const TABLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mhsds-tables");
const PEOPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mhsds-mpi");

/// The hand-worked tables with their people, in `m/`.
fn tables_with_people() -> Workdir {
    let w = Workdir::new();
    std::fs::create_dir(w.path("m")).unwrap();
    for dir in [TABLES, PEOPLE] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_owned();
            std::fs::copy(&path, w.path("m").join(name)).unwrap();
        }
    }
    w
}

fn nhs(w: &Workdir) -> Value {
    w.json(&[
        "nhs", "--mhsds", "m", "--month", "2024-05", "--format", "json",
    ])
}

/// The value of a measure at a group's row: England's (the group is the primary level) or a
/// level's (the group is the secondary level).
fn value(
    doc: &Value,
    breakdown: &str,
    levels: (&str, &str),
    id: &str,
    period: &str,
) -> Option<f64> {
    find_row(
        doc,
        &[
            ("breakdown", breakdown),
            ("primary_level", levels.0),
            ("secondary_level", levels.1),
            ("measure_id", id),
            ("period", period),
        ],
    )["measure_value"]
        .as_f64()
}

fn assert_values(
    doc: &Value,
    breakdown: &str,
    levels: (&str, &str),
    expected: &[(&str, [Option<f64>; 2])],
) {
    for (id, values) in expected {
        for (period, want) in ["M", "Q"].into_iter().zip(values) {
            let got = value(doc, breakdown, levels, id, period);
            match (got, want) {
                (Some(g), Some(w)) => assert!(
                    (g - w).abs() < 1e-9,
                    "{breakdown} {levels:?} {id} {period}: {g}, expected {w}"
                ),
                _ => assert_eq!(got, *want, "{breakdown} {levels:?} {id} {period}"),
            }
        }
    }
}

fn england(group: &str) -> (&str, &str) {
    (group, "NONE")
}

#[test]
fn england_by_age_band_as_the_pipeline_joins_mhs001mpi() {
    let doc = nhs(&tables_with_people());
    let age = "England; Age Band";
    let n = |v: f64| Some(v);
    // Started in May: C1 D2 (UNKNOWN), E1 (40 to 44), F1 J1 (65 or over). At Q also A1, in both
    // its bands (its March and April rows say 17, its May row 18: NHS England counts a referral
    // in each group its rows fall in), B1 (30 to 34) and D1 (UNKNOWN): 9 over the groups where
    // England has 8.
    // Bed days in May: A1 31 (18 to 24), B1 19, C1 30 + D1 14 + D2 17 (UNKNOWN 61), E1 0, F1 22 +
    // J1 31 twice (65 or over 84); Q adds April (A1 30 and March's A1 22 at 17, B1 26, D1 30).
    // Spells started (the denominators of OAP08): May SC SD2 SI (UNKNOWN 3: PC and PI have no
    // record, PD's age is 130), SE, SF SJ (65 or over), SH (50 to 54); Q adds SA (0 to 17 and 18
    // to 24: at Q every record of the window joins a spell), SB, SD1, SG (18 to 24 and 25 to 29).
    for (group, expected) in [
        (
            "0 to 17",
            [
                ("OAP01", [n(0.0), n(1.0)]),
                ("OAP02", [n(0.0), n(52.0)]),
                ("OAP03", [n(0.0), n(0.0)]),
            ],
        ),
        (
            "18 to 24",
            [
                ("OAP01", [n(0.0), n(1.0)]),
                ("OAP02", [n(31.0), n(31.0)]),
                ("OAP03", [n(1.0), n(1.0)]),
            ],
        ),
        (
            "30 to 34",
            [
                ("OAP01", [n(0.0), n(1.0)]),
                ("OAP02", [n(19.0), n(45.0)]),
                ("OAP04", [n(1.0), n(1.0)]),
            ],
        ),
        (
            "40 to 44",
            [
                ("OAP01", [n(1.0), n(1.0)]),
                ("OAP02", [n(0.0), n(0.0)]),
                ("OAP04", [n(1.0), n(1.0)]),
            ],
        ),
        (
            "65 or over",
            [
                ("OAP01", [n(2.0), n(2.0)]),
                ("OAP02", [n(84.0), n(84.0)]),
                ("OAP03", [n(1.0), n(1.0)]),
            ],
        ),
        (
            "UNKNOWN",
            [
                ("OAP01", [n(2.0), n(3.0)]),
                ("OAP02", [n(61.0), n(91.0)]),
                ("OAP03", [n(2.0), n(2.0)]),
            ],
        ),
    ] {
        assert_values(&doc, age, england(group), &expected);
    }
    assert_values(
        &doc,
        age,
        england("18 to 24"),
        &[
            // A1 of SA and SG at Q; none started in May (SG's May record says 25).
            ("OAP08", [None, n(50.0)]),
            // Active at the end of May: A1 of SA (M); at Q SA and SG (both bands).
            ("OAP10", [n(100.0), n(50.0)]),
        ],
    );
    // SA is in "0 to 17" at Q (its March and April records), but A1's active count is May's.
    assert_values(&doc, age, england("0 to 17"), &[("OAP10", [None, n(0.0)])]);
    assert_values(&doc, age, england("25 to 29"), &[("OAP08", [None, n(0.0)])]);
    assert_values(
        &doc,
        age,
        england("UNKNOWN"),
        &[("OAP08", [n(200.0 / 3.0), n(75.0)])],
    );
    // The rate over England's "65 or over" population (populations.csv, 100,000); none for a
    // group without one.
    assert_values(
        &doc,
        age,
        england("65 or over"),
        &[("OAP05", [n(20.0), n(20.0)])],
    );
    assert_values(&doc, age, england("40 to 44"), &[("OAP05", [None, None])]);

    // Every group in NHS England's order, UNKNOWN last.
    let groups: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["breakdown"] == age && r["measure_id"] == "OAP01" && r["period"] == "M")
        .map(|r| r["primary_level"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups,
        [
            "0 to 17",
            "18 to 24",
            "25 to 29",
            "30 to 34",
            "35 to 39",
            "40 to 44",
            "45 to 49",
            "50 to 54",
            "55 to 59",
            "60 to 64",
            "65 or over",
            "UNKNOWN"
        ]
    );
}

#[test]
fn gender_ethnicity_and_deprivation_as_nhs_england_codes_them() {
    let doc = nhs(&tables_with_people());
    let n = |v: f64| Some(v);
    // Gender: GenderIDCode 1-4 first, else Gender 1, 2 or 9; the code is the level, its name
    // the description. Started at Q: A1 E1 (2), B1 (3: GenderIDCode over Gender 1), D1 D2 (9),
    // J1 (1), C1 F1 (UNKNOWN: no record, Gender X).
    let gender = "England; Gender";
    for (code, q) in [
        ("1", 1.0),
        ("2", 2.0),
        ("3", 1.0),
        ("4", 0.0),
        ("9", 2.0),
        ("UNKNOWN", 2.0),
    ] {
        assert_eq!(
            value(&doc, gender, england(code), "OAP01", "Q"),
            n(q),
            "{code}"
        );
    }
    let described = find_row(
        &doc,
        &[
            ("breakdown", gender),
            ("primary_level", "3"),
            ("measure_id", "OAP01"),
            ("period", "M"),
        ],
    );
    assert_eq!(described["primary_level_description"], "Non-binary");
    // The rate over England's Female population (400,000): E1 in May, A1 and E1 at Q.
    assert_values(&doc, gender, england("2"), &[("OAP05", [n(2.5), n(5.0)])]);
    // Ethnicity: ended in May B1 (its current May version says C, not B), D1 (T: UNKNOWN), E1
    // (M), F1 (99 Not Known). At Q, `oaps_quarter` joins every version of a month's record (its
    // MHS001MPI has no version filter), so B1 is in B too, by the May version superseded on
    // 30 May.
    let ethnicity = "England; Ethnicity";
    for (code, m, q) in [
        ("B", 0.0, 1.0),
        ("C", 1.0, 1.0),
        ("M", 1.0, 1.0),
        ("99", 1.0, 1.0),
        ("UNKNOWN", 1.0, 1.0),
    ] {
        assert_values(&doc, ethnicity, england(code), &[("OAP04", [n(m), n(q)])]);
    }
    let upper = "England; Upper Ethnicity";
    for (group, ended) in [
        ("White or White British", 1.0),
        ("Black or Black British", 1.0),
        ("Not Known", 1.0),
        ("UNKNOWN", 1.0),
    ] {
        assert_values(
            &doc,
            upper,
            england(group),
            &[("OAP04", [n(ended), n(ended)])],
        );
    }
    // IMD decile from imd.csv: started at Q A1 (1), B1 (5), D1 D2 (6), J1 (10); C1 (no
    // record), E1 (an LSOA imd.csv lacks), F1 (no LSOA): UNKNOWN.
    let imd = "England; IMD Decile";
    for (group, q) in [
        ("01 Most deprived", 1.0),
        ("05 More deprived", 1.0),
        ("06 Less deprived", 2.0),
        ("10 Least deprived", 1.0),
        ("UNKNOWN", 3.0),
    ] {
        assert_eq!(
            value(&doc, imd, england(group), "OAP01", "Q"),
            n(q),
            "{group}"
        );
    }
}

#[test]
fn collaboratives_and_providers_by_group() {
    let doc = nhs(&tables_with_people());
    let n = |v: f64| Some(v);
    // NCM (RX1's): A1 C1 D1 J1. Started at Q: A1 (Female), C1 (UNKNOWN), D1 (Indeterminate), J1
    // (Male); in May C1 J1. Male population 200,000.
    let gender = "Collaborative; Gender";
    assert_values(
        &doc,
        gender,
        ("NCM", "1"),
        &[("OAP01", [n(1.0), n(1.0)]), ("OAP05", [n(5.0), n(5.0)])],
    );
    assert_values(
        &doc,
        gender,
        ("NCM", "2"),
        &[("OAP01", [n(0.0), n(1.0)]), ("OAP05", [None, None])],
    );
    let row = find_row(
        &doc,
        &[
            ("breakdown", gender),
            ("primary_level", "NCM"),
            ("secondary_level", "1"),
            ("measure_id", "OAP01"),
            ("period", "M"),
        ],
    );
    assert_eq!(row["secondary_level_description"], "Male");
    // Providers by group: at Y only (empty here: the tables start in March), counts only.
    let rows = doc["rows"].as_array().unwrap();
    let of_providers: Vec<&Value> = rows
        .iter()
        .filter(|r| {
            r["breakdown"]
                .as_str()
                .unwrap()
                .starts_with("Sending Provider;")
                || r["breakdown"]
                    .as_str()
                    .unwrap()
                    .starts_with("Receiving Provider;")
        })
        .collect();
    assert!(!of_providers.is_empty());
    for r in of_providers {
        assert_eq!(r["period"], "Y", "{r}");
        let id = r["measure_id"].as_str().unwrap();
        assert!(
            ["OAP01", "OAP02", "OAP03", "OAP04", "OAP01a", "OAP02a", "OAP03a", "OAP04a"]
                .contains(&id),
            "{id}"
        );
        assert_eq!(r["measure_value"], Value::Null, "{r}");
    }
}

#[test]
fn the_england_figures_are_those_without_people() {
    // MHS001MPI adds rows; it changes none of the others.
    let w = tables_with_people();
    let args = [
        "nhs", "--mhsds", "m", "--month", "2024-05", "--format", "csv",
    ];
    let (code, with, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    let (code, without, _) = w.run(&[
        "nhs", "--mhsds", TABLES, "--month", "2024-05", "--format", "csv",
    ]);
    assert_eq!(code, 0);
    let others: Vec<&str> = with
        .lines()
        .filter(|l| !l.split(',').nth(5).unwrap().contains(';'))
        .collect();
    assert_eq!(others, without.lines().collect::<Vec<_>>());
    // --no-groups leaves them out.
    let (code, no_groups, _) = w.run(&[&args[..], &["--no-groups"]].concat());
    assert_eq!(code, 0);
    assert_eq!(no_groups, without);
}

#[test]
fn values_outside_the_lists_are_counted_and_named() {
    let w = tables_with_people();
    let (code, _, stderr) = w.run(&[
        "nhs", "--mhsds", "m", "--month", "2024-05", "--format", "csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "AgeRepPeriodEnd: 2 values outside NHS England's list, counted in the group UNKNOWN (the first: m/MHS001MPI.csv:8, \"130\")",
        "Gender: 1 value outside NHS England's list, counted in the group UNKNOWN (the first: m/MHS001MPI.csv:12, \"X\")",
        "NHSDEthnicity: 2 values outside NHS England's list, counted in the group UNKNOWN (the first: m/MHS001MPI.csv:8, \"T\")",
        "LSOA2011: 1 LSOA code the IMD lookup does not list, counted in the group UNKNOWN (the first: m/MHS001MPI.csv:11, \"W01000001\")",
        "MHS001MPI: 16 rows read, 14 used, 2 not needed",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
}

#[test]
fn validate_names_the_problems_of_mhs001mpi() {
    let w = tables_with_people();
    w.write(
        "m/MHS001MPI.csv",
        "\
UniqMonthID,OrgIDProv,Person_ID,PatMRecInRP,AgeRepPeriodEnd,Gender,GenderIDCode,NHSDEthnicity,LSOA2011
1490,RR1,PA,yes,18,2,,A,E01000001
1490,RR1,PC,true,forty,2,,A,E01000001
1490,RR1,PJ,true,70,1,1,H,E01000010
1490,RR2,PJ,true,71,1,1,H,E01000010
",
    );
    let (code, out, _) = w.run(&["validate", "--mhsds", "m"]);
    assert_eq!(code, 1, "{out}");
    for expected in [
        "m/MHS001MPI.csv:2: PatMRecInRP \"yes\" is not a flag (expected true or false, or 1 or 0)",
        "m/MHS001MPI.csv:3: AgeRepPeriodEnd \"forty\" is not a whole number of years",
        "m/MHS001MPI.csv:5: Person_ID PJ is repeated in MHS001MPI month 1490 (m/MHS001MPI.csv:4) with other values of AgeRepPeriodEnd",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // A corrected record whose first version was never closed: both would be current.
    w.write(
        "m/MHS001MPI.csv",
        "\
UniqMonthID,OrgIDProv,Person_ID,PatMRecInRP,AgeRepPeriodEnd,Gender,GenderIDCode,NHSDEthnicity,LSOA2011,RecordStartDate,RecordEndDate
1490,RR1,PE,true,40,2,2,M,W01000001,2024-05-01,
1490,RR1,PE,true,40,2,2,A,W01000001,2024-05-15,
1490,RR2,PB,true,30,1,3,B,E01000002,2024-05-01,2024-05-30
1490,RR2,PB,true,31,1,3,C,E01000002,2024-05-30,
",
    );
    let (code, out, _) = w.run(&["validate", "--mhsds", "m"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("m/MHS001MPI.csv:3: Person_ID PE: a master record of MHS001MPI month 1490 from 2024-05-15 begins while the one from 2024-05-01 (m/MHS001MPI.csv:2) has no RecordEndDate: both would be current"), "{out}");
    assert!(!out.contains("Person_ID PB"), "{out}");
}

#[test]
fn equality_runs_on_the_people_of_mhs001mpi() {
    let w = tables_with_people();
    let doc = w.json(&[
        "equality", "--mhsds", "m", "--period", "month", "--from", "2024-03", "--to", "2024-05",
        "--format", "json",
    ]);
    let rows = doc["rows"].as_array().unwrap();
    // Spells in a collaborative at their latest submission: SA SB SC SD1 SD2 SE SG SH SI SJ.
    // Their people as admitted (the master record of the month the spell started, else the
    // first after): SA March, 17: "0 to 17"; SG April, 24: "18 to 24"; SB April, 30; SE 40; SH
    // 50; SJ 70; SC, SI no record, SD1 and SD2 130: UNKNOWN.
    let admissions = |group: &str| -> f64 {
        rows.iter()
            .filter(|r| r["dimension"] == "age_band" && r["group"] == group)
            .map(|r| r["admissions"].as_f64().unwrap_or(0.0))
            .sum()
    };
    assert_eq!(admissions("0 to 17"), 1.0);
    assert_eq!(admissions("18 to 24"), 1.0);
    assert_eq!(admissions("UNKNOWN"), 4.0);
}

#[test]
fn mhs001mpi_as_parquet_with_codes_stored_as_decimals_reads_the_same() {
    // pandas stores a column of numeric codes with blanks as float64: 3.0 is the code 3.
    let w = tables_with_people();
    let text = std::fs::read_to_string(format!("{PEOPLE}/MHS001MPI.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let decimal = ["UniqMonthID", "AgeRepPeriodEnd", "GenderIDCode"];
    let columns: Vec<polars::prelude::Column> = header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells: Vec<Option<&str>> = rows
                .iter()
                .map(|r| Some(r[i]).filter(|c| !c.is_empty()))
                .collect();
            if decimal.contains(name) {
                let numbers: Vec<Option<f64>> = cells
                    .iter()
                    .map(|c| c.map(|c| c.parse().unwrap()))
                    .collect();
                polars::prelude::Column::new((*name).into(), numbers)
            } else {
                polars::prelude::Column::new((*name).into(), cells)
            }
        })
        .collect();
    let mut frame = polars::prelude::DataFrame::new(rows.len(), columns).unwrap();
    let args = [
        "nhs", "--mhsds", "m", "--month", "2024-05", "--format", "csv",
    ];
    let (code, from_csv, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    std::fs::remove_file(w.path("m/MHS001MPI.csv")).unwrap();
    polars_io::prelude::ParquetWriter::new(
        std::fs::File::create(w.path("m/MHS001MPI.parquet")).unwrap(),
    )
    .finish(&mut frame)
    .unwrap();
    let (code, from_parquet, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(from_parquet, from_csv);
}

#[test]
fn englands_population_from_its_age_bands_or_said_to_be_missing() {
    let w = tables_with_people();
    // The fixture's populations.csv gives two of England's groups, not all its age bands: no
    // population for England, said in a warning and in empty_values, its rates empty.
    let args = [
        "nhs", "--mhsds", "m", "--month", "2024-05", "--format", "json",
    ];
    let (code, out, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no population for England"), "{stderr}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["empty_values"]["england_without_population"], true);
    assert_eq!(
        value(&doc, "England", ("England", "NONE"), "OAP05", "M"),
        None
    );
    // Every age band given: England's population is their sum (here 11 x 100,000), and its
    // OAP05 M is its 5 OAPs started per 1,000,000 of it; --population England=N wins.
    let mut populations = String::from("collaborative,dimension,group,age_band,population\n");
    for band in [
        "0 to 17",
        "18 to 24",
        "25 to 29",
        "30 to 34",
        "35 to 39",
        "40 to 44",
        "45 to 49",
        "50 to 54",
        "55 to 59",
        "60 to 64",
        "65 or over",
    ] {
        populations.push_str(&format!("England,age_band,{band},all,100000\n"));
    }
    w.write("m/populations.csv", &populations);
    let (code, out, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("no population for England"), "{stderr}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["empty_values"]["england_without_population"], false);
    let m = value(&doc, "England", ("England", "NONE"), "OAP05", "M").unwrap();
    assert!((m - 5e6 / 1_100_000.0).abs() < 1e-9, "{m}");
    let doc = w.json(&[&args[..], &["--population", "England=1000000"]].concat());
    assert_eq!(
        value(&doc, "England", ("England", "NONE"), "OAP05", "M"),
        Some(5.0)
    );
}

#[test]
fn validate_counts_the_rows_each_table_lets_go() {
    let w = tables_with_people();
    let (code, out, _) = w.run(&["validate", "--mhsds", "m"]);
    assert_eq!(code, 0, "{out}");
    // R-less referrals G1 (2 rows), H1; PD's row that is no master record and PZ's (no other
    // record).
    assert!(out.contains("MHS101Referral: 3 rows without ReasonOAT (no out-of-area referral) not needed, so not checked."), "{out}");
    assert!(out.contains("MHS001MPI: 2 rows that are not a person's master record of the month, or of a person with no referral, spell or ward stay read, not needed, so not checked."), "{out}");
}

#[test]
fn the_packs_manifest_names_every_table_and_reference_read() {
    let w = tables_with_people();
    let (code, _, stderr) = w.run(&[
        "summary", "--mhsds", "m", "--month", "2024-05", "--out", "r",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let manifest: Value =
        serde_json::from_str(&w.read("r/2024-05/manifest.json")).expect("a manifest");
    let inputs = manifest["inputs"].as_array().unwrap();
    let entry = |extract: &str| inputs.iter().find(|i| i["extract"] == extract);
    let mpi = entry("MHS001MPI").expect("MHS001MPI among the inputs");
    assert_eq!(
        (
            &mpi["rows_read"],
            &mpi["rows_used"],
            &mpi["rows_not_needed"],
            &mpi["rows_rejected"]
        ),
        (
            &Value::from(16),
            &Value::from(14),
            &Value::from(2),
            &Value::from(0)
        )
    );
    assert_eq!(mpi["sha256"].as_str().map(str::len), Some(64));
    for extract in [
        "MHS101Referral",
        "MHS501HospProvSpell",
        "MHS502WardStay",
        "providers",
        "imd",
        "populations",
        "collaboratives",
    ] {
        assert!(entry(extract).is_some(), "{extract}: {inputs:?}");
    }
}

#[test]
fn mhs001mpi_is_read_only_by_what_needs_who_each_patient_is() {
    let w = tables_with_people();
    let reads_it = |args: &[&str]| {
        let (code, _, stderr) = w.run(args);
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("MHS101Referral: 17 rows read"), "{stderr}");
        stderr.contains("MHS001MPI: 16 rows read")
    };
    let month = ["--mhsds", "m", "--month", "2024-05", "--format", "csv"];
    assert!(reads_it(&[&["nhs"][..], &month].concat()));
    assert!(!reads_it(&[&["nhs", "--no-groups"][..], &month].concat()));
    assert!(!reads_it(&["rates", "--mhsds", "m", "--format", "csv"]));
    assert!(!reads_it(&["los", "--mhsds", "m", "--format", "csv"]));
    assert!(reads_it(&[&["equality"][..], &month].concat()));
}
