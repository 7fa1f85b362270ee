//! What NHS England's OAP measures are: their ids and published names, the counts each is made
//! of, the levels they are published at, the three periods of a reporting month, and the
//! published file's columns (DOMAIN.md section 10; names as `measure_metadata.py` spells them).

use chrono::NaiveDate;

use crate::demographics::Dimension;
use crate::periods::{add_months, month_end, Period};

/// The adult acute service lines by default (MHSDS bed types 200, 201 and 202).
pub const ADULT_ACUTE: [&str; 3] = ["adult_acute", "older_adult_acute", "picu"];

/// [`ADULT_ACUTE`] as the service lines [`super::Options`] take.
pub fn default_adult_acute() -> Vec<String> {
    ADULT_ACUTE.iter().map(|s| s.to_string()).collect()
}

/// The header of NHS England's published OAP file (DOMAIN.md section 10), and the report field
/// each column is written from.
pub const PUBLISHED_COLUMNS: [(&str, &str); 11] = [
    ("REPORTING_PERIOD_START", "reporting_period_start"),
    ("REPORTING_PERIOD_END", "reporting_period_end"),
    ("STATUS", "status"),
    ("BREAKDOWN", "breakdown"),
    ("PRIMARY_LEVEL", "primary_level"),
    ("PRIMARY_LEVEL_DESCRIPTION", "primary_level_description"),
    ("SECONDARY_LEVEL", "secondary_level"),
    ("SECONDARY_LEVEL_DESCRIPTION", "secondary_level_description"),
    ("MEASURE_ID", "measure_id"),
    ("MEASURE_NAME", "measure_name"),
    ("MEASURE_VALUE", "measure_value"),
];

/// The reason code of an inappropriate out-of-area placement.
pub(super) const INAPPROPRIATE: &str = "10";

/// The three periods NHS England publishes for a reporting month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The month.
    M,
    /// The 3 months ending with it (rolling, not a financial quarter).
    Q,
    /// The 12 months ending with it.
    Y,
}

impl Window {
    pub const ALL: [Window; 3] = [Window::M, Window::Q, Window::Y];

    fn months(self) -> i32 {
        match self {
            Window::M => 1,
            Window::Q => 3,
            Window::Y => 12,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Window::M => "M",
            Window::Q => "Q",
            Window::Y => "Y",
        }
    }

    /// The first and last date of the window for the reporting month starting on `month`.
    pub fn dates(self, month: NaiveDate) -> (NaiveDate, NaiveDate) {
        (add_months(month, 1 - self.months()), month_end(month))
    }

    /// The window for the reporting month starting on `month` as a period labelled
    /// `2026-10 Y`, the label `empty_values` gives it.
    pub fn period(self, month: NaiveDate) -> Period {
        let (start, end) = self.dates(month);
        Period {
            label: format!("{} {}", month.format("%Y-%m"), self.code()),
            start,
            end,
        }
    }
}

/// What a census gives for a period: the four counts every measure is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tally {
    Started = 0,
    Days = 1,
    ActiveAtEnd = 2,
    Ended = 3,
}

/// The four tallies of a period, for all stays and for adult acute ones.
pub(super) type Tallies = [[i64; 4]; 2];

/// What a measure is: a count, a rate per 1,000,000 of the population, or a percentage of the
/// same tally over all spells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Per {
    Count,
    Million,
    Percent,
}

/// The eleven measures: (number, tally, per).
pub(super) const MEASURES: [(u8, Tally, Per); 11] = [
    (1, Tally::Started, Per::Count),
    (2, Tally::Days, Per::Count),
    (3, Tally::ActiveAtEnd, Per::Count),
    (4, Tally::Ended, Per::Count),
    (5, Tally::Started, Per::Million),
    (6, Tally::ActiveAtEnd, Per::Million),
    (7, Tally::Ended, Per::Million),
    (8, Tally::Started, Per::Percent),
    (9, Tally::Days, Per::Percent),
    (10, Tally::ActiveAtEnd, Per::Percent),
    (11, Tally::Ended, Per::Percent),
];

