//! Mutation through the CLI: a valid generated extract corrupted at random, one corruption a
//! variant, seeded. For every variant: no panic; `rows read = valid + invalid` in every file;
//! a refused file names the corrupted line; with problems found, the corrupted line is among
//! those named (or, where an identifier changed, the rows that refer to the one it held); a corruption the contract must catch (a required cell blanked, a date after the
//! extract date, a placement of an unknown spell, a duplicated row) is never accepted, and with
//! `--skip-invalid` the rejects file lists exactly the corrupted row (and the placements of a
//! rejected spell). `OAPSTAT_MUTANTS=N` runs N variants (default 150), `OAPSTAT_MUTATION_SEED=S`
//! another seed (default 1); a failure names its seed and variant.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::workdir::Workdir;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    FlipByte,
    BlankCell,
    SwapCells,
    DuplicateRow,
    TruncateRow,
    DateAfterExtract,
    OrphanId,
}

const CLASSES: [Class; 7] = [
    Class::FlipByte,
    Class::BlankCell,
    Class::SwapCells,
    Class::DuplicateRow,
    Class::TruncateRow,
    Class::DateAfterExtract,
    Class::OrphanId,
];

/// Required columns, by place (a blanked one must be caught).
const REQUIRED: [&[usize]; 2] = [&[0, 1, 2, 3, 4, 6], &[0, 1, 2, 4, 5]];
/// Date columns that may not be after the extract date, by place.
const DATES: [&[usize]; 2] = [&[4], &[2]];
const FILES: [&str; 2] = ["admissions.csv", "placements.csv"];

/// One corruption of one line of one file: the text of the file after it, the line it names
/// (1-based, the header being line 1), and whether the contract must catch it.
fn corrupt(rng: &mut ChaCha8Rng, class: Class, file: usize, text: &str) -> (String, usize, bool) {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let row = loop {
        let row = rng.random_range(1..lines.len());
        if !lines[row].is_empty() {
            break row;
        }
    };
    let mut cells: Vec<String> = lines[row].split(',').map(String::from).collect();
    let mut line = row + 1;
    let mut caught = false;
    match class {
        Class::FlipByte => {
            let mut bytes = lines[row].clone().into_bytes();
            let at = rng.random_range(0..bytes.len());
            // Any byte but a line feed (a line split in two is a row truncated, and one more).
            bytes[at] = rng.random();
            if bytes[at] == b'\n' {
                bytes[at] = b'#';
            }
            lines[row] = String::from_utf8_lossy(&bytes).into_owned();
            // (An invalid byte is kept as it is: written below from these bytes.)
            let mut all: Vec<u8> = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                if i == row {
                    all.extend_from_slice(&bytes);
                } else {
                    all.extend_from_slice(l.as_bytes());
                }
                all.push(b'\n');
            }
            // Safe to hold as text for the caller: bytes are written back as they are.
            return (unsafe_text(all), line, false);
        }
        Class::BlankCell => {
            let column = rng.random_range(0..cells.len());
            caught = REQUIRED[file].contains(&column) && !cells[column].is_empty();
            cells[column].clear();
        }
        Class::SwapCells => {
            let (a, b) = (
                rng.random_range(0..cells.len()),
                rng.random_range(0..cells.len()),
            );
            cells.swap(a, b);
        }
        Class::DuplicateRow => {
            lines.insert(row + 1, lines[row].clone());
            return (lines.join("\n") + "\n", line + 1, true);
        }
        Class::TruncateRow => {
            let cut = rng.random_range(0..lines[row].len());
            lines[row].truncate(cut);
            return (lines.join("\n") + "\n", line, false);
        }
        Class::DateAfterExtract => {
            let column = DATES[file][0];
            cells[column] = format!(
                "2027-0{}-1{}",
                rng.random_range(1..10),
                rng.random_range(0..10)
            );
            caught = true;
        }
        Class::OrphanId => {
            let column = if file == 0 { 0 } else { 1 };
            if file == 0 {
                // An admission renamed: its placements lose their spell (named on their lines).
                line = 0;
            }
            cells[column] = format!("ZZ{}", rng.random_range(0..1_000_000));
            caught = file == 1;
        }
    }
    lines[row] = cells.join(",");
    (lines.join("\n") + "\n", line, caught)
}

