//! Length of stay of discharged spells, and the open spells behind them (DOMAIN.md section 6).
//!
//! LOS of a discharged spell = discharge date − admission date, in days. Trends are by period of
//! discharge. The 90th percentile interpolates linearly between the closest ranks (the method of
//! Excel's PERCENTILE.INC, R's type 7 and numpy's default); the median of an even count is the
//! mean of the two middle values. Open spells at each period end, with their length so far,
//! show what a falling LOS of discharges can hide.

use polars::prelude::*;

use crate::periods::Period;
use crate::render::{Field, Kind};
use crate::spells::{count, grid, spells, union};

/// Open spells this long or longer (nights so far) are counted apart.
pub const VERY_LONG_NIGHTS: i32 = 365;

/// An optional breakdown of `los`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LosBreakdown {
    /// The service line of the spell.
    #[value(name = "service_line", alias = "service-line")]
    ServiceLine,
    /// Whether the spell had any out-of-area placement (`had_oap`: yes or no).
    Oap,
}

impl LosBreakdown {
    pub fn column(self) -> &'static str {
        match self {
            LosBreakdown::ServiceLine => "service_line",
            LosBreakdown::Oap => "had_oap",
        }
    }
    fn heading(self) -> &'static str {
        match self {
            LosBreakdown::ServiceLine => "Service line",
            LosBreakdown::Oap => "Had OAP",
        }
    }
}

/// The fields of a `los` row, in output order.
pub fn fields(by: &[LosBreakdown]) -> Vec<Field> {
    let mut fields = vec![Field::text("collaborative", "Collaborative")];
    for b in by {
        fields.push(Field::text(b.column(), b.heading()));
    }
    fields.extend([
        Field::text("period", "Period"),
        Field::date("period_start"),
        Field::date("period_end"),
        Field::count("discharges", "Discharges"),
        Field::new("los_mean", Kind::Number, "Mean LOS", &["discharges"]),
        Field::new("los_median", Kind::Number, "Median LOS", &["discharges"]),
        Field::new("los_p90", Kind::Number, "90th pct LOS", &["discharges"]),
        Field::count("open_spells", "Open at end"),
        Field::new(
            "open_los_median",
            Kind::Number,
            "Median open so far",
            &["open_spells"],
        ),
        Field::count("open_spells_365_plus_nights", "Open 365+ nights"),
    ]);
    fields
}

/// Inputs of [`los`] besides the frames.
pub struct LosRequest<'a> {
    pub periods: &'a [Period],
    pub by: &'a [LosBreakdown],
    /// Collaboratives that must appear even with no activity.
    pub collaboratives: &'a [String],
}

/// Discharges and their LOS in one period, grouped by `keys`.
fn discharge_measures(spells: &DataFrame, period: &Period, keys: &[Expr]) -> LazyFrame {
    let (p1, p2) = (period.start_day(), period.end_day());
    let e = col("e");
    let los = col("los").cast(DataType::Float64);
    spells
        .clone()
        .lazy()
        .filter(
            e.clone()
                .is_not_null()
                .and(e.clone().gt_eq(lit(p1)))
                .and(e.lt_eq(lit(p2))),
        )
        .with_column((col("e") - col("s")).alias("los"))
        .group_by(keys)
        .agg([
            col("los").count().cast(DataType::Int64).alias("discharges"),
            los.clone().mean().alias("los_mean"),
            los.clone().median().alias("los_median"),
            los.quantile(lit(0.9), QuantileMethod::Linear)
                .alias("los_p90"),
        ])
        .with_column(lit(period.label.as_str()).alias("period"))
}

/// Spells open at the end of the period and their length so far, grouped by `keys`.
fn open_measures(spells: &DataFrame, period: &Period, keys: &[Expr]) -> LazyFrame {
    let p2 = period.end_day();
    let e = col("e");
    let so_far = col("so_far");
    spells
        .clone()
        .lazy()
        .filter(
            col("s")
                .lt_eq(lit(p2))
                .and(e.clone().is_null().or(e.gt(lit(p2)))),
        )
        // Nights up to and including the night of the period's last day.
        .with_column((lit(p2 + 1) - col("s")).alias("so_far"))
        .group_by(keys)
        .agg([
            so_far
                .clone()
                .count()
                .cast(DataType::Int64)
                .alias("open_spells"),
            so_far
                .clone()
                .cast(DataType::Float64)
                .median()
                .alias("open_los_median"),
            count(so_far.gt_eq(lit(VERY_LONG_NIGHTS))).alias("open_spells_365_plus_nights"),
        ])
        .with_column(lit(period.label.as_str()).alias("period"))
}

/// LOS measures per collaborative (and breakdown) and period of discharge, every period present.
pub fn los(
    admissions: &DataFrame,
    oaps: &DataFrame,
    request: &LosRequest,
) -> PolarsResult<DataFrame> {
    let mut spells = spells(admissions, oaps)?;
    spells.with_column(Column::new(
        "had_oap".into(),
        spells
            .column("has_oap")?
            .bool()?
            .iter()
            .map(|v| if v == Some(true) { "yes" } else { "no" })
            .collect::<Vec<_>>(),
    ))?;
    let mut key_names = vec!["collaborative"];
    key_names.extend(request.by.iter().map(|b| b.column()));
    let keys: Vec<Expr> = key_names.iter().map(|k| col(*k)).collect();
    let grid = grid(
        spells.clone().lazy().select(keys.clone()),
        &key_names,
        request.collaboratives,
        request.periods,
    )?;

    let mut join_on = keys.clone();
    join_on.push(col("period"));
    let left = |frame: LazyFrame, other: LazyFrame| {
        frame.join(
            other,
            join_on.clone(),
            join_on.clone(),
            JoinArgs::new(JoinType::Left),
        )
    };
    let discharges = union(
        request
            .periods
            .iter()
            .map(|p| discharge_measures(&spells, p, &keys))
            .collect(),
    )?;
    let open = union(
        request
            .periods
            .iter()
            .map(|p| open_measures(&spells, p, &keys))
            .collect(),
    )?;

    let order: Vec<Expr> = fields(request.by)
        .iter()
        .map(|f| col(f.name.as_str()))
        .collect();
    let mut sort_by: Vec<PlSmallStr> = key_names.iter().map(|k| PlSmallStr::from(*k)).collect();
    sort_by.push("period_start".into());
    left(left(grid, discharges), open)
        .with_columns([
            col("discharges").fill_null(lit(0i64)),
            col("open_spells").fill_null(lit(0i64)),
            col("open_spells_365_plus_nights").fill_null(lit(0i64)),
        ])
        .select(order)
        .sort(
            sort_by,
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()
}
