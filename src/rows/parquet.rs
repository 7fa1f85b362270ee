//! Reading a Parquet extract: Polars decodes a million rows at a time, and the rows are checked
//! column by column on every core. A row that every check finds plain (texts present with nothing
//! to trim, dates and numbers typed, flags and codes as expected) goes straight into the typed
//! columns; any other row is parsed cell by cell by [`Rows::parse`], which says what is wrong, so
//! the rows, findings and their order are those of the row-by-row reading.

use std::path::Path;

use anyhow::Result;
use polars::prelude::{ChunkedArray, DataType, PlHashSet, PolarsDataType, PolarsResult};
use polars_arrow::array::{Array, BooleanArray, PrimitiveArray, Utf8ViewArray};

use super::{
    read_header, AdmissionRows, Cell, Dictionary, FileContext, PlacementRows, Reading, Rows, NO_DAY,
};
use crate::extract::ExtractKind;
use crate::periods::Day;
use crate::validate::{Finding, REASON_CODES};

/// Rows of a Parquet file decoded by Polars at once, at most, unless one row group holds more
/// (see [`crate::extract::RawFile::chunks`]). Two such chunks are held at a time: one parsed,
/// the next decoded.
const PARQUET_ROWS_AT_A_TIME: usize = 1 << 18;

/// One column of a piece of a Parquet file, as a single Arrow array: text, or typed where the
/// extract expects dates, numbers or flags and the file holds them so.
#[derive(Clone)]
pub enum ColumnArray {
    Text(Utf8ViewArray),
    Day(PrimitiveArray<i32>),
    Number(PrimitiveArray<f64>),
    Flag(BooleanArray),
}

impl ColumnArray {
    fn len(&self) -> usize {
        match self {
            ColumnArray::Text(a) => a.len(),
            ColumnArray::Day(a) => a.len(),
            ColumnArray::Number(a) => a.len(),
            ColumnArray::Flag(a) => a.len(),
        }
    }

    fn sliced(&self, from: usize, len: usize) -> ColumnArray {
        match self {
            ColumnArray::Text(a) => ColumnArray::Text(a.clone().sliced(from, len)),
            ColumnArray::Day(a) => ColumnArray::Day(a.clone().sliced(from, len)),
            ColumnArray::Number(a) => ColumnArray::Number(a.clone().sliced(from, len)),
            ColumnArray::Flag(a) => ColumnArray::Flag(a.clone().sliced(from, len)),
        }
    }

    /// The cell of a row; a null is an empty text cell.
    fn cell(&self, row: usize) -> Cell<'_> {
        let empty = Cell::Text("");
        if !self.is_valid(row) {
            return empty;
        }
        match self {
            ColumnArray::Text(a) => Cell::Text(a.value(row)),
            ColumnArray::Day(a) => Cell::Day(a.value(row)),
            ColumnArray::Number(a) => Cell::Number(a.value(row)),
            ColumnArray::Flag(a) => Cell::Flag(a.value(row)),
        }
    }

    fn is_valid(&self, row: usize) -> bool {
        match self {
            ColumnArray::Text(a) => a.is_valid(row),
            ColumnArray::Day(a) => a.is_valid(row),
            ColumnArray::Number(a) => a.is_valid(row),
            ColumnArray::Flag(a) => a.is_valid(row),
        }
    }
}

/// Rows that can be checked column by column.
pub trait ColumnWise: Rows {
    /// Parses the rows of a piece of a file (`columns` in file order), the first on `first_line`.
    fn parse_columns(&mut self, ctx: &FileContext, first_line: u32, columns: &[ColumnArray]);
}

/// Parses the rows of a piece one at a time, cell by cell.
fn row_by_row<R: Rows>(rows: &mut R, ctx: &FileContext, first_line: u32, columns: &[ColumnArray]) {
    let height = columns.first().map_or(0, ColumnArray::len);
    let mut fields: Vec<Cell> = Vec::with_capacity(columns.len());
    for row in 0..height {
        fields.clear();
        fields.extend(columns.iter().map(|c| c.cell(row)));
        rows.parse(ctx, first_line + row as u32, &fields);
    }
}

/// The rows of a piece in order: a plain one is started and its values pushed by `push`, any
/// other parsed cell by cell.
fn in_order<R: Rows>(
    rows: &mut R,
    ctx: &FileContext,
    first_line: u32,
    columns: &[ColumnArray],
    plain: &[bool],
    mut push: impl FnMut(&mut R, usize),
) {
    for (row, &plain) in plain.iter().enumerate() {
        let line = first_line + row as u32;
        if plain {
            rows.common_mut().start_row(line);
            push(rows, row);
        } else {
            one_row(rows, ctx, line, columns, row);
        }
    }
}

