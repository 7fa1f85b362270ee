//! What the rates and length-of-stay analyses share: stays as day numbers, which spells had an
//! out-of-area placement, groups by key, and the grid of every key combination and period that
//! their results are laid on.

use polars::prelude::*;
use polars_arrow::array::{Array, PrimitiveArray};

use crate::periods::{Day, Period};

/// Whether each spell (row of `admissions`) had an out-of-area placement (a row of `oaps`).
pub fn had_oap(admissions: &DataFrame, oaps: &DataFrame) -> PolarsResult<Vec<bool>> {
    // Spell ids number the checked admissions from 0: a flag per id, set by the OAPs.
    let ids = admissions.column("spell_id")?.u32()?;
    let mut oap_spell = vec![false; ids.max().map_or(0, |m| m as usize + 1)];
    for id in oaps.column("spell_id")?.u32()?.iter().flatten() {
        if let Some(flag) = oap_spell.get_mut(id as usize) {
            *flag = true;
        }
    }
    Ok(ids
        .iter()
        .map(|id| id.is_some_and(|id| oap_spell[id as usize]))
        .collect())
}

/// A frame of the periods: `period, period_start, period_end` (dates).
pub fn periods_frame(periods: &[crate::periods::Period]) -> PolarsResult<DataFrame> {
    let labels: Vec<&str> = periods.iter().map(|p| p.label.as_str()).collect();
    let starts: Vec<i32> = periods.iter().map(|p| p.start_day()).collect();
    let ends: Vec<i32> = periods.iter().map(|p| p.end_day()).collect();
    DataFrame::new(
        periods.len(),
        vec![
            Column::new("period".into(), labels),
            Column::new("period_start".into(), starts).cast(&DataType::Date)?,
            Column::new("period_end".into(), ends).cast(&DataType::Date)?,
        ],
    )
}

/// The measure frames (each keyed by `key_names` and `period`) laid on the grid of every key
/// combination of the first one, plus the listed collaboratives when the only key is
/// `collaborative`, times every period: a row for each, with `period_start` and `period_end`,
/// and nulls where a frame has no row (a listed collaborative without activity).
pub fn on_grid(
    measures: Vec<DataFrame>,
    key_names: &[&str],
    collaboratives: &[String],
    periods: &[Period],
) -> PolarsResult<DataFrame> {
    let mut key_frame = match measures.first() {
        Some(first) => first.select(key_names.iter().copied())?,
        None => DataFrame::empty(),
    };
    if key_names == ["collaborative"] {
        let listed = DataFrame::new(
            collaboratives.len(),
            vec![Column::new("collaborative".into(), collaboratives.to_vec())],
        )?;
        key_frame = if key_frame.width() == 0 {
            listed
        } else {
            key_frame.vstack(&listed)?
        };
    }
    let mut grid = key_frame
        .unique_stable(None, UniqueKeepStrategy::First, None)?
        .cross_join(
            &periods_frame(periods)?,
            None,
            None,
            MaintainOrderJoin::Left,
        )?;
    let mut join_on: Vec<&str> = key_names.to_vec();
    join_on.push("period");
    for frame in measures {
        grid = grid.join(
            &frame,
            join_on.iter().copied(),
            join_on.iter().copied(),
            JoinArgs {
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Left)
            },
            None,
        )?;
    }
    Ok(grid)
}

/// The columns of `fields` in their order, rows sorted by the keys and then by period.
pub fn in_order(
    frame: &DataFrame,
    fields: &[crate::schema::Field],
    key_names: &[&str],
) -> PolarsResult<DataFrame> {
    let mut sort_by: Vec<&str> = key_names.to_vec();
    sort_by.push("period_start");
    frame.select(fields.iter().map(|f| f.name.as_str()))?.sort(
        sort_by,
        SortMultipleOptions::default().with_maintain_order(true),
    )
}

/// Sets the nulls of the named columns to zero (measures of a key and period with no activity).
pub fn zero_filled(frame: &mut DataFrame, names: &[&str]) -> PolarsResult<()> {
    for name in names {
        let filled = frame.column(name)?.fill_null(FillNullStrategy::Zero)?;
        frame.with_column(filled)?;
    }
    Ok(())
}

