//! What describes a measure beyond its field: the words people read it by and which way is
//! better. One place for every chart, headline and summary that names or judges a measure.

/// Which way is better for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Improvement {
    /// Higher is better.
    Up,
    /// Lower is better (fewer OAP days, shorter stays).
    Down,
    /// Neither: special causes are reported without a judgement.
    Neither,
}

impl Improvement {
    /// In words, as a chart's text alternative and the pack say it.
    pub fn describe(self) -> &'static str {
        match self {
            Improvement::Up => "higher is better",
            Improvement::Down => "lower is better",
            Improvement::Neither => "no better direction",
        }
    }
}

/// Which way is better for a measure, unless the user says.
pub fn improvement(measure: &str) -> Improvement {
    const LOWER_IS_BETTER: [&str; 20] = [
        "oaps_started",
        "oaps_active_end",
        "inappropriate_oaps_active_end",
        "oap_days",
        "inappropriate_oap_days",
        "reason_not_known_oap_days",
        "total_recorded_cost",
        "mean_daily_cost",
        "oap_admissions",
        "oap_admission_rate",
        "oap_day_share",
        "oaps_active_end_per_100k",
        "oap_days_per_100k",
        "inappropriate_oap_days_per_100k",
        "los_mean",
        "los_median",
        "los_p90",
        "open_spells",
        "open_los_median",
        "open_spells_365_plus_nights",
    ];
    if LOWER_IS_BETTER.contains(&measure) {
        Improvement::Down
    } else if measure == "cost_recorded_share" {
        Improvement::Up
    } else {
        Improvement::Neither
    }
}

/// A measure's name for people: `inappropriate_oap_days` as "inappropriate OAP days".
pub fn label(measure: &str) -> String {
    measure
        .split('_')
        .map(|word| match word {
            "oap" | "oaps" | "los" => word.to_uppercase().replace("OAPS", "OAPs"),
            "p90" => "90th percentile".to_string(),
            "100k" => "100,000".to_string(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_labels() {
        assert_eq!(label("inappropriate_oap_days"), "inappropriate OAP days");
        assert_eq!(label("los_p90"), "LOS 90th percentile");
        assert_eq!(label("oaps_active_end"), "OAPs active end");
    }
}
