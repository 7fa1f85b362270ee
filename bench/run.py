#!/usr/bin/env python3
"""Benchmark: oapstat against DuckDB and Polars-Python on extracts made by oapstat's generator.

Usage: bench/run.py [--sizes 100000,1000000,10000000] [--runs 3] [--formats csv,parquet]
                    [--work DIR] [--out bench/results.md] [--oapstat target/release/oapstat]
                    [--tools oapstat,DuckDB,Polars-Python]

Sizes are numbers of placements (about 1.35 per admission). Each command runs --runs times in the
same session; the median wall time and the median peak memory (maximum resident set size, from
/usr/bin/time) are reported, with the ratio of each peer's time to oapstat's (above 1: oapstat is
faster). Jobs: `rates` (monthly OAP measures; DuckDB: bench/rates_duckdb.py, every measure;
Polars: bench/peers_polars.py, the main measures), `los` (monthly LOS of discharges) and
`summary` (the whole monthly pack: oapstat only, no peer computes it).
"""
import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIRST, LAST = "2023-04", "2026-10"


def timed(command, runs):
    walls, peaks = [], []
    for _ in range(runs):
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
        wall, peak = result.stderr.strip().splitlines()[-1].split()
        walls.append(float(wall))
        peaks.append(int(peak) / 1024)
    return statistics.median(walls), statistics.median(peaks)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--work", default="/tmp/oapstat-bench")
    parser.add_argument("--out", default=os.path.join(HERE, "results.md"))
    parser.add_argument("--oapstat", default=os.path.join(HERE, "..", "target", "release", "oapstat"))
    parser.add_argument("--tools", default="oapstat,DuckDB,Polars-Python",
                        help="which tools to time (oapstat always; e.g. --tools oapstat to compare two builds)")
    args = parser.parse_args()
    oapstat = os.path.abspath(args.oapstat)
    py = sys.executable
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        admissions = max(1, round(size / 1.35))
        for fmt in args.formats.split(","):
            data = os.path.join(args.work, f"{size}-{fmt}")
            if not os.path.exists(os.path.join(data, f"placements.{fmt}")):
                subprocess.run([oapstat, "generate", "--seed", "1", "--admissions", str(admissions), "--format", fmt,
                                "--out", data, "--force"], check=True, capture_output=True)
            jobs = {
                "rates": {
                    "oapstat": [oapstat, "rates", "--data", data, "--format", "json", "--quiet", "--from", FIRST, "--to", LAST],
                    "DuckDB": [py, os.path.join(HERE, "rates_duckdb.py"), data, FIRST, LAST, "--out", os.devnull],
                    "Polars-Python": [py, os.path.join(HERE, "peers_polars.py"), "rates", data, FIRST, LAST],
                },
                "los": {
                    "oapstat": [oapstat, "los", "--data", data, "--format", "json", "--quiet", "--from", FIRST, "--to", LAST],
                    "DuckDB": [py, os.path.join(HERE, "los_duckdb.py"), data, FIRST, LAST],
                    "Polars-Python": [py, os.path.join(HERE, "peers_polars.py"), "los", data, FIRST, LAST],
                },
                "summary": {
                    "oapstat": [oapstat, "summary", "--data", data, "--month", LAST, "--out", os.path.join(args.work, "packs"), "--force"],
                },
            }
            for job, commands in jobs.items():
                ours = None
                for tool, command in commands.items():
                    if tool != "oapstat" and tool not in args.tools.split(","):
                        continue
                    wall, peak = timed(command, args.runs)
                    if tool == "oapstat":
                        ours = wall
                    ratio = f"{wall / ours:.2f}" if tool != "oapstat" else "1.00"
                    rows.append((f"{size:,}", fmt, job, tool, f"{wall:.2f}", f"{peak:,.0f}", ratio))
                    print(f"{size:>10,} {fmt:8} {job:8} {tool:14} {wall:7.2f} s {peak:9,.0f} MiB  ×{ratio}", flush=True)
    startup = []
    for label, command in [("oapstat --help", [oapstat, "--help"]), ("oapstat rates (bundled sample)", [oapstat, "rates", "--quiet"])]:
        # /usr/bin/time counts in hundredths of a second: too coarse here. Wall time from Python's
        # clock around the process (20 runs, the median), peak memory from /usr/bin/time.
        walls = []
        for _ in range(20):
            began = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            walls.append(time.perf_counter() - began)
        _, peak = timed(command, 3)
        startup.append((label, f"{statistics.median(walls) * 1000:.1f}", f"{peak:,.0f}"))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB"
    with open(args.out, "w") as f:
        f.write(f"# oapstat benchmark, {datetime.date.today()}\n\n")
        f.write(f"Machine: {machine}. Median of {args.runs} runs each; peak memory is the maximum resident set size. "
                "`× peer/oapstat` above 1 means oapstat is faster. Made with `bench/run.py`.\n\n")
        f.write("| placements | format | job | tool | seconds | peak MiB | × peer/oapstat |\n|---:|---|---|---|---:|---:|---:|\n")
        for r in rows:
            f.write("| " + " | ".join(r) + " |\n")
        f.write("\n| start-up | milliseconds | peak MiB |\n|---|---:|---:|\n")
        for r in startup:
            f.write("| " + " | ".join(r) + " |\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
