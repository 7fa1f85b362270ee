//! `oapstat published`: the real Clinical Audit Platform files of October to December 2016
//! (tests/data/nhs-oap-open-data, Open Government Licence v3.0, see its README) and a fixture in
//! the MHSDS-era layout (tests/data/mhsds: as downloaded, and in `iso/` with ISO dates).

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
    // M, Q and Y by their start dates, the same end; the period's length says which.
    let y = find(&rounded, "England", "England", "OAP01", "2025-11-01");
    assert_eq!(y["value"], 5310.0);
    assert_eq!(y["period_end"], "2026-10-31");
    assert_eq!(y["period"], "Y");
    assert_eq!(
        find(&rounded, "England", "England", "OAP01", "2026-08-01")["period"],
        "Q"
    );
    assert_eq!(
        find(&rounded, "England", "England", "OAP01", "2026-10-01")["period"],
        "M"
    );
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
    assert!(stdout.contains("\n2017-03-01,2017-03-31,M,oaps.csv,cap,England,England,,,,,OAPs started in period,oaps_started,12,false\n"), "{stdout}");
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
        stdout
            .contains("\n2017-02-01,2017-02-28,M,oaps-open-data-apr-2017.csv,cap,England,England,"),
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

/// The rows of `published FILE --format json` without `source_file`.
fn rows_without_source(w: &Workdir, file: &str) -> Vec<Value> {
    let doc = w.json(&["published", file, "--format", "json", "--quiet"]);
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.as_object_mut().unwrap().remove("source_file");
            r
        })
        .collect()
}

#[test]
fn dates_as_downloaded_and_as_iso_give_the_same_table() {
    let w = Workdir::new();
    for name in [
        "MHSDS Data_OAPs_OctPrf_2026.csv",
        "MHSDS Data_OAPs_OctPrf_2026_RAW.csv",
    ] {
        let downloaded = format!("{MHSDS}/{name}");
        let iso = format!("{MHSDS}/iso/{name}");
        // The fixture is in the downloaded form: BOM, CRLF, DD/MM/YYYY, quoted where a comma is.
        let bytes = std::fs::read(&downloaded).unwrap();
        assert!(bytes.starts_with("\u{feff}REPORTING_PERIOD_START,".as_bytes()));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("01/10/2026,31/10/2026,Performance,England,"));
        assert_eq!(text.matches("\r\n").count(), text.lines().count());
        assert!(text.contains(",\"Rate of Inappropriate OAPs active at the end of the period per 1,000,000 of the population\",7.62\r\n"));
        assert!(std::fs::read_to_string(&iso)
            .unwrap()
            .contains("\n2026-10-01,2026-10-31,Performance,"));
        let (a, b) = (
            rows_without_source(&w, &downloaded),
            rows_without_source(&w, &iso),
        );
        assert_eq!(a.len(), text.lines().count() - 1, "{name}");
        assert_eq!(a, b, "{name}");
    }
}

/// An MHSDS-layout file with these data lines.
fn mhsds_file(w: &Workdir, name: &str, lines: &[&str]) {
    let header = "REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,PRIMARY_LEVEL,PRIMARY_LEVEL_DESCRIPTION,SECONDARY_LEVEL,SECONDARY_LEVEL_DESCRIPTION,MEASURE_ID,MEASURE_NAME,MEASURE_VALUE";
    w.write(name, &format!("{header}\n{}\n", lines.join("\n")));
}

