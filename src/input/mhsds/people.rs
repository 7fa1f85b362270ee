//! Who each person was, month by month: `MHS001MPI`'s master records with the IMD decile of
//! their LSOA (`imd.csv`), as NHS England's pipeline joins them to its OAP tables
//! (`oaps_prep.py`: the month's master record, `PatMRecInRP = 'true'`, current at the period's
//! end; IMD 2019 by `LSOA2011`).

use polars::prelude::PlHashMap;

use super::records::{Month, Version};
use super::tables::Tables;
use crate::demographics::Person;
use crate::figures::group_thousands;
use crate::periods::Day;

/// The master records of every person, by month.
#[derive(Debug, Clone, Default)]
pub struct People {
    /// Whether `MHS001MPI` was read at all (without it no one's group is known).
    pub given: bool,
    /// Every master record, sorted by person, month and `RecordStartDate`: 20 bytes each.
    records: Vec<Record>,
    /// LSOAs are given but there is no IMD lookup: no one's decile is known.
    pub lsoa_without_lookup: bool,
    /// A line for each column with values outside NHS England's lists (or LSOAs the IMD lookup
    /// does not list), read as unknown: how many, and the first.
    pub unlisted: Vec<String>,
}

/// One master record: whose, of which month, its version, and the person's values packed.
#[derive(Debug, Clone, Copy)]
struct Record {
    person: u32,
    month: Month,
    start: Day,
    /// `RecordEndDate`; [`Day::MAX`] when empty.
    end: Day,
    who: u32,
}

impl Record {
    fn version(&self) -> Version {
        Version {
            start: self.start,
            end: (self.end != Day::MAX).then_some(self.end),
        }
    }
}

impl People {
    /// The people of the tables' master records (taken from them), each LSOA's decile from
    /// `imd` (LSOA code → decile 1–10).
    pub fn of(t: &mut Tables, imd: Option<&PlHashMap<String, u8>>) -> People {
        let given = t.files.iter().any(|f| f.table == super::Table::Mpi);
        let deciles: Vec<Option<u8>> = t
            .lsoas
            .values
            .iter()
            .map(|lsoa| imd.and_then(|m| m.get(lsoa.as_ref()).copied()))
            .collect();
        let (mut not_listed, mut first_not_listed) = (0usize, None);
        let mut records: Vec<Record> = Vec::with_capacity(t.master_records.len());
        for r in std::mem::take(&mut t.master_records) {
            let mut who = r.who;
            if let Some(lsoa) = r.lsoa {
                match deciles[lsoa as usize] {
                    Some(decile) => who.imd_decile = decile,
                    None if imd.is_some() => {
                        not_listed += 1;
                        first_not_listed.get_or_insert((r.at, lsoa));
                    }
                    None => {}
                }
            }
            records.push(Record {
                person: r.person,
                month: r.month,
                start: r.version.start,
                end: r.version.end.unwrap_or(Day::MAX),
                who: who.pack(),
            });
        }
        records.sort_unstable_by_key(|r| (r.person, r.month, r.start));
        let file = |f: u32| t.files[f as usize].path.as_str();
        let mut unlisted: Vec<String> = t
            .unlisted
            .iter()
            .map(|(column, count, (f, line, value))| {
                format!(
                    "{column}: {} {} outside NHS England's list, counted in the group UNKNOWN (the first: {}:{line}, {value:?})",
                    group_thousands(*count as i64),
                    if *count == 1 { "value" } else { "values" },
                    file(*f)
                )
            })
            .collect();
        if let Some((at, lsoa)) = first_not_listed {
            unlisted.push(format!(
                "LSOA2011: {} {} the IMD lookup does not list, counted in the group UNKNOWN (the first: {}:{}, {:?})",
                group_thousands(not_listed as i64),
                if not_listed == 1 { "LSOA code" } else { "LSOA codes" },
                file(at.file),
                at.line,
                t.lsoas.text(lsoa)
            ));
        }
        let lsoa_without_lookup = imd.is_none() && !t.lsoas.values.is_empty();
        if lsoa_without_lookup {
            unlisted.push("LSOA2011: given, but no IMD lookup (imd.csv beside the tables or in the data folder, or --imd FILE), so deprivation is not known: no breakdown by IMD decile".into());
        }
        People {
            given,
            records,
            lsoa_without_lookup,
            unlisted,
        }
    }

