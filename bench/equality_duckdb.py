#!/usr/bin/env python3
"""Independent cross-check of `oapstat equality` (DOMAIN.md section 12): the counts, LOS
quartiles, shares and their Wilson intervals, crude rates per 100,000 with exact Poisson (SciPy's
chi-square quantiles) or Byar limits, directly age-standardised rates with Dobson limits, the
comparisons with the all-groups value and the ratios to the reference groups, computed in DuckDB
SQL and Python from the extracts and populations.csv, then compared row by row with oapstat's
CSV output (counts exactly, figures to 1e-9 relative).

Usage: equality_duckdb.py OAPSTAT DATA_DIR FROM_MONTH TO_MONTH [PERIOD]
(PERIOD: month (default), quarter or year; prints the rows compared and the differences found,
and exits 1 when there is any.)
"""
import csv
import io
import math
import os
import subprocess
import sys

import duckdb
from scipy.stats import chi2, norm

binary, data_dir, first, last = sys.argv[1:5]
period_kind = sys.argv[5] if len(sys.argv) > 5 else "month"
CONFIDENCE = 0.95
Z = norm.ppf(CONFIDENCE + (1 - CONFIDENCE) / 2)

run = subprocess.run(
    [binary, "equality", "--data", data_dir, "--period", period_kind, "--from", first, "--to", last,
     "--format", "csv", "-q"],
    capture_output=True, text=True, check=True)
ours = list(csv.DictReader(io.StringIO(run.stdout)))
periods = sorted({(r["period"], r["period_start"], r["period_end"]) for r in ours}, key=lambda p: p[1])


def source(name):
    parquet = os.path.join(data_dir, f"{name}.parquet")
    if os.path.exists(parquet):
        return f"read_parquet('{parquet}')"
    return f"read_csv('{os.path.join(data_dir, name + '.csv')}', header=true, all_varchar=true)"


AGE_BANDS = [("0 to 17", 0, 17), ("18 to 24", 18, 24)] + [
    (f"{a} to {a + 4}", a, a + 4) for a in range(25, 65, 5)] + [("65 or over", 65, 124)]
GENDERS = {"1": "Male", "2": "Female", "3": "Non-binary", "4": "Other (not listed)", "9": "Indeterminate"}
ETHNICITIES = {
    "A": ("British", "White or White British"), "B": ("Irish", "White or White British"),
    "C": ("Any Other White background", "White or White British"),
    "D": ("White and Black Caribbean", "Mixed"), "E": ("White and Black African", "Mixed"),
    "F": ("White and Asian", "Mixed"), "G": ("Any Other mixed background", "Mixed"),
    "H": ("Indian", "Asian or Asian British"), "J": ("Pakistani", "Asian or Asian British"),
    "K": ("Bangladeshi", "Asian or Asian British"), "L": ("Any Other Asian background", "Asian or Asian British"),
    "M": ("Caribbean", "Black or Black British"), "N": ("African", "Black or Black British"),
    "P": ("Any Other Black background", "Black or Black British"),
    "R": ("Chinese", "Other Ethnic Groups"), "S": ("Any Other Ethnic Group", "Other Ethnic Groups"),
    "Z": ("Not Stated", "Not Stated"), "99": ("Not Known", "Not Known"),
}
IMD = ["01 Most deprived"] + [f"0{d} More deprived" for d in range(2, 6)] + [
    f"0{d} Less deprived" for d in range(6, 10)] + ["10 Least deprived"]
ESP = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000]
ESP_NAMES = [f"{5 * i}-{5 * i + 4}" for i in range(18)] + ["90+"]
REFERENCE = {"ethnicity": "British", "upper_ethnicity": "White or White British", "imd_decile": "10 Least deprived"}


def case(column, mapping):
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE 'UNKNOWN' END"


age_case = "CASE " + " ".join(
    f"WHEN age BETWEEN {a} AND {b} THEN '{label}'" for label, a, b in AGE_BANDS) + " ELSE 'UNKNOWN' END"
groups_sql = {
    "age_band": age_case,
    "gender": case("gender", GENDERS),
    "ethnicity": case("upper(ethnic_category)", {k: v[0] for k, v in ETHNICITIES.items()}),
    "upper_ethnicity": case("upper(ethnic_category)", {k: v[1] for k, v in ETHNICITIES.items()}),
    "imd_decile": case("imd_decile", {str(i + 1): IMD[i] for i in range(10)}),
}
con = duckdb.connect()
con.execute(f"""
    CREATE TABLE spells AS
    SELECT row_number() OVER () AS spell, admission_id, CAST(collaborative AS VARCHAR) AS collaborative,
           CAST(admission_date AS DATE) AS s, CAST(discharge_date AS DATE) AS e,
           TRY_CAST(age AS INTEGER) AS age, trim(CAST(gender AS VARCHAR)) AS gender,
           trim(CAST(ethnic_category AS VARCHAR)) AS ethnic_category, trim(CAST(imd_decile AS VARCHAR)) AS imd_decile
    FROM {source('admissions')}""")
