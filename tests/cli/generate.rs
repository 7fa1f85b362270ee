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
        "adult_rehabilitation",
        "adult_ld_autism",
        "mother_and_baby",
    ] {
        assert!(admissions.contains(service_line), "{service_line}");
    }
    for reason in ["10", "11", "12", "13", "14", "15", "99"] {
        assert!(rows.iter().any(|r| r[6] == reason), "reason {reason}");
    }
}

/// `generate --seed SEED --admissions N` from 2023-04-01 to 2026-10-31 into `g/`.
fn generated(w: &Workdir, seed: &str, admissions: &str) {
    let (code, _, stderr) = w.run(&[
        "generate",
        "--seed",
        seed,
        "--admissions",
        admissions,
        "--start",
        "2023-04-01",
        "--extract-date",
        "2026-10-31",
        "--out",
        "g",
    ]);
    assert_eq!(code, 0, "{stderr}");
}

/// The extract of a running service: spells already open when it starts, with their true
/// admission dates, and nothing that ended before it.
#[test]
fn the_extract_begins_in_a_running_service() {
    let w = Workdir::new();
    generated(&w, "5", "3000");
    let admissions = w.read("g/admissions.csv");
    let spells: Vec<Vec<&str>> = admissions
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let before: Vec<&Vec<&str>> = spells.iter().filter(|r| r[4] < "2023-04-01").collect();
    assert!(
        before.len() > 100,
        "{} spells admitted before the start",
        before.len()
    );
    assert!(
        before.iter().any(|r| r[4] < "2020-04-01"),
        "a long stay admitted years before"
    );
    // Open on the start date: discharged on or after it, or still open.
    assert!(spells
        .iter()
        .all(|r| r[5].is_empty() || r[5] >= "2023-04-01"));
    let placements = w.read("g/placements.csv");
    assert!(placements
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .all(|r| r[3].is_empty() || r[3] >= "2023-04-01"));
    // Ids follow time, and the extract is valid.
    assert!(spells
        .windows(2)
        .all(|p| p[0][4] <= p[1][4] && p[0][0] < p[1][0]));
    assert_eq!(w.run(&["validate", "--data", "g"]).0, 0);
    // The reports start where the extract does, not at the earliest admission.
    let rates = w.json(&["rates", "--data", "g", "--format", "json", "--quiet"]);
    assert_eq!(rates["rows"][0]["period"], "2023-04");
    assert_eq!(rates["parameters"]["from"], "2023-04-01");
}

