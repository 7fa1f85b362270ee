#!/usr/bin/env python3
"""Benchmark at national scale: `oapstat nhs --mhsds` against the same measures in DuckDB SQL
(bench/mhsds_duckdb.py) on MHSDS tables made by `oapstat generate --mhsds`.

Usage: bench/mhsds_run.py [--admissions 400000] [--community 3500000] [--start 2022-04-01]
                          [--extract-date 2026-03-31] [--month 2026-03] [--formats csv,parquet]
                          [--work DIR] [--out bench/mhsds_results.md] [--oapstat PATH] [--keep]

One file per table per month, as providers submit them. For each format: the generator's time,
peak memory and the files' size on disk; then `oapstat nhs --mhsds DIR --month M` (OAP01-OAP11a
at M, Q and Y for the month, every level) and bench/mhsds_duckdb.py for the same month (its
twelve monthly runs and the end month's quarterly and yearly tables), each timed with
/usr/bin/time (wall time and maximum resident set size), and the two outputs compared value by
value. The generated files are deleted at the end unless --keep.
"""
import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
POPULATION = 11_360_000  # the generator's five collaboratives


def timed(command, stdout=None):
    with open(stdout, "w") if stdout else open(os.devnull, "w") as out:
        result = subprocess.run(["/usr/bin/time", "-v"] + command, stdout=out, stderr=subprocess.PIPE, text=True)
    wall = peak = None
    for line in result.stderr.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            parts = line.split(": ", 1)[1].split(":")
            wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))
        elif line.startswith("Maximum resident set size"):
            peak = int(line.split(": ")[1]) / 1024
    return result.returncode, wall, peak, result.stderr


def size_on_disk(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True).stdout.split()[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--admissions", type=int, default=400_000)
    parser.add_argument("--community", type=int, default=3_500_000)
    parser.add_argument("--start", default="2022-04-01")
    parser.add_argument("--extract-date", default="2026-03-31")
    parser.add_argument("--month", default="2026-03")
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--work", default="/tmp/oapstat-mhsds-bench")
    parser.add_argument("--out", default=os.path.join(HERE, "mhsds_results.md"))
    parser.add_argument("--oapstat", default=os.path.join(HERE, "..", "target", "release", "oapstat"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    oapstat = os.path.abspath(args.oapstat)
    os.makedirs(args.work, exist_ok=True)
    rows = []
    notes = []
    for fmt in args.formats.split(","):
        data = os.path.join(args.work, fmt)
        gen = [oapstat, "generate", "--mhsds", "--seed", "1", "--admissions", str(args.admissions),
               "--community-referrals", str(args.community), "--start", args.start,
               "--extract-date", args.extract_date, "--format", fmt, "--out", data, "--force"]
        code, wall, peak, err = timed(gen)
        if code != 0:
            sys.exit(f"failed: {' '.join(gen)}\n{err[-2000:]}")
        counts = re.search(r"wrote MHSDS tables of .*", err).group(0)
        referral_rows = int(re.search(r"([\d,]+) MHS101Referral", counts).group(1).replace(",", ""))
        size = size_on_disk(data)
        files = len(os.listdir(data))
        rows.append((fmt, "oapstat generate --mhsds", wall, peak, f"{size / 1e9:.2f} GB in {files} files"))
        notes.append(f"{fmt}: {counts}")

        got = os.path.join(args.work, f"oapstat-{fmt}.csv")
        nhs = [oapstat, "nhs", "--mhsds", data, "--month", args.month, "--format", "csv", "-q",
               "--population", f"England={POPULATION}"]
        code, wall, peak, err = timed(nhs, stdout=got)
        if code != 0:
            sys.exit(f"failed: {' '.join(nhs)}\n{err[-2000:]}")
        rows.append((fmt, "oapstat nhs --mhsds", wall, peak, ""))

        duck = [sys.executable, os.path.join(HERE, "mhsds_duckdb.py"), oapstat, data, args.month, args.month,
                "--oapstat-csv", got]
        code, wall, peak, err = timed(duck, stdout=os.path.join(args.work, f"duckdb-{fmt}.log"))
        with open(os.path.join(args.work, f"duckdb-{fmt}.log")) as f:
            log = f.read()
        verdict = log.strip().splitlines()[-1] if log.strip() else err[-500:]
        rows.append((fmt, "DuckDB SQL (bench/mhsds_duckdb.py)", wall, peak, verdict))
        literal = [l for l in log.splitlines() if "largest literal" in l]
        notes.extend(literal)
        if not args.keep:
            shutil.rmtree(data)
        print(f"{fmt}: done", file=sys.stderr)

    cpu = platform.processor() or platform.machine()
    lines = [
        f"# MHSDS at national scale ({datetime.date.today()})",
        "",
        f"`bench/mhsds_run.py --admissions {args.admissions} --community {args.community} --start {args.start} "
        f"--extract-date {args.extract_date} --month {args.month}` on {os.cpu_count()} cores ({cpu}). "
        f"MHS101Referral: {referral_rows:,} rows. One file per table per month.",
        "",
        "| format | job | wall (s) | peak memory (MiB) | note |",
        "|---|---|---:|---:|---|",
    ]
    for fmt, job, wall, peak, note in rows:
        lines.append(f"| {fmt} | {job} | {wall:.1f} | {peak:,.0f} | {note} |")
    lines += [""] + [f"- {n}" for n in notes] + [""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
