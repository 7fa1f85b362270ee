#!/usr/bin/env python3
"""Peers for the benchmark, in Polars-Python: the monthly rates (the measures most used:
OAPs started, ended, active at the end, OAP days, inappropriate OAP days, recorded cost,
admissions, bed days, per collaborative) and the monthly LOS of discharged spells.

Usage: peers_polars.py rates|los DATA_DIR FROM_MONTH TO_MONTH
Reads admissions.{csv,parquet} and placements.{csv,parquet}; prints the number of rows computed.
"""
import datetime as dt
import os
import sys

import polars as pl


def scan(data_dir, name):
    parquet = os.path.join(data_dir, f"{name}.parquet")
    if os.path.exists(parquet):
        return pl.scan_parquet(parquet)
    return pl.scan_csv(os.path.join(data_dir, f"{name}.csv"), infer_schema_length=0)


def to_date(column):
    c = pl.col(column)
    return pl.when(c.cast(pl.String).str.len_chars() > 0).then(c.cast(pl.String).str.to_date("%Y-%m-%d", strict=False)).alias(column)


def months(first, last):
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        start = dt.date(y, m, 1)
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        out.append((f"{y}-{m:02d}", start, dt.date(ny, nm, 1) - dt.timedelta(days=1)))
        y, m = ny, nm
    return out


def main():
    job, data_dir, first, last = sys.argv[1:5]
    adm = scan(data_dir, "admissions").select(
        "admission_id", "collaborative", to_date("admission_date").alias("s"), to_date("discharge_date").alias("e")
    ).collect()
    periods = months(first, last)
    frames = []
    if job == "rates":
        plc = scan(data_dir, "placements").select(
            "admission_id", to_date("start_date").alias("s"), to_date("end_date").alias("e"),
            pl.col("out_of_area").cast(pl.String).str.to_lowercase().is_in(["y", "yes", "true", "1"]).alias("oap"),
            pl.col("oap_reason").cast(pl.String).alias("reason"), pl.col("daily_cost").cast(pl.Float64).alias("cost"),
        ).collect()
        oap = plc.filter(pl.col("oap")).join(adm.select("admission_id", "collaborative"), on="admission_id")
        for label, p1, p2 in periods:
            after = p2 + dt.timedelta(days=1)
            touching = oap.lazy().filter((pl.col("s") <= p2) & (pl.col("e").is_null() | (pl.col("e") >= p1)))
            days = (pl.min_horizontal(pl.col("e").fill_null(after), pl.lit(after)) - pl.max_horizontal(pl.col("s"), pl.lit(p1))).dt.total_days()
            frames.append(touching.with_columns(days.alias("days")).group_by("collaborative").agg(
                (pl.col("s") >= p1).sum().alias("oaps_started"),
                (pl.col("e").is_not_null() & (pl.col("e") <= p2)).sum().alias("oaps_ended"),
                (pl.col("e").is_null() | (pl.col("e") > p2)).sum().alias("oaps_active_end"),
                pl.col("days").sum().alias("oap_days"),
                pl.col("days").filter(pl.col("reason") == "10").sum().alias("inappropriate_oap_days"),
                (pl.col("cost") * pl.col("days")).sum().alias("total_recorded_cost"),
            ).with_columns(pl.lit(label).alias("period")))
            spells = adm.lazy().filter((pl.col("s") <= p2) & (pl.col("e").is_null() | (pl.col("e") >= p1)))
            bed = (pl.min_horizontal(pl.col("e").fill_null(after), pl.lit(after)) - pl.max_horizontal(pl.col("s"), pl.lit(p1))).dt.total_days()
            frames.append(spells.with_columns(bed.alias("days")).group_by("collaborative").agg(
                (pl.col("s") >= p1).sum().alias("admissions"), pl.col("days").sum().alias("bed_days"),
            ).with_columns(pl.lit(label).alias("period")))
    else:
        for label, p1, p2 in periods:
            done = adm.lazy().filter(pl.col("e").is_not_null() & (pl.col("e") >= p1) & (pl.col("e") <= p2))
            frames.append(done.with_columns((pl.col("e") - pl.col("s")).dt.total_days().alias("los")).group_by("collaborative").agg(
                pl.len().alias("discharges"), pl.col("los").mean().alias("los_mean"), pl.col("los").median().alias("los_median"),
                pl.col("los").quantile(0.9, "linear").alias("los_p90"),
            ).with_columns(pl.lit(label).alias("period")))
    results = pl.collect_all(frames)
    print(sum(r.height for r in results))


if __name__ == "__main__":
    main()
