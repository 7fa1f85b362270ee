//! oapstat's CSV reader against the `csv` crate (and `encoding_rs`), on generated text holding
//! what real exports hold: quoted fields with delimiters, quotes and line breaks inside, empty
//! and space-padded cells, a byte-order mark, LF and CRLF line ends, blank, short and long
//! rows, every kind of delimiter a mapping allows, UTF-8 and Windows-1252 text, huge fields, no
//! final line end, blocks of any size. The cells oapstat reads, and the line of each row, must
//! be those the `csv` crate reads (its records, the lines counted by the generator); where the
//! contract refuses the text (more fields than the header, a carriage return alone ending a
//! line, bytes that are not UTF-8), oapstat must refuse it too, naming a line at fault.
//!
//! `cargo test --release --locked --lib -- differential` runs 256 cases; `PROPTEST_CASES=100000`
//! runs more, `PROPTEST_RNG_SEED=N` replays a run (a failure prints its minimal case, and saves
//! it under `proptest-regressions/`, replayed by every later run).

use proptest::prelude::*;

use super::read_csv_in_blocks;
use crate::input::contract::ADMISSION_COLUMNS;

/// The required columns of the admissions extract: the cells written are any text, which the
/// optional columns (age, deprivation) would not all take.
const REQUIRED: [&str; 7] = [
    ADMISSION_COLUMNS[0],
    ADMISSION_COLUMNS[1],
    ADMISSION_COLUMNS[2],
    ADMISSION_COLUMNS[3],
    ADMISSION_COLUMNS[4],
    ADMISSION_COLUMNS[5],
    ADMISSION_COLUMNS[6],
];
use crate::input::files::ExtractKind;
use crate::input::mapping::Mapping;
use crate::input::rows::{Cell, Common, FileContext, Reading, Rows};
use crate::input::rules::RowRules;

/// Every record oapstat hands to the rules: its line and its cells as read.
#[derive(Debug, Default)]
struct Recorded {
    common: Common,
    records: Vec<(u32, Vec<String>)>,
}

impl Rows for Recorded {
    fn with_capacity(_: usize) -> Self {
        Recorded::default()
    }
    fn common(&self) -> &Common {
        &self.common
    }
    fn common_mut(&mut self) -> &mut Common {
        &mut self.common
    }
    fn append(&mut self, other: Self) -> anyhow::Result<()> {
        self.common.append(other.common);
        self.records.extend(other.records);
        Ok(())
    }
    fn push_unusable(&mut self, _: &FileContext, _: u32) {
        unreachable!("the header names every column")
    }
}

impl RowRules for Recorded {
    fn parse(&mut self, _: &FileContext, line: u32, fields: &[Cell]) {
        self.common.start_row(line);
        let cells = fields
            .iter()
            .map(|cell| match cell {
                Cell::Text(text) => text.to_string(),
                other => panic!("a CSV cell is text: {other:?}"),
            })
            .collect();
        self.records.push((line, cells));
    }
}

/// The ways a line may end.
#[derive(Debug, Clone, Copy)]
enum LineEnd {
    Lf,
    CrLf,
}

impl LineEnd {
    fn text(self) -> &'static str {
        match self {
            LineEnd::Lf => "\n",
            LineEnd::CrLf => "\r\n",
        }
    }
}

/// A defect the contract refuses, put on one row.
#[derive(Debug, Clone, Copy)]
enum Defect {
    /// The row's line ends with a carriage return alone.
    BareCr,
    /// A byte that is not UTF-8 (in a UTF-8 file), in an unquoted cell.
    NotUtf8,
    /// One field more than the header.
    LongRow,
}

#[derive(Debug, Clone)]
struct Row {
    blank_lines_before: Vec<LineEnd>,
    /// Each cell's text, and whether it is quoted when it need not be.
    cells: Vec<(String, bool)>,
    end: LineEnd,
}

