//! A data folder whose extracts are named as a trust's system names them (issue 31, item 7): the
//! mapping's `files` says which files are which.

use std::path::Path;

use super::fixtures::{COLLABORATIVES, LOCAL_COSTS};
use super::workdir::Workdir;

const EXPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/trust-export");

/// `tests/data/trust-export` as `trust/`, its files renamed `Spells_2024-04.csv` and
/// `WardStays_2024-04.csv`, and `files` entries, as given, added to its mapping.
fn renamed(admissions_files: &str, placements_files: &str) -> Workdir {
    let w = Workdir::new();
    std::fs::create_dir(w.path("trust")).unwrap();
    for (from, to) in [
        ("admissions.csv", "Spells_2024-04.csv"),
        ("placements.csv", "WardStays_2024-04.csv"),
    ] {
        std::fs::copy(Path::new(EXPORT).join(from), w.path(&format!("trust/{to}"))).unwrap();
    }
    let mapping = std::fs::read_to_string(Path::new(EXPORT).join("mapping.toml"))
        .unwrap()
        .replace(
            "[admissions]\n",
            &format!("[admissions]\n{admissions_files}\n"),
        )
        .replace(
            "[placements]\n",
            &format!("[placements]\n{placements_files}\n"),
        );
    w.write("trust/mapping.toml", &mapping)
        .write("trust/collaboratives.csv", COLLABORATIVES)
        .write("trust/local_costs.csv", LOCAL_COSTS);
    w
}

#[test]
fn the_mapping_says_which_files_of_the_folder_are_the_extracts() {
    let w = renamed("files = \"Spells_*.csv\"", "files = \"WardStays_*.csv\"");
    let args = [
        "rates",
        "--data",
        "trust",
        "--extract-date",
        "2024-04-30",
        "--format",
        "json",
        "--quiet",
    ];
    let doc = w.json(&args);
    let files: Vec<&str> = doc["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["trust/Spells_2024-04.csv", "trust/WardStays_2024-04.csv"]
    );
    // The same figures as the export under its usual names (which the mapping tests compare with
    // the hand-built extracts).
    let plain = Workdir::new();
    std::fs::create_dir(plain.path("trust")).unwrap();
    for name in ["admissions.csv", "placements.csv", "mapping.toml"] {
        std::fs::copy(
            Path::new(EXPORT).join(name),
            plain.path(&format!("trust/{name}")),
        )
        .unwrap();
    }
    plain
        .write("trust/collaboratives.csv", COLLABORATIVES)
        .write("trust/local_costs.csv", LOCAL_COSTS);
    assert_eq!(plain.json(&args)["rows"], doc["rows"]);
    // Without the entries, the folder holds no extract by the usual names.
    let (code, _, stderr) = renamed("", "").run(&["validate", "--data", "trust"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no admissions extract"), "{stderr}");
}

#[test]
fn a_pattern_that_matches_nothing_names_the_mapping_entry() {
    let w = renamed("files = \"Spells_*.csv\"", "files = \"Stays_*.csv\"");
    let (code, _, stderr) = w.run(&["validate", "--data", "trust"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "trust/mapping.toml:18: [placements] files: \"Stays_*.csv\" matches no file in trust"
        ),
        "{stderr}"
    );
    let w = renamed("files = 7", "");
    let (code, _, stderr) = w.run(&["validate", "--data", "trust"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("trust/mapping.toml:8: [admissions] files: expected a file name or glob pattern in quotes"),
        "{stderr}"
    );
}

#[test]
fn a_drafted_mapping_names_files_not_named_as_expected() {
    let w = renamed("", "");
    let (code, draft, stderr) = w.run(&[
        "mapping",
        "--suggest",
        "trust/Spells_2024-04.csv",
        "trust/WardStays_2024-04.csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        draft.contains("[admissions]  # from trust/Spells_2024-04.csv\nfiles = \"Spells_*-*.csv\"  # the files of the --data folder that are the admissions extract (a glob pattern)\n"),
        "{draft}"
    );
    assert!(
        draft.contains("\nfiles = \"WardStays_*-*.csv\"  # the files"),
        "{draft}"
    );
    // Files named as expected need no such line.
    let (_, draft, _) = w.run(&[
        "mapping",
        "--suggest",
        &format!("{EXPORT}/admissions.csv"),
        &format!("{EXPORT}/placements.csv"),
    ]);
    assert!(!draft.contains("files = "), "{draft}");
}
