//! `oapstat generate`: deterministic, valid, and holding the awkward cases of real extracts.

use super::workdir::Workdir;

#[test]
fn same_seed_same_files_other_seed_other_files() {
    let w = Workdir::new();
    for (seed, dir) in [("3", "a"), ("3", "b"), ("4", "c")] {
        let (code, _, stderr) = w.run(&[
            "generate",
            "--seed",
            seed,
            "--admissions",
            "300",
            "--out",
            dir,
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(w.read("a/placements.csv"), w.read("b/placements.csv"));
    assert_eq!(w.read("a/admissions.csv"), w.read("b/admissions.csv"));
    assert_ne!(w.read("a/placements.csv"), w.read("c/placements.csv"));
}

#[test]
fn refuses_to_overwrite_without_force() {
    let w = Workdir::new();
    assert_eq!(
        w.run(&["generate", "--admissions", "50", "--out", "d"]).0,
        0
    );
    let before = w.read("d/admissions.csv");
    let (code, _, stderr) = w.run(&["generate", "--admissions", "60", "--out", "d"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("d/admissions.csv: already exists (pass --force to replace it)"),
        "{stderr}"
    );
    assert_eq!(w.read("d/admissions.csv"), before);
    assert_eq!(
        w.run(&["generate", "--admissions", "60", "--out", "d", "--force"])
            .0,
        0
    );
    assert_ne!(w.read("d/admissions.csv"), before);
}

#[test]
fn generated_data_is_valid_and_has_the_awkward_cases() {
    let w = Workdir::new();
    assert_eq!(
        w.run(&["generate", "--admissions", "5000", "--out", "g"]).0,
        0
    );
    let (code, stdout, _) = w.run(&["validate", "--data", "g"]);
    assert_eq!(code, 0, "{stdout}");

    let admissions = w.read("g/admissions.csv");
    let placements = w.read("g/placements.csv");
    let rows: Vec<Vec<&str>> = placements
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert!(
        admissions.contains(",2024-02-29,"),
        "a spell starts or ends on the leap day"
    );
    assert!(rows.iter().any(|r| r[2] == r[3]), "a same-day placement");
    assert!(rows.iter().any(|r| r[3].is_empty()), "an ongoing placement");
    assert!(
        rows.iter().any(|r| r[5] == "Y" && r[8].is_empty()),
        "an OAP with no recorded cost"
    );
    assert!(
        rows.iter().any(|r| r[7].is_empty()),
        "a placement with no distance"
    );
    assert!(
        rows.iter()
            .any(|r| r[7].parse::<f64>().is_ok_and(|d| d >= 300.0)),
        "a placement 300 km or more away"
    );
    assert!(
        rows.windows(2).any(|p| p[0][1] == p[1][1]),
        "a spell with several placements"
    );
    assert!(
        rows.iter()
            .any(|r| r[2] < "2024-03-31" && r[3] > "2024-04-01"),
        "a stay across a financial year end"
    );
    for service_line in [
        "adult_acute",
        "older_adult_acute",
        "picu",
        "adult_secure_medium",
        "adult_secure_low",
        "cyp_inpatient",
        "adult_eating_disorder",
    ] {
        assert!(admissions.contains(service_line), "{service_line}");
    }
    for reason in ["10", "11", "12", "13", "14", "15", "99"] {
        assert!(rows.iter().any(|r| r[6] == reason), "reason {reason}");
    }
}
