#!/usr/bin/env python3
"""An independent computation of oapstat's public-health statistics (src/stats/) with SciPy.

Draws a few thousand random inputs (proportions, crude rates, directly age-standardised rates;
confidence 0.95 and 0.998; edges such as 0 events, x = n, 9 and 10 events, no denominator, fewer
than 10 events in all bands) and computes each with SciPy's normal and chi-square quantiles
(scipy.stats.norm.ppf, scipy.stats.chi2.ppf), following PHEindicatormethods' formulas
(R/Proportions.R, R/Rates.R, R/DSR.R, R/utils.R). It writes them to tests/data/stats/scipy.csv,
which the unit test `stats::tests::agrees_with_scipy_on_random_inputs` checks the crate against
row by row to 1e-9 (relative). CI runs that test, and this script with --check, which recomputes
every row with the SciPy installed and fails if the checked-in file does not hold those values.

Regenerate (the seed is fixed, so the same SciPy writes the same file):

    python3 -m pip install scipy
    python3 bench/stats_compare.py            # writes tests/data/stats/scipy.csv
    python3 bench/stats_compare.py --check    # exits 1 if the checked-in file differs (to 1e-12)

Columns: kind (proportion, rate, dsr), x, n, multiplier, confidence, value, lower, upper. For a
dsr, x and n are the 19 ESP 2013 bands' counts and populations joined by ';' (a population of 0
is a band left out, with no events). Empty value, lower and upper: no value (no denominator, or a
standardised rate of fewer than 10 events).
"""

import argparse
import io
import math
import os
import sys

import numpy as np
from scipy.stats import chi2, norm

ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500,
           5000, 4000, 2500, 1500, 1000]
SEED = 28
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "stats",
                   "scipy.csv")


def z(confidence):
    return norm.ppf(confidence + (1 - confidence) / 2)


def wilson(x, n, confidence):
    if n == 0:
        return None
    zz = z(confidence)
    spread = zz * math.sqrt(zz * zz + 4 * x * (1 - x / n))
    return (x / n,
            (2 * x + zz * zz - spread) / 2 / (n + zz * zz),
            (2 * x + zz * zz + spread) / 2 / (n + zz * zz))


def byars_lower(x, confidence):
    return x * (1 - 1 / (9 * x) - z(confidence) / (3 * math.sqrt(x))) ** 3


def byars_upper(x, confidence):
    return (x + 1) * (1 - 1 / (9 * (x + 1)) + z(confidence) / (3 * math.sqrt(x + 1))) ** 3


def rate(x, n, multiplier, confidence):
    if n <= 0:
        return None
    if x < 10:
        lower = chi2.ppf((1 - confidence) / 2, 2 * x) / 2 if x > 0 else 0.0
        upper = chi2.ppf(confidence + (1 - confidence) / 2, 2 * x + 2) / 2
    else:
        lower, upper = byars_lower(x, confidence), byars_upper(x, confidence)
    return (x / n * multiplier, lower / n * multiplier, upper / n * multiplier)


def dsr(counts, populations, multiplier, confidence):
    rows = [(x, n, w) for x, n, w in zip(counts, populations, ESP2013) if n > 0]
    total = sum(x for x, _, _ in rows)
    if total < 10:
        return None
    weights = sum(w for _, _, w in rows)
    value = sum(x * w / n for x, n, w in rows) / weights * multiplier
    var = sum(x * (w / n) ** 2 for x, n, w in rows) / weights ** 2
    spread = math.sqrt(var / total) * multiplier
    return (value,
            value + spread * (byars_lower(total, confidence) - total),
            value + spread * (byars_upper(total, confidence) - total))


def log_uniform_int(rng, low, high):
    return int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))


