//! The pack's equality section: who is sent out of area over the latest 12 months, with a
//! headline line naming every group significantly higher than its collaborative.

use anyhow::Result;

use super::pages::{PackChart, Section};
use crate::equality::{compute, report_of, Options};
use crate::input::Inputs;
use crate::periods::{period_of_month, PeriodKind};
use crate::render::equality_chart::{self, charts};
use crate::schema::{Cell, Report};
use crate::scope::Selection;

/// The monthly pack's equality section: the latest 12 months.
pub struct PackEquality {
    pub report: Report,
    /// The headline line naming the groups significantly higher, and what the section holds.
    pub section: Section,
    /// Charts (file within the pack, chart), none in a suppressed pack.
    pub charts: Vec<PackChart>,
}

/// The equality section of the pack for the 12 months ending with `month`, over every dimension
/// the admissions have (`None` when they have none): its report (suppressed as asked), a
/// headline line naming every group whose share or rate is significantly higher than its
/// collaborative's, and the charts (not in a suppressed pack, whose charts would show the
/// small numbers the rule hides).
pub fn pack_section(
    inputs: &Inputs,
    selection: &Selection,
    month: chrono::NaiveDate,
    suppression: Option<crate::suppress::Suppression>,
) -> Result<Option<PackEquality>> {
    let options = match Options::new(&[], &[], 0.95, inputs) {
        Ok(options) => options,
        Err(_) => return Ok(None),
    };
    let window = period_of_month(PeriodKind::Rolling12, month);
    let periods = std::slice::from_ref(&window);
    let frame = compute(inputs, selection, periods, &options)?;
    let mut report = report_of(
        &frame,
        inputs,
        selection,
        PeriodKind::Rolling12,
        periods,
        &options,
    )?;
    crate::suppress::apply_or_record(&mut report, suppression);
    let text = |name: &str| crate::spells::text_values(&frame, name);
    let (collaborative, dimension, group) =
        (text("collaborative")?, text("dimension")?, text("group")?);
    let mut higher: Vec<String> = Vec::new();
    for row in 0..frame.height() {
        let mut what = Vec::new();
        for (field, words) in [
            ("admissions_with_oap_share", "share with an OAP"),
            ("oaps_started_dsr_per_100k", "OAP rate, age-standardised"),
            ("oaps_started_per_100k", "OAP rate"),
        ] {
            // As the pack's equality.csv shows it: a comparison suppressed there (its
            // numerator is a small count) is not named here either.
            let shown = report
                .field_index(&format!("{field}_compared"))
                .map(|i| &report.rows[row][i]);
            if shown == Some(&Cell::Text("higher".into())) {
                // The crude rate only where no age-standardised one is flagged.
                if !(field == "oaps_started_per_100k"
                    && what.contains(&"OAP rate, age-standardised"))
                {
                    what.push(words);
                }
            }
        }
        if !what.is_empty() {
            higher.push(format!(
                "{} {} ({}: {})",
                collaborative[row],
                group[row],
                dimension[row].replace('_', " "),
                what.join(", ")
            ));
        }
    }
    let headline = if higher.is_empty() {
        format!(
            "Equality, {}: no group's share or rate is significantly higher than its collaborative's (95% intervals).",
            window.label
        )
    } else {
        format!(
            "Equality, {}: significantly higher than the collaborative's (95% intervals): {}.",
            window.label,
            higher.join("; ")
        )
    };
    let mut lines = vec![
        headline,
        format!(
            "By {}; every figure with its interval, compared with the collaborative's value and as a ratio to the reference group, in equality.csv (methods: docs/equality.md). With many groups, about one in 20 may be flagged by chance.",
            options
                .dimensions
                .iter()
                .map(|d| d.name().replace('_', " "))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ];
    let charts = if suppression.is_some() {
        lines.push("Equality charts: not in a suppressed pack (they show every group's value); run oapstat equality --chart for them.".into());
        Vec::new()
    } else {
        charts(&frame, options.confidence)?
            .into_iter()
            .map(|(name, chart)| {
                Ok(PackChart {
                    anchor: format!("chart-{name}"),
                    collaborative: name.split('-').nth(1).unwrap_or_default().to_string(),
                    measure_label: chart.title.clone(),
                    file: format!("charts/{name}.svg"),
                    svg: equality_chart::svg(&chart)?,
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    Ok(Some(PackEquality {
        report,
        section: Section {
            heading: format!("Who is sent out of area, {}", window.label),
            lines,
        },
        charts,
    }))
}
