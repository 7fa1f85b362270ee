//! Reading one MHSDS table file, CSV or Parquet: only the columns asked for, found by their
//! MHSDS names in any case, handed on row by row as text so that the caller keeps only the
//! rows it needs (a national `MHS101Referral` is tens of millions of rows, of which the
//! out-of-area referrals are a few thousand).

use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::{BooleanChunked, Column, DataType, IntoColumn, PolarsResult, StringChunked};
use polars_io::prelude::{ParquetReader, SerReader};

use crate::input::findings::InvalidInput;

/// A column to read: its MHSDS name, and whether a file without it is refused (an optional
/// column missing reads as empty in every row).
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    pub name: &'static str,
    pub required: bool,
}

/// Where each wanted column is in a file's header (names compared in any case, a byte-order
/// mark and surrounding spaces ignored).
fn positions(
    shown: &str,
    table: &str,
    header: &[String],
    wanted: &[Wanted],
) -> Result<Vec<Option<usize>>> {
    let normalised: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
        .collect();
    let mut at = Vec::with_capacity(wanted.len());
    let mut missing = Vec::new();
    for w in wanted {
        let found = normalised
            .iter()
            .position(|h| *h == w.name.to_ascii_lowercase());
        if found.is_none() && w.required {
            missing.push(w.name);
        }
        at.push(found);
    }
    if !missing.is_empty() {
        let needed: Vec<&str> = wanted
            .iter()
            .filter(|w| w.required)
            .map(|w| w.name)
            .collect();
        return Err(InvalidInput(format!(
            "{shown}:1: no column {} ({table} needs {}, in any case)",
            missing.join(", "),
            needed.join(", ")
        ))
        .into());
    }
    Ok(at)
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Reads the wanted columns of every row of a file and calls `each(line, cells)` with the
/// row's line (a CSV header is line 1; a Parquet file's rows count from 1) and its cells in the
/// order of `wanted` (`None` for an empty cell or a column the file lacks), and whether the file
/// has each wanted column. A row is not needed when `needed` (if given: a wanted column and a
/// test of its text, trimmed, empty when the cell is) says so: it is counted, and no other cell
/// of it is read. Returns the rows read and those not needed.
pub fn read_rows(
    path: &Path,
    table: &str,
    wanted: &[Wanted],
    needed: Option<Needed>,
    mut each: impl FnMut(usize, &[Option<&str>], &[bool]),
) -> Result<(usize, usize)> {
    let shown = path.display().to_string();
    if is_parquet(path) {
        return read_parquet(path, &shown, table, wanted, needed, each);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("{shown}: cannot read"))?;
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the header"))?
        .iter()
        .map(str::to_string)
        .collect();
    let at = positions(&shown, table, &header, wanted)?;
    let present: Vec<bool> = at.iter().map(Option::is_some).collect();
    let needed_at = needed.and_then(|(k, test)| at[k].map(|i| (i, test)));
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut not_needed) = (0, 0);
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .with_context(|| format!("{shown}: cannot read a row after line {}", rows + 1))?;
        if !more {
            break;
        }
        rows += 1;
        if let Some((i, test)) = needed_at {
            let text = record.get(i).map_or(b"".as_slice(), <[u8]>::trim_ascii);
            if !std::str::from_utf8(text).is_ok_and(test) {
                not_needed += 1;
                continue;
            }
        }
        let line = record.position().map_or(rows + 1, |p| p.line() as usize);
        let mut cells: Vec<Option<&str>> = Vec::with_capacity(wanted.len());
        for slot in &at {
            let cell = match slot.and_then(|i| record.get(i)) {
                Some(bytes) => {
                    let text = std::str::from_utf8(bytes).map_err(|_| {
                        InvalidInput(format!("{shown}:{line}: a cell is not UTF-8 text"))
                    })?;
                    let text = text.trim();
                    (!text.is_empty()).then_some(text)
                }
                None => None,
            };
            cells.push(cell);
        }
        each(line, &cells, &present);
    }
    Ok((rows, not_needed))
}