con.execute(f"""
    CREATE TABLE oaps AS
    SELECT p.admission_id, CAST(start_date AS DATE) AS s, CAST(end_date AS DATE) AS e,
           CAST(oap_reason AS VARCHAR) = '10' AS inappropriate
    FROM {source('placements')} p
    WHERE lower(CAST(out_of_area AS VARCHAR)) IN ('y', 'yes', 'true', '1')""")
con.execute("CREATE TABLE periods (period VARCHAR, p1 DATE, p2 DATE)")
con.executemany("INSERT INTO periods VALUES (?, ?, ?)", periods)
groups_select = ", ".join(f"{sql} AS {name}" for name, sql in groups_sql.items())
con.execute(f"""CREATE TABLE people AS SELECT spell, admission_id, collaborative, s, e, age,
    CASE WHEN age BETWEEN 0 AND 124 THEN least(age // 5, 18) END AS band, {groups_select} FROM spells""")

expected = {}


def add(key, column, value):
    expected.setdefault(key, {})[column] = value


for dimension in groups_sql:
    by = f"collaborative, period, {dimension}"
    for column, sql in {
        "admissions": f"""SELECT {by}, count(*), count(*) FILTER (WHERE spell IN
                (SELECT spell FROM people JOIN oaps USING (admission_id))) FROM people JOIN periods ON s BETWEEN p1 AND p2
                GROUP BY ALL""",
        "discharges": f"""SELECT {by}, count(*), quantile_cont(e - s, 0.25), quantile_cont(e - s, 0.5),
                quantile_cont(e - s, 0.75) FROM people JOIN periods ON e BETWEEN p1 AND p2 GROUP BY ALL""",
        "oaps_started": f"""SELECT {by}, count(*), count(*) FILTER (WHERE inappropriate), 0, 0
                FROM oaps o JOIN people USING (admission_id) JOIN periods ON o.s BETWEEN p1 AND p2 GROUP BY ALL""",
        "oap_days": f"""SELECT {by}, sum(greatest(0, least(coalesce(o.e, p2 + 1), p2 + 1) - greatest(o.s, p1))),
                sum(greatest(0, least(coalesce(o.e, p2 + 1), p2 + 1) - greatest(o.s, p1))) FILTER (WHERE inappropriate)
                FROM oaps o JOIN people USING (admission_id) JOIN periods ON o.s <= p2 AND coalesce(o.e, p2) >= p1
                GROUP BY ALL""",
        "bands": f"""SELECT {by}, band, count(*), count(*) FILTER (WHERE inappropriate)
                FROM oaps o JOIN people USING (admission_id) JOIN periods ON o.s BETWEEN p1 AND p2
                WHERE band IS NOT NULL GROUP BY ALL""",
    }.items():
        for row in con.execute(sql).fetchall():
            key = (row[0], row[1], dimension, row[2])
            if column == "admissions":
                add(key, "admissions", row[3])
                add(key, "admissions_with_oap", row[4])
            elif column == "discharges":
                add(key, "discharges", row[3])
                for name, value in zip(["los_p25", "los_median", "los_p75"], row[4:7]):
                    add(key, name, value)
            elif column == "oaps_started":
                add(key, "oaps_started", row[3])
                add(key, "inappropriate_oaps_started", row[4])
            elif column == "oap_days":
                add(key, "oap_days", row[3])
                add(key, "inappropriate_oap_days", row[4] or 0)
            else:
                add(key, ("band", row[3]), (row[4], row[5]))

populations = {}
with open(os.path.join(data_dir, "populations.csv")) as f:
    for row in csv.DictReader(f):
        entry = populations.setdefault((row["collaborative"], row["dimension"], row["group"]), {})
        entry[row["age_band"]] = float(row["population"])


def wilson(x, n):
    if n == 0:
        return None
    spread = Z * math.sqrt(Z * Z + 4 * x * (1 - x / n))
    return (x / n, (2 * x + Z * Z - spread) / 2 / (n + Z * Z), (2 * x + Z * Z + spread) / 2 / (n + Z * Z))


def byar(x):
    lower = x * (1 - 1 / (9 * x) - Z / (3 * math.sqrt(x))) ** 3 if x > 0 else 0.0
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + Z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper


def crude(x, n):
    if not n:
        return None
    alpha = 1 - CONFIDENCE
    if x < 10:
        lower = chi2.ppf(alpha / 2, 2 * x) / 2 if x > 0 else 0.0
        upper = chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    else:
        lower, upper = byar(x)
    return (x / n * 1e5, lower / n * 1e5, upper / n * 1e5)


def standardised(bands):
    """bands: [(count, population, weight)]."""
    bands = [b for b in bands if b[1] > 0]
    total = sum(w for _, _, w in bands)
    events = sum(x for x, _, _ in bands)
    if not bands or events < 10:
        return None
    value = sum(x * w / n for x, n, w in bands) / total
    variance = sum(x * w * w / (n * n) for x, n, w in bands) / total ** 2
    lower, upper = byar(events)
    spread = math.sqrt(variance / events)
    return (value * 1e5, (value + spread * (lower - events)) * 1e5, (value + spread * (upper - events)) * 1e5)


