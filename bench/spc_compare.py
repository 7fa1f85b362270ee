#!/usr/bin/env python3
"""Checks oapstat's XmR charts against the NHS's reference, NHSRplotthedots, through two
independent implementations of it:

- the `abspc` package (Aneurin Bevan University Health Board, rules aligned with
  NHSRplotthedots' `ptd_two_in_three` and friends) for the four rules, section by section;
- a line-by-line translation, below, of NHSRplotthedots' R code (v0.2.0, github.com/nhs-r-community/
  NHSRplotthedots): `ptd_add_rebase_column` (R/ptd_add_rebase_column.R), `ptd_spc_standard`
  (R/ptd_spc_standard.R: rebase groups, `fix_after_n_points` counted within each, mean, moving
  ranges screened at or above 3.267 x their mean, limits, close to limits), `ptd_special_cause_type`
  and `ptd_point_type` with their helpers (R/ptd_calculate_point_type.R), `ptd_calculate_assurance_type`
  (R/ptd_calculate_assurance_type.R), `summary.ptd_spc_df` (R/ptd_spc.R) and the variation icon of
  `ptd_get_icons` (R/geom_ptd_icon.R). R's NA logic is kept: a logical NA is None, and `case_when`
  reads NA as not matching.

Usage:
  spc_compare.py OAPSTAT [DATA_DIR] [MEASURE ...] [--rebase YYYY-MM ...] [--target X]
                 [--baseline-months N] [--improvement up|down|neither]
      Runs `OAPSTAT spc --measure M --format json` for each measure (default: los_median,
      oap_days, inappropriate_oap_days, inappropriate_oaps_active_end, bed_days) with the options
      given, the data folder's targets.csv and rebase.csv applying as oapstat applies them.
  spc_compare.py OAPSTAT --generated SEED
      Writes extracts whose monthly OAP days are designed series (random ones, a flat stretch, a
      late one-point section), rebases them (rebase.csv), then places targets on, inside and
      outside each series' last limits (targets.csv: exactly on the upper and on the lower limit
      among them) and checks runs with each direction of improvement and with a fixed baseline.

Every series is checked point by point: its section, mean and limits (to 1e-9; where the
reference's limits are NaN, a section without spread, oapstat's sit on the mean), outside limits,
shift, trend, two of three and the signal; per series the variation and the assurance; per section
the reference's summary (mean, limits, n, common cause, improvement and concern counts, variation).
Exits 1 on any difference.
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
from abspc import spc as ab

NA = None  # R's logical NA


# --- R's three-valued logic -------------------------------------------------------------------

def r_and(a, b):
    if a is False or b is False:
        return False
    if a is NA or b is NA:
        return NA
    return True


def r_or(a, b):
    if a is True or b is True:
        return True
    if a is NA or b is NA:
        return NA
    return False


def r_not(a):
    return NA if a is NA else not a


def r_gt(a, b):
    return NA if math.isnan(a) or math.isnan(b) else a > b


def r_lt(a, b):
    return NA if math.isnan(a) or math.isnan(b) else a < b


def r_mean_na_rm(xs):
    kept = [x for x in xs if x is not None]
    # R's mean of nothing is NaN. Summed in order, as oapstat sums.
    return sum(kept) / len(kept) if kept else math.nan


def r_sign(x):
    if math.isnan(x):
        return math.nan
    return (x > 0) - (x < 0)


def r_sum(xs):
    """sum() of a numeric/logical vector: NA if any element is NA."""
    if any(x is NA for x in xs):
        return NA
    return sum(float(x) for x in xs)


# --- R/ptd_add_rebase_column.R, R/ptd_spc_standard.R ---------------------------------------------

def ptd_spc_standard(y, rebase, fix_after_n_points):
    """One facet, arranged by date. Returns per point: rebase_group, mean_col, lpl, upl,
    outside_limits, relative_to_mean, close_to_limits."""
    limit = 2.66
    limitclose = 2 * (limit / 3)
    groups = []
    g = 0
    for r in rebase:  # rebase_group = cumsum(rebase)
        g += r
        groups.append(g)
    out = [None] * len(y)
    for group in sorted(set(groups)):
        idx = [i for i in range(len(y)) if groups[i] == group]
        gy = [y[i] for i in idx]
        fix = fix_after_n_points if fix_after_n_points is not None else math.inf
        fix_y = [v if k + 1 <= fix else None for k, v in enumerate(gy)]
        mean_col = r_mean_na_rm(fix_y)
        mr = [None] + [
            abs(b - a) if a is not None and b is not None else None for a, b in zip(fix_y, fix_y[1:])
        ]
        amr = r_mean_na_rm(mr)
        # case_when(mr < 3.267 * amr ~ mr, TRUE ~ NA)
        mr = [m if m is not None and r_lt(m, 3.267 * amr) is True else None for m in mr]
        amr = r_mean_na_rm(mr)
        lpl = mean_col - (limit * amr)
        upl = mean_col + (limit * amr)
        nlpl = mean_col - (limitclose * amr)
        nupl = mean_col + (limitclose * amr)
        for i, v in zip(idx, gy):
            outside = r_or(r_gt(v, upl), r_lt(v, lpl))
            rtm = r_sign(v - mean_col)
            close = r_and(r_not(outside), r_or(r_lt(v, nlpl), r_gt(v, nupl)))
            out[i] = dict(rebase_group=group, mean_col=mean_col, lpl=lpl, upl=upl,
                          outside_limits=outside, relative_to_mean=rtm, close_to_limits=close)
    return out


# --- R/ptd_calculate_point_type.R ------------------------------------------------------------

def ptd_seven_point_one_side_mean(v):
    vp = [0] * 6 + list(v)
    return [1 if all(vp[i] == vp[i - k] for k in range(1, 7)) and vp[i] != 0 else 0
            for i in range(6, len(vp))]


def ptd_part_of_seven_trend(v):
    vp = list(v) + [0] * 6
    return [1 if any(abs(vp[i + k]) == 1 for k in range(7)) else 0 for i in range(len(v))]


def ptd_seven_point_trend(y):
    if len(y) < 7:
        return [0] * len(y)
    out = [0] * 6
    for i in range(6, len(y)):
        window = [y[i - k] for k in range(7)]  # y[i - 0:6]
        d = [-r_sign(b - a) for a, b in zip(window, window[1:])]  # sign(diff(.)) * -1
        out.append(1 if all(x == 1 for x in d) else -1 if all(x == -1 for x in d) else 0)
    return out


def ptd_two_in_three(v, rtm):
    if len(v) == 0:
        return []
    vp = [0, 0] + list(v) + [0, 0]
    rtmp = [0, 0] + list(rtm) + [0, 0]

    def window(i, a, b):
        s = r_sum(vp[i + a:i + b + 1])
        t = r_sum(rtmp[i + a:i + b + 1])
        at_least_two = NA if s is NA else s >= 2
        one_side = NA if t is NA or (isinstance(t, float) and math.isnan(t)) else abs(t) == 3
        return r_and(at_least_two, one_side)

    out = []
    for i in range(len(v)):  # R's i is 1-based: vp[i + 0:2] is 0-based i..i+2
        r = r_or(r_or(window(i, 0, 2), window(i, 1, 3)), window(i, 2, 4))
        out.append(NA if r is NA else int(r))
    return out


def ptd_part_of_two_in_three(v, x):
    out = []
    for a, b in zip(v, x):
        eq = NA if a is NA else a == 1
        one = NA if b is NA else abs(int(b)) == 1
        r = r_and(eq, one)
        out.append(NA if r is NA else int(r))
    return out


def ptd_special_cause_type(y, relative_to_mean, close_to_limits, outside_limits):
    part_trend = ptd_part_of_seven_trend(ptd_seven_point_trend(y))
    part_two = ptd_part_of_two_in_three(ptd_two_in_three(close_to_limits, relative_to_mean),
                                        close_to_limits)
    part_side = ptd_part_of_seven_trend(ptd_seven_point_one_side_mean(relative_to_mean))
    sdy = [r_sign(b - a) for a, b in zip(y, y[1:])]
    right = sdy + sdy[-1:]
    left = [0] + sdy
    test = [bool(a) and bool(b) for a, b in zip(part_trend[1:] + [0], part_trend)]
    sdy = [(right[i] if i < len(right) else math.nan) if test[i] else left[i] for i in range(len(y))]
    types = []
    for i in range(len(y)):
        above_or_below = "Above" if relative_to_mean[i] > 0 else "Below"
        if outside_limits[i] is not NA and outside_limits[i] != 0:
            types.append("Above UCL" if relative_to_mean[i] == 1 else "Below LCL")
        elif part_trend[i] != 0:
            types.append("7 Point Trend (" + ("In" if sdy[i] == 1 else "De") + "creasing)")
        elif part_two[i] is not NA and part_two[i] != 0:
            types.append("2 in 3 " + above_or_below + " CL")
        elif part_side[i] != 0:
            types.append("7 Points " + above_or_below + " CL")
        else:
            types.append("Common Cause")
    rules = dict(outside_limits=[o is True for o in outside_limits],
                 trend=[bool(t) for t in part_trend],
                 two_of_three=[t is not NA and t == 1 for t in part_two],
                 shift=[bool(s) for s in part_side])
    return types, rules


def ptd_point_type(special_cause_type, improvement_direction):
    v = [1 if ("Above" in t or "Increasing" in t) else -1 if ("Below" in t or "Decreasing" in t)
         else 0 for t in special_cause_type]
    if improvement_direction == 0:
        return ["special_cause_neutral_high" if x > 0 else "special_cause_neutral_low" if x < 0
                else "common_cause" for x in v]
    v = [x * improvement_direction for x in v]
    return ["special_cause_improvement" if x > 0 else "special_cause_concern" if x < 0
            else "common_cause" for x in v]


# --- R/ptd_calculate_assurance_type.R, summary.ptd_spc_df, ptd_get_icons ----------------------

def ptd_calculate_assurance_type(last_row, target, improvement_direction):
    """The facet's last row; `target` None when the run has none (options$target NULL)."""
    if target is None or improvement_direction == "neutral":
        return None
    is_increasing = improvement_direction == "increase"
    if r_gt(target, last_row["upl"]) is True:
        return "consistent_fail" if is_increasing else "consistent_pass"
    if r_lt(target, last_row["lpl"]) is True:
        return "consistent_pass" if is_increasing else "consistent_fail"
    return "inconsistent"


