//! Reading a Parquet extract: Polars decodes a few row groups at a time (the next while this one
//! is checked), and the rows are checked column by column on every core ([`super::column_rules`]).
//! A Parquet file's rows count from 1.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use polars::prelude::{
    ArrowDataType, ChunkedArray, DataFrame, DataType, Int32Chunked, IntoColumn, PolarsDataType,
    PolarsError, PolarsResult,
};
use polars_arrow::datatypes::TimeUnit as ArrowTimeUnit;
use polars_io::parquet::read::infer_schema;
use polars_io::prelude::{FileMetadataRef, ParquetReader, SerReader};

use super::column_rules::{row_by_row, ColumnArray, ColumnWise};
use super::contract::{columns_of, normalise_column_name};
use super::files::{open_extract, ExtractKind};
use super::header::{read_header, wanted_names, Header};
use super::mapping::ColumnMapping;
use super::rows::{FileContext, Reading};

/// Rows of a Parquet file decoded by Polars at once, at most, unless one row group holds more
/// (see [`RawFile::chunks`]). Two such chunks are held at a time: one parsed,
/// the next decoded.
const PARQUET_ROWS_AT_A_TIME: usize = 1 << 18;

/// A Parquet file of an extract; row `i` is row `i + 1` of the file. Columns that hold dates
/// (or timestamps, read as their calendar day), numbers or flags where the extract expects them
/// are read as `Date`, `Float64` and `Boolean`; every other column read is text. Extra columns
/// of a type oapstat cannot read are not read (see [`read_parquet_columns`]).
pub struct RawFile {
    /// The path as the user gave it (used in every message about the file).
    pub path: String,
    /// The names of the columns read, as in the file.
    pub names: Vec<String>,
    /// Rows in the file.
    pub rows: usize,
    /// Rows of each row group, in order.
    pub row_groups: Vec<usize>,
    /// Where the file is, and its metadata (read once).
    file: PathBuf,
    metadata: FileMetadataRef,
    /// The columns read (those of a type oapstat reads), by their place in the file.
    projection: Vec<usize>,
    /// What each column read is made when read (`None`: kept as it is).
    casts: Vec<Option<Cast>>,
}

/// See [`RawFile::chunks`].
fn chunks_of(row_groups: &[usize], most: usize) -> Vec<(usize, usize)> {
    let most = most.max(1);
    let mut chunks: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for &rows in row_groups {
        match chunks.last_mut() {
            Some((start, len)) if *start + *len == offset && *len + rows <= most => *len += rows,
            _ if rows <= SLICED_ABOVE => chunks.push((offset, rows)),
            _ => chunks.extend(
                (0..rows)
                    .step_by(most)
                    .map(|from| (offset + from, most.min(rows - from))),
            ),
        }
        offset += rows;
    }
    chunks
}

/// Row groups of more rows than this are read in slices (see [`RawFile::chunks`]).
pub const SLICED_ABOVE: usize = 1 << 21;

impl RawFile {
    /// The rows to read at a time, as (offset, length): whole row groups, as many together as
    /// make up to `most` rows (a larger one alone), since Polars decodes a row group whole even
    /// for a slice of it; only a row group of more than [`SLICED_ABOVE`] rows is read in slices
    /// of `most`.
    pub fn chunks(&self, most: usize) -> Vec<(usize, usize)> {
        chunks_of(&self.row_groups, most)
    }

    /// Rows `offset..offset + len` of the file (only the row groups holding them are read).
    pub fn rows(&self, offset: usize, len: usize) -> Result<DataFrame> {
        let read = || -> PolarsResult<DataFrame> {
            let mut reader = ParquetReader::new(std::fs::File::open(&self.file)?)
                .with_slice(Some((offset, len)))
                .with_projection(Some(self.projection.clone()));
            reader.set_metadata(self.metadata.clone());
            let mut frame = reader.finish()?;
            for (i, cast) in self.casts.iter().enumerate() {
                let column = match cast {
                    None => continue,
                    Some(Cast::To(dtype)) => frame.columns()[i].cast(dtype)?,
                    Some(Cast::DayOf { per_second, zone }) => {
                        let stamps = frame.columns()[i].cast(&DataType::Int64)?;
                        let days: Int32Chunked = stamps
                            .i64()?
                            .iter()
                            .map(|s| s.map(|s| day_of_stamp(s, *per_second, zone.as_ref())))
                            .collect();
                        days.with_name(stamps.name().clone())
                            .into_column()
                            .cast(&DataType::Date)?
                    }
                };
                frame.replace_column(i, column)?;
            }
            Ok(frame)
        };
        read().with_context(|| format!("{}: cannot read", self.path))
    }
}

