#!/usr/bin/env bash
# Pipes oapstat's JSON through jq into a CSV for a spreadsheet: one line per collaborative and
# period, with the columns chosen here (edit the list to taste).
#
#   OAPSTAT=target/release/oapstat examples/rates-to-csv.sh [rates options...] > rates.csv
#
# Suppressed figures ("*") and undefined ratios (null, written empty) pass through as they are.
set -euo pipefail
oapstat="${OAPSTAT:-oapstat}"

"$oapstat" rates --format json --quiet "$@" | jq -r '
  ["collaborative", "period", "oaps_active_end", "oap_days", "inappropriate_oap_days", "oap_day_share", "total_recorded_cost"] as $columns
  | ($columns | @csv),
    (.rows[] | [.[$columns[]]] | @csv)'
