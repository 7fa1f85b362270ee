//! Out-of-area measures per collaborative and period (DOMAIN.md section 5).
//!
//! Everything here is a pure function of the validated frames: placements and admissions in,
//! one row per collaborative (and breakdown) and period out, every period present, zeros included.

mod report;

use polars::prelude::*;

use crate::census::Census;
use crate::periods::Period;
use crate::schema::{Field, Kind};
use crate::spells::{
    census_days, had_oap, in_order, map_groups, measures_frame, on_grid, period_bounds, stays,
    zero_filled,
};

pub use report::{compute, populations_frame, report, report_of};

/// An optional extra breakdown of the rates (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    /// The service line of the spell.
    #[value(name = "service_line", alias = "service-line")]
    ServiceLine,
    /// The receiving provider of the out-of-area placement.
    Provider,
    /// The out-of-area reason code.
    Reason,
}

impl Breakdown {
    /// The output column that holds the breakdown's value.
    pub fn column(self) -> &'static str {
        match self {
            Breakdown::ServiceLine => "service_line",
            Breakdown::Provider => "receiving_provider",
            Breakdown::Reason => "oap_reason",
        }
    }
    fn heading(self) -> &'static str {
        match self {
            Breakdown::ServiceLine => "Service line",
            Breakdown::Provider => "Receiving provider",
            Breakdown::Reason => "OAP reason",
        }
    }
    /// Admission-based measures (admissions, bed days and their ratios) only exist by service
    /// line: an admission has no receiving provider or out-of-area reason.
    fn has_admission_measures(self) -> bool {
        self == Breakdown::ServiceLine
    }
}

/// The count measures of out-of-area placements, in output order.
const OAP_COUNTS: [&str; 23] = [
    "oaps_started",
    "oaps_ended",
    "oaps_active_end",
    "inappropriate_oaps_active_end",
    "inappropriate_oaps_started",
    "inappropriate_oaps_ended",
    "oap_days",
    "inappropriate_oap_days",
    "reason_not_known_oap_days",
    "oaps_ended_0_7_nights",
    "oaps_ended_8_14_nights",
    "oaps_ended_15_30_nights",
    "oaps_ended_31_plus_nights",
    "oaps_active_under_25km",
    "oaps_active_25_50km",
    "oaps_active_50_100km",
    "oaps_active_100_200km",
    "oaps_active_200_300km",
    "oaps_active_300km_plus",
    "oaps_active_distance_unknown",
    "oap_days_with_cost",
    "admissions",
    "oap_admissions",
];

/// The measures given per 1,000,000 population, as `<measure>_per_million` (NHS England's
/// OAP05, OAP06 and OAP07 of the month).
const PER_MILLION: [&str; 3] = [
    "inappropriate_oaps_started",
    "inappropriate_oaps_active_end",
    "inappropriate_oaps_ended",
];

/// The measures given per 100,000 population, as `<measure>_per_100k`.
const PER_100K: [&str; 4] = [
    "oaps_active_end",
    "oap_days",
    "inappropriate_oap_days",
    "admissions",
];

