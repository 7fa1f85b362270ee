//! Spells without a placement (issue 31, item 1): named as findings that leave the spell valid,
//! said on the counts line, in the pack's headline and manifest, and refused when no spell has a
//! placement or more than 1% of them have none.

use serde_json::Value;

use super::fixtures::COLLABORATIVES;
use super::workdir::Workdir;

/// 100 spells of AAA, each admitted 2024-01-01 and discharged 2024-01-03 (2 nights: 200 bed days
/// in January), each with one in-area placement over the whole spell, except S001, which is out
/// of area (reason 10: 2 OAP days); the placements of the spells in `unplaced` are left out.
fn hundred_spells(unplaced: &[usize]) -> Workdir {
    spells(100, unplaced)
}

/// As [`hundred_spells`], with `total` spells.
fn spells(total: usize, unplaced: &[usize]) -> Workdir {
    let mut admissions = String::from(
        "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code\n",
    );
    let mut placements = String::from("placement_id,admission_id,start_date,end_date,provider_code,out_of_area,oap_reason,distance_km,daily_cost\n");
    for n in 1..=total {
        admissions.push_str(&format!(
            "S{n:03},PT{n},AAA,adult_acute,2024-01-01,2024-01-03,RAA01\n"
        ));
        if unplaced.contains(&n) {
            continue;
        }
        let (provider, out, reason) = if n == 1 {
            ("NPX01", "Y", "10")
        } else {
            ("RAA01", "N", "")
        };
        placements.push_str(&format!(
            "P{n:03},S{n:03},2024-01-01,2024-01-03,{provider},{out},{reason},,\n"
        ));
    }
    let w = Workdir::new();
    std::fs::create_dir(w.path("data")).unwrap();
    w.write("data/admissions.csv", &admissions)
        .write("data/placements.csv", &placements)
        .write("data/collaboratives.csv", COLLABORATIVES);
    w
}

const RATES: [&str; 11] = [
    "rates",
    "--data",
    "data",
    "--extract-date",
    "2024-01-31",
    "--from",
    "2024-01",
    "--to",
    "2024-01",
    "--collaborative",
    "AAA",
];