#[test]
fn a_date_in_neither_form_or_in_the_other_form_of_its_column_is_named() {
    let w = Workdir::new();
    let row = |start: &str, end: &str| {
        format!("{start},{end},Final,England,England,England,NONE,NONE,OAP01,Number of Inappropriate new OAPs started in the period,400")
    };
    mhsds_file(
        &w,
        "MHSDS Data_OAPs_Mar_2024.csv",
        &[
            &row("01/03/2024", "31/03/2024"),
            &row("March 2024", "31/03/2024"),
        ],
    );
    let (code, _, stderr) = w.run(&["published", "MHSDS Data_OAPs_Mar_2024.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("MHSDS Data_OAPs_Mar_2024.csv:3: REPORTING_PERIOD_START \"March 2024\" is not a date (expected DD/MM/YYYY, the form of this column from line 2: one form per column)"),
        "{stderr}"
    );
    // The same in a file as NHS England's downloads are (a BOM, CRLF endings, a quoted name with
    // a comma): the lines named are the file's own (the csv crate alone counts one short per
    // CRLF line).
    let header = "REPORTING_PERIOD_START,REPORTING_PERIOD_END,STATUS,BREAKDOWN,PRIMARY_LEVEL,PRIMARY_LEVEL_DESCRIPTION,SECONDARY_LEVEL,SECONDARY_LEVEL_DESCRIPTION,MEASURE_ID,MEASURE_NAME,MEASURE_VALUE";
    let quoted = "01/03/2024,31/03/2024,Final,England,England,England,NONE,NONE,OAP05,\"Rate of Inappropriate new OAPs started in the period per 1,000,000 of the population\",7";
    w.write(
        "MHSDS Data_OAPs_Feb_2024.csv",
        &format!(
            "\u{feff}{header}\r\n{quoted}\r\n{}\r\n{}\r\n",
            row("01/03/2024", "31/03/2024"),
            row("2024-03-01", "31/03/2024")
        ),
    );
    let (code, _, stderr) = w.run(&["published", "MHSDS Data_OAPs_Feb_2024.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("MHSDS Data_OAPs_Feb_2024.csv:4: REPORTING_PERIOD_START \"2024-03-01\" is not a date (expected DD/MM/YYYY, the form of this column from line 2: one form per column)"),
        "{stderr}"
    );
    mhsds_file(
        &w,
        "MHSDS Data_OAPs_Apr_2024.csv",
        &[
            &row("01/04/2024", "30/04/2024"),
            &row("01/04/2024", "2024-04-30"),
        ],
    );
    let (code, _, stderr) = w.run(&["published", "MHSDS Data_OAPs_Apr_2024.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("MHSDS Data_OAPs_Apr_2024.csv:3: REPORTING_PERIOD_END \"2024-04-30\" is not a date (expected DD/MM/YYYY, the form of this column from line 2"),
        "{stderr}"
    );
    mhsds_file(
        &w,
        "MHSDS Data_OAPs_May_2024.csv",
        &[&row("2024-05-01", "31 May")],
    );
    let (code, _, stderr) = w.run(&["published", "MHSDS Data_OAPs_May_2024.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("MHSDS Data_OAPs_May_2024.csv:2: REPORTING_PERIOD_END \"31 May\" is not a date (expected DD/MM/YYYY as downloaded, or YYYY-MM-DD)"),
        "{stderr}"
    );
}

