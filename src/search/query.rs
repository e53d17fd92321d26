//! The query algorithm of `search.js`, in Rust, run over the generated files. Tests use
//! it to check ranking and to add up the bytes one query downloads; `search.js` must keep
//! to the same steps: parse (dropping stop and filler words), pick shards, match exact
//! stems and, for the word being typed, prefixes; correct a word with neither from its
//! first letter's vocabulary; AND the words (then, with fewer than `FULL_ENOUGH` results,
//! add those matching most words), filter, rank, verify phrases.

use std::collections::{BTreeSet, HashMap};

use super::shards::{self, ALPHABET};
use super::tokenize::{
    STEM_ENDINGS, WordStemmer, fold, for_each_word, is_filler_word, is_stop_word,
};

/// Results the header box shows; each loads one document file.
pub const SHOWN: usize = 8;
/// A prefix that spans more shards than this only searches the first (type on to narrow).
pub const PREFIX_SHARDS: usize = 2;
/// Documents checked for a quoted phrase before giving up on filling the list.
pub const PHRASE_CHECKS: usize = 24;
/// A word being typed matches as a prefix only from this many letters; shorter, it is
/// ignored when other words are there (results stay put while the next word starts).
pub const MIN_PREFIX: usize = 3;
/// Rank weight of the field a word matched in (body, heading, title, term name).
pub const FIELD_WEIGHT: [u32; 4] = [0, 16, 32, 64];
/// Fewer results than this matching every word, and results matching most words follow.
pub const FULL_ENOUGH: usize = 3;
/// Most terms one misspelt word is corrected to.
pub const CORRECTIONS: usize = 3;

