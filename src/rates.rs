//! Out-of-area measures per collaborative and period (DOMAIN.md section 5).
//!
//! Everything here is a pure function of the validated frames: placements and admissions in,
//! one row per collaborative (and breakdown) and period out, every period present, zeros included.

use polars::prelude::*;

use crate::periods::{Day, Period};
use crate::render::{Field, Kind};
use crate::spells::{count, day, grid, spells, touches, union};

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
const OAP_COUNTS: [&str; 21] = [
    "oaps_started",
    "oaps_ended",
    "oaps_active_end",
    "inappropriate_oaps_active_end",
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
        ),
        Field::count("oap_days", "OAP days"),
        Field::count("inappropriate_oap_days", "Inappropriate OAP days"),
        Field::count("reason_not_known_oap_days", "").hidden(),
    ]);
    for name in &OAP_COUNTS[7..18] {
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
        ),
        Field::count("admissions", "Admissions"),
        Field::count("oap_admissions", "").hidden(),
        Field::new(
            "oap_admission_rate",
            Kind::Ratio,
            "OAP admission rate",
            &["oap_admissions", "admissions"],
        ),
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
}

fn null_f64() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

/// Nights of the stay `s..e` (columns, day numbers; `e` null while ongoing) inside `[p1, p2]`:
/// `max(0, min(e, p2 + 1) − max(s, p1))` (DOMAIN.md section 4).
pub fn nights_in_period(p1: Day, p2: Day) -> Expr {
    let after = p2 + 1;
    let end = when(col("e").is_null().or(col("e").gt(lit(after))))
        .then(lit(after))
        .otherwise(col("e"));
    let start = when(col("s").lt(lit(p1))).then(lit(p1)).otherwise(col("s"));
    let nights = (end - start).cast(DataType::Int64);
    when(nights.clone().lt(lit(0i64)))
        .then(lit(0i64))
        .otherwise(nights)
}

/// The out-of-area measures of one period, grouped by `keys`.
fn oap_measures(oaps: &DataFrame, period: &Period, keys: &[Expr]) -> LazyFrame {
    let (p1, p2) = (period.start_day(), period.end_day());
    let (s, e, days) = (col("s"), col("e"), col("days"));
    let ended = e.clone().is_not_null().and(e.clone().lt_eq(lit(p2)));
    let active_end = e.clone().is_null().or(e.clone().gt(lit(p2)));
    let length = e.clone() - s.clone();
    let inappropriate = col("oap_reason").eq(lit("10"));
    let distance = col("distance_km");
    let band = |low: f64, high: f64| {
        count(
            distance
                .clone()
                .gt_eq(lit(low))
                .and(distance.clone().lt(lit(high))),
        )
    };
    let ended_band = |low: i32, high: i32| {
        count(
            ended
                .clone()
                .and(length.clone().gt_eq(lit(low)))
                .and(length.clone().lt_eq(lit(high))),
        )
    };
    let days_where = |condition: Expr| {
        when(condition)
            .then(days.clone())
            .otherwise(lit(0i64))
            .sum()
    };
    oaps.clone()
        .lazy()
        .filter(touches(p1, p2))
        .with_column(nights_in_period(p1, p2).alias("days"))
        .group_by(keys)
        .agg([
            count(s.clone().gt_eq(lit(p1))).alias("oaps_started"),
            count(ended.clone()).alias("oaps_ended"),
            count(active_end.clone()).alias("oaps_active_end"),
            count(active_end.and(inappropriate.clone())).alias("inappropriate_oaps_active_end"),
            days.clone().sum().alias("oap_days"),
            days_where(inappropriate).alias("inappropriate_oap_days"),
            days_where(col("oap_reason").eq(lit("99"))).alias("reason_not_known_oap_days"),
            ended_band(0, 7).alias("oaps_ended_0_7_nights"),
            ended_band(8, 14).alias("oaps_ended_8_14_nights"),
            ended_band(15, 30).alias("oaps_ended_15_30_nights"),
            count(ended.and(length.gt_eq(lit(31)))).alias("oaps_ended_31_plus_nights"),
            count(distance.clone().lt(lit(25.0))).alias("oaps_active_under_25km"),
            band(25.0, 50.0).alias("oaps_active_25_50km"),
            band(50.0, 100.0).alias("oaps_active_50_100km"),
            band(100.0, 200.0).alias("oaps_active_100_200km"),
            band(200.0, 300.0).alias("oaps_active_200_300km"),
            count(distance.clone().gt_eq(lit(300.0))).alias("oaps_active_300km_plus"),
            count(distance.is_null()).alias("oaps_active_distance_unknown"),
            days_where(col("daily_cost").is_not_null()).alias("oap_days_with_cost"),
            (col("daily_cost") * days.cast(DataType::Float64))
                .sum()
                .alias("total_recorded_cost"),
        ])
        .with_column(lit(period.label.as_str()).alias("period"))
}

