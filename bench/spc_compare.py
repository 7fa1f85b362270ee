#!/usr/bin/env python3
"""Compares oapstat's XmR charts with an independent Making Data Count implementation: the
`abspc` package (Aneurin Bevan University Health Board, rules aligned with NHSRplotthedots).

Usage: spc_compare.py OAPSTAT [DATA_DIR] [MEASURE ...]
  Runs `OAPSTAT spc --measure M --format json` for each measure (default: los_median, oap_days,
  inappropriate_oap_days) and checks every series:
  1. rule logic: abspc's rule functions, given oapstat's mean and limits and DOMAIN.md's run
     length of 7, must flag exactly the points oapstat flags (outside limits, shift, trend);
  2. limits: abspc's own limits (no moving-range screening, 3/1.128 instead of 2.66) against
     oapstat's, reported with the reason for any difference.
Two-in-three is reported, not enforced: abspc (like NHSRplotthedots) does not count points
beyond the limits and needs all three points on one side; DOMAIN.md counts any point beyond two
thirds of the way to a limit.
Exits 1 if the rule logic disagrees anywhere.
"""
import json
import subprocess
import sys

import numpy as np
from abspc import spc as ab


def run(oapstat, data_dir, measure):
    args = [oapstat, "spc", "--measure", measure, "--format", "json", "--quiet"]
    if data_dir:
        args += ["--data", data_dir]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def main():
    oapstat = sys.argv[1]
    data_dir = sys.argv[2] if len(sys.argv) > 2 else None
    measures = sys.argv[3:] or ["los_median", "oap_days", "inappropriate_oap_days"]
    disagreements = 0
    series_count = 0
    for measure in measures:
        doc = run(oapstat, data_dir, measure)
        by_collab = {}
        for row in doc["rows"]:
            if row["value"] is not None:
                by_collab.setdefault(row["collaborative"], []).append(row)
        for collab, rows in by_collab.items():
            series_count += 1
            x = np.array([r["value"] for r in rows], dtype=float)
            mean = np.full(len(x), rows[0]["mean"])
            ucl = np.full(len(x), rows[0]["upper_limit"])
            lcl = np.full(len(x), rows[0]["lower_limit"])
            theirs = {
                "outside_limits": ab._rule1_astronomical(x, ucl, lcl),
                "shift": ab._rule2_shift(x, mean, run_length=7),
                "trend": ab._rule3_trend(x, run_length=7),
            }
            for rule, flags in theirs.items():
                ours = np.array([bool(r[rule]) for r in rows])
                if not np.array_equal(ours, flags):
                    disagreements += 1
                    where = [rows[i]["period"] for i in np.nonzero(ours != flags)[0]]
                    print(f"DISAGREE {measure} {collab} {rule}: periods {where}")
            uwl = mean + (ucl - mean) * 2 / 3
            lwl = mean - (mean - lcl) * 2 / 3
            ab_two = ab._rule4_two_in_three(x, mean, ucl, lcl, uwl, lwl)
            our_two = np.array([bool(r["two_of_three"]) for r in rows])
            extra = int((our_two & ~ab_two).sum())
            missing = int((~our_two & ab_two).sum())
            # abspc's own limits, without screening and with 3 / 1.128.
            frame = ab._calc_xmr(__import__("pandas").DataFrame({"value": x}), "value")
            their_upper = float(frame["ucl"].iloc[0])
            mr = np.abs(np.diff(x))
            screened = int((mr > 3.267 * mr.mean()).sum())
            diff = (their_upper - rows[0]["upper_limit"]) / abs(rows[0]["upper_limit"]) if rows[0]["upper_limit"] else 0.0
            print(
                f"{measure:24} {collab}: {len(x)} points; rules outside/shift/trend agree"
                f" ({sum(int(r['outside_limits']) for r in rows)}/{sum(int(r['shift']) for r in rows)}/{sum(int(r['trend']) for r in rows)} points);"
                f" two-of-three: oapstat {int(our_two.sum())}, abspc {int(ab_two.sum())} (+{extra}/-{missing});"
                f" upper limit oapstat {rows[0]['upper_limit']:.2f}, abspc {their_upper:.2f} ({diff:+.2%},"
                f" {screened} moving range{'s' if screened != 1 else ''} screened)"
            )
    print(f"{series_count} series compared; rule-logic disagreements: {disagreements}")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
