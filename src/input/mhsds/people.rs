//! Who each person was, month by month: `MHS001MPI`'s master records with the IMD decile of
//! their LSOA (`imd.csv`), as NHS England's pipeline joins them to its OAP tables
//! (`oaps_prep.py`: the month's master record, `PatMRecInRP = 'true'`, current at the period's
//! end; IMD 2019 by `LSOA2011`).

use std::collections::HashMap;

use polars::prelude::PlHashMap;

use super::records::{Month, Version};
use super::tables::Tables;
use crate::demographics::{Person, NONE};
use crate::figures::group_thousands;
use crate::periods::Day;

/// The master records of every person, by month.
#[derive(Debug, Clone, Default)]
pub struct People {
    /// Whether `MHS001MPI` was read at all (without it no one's group is known).
    pub given: bool,
    /// Each (person, month)'s master records: version and [`Person::pack`]ed values.
    records: HashMap<(u32, Month), Vec<(Version, u32)>>,
    /// The months of each person's master records, in order.
    months: HashMap<u32, Vec<Month>>,
    /// LSOAs are given but there is no IMD lookup: no one's decile is known.
    pub lsoa_without_lookup: bool,
    /// A line for each column with values outside NHS England's lists (or LSOAs the IMD lookup
    /// does not list), read as unknown: how many, and the first.
    pub unlisted: Vec<String>,
}

impl People {
    /// The people of the tables' master records, each LSOA's decile from `imd` (LSOA code →
    /// decile 1–10).
    pub fn of(t: &Tables, imd: Option<&PlHashMap<String, u8>>) -> People {
        let given = t.files.iter().any(|f| f.table == super::Table::Mpi);
        let deciles: Vec<Option<u8>> = t
            .lsoas
            .values
            .iter()
            .map(|lsoa| imd.and_then(|m| m.get(lsoa.as_ref()).copied()))
            .collect();
        let mut records: HashMap<(u32, Month), Vec<(Version, u32)>> = HashMap::new();
        let mut months: HashMap<u32, Vec<Month>> = HashMap::new();
        let (mut not_listed, mut first_not_listed) = (0usize, None);
        for r in &t.master_records {
            let mut who = r.who;
            if let Some(lsoa) = r.lsoa {
                match deciles[lsoa as usize] {
                    Some(decile) => who.imd_decile = decile,
                    None => {
                        who.imd_decile = NONE;
                        if imd.is_some() {
                            not_listed += 1;
                            first_not_listed.get_or_insert((r.at, t.lsoas.text(lsoa)));
                        }
                    }
                }
            }
            let rows = records.entry((r.person, r.month)).or_default();
            rows.push((r.version, who.pack()));
            rows.sort_by_key(|(v, _)| v.start);
            months.entry(r.person).or_default().push(r.month);
        }
        for list in months.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        let file = |f: u32| t.files[f as usize].path.as_str();
        let mut unlisted: Vec<String> = t
            .unlisted
            .iter()
            .map(|(column, count, (f, line, value))| {
                format!(
                    "{column}: {} values outside NHS England's list, counted in the group UNKNOWN (the first: {}:{line}, {value:?})",
                    group_thousands(*count as i64),
                    file(*f)
                )
            })
            .collect();
        if let Some((at, lsoa)) = first_not_listed {
            unlisted.push(format!(
                "LSOA2011: {} LSOA codes the IMD lookup does not list, counted in the group UNKNOWN (the first: {}:{}, {lsoa:?})",
                group_thousands(not_listed as i64),
                file(at.file),
                at.line
            ));
        }
        let lsoa_without_lookup = imd.is_none() && !t.lsoas.values.is_empty();
        if lsoa_without_lookup {
            unlisted.push("LSOA2011: given, but no IMD lookup (imd.csv beside the tables or in the data folder, or --imd FILE), so every deprivation decile is UNKNOWN".into());
        }
        People {
            given,
            records,
            months,
            lsoa_without_lookup,
            unlisted,
        }
    }

    /// The person's master record of `month` as the pipeline reads it for a period ending
    /// `rp_end` (its version current then; of two current versions, the later one), packed;
    /// `None`: no such record (the pipeline's left join finds nothing: every group UNKNOWN).
    pub fn at(&self, person: u32, month: Month, rp_end: Day) -> Option<u32> {
        self.records
            .get(&(person, month))?
            .iter()
            .rev()
            .find(|(v, _)| v.current_at(rp_end))
            .map(|(_, who)| *who)
    }

    /// Who a person was around `month`, for a spell admitted then: the latest version of the
    /// master record of that month, else of the first month after it, else of the last month
    /// before it; [`Person::UNKNOWN`] without any.
    pub fn around(&self, person: u32, month: Month) -> Person {
        let Some(months) = self.months.get(&person) else {
            return Person::UNKNOWN;
        };
        let chosen = match months.binary_search(&month) {
            Ok(i) => months[i],
            Err(i) if i < months.len() => months[i],
            Err(i) => months[i - 1],
        };
        self.records
            .get(&(person, chosen))
            .and_then(|rows| rows.last())
            .map_or(Person::UNKNOWN, |(_, who)| Person::unpack(*who))
    }
}