def total(pop):
    if pop is None:
        return None
    if "all" in pop:
        return pop["all"]
    return sum(pop.values())


GROUPS = {
    "age_band": [b[0] for b in AGE_BANDS], "gender": list(GENDERS.values()),
    "ethnicity": [v[0] for v in ETHNICITIES.values()],
    "upper_ethnicity": list(dict.fromkeys(v[1] for v in ETHNICITIES.values())), "imd_decile": IMD,
}
collaboratives = sorted({r["collaborative"] for r in ours})
for c in collaboratives:
    for period, _, _ in periods:
        for dimension, labels in GROUPS.items():
            labels = labels + ["UNKNOWN"]
            rows = {g: expected.get((c, period, dimension, g), {}) for g in labels}
            every = {}
            for name in ["admissions", "admissions_with_oap", "oaps_started", "inappropriate_oaps_started",
                         "oap_days", "inappropriate_oap_days", "discharges"]:
                for g in labels:
                    rows[g].setdefault(name, 0)
                every[name] = sum(rows[g][name] for g in labels)
            for g in labels:
                for band in range(19):
                    rows[g].setdefault(("band", band), (0, 0))
            # LOS of all groups: over every discharge.
            los_all = con.execute(f"""SELECT quantile_cont(e - s, 0.25), quantile_cont(e - s, 0.5), quantile_cont(e - s, 0.75)
                FROM people JOIN periods ON e BETWEEN p1 AND p2 WHERE collaborative = ? AND period = ?""",
                                  [c, period]).fetchone()
            every.update(zip(["los_p25", "los_median", "los_p75"], los_all))
            pops = {g: populations.get((c, dimension, g)) for g in labels}
            with_pop = [g for g in labels if pops[g] is not None]
            all_pop = {"all": sum(total(pops[g]) for g in with_pop)} if with_pop else None
            every["population"] = all_pop["all"] if all_pop else None
            figures = {}
            for g in labels + ["All"]:
                row = every if g == "All" else rows[g]
                if g != "All":
                    row["population"] = total(pops[g])
                x = row["admissions_with_oap"]
                figures[g] = {"admissions_with_oap_share": wilson(x, row["admissions"])}
                for k, name in [(0, "oaps_started"), (1, "inappropriate_oaps_started")]:
                    if g == "All":
                        numerator = sum(rows[h][name] for h in with_pop)
                        bands = []
                        for b in range(19):
                            having = [h for h in with_pop if ESP_NAMES[b] in pops[h]]
                            if having:
                                bands.append((sum(rows[h][("band", b)][k] for h in having),
                                              sum(pops[h][ESP_NAMES[b]] for h in having), ESP[b]))
                        banded = any(any(n in pops[h] for n in ESP_NAMES) for h in with_pop)
                    else:
                        numerator = row[name]
                        pop = pops[g] or {}
                        bands = [(row[("band", b)][k], pop[ESP_NAMES[b]], ESP[b]) for b in range(19) if ESP_NAMES[b] in pop]
                        banded = bool(bands)
                    figures[g][f"{name}_per_100k"] = crude(numerator, row["population"]) if row["population"] else None
                    figures[g][f"{name}_dsr_per_100k"] = standardised(bands) if banded else None
            for g in labels + ["All"]:
                row = every if g == "All" else rows[g]
                out = {k: v for k, v in row.items() if isinstance(k, str)}
                for name, interval in figures[g].items():
                    out[name] = interval[0] if interval else None
                    out[f"{name}_lower"] = interval[1] if interval else None
                    out[f"{name}_upper"] = interval[2] if interval else None
                    benchmark = figures["All"][name]
                    compared = None
                    if g != "All" and interval and benchmark:
                        compared = "higher" if interval[1] > benchmark[0] else "lower" if interval[2] < benchmark[0] else "similar"
                    out[f"{name}_compared"] = compared
                    ref = REFERENCE.get(dimension)
                    ref_value = figures[ref][name] if ref else None
                    out[f"{name}_ratio"] = (interval[0] / ref_value[0]
                                            if g != "All" and interval and ref_value and ref_value[0] > 0 else None)
                expected[(c, period, dimension, g)] = out

differences = 0
compared = 0
for row in ours:
    key = (row["collaborative"], row["period"], row["dimension"], row["group"])
    want = expected.get(key)
    if want is None:
        print(f"no independent row for {key}")
        differences += 1
        continue
    for name, value in want.items():
        got = row[name]
        compared += 1
        if value is None or got == "":
            same = (value is None) == (got == "")
        elif isinstance(value, str):
            same = got == value
        else:
            g = float(got)
            same = abs(g - float(value)) <= 1e-9 * max(1.0, abs(float(value)))
        if not same:
            differences += 1
            if differences <= 20:
                print(f"{key} {name}: oapstat {got!r}, independent {value!r}")
print(f"equality: {len(ours)} rows, {compared} values compared, {differences} differences")
sys.exit(1 if differences else 0)