def variation_icon(point_type, improvement_direction):
    if point_type == "common_cause":
        return "common_cause"
    if point_type.startswith("special_cause_neutral_"):
        return "neutral_" + point_type.rsplit("_", 1)[1]
    if point_type == "special_cause_concern":
        return "concern_" + ("low" if improvement_direction == "increase" else "high")
    return "improvement_" + ("high" if improvement_direction == "increase" else "low")


def ptd_spc(y, rebase, fix_after_n_points, improvement_direction, target):
    """One facet through ptd_spc.data.frame, summary() and the icons."""
    direction = {"increase": 1, "neutral": 0, "decrease": -1}[improvement_direction]
    rows = ptd_spc_standard(y, rebase, fix_after_n_points)
    groups = sorted(set(r["rebase_group"] for r in rows))
    rules = {k: [] for k in ("outside_limits", "trend", "two_of_three", "shift")}
    point_type = []
    for group in groups:  # ptd_calculate_point_type groups by (f, rebase_group)
        idx = [i for i, r in enumerate(rows) if r["rebase_group"] == group]
        types, group_rules = ptd_special_cause_type(
            [y[i] for i in idx], [rows[i]["relative_to_mean"] for i in idx],
            [rows[i]["close_to_limits"] for i in idx], [rows[i]["outside_limits"] for i in idx])
        for k in rules:
            rules[k].extend(group_rules[k])
        point_type.extend(ptd_point_type(types, direction))
    summary = []
    for group in groups:
        idx = [i for i, r in enumerate(rows) if r["rebase_group"] == group]
        first = rows[idx[0]]
        summary.append(dict(
            mean_col=first["mean_col"], lpl=first["lpl"], upl=first["upl"], n=len(idx),
            common_cause=sum(point_type[i] == "common_cause" for i in idx),
            special_cause_improvement=sum(point_type[i] == "special_cause_improvement" for i in idx),
            special_cause_concern=sum(point_type[i] == "special_cause_concern" for i in idx),
            variation_type=point_type[idx[-1]]))
    assurance = ptd_calculate_assurance_type(rows[-1], target, improvement_direction)
    summary[-1]["assurance_type"] = assurance
    return dict(rows=rows, rules=rules, point_type=point_type, summary=summary,
                variation=variation_icon(point_type[-1], improvement_direction),
                assurance=assurance)


