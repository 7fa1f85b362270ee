//! Who a spell's patient is, as NHS England groups people (DOMAIN.md section 12): age band,
//! gender, ethnicity (lower and upper level) and deprivation decile, with their codes, labels and
//! the order NHS England lists them in.
//!
//! A spell's four values travel packed in one 32-bit number ([`Person`]): one byte each, so that
//! the admissions frame grows by four bytes a spell, not sixteen, when the extract has them.

/// The group of a value that is empty, out of the list, or not known.
pub const UNKNOWN: &str = "UNKNOWN";

/// A byte of a [`Person`] that holds no value.
pub const NONE: u8 = u8::MAX;

/// The oldest age the input takes (whole years at admission).
pub const MAX_AGE: u8 = 124;

/// NHS gender codes (GenderIDCode 1–4, and the older Gender code 9) and their labels.
pub const GENDERS: [(&str, &str); 5] = [
    ("1", "Male"),
    ("2", "Female"),
    ("3", "Non-binary"),
    ("4", "Other (not listed)"),
    ("9", "Indeterminate"),
];

/// NHS ethnic category codes, their labels and their upper (census) groups, in NHS England's
/// order.
pub const ETHNICITIES: [(&str, &str, &str); 18] = [
    ("A", "British", WHITE),
    ("B", "Irish", WHITE),
    ("C", "Any Other White background", WHITE),
    ("D", "White and Black Caribbean", MIXED),
    ("E", "White and Black African", MIXED),
    ("F", "White and Asian", MIXED),
    ("G", "Any Other mixed background", MIXED),
    ("H", "Indian", ASIAN),
    ("J", "Pakistani", ASIAN),
    ("K", "Bangladeshi", ASIAN),
    ("L", "Any Other Asian background", ASIAN),
    ("M", "Caribbean", BLACK),
    ("N", "African", BLACK),
    ("P", "Any Other Black background", BLACK),
    ("R", "Chinese", OTHER),
    ("S", "Any Other Ethnic Group", OTHER),
    ("Z", "Not Stated", NOT_STATED),
    ("99", "Not Known", NOT_KNOWN),
];

const WHITE: &str = "White or White British";
const MIXED: &str = "Mixed";
const ASIAN: &str = "Asian or Asian British";
const BLACK: &str = "Black or Black British";
const OTHER: &str = "Other Ethnic Groups";
const NOT_STATED: &str = "Not Stated";
const NOT_KNOWN: &str = "Not Known";

/// The upper ethnic groups in NHS England's order.
pub const UPPER_ETHNICITIES: [&str; 7] = [WHITE, MIXED, ASIAN, BLACK, OTHER, NOT_STATED, NOT_KNOWN];

/// NHS England's age bands: (label, first age); each runs to the next one's first age.
pub const AGE_BANDS: [(&str, u8); 11] = [
    ("0 to 17", 0),
    ("18 to 24", 18),
    ("25 to 29", 25),
    ("30 to 34", 30),
    ("35 to 39", 35),
    ("40 to 44", 40),
    ("45 to 49", 45),
    ("50 to 54", 50),
    ("55 to 59", 55),
    ("60 to 64", 60),
    ("65 or over", 65),
];

/// The labels of the IMD deciles 1 (most deprived) to 10.
pub const IMD_DECILES: [&str; 10] = [
    "01 Most deprived",
    "02 More deprived",
    "03 More deprived",
    "04 More deprived",
    "05 More deprived",
    "06 Less deprived",
    "07 Less deprived",
    "08 Less deprived",
    "09 Less deprived",
    "10 Least deprived",
];

/// The index in [`GENDERS`] of a code (`None`: not an NHS gender code).
pub fn gender_code(text: &str) -> Option<u8> {
    GENDERS
        .iter()
        .position(|(c, _)| *c == text)
        .map(|i| i as u8)
}

/// The index in [`ETHNICITIES`] of a code, in either case (`None`: not an NHS ethnic category).
pub fn ethnicity_code(text: &str) -> Option<u8> {
    ETHNICITIES
        .iter()
        .position(|(c, _, _)| c.eq_ignore_ascii_case(text))
        .map(|i| i as u8)
}

/// The four values of a spell's patient, one byte each ([`NONE`] where not known): age in whole
/// years at admission, the index of the gender in [`GENDERS`], of the ethnic category in
/// [`ETHNICITIES`], and the IMD decile (1–10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub age: u8,
    pub gender: u8,
    pub ethnicity: u8,
    pub imd_decile: u8,
}

