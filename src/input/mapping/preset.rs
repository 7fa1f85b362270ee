//! Built-in tables of values a mapping can name with `preset = "..."`.

/// A built-in table of codes of one contract column.
pub struct Preset {
    pub name: &'static str,
    /// The contract column it maps.
    pub column: &'static str,
    pub about: &'static str,
    /// What the other codes of a row are, in the table `as_toml` writes.
    pub others_are: &'static str,
    /// The column of an extract that holds the code, as `as_toml`'s example names it.
    pub example_column: &'static str,
    /// Each code (with the codes it replaced), what it is, and the contract value.
    pub rows: &'static [(
        &'static str,
        &'static [&'static str],
        &'static str,
        &'static str,
    )],
}

/// The MHSDS hospital bed types (`MHAdmittedPatientClass`) and the service line of each, as in
/// DOMAIN.md section 10: the April 2024 codes, with the codes used before then as NHS England's
/// pipeline turns them into the new ones (`oaps_wardstay_prep` in `oaps_prep.py`; where DOMAIN.md
/// puts 37 under 212 the pipeline puts it under 213, and the code decides).
pub const MHSDS_BED_TYPE: Preset = Preset {
    name: "mhsds-bed-type",
    column: "service_line",
    about: "MHSDS hospital bed types (MHAdmittedPatientClass): the April 2024 codes and the codes used before them, as service lines",
    others_are: "(before April 2024)",
    example_column: "BedType",
    rows: &[
        ("200", &["10"], "Acute adult mental health care", "adult_acute"),
        ("201", &["11"], "Acute older adult mental health care (organic and functional)", "older_adult_acute"),
        ("202", &["12"], "Adult psychiatric intensive care unit", "picu"),
        ("203", &["13"], "Adult eating disorders", "adult_eating_disorder"),
        ("204", &["14"], "Mother and baby", "mother_and_baby"),
        ("205", &["15"], "Acute unit for adults with a learning disability and/or autism", "adult_ld_autism"),
        ("206", &["19"], "Adult low secure", "adult_secure_low"),
        ("207", &["20"], "Adult medium secure", "adult_secure_medium"),
        ("208", &["21"], "Adult high secure", "adult_secure_high"),
        ("209", &["22"], "Adult neuro-psychiatry / acquired brain injury", "adult_neuropsychiatry"),
        ("210", &["40"], "Adult personality disorder", "adult_personality_disorder"),
        ("211", &["39"], "Adult mental health services for the Deaf", "adult_deaf"),
        ("212", &["17", "35", "36", "38"], "Adult mental health rehabilitation", "adult_rehabilitation"),
        ("213", &["37"], "Adult rehabilitation for adults with a learning disability and/or autism", "adult_ld_autism_rehabilitation"),
        ("300", &["23"], "Children and young people's inpatient", "cyp_inpatient"),
        ("301", &["24"], "Children and young people's inpatient", "cyp_inpatient"),
        ("302", &["25", "26"], "Children and young people's inpatient", "cyp_inpatient"),
        ("303", &["27"], "Children and young people's inpatient", "cyp_inpatient"),
        ("304", &["28"], "Children and young people's inpatient", "cyp_inpatient"),
        ("305", &["29"], "Children and young people's inpatient", "cyp_inpatient"),
        ("306", &["31"], "Children and young people's inpatient", "cyp_inpatient"),
        ("307", &["32"], "Children and young people's inpatient", "cyp_inpatient"),
        ("308", &["33"], "Children and young people's inpatient", "cyp_inpatient"),
        ("309", &["34"], "Children and young people's inpatient", "cyp_inpatient"),
        ("310", &["30"], "Children and young people's inpatient", "cyp_inpatient"),
        ("311", &[], "Children and young people's inpatient", "cyp_inpatient"),
    ],
};

