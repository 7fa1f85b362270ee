//! MHSDS record-level tables in: the pseudonymised Mental Health Services Data Set tables NHS
//! England computes its out-of-area placement statistics from (DOMAIN.md section 14).
//!
//! Its stages, one file each, each using only those listed before it:
//! - [`read`]: one table file, CSV or Parquet, only the columns asked for (names in any case);
//! - [`records`]: the typed rows of each table, and the checks of a row's own cells;
//! - [`tables`]: a folder of tables, which files are which table, their rows kept and counted;
//! - [`check`]: the rules across rows (a record repeated in a month, a ward stay outside its
//!   spell);
//! - [`people`]: who each person was, month by month (`MHS001MPI` with the IMD decile of
//!   their LSOA);
//! - [`providers`]: which collaborative each provider belongs to (`providers.csv`);
//! - [`translate`]: the tables as the spells and placements every analysis reads.
//!
//! [`super::load`] reads a folder of them in place of the extracts (`--mhsds DIR`).
//!
//! The input layer's date formats and findings are reused: a problem here reads as one in the
//! extracts does (file, line, column, value, rule).

pub mod check;
pub mod people;
pub mod providers;
pub mod read;
pub mod records;
pub mod tables;
pub mod translate;

use std::path::Path;

use anyhow::Result;
use polars::prelude::PlHashMap;

pub use people::People;
pub use providers::Providers;
pub use tables::{Table, TableCounts, Tables};

use crate::input::Finding;

/// A folder of MHSDS tables, read and checked: the valid rows, every problem, who each person
/// was (if `MHS001MPI` is there), and the collaboratives of the providers if `providers.csv`
/// is there.
#[derive(Debug, Clone)]
pub struct Mhsds {
    pub tables: Tables,
    pub findings: Vec<Finding>,
    pub people: People,
    pub providers: Providers,
}

/// Reads and checks every MHSDS table of `dir` (and its `providers.csv`, if any), `MHS001MPI`
/// only with `people`; `imd` gives the IMD decile of each LSOA (`imd.csv`).
pub fn read_folder(dir: &Path, imd: Option<&PlHashMap<String, u8>>, people: bool) -> Result<Mhsds> {
    let (mut tables, mut findings) = tables::read_tables(dir, people)?;
    check::check_across(&mut tables, &mut findings);
    let people = People::of(&mut tables, imd);
    let providers = Providers::read_in(dir)?;
    Ok(Mhsds {
        tables,
        findings,
        people,
        providers,
    })
}