/// Most edits between a misspelt word and its correction, by the word's length: none
/// below 4 letters, 1 up to 7, 2 from 8.
pub fn typo_budget(letters: usize) -> usize {
    match letters {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// One word of a query.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Word {
    /// Folded.
    pub text: String,
    /// Quoted: matched exactly, never as a prefix or a correction.
    pub quoted: bool,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Query {
    /// Words to match, stop and filler words removed; the last may be a prefix.
    pub words: Vec<Word>,
    /// Quoted phrases, folded words in order.
    pub phrases: Vec<Vec<String>>,
    /// Whether the last word is still being typed (no trailing space or quote).
    pub last_is_prefix: bool,
    /// The only word is being typed and too short to be a prefix yet.
    pub keep_typing: bool,
}

pub fn parse(text: &str) -> Query {
    let mut q = Query::default();
    let mut filler = Vec::new();
    for (i, part) in text.split('"').enumerate() {
        let mut words = Vec::new();
        for_each_word(part, |w| words.push(w.to_string()));
        let quoted = i % 2 == 1;
        if quoted && words.len() > 1 {
            q.phrases.push(words.clone());
        }
        for w in words.into_iter().filter(|w| !is_stop_word(w)) {
            let word = Word { text: w, quoted };
            if !quoted && is_filler_word(&word.text) {
                filler.push(word);
            } else {
                q.words.push(word);
            }
        }
    }
    // A query of filler words only ("how") still means those words.
    if q.words.is_empty() {
        q.words = filler;
    }
    let ends_in_word = text.chars().last().is_some_and(char::is_alphanumeric);
    q.last_is_prefix =
        ends_in_word && text.matches('"').count().is_multiple_of(2) && !q.words.is_empty();
    let short = q
        .words
        .last()
        .is_some_and(|w| w.text.chars().count() < MIN_PREFIX);
    if q.last_is_prefix && short {
        q.last_is_prefix = false;
        if q.words.len() > 1 {
            q.words.pop();
        } else {
            q.keep_typing = true;
        }
    }
    q
}

/// Whether `term` is what the word being typed, `prefix`, may become: a term extending it,
/// or one it extends by the start of an ending the stemmer strips.
pub fn completes(prefix: &str, term: &str) -> bool {
    if term.starts_with(prefix) {
        return true;
    }
    prefix
        .strip_prefix(term)
        .is_some_and(|rest| STEM_ENDINGS.iter().any(|e| e.starts_with(rest)))
}

/// Edit distances (insertions, deletions, substitutions and swaps of neighbours, each one
/// edit) from `term` to every prefix of `word`, by prefix length.
fn distances_to_prefixes(term: &[char], word: &[char]) -> Vec<usize> {
    let cols = word.len() + 1;
    let mut d: Vec<usize> = (0..cols).collect();
    d.resize(cols * (term.len() + 1), 0);
    for i in 1..=term.len() {
        d[i * cols] = i;
        for j in 1..cols {
            let same = term[i - 1] == word[j - 1];
            let mut v = (d[(i - 1) * cols + j - 1] + usize::from(!same))
                .min(d[(i - 1) * cols + j] + 1)
                .min(d[i * cols + j - 1] + 1);
            if i > 1 && j > 1 && term[i - 1] == word[j - 2] && term[i - 2] == word[j - 1] {
                v = v.min(d[(i - 2) * cols + j - 2] + 1);
            }
            d[i * cols + j] = v;
        }
    }
    d.split_off(term.len() * cols)
}

/// How many edits turn `word` into a word with the stem `term`, if at most `max`, and that
/// word: `term` itself; `term` with the ending `word` has after the part that differs
/// (`replcation` → "replication", stem `replic`); or `term` with an ending the stemmer
/// strips (`incidnet` → "incident", stem `incid`).
pub fn correction(
    stemmer: &WordStemmer,
    word: &str,
    term: &str,
    max: usize,
) -> Option<(usize, String)> {
    let w: Vec<char> = word.chars().collect();
    let t: Vec<char> = term.chars().collect();
    if t.len() > w.len() + max {
        return None;
    }
    let row = distances_to_prefixes(&t, &w);
    let mut best = (row[w.len()] <= max).then(|| (row[w.len()], term.to_string()));
    let mut consider = |d: usize, whole: String| {
        if d <= max && best.as_ref().is_none_or(|b| d < b.0) && stemmer.stem(&whole) == term {
            best = Some((d, whole));
        }
    };
    for j in (1..w.len()).rev().filter(|&j| row[j] <= max) {
        consider(
            row[j],
            format!("{term}{}", w[j..].iter().collect::<String>()),
        );
    }
    // The term as it is, without a final "e" ("stage" → "staging") or with its last letter
    // doubled ("run" → "running"), before the ending.
    let last = t[t.len().saturating_sub(1)..].iter().collect::<String>();
    let bases = [
        term.to_string(),
        term.strip_suffix('e').unwrap_or(term).to_string(),
        format!("{term}{last}"),
    ];
    // Every word of a base and an ending starts within one edit of the term, so a term far
    // from every start of `word` needs no endings tried.
    let near = row.iter().min().is_some_and(|&d| d <= max + 1);
    for base in bases.iter().filter(|_| near) {
        for ending in STEM_ENDINGS {
            let whole = format!("{base}{ending}");
            let letters: Vec<char> = whole.chars().collect();
            if letters.len().abs_diff(w.len()) <= max {
                let d = distances_to_prefixes(&letters, &w)[w.len()];
                consider(d, whole);
            }
        }
    }
    best
}

/// What a query read and found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Ids of the documents shown, best first.
    pub shown: Vec<u32>,
    /// Every file or part of a file loaded (`search/d/3.js#0-222` for bytes 0 to 222 of
    /// a bucket), in order, without repeats, with its bytes.
    pub files: Vec<(String, usize)>,
    pub bytes: usize,
    pub total_matches: usize,
    /// How many of the query's words each shown document matches.
    pub matched: Vec<usize>,
    /// (typed word, the word it was corrected to) for each corrected word.
    pub corrections: Vec<(String, String)>,
    pub keep_typing: bool,
}

/// Reads the generated files as the browser would over http, remembering what it loaded:
/// whole files, but of a document only its two offsets in its bucket and its own bytes.
pub struct Loader<'a> {
    files: &'a HashMap<String, Vec<u8>>,
    loaded: Vec<(String, usize)>,
    bytes: usize,
}

