//! Reading a system's own export through a mapping file (`--mapping`, `mapping.toml` in a data
//! folder, `oapstat mapping`): the trust-style export of the hand-built extracts
//! (`tests/data/trust-export/`) gives exactly the hand-built extracts' outputs.

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::fixtures::{hand_built, COLLABORATIVES, LOCAL_COSTS};
use super::workdir::Workdir;

const EXPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/trust-export");

/// A folder with the hand-built extracts in `data/` and the trust export in `trust/` (with the
/// same references, and the mapping as `trust/mapping.toml` unless `mapping` is `None`).
fn both(mapping: Option<&str>) -> Workdir {
    let w = hand_built();
    std::fs::create_dir(w.path("trust")).unwrap();
    for name in ["admissions.csv", "placements.csv"] {
        std::fs::copy(
            Path::new(EXPORT).join(name),
            w.path(&format!("trust/{name}")),
        )
        .unwrap();
    }
    w.write("trust/collaboratives.csv", COLLABORATIVES)
        .write("trust/local_costs.csv", LOCAL_COSTS);
    if let Some(text) = mapping {
        w.write("trust/mapping.toml", text);
    }
    w
}

fn the_mapping() -> String {
    std::fs::read_to_string(Path::new(EXPORT).join("mapping.toml")).unwrap()
}

/// Standard output of a successful run.
fn output(w: &Workdir, args: &[&str]) -> String {
    let (code, stdout, stderr) = w.run(args);
    assert_eq!(code, 0, "oapstat {args:?} failed: {stderr}");
    stdout
}

/// A JSON output without its `inputs` metadata (which names the files read).
fn without_inputs(text: &str) -> Value {
    let mut doc: Value = serde_json::from_str(text).unwrap();
    doc.as_object_mut().unwrap().remove("inputs");
    doc
}

/// The commands compared, on a data folder.
fn commands(data: &str) -> Vec<Vec<String>> {
    let common = ["--data", data, "--extract-date", "2024-04-30"];
    let runs: [&[&str]; 8] = [
        &["rates", "--format", "csv"],
        &["rates", "--period", "rolling3", "--format", "csv"],
        &["los", "--format", "csv"],
        &["spc", "--format", "csv"],
        &["reinvest", "--format", "csv"],
        &["capacity", "--format", "csv"],
        &["nhs", "--month", "2024-03", "--format", "nhs-csv"],
        &["validate", "--format", "csv"],
    ];
    runs.iter()
        .map(|run| {
            let mut args: Vec<String> = vec![run[0].to_string()];
            args.extend(common.iter().map(|s| s.to_string()));
            args.extend(run[1..].iter().map(|s| s.to_string()));
            args
        })
        .collect()
}

/// Every command's output on `trust/` equals its output on the hand-built `data/`, and so does
/// the JSON of `rates` and `nhs` apart from the input metadata.
fn assert_same_outputs(w: &Workdir) {
    for (clean, trust) in commands("data").iter().zip(commands("trust")) {
        let clean: Vec<&str> = clean.iter().map(String::as_str).collect();
        let trust: Vec<&str> = trust.iter().map(String::as_str).collect();
        let expected = output(w, &clean);
        assert!(
            expected.lines().count() > 1 || clean[0] == "validate",
            "{clean:?}: {expected}"
        );
        assert_eq!(output(w, &trust), expected, "{trust:?}");
    }
    for command in ["rates", "nhs"] {
        let run = |data: &str| {
            output(
                w,
                &[
                    command,
                    "--data",
                    data,
                    "--extract-date",
                    "2024-04-30",
                    "--format",
                    "json",
                ],
            )
        };
        assert_eq!(
            without_inputs(&run("trust")),
            without_inputs(&run("data")),
            "{command}"
        );
    }
}

