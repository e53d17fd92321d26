#!/usr/bin/env bash
# What automatic term links cost: builds a synthetic site (default 10,000 pages against 1,000
# glossary terms) with `[glossary] autolink = "off"` and `"first"`, alternating, and prints the
# median wall time, CPU time (user + sys) and peak memory of each, and the difference.
# Not part of `cargo test`. Needs /usr/bin/time (Debian package `time`).
#
#   scripts/bench-autolink.sh [PAGES] [TERMS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-10000}
terms=${2:-1000}
runs=${3:-5}
dir=${BENCH_DIR:-/tmp/hindsight-autolink-$pages-$terms}

cargo build --release --quiet --bin hindsight --example synth_site
target/release/examples/synth_site --pages "$pages" --terms "$terms" --out "$dir" >/dev/null
config() { printf '[book]\ntitle = "Synthetic knowledge base"\n\n[glossary]\nautolink = "%s"\n' "$1" >"$dir/book.toml"; }
config first
target/release/hindsight build --root "$dir" >/dev/null # warm-up: file cache

declare -A walls cpus mems
for i in $(seq "$runs"); do
  for mode in off first; do
    config "$mode"
    out=$( { /usr/bin/time -f '%e %U %S %M' target/release/hindsight build --root "$dir" >/dev/null; } 2>&1 | tail -n 1)
    read -r wall user sys mem <<<"$out"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
    walls[$mode]+="$wall "; cpus[$mode]+="$cpu "; mems[$mode]+="$mem "
    echo "run $i $mode: wall $wall s, cpu $cpu s, peak $(( mem / 1024 )) MB"
  done
done
median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for mode in off first; do
  echo "median $mode: wall $(median "${walls[$mode]}") s, cpu $(median "${cpus[$mode]}") s, peak $(( $(median "${mems[$mode]}") / 1024 )) MB"
done
awk -v a="$(median "${walls[off]}")" -v b="$(median "${walls[first]}")" \
    -v c="$(median "${cpus[off]}")" -v d="$(median "${cpus[first]}")" \
    'BEGIN {printf "autolinking adds %+.0f%% wall, %+.0f%% cpu\n", (b / a - 1) * 100, (d / c - 1) * 100}'
