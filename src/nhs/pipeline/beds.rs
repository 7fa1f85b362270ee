//! The beds of NHS England's OAP tables: a ward stay's bed type as the reporting month reads
//! it, whether it is adult acute, and a hospital spell's nights in a period
//! (`oaps_wardstay_prep` and `hosp_spell_bed_days_rp` in `oaps_prep.py`).

use crate::input::mapping::preset::MHSDS_BED_TYPE;
use crate::input::mhsds::records::{Month, WardStay, FIRST_MONTH_OF_NEW_BED_TYPES, OLD_BED_TYPES};
use crate::periods::Day;

/// The pipeline's bed type for a reporting month (`oaps_wardstay_prep`): from April 2024 the
/// codes used before are turned into theirs (the `mhsds-bed-type` preset holds the same
/// pairs); a code the bed type reference does not hold for the month is `UNKNOWN` (0 here).
/// Used only to tell the rows of `oaps_month` apart.
pub(super) fn bed_type_for(end_month: Month, code: Option<u16>) -> u16 {
    let Some(code) = code else { return 0 };
    if end_month >= FIRST_MONTH_OF_NEW_BED_TYPES {
        MHSDS_BED_TYPE.new_code_of(code).unwrap_or(code)
    } else if OLD_BED_TYPES.contains(&code) {
        code
    } else {
        0
    }
}

/// `Acute_Bed`: by the row's own month, 200–202 from April 2024, 10–12 before.
pub(super) fn is_acute(stay: &WardStay) -> bool {
    match stay.bed_type {
        Some(code) if stay.month >= FIRST_MONTH_OF_NEW_BED_TYPES => (200..=202).contains(&code),
        Some(code) => (10..=12).contains(&code),
        None => false,
    }
}

/// `hosp_spell_bed_days_rp`: nights of a stay within `[start_rp, end_rp]`, the first day
/// counted and the last not, exactly as the SQL function's cases read.
pub fn hosp_spell_bed_days(end: Option<Day>, end_rp: Day, start: Day, start_rp: Day) -> i64 {
    let open_after = |e: Option<Day>, d: Day| e.is_none_or(|e| e > d);
    let last = match end {
        Some(e) if e <= end_rp => e,
        _ => end_rp + 1,
    };
    let first = if start < start_rp && open_after(end, start_rp) {
        start_rp
    } else if start >= start_rp && open_after(end, start) {
        start
    } else if open_after(end, end_rp) {
        end_rp
    } else {
        end.expect("an end, as open_after holds for none")
    };
    i64::from(last - first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::mhsds::records::day;

    #[test]
    fn bed_days_as_the_sql_function_counts_them() {
        let (p1, p2) = (day(2024, 5, 1), day(2024, 5, 31));
        // Open all month: 31 nights.
        assert_eq!(hosp_spell_bed_days(None, p2, day(2024, 4, 20), p1), 31);
        // Admitted 10 May, discharged 15 May: 5 nights.
        assert_eq!(
            hosp_spell_bed_days(Some(day(2024, 5, 15)), p2, day(2024, 5, 10), p1),
            5
        );
        // Same-day discharge: 0.
        assert_eq!(
            hosp_spell_bed_days(Some(day(2024, 5, 10)), p2, day(2024, 5, 10), p1),
            0
        );
        // Discharged on the first day of the month, admitted before: 0.
        assert_eq!(hosp_spell_bed_days(Some(p1), p2, day(2024, 4, 1), p1), 0);
        // Discharged after the month: to its last night, 31 May.
        assert_eq!(
            hosp_spell_bed_days(Some(day(2024, 6, 3)), p2, day(2024, 5, 30), p1),
            2
        );
    }

    #[test]
    fn bed_types_change_in_april_2024() {
        assert_eq!(bed_type_for(1488, Some(10)), 10);
        assert_eq!(bed_type_for(1488, Some(200)), 0);
        assert_eq!(bed_type_for(1489, Some(200)), 200);
        assert_eq!(bed_type_for(1489, Some(311)), 311);
        // `oaps_wardstay_prep`'s CASE, every WHEN (`$end_month_id > 1488 AND
        // MHAdmittedPatientClass = old THEN new`), as the preset gives it.
        let case = [
            (10, 200),
            (11, 201),
            (12, 202),
            (13, 203),
            (14, 204),
            (15, 205),
            (17, 212),
            (19, 206),
            (20, 207),
            (21, 208),
            (22, 209),
            (23, 300),
            (24, 301),
            (25, 302),
            (26, 302),
            (27, 303),
            (28, 304),
            (29, 305),
            (30, 310),
            (31, 306),
            (32, 307),
            (33, 308),
            (34, 309),
            (35, 212),
            (36, 212),
            (37, 213),
            (38, 212),
            (39, 211),
            (40, 210),
        ];
        for (old, new) in case {
            assert_eq!(bed_type_for(1489, Some(old)), new, "{old}");
        }
        assert_eq!(case.len(), OLD_BED_TYPES.len());
    }
}