/// The first and last day of each period.
pub fn period_bounds(periods: &[Period]) -> Vec<(Day, Day)> {
    periods
        .iter()
        .map(|p| (p.start_day(), p.end_day()))
        .collect()
}

/// The days a census for periods of these bounds runs over: the day before the first to the end
/// of the last.
pub fn census_days(bounds: &[(Day, Day)]) -> (Day, Day) {
    let first = bounds.iter().map(|b| b.0).min().unwrap_or(0) - 1;
    let last = bounds.iter().map(|b| b.1).max().unwrap_or(0);
    (first, last)
}

/// The rows of one group, in frame order.
pub type GroupRows<'a> = Box<dyn Iterator<Item = usize> + 'a>;

/// Up to this many groups, [`map_groups`] marks each group's rows in a bitmap of its own.
const FEW_GROUPS: usize = 16;

/// Calls `each(rows, size)` for every group of `frame` by the columns `keys` (text, or codes
/// into `names`), on every core (`rows()` gives the group's `size` rows, as often as needed); returns the key values of the groups (one row per group, in order of
/// first appearance, as text) and the results in the same order. Rows come in frame order.
///
/// The keys here (collaborative, service line, provider, reason) have few values, so each key
/// column is coded by a small dictionary and the codes combined into a group number; rows are
/// then marked in a bitmap per group (few groups) or put in group order by counting. A general hash group-by would hold a hash per row and its tables
/// besides: at 7 million spells, 200 MB more than this.
pub fn map_groups<T: Send>(
    frame: &DataFrame,
    keys: &[&str],
    names: &[String],
    each: impl for<'a> Fn(&'a dyn Fn() -> GroupRows<'a>, usize) -> T + Sync,
) -> PolarsResult<(Vec<Column>, Vec<T>)> {
    let height = frame.height();
    // One coded key (collaborative alone, the usual case) is its own group number: read in place.
    let single_code = match keys {
        [key] => {
            let column = frame.column(key)?;
            (column.dtype() == &DataType::UInt32)
                .then(|| column.u32())
                .transpose()?
                .and_then(|codes| codes.cont_slice().ok())
                .filter(|codes| codes.iter().all(|&c| (c as usize) < names.len()))
        }
        _ => None,
    };
    let mut groups: u64 = 1;
    let mut group_of: std::borrow::Cow<[u32]> = match single_code {
        Some(codes) => {
            groups = names.len().max(1) as u64;
            std::borrow::Cow::Borrowed(codes)
        }
        None => std::borrow::Cow::Owned(vec![0; height]),
    };
    for key in keys.iter().filter(|_| single_code.is_none()) {
        let column = frame.column(key)?;
        let group_of = group_of.to_mut();
        let mut combine = |distinct: usize, codes: &mut dyn Iterator<Item = u32>| {
            let distinct = distinct.max(1) as u64;
            groups *= distinct;
            polars_ensure!(groups <= u32::MAX as u64, ComputeError: "too many combinations of {keys:?}");
            for (group, code) in group_of.iter_mut().zip(codes) {
                *group = *group * distinct as u32 + code;
            }
            Ok(())
        };
        if column.dtype() == &DataType::UInt32 {
            // Already coded (collaborative, service line: see `validate::Checked`).
            let codes = column.u32()?;
            combine(names.len(), &mut codes.iter().map(|c| c.unwrap_or(0)))?;
        } else {
            let mut dictionary: PlHashMap<Option<&str>, u32> = PlHashMap::new();
            let mut codes = Vec::with_capacity(height);
            for value in column.str()?.iter() {
                let next = dictionary.len() as u32;
                codes.push(*dictionary.entry(value).or_insert(next));
            }
            combine(dictionary.len(), &mut codes.into_iter())?;
        }
    }
    // The groups in order of first row, and their sizes.
    let mut size = vec![0u32; groups as usize];
    let mut first_rows: Vec<IdxSize> = Vec::new();
    for (row, &g) in group_of.iter().enumerate() {
        if size[g as usize] == 0 {
            first_rows.push(row as IdxSize);
        }
        size[g as usize] += 1;
    }
    let present: Vec<u32> = first_rows.iter().map(|&r| group_of[r as usize]).collect();
    // With few groups, each group's rows are one bit a row (at most 2 bytes a row in all);
    // otherwise rows are put in group order (a counting sort, stable: 4 bytes a row).
    let few = present.len() <= FEW_GROUPS;
    let mut slot_of = vec![u32::MAX; groups as usize];
    let mut bits: Vec<Vec<u64>> = Vec::new();
    let mut order: Vec<u32> = Vec::new();
    let mut starts = vec![0u32; groups as usize + 1];
    if few {
        for (slot, &g) in present.iter().enumerate() {
            slot_of[g as usize] = slot as u32;
        }
        bits = vec![vec![0u64; height.div_ceil(64)]; present.len()];
        for (row, &g) in group_of.iter().enumerate() {
            bits[slot_of[g as usize] as usize][row / 64] |= 1 << (row % 64);
        }
    } else {
        for g in 0..groups as usize {
            starts[g + 1] = starts[g] + size[g];
        }
        order = vec![0u32; height];
        let mut next = starts.clone();
        for (row, &g) in group_of.iter().enumerate() {
            let slot = &mut next[g as usize];
            order[*slot as usize] = row as u32;
            *slot += 1;
        }
    }
    drop(group_of);
    let rows_of = |g: u32| -> GroupRows<'_> {
        if few {
            let words = &bits[slot_of[g as usize] as usize];
            Box::new(words.iter().enumerate().flat_map(|(w, &word)| {
                // The set bits of the word, lowest first.
                std::iter::successors((word != 0).then_some(word), |&rest| {
                    let rest = rest & (rest - 1);
                    (rest != 0).then_some(rest)
                })
                .map(move |rest| w * 64 + rest.trailing_zeros() as usize)
            }))
        } else {
            let range = starts[g as usize] as usize..starts[g as usize + 1] as usize;
            Box::new(order[range].iter().map(|&r| r as usize))
        }
    };
    // Groups on every core, the largest first; results kept in group order.
    let mut work: Vec<usize> = (0..present.len()).collect();
    work.sort_by_key(|&i| std::cmp::Reverse(size[present[i] as usize]));
    let next_work = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<T>>> = present
        .iter()
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(present.len())
        .max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next_work.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&k) = work.get(i) else { break };
                let g = present[k];
                let result = each(&|| rows_of(g), size[g as usize] as usize);
                *results[k].lock().expect("group result") = Some(result);
            });
        }
    });
    let results = results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .expect("group result")
                .expect("every group done")
        })
        .collect();
    let firsts = IdxCa::from_vec("first".into(), first_rows);
    let keys = keys
        .iter()
        .map(|key| decode(&frame.column(key)?.take(&firsts)?, names))
        .collect::<PolarsResult<_>>()?;
    Ok((keys, results))
}

