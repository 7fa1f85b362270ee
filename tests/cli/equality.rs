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

/// Populations of two ethnic groups of AAA (all ages).
const POPULATIONS: &str = "\
collaborative,dimension,group,age_band,population
AAA,ethnicity,British,all,100000
AAA,ethnicity,African,all,20000
";

fn february(w: &Workdir, extra: &[&str]) -> Value {
    let mut args = vec![
        "equality",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--period",
        "month",
        "--month",
        "2024-02",
        "--format",
        "json",
    ];
    args.extend(extra);
    w.json(&args)
}

fn group<'a>(doc: &'a Value, dimension: &str, group: &str) -> &'a Value {
    super::fixtures::find_row(
        doc,
        &[
            ("collaborative", "AAA"),
            ("dimension", dimension),
            ("group", group),
        ],
    )
}

fn close(value: &Value, expected: f64) -> bool {
    value
        .as_f64()
        .is_some_and(|v| (v - expected).abs() < 1e-9 * expected.abs().max(1.0))
}

#[test]
fn counts_shares_and_los_quartiles_of_february_by_hand() {
    let doc = february(&with_people(ADMISSIONS), &[]);
    // Admitted in February: A2, A3, A4, A7, A8; all but A8 with an out-of-area placement.
    let all = group(&doc, "ethnicity", "All");
    assert_eq!(all["admissions"], 5);
    assert_eq!(all["admissions_with_oap"], 4);
    assert!(close(&all["admissions_with_oap_share"], 0.8));
    // Wilson 4/5: (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²)).
    assert!(close(
        &all["admissions_with_oap_share_lower"],
        0.3755346297625253
    ));
    assert!(close(
        &all["admissions_with_oap_share_upper"],
        0.9637758913675699
    ));
    assert_eq!(all["admissions_with_oap_share_compared"], Value::Null);
    // OAPs started: P2, P3, P5 (reason 10), P8; nights in February: P1 29, P2 28, P3 0, P5 10,
    // P8 1.
    assert_eq!(all["oaps_started"], 4);
    assert_eq!(all["inappropriate_oaps_started"], 1);
    assert_eq!(all["oap_days"], 68);
    assert_eq!(all["inappropriate_oap_days"], 39);
    // Discharged: A3 (0 nights), A8 (7), A2 (28): quartiles 3.5, 7, 17.5.
    assert_eq!(all["discharges"], 3);
    assert!(close(&all["los_p25"], 3.5));
    assert!(close(&all["los_median"], 7.0));
    assert!(close(&all["los_p75"], 17.5));

    // British: A2 (with P2) and A8; A1's P1 nights count too (admitted in January).
    let british = group(&doc, "ethnicity", "British");
    assert_eq!(british["admissions"], 2);
    assert_eq!(british["admissions_with_oap"], 1);
    assert!(close(
        &british["admissions_with_oap_share_lower"],
        0.09453120573423071
    ));
    assert!(close(
        &british["admissions_with_oap_share_upper"],
        0.9054687942657693
    ));
    assert_eq!(british["admissions_with_oap_share_compared"], "similar");
    assert_eq!(british["oaps_started"], 1);
    assert_eq!(british["oap_days"], 57);
    assert_eq!(british["inappropriate_oap_days"], 29);
    // Discharged A8 (7) and A2 (28): 7 + 0.25 × 21, the mean, 7 + 0.75 × 21.
    assert!(close(&british["los_p25"], 12.25));
    assert!(close(&british["los_median"], 17.5));
    assert!(close(&british["los_p75"], 22.75));
    // African: A3 and A4, both placed out of area (P3, and P5 of reason 10).
    let african = group(&doc, "ethnicity", "African");
    assert_eq!(african["admissions"], 2);
    assert_eq!(african["admissions_with_oap"], 2);
    assert!(close(
        &african["admissions_with_oap_share_lower"],
        0.3423802275066531
    ));
    assert!(close(&african["admissions_with_oap_share_upper"], 1.0));
    assert_eq!(african["inappropriate_oaps_started"], 1);
    assert_eq!(african["oap_days"], 10);
    // The ratio to the reference group (British): 1.0 / 0.5.
    assert!(close(&african["admissions_with_oap_share_ratio"], 2.0));
    // A7 has no ethnic category: UNKNOWN, counted.
    let unknown = group(&doc, "ethnicity", "UNKNOWN");
    assert_eq!(unknown["admissions"], 1);
    assert_eq!(unknown["oap_days"], 1);
    // Every group is listed, zeros where nobody is in it.
    let irish = group(&doc, "ethnicity", "Irish");
    assert_eq!(irish["admissions"], 0);
    assert_eq!(irish["admissions_with_oap_share"], Value::Null);
    let ethnicity_rows = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["collaborative"] == "AAA" && r["dimension"] == "ethnicity")
        .count();
    assert_eq!(ethnicity_rows, 20, "All, 18 categories and UNKNOWN");
    // Age at admission: A2 (17) and A7 (16) are both 0 to 17.
    let young = group(&doc, "age_band", "0 to 17");
    assert_eq!(
        (young["admissions"].as_i64(), young["oaps_started"].as_i64()),
        (Some(2), Some(2))
    );
    // Deprivation: A2 and A8 in decile 1; A5's decile is empty (UNKNOWN), admitted in March.
    let most = group(&doc, "imd_decile", "01 Most deprived");
    assert_eq!(most["admissions"], 2);
    let upper = group(&doc, "upper_ethnicity", "Black or Black British");
    assert_eq!(upper["admissions"], 2);
    // BBB has no activity: every group is there, with zeros.
    let bbb = super::fixtures::find_row(
        &doc,
        &[
            ("collaborative", "BBB"),
            ("dimension", "gender"),
            ("group", "All"),
        ],
    );
    assert_eq!(bbb["admissions"], 0);
    // No population: no rate.
    assert_eq!(british["oaps_started_per_100k"], Value::Null);
}