# --- oapstat's side ---------------------------------------------------------------------------

SIGNAL = {"common_cause": "common_cause", "special_cause_improvement": "improvement",
          "special_cause_concern": "concern", "special_cause_neutral_high": "special_cause",
          "special_cause_neutral_low": "special_cause"}
VARIATION = {"neutral_high": "neither_high", "neutral_low": "neither_low"}
DIRECTION = {"up": "increase", "down": "decrease", "neither": "neutral"}


def run_oapstat(oapstat, data_dir, measure, extra):
    args = [oapstat, "spc", "--measure", measure, "--format", "json", "--quiet", *extra]
    if data_dir:
        args += ["--data", data_dir]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def read_rows(path):
    if not path or not os.path.isfile(path):
        return []
    with open(path, newline="") as f:
        return [{k.strip().lower(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]


def covers(pattern, value):
    return pattern == "*" or pattern.lower() == value.lower()


def targets_for(rows, collab, measure, cli_target):
    """The target and its improvement: --target, else the collaborative's row, else the * row."""
    if cli_target is not None:
        return cli_target, None
    own = [r for r in rows if r["measure"] == measure and r["collaborative"] != "*"
           and covers(r["collaborative"], collab)]
    star = [r for r in rows if r["measure"] == measure and r["collaborative"] == "*"]
    row = (own or star or [None])[0]
    if row is None:
        return None, None
    return float(row["target"]), row.get("improvement") or None


def rebase_months(rows, collab, measure, cli_months):
    if cli_months:
        return {m.split("=", 1)[0] for m in cli_months}
    return {r["month"] for r in rows if covers(r["collaborative"], collab) and covers(r["measure"], measure)}


class Check:
    def __init__(self):
        self.disagreements = 0
        self.series = 0
        self.flagged = {"outside_limits": 0, "shift": 0, "trend": 0, "two_of_three": 0}
        self.assured = {}
        self.sections = 0

    def disagree(self, text):
        self.disagreements += 1
        print("DISAGREE " + text)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def compare(check, doc, measure, targets_rows, rebase_rows, opts):
    improvement = doc["parameters"]["improvement"]
    by_collab = {}
    for row in doc["rows"]:
        if row["value"] is not None:
            by_collab.setdefault(row["collaborative"], []).append(row)
    series_meta = {s["collaborative"]: s for s in doc["series"]}
    for collab, rows in by_collab.items():
        check.series += 1
        name = f"{measure} {collab}"
        y = [float(r["value"]) for r in rows]
        target, target_improvement = targets_for(targets_rows, collab, measure, opts.target)
        series_improvement = opts.improvement or target_improvement or improvement
        if series_improvement != series_meta[collab]["improvement"]:
            check.disagree(f"{name} improvement: oapstat {series_meta[collab]['improvement']}, expected {series_improvement}")
        months = rebase_months(rebase_rows, collab, measure, opts.rebase)
        rebase = [1 if r["period"] in months else 0 for r in rows]  # ptd_add_rebase_column: %in%
        ref = ptd_spc(y, rebase, opts.baseline_months, DIRECTION[series_improvement], target)
        # Sections: oapstat numbers them from 1 in order; the reference's groups are cumsums.
        group_order = {g: k + 1 for k, g in enumerate(sorted(set(r["rebase_group"] for r in ref["rows"])))}
        for i, (ours, theirs) in enumerate(zip(rows, ref["rows"])):
            where = f"{name} {ours['period']}"
            if ours["section"] != group_order[theirs["rebase_group"]]:
                check.disagree(f"{where} section: oapstat {ours['section']}, reference {group_order[theirs['rebase_group']]}")
            lpl, upl = theirs["lpl"], theirs["upl"]
            if math.isnan(lpl):  # no spread: oapstat's limits sit on the mean
                lpl = upl = theirs["mean_col"]
            if not all(close(a, b) for a, b in zip((ours["mean"], ours["lower_limit"], ours["upper_limit"]), (theirs["mean_col"], lpl, upl))):
                check.disagree(f"{where} limits: oapstat {(ours['mean'], ours['lower_limit'], ours['upper_limit'])}, reference {(theirs['mean_col'], lpl, upl)}")
            if not close(ours["target"], target):
                check.disagree(f"{where} target: oapstat {ours['target']}, given {target}")
        for rule, flags in ref["rules"].items():
            ours = [bool(r[rule]) for r in rows]
            check.flagged[rule] += sum(ours)
            if ours != flags:
                check.disagree(f"{name} {rule}: periods {[rows[i]['period'] for i in range(len(y)) if ours[i] != flags[i]]}")
        # abspc's rules, section by section, as a second reading of the rules.
        for g in group_order:
            idx = [i for i, r in enumerate(ref["rows"]) if r["rebase_group"] == g]
            x = np.array([y[i] for i in idx])
            m = np.full(len(x), ref["rows"][idx[0]]["mean_col"])
            lo, hi = ref["rows"][idx[0]]["lpl"], ref["rows"][idx[0]]["upl"]
            theirs = {"shift": ab._rule2_shift(x, m, run_length=7), "trend": ab._rule3_trend(x, run_length=7)}
            if not math.isnan(lo):
                ucl, lcl = np.full(len(x), hi), np.full(len(x), lo)
                theirs["outside_limits"] = ab._rule1_astronomical(x, ucl, lcl)
                theirs["two_of_three"] = ab._rule4_two_in_three(x, m, ucl, lcl, m + (ucl - m) * 2 / 3, m - (m - lcl) * 2 / 3)
            for rule, flags in theirs.items():
                ours = np.array([bool(rows[i][rule]) for i in idx])
                if not np.array_equal(ours, np.asarray(flags, dtype=bool)):
                    check.disagree(f"{name} section {group_order[g]} {rule} (abspc)")
        signals = [SIGNAL[t] for t in ref["point_type"]]
        ours = [r["signal"] for r in rows]
        if ours != signals:
            check.disagree(f"{name} signal: periods {[rows[i]['period'] for i in range(len(y)) if ours[i] != signals[i]]}")
        variation = VARIATION.get(ref["variation"], ref["variation"])
        meta = series_meta[collab]
        for place, got in (("rows", rows[-1]["variation"]), ("series", meta["variation"])):
            if got != variation:
                check.disagree(f"{name} variation ({place}): oapstat {got}, reference {variation}")
        assurance = ref["assurance"]
        for place, got in (("rows", rows[-1]["assurance"]), ("series", meta["assurance"])):
            if got != assurance:
                check.disagree(f"{name} assurance ({place}): oapstat {got}, reference {assurance}")
        check.assured[str(assurance)] = check.assured.get(str(assurance), 0) + 1
        ours_sections = meta["sections"]
        if len(ours_sections) != len(ref["summary"]):
            check.disagree(f"{name} sections: oapstat {len(ours_sections)}, reference {len(ref['summary'])}")
        for ours, theirs in zip(ours_sections, ref["summary"]):
            check.sections += 1
            lpl, upl = (theirs["mean_col"],) * 2 if math.isnan(theirs["lpl"]) else (theirs["lpl"], theirs["upl"])
            pairs = [("mean", theirs["mean_col"]), ("lower_limit", lpl), ("upper_limit", upl)]
            counts = [("points", "n"), ("common_cause", "common_cause"),
                      ("improvement", "special_cause_improvement"), ("concern", "special_cause_concern")]
            bad = [k for k, v in pairs if not close(ours[k], v)]
            bad += [k for k, t in counts if ours[k] != theirs[t]]
            icon = variation_icon(theirs["variation_type"], DIRECTION[series_improvement])
            if ours["variation"] != VARIATION.get(icon, icon):
                bad.append("variation")
            if bad:
                check.disagree(f"{name} section {ours['section']} summary {bad}: oapstat {ours}, reference {theirs}")
        print(f"{measure:30} {collab}: {len(y)} points, {len(ref['summary'])} section(s); "
              f"signals {sum(s != 'common_cause' for s in signals)}; variation {variation}; "
              f"target {target}; assurance {assurance}")


def check_runs(oapstat, data_dir, measures, opts, check):
    extra = []
    for month in opts.rebase or []:
        extra += ["--rebase", month]
    if opts.target is not None:
        extra += ["--target", repr(opts.target)]
    if opts.baseline_months is not None:
        extra += ["--baseline-months", str(opts.baseline_months)]
    if opts.improvement:
        extra += ["--improvement", opts.improvement]
    folder = data_dir or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    targets_rows = [] if opts.target is not None else read_rows(os.path.join(folder, "targets.csv"))
    rebase_rows = [] if opts.rebase else read_rows(os.path.join(folder, "rebase.csv"))
    for measure in measures:
        doc = run_oapstat(oapstat, data_dir, measure, extra)
        compare(check, doc, measure, targets_rows, rebase_rows, opts)


# --- designed series --------------------------------------------------------------------------

def month_add(d, k):
    y, m = divmod(d.month - 1 + k, 12)
    return dt.date(d.year + y, m + 1, 1)


def write_extracts(folder, series, start):
    """Each month of each series becomes out-of-area stays (at most 25 nights each, inside the
    month) summing to the value: oap_days of that month is the value."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "admissions.csv"), "w", newline="") as a, \
            open(os.path.join(folder, "placements.csv"), "w", newline="") as p:
        aw, pw = csv.writer(a), csv.writer(p)
        aw.writerow(["admission_id", "patient_id", "collaborative", "service_line", "admission_date", "discharge_date", "provider_code"])
        pw.writerow(["placement_id", "admission_id", "start_date", "end_date", "provider_code", "out_of_area", "oap_reason", "distance_km", "daily_cost"])
        n = 0
        for collab, values in series.items():
            for k, v in enumerate(values):
                first = month_add(start, k)
                # An in-area stay of one night each month, so no month is without a discharge.
                stays = [(0, 1, "N")]
                left, day = v, 1
                while left > 0:
                    nights = min(25, left)
                    stays.append((day, nights, "Y"))
                    left -= nights
                    day = (day + 1) % 3
                for offset, nights, oap in stays:
                    n += 1
                    s = first + dt.timedelta(days=offset)
                    e = s + dt.timedelta(days=nights)
                    aw.writerow([f"A{n}", f"P{n}", collab, "adult_acute", s, e, "RXX01"])
                    pw.writerow([f"P{n}", f"A{n}", s, e, "NPX01" if oap == "Y" else "RXX01", oap, "10" if oap == "Y" else "", "50", ""])
    with open(os.path.join(folder, "collaboratives.csv"), "w") as f:
        f.write("collaborative,name,lead_provider,population\n")
        for collab in series:
            f.write(f"{collab},{collab} collaborative,R{collab},100000\n")


def generated(oapstat, seed, check):
    rng = random.Random(seed)
    start = dt.date(2023, 4, 1)
    months = 30
    series, rebases = {}, []
    label = lambda k: month_add(start, k).strftime("%Y-%m")
    for c in range(12):
        collab = f"G{c:02d}"
        level = rng.choice([20, 60, 150, 400])
        values = [max(0, int(rng.gauss(level, level ** 0.5 * rng.choice([0.5, 1, 2])))) for _ in range(months)]
        if c % 4 == 1:  # a step up or down after a change
            cut = rng.randrange(8, 22)
            values[cut:] = [max(0, v + rng.choice([-1, 1]) * level // 2) for v in values[cut:]]
            rebases.append((collab, "oap_days", label(cut), "new pathway"))
        if c % 4 == 2:  # a flat stretch as a section of its own, last
            values[-7:] = [level] * 7
            rebases.append((collab, "oap_days", label(months - 7), "flat"))
        if c % 4 == 3:  # a one-point last section, and a trend in the middle
            values[2:11] = [level + 5 * k for k in range(9)]
            rebases.append((collab, "oap_days", label(months - 1), "one point"))
        for _ in range(rng.randrange(0, 3)):
            rebases.append((collab, "*", label(rng.randrange(1, months)), "random"))
        series[collab] = values
    # A rebase for every collaborative at once.
    rebases.append(("*", "*", label(months // 2), "for all"))
    work = tempfile.mkdtemp(prefix="spc-compare-")
    data = os.path.join(work, "data")
    write_extracts(data, series, start)
    seen = set()
    with open(os.path.join(data, "rebase.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["collaborative", "measure", "month", "reason"])
        for row in rebases:
            if row[:3] not in seen:
                seen.add(row[:3])
                w.writerow(row)
    base = argparse.Namespace(rebase=None, target=None, baseline_months=None, improvement=None)
    # First without targets: the last sections' limits place the targets.
    doc = run_oapstat(oapstat, data, "oap_days", [])
    placements = ["upper", "lower", "inside", "above", "below", "upper", "lower"]
    with open(os.path.join(data, "targets.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["collaborative", "measure", "target", "improvement"])
        for k, s in enumerate(doc["series"]):
            last = s["sections"][-1]
            where = placements[k % len(placements)]
            target = {"upper": last["upper_limit"], "lower": last["lower_limit"], "inside": last["mean"],
                      "above": last["upper_limit"] + 1, "below": last["lower_limit"] - 1}[where]
            improvement = ["down", "up", ""][k % 3]
            w.writerow([s["collaborative"], "oap_days", repr(target), improvement])
    for opts in (base,
                 argparse.Namespace(**{**vars(base), "baseline_months": 6}),
                 argparse.Namespace(**{**vars(base), "improvement": "neither"}),
                 argparse.Namespace(**{**vars(base), "improvement": "up", "baseline_months": 1})):
        print(f"-- generated seed {seed}: {json.dumps({k: v for k, v in vars(opts).items() if v is not None})}")
        check_runs(oapstat, data, ["oap_days"], opts, check)
    subprocess.run(["rm", "-rf", work], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("oapstat")
    parser.add_argument("data_dir", nargs="?")
    parser.add_argument("measures", nargs="*")
    parser.add_argument("--rebase", action="append")
    parser.add_argument("--target", type=float)
    parser.add_argument("--baseline-months", type=int)
    parser.add_argument("--improvement", choices=["up", "down", "neither"])
    parser.add_argument("--generated", type=int, metavar="SEED")
    opts = parser.parse_args()
    check = Check()
    if opts.generated is not None:
        generated(opts.oapstat, opts.generated, check)
    else:
        measures = opts.measures or ["los_median", "oap_days", "inappropriate_oap_days",
                                     "inappropriate_oaps_active_end", "bed_days"]
        check_runs(opts.oapstat, opts.data_dir, measures, opts, check)
    print(f"{check.series} series, {check.sections} sections compared; points flagged by oapstat: "
          + ", ".join(f"{k} {v}" for k, v in check.flagged.items())
          + "; assurance " + ", ".join(f"{k} {v}" for k, v in sorted(check.assured.items()))
          + f"; disagreements: {check.disagreements}")
    if check.series == 0:
        print("no series to compare")
        sys.exit(1)
    sys.exit(1 if check.disagreements else 0)


if __name__ == "__main__":
    main()
