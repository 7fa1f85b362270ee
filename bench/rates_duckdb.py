#!/usr/bin/env python3
"""The out-of-area measures of `oapstat rates` (monthly, per collaborative), written
independently in DuckDB SQL from DOMAIN.md section 5, for cross-checking figures and for
benchmarking.

Usage: rates_duckdb.py DATA_DIR FROM_MONTH TO_MONTH [--out FILE]
  DATA_DIR holds admissions.{csv,parquet}, placements.{csv,parquet} and collaboratives.csv.
  FROM_MONTH, TO_MONTH: YYYY-MM, both included.
Writes {"rows": [...]} as JSON, with the same field names as oapstat.
"""
import json
import os
import sys

import duckdb


def source(data_dir, name):
    parquet = os.path.join(data_dir, f"{name}.parquet")
    if os.path.exists(parquet):
        return f"read_parquet('{parquet}')"
    return f"read_csv('{os.path.join(data_dir, name + '.csv')}', header=true, all_varchar=true)"


def main():
    args = sys.argv[1:]
    out = None
    if "--out" in args:
        i = args.index("--out")
        out = args[i + 1]
        del args[i : i + 2]
    data_dir, first, last = args
    con = duckdb.connect()
    threads = os.environ.get("BENCH_THREADS")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    sql = f"""
    WITH periods AS (
        SELECT strftime(m, '%Y-%m') AS period, m::DATE AS p1,
               (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS p2
        FROM range(DATE '{first}-01', DATE '{last}-01' + INTERVAL 1 MONTH, INTERVAL 1 MONTH) t(m)
    ),
    adm AS (
        SELECT CAST(admission_id AS VARCHAR) AS admission_id, CAST(collaborative AS VARCHAR) AS collaborative,
               CAST(admission_date AS DATE) AS s, CAST(discharge_date AS DATE) AS e
        FROM {source(data_dir, 'admissions')}
    ),
    plc AS (
        SELECT CAST(admission_id AS VARCHAR) AS admission_id,
               CAST(start_date AS DATE) AS s, CAST(end_date AS DATE) AS e,
               lower(CAST(out_of_area AS VARCHAR)) IN ('y', 'yes', 'true', '1') AS oap,
               CAST(oap_reason AS VARCHAR) AS reason,
               CAST(distance_km AS DOUBLE) AS distance, CAST(daily_cost AS DOUBLE) AS cost
        FROM {source(data_dir, 'placements')}
    ),
    oap AS (
        SELECT a.collaborative, p.* FROM plc p JOIN adm a USING (admission_id) WHERE p.oap
    ),
    oap_days AS (
        SELECT o.*, q.period, q.p1, q.p2,
               greatest(0, least(coalesce(o.e, q.p2 + 1), q.p2 + 1) - greatest(o.s, q.p1)) AS days,
               o.e IS NOT NULL AND o.e BETWEEN q.p1 AND q.p2 AS ended,
               o.e - o.s AS length
        FROM oap o JOIN periods q ON o.s <= q.p2 AND (o.e IS NULL OR o.e >= q.p1)
    ),
    oap_agg AS (
        SELECT collaborative, period,
            count(*) FILTER (WHERE s >= p1) AS oaps_started,
            count(*) FILTER (WHERE ended) AS oaps_ended,
            count(*) FILTER (WHERE e IS NULL OR e > p2) AS oaps_active_end,
            count(*) FILTER (WHERE (e IS NULL OR e > p2) AND reason = '10') AS inappropriate_oaps_active_end,
            count(*) FILTER (WHERE s >= p1 AND reason = '10') AS inappropriate_oaps_started,
            count(*) FILTER (WHERE ended AND reason = '10') AS inappropriate_oaps_ended,
            sum(days) AS oap_days,
            coalesce(sum(days) FILTER (WHERE reason = '10'), 0) AS inappropriate_oap_days,
            coalesce(sum(days) FILTER (WHERE reason = '99'), 0) AS reason_not_known_oap_days,
            count(*) FILTER (WHERE ended AND length <= 7) AS oaps_ended_0_7_nights,
            count(*) FILTER (WHERE ended AND length BETWEEN 8 AND 14) AS oaps_ended_8_14_nights,
            count(*) FILTER (WHERE ended AND length BETWEEN 15 AND 30) AS oaps_ended_15_30_nights,
            count(*) FILTER (WHERE ended AND length >= 31) AS oaps_ended_31_plus_nights,
            count(*) FILTER (WHERE distance < 25) AS oaps_active_under_25km,
            count(*) FILTER (WHERE distance >= 25 AND distance < 50) AS oaps_active_25_50km,
            count(*) FILTER (WHERE distance >= 50 AND distance < 100) AS oaps_active_50_100km,
            count(*) FILTER (WHERE distance >= 100 AND distance < 200) AS oaps_active_100_200km,
            count(*) FILTER (WHERE distance >= 200 AND distance < 300) AS oaps_active_200_300km,
            count(*) FILTER (WHERE distance >= 300) AS oaps_active_300km_plus,
            count(*) FILTER (WHERE distance IS NULL) AS oaps_active_distance_unknown,
            coalesce(sum(days) FILTER (WHERE cost IS NOT NULL), 0) AS oap_days_with_cost,
            coalesce(sum(cost * days), 0) AS total_recorded_cost
        FROM oap_days GROUP BY ALL
    ),
    spell_oap AS (SELECT DISTINCT admission_id, true AS has_oap FROM oap),
    adm_agg AS (
        SELECT a.collaborative, q.period,
            count(*) FILTER (WHERE a.s >= q.p1) AS admissions,
            count(*) FILTER (WHERE a.s >= q.p1 AND h.has_oap) AS oap_admissions,
            sum(greatest(0, least(coalesce(a.e, q.p2 + 1), q.p2 + 1) - greatest(a.s, q.p1))) AS bed_days
        FROM adm a LEFT JOIN spell_oap h USING (admission_id)
        JOIN periods q ON a.s <= q.p2 AND (a.e IS NULL OR a.e >= q.p1)
        GROUP BY ALL
    ),
    grid AS (
        SELECT c.collaborative, q.period, q.p1, q.p2
        FROM (SELECT collaborative FROM adm UNION SELECT CAST(collaborative AS VARCHAR)
              FROM read_csv('{os.path.join(data_dir, 'collaboratives.csv')}', header=true, all_varchar=true)) c
        CROSS JOIN periods q
    ),
    pop AS (
        SELECT CAST(collaborative AS VARCHAR) AS collaborative, CAST(population AS BIGINT) AS population
        FROM read_csv('{os.path.join(data_dir, 'collaboratives.csv')}', header=true, all_varchar=true)
    )
    SELECT g.collaborative, g.period, strftime(g.p1, '%Y-%m-%d') AS period_start, strftime(g.p2, '%Y-%m-%d') AS period_end,
        COLUMNS(o.* EXCLUDE (collaborative, period, total_recorded_cost)),
        total_recorded_cost,
        oap_days_with_cost / nullif(oap_days, 0) AS cost_recorded_share,
        round(total_recorded_cost / nullif(oap_days_with_cost, 0), 2) AS mean_daily_cost,
        admissions, oap_admissions, oap_admissions / nullif(admissions, 0) AS oap_admission_rate,
        bed_days, oap_days / nullif(bed_days, 0) AS oap_day_share,
        population,
        oaps_active_end * 100000.0 / population AS oaps_active_end_per_100k,
        oap_days * 100000.0 / population AS oap_days_per_100k,
        inappropriate_oap_days * 100000.0 / population AS inappropriate_oap_days_per_100k,
        admissions * 100000.0 / population AS admissions_per_100k,
        coalesce(inappropriate_oaps_started, 0) * 1000000.0 / population AS inappropriate_oaps_started_per_million,
        coalesce(inappropriate_oaps_active_end, 0) * 1000000.0 / population AS inappropriate_oaps_active_end_per_million,
        coalesce(inappropriate_oaps_ended, 0) * 1000000.0 / population AS inappropriate_oaps_ended_per_million
    FROM grid g
    LEFT JOIN (SELECT * REPLACE (round(total_recorded_cost, 2) AS total_recorded_cost) FROM oap_agg) o USING (collaborative, period)
    LEFT JOIN adm_agg a USING (collaborative, period)
    LEFT JOIN pop USING (collaborative)
    ORDER BY g.collaborative, g.p1
    """
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        # Empty groups: counts are zero (the LEFT JOIN gives NULL).
        for key, value in row.items():
            if value is None and key not in (
                "cost_recorded_share", "mean_daily_cost", "oap_admission_rate", "oap_day_share", "population",
            ) and not key.endswith(("_per_100k", "_per_million")):
                row[key] = 0
        for key in ("cost_recorded_share", "mean_daily_cost", "oap_admission_rate", "oap_day_share"):
            pass
        rows.append(row)
    text = json.dumps({"rows": rows}, default=float)
    if out:
        with open(out, "w") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
