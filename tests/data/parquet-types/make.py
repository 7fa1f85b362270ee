#!/usr/bin/env python3
"""Writes the pyarrow-made Parquet files of the Parquet differential (tests/cli/parquet_types.rs).

Each `FIXTURE-VARIANT-{admissions,placements}.parquet` holds the rows of `FIXTURE-*.csv` with the
columns in the Arrow types VARIANT names; the test reads each through oapstat and checks that
`validate`, `rates`, `los` and `nhs` say exactly what they say of the CSV. Run from anywhere with
pyarrow installed (`pip install pyarrow`; made with pyarrow 26.0.1): `python3 make.py`. The output is
deterministic for a given pyarrow version; cargo test does not need Python.
"""

import csv
import decimal
import datetime as dt
import os
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))

TEXT = {
    "admissions": ["admission_id", "patient_id", "collaborative", "service_line", "provider_code"],
    "placements": ["placement_id", "admission_id", "provider_code", "oap_reason"],
}
IDS = {"admissions": ["admission_id", "patient_id"], "placements": ["placement_id", "admission_id"]}
DATES = {"admissions": ["admission_date", "discharge_date"], "placements": ["start_date", "end_date"]}
NUMBERS = ["distance_km", "daily_cost"]
FLAG = "out_of_area"


