/* Hindsight search: the header box and the /search/ page.
   The index is a set of script files under search/ that register their data with
   window.__hindsightSearch, loaded with <script> tags on demand, so search also works when
   the site is opened from disk (file://), where fetch() is blocked. Over http the result
   documents are fetched by byte range out of their bucket files (see "Documents" below).
   The query steps mirror src/search/query.rs (tested there): fold and stem words, drop stop
   and question words, load the shard each word's term falls in, match exact stems and, for
   the word being typed, prefixes; correct a word with neither from its first letter's
   vocabulary; AND the words (with fewer than 3 results, add those matching most words),
   apply filters, rank by words matched, field, then BM25, verify quoted phrases. */
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
    if (/^[\x00-\x7f]*$/.test(s)) return s; /* nothing to fold */
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
  S.docs = function (header, list, b) { register("d/" + b + ".js", list); };
  S.facet = function (n, v) { register("f/" + n + ".js", v); };
  S.vocab = function (n, v) { register("v/" + n + ".js", v); };
  S.loaded = [];
  /* Milliseconds the box waits after a keystroke before searching (tests set 0). */
  S.debounce = 90;
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

  /* ---- Documents: bucket files of manifest.bucket[0] documents (src/search/shards.rs) ----
     A bucket starts with a fixed-size header: the call's opening (manifest.bucket[2]
     bytes), then where each slot starts in the file, manifest.bucket[1] letters of
     ALPHABET each; a document ends one byte before the next slot starts. Over http a
     result costs its slot's two offsets and its own bytes, each asked for with a Range
     header (a fetch with Range asks for the bytes as stored, Accept-Encoding: identity, so
     offsets hold). A server that answers 200 sends the whole bucket: all its documents
     are kept. From disk, or when a range goes wrong, the bucket loads whole with a
     <script> tag. */
  var docLoads = {}, firstFetch = {}, rangesServed = false;
  function ranged() { return typeof fetch === "function" && location.protocol !== "file:"; }
  function shapeOf(manifest) {
    var b = manifest.bucket;
    return { per: b[0], letters: b[1], prefix: b[2] };
  }
  function utf8(bytes) { return new TextDecoder().decode(bytes); }
  /* Bytes from..to (inclusive) of a bucket: {bytes, whole} (whole: the server ignored the
     range and sent the file), or null. */
  function fetchRange(path, from, to) {
    S.loaded.push(path + "#" + from + "-" + to);
    return fetch(base + "search/" + path, { headers: { Range: "bytes=" + from + "-" + to } }).then(function (r) {
      var part = r.status === 206 && (r.headers.get("Content-Range") || "").indexOf("bytes " + from + "-") === 0;
      if (!part && r.status !== 200) return null;
      rangesServed = rangesServed || part;
      return r.arrayBuffer().then(function (buf) { return { bytes: new Uint8Array(buf), whole: !part }; });
    }).catch(function () { return null; });
  }
  /* The number `letters` letters of ALPHABET at bytes[at…] say, or -1. */
  function offsetAt(bytes, at, letters) {
    var n = 0;
    for (var j = 0; j < letters; j++) {
      var d = DIGIT[String.fromCharCode(bytes[at + j])];
      if (d === undefined) return -1;
      n = n * 64 + d;
    }
    return n;
  }
  /* [start, end) of a document from its slot's offset and the next at bytes[at…]:
     empty for an empty slot, null if they are not offsets in order. */
  function docRange(bytes, at, letters) {
    var start = offsetAt(bytes, at, letters), next = offsetAt(bytes, at + letters, letters);
    if (start < 0 || next < 0 || next === start + 1 || next < start) return null;
    return next === start ? [start, start] : [start, next - 1];
  }
  /* Every document of a whole bucket file, by slot, or null. */
  function bucketDocs(bytes, shape) {
    if (bytes[shape.prefix - 1] !== 34 /* the opening quote */) return null;
    try {
      var list = [];
      for (var k = 0; k < shape.per; k++) {
        var r = docRange(bytes, shape.prefix + k * shape.letters, shape.letters);
        if (!r) return null;
        list.push(r[1] > r[0] ? JSON.parse(utf8(bytes.subarray(r[0], r[1]))) : null);
      }
      return list;
    } catch (e) { return null; }
  }
  /* Bytes from..to of a bucket. Until a server is seen to answer ranges, a second request
     to a bucket waits for the first, so a server without ranges sends each bucket once. */
  function bucketPart(path, from, to) {
    var first = firstFetch[path];
    if (!first) return (firstFetch[path] = fetchRange(path, from, to));
    if (rangesServed) return fetchRange(path, from, to);
    return first.then(function (res) { return res && res.whole ? res : fetchRange(path, from, to); });
  }
  /* What result `n` shows: {t, u, k, kl, d, sv, x, a} (or null). */
  function loadDoc(manifest, n) {
    if (docLoads[n]) return docLoads[n];
    var shape = shapeOf(manifest), path = "d/" + Math.floor(n / shape.per) + ".js", slot = n % shape.per;
    function whole() { return load(path).then(function (list) { return (list && list[slot]) || null; }); }
    function fromWhole(bytes) {
      if (!(path in store)) {
        var list = bucketDocs(bytes, shape);
        if (list) register(path, list);
      }
      return whole();
    }
    if (!ranged() || path in store || waiting[path]) return (docLoads[n] = whole());
    var at = shape.prefix + slot * shape.letters;
    docLoads[n] = bucketPart(path, at, at + 2 * shape.letters - 1).then(function (res) {
      if (!res) return whole();
      if (res.whole) return fromWhole(res.bytes);
      var r = docRange(res.bytes, 0, shape.letters);
      if (!r) return whole();
      if (r[1] === r[0]) return null;
      return fetchRange(path, r[0], r[1] - 1).then(function (doc) {
        if (!doc) return whole();
        if (doc.whole) return fromWhole(doc.bytes);
        try { return JSON.parse(utf8(doc.bytes)); } catch (e) { return whole(); /* the bucket changed */ }
      });
    });
    return docLoads[n];
  }

  /* ---- The query: see src/search/query.rs ---- */
  var SHOWN = 8, MIN_PREFIX = 3, PREFIX_SHARDS = 2, PHRASE_CHECKS = 24, FIELD_WEIGHT = [0, 16, 32, 64];
  var FULL_ENOUGH = 3, CORRECTIONS = 3;
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = {};
  for (var ai = 0; ai < 64; ai++) DIGIT[ALPHABET[ai]] = ai;

  function typoBudget(letters) { return letters <= 3 ? 0 : letters <= 7 ? 1 : 2; }
  function set(list) { var o = {}; (list || []).forEach(function (w) { o[w] = true; }); return o; }

  function parse(text, manifest) {
    var stop = set(manifest.stop), filler = set(manifest.filler);
    var q = { words: [], phrases: [], lastIsPrefix: false, keepTyping: false }, dropped = [];
    text.split('"').forEach(function (part, i) {
      var ws = words(part), quoted = i % 2 === 1;
      if (quoted && ws.length > 1) q.phrases.push(ws);
      ws.forEach(function (w) {
        if (stop[w]) return;
        (!quoted && filler[w] ? dropped : q.words).push({ text: w, quoted: quoted });
      });
    });
    if (!q.words.length) q.words = dropped; /* "how" alone still means "how" */
    var quotes = (text.match(/"/g) || []).length;
    q.lastIsPrefix = /[\p{Alphabetic}\p{N}]$/u.test(text) && quotes % 2 === 0 && q.words.length > 0;
    if (q.lastIsPrefix && Array.from(q.words[q.words.length - 1].text).length < MIN_PREFIX) {
      q.lastIsPrefix = false;
      if (q.words.length > 1) q.words.pop(); else q.keepTyping = true;
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
  /* A term the word being typed may become: one extending it, or one it extends by the
     start of an ending the stemmer strips ("replicat" → replic, never "runbok" → run). */
  function completes(prefix, term, endings) {
    if (term.indexOf(prefix) === 0) return true;
    if (prefix.indexOf(term) !== 0) return false;
    var rest = prefix.slice(term.length);
    return endings.some(function (e) { return e.indexOf(rest) === 0; });
  }
  /* Edit distances (insert, delete, substitute, swap neighbours) from term to each prefix of word. */
  function distancesToPrefixes(t, w) {
    var cols = w.length + 1, d = [], i, j;
    for (j = 0; j < cols; j++) d[j] = j;
    for (i = 1; i <= t.length; i++) {
      d[i * cols] = i;
      for (j = 1; j < cols; j++) {
        var v = Math.min(d[(i - 1) * cols + j - 1] + (t[i - 1] === w[j - 1] ? 0 : 1), d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1);
        if (i > 1 && j > 1 && t[i - 1] === w[j - 2] && t[i - 2] === w[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
        d[i * cols + j] = v;
      }
    }
    return d.slice(t.length * cols);
  }
  /* [edits, word] turning `word` into a word with the stem `term`, or null (see query.rs). */
  function correction(word, term, max, endings) {
    var w = Array.from(word), t = Array.from(term);
    if (t.length > w.length + max) return null;
    var row = distancesToPrefixes(t, w);
    var best = row[w.length] <= max ? [row[w.length], term] : null;
    function consider(d, whole) {
      if (d <= max && (!best || d < best[0]) && stem(whole) === term) best = [d, whole];
    }
    for (var j = w.length - 1; j >= 1; j--) if (row[j] <= max) consider(row[j], term + w.slice(j).join(""));
    /* The term, without a final "e" (stage → staging), with its last letter doubled (run → running). */
    /* Such a word starts within one edit of the term: a term far from every start of the word needs no endings. */
    if (Math.min.apply(null, row) > max + 1) return best;
    [term, term.replace(/e$/, ""), term + t[t.length - 1]].forEach(function (b) {
      endings.forEach(function (e) {
        var whole = Array.from(b + e);
        if (Math.abs(whole.length - w.length) <= max) consider(distancesToPrefixes(whole, w)[w.length], b + e);
      });
    });
    return best;
  }
  /* The terms a misspelt word is corrected to (closest, then in most documents) and the
     word shown for the first. */
  function corrections(manifest, word) {
    var max = typoBudget(Array.from(word).length), n = (manifest.vocab || []).indexOf(Array.from(word)[0]);
    if (!max || n < 0) return Promise.resolve({ terms: [], shown: null });
    return load("v/" + n + ".js").then(function (vocab) {
      var found = [];
      (vocab || "").split(" ").forEach(function (term, order) {
        var c = correction(word, term, max, manifest.endings);
        if (c) found.push([c[0], order, term, c[1]]);
      });
      found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      found = found.filter(function (f) { return f[0] === found[0][0]; }).slice(0, CORRECTIONS);
      return { terms: found.map(function (f) { return f[2]; }), shown: found.length ? found[0][3] : null };
    });
  }
  /* What one query word matches: `terms` (stems) found, for highlighting; `fixed` the word
     it was corrected to, if any. */
  function wordMatcher(word, isPrefix) {
    return { word: word, stem: stem(word), prefix: isPrefix ? word : null, terms: {}, fixed: null };
  }
  function addPostings(scores, postings, num, den) {
    decodePostings(postings, function (doc, extra) {
      var s = Math.floor((FIELD_WEIGHT[extra >> 4] + (extra & 15)) * num / den);
      if (!(scores.get(doc) >= s)) scores.set(doc, s);
    });
  }
  function loadShards(ids) {
    ids = ids.filter(function (x, k) { return ids.indexOf(x) === k; });
    return Promise.all(ids.map(function (id) { return load("s/" + id + ".js"); }));
  }
  /* Scores by document for one word: exact stem, prefix completions, else corrections. */
  function matchWord(m, quoted, manifest) {
    var firsts = manifest.shards, ids = [shardOf(firsts, m.stem)];
    if (m.prefix) {
      var first = shardOf(firsts, m.prefix), more = [];
      for (var j = first + 1; j < firsts.length && firsts[j].indexOf(m.prefix) === 0; j++) more.push(j);
      ids.push(first);
      if (more.length < PREFIX_SHARDS) ids = ids.concat(more);
    }
    return loadShards(ids).then(function (shards) {
      var scores = new Map();
      shards.forEach(function (flat) {
        if (!flat) return;
        for (var k = 0; k < flat.length; k += 2) {
          var term = flat[k];
          if (term === m.stem) addPostings(scores, flat[k + 1], 1, 1);
          else if (m.prefix && completes(m.prefix, term, manifest.endings)) addPostings(scores, flat[k + 1], 3, 4);
          else continue;
          m.terms[term] = true;
        }
      });
      if (scores.size || quoted) return scores;
      return corrections(manifest, m.word).then(function (c) {
        m.fixed = c.shown;
        return loadShards(c.terms.map(function (t) { return shardOf(firsts, t); })).then(function (shards) {
          shards.forEach(function (flat) {
            for (var k = 0; flat && k < flat.length; k += 2) {
              if (c.terms.indexOf(flat[k]) < 0) continue;
              addPostings(scores, flat[k + 1], 1, 2);
              m.terms[flat[k]] = true;
            }
          });
          return scores;
        });
      });
    });
  }
  /* [doc, words matched, score]: every word first; with fewer than FULL_ENOUGH such
     documents, those matching at least half the words follow. */
  function combine(maps) {
    var all = new Map(), n = maps.length;
    maps.forEach(function (scores) {
      scores.forEach(function (s, doc) {
        var h = all.get(doc);
        if (!h) all.set(doc, h = [doc, 0, 0]);
        h[1] += 1;
        h[2] += s;
      });
    });
    var hits = Array.from(all.values());
    var full = hits.filter(function (h) { return h[1] === n; }).length;
    var least = full < FULL_ENOUGH ? Math.max(1, Math.ceil(n / 2)) : n;
    hits = hits.filter(function (h) { return h[1] >= least; });
    hits.sort(function (a, b) { return b[1] - a[1] || b[2] - a[2] || a[0] - b[0]; });
    return hits;
  }

  /* Runs a query; resolves to {query, matchers, hits: [[doc, words, score]], manifest}. */
  function runQuery(text, filters) {
    return load("index.js").then(function (manifest) {
      if (!manifest) return null;
      var q = parse(text, manifest);
      var matchers = q.words.map(function (w, i) { return wordMatcher(w.text, !w.quoted && q.lastIsPrefix && i === q.words.length - 1); });
      var perWord = matchers.map(function (m, i) { return matchWord(m, q.words[i].quoted, manifest); });
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
        var hits = combine(r[0]).filter(function (h) {
          for (var name in byName) if (!byName[name].has(h[0])) return false;
          return true;
        });
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
      return Promise.all(batch.map(function (h) { return loadDoc(result.manifest, h[0]); })).then(function (docs) {
        docs.forEach(function (d, k) { if (d && hasPhrases(d, phrases)) out.push({ id: batch[k][0], words: batch[k][1], doc: d }); });
        return step();
      });
    }
    return step();
  }

  /* ---- Excerpts and highlighting ---- */
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  /* Stems of the words excerpts are made of: each result scans all its text for matches. */
  var stems = new Map();
  function stemOf(folded) {
    var st = stems.get(folded);
    if (st === undefined) { st = stem(folded); if (stems.size < 50000) stems.set(folded, st); }
    return st;
  }
  function tokenMatches(matchers, token) {
    var f = fold(token), st = stemOf(f);
    return matchers.some(function (m) { return m.stem === st || m.terms[st] || (m.prefix && f.indexOf(m.prefix) === 0); });
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
          found[stemOf(fold(m[0]))] = true;
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
  function pageHref(doc, matchers, anchor) {
    var url = base + doc.u;
    if (location.protocol === "file:" && (url === "" || /\/$/.test(url))) url += "index.html";
    var words = matchers.map(function (m) { return m.fixed || m.word; }).join(" ");
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
      aka(d, result.matchers) +
      (item.words < result.matchers.length ? '<span class="search-partial">matches ' + item.words + " of " + result.matchers.length + " words</span>" : "") +
      (ex.heading ? '<span class="search-heading"><span aria-hidden="true">§ </span>' + highlight(ex.heading, result.matchers) + "</span>" : "") +
      (ex.html ? '<span class="search-excerpt">' + ex.html + "</span>" : "") +
      (meta.length ? '<span class="search-meta">' + meta.join("") + "</span>" : "");
    var href = escapeHtml(pageHref(d, result.matchers, ex.anchor));
    if (asOption) {
      /* No link inside an option (interactive controls must not nest): Enter or a click
         follows data-href. */
      return '<li role="option" id="search-option-' + index + '" class="search-result" aria-selected="false" data-href="' + href + '">' +
        '<div class="search-link">' + inner + "</div></li>";
    }
    return '<li class="search-result"><a href="' + href + '">' + inner + "</a></li>";
  }
  /* "also known as: …" when the query matched one of a term's other names. */
  function aka(d, matchers) {
    var names = d.a || [];
    var hit = names.some(function (a) { return highlight(a, matchers).indexOf("<mark>") >= 0; });
    if (!hit) return "";
    return '<span class="search-aka">also known as: ' + names.map(function (a) { return highlight(a, matchers); }).join(", ") + "</span>";
  }
  /* HTML of the line above the results: a correction, or a word too short to search yet. */
  function noteHtml(result) {
    var fixed = result.matchers.filter(function (m) { return m.fixed; });
    if (fixed.length) {
      var shown = result.matchers.map(function (m) { return m.fixed ? "<mark>" + escapeHtml(m.fixed) + "</mark>" : escapeHtml(m.word); }).join(" ");
      var exact = result.matchers.map(function (m) { return '"' + m.word + '"'; }).join(" ");
      var href = base + "search/" + (location.protocol === "file:" ? "index.html" : "") + "?q=" + encodeURIComponent(exact);
      return "Showing results for " + shown + '. <a class="search-exact" href="' + escapeHtml(href) + '">Search for “' +
        escapeHtml(fixed.map(function (m) { return m.word; }).join(" ")) + "” instead</a>";
    }
    return result.query.keepTyping ? "Keep typing…" : "";
  }
  function showNote(el, result) {
    var html = result ? noteHtml(result) : "";
    el.innerHTML = html;
    el.hidden = !html;
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  /* ---- The header box (combobox with a listbox popup) ---- */
  /* The popup, the live status and the help text exist only with this script, so they are
     made here rather than carried by every page (the template holds the form alone); a
     theme's search_box.html that already has them keeps its own. */
  var POPUP_HTML =
    '<div class="search-popup" hidden>' +
    '<div class="search-chips" role="group" aria-label="Only show"></div>' +
    '<p class="search-note" hidden></p>' +
    '<ul id="search-results" class="search-results" role="listbox" aria-label="Search results"></ul>' +
    '<div class="search-foot"><a class="search-all" href="">Open the search page</a>' +
    '<span class="search-keys" aria-hidden="true"><kbd>↑</kbd><kbd>↓</kbd> move <kbd>↵</kbd> open <kbd>esc</kbd> close</span></div>' +
    '</div>' +
    '<p class="search-status visually-hidden" role="status" aria-live="polite"></p>' +
    '<p id="search-help" class="visually-hidden">Results appear as you type. Use the up and down arrow keys to choose one and Enter to open it.</p>';
  function buildBox(box, input) {
    if (!box.querySelector(".search-popup")) {
      box.insertAdjacentHTML("beforeend", POPUP_HTML);
      var form = box.querySelector("form");
      box.querySelector(".search-all").href = form ? form.getAttribute("action") : base + "search/";
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "search-results");
    input.setAttribute("aria-describedby", "search-help");
  }
  function setupBox(box) {
    var input = box.querySelector(".search-input");
    buildBox(box, input);
    var popup = box.querySelector(".search-popup");
    var list = box.querySelector(".search-results");
    var chips = box.querySelector(".search-chips");
    var status = box.querySelector(".search-status");
    var more = box.querySelector(".search-all");
    var note = box.querySelector(".search-note");
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
      if (!text.trim()) { list.innerHTML = ""; status.textContent = ""; showNote(note, null); open(false); return; }
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
          showNote(note, result);
          if (!result.query.words.length) {
            list.innerHTML = '<li class="search-empty" role="presentation">Keep typing…</li>';
          } else if (!shown.docs.length) {
            list.innerHTML = result.query.keepTyping ? "" : '<li class="search-empty" role="presentation">No results for “' + escapeHtml(text.trim()) + "”</li>";
          } else {
            list.innerHTML = shown.docs.map(function (item, i) { return resultHtml(item, result, true, i); }).join("");
          }
          var count = result.query.phrases.length ? shown.docs.length : n;
          status.textContent = count ? plural(count, "result", "results") + (count > shown.docs.length ? ", " + shown.docs.length + " shown" : "") : "No results";
          more.textContent = n > shown.docs.length ? "See all " + plural(n, "result", "results") : "Open the search page";
          open(true);
          box.dataset.shown = text; /* what the list shows now (tests wait on it) */
        });
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, S.debounce);
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
    var note = page.querySelector(".search-page-note");
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
      showNote(note, null);
      load("index.js").then(function (m) { if (m) buildFilters(m); });
      if (!input.value.trim()) { status.textContent = "Type a word to search."; return; }
      runQuery(input.value, chosen).then(function (r) {
        if (mine !== seq || !r) return;
        result = r;
        next = 0;
        showNote(note, r);
        var n = r.hits.length;
        status.textContent = n ? plural(n, "result", "results") : "No results for “" + input.value.trim() + "”";
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
        return {
          total: r.hits.length,
          shown: s.docs.map(function (d) { return d.doc.u; }),
          matched: s.docs.map(function (d) { return d.words; }),
          words: r.matchers.length,
          corrections: r.matchers.filter(function (m) { return m.fixed; }).map(function (m) { return [m.word, m.fixed]; }),
          keepTyping: r.query.keepTyping
        };
      });
    });
  };
})();