#[test]
fn a_trust_export_read_through_its_mapping_gives_the_hand_built_outputs() {
    let w = both(Some(&the_mapping()));
    assert_same_outputs(&w);
    // The non-ASCII provider came through: the sending provider's row of the NHS measures.
    let nhs = output(
        &w,
        &[
            "nhs",
            "--data",
            "trust",
            "--extract-date",
            "2024-04-30",
            "--month",
            "2024-03",
            "--format",
            "csv",
        ],
    );
    assert!(nhs.contains("St Andrew’s Healthcare"), "{nhs}");
    // The monthly pack: every report the same (the manifest, page and workbook name the inputs).
    let pack = |data: &str, out: &str| {
        output(
            &w,
            &[
                "summary",
                "--data",
                data,
                "--extract-date",
                "2024-04-30",
                "--month",
                "2024-03",
                "--out",
                out,
            ],
        );
    };
    pack("data", "clean-packs");
    pack("trust", "trust-packs");
    let mut compared = 0;
    for entry in std::fs::read_dir(w.path("clean-packs/2024-03")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".csv") || name.ends_with(".md") || name == "charts" {
            if name == "charts" {
                for chart in std::fs::read_dir(w.path("clean-packs/2024-03/charts")).unwrap() {
                    let chart = chart.unwrap().file_name().to_string_lossy().to_string();
                    let read = |root: &str| {
                        std::fs::read(w.path(&format!("{root}/2024-03/charts/{chart}"))).unwrap()
                    };
                    assert!(read("clean-packs") == read("trust-packs"), "charts/{chart}");
                    compared += 1;
                }
                continue;
            }
            // The headline names the mapping the extracts were read through.
            let read = |root: &str| {
                w.read(&format!("{root}/2024-03/{name}"))
                    .replace(" (read through the mapping trust/mapping.toml)", "")
            };
            assert_eq!(read("trust-packs"), read("clean-packs"), "{name}");
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} files compared");
}

#[test]
fn the_mapping_is_named_with_its_sha256_in_the_inputs_and_the_manifest() {
    let text = the_mapping();
    let w = both(None);
    w.write("elsewhere.toml", &text);
    let sha256 = format!("{:x}", Sha256::digest(text.as_bytes()));
    // Given with --mapping (here the folder has none).
    let doc = w.json(&[
        "rates",
        "--data",
        "trust",
        "--mapping",
        "elsewhere.toml",
        "--format",
        "json",
    ]);
    assert_eq!(doc["inputs"]["mapping"]["path"], "elsewhere.toml");
    assert_eq!(doc["inputs"]["mapping"]["sha256"], sha256);
    // Without a mapping: null.
    let doc = w.json(&["rates", "--data", "data", "--format", "json"]);
    assert_eq!(doc["inputs"]["mapping"], Value::Null);
    // From the data folder, and in the pack's manifest.
    w.write("trust/mapping.toml", &text);
    let doc = w.json(&["rates", "--data", "trust", "--format", "json"]);
    assert_eq!(doc["inputs"]["mapping"]["path"], "trust/mapping.toml");
    output(
        &w,
        &[
            "summary", "--data", "trust", "--month", "2024-03", "--out", "packs",
        ],
    );
    let manifest: Value = serde_json::from_str(&w.read("packs/2024-03/manifest.json")).unwrap();
    let entry = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["extract"] == "mapping")
        .expect("the mapping among the inputs");
    assert_eq!(entry["path"], "trust/mapping.toml");
    assert_eq!(entry["sha256"], sha256);
    // People see it too: the pack's headline, the counts line and validate's table.
    assert!(w
        .read("packs/2024-03/summary.md")
        .contains("0 rejected (read through the mapping trust/mapping.toml); extract date "));
    let (_, _, stderr) = w.run(&["rates", "--data", "trust"]);
    assert!(
        stderr.contains("0 rejected (read through the mapping trust/mapping.toml); extract date "),
        "{stderr}"
    );
    let (_, stdout, _) = w.run(&["validate", "--data", "trust"]);
    assert!(
        stdout.ends_with("Read through the mapping trust/mapping.toml.\n"),
        "{stdout}"
    );
}