/// Parses one row cell by cell (a row some column-wise check doubted).
fn one_row<R: Rows>(
    rows: &mut R,
    ctx: &FileContext,
    line: u32,
    columns: &[ColumnArray],
    row: usize,
) {
    let fields: Vec<Cell> = columns.iter().map(|c| c.cell(row)).collect();
    rows.parse(ctx, line, &fields);
}

/// Whether a byte can begin or end a text that needs no trimming (printable ASCII, no space).
fn plain_edge(byte: u8) -> bool {
    (b'!'..=b'~').contains(&byte)
}

/// Whether a text cell is present, not empty and has nothing to trim.
fn is_plain(column: &Utf8ViewArray, row: usize) -> bool {
    if !column.is_valid(row) {
        return false;
    }
    let bytes = column.value(row).as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => plain_edge(first) && plain_edge(last),
        _ => false,
    }
}

/// The text column at `index` of the extract, when the file holds it as text.
fn text<'c>(
    ctx: &FileContext,
    columns: &'c [ColumnArray],
    index: usize,
) -> Option<&'c Utf8ViewArray> {
    match columns.get(ctx.columns[index]?)? {
        ColumnArray::Text(array) => Some(array),
        _ => None,
    }
}

/// Clears `plain` for every row whose cell of a required text column is not plain (all rows when
/// the file does not hold the column as text).
fn require_plain(column: Option<&Utf8ViewArray>, plain: &mut [bool]) {
    match column {
        Some(column) => plain
            .iter_mut()
            .enumerate()
            .for_each(|(row, p)| *p &= is_plain(column, row)),
        None => plain.fill(false),
    }
}

/// A date column held as dates. Rows whose date is needed but empty are cleared in `plain`, and
/// every row when the file holds the column as text (`None`).
fn days<'c>(
    ctx: &FileContext,
    columns: &'c [ColumnArray],
    index: usize,
    required: bool,
    plain: &mut [bool],
) -> Option<&'c PrimitiveArray<i32>> {
    match ctx.columns[index].and_then(|i| columns.get(i)) {
        Some(ColumnArray::Day(array)) => {
            if required && array.null_count() > 0 {
                for (row, p) in plain.iter_mut().enumerate() {
                    *p &= array.is_valid(row);
                }
            }
            Some(array)
        }
        _ => {
            plain.fill(false);
            None
        }
    }
}

/// The day of a row (`NO_DAY` when empty).
fn day_at(array: &PrimitiveArray<i32>, row: usize) -> Day {
    if array.is_valid(row) {
        array.value(row)
    } else {
        NO_DAY
    }
}

/// Clears in `plain` the rows whose later date is before their earlier one.
fn require_order(earlier: &PrimitiveArray<i32>, later: &PrimitiveArray<i32>, plain: &mut [bool]) {
    for (row, p) in plain.iter_mut().enumerate() {
        let later = day_at(later, row);
        *p &= later == NO_DAY || later >= day_at(earlier, row);
    }
}

/// Codes of a text column's plain rows (`u32::MAX` for the others). Rows are first looked up by
/// their 16-byte view among the views last seen: a short text is held whole in its view, and
/// equal texts of a dictionary-encoded column often share one, so most rows are coded without
/// reading their text. Otherwise the text is looked up among the texts seen in this column, by
/// length and first bytes before the whole, and only then in the dictionary.
fn codes(column: &Utf8ViewArray, dictionary: &mut Dictionary, plain: &[bool]) -> Vec<u32> {
    const RECENT: usize = 16;
    let mut recent: [(u128, u32); RECENT] = [(u128::MAX, 0); RECENT];
    let mut next_slot = 0;
    let mut texts: Vec<(u64, &str, u32)> = Vec::new();
    let views = column.views();
    (0..column.len())
        .map(|row| {
            if !plain[row] {
                return u32::MAX;
            }
            let view = views[row].as_u128();
            if let Some(&(_, code)) = recent.iter().find(|(v, _)| *v == view) {
                return code;
            }
            // Length and first four bytes, as the view holds them.
            let head = view as u64;
            let text = column.value(row);
            let code = match texts.iter().find(|(h, t, _)| *h == head && *t == text) {
                Some(&(_, _, code)) => code,
                None => {
                    let code = dictionary.code(text);
                    if texts.len() < 64 {
                        texts.push((head, text, code));
                    }
                    code
                }
            };
            recent[next_slot] = (view, code);
            next_slot = (next_slot + 1) % RECENT;
            code
        })
        .collect()
}

