#!/usr/bin/env python3
"""Checks oapstat's XmR charts against the NHS's reference, NHSRplotthedots, through two
independent implementations of it:

- the `abspc` package (Aneurin Bevan University Health Board, rules aligned with
  NHSRplotthedots' `ptd_two_in_three` and friends) for the four rules;
- a line-by-line translation, below, of NHSRplotthedots' `R/ptd_spc_standard.R` (mean, moving
  ranges screened at or above 3.267 x their mean, limits) and of `ptd_special_cause_type` /
  `ptd_point_type` in `R/ptd_calculate_point_type.R` (which reading wins when several rules
  flag a point, and so improvement or concern).

Usage: spc_compare.py OAPSTAT [DATA_DIR] [MEASURE ...]
  Runs `OAPSTAT spc --measure M --format json` for each measure (default: los_median, oap_days,
  inappropriate_oap_days, bed_days) and checks every series, point by point: limits (to 1e-9),
  outside limits, shift, trend, two of three, and the signal.
Exits 1 on any difference.
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


def ptd_limits(baseline):
    """ptd_spc_standard: mean, moving ranges screened at or above 3.267 x their mean, limits."""
    mean = baseline.mean()
    mr = np.abs(np.diff(baseline))
    kept = mr[mr < 3.267 * mr.mean()]
    # A flat baseline keeps no range (R's mean of nothing is NaN); oapstat's limits are its mean.
    amr = kept.mean() if len(kept) else 0.0
    return mean, mean - 2.66 * amr, mean + 2.66 * amr


def ptd_point_type(y, mean, outside, shift, trend, two_in_three, improvement):
    """ptd_special_cause_type and ptd_point_type: each point's reading, in the reference's order."""
    rtm = np.sign(y - mean)
    sdy = np.sign(np.diff(y))
    # "if a point is part of a trend either side, use right side"
    right = np.append(sdy, sdy[-1:]) if len(sdy) else np.zeros(len(y))
    left = np.insert(sdy, 0, 0)
    next_in_trend = np.append(trend[1:], False)
    sdy = np.where(next_in_trend & trend, right, left)
    direction = np.zeros(len(y))
    for i in range(len(y)):
        if outside[i]:
            direction[i] = 1 if rtm[i] == 1 else -1
        elif trend[i]:
            direction[i] = 1 if sdy[i] == 1 else -1
        elif two_in_three[i] or shift[i]:
            direction[i] = 1 if rtm[i] > 0 else -1
    sign = {"up": 1, "down": -1, "neither": 0}[improvement]
    if sign == 0:
        return ["special_cause" if d else "common_cause" for d in direction]
    return [
        "improvement" if d * sign > 0 else "concern" if d * sign < 0 else "common_cause"
        for d in direction
    ]


def main():
    oapstat = sys.argv[1]
    data_dir = sys.argv[2] if len(sys.argv) > 2 else None
    measures = sys.argv[3:] or ["los_median", "oap_days", "inappropriate_oap_days", "bed_days"]
    disagreements = 0
    series_count = 0
    flagged = {"outside_limits": 0, "shift": 0, "trend": 0, "two_of_three": 0}

    def disagree(what, rows, where):
        nonlocal disagreements
        disagreements += 1
        print(f"DISAGREE {what}: periods {[rows[i]['period'] for i in where]}")

    for measure in measures:
        doc = run(oapstat, data_dir, measure)
        improvement = doc["parameters"]["improvement"]
        by_collab = {}
        for row in doc["rows"]:
            if row["value"] is not None:
                by_collab.setdefault(row["collaborative"], []).append(row)
        for collab, rows in by_collab.items():
            series_count += 1
            name = f"{measure} {collab}"
            x = np.array([r["value"] for r in rows], dtype=float)
            baseline = x[np.array([bool(r["baseline"]) for r in rows])]
            mean, lower, upper = ptd_limits(baseline)
            ours = (rows[0]["mean"], rows[0]["lower_limit"], rows[0]["upper_limit"])
            if not np.allclose(ours, (mean, lower, upper), rtol=1e-9, atol=1e-9):
                disagreements += 1
                print(f"DISAGREE {name} limits: oapstat {ours}, reference {(mean, lower, upper)}")
            m, ucl, lcl = (np.full(len(x), v) for v in (mean, upper, lower))
            theirs = {
                "outside_limits": ab._rule1_astronomical(x, ucl, lcl),
                "shift": ab._rule2_shift(x, m, run_length=7),
                "trend": ab._rule3_trend(x, run_length=7),
                "two_of_three": ab._rule4_two_in_three(
                    x, m, ucl, lcl, m + (ucl - m) * 2 / 3, m - (m - lcl) * 2 / 3
                ),
            }
            for rule, flags in theirs.items():
                ours = np.array([bool(r[rule]) for r in rows])
                flagged[rule] += int(ours.sum())
                if not np.array_equal(ours, flags):
                    disagree(f"{name} {rule}", rows, np.nonzero(ours != flags)[0])
            signals = ptd_point_type(x, mean, *theirs.values(), improvement)
            ours = [r["signal"] for r in rows]
            if ours != signals:
                disagree(f"{name} signal", rows, [i for i in range(len(x)) if ours[i] != signals[i]])
            print(
                f"{measure:24} {collab}: {len(x)} points; outside/shift/trend/two-of-three"
                f" {'/'.join(str(int(f.sum())) for f in theirs.values())}; signals"
                f" {sum(s != 'common_cause' for s in signals)}; limits {lower:.2f}..{upper:.2f}"
            )
    print(
        f"{series_count} series compared; points flagged by oapstat: "
        + ", ".join(f"{k} {v}" for k, v in flagged.items())
        + f"; disagreements: {disagreements}"
    )
    if series_count == 0:
        print("no series to compare")
        sys.exit(1)
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
