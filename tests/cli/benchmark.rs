//! `oapstat benchmark`: the hand-built extracts of the `nhs` tests (collaboratives CCC and DDD)
//! beside published-style files for February 2024 (Clinical Audit Platform layout) and March
//! 2024 (MHSDS layout), every figure worked out by hand.

use serde_json::Value;

use super::nhs::{fixture, COLLABORATIVES};

const MHSDS_MARCH: &str = "\
REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,PRIMARY_LEVEL,PRIMARY_LEVEL_DESCRIPTION,SECONDARY_LEVEL,SECONDARY_LEVEL_DESCRIPTION,MEASURE_ID,MEASURE_NAME,MEASURE_VALUE
2024-03-01,2024-03-31,Final,England,England,England,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,400
2024-01-01,2024-03-31,Final,England,England,England,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,1200
2024-03-01,2024-03-31,Final,England,England,England,NONE,NONE,OAP06,\"Rate of Inappropriate OAPs active at the end of the period per 1,000,000 of the population\",7.5
2024-03-01,2024-03-31,Final,England,England,England,NONE,NONE,OAP09,Proportion of Inappropriate OAPs bed days in the period,6.2
2024-03-01,2024-03-31,Final,England; Bed Type,England,England,200,Acute adult mental health care,OAP01,Number of Inappropriate new OAPs started in the period,350
2024-03-01,2024-03-31,Final,Sending Provider,RX3,TEES ESK AND WEAR VALLEYS NHS FOUNDATION TRUST,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,*
2024-03-01,2024-03-31,Final,ICB of GP Practice or Residence,QHM,NHS NORTH EAST AND NORTH CUMBRIA INTEGRATED CARE BOARD,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,15
";

const CAP_FEBRUARY: &str = "\
\"Question\",\"Breakdown1\",\"Breakdown1Code\",\"Breakdown2\",\"Breakdown2Code\",\"value\"
\"OAPs active at period end\",\"England\",\"\",\"\",\"\",\"500\"
\"Total number of OAP days over the period\",\"England\",\"\",\"\",\"\",\"14000\"
\"Total recorded costs over the period\",\"England\",\"\",\"\",\"\",\"5.03563e+006\"
\"OAPs started in period\",\"Region\",\"Y63\",\"\",\"\",\"*\"
";

/// `benchmark` on the fixture with the published files given, before any further options.
const BENCHMARK: [&str; 7] = [
    "benchmark",
    "--data",
    "data",
    "--extract-date",
    "2024-04-30",
    "--published",
    "published/*.csv",
];

/// The `nhs` fixture with these published files in `published/`.
fn with_published(files: &[(&str, &str)]) -> super::workdir::Workdir {
    let w = fixture(COLLABORATIVES);
    std::fs::create_dir(w.path("published")).unwrap();
    for (name, text) in files {
        w.write(&format!("published/{name}"), text);
    }
    w
}

fn benchmark(extra: &[&str]) -> Value {
    let w = with_published(&[
        ("MHSDS Data_OAPs_MarFinal_2024.csv", MHSDS_MARCH),
        ("oaps-open-data-feb-2024.csv", CAP_FEBRUARY),
    ]);
    let mut args = BENCHMARK.to_vec();
    args.extend([
        "--population",
        "England=56000000",
        "--population",
        "QHM=3000000",
        "--format",
        "json",
        "--quiet",
    ]);
    args.extend(extra);
    w.json(&args)
}

fn row<'a>(doc: &'a Value, month: &str, period: &str, id: &str, level: &str) -> &'a Value {
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["month"] == month
                && r["period"] == period
                && r["measure_id"] == id
                && r["level_code"] == level
        })
        .unwrap_or_else(|| panic!("no {month} {period} {id} {level}"))
}

fn close(value: &Value, expected: f64) {
    let v = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!((v - expected).abs() < 1e-9, "{v} != {expected}");
}