def read_csv(name):
    with open(os.path.join(HERE, name), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def text_cells(values):
    """An empty CSV cell is a null in even rows and an empty string in odd rows (both read as
    empty)."""
    return [v if v != "" else (None if i % 2 == 0 else "") for i, v in enumerate(values)]


def day(text):
    return dt.date.fromisoformat(text) if text else None


def timestamps(values, unit, tz, time):
    """Each date at `time` on its day, in zone `tz` (wall clock) when given."""
    zone = ZoneInfo(tz) if tz else None
    out = []
    for v in values:
        if not v:
            out.append(None)
            continue
        stamp = dt.datetime.combine(day(v), time)
        out.append(stamp.replace(tzinfo=zone) if zone else stamp)
    return pa.array(out, pa.timestamp(unit, tz=tz))


# Each variant: how text, ids, dates, flags and numbers are typed.
# text: an Arrow string type or "dictionary"; ids: None (as text) or an integer type;
# dates: ("text", "iso"|"uk"), ("date32"|"date64",) or ("timestamp", unit, tz, time);
# flag: "bool", "text" (Y/N) or an Arrow integer type (1/0); numbers: an Arrow type or "text".
BASE = dict(text=pa.string(), ids=None, dates=("date32",), flag="bool", numbers=pa.float64())
MIDNIGHT = dt.time(0, 0)
VARIANTS = {
    "strings": dict(BASE, dates=("text", "iso"), flag="text", numbers="text"),
    "large-strings": dict(BASE, text=pa.large_string(), dates=("text", "iso"), flag="text", numbers="text"),
    "string-views": dict(BASE, text=pa.string_view()),
    "dictionary": dict(BASE, text="dictionary"),
    # Extra columns of types oapstat cannot read (a decimal, a list, a time) are ignored.
    "typed": dict(BASE, extras=True),
    "uk-dates": dict(BASE, dates=("text", "uk")),
    "date64": dict(BASE, dates=("date64",)),
    "timestamp-s": dict(BASE, dates=("timestamp", "s", None, MIDNIGHT)),
    "timestamp-ms": dict(BASE, dates=("timestamp", "ms", None, MIDNIGHT)),
    "timestamp-us-utc": dict(BASE, dates=("timestamp", "us", "UTC", MIDNIGHT)),
    "timestamp-ns-london": dict(BASE, dates=("timestamp", "ns", "Europe/London", MIDNIGHT)),
    # A time of day is not part of the contract's dates: the calendar day (in the column's own
    # zone) is the date, as a system storing admission times in its date columns means it.
    "timestamp-ms-times": dict(BASE, dates=("timestamp", "ms", None, dt.time(14, 30))),
    "timestamp-us-london-times": dict(BASE, dates=("timestamp", "us", "Europe/London", dt.time(23, 59, 59))),
    "float32": dict(BASE, numbers=pa.float32()),
    "int-numbers": dict(BASE, numbers=pa.int64()),
    "int32-flags": dict(BASE, flag=pa.int32()),
    # Types Polars (as oapstat builds it) cannot read: refused, naming file, column and type.
    "int8-flags": dict(BASE, flag=pa.int8()),
    "decimal-numbers": dict(BASE, numbers=pa.decimal128(10, 2)),
    "binary-text": dict(BASE, text=pa.binary()),
    "int64-ids": dict(BASE, ids=pa.int64()),
    "int32-ids": dict(BASE, ids=pa.int32(), text="dictionary"),
}
# Variants only for fixtures whose ids and numbers are all whole numbers.
NUMERIC_ONLY = {"int64-ids", "int32-ids", "int-numbers", "int32-flags", "int8-flags", "decimal-numbers", "binary-text"}


def column(kind, name, values, v):
    if name in IDS[kind] and v["ids"] is not None:
        return pa.array([int(x) if x else None for x in values], v["ids"])
    if name in DATES[kind]:
        how = v["dates"]
        if how[0] == "text":
            shown = [day(x).strftime("%d/%m/%Y") if x and how[1] == "uk" else x for x in values]
            return pa.array(text_cells(shown), v["text"] if v["text"] != "dictionary" else pa.string())
        if how[0] in ("date32", "date64"):
            return pa.array([day(x) for x in values], pa.date32() if how[0] == "date32" else pa.date64())
        return timestamps(values, *how[1:])
    if name == FLAG:
        if v["flag"] == "bool":
            return pa.array([{"Y": True, "N": False}.get(x) for x in values], pa.bool_())
        if v["flag"] == "text":
            return pa.array(text_cells(values), pa.string())
        return pa.array([{"Y": 1, "N": 0}.get(x) for x in values], v["flag"])
    if name in NUMBERS and v["numbers"] != "text":
        typ = v["numbers"]
        parse = int if pa.types.is_integer(typ) else decimal.Decimal if pa.types.is_decimal(typ) else float
        return pa.array([parse(x) if x else None for x in values], typ)
    cells = text_cells(values)
    if v["text"] == pa.binary():
        return pa.array([c.encode() if c is not None else None for c in cells], pa.binary())
    if v["text"] == "dictionary":
        return pa.array(cells, pa.string()).dictionary_encode()
    typ = v["text"] if name in TEXT[kind] or name == FLAG or name in NUMBERS else pa.string()
    return pa.array(cells, typ)


def write(fixture, variant, v):
    for kind in ("admissions", "placements"):
        header, rows = read_csv(f"{fixture}-{kind}.csv")
        table = pa.table({name: column(kind, name, [r[name] for r in rows], v) for name in header})
        if v.get("extras"):
            n = len(rows)
            table = table.append_column("bed_cost", pa.array([decimal.Decimal("1.50")] * n, pa.decimal128(10, 2)))
            table = table.append_column("tags", pa.array([["a", "b"]] * n, pa.list_(pa.string())))
            table = table.append_column("admitted_at", pa.array([dt.time(14, 30)] * n, pa.time64("us")))
        # Four rows per row group, so that a file's rows span several.
        pq.write_table(
            table,
            os.path.join(HERE, f"{fixture}-{variant}-{kind}.parquet"),
            row_group_size=4,
            compression="zstd",
        )


def main():
    for fixture in ("hand-built", "edge"):
        for variant, v in VARIANTS.items():
            if variant in NUMERIC_ONLY and fixture != "edge":
                continue
            write(fixture, variant, v)
    # Optional columns of the Arrow null type (every cell empty): the hand-built placements
    # without their distances and costs.
    header, rows = read_csv("hand-built-placements.csv")
    for r in rows:
        r["distance_km"] = r["daily_cost"] = ""
    with open(os.path.join(HERE, "nulls-placements.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    table = pa.table(
        {
            name: pa.nulls(len(rows)) if name in NUMBERS else column("placements", name, [r[name] for r in rows], BASE)
            for name in header
        }
    )
    pq.write_table(table, os.path.join(HERE, "nulls-typed-placements.parquet"), row_group_size=4)


if __name__ == "__main__":
    main()