/// The spells open when the extract starts are those of the steady state: for SWP, whose
/// generator trend is flat, the open spells at the end of the first month are those of a year
/// later within 10% (seed 5, 100,000 admissions: about 1,200 open spells, so chance moves them
/// by about 3%; without the warm-up the first month holds only its own admissions).
#[test]
fn the_extract_starts_in_the_steady_state() {
    let w = Workdir::new();
    generated(&w, "5", "100000");
    let los = w.json(&[
        "los",
        "--data",
        "g",
        "--collaborative",
        "SWP",
        "--format",
        "json",
        "--quiet",
    ]);
    let open = |period: &str| {
        los["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["period"] == period)
            .unwrap()["open_spells"]
            .as_f64()
            .unwrap()
    };
    let (start, year_later) = (open("2023-04"), open("2024-04"));
    assert!(
        (start - year_later).abs() <= 0.1 * year_later,
        "open spells {start} at the end of the first month, {year_later} a year later"
    );
}

/// The first year of the sample's charts is common-cause variation unless the generator meant a
/// change there (seed 13, 15,000 admissions: the bundled sample's). For every collaborative and
/// with limits from the whole series and from the first 12 months: bed days, median LOS, and the
/// charts of the monthly pack (OAP days, inappropriate OAP days) with OAPs active at month end;
/// the OAP measures of the collaboratives whose out-of-area use the generator moves (all but
/// SWP) may signal that change. With independent draws instead of stratified ones (see
/// `Strata` in src/generate.rs), no seed of 81 to 400 passed this.
#[test]
fn the_samples_first_year_shows_no_signal_the_generator_did_not_mean() {
    let w = Workdir::new();
    generated(&w, "13", "15000");
    for collaborative in ["CMP", "NCM", "RVW", "SWP", "TGW"] {
        for measure in [
            "oap_days",
            "inappropriate_oap_days",
            "oaps_active_end",
            "bed_days",
            "los_median",
        ] {
            let meant = collaborative != "SWP" && measure.contains("oap");
            if meant {
                continue;
            }
            for baseline in [&[][..], &["--baseline-months", "12"][..]] {
                let mut args = vec![
                    "spc",
                    "--data",
                    "g",
                    "--collaborative",
                    collaborative,
                    "--measure",
                    measure,
                    "--format",
                    "json",
                    "--quiet",
                ];
                args.extend(baseline);
                let spc = w.json(&args);
                let first_year: Vec<&str> = spc["rows"].as_array().unwrap()[..12]
                    .iter()
                    .map(|r| r["signal"].as_str().unwrap())
                    .collect();
                assert!(
                    first_year.iter().all(|s| *s == "common_cause"),
                    "{collaborative} {measure} {baseline:?}: {first_year:?}"
                );
            }
        }
    }
}

/// The admissions say who was admitted (issue 28): every spell has an age and a gender, some have
/// no recorded ethnicity or decile, every code is one of the NHS lists; `populations.csv` gives
/// each collaborative's population by group; and TGW's out-of-area spells are far more often of
/// African ethnicity than its other spells (the inequality built in: data/README.md).
#[test]
fn admissions_carry_demographics_and_populations_their_groups() {
    let w = Workdir::new();
    generated(&w, "5", "20000");
    let admissions = w.read("g/admissions.csv");
    let mut lines = admissions.lines();
    assert_eq!(
        lines.next().unwrap(),
        "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,\
         provider_code,age,gender,ethnic_category,imd_decile"
    );
    let spells: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let categories = [
        "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z", "99",
        "",
    ];
    for spell in &spells {
        let age: u32 = spell[7].parse().unwrap();
        assert!((11..=101).contains(&age), "{spell:?}");
        if spell[3] == "cyp_inpatient" {
            assert!(age < 18, "{spell:?}");
        }
        assert!(["1", "2", "3", "4", "9"].contains(&spell[8]), "{spell:?}");
        if spell[3] == "mother_and_baby" {
            assert_eq!(spell[8], "2");
        }
        assert!(categories.contains(&spell[9]), "{spell:?}");
        assert!(
            spell[10].is_empty() || (1..=10).contains(&spell[10].parse::<u32>().unwrap()),
            "{spell:?}"
        );
    }
    for code in categories {
        assert!(
            spells.iter().any(|s| s[9] == code),
            "ethnic category {code:?}"
        );
    }
    assert!(spells.iter().any(|s| s[10].is_empty()), "an unknown decile");

    // TGW's out-of-area spells: odds of African ethnicity 3.5 times those of its other spells.
    let placements = w.read("g/placements.csv");
    let away: std::collections::HashSet<&str> = placements
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|p| p[5] == "Y")
        .map(|p| p[1])
        .collect();
    let african_share = |oap: bool| {
        let group: Vec<&Vec<&str>> = spells
            .iter()
            .filter(|s| s[2] == "TGW" && away.contains(s[0]) == oap)
            .filter(|s| !["Z", "99", ""].contains(&s[9]))
            .collect();
        group.iter().filter(|s| s[9] == "N").count() as f64 / group.len() as f64
    };
    let (oap, other) = (african_share(true), african_share(false));
    assert!(
        oap > 2.5 * other,
        "African: {oap} of OAP spells, {other} of others"
    );

    // Populations: the header, the dimensions, and each dimension adding up to the population
    // of collaboratives.csv (rounded to whole people per row). By hand: England's 65 and over
    // are 10,830 of 57,740 thousand, so NCM's 2,650,000 hold 497,047 of them; TGW's 90 and over
    // 2,240,000 × 530 / 57,740 = 20,579, of whom 8.5% African: 1,748.
    let populations = w.read("g/populations.csv");
    let mut rows = populations.lines();
    assert_eq!(
        rows.next().unwrap(),
        "collaborative,dimension,group,age_band,population"
    );
    let rows: Vec<Vec<&str>> = rows.map(|l| l.split(',').collect()).collect();
    let collaboratives = w.read("g/collaboratives.csv");
    for line in collaboratives.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let (code, population) = (fields[0], fields[3].parse::<f64>().unwrap());
        for dimension in [
            "age_band",
            "gender",
            "ethnicity",
            "upper_ethnicity",
            "imd_decile",
        ] {
            let total: f64 = rows
                .iter()
                .filter(|r| r[0] == code && r[1] == dimension)
                .map(|r| r[4].parse::<f64>().unwrap())
                .sum();
            assert!(
                (total - population).abs() < 400.0,
                "{code} {dimension}: {total}"
            );
        }
    }
    assert!(rows.contains(&vec!["TGW", "ethnicity", "African", "90+", "1748"]));
    assert!(rows.contains(&vec!["NCM", "age_band", "65 or over", "all", "497047"]));
    assert!(rows
        .iter()
        .any(|r| r[1] == "imd_decile" && r[2] == "01 Most deprived" && r[3] == "0-4"));
}