#[test]
fn a_drafted_mapping_needs_editing_only_where_it_says_so() {
    let w = both(None);
    let draft = output(
        &w,
        &[
            "mapping",
            "--suggest",
            "trust/admissions.csv",
            "trust/placements.csv",
        ],
    );
    let marked: Vec<&str> = draft.lines().filter(|l| l.contains("# EDIT:")).collect();
    assert_eq!(marked.len(), 2, "{draft}");
    assert!(
        marked[0].starts_with("patient_id = \"?\"  # EDIT: no column matched"),
        "{draft}"
    );
    assert!(marked[0].ends_with("(columns: SpellID, RiO_ID, PC_Code, BedType, StartDateHospProvSpell, DischDateHospProvSpell, OrgIDProv)"));
    assert_eq!(
        marked[1],
        "out_of_area = { column = \"OOA\", values = { \"1\" = \"?\", \"2\" = \"?\" } }  # EDIT: say which codes mean \"yes\" (out of area) and which \"no\""
    );
    for expected in [
        "delimiter = \";\"",
        "encoding = \"windows-1252\"  # not UTF-8: read as Windows text (as Excel saves it)",
        "admission_id = \"SpellID\"",
        "collaborative = \"PC_Code\"",
        "service_line = { column = \"BedType\", preset = \"mhsds-bed-type\" }",
        "admission_date = { column = \"StartDateHospProvSpell\", format = \"%Y%m%d\" }  # the time after each date is ignored",
        "provider_code = \"OrgIDReceiving\"",
        "placement_id = \"UniqWardStayID\"",
        "oap_reason = \"ReasonOAT\"",
        "daily_cost = \"DailyCost\"",
    ] {
        assert!(draft.lines().any(|l| l.starts_with(expected)), "{expected}\n{draft}");
    }
    // Unedited, it is refused before any row is read.
    w.write("trust/mapping.toml", &draft);
    let (code, _, stderr) = w.run(&["rates", "--data", "trust"]);
    assert_eq!(code, 2);
    assert!(stderr
            == "oapstat: error: trust/mapping.toml:30: [placements] out_of_area: values maps \"1\" to \"?\", which is not a flag (expected yes or no)\n", "{stderr}");
    // Edited where marked, and only there: the hand-built outputs.
    let edited: Vec<String> = draft
        .lines()
        .map(|line| {
            if line.starts_with("patient_id =") {
                "patient_id = \"RiO_ID\"".to_string()
            } else if line.starts_with("out_of_area =") {
                "out_of_area = { column = \"OOA\", values = { \"1\" = \"yes\", \"2\" = \"no\" } }"
                    .to_string()
            } else {
                line.to_string()
            }
        })
        .collect();
    w.write("trust/mapping.toml", &(edited.join("\n") + "\n"));
    assert_same_outputs(&w);
}

#[test]
fn a_clean_extract_drafts_a_mapping_with_nothing_to_edit() {
    let w = hand_built();
    let draft = output(
        &w,
        &[
            "mapping",
            "--suggest",
            "data/admissions.csv",
            "data/placements.csv",
        ],
    );
    assert!(!draft.contains("# EDIT:"), "{draft}");
    assert!(draft.contains("encoding = \"utf-8\"\n"));
    assert!(
        draft.contains("admission_date = \"admission_date\"\n"),
        "{draft}"
    );
    w.write("data/mapping.toml", &draft);
    let with = output(&w, &["rates", "--data", "data", "--format", "csv"]);
    std::fs::remove_file(w.path("data/mapping.toml")).unwrap();
    assert_eq!(
        with,
        output(&w, &["rates", "--data", "data", "--format", "csv"])
    );
}

#[test]
fn the_bed_type_preset_is_printed_as_a_table_that_reads_the_same() {
    let w = both(None);
    let table = output(&w, &["mapping", "--preset", "mhsds-bed-type"]);
    for line in [
        "\"200\"   = \"adult_acute\"                      # Acute adult mental health care",
        "\"10\"    = \"adult_acute\"                      # (before April 2024)",
        "\"213\"   = \"adult_ld_autism_rehabilitation\"   # Adult rehabilitation for adults with a learning disability and/or autism",
        "\"38\"    = \"adult_rehabilitation\"             # (before April 2024)",
        // 37 is the old code of 213, as NHS England's pipeline pairs them (DOMAIN.md: 212).
        "\"37\"    = \"adult_ld_autism_rehabilitation\"   # (before April 2024)",
        "\"311\"   = \"cyp_inpatient\"                    # Children and young people's inpatient",
    ] {
        assert!(table.lines().any(|l| l == line), "{line}\n{table}");
    }
    // The table in place of the preset reads the export the same.
    let mapping = the_mapping().replace(
        "service_line = { column = \"BedType\", preset = \"mhsds-bed-type\" }\n",
        "",
    );
    w.write("trust/mapping.toml", &format!("{mapping}\n{table}"));
    assert_same_outputs(&w);
}

