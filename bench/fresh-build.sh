#!/usr/bin/env bash
# A new user's first twenty minutes, timed: clones the repository into a temporary folder, points
# CARGO_TARGET_DIR at an empty folder, and runs the README's two Quick start commands one after
# the other, printing each one's wall time. Crates are fetched first (`cargo fetch`, not timed):
# the figure is for building, not for the network.
#
# Usage: bench/fresh-build.sh [REV]   (default HEAD; the clone is of this repository's commits,
#                                      so commit what you want timed)
# With KEEP_TARGET=DIR the build is kept in DIR (for benchmarking the binary it made).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
rev="${1:-HEAD}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git clone --quiet "$repo" "$work/oapstat"
cd "$work/oapstat"
git checkout --quiet "$rev"
export CARGO_TARGET_DIR="${KEEP_TARGET:-$work/target}"
rm -rf "$CARGO_TARGET_DIR"
export CARGO_TERM_COLOR=never
cargo fetch --locked --quiet

# The two commands exactly as the README's Quick start gives them.
run_cmd=$(grep -m1 -E '^    cargo run --release' README.md | sed 's/^ *//')
test_cmd=$(grep -m1 -E '^    cargo test' README.md | sed 's/^ *//')

timed() {
  local start end
  start=$(date +%s.%N)
  bash -c "$1" > "$work/out.log" 2>&1 || { tail -30 "$work/out.log"; echo "FAILED: $1"; exit 1; }
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.0f}')"
}

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -m); $(cargo --version)"
echo "commit: $(git rev-parse --short HEAD); $(date -u +%Y-%m-%d)"
first=$(timed "$run_cmd")
echo "$run_cmd: ${first} s"
second=$(timed "$test_cmd")
echo "$test_cmd: ${second} s ($(grep -E '^test result:' "$work/out.log" | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}'))"
echo "together: $((first + second)) s"
echo "binary: $(stat -c %s "$CARGO_TARGET_DIR/release/oapstat") bytes"