/// How a column is made what the rows are checked on, when read.
#[derive(Debug, Clone, PartialEq)]
enum Cast {
    /// Cast to this type.
    To(DataType),
    /// Timestamps, counted in `per_second` from 1970-01-01 00:00 UTC: the calendar day of each
    /// in `zone` (UTC when `None`; the time of day is dropped), as a `Date`.
    DayOf { per_second: i64, zone: Option<Zone> },
}

/// The time zone of a column of timestamps.
#[derive(Debug, Clone, PartialEq)]
enum Zone {
    Named(chrono_tz::Tz),
    Fixed(chrono::FixedOffset),
}

impl Zone {
    /// The zone an Arrow timestamp type names (an IANA name or an offset such as `+01:00`);
    /// `None` for UTC.
    fn parse(name: &str) -> Option<Option<Zone>> {
        if matches!(name, "UTC" | "utc" | "Etc/UTC" | "Z" | "+00:00" | "00:00") {
            return Some(None);
        }
        name.parse()
            .map(Zone::Fixed)
            .or_else(|_| name.parse().map(Zone::Named))
            .ok()
            .map(Some)
    }

    /// Seconds to add to a UTC time (`seconds` from 1970) for the wall-clock time of the zone.
    fn offset_at(&self, seconds: i64) -> i64 {
        use chrono::{Offset, TimeZone};
        match self {
            Zone::Fixed(offset) => i64::from(offset.local_minus_utc()),
            Zone::Named(zone) => chrono::DateTime::from_timestamp(seconds, 0).map_or(0, |utc| {
                let offset = zone.offset_from_utc_datetime(&utc.naive_utc());
                i64::from(offset.fix().local_minus_utc())
            }),
        }
    }
}

/// The calendar day (from 1970-01-01) of a timestamp counted in `per_second` from 1970-01-01
/// 00:00 UTC, in `zone`.
fn day_of_stamp(stamp: i64, per_second: i64, zone: Option<&Zone>) -> i32 {
    let seconds = stamp.div_euclid(per_second);
    let local = seconds + zone.map_or(0, |z| z.offset_at(seconds));
    local.div_euclid(86_400) as i32
}

/// Whether Polars (as oapstat builds it) reads a column of this Arrow type: text, dates,
/// timestamps, numbers of 32 or 64 bits, booleans and the null type. Others (8 and 16-bit
/// integers, decimals, times, durations, binary, lists, structs) are refused by name.
fn is_readable(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    matches!(
        dtype,
        A::Utf8
            | A::LargeUtf8
            | A::Utf8View
            | A::Date32
            | A::Date64
            | A::Timestamp(_, _)
            | A::Int32
            | A::Int64
            | A::UInt32
            | A::UInt64
            | A::Float32
            | A::Float64
            | A::Boolean
            | A::Null
    )
}