/// An optional number column: `Some(None)` when the file lacks it (every row empty), the column
/// when it holds numbers (rows holding a negative or not finite number are cleared in `plain`),
/// and `None` when the file holds it as text (every row cleared).
fn numbers<'c>(
    ctx: &FileContext,
    columns: &'c [ColumnArray],
    index: usize,
    plain: &mut [bool],
) -> Option<Option<&'c PrimitiveArray<f64>>> {
    match ctx.columns[index].and_then(|i| columns.get(i)) {
        None => Some(None),
        Some(ColumnArray::Number(array)) => {
            for (row, p) in plain.iter_mut().enumerate() {
                *p &= number_at(Some(array), row).is_none_or(|v| v.is_finite() && v >= 0.0);
            }
            Some(Some(array))
        }
        Some(_) => {
            plain.fill(false);
            None
        }
    }
}

/// The number of a row (`None` when empty or the column is absent).
fn number_at(array: Option<&PrimitiveArray<f64>>, row: usize) -> Option<f64> {
    array.filter(|a| a.is_valid(row)).map(|a| a.value(row))
}

impl ColumnWise for AdmissionRows {
    fn parse_columns(&mut self, ctx: &FileContext, first_line: u32, columns: &[ColumnArray]) {
        let height = columns.first().map_or(0, ColumnArray::len);
        let mut plain = vec![!ctx.unusable; height];
        for index in [0, 1, 2, 3, 6] {
            require_plain(text(ctx, columns, index), &mut plain);
        }
        let admitted = days(ctx, columns, 4, true, &mut plain);
        let discharged = days(ctx, columns, 5, false, &mut plain);
        let (
            Some(id),
            Some(collaborative),
            Some(service_line),
            Some(provider),
            Some(admitted),
            Some(discharged),
        ) = (
            text(ctx, columns, 0),
            text(ctx, columns, 2),
            text(ctx, columns, 3),
            text(ctx, columns, 6),
            admitted,
            discharged,
        )
        else {
            return row_by_row(self, ctx, first_line, columns);
        };
        require_order(admitted, discharged, &mut plain);
        let collaboratives = codes(collaborative, &mut self.dictionary, &plain);
        if let Some(known) = ctx.reading.known_collaboratives {
            let unknown = unknown_codes(&self.dictionary, known);
            for (row, &code) in collaboratives.iter().enumerate() {
                if plain[row] && unknown[code as usize] {
                    plain[row] = false;
                }
            }
        }
        let service_lines = codes(service_line, &mut self.dictionary, &plain);
        let providers = codes(provider, &mut self.dictionary, &plain);
        in_order(self, ctx, first_line, columns, &plain, |rows, row| {
            rows.push_id(ctx, Some(id.value(row)));
            rows.collaborative.push(collaboratives[row]);
            rows.service_line.push(service_lines[row]);
            rows.provider.push(providers[row]);
            rows.admitted.push(admitted.value(row));
            rows.discharged.push(day_at(discharged, row));
        });
    }
}

/// Per code of the dictionary: whether its value is missing from the collaboratives reference.
fn unknown_codes(dictionary: &Dictionary, known: &PlHashSet<String>) -> Vec<bool> {
    dictionary
        .values
        .iter()
        .map(|value| !known.contains(value))
        .collect()
}

