//! The compact columns the rows are kept in while they are read: identifiers as one text buffer,
//! short texts as dictionary codes, lines as runs, and the order of identifiers.

use anyhow::{bail, Result};
use polars::prelude::PlHashMap;

/// Many short texts in one buffer (identifiers); an empty cell is an empty text. While every text
/// has the same length (identifiers often do), where each ends needs no storing.
#[derive(Debug, Default)]
pub struct Texts {
    text: String,
    /// Where each text ends; empty while all have length `width`.
    ends: Vec<u32>,
    width: usize,
    rows: usize,
}

impl Texts {
    pub(super) fn with_capacity(bytes: usize) -> Texts {
        Texts {
            text: String::with_capacity(bytes),
            ..Default::default()
        }
    }

    pub(super) fn fixed(&self) -> bool {
        self.ends.is_empty()
    }

    /// Starts storing where each text ends.
    pub(super) fn store_ends(&mut self) {
        if self.fixed() {
            self.ends = (1..=self.rows).map(|r| (r * self.width) as u32).collect();
        }
    }

    pub(super) fn push(&mut self, value: &str) {
        if self.fixed() && (self.rows == 0 || value.len() == self.width) {
            self.width = value.len();
            self.text.push_str(value);
        } else {
            self.store_ends();
            self.text.push_str(value);
            self.ends.push(self.text.len() as u32);
        }
        self.rows += 1;
    }

    /// The text of row `row`; `None` when the cell was empty.
    pub fn get(&self, row: usize) -> Option<&str> {
        let (start, end) = if self.fixed() {
            (row * self.width, (row + 1) * self.width)
        } else {
            let start = if row == 0 { 0 } else { self.ends[row - 1] };
            (start as usize, self.ends[row] as usize)
        };
        (end > start).then(|| &self.text[start..end])
    }

    pub(super) fn append(&mut self, mut other: Texts) -> Result<()> {
        let offset = self.text.len();
        if offset + other.text.len() > u32::MAX as usize {
            bail!("the identifiers of one extract take more than 4 GiB of text");
        }
        let same_width = self.rows == 0 || other.rows == 0 || self.width == other.width;
        if self.fixed() && other.fixed() && same_width {
            if self.rows == 0 {
                self.width = other.width;
            }
        } else {
            self.store_ends();
            other.store_ends();
            self.ends
                .extend(other.ends.iter().map(|e| e + offset as u32));
        }
        self.text.push_str(&other.text);
        self.rows += other.rows;
        Ok(())
    }
}

/// Short texts with few distinct values (collaborative, service line, provider), as codes.
#[derive(Debug, Default, Clone)]
pub struct Dictionary {
    index: PlHashMap<String, u32>,
    pub values: Vec<String>,
}

impl Dictionary {
    pub fn code(&mut self, value: &str) -> u32 {
        // Most such columns have a handful of values: comparing is quicker than hashing.
        if self.values.len() <= 8 {
            if let Some(code) = self.values.iter().position(|v| v == value) {
                return code as u32;
            }
        } else if let Some(&code) = self.index.get(value) {
            return code;
        }
        let code = self.values.len() as u32;
        self.values.push(value.to_string());
        self.index.insert(value.to_string(), code);
        code
    }

    /// Codes of `other` in this dictionary (adding its values).
    pub(super) fn absorb(&mut self, other: &Dictionary) -> Vec<u32> {
        other.values.iter().map(|v| self.code(v)).collect()
    }
}

/// Dictionary codes of a column: two bytes each while every code fits in two (the usual case:
/// a few dozen collaboratives and service lines), four from the first that does not.
#[derive(Debug, Clone)]
pub enum Codes {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Self {
        Codes::Narrow(Vec::new())
    }
}

impl Codes {
    pub(super) fn with_capacity(rows: usize) -> Codes {
        Codes::Narrow(Vec::with_capacity(rows))
    }

