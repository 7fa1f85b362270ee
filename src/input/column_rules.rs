//! The one-row rules checked column by column, for a piece of a Parquet file: a row that every
//! check finds plain (texts present with nothing to trim, dates and numbers typed, flags and
//! codes as expected) goes straight into the typed columns; any other row is parsed cell by cell
//! by [`RowRules::parse`], which says what is wrong, so the rows, findings and their order are those
//! of the row-by-row reading.

use polars::prelude::PlHashSet;
use polars_arrow::array::{Array, BooleanArray, PrimitiveArray, Utf8ViewArray};

use super::columns::Dictionary;
use super::contract::REASON_CODES;
use super::dates::NO_DAY;
use super::rows::{AdmissionRows, Cell, FileContext, PlacementRows};
use super::rules::RowRules;
use crate::periods::Day;

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
    pub(super) fn len(&self) -> usize {
        match self {
            ColumnArray::Text(a) => a.len(),
            ColumnArray::Day(a) => a.len(),
            ColumnArray::Number(a) => a.len(),
            ColumnArray::Flag(a) => a.len(),
        }
    }

    pub(super) fn sliced(&self, from: usize, len: usize) -> ColumnArray {
        match self {
            ColumnArray::Text(a) => ColumnArray::Text(a.clone().sliced(from, len)),
            ColumnArray::Day(a) => ColumnArray::Day(a.clone().sliced(from, len)),
            ColumnArray::Number(a) => ColumnArray::Number(a.clone().sliced(from, len)),
            ColumnArray::Flag(a) => ColumnArray::Flag(a.clone().sliced(from, len)),
        }
    }

    /// The cell of a row; a null is an empty text cell.
    pub(super) fn cell(&self, row: usize) -> Cell<'_> {
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

    pub(super) fn is_valid(&self, row: usize) -> bool {
        match self {
            ColumnArray::Text(a) => a.is_valid(row),
            ColumnArray::Day(a) => a.is_valid(row),
            ColumnArray::Number(a) => a.is_valid(row),
            ColumnArray::Flag(a) => a.is_valid(row),
        }
    }
}

/// Rows that can be checked column by column.
pub trait ColumnWise: RowRules {
    /// Parses the rows of a piece of a file (`columns` in file order), the first on `first_line`.
    fn parse_columns(&mut self, ctx: &FileContext, first_line: u32, columns: &[ColumnArray]);
}

/// Parses the rows of a piece one at a time, cell by cell.
pub(super) fn row_by_row<R: RowRules>(
    rows: &mut R,
    ctx: &FileContext,
    first_line: u32,
    columns: &[ColumnArray],
) {
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
fn in_order<R: RowRules>(
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
fn one_row<R: RowRules>(
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

/// The text column at `index` of the extract, when the file holds it as text that needs no
/// recoding (a column the mapping recodes is read row by row).
fn text<'c>(
    ctx: &FileContext,
    columns: &'c [ColumnArray],
    index: usize,
) -> Option<&'c Utf8ViewArray> {
    if ctx.recodes(index) {
        return None;
    }
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
        if ctx.people {
            // Who the patient is: read with the one-row rules (ages, codes, the IMD lookup).
            return row_by_row(self, ctx, first_line, columns);
        }
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
