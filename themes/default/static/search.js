/* Hindsight search: the header box and the /search/ page.
   The index is a set of script files under search/ that register their data with
   window.__hindsightSearch, loaded with <script> tags on demand, so search also works when
   the site is opened from disk (file://), where fetch() is blocked.
   The query steps mirror src/search/query.rs (tested there): fold and stem words, load the
   shard each word's term falls in, match exact stems and, for the word being typed,
   prefixes; AND the words, apply filters, rank by field then BM25, verify quoted phrases. */
(function () {
  "use strict";

  /* ---- Words: must match src/search/tokenize.rs ---- */
  var FOLD_FROM = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǣǧǩǫǭǯǰǵǹǻǽǿȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ";
  var FOLD_TO = "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaaægkooʒjgnaæøaaeeiioorruusthaeooooy";
  var FOLD = {};
  for (var fi = 0; fi < FOLD_FROM.length; fi++) FOLD[FOLD_FROM[fi]] = FOLD_TO[fi];
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var MAX_WORD_CHARS = 40;

  function fold(s) {
    s = s.toLowerCase();
    var out = "";
    for (var i = 0; i < s.length; i++) { var c = s[i]; out += FOLD[c] || c; }
    return out;
  }
  function words(text) {
    var m = fold(text).match(WORD) || [];
    return m.filter(function (w) { return Array.from(w).length <= MAX_WORD_CHARS; });
  }

  /* The Snowball English (Porter2) stemmer, as rust-stemmers implements it. */
  var stem = (function () {
    var EXC1 = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
      ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
      atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes" };
    var EXC2 = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };
    function isV(c) { return "aeiouy".indexOf(c) >= 0; }
    function regionAfter(w, from) {
      for (var i = from + 1; i < w.length; i++) if (!isV(w[i]) && isV(w[i - 1])) return i + 1;
      return w.length;
    }
    function shortSyllableAt(w, i) { /* syllable ending at index i (inclusive) */
      if (i === 1) return isV(w[0]) && !isV(w[1]);
      if (i < 2) return false;
      return !isV(w[i - 2]) && isV(w[i - 1]) && !isV(w[i]) && "wxY".indexOf(w[i]) < 0;
    }
    function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
    function longest(w, list) {
      var best = null;
      for (var i = 0; i < list.length; i++) if (ends(w, list[i]) && (!best || list[i].length > best.length)) best = list[i];
      return best;
    }
    var STEP2 = { tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize", ization: "ize",
      ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", fulness: "ful", ousli: "ous",
      ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble", ogi: "og", fulli: "ful", lessli: "less", li: "" };
    var STEP2_KEYS = Object.keys(STEP2);
    var STEP3 = { tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "", ative: "" };
    var STEP3_KEYS = Object.keys(STEP3);
    var STEP4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion"];

    return function (w) {
      if (!/[a-z]/.test(w)) return w;
      if (w.length <= 2) return w;
      if (EXC1[w]) return EXC1[w];
      if (w[0] === "y") w = "Y" + w.slice(1);
      for (var i = 1; i < w.length; i++) if (w[i] === "y" && isV(w[i - 1])) w = w.slice(0, i) + "Y" + w.slice(i + 1);
      var r1;
      if (/^(gener|arsen)/.test(w)) r1 = 5; else if (/^commun/.test(w)) r1 = 6; else r1 = regionAfter(w, 0);
      var r2 = regionAfter(w, r1);
      /* Step 1a */
      var s = longest(w, ["sses", "ied", "ies", "s", "us", "ss"]);
      if (s === "sses") w = w.slice(0, -2);
      else if (s === "ied" || s === "ies") w = w.slice(0, -3) + (w.length > 4 ? "i" : "ie");
      else if (s === "s") { if (/[aeiouy]/.test(w.slice(0, -2))) w = w.slice(0, -1); }
      if (EXC2[w]) return w;
      /* Step 1b */
      s = longest(w, ["eed", "eedly", "ed", "edly", "ing", "ingly"]);
      if (s === "eed" || s === "eedly") {
        if (w.length - s.length >= r1) w = w.slice(0, -s.length) + "ee";
      } else if (s) {
        var stemPart = w.slice(0, -s.length);
        if (/[aeiouy]/.test(stemPart)) {
          w = stemPart;
          if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
          else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
          else if (r1 >= w.length && shortSyllableAt(w, w.length - 1)) w += "e";
        }
      }
      /* Step 1c */
      if (w.length > 2 && (ends(w, "y") || ends(w, "Y")) && !isV(w[w.length - 2])) w = w.slice(0, -1) + "i";
      /* Step 2 */
      s = longest(w, STEP2_KEYS);
      if (s && w.length - s.length >= r1) {
        if (s === "ogi") { if (w[w.length - 4] === "l") w = w.slice(0, -3) + "og"; }
        else if (s === "li") { if ("cdeghkmnrt".indexOf(w[w.length - 3]) >= 0) w = w.slice(0, -2); }
        else w = w.slice(0, -s.length) + STEP2[s];
      }
      /* Step 3 */
      s = longest(w, STEP3_KEYS);
      if (s && w.length - s.length >= r1) {
        if (s === "ative") { if (w.length - 5 >= r2) w = w.slice(0, -5); }
        else w = w.slice(0, -s.length) + STEP3[s];
      }
      /* Step 4 */
      s = longest(w, STEP4);
      if (s && w.length - s.length >= r2) {
        if (s === "ion") { if ("st".indexOf(w[w.length - 4]) >= 0 && w.length - 4 >= 0) w = w.slice(0, -3); }
        else w = w.slice(0, -s.length);
      }
      /* Step 5 */
      if (ends(w, "e")) {
        var at = w.length - 1;
        if (at >= r2 || (at >= r1 && !shortSyllableAt(w, at - 1))) w = w.slice(0, -1);
      } else if (ends(w, "l") && w.length - 1 >= r2 && w[w.length - 2] === "l") {
        w = w.slice(0, -1);
      }
      return w.replace(/Y/g, "y");
    };
  })();

  /* ---- Loading data files with <script> tags ---- */
  var G = typeof window !== "undefined" ? window : globalThis;
  var S = G.__hindsightSearch = G.__hindsightSearch || {};
  var store = {};
  var waiting = {};
  var base = "";
  function register(path, value) {
    store[path] = value;
    (waiting[path] || []).forEach(function (f) { f(value); });
    delete waiting[path];
  }
  S.manifest = function (n, v) { register("index.js", v); };
  S.shard = function (n, v) { register("s/" + n + ".js", v); };
  S.doc = function (n, v) { register("d/" + n + ".js", v); };
  S.facet = function (n, v) { register("f/" + n + ".js", v); };
  S.loaded = [];
  function load(path) {
    return new Promise(function (resolve) {
      if (path in store) return resolve(store[path]);
      if (waiting[path]) return waiting[path].push(resolve);
      waiting[path] = [resolve];
      var el = document.createElement("script");
      el.src = base + "search/" + path;
      el.async = true;
      el.onerror = function () { register(path, null); };
      S.loaded.push(path);
      document.head.appendChild(el);
    });
  }

  /* ---- The query: see src/search/query.rs ---- */
  var SHOWN = 8, MIN_PREFIX = 3, PREFIX_SHARDS = 2, PHRASE_CHECKS = 24, FIELD_WEIGHT = [0, 16, 32, 64];
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = {};
  for (var ai = 0; ai < 64; ai++) DIGIT[ALPHABET[ai]] = ai;

  /* A query of one word too short to match as a prefix: finding nothing for it says
     "keep typing", not "no results". */
  var KEEP_TYPING = "Keep typing: words match as you type from " + MIN_PREFIX + " letters.";
  function tooShort(text) {
    var ws = words(text);
    return text.indexOf('"') < 0 && ws.length === 1 && Array.from(ws[0]).length < MIN_PREFIX;
  }

  function parse(text, stop) {
    var q = { words: [], phrases: [], lastIsPrefix: false };
    text.split('"').forEach(function (part, i) {
      var ws = words(part);
      if (i % 2 === 1 && ws.length > 1) q.phrases.push(ws);
      ws.forEach(function (w) { if (!stop[w]) q.words.push(w); });
    });
    var quotes = (text.match(/"/g) || []).length;
    q.lastIsPrefix = /[\p{Alphabetic}\p{N}]$/u.test(text) && quotes % 2 === 0 && q.words.length > 0;
    if (q.lastIsPrefix && Array.from(q.words[q.words.length - 1]).length < MIN_PREFIX) {
      q.lastIsPrefix = false;
      if (q.words.length > 1) q.words.pop();
    }
    return q;
  }
  /* Varints: 5 data bits a letter, a letter >= 32 means more follow (src/search/shards.rs). */
  function reader(s) {
    var at = 0;
    return {
      more: function () { return at < s.length; },
      digit: function () { return DIGIT[s[at++]]; },
      varint: function () {
        var v = 0, shift = 0;
        while (at < s.length) {
          var d = DIGIT[s[at++]];
          if (d < 32) return v + d * Math.pow(2, shift);
          v += (d - 32) * Math.pow(2, shift);
          shift += 5;
        }
        return v;
      }
    };
  }
  /* Document ids stored as gaps minus one. */
  function decodeDocs(s, each) {
    var r = reader(s), next = 0;
    while (r.more()) { var doc = next + r.varint(); each(doc); next = doc + 1; }
  }
  /* Postings: groups of (impact letter, size, document gaps). */
  function decodePostings(s, each) {
    var r = reader(s);
    while (r.more()) {
      var impact = r.digit(), n = r.varint(), next = 0;
      for (var k = 0; k < n; k++) { var doc = next + r.varint(); each(doc, impact); next = doc + 1; }
    }
  }
  function shardOf(firsts, term) {
    var lo = 0, hi = firsts.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (firsts[mid] <= term) lo = mid + 1; else hi = mid; }
    return Math.max(0, lo - 1);
  }
  function wordMatcher(word, isPrefix) {
    var st = stem(word);
    return {
      word: word, stem: st, prefix: isPrefix ? word : null,
      exact: function (term) { return term === st; },
      completes: function (term) {
        return isPrefix && (term.indexOf(word) === 0 || (word.indexOf(term) === 0 && term.length + 3 >= word.length));
      }
    };
  }

  /* Runs a query; resolves to {query, hits: [[doc, score]], manifest}. */
  function runQuery(text, filters) {
    return load("index.js").then(function (manifest) {
      if (!manifest) return null;
      var stop = {};
      manifest.stop.forEach(function (w) { stop[w] = true; });
      var q = parse(text, stop);
      var matchers = q.words.map(function (w, i) { return wordMatcher(w, q.lastIsPrefix && i === q.words.length - 1); });
      var firsts = manifest.shards;
      var perWord = matchers.map(function (m) {
        var ids = [shardOf(firsts, m.stem)];
        if (m.prefix) {
          var first = shardOf(firsts, m.prefix), more = [];
          for (var j = first + 1; j < firsts.length && firsts[j].indexOf(m.prefix) === 0; j++) more.push(j);
          ids.push(first);
          if (more.length < PREFIX_SHARDS) ids = ids.concat(more);
        }
        ids = ids.filter(function (x, k) { return ids.indexOf(x) === k; });
        return Promise.all(ids.map(function (id) { return load("s/" + id + ".js"); })).then(function (shards) {
          var scores = new Map();
          shards.forEach(function (flat) {
            if (!flat) return;
            for (var k = 0; k < flat.length; k += 2) {
              var term = flat[k], exact = m.exact(term);
              if (!exact && !m.completes(term)) continue;
              decodePostings(flat[k + 1], function (doc, extra) {
                var s = FIELD_WEIGHT[extra >> 4] + (extra & 15);
                if (!exact) s = Math.floor(s * 3 / 4);
                if (!(scores.get(doc) >= s)) scores.set(doc, s);
              });
            }
          });
          return scores;
        });
      });
      var facetLoads = [];
      var byName = {};
      (filters || []).forEach(function (f) {
        var n = manifest.facets.findIndex(function (x) { return x[0] === f[0] && x[1] === f[1]; });
        byName[f[0]] = byName[f[0]] || new Set();
        if (n >= 0) facetLoads.push(load("f/" + n + ".js").then(function (s) {
          if (s) decodeDocs(s, function (doc) { byName[f[0]].add(doc); });
        }));
      });
      return Promise.all([Promise.all(perWord), Promise.all(facetLoads)]).then(function (r) {
        var maps = r[0];
        var hits = [];
        if (maps.length) {
          maps[0].forEach(function (s, doc) {
            var total = s;
            for (var k = 1; k < maps.length; k++) {
              var x = maps[k].get(doc);
              if (x === undefined) return;
              total += x;
            }
            for (var name in byName) if (!byName[name].has(doc)) return;
            hits.push([doc, total]);
          });
        }
        hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        return { query: q, matchers: matchers, hits: hits, manifest: manifest };
      });
    });
  }

  function docWords(doc) {
    var text = doc.t;
    doc.x.forEach(function (s) { text += " " + s[0] + " " + s[2]; });
    return words(text);
  }
  function hasPhrases(doc, phrases) {
    if (!phrases.length) return true;
    var ws = docWords(doc);
    return phrases.every(function (p) {
      outer: for (var i = 0; i + p.length <= ws.length; i++) {
        for (var j = 0; j < p.length; j++) if (ws[i + j] !== p[j]) continue outer;
        return true;
      }
      return false;
    });
  }

  /* Load documents for hits[from...] until `count` pass the phrase check. */
  function showable(result, from, count) {
    var out = [], i = from, checked = 0;
    var phrases = result.query.phrases;
    function step() {
      if (out.length >= count || i >= result.hits.length || (phrases.length && checked >= PHRASE_CHECKS)) {
        return Promise.resolve({ docs: out, next: i });
      }
      var batch = result.hits.slice(i, i + (count - out.length));
      i += batch.length;
      checked += batch.length;
      return Promise.all(batch.map(function (h) { return load("d/" + h[0] + ".js"); })).then(function (docs) {
        docs.forEach(function (d, k) { if (d && hasPhrases(d, phrases)) out.push({ id: batch[k][0], doc: d }); });
        return step();
      });
    }
    return step();
  }

  /* ---- Excerpts and highlighting ---- */
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function tokenMatches(matchers, token) {
    var f = fold(token), st = stem(f);
    return matchers.some(function (m) { return m.stem === st || (m.prefix && f.indexOf(m.prefix) === 0); });
  }
  /* Text with query words wrapped in <mark>, HTML-escaped. */
  function highlight(text, matchers) {
    var out = "", last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      if (tokenMatches(matchers, m[0])) {
        out += escapeHtml(text.slice(last, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
        last = m.index + m[0].length;
      }
    }
    return out + escapeHtml(text.slice(last));
  }
  /* The section with the most query words, and ~180 characters around its first match. */
  function excerpt(doc, matchers) {
    var best = null;
    doc.x.forEach(function (s) {
      var found = {}, first = -1, m;
      WORD.lastIndex = 0;
      while ((m = WORD.exec(s[2]))) {
        if (tokenMatches(matchers, m[0])) {
          found[stem(fold(m[0]))] = true;
          if (first < 0) first = m.index;
        }
      }
      var n = Object.keys(found).length;
      if (!best || n > best.n) best = { n: n, section: s, first: first };
    });
    if (!best) return { heading: "", anchor: "", html: "" };
    var text = best.section[2], start = 0, end = Math.min(text.length, 180);
    if (best.first > 60) {
      start = text.lastIndexOf(" ", best.first - 50);
      start = start < 0 ? 0 : start + 1;
      end = Math.min(text.length, start + 180);
    }
    if (end < text.length) { var sp = text.lastIndexOf(" ", end); if (sp > start) end = sp; }
    return {
      heading: best.n ? best.section[0] : "",
      anchor: best.n ? best.section[1] : "",
      html: (start > 0 ? "…" : "") + highlight(text.slice(start, end), matchers) + (end < text.length ? "…" : "")
    };
  }
  function pageHref(doc, q, anchor) {
    var url = base + doc.u;
    if (location.protocol === "file:" && (url === "" || /\/$/.test(url))) url += "index.html";
    var words = q.words.join(" ");
    return url + (words ? "?h=" + encodeURIComponent(words) : "") + (anchor ? "#" + anchor : "");
  }
  function resultHtml(item, result, asOption, index) {
    var ex = excerpt(item.doc, result.matchers), d = item.doc;
    var meta = [];
    if (d.sv) meta.push('<span class="search-sev search-sev-' + escapeHtml(d.sv.toLowerCase()) + '">' + escapeHtml(d.sv) + "</span>");
    if (d.d) meta.push('<span class="search-date">' + escapeHtml(d.d) + "</span>");
    var inner =
      '<span class="search-line"><span class="search-title">' + highlight(d.t, result.matchers) + "</span>" +
      '<span class="search-kind search-kind-' + escapeHtml(d.k) + '">' + escapeHtml(d.kl) + "</span></span>" +
      (ex.heading ? '<span class="search-heading"><span aria-hidden="true">§ </span>' + highlight(ex.heading, result.matchers) + "</span>" : "") +
      (ex.html ? '<span class="search-excerpt">' + ex.html + "</span>" : "") +
      (meta.length ? '<span class="search-meta">' + meta.join("") + "</span>" : "");
    var href = escapeHtml(pageHref(d, result.query, ex.anchor));
    if (asOption) {
      /* No link inside an option (interactive controls must not nest): Enter or a click
         follows data-href. */
      return '<li role="option" id="search-option-' + index + '" class="search-result" aria-selected="false" data-href="' + href + '">' +
        '<div class="search-link">' + inner + "</div></li>";
    }
    return '<li class="search-result"><a href="' + href + '">' + inner + "</a></li>";
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  /* ---- The header box (combobox with a listbox popup) ---- */
  function setupBox(box) {
    var input = box.querySelector(".search-input");
    var popup = box.querySelector(".search-popup");
    var list = box.querySelector(".search-results");
    var chips = box.querySelector(".search-chips");
    var status = box.querySelector(".search-status");
    var more = box.querySelector(".search-all");
    var active = -1, timer = 0, seq = 0, kinds = {};

    function open(on) {
      popup.hidden = !on;
      input.setAttribute("aria-expanded", on ? "true" : "false");
      if (!on) setActive(-1);
    }
    function options() { return list.querySelectorAll('[role="option"]'); }
    function setActive(i) {
      var opts = options();
      if (active >= 0 && opts[active]) opts[active].setAttribute("aria-selected", "false");
      active = i;
      if (i >= 0 && opts[i]) {
        opts[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function chipsFrom(manifest) {
      if (chips.childElementCount) return;
      manifest.facets.forEach(function (f) {
        if (f[0] !== "kind") return;
        var b = document.createElement("button");
        b.type = "button";
        b.className = "search-chip";
        b.setAttribute("aria-pressed", "false");
        b.dataset.value = f[1];
        b.textContent = f[2].charAt(0).toUpperCase() + f[2].slice(1);
        b.addEventListener("click", function () {
          kinds[f[1]] = !kinds[f[1]];
          b.setAttribute("aria-pressed", kinds[f[1]] ? "true" : "false");
          search();
          input.focus();
        });
        chips.appendChild(b);
      });
    }
    function filters() {
      return Object.keys(kinds).filter(function (k) { return kinds[k]; }).map(function (k) { return ["kind", k]; });
    }
    function search() {
      var text = input.value, mine = ++seq;
      more.href = base + "search/" + (location.protocol === "file:" ? "index.html" : "") + "?q=" + encodeURIComponent(text);
      if (!text.trim()) { list.innerHTML = ""; status.textContent = ""; open(false); return; }
      box.classList.add("is-loading");
      runQuery(text, filters()).then(function (result) {
        if (mine !== seq) return null;
        if (!result) { status.textContent = "Search is unavailable."; return null; }
        chipsFrom(result.manifest);
        return showable(result, 0, SHOWN).then(function (shown) {
          if (mine !== seq) return;
          box.classList.remove("is-loading");
          var n = result.hits.length;
          active = -1;
          input.removeAttribute("aria-activedescendant");
          if (!result.query.words.length) {
            list.innerHTML = '<li class="search-empty" role="presentation">Keep typing…</li>';
          } else if (!shown.docs.length && tooShort(text)) {
            list.innerHTML = '<li class="search-empty" role="presentation">' + KEEP_TYPING + "</li>";
          } else if (!shown.docs.length) {
            list.innerHTML = '<li class="search-empty" role="presentation">No results for “' + escapeHtml(text.trim()) + "”</li>";
          } else {
            list.innerHTML = shown.docs.map(function (item, i) { return resultHtml(item, result, true, i); }).join("");
          }
          var count = result.query.phrases.length ? shown.docs.length : n;
          status.textContent = count ? plural(count, "result", "results") + (count > shown.docs.length ? ", " + shown.docs.length + " shown" : "") : tooShort(text) ? KEEP_TYPING : "No results";
          more.textContent = n > shown.docs.length ? "See all " + plural(n, "result", "results") : "Open the search page";
          open(true);
          box.dataset.shown = text; /* what the list shows now (tests wait on it) */
        });
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 90);
    });
    input.addEventListener("focus", function () {
      load("index.js");
      if (input.value.trim() && list.childElementCount) open(true);
    });
    input.addEventListener("keydown", function (e) {
      var n = options().length;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (popup.hidden && input.value.trim()) { open(true); }
        if (n) setActive(active + 1 >= n ? 0 : active + 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        if (n) setActive(active <= 0 ? n - 1 : active - 1);
      } else if (e.key === "Enter") {
        var opt = options()[active];
        if (opt && !popup.hidden) {
          e.preventDefault();
          location.href = opt.getAttribute("data-href");
        }
        /* otherwise the form submits to the search page */
      } else if (e.key === "Escape") {
        if (!popup.hidden) { e.preventDefault(); open(false); }
        else if (input.value) { input.value = ""; list.innerHTML = ""; }
        else input.blur();
      }
    });
    list.addEventListener("click", function (e) {
      var li = e.target.closest('[role="option"]');
      if (li) location.href = li.getAttribute("data-href");
    });
    list.addEventListener("mousemove", function (e) {
      var li = e.target.closest('[role="option"]');
      if (!li) return;
      var i = Array.prototype.indexOf.call(options(), li);
      if (i !== active) setActive(i);
    });
    document.addEventListener("pointerdown", function (e) { if (!box.contains(e.target)) open(false); });
    box.addEventListener("focusout", function (e) { if (e.relatedTarget && !box.contains(e.relatedTarget)) open(false); });
    var form = box.querySelector("form");
    form.addEventListener("submit", function (e) {
      if (location.protocol === "file:") { e.preventDefault(); location.href = more.href; }
    });
    document.addEventListener("keydown", function (e) {
      var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        input.focus();
        input.select();
      } else if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  /* ---- The /search/ page ---- */
  function setupPage(page) {
    var input = page.querySelector("#search-page-input");
    var list = page.querySelector(".search-page-results");
    var status = page.querySelector(".search-page-status");
    var moreBtn = page.querySelector(".search-more");
    var filterBox = page.querySelector(".search-page-filters");
    var params = new URLSearchParams(location.search);
    var chosen = [];
    params.forEach(function (v, k) { if (k !== "q") chosen.push([k, v]); });
    input.value = params.get("q") || "";
    var timer = 0, seq = 0, result = null, next = 0;
    function buildFilters(manifest) {
      if (filterBox.dataset.ready) return;
      filterBox.dataset.ready = "1";
      var names = { kind: "Kind", severity: "Severity", service: "Service", tag: "Tag" };
      Object.keys(names).forEach(function (name) {
        var values = manifest.facets.filter(function (f) { return f[0] === name; });
        if (!values.length) return;
        /* Each filter folds away (kinds open), so dozens of services and tags do not
           push the results down; a group with a chosen value starts open. */
        var fold = document.createElement("details");
        fold.className = "search-facet-group";
        fold.open = name === "kind" || chosen.some(function (c) { return c[0] === name; });
        fold.innerHTML = "<summary>" + names[name] + "</summary>";
        var group = document.createElement("fieldset");
        group.className = "search-facet";
        group.innerHTML = '<legend class="visually-hidden">' + names[name] + "</legend>";
        fold.appendChild(group);
        values.forEach(function (f) {
          var label = document.createElement("label");
          var cb = document.createElement("input");
          cb.type = "checkbox";
          cb.name = name;
          cb.value = f[1];
          cb.checked = chosen.some(function (c) { return c[0] === name && c[1] === f[1]; });
          cb.addEventListener("change", function () {
            chosen = chosen.filter(function (c) { return !(c[0] === name && c[1] === f[1]); });
            if (cb.checked) chosen.push([name, f[1]]);
            search();
          });
          label.appendChild(cb);
          var text = name === "kind" ? f[2].charAt(0).toUpperCase() + f[2].slice(1) : f[2];
          label.appendChild(document.createTextNode(" " + text));
          group.appendChild(label);
        });
        filterBox.appendChild(fold);
      });
    }
    function syncUrl() {
      var p = new URLSearchParams();
      if (input.value) p.set("q", input.value);
      chosen.forEach(function (c) { p.append(c[0], c[1]); });
      var qs = p.toString();
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    }
    function showMore() {
      var mine = seq;
      /* The first page is short, so results (the page's largest paint) arrive after fewer
         document loads; "Show more" then adds 20 at a time. */
      return showable(result, next, next ? 20 : 10).then(function (shown) {
        if (mine !== seq) return;
        next = shown.next;
        list.insertAdjacentHTML("beforeend", shown.docs.map(function (item) { return resultHtml(item, result, false); }).join(""));
        moreBtn.hidden = next >= result.hits.length;
        if (result.query.phrases.length) {
          var n = list.childElementCount;
          status.textContent = n ? plural(n, "result", "results") : "No results for “" + input.value.trim() + "”";
        }
      });
    }
    function search() {
      var mine = ++seq;
      syncUrl();
      list.innerHTML = "";
      moreBtn.hidden = true;
      load("index.js").then(function (m) { if (m) buildFilters(m); });
      if (!input.value.trim()) { status.textContent = "Type a word to search."; return; }
      runQuery(input.value, chosen).then(function (r) {
        if (mine !== seq || !r) return;
        result = r;
        next = 0;
        var n = r.hits.length;
        status.textContent = n ? plural(n, "result", "results") : tooShort(input.value) ? KEEP_TYPING : "No results for “" + input.value.trim() + "”";
        return showMore();
      });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 120); });
    page.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); search(); });
    moreBtn.addEventListener("click", showMore);
    search();
    if (!input.value) input.focus();
  }

  /* ---- Highlight the query words on a page reached from a result (?h=words) ---- */
  function highlightPage() {
    var h = new URLSearchParams(location.search).get("h");
    var main = document.querySelector("main");
    if (!h || !main) return;
    var matchers = words(h).map(function (w) { return wordMatcher(w, false); });
    if (!matchers.length) return;
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentNode.closest("script, style, pre, code, mark, .heading-anchor") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var first = null;
    nodes.forEach(function (node) {
      var html = highlight(node.nodeValue, matchers);
      if (html.indexOf("<mark>") < 0) return;
      var span = document.createElement("span");
      span.innerHTML = html.replace(/<mark>/g, '<mark class="search-hit">');
      first = first || span.querySelector("mark");
      node.parentNode.replaceChild(span, node);
    });
    if (first && !location.hash) first.scrollIntoView({ block: "center" });
  }

  S.stem = stem;
  S.words = words;
  if (typeof document === "undefined") return; /* loaded by node for the stemmer test */
  var box = document.querySelector(".search");
  if (box) {
    base = box.getAttribute("data-root") || "";
    setupBox(box);
  }
  var page = document.querySelector(".search-page");
  if (page) setupPage(page);
  highlightPage();

  /* For tests: the same steps without the UI. */
  S.query = function (text, filters) {
    return runQuery(text, filters).then(function (r) {
      return showable(r, 0, SHOWN).then(function (s) {
        return { total: r.hits.length, shown: s.docs.map(function (d) { return d.doc.u; }) };
      });
    });
  };
})();