/// A Parquet column as text, as a person would write its values: a whole number stored as a
/// decimal (`3.0`, as pandas stores a column of codes with blanks) is `3`.
fn as_text(column: &Column) -> PolarsResult<Column> {
    if !column.dtype().is_float() {
        return column.cast(&DataType::String);
    }
    let values = column.cast(&DataType::Float64)?;
    let texts: StringChunked = values
        .f64()?
        .iter()
        .map(|v| {
            v.map(|v| {
                if v.fract() == 0.0 && v.abs() < 1e15 {
                    format!("{}", v as i64)
                } else {
                    v.to_string()
                }
            })
        })
        .collect();
    Ok(texts.with_name(column.name().clone()).into_column())
}

/// Which rows are needed: a wanted column's index, and a test of its (trimmed) text.
pub type Needed<'a> = (usize, &'a dyn Fn(&str) -> bool);

/// Rows decoded from a Parquet file at once (a few row groups).
const PARQUET_ROWS_AT_A_TIME: usize = 1 << 20;

fn read_parquet(
    path: &Path,
    shown: &str,
    table: &str,
    wanted: &[Wanted],
    needed: Option<Needed>,
    mut each: impl FnMut(usize, &[Option<&str>], &[bool]),
) -> Result<(usize, usize)> {
    let open = || -> Result<ParquetReader<std::fs::File>> {
        Ok(ParquetReader::new(
            std::fs::File::open(path).with_context(|| format!("{shown}: cannot read"))?,
        ))
    };
    let mut reader = open()?;
    let schema = reader
        .schema()
        .with_context(|| format!("{shown}: cannot read the columns"))?;
    let header: Vec<String> = schema.iter_values().map(|f| f.name.to_string()).collect();
    let rows = reader
        .num_rows()
        .with_context(|| format!("{shown}: cannot read the row groups"))?;
    let at = positions(shown, table, &header, wanted)?;
    let present: Vec<bool> = at.iter().map(Option::is_some).collect();
    // The columns read, each once, in file order; then where each wanted one is among them.
    let mut projection: Vec<usize> = at.iter().flatten().copied().collect();
    projection.sort_unstable();
    projection.dedup();
    let slot: Vec<Option<usize>> = at
        .iter()
        .map(|a| a.map(|i| projection.binary_search(&i).expect("projected")))
        .collect();
    let needed_slot = needed.and_then(|(k, test)| slot[k].map(|s| (s, test)));
    let (mut offset, mut not_needed) = (0, 0);
    while offset < rows {
        let len = PARQUET_ROWS_AT_A_TIME.min(rows - offset);
        let frame = open()?
            .with_projection(Some(projection.clone()))
            .with_slice(Some((offset, len)))
            .finish()
            .with_context(|| {
                format!("{shown}: cannot read rows {}..{}", offset + 1, offset + len)
            })?;
        // The rows needed, by the needed column alone: the other columns are turned into text
        // for those rows only (most referral rows have no ReasonOAT).
        let (frame, kept) = match needed_slot {
            Some((k, test)) => {
                let column = as_text(&frame.columns()[k])
                    .with_context(|| format!("{shown}: a column cannot be read as text"))?;
                let keep: BooleanChunked = column
                    .str()?
                    .iter()
                    .map(|c| Some(test(c.map_or("", str::trim))))
                    .collect();
                let rows: Vec<usize> = (keep.iter().enumerate())
                    .filter(|(_, k)| *k == Some(true))
                    .map(|(row, _)| row)
                    .collect();
                not_needed += frame.height() - rows.len();
                (frame.filter(&keep)?, Some(rows))
            }
            None => (frame, None),
        };
        let texts = frame
            .columns()
            .iter()
            .map(as_text)
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("{shown}: a column cannot be read as text"))?;
        let texts = texts
            .iter()
            .map(|c| c.str())
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..frame.height() {
            let mut cells: Vec<Option<&str>> = Vec::with_capacity(wanted.len());
            for s in &slot {
                cells.push(
                    s.and_then(|s| texts[s].get(row))
                        .map(str::trim)
                        .filter(|t| !t.is_empty()),
                );
            }
            let at = kept.as_ref().map_or(row, |rows| rows[row]);
            each(offset + at + 1, &cells, &present);
        }
        offset += len;
    }
    Ok((rows, not_needed))
}
