//! `oapstat published`: the real Clinical Audit Platform files of October to December 2016
//! (tests/data/nhs-oap-open-data, Open Government Licence v3.0, see its README) and a fixture in
//! the MHSDS-era layout (tests/data/mhsds).

use serde_json::Value;

use super::workdir::Workdir;

const CAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nhs-oap-open-data");
const MHSDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mhsds");

fn cap(month: &str) -> String {
    format!("{CAP}/oaps-open-data-{month}-2016.csv")
}

/// The data lines of a file and how many of its values are `*`.
fn lines_and_stars(path: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let lines = text.lines().skip(1).filter(|l| !l.is_empty()).count();
    let stars = text.lines().filter(|l| l.ends_with("\"*\"")).count();
    (lines, stars)
}

fn england(doc: &Value, month: &str, measure_id: &str) -> Value {
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["breakdown"] == "England"
                && r["measure_id"] == measure_id
                && r["period_start"] == format!("2016-{month}-01")
        })
        .unwrap_or_else(|| panic!("no England {measure_id} for {month}"))["value"]
        .clone()
}

#[test]
fn every_row_of_the_real_cap_files_in_one_table() {
    let w = Workdir::new();
    let pattern = format!("{CAP}/oaps-open-data-*-2016.csv");
    let doc = w.json(&["published", &pattern, "--format", "json", "--quiet"]);
    let rows = doc["rows"].as_array().unwrap();
    // Every row read: 8,424 + 11,050 + 11,324.
    let mut expected_rows = 0;
    let mut expected_stars = 0;
    for (month, layout) in [("oct", "Cap6"), ("nov", "Cap6"), ("dec", "Cap8")] {
        let (lines, stars) = lines_and_stars(&cap(month));
        let file = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == cap(month))
            .unwrap();
        assert_eq!(file["rows_read"], lines, "{month}");
        assert_eq!(file["layout"], layout);
        assert_eq!(file["generation"], "cap");
        expected_rows += lines;
        expected_stars += stars;
    }
    assert_eq!(rows.len(), expected_rows);
    assert_eq!(expected_rows, 8424 + 11050 + 11324);
    // `*` cells: suppressed, with no value.
    let suppressed: Vec<&Value> = rows.iter().filter(|r| r["suppressed"] == true).collect();
    assert_eq!(suppressed.len(), expected_stars);
    assert!(suppressed.iter().all(|r| r["value"].is_null()));
    // England totals as the files print them; 5.03563e+006 and 6.7639e+006 exact to the pound.
    for (month, active, days, cost, share) in [
        ("10", 203.0, 1714.0, 725_690.0, 85.2975),
        ("11", 528.0, 11720.0, 5_035_630.0, 84.1724),
        ("12", 528.0, 15867.0, 6_763_900.0, 85.2839),
    ] {
        assert_eq!(england(&doc, month, "oaps_active_end"), active);
        assert_eq!(england(&doc, month, "oap_days"), days);
        assert_eq!(england(&doc, month, "total_recorded_cost"), cost);
        // A fraction in the files (0.852839), a percentage here.
        assert_eq!(england(&doc, month, "cost_recorded_percent"), share);
    }
    // Every question of the real files is known; the distance bands of each layout have ids.
    assert!(rows.iter().all(|r| r["measure_id"] != ""));
    let ids = |month: &str| -> Vec<String> {
        let mut ids: Vec<String> = rows
            .iter()
            .filter(|r| r["period_start"] == format!("2016-{month}-01"))
            .map(|r| r["measure_id"].as_str().unwrap().to_string())
            .filter(|id| id.contains("km"))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    assert_eq!(
        ids("10"),
        [
            "distance_lower_quartile_km",
            "distance_mean_km",
            "distance_upper_quartile_km"
        ]
    );
    assert_eq!(ids("11").len(), 4);
    assert_eq!(ids("12").len(), 6);
    // `region` (once in lower case) reads as Region; December's descriptions are kept.
    assert!(rows.iter().all(|r| r["breakdown"] != "region"));
    let ccg = rows
        .iter()
        .find(|r| r["breakdown"] == "Ccg" && r["period_start"] == "2016-12-01")
        .unwrap();
    assert_ne!(ccg["level_name"], "");
}

