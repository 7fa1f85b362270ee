#!/usr/bin/env python3
"""Compares every figure of two rates JSON documents ({"rows": [...]}), oapstat's and DuckDB's.

Usage: compare_rates.py OAPSTAT_JSON DUCKDB_JSON
Exits 1 and lists the differences when any figure differs (integers exactly, other numbers to a
relative 1e-9), 0 when all agree.
"""
import json
import math
import sys


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def main():
    ours = json.load(open(sys.argv[1]))["rows"]
    theirs = json.load(open(sys.argv[2]))["rows"]
    key = lambda r: (r["collaborative"], r["period"])
    theirs_by_key = {key(r): r for r in theirs}
    differences = []
    if len(ours) != len(theirs):
        differences.append(f"row count: oapstat {len(ours)}, duckdb {len(theirs)}")
    compared = 0
    for row in ours:
        other = theirs_by_key.get(key(row))
        if other is None:
            differences.append(f"{key(row)}: missing in duckdb")
            continue
        for field, value in row.items():
            if field not in other:
                differences.append(f"{key(row)} {field}: missing in duckdb")
            elif not close(value, other[field]):
                differences.append(f"{key(row)} {field}: oapstat {value}, duckdb {other[field]}")
            compared += 1
    if differences:
        print(f"{len(differences)} differences in {compared} figures:")
        for d in differences[:50]:
            print("  " + d)
        sys.exit(1)
    print(f"all {compared} figures of {len(ours)} rows agree")


if __name__ == "__main__":
    main()
