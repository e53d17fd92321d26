#!/usr/bin/env bash
# Peak memory of `hindsight build` on pathological Markdown, as a multiple of the input
# file's size: a huge table of tiny cells, deeply nested block quotes and lists, a line of
# brackets, emphasis runs, a long list of lines. Needs /usr/bin/time (Debian package `time`).
# Usage: scripts/bench-pathological.sh [MEGABYTES] [SHAPE...]   (default 12 MB, the first six)
# More shapes, by name: `paragraphs` (a million one-letter paragraphs, parsed in pieces), and
# just within the element budget, so parsed whole (one element for every 7 bytes; see
# docs/writing.md): `table7` (six-letter cells), `lines7`, `emphasis7`, `brackets7`.
set -euo pipefail
cd "$(dirname "$0")/.."
mb="${1:-12}"
shift || true
shapes=("$@")
[ ${#shapes[@]} -eq 0 ] && shapes=(table quote list brackets emphasis lines)
cargo build --release --quiet
bin="$PWD/target/release/hindsight"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" init "$work/base" >/dev/null
base_kb=$(/usr/bin/time -f '%M' "$bin" build --root "$work/base" 2>&1 >/dev/null | tail -1)
echo "empty site: ${base_kb} KB peak"
printf '%-10s %10s %10s %8s %8s  %s\n' shape input_MB peak_MB ratio wall_s outcome
for shape in "${shapes[@]}"; do
  site="$work/$shape"
  cp -r "$work/base" "$site"
  rm -rf "$site/site"
  python3 - "$shape" "$mb" "$site/content/big.md" <<'PY'
import sys
shape, mb, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
size = mb * 1_000_000
body = {
    "table": lambda: "|" + "h|" * 50 + "\n|" + "-|" * 50 + "\n" + ("|" + "a|" * 50 + "\n") * (size // 102),
    "quote": lambda: ">" * size + " x\n",
    "list": lambda: "- " * (size // 2) + "x\n",
    "brackets": lambda: "[" * size + "\n",
    "emphasis": lambda: "*a " * (size // 3) + "\n",
    "lines": lambda: "a\n" * (size // 2),
    "paragraphs": lambda: "a\n\n" * (size // 3),
    "table7": lambda: "|" + "header|" * 20 + "\n|" + "------|" * 20 + "\n" + ("|" + "abcdef|" * 20 + "\n") * (size // 141),
    "lines7": lambda: "abcdef\n" * (size // 7),
    "emphasis7": lambda: "*abcde " * (size // 7) + "\n",
    "brackets7": lambda: "[abcdef" * (size // 7) + "\n",
}[shape]()
open(path, "w").write("---\ntitle: Big\n---\n" + body)
PY
  bytes=$(stat -c %s "$site/content/big.md")
  start=$(date +%s.%N)
  # A build refused with an error (nesting past the limit) still reports its peak.
  outcome=built
  /usr/bin/time -o "$work/peak" -f '%M' "$bin" build --root "$site" >/dev/null 2>&1 || true
  kb=$(tail -1 "$work/peak")
  "$bin" check --root "$site" >/dev/null 2>&1 || outcome=refused
  end=$(date +%s.%N)
  python3 -c "print(f'%-10s %10.1f %10.0f %7.0fx %8.1f  %s' % ('$shape', $bytes/1e6, $kb/1024, ($kb*1024)/$bytes, $end-$start, '$outcome'))"
done