#[test]
fn crude_rates_exact_below_ten_against_the_groups_with_a_population() {
    let w = with_people(ADMISSIONS);
    w.write("data/populations.csv", POPULATIONS);
    let doc = february(&w, &[]);
    // British: 1 OAP started per 100,000: exact Poisson χ²(0.025; 2)/2 and χ²(0.975; 4)/2 (the
    // package's own test vector).
    let british = group(&doc, "ethnicity", "British");
    assert!(close(&british["population"], 100_000.0));
    assert!(close(&british["oaps_started_per_100k"], 1.0));
    assert!(close(
        &british["oaps_started_per_100k_lower"],
        0.025317807984289876
    ));
    assert!(close(
        &british["oaps_started_per_100k_upper"],
        5.571643390938898
    ));
    // African: 2 per 20,000 = 10 per 100,000, limits ×5 those of a count of 2.
    let african = group(&doc, "ethnicity", "African");
    assert!(close(&african["oaps_started_per_100k"], 10.0));
    assert!(close(
        &african["oaps_started_per_100k_lower"],
        1.2110463927198247
    ));
    assert!(close(
        &african["oaps_started_per_100k_upper"],
        36.1234383386198
    ));
    assert!(close(&african["oaps_started_per_100k_ratio"], 10.0));
    // All groups with a population: (1 + 2) / 120,000; A7's OAP (unknown ethnicity) is left
    // out, numerator and population alike.
    let all = group(&doc, "ethnicity", "All");
    assert!(close(&all["population"], 120_000.0));
    assert!(close(&all["oaps_started_per_100k"], 2.5));
    assert_eq!(british["oaps_started_per_100k_compared"], "similar");
    assert_eq!(african["oaps_started_per_100k_compared"], "similar");
    // Fewer than 10 events and no age bands: no standardised rate.
    assert_eq!(african["oaps_started_dsr_per_100k"], Value::Null);
    // No population for a group without one.
    assert_eq!(
        group(&doc, "ethnicity", "Irish")["oaps_started_per_100k"],
        Value::Null
    );
    // At 99.8%, wider: χ²(0.001; 2)/2.
    let wide = february(&w, &["--confidence", "0.998", "--dimension", "ethnicity"]);
    let lower = group(&wide, "ethnicity", "British")["oaps_started_per_100k_lower"]
        .as_f64()
        .unwrap();
    assert!((lower - 0.001000500333583534).abs() < 1e-12, "{lower}");
    assert_eq!(wide["parameters"]["confidence"], 0.998);
}

