#!/usr/bin/env python3
"""NHS England's OAP measures (OAP01-OAP11, OAP01a-OAP11a at M, Q and Y) written independently
in DuckDB SQL from DOMAIN.md section 10, and compared with every value of `oapstat nhs`.

Usage: nhs_duckdb.py OAPSTAT DATA_DIR FROM_MONTH TO_MONTH
  DATA_DIR holds admissions.csv, placements.csv and collaboratives.csv (as `oapstat generate`
  writes them). Every row of `oapstat nhs --from FROM --to TO --format csv` must have a row here
  with the same value (to 1e-9 relative), and the other way round. Exit 1 on any difference.

Translation used (DOMAIN.md section 10): an OAP is a placement with out_of_area = Y; it is
inappropriate when its reason is 10. A period [P1, P2] is M (the month), Q (3 months ending with
it) or Y (12 months). Started: P1 <= s <= P2. Days: max(0, min(e, P2+1) - max(s, P1)), e = P2+1
when ongoing. Active at the end: s <= P2 and (e is null or e > P2). Ended: P1 <= e <= P2. The same
four over all spells (admission and discharge dates) are the proportions' denominators. Rates per
1,000,000 use the collaborative's population (all collaboratives: the sum). Adult acute = spells
of adult_acute, older_adult_acute, picu. oapstat leaves a period empty when it starts before the
month of the extract's earliest discharge; so does this script.

When the admissions have a `gender` column, the breakdown "Collaborative; Gender" is checked too:
a spell's group is its gender code (1 Male, 2 Female, 3 Non-binary, 4 Other (not listed),
9 Indeterminate, anything else UNKNOWN; DOMAIN.md section 12), written as NHS England's files
write it: the code as SECONDARY_LEVEL, the name as its description; an OAP's group is that of its
spell; every group of every collaborative is listed; rates use the group's population from populations.csv
(the `all` row, else the sum of its age bands; none: empty). oapstat's other breakdowns by group
of people (age band, ethnicity, upper ethnicity, IMD decile) come from the same code path and are
not checked here: their rows are skipped.
"""
import csv
import io
import math
import os
import subprocess
import sys

import duckdb

ADULT_ACUTE = ("adult_acute", "older_adult_acute", "picu")
GENDERS = {"1": "Male", "2": "Female", "3": "Non-binary", "4": "Other (not listed)", "9": "Indeterminate"}
UNCHECKED = ("Collaborative; Age Band", "Collaborative; Ethnicity", "Collaborative; Upper Ethnicity",
             "Collaborative; IMD Decile")