/// The fields of a rates row, in output order, with what each is derived from (for suppression).
pub fn fields(by: &[Breakdown]) -> Vec<Field> {
    let mut fields = vec![Field::text("collaborative", "Collaborative")];
    for b in by {
        fields.push(Field::text(b.column(), b.heading()));
    }
    fields.extend([
        Field::text("period", "Period"),
        Field::date("period_start"),
        Field::date("period_end"),
        Field::count("oaps_started", "Started"),
        Field::count("oaps_ended", "Ended"),
        Field::count("oaps_active_end", "Active at end"),
        Field::count(
            "inappropriate_oaps_active_end",
            "Inappropriate active at end",
        )
        .optional(),
        Field::count("inappropriate_oaps_started", "").hidden(),
        Field::count("inappropriate_oaps_ended", "").hidden(),
        Field::count("oap_days", "OAP days"),
        Field::count("inappropriate_oap_days", "Inappropriate OAP days"),
        Field::count("reason_not_known_oap_days", "").hidden(),
    ]);
    for name in &OAP_COUNTS[9..20] {
        fields.push(Field::count(name, "").hidden());
    }
    fields.extend([
        Field::count("oap_days_with_cost", "").hidden(),
        Field::new(
            "total_recorded_cost",
            Kind::Money,
            "Recorded cost",
            &["oap_days_with_cost"],
        ),
        Field::new(
            "cost_recorded_share",
            Kind::Ratio,
            "",
            &["oap_days_with_cost", "oap_days"],
        )
        .hidden(),
        Field::new(
            "mean_daily_cost",
            Kind::Money,
            "Mean daily cost",
            &["oap_days_with_cost"],
        )
        .optional(),
        Field::count("admissions", "Admissions").optional(),
        Field::count("oap_admissions", "").hidden(),
        Field::new(
            "oap_admission_rate",
            Kind::Ratio,
            "OAP admission rate",
            &["oap_admissions", "admissions"],
        )
        .optional(),
        Field::count("bed_days", "Bed days"),
        Field::new(
            "oap_day_share",
            Kind::Ratio,
            "OAP day share",
            &["oap_days", "bed_days"],
        ),
        Field::new("population", Kind::Reference, "", &[]).hidden(),
    ]);
    for name in PER_100K {
        let per = format!("{name}_per_100k");
        fields.push(Field::new(&per, Kind::Rate, "", &[name]).hidden());
    }
    for name in PER_MILLION {
        let per = format!("{name}_per_million");
        fields.push(Field::new(&per, Kind::Rate, "", &[name]).hidden());
    }
    fields
}

/// Inputs of [`rates`] besides the frames.
pub struct RatesRequest<'a> {
    pub periods: &'a [Period],
    pub by: &'a [Breakdown],
    /// Collaboratives that must appear even with no activity (from the reference, in scope).
    pub collaboratives: &'a [String],
    /// `collaborative, population` (population may be null).
    pub populations: DataFrame,
    /// The names of the coded columns (`validate::Checked::names`).
    pub names: &'a [String],
}

