#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (default 60), one after another (one job: the CI
# machine has 2 cores). Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Seeds each corpus from the repository's own content. Crashes are left in
# fuzz/artifacts/TARGET/; reproduce one with `cargo +nightly fuzz run TARGET FILE`.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(page body script timeline request_target)
fi

# A Markdown file without its front matter.
body_of() {
  awk 'fences < 2 { if ($0 == "---") fences++; next } { print }' "$1"
}

seed() {
  local target="$1" dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return
  local i=0
  case "$target" in
    page)
      # First byte picks the kind's folder (see fuzz_targets/common.rs), then name, then file.
      for f in content/*/*.md content/*.md; do
        local folder
        case "$f" in
          content/glossary/*) folder='\x01' ;; content/postmortems/*) folder='\x02' ;;
          content/scripts/*) folder='\x03' ;; content/guidelines/*) folder='\x04' ;;
          content/paths/*) folder='\x05' ;; *) folder='\x00' ;;
        esac
        i=$((i + 1))
        { printf "$folder%s\n" "$(basename "$f" .md)"; cat "$f"; } > "$dir/seed-$i"
      done ;;
    body)
      for f in content/*/*.md; do i=$((i + 1)); body_of "$f" > "$dir/seed-$i"; done ;;
    script)
      for f in content/scripts/*.md; do i=$((i + 1)); body_of "$f" > "$dir/seed-$i"; done ;;
    timeline)
      printf 'Europe/Paris\n2026-03-29T02:30:00' > "$dir/gap"
      printf 'America/New_York\n2026-11-01T01:30:00' > "$dir/fold"
      printf '\n2021-06-08T09:47:00Z' > "$dir/utc"
      printf 'UTC\n2021-06-08T09:47:00+01:00' > "$dir/offset" ;;
    request_target)
      printf '/glossary/slo/?q=1' > "$dir/page"
      printf '/glossary' > "$dir/redirect"
      printf '/docs/caf%%C3%%A9/' > "$dir/encoded"
      printf '/../etc/passwd' > "$dir/traversal" ;;
  esac
}

for target in "${targets[@]}"; do
  seed "$target"
  echo "== $target: ${seconds}s"
  cargo +nightly fuzz run --fuzz-dir fuzz "$target" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -timeout=30 -print_final_stats=1
done