/// The published names, exactly as NHS England's `measure_metadata.py` spells them: (all,
/// adult acute) for OAP01…OAP11.
const NAMES: [(&str, &str); 11] = [
    (
        "Number of Inappropriate new OAPs started in the period",
        "Number of Inappropriate new OAPs in Adult Acute beds started in the period",
    ),
    (
        "Number of Inappropriate OAPs bed days in the period",
        "Number of Inappropriate OAPs bed days in Adult Acute beds in the period",
    ),
    (
        "Number of Inappropriate OAPs active at the end of the period",
        "Number of Inappropriate OAPs in Adult Acute beds active at the end of the period",
    ),
    (
        "Number of Inappropriate OAPs ended in the period",
        "Number of Inappropriate OAPs in Adult Acute beds ended in the period",
    ),
    (
        "Rate of Inappropriate new OAPs started in the period per 1,000,000 of the population",
        "Rate of Inappropriate new OAPs in Adult Acute beds started in the period per 1,000,000 of the population",
    ),
    (
        "Rate of Inappropriate OAPs active at the end of the period per 1,000,000 of the population",
        "Rate of Inappropriate OAPs in Adult Acute beds active at the end of the period per 1,000,000 of the population",
    ),
    (
        "Rate of Inappropriate OAPs ended in the period per 1,000,000 of the population",
        "Rate of Inappropriate OAPs in Adult Acute beds ended in the period per 1,000,000 of the population",
    ),
    (
        "Proportion of Inappropriate new OAPs started in the period",
        "Proportion of Inappropriate new OAPs in Adult Acute beds started in the period",
    ),
    (
        "Proportion of Inappropriate OAPs bed days in the period",
        "Proportion of Inappropriate OAPs bed days in Adult Acute beds in the period",
    ),
    (
        "Proportion of Inappropriate OAPs active at the end of the period",
        "Proportion of Inappropriate OAPs in Adult Acute beds active at the end of the period",
    ),
    (
        "Proportion of Inappropriate OAPs ended in the period",
        "Proportion of Inappropriate OAPs in Adult Acute beds ended in the period",
    ),
];

/// Short names for people's tables, OAP01…OAP11 (an `a` twin has its measure's): what is
/// counted, and `per 1M` for a rate per 1,000,000 of the population, `%` for a percentage.
const SHORT_NAMES: [&str; 11] = [
    "started",
    "bed days",
    "active at end",
    "ended",
    "started per 1M",
    "active per 1M",
    "ended per 1M",
    "started %",
    "bed days %",
    "active at end %",
    "ended %",
];

/// The measure of an id (`OAP08`, `OAP08a`): its number and whether it is an adult acute twin.
fn parse_id(id: &str) -> Option<(u8, bool)> {
    let rest = id.strip_prefix("OAP")?;
    let (digits, adult_acute) = match rest.strip_suffix('a') {
        Some(digits) => (digits, true),
        None => (rest, false),
    };
    let number: u8 = digits.parse().ok().filter(|_| digits.len() == 2)?;
    (1..=MEASURES.len() as u8)
        .contains(&number)
        .then_some((number, adult_acute))
}

/// A measure's short name for a people's table (`OAP08a` → `started %`), or `None` for an id
/// that is not one of the 22.
pub fn short_name(id: &str) -> Option<&'static str> {
    parse_id(id).map(|(number, _)| SHORT_NAMES[number as usize - 1])
}

/// Whether a measure is a percentage (OAP08…OAP11 and their twins).
pub fn is_percentage(id: &str) -> bool {
    parse_id(id).is_some_and(|(number, _)| MEASURES[number as usize - 1].2 == Per::Percent)
}

/// Every measure id with its published name, in output order (OAP01…OAP11, then OAP01a…OAP11a).
pub fn measure_names() -> Vec<(String, &'static str)> {
    [false, true]
        .into_iter()
        .flat_map(|adult_acute| {
            MEASURES.iter().map(move |&(number, _, _)| {
                (measure_id(number, adult_acute), name(number, adult_acute))
            })
        })
        .collect()
}

fn measure_id(number: u8, adult_acute: bool) -> String {
    format!("OAP{number:02}{}", if adult_acute { "a" } else { "" })
}

fn name(number: u8, adult_acute: bool) -> &'static str {
    let (all, acute) = NAMES[number as usize - 1];
    if adult_acute {
        acute
    } else {
        all
    }
}

/// The levels at which the measures are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breakdown {
    /// England (MHSDS tables only: every provider's records).
    England,
    /// Every collaborative of the reference and the extracts (no `--collaborative`).
    AllCollaboratives,
    /// The collaboratives chosen with `--collaborative`, two or more, together.
    SelectedCollaboratives,
    Collaborative,
    ServiceLine,
    SendingProvider,
    /// Each sending provider of England (MHSDS tables: `OrgIDReferringOrg`).
    SendingProviderOfEngland,
    /// Each receiving provider (MHSDS tables: the referral's `OrgIDProv`).
    ReceivingProvider,
    /// A level by group of people (DOMAIN.md section 12): every group of the dimension's list
    /// for England and each collaborative, the groups with figures for a provider.
    Group(Within, Dimension),
}

/// The level a breakdown by group of people divides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Within {
    /// England (MHSDS tables only): the group is the primary level.
    England,
    /// Each collaborative, the group its secondary level (oapstat's, from extracts or MHSDS).
    Collaborative,
    /// Each sending provider (MHSDS tables), at Y: the counts only, as NHS England publishes.
    SendingProvider,
    /// Each receiving provider (MHSDS tables), likewise.
    ReceivingProvider,
}