/// The out-of-area measures of every period, grouped by `keys`, from a daily census of each
/// kind of stay (see [`crate::census`]).
fn oap_measures(
    oaps: &DataFrame,
    periods: &[Period],
    keys: &[&str],
    names: &[String],
) -> PolarsResult<DataFrame> {
    const ALL: usize = 0;
    const INAPPROPRIATE: usize = 1;
    const REASON_NOT_KNOWN: usize = 2;
    const COSTED: usize = 3;
    const ENDED_BANDS: usize = 4; // 4 bands of nights: 0-7, 8-14, 15-30, 31+
    const DISTANCE_BANDS: usize = 8; // 6 bands of km, then distance unknown
    const KINDS: usize = 15;
    const DISTANCE_LIMITS: [f64; 5] = [25.0, 50.0, 100.0, 200.0, 300.0];
    const MICROS_PER_POUND: f64 = 1e6;

    let stays = stays(oaps, "start_date", "end_date")?;
    let bounds = period_bounds(periods);
    let reasons = oaps.column("oap_reason")?.str()?;
    let reasons: Vec<Option<&str>> = reasons.iter().collect();
    let distances: Vec<Option<f64>> = oaps.column("distance_km")?.f64()?.iter().collect();
    let costs: Vec<Option<f64>> = oaps.column("daily_cost")?.f64()?.iter().collect();
    let (first, last) = census_days(&bounds);

    let (keys, groups) = map_groups(oaps, keys, names, |rows, _| {
        let mut values: Vec<Vec<i64>> = vec![Vec::new(); OAP_COUNTS.len() - 2];
        let mut total_cost = Vec::new();
        let mut census: [Census<i64>; KINDS] = std::array::from_fn(|_| Census::new(first, last));
        // Money in millionths of a pound, so that every total is exact.
        let mut cost = Census::<i128>::new(first, last);
        for row in rows() {
            let (s, e) = (stays.start(row), stays.end(row));
            let mut add = |kind: usize| census[kind].add(s, e, 1);
            add(ALL);
            match reasons[row] {
                Some("10") => add(INAPPROPRIATE),
                Some("99") => add(REASON_NOT_KNOWN),
                _ => {}
            }
            if let Some(daily) = costs[row] {
                add(COSTED);
                cost.add(s, e, (daily * MICROS_PER_POUND).round() as i128);
            }
            if let Some(e) = e {
                let band = match e - s {
                    ..=7 => 0,
                    8..=14 => 1,
                    15..=30 => 2,
                    _ => 3,
                };
                add(ENDED_BANDS + band);
            }
            let band = match distances[row] {
                Some(km) => DISTANCE_LIMITS
                    .iter()
                    .take_while(|limit| km >= **limit)
                    .count(),
                None => 6,
            };
            add(DISTANCE_BANDS + band);
        }
        let census = census.map(Census::finish);
        let cost = cost.finish();
        for &(p1, p2) in &bounds {
            let all = &census[ALL];
            let row = [
                all.started_in(p1, p2),
                all.ended_in(p1, p2),
                all.active_at_end(p2),
                census[INAPPROPRIATE].active_at_end(p2),
                census[INAPPROPRIATE].started_in(p1, p2),
                census[INAPPROPRIATE].ended_in(p1, p2),
                all.nights_in(p1, p2),
                census[INAPPROPRIATE].nights_in(p1, p2),
                census[REASON_NOT_KNOWN].nights_in(p1, p2),
            ]
            .into_iter()
            .chain((0..4).map(|b| census[ENDED_BANDS + b].ended_in(p1, p2)))
            .chain((0..7).map(|b| census[DISTANCE_BANDS + b].active_in(p1, p2)))
            .chain([census[COSTED].nights_in(p1, p2)]);
            for (column, value) in values.iter_mut().zip(row) {
                column.push(value);
            }
            total_cost.push(cost.nights_in(p1, p2) as f64 / MICROS_PER_POUND);
        }
        (values, total_cost)
    })?;
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); OAP_COUNTS.len() - 2];
    let mut total_cost = Vec::new();
    for (group_values, group_cost) in groups {
        for (all, group) in values.iter_mut().zip(group_values) {
            all.extend(group);
        }
        total_cost.extend(group_cost);
    }
    let mut columns: Vec<Column> = OAP_COUNTS[..OAP_COUNTS.len() - 2]
        .iter()
        .zip(values)
        .map(|(name, values)| Column::new((*name).into(), values))
        .collect();
    columns.push(Column::new("total_recorded_cost".into(), total_cost));
    measures_frame(keys, periods, columns)
}

/// Admissions, OAP admissions and bed days of every period, grouped by `keys`.
fn admission_measures(
    admissions: &DataFrame,
    has_oap: &[bool],
    periods: &[Period],
    keys: &[&str],
    names: &[String],
) -> PolarsResult<DataFrame> {
    let stays = stays(admissions, "admission_date", "discharge_date")?;
    crate::timing("rates: stays");
    let bounds = period_bounds(periods);
    let (first, last) = census_days(&bounds);
    let (keys, groups) = map_groups(admissions, keys, names, |rows, _| {
        let mut values: Vec<Vec<i64>> = vec![Vec::new(); 3];
        let mut all = Census::<i64>::new(first, last);
        let mut with_oap = Census::<i64>::new(first, last);
        for row in rows() {
            all.add(stays.start(row), stays.end(row), 1);
            if has_oap[row] {
                with_oap.add(stays.start(row), stays.end(row), 1);
            }
        }
        let (all, with_oap) = (all.finish(), with_oap.finish());
        for &(p1, p2) in &bounds {
            values[0].push(all.started_in(p1, p2));
            values[1].push(with_oap.started_in(p1, p2));
            values[2].push(all.nights_in(p1, p2));
        }
        values
    })?;
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); 3];
    for group in groups {
        for (all, group) in values.iter_mut().zip(group) {
            all.extend(group);
        }
    }
    let columns = ["admissions", "oap_admissions", "bed_days"]
        .iter()
        .zip(values)
        .map(|(name, values)| Column::new((*name).into(), values))
        .collect();
    measures_frame(keys, periods, columns)
}