/// NHS ethnic category codes (the NHS Data Dictionary's ETHNIC CATEGORY, as MHSDS carries it),
/// with their labels as systems often export them instead of the code: each read as its code
/// (DOMAIN.md section 12).
pub const NHS_ETHNIC_CATEGORY: Preset = Preset {
    name: "nhs-ethnic-category",
    column: "ethnic_category",
    about:
        "NHS ethnic category codes A to S, Z and 99, and their NHS Data Dictionary labels, as codes",
    others_are: "(its label)",
    example_column: "EthnicCategory",
    rows: &[
        ("A", &["White - British"], "White: British", "A"),
        ("B", &["White - Irish"], "White: Irish", "B"),
        (
            "C",
            &["White - Any other White background"],
            "White: any other White background",
            "C",
        ),
        (
            "D",
            &["Mixed - White and Black Caribbean"],
            "Mixed: White and Black Caribbean",
            "D",
        ),
        (
            "E",
            &["Mixed - White and Black African"],
            "Mixed: White and Black African",
            "E",
        ),
        (
            "F",
            &["Mixed - White and Asian"],
            "Mixed: White and Asian",
            "F",
        ),
        (
            "G",
            &["Mixed - Any other mixed background"],
            "Mixed: any other mixed background",
            "G",
        ),
        (
            "H",
            &["Asian or Asian British - Indian"],
            "Asian or Asian British: Indian",
            "H",
        ),
        (
            "J",
            &["Asian or Asian British - Pakistani"],
            "Asian or Asian British: Pakistani",
            "J",
        ),
        (
            "K",
            &["Asian or Asian British - Bangladeshi"],
            "Asian or Asian British: Bangladeshi",
            "K",
        ),
        (
            "L",
            &["Asian or Asian British - Any other Asian background"],
            "Asian or Asian British: any other Asian background",
            "L",
        ),
        (
            "M",
            &["Black or Black British - Caribbean"],
            "Black or Black British: Caribbean",
            "M",
        ),
        (
            "N",
            &["Black or Black British - African"],
            "Black or Black British: African",
            "N",
        ),
        (
            "P",
            &["Black or Black British - Any other Black background"],
            "Black or Black British: any other Black background",
            "P",
        ),
        (
            "R",
            &["Other Ethnic Groups - Chinese"],
            "Other ethnic groups: Chinese",
            "R",
        ),
        (
            "S",
            &["Other Ethnic Groups - Any other ethnic group"],
            "Other ethnic groups: any other ethnic group",
            "S",
        ),
        (
            "Z",
            &["Not stated"],
            "Not stated (asked, and chose not to say)",
            "Z",
        ),
        ("99", &["Not known"], "Not known (not asked)", "99"),
    ],
};

const PRESETS: [&Preset; 2] = [&MHSDS_BED_TYPE, &NHS_ETHNIC_CATEGORY];

/// The preset of that name.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().copied().find(|p| p.name == name)
}

pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

impl Preset {
    /// The code that replaced an old one (`37` → `213`), for a numeric preset such as
    /// `mhsds-bed-type`; `None` for a code no row lists as old.
    pub fn new_code_of(&self, old: u16) -> Option<u16> {
        self.rows
            .iter()
            .find(|(_, olds, _, _)| olds.iter().any(|o| o.parse() == Ok(old)))
            .and_then(|(code, _, _, _)| code.parse().ok())
    }

    /// Every code, old and new, with its contract value.
    pub fn codes(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.rows.iter().flat_map(|(code, old, _, value)| {
            std::iter::once(*code)
                .chain(old.iter().copied())
                .map(|c| (c.to_string(), value.to_string()))
        })
    }

    /// The preset written out as the `values` table of a mapping, to see or copy.
    pub fn as_toml(&self) -> String {
        let mut text = format!(
            "# preset = \"{}\": {}.\n# As a table of values (entries of `values` given beside a preset win over it):\n\n[admissions.{}]\ncolumn = \"{}\"  # the column of your extract that holds the code\n\n[admissions.{}.values]\n",
            self.name, self.about, self.column, self.example_column, self.column
        );
        for (code, old, about, value) in self.rows {
            text.push_str(&format!(
                "{:<7} = {:<34} # {about}\n",
                format!("\"{code}\""),
                format!("\"{value}\"")
            ));
            for old in old.iter() {
                text.push_str(&format!(
                    "{:<7} = {:<34} # {}\n",
                    format!("\"{old}\""),
                    format!("\"{value}\""),
                    self.others_are
                ));
            }
        }
        text
    }
}
