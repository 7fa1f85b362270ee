#!/usr/bin/env bash
# Every figure of `oapstat rates` (monthly, per collaborative) against the same measures written
# independently in DuckDB SQL, on data made by the project's generator. Fails on any difference.
# Usage: bench/crosscheck.sh [ADMISSIONS]   (default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
admissions="${1:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -c 'import duckdb' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check duckdb
# The release build that the README's commands (and `cargo test --release`) make.
cargo build --release --locked --quiet
bin="${CARGO_TARGET_DIR:-target}/release/oapstat"

"$bin" generate --seed 11 --admissions "$admissions" --out "$work/data"
"$bin" rates --data "$work/data" --format json --quiet --from 2023-04 --to 2026-10 > "$work/oapstat.json"
python3 bench/rates_duckdb.py "$work/data" 2023-04 2026-10 --out "$work/duckdb.json"
python3 bench/compare_rates.py "$work/oapstat.json" "$work/duckdb.json"