/// A column as floating-point numbers.
fn floats(frame: &DataFrame, name: &str) -> PolarsResult<Float64Chunked> {
    Ok(frame.column(name)?.cast(&DataType::Float64)?.f64()?.clone())
}

/// `numerator ÷ denominator` row by row, null where either is null or the denominator is 0.
fn ratio(frame: &DataFrame, numerator: &str, denominator: &str) -> PolarsResult<Float64Chunked> {
    let (n, d) = (floats(frame, numerator)?, floats(frame, denominator)?);
    Ok(n.iter()
        .zip(d.iter())
        .map(|(n, d)| d.filter(|d| *d != 0.0).and_then(|d| Some(n? / d)))
        .collect())
}

/// Every measure of DOMAIN.md section 5 per collaborative (and breakdown) and period.
///
/// Admissions and bed days come from the admissions extract; out-of-area figures from the
/// placements, each attributed to its spell's collaborative. With `--by provider` or
/// `--by reason`, admission-based measures are null (an admission has no receiving provider
/// or reason).
pub fn rates(
    admissions: &DataFrame,
    oaps: &DataFrame,
    request: &RatesRequest,
) -> PolarsResult<DataFrame> {
    let by: Vec<&str> = request.by.iter().map(|b| b.column()).collect();
    let mut key_names = vec!["collaborative"];
    key_names.extend(&by);
    let with_admissions = request.by.iter().all(|b| b.has_admission_measures());

    // The OAP rows with the breakdowns under their output names.
    let mut oaps = oaps.select([
        "spell_id",
        "collaborative",
        "service_line",
        "provider_code",
        "oap_reason",
        "start_date",
        "end_date",
        "distance_km",
        "daily_cost",
    ])?;
    oaps.rename("provider_code", "receiving_provider".into())?;

    let mut measures = vec![oap_measures(
        &oaps,
        request.periods,
        &key_names,
        request.names,
    )?];
    if with_admissions {
        let has_oap = had_oap(admissions, &oaps)?;
        // First: every key combination that occurs has a group among the admissions.
        measures.insert(
            0,
            admission_measures(
                admissions,
                &has_oap,
                request.periods,
                &key_names,
                request.names,
            )?,
        );
    }
    let mut result = on_grid(
        measures,
        &key_names,
        request.collaboratives,
        request.periods,
    )?;
    let mut zeroed: Vec<&str> = OAP_COUNTS[..OAP_COUNTS.len() - 2].to_vec();
    zeroed.push("total_recorded_cost");
    for name in ["admissions", "oap_admissions", "bed_days"] {
        if with_admissions {
            zeroed.push(name);
        } else {
            let nulls = Column::full_null(name.into(), result.height(), &DataType::Int64);
            result.with_column(nulls)?;
        }
    }
    zero_filled(&mut result, &zeroed)?;
    let mut result = result.join(
        &request.populations,
        ["collaborative"],
        ["collaborative"],
        JoinArgs {
            maintain_order: MaintainOrderJoin::Left,
            ..JoinArgs::new(JoinType::Left)
        },
        None,
    )?;
    let population = floats(&result, "population")?;
    let per_population = [(PER_100K.as_slice(), 100_000.0, "per_100k")]
        .into_iter()
        .chain([(PER_MILLION.as_slice(), 1_000_000.0, "per_million")]);
    for (measures, per, suffix) in per_population {
        for m in measures {
            let rate: Float64Chunked = floats(&result, m)?
                .iter()
                .zip(population.iter())
                .map(|(v, p)| Some(v? * per / p?))
                .collect();
            result.with_column(rate.with_name(format!("{m}_{suffix}").into()).into_column())?;
        }
    }
    for (name, numerator, denominator) in [
        ("cost_recorded_share", "oap_days_with_cost", "oap_days"),
        (
            "mean_daily_cost",
            "total_recorded_cost",
            "oap_days_with_cost",
        ),
        ("oap_admission_rate", "oap_admissions", "admissions"),
        ("oap_day_share", "oap_days", "bed_days"),
    ] {
        let value = ratio(&result, numerator, denominator)?;
        result.with_column(value.with_name(name.into()).into_column())?;
    }
    in_order(&result, &fields(request.by), &key_names)
}