/// The values of a text column, an empty string for each null.
pub fn text_values(frame: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    Ok(frame
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// A column as text: codes (`UInt32`) replaced by their names; text as it is.
pub fn decode(column: &Column, names: &[String]) -> PolarsResult<Column> {
    if column.dtype() != &DataType::UInt32 {
        return Ok(column.clone());
    }
    let text: Vec<Option<&str>> = column
        .u32()?
        .iter()
        .map(|code| code.and_then(|c| names.get(c as usize)).map(String::as_str))
        .collect();
    Ok(Column::new(column.name().clone(), text))
}

/// Day numbers of the columns `start` and `end` (dates or day numbers; the end null while
/// ongoing), read in place.
pub fn stays(frame: &DataFrame, start: &str, end: &str) -> PolarsResult<Stays> {
    let days = |name: &str| -> PolarsResult<PrimitiveArray<i32>> {
        let column = frame.column(name)?;
        let days = match column.dtype() {
            // A date is its day number: read without a copy.
            DataType::Date => column.date()?.physical().rechunk(),
            _ => column.i32()?.rechunk(),
        };
        let array = days
            .downcast_iter()
            .next()
            .cloned()
            .unwrap_or_else(|| PrimitiveArray::new_empty(ArrowDataType::Int32));
        Ok(array)
    };
    let (starts, ends) = (days(start)?, days(end)?);
    polars_ensure!(starts.null_count() == 0, ComputeError: "a stay without a start");
    Ok(Stays { starts, ends })
}

/// The first and last day of stays, row by row (an ongoing stay has no end).
pub struct Stays {
    starts: PrimitiveArray<i32>,
    ends: PrimitiveArray<i32>,
}

impl Stays {
    pub fn start(&self, row: usize) -> Day {
        self.starts.value(row)
    }

    pub fn end(&self, row: usize) -> Option<Day> {
        self.ends.is_valid(row).then(|| self.ends.value(row))
    }
}

/// One row per group and period (periods varying fastest): the key columns, `period`, and the
/// measure columns given in that order.
pub fn measures_frame(
    keys: Vec<Column>,
    periods: &[Period],
    measures: Vec<Column>,
) -> PolarsResult<DataFrame> {
    let groups = keys.first().map_or(0, |k| k.len());
    let n = groups * periods.len();
    let group_of = IdxCa::from_vec(
        "group".into(),
        (0..n).map(|i| (i / periods.len()) as IdxSize).collect(),
    );
    let mut columns = keys
        .iter()
        .map(|k| k.take(&group_of))
        .collect::<PolarsResult<Vec<_>>>()?;
    columns.push(Column::new(
        "period".into(),
        (0..n)
            .map(|i| periods[i % periods.len()].label.as_str())
            .collect::<Vec<_>>(),
    ));
    columns.extend(measures);
    DataFrame::new(n, columns)
}

/// Each spell's patient, packed ([`crate::demographics::Person::pack`]), from the admissions' `person` column; every
/// person is UNKNOWN when the extract has none of its columns.
pub fn people(admissions: &DataFrame) -> PolarsResult<Vec<u32>> {
    Ok(match admissions.column("person") {
        Ok(column) => column
            .u32()?
            .iter()
            .map(|p| p.unwrap_or(u32::MAX))
            .collect(),
        Err(_) => vec![crate::demographics::Person::UNKNOWN.pack(); admissions.height()],
    })
}

/// Each out-of-area placement's spell, as a row of `admissions` (`u32::MAX`: none), joined on
/// `spell_id`.
pub fn spell_rows(admissions: &DataFrame, oaps: &DataFrame) -> PolarsResult<Vec<u32>> {
    let ids = admissions.column("spell_id")?.u32()?;
    let mut row_of_id = vec![u32::MAX; ids.max().map_or(0, |m| m as usize + 1)];
    for (row, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            row_of_id[id as usize] = row as u32;
        }
    }
    Ok((oaps.column("spell_id")?.u32()?.iter())
        .map(|id| {
            id.and_then(|id| row_of_id.get(id as usize).copied())
                .unwrap_or(u32::MAX)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each group's rows as `map_groups` gives them, twice over (rows can be walked again).
    fn grouped(frame: &DataFrame, keys: &[&str], names: &[String]) -> Vec<(String, Vec<usize>)> {
        let (keys, groups) = map_groups(frame, keys, names, |rows, size| {
            let first: Vec<usize> = rows().collect();
            assert_eq!(first, rows().collect::<Vec<_>>());
            assert_eq!(first.len(), size);
            first
        })
        .unwrap();
        let labels = keys[0].str().unwrap();
        groups
            .into_iter()
            .enumerate()
            .map(|(i, rows)| (labels.get(i).unwrap().to_string(), rows))
            .collect()
    }

    #[test]
    fn groups_hold_their_rows_in_order_with_few_groups_and_with_many() {
        // 200 rows over word boundaries (64 rows a word): `distinct` groups by row % distinct,
        // first seen in order; as text keys, and as codes into `names` (one coded key).
        for distinct in [1usize, 3, FEW_GROUPS, FEW_GROUPS + 1, 40] {
            let names: Vec<String> = (0..distinct).map(|g| format!("g{g}")).collect();
            let codes: Vec<u32> = (0..200).map(|r| (r % distinct) as u32).collect();
            let text: Vec<&str> = codes.iter().map(|&c| names[c as usize].as_str()).collect();
            let expected: Vec<(String, Vec<usize>)> = (0..distinct)
                .map(|g| (names[g].clone(), (g..200).step_by(distinct).collect()))
                .collect();
            let as_text = DataFrame::new(200, vec![Column::new("k".into(), text)]).unwrap();
            assert_eq!(
                grouped(&as_text, &["k"], &[]),
                expected,
                "{distinct} as text"
            );
            let coded = DataFrame::new(200, vec![Column::new("k".into(), codes)]).unwrap();
            assert_eq!(
                grouped(&coded, &["k"], &names),
                expected,
                "{distinct} coded"
            );
        }
    }
}