impl Person {
    /// Nothing known.
    pub const UNKNOWN: Person = Person {
        age: NONE,
        gender: NONE,
        ethnicity: NONE,
        imd_decile: NONE,
    };

    pub fn pack(self) -> u32 {
        u32::from_le_bytes([self.age, self.gender, self.ethnicity, self.imd_decile])
    }

    pub fn unpack(packed: u32) -> Person {
        let [age, gender, ethnicity, imd_decile] = packed.to_le_bytes();
        Person {
            age,
            gender,
            ethnicity,
            imd_decile,
        }
    }
}

/// A way of grouping people that NHS England publishes OAP measures by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Age at admission, in NHS England's bands.
    #[value(name = "age_band", alias = "age-band", alias = "age")]
    AgeBand,
    Gender,
    /// NHS ethnic category (the lower level).
    Ethnicity,
    /// The ethnic category's upper group.
    #[value(name = "upper_ethnicity", alias = "upper-ethnicity")]
    UpperEthnicity,
    /// IMD 2019 decile of the patient's area.
    #[value(name = "imd_decile", alias = "imd-decile", alias = "imd")]
    ImdDecile,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::AgeBand,
        Dimension::Gender,
        Dimension::Ethnicity,
        Dimension::UpperEthnicity,
        Dimension::ImdDecile,
    ];

    /// The name in output and in `populations.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::AgeBand => "age_band",
            Dimension::Gender => "gender",
            Dimension::Ethnicity => "ethnicity",
            Dimension::UpperEthnicity => "upper_ethnicity",
            Dimension::ImdDecile => "imd_decile",
        }
    }

    pub fn from_name(name: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.name() == name)
    }

    /// NHS England's name of the breakdown (after "England; " or a geography's name).
    pub fn breakdown(self) -> &'static str {
        match self {
            Dimension::AgeBand => "Age Band",
            Dimension::Gender => "Gender",
            Dimension::Ethnicity => "Ethnicity",
            Dimension::UpperEthnicity => "Upper Ethnicity",
            Dimension::ImdDecile => "IMD Decile",
        }
    }

    /// The input column the dimension is read from.
    pub fn column(self) -> &'static str {
        match self {
            Dimension::AgeBand => "age",
            Dimension::Gender => "gender",
            Dimension::Ethnicity | Dimension::UpperEthnicity => "ethnic_category",
            Dimension::ImdDecile => "imd_decile",
        }
    }

    /// Every group in NHS England's order, [`UNKNOWN`] last.
    pub fn groups(self) -> Vec<&'static str> {
        let mut groups: Vec<&'static str> = match self {
            Dimension::AgeBand => AGE_BANDS.iter().map(|(label, _)| *label).collect(),
            Dimension::Gender => GENDERS.iter().map(|(_, label)| *label).collect(),
            Dimension::Ethnicity => ETHNICITIES.iter().map(|(_, label, _)| *label).collect(),
            Dimension::UpperEthnicity => UPPER_ETHNICITIES.to_vec(),
            Dimension::ImdDecile => IMD_DECILES.to_vec(),
        };
        groups.push(UNKNOWN);
        groups
    }

    /// Each group's code as NHS England's files give it (PRIMARY_LEVEL or SECONDARY_LEVEL, the
    /// name beside it from [`Dimension::groups`]), in the same order: a gender's `Der_Gender`
    /// (`1`…`9`), an ethnic category's code (`A`…`99`); the other dimensions' groups are their
    /// own codes.
    pub fn codes(self) -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = match self {
            Dimension::Gender => GENDERS.iter().map(|(code, _)| *code).collect(),
            Dimension::Ethnicity => ETHNICITIES.iter().map(|(code, _, _)| *code).collect(),
            other => return other.groups(),
        };
        codes.push(UNKNOWN);
        codes
    }

    /// How many groups [`Dimension::groups`] lists, UNKNOWN included.
    pub fn group_count(self) -> usize {
        1 + match self {
            Dimension::AgeBand => AGE_BANDS.len(),
            Dimension::Gender => GENDERS.len(),
            Dimension::Ethnicity => ETHNICITIES.len(),
            Dimension::UpperEthnicity => UPPER_ETHNICITIES.len(),
            Dimension::ImdDecile => IMD_DECILES.len(),
        }
    }

    /// The byte of a [`Person`] the dimension reads.
    pub fn byte_of(self, person: Person) -> u8 {
        match self {
            Dimension::AgeBand => person.age,
            Dimension::Gender => person.gender,
            Dimension::Ethnicity | Dimension::UpperEthnicity => person.ethnicity,
            Dimension::ImdDecile => person.imd_decile,
        }
    }

    /// The group of every value of the byte [`Dimension::byte_of`] reads: a person's group is
    /// one look-up.
    pub fn group_table(self) -> [u8; 256] {
        std::array::from_fn(|byte| {
            let mut person = Person::UNKNOWN;
            let byte = byte as u8;
            (
                person.age,
                person.gender,
                person.ethnicity,
                person.imd_decile,
            ) = (byte, byte, byte, byte);
            self.group_of(person) as u8
        })
    }

    /// The index in [`Dimension::groups`] of a person's group.
    pub fn group_of(self, person: Person) -> usize {
        let unknown = self.group_count() - 1;
        let known = match self {
            Dimension::AgeBand => (person.age <= MAX_AGE)
                .then(|| AGE_BANDS.iter().rposition(|(_, from)| person.age >= *from))
                .flatten(),
            Dimension::Gender => {
                (usize::from(person.gender) < GENDERS.len()).then_some(usize::from(person.gender))
            }
            Dimension::Ethnicity => (usize::from(person.ethnicity) < ETHNICITIES.len())
                .then_some(usize::from(person.ethnicity)),
            Dimension::UpperEthnicity => ETHNICITIES
                .get(usize::from(person.ethnicity))
                .and_then(|(_, _, upper)| UPPER_ETHNICITIES.iter().position(|u| u == upper)),
            Dimension::ImdDecile => (1..=10)
                .contains(&person.imd_decile)
                .then(|| usize::from(person.imd_decile) - 1),
        };
        known.unwrap_or(unknown)
    }

    /// The group a reference is taken against by default: British, White or White British, the
    /// least deprived decile; none by age or gender.
    pub fn default_reference(self) -> Option<&'static str> {
        match self {
            Dimension::Ethnicity => Some("British"),
            Dimension::UpperEthnicity => Some(WHITE),
            Dimension::ImdDecile => Some(IMD_DECILES[9]),
            Dimension::AgeBand | Dimension::Gender => None,
        }
    }

    /// The group a user names: its label (in any case), or for ethnicity its code (`A`), for
    /// gender its code, for the IMD its decile's number (`10`).
    pub fn find_group(self, text: &str) -> Option<&'static str> {
        let text = text.trim();
        let groups = self.groups();
        if let Some(g) = groups.iter().find(|g| g.eq_ignore_ascii_case(text)) {
            return Some(g);
        }
        let index = match self {
            Dimension::Ethnicity => ethnicity_code(text).map(usize::from),
            Dimension::Gender => gender_code(text).map(usize::from),
            Dimension::ImdDecile => text
                .parse::<usize>()
                .ok()
                .filter(|d| (1..=10).contains(d))
                .map(|d| d - 1),
            Dimension::AgeBand | Dimension::UpperEthnicity => None,
        };
        index.map(|i| groups[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_hand() {
        let person = |age, gender, ethnicity, imd_decile| Person {
            age,
            gender,
            ethnicity,
            imd_decile,
        };
        let p = person(17, 1, 11, 10);
        assert_eq!(Person::unpack(p.pack()), p);
        let label = |d: Dimension, p: Person| d.groups()[d.group_of(p)];
        assert_eq!(label(Dimension::AgeBand, p), "0 to 17");
        assert_eq!(label(Dimension::AgeBand, person(18, 0, 0, 0)), "18 to 24");
        assert_eq!(label(Dimension::AgeBand, person(64, 0, 0, 0)), "60 to 64");
        assert_eq!(
            label(Dimension::AgeBand, person(124, 0, 0, 0)),
            "65 or over"
        );
        assert_eq!(label(Dimension::AgeBand, Person::UNKNOWN), UNKNOWN);
        assert_eq!(label(Dimension::Gender, p), "Female");
        assert_eq!(label(Dimension::Ethnicity, p), "Caribbean");
        assert_eq!(
            label(Dimension::UpperEthnicity, p),
            "Black or Black British"
        );
        assert_eq!(label(Dimension::ImdDecile, p), "10 Least deprived");
        assert_eq!(
            label(Dimension::ImdDecile, person(0, 0, 17, 1)),
            "01 Most deprived"
        );
        assert_eq!(
            label(Dimension::UpperEthnicity, person(0, 0, 17, 1)),
            "Not Known"
        );
        assert_eq!(label(Dimension::Ethnicity, Person::UNKNOWN), UNKNOWN);
        assert_eq!(Dimension::Ethnicity.find_group("a"), Some("British"));
        assert_eq!(
            Dimension::ImdDecile.find_group("1"),
            Some("01 Most deprived")
        );
        assert_eq!(Dimension::Ethnicity.groups().len(), 19);
    }
}
