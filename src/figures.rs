//! How figures are written for people: thousands separators, percentages, pounds, and a
//! report's cell as a table, a headline or a message shows it.

use crate::schema::{Cell, Field, Kind};

/// `1234567` as `1,234,567`.
pub fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn with_decimals(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if value < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    let grouped = group_thousands(whole);
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// A share as a percentage for people, to at most two decimals: 0.07 is `7`, 0.125 `12.5`.
pub fn percent(share: f64) -> String {
    percent_to(share, 2)
}

/// A share as a percentage beside a limit it is judged against: to two decimals, or as many
/// more (up to six) as it takes for a share that is not the limit never to read as the limit.
/// 161 of 16,059 (0.010026) beside 1% is `1.003`, not `1`; 0.0049 beside 0.5% is `0.49`.
pub fn percent_beside(share: f64, limit: f64) -> String {
    let line = percent(limit);
    (2..=6)
        .map(|decimals| percent_to(share, decimals))
        .find(|text| share == limit || *text != line)
        .unwrap_or_else(|| percent_to(share, 6))
}

fn percent_to(share: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, share * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Whole pounds with separators, as people read money: `£1,234`, `-£1,234`.
pub fn pounds(v: f64) -> String {
    let whole = with_decimals(v.abs(), 0);
    if v < -0.5 {
        format!("-£{whole}")
    } else {
        format!("£{whole}")
    }
}

/// A cell as people read it: `1,234`, `12.5%`, `£1,234`, `*` when suppressed, `–` when undefined.
pub fn format_cell(field: &Field, cell: &Cell) -> String {
    match cell {
        Cell::Null => "–".to_string(),
        Cell::Suppressed => "*".to_string(),
        Cell::Text(s) => s.clone(),
        Cell::Bool(b) => if *b { "yes" } else { "" }.to_string(),
        Cell::Int(v) => match field.kind {
            Kind::Money => format!("£{}", group_thousands(*v)),
            _ => group_thousands(*v),
        },
        Cell::Float(v) => match field.kind {
            Kind::Ratio => format!("{}%", with_decimals(v * 100.0, 1)),
            Kind::Money => pounds(*v),
            Kind::Count | Kind::Reference => with_decimals(*v, 0),
            Kind::Measure if v.fract() == 0.0 => with_decimals(*v, 0),
            _ => with_decimals(*v, 1),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(-1234567), "-1,234,567");
    }

    #[test]
    fn a_share_beside_its_limit_never_reads_as_the_limit_unless_it_is() {
        // 161 of 16,059 spells is 1.00255...%: `1` would read as the 1% it is more than.
        assert_eq!(percent_beside(161.0 / 16_059.0, 0.01), "1.003");
        // 1 of 100 is the limit itself; 1 of 16,059 is 0.00623%.
        assert_eq!(percent_beside(1.0 / 100.0, 0.01), "1");
        assert_eq!(percent_beside(1.0 / 16_059.0, 0.01), "0.01");
        // Just under the line: 9,999 of 1,000,000 is 0.9999%, not `1`.
        assert_eq!(percent_beside(9_999.0 / 1_000_000.0, 0.01), "0.9999");
        assert_eq!(percent_beside(0.02, 0.01), "2");
    }

    #[test]
    fn percentages_for_people() {
        // 0.07 × 100 is 7.000000000000001 in floating point.
        assert_eq!(percent(0.07), "7");
        assert_eq!(percent(0.85), "85");
        assert_eq!(percent(0.125), "12.5");
        assert_eq!(percent(1.0), "100");
        assert_eq!(percent(0.0), "0");
    }

    #[test]
    fn cells() {
        let ratio = Field::new("r", Kind::Ratio, "R", &[]);
        let money = Field::new("m", Kind::Money, "M", &[]);
        let count = Field::count("c", "C");
        assert_eq!(format_cell(&ratio, &Cell::Float(0.1234)), "12.3%");
        assert_eq!(format_cell(&money, &Cell::Float(12345.6)), "£12,346");
        assert_eq!(format_cell(&money, &Cell::Float(-2000.0)), "-£2,000");
        assert_eq!(format_cell(&count, &Cell::Int(12345)), "12,345");
        assert_eq!(format_cell(&count, &Cell::Suppressed), "*");
        assert_eq!(format_cell(&ratio, &Cell::Null), "–");
    }
}
