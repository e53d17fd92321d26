//! The query algorithm of `search.js`, in Rust, run over the generated files. Tests use
//! it to check ranking and to add up the bytes one query downloads; `search.js` must keep
//! to the same steps (parse, pick shards, match, AND, filter, rank, verify phrases).

use std::collections::{BTreeSet, HashMap};

use super::shards::ALPHABET;
use super::tokenize::{WordStemmer, fold, for_each_word, is_stop_word};

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

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Query {
    /// Folded words to match, stop words removed; the last may be a prefix.
    pub words: Vec<String>,
    /// Quoted phrases, folded words in order.
    pub phrases: Vec<Vec<String>>,
    /// Whether the last word is still being typed (no trailing space or quote).
    pub last_is_prefix: bool,
}

pub fn parse(text: &str) -> Query {
    let mut q = Query::default();
    for (i, part) in text.split('"').enumerate() {
        let mut words = Vec::new();
        for_each_word(part, |w| words.push(w.to_string()));
        if i % 2 == 1 && words.len() > 1 {
            q.phrases.push(words.clone());
        }
        q.words
            .extend(words.into_iter().filter(|w| !is_stop_word(w)));
    }
    let ends_in_word = text.chars().last().is_some_and(char::is_alphanumeric);
    q.last_is_prefix =
        ends_in_word && text.matches('"').count().is_multiple_of(2) && !q.words.is_empty();
    let short = q
        .words
        .last()
        .is_some_and(|w| w.chars().count() < MIN_PREFIX);
    if q.last_is_prefix && short {
        q.last_is_prefix = false;
        if q.words.len() > 1 {
            q.words.pop();
        }
    }
    q
}

/// What a query read and found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Ids of the documents shown, best first.
    pub shown: Vec<u32>,
    /// Every file loaded, in order, without repeats.
    pub files: Vec<String>,
    pub bytes: usize,
    pub total_matches: usize,
}

/// Reads the generated files as the browser would, remembering what it loaded.
pub struct Loader<'a> {
    files: &'a HashMap<String, Vec<u8>>,
    loaded: Vec<String>,
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

    /// The JSON argument of a data file (`…(n,<json>);`).
    fn load(&mut self, path: &str) -> serde_json::Value {
        let bytes = self.files.get(path).map(Vec::as_slice).unwrap_or_default();
        if !self.loaded.iter().any(|p| p == path) {
            self.loaded.push(path.to_string());
            self.bytes += bytes.len();
        }
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
    for (i, word) in query.words.iter().enumerate() {
        let stem = stemmer.stem(word);
        let prefix = (query.last_is_prefix && i + 1 == query.words.len()).then_some(word.as_str());
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
            let shard = loader.load(&format!("search/s/{id}.js"));
            let flat = shard.as_array().cloned().unwrap_or_default();
            for pair in flat.chunks(2) {
                let (Some(term), Some(postings)) = (pair[0].as_str(), pair[1].as_str()) else {
                    continue;
                };
                let exact = term == stem;
                let completes = prefix.is_some_and(|p| {
                    term.starts_with(p) || (p.starts_with(term) && term.len() + 3 >= p.len())
                });
                if !exact && !completes {
                    continue;
                }
                for (doc, extra) in decode_postings(postings) {
                    let field = (extra >> 4) as usize;
                    let mut s = FIELD_WEIGHT[field] + u32::from(extra & 15);
                    if !exact {
                        s = s * 3 / 4;
                    }
                    let e = scores.entry(doc).or_default();
                    *e = (*e).max(s);
                }
            }
        }
        per_word.push(scores);
    }
    let Some((first, rest)) = per_word.split_first() else {
        return Outcome {
            files: loader.loaded,
            bytes: loader.bytes,
            ..Outcome::default()
        };
    };
    let mut hits: Vec<(u32, u32)> = first
        .iter()
        .filter_map(|(&doc, &s)| {
            rest.iter()
                .try_fold(s, |acc, m| m.get(&doc).map(|x| acc + x))
                .map(|total| (doc, total))
        })
        .collect();
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
    hits.retain(|(doc, _)| by_name.values().all(|set| set.contains(doc)));
    hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut shown = Vec::new();
    for (checked, &(doc, _)) in hits.iter().enumerate() {
        if shown.len() == SHOWN || (!query.phrases.is_empty() && checked == PHRASE_CHECKS) {
            break;
        }
        let d = loader.load(&format!("search/d/{doc}.js"));
        if query.phrases.is_empty() || contains_phrases(&d, &query.phrases) {
            shown.push(doc);
        }
    }
    Outcome {
        shown,
        total_matches: hits.len(),
        files: loader.loaded,
        bytes: loader.bytes,
    }
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

    #[test]
    fn parses_words_phrases_and_prefix() {
        let q = parse("The \"replication lag\" Dat");
        assert_eq!(q.words, ["replication", "lag", "dat"]);
        assert_eq!(
            q.phrases,
            [vec!["replication".to_string(), "lag".to_string()]]
        );
        assert!(q.last_is_prefix);
        assert!(!parse("blast ").last_is_prefix);
        assert!(!parse("\"blast radius\"").last_is_prefix);
        // A short word being typed waits for more letters.
        assert_eq!(parse("blast ra").words, ["blast"]);
        assert!(!parse("blast ra").last_is_prefix);
        assert_eq!(parse("io").words, ["io"]);
        assert!(!parse("io").last_is_prefix);
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
