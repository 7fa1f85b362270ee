//! The input contract (DOMAIN.md section 3): the extracts' columns, which are required, the
//! reason codes and the spellings of a flag.

use super::files::ExtractKind;

/// The columns of the admissions extract, in the order used by
/// [`FileContext::columns`](super::rows::FileContext::columns); the last five, who the patient
/// is (DOMAIN.md section 12), are optional.
pub const ADMISSION_COLUMNS: [&str; 12] = [
    "admission_id",
    "patient_id",
    "collaborative",
    "service_line",
    "admission_date",
    "discharge_date",
    "provider_code",
    "age",
    "gender",
    "ethnic_category",
    "imd_decile",
    "lsoa",
];
const REQUIRED_ADMISSION_COLUMNS: usize = 7;
/// The columns of the placements extract; the last two are optional.
pub const PLACEMENT_COLUMNS: [&str; 9] = [
    "placement_id",
    "admission_id",
    "start_date",
    "end_date",
    "provider_code",
    "out_of_area",
    "oap_reason",
    "distance_km",
    "daily_cost",
];
const REQUIRED_PLACEMENT_COLUMNS: usize = 7;

/// The columns of an extract kind and how many of them are required.
pub fn columns_of(kind: ExtractKind) -> (&'static [&'static str], usize) {
    match kind {
        ExtractKind::Admissions => (&ADMISSION_COLUMNS, REQUIRED_ADMISSION_COLUMNS),
        ExtractKind::Placements => (&PLACEMENT_COLUMNS, REQUIRED_PLACEMENT_COLUMNS),
    }
}

/// Normalises a header name: surrounding spaces and a byte-order mark removed, lower case.
pub fn normalise_column_name(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// Accepted spellings of a flag, compared case-insensitively (DOMAIN.md section 3).
pub fn parse_flag(text: &str) -> Option<bool> {
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if is("y") || is("yes") || is("true") || text == "1" {
        Some(true)
    } else if is("n") || is("no") || is("false") || text == "0" {
        Some(false)
    } else {
        None
    }
}

/// The reason codes of DOMAIN.md section 2.
pub const REASON_CODES: [&str; 7] = ["10", "11", "12", "13", "14", "15", "99"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        for yes in ["Y", "y", "TRUE", "true", "1", "Yes"] {
            assert_eq!(parse_flag(yes), Some(true));
        }
        for no in ["N", "n", "False", "0", "no"] {
            assert_eq!(parse_flag(no), Some(false));
        }
        assert_eq!(parse_flag("maybe"), None);
    }
}
