//! The typed frames of the valid rows, which the analyses read.

use polars::prelude::*;

use super::columns::Codes;
use super::contract::REASON_CODES;
use super::dates::is_day;
use super::rows::{AdmissionRows, PlacementRows};
use crate::demographics::Person;
use crate::periods::Day;

/// A text column from dictionary codes.
fn coded_column(name: &str, values: &[String], codes: Vec<IdxSize>) -> PolarsResult<Column> {
    let dictionary = Column::new(name.into(), values);
    dictionary.take(&IdxCa::from_vec(name.into(), codes))
}

fn date_column(name: &str, days: impl Iterator<Item = Day>) -> PolarsResult<Column> {
    let days: Int32Chunked = days.map(|d| is_day(d).then_some(d)).collect();
    Column::from(days.into_series().with_name(name.into())).cast(&DataType::Date)
}

/// Each admission row's position among the valid ones (`u32::MAX` when invalid).
pub(super) fn positions(bad: &[bool]) -> Vec<u32> {
    let mut next = 0;
    bad.iter()
        .map(|is_bad| {
            if *is_bad {
                u32::MAX
            } else {
                next += 1;
                next - 1
            }
        })
        .collect()
}

/// The frame of the admissions when every one is valid: the row columns become the frame's
/// without a copy (an open spell's discharge day is masked as null).
pub(super) fn every_admission_frame(
    adm: AdmissionRows,
    spell_ids: bool,
) -> PolarsResult<DataFrame> {
    let rows = adm.admitted.len();
    let open: polars_arrow::bitmap::Bitmap = adm.discharged.iter().map(|&d| is_day(d)).collect();
    let discharged =
        Int32Chunked::from_vec_validity("discharge_date".into(), adm.discharged, Some(open))
            .into_date()
            .into_column();
    let mut columns = vec![
        UInt32Chunked::from_vec("collaborative".into(), adm.collaborative.into_wide())
            .into_column(),
        UInt32Chunked::from_vec("service_line".into(), adm.service_line.into_wide()).into_column(),
        UInt32Chunked::from_vec("admitting_provider".into(), adm.provider.into_wide())
            .into_column(),
        // Required, so never empty in a valid row.
        Int32Chunked::from_vec("admission_date".into(), adm.admitted)
            .into_date()
            .into_column(),
        discharged,
    ];
    if !adm.person.is_empty() {
        let mut person = adm.person;
        person.resize(rows, Person::UNKNOWN.pack());
        columns.push(UInt32Chunked::from_vec("person".into(), person).into_column());
    }
    if spell_ids {
        let ids = (0..rows as u32).collect::<Vec<u32>>();
        columns.insert(0, Column::new("spell_id".into(), ids));
    }
    DataFrame::new(rows, columns)
}

/// The frame of valid admissions, in the order of `position` (from [`positions`]).
pub(super) fn admissions_frame(
    adm: &AdmissionRows,
    position: &[u32],
    spell_ids: bool,
) -> PolarsResult<DataFrame> {
    let valid: Vec<u32> = (0..position.len() as u32)
        .filter(|&row| position[row as usize] != u32::MAX)
        .collect();
    let codes = |name: &str, of: &Codes| {
        Column::new(
            name.into(),
            valid
                .iter()
                .map(|&r| of.get(r as usize))
                .collect::<Vec<u32>>(),
        )
    };
    let mut columns = vec![
        codes("collaborative", &adm.collaborative),
        codes("service_line", &adm.service_line),
        codes("admitting_provider", &adm.provider),
        date_column(
            "admission_date",
            valid.iter().map(|&r| adm.admitted[r as usize]),
        )?,
        date_column(
            "discharge_date",
            valid.iter().map(|&r| adm.discharged[r as usize]),
        )?,
    ];
    if !adm.person.is_empty() {
        let unknown = Person::UNKNOWN.pack();
        let person = |r: u32| adm.person.get(r as usize).copied().unwrap_or(unknown);
        let person: Vec<u32> = valid.iter().map(|&r| person(r)).collect();
        columns.push(Column::new("person".into(), person));
    }
    if spell_ids {
        let ids = (0..valid.len() as u32).collect::<Vec<u32>>();
        columns.insert(0, Column::new("spell_id".into(), ids));
    }
    DataFrame::new(valid.len(), columns)
}

/// The frame of valid out-of-area placements.
pub(super) fn oaps_frame(
    plc: &PlacementRows,
    adm: &AdmissionRows,
    spell_of: &[u32],
    position: Option<&[u32]>,
) -> PolarsResult<DataFrame> {
    // (index among the out-of-area rows, placement row, admission row)
    let valid: Vec<(usize, usize, usize)> = plc
        .oap_row
        .iter()
        .enumerate()
        .map(|(k, &row)| (k, row as usize))
        .filter(|&(_, row)| !plc.common.bad[row])
        .map(|(k, row)| (k, row, spell_of[row] as usize))
        .collect();
    let spell_codes = |name: &str, of: &Codes| {
        Column::new(
            name.into(),
            valid
                .iter()
                .map(|&(_, _, a)| of.get(a))
                .collect::<Vec<u32>>(),
        )
    };
    let reasons: Vec<String> = REASON_CODES.iter().map(|c| c.to_string()).collect();
    let columns = vec![
        Column::new(
            "spell_id".into(),
            valid
                .iter()
                .map(|&(_, _, a)| position.map_or(a as u32, |p| p[a]))
                .collect::<Vec<u32>>(),
        ),
        spell_codes("collaborative", &adm.collaborative),
        spell_codes("service_line", &adm.service_line),
        spell_codes("admitting_provider", &adm.provider),
        date_column("start_date", valid.iter().map(|&(_, p, _)| plc.start[p]))?,
        date_column("end_date", valid.iter().map(|&(_, p, _)| plc.end[p]))?,
        coded_column(
            "provider_code",
            &plc.dictionary.values,
            valid
                .iter()
                .map(|&(k, _, _)| plc.provider[k] as IdxSize)
                .collect(),
        )?,
        coded_column(
            "oap_reason",
            &reasons,
            valid
                .iter()
                .map(|&(k, _, _)| plc.reason[k] as IdxSize)
                .collect(),
        )?,
        Column::new(
            "distance_km".into(),
            valid
                .iter()
                .map(|&(k, _, _)| plc.distance[k])
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "daily_cost".into(),
            valid
                .iter()
                .map(|&(k, _, _)| plc.cost[k])
                .collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new(valid.len(), columns)
}
