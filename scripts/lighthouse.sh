#!/usr/bin/env bash
# Lighthouse 12 (mobile, the default form factor) on the bundled site's key pages, with
# Debian's chromium. Prints each page's performance, accessibility, best-practices and SEO
# scores, the median of $LH_RUNS runs (default 3: one run on a busy machine is noisy), and
# fails if any is under the bar (performance 98, the others 100).
# Not part of `cargo test`: it needs npm and takes a few minutes.
#
#   scripts/lighthouse.sh            # builds the bundled site with a release binary
#   LH_DIR=/tmp/lh scripts/lighthouse.sh
#
# Lighthouse is installed once with `npm i -E lighthouse@12.2.3` in $LH_DIR (outside the
# repository). Reports (JSON) are left in $LH_DIR/reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
lh_dir=${LH_DIR:-/tmp/hindsight-lighthouse}
chromium=${HINDSIGHT_CHROMIUM:-/usr/bin/chromium}
port=${LH_PORT:-8731}
runs=${LH_RUNS:-3}
pages=(
  "home:"
  "term:glossary/error-budget/"
  "postmortem:postmortems/gitlab-2017-01-31/"
  "script:scripts/database-replication-failure/"
  "insights:postmortems/insights/"
  "glossary:glossary/"
  "search:search/?q=failover"
)

mkdir -p "$lh_dir/reports"
if [ ! -x "$lh_dir/node_modules/.bin/lighthouse" ]; then
  (cd "$lh_dir" && npm i -E --no-audit --no-fund lighthouse@12.2.3 >/dev/null)
fi

cargo build --release --quiet --bin hindsight
site="$lh_dir/site"
target/release/hindsight build --root . --out "$site" --force >/dev/null

# Served as a static host would: gzip and long cache lifetimes (python's http.server has
# neither, which Lighthouse would count against the theme).
node -e '
const http = require("http"), fs = require("fs"), path = require("path"), zlib = require("zlib");
const [root, port] = process.argv.slice(1);
const types = { html: "text/html; charset=utf-8", css: "text/css", js: "text/javascript", json: "application/json",
  svg: "image/svg+xml", xml: "application/xml", txt: "text/plain", png: "image/png" };
http.createServer((req, res) => {
  let p = path.join(root, decodeURIComponent(req.url.split("?")[0]));
  if (!p.startsWith(root)) p = root;
  if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, "index.html");
  const found = fs.existsSync(p);
  if (!found) p = path.join(root, "404.html");
  const ext = path.extname(p).slice(1);
  const body = fs.readFileSync(p);
  const headers = { "Content-Type": types[ext] || "application/octet-stream",
    "Cache-Control": ext === "html" ? "no-cache" : "public, max-age=31536000" };
  if (/gzip/.test(req.headers["accept-encoding"] || "") && ext !== "png") {
    res.writeHead(found ? 200 : 404, { ...headers, "Content-Encoding": "gzip" });
    res.end(zlib.gzipSync(body));
  } else { res.writeHead(found ? 200 : 404, headers); res.end(body); }
}).listen(+port, "127.0.0.1");' "$site" "$port" &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done

failed=0
printf '%-12s %5s %5s %5s %5s\n' page perf a11y bp seo
for entry in "${pages[@]}"; do
  name=${entry%%:*}; path=${entry#*:}
  reports=()
  for run in $(seq "$runs"); do
    report="$lh_dir/reports/$name-$run.json"
    "$lh_dir/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$path" \
      --chrome-path="$chromium" --chrome-flags="--headless=new --no-sandbox" \
      --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output-path="$report" --quiet
    reports+=("$report")
  done
  read -r perf a11y bp seo < <(node -e '
    const cats = ["performance", "accessibility", "best-practices", "seo"];
    const runs = process.argv.slice(1).map(f => require(f).categories);
    const median = xs => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    console.log(cats.map(c => median(runs.map(r => Math.round(r[c].score * 100)))).join(" "));' "${reports[@]}")
  printf '%-12s %5s %5s %5s %5s\n' "$name" "$perf" "$a11y" "$bp" "$seo"
  if [ "$perf" -lt 98 ] || [ "$a11y" -lt 100 ] || [ "$bp" -lt 100 ] || [ "$seo" -lt 100 ]; then failed=1; fi
done
if [ "$failed" = 1 ]; then
  echo "below the bar: performance 98, accessibility, best practices and SEO 100 (reports in $lh_dir/reports/)" >&2
  exit 1
fi