/// Runs `rates` on the trust export with `mapping` and returns the one-line error.
fn mapping_error(mapping: &str) -> String {
    let w = both(Some(mapping));
    let (code, stdout, stderr) = w.run(&["rates", "--data", "trust"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    stderr
}

#[test]
fn a_mapping_naming_a_column_the_file_lacks_is_refused() {
    let mapping = the_mapping().replace("\"OrgIDReceiving\"", "\"ReceivingOrg\"");
    assert_eq!(
        mapping_error(&mapping),
        "oapstat: error: trust/mapping.toml [placements] provider_code: column \"ReceivingOrg\" is not in trust/placements.csv (its columns: UniqWardStayID, SpellID, StartDateWardStay, EndDateWardStay, OrgIDReceiving, OOA, ReasonOAT, DistanceKm, DailyCost)\n"
    );
}

#[test]
fn a_key_that_is_not_a_contract_column_is_refused() {
    let mapping = the_mapping().replace("patient_id = \"RiO_ID\"", "nhs_number = \"RiO_ID\"");
    assert_eq!(
        mapping_error(&mapping),
        "oapstat: error: trust/mapping.toml:9: [admissions] nhs_number: not a column of the admissions extract (its columns: admission_id, patient_id, collaborative, service_line, admission_date, discharge_date, provider_code, age, gender, ethnic_category, imd_decile, lsoa)\n"
    );
}

#[test]
fn a_bad_date_format_is_refused() {
    let mapping = the_mapping().replacen("format = \"%Y%m%d\"", "format = \"%Y%m%\"", 1);
    assert_eq!(
        mapping_error(&mapping),
        "oapstat: error: trust/mapping.toml:12: [admissions] admission_date: \"%Y%m%\" is not a valid date format (chrono's strftime syntax, e.g. \"%Y%m%d\" or \"%d/%m/%Y\")\n"
    );
    let mapping = the_mapping().replacen("format = \"%Y%m%d\"", "format = \"%Y%m\"", 1);
    assert_eq!(
        mapping_error(&mapping),
        "oapstat: error: trust/mapping.toml:12: [admissions] admission_date: \"%Y%m\" does not give a whole date (it needs the year, month and day, e.g. \"%Y%m%d\")\n"
    );
}

#[test]
fn an_unknown_encoding_is_refused() {
    let mapping = the_mapping().replace("\"windows-1252\"", "\"ansi\"");
    assert_eq!(
        mapping_error(&mapping),
        "oapstat: error: trust/mapping.toml:5: [csv] encoding: unknown encoding \"ansi\" (e.g. \"utf-8\", \"windows-1252\", \"utf-16le\")\n"
    );
}

#[test]
fn other_mistakes_in_a_mapping_are_refused_with_their_entry() {
    for (from, to, expected) in [
        ("[placements]", "[placement]", "trust/mapping.toml:16: [placement]: unknown section (a mapping has [csv], [admissions] and [placements])"),
        ("\"1\" = \"yes\"", "\"1\" = \"sure\"", "trust/mapping.toml:22: [placements] out_of_area: values maps \"1\" to \"sure\", which is not a flag (expected yes or no)"),
        ("preset = \"mhsds-bed-type\"", "preset = \"bed-types\"", "trust/mapping.toml:11: [admissions] service_line: unknown preset \"bed-types\" (presets: mhsds-bed-type, nhs-ethnic-category)"),
        ("column = \"BedType\", preset", "column = \"BedType\", format = \"%Y\", preset", "trust/mapping.toml:11: [admissions] service_line: format applies to date columns only"),
        ("delimiter = \";\"", "delimiter = \";;\"", "trust/mapping.toml:4: [csv] delimiter: \";;\" is not a delimiter (expected one character, such as \",\", \";\", \"\\t\" or \"|\")"),
        ("provider_code = \"OrgIDProv\"", "provider_code = \"SpellID\"", "trust/mapping.toml:14: [admissions] provider_code: column \"SpellID\" is already the one of [admissions] admission_id"),
        ("[csv]", "[csv", "trust/mapping.toml:3: not a valid TOML mapping: unclosed table, expected `]`"),
    ] {
        assert!(the_mapping().contains(from), "{from}");
        let stderr = mapping_error(&the_mapping().replace(from, to));
        assert_eq!(stderr, format!("oapstat: error: {expected}\n"), "{from} -> {to}");
    }
}

#[test]
fn a_code_with_no_entry_is_a_finding_on_the_users_line_column_and_value() {
    let w = both(Some(&the_mapping()));
    let placements = std::fs::read(w.path("trust/placements.csv")).unwrap();
    let changed = String::from_utf8_lossy(&placements).replace("NPX02;1;14", "NPX02;3;14");
    std::fs::write(w.path("trust/placements.csv"), changed.as_bytes()).unwrap();
    let (code, stdout, _) = w.run(&["validate", "--data", "trust", "--format", "csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "file,line,rule,column,value,message\ntrust/placements.csv,3,unmapped_value,out_of_area,3,\"OOA \"\"3\"\" has no entry in the values of trust/mapping.toml [placements] out_of_area (add one, or \"\"*\"\" = ... for every other code)\"\n"
    );
    // A date not in the mapping's format names the user's column and the entry.
    let admissions = std::fs::read(w.path("trust/admissions.csv")).unwrap();
    let mut changed = admissions.clone();
    let at = admissions
        .windows(8)
        .position(|b| b == b"20240201")
        .unwrap();
    changed.splice(at..at + 8, b"01/02/24".iter().copied());
    std::fs::write(w.path("trust/admissions.csv"), changed).unwrap();
    let (_, stdout, _) = w.run(&["validate", "--data", "trust", "--format", "csv"]);
    assert!(
        stdout.contains("trust/admissions.csv,3,invalid_date,admission_date,01/02/24,\"StartDateHospProvSpell \"\"01/02/24\"\" is not a valid date (expected %Y%m%d, as trust/mapping.toml [admissions] admission_date says)\"\n"),
        "{stdout}"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_a_hint() {
    let w = both(None);
    let (code, _, stderr) = w.run(&["rates", "--data", "trust"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "oapstat: error: trust/admissions.csv:8: is not valid UTF-8 text (for a file saved by Excel or another Windows program, give a mapping with [csv] encoding = \"windows-1252\")\n"
    );
}

#[test]
fn rules_across_rows_name_the_columns_as_the_file_does() {
    let w = both(Some(&the_mapping()));
    let placements = std::fs::read(w.path("trust/placements.csv")).unwrap();
    let changed = String::from_utf8_lossy(&placements).replace("P9;A8;", "P8;A9;");
    std::fs::write(w.path("trust/placements.csv"), changed.as_bytes()).unwrap();
    let (code, stdout, _) = w.run(&["validate", "--data", "trust"]);
    assert_eq!(code, 1);
    for expected in [
        "trust/placements.csv:10: UniqWardStayID P8 is a duplicate of line 9",
        "trust/placements.csv:10: SpellID A9 is not in the admissions extract",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
}

#[test]
fn every_file_is_checked_against_the_mapping_before_any_row_is_read() {
    let w = both(Some(&the_mapping()));
    // The first placements file has a row the reader would stop at; the second lacks a column
    // the mapping names: the mapping's error comes first.
    let placements = std::fs::read(w.path("trust/placements.csv")).unwrap();
    let mut broken = placements.clone();
    broken.extend_from_slice(b"P10;A1;20240120;;NPX01;1;10;30;500;extra;fields\r\n");
    std::fs::write(w.path("trust/placements.csv"), broken).unwrap();
    let second = String::from_utf8_lossy(&placements).replace("OrgIDReceiving", "Receiver");
    std::fs::write(w.path("trust/placements-2.csv"), second.as_bytes()).unwrap();
    let (code, _, stderr) = w.run(&["rates", "--data", "trust"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("oapstat: error: trust/mapping.toml [placements] provider_code: column \"OrgIDReceiving\" is not in trust/placements-2.csv (its columns: "),
        "{stderr}"
    );
}

#[test]
fn a_header_read_as_one_column_says_how_to_read_it() {
    let w = both(None);
    let (code, stdout, _) = w.run(&[
        "validate",
        "--admissions",
        "data/admissions.csv",
        "--placements",
        "trust/placements.csv",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("trust/placements.csv:1: missing required column placement_id (found: UniqWardStayID;SpellID;StartDateWardStay;EndDateWardStay;OrgIDReceiving;OOA;ReasonOAT;DistanceKm;DailyCost; the header is one column: if the file is separated by \";\", give a mapping with [csv] delimiter = \";\")\n"),
        "{stdout}"
    );
}