def main():
    oapstat, data_dir, first, last = sys.argv[1:5]
    con = duckdb.connect()
    adm = os.path.join(data_dir, "admissions.csv")
    plc = os.path.join(data_dir, "placements.csv")
    ref = os.path.join(data_dir, "collaboratives.csv")
    aa = ", ".join(f"'{x}'" for x in ADULT_ACUTE)
    with open(adm, newline="") as f:
        has_gender = "gender" in next(csv.reader(f))
    codes = ", ".join(f"'{c}'" for c in GENDERS)
    gender = (
        f"CASE WHEN trim(gender) IN ({codes}) THEN trim(gender) ELSE 'UNKNOWN' END"
        if has_gender else "'UNKNOWN'"
    )
    con.execute(f"""
    CREATE TABLE spells AS
      SELECT admission_id, collaborative, service_line, provider_code AS sending,
             admission_date::DATE AS s, NULLIF(discharge_date, '')::DATE AS e,
             service_line IN ({aa}) AS acute, {gender} AS gender
      FROM read_csv('{adm}', header=true, all_varchar=true);
    CREATE TABLE oaps AS
      SELECT p.start_date::DATE AS s, NULLIF(p.end_date, '')::DATE AS e,
             a.collaborative, a.service_line, a.sending, a.acute, a.gender
      FROM read_csv('{plc}', header=true, all_varchar=true) p
      JOIN spells a USING (admission_id)
      WHERE upper(p.out_of_area) IN ('Y', 'YES', 'TRUE', '1') AND p.oap_reason = '10';
    CREATE TABLE ref AS
      SELECT collaborative, name, NULLIF(population, '')::BIGINT AS population
      FROM read_csv('{ref}', header=true, all_varchar=true);
    CREATE TABLE covered AS
      SELECT date_trunc('month', min(e))::DATE AS covered_from FROM spells;
    CREATE TABLE periods AS
      SELECT strftime(m, '%Y-%m') AS month, w.code AS period,
             (m - (w.n - 1) * INTERVAL 1 MONTH)::DATE AS p1,
             (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS p2
      FROM generate_series(DATE '{first}-01', DATE '{last}-01', INTERVAL 1 MONTH) g(m)
      CROSS JOIN (VALUES ('M', 1), ('Q', 3), ('Y', 12)) w(code, n);
    """)

    def tallies(table, keys):
        """Started, days, active at end, ended per period, for all and for adult acute rows."""
        key_sel = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys)) or "'ALL' AS k0"
        key_grp = ", ".join(f"k{i}" for i in range(max(len(keys), 1)))
        return f"""
        SELECT month, period, {key_grp},
          count(*) FILTER (WHERE s BETWEEN p1 AND p2) AS started,
          sum(greatest(0, datediff('day', greatest(s, p1), least(coalesce(e, p2 + 1), p2 + 1)))) AS days,
          count(*) FILTER (WHERE s <= p2 AND (e IS NULL OR e > p2)) AS active,
          count(*) FILTER (WHERE e BETWEEN p1 AND p2) AS ended,
          count(*) FILTER (WHERE acute AND s BETWEEN p1 AND p2) AS a_started,
          coalesce(sum(greatest(0, datediff('day', greatest(s, p1), least(coalesce(e, p2 + 1), p2 + 1)))) FILTER (WHERE acute), 0) AS a_days,
          count(*) FILTER (WHERE acute AND s <= p2 AND (e IS NULL OR e > p2)) AS a_active,
          count(*) FILTER (WHERE acute AND e BETWEEN p1 AND p2) AS a_ended
        FROM (SELECT *, {key_sel} FROM {table}) t CROSS JOIN periods
        GROUP BY ALL
        """

    expected = {}
    names = {
        1: "started", 2: "days", 3: "active", 4: "ended",
        5: "started", 6: "active", 7: "ended",
        8: "started", 9: "days", 10: "active", 11: "ended",
    }
    population = {r[0]: r[2] for r in con.execute("SELECT * FROM ref").fetchall()}
    covered_from = con.execute("SELECT covered_from FROM covered").fetchone()[0]
    p1_of = {(r[0], r[1]): r[2] for r in con.execute("SELECT month, period, p1 FROM periods").fetchall()}
    collaboratives = sorted(set(population) | {r[0] for r in con.execute("SELECT DISTINCT collaborative FROM spells").fetchall()})
    group_population = {}
    pops = os.path.join(data_dir, "populations.csv")
    if has_gender and os.path.exists(pops):
        for c, g, p in con.execute(f"""
            SELECT collaborative, "group",
                   coalesce(max(population::DOUBLE) FILTER (WHERE age_band = 'all'),
                            sum(population::DOUBLE) FILTER (WHERE age_band <> 'all'))
            FROM read_csv('{pops}', header=true, all_varchar=true)
            WHERE dimension = 'gender' GROUP BY ALL""").fetchall():
            code = {label: code for code, label in GENDERS.items()}.get(g)
            if code:
                group_population[(c, code)] = p
    all_population = None if any(population.get(c) is None for c in collaboratives) else sum(population[c] for c in collaboratives)
    for breakdown, keys in [
        ("All collaboratives", []),
        ("Collaborative", ["collaborative"]),
        ("Collaborative; Service line", ["collaborative", "service_line"]),
        ("Collaborative; Sending Provider", ["collaborative", "sending"]),
    ] + ([("Collaborative; Gender", ["collaborative", "gender"])] if has_gender else []):
        cols = ["started", "days", "active", "ended", "a_started", "a_days", "a_active", "a_ended"]
        def fetch(table):
            out = {}
            for row in con.execute(tallies(table, keys)).fetchall():
                nk = max(len(keys), 1)
                key = (row[0], row[1]) + tuple(row[2:2 + nk])
                out[key] = dict(zip(cols, (v or 0 for v in row[2 + nk:])))
            return out
        spells, oaps = fetch("spells"), fetch("oaps")
        level_keys = set(spells)
        if breakdown == "Collaborative":
            months = {(k[0], k[1]) for k in spells}
            level_keys |= {m + (c,) for m in months for c in collaboratives}
        if breakdown == "Collaborative; Gender":
            months = {(k[0], k[1]) for k in spells}
            groups = list(GENDERS) + ["UNKNOWN"]
            level_keys |= {m + (c, g) for m in months for c in collaboratives for g in groups}
        for key in level_keys:
            month, period = key[0], key[1]
            primary = "ALL" if not keys else key[2]
            secondary = key[3] if len(keys) == 2 else "NONE"
            zero = dict.fromkeys(cols, 0)
            sp, op = spells.get(key, zero), oaps.get(key, zero)
            pop = all_population if not keys else population.get(primary) if len(keys) == 1 else None
            if breakdown == "Collaborative; Gender":
                pop = group_population.get((primary, secondary))
            is_covered = p1_of[(month, period)] >= covered_from
            for acute in (False, True):
                if acute and breakdown == "Collaborative; Service line" and secondary not in ADULT_ACUTE:
                    continue
                pre = "a_" if acute else ""
                for n in range(1, 12):
                    if breakdown == "Collaborative; Service line" and n in (5, 6, 7):
                        continue
                    if breakdown == "Collaborative; Sending Provider" and n > 4:
                        continue
                    count = op[pre + names[n]]
                    if n <= 4:
                        value = count
                    elif n <= 7:
                        value = count * 1_000_000 / pop if pop else None
                    else:
                        d = sp[pre + names[n]]
                        value = count * 100 / d if d else None
                    if not is_covered:
                        value = None
                    mid = f"OAP{n:02d}{'a' if acute else ''}"
                    expected[(month, period, breakdown, primary, secondary, mid)] = value

    out = subprocess.run(
        [oapstat, "nhs", "--data", data_dir, "--from", first, "--to", last, "--format", "csv", "--quiet"],
        check=True, capture_output=True, text=True,
    ).stdout
    got = {}
    names_wrong = 0
    for r in csv.DictReader(io.StringIO(out)):
        if r["breakdown"] in UNCHECKED:
            continue
        if r["breakdown"] == "Collaborative; Gender" and \
                r["secondary_level_description"] != GENDERS.get(r["secondary_level"], "UNKNOWN"):
            names_wrong += 1
        key = (r["month"], r["period"], r["breakdown"], r["primary_level"], r["secondary_level"], r["measure_id"])
        got[key] = None if r["measure_value"] == "" else float(r["measure_value"])
    problems = []
    for key in sorted(set(expected) | set(got), key=str):
        if key not in got:
            problems.append(f"missing from oapstat: {key} (DuckDB {expected[key]})")
        elif key not in expected:
            problems.append(f"not in DuckDB: {key} (oapstat {got[key]})")
        else:
            a, b = got[key], expected[key]
            if (a is None) != (b is None) or (a is not None and not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)):
                problems.append(f"{key}: oapstat {a}, DuckDB {b}")
    if names_wrong:
        problems.append(f"{names_wrong} rows of Collaborative; Gender whose description is not their code's name")
    for p in problems[:30]:
        print(p)
    filled = sum(v is not None for v in expected.values())
    print(f"nhs measures: {len(expected)} values ({filled} non-empty) compared, {len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
