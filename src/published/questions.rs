//! The questions of NHS Digital's Clinical Audit Platform OAP files (October 2016 onwards), each
//! mapped to oapstat's stable name for it. Every question text seen in the real files is here,
//! the distance bands of each month's layout included; docs/published-measures.md lists them.
//! Matching ignores case and runs of spaces.

/// (question as published, oapstat's measure id, whether the value is a fraction to be shown as
/// a percentage).
pub const QUESTIONS: [(&str, &str, bool); 26] = [
    ("OAPs started in period", "oaps_started", false),
    ("OAPs ended during period", "oaps_ended", false),
    ("OAPs active at period end", "oaps_active_end", false),
    ("Total number of OAP days over the period", "oap_days", false),
    ("Total recorded costs over the period", "total_recorded_cost", false),
    (
        "Percentage of OAP days with cost recorded",
        "cost_recorded_percent",
        true,
    ),
    (
        "Average recorded daily cost over the period",
        "mean_daily_cost",
        false,
    ),
    (
        "Lower quartile daily cost over the period",
        "daily_cost_lower_quartile",
        false,
    ),
    (
        "Upper quartile daily cost over the period",
        "daily_cost_upper_quartile",
        false,
    ),
    ("Average stay (days)", "mean_stay_days", false),
    (
        "Number of OAPs that ended in the period with a length of 1-7 nights",
        "oaps_ended_1_7_nights",
        false,
    ),
    (
        "Number of OAPs that ended in the period with a length of 8-14 nights",
        "oaps_ended_8_14_nights",
        false,
    ),
    (
        "Number of OAPs that ended in the period with a length of 15-30 nights",
        "oaps_ended_15_30_nights",
        false,
    ),
    (
        "Number of OAPs that ended in the period with a length of 31 or more nights",
        "oaps_ended_31_plus_nights",
        false,
    ),
    // October 2016: distance quartiles only.
    ("Lower Quartile Distance (KM)", "distance_lower_quartile_km", false),
    ("Average distance (KM)", "distance_mean_km", false),
    ("Upper Quartile Distance (KM)", "distance_upper_quartile_km", false),
    // November 2016: four bands with limits 20, 50 and 100 km.
    (
        "Number of OAPs active during the period with a distance of less than 20 km",
        "oaps_active_under_20km",
        false,
    ),
    (
        "Number of OAPs active during the period with distance of 20km or greater and less than 50km",
        "oaps_active_20_50km",
        false,
    ),
    (
        "Number of OAPs active during the period with a distance of 100km or greater",
        "oaps_active_100km_plus",
        false,
    ),
    // November 2016 and from December 2016.
    (
        "Number of OAPs active during the period with a distance of 50km or greater and less than 100km",
        "oaps_active_50_100km",
        false,
    ),
    // From December 2016: six bands with limits 25, 50, 100, 200 and 300 km.
    (
        "Number of OAPs active during the period with a distance of less than 25 km",
        "oaps_active_under_25km",
        false,
    ),
    (
        "Number of OAPs active during the period with distance of 25km or greater and less than 50km",
        "oaps_active_25_50km",
        false,
    ),
    (
        "Number of OAPs active during the period with a distance of 100km or greater and less than 200km",
        "oaps_active_100_200km",
        false,
    ),
    (
        "Number of OAPs active during the period with a distance of 200km or greater and less than 300km",
        "oaps_active_200_300km",
        false,
    ),
    (
        "Number of OAPs active during the period with a distance of 300km or greater",
        "oaps_active_300km_plus",
        false,
    ),
];

/// A question's text with case and runs of white space ignored.
fn key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// oapstat's id for a question, and whether its value is a fraction (None: not known).
pub fn measure_of(question: &str) -> Option<(&'static str, bool)> {
    let wanted = key(question);
    QUESTIONS
        .iter()
        .find(|(text, _, _)| key(text) == wanted)
        .map(|&(_, id, fraction)| (id, fraction))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_matching_ignores_case_and_spaces() {
        let mut ids: Vec<&str> = QUESTIONS.iter().map(|q| q.1).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), QUESTIONS.len());
        assert_eq!(
            measure_of("  oaps STARTED   in period "),
            Some(("oaps_started", false))
        );
        assert_eq!(
            measure_of("Percentage of OAP days with cost recorded"),
            Some(("cost_recorded_percent", true))
        );
        assert_eq!(measure_of("Something new"), None);
    }

    #[test]
    fn the_documented_table_lists_every_question_with_its_id() {
        let doc = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/published-measures.md"
        ))
        .unwrap();
        for (question, id, _) in QUESTIONS {
            assert!(
                doc.contains(&format!("| {question} | `{id}` |")),
                "docs/published-measures.md lacks {question}"
            );
        }
    }
}