#[test]
fn reference_groups_dimensions_and_suppression() {
    let w = with_people(ADMISSIONS);
    let doc = february(
        &w,
        &[
            "--dimension",
            "ethnicity",
            "--reference",
            "ethnicity=N",
            "--suppress",
        ],
    );
    let dims: std::collections::BTreeSet<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["dimension"].as_str().unwrap())
        .collect();
    assert_eq!(dims.into_iter().collect::<Vec<_>>(), ["ethnicity"]);
    assert_eq!(doc["parameters"]["reference"]["ethnicity"], "African");
    // Counts below 5 are *, and so is every figure whose numerator is.
    let british = group(&doc, "ethnicity", "British");
    assert_eq!(british["admissions_with_oap"], "*");
    assert_eq!(british["admissions_with_oap_share"], "*");
    assert_eq!(british["admissions_with_oap_share_compared"], "*");
    assert_eq!(british["admissions_with_oap_share_ratio"], "*");
    // Mistakes are named.
    for (args, expected) in [
        (
            vec!["--reference", "ethnicity=Q"],
            "--reference \"ethnicity=Q\": \"Q\" is not a group of ethnicity",
        ),
        (
            vec!["--reference", "colour=A"],
            "--reference \"colour=A\": \"colour\" is not a dimension",
        ),
    ] {
        let mut all = vec!["equality", "--data", "data", "--extract-date", "2024-04-30"];
        all.extend(args);
        let (code, _, stderr) = w.run(&all);
        assert_eq!(code, 2);
        assert!(stderr.contains(expected), "{stderr}");
    }
    // Without the columns, nothing to break down by.
    let plain = super::fixtures::hand_built();
    let (code, _, stderr) =
        plain.run(&["equality", "--data", "data", "--extract-date", "2024-04-30"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the admissions have none of the optional columns"),
        "{stderr}"
    );
    let (code, _, stderr) = with_people(&ADMISSIONS.replace(",imd_decile", ",imd_x")).run(&[
        "equality",
        "--data",
        "data",
        "--dimension",
        "imd_decile",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--dimension imd_decile: the admissions have no imd_decile column"),
        "{stderr}"
    );
}

#[test]
fn lsoa_through_the_imd_lookup_and_populations_checked() {
    let admissions = ADMISSIONS
        .replace(",imd_decile", ",lsoa")
        .replace("RAA01,17,2,A,1", "RAA01,17,2,A,E01000002")
        .replace("RAA01,35,1,A,1", "RAA01,35,1,A,E09999999");
    let w = with_people(&admissions);
    w.write("data/imd.csv", "lsoa,imd_decile\nE01000002,3\n");
    let doc = february(&w, &["--dimension", "imd_decile"]);
    assert_eq!(
        group(&doc, "imd_decile", "03 More deprived")["admissions"],
        1
    );
    // A8's LSOA is not in the lookup, the other codes (1, 2, 10, 5) neither: UNKNOWN, warned.
    let (_, _, stderr) = w.run(&[
        "equality",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--dimension",
        "imd_decile",
    ]);
    assert!(stderr.contains("oapstat: warning: lsoa: 6 LSOA codes the IMD lookup does not list, counted in the group UNKNOWN (the first: data/admissions.csv:2, \"1\")"), "{stderr}");
    for (populations, expected) in [
        (
            "AAA,ethnicity,Brit,all,5\n",
            "data/populations.csv:2: group \"Brit\" is not a group of ethnicity",
        ),
        (
            "AAA,ethnicity,UNKNOWN,all,5\n",
            "data/populations.csv:2: group \"UNKNOWN\" has no population",
        ),
        (
            "AAA,ethnic,British,all,5\n",
            "data/populations.csv:2: dimension \"ethnic\" is not one of",
        ),
        (
            "AAA,ethnicity,British,16-20,5\n",
            "data/populations.csv:2: age_band \"16-20\" is not an ESP 2013 band",
        ),
        (
            "AAA,ethnicity,British,all,-5\n",
            "data/populations.csv:2: population \"-5\" is not a number of 0 or more",
        ),
        (
            "AAA,ethnicity,British,all,5\nAAA,ethnicity,british,all,6\n",
            "data/populations.csv:3: AAA, ethnicity, British, all is listed twice",
        ),
    ] {
        w.write(
            "data/populations.csv",
            &format!("collaborative,dimension,group,age_band,population\n{populations}"),
        );
        let (code, _, stderr) = w.run(&["equality", "--data", "data", "--period", "month"]);
        assert_eq!(code, 2);
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

#[test]
fn charts_per_dimension_with_the_flags_in_words_on_the_sample() {
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&[
        "equality",
        "--collaborative",
        "TGW",
        "--dimension",
        "ethnicity",
        "--dimension",
        "imd_decile",
        "--chart",
        "charts",
        "--format",
        "csv",
        "-o",
        "equality.csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let svg = w.read("charts/equality-TGW-ethnicity-dsr.svg");
    // The built-in inequality (data/README.md): African ethnicity in TGW, flagged in words.
    assert!(
        svg.contains(
            "<title>TGW, 2025-26: OAPs started per 100,000, age-standardised, by ethnicity</title>"
        ),
        "{svg}"
    );
    assert!(svg.contains("Significantly higher: African"), "{svg}");
    assert!(svg.contains("African (higher)"), "{svg}");
    assert!(w.path("charts/equality-TGW-ethnicity-share.svg").exists());
    assert!(w.path("charts/equality-TGW-imd_decile-dsr.svg").exists());
    let (code, _, _) = w.run(&[
        "equality",
        "--collaborative",
        "TGW",
        "--dimension",
        "gender",
        "--chart",
        "png",
        "--chart-format",
        "png",
        "-q",
    ]);
    assert_eq!(code, 0);
    let png = std::fs::read(w.path("png/equality-TGW-gender-share.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn the_pack_has_an_equality_section_naming_the_groups_significantly_higher() {
    let w = Workdir::new();
    std::fs::create_dir(w.path("packs")).unwrap();
    let (code, _, stderr) = w.run(&["summary", "--month", "2026-10", "--out", "packs"]);
    assert_eq!(code, 0, "{stderr}");
    let summary = w.read("packs/2026-10/summary.md");
    assert!(
        summary.contains("## Who is sent out of area, 2025-11/2026-10"),
        "{summary}"
    );
    // The sample's built-in inequality: African ethnicity in TGW.
    assert!(
        summary.contains("TGW African (ethnicity: share with an OAP, OAP rate, age-standardised)"),
        "{summary}"
    );
    let equality = w.read("packs/2026-10/equality.csv");
    assert!(equality.starts_with("collaborative,period,period_start,period_end,dimension,group,"));
    assert!(w
        .path("packs/2026-10/charts/equality-TGW-ethnicity-dsr.svg")
        .exists());
    let html = w.read("packs/2026-10/index.html");
    assert!(
        html.contains("Significantly higher: African"),
        "the chart's text alternative"
    );
    // A suppressed pack: the table suppressed, no charts.
    let (code, _, stderr) = w.run(&[
        "summary",
        "--month",
        "2026-09",
        "--out",
        "packs",
        "--suppress",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(w
        .read("packs/2026-09/summary.md")
        .contains("Equality charts: not in a suppressed pack"));
    assert!(!w
        .path("packs/2026-09/charts/equality-TGW-ethnicity-dsr.svg")
        .exists());
    // Its headline names no group whose comparison equality.csv suppresses (a regression: it
    // named RVW's "White and Black Caribbean", all `*` in the pack's own table).
    let summary = w.read("packs/2026-09/summary.md");
    let equality = w.read("packs/2026-09/equality.csv");
    let mut lines = equality.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (c, d, g, share) = (
        column("collaborative"),
        column("dimension"),
        column("group"),
        column("admissions_with_oap_share_compared"),
    );
    let mut hidden = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() == header.len() && cells[share] == "*" {
            hidden += 1;
            let named = format!(
                "{} {} ({}: share with an OAP",
                cells[c],
                cells[g],
                cells[d].replace('_', " ")
            );
            assert!(
                !summary.contains(&named),
                "{named} is suppressed in equality.csv but named in the headline"
            );
        }
    }
    assert!(
        hidden > 0,
        "the sample's suppressed pack hides some comparisons"
    );
}

#[test]
fn parquet_extracts_with_the_columns_give_the_figures_of_csv() {
    let w = Workdir::new();
    for (dir, format) in [("csv", "csv"), ("parquet", "parquet")] {
        let (code, _, stderr) = w.run(&[
            "generate",
            "--seed",
            "5",
            "--admissions",
            "2000",
            "--format",
            format,
            "--out",
            dir,
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    let figures = |dir: &str| {
        let (code, stdout, stderr) = w.run(&["equality", "--data", dir, "--format", "csv", "-q"]);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    let csv = figures("csv");
    assert!(csv.lines().count() > 100);
    assert_eq!(csv, figures("parquet"));
}