impl ColumnWise for PlacementRows {
    fn parse_columns(&mut self, ctx: &FileContext, first_line: u32, columns: &[ColumnArray]) {
        let height = columns.first().map_or(0, ColumnArray::len);
        let mut plain = vec![!ctx.unusable; height];
        for index in [0, 1, 4] {
            require_plain(text(ctx, columns, index), &mut plain);
        }
        let starts = days(ctx, columns, 2, true, &mut plain);
        let ends = days(ctx, columns, 3, false, &mut plain);
        let distances = numbers(ctx, columns, 7, &mut plain);
        let costs = numbers(ctx, columns, 8, &mut plain);
        let flags = match ctx.columns[5].and_then(|i| columns.get(i)) {
            Some(ColumnArray::Flag(flags)) => Some(flags),
            _ => None,
        };
        let (
            Some(id),
            Some(admission_id),
            Some(provider),
            Some(reason),
            Some(starts),
            Some(ends),
            Some(distances),
            Some(costs),
            Some(flags),
        ) = (
            text(ctx, columns, 0),
            text(ctx, columns, 1),
            text(ctx, columns, 4),
            text(ctx, columns, 6),
            starts,
            ends,
            distances,
            costs,
            flags,
        )
        else {
            return row_by_row(self, ctx, first_line, columns);
        };
        require_order(starts, ends, &mut plain);
        // A reason code for each out-of-area row; none (and nothing written) for the others.
        let reasons: Vec<u8> = (0..height)
            .map(|row| {
                if !plain[row] || !flags.is_valid(row) {
                    plain[row] = false;
                    return u8::MAX;
                }
                if flags.value(row) {
                    let code = is_plain(reason, row)
                        .then(|| REASON_CODES.iter().position(|c| *c == reason.value(row)))
                        .flatten();
                    plain[row] &= code.is_some();
                    code.map_or(u8::MAX, |c| c as u8)
                } else {
                    plain[row] &= !reason.is_valid(row) || reason.value(row).is_empty();
                    u8::MAX
                }
            })
            .collect();
        let oap: Vec<bool> = (0..height)
            .map(|row| plain[row] && flags.value(row))
            .collect();
        let providers = codes(provider, &mut self.dictionary, &oap);
        in_order(self, ctx, first_line, columns, &plain, |rows, row| {
            if oap[row] {
                rows.oap_row.push(rows.start.len() as u32);
                rows.provider.push(providers[row]);
                rows.reason.push(reasons[row]);
                rows.distance.push(number_at(distances, row));
                rows.cost.push(number_at(costs, row));
            }
            rows.push_ids(Some(id.value(row)), Some(admission_id.value(row)));
            rows.start.push(starts.value(row));
            rows.end.push(day_at(ends, row));
        });
    }
}

/// A piece of a frame: its first row, and one array per column.
type Piece = (usize, Vec<ColumnArray>);

/// The rows of a frame as [`ColumnArray`]s in `parts` runs of (nearly) equal length, one per
/// parsing thread; each run is the pieces of Polars' chunks it covers. Those chunks are kept (no
/// copy) when every column has the same; otherwise the columns are first made one chunk each.
fn runs(frame: &polars::prelude::DataFrame, parts: usize) -> PolarsResult<Vec<Vec<Piece>>> {
    let arrays_of = |rechunk: bool| -> PolarsResult<Vec<Vec<ColumnArray>>> {
        let mut chunks: Vec<Vec<ColumnArray>> = Vec::new();
        for column in frame.columns() {
            let series = column.as_materialized_series();
            let series = if rechunk {
                std::borrow::Cow::Owned(series.rechunk())
            } else {
                std::borrow::Cow::Borrowed(series)
            };
            chunks.push(match series.dtype() {
                DataType::Date => arrays(series.cast(&DataType::Int32)?.i32()?, ColumnArray::Day),
                DataType::Float64 => arrays(series.f64()?, ColumnArray::Number),
                DataType::Boolean => arrays(series.bool()?, ColumnArray::Flag),
                _ => arrays(series.str()?, ColumnArray::Text),
            });
        }
        Ok(chunks)
    };
    let lengths = |arrays: &Vec<ColumnArray>| arrays.iter().map(ColumnArray::len).collect();
    let mut chunks = arrays_of(false)?;
    let first: Vec<usize> = chunks.first().map(lengths).unwrap_or_default();
    if !chunks.iter().all(|c| lengths(c) == first) {
        chunks = arrays_of(true)?;
    }
    let height = frame.height();
    let parts = parts.clamp(1, height.max(1));
    let mut runs: Vec<Vec<Piece>> = vec![Vec::new(); parts];
    let mut chunk_start = 0;
    for chunk in 0..chunks.first().map_or(0, Vec::len) {
        let chunk_len = chunks[0][chunk].len();
        let mut row = chunk_start;
        while row < chunk_start + chunk_len {
            // The run of this row ends where the next begins.
            let part = row * parts / height;
            let run_end = ((part + 1) * height).div_ceil(parts);
            let end = run_end.min(chunk_start + chunk_len);
            let columns = chunks
                .iter()
                .map(|c| c[chunk].sliced(row - chunk_start, end - row))
                .collect();
            runs[part].push((row, columns));
            row = end;
        }
        chunk_start += chunk_len;
    }
    Ok(runs)
}

/// The arrays of a column's chunks.
fn arrays<T: PolarsDataType>(
    column: &ChunkedArray<T>,
    typed: impl Fn(T::Array) -> ColumnArray,
) -> Vec<ColumnArray> {
    column.downcast_iter().cloned().map(typed).collect()
}

/// Reads one Parquet file into rows.
pub fn read_parquet<R: ColumnWise>(
    path: &Path,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
) -> Result<(R, Vec<Finding>)> {
    read_parquet_in_chunks(path, file, kind, reading, PARQUET_ROWS_AT_A_TIME, true)
}

