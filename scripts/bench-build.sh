#!/usr/bin/env bash
# Times `hindsight build` (or `check`) on a synthetic N-page site and reports, per run and as
# medians: wall time, CPU time (user + sys), peak memory, output bytes (the files' sizes, what
# a host serves, in MB of 10^6 bytes; `du -sb`, which adds the folders, in brackets) and file count.
# With BASELINE=path/to/other/hindsight, the two binaries run interleaved (A, B, A, B, ...)
# and the ratio of medians is printed. Not part of `cargo test`.
#
#   scripts/bench-build.sh [--dense] [--check] [PAGES] [RUNS]
#   BASELINE=/tmp/hindsight-before scripts/bench-build.sh --dense 10000 3
set -euo pipefail
cd "$(dirname "$0")/.."
dense=; cmd=build
while [ $# -gt 0 ]; do
  case "$1" in
    --dense) dense=--dense; shift ;;
    --check) cmd=check; shift ;;
    *) break ;;
  esac
done
pages=${1:-10000}
runs=${2:-5}
dir=${BENCH_DIR:-/tmp/hindsight-bench-$pages${dense:+-dense}}
out=$dir.out

cargo build --release --quiet --bin hindsight --example synth_site
target/release/examples/synth_site --pages "$pages" $dense --out "$dir" >/dev/null
new=$PWD/target/release/hindsight
binaries=("$new"); names=(new)
if [ -n "${BASELINE:-}" ]; then binaries+=("$BASELINE"); names+=(baseline); fi

# A build exits with its new site in place and deletes the one it replaced in a detached
# process; each run starts once that is done, so no run pays for the one before.
wait_for_discard() {
  while compgen -G "$out.del-*" >/dev/null || compgen -G "$out.old-*" >/dev/null ||
    compgen -G "$out.tmp-*" >/dev/null; do sleep 0.05; done
}

run_once() { # binary → "wall cpu peak_kb bytes files disk_bytes"
  wait_for_discard
  local args=("$cmd" --root "$dir")
  [ "$cmd" = build ] && args+=(--out "$out")
  local t
  t=$( { /usr/bin/time -f '%e %U %S %M' "$1" "${args[@]}" >/dev/null; } 2>&1 | tail -n 1)
  read -r wall user sys peak <<<"$t"
  local bytes=0 files=0 disk=0
  if [ "$cmd" = build ]; then
    read -r bytes files < <(find "$out" -type f -printf '%s\n' | awk '{s += $1; n++} END {print s + 0, n + 0}')
    disk=$(du -sb "$out" | cut -f1)
  fi
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') $peak $bytes $files $disk"
}
"${binaries[0]}" "$cmd" --root "$dir" $([ "$cmd" = build ] && echo --out "$out") >/dev/null # warm-up

declare -A results
for i in $(seq "$runs"); do
  for k in "${!binaries[@]}"; do
    r=$(run_once "${binaries[$k]}")
    results[$k]+="$r"$'\n'
    read -r w c p b f d <<<"$r"
    echo "run $i ${names[$k]}: wall $w s, cpu $c s, peak $((p / 1024)) MB, output $((b / 1000000)) MB ($((d / 1000000)) MB on disk), $f files"
  done
done
median_col() { awk -v c="$1" 'NF {print $c}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for k in "${!binaries[@]}"; do
  r=${results[$k]}
  w=$(median_col 1 <<<"$r"); c=$(median_col 2 <<<"$r"); p=$(median_col 3 <<<"$r")
  b=$(median_col 4 <<<"$r"); f=$(median_col 5 <<<"$r"); d=$(median_col 6 <<<"$r")
  echo "median of $runs ${names[$k]} ($cmd, $pages pages${dense:+, dense}): wall $w s, cpu $c s, peak $((p / 1024)) MB, output $((b / 1000000)) MB ($((d / 1000000)) MB on disk), $f files"
  eval "median_wall_$k=$w"
done
if [ -n "${BASELINE:-}" ]; then
  awk -v a="$median_wall_0" -v b="$median_wall_1" 'BEGIN {printf "new / baseline wall: %.2f\n", a / b}'
fi