#[derive(Debug, Clone)]
struct Case {
    delimiter: u8,
    windows_1252: bool,
    bom: bool,
    quoted_header: bool,
    extra_columns: usize,
    header_end: LineEnd,
    rows: Vec<Row>,
    final_line_end: bool,
    defect: Option<(usize, Defect)>,
    block_bytes: usize,
}

/// The delimiters a mapping allows, by kind: the usual ones, a space, and any other ASCII
/// character.
const DELIMITERS: [u8; 7] = [b',', b';', b'\t', b'|', b' ', b':', b'x'];

fn line_end() -> impl Strategy<Value = LineEnd> {
    prop_oneof![Just(LineEnd::Lf), Just(LineEnd::CrLf)]
}

/// Cell text: short text of every character that matters (Windows-1252 can write them all),
/// or now and then a huge field.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "[a-zA-Z0-9 ,;|:x\t\"\r\n\u{e9}\u{2019}\u{a3}-]{0,12}",
        2 => Just(String::new()),
        1 => (1_000usize..40_000).prop_map(|n| "x\u{e9}".repeat(n / 2)),
    ]
}

fn row(max_cells: usize) -> impl Strategy<Value = Row> {
    (
        prop::collection::vec(line_end(), 0..2),
        prop::collection::vec((cell_text(), any::<bool>()), 1..=max_cells),
        line_end(),
    )
        .prop_map(|(blank_lines_before, cells, end)| Row {
            blank_lines_before,
            cells,
            end,
        })
}

fn case() -> impl Strategy<Value = Case> {
    (0usize..3).prop_flat_map(|extra_columns| {
        let columns = REQUIRED.len() + extra_columns;
        (
            (
                prop::sample::select(&DELIMITERS[..]),
                any::<bool>(),
                any::<bool>(),
                prop::bool::weighted(0.1),
                line_end(),
            ),
            prop::collection::vec(row(columns), 0..40),
            any::<bool>(),
            prop::option::weighted(
                0.1,
                (
                    0usize..40,
                    prop_oneof![
                        Just(Defect::BareCr),
                        Just(Defect::NotUtf8),
                        Just(Defect::LongRow)
                    ],
                ),
            ),
            prop_oneof![1usize..300, Just(4 << 20)],
        )
            .prop_map(
                move |(
                    (delimiter, windows_1252, bom, quoted_header, header_end),
                    rows,
                    final_line_end,
                    defect,
                    block_bytes,
                )| Case {
                    delimiter,
                    windows_1252,
                    bom,
                    quoted_header,
                    extra_columns,
                    header_end,
                    rows,
                    final_line_end,
                    defect,
                    block_bytes,
                },
            )
    })
}

/// What the generator knows of the text it wrote.
struct Written {
    bytes: Vec<u8>,
    /// The line of each row that is not blank, in order.
    lines: Vec<u32>,
    /// The lines of rows with a defect the contract refuses.
    refused: Vec<u32>,
}

