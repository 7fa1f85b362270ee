//! Who is sent out of area, and who stays longest (DOMAIN.md section 12): the out-of-area
//! measures by age band, gender, ethnicity (lower and upper level) and deprivation decile, with
//! the public-health methods of OHID/UKHSA's PHEindicatormethods ([`crate::stats`]).
//!
//! Per collaborative, period, dimension and group — every group of NHS England's list, UNKNOWN
//! included, zeros where nobody is in it — and a row `All` for all groups together (the
//! benchmark). A person's group and age band are those of the spell: age at admission (NHS
//! England bands age at the end of the reporting period).
//!
//! Its stages, one file each: [`tally`] counts (one pass over the spells, one over the
//! out-of-area placements), [`measures`] turns the counts into shares, rates, intervals,
//! comparisons and ratios.

pub mod measures;
mod report;
pub mod tally;

use polars::prelude::*;

use crate::demographics::Dimension;
use crate::input::reference::Populations;
use crate::periods::Period;
use crate::schema::{Field, Kind};

pub use measures::{ALL, PER};
pub use report::{compute, percent_label, reference_words, report_of, Options};

/// The confidence levels offered: 95% (the usual) and 99.8% (control limits).
pub const CONFIDENCE_LEVELS: [f64; 2] = [0.95, 0.998];

/// Inputs of [`equality`] besides the frames.
pub struct EqualityRequest<'a> {
    pub periods: &'a [Period],
    /// Per period: whether the extract covers it (an uncovered period's figures are empty).
    pub covered: &'a [bool],
    pub dimensions: &'a [Dimension],
    /// Every collaborative to report, in order (codes as text).
    pub collaboratives: &'a [String],
    /// The names of the coded columns (`Checked::names`).
    pub names: &'a [String],
    pub populations: Option<&'a Populations>,
    pub confidence: f64,
    /// The reference group of each dimension, where there is one.
    pub reference: &'a dyn Fn(Dimension) -> Option<&'static str>,
}

/// The five figures of a measure with an interval: the value, its limits, how it compares with
/// the collaborative's value over all groups, and its ratio to the reference group.
fn figure(fields: &mut Vec<Field>, name: &str, kind: Kind, heading: &str, numerator: &str) {
    let from = [numerator];
    fields.extend([
        Field::new(name, kind, heading, &from),
        Field::new(&format!("{name}_lower"), kind, "", &from),
        Field::new(&format!("{name}_upper"), kind, "", &from),
        Field::new(
            &format!("{name}_compared"),
            Kind::Text,
            if heading.is_empty() { "" } else { "Compared" },
            &from,
        ),
        Field::new(&format!("{name}_ratio"), Kind::Number, "", &from),
    ]);
}

/// The fields of an equality row, in output order (docs/output-schema.md).
pub fn fields() -> Vec<Field> {
    let mut fields = vec![
        Field::text("collaborative", "Collaborative"),
        Field::text("period", "Period"),
        Field::date("period_start"),
        Field::date("period_end"),
        Field::text("dimension", "Dimension"),
        Field::text("group", "Group"),
        Field::count("admissions", "Admissions"),
        Field::count("admissions_with_oap", "With OAP"),
    ];
    figure(
        &mut fields,
        "admissions_with_oap_share",
        Kind::Ratio,
        "Share with OAP",
        "admissions_with_oap",
    );
    fields.extend([
        Field::count("oaps_started", "OAPs started"),
        Field::count("inappropriate_oaps_started", "").optional(),
        Field::count("oap_days", "OAP days").optional(),
        Field::count("inappropriate_oap_days", "").optional(),
        Field::count("discharges", "Discharges").optional(),
        Field::new("los_p25", Kind::Number, "", &["discharges"]),
        Field::new("los_median", Kind::Number, "Median LOS", &["discharges"]),
        Field::new("los_p75", Kind::Number, "", &["discharges"]),
        Field::new("population", Kind::Reference, "", &[]),
    ]);
    figure(
        &mut fields,
        "oaps_started_per_100k",
        Kind::Rate,
        "",
        "oaps_started",
    );
    figure(
        &mut fields,
        "inappropriate_oaps_started_per_100k",
        Kind::Rate,
        "",
        "inappropriate_oaps_started",
    );
    figure(
        &mut fields,
        "oaps_started_dsr_per_100k",
        Kind::Rate,
        "",
        "oaps_started",
    );
    figure(
        &mut fields,
        "inappropriate_oaps_started_dsr_per_100k",
        Kind::Rate,
        "",
        "inappropriate_oaps_started",
    );
    fields
}

/// Every measure of DOMAIN.md section 12 per collaborative, period, dimension and group.
pub fn equality(
    admissions: &DataFrame,
    oaps: &DataFrame,
    request: &EqualityRequest,
) -> PolarsResult<DataFrame> {
    let tallies = tally::tally(
        admissions,
        oaps,
        request.periods,
        request.dimensions,
        request.names,
        request.collaboratives,
    )?;
    crate::timing("equality: counted");
    measures::rows(
        &tallies,
        &measures::Settings {
            periods: request.periods,
            covered: request.covered,
            collaboratives: request.collaboratives,
            populations: request.populations,
            confidence: request.confidence,
            reference: request.reference,
        },
    )
}
