//! The Making Data Count summary matrix (DOMAIN.md section 13): every measure of every
//! collaborative placed by its variation (across: special cause concern, special cause with no
//! better direction, common cause, special cause improvement) and its assurance (down: consistent
//! fail, inconsistent, consistent pass, no target), so a board reads first what is worsening and
//! what will reliably miss its target.

use serde::Serialize;
use serde_json::{json, Value};

use crate::spc::{Assurance, Variation};

/// A column of the matrix: the kind of the series' variation, high or low alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Concern,
    Neither,
    CommonCause,
    Improvement,
}

impl Column {
    pub const ALL: [Column; 4] = [
        Column::Concern,
        Column::Neither,
        Column::CommonCause,
        Column::Improvement,
    ];

    pub fn of(v: Variation) -> Column {
        match v {
            Variation::ConcernHigh | Variation::ConcernLow => Column::Concern,
            Variation::NeitherHigh | Variation::NeitherLow => Column::Neither,
            Variation::CommonCause => Column::CommonCause,
            Variation::ImprovementHigh | Variation::ImprovementLow => Column::Improvement,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Column::Concern => "concern",
            Column::Neither => "neither",
            Column::CommonCause => "common_cause",
            Column::Improvement => "improvement",
        }
    }

    /// The column's heading, for people.
    pub fn heading(self) -> &'static str {
        match self {
            Column::Concern => "Special cause concern",
            Column::Neither => "Special cause, no better direction",
            Column::CommonCause => "Common cause",
            Column::Improvement => "Special cause improvement",
        }
    }
}

/// The name of a row: its assurance, or `none` without a target.
pub fn row_name(a: Option<Assurance>) -> &'static str {
    a.map_or("none", Assurance::name)
}

/// The heading of a row, for people.
pub fn row_heading(a: Option<Assurance>) -> &'static str {
    match a {
        Some(Assurance::ConsistentFail) => "Consistently fails the target",
        Some(Assurance::Inconsistent) => "Hits and misses the target",
        Some(Assurance::ConsistentPass) => "Consistently passes the target",
        None => "No target",
    }
}

/// The rows, top to bottom.
pub const ROWS: [Option<Assurance>; 4] = [
    Some(Assurance::ConsistentFail),
    Some(Assurance::Inconsistent),
    Some(Assurance::ConsistentPass),
    None,
];

/// One series in the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub collaborative: String,
    pub measure: String,
    pub variation: Variation,
    pub assurance: Option<Assurance>,
}

/// A cell: its row and column, and the series in it, by collaborative then measure as given.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub assurance: Option<Assurance>,
    pub column: Column,
    pub entries: Vec<Entry>,
}

/// Every cell of the matrix, row by row (empty ones too, so its shape never changes).
pub fn matrix(entries: &[Entry]) -> Vec<Cell> {
    ROWS.iter()
        .flat_map(|&assurance| {
            Column::ALL.iter().map(move |&column| Cell {
                assurance,
                column,
                entries: entries
                    .iter()
                    .filter(|e| e.assurance == assurance && Column::of(e.variation) == column)
                    .cloned()
                    .collect(),
            })
        })
        .collect()
}

/// The matrix as JSON: its columns, rows and cells.
pub fn to_json(cells: &[Cell]) -> Value {
    json!({
        "columns": Column::ALL.iter().map(|c| c.name()).collect::<Vec<_>>(),
        "rows": ROWS.iter().map(|r| row_name(*r)).collect::<Vec<_>>(),
        "cells": cells.iter().map(|c| json!({
            "assurance": row_name(c.assurance),
            "variation": c.column.name(),
            "series": c.entries.iter().map(|e| json!({
                "collaborative": e.collaborative,
                "measure": e.measure,
                "variation": e.variation.name(),
                "assurance": e.assurance.map(Assurance::name),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(c: &str, m: &str, v: Variation, a: Option<Assurance>) -> Entry {
        Entry {
            collaborative: c.into(),
            measure: m.into(),
            variation: v,
            assurance: a,
        }
    }

    #[test]
    fn each_series_lands_in_one_cell_by_variation_and_assurance() {
        let entries = [
            entry(
                "NCM",
                "oap_days",
                Variation::ConcernHigh,
                Some(Assurance::ConsistentFail),
            ),
            entry(
                "TGW",
                "oap_days",
                Variation::ConcernLow,
                Some(Assurance::ConsistentFail),
            ),
            entry("NCM", "los_median", Variation::CommonCause, None),
            entry(
                "CMP",
                "bed_days",
                Variation::NeitherHigh,
                Some(Assurance::Inconsistent),
            ),
            entry(
                "CMP",
                "oap_days",
                Variation::ImprovementLow,
                Some(Assurance::ConsistentPass),
            ),
        ];
        let cells = matrix(&entries);
        assert_eq!(cells.len(), 16);
        // Top left: concern and fail, both there in the order given.
        assert_eq!(
            (cells[0].assurance, cells[0].column),
            (Some(Assurance::ConsistentFail), Column::Concern)
        );
        assert_eq!(cells[0].entries, entries[..2]);
        let at = |a: Option<Assurance>, c: Column| {
            cells
                .iter()
                .find(|x| x.assurance == a && x.column == c)
                .unwrap()
                .entries
                .len()
        };
        assert_eq!(at(None, Column::CommonCause), 1);
        assert_eq!(at(Some(Assurance::Inconsistent), Column::Neither), 1);
        assert_eq!(at(Some(Assurance::ConsistentPass), Column::Improvement), 1);
        assert_eq!(cells.iter().map(|c| c.entries.len()).sum::<usize>(), 5);
        let json = to_json(&cells);
        assert_eq!(json["columns"][0], "concern");
        assert_eq!(json["rows"][3], "none");
        assert_eq!(json["cells"][0]["series"][1]["variation"], "concern_low");
        assert_eq!(
            json["cells"][0]["series"][1]["assurance"],
            "consistent_fail"
        );
    }
}
