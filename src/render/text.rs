//! The table for people: figures with thousands separators, percentages and pounds.

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};

use super::{Cell, Field, Kind, Report};

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

/// A cell as people read it: `1,234`, `12.5%`, `£1,234`, `*` when suppressed, `–` when undefined.
/// A share as a percentage for people, to at most two decimals: 0.07 is `7`, 0.125 `12.5`.
pub fn percent(share: f64) -> String {
    let text = format!("{:.2}", share * 100.0);
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

pub fn write_table(report: &Report, out: &mut dyn Write) -> Result<()> {
    let shown: Vec<usize> = (0..report.fields.len())
        .filter(|&i| !report.fields[i].heading.is_empty())
        .collect();
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(shown.iter().map(|&i| report.fields[i].heading.as_str()));
    for row in &report.rows {
        table.add_row(shown.iter().map(|&i| {
            let field = &report.fields[i];
            let cell = comfy_table::Cell::new(format_cell(field, &row[i]));
            if matches!(field.kind, Kind::Text | Kind::Date | Kind::Flag) {
                cell
            } else {
                cell.set_alignment(CellAlignment::Right)
            }
        }));
    }
    writeln!(out, "{table}")?;
    for note in &report.notes {
        writeln!(out, "{note}")?;
    }
    Ok(())
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