/// Bytes held in a String without checking (only written back to a file, never read as text).
fn unsafe_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            // Kept as Latin-1 escapes would change the bytes: mark it instead.
            let bytes = error.into_bytes();
            let mut text = String::from("\u{0}RAW");
            text.extend(bytes.iter().map(|&b| char::from(b)));
            text
        }
    }
}

fn write_variant(w: &Workdir, name: &str, text: &str) {
    match text.strip_prefix("\u{0}RAW") {
        Some(raw) => std::fs::write(
            w.path(name),
            raw.chars().map(|c| c as u8).collect::<Vec<u8>>(),
        ),
        None => std::fs::write(w.path(name), text),
    }
    .unwrap();
}

#[test]
fn corrupted_extracts_are_refused_or_read_as_the_contract_allows() {
    let variants: usize = std::env::var("OAPSTAT_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("OAPSTAT_MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&[
        "generate",
        "--out",
        "base",
        "--admissions",
        "150",
        "--seed",
        "5",
    ]);
    assert_eq!(code, 0, "{stderr}");
    for name in [
        "admissions.csv",
        "placements.csv",
        "collaboratives.csv",
        "local_costs.csv",
    ] {
        std::fs::copy(w.path(&format!("base/{name}")), w.path(name)).unwrap();
    }
    let base = [w.read("admissions.csv"), w.read("placements.csv")];
    let common = [
        "--admissions",
        "admissions.csv",
        "--placements",
        "placements.csv",
        "--collaboratives",
        "collaboratives.csv",
        "--local-costs",
        "local_costs.csv",
        "--extract-date",
        "2026-10-31",
    ];
    let run = |command: &[&str]| {
        let mut args: Vec<&str> = command.to_vec();
        args.extend(common);
        w.run(&args)
    };
    let (_, clean, _) = run(&["rates", "--format", "json"]);
    let figures = |stdout: &str| serde_json::from_str::<Value>(stdout).unwrap()["rows"].clone();
    let clean = figures(&clean);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for variant in 0..variants {
        let class = CLASSES[rng.random_range(0..CLASSES.len())];
        let file = rng.random_range(0..2);
        let (text, line, caught) = corrupt(&mut rng, class, file, &base[file]);
        w.write(FILES[1 - file], &base[1 - file]);
        write_variant(&w, FILES[file], &text);
        let at = format!(
            "seed {seed}, variant {variant}: {class:?} of {} line {line}",
            FILES[file]
        );
        let (code, stdout, stderr) = run(&["validate", "--format", "json"]);
        assert!(!stderr.contains("panicked"), "{at}: {stderr}");
        let outcome = match code {
            2 => {
                let error = stderr.lines().last().unwrap_or_default();
                assert!(
                    stderr.lines().count() == 1
                        && error.starts_with(&format!("oapstat: error: {}:{line}: ", FILES[file])),
                    "{at}: {stderr}"
                );
                "refused"
            }
            0 | 1 => {
                let doc: Value =
                    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{at}: {e}: {stdout}"));
                for f in doc["inputs"]["files"].as_array().unwrap() {
                    assert_eq!(
                        f["rows_read"].as_u64().unwrap(),
                        f["rows_valid"].as_u64().unwrap() + f["rows_invalid"].as_u64().unwrap(),
                        "{at}"
                    );
                }
                let findings = doc["findings"].as_array().unwrap();
                let original: Vec<&str> = (base[file].lines().nth(line.max(1) - 1))
                    .unwrap_or_default()
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .collect();
                if code == 1 && line > 0 {
                    // The line, or (an identifier changed) the rows that refer to what it held.
                    let named = findings.iter().any(|f| {
                        f["value"].as_str().is_some_and(|v| original.contains(&v))
                            || (f["file"] == FILES[file] && f["line"] == line)
                            || f["message"]
                                .as_str()
                                .unwrap()
                                .contains(&format!("line {line}"))
                    });
                    assert!(named, "{at}: the line is not named: {findings:?}");
                }
                if code == 0 {
                    assert!(!caught, "{at}: accepted");
                    let (_, stdout, _) = run(&["rates", "--format", "json"]);
                    if figures(&stdout) == clean {
                        "no change"
                    } else {
                        "accepted, figures changed"
                    }
                } else if caught {
                    // Set aside: exactly the corrupted row (and the placements of its spell).
                    let (code, _, stderr) = run(&[
                        "rates",
                        "--format",
                        "json",
                        "--quiet",
                        "--skip-invalid",
                        "rejects.csv",
                    ]);
                    assert_eq!(code, 0, "{at}: {stderr}");
                    let rejects = w.read("rejects.csv");
                    let rows: std::collections::BTreeSet<(String, usize)> =
                        csv::Reader::from_reader(rejects.as_bytes())
                            .records()
                            .map(|r| r.unwrap())
                            // Consequences on other rows: placements of the rejected spell, or
                            // referring to the identifier the row held.
                            .filter(|r| {
                                &r[2] != "rejected_admission"
                                    && !(&r[2] == "unknown_admission" && original.contains(&&r[4]))
                            })
                            .map(|r| (r[0].to_string(), r[1].parse().unwrap()))
                            .collect();
                    let expected: std::collections::BTreeSet<(String, usize)> =
                        [(FILES[file].to_string(), line)].into();
                    assert_eq!(rows, expected, "{at}: {rejects}");
                    "caught and set aside"
                } else {
                    "found"
                }
            }
            _ => panic!("{at}: exit {code}: {stderr}"),
        };
        *outcomes.entry(format!("{class:?}: {outcome}")).or_default() += 1;
    }
    eprintln!("{variants} variants (seed {seed}): {outcomes:#?}");
}

