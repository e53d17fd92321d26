// Hindsight search next to Pagefind, in headless Chromium, over one built site.
//
// Ranks a query set (tests/search/queries.json: {q, expect: [url, ...]}) with both engines
// (top-1, top-3, MRR@5), and measures what one query costs: bytes loaded by a first query
// (nothing cached) and a warm one (another query already ran in the page), and the warm
// time from keystroke to results. Hindsight's time is its header box with the debounce set
// to 0 (input event → list rendered); Pagefind's is `pagefind.search()` plus loading the
// shown results' data (its engine without a UI). Not part of `cargo test`.
//
// Setup, in a scratch folder outside the repository:
//   mkdir /tmp/pf && cd /tmp/pf && npm init -y && npm i pagefind@1.6 puppeteer-core
//   hindsight build --out /tmp/site && npx pagefind --site /tmp/site
// Run:
//   node scripts/search-compare.mjs --deps /tmp/pf --site /tmp/site [--queries FILE] [--only-bytes]
// A query file for a site without expected pages is a JSON list of strings.

import { createRequire } from "node:module";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
    return acc;
  }, []),
);
const here = path.dirname(new URL(import.meta.url).pathname);
const site = path.resolve(args.site || "site");
const queryFile = args.queries || path.join(here, "../tests/search/queries.json");
const require = createRequire(path.join(path.resolve(args.deps || "."), "package.json"));
const puppeteer = require("puppeteer-core");

const cases = JSON.parse(fs.readFileSync(queryFile, "utf8")).map((c) => (typeof c === "string" ? { q: c, expect: [] } : c));

/* A static server on loopback: folders serve index.html, no compression (bytes are as stored),
   one byte range per request (as static hosts do; search.js reads result excerpts so). */
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm" };
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file = path.join(site, p);
  if (!file.startsWith(site)) return res.writeHead(403).end();
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  fs.readFile(file, (err, data) => {
    if (err) return res.writeHead(404).end();
    const type = types[path.extname(file)] || "application/octet-stream";
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || "");
    if (range && +range[1] < data.length) {
      const end = Math.min(range[2] ? +range[2] : data.length - 1, data.length - 1);
      res.writeHead(206, { "content-type": type, "content-range": `bytes ${range[1]}-${end}/${data.length}` });
      return res.end(data.subarray(+range[1], end + 1));
    }
    res.writeHead(200, { "content-type": type });
    res.end(data);
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}/`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});

/* Bytes of every response the page (or its workers: Pagefind searches in one) receives
   while `fn` runs; the server does not compress, so these are the bytes sent. */
async function bytesDuring(page, fn) {
  const sizes = [];
  const onResponse = (r) => sizes.push(r.buffer().then((b) => b.length, () => 0));
  page.on("response", onResponse);
  const value = await fn();
  await new Promise((r) => setTimeout(r, 100));
  page.off("response", onResponse);
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  return { bytes, value };
}

const normalize = (u) => u.replace(/^https?:\/\/[^/]+/, "").replace(/^\//, "").replace(/index\.html$/, "");

const engines = {
  hindsight: {
    setup: async (page) => page.waitForFunction(() => window.__hindsightSearch && window.__hindsightSearch.query),
    run: (page, q) => page.evaluate((q) => window.__hindsightSearch.query(q).then((r) => r.shown), q),
    /* The engine alone: the query and the shown results' data, as Pagefind's is timed. */
    engineTime: (page, q) =>
      page.evaluate((q) => {
        const start = performance.now();
        return window.__hindsightSearch.query(q).then(() => performance.now() - start);
      }, q),
    /* Keystroke to rendered list in the header box, the debounce set to 0. */
    time: (page, q) =>
      page.evaluate((q) => {
        window.__hindsightSearch.debounce = 0;
        const input = document.querySelector("#search-input");
        const box = document.querySelector(".search");
        input.focus();
        input.value = q;
        delete box.dataset.shown;
        const start = performance.now();
        input.dispatchEvent(new Event("input", { bubbles: true }));
        return new Promise((resolve) => {
          const seen = new MutationObserver(() => {
            if (box.dataset.shown !== q) return;
            seen.disconnect();
            resolve(performance.now() - start);
          });
          seen.observe(box, { attributes: true, attributeFilter: ["data-shown"] });
        });
      }, q),
  },
  pagefind: {
    setup: (page) =>
      page.evaluate(async () => {
        window.pf = await import("/pagefind/pagefind.js");
        await window.pf.init();
      }),
    run: (page, q) =>
      page.evaluate(async (q) => {
        const r = await window.pf.search(q);
        const data = await Promise.all(r.results.slice(0, 8).map((x) => x.data()));
        return data.map((d) => d.url);
      }, q),
    time: (page, q) =>
      page.evaluate(async (q) => {
        const start = performance.now();
        const r = await window.pf.search(q);
        await Promise.all(r.results.slice(0, 8).map((x) => x.data()));
        return performance.now() - start;
      }, q),
  },
};

async function freshPage() {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(origin, { waitUntil: "load" });
  return { page, context };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const out = {};
for (const [name, engine] of Object.entries(engines)) {
  /* Ranking: one page runs every query. */
  let top1 = 0, top3 = 0, rr = 0, ranked = 0;
  const lines = [];
  if (!args["only-bytes"]) {
    const { page, context } = await freshPage();
    await engine.setup(page);
    for (const c of cases) {
      if (!c.expect.length) continue;
      const shown = (await engine.run(page, c.q)).map(normalize);
      const i = shown.findIndex((u) => c.expect.includes(u));
      const rank = i < 0 ? null : i + 1;
      ranked++;
      if (rank === 1) top1++;
      if (rank && rank <= 3) top3++;
      if (rank && rank <= 5) rr += 1 / rank;
      lines.push(`${name.padEnd(9)} ${(c.kind || "").padEnd(8)} ${JSON.stringify(c.q).padEnd(40)} rank ${rank ?? "-"}`);
    }
    await context.close();
  }
  /* Bytes: a first query in a fresh page (setup included), then a warm one. */
  const firsts = [], warms = [], times = [], engineTimes = [];
  for (let i = 0; i < cases.length; i++) {
    const first = cases[i].q, second = cases[(i + 1) % cases.length].q;
    const { page, context } = await freshPage();
    const a = await bytesDuring(page, async () => { await engine.setup(page); return engine.run(page, first); });
    const b = await bytesDuring(page, () => engine.run(page, second));
    firsts.push(a.bytes);
    warms.push(b.bytes);
    /* Warm timing: the second query again, everything it needs already loaded. */
    times.push(await engine.time(page, second));
    engineTimes.push(await (engine.engineTime || engine.time)(page, second));
    await context.close();
  }
  out[name] = {
    queries: ranked,
    top1: ranked ? top1 / ranked : null,
    top3: ranked ? top3 / ranked : null,
    mrr5: ranked ? rr / ranked : null,
    firstBytes: { median: median(firsts), max: Math.max(...firsts), min: Math.min(...firsts) },
    warmBytes: { median: median(warms), max: Math.max(...warms), min: Math.min(...warms) },
    warmMs: { median: median(times), max: Math.max(...times) },
    warmEngineMs: { median: median(engineTimes), max: Math.max(...engineTimes) },
  };
  if (args.verbose) console.log(lines.join("\n"));
}
console.log(JSON.stringify(out, null, 2));
await browser.close();
server.close();