/// Admissions, OAP admissions and bed days of one period, grouped by `keys`.
fn admission_measures(spells: &DataFrame, period: &Period, keys: &[Expr]) -> LazyFrame {
    let (p1, p2) = (period.start_day(), period.end_day());
    let admitted = col("s").gt_eq(lit(p1));
    spells
        .clone()
        .lazy()
        .filter(touches(p1, p2))
        .with_column(nights_in_period(p1, p2).alias("days"))
        .group_by(keys)
        .agg([
            count(admitted.clone()).alias("admissions"),
            count(admitted.and(col("has_oap"))).alias("oap_admissions"),
            col("days").sum().alias("bed_days"),
        ])
        .with_column(lit(period.label.as_str()).alias("period"))
}

fn ratio(numerator: &str, denominator: &str) -> Expr {
    when(col(denominator).eq(lit(0)))
        .then(null_f64())
        .otherwise(
            col(numerator).cast(DataType::Float64) / col(denominator).cast(DataType::Float64),
        )
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
    let keys: Vec<Expr> = key_names.iter().map(|k| col(*k)).collect();
    let with_admissions = request.by.iter().all(|b| b.has_admission_measures());

    let oaps = oaps
        .clone()
        .lazy()
        .select([
            col("spell_id"),
            col("collaborative"),
            col("service_line"),
            col("provider_code").alias("receiving_provider"),
            col("oap_reason"),
            day("start_date").alias("s"),
            day("end_date").alias("e"),
            col("distance_km"),
            col("daily_cost"),
        ])
        .collect()?;

    // The grid: every key combination that occurs, times every period.
    let key_frame = if with_admissions {
        admissions.clone().lazy().select(keys.clone())
    } else {
        oaps.clone().lazy().select(keys.clone())
    };
    let grid = grid(
        key_frame,
        &key_names,
        request.collaboratives,
        request.periods,
    )?;

    let mut join_on: Vec<Expr> = keys.clone();
    join_on.push(col("period"));
    let left = |frame: LazyFrame, other: LazyFrame| {
        frame.join(
            other,
            join_on.clone(),
            join_on.clone(),
            JoinArgs::new(JoinType::Left),
        )
    };

    let oap_frames = request
        .periods
        .iter()
        .map(|p| oap_measures(&oaps, p, &keys))
        .collect();
    let mut result = left(grid, union(oap_frames)?);

    if with_admissions {
        let spells = spells(admissions, &oaps)?;
        let frames = request
            .periods
            .iter()
            .map(|p| admission_measures(&spells, p, &keys))
            .collect();
        result = left(result, union(frames)?);
    } else {
        result = result.with_columns([
            lit(NULL).cast(DataType::Int64).alias("admissions"),
            lit(NULL).cast(DataType::Int64).alias("oap_admissions"),
            lit(NULL).cast(DataType::Int64).alias("bed_days"),
        ]);
    }

    let mut zero_filled: Vec<Expr> = OAP_COUNTS[..19]
        .iter()
        .map(|c| col(*c).fill_null(lit(0i64)))
        .collect();
    zero_filled.push(col("total_recorded_cost").fill_null(lit(0.0)));
    if with_admissions {
        for c in ["admissions", "oap_admissions", "bed_days"] {
            zero_filled.push(col(c).fill_null(lit(0i64)));
        }
    }
    let mut per_100k: Vec<Expr> = PER_100K
        .iter()
        .map(|m| {
            (col(*m).cast(DataType::Float64) * lit(100_000.0)
                / col("population").cast(DataType::Float64))
            .alias(format!("{m}_per_100k"))
        })
        .collect();
    per_100k.extend([
        ratio("oap_days_with_cost", "oap_days").alias("cost_recorded_share"),
        ratio("total_recorded_cost", "oap_days_with_cost").alias("mean_daily_cost"),
        ratio("oap_admissions", "admissions").alias("oap_admission_rate"),
        ratio("oap_days", "bed_days").alias("oap_day_share"),
    ]);
    let order: Vec<Expr> = fields(request.by)
        .iter()
        .map(|f| col(f.name.as_str()))
        .collect();
    let mut sort_by: Vec<PlSmallStr> = key_names.iter().map(|k| PlSmallStr::from(*k)).collect();
    sort_by.push("period_start".into());
    result
        .with_columns(zero_filled)
        .join(
            request.populations.clone().lazy(),
            [col("collaborative")],
            [col("collaborative")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns(per_100k)
        .select(order)
        .sort(
            sort_by,
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()
}