/// Reads one Parquet file (CSV files are read by [`super::csv`]).
///
/// A file is read by its Parquet types, not by the Arrow schema a writer may store beside them:
/// dictionary-encoded text, large strings and string views are all text, and a `Date64` is a
/// date. A timestamp in a date column is the calendar day it falls on in its own time zone (the
/// time of day is dropped). A contract column of a type Polars does not read, or of timestamps
/// in a zone oapstat does not know, is refused, naming the file, the column and its type; such
/// an extra column is not read.
pub fn read_parquet_columns(
    path: &Path,
    kind: ExtractKind,
    mapping: &[ColumnMapping],
) -> Result<RawFile> {
    let expected = format!("a Parquet file of the {} columns", kind.name());
    let (shown, _) = open_extract(path, &expected)?;
    let mut reader = std::fs::File::open(path)
        .map_err(PolarsError::from)
        .map(ParquetReader::new)
        .with_context(|| format!("{shown}: cannot read"))?;
    let cannot_read_columns = || format!("{shown}: cannot read the columns");
    // The Arrow schema as the writer stored it, for the time zones of timestamps.
    let stored = reader.schema().with_context(cannot_read_columns)?;
    let mut metadata = reader
        .get_metadata()
        .with_context(|| format!("{shown}: cannot read the row groups"))?
        .as_ref()
        .clone();
    if let Some(pairs) = metadata.key_value_metadata.as_mut() {
        pairs.retain(|pair| pair.key != "ARROW:schema");
    }
    let metadata: FileMetadataRef = std::sync::Arc::new(metadata);
    let schema = infer_schema(&metadata).with_context(cannot_read_columns)?;
    let (dates, numbers, flags): (&[&str], &[&str], &[&str]) = match kind {
        ExtractKind::Admissions => (
            &["admission_date", "discharge_date"],
            &["age", "imd_decile"],
            &[],
        ),
        ExtractKind::Placements => (
            &["start_date", "end_date"],
            &["distance_km", "daily_cost"],
            &["out_of_area"],
        ),
    };
    let wanted = wanted_names(kind, mapping);
    let mut projection = Vec::new();
    let mut names = Vec::new();
    let mut casts: Vec<Option<Cast>> = Vec::new();
    for (index, field) in schema.iter_values().enumerate() {
        // The contract column this one is (through the mapping), and whether it is recoded.
        let normalised = normalise_column_name(&field.name);
        let position = wanted.iter().position(|w| *w == normalised);
        let arrow = field.dtype();
        if !is_readable(arrow) {
            if let Some(i) = position {
                bail!(
                    "{shown}: column {} is of the Parquet type {arrow:?}, which oapstat cannot \
                     read; write {} as text, a date, a 32 or 64-bit number or a boolean",
                    field.name,
                    columns_of(kind).0[i]
                );
            }
            continue;
        }
        let contract = position
            .filter(|&i| mapping[i].values.is_none())
            .map(|i| columns_of(kind).0[i]);
        let is = |names: &[&str]| contract.is_some_and(|c| names.contains(&c));
        let dtype = DataType::from_arrow_field(field);
        let cast = if let (true, ArrowDataType::Timestamp(unit, zone)) = (is(dates), arrow) {
            let zone = match stored.get(&field.name).map(|f| f.dtype()) {
                Some(ArrowDataType::Timestamp(_, stored_zone)) => stored_zone.clone(),
                _ => zone.clone(),
            };
            let zone = match zone {
                None => None,
                Some(name) => Zone::parse(&name).with_context(|| {
                    format!(
                        "{shown}: column {} holds timestamps in the time zone {name:?}, which is \
                         not a time zone oapstat knows (expected an IANA name such as \
                         Europe/London, or an offset such as +01:00)",
                        field.name
                    )
                })?,
            };
            Some(Cast::DayOf {
                per_second: match unit {
                    ArrowTimeUnit::Second => 1,
                    ArrowTimeUnit::Millisecond => 1_000,
                    ArrowTimeUnit::Microsecond => 1_000_000,
                    ArrowTimeUnit::Nanosecond => 1_000_000_000,
                },
                zone,
            })
        } else if is(dates) && dtype == DataType::Date || is(flags) && dtype == DataType::Boolean {
            None
        } else if is(numbers) && dtype.is_primitive_numeric() {
            (dtype != DataType::Float64).then_some(Cast::To(DataType::Float64))
        } else {
            (dtype != DataType::String).then_some(Cast::To(DataType::String))
        };
        projection.push(index);
        names.push(field.name.to_string());
        casts.push(cast);
    }
    let row_groups: Vec<usize> = metadata.row_groups.iter().map(|g| g.num_rows()).collect();
    Ok(RawFile {
        path: shown,
        names,
        rows: row_groups.iter().sum(),
        row_groups,
        file: path.to_path_buf(),
        metadata,
        projection,
        casts,
    })
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
) -> Result<(R, Header)> {
    read_parquet_in_chunks(path, file, kind, reading, PARQUET_ROWS_AT_A_TIME, true)
}

fn read_parquet_in_chunks<R: ColumnWise>(
    path: &Path,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
    rows_at_a_time: usize,
    column_wise: bool,
) -> Result<(R, Header)> {
    let raw = read_parquet_columns(path, kind, reading.mapping.columns(kind))?;
    let names: Vec<&str> = raw.names.iter().map(String::as_str).collect();
    let header = read_header(&raw.path, kind, &names, reading.mapping.columns(kind))?;
    let ctx = FileContext::new(file, &raw.path, kind, &header, reading);
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
    Ok((rows, header))
}

#[cfg(test)]
mod tests {
    use super::super::columns::Texts;
    use super::super::dates::NO_DAY;
    use super::super::rows::Common;
    use super::super::rows::{AdmissionRows, PlacementRows, Rows};
    use super::*;
    use crate::periods::Day;
    use polars::prelude::PlHashSet;

    use super::super::findings::Rule;
    use super::super::rows::keep_ids;
    use crate::periods::day_of;
    use chrono::NaiveDate;

    fn problem_lines_of(common: &Common) -> Vec<(usize, Rule)> {
        common
            .findings
            .iter()
            .map(|(_, f)| (f.line, f.rule))
            .collect()
    }