fn read_parquet_in_chunks<R: ColumnWise>(
    path: &Path,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
    rows_at_a_time: usize,
    column_wise: bool,
) -> Result<(R, Vec<Finding>)> {
    let raw = crate::extract::read_parquet_columns(path, kind)?;
    let names: Vec<&str> = raw.names.iter().map(String::as_str).collect();
    let header = read_header(&raw.path, kind, &names)?;
    let ctx = FileContext {
        file,
        path: &raw.path,
        columns: header.columns.clone(),
        unusable: !header.missing.is_empty(),
        reading,
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut rows = R::with_capacity(raw.rows);
    // A few row groups at a time: only they are held as Polars columns. The next chunk is
    // decoded (on Polars' threads) while this one is parsed (on as many of oapstat's as there are
    // cores).
    std::thread::scope(|scope| -> Result<()> {
        let (send, decoded) = std::sync::mpsc::sync_channel(0);
        let raw = &raw;
        scope.spawn(move || {
            for (offset, len) in raw.chunks(rows_at_a_time) {
                let frame = raw.rows(offset, len);
                let failed = frame.is_err();
                if send.send((offset, frame)).is_err() || failed {
                    break;
                }
            }
        });
        for (offset, frame) in decoded {
            let frame = frame?;
            let runs = runs(&frame, workers)?;
            drop(frame);
            let blocks: Vec<R> = std::thread::scope(|scope| {
                let handles: Vec<_> = runs
                    .iter()
                    .map(|run| {
                        let ctx = &ctx;
                        scope.spawn(move || {
                            let height = run.iter().map(|(_, c)| c[0].len()).sum();
                            let mut rows = R::with_capacity(height);
                            for (first_row, columns) in run {
                                // Rows of a Parquet file count from 1.
                                let first_line = (offset + first_row) as u32 + 1;
                                if column_wise {
                                    rows.parse_columns(ctx, first_line, columns);
                                } else {
                                    row_by_row(&mut rows, ctx, first_line, columns);
                                }
                            }
                            rows
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("parsing thread"))
                    .collect()
            });
            for block in blocks {
                rows.append(block)?;
            }
        }
        Ok(())
    })?;
    Ok((rows, header.missing))
}

#[cfg(test)]
mod tests {
    use super::super::Common;
    use super::*;

    use super::super::KEEP_IDS;
    use crate::periods::day_of;
    use crate::validate::Rule;
    use chrono::NaiveDate;

    fn problem_lines_of(common: &Common) -> Vec<(usize, Rule)> {
        common
            .findings
            .iter()
            .map(|(_, f)| (f.line, f.rule))
            .collect()
    }

    #[test]
    fn parquet_dates_numbers_and_flags_are_read_as_typed() {
        use polars::prelude::*;
        let day = |text: &str| day_of(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap());
        let dates = |name: &str, days: &[Option<Day>]| {
            Column::new(name.into(), days)
                .cast(&DataType::Date)
                .unwrap()
        };
        let mut frame = DataFrame::new(
            3,
            vec![
                Column::new("placement_id".into(), [101i64, 102, 103]),
                Column::new("Admission_ID".into(), ["A1", "A1", "A2"]),
                dates(
                    "start_date",
                    &[
                        Some(day("2024-02-29")),
                        Some(day("2024-03-02")),
                        Some(day("2024-03-01")),
                    ],
                ),
                dates("end_date", &[Some(day("2024-03-02")), None, None]),
                Column::new("provider_code".into(), ["NPX01", "RAA01", "NPX02"]),
                Column::new("out_of_area".into(), [true, false, true]),
                Column::new("oap_reason".into(), [Some("10"), None, Some("99")]),
                Column::new("distance_km".into(), [Some(30.5), None, Some(-2.0)]),
                Column::new("daily_cost".into(), [Some(650i64), None, None]),
            ],
        )
        .unwrap();
        let file = tempfile::Builder::new()
            .suffix(".parquet")
            .tempfile()
            .unwrap();
        polars_io::prelude::ParquetWriter::new(std::fs::File::create(file.path()).unwrap())
            .with_row_group_size(Some(2))
            .finish(&mut frame)
            .unwrap();
        let (rows, missing) =
            read_parquet::<PlacementRows>(file.path(), 0, ExtractKind::Placements, KEEP_IDS)
                .unwrap();
        assert!(missing.is_empty());
        // Read a row group of two rows at a time: the same rows, the same row numbers.
        let (in_chunks, _) = read_parquet_in_chunks::<PlacementRows>(
            file.path(),
            0,
            ExtractKind::Placements,
            KEEP_IDS,
            2,
            true,
        )
        .unwrap();
        assert_eq!(in_chunks.start, rows.start);
        assert_eq!(in_chunks.oap_row, rows.oap_row);
        assert_eq!(
            problem_lines_of(&in_chunks.common),
            problem_lines_of(&rows.common)
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows.id.get(0),
            Some("101"),
            "a whole-number id is read as text"
        );
        assert_eq!(
            rows.start,
            [day("2024-02-29"), day("2024-03-02"), day("2024-03-01")]
        );
        assert_eq!(rows.end, [day("2024-03-02"), NO_DAY, NO_DAY]);
        assert_eq!(rows.oap_row, [0, 2], "flags read as booleans");
        assert_eq!(rows.distance, [Some(30.5), Some(-2.0)]);
        assert_eq!(
            rows.cost,
            [Some(650.0), None],
            "whole-number costs read as numbers"
        );
        assert_eq!(
            problem_lines_of(&rows.common),
            vec![(3, Rule::NegativeNumber)]
        );
        let finding = &rows.common.findings[0].1;
        assert_eq!(finding.message, "distance_km -2 is negative");
    }

    /// Everything read of placements rows, for comparing two readings.
    fn placements_as_read(rows: &PlacementRows) -> String {
        let texts = |t: &super::super::Texts| {
            (0..rows.len())
                .map(|r| t.get(r).map(str::to_string))
                .collect::<Vec<_>>()
        };
        let providers: Vec<&str> = rows
            .provider
            .iter()
            .map(|&c| rows.dictionary.values[c as usize].as_str())
            .collect();
        let lines: Vec<u32> = (0..rows.len()).map(|r| rows.common.line.get(r)).collect();
        format!(
            "{:?}\n{:?}\n{:?} {:?}\n{:?} {providers:?} {:?}\n{:?} {:?}\n{:?} {lines:?}\n{:#?}",
            texts(&rows.id),
            texts(&rows.admission_id),
            rows.start,
            rows.end,
            rows.oap_row,
            rows.reason,
            rows.distance,
            rows.cost,
            rows.common.bad,
            rows.common.findings,
        )
    }

    fn admissions_as_read(rows: &AdmissionRows) -> String {
        let name = |c: &u32| rows.dictionary.values[*c as usize].as_str();
        let lines: Vec<u32> = (0..rows.len()).map(|r| rows.common.line.get(r)).collect();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?} {:?}\n{:?} {lines:?}\n{:#?}",
            (0..rows.len()).map(|r| rows.id.get(r)).collect::<Vec<_>>(),
            (0..rows.len())
                .map(|r| name(&rows.collaborative.get(r)))
                .collect::<Vec<_>>(),
            (0..rows.len())
                .map(|r| name(&rows.service_line.get(r)))
                .collect::<Vec<_>>(),
            rows.admitted,
            rows.discharged,
            rows.common.bad,
            rows.common.findings,
        )
    }

    fn parquet_file(
        frame: &mut polars::prelude::DataFrame,
        row_group_rows: usize,
    ) -> tempfile::NamedTempFile {
        let file = tempfile::Builder::new()
            .suffix(".parquet")
            .tempfile()
            .unwrap();
        polars_io::prelude::ParquetWriter::new(std::fs::File::create(file.path()).unwrap())
            .with_row_group_size(Some(row_group_rows))
            .finish(frame)
            .unwrap();
        file
    }

    /// Reads a file column by column and row by row, row groups up to `rows_at_a_time` rows at
    /// a time.
    fn both_ways<R: ColumnWise>(
        file: &tempfile::NamedTempFile,
        kind: ExtractKind,
        known: Option<&PlHashSet<String>>,
        rows_at_a_time: usize,
    ) -> (R, R) {
        let read = |column_wise| {
            read_parquet_in_chunks::<R>(
                file.path(),
                0,
                kind,
                Reading {
                    known_collaboratives: known,
                    ..KEEP_IDS
                },
                rows_at_a_time,
                column_wise,
            )
            .unwrap()
            .0
        };
        (read(true), read(false))
    }

    /// A column of field `$i` of every row of `$rows`.
    macro_rules! column {
        ($rows:expr, $name:expr, $i:tt) => {
            polars::prelude::Column::new(
                $name.into(),
                $rows.iter().map(|r| r.$i).collect::<Vec<_>>(),
            )
        };
    }

    /// placement_id, admission_id, start, end, provider, out_of_area, reason, distance, cost.
    type PlacementRow<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<i32>,
        Option<i32>,
        Option<&'a str>,
        Option<bool>,
        Option<&'a str>,
        Option<f64>,
        Option<f64>,
    );
    /// admission_id, patient_id, collaborative, service_line, admitted, discharged, provider.
    type AdmissionRow<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<i32>,
        Option<i32>,
        Option<&'a str>,
    );

    #[test]
    fn placements_read_column_by_column_as_row_by_row() {
        use polars::prelude::{Column, DataFrame, DataType};
        let day = |d: i32| Some(19_700 + d);
        // One row per doubt, between plain rows: the column-wise checks must send each to the
        // row-by-row parse, and leave the plain ones as that parse would.
        #[rustfmt::skip]
        let rows: Vec<PlacementRow> = vec![
            (Some("P1"), Some("A1"), day(0), day(3), Some("NPX01"), Some(true), Some("10"), Some(30.5), Some(650.0)),
            (Some("P2"), Some("A1"), day(3), None, Some("RAA01"), Some(false), None, None, None),
            (Some(" P3"), Some("A2"), day(1), day(1), Some("NPX02"), Some(true), Some("11"), None, None),
            (Some("P4"), Some("A2 "), day(1), day(2), Some("NPX02"), Some(true), Some("11"), None, None),
            (Some("P5"), None, day(1), day(2), Some("NPX02"), Some(true), Some("11"), None, None),
            (Some("P6"), Some(""), day(1), day(2), Some("NPX02"), Some(true), Some("11"), None, None),
            (Some("P7"), Some("A3"), None, day(2), Some("NPX02"), Some(true), Some("11"), None, None),
            (Some("P8"), Some("A3"), day(5), day(2), Some("NPX02"), Some(true), Some("11"), None, None),
            (Some("P9"), Some("A4"), day(5), day(6), None, Some(true), Some("11"), None, None),
            (Some("P10"), Some("A4"), day(5), day(6), Some("NPX03"), None, Some("11"), None, None),
            (Some("P11"), Some("A5"), day(5), day(6), Some("NPX03"), Some(true), None, None, None),
            (Some("P12"), Some("A5"), day(5), day(6), Some("NPX03"), Some(true), Some("42"), None, None),
            (Some("P13"), Some("A6"), day(5), day(6), Some("NPX03"), Some(true), Some(" 10"), None, None),
            (Some("P14"), Some("A6"), day(5), day(6), Some("NPX03"), Some(false), Some("10"), None, None),
            (Some("P15"), Some("A7"), day(5), day(6), Some("NPX03"), Some(false), Some(""), None, None),
            (Some("P16"), Some("A7"), day(5), day(6), Some("NPX03"), Some(true), Some("10"), Some(-1.0), None),
            (Some("P17"), Some("A8"), day(5), day(6), Some("NPX03"), Some(true), Some("10"), None, Some(f64::NAN)),
            (Some("P18"), Some("A8"), day(5), day(6), Some("NPX\u{a0}"), Some(true), Some("10"), Some(0.0), Some(0.0)),
            (Some("P19"), Some("Ä9"), day(5), None, Some(" NPX04"), Some(true), Some("10"), None, Some(1e9)),
            (Some("P20"), Some("A9"), day(-30_000), day(40_000), Some("a-much-longer-provider-code"), Some(true), Some("10"), Some(12.0), Some(700.0)),
            (Some("P21"), Some("A9"), day(6), None, Some("a-much-longer-provider-code"), Some(true), Some("12"), Some(12.0), Some(700.0)),
        ];
        let dates = |c: Column| c.cast(&DataType::Date).unwrap();
        let mut frame = DataFrame::new(
            rows.len(),
            vec![
                column!(rows, "placement_id", 0),
                column!(rows, "admission_id", 1),
                dates(column!(rows, "start_date", 2)),
                dates(column!(rows, "end_date", 3)),
                column!(rows, "provider_code", 4),
                column!(rows, "out_of_area", 5),
                column!(rows, "oap_reason", 6),
                column!(rows, "distance_km", 7),
                column!(rows, "daily_cost", 8),
            ],
        )
        .unwrap();
        // Row groups of 1 row (read 4 at a time), of 3 (one at a time) and one of them all.
        for row_group_rows in [1, 3, 1 << 20] {
            let file = parquet_file(&mut frame, row_group_rows);
            let (columns, by_row) =
                both_ways::<PlacementRows>(&file, ExtractKind::Placements, None, 4);
            assert_eq!(placements_as_read(&columns), placements_as_read(&by_row));
        }
        let file = parquet_file(&mut frame, 1 << 20);
        let (columns, _) =
            both_ways::<PlacementRows>(&file, ExtractKind::Placements, None, 1 << 20);
        let bad: Vec<usize> = (0..21).filter(|&r| columns.common.bad[r]).collect();
        assert_eq!(bad, [4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 16]);
        assert_eq!(columns.common.findings.len(), 11);
    }

    #[test]
    fn admissions_read_column_by_column_as_row_by_row() {
        use polars::prelude::{Column, DataFrame, DataType};
        let day = |d: i32| Some(19_700 + d);
        #[rustfmt::skip]
        let rows: Vec<AdmissionRow> = vec![
            (Some("A1"), Some("PT1"), Some("AAA"), Some("adult_secure_medium"), day(0), day(3), Some("R1")),
            (Some("A2"), Some("PT1"), Some("BBB"), Some("cyp_inpatient"), day(3), None, Some("R1")),
            (Some("A3"), None, Some("AAA"), Some("cyp_inpatient"), day(3), None, Some("R1")),
            (Some("A4"), Some("PT2"), Some("ZZZ"), Some("cyp_inpatient"), day(3), None, Some("R1")),
            (Some("A5"), Some("PT2"), Some("AAA "), Some("cyp_inpatient"), day(3), None, Some("R1")),
            (Some("A6"), Some("PT2"), Some("AAA"), Some("\tcyp_inpatient"), day(3), None, Some("R1")),
            (Some("A7"), Some("PT2"), Some("AAA"), Some("cyp_inpatient"), None, day(4), Some("R1")),
            (Some("A8"), Some("PT2"), Some("AAA"), Some("cyp_inpatient"), day(3), day(2), Some("R1")),
            (Some("A9"), Some("PT2"), Some("AAA"), Some("cyp_inpatient"), day(3), day(3), Some("")),
            (Some("A10"), Some("PT2"), Some("BBB"), Some("adult_secure_medium"), day(-9), day(3), Some("R2")),
            (None, Some("PT2"), Some("BBB"), Some("adult_secure_medium"), day(-9), day(3), Some("R2")),
        ];
        let dates = |c: Column| c.cast(&DataType::Date).unwrap();
        let mut frame = DataFrame::new(
            rows.len(),
            vec![
                column!(rows, "admission_id", 0),
                column!(rows, "patient_id", 1),
                column!(rows, "collaborative", 2),
                column!(rows, "service_line", 3),
                dates(column!(rows, "admission_date", 4)),
                dates(column!(rows, "discharge_date", 5)),
                column!(rows, "provider_code", 6),
            ],
        )
        .unwrap();
        let known: PlHashSet<String> = ["AAA", "BBB"].iter().map(|s| s.to_string()).collect();
        for known in [None, Some(&known)] {
            for row_group_rows in [1, 2, 1 << 20] {
                let file = parquet_file(&mut frame, row_group_rows);
                let (columns, by_row) =
                    both_ways::<AdmissionRows>(&file, ExtractKind::Admissions, known, 3);
                assert_eq!(admissions_as_read(&columns), admissions_as_read(&by_row));
            }
        }
        let file = parquet_file(&mut frame, 1 << 20);
        let (columns, _) =
            both_ways::<AdmissionRows>(&file, ExtractKind::Admissions, Some(&known), 1 << 20);
        let bad: Vec<usize> = (0..11).filter(|&r| columns.common.bad[r]).collect();
        assert_eq!(bad, [2, 3, 6, 7, 8, 10]);
    }

    #[test]
    fn dates_held_as_text_are_read_row_by_row() {
        use polars::prelude::{Column, DataFrame};
        let mut frame = DataFrame::new(
            2,
            vec![
                Column::new("admission_id".into(), ["A1", "A2"]),
                Column::new("patient_id".into(), ["PT1", "PT2"]),
                Column::new("collaborative".into(), ["AAA", "AAA"]),
                Column::new("service_line".into(), ["cyp_inpatient", "cyp_inpatient"]),
                Column::new("admission_date".into(), ["01/02/2024", "31/02/2024"]),
                Column::new("discharge_date".into(), [None, Some("03/02/2024")]),
                Column::new("provider_code".into(), ["R1", "R1"]),
            ],
        )
        .unwrap();
        let file = parquet_file(&mut frame, 1 << 20);
        let (columns, by_row) = both_ways::<AdmissionRows>(&file, ExtractKind::Admissions, None, 8);
        assert_eq!(admissions_as_read(&columns), admissions_as_read(&by_row));
        assert_eq!(
            columns.admitted[0],
            day_of(NaiveDate::from_ymd_opt(2024, 2, 1).unwrap())
        );
        assert_eq!(
            problem_lines_of(&columns.common),
            vec![(2, Rule::InvalidDate)]
        );
    }
}
