#!/usr/bin/env bash
# Times a full release build of a synthetic N-page site (default 10,000 pages: 10% glossary
# terms with aliases, 60% post-mortems, 30% guides, ~1,000 words each with a code block and a
# table). Prints each run's wall time and peak memory, then the median, and pages per second.
# Not part of `cargo test`.
#
#   scripts/bench-build.sh [PAGES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-10000}
runs=${2:-5}
dir=${BENCH_DIR:-/tmp/hindsight-bench-$pages}

cargo build --release --quiet --bin hindsight --example synth_site
target/release/examples/synth_site --pages "$pages" --out "$dir" >/dev/null
target/release/hindsight build --root "$dir" >/dev/null # warm-up: file cache

walls=(); mems=()
for i in $(seq "$runs"); do
  out=$( { /usr/bin/time -f '%e %M' target/release/hindsight build --root "$dir" >/dev/null; } 2>&1 | tail -n 1)
  walls+=("${out% *}"); mems+=("${out#* }")
  echo "run $i: wall ${out% *} s, peak $(( ${out#* } / 1024 )) MB"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall=$(median "${walls[@]}"); mem=$(median "${mems[@]}")
echo "median of $runs: wall ${wall} s, peak $(( mem / 1024 )) MB, $(awk -v p="$pages" -v w="$wall" 'BEGIN {printf "%.0f", p / w}') pages/s"