#[test]
fn a_collaborative_beside_england_and_its_peers() {
    let doc = benchmark(&[
        "--peer",
        "ICB of GP Practice or Residence:QHM",
        "--peer",
        "Sending Provider:RX3",
    ]);
    // March 2024, MHSDS: CCC started 2 inappropriate OAPs (S3, S5) among 250,000 people.
    let ccc = row(&doc, "2024-03", "M", "OAP01", "CCC");
    assert_eq!(ccc["side"], "collaborative");
    close(&ccc["value"], 2.0);
    close(&ccc["per_million"], 8.0);
    let england = row(&doc, "2024-03", "M", "OAP01", "England");
    assert_eq!(england["side"], "england");
    close(&england["value"], 400.0);
    close(&england["per_million"], 400.0 / 56.0);
    // Q: S2 in February too: 3, 12 per million; England 1,200 over 56 million.
    close(
        &row(&doc, "2024-03", "Q", "OAP01", "CCC")["per_million"],
        12.0,
    );
    close(
        &row(&doc, "2024-03", "Q", "OAP01", "England")["per_million"],
        1200.0 / 56.0,
    );
    // Peers: a population given (QHM 3 million); a suppressed cell stays suppressed.
    close(
        &row(&doc, "2024-03", "M", "OAP01", "QHM")["per_million"],
        5.0,
    );
    let rx3 = row(&doc, "2024-03", "M", "OAP01", "RX3");
    assert_eq!(rx3["side"], "peer");
    assert_eq!(rx3["suppressed"], true);
    assert_eq!(rx3["value"], Value::Null);
    assert_eq!(rx3["per_million"], Value::Null);
    // A rate is per million already; a proportion has none.
    close(
        &row(&doc, "2024-03", "M", "OAP06", "England")["per_million"],
        7.5,
    );
    close(
        &row(&doc, "2024-03", "M", "OAP06", "CCC")["per_million"],
        8.0,
    );
    let oap09 = row(&doc, "2024-03", "M", "OAP09", "CCC");
    close(&oap09["value"], 6700.0 / 72.0);
    assert_eq!(oap09["per_million"], Value::Null);
    // An England row with a secondary level (bed type) is not England's total.
    assert!(!doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["value"] == 350.0));
    // February 2024, CAP: all OAPs (P2 from 20 February, P4 all month), as oapstat rates them.
    // Active at the end: P2, P4; nights: 10 + 29; no recorded cost.
    close(
        &row(&doc, "2024-02", "M", "oaps_active_end", "CCC")["per_million"],
        8.0,
    );
    close(
        &row(&doc, "2024-02", "M", "oaps_active_end", "England")["per_million"],
        500.0 / 56.0,
    );
    close(&row(&doc, "2024-02", "M", "oap_days", "CCC")["value"], 39.0);
    close(
        &row(&doc, "2024-02", "M", "oap_days", "England")["per_million"],
        250.0,
    );
    let cost = row(&doc, "2024-02", "M", "total_recorded_cost", "England");
    close(&cost["value"], 5_035_630.0);
    assert_eq!(cost["per_million"], Value::Null);
    assert_eq!(
        doc["parameters"]["months"],
        serde_json::json!([
            {"month": "2024-02", "generation": "cap"},
            {"month": "2024-03", "generation": "mhsds"}
        ])
    );
    // Every window compared lies inside the extract (April 2023 to April 2024).
    assert_eq!(
        doc["empty_values"]["periods_before_the_extract_starts"],
        serde_json::json!([])
    );
}

#[test]
fn one_month_a_chart_and_what_cannot_be_compared() {
    let doc = benchmark(&["--month", "2024-03"]);
    assert!(doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["month"] == "2024-03"));
    let w = with_published(&[("MHSDS Data_OAPs_MarFinal_2024.csv", MHSDS_MARCH)]);
    let base = BENCHMARK;
    let mut args = base.to_vec();
    args.extend([
        "--chart",
        "chart.svg",
        "--population",
        "England=56000000",
        "-q",
        "-o",
        "b.csv",
    ]);
    let (code, _, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    let svg = w.read("chart.svg");
    assert!(svg.contains("OAP06 per 1,000,000 population"), "{svg}");
    assert!(svg.contains("England: 2024-03 7.5."), "{svg}");
    let mut args = base.to_vec();
    args.extend(["--month", "2023-12"]);
    let (code, _, stderr) = w.run(&args);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--month 2023-12: the published files cover 2024-03"),
        "{stderr}"
    );
    let mut args = base.to_vec();
    args.extend(["--peer", "RX3"]);
    let (code, _, stderr) = w.run(&args);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--peer \"RX3\": expected BREAKDOWN:CODE"),
        "{stderr}"
    );
}

