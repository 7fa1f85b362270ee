//! `oapstat summary`: the monthly pack, complete or absent, one run at a time.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::fixtures::{hand_built, hand_built_args};
use super::workdir::Workdir;

pub const PACK: [&str; 9] = [
    "summary",
    "--data",
    "data",
    "--extract-date",
    "2024-04-30",
    "--month",
    "2024-03",
    "--out",
    "reports",
];

fn hidden_entries(w: &Workdir) -> Vec<String> {
    std::fs::read_dir(w.path("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".2024-03.tmp") || n.starts_with(".2024-03.old"))
        .collect()
}

#[test]
fn pack_files_and_their_content() {
    let w = hand_built();
    let (code, stdout, stderr) = w.run(&PACK);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.is_empty() && stderr.is_empty(),
        "quiet by default: {stdout}{stderr}"
    );
    let mut files: Vec<String> = std::fs::read_dir(w.path("reports/2024-03"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "charts",
            "index.html",
            "los.csv",
            "los.json",
            "manifest.json",
            "nhs-oaps.csv",
            "nhs-oaps.json",
            "rates-rolling-3-months.csv",
            "rates-rolling-3-months.json",
            "rates.csv",
            "rates.json",
            "reinvest.csv",
            "reinvest.json",
            "spc.csv",
            "spc.json",
            "summary.md",
            "summary.xlsx"
        ]
    );
    // The headline, worked out by hand: AAA has 2 OAPs active at the end of March (P5, P6),
    // both inappropriate: 10 per 1,000,000 of its 200,000 people (OAP06); inappropriate OAP days
    // January to March are 12 + 39 + 42 (OAP02 Q); median LOS in March is 23.5.
    let md = w.read("reports/2024-03/summary.md");
    assert!(
        md.starts_with("# Out-of-area placements: monthly summary, 2024-03\n"),
        "{md}"
    );
    let aaa = md
        .lines()
        .find(|l| l.starts_with("| AAA |"))
        .expect("AAA row");
    let cells: Vec<&str> = aaa.split('|').map(str::trim).collect();
    // The collaborative's name from the reference beside its code.
    assert_eq!(cells[2], "Alpha Provider Collaborative");
    assert_eq!(cells[3], "2");
    assert_eq!(cells[4], "10");
    assert_eq!(cells[5], "93");
    // A year earlier (2023-01/2023-03) lies before the extract, which covers 2024-01-01 onwards
    // (its earliest discharge is 2024-01-15): empty, not 0, and so is the change.
    assert_eq!(cells[6], "–");
    assert_eq!(cells[7], "–");
    assert_eq!(cells[8], "23.5");
    assert_eq!(cells[9], "–");
    // Each measure's variation and assurance in words; January to March is 3 points, fewer
    // than the 7 a shift or a trend takes, and the cell says so (spc: RUN_LENGTH).
    assert!(
        md.contains("| BBB | Beta Provider Collaborative | 0 | 0 | 0 | – | – | – | – | OAP days: common cause; inappropriate OAP days: common cause; inappropriate OAPs active end: common cause (too few points for an XmR chart's shift and trend rules: 3 months, 7 needed) |"),
        "{md}"
    );
    assert!(
        cells[10].starts_with("OAP days: common cause; inappropriate OAP days: common cause;"),
        "{}",
        cells[10]
    );
    assert!(
        cells[10].ends_with(
            "(too few points for an XmR chart's shift and trend rules: 3 months, 7 needed)"
        ),
        "{}",
        cells[10]
    );
    // The summary matrix opens the Markdown, in words.
    assert!(
        md.contains("## Summary matrix, 2024-03: variation and assurance"),
        "{md}"
    );
    assert!(md.contains("| No target |"), "{md}");
    // The financial year to date (from 2023-04-01) starts before the extract too.
    assert_eq!(cells[11], "–");
    // The total: counts summed (2 + 0 active, 93 + 0 days); OAP06 recomputed over the whole
    // population, 2 ÷ 300,000 × 1,000,000 = 6.7 (not the mean of 10 and 0); the median LOS of
    // all March discharges, A1's 45 nights and A7's 2: 23.5.
    assert!(
        md.contains("| All | All collaboratives | 2 | 6.7 | 93 | – | – | 23.5 | – | – | – |\n"),
        "{md}"
    );
    // The month's NHS measures in the published layout (dates as NHS England writes them),
    // OAP02 Q equal to the headline's.
    let nhs = w.read("reports/2024-03/nhs-oaps.csv");
    assert!(nhs.starts_with("REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,"));
    assert!(
        nhs.contains("\n01/01/2024,31/03/2024,Local,Collaborative,AAA,Alpha Provider Collaborative,NONE,NONE,OAP02,Number of Inappropriate OAPs bed days in the period,93\n"),
        "{nhs}"
    );
    assert!(
        md.contains("- Empty (–) in rates-rolling-3-months: the extract covers 2024-01-01 onwards: the periods starting before it (2023-01/2023-03) are empty, not 0 or partial.\n"),
        "{md}"
    );
    assert!(
        md.contains("- Empty (–) in reinvest: the extract covers 2024-01-01 onwards: the periods starting before it (2022-23, 2023-04-01 to 2024-03-31) are empty, not 0 or partial.\n"),
        "{md}"
    );
    // The same emptiness in the machine files: null in JSON, empty in CSV.
    let rolling: Value =
        serde_json::from_str(&w.read("reports/2024-03/rates-rolling-3-months.json")).unwrap();
    let earlier = rolling["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["collaborative"] == "AAA" && r["period"] == "2023-01/2023-03")
        .unwrap();
    assert!(earlier["inappropriate_oap_days"].is_null(), "{earlier}");
    assert_eq!(earlier["population"], 200_000);
    assert_eq!(
        rolling["empty_values"]["periods_before_the_extract_starts"],
        serde_json::json!(["2023-01/2023-03"])
    );
    let csv = w.read("reports/2024-03/rates-rolling-3-months.csv");
    assert!(
        csv.contains("\nAAA,2023-01/2023-03,2023-01-01,2023-03-31,,,,"),
        "{csv}"
    );

    let manifest: Value = serde_json::from_str(&w.read("reports/2024-03/manifest.json")).unwrap();
    assert_eq!(manifest["month"], "2024-03");
    assert_eq!(manifest["suppression"]["applied"], false);
    let placements = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["extract"] == "placements")
        .unwrap();
    assert_eq!(placements["rows_read"], 9);
    assert_eq!(placements["rows_rejected"], 0);
    let bytes = std::fs::read(w.path("data/placements.csv")).unwrap();
    assert_eq!(
        placements["sha256"],
        format!("{:x}", Sha256::digest(&bytes))
    );
    assert_eq!(placements["size_bytes"], bytes.len());
    for file in manifest["files"].as_array().unwrap() {
        let bytes = std::fs::read(w.path(&format!(
            "reports/2024-03/{}",
            file["name"].as_str().unwrap()
        )))
        .unwrap();
        assert_eq!(
            file["sha256"],
            format!("{:x}", Sha256::digest(&bytes)),
            "{file}"
        );
    }
    let rates: Value = serde_json::from_str(&w.read("reports/2024-03/rates.json")).unwrap();
    assert_eq!(rates["rows"].as_array().unwrap().len(), 6); // 2 collaboratives × January to March
    assert!(hidden_entries(&w).is_empty());

    // Charts: the five Making Data Count measures (OAP days, inappropriate OAP days,
    // inappropriate OAPs active at month end, median LOS, the share of bed days out of area) per
    // collaborative, also inline in a self-contained index.html, which opens with the summary
    // matrix linking to them.
    let mut charts: Vec<String> = std::fs::read_dir(w.path("reports/2024-03/charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    charts.sort();
    assert_eq!(charts.len(), 10);
    assert_eq!(charts[0], "inappropriate_oap_days-AAA.svg");
    let index = w.read("reports/2024-03/index.html");
    assert_eq!(index.matches("<figure id=\"chart-").count(), 10);
    assert!(index.find("class=\"matrix\"") < index.find("<h2>Headline</h2>"));
    assert!(index.contains("<a href=\"#chart-oap_days-AAA\""));
    assert!(index.contains("<figure id=\"chart-oap_days-AAA\">"));
    assert!(index.contains("<th scope=\"row\">AAA</th>"));
    // The headline table takes the window's width (at 960 px its money column was cut off
    // behind a scrollbar on a desktop); the prose and charts stay at a reading width.
    assert!(index.contains("<div class=\"table-wrap headline\"><table>"));
    assert!(index.contains("body > * { max-width: 960px;"));
    assert!(index.contains("body > .headline { max-width: none; }"));
    for external in ["http://", "https://", "<script", "<link", "@import", "src="] {
        let outside_svg_namespace = index.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(
            !outside_svg_namespace.contains(external),
            "index.html refers to {external}"
        );
    }
}

#[test]
fn a_pack_without_local_costs_is_written_without_its_reinvestment_section() {
    let w = hand_built();
    std::fs::remove_file(w.path("data/local_costs.csv")).unwrap();
    let (code, _, stderr) = w.run(&PACK);
    assert_eq!(code, 0, "{stderr}");
    let why = "not estimated: no local daily costs were given (--local-costs, or local_costs.csv in the --data folder)";
    assert!(!w.path("reports/2024-03/reinvest.json").exists());
    assert!(!w.path("reports/2024-03/reinvest.csv").exists());
    let md = w.read("reports/2024-03/summary.md");
    let aaa = md.lines().find(|l| l.starts_with("| AAA |")).unwrap();
    assert!(aaa.ends_with(&format!("| {why} |")), "{aaa}");
    assert!(md.contains(&format!("- Reinvestment: {why}.")), "{md}");
    assert!(!md.contains("reinvest.csv"), "{md}");
    let index = w.read("reports/2024-03/index.html");
    assert!(
        index.contains(&format!("<li>Reinvestment: {why}.</li>")),
        "{index}"
    );
    let manifest: Value = serde_json::from_str(&w.read("reports/2024-03/manifest.json")).unwrap();
    assert_eq!(manifest["reinvestment"]["estimated"], false);
    assert_eq!(manifest["reinvestment"]["reason"], why);
    assert!(manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| !f["name"].as_str().unwrap().starts_with("reinvest")));
    // With local costs, the manifest says the reinvestment was estimated.
    let with = hand_built();
    assert_eq!(with.run(&PACK).0, 0);
    let manifest: Value =
        serde_json::from_str(&with.read("reports/2024-03/manifest.json")).unwrap();
    assert_eq!(manifest["reinvestment"]["estimated"], true);
}

#[test]
fn a_pack_with_local_beds_has_a_capacity_section() {
    let w = hand_built();
    w.write(
        "data/local_beds.csv",
        "collaborative,service_line,beds\nAAA,adult_acute,1\n",
    );
    let (code, _, stderr) = w.run(&PACK);
    assert_eq!(code, 0, "{stderr}");
    // March 2024 closes the 2023-24 financial year: its capacity, as `oapstat capacity` gives it.
    let pack: Value = serde_json::from_str(&w.read("reports/2024-03/capacity.json")).unwrap();
    let alone = w.json(&hand_built_args("capacity", &["--baseline", "2023-24"]));
    assert_eq!(pack["rows"], alone["rows"]);
    let md = w.read("reports/2024-03/summary.md");
    assert!(md.contains("\n## Local beds, 2023-24: "), "{md}");
    assert!(md.contains("- AAA adult_acute: nightly demand "), "{md}");
    assert!(w
        .read("reports/2024-03/index.html")
        .contains("<h2>Local beds, 2023-24: "));
    let manifest: Value = serde_json::from_str(&w.read("reports/2024-03/manifest.json")).unwrap();
    assert_eq!(manifest["capacity"]["included"], true);
    // Suppressed, the pack leaves it out and says why.
    let mut suppressed = PACK.to_vec();
    suppressed.extend(["--suppress", "--force"]);
    assert_eq!(w.run(&suppressed).0, 0);
    assert!(!w.path("reports/2024-03/capacity.json").exists());
    assert!(w
        .read("reports/2024-03/summary.md")
        .contains("- Not in a suppressed pack"));
}

#[test]
fn a_second_run_refuses_without_force_and_leaves_the_pack_unchanged() {
    let w = hand_built();
    assert_eq!(w.run(&PACK).0, 0);
    let before = w.read("reports/2024-03/manifest.json");
    let (code, stdout, stderr) = w.run(&PACK);
    assert_eq!(code, 4);
    assert!(stdout.is_empty());
    assert_eq!(stderr, "oapstat: error: reports/2024-03 already exists (a complete pack); pass --force to replace it\n");
    assert_eq!(w.read("reports/2024-03/manifest.json"), before);

    let mut forced = PACK.to_vec();
    forced.extend(["--force", "--reinvest-share", "0.5"]);
    let (code, _, stderr) = w.run(&forced);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(w.read("reports/2024-03/manifest.json"), before);
    assert!(hidden_entries(&w).is_empty());
}

#[test]
fn a_killed_run_leaves_no_pack_and_the_next_run_cleans_up() {
    let w = hand_built();
    let output = w
        .oapstat(&PACK)
        .env("OAPSTAT_SUMMARY_CRASH_AFTER_FILES", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(70));
    assert!(
        !w.path("reports/2024-03").exists(),
        "no pack after a killed run"
    );
    assert_eq!(
        hidden_entries(&w).len(),
        1,
        "the killed run's temporary folder"
    );

    let (code, _, stderr) = w.run(&PACK);
    assert_eq!(code, 0, "{stderr}");
    assert!(w.path("reports/2024-03/manifest.json").exists());
    assert!(hidden_entries(&w).is_empty(), "{:?}", hidden_entries(&w));
}

#[test]
fn a_concurrent_run_is_refused_with_the_lock_message() {
    let w = hand_built();
    std::fs::create_dir(w.path("reports")).unwrap();
    // Another run holds the output folder's lock.
    let lock = std::fs::File::create(w.path("reports/.oapstat-summary.lock")).unwrap();
    lock.try_lock().unwrap();
    let (code, stdout, stderr) = w.run(&PACK);
    assert_eq!(code, 3);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        "oapstat: error: another oapstat summary is writing to reports (lock reports/.oapstat-summary.lock is held); try again when it has finished\n"
    );
    assert!(!w.path("reports/2024-03").exists());
    drop(lock);
    assert_eq!(w.run(&PACK).0, 0);
}

#[test]
fn two_runs_at_once_one_wins() {
    let w = hand_built();
    let spawn = || {
        w.oapstat(&PACK)
            .env("OAPSTAT_SUMMARY_CRASH_AFTER_FILES", "")
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    let mut codes = [a.status.code().unwrap(), b.status.code().unwrap()];
    codes.sort();
    // One writes the pack; the other finds the lock held (3) or, if it came second, the pack (4).
    assert_eq!(codes[0], 0);
    assert!(codes[1] == 3 || codes[1] == 4, "{codes:?}");
    assert!(w.path("reports/2024-03/manifest.json").exists());
}

#[test]
fn month_last_counts_from_as_of() {
    let w = hand_built();
    let (code, _, stderr) = w.run(&[
        "summary",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--month",
        "last",
        "--as-of",
        "2024-04-15",
        "--out",
        "reports",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(w.path("reports/2024-03/summary.md").exists());
    let manifest: Value = serde_json::from_str(&w.read("reports/2024-03/manifest.json")).unwrap();
    assert_eq!(manifest["parameters"]["as_of"], "2024-04-15");
    // The last complete month before 2024-05-31 is May, which the extract does not cover.
    let (code, _, stderr) = w.run(&[
        "summary",
        "--data",
        "data",
        "--extract-date",
        "2024-04-30",
        "--month",
        "last",
        "--as-of",
        "2024-06-01",
        "--out",
        "reports",
    ]);
    assert_eq!(code, 2);
    // It says which month the extract does cover, and what to type.
    assert_eq!(stderr, "oapstat: error: the extract (extract date 2024-04-30) does not cover 2024-05 (--month last: the last complete month before 2024-06-01), which ends on 2024-05-31: its last complete month is 2024-04; give --month 2024-04 (or --month latest), or wait for an extract that covers 2024-05\n");
}

#[test]
fn month_latest_is_the_extracts_last_complete_month_and_verbose_prints_the_counts_line() {
    let w = hand_built();
    // Extract date 2024-04-15: April is incomplete, so the latest complete month is March.
    let (code, _, stderr) = w.run(&[
        "summary",
        "--data",
        "data",
        "--extract-date",
        "2024-04-15",
        "--month",
        "latest",
        "--out",
        "reports",
        "-v",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(w.path("reports/2024-03/summary.md").exists());
    assert!(
        stderr.contains("rows read")
            && stderr.contains("extract date 2024-04-15 (given with --extract-date)"),
        "{stderr}"
    );
    let (code, _, stderr) = w.run(&[
        "summary",
        "--data",
        "data",
        "--month",
        "latest",
        "--as-of",
        "2024-04-15",
        "--out",
        "reports",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--as-of goes with --month last"),
        "{stderr}"
    );
}

#[test]
fn suppression_applies_to_the_whole_pack_and_says_so() {
    let w = hand_built();
    let mut args = PACK.to_vec();
    args.push("--suppress");
    assert_eq!(w.run(&args).0, 0);
    let md = w.read("reports/2024-03/summary.md");
    assert!(md.contains("**Small-number suppression applied:**"), "{md}");
    let aaa = md.lines().find(|l| l.starts_with("| AAA |")).unwrap();
    let cells: Vec<&str> = aaa.split('|').map(str::trim).collect();
    assert_eq!(cells[3], "*"); // 2 OAPs active
    assert_eq!(cells[4], "*"); // their rate per 1,000,000
    assert_eq!(cells[5], "95"); // 93 rounded to 5
                                // The total row is suppressed as well: 2 active, 93 days.
    let all = md.lines().find(|l| l.starts_with("| All |")).unwrap();
    assert!(
        all.starts_with("| All | All collaboratives | * | * | 95 |"),
        "{all}"
    );
    let nhs = w.read("reports/2024-03/nhs-oaps.csv");
    assert!(nhs.contains(",AAA,Alpha Provider Collaborative,NONE,NONE,OAP02,Number of Inappropriate OAPs bed days in the period,95\n"));
    assert!(nhs.contains(",AAA,Alpha Provider Collaborative,NONE,NONE,OAP03,Number of Inappropriate OAPs active at the end of the period,*\n"));
    // Chart values of counts are suppressed as counts; median LOS is not a count.
    let spc: Value = serde_json::from_str(&w.read("reports/2024-03/spc.json")).unwrap();
    let march = |measure: &str| {
        spc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["collaborative"] == "AAA" && r["measure"] == measure && r["period"] == "2024-03"
            })
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(march("inappropriate_oap_days"), 40.0); // 42 rounded to 5
    assert_eq!(march("los_median"), 23.5);
    let manifest: Value = serde_json::from_str(&w.read("reports/2024-03/manifest.json")).unwrap();
    assert_eq!(manifest["suppression"]["applied"], true);
    for name in ["rates", "los", "reinvest", "spc", "rates-rolling-3-months"] {
        let doc: Value =
            serde_json::from_str(&w.read(&format!("reports/2024-03/{name}.json"))).unwrap();
        assert_eq!(doc["suppression"]["applied"], true, "{name}");
    }
}

#[test]
fn print_writes_the_summary_to_standard_output() {
    let w = hand_built();
    let mut args = PACK.to_vec();
    args.push("--print");
    let (code, stdout, _) = w.run(&args);
    assert_eq!(code, 0);
    assert_eq!(stdout, w.read("reports/2024-03/summary.md"));
}

#[test]
fn invalid_input_is_one_line_and_writes_nothing() {
    let w = hand_built();
    let placements = w.read("data/placements.csv") + "P10,A99,2024-02-01,,R01,N,,5,\n";
    w.write("data/placements.csv", &placements);
    let (code, stdout, stderr) = w.run(&PACK);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("the input has 1 problem in 1 row (first: data/placements.csv:11: admission_id A99 is not in the admissions extract)"), "{stderr}");
    assert!(!w.path("reports/2024-03").exists());
}

#[test]
fn a_pack_given_published_files_compares_with_england() {
    let w = hand_built();
    w.write(
        "MHSDS Data_OAPs_MarFinal_2024.csv",
        "REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,PRIMARY_LEVEL,PRIMARY_LEVEL_DESCRIPTION,SECONDARY_LEVEL,SECONDARY_LEVEL_DESCRIPTION,MEASURE_ID,MEASURE_NAME,MEASURE_VALUE\n\
2024-03-01,2024-03-31,Final,England,England,England,NONE,NONE,OAP06,\"Rate of Inappropriate OAPs active at the end of the period per 1,000,000 of the population\",7.5\n",
    );
    let mut args = PACK.to_vec();
    args.extend([
        "--published",
        "MHSDS Data_OAPs_MarFinal_2024.csv",
        "--population",
        "England=56000000",
    ]);
    let (code, _, stderr) = w.run(&args);
    assert_eq!(code, 0, "{stderr}");
    // AAA: P5 and P6 inappropriate and open on 31 March, 2 among 200,000: 10 per million.
    let csv = w.read("reports/2024-03/benchmark.csv");
    assert!(csv.contains(",OAP06,"), "{csv}");
    assert!(
        csv.contains(
            ",collaborative,Collaborative,AAA,Alpha Provider Collaborative,10,false,200000,10\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(",england,England,England,England,7.5,false,56000000,7.5\n"),
        "{csv}"
    );
    let svg = w.read("reports/2024-03/charts/benchmark-OAP06.svg");
    assert!(svg.contains("England: 2024-03 7.5."), "{svg}");
    let md = w.read("reports/2024-03/summary.md");
    assert!(md.contains("Beside England:"), "{md}");
    let manifest: Value = serde_json::from_str(&w.read("reports/2024-03/manifest.json")).unwrap();
    let names: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"benchmark.csv") && names.contains(&"charts/benchmark-OAP06.svg"));

    // A suppressed pack leaves the comparison out, and says so.
    args.extend(["--suppress", "--force"]);
    assert_eq!(w.run(&args).0, 0);
    assert!(!w.path("reports/2024-03/benchmark.csv").exists());
    assert!(w
        .read("reports/2024-03/summary.md")
        .contains("Beside England: not in a suppressed pack"));
}

#[test]
fn an_extract_starting_in_june_2026_has_no_year_earlier_figures_in_its_pack() {
    // Issue 31: a trust export starting June 2026, pack for 2026-10: the column for 2025-08 to
    // 2025-10 read 0.
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&[
        "generate",
        "--out",
        "data",
        "--start",
        "2026-06-01",
        "--extract-date",
        "2026-10-31",
        "--admissions",
        "1500",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = w.run(&[
        "summary", "--data", "data", "--month", "2026-10", "--out", "packs",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let md = w.read("packs/2026-10/summary.md");
    let rows: Vec<Vec<&str>> = md
        .lines()
        .skip_while(|l| *l != "## Headline")
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Collaborative"))
        .map(|l| l.split('|').map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), 6, "{md}"); // five collaboratives and all together
    for cells in &rows {
        // The same 3 months a year earlier, the change, the median LOS a year earlier and the
        // money of a financial year begun before the extract: empty, never 0.
        assert_eq!(cells[6], "–", "{md}");
        assert_eq!(cells[7], "–", "{md}");
        assert_eq!(cells[9], "–", "{md}");
        assert_eq!(cells[11], "–", "{md}");
        // This year's 3 months are covered: a number.
        assert!(cells[5].replace(',', "").parse::<u64>().is_ok(), "{md}");
    }
    assert!(
        md.contains("the periods starting before it (2025-08/2025-10) are empty, not 0 or partial"),
        "{md}"
    );
    let rolling: Value =
        serde_json::from_str(&w.read("packs/2026-10/rates-rolling-3-months.json")).unwrap();
    for row in rolling["rows"].as_array().unwrap() {
        if row["period"] == "2025-08/2025-10" {
            assert!(row["inappropriate_oap_days"].is_null(), "{row}");
        }
    }
}

/// A reference without a population for a collaborative (a trust's export, tests/data/
/// trust-export, has none): its OAP06 is empty, and the pack says why beside the other empty
/// cells' notes.
#[test]
fn an_oap06_empty_for_want_of_a_population_is_said_so() {
    let w = hand_built();
    w.write(
        "data/collaboratives.csv",
        "collaborative,name,lead_provider,population\nAAA,Alpha Provider Collaborative,RAA,\nBBB,Beta Provider Collaborative,RBB,100000\n",
    );
    let (code, _, stderr) = w.run(&PACK);
    assert_eq!(code, 0, "{stderr}");
    let md = w.read("reports/2024-03/summary.md");
    let aaa = md.lines().find(|l| l.starts_with("| AAA |")).unwrap();
    assert_eq!(aaa.split('|').map(str::trim).nth(4), Some("–"), "{aaa}");
    let note = "Empty (–) in the headline's OAP06: the reference (collaboratives.csv) gives no population for AAA, and OAP06 is per 1,000,000 people";
    assert!(md.contains(&format!("- {note}")), "{md}");
    assert!(w.read("reports/2024-03/index.html").contains(note));
    // With every population given, no such note.
    let w = hand_built();
    assert_eq!(w.run(&PACK).0, 0);
    assert!(!w
        .read("reports/2024-03/summary.md")
        .contains("OAP06: the reference"));
}