    /// The calendar day of timestamps (checked against chrono's own conversion): before 1970
    /// (a negative count is floored, not truncated), with a time of day, and in a zone whose
    /// offset changes with the season or is fixed.
    #[test]
    fn timestamps_are_their_calendar_day_in_their_zone() {
        let day = |text: &str| day_of(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap());
        let london = Zone::parse("Europe/London").unwrap();
        let new_york = Zone::parse("-05:00").unwrap();
        assert_eq!(Zone::parse("UTC").unwrap(), None);
        assert!(Zone::parse("Mars/Olympus").is_none());
        let utc = |text: &str| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
                .unwrap()
                .and_utc()
                .timestamp()
        };
        for (stamp, zone, expected) in [
            ("1970-01-01 00:00:00", None, "1970-01-01"),
            ("1969-12-31 23:59:59", None, "1969-12-31"),
            ("2024-02-29 14:30:00", None, "2024-02-29"),
            ("2100-01-01 23:59:59", None, "2100-01-01"),
            // 2024-07-01 00:30 in London (BST) is 2024-06-30 23:30 UTC.
            ("2024-06-30 23:30:00", london.as_ref(), "2024-07-01"),
            // In winter London is UTC.
            ("2024-01-20 23:59:59", london.as_ref(), "2024-01-20"),
            ("2024-03-01 03:00:00", new_york.as_ref(), "2024-02-29"),
        ] {
            for per_second in [1, 1_000, 1_000_000, 1_000_000_000] {
                assert_eq!(
                    day_of_stamp(utc(stamp) * per_second, per_second, zone),
                    day(expected),
                    "{stamp} in {zone:?}"
                );
            }
        }
        // A millisecond before 1970 is 1969.
        assert_eq!(day_of_stamp(-1, 1_000, None), day("1969-12-31"));
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
            read_parquet::<PlacementRows>(file.path(), 0, ExtractKind::Placements, keep_ids())
                .unwrap();
        assert!(missing.missing.is_empty());
        // Read a row group of two rows at a time: the same rows, the same row numbers.
        let (in_chunks, _) = read_parquet_in_chunks::<PlacementRows>(
            file.path(),
            0,
            ExtractKind::Placements,
            keep_ids(),
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
        let texts = |t: &Texts| {
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
                    ..keep_ids()
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

    #[test]
    fn a_mapping_reads_parquet_names_codes_and_dates() {
        use polars::prelude::{Column, DataFrame, DataType};
        let mapping = crate::input::mapping::Mapping::parse(
            "m.toml",
            r#"
[placements]
placement_id = "UniqWardStayID"
admission_id = "SpellID"
start_date = { column = "StartDateWardStay", format = "%Y%m%d" }
end_date = "EndDateWardStay"
provider_code = "OrgIDReceiving"
out_of_area = { column = "OOA", values = { "1" = "yes", "2" = "no" } }
oap_reason = { column = "ReasonOAT", values = { "R10" = "10", "" = "" } }
"#,
        )
        .unwrap();
        let day = |text: &str| day_of(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap());
        let ends = Column::new("EndDateWardStay".into(), [Some(day("2024-03-02")), None])
            .cast(&DataType::Date)
            .unwrap();
        let mut frame = DataFrame::new(
            2,
            vec![
                Column::new("UniqWardStayID".into(), ["P1", "P2"]),
                Column::new("SpellID".into(), ["A1", "A2"]),
                Column::new("StartDateWardStay".into(), ["20240229 10:00", "20240301"]),
                ends,
                Column::new("OrgIDReceiving".into(), ["NPX01", "R1"]),
                Column::new("OOA".into(), ["1", "2"]),
                Column::new("ReasonOAT".into(), [Some("R10"), None]),
            ],
        )
        .unwrap();
        let file = parquet_file(&mut frame, 1 << 20);
        let reading = Reading {
            mapping: &mapping,
            ..keep_ids()
        };
        let (rows, header) =
            read_parquet::<PlacementRows>(file.path(), 0, ExtractKind::Placements, reading)
                .unwrap();
        assert!(header.missing.is_empty());
        assert_eq!(header.shown[2], "StartDateWardStay");
        assert!(
            rows.common.findings.is_empty(),
            "{:?}",
            rows.common.findings
        );
        assert_eq!(rows.start, [day("2024-02-29"), day("2024-03-01")]);
        assert_eq!(rows.end, [day("2024-03-02"), NO_DAY]);
        assert_eq!(rows.oap_row, [0], "P1 out of area, P2 not");
        assert_eq!(rows.reason, [0], "R10 is reason 10");
    }

    #[test]
    fn chunks_are_whole_row_groups() {
        // Small groups together up to the most; a larger one alone; a huge one in slices.
        assert_eq!(
            chunks_of(&[2, 2, 2, 5, 1, 1], 4),
            [(0, 4), (4, 2), (6, 5), (11, 2)]
        );
        let huge = SLICED_ABOVE + 1;
        assert_eq!(
            chunks_of(&[1, huge], SLICED_ABOVE / 2),
            [
                (0, 1),
                (1, SLICED_ABOVE / 2),
                (1 + SLICED_ABOVE / 2, SLICED_ABOVE / 2),
                (1 + SLICED_ABOVE, 1)
            ]
        );
        assert!(chunks_of(&[], 4).is_empty());
    }
}