/// The BREAKDOWN names by group of people, [`Within`] by [`Dimension`] (DOMAIN.md section 12:
/// "England; " and a geography's name joined with "; ").
const GROUP_LABELS: [[&str; 5]; 4] = [
    [
        "England; Age Band",
        "England; Gender",
        "England; Ethnicity",
        "England; Upper Ethnicity",
        "England; IMD Decile",
    ],
    [
        "Collaborative; Age Band",
        "Collaborative; Gender",
        "Collaborative; Ethnicity",
        "Collaborative; Upper Ethnicity",
        "Collaborative; IMD Decile",
    ],
    [
        "Sending Provider; Age Band",
        "Sending Provider; Gender",
        "Sending Provider; Ethnicity",
        "Sending Provider; Upper Ethnicity",
        "Sending Provider; IMD Decile",
    ],
    [
        "Receiving Provider; Age Band",
        "Receiving Provider; Gender",
        "Receiving Provider; Ethnicity",
        "Receiving Provider; Upper Ethnicity",
        "Receiving Provider; IMD Decile",
    ],
];

impl Breakdown {
    /// The BREAKDOWN text of the output.
    pub fn label(self) -> &'static str {
        match self {
            Breakdown::England => "England",
            Breakdown::AllCollaboratives => "All collaboratives",
            Breakdown::SelectedCollaboratives => "Selected collaboratives",
            Breakdown::Collaborative => "Collaborative",
            Breakdown::ServiceLine => "Collaborative; Service line",
            Breakdown::SendingProvider => "Collaborative; Sending Provider",
            Breakdown::SendingProviderOfEngland => "Sending Provider",
            Breakdown::ReceivingProvider => "Receiving Provider",
            Breakdown::Group(within, dimension) => {
                let d = Dimension::ALL.iter().position(|x| *x == dimension);
                GROUP_LABELS[within as usize][d.expect("a dimension of the list")]
            }
        }
    }

    /// Whether NHS England publishes the breakdown for a window: a provider's groups only at
    /// Y (`measure_metadata.py`).
    pub(super) fn has_window(self, window: Window) -> bool {
        match self {
            Breakdown::Group(Within::SendingProvider | Within::ReceivingProvider, _) => {
                window == Window::Y
            }
            _ => true,
        }
    }

    /// Whether NHS England publishes the measure at this kind of level: rates need a
    /// population (none for a service line or a provider); the proportions' denominators exist
    /// by bed type but not by sending provider (`measure_metadata.py`'s breakdown lists). By
    /// group, the rates are crude rates over the group's own population (empty without one).
    pub(super) fn allows(self, per: Per) -> bool {
        match self {
            Breakdown::England
            | Breakdown::AllCollaboratives
            | Breakdown::SelectedCollaboratives
            | Breakdown::Collaborative
            | Breakdown::Group(Within::England | Within::Collaborative, _) => true,
            Breakdown::ServiceLine => per != Per::Million,
            Breakdown::SendingProvider
            | Breakdown::SendingProviderOfEngland
            | Breakdown::ReceivingProvider
            | Breakdown::Group(Within::SendingProvider | Within::ReceivingProvider, _) => {
                per == Per::Count
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakdowns_by_group_of_people_are_named_as_published() {
        // DOMAIN.md section 12: crossed with a geography, "England; " is dropped and the names
        // joined with "; ".
        for dimension in Dimension::ALL {
            for (within, name) in [
                (Within::England, "England"),
                (Within::Collaborative, "Collaborative"),
                (Within::SendingProvider, "Sending Provider"),
                (Within::ReceivingProvider, "Receiving Provider"),
            ] {
                let b = Breakdown::Group(within, dimension);
                assert_eq!(b.label(), format!("{name}; {}", dimension.breakdown()));
                let geography = matches!(within, Within::England | Within::Collaborative);
                assert_eq!(b.allows(Per::Million), geography);
                assert_eq!(b.allows(Per::Percent), geography);
                assert!(b.allows(Per::Count));
                assert_eq!(b.has_window(Window::M), geography);
                assert!(b.has_window(Window::Y));
            }
        }
    }

    #[test]
    fn short_names_and_percentages_by_id() {
        assert_eq!(short_name("OAP01"), Some("started"));
        assert_eq!(short_name("OAP06a"), Some("active per 1M"));
        assert_eq!(short_name("OAP11"), Some("ended %"));
        assert_eq!(short_name("OAP12"), None);
        assert_eq!(short_name("OAP1"), None);
        assert_eq!(short_name("MRS01"), None);
        let percentages: Vec<String> = measure_names()
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| is_percentage(id))
            .collect();
        assert_eq!(
            percentages,
            ["OAP08", "OAP09", "OAP10", "OAP11", "OAP08a", "OAP09a", "OAP10a", "OAP11a"]
        );
        // Each short name says what the published name counts, and a rate or share says so.
        for (id, name) in measure_names() {
            let short = short_name(&id).unwrap();
            assert_eq!(
                short.ends_with(" %"),
                name.starts_with("Proportion"),
                "{id}"
            );
            assert_eq!(short.ends_with(" per 1M"), name.starts_with("Rate"), "{id}");
        }
    }
}