fn write(case: &Case) -> Written {
    let delimiter = char::from(case.delimiter);
    let needs_quotes = |text: &str| text.contains([delimiter, '"', '\r', '\n']);
    let quoted = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let mut text = String::new();
    // (Windows-1252 has no byte-order mark: a UTF-8 one would make the text UTF-8.)
    if case.bom && !case.windows_1252 {
        text.push('\u{feff}');
    }
    let names: Vec<String> = (REQUIRED.iter().map(|c| c.to_string()))
        .chain((0..case.extra_columns).map(|i| format!("note{i}")))
        .map(|name| {
            if case.quoted_header {
                quoted(&name)
            } else {
                name
            }
        })
        .collect();
    text.push_str(&names.join(&delimiter.to_string()));
    text.push_str(case.header_end.text());
    let header_fields = names.len();
    let defect = case
        .defect
        .filter(|&(row, _)| row + 1 < case.rows.len())
        .filter(|&(_, defect)| !(matches!(defect, Defect::NotUtf8) && case.windows_1252));
    // Where a byte that is not UTF-8 goes (a placeholder replaced once the text is bytes).
    const NOT_UTF8_MARK: char = '\u{1}';
    let (mut lines, mut refused) = (Vec::new(), Vec::new());
    // Where a carriage return ending a row stands (alone, unless a line feed follows it).
    let mut bare_cr = None;
    let mut bare_cr_line = 0;
    for (i, row) in case.rows.iter().enumerate() {
        for end in &row.blank_lines_before {
            text.push_str(end.text());
        }
        let line = 1 + text.matches('\n').count() as u32;
        let blank = row.cells.len() == 1 && row.cells[0].0.is_empty();
        let mut cells: Vec<String> = (row.cells.iter())
            .map(|(cell, quote)| {
                if needs_quotes(cell) || *quote {
                    quoted(cell)
                } else {
                    cell.clone()
                }
            })
            .collect();
        let defect = defect.filter(|&(row, _)| row == i).map(|(_, d)| d);
        if let Some(Defect::LongRow) = defect {
            cells.resize(header_fields + 1, "more".to_string());
        }
        if let Some(Defect::NotUtf8) = defect {
            let cell = cells.last_mut().expect("a cell");
            if cell.starts_with('"') {
                *cell = NOT_UTF8_MARK.to_string();
            } else {
                cell.push(NOT_UTF8_MARK);
            }
        }
        text.push_str(&cells.join(&delimiter.to_string()));
        let last = i + 1 == case.rows.len();
        match defect {
            Some(Defect::BareCr) => {
                text.push('\r');
                bare_cr = Some(text.len() - 1);
            }
            _ if last && !case.final_line_end => {}
            _ => text.push_str(row.end.text()),
        }
        if matches!(defect, Some(Defect::BareCr)) {
            bare_cr_line = line;
        }
        if matches!(defect, Some(Defect::NotUtf8 | Defect::LongRow)) {
            refused.push(line);
        }
        if !blank || matches!(defect, Some(Defect::NotUtf8 | Defect::LongRow)) {
            lines.push(line);
        }
    }
    if bare_cr.is_some_and(|at| !text[at + 1..].starts_with('\n')) {
        refused.push(bare_cr_line);
    }
    let bytes = if case.windows_1252 {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!unmappable, "every generated character is in Windows-1252");
        bytes.into_owned()
    } else {
        text.into_bytes()
    };
    let bytes = bytes
        .into_iter()
        .map(|b| if b == NOT_UTF8_MARK as u8 { 0xff } else { b })
        .collect();
    Written {
        bytes,
        lines,
        refused,
    }
}