#[test]
fn a_file_as_downloaded_from_nhs_england_is_read() {
    // The hand-written fixture in the downloaded form (BOM, CRLF, DD/MM/YYYY, quoted names, `*`)
    // beside the bundled sample, whose last complete month is October 2026.
    let w = super::workdir::Workdir::new();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/mhsds/MHSDS Data_OAPs_OctPrf_2026.csv"
    );
    let doc = w.json(&[
        "benchmark",
        "--published",
        file,
        "--population",
        "England=57106398",
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(
        doc["parameters"]["months"],
        serde_json::json!([{"month": "2026-10", "generation": "mhsds"}])
    );
    for (period, start, value) in [
        ("M", "2026-10-01", 412.0),
        ("Q", "2026-08-01", 1275.0),
        ("Y", "2025-11-01", 5310.0),
    ] {
        let england = row(&doc, "2026-10", period, "OAP01", "England");
        assert_eq!(england["period_start"], start);
        assert_eq!(england["period_end"], "2026-10-31");
        close(&england["value"], value);
        close(&england["per_million"], value * 1e6 / 57_106_398.0);
    }
    // A rate's name, quoted for its commas, read whole; the rate as published.
    let oap06 = row(&doc, "2026-10", "M", "OAP06", "England");
    assert_eq!(
        oap06["measure"],
        "Rate of Inappropriate OAPs active at the end of the period per 1,000,000 of the population"
    );
    close(&oap06["per_million"], 7.62);
    // The collaboratives' own side is there for the same month.
    assert!(doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["side"] == "collaborative" && r["measure_id"] == "OAP01" && r["period"] == "M"));
    assert_eq!(doc["published"][0]["rows_read"], 16);
}

#[test]
fn a_window_starting_before_the_extract_is_empty_and_says_why() {
    // February 2024's Y window starts in March 2023, a month before the extract (April 2023);
    // its M and Q windows are covered.
    const MHSDS_FEBRUARY: &str = "\
REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,PRIMARY_LEVEL,PRIMARY_LEVEL_DESCRIPTION,SECONDARY_LEVEL,SECONDARY_LEVEL_DESCRIPTION,MEASURE_ID,MEASURE_NAME,MEASURE_VALUE
2024-02-01,2024-02-29,Final,England,England,England,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,300
2023-12-01,2024-02-29,Final,England,England,England,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,900
2023-03-01,2024-02-29,Final,England,England,England,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,3600
";
    let w = with_published(&[("MHSDS Data_OAPs_FebFinal_2024.csv", MHSDS_FEBRUARY)]);
    let mut args = BENCHMARK.to_vec();
    args.extend(["--collaborative", "CCC", "--format", "json", "--quiet"]);
    let doc = w.json(&args);
    assert_eq!(
        row(&doc, "2024-02", "Y", "OAP01", "CCC")["value"],
        Value::Null
    );
    close(
        &row(&doc, "2024-02", "Y", "OAP01", "England")["value"],
        3600.0,
    );
    assert_ne!(
        row(&doc, "2024-02", "Q", "OAP01", "CCC")["value"],
        Value::Null
    );
    assert_eq!(
        doc["empty_values"],
        serde_json::json!({
            "periods_before_the_extract_starts": ["2024-02 Y"],
            "periods_after_the_extract_date": [],
            "covered_from": "2023-04-01",
            "covered_to": "2024-04-30",
        })
    );
    let mut args = BENCHMARK.to_vec();
    args.extend(["--collaborative", "CCC", "--quiet"]);
    let (code, stdout, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("Note: the extract covers 2023-04-01 onwards: the periods starting before it (2024-02 Y) are empty, not 0 or partial."),
        "{stdout}"
    );
}
