#!/usr/bin/env bash
# Cron wrapper for the oapstat monthly pack.
#
#   OAPSTAT   the oapstat binary            (default: oapstat on PATH)
#   DATA_DIR  folder of the month's extracts (required)
#   OUT_DIR   folder of packs                (required)
#   EXTRA     further options, e.g. "--suppress --reinvest-share 0.5" (optional)
#
# Exit codes: 0 pack written, or already there; 75 another run holds the lock (try later);
# anything else is oapstat's own (1 invalid input, 2 other failure), with its one-line message.
set -uo pipefail

oapstat="${OAPSTAT:-oapstat}"
: "${DATA_DIR:?DATA_DIR must name the folder of extracts}"
: "${OUT_DIR:?OUT_DIR must name the folder of packs}"

# shellcheck disable=SC2086 # EXTRA is a list of options
"$oapstat" summary --month last --data "$DATA_DIR" --out "$OUT_DIR" ${EXTRA:-}
status=$?
stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
case "$status" in
  0) echo "$stamp oapstat pack written to $OUT_DIR" ;;
  4) echo "$stamp oapstat pack already there, nothing to do"; status=0 ;;
  3) echo "$stamp oapstat pack is being written by another run; try later" >&2; status=75 ;;
  *) echo "$stamp oapstat pack failed (exit $status)" >&2 ;;
esac
exit "$status"