#[test]
fn one_spell_in_a_hundred_without_a_placement_is_listed_and_said_but_the_figures_stand() {
    let w = hundred_spells(&[37]);
    // validate lists it (as file, line and admission_id) and, within the line, exits 0.
    let (code, stdout, _) = w.run(&["validate", "--data", "data"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("data/admissions.csv:38: admission_id S037 has no placement: where the patient stayed, in area or out, is not known\n"),
        "{stdout}"
    );
    assert!(stdout.contains("No invalid rows.\n1 of 100 spells (1%) have no placement (listed above), so whether they were out of area is not known; within the 1% the figures are trusted with.\n"), "{stdout}");
    assert!(!stdout.contains("No problems found"), "{stdout}");
    assert!(!stdout.contains("oapstat validate"), "{stdout}");
    let doc = w.json(&["validate", "--data", "data", "--format", "json"]);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["findings"][0]["rule"], "no_placement");
    assert_eq!(doc["findings"][0]["value"], "S037");
    assert_eq!(doc["inputs"]["spells"], 100);
    assert_eq!(doc["inputs"]["spells_without_placement"], 1);

    // The figures: the spell's bed days count (100 spells x 2 nights), S001's 2 OAP days stand.
    let mut args = RATES.to_vec();
    args.extend(["--format", "json"]);
    let (code, stdout, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["rows"][0]["bed_days"], 200);
    assert_eq!(doc["rows"][0]["oap_days"], 2);
    assert!(
        stderr.contains("; 1 of 100 spells (1%) have no placement, so whether they were out of area is not known (the first at data/admissions.csv:38; `oapstat validate` lists them); extract date 2024-01-31"),
        "{stderr}"
    );

    // The pack says it above the headline table and in its manifest, never naming the spell.
    let (code, _, stderr) = w.run(&[
        "summary",
        "--data",
        "data",
        "--extract-date",
        "2024-01-31",
        "--month",
        "2024-01",
        "--out",
        "packs",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let md = w.read("packs/2024-01/summary.md");
    assert!(md.contains("**Caution:** 1 of 100 spells (1%) have no placement, so whether they were out of area is not known (the first at data/admissions.csv:38; `oapstat validate` lists them).\n\n## Summary matrix"), "{md}");
    assert!(!md.contains("S037"), "{md}");
    // Said once, in the caution, not again in the counts line among the notes.
    assert_eq!(md.matches("have no placement").count(), 1, "{md}");
    let html = w.read("packs/2024-01/index.html");
    assert!(
        html.contains("<strong>Caution:</strong> 1 of 100 spells (1%) have no placement"),
        "{html}"
    );
    let manifest: Value = serde_json::from_str(&w.read("packs/2024-01/manifest.json")).unwrap();
    assert_eq!(
        manifest["spells_without_placement"],
        serde_json::json!({"count": 1, "spells": 100, "limit_share": 0.01})
    );
    assert!(!w.read("packs/2024-01/manifest.json").contains("S037"));
}

#[test]
fn two_spells_in_a_hundred_without_a_placement_are_refused() {
    let w = hundred_spells(&[37, 90]);
    let (code, stdout, stderr) = w.run(&RATES);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.is_empty());
    assert_eq!(stderr, "oapstat: error: 2 of 100 spells (2%) have no placement, more than the 1% the out-of-area figures can be trusted with: whether they were out of area is not known (first: data/admissions.csv:38: admission_id S037 has no placement: where the patient stayed, in area or out, is not known); every spell's stays belong in the placements extract; run `oapstat validate` (same input options) to list them all\n");
    // --skip-invalid does not help: nothing is invalid, something is missing.
    let mut args = RATES.to_vec();
    args.extend(["--skip-invalid", "rejects.csv"]);
    assert_eq!(w.run(&args).0, 1);
    // validate exits 1 too, saying why, and lists both.
    let (code, stdout, _) = w.run(&["validate", "--data", "data"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("data/admissions.csv:91: admission_id S090 has no placement"));
    assert!(
        stdout.contains("\nNo invalid rows.\nRefused: 2 of 100 spells (2%) have no placement, more than the 1% the out-of-area figures can be trusted with: whether they were out of area is not known; the spells without a placement are listed above, and every spell's stays belong in the placements extract.\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("No problems found"), "{stdout}");
    assert!(!stdout.contains("oapstat validate"), "{stdout}");
    let (code, stdout, _) = w.run(&["validate", "--data", "data", "--format", "json"]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 2);
}

/// The user's b3: 161 of 16,059 spells (1.0026%) unplaced read `(1%) ..., more than the 1%`,
/// under `No problems found.`. 3 of 299 (1.0033%) is the same case: `1` to two decimals.
#[test]
fn a_share_just_over_the_line_never_reads_as_the_line() {
    let w = spells(299, &[37, 90, 200]);
    let (code, _, stderr) = w.run(&RATES);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("oapstat: error: 3 of 299 spells (1.003%) have no placement, more than the 1% the out-of-area figures"),
        "{stderr}"
    );
    let (code, stdout, _) = w.run(&["validate", "--data", "data"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("\nNo invalid rows.\nRefused: 3 of 299 spells (1.003%) have no placement, more than the 1%"),
        "{stdout}"
    );
    // Within the line, the pack's caution uses the same words: 2 of 299 is 0.6689%, `0.67`.
    let w = spells(299, &[37, 90]);
    let (code, stdout, stderr) = w.run(&RATES);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains("; 2 of 299 spells (0.67%) have no placement, so whether"),
        "{stderr}"
    );
}

#[test]
fn a_spell_open_on_the_extract_date_without_a_placement_is_no_exception() {
    let w = hundred_spells(&[]);
    let admissions = w.read("data/admissions.csv").replace(
        "S100,PT100,AAA,adult_acute,2024-01-01,2024-01-03,RAA01",
        "S100,PT100,AAA,adult_acute,2024-01-31,,RAA01",
    );
    let placements = w
        .read("data/placements.csv")
        .replace("P100,S100,2024-01-01,2024-01-03,RAA01,N,,,\n", "");
    w.write("data/admissions.csv", &admissions)
        .write("data/placements.csv", &placements);
    let doc = w.json(&["validate", "--data", "data", "--format", "json"]);
    assert_eq!(doc["findings"][0]["rule"], "no_placement");
    assert_eq!(doc["findings"][0]["value"], "S100");
}

/// The case: the sample's admissions with a placements file holding only its header.
/// It once gave a pack of 0 OAPs beside the real bed days, and exit 0.
#[test]
fn placements_holding_only_a_header_are_refused_and_no_pack_is_written() {
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&["sample", "--out", "s", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    let header = w
        .read("s/placements.csv")
        .lines()
        .next()
        .unwrap()
        .to_string();
    w.write("s/placements.csv", &format!("{header}\n"));
    let (code, stdout, stderr) = w.run(&[
        "summary", "--data", "s", "--month", "2026-10", "--out", "packs",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.starts_with("oapstat: error: no spell has a placement (none of the 16,059 spells is named in the placements extract): every out-of-area figure would be 0 (first: s/admissions.csv:2: "), "{stderr}");
    assert!(!w.path("packs/2026-10").exists());
    let (code, _, stderr) = w.run(&["rates", "--data", "s"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no spell has a placement"), "{stderr}");
    // Length of stay needs no placements: not read, not asked for.
    let (code, _, stderr) = w.run(&["los", "--data", "s", "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
}