/// The records of the text as the `csv` crate reads it (after `encoding_rs` decodes it), the
/// header first, blank records left out; `None` where the bytes are not text.
fn csv_crate_records(case: &Case, bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    let text = if case.windows_1252 {
        encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned()
    } else {
        let text = std::str::from_utf8(bytes).ok()?;
        text.strip_prefix('\u{feff}').unwrap_or(text).to_string()
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(case.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let records = reader
        .records()
        .map(|record| {
            record
                .expect("a string is read whole")
                .iter()
                .map(String::from)
                .collect()
        })
        .filter(|record: &Vec<String>| record != &[String::new()])
        .collect();
    Some(records)
}

/// The same case through oapstat's reader.
fn oapstat_records(case: &Case, bytes: &[u8]) -> anyhow::Result<Vec<(u32, Vec<String>)>> {
    let file = tempfile::NamedTempFile::new()?;
    std::fs::write(file.path(), bytes)?;
    let delimiter = match case.delimiter {
        b'\t' => "tab".to_string(),
        other => char::from(other).to_string(),
    };
    let encoding = if case.windows_1252 {
        "windows-1252"
    } else {
        "utf-8"
    };
    let mapping = Mapping::parse(
        "mapping.toml",
        &format!("[csv]\ndelimiter = \"{delimiter}\"\nencoding = \"{encoding}\"\n"),
    )?;
    let reading = Reading {
        mapping: &mapping,
        ..Reading::default()
    };
    let (rows, _) = read_csv_in_blocks::<Recorded>(
        file.path(),
        0,
        ExtractKind::Admissions,
        reading,
        case.block_bytes,
    )?;
    Ok(rows.records)
}

/// Checks one case: oapstat reads what the `csv` crate reads, or refuses what the contract
/// refuses, naming a line at fault.
fn check(case: &Case) -> Result<(), TestCaseError> {
    let written = write(case);
    let read = oapstat_records(case, &written.bytes);
    let expected = csv_crate_records(case, &written.bytes);
    if !written.refused.is_empty() || expected.is_none() {
        let error = match read {
            Ok(_) => {
                return Err(TestCaseError::fail(
                    "oapstat read a file the contract refuses",
                ))
            }
            Err(error) => error.to_string(),
        };
        prop_assert!(
            written
                .refused
                .iter()
                .any(|line| error.contains(&format!(":{line}: "))),
            "{error}: names none of the lines {:?}",
            written.refused
        );
        return Ok(());
    }
    let mut expected = expected.expect("text");
    let read = read.map_err(|error| TestCaseError::fail(format!("refused: {error}")))?;
    let header = expected.remove(0);
    prop_assert_eq!(header.len(), REQUIRED.len() + case.extra_columns);
    prop_assert_eq!(expected.len(), written.lines.len(), "the generator's rows");
    let read_cells: Vec<&Vec<String>> = read.iter().map(|(_, cells)| cells).collect();
    let expected_cells: Vec<&Vec<String>> = expected.iter().collect();
    prop_assert_eq!(read_cells, expected_cells);
    let read_lines: Vec<u32> = read.iter().map(|(line, _)| *line).collect();
    prop_assert_eq!(read_lines, written.lines.clone());
    Ok(())
}

proptest! {
    #[test]
    fn the_reader_reads_what_the_csv_crate_reads(case in case()) {
        check(&case)?;
    }
}

/// One text of every kind the reader handles, read in blocks of every size from 1 byte to the
/// whole file.
#[test]
fn every_block_size_reads_what_the_csv_crate_reads() {
    let cells = |texts: &[&str]| texts.iter().map(|t| (t.to_string(), false)).collect();
    let row = |texts: &[&str], end| Row {
        blank_lines_before: vec![],
        cells: cells(texts),
        end,
    };
    let mut rows = vec![
        row(
            &["A1", "P1", "AAA", "adult_acute", "2024-01-01", "", "R1"],
            LineEnd::Lf,
        ),
        row(&["A2", " P2 ", "AAA", "", "2024-01-02"], LineEnd::CrLf),
        row(
            &[
                "A3",
                "P3",
                "AAA",
                "picu",
                "2024-01-03",
                "",
                "St Andrew\u{2019}s",
            ],
            LineEnd::Lf,
        ),
    ];
    rows[1].blank_lines_before = vec![LineEnd::Lf, LineEnd::CrLf];
    rows.push(row(
        &[
            "A4",
            "P,4",
            "A\"A",
            "a\r\nb",
            "2024-01-04",
            "",
            "R1",
            "x\ny",
        ],
        LineEnd::CrLf,
    ));
    rows.push(row(
        &["A5", "P5", "AAA", "cyp", "2024-01-05", "", "R1"],
        LineEnd::Lf,
    ));
    for windows_1252 in [false, true] {
        let case = Case {
            delimiter: b',',
            windows_1252,
            bom: !windows_1252,
            quoted_header: false,
            extra_columns: 1,
            header_end: LineEnd::CrLf,
            rows: rows.clone(),
            final_line_end: false,
            defect: None,
            block_bytes: 0,
        };
        let size = write(&case).bytes.len();
        for block_bytes in 1..=size + 1 {
            let case = Case {
                block_bytes,
                ..case.clone()
            };
            check(&case).unwrap_or_else(|e| panic!("blocks of {block_bytes} bytes: {e}"));
        }
    }
}