#[test]
fn a_file_of_another_measure_family_says_so_never_a_date_error() {
    let w = Workdir::new();
    // The first lines of NHS England's MHSDS Data_4WW_AugPerf_2024.csv, in its own form.
    let line = |id: &str, value: &str| {
        format!("01/06/2024,31/08/2024,Performance,England,England,England,NONE,NONE,{id},\"Referrals, waiting\",{value}")
    };
    let ids = [
        "MRS01", "MRS02", "MRS03", "MRS04", "MRS05", "MRS06", "MRS07",
    ];
    let lines: Vec<String> = ids.iter().map(|id| line(id, "*")).collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    mhsds_file(&w, "MHSDS Data_4WW_AugPerf_2024.csv", &lines);
    let (code, stdout, stderr) = w.run(&["published", "MHSDS Data_4WW_AugPerf_2024.csv"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr.trim_end(),
        "oapstat: error: MHSDS Data_4WW_AugPerf_2024.csv: holds no OAP measures (MEASURE_ID OAP01…OAP11a): its measures are MRS01, MRS02, MRS03, MRS04, MRS05, … (7 in all); it is another part of NHS England's Mental Health Services Monthly Statistics, and oapstat published reads the OAP files"
    );
    // Even with a date no reader could take, the family is what is said.
    mhsds_file(
        &w,
        "MHSDS Data_4WW_SepPerf_2024.csv",
        &[&line("MRS01", "3").replace("01/06/2024", "June")],
    );
    let (code, _, stderr) = w.run(&["published", "MHSDS Data_4WW_SepPerf_2024.csv"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("holds no OAP measures"), "{stderr}");
    assert!(stderr.contains("its measures are MRS01;"), "{stderr}");
    assert!(!stderr.contains("not a date"), "{stderr}");
}

#[test]
fn an_empty_file_says_it_is_empty() {
    let w = Workdir::new();
    for (name, content) in [
        ("zero.csv", ""),
        ("bom.csv", "\u{feff}"),
        ("newlines.csv", "\r\n\n\r\n"),
        ("bom-newlines.csv", "\u{feff}\n\n"),
    ] {
        w.write(name, content);
        let (code, _, stderr) = w.run(&["published", name]);
        assert_eq!(code, 2, "{name}");
        assert_eq!(
            stderr.trim_end(),
            format!("oapstat: error: {name}: the file is empty: no header and no rows (expected a published OAP file)"),
            "{name}"
        );
    }
}

#[test]
fn the_table_shows_each_period_and_counts_without_a_point() {
    let w = Workdir::new();
    let rounded = format!("{MHSDS}/MHSDS Data_OAPs_OctPrf_2026.csv");
    let (code, stdout, stderr) = w.run(&["published", &rounded, "-q"]);
    assert_eq!(code, 0, "{stderr}");
    let england: Vec<Vec<&str>> = stdout
        .lines()
        .filter(|l| l.contains(" OAP01 ") && l.contains("┆ England ") && !l.contains("Bed Type"))
        .map(|l| {
            l.trim_matches(|c| c == '│' || c == ' ')
                .split('┆')
                .map(str::trim)
                .collect()
        })
        .collect();
    // England's OAP01 for October 2026, the 3 months and the 12 months: told apart by Period.
    let period_and_value: Vec<(&str, &str)> = england.iter().map(|c| (c[0], c[5])).collect();
    assert_eq!(
        period_and_value,
        [
            ("2026-10 M", "412"),
            ("2026-10 Q", "1,275"),
            ("2026-10 Y", "5,310")
        ],
        "{stdout}"
    );
    assert!(stdout.lines().next().is_some_and(|l| l.contains("┬")));
    assert!(stdout.contains("│ Period    ┆ Breakdown"), "{stdout}");
    assert!(!stdout.contains(".0 "), "{stdout}");
    // A rate keeps its decimals.
    assert!(stdout.contains("┆ OAP06   ┆   7.6 │"), "{stdout}");
}

/// The cells of the table's lines holding all of `parts`.
fn table_rows(stdout: &str, parts: &[&str]) -> Vec<Vec<String>> {
    stdout
        .lines()
        .filter(|l| l.starts_with('│') && parts.iter().all(|p| l.contains(p)))
        .map(|l| {
            l.trim_matches(|c| c == '│' || c == ' ')
                .split('┆')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn the_table_tells_months_files_and_secondary_levels_apart() {
    let w = Workdir::new();
    // England's OAPs active at the end were 528 in both November and December 2016: the
    // period says which month.
    let (nov, dec) = (cap("nov"), cap("dec"));
    let (code, stdout, stderr) = w.run(&["published", &nov, &dec, "-q"]);
    assert_eq!(code, 0, "{stderr}");
    let rows = table_rows(&stdout, &["┆ England ", " oaps_active_end "]);
    let england: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|c| c[2] == "England" && c[4].is_empty())
        .map(|c| (c[0].as_str(), c[1].as_str(), c[6].as_str()))
        .collect();
    assert_eq!(
        england,
        [("2016-11 M", "1", "528"), ("2016-12 M", "2", "528")],
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("File 1: {nov} (cap, 2016-11).")),
        "{stdout}"
    );

    // The rounded and _RAW files hold the same rows: the file's number says which, a note
    // names each with its variant; a bed type row shows the bed type; `*` as published.
    let rounded = format!("{MHSDS}/MHSDS Data_OAPs_OctPrf_2026.csv");
    let raw = format!("{MHSDS}/MHSDS Data_OAPs_OctPrf_2026_RAW.csv");
    let table = |files: &[&str]| {
        let mut args = vec!["published"];
        args.extend(files);
        args.push("-q");
        let output = w
            .oapstat(&args)
            .env("OAPSTAT_TABLE_WIDTH", "120")
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let stdout = table(&[&rounded, &raw]);
    assert!(
        stdout.contains("│ Period    ┆ File ┆ Breakdown"),
        "{stdout}"
    );
    let bed: Vec<Vec<String>> = table_rows(&stdout, &["England; Bed Type", " 371 │"]);
    assert_eq!(bed.len(), 2, "{stdout}");
    assert_eq!(
        bed[0],
        [
            "2026-10 M",
            "1",
            "England; Bed Type",
            "England",
            "Acute adult mental health care",
            "OAP01",
            "371"
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("File 1: {rounded} (rounded, 2026-10).")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("File 2: {raw} (_RAW, 2026-10).")),
        "{stdout}"
    );
    let rx4 = table_rows(&stdout, &["┆ RX4 "]);
    let rx4: Vec<(&str, &str)> = rx4.iter().map(|c| (c[1].as_str(), c[6].as_str())).collect();
    assert_eq!(rx4, [("1", "*"), ("2", "3")], "{stdout}");
    // One file: no file column, and the default columns fit 120 characters.
    let stdout = table(&[&rounded]);
    assert!(stdout.contains("│ Period    ┆ Breakdown"), "{stdout}");
    let widest = stdout
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!(widest <= 120, "{widest}: {stdout}");
    // Machine formats keep the fields as read.
    let (_, csv, _) = w.run(&["published", &rounded, &raw, "--format", "csv", "-q"]);
    assert!(csv.starts_with("period_start,period_end,period,source_file,generation,breakdown,level_code,level_name,secondary_breakdown,secondary_code,secondary_name,measure,measure_id,value,suppressed\n"));
    assert!(
        csv.contains(",England; Bed Type,England,England,,200,Acute adult mental health care,"),
        "{csv}"
    );
}

#[test]
fn measures_of_another_family_in_an_oap_file_are_left_out_with_a_warning() {
    let w = Workdir::new();
    let line = |id: &str, value: &str| {
        format!("01/10/2026,31/10/2026,Performance,England,England,England,NONE,NONE,{id},A measure,{value}")
    };
    // Two OAP rows among seven rows of six other measures (MHS01 twice).
    let ids = [
        "OAP01", "MHS01", "MHS01", "MHS02", "OAP06", "MHS03", "MHS04", "MHS05", "MHS06",
    ];
    let lines: Vec<String> = ids.iter().map(|id| line(id, "5")).collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    mhsds_file(&w, "MHSDS Data_OAPs_OctPrf_2026.csv", &lines);
    let (code, stdout, stderr) = w.run(&[
        "published",
        "MHSDS Data_OAPs_OctPrf_2026.csv",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let warning = "MHSDS Data_OAPs_OctPrf_2026.csv: 7 rows of measures that are not OAP measures (MHS01, MHS02, MHS03, MHS04, MHS05, … (6 in all)) left out: they are another part of NHS England's Mental Health Services Monthly Statistics";
    // Said once, and counted.
    assert_eq!(stderr.matches("not OAP measures (").count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("oapstat: warning: {warning}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("MHSDS Data_OAPs_OctPrf_2026.csv: 9 rows read (mhsds, 2026-10), 7 not OAP measures left out"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["measure_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["OAP01", "OAP06"]);
    assert_eq!(doc["files"][0]["rows_read"], 9);
    assert_eq!(doc["files"][0]["rows_not_oap"], 7);
    assert_eq!(doc["warnings"], serde_json::json!([warning]));
}