/// The small files users write by hand (the references and a mapping), corrupted at random: a
/// refusal is one line naming the file (and the line, where the problem is on one); never a
/// panic. `OAPSTAT_MUTANTS` and `OAPSTAT_MUTATION_SEED` as above.
#[test]
fn corrupted_hand_written_files_get_a_one_line_error() {
    let variants: usize = std::env::var("OAPSTAT_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("OAPSTAT_MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let trust = format!("{}/tests/data/trust-export", env!("CARGO_MANIFEST_DIR"));
    let w = Workdir::new();
    let (code, _, stderr) = w.run(&[
        "generate",
        "--out",
        "base",
        "--admissions",
        "60",
        "--seed",
        "5",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let originals = [
        ("collaboratives.csv", w.read("base/collaboratives.csv")),
        ("local_costs.csv", w.read("base/local_costs.csv")),
        (
            "mapping.toml",
            std::fs::read_to_string(format!("{trust}/mapping.toml")).unwrap(),
        ),
    ];
    for (name, text) in &originals {
        w.write(name, text);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut refused = 0;
    for variant in 0..variants {
        let which = rng.random_range(0..originals.len());
        let (name, text) = &originals[which];
        let class = [
            Class::FlipByte,
            Class::BlankCell,
            Class::SwapCells,
            Class::DuplicateRow,
            Class::TruncateRow,
        ][rng.random_range(0..5)];
        let (corrupted, line, _) = corrupt(&mut rng, class, 0, text);
        write_variant(&w, name, &corrupted);
        let at = format!("seed {seed}, variant {variant}: {class:?} of {name} line {line}");
        let (code, _, stderr) = if *name == "mapping.toml" {
            let admissions = format!("{trust}/admissions.csv");
            let placements = format!("{trust}/placements.csv");
            w.run(&[
                "validate",
                "--mapping",
                "mapping.toml",
                "--admissions",
                &admissions,
                "--placements",
                &placements,
            ])
        } else {
            w.run(&[
                "reinvest",
                "--admissions",
                "base/admissions.csv",
                "--placements",
                "base/placements.csv",
                "--collaboratives",
                "collaboratives.csv",
                "--local-costs",
                "local_costs.csv",
            ])
        };
        assert!(!stderr.contains("panicked"), "{at}: {stderr}");
        assert!(matches!(code, 0..=2), "{at}: exit {code}: {stderr}");
        if code == 2 {
            refused += 1;
            let error = stderr.lines().last().unwrap_or_default();
            assert!(
                // (A mapping read wrong may make an extract unreadable: then the extract's line.)
                (error.starts_with("oapstat: error: ") && error.contains(name)
                    || (*name == "mapping.toml"
                        && error.starts_with(&format!("oapstat: error: {trust}/"))
                        && error.contains(".csv:")))
                    && stderr
                        .lines()
                        .filter(|l| l.starts_with("oapstat: error"))
                        .count()
                        == 1,
                "{at}: {stderr}"
            );
        }
        w.write(name, text);
    }
    eprintln!("{variants} variants of the hand-written files (seed {seed}): {refused} refused");
}