impl<'a> Loader<'a> {
    pub fn new(files: &'a HashMap<String, Vec<u8>>) -> Self {
        Loader {
            files,
            loaded: Vec::new(),
            bytes: 0,
        }
    }

    fn note(&mut self, what: String, bytes: usize) {
        if !self.loaded.iter().any(|(p, _)| *p == what) {
            self.loaded.push((what, bytes));
            self.bytes += bytes;
        }
    }

    /// Document `n`: its slot's two offsets in its bucket, then its range of the bucket.
    fn doc(&mut self, n: u32) -> serde_json::Value {
        let path = shards::bucket_path(shards::bucket_of(n as usize));
        let bytes = self.files.get(&path).map(Vec::as_slice).unwrap_or_default();
        let offsets = shards::slot_offsets(n as usize % shards::BUCKET_DOCS);
        let what = format!("{path}#{}-{}", offsets.start, offsets.end - 1);
        self.note(what, offsets.len());
        let range = bytes.get(offsets).and_then(shards::doc_range);
        let Some((range, json)) = range.and_then(|r| Some((r.clone(), bytes.get(r)?))) else {
            return serde_json::Value::Null;
        };
        self.note(
            format!("{path}#{}-{}", range.start, range.end - 1),
            json.len(),
        );
        serde_json::from_slice(json).unwrap_or(serde_json::Value::Null)
    }

    /// The JSON argument of a data file (`…(n,<json>);`).
    fn load(&mut self, path: &str) -> serde_json::Value {
        let bytes = self.files.get(path).map(Vec::as_slice).unwrap_or_default();
        self.note(path.to_string(), bytes.len());
        let text = std::str::from_utf8(bytes).unwrap_or_default();
        let json = text
            .find(',')
            .and_then(|start| text.rfind(");").map(|end| &text[start + 1..end]))
            .unwrap_or("null");
        serde_json::from_str(json).unwrap_or(serde_json::Value::Null)
    }
}

fn digit(b: u8) -> u32 {
    ALPHABET.iter().position(|&a| a == b).unwrap_or(0) as u32
}

/// Reads varints from `bytes` starting at `*at`.
fn varint(bytes: &[u8], at: &mut usize) -> u32 {
    let (mut v, mut shift) = (0u32, 0);
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        let d = digit(b);
        if d < 32 {
            return v | (d << shift);
        }
        v |= (d - 32) << shift;
        shift += 5;
    }
    v
}

/// Ascending document ids stored as gaps minus one; `count` of them, or all.
fn decode_docs(bytes: &[u8], at: &mut usize, count: Option<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    let mut next = 0;
    while *at < bytes.len() && count.is_none_or(|c| out.len() < c as usize) {
        let doc = next + varint(bytes, at);
        out.push(doc);
        next = doc + 1;
    }
    out
}

/// (document, impact letter value) of every posting of a term.
fn decode_postings(s: &str) -> Vec<(u32, u8)> {
    let bytes = s.as_bytes();
    let mut at = 0;
    let mut out = Vec::new();
    while at < bytes.len() {
        let impact = digit(bytes[at]) as u8;
        at += 1;
        let n = varint(bytes, &mut at);
        out.extend(
            decode_docs(bytes, &mut at, Some(n))
                .into_iter()
                .map(|d| (d, impact)),
        );
    }
    out
}

/// Index of the shard whose range holds `term`.
fn shard_of(firsts: &[String], term: &str) -> usize {
    firsts
        .partition_point(|f| f.as_str() <= term)
        .saturating_sub(1)
}