#[test]
fn the_mhsds_layout_rounded_and_raw() {
    let w = Workdir::new();
    let rounded = format!("{MHSDS}/MHSDS Data_OAPs_OctPrf_2026.csv");
    let raw = format!("{MHSDS}/MHSDS Data_OAPs_OctPrf_2026_RAW.csv");
    let doc = w.json(&["published", &rounded, &raw, "--format", "json", "--quiet"]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 16 + 15);
    assert!(rows.iter().all(|r| r["generation"] == "mhsds"));
    let find = |file: &str, breakdown: &str, code: &str, id: &str, start: &str| -> &Value {
        rows.iter()
            .find(|r| {
                r["source_file"] == file
                    && r["breakdown"] == breakdown
                    && r["level_code"] == code
                    && r["measure_id"] == id
                    && r["period_start"] == start
            })
            .unwrap_or_else(|| panic!("no {breakdown} {code} {id} {start}"))
    };
    // M, Q and Y by their start dates, the same end.
    let y = find(&rounded, "England", "England", "OAP01", "2025-11-01");
    assert_eq!(y["value"], 5310.0);
    assert_eq!(y["period_end"], "2026-10-31");
    assert_eq!(y["secondary_code"], "");
    let bed = rows
        .iter()
        .find(|r| r["breakdown"] == "England; Bed Type" && r["secondary_code"] == "212")
        .unwrap();
    assert_eq!(bed["secondary_name"], "Adult mental health rehabilitation");
    let starred = find(&rounded, "Sending Provider", "RX4", "OAP01", "2026-10-01");
    assert_eq!(starred["suppressed"], true);
    assert_eq!(starred["value"], Value::Null);
    assert_eq!(
        find(&raw, "Sending Provider", "RX4", "OAP01", "2026-10-01")["value"],
        3.0
    );
    assert_eq!(
        find(&rounded, "England", "England", "OAP06", "2026-10-01")["measure"],
        "Rate of Inappropriate OAPs active at the end of the period per 1,000,000 of the population"
    );
    assert_eq!(doc["files"][0]["month"], "2026-10");
}

#[test]
fn bad_files_are_refused_with_their_place() {
    let w = Workdir::new();
    w.write("other.csv", "a,b,c\n1,2,3\n");
    let (code, _, stderr) = w.run(&["published", "other.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("other.csv: not a published OAP file: its header is a,b,c;"),
        "{stderr}"
    );
    let header = "Question,Breakdown1,Breakdown1Code,Breakdown2,Breakdown2Code,value\n";
    w.write(
        "oaps-open-data-jan-2017.csv",
        &format!(
            "{header}OAPs started in period,England,,,,12\nOAPs started in period,England,,,\n"
        ),
    );
    let (code, _, stderr) = w.run(&["published", "oaps-open-data-jan-2017.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("oaps-open-data-jan-2017.csv:3: 5 fields, expected 6 as in the header"),
        "{stderr}"
    );
    w.write(
        "oaps-open-data-feb-2017.csv",
        &format!("{header}OAPs started in period,England,,,,twelve\n"),
    );
    let (code, _, stderr) = w.run(&["published", "oaps-open-data-feb-2017.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "oaps-open-data-feb-2017.csv:2: value \"twelve\" is neither a number nor * (suppressed)"
        ),
        "{stderr}"
    );
    // No period anywhere: named, and --period supplies it.
    w.write(
        "oaps.csv",
        &format!("{header}OAPs started in period,England,,,,12\nA new question,England,,,,3\n"),
    );
    let (code, _, stderr) = w.run(&["published", "oaps.csv"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("oaps.csv: no period:"), "{stderr}");
    let (code, stdout, stderr) = w.run(&[
        "published",
        "oaps.csv",
        "--period",
        "2017-03",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\n2017-03-01,2017-03-31,oaps.csv,cap,England,England,,,,,OAPs started in period,oaps_started,12,false\n"), "{stdout}");
    // An unknown question is kept, with an empty id and a warning.
    assert!(stdout.contains(",A new question,,3,false\n"), "{stdout}");
    assert!(
        stderr.contains("warning: oaps.csv: question \"A new question\" is not in oapstat's table"),
        "{stderr}"
    );
    // The 10-column layout takes its period from PublicationPeriod, whatever the file's name.
    w.write(
        "oaps-open-data-apr-2017.csv",
        "PublicationDate,PublicationPeriod,Question,Breakdown1,Breakdown1Code,Breakdown1Description,Breakdown2,Breakdown2Code,Breakdown2Description,value\n2017/04,2017/02,OAPs started in period,England,,,,,,512\n",
    );
    let (code, stdout, stderr) = w.run(&[
        "published",
        "oaps-open-data-apr-2017.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("\n2017-02-01,2017-02-28,oaps-open-data-apr-2017.csv,cap,England,England,"),
        "{stdout}"
    );
    // Two files of one month: refused, unless both are wanted.
    std::fs::copy(w.path("oaps.csv"), w.path("oaps-open-data-mar-2017.csv")).unwrap();
    let (code, _, stderr) = w.run(&[
        "published",
        "oaps.csv",
        "oaps-open-data-mar-2017.csv",
        "--period",
        "2017-03",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("oaps.csv and oaps-open-data-mar-2017.csv are both cap files for 2017-03"),
        "{stderr}"
    );
    let (code, _, _) = w.run(&[
        "published",
        "oaps.csv",
        "oaps-open-data-mar-2017.csv",
        "--period",
        "2017-03",
        "--keep-duplicates",
    ]);
    assert_eq!(code, 0);
}
