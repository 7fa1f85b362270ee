#!/usr/bin/env python3
"""An independent check of `oapstat capacity`: the daily demand for local beds built in DuckDB
SQL from the extracts (a calendar of nights joined to every stay, as the issue and DOMAIN.md
section 4 define it, not from oapstat's code), then mean, peak, percentiles and both bed
counts per collaborative and service line, compared with oapstat's JSON.

Usage: capacity_duckdb.py OAPSTAT DATA_DIR BASELINE_START BASELINE_END [REPATRIATE]
Exits 1 on any difference.
"""
import json
import math
import subprocess
import sys

import duckdb

OCCUPANCY, RISK = 0.85, 0.05


def main():
    oapstat, data, start, end = sys.argv[1:5]
    share = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0
    con = duckdb.connect()
    con.execute(
        f"""
        CREATE TEMP TABLE demand_by_night AS
        WITH nights AS (
            SELECT CAST(n AS DATE) AS night
            FROM generate_series(DATE '{start}', DATE '{end}', INTERVAL 1 DAY) t(n)),
        adm AS (
            SELECT admission_id, collaborative, service_line,
                   CAST(admission_date AS DATE) AS s, CAST(NULLIF(discharge_date, '') AS DATE) AS e
            FROM read_csv('{data}/admissions.csv', all_varchar = true)),
        oap AS (
            SELECT a.collaborative, a.service_line, p.oap_reason,
                   CAST(p.start_date AS DATE) AS s, CAST(NULLIF(p.end_date, '') AS DATE) AS e
            FROM read_csv('{data}/placements.csv', all_varchar = true) p
            JOIN adm a USING (admission_id)
            WHERE upper(p.out_of_area) IN ('Y', 'YES', 'TRUE', '1')),
        keys AS (SELECT DISTINCT collaborative, service_line FROM adm),
        in_hospital AS (
            SELECT collaborative, service_line, night, count(*) AS people
            FROM adm JOIN nights ON s <= night AND (e IS NULL OR e > night)
            GROUP BY ALL),
        out_of_area AS (
            SELECT collaborative, service_line, night, count(*) AS people,
                   count(*) FILTER (WHERE oap_reason = '10') AS inappropriate
            FROM oap JOIN nights ON s <= night AND (e IS NULL OR e > night)
            GROUP BY ALL)
        SELECT k.collaborative, k.service_line, n.night,
               CAST(coalesce(h.people, 0) - coalesce(o.people, 0) AS DOUBLE)
                 + CAST({share} AS DOUBLE) * coalesce(o.inappropriate, 0) AS demand
        FROM keys k CROSS JOIN nights n
        LEFT JOIN in_hospital h ON h.collaborative = k.collaborative
             AND h.service_line = k.service_line AND h.night = n.night
        LEFT JOIN out_of_area o ON o.collaborative = k.collaborative
             AND o.service_line = k.service_line AND o.night = n.night
        """
    )
    series = {}
    for collaborative, service_line, value in con.execute(
        "SELECT collaborative, service_line, demand FROM demand_by_night"
    ).fetchall():
        series.setdefault((collaborative, service_line), []).append(float(value))
    figures = con.execute(
        """
        SELECT collaborative, service_line, avg(demand), max(demand),
               quantile_cont(demand, [0.5, 0.75, 0.9, 0.95, 0.99])
        FROM demand_by_night GROUP BY ALL
        """
    ).fetchall()
    doc = json.loads(subprocess.run(
        [oapstat, "capacity", "--data", data, "--baseline", f"{start}..{end}",
         "--repatriate", str(share), "--format", "json", "--quiet"],
        check=True, capture_output=True, text=True).stdout)
    ours = {(r["collaborative"], r["service_line"]): r for r in doc["rows"] if r["month"] == "all"}
    differences = 0
    for collaborative, service_line, mean, peak, percentiles in figures:
        values = sorted(series[(collaborative, service_line)], reverse=True)
        allowed = math.floor(RISK * len(values) + 1e-9)
        beds_by_risk = max(0, math.ceil(values[allowed])) if allowed < len(values) else 0
        theirs = {
            "mean_demand": mean, "peak_demand": peak,
            **{f"demand_p{p}": v for p, v in zip([50, 75, 90, 95, 99], percentiles)},
            "beds_by_occupancy": max(0, math.ceil(mean / OCCUPANCY - 1e-9)),
            "beds_by_no_bed_risk": beds_by_risk,
            "person_days_above_beds_per_year":
                sum(max(0.0, v - beds_by_risk) for v in values) * 365 / len(values),
        }
        row = ours.get((collaborative, service_line))
        if row is None:
            print(f"DIFFER {collaborative} {service_line}: no oapstat row")
            differences += 1
            continue
        for name, value in theirs.items():
            if abs(float(row[name]) - float(value)) > 1e-6:
                print(f"DIFFER {collaborative} {service_line} {name}: oapstat {row[name]}, DuckDB {value}")
                differences += 1
    print(f"{len(figures)} collaborative and service line rows, {len(figures) * 9} figures compared"
          f" (share {share}); differences: {differences}")
    sys.exit(1 if differences or not figures else 0)


if __name__ == "__main__":
    main()
