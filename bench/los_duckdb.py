#!/usr/bin/env python3
"""Peer for the benchmark: monthly LOS of discharged spells per collaborative in DuckDB SQL
(discharges, mean, median, 90th percentile by linear interpolation).

Usage: los_duckdb.py DATA_DIR FROM_MONTH TO_MONTH   (prints the number of rows computed)
"""
import os
import sys

import duckdb

data_dir, first, last = sys.argv[1:4]
parquet = os.path.join(data_dir, "admissions.parquet")
source = f"read_parquet('{parquet}')" if os.path.exists(parquet) else f"read_csv('{os.path.join(data_dir, 'admissions.csv')}', header=true, all_varchar=true)"
rows = duckdb.sql(f"""
    WITH adm AS (SELECT CAST(collaborative AS VARCHAR) AS collaborative, CAST(admission_date AS DATE) AS s, CAST(discharge_date AS DATE) AS e FROM {source}),
    periods AS (SELECT m::DATE AS p1, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS p2
                FROM range(DATE '{first}-01', DATE '{last}-01' + INTERVAL 1 MONTH, INTERVAL 1 MONTH) t(m))
    SELECT collaborative, p1, count(*) AS discharges, avg(e - s) AS los_mean, median(e - s) AS los_median,
           quantile_cont(e - s, 0.9) AS los_p90
    FROM adm JOIN periods ON e BETWEEN p1 AND p2 GROUP BY ALL
""").fetchall()
print(len(rows))