def rows():
    rng = np.random.default_rng(SEED)
    confidences = (0.95, 0.998)
    out = []

    # Proportions: denominators from 1 to 10 million, numerators anywhere in [0, n], edges.
    for i in range(1200):
        n = log_uniform_int(rng, 1, 10_000_000)
        edge = i % 10
        x = 0 if edge == 0 else n if edge == 1 else int(rng.integers(0, n + 1))
        if i % 100 == 2:
            n, x = 0, 0
        multiplier = 100 if i % 2 else 1
        confidence = confidences[(i // 2) % 2]
        out.append(("proportion", str(x), str(n), multiplier, confidence,
                    scaled(wilson(x, n, confidence), multiplier)))

    # Crude rates: counts around the exact/Byar boundary and far beyond, populations (some
    # fractional) from 1 to 100 million, more events than people now and then.
    for i in range(1200):
        if i % 3 == 0:
            x = int(rng.integers(0, 21))
        else:
            x = log_uniform_int(rng, 1, 1_000_000)
        n = float(log_uniform_int(rng, 1, 100_000_000))
        if i % 7 == 0:
            n = round(n * rng.uniform(0.5, 1.5), 3) or 0.5
        if i % 100 == 5:
            n = 0.0
        multiplier = (100_000, 1_000, 100)[i % 3]
        confidence = confidences[(i // 3) % 2]
        out.append(("rate", str(x), repr(n), multiplier, confidence,
                    rate(x, n, multiplier, confidence)))

    # Standardised rates: 19 bands, some left out (population 0, no events), totals from a
    # handful (no value) to thousands.
    for i in range(800):
        populations = [int(rng.integers(50, 60_000)) for _ in ESP2013]
        for band in range(19):
            if rng.random() < 0.1:
                populations[band] = 0
        scale = math.exp(rng.uniform(math.log(1e-5), math.log(5e-2)))
        counts = [int(rng.poisson(p * scale * (1 + band / 6))) if p else 0
                  for band, p in enumerate(populations)]
        multiplier = (100_000, 10_000)[i % 2]
        confidence = confidences[(i // 2) % 2]
        out.append(("dsr", ";".join(map(str, counts)), ";".join(map(str, populations)),
                    multiplier, confidence, dsr(counts, populations, multiplier, confidence)))
    return out


def scaled(interval, factor):
    return None if interval is None else tuple(v * factor for v in interval)


def render():
    text = io.StringIO()
    text.write("kind,x,n,multiplier,confidence,value,lower,upper\n")
    for kind, x, n, multiplier, confidence, interval in rows():
        values = ("", "", "") if interval is None else tuple(repr(float(v)) for v in interval)
        text.write(",".join([kind, x, n, str(multiplier), repr(confidence), *values]) + "\n")
    return text.getvalue()


def same_row(stored, computed):
    """The same inputs, and values equal to 1e-12 (another SciPy may differ in the last bits)."""
    if stored == computed:
        return True
    a, b = stored.split(","), computed.split(",")
    if a[:5] != b[:5] or len(a) != len(b):
        return False
    for x, y in zip(a[5:], b[5:]):
        if (x == "") != (y == ""):
            return False
        if x and abs(float(x) - float(y)) > 1e-12 * abs(float(y)):
            return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the checked-in file instead of writing it")
    args = parser.parse_args()
    text = render()
    if args.check:
        with open(OUT, encoding="utf-8") as f:
            stored = f.read().splitlines()
        computed = text.splitlines()
        if len(stored) != len(computed):
            print(f"{OUT}: {len(stored)} lines, this script computes {len(computed)}",
                  file=sys.stderr)
            return 1
        for line, (a, b) in enumerate(zip(stored, computed), 1):
            if not same_row(a, b):
                print(f"{OUT} line {line}: {a}\n  SciPy here computes: {b}", file=sys.stderr)
                return 1
        print(f"{os.path.normpath(OUT)}: {len(computed) - 1} rows as SciPy computes them")
        return 0
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {text.count(chr(10)) - 1} rows to {os.path.normpath(OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
