//! The input layer: from the paths the user gave to checked, typed frames of the valid rows.
//!
//! Its stages, one file each, each using only those listed before it:
//! - [`files`]: finding the extract files (a data folder, paths, glob patterns);
//! - [`contract`]: the contract's columns, reason codes and flags (DOMAIN.md section 3);
//! - [`dates`]: reading dates as day numbers, in the contract's formats or a mapping's;
//! - [`columns`]: the compact columns rows are kept in while read;
//! - [`findings`]: what checking finds, and where each row came from;
//! - [`mapping`]: how a system's own export is read (names, codes, date formats, delimiter,
//!   encoding), checked whole before any row; drafting one; built-in tables of codes;
//! - [`header`]: where each column is in a file;
//! - [`rows`] and [`rules`]: the rows of each extract, and the rules that need only the row
//!   itself, checked as each row is parsed; [`column_rules`], the same rules column by column;
//! - [`csv`] and [`parquet`]: reading a file of each kind;
//! - [`across`]: the rules across rows; [`frames`]: the frames of the valid rows;
//! - [`check`]: all of these, in order, for every file of both extracts; [`load`](mod@load): the inputs of
//!   a command (extracts, references, mapping), and what is done with invalid rows.
//!
//! Outside the layer, commands use [`load`](mod@load), [`files`] and [`mapping`]; the generator and the
//! reference reader use the contract's column names.

pub mod across;
pub mod check;
pub mod column_rules;
pub mod columns;
pub mod contract;
pub mod csv;
pub mod dates;
pub mod files;
pub mod findings;
pub mod frames;
pub mod header;
pub mod load;
pub mod mapping;
pub mod mhsds;
pub mod parquet;
pub mod reference;
pub mod rows;
pub mod rules;

pub use across::ExtractDateSource;
pub use check::{CheckOptions, Checked};
pub use files::{ExtractKind, InputPaths};
pub use findings::{Finding, Rule};
pub use load::{load, Inputs, InvalidInput};

/// What a command reads of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extracts {
    /// The placements (`los` without `--by oap` uses none: they are neither read nor checked).
    pub placements: bool,
    /// Who each patient is, from MHSDS tables' `MHS001MPI` (not read when false; the extracts'
    /// optional columns are read either way, at the cost of one check a row).
    pub people: bool,
}

impl Extracts {
    /// The admissions and the placements.
    pub const BOTH: Extracts = Extracts {
        placements: true,
        people: false,
    };
    /// The admissions alone.
    pub const ADMISSIONS_ONLY: Extracts = Extracts {
        placements: false,
        people: false,
    };

    /// The same, and who each patient is when `people`.
    pub fn with_people(self, people: bool) -> Extracts {
        Extracts { people, ..self }
    }
}