    /// The master records of a person's month, oldest version first.
    fn of_month(&self, person: u32, month: Month) -> &[Record] {
        let first = self
            .records
            .partition_point(|r| (r.person, r.month) < (person, month));
        let last = first
            + self.records[first..].partition_point(|r| (r.person, r.month) == (person, month));
        &self.records[first..last]
    }

    /// The person's master record of `month` as the pipeline reads it for a period ending
    /// `rp_end` (its version current then: one at most, the checks refuse two), packed;
    /// `None`: no such record (the pipeline's left join finds nothing: every group UNKNOWN).
    pub fn at(&self, person: u32, month: Month, rp_end: Day) -> Option<u32> {
        self.of_month(person, month)
            .iter()
            .rev()
            .find(|r| r.version().current_at(rp_end))
            .map(|r| r.who)
    }

    /// Every version of the person's master record of `month`, current or not, packed: the
    /// quarterly and yearly OAP tables join `MHS001MPI` without the version filter.
    pub fn every_version(&self, person: u32, month: Month) -> impl Iterator<Item = u32> + '_ {
        self.of_month(person, month).iter().map(|r| r.who)
    }

    /// Who a person was around `month`, for a spell admitted then: the latest version of the
    /// master record of that month, else of the first month after it, else of the last month
    /// before it; [`Person::UNKNOWN`] without any.
    pub fn around(&self, person: u32, month: Month) -> Person {
        let first = self.records.partition_point(|r| r.person < person);
        let mine = &self.records[first..];
        let mine = &mine[..mine.partition_point(|r| r.person == person)];
        if mine.is_empty() {
            return Person::UNKNOWN;
        }
        // The first record of the month or after (the latest version of its month), else the
        // last before.
        let at = mine.partition_point(|r| r.month < month);
        let chosen = mine.get(at).map_or(mine[mine.len() - 1].month, |r| r.month);
        let of_month = &mine[..mine.partition_point(|r| r.month <= chosen)];
        Person::unpack(of_month[of_month.len() - 1].who)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::mhsds::records::day;

    fn record(person: u32, month: Month, start: Day, end: Option<Day>, age: u8) -> Record {
        let who = Person {
            age,
            ..Person::UNKNOWN
        };
        Record {
            person,
            month,
            start,
            end: end.unwrap_or(Day::MAX),
            who: who.pack(),
        }
    }

    #[test]
    fn whose_record_a_spell_and_a_period_take() {
        // Person 1: records of April (corrected on 10 May: 40, then 41) and of July 2024.
        let (april, july) = (1489, 1492);
        let people = People {
            given: true,
            records: vec![
                record(1, april, day(2024, 4, 1), Some(day(2024, 5, 9)), 40),
                record(1, april, day(2024, 5, 10), None, 41),
                record(1, july, day(2024, 7, 1), None, 42),
                record(2, april, day(2024, 4, 1), None, 70),
            ],
            ..People::default()
        };
        let age = |p: Person| p.age;
        // A spell of the month: its latest version; before the first record: the first; between
        // records: the next; after the last: the last; no record: UNKNOWN.
        assert_eq!(age(people.around(1, april)), 41);
        assert_eq!(age(people.around(1, april - 3)), 41);
        assert_eq!(age(people.around(1, april + 1)), 42);
        assert_eq!(age(people.around(1, july + 5)), 42);
        assert_eq!(people.around(3, april), Person::UNKNOWN);
        // A period ending 30 April reads April's first version; one ending 31 May its second;
        // every version for the quarterly OAP tables.
        let age_at = |end: Day| people.at(1, april, end).map(|w| Person::unpack(w).age);
        assert_eq!(age_at(day(2024, 4, 30)), Some(40));
        assert_eq!(age_at(day(2024, 5, 31)), Some(41));
        assert_eq!(people.at(1, april + 1, day(2024, 5, 31)), None);
        let every: Vec<u8> = people
            .every_version(1, april)
            .map(|w| Person::unpack(w).age)
            .collect();
        assert_eq!(every, [40, 41]);
    }
}