    pub fn push(&mut self, code: u32) {
        match self {
            Codes::Narrow(codes) => match u16::try_from(code) {
                Ok(code) => codes.push(code),
                Err(_) => {
                    let mut wide: Vec<u32> =
                        Vec::with_capacity(codes.capacity().max(codes.len() + 1));
                    wide.extend(codes.iter().map(|&c| u32::from(c)));
                    wide.push(code);
                    *self = Codes::Wide(wide);
                }
            },
            Codes::Wide(codes) => codes.push(code),
        }
    }

    pub fn get(&self, row: usize) -> u32 {
        match self {
            Codes::Narrow(codes) => u32::from(codes[row]),
            Codes::Wide(codes) => codes[row],
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Codes::Narrow(codes) => codes.len(),
            Codes::Wide(codes) => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends the codes of `other`, each `c` as `map[c]`.
    pub(super) fn extend_mapped(&mut self, other: &Codes, map: &[u32]) {
        (0..other.len()).for_each(|row| self.push(map[other.get(row) as usize]));
    }

    /// Four bytes a code.
    pub fn into_wide(self) -> Vec<u32> {
        match self {
            Codes::Narrow(codes) => codes.into_iter().map(u32::from).collect(),
            Codes::Wide(codes) => codes,
        }
    }
}

/// The line of each row, kept as runs of rows on consecutive lines (a blank line, or a line break
/// inside a quoted field, starts a new run): a few bytes per file instead of four per row.
#[derive(Debug, Default, Clone)]
pub struct Lines {
    /// (first row, its line) of each run.
    runs: Vec<(u32, u32)>,
    rows: u32,
}

impl Lines {
    fn push_run(&mut self, row: u32, line: u32) {
        match self.runs.last() {
            Some(&(first, first_line)) if first_line + (row - first) == line => {}
            _ => self.runs.push((row, line)),
        }
    }

    pub fn push(&mut self, line: u32) {
        self.push_run(self.rows, line);
        self.rows += 1;
    }

    pub fn len(&self) -> usize {
        self.rows as usize
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The line of row `row`.
    pub fn get(&self, row: usize) -> u32 {
        let run = self
            .runs
            .partition_point(|&(first, _)| first as usize <= row)
            - 1;
        let (first, line) = self.runs[run];
        line + (row as u32 - first)
    }

    pub(super) fn append(&mut self, other: Lines) {
        for (first, line) in other.runs {
            self.push_run(first + self.rows, line);
        }
        self.rows += other.rows;
    }
}

/// The order of identifiers from row to row (empty cells aside), followed as they are read:
/// identifiers that always increase hold no duplicate, and placements whose admission ids never
/// decrease find their spells by a merge.
#[derive(Debug)]
pub struct IdOrder {
    /// Each is greater than the one before.
    pub increasing: bool,
    /// None is less than the one before.
    pub never_decreasing: bool,
    first: Option<String>,
    last: String,
}

impl Default for IdOrder {
    fn default() -> Self {
        IdOrder {
            increasing: true,
            never_decreasing: true,
            first: None,
            last: String::new(),
        }
    }
}

impl IdOrder {
    pub(super) fn see(&mut self, id: &str) {
        if self.first.is_none() {
            self.first = Some(id.to_string());
        } else {
            self.follow(id);
        }
        self.last.clear();
        self.last.push_str(id);
    }

    /// Takes in `next` coming after the last seen.
    pub(super) fn follow(&mut self, next: &str) {
        match next.cmp(self.last.as_str()) {
            std::cmp::Ordering::Less => (self.increasing, self.never_decreasing) = (false, false),
            std::cmp::Ordering::Equal => self.increasing = false,
            std::cmp::Ordering::Greater => {}
        }
    }

    /// The order of these rows followed by `later`.
    pub(super) fn append(&mut self, later: IdOrder) {
        let Some(first) = later.first else { return };
        if self.first.is_none() {
            self.first = Some(first);
        } else {
            self.follow(&first);
        }
        self.increasing &= later.increasing;
        self.never_decreasing &= later.never_decreasing;
        self.last = later.last;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_order_within_and_across_blocks() {
        let order = |ids: &[&str]| {
            let mut order = IdOrder::default();
            ids.iter().for_each(|id| order.see(id));
            order
        };
        assert!(order(&["A01", "A02", "A10"]).increasing);
        assert!(!order(&["A1", "A2", "A10"]).increasing, "compared as text");
        let repeat = order(&["A1", "A2", "A2"]);
        assert!(!repeat.increasing && repeat.never_decreasing, "a repeat");
        assert!(!order(&["A2", "A1"]).never_decreasing);
        assert!(!order(&["A2", "A1"]).increasing);
        let joined = |a: &[&str], b: &[&str]| {
            let mut first = order(a);
            first.append(order(b));
            first.increasing
        };
        assert!(joined(&["A1", "A2"], &["A3", "A4"]));
        assert!(
            !joined(&["A1", "A3"], &["A2", "A4"]),
            "the second block starts too low"
        );
        assert!(!joined(&["A1", "A3"], &["A3"]), "a repeat across blocks");
        let mut repeat = order(&["A1", "A3"]);
        repeat.append(order(&["A3", "A4"]));
        assert!(repeat.never_decreasing);
        repeat.append(order(&["A2"]));
        assert!(!repeat.never_decreasing, "a step down across blocks");
        assert!(joined(&[], &["A1", "A2"]) && joined(&["A1"], &[]));
        assert!(!joined(&[], &["A2", "A1"]));
        // Across three blocks, the middle one empty.
        let mut all = order(&["A1", "A5"]);
        all.append(order(&[]));
        all.append(order(&["A4"]));
        assert!(!all.increasing);
    }

    #[test]
    fn codes_widen_when_one_does_not_fit_in_two_bytes() {
        let mut codes = Codes::default();
        let values = [0, 7, 65_535, 65_536, 3, 4_000_000];
        for (i, &v) in values.iter().enumerate() {
            codes.push(v);
            let wide = matches!(codes, Codes::Wide(_));
            assert_eq!(wide, i >= 3, "after {v}");
        }
        assert_eq!(
            (0..codes.len()).map(|r| codes.get(r)).collect::<Vec<_>>(),
            values
        );
        let mut narrow = Codes::default();
        [1, 0, 1].iter().for_each(|&c| narrow.push(c));
        narrow.extend_mapped(&narrow.clone(), &[9, 70_000]);
        assert_eq!(narrow.into_wide(), [1, 0, 1, 70_000, 9, 70_000]);
    }

    #[test]
    fn texts_of_one_width_and_of_many() {
        let of = |values: &[&str]| {
            let mut t = Texts::default();
            values.iter().for_each(|v| t.push(v));
            t
        };
        fn read(t: &Texts) -> Vec<Option<&str>> {
            (0..t.rows).map(|i| t.get(i)).collect()
        }
        let fixed = of(&["A1", "A2"]);
        assert!(fixed.fixed());
        let mut all = of(&["A1", "A2"]);
        all.append(of(&["B1"])).unwrap();
        assert!(all.fixed(), "same width stays without ends");
        all.append(of(&["C10", ""])).unwrap();
        all.push("D1");
        assert_eq!(
            read(&all),
            [
                Some("A1"),
                Some("A2"),
                Some("B1"),
                Some("C10"),
                None,
                Some("D1")
            ]
        );
        let mut empty_first = of(&["", ""]);
        empty_first.append(of(&["X"])).unwrap();
        assert_eq!(read(&empty_first), [None, None, Some("X")]);
        let mut onto_nothing = Texts::default();
        onto_nothing.append(of(&["ABC", "DEF"])).unwrap();
        onto_nothing.append(of(&["GH"])).unwrap();
        assert_eq!(read(&onto_nothing), [Some("ABC"), Some("DEF"), Some("GH")]);
    }

    #[test]
    fn texts_hold_empty_cells() {
        let mut t = Texts::default();
        t.push("A1");
        t.push("");
        t.push("A3");
        let mut u = Texts::default();
        u.push("B1");
        t.append(u).unwrap();
        assert_eq!(
            (0..4).map(|i| t.get(i)).collect::<Vec<_>>(),
            [Some("A1"), None, Some("A3"), Some("B1")]
        );
    }
}
