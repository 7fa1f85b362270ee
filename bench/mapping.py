#!/usr/bin/env python3
"""Benchmark: reading extracts through a mapping file against reading them as the contract.

Usage: bench/mapping.py [--sizes 1000000,10000000] [--runs 3] [--work /tmp/oapstat-bench]
                        [--oapstat target/release/oapstat]

For each size (placements), the generator's extract (seed 1, as bench/run.py makes it) is
written again as a trust's system would export it (DuckDB): every column renamed, semicolons,
dates as `%Y%m%d` followed by a time, out of area as 1/2, reason codes as `R10`..., service lines
as MHSDS bed type codes; with a mapping that renames, recodes and reparses every column, and
declares the text Windows-1252 (so every byte goes through the decoder). `oapstat rates` runs on
both (`--runs` times each; median wall time and peak resident memory from /usr/bin/time), and
the two outputs' rows must be identical.
"""
import argparse
import json
import os
import subprocess
import sys

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import timed  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIRST, LAST = "2023-04", "2026-10"

# The bed type code written for each service line (the April 2024 codes of the preset).
BED_TYPE = {
    "adult_acute": "200", "older_adult_acute": "201", "picu": "202", "adult_eating_disorder": "203",
    "mother_and_baby": "204", "adult_ld_autism": "205", "adult_secure_low": "206",
    "adult_secure_medium": "207", "adult_secure_high": "208", "adult_neuropsychiatry": "209",
    "adult_personality_disorder": "210", "adult_deaf": "211", "adult_rehabilitation": "212",
    "adult_ld_autism_rehabilitation": "213", "cyp_inpatient": "300",
}

MAPPING = """[csv]
delimiter = ";"
encoding = "windows-1252"

[admissions]
admission_id = "SpellID"
patient_id = "LocalPatientId"
collaborative = "PC_Code"
service_line = {{ column = "BedType", preset = "mhsds-bed-type"{extra} }}
admission_date = {{ column = "StartDateHospProvSpell", format = "%Y%m%d" }}
discharge_date = {{ column = "DischDateHospProvSpell", format = "%Y%m%d" }}
provider_code = "OrgIDProv"

[placements]
placement_id = "UniqWardStayID"
admission_id = "SpellID"
start_date = {{ column = "StartDateWardStay", format = "%Y%m%d" }}
end_date = {{ column = "EndDateWardStay", format = "%Y%m%d" }}
provider_code = "OrgIDReceiving"
out_of_area = {{ column = "OOA", values = {{ "1" = "yes", "2" = "no" }} }}
oap_reason = {{ column = "ReasonOAT", values = {{ "R10" = "10", "R11" = "11", "R12" = "12", "R13" = "13", "R14" = "14", "R15" = "15", "R99" = "99" }} }}
distance_km = "DistanceKm"
daily_cost = "DailyCost"
"""


def export(data, trust):
    """Writes `data`'s extracts as a trust's export into `trust`, with its mapping."""
    os.makedirs(trust, exist_ok=True)
    con = duckdb.connect()
    adm = f"read_csv('{data}/admissions.csv', all_varchar=true)"
    plc = f"read_csv('{data}/placements.csv', all_varchar=true)"
    lines = [r[0] for r in con.execute(f"SELECT DISTINCT service_line FROM {adm}").fetchall()]
    codes, extra = {}, {}
    for n, line in enumerate(sorted(lines)):
        codes[line] = BED_TYPE.get(line) or extra.setdefault(line, f"9{n:02d}")
    case = "CASE service_line " + " ".join(f"WHEN '{l}' THEN '{c}'" for l, c in codes.items()) + " END"
    ymd = lambda c: f"CASE WHEN {c} IS NULL OR {c} = '' THEN '' ELSE replace({c}, '-', '') || ' 00:00:00' END"
    con.execute(f"""COPY (SELECT admission_id AS SpellID, patient_id AS LocalPatientId, collaborative AS PC_Code,
        {case} AS BedType, {ymd('admission_date')} AS StartDateHospProvSpell,
        {ymd('discharge_date')} AS DischDateHospProvSpell, provider_code AS OrgIDProv FROM {adm})
        TO '{trust}/admissions.csv' (DELIMITER ';', HEADER, QUOTE '')""")
    con.execute(f"""COPY (SELECT placement_id AS UniqWardStayID, admission_id AS SpellID,
        {ymd('start_date')} AS StartDateWardStay, {ymd('end_date')} AS EndDateWardStay,
        provider_code AS OrgIDReceiving, CASE out_of_area WHEN 'Y' THEN '1' ELSE '2' END AS OOA,
        CASE WHEN oap_reason IS NULL THEN '' ELSE 'R' || oap_reason END AS ReasonOAT,
        coalesce(distance_km, '') AS DistanceKm, coalesce(daily_cost, '') AS DailyCost FROM {plc})
        TO '{trust}/placements.csv' (DELIMITER ';', HEADER, QUOTE '')""")
    for name in ["collaboratives.csv", "local_costs.csv"]:
        with open(f"{data}/{name}") as src, open(f"{trust}/{name}", "w") as dst:
            dst.write(src.read())
    values = ", ".join(f'"{c}" = "{l}"' for l, c in extra.items())
    with open(f"{trust}/mapping.toml", "w") as f:
        f.write(MAPPING.format(extra=f", values = {{ {values} }}" if values else ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/tmp/oapstat-bench")
    parser.add_argument("--oapstat", default=os.path.join(HERE, "..", "target", "release", "oapstat"))
    args = parser.parse_args()
    oapstat = os.path.abspath(args.oapstat)
    print("| placements | input | seconds | peak MiB | × mapped/plain |")
    print("|---:|---|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",")]:
        data = os.path.join(args.work, f"{size}-csv")
        trust = os.path.join(args.work, f"{size}-trust")
        if not os.path.exists(os.path.join(data, "placements.csv")):
            subprocess.run([oapstat, "generate", "--seed", "1", "--admissions", str(max(1, round(size / 1.35))),
                            "--format", "csv", "--out", data, "--force"], check=True, capture_output=True)
        if not os.path.exists(os.path.join(trust, "mapping.toml")):
            export(data, trust)
        rates = lambda d: [oapstat, "rates", "--data", d, "--format", "json", "--quiet", "--from", FIRST, "--to", LAST]
        plain = timed(rates(data), args.runs)
        mapped = timed(rates(trust), args.runs)
        outputs = [subprocess.run(rates(d), capture_output=True, text=True, check=True).stdout for d in (data, trust)]
        if json.loads(outputs[0])["rows"] != json.loads(outputs[1])["rows"]:
            sys.exit(f"{size}: the mapped export's rates differ from the extract's")
        for name, (wall, peak) in [("contract CSV", plain), ("trust export + mapping", mapped)]:
            print(f"| {size:,} | {name} | {wall:.2f} | {peak:,.0f} | {wall / plain[0]:.2f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