/// Terms of the loaded shards with their encoded postings.
fn shard_terms(loader: &mut Loader, id: usize) -> Vec<(String, String)> {
    let shard = loader.load(&format!("search/s/{id}.js"));
    let flat = shard.as_array().cloned().unwrap_or_default();
    flat.chunks(2)
        .filter_map(|pair| {
            Some((
                pair[0].as_str()?.to_string(),
                pair.get(1)?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Adds the postings of a term to a word's scores, scaled by how the term matched.
fn add_postings(scores: &mut HashMap<u32, u32>, postings: &str, scale: (u32, u32)) {
    for (doc, extra) in decode_postings(postings) {
        let field = (extra >> 4) as usize;
        let s = (FIELD_WEIGHT[field] + u32::from(extra & 15)) * scale.0 / scale.1;
        let e = scores.entry(doc).or_default();
        *e = (*e).max(s);
    }
}

/// The terms a misspelt `word` is corrected to (closest, then in most documents) and the
/// word shown for the first, from its first letter's vocabulary file.
fn corrections(
    loader: &mut Loader,
    manifest: &serde_json::Value,
    stemmer: &WordStemmer,
    word: &str,
) -> (Vec<String>, Option<String>) {
    let max = typo_budget(word.chars().count());
    let first = word.chars().next().map(String::from).unwrap_or_default();
    let letters = manifest["vocab"].as_array().cloned().unwrap_or_default();
    let Some(n) = letters.iter().position(|l| l.as_str() == Some(&first)) else {
        return (Vec::new(), None);
    };
    if max == 0 {
        return (Vec::new(), None);
    }
    let vocab = loader.load(&format!("search/v/{n}.js"));
    let mut found: Vec<(usize, String, String)> = Vec::new();
    for term in vocab.as_str().unwrap_or("").split(' ') {
        if let Some((d, shown)) = correction(stemmer, word, term, max) {
            found.push((d, term.to_string(), shown));
        }
    }
    // Stable: terms with as many edits stay in vocabulary order (most documents first).
    found.sort_by_key(|f| f.0);
    let best = found.first().map(|f| f.0);
    found.retain(|f| Some(f.0) == best);
    found.truncate(CORRECTIONS);
    let shown = found.first().map(|f| f.2.clone());
    (found.into_iter().map(|f| f.1).collect(), shown)
}

/// Run `text` with `filters` (facet values `(name, value)`) the way the browser does.
pub fn run(files: &HashMap<String, Vec<u8>>, text: &str, filters: &[(&str, &str)]) -> Outcome {
    let mut loader = Loader::new(files);
    let manifest = loader.load("search/index.js");
    let firsts: Vec<String> = manifest["shards"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let query = parse(text);
    let stemmer = WordStemmer::default();
    let mut per_word: Vec<HashMap<u32, u32>> = Vec::new();
    let mut fixed = Vec::new();
    for (i, word) in query.words.iter().enumerate() {
        let stem = stemmer.stem(&word.text);
        let prefix = (query.last_is_prefix && i + 1 == query.words.len() && !word.quoted)
            .then_some(word.text.as_str());
        let mut shard_ids: BTreeSet<usize> = BTreeSet::from([shard_of(&firsts, &stem)]);
        if let Some(p) = prefix {
            let first = shard_of(&firsts, p);
            let more: Vec<usize> = (first + 1..firsts.len())
                .take_while(|&j| firsts[j].starts_with(p))
                .collect();
            shard_ids.insert(first);
            if more.len() < PREFIX_SHARDS {
                shard_ids.extend(more);
            }
        }
        let mut scores: HashMap<u32, u32> = HashMap::new();
        for id in shard_ids {
            for (term, postings) in shard_terms(&mut loader, id) {
                if term == stem {
                    add_postings(&mut scores, &postings, (1, 1));
                } else if prefix.is_some_and(|p| completes(p, &term)) {
                    add_postings(&mut scores, &postings, (3, 4));
                }
            }
        }
        if scores.is_empty() && !word.quoted {
            let (terms, shown) = corrections(&mut loader, &manifest, &stemmer, &word.text);
            for term in &terms {
                for (t, postings) in shard_terms(&mut loader, shard_of(&firsts, term)) {
                    if t == *term {
                        add_postings(&mut scores, &postings, (1, 2));
                    }
                }
            }
            if let Some(shown) = shown {
                fixed.push((word.text.clone(), shown));
            }
        }
        per_word.push(scores);
    }
    let hits = combine(&per_word);
    let facets = manifest["facets"].as_array().cloned().unwrap_or_default();
    let mut by_name: HashMap<&str, BTreeSet<u32>> = HashMap::new();
    for (name, value) in filters {
        if let Some(n) = facets.iter().position(|f| f[0] == *name && f[1] == *value) {
            let docs = loader.load(&format!("search/f/{n}.js"));
            let set = by_name.entry(name).or_default();
            let text = docs.as_str().unwrap_or("").as_bytes();
            set.extend(decode_docs(text, &mut 0, None));
        } else {
            by_name.entry(name).or_default();
        }
    }
    let hits: Vec<Hit> = hits
        .into_iter()
        .filter(|h| by_name.values().all(|set| set.contains(&h.doc)))
        .collect();
    let mut shown = Vec::new();
    let mut matched = Vec::new();
    for (checked, h) in hits.iter().enumerate() {
        if shown.len() == SHOWN || (!query.phrases.is_empty() && checked == PHRASE_CHECKS) {
            break;
        }
        let d = loader.doc(h.doc);
        if query.phrases.is_empty() || contains_phrases(&d, &query.phrases) {
            shown.push(h.doc);
            matched.push(h.words);
        }
    }
    Outcome {
        shown,
        matched,
        total_matches: hits.len(),
        files: loader.loaded,
        bytes: loader.bytes,
        corrections: fixed,
        keep_typing: query.keep_typing,
    }
}

/// A document found, with how many of the query's words it matches and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub words: usize,
    pub score: u32,
}

/// Documents matching every word, best first; when fewer than `FULL_ENOUGH`, then those
/// matching at least half of the words, most words first.
pub fn combine(per_word: &[HashMap<u32, u32>]) -> Vec<Hit> {
    let mut all: HashMap<u32, Hit> = HashMap::new();
    for scores in per_word {
        for (&doc, &s) in scores {
            let h = all.entry(doc).or_insert(Hit {
                doc,
                words: 0,
                score: 0,
            });
            h.words += 1;
            h.score += s;
        }
    }
    let n = per_word.len();
    let full = all.values().filter(|h| h.words == n).count();
    let least = if full < FULL_ENOUGH {
        n.div_ceil(2).max(1)
    } else {
        n
    };
    let mut hits: Vec<Hit> = all.into_values().filter(|h| h.words >= least).collect();
    hits.sort_by(|a, b| {
        b.words
            .cmp(&a.words)
            .then(b.score.cmp(&a.score))
            .then(a.doc.cmp(&b.doc))
    });
    hits
}

/// Whether a document's title or excerpt text holds every phrase, word for word.
fn contains_phrases(doc: &serde_json::Value, phrases: &[Vec<String>]) -> bool {
    let mut text = String::from(doc["t"].as_str().unwrap_or(""));
    for s in doc["x"].as_array().into_iter().flatten() {
        text.push(' ');
        text.push_str(s[0].as_str().unwrap_or(""));
        text.push(' ');
        text.push_str(s[2].as_str().unwrap_or(""));
    }
    let mut words = Vec::new();
    for_each_word(&fold(&text), |w| words.push(w.to_string()));
    phrases
        .iter()
        .all(|p| words.windows(p.len()).any(|w| w == p.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &Query) -> Vec<&str> {
        q.words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn parses_words_phrases_and_prefix() {
        let q = parse("The \"replication lag\" Dat");
        assert_eq!(texts(&q), ["replication", "lag", "dat"]);
        assert!(q.words[0].quoted && !q.words[2].quoted);
        assert_eq!(
            q.phrases,
            [vec!["replication".to_string(), "lag".to_string()]]
        );
        assert!(q.last_is_prefix);
        assert!(!parse("blast ").last_is_prefix);
        assert!(!parse("\"blast radius\"").last_is_prefix);
        // A short word being typed waits for more letters.
        assert_eq!(texts(&parse("blast ra")), ["blast"]);
        assert!(!parse("blast ra").last_is_prefix);
        let io = parse("io");
        assert_eq!(texts(&io), ["io"]);
        assert!(!io.last_is_prefix && io.keep_typing);
        assert!(!parse("io ").keep_typing);
    }

    #[test]
    fn question_words_are_dropped_unless_alone() {
        assert_eq!(
            texts(&parse("What is the difference between SLA and SLO?")),
            ["sla", "slo"]
        );
        assert_eq!(
            texts(&parse("how does failover work")),
            ["failover", "work"]
        );
        assert_eq!(texts(&parse("why")), ["why"]);
    }

    #[test]
    fn a_prefix_only_extends_a_word() {
        assert!(completes("runb", "runbook"));
        assert!(!completes("runbok", "run"));
        assert!(!completes("runbo", "run"));
        // The stem is shorter than the word it comes from.
        assert!(completes("replicat", "replic"));
        assert!(completes("observab", "observ"));
    }

    #[test]
    fn corrections_stay_within_the_typo_budget() {
        let s = WordStemmer::default();
        let fix = |w: &str, t: &str| correction(&s, w, t, typo_budget(w.chars().count()));
        assert_eq!(fix("runbok", "runbook"), Some((1, "runbook".into())));
        assert_eq!(fix("runbok", "run"), None);
        assert_eq!(fix("replcation", "replic"), Some((1, "replication".into())));
        assert_eq!(
            fix("obserability", "observ"),
            Some((1, "observability".into()))
        );
        assert_eq!(fix("radious", "radius"), Some((1, "radius".into())));
        // Two edits only from 8 letters.
        assert_eq!(fix("rollbck", "rollback"), Some((1, "rollback".into())));
        assert_eq!(fix("rolbck", "rollback"), None);
        assert_eq!(fix("incidnet", "incid"), Some((1, "incident".into())));
        assert_eq!(fix("rnubook", "runbook"), Some((1, "runbook".into())));
        assert_eq!(fix("stagng", "stage"), Some((1, "staging".into())));
        assert_eq!(fix("slo", "sla"), None);
    }

    #[test]
    fn fewer_than_three_full_matches_bring_partial_ones() {
        let map = |docs: &[u32]| docs.iter().map(|&d| (d, 10)).collect::<HashMap<u32, u32>>();
        let hits = combine(&[map(&[1, 2]), map(&[2, 3]), map(&[2, 4])]);
        let got: Vec<(u32, usize)> = hits.iter().map(|h| (h.doc, h.words)).collect();
        assert_eq!(got, [(2, 3)]);
        let hits = combine(&[map(&[1, 2, 5]), map(&[2, 3, 5]), map(&[2, 5, 6, 7])]);
        assert_eq!(
            hits.len(),
            2,
            "two full matches, then every doc with 2 of 3"
        );
        let hits = combine(&[map(&[1, 2, 5, 8]), map(&[2, 5, 8]), map(&[2, 5, 8, 1])]);
        assert!(hits.iter().all(|h| h.words == 3), "{hits:?}");
    }

    #[test]
    fn decodes_what_shards_encode() {
        use crate::search::index::{Field, Posting};
        let postings = [
            Posting {
                doc: 3,
                field: Field::Title,
                score: 7,
            },
            Posting {
                doc: 4000,
                field: Field::Body,
                score: 1,
            },
        ];
        let enc = crate::search::shards::encode_postings(&postings);
        let mut got = decode_postings(&enc);
        got.sort_unstable();
        assert_eq!(got, [(3, (2 << 4) | 7), (4000, 1)]);
    }
}
