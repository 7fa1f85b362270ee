//! A reinvestment estimate as output fields and cells, with the change in words for people.

use super::{Estimate, Range};
use crate::figures::pounds;
use crate::schema::{Cell, Field, Kind};

/// The output fields of a reinvestment row.
pub fn fields() -> Vec<Field> {
    // Under suppression, every estimate is suppressed with the OAP day counts it comes from.
    const FROM: [&str; 2] = ["baseline_oap_days", "current_oap_days"];
    let money = |name: &str, heading: &str| Field::new(name, Kind::Money, heading, &FROM);
    vec![
        Field::text("collaborative", "Collaborative"),
        Field::text("service_line", "Service line"),
        Field::count("baseline_oap_days", ""),
        Field::count("current_oap_days", ""),
        Field::new(
            "baseline_oap_days_annualised",
            Kind::Number,
            "Baseline OAP days/yr",
            &["baseline_oap_days"],
        )
        .optional(),
        Field::new(
            "current_oap_days_annualised",
            Kind::Number,
            "Current OAP days/yr",
            &["current_oap_days"],
        )
        .optional(),
        Field::new(
            "avoided_oap_days_annualised",
            Kind::Number,
            "Avoided days/yr",
            &FROM,
        )
        .optional(),
        Field::new("oap_days_change", Kind::Text, "Change in OAP days", &FROM).optional(),
        Field::text("oap_daily_cost_source", ""),
        money("oap_daily_cost", "OAP £/day").optional(),
        money("oap_daily_cost_lower_quartile", ""),
        money("oap_daily_cost_upper_quartile", ""),
        Field::new("cost_range_widened", Kind::Flag, "", &[]),
        money("local_daily_cost", "Local £/day").optional(),
        money("saving_per_avoided_day", ""),
        Field::new("change", Kind::Text, "Saving or cost pressure", &FROM),
        Field::new("change_range", Kind::Text, "Range (low to high)", &FROM),
        money("estimated_saving", ""),
        money("estimated_saving_low", ""),
        money("estimated_saving_high", ""),
        money("cost_pressure", ""),
        money("cost_pressure_low", ""),
        money("cost_pressure_high", ""),
        money("net_saving", ""),
        money("net_saving_low", ""),
        money("net_saving_high", ""),
        money("reinvestment", "Reinvestment"),
        money("reinvestment_low", ""),
        money("reinvestment_high", ""),
        Field::new(
            "scenario_avoided_oap_days_annualised",
            Kind::Number,
            "",
            &FROM,
        ),
        money("scenario_saving", ""),
        money("scenario_saving_low", ""),
        money("scenario_saving_high", ""),
        money("scenario_reinvestment", ""),
    ]
}

/// The change for people, in words with its sign: a service line's saving or cost pressure, a
/// total's net saving or net cost pressure; and its range.
fn change_in_words(e: &Estimate) -> Option<(String, String)> {
    let total = e.service_line == "all";
    let (words, range) = match (e.estimated_saving, e.cost_pressure, e.net_saving) {
        (_, _, Some(net)) if total && net.central < 0.0 => ("net cost pressure", net.opposite()),
        (_, _, Some(net)) if total => ("net saving", net),
        (Some(saving), _, _) => ("saving", saving),
        (_, Some(pressure), _) => ("cost pressure", pressure),
        _ => return None,
    };
    Some((
        format!("{words} {}", pounds(range.central)),
        format!("{} to {}", pounds(range.low), pounds(range.high)),
    ))
}

/// An estimate as output cells, in [`fields`] order.
pub fn cells(e: &Estimate, with_scenario: bool) -> Vec<Cell> {
    let num = |v: Option<f64>| v.map_or(Cell::Null, Cell::Float);
    let money = |v: Option<f64>| {
        v.map_or(Cell::Null, |v| {
            Cell::Float(crate::schema::round_to_pence(v))
        })
    };
    let range = |r: Option<Range>| {
        [
            money(r.map(|r| r.central)),
            money(r.map(|r| r.low)),
            money(r.map(|r| r.high)),
        ]
    };
    let total = e.service_line == "all";
    let change = change_in_words(e);
    let mut row = vec![
        Cell::Text(e.collaborative.clone()),
        Cell::Text(e.service_line.clone()),
        Cell::Int(e.baseline_oap_days.round() as i64),
        Cell::Int(e.current_oap_days.round() as i64),
        num(Some(e.baseline_oap_days_annualised)),
        num(Some(e.current_oap_days_annualised)),
        num(Some(e.avoided_oap_days_annualised)),
        Cell::Text(e.verdict.name().into()),
        if total {
            Cell::Null
        } else {
            Cell::Text(e.cost_source.name().into())
        },
        money(e.oap_daily_cost),
        money(e.oap_daily_cost_lower_quartile),
        money(e.oap_daily_cost_upper_quartile),
        Cell::Bool(e.cost_range_widened),
        money(e.local_daily_cost),
        money(e.saving_per_day.map(|r| r.central)),
        change
            .as_ref()
            .map_or(Cell::Null, |c| Cell::Text(c.0.clone())),
        change.map_or(Cell::Null, |c| Cell::Text(c.1)),
    ];
    row.extend(range(e.estimated_saving));
    row.extend(range(e.cost_pressure));
    row.extend(range(e.net_saving));
    row.extend(range(e.reinvestment));
    if with_scenario {
        row.push(num(e.scenario_avoided_oap_days_annualised));
        row.push(money(e.scenario_saving.map(|r| r.central)));
        row.push(money(e.scenario_saving.map(|r| r.low)));
        row.push(money(e.scenario_saving.map(|r| r.high)));
        row.push(money(e.scenario_reinvestment.map(|r| r.central)));
    } else {
        row.extend([Cell::Null, Cell::Null, Cell::Null, Cell::Null, Cell::Null]);
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reinvest::total;

    #[test]
    fn the_change_in_words_never_reads_one_direction_as_the_other() {
        let r = |c: f64| Range {
            low: c - 10.0,
            central: c,
            high: c + 10.0,
        };
        let mut e = total("AAA", &[], 0.5, None);
        e.service_line = "acute".into();
        e.estimated_saving = None;
        e.cost_pressure = Some(r(2000.0));
        assert_eq!(
            change_in_words(&e),
            Some(("cost pressure £2,000".into(), "£1,990 to £2,010".into()))
        );
        e.service_line = "all".into();
        e.net_saving = Some(r(-2000.0));
        assert_eq!(
            change_in_words(&e),
            Some(("net cost pressure £2,000".into(), "£1,990 to £2,010".into()))
        );
        e.net_saving = Some(r(5.0));
        assert_eq!(
            change_in_words(&e),
            Some(("net saving £5".into(), "-£5 to £15".into()))
        );
    }
}
