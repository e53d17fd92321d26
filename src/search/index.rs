//! Building the in-memory index: one `SearchDoc` per page worth finding, and for every
//! term the documents containing it with the best field it appears in and a BM25 score.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::tokenize::{WordStemmer, for_each_word, is_stop_word};
use crate::content::glossary::GLOSSARY;
use crate::content::{Page, PageKind};
use crate::kinds::kind::{SearchFacets, ShownText};
use crate::markdown::RenderedBody;

/// Where in a document a term occurs, best first. Ranking compares these before BM25.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Field {
    Body = 0,
    Heading = 1,
    Title = 2,
    /// The title or an alias of a glossary term: what someone typing a term wants first.
    TermName = 3,
}

/// Text shown as an excerpt under a result; capped (in bytes) so a result costs a few KB.
#[derive(Debug, Clone)]
pub struct ExcerptSection {
    pub heading: String,
    pub anchor: String,
    pub text: String,
}

/// One searchable page: what a result shows and what the filters test.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub title: String,
    pub url: String,
    pub kind: PageKind,
    pub date: Option<String>,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub sections: Vec<ExcerptSection>,
}

/// A document containing a term: its best field and its body score quantized to 0–15.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    pub field: Field,
    pub score: u8,
}

/// A filter value and the documents it keeps.
#[derive(Debug, Clone)]
pub struct Facet {
    /// `kind`, `tag`, `severity` or `service`.
    pub name: &'static str,
    pub value: String,
    pub label: String,
    pub docs: Vec<u32>,
}

pub struct SearchIndex {
    pub docs: Vec<SearchDoc>,
    /// Sorted by term, so shards are contiguous term ranges.
    pub terms: Vec<(String, Vec<Posting>)>,
    pub facets: Vec<Facet>,
}

/// Most characters of one section kept for excerpts, and of one document in all.
const SECTION_EXCERPT_CHARS: usize = 1500;
const DOC_EXCERPT_CHARS: usize = 6000;
/// Most values listed for the tag and service filters.
const FACET_VALUES: usize = 40;
/// BM25 parameters (the usual defaults).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// FxHash: much faster than SipHash on the short words the indexer hashes millions of
/// times, and HashDoS is no concern for a site's own content.
#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.add(v);
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn add(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// Per-document term statistics from one pass over its text.
pub(super) struct DocTerms {
    pub length: u32,
    /// (term, best field, term frequency), one entry per distinct term, in no order.
    pub terms: Vec<(Arc<str>, Field, u32)>,
}

/// Stems seen by one indexing thread. Words map to small ids so counting a document's
/// words hashes integers, not strings; each distinct word is stemmed once per thread.
#[derive(Default)]
struct StemTable {
    /// Folded word → stem id, or `STOP` for a stop word.
    by_word: WordMap<Box<str>, u32>,
    by_stem: WordMap<Arc<str>, u32>,
    stems: Vec<Arc<str>>,
}

const STOP: u32 = u32::MAX;

impl StemTable {
    fn id(&mut self, stemmer: &WordStemmer, word: &str) -> u32 {
        if let Some(&id) = self.by_word.get(word) {
            return id;
        }
        let id = if is_stop_word(word) {
            STOP
        } else {
            let stem: Arc<str> = stemmer.stem(word).into();
            match self.by_stem.get(&stem) {
                Some(&id) => id,
                None => {
                    let id = self.stems.len() as u32;
                    self.stems.push(stem.clone());
                    self.by_stem.insert(stem, id);
                    id
                }
            }
        };
        self.by_word.insert(word.into(), id);
        id
    }
}

thread_local! {
    static STEMS: RefCell<StemTable> = RefCell::new(StemTable::default());
}

/// Counts of one document's terms, by stem id of the current thread's `StemTable`.
#[derive(Default)]
struct Counts {
    length: u32,
    by_id: WordMap<u32, (Field, u32)>,
}

fn add_text(
    stemmer: &WordStemmer,
    table: &mut StemTable,
    doc: &mut Counts,
    text: &str,
    field: Field,
) {
    for_each_word(text, |w| {
        let id = table.id(stemmer, w);
        if id == STOP {
            return;
        }
        doc.length += 1;
        let e = doc.by_id.entry(id).or_insert((field, 0));
        e.0 = e.0.max(field);
        e.1 += 1;
    });
}

/// Whether a page is worth a search result (section listings and the home page are not).
pub fn is_searchable(page: &Page) -> bool {
    !matches!(page.kind, PageKind::Home | PageKind::Section)
}

/// Everything of `page`'s front matter a reader sees, by the section it is shown in: what
/// its kind shows beside the body (each kind says, through the registry), then its
/// declared fields. Search reads no kind's front matter itself.
pub fn shown_text(page: &Page) -> Vec<ShownText> {
    let sections = crate::kinds::registry::shown_text(page);
    let mut shown: Vec<ShownText> = sections.into_iter().flatten().collect();
    shown.extend(declared_text(page));
    shown
}

/// A page's declared fields (`book.toml`'s `[kinds.<name>.fields]`), each under its label as
/// the page's facts show it.
fn declared_text(page: &Page) -> impl Iterator<Item = ShownText> + '_ {
    let values = page.fields.iter().flat_map(|f| f.values.iter());
    values.filter_map(|(name, value)| {
        let text = value.as_text().filter(|t| !t.trim().is_empty())?;
        Some(ShownText {
            heading: crate::content::declared::field_label(name).into(),
            anchor: "",
            text,
        })
    })
}

/// About the first `max` bytes of `text` with runs of white space collapsed, cut at a word.
fn excerpt_text(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(max.min(text.len()) + 4);
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > max && !out.is_empty() {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn search_doc(page: &Page, body: &RenderedBody, front: &[ShownText]) -> SearchDoc {
    let mut sections = Vec::new();
    let mut left = DOC_EXCERPT_CHARS;
    let mut push = |heading: &str, anchor: &str, text: &str| {
        let text = excerpt_text(text, SECTION_EXCERPT_CHARS.min(left.max(200)));
        left = left.saturating_sub(text.len());
        sections.push(ExcerptSection {
            heading: heading.to_string(),
            anchor: anchor.to_string(),
            text,
        });
    };
    // The lead first, then the body, then what the page shows after it.
    let (lead, rest) = front.split_at(front.iter().take_while(|s| s.heading.is_empty()).count());
    for s in lead {
        push("", "", &s.text);
    }
    for s in &body.sections {
        push(&s.heading, &s.anchor, &s.text);
    }
    for s in rest {
        push(&s.heading, s.anchor, &s.text);
    }
    let SearchFacets { severity, services } = crate::kinds::registry::search_facets(page);
    let aliases = page
        .glossary()
        .map(|t| t.aliases.clone())
        .unwrap_or_default();
    SearchDoc {
        title: page.meta.title.clone(),
        url: page.url.clone(),
        kind: page.kind,
        date: page.meta.date.map(|d| d.to_string()),
        severity,
        services,
        tags: page.meta.tags.clone(),
        aliases,
        sections,
    }
}

/// Index the full text of a page (the excerpt keeps only its start).
fn doc_terms(
    stemmer: &WordStemmer,
    doc: &SearchDoc,
    body: &RenderedBody,
    front: &[ShownText],
) -> DocTerms {
    STEMS.with(|table| {
        let table = &mut *table.borrow_mut();
        let mut c = Counts::default();
        let name_field = if doc.kind.is(&GLOSSARY) {
            Field::TermName
        } else {
            Field::Title
        };
        add_text(stemmer, table, &mut c, &doc.title, name_field);
        for a in &doc.aliases {
            add_text(stemmer, table, &mut c, a, Field::TermName);
        }
        for s in front {
            add_text(stemmer, table, &mut c, &s.text, Field::Body);
        }
        for s in &body.sections {
            add_text(stemmer, table, &mut c, &s.heading, Field::Heading);
            add_text(stemmer, table, &mut c, &s.text, Field::Body);
        }
        // A tag names what the page is about, as a heading does.
        for tag in &doc.tags {
            add_text(stemmer, table, &mut c, tag, Field::Heading);
        }
        for extra in doc.services.iter().chain(&doc.severity) {
            add_text(stemmer, table, &mut c, extra, Field::Body);
        }
        DocTerms {
            length: c.length,
            terms: c
                .by_id
                .into_iter()
                .map(|(id, (f, tf))| (table.stems[id as usize].clone(), f, tf))
                .collect(),
        }
    })
}

/// The pages that become documents, in document id order.
pub(super) fn doc_order(pages: &[Page]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pages.len())
        .filter(|&i| is_searchable(&pages[i]))
        .collect();
    // Stable ids by URL, so a rebuild of unchanged content writes identical files.
    order.sort_by(|&a, &b| pages[a].url.cmp(&pages[b].url));
    order
}

/// What a result shows of one page and the terms it is found by.
pub(super) fn analyse(
    stemmer: &WordStemmer,
    page: &Page,
    body: &RenderedBody,
) -> (SearchDoc, DocTerms) {
    let front = shown_text(page);
    let doc = search_doc(page, body, &front);
    let terms = doc_terms(stemmer, &doc, body, &front);
    (doc, terms)
}

/// Build the index of every searchable page. Runs in parallel over pages, then merges.
pub fn build_index(pages: &[Page], bodies: &[std::sync::Arc<RenderedBody>]) -> SearchIndex {
    let stemmer = WordStemmer::default();
    let order = doc_order(pages);
    // Chunks bound the memory held by per-document term lists before they are merged.
    let mut merged = Merged::default();
    for chunk in order.chunks(1024) {
        let analysed: Vec<(SearchDoc, DocTerms)> = chunk
            .par_iter()
            .map(|&i| analyse(&stemmer, &pages[i], &bodies[i]))
            .collect();
        merged.add(analysed);
    }
    merged.finish()
}

/// (document, field, BM25 score) before quantizing.
type ScoredPosting = (u32, Field, f32);

/// Postings gathered so far, before scoring.
#[derive(Default)]
struct Merged {
    docs: Vec<SearchDoc>,
    lengths: Vec<u32>,
    ids: WordMap<Arc<str>, usize>,
    /// Per term: (document, field, term frequency).
    raw: Vec<Vec<(u32, Field, u32)>>,
}

impl Merged {
    fn add(&mut self, analysed: Vec<(SearchDoc, DocTerms)>) {
        for (doc, terms) in analysed {
            let d = self.docs.len() as u32;
            for (term, field, tf) in terms.terms {
                let id = match self.ids.get(&term) {
                    Some(&id) => id,
                    None => {
                        self.ids.insert(term, self.raw.len());
                        self.raw.push(Vec::new());
                        self.raw.len() - 1
                    }
                };
                self.raw[id].push((d, field, tf));
            }
            self.docs.push(doc);
            self.lengths.push(terms.length);
        }
    }

    fn finish(self) -> SearchIndex {
        let Merged {
            docs,
            lengths,
            ids,
            raw,
        } = self;
        let n = docs.len() as u32;
        let avg_len = average_length(&lengths);
        let mut names: Vec<(Arc<str>, usize)> = ids.into_iter().collect();
        names.sort_unstable();
        let scored: Vec<(String, Vec<ScoredPosting>)> = names
            .into_par_iter()
            .map(|(term, id)| {
                let list = &raw[id];
                let idf = idf(n, list.len() as u32);
                // Documents were merged in id order, so each list is already sorted.
                let postings = list
                    .iter()
                    .map(|&(doc, field, tf)| {
                        let norm = length_norm(lengths[doc as usize], avg_len);
                        (doc, field, bm25(idf, tf, norm))
                    })
                    .collect();
                (term.to_string(), postings)
            })
            .collect();
        drop(raw);
        let top = scored
            .iter()
            .flat_map(|(_, p)| p.iter().map(|x| x.2))
            .fold(0.0f32, f32::max)
            .max(MIN_TOP);
        let quantizer = Quantizer::new(top);
        let terms = scored
            .into_iter()
            .map(|(term, list)| {
                let postings = list
                    .into_iter()
                    .map(|(doc, field, s)| Posting {
                        doc,
                        field,
                        score: quantizer.quantize(s),
                    })
                    .collect();
                (term, postings)
            })
            .collect();
        let facets = facets(&docs);
        SearchIndex {
            docs,
            terms,
            facets,
        }
    }
}

/// Floor of the best score quantization scales to, so an index of empty pages still divides.
pub(super) const MIN_TOP: f32 = 1e-3;

/// Mean document length in words, summed in document order: the incremental index
/// (`state`) recomputes it the same way, so both get the same bits.
pub(super) fn average_length(lengths: &[u32]) -> f32 {
    let n = lengths.len() as u32;
    (lengths.iter().map(|&l| l as f32).sum::<f32>() / n.max(1) as f32).max(1.0)
}

/// BM25's inverse document frequency of a term in `df` of `n` documents.
pub(super) fn idf(n: u32, df: u32) -> f32 {
    (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
}

/// BM25's length normalisation of a document of `len` words (per document, not per posting).
pub(super) fn length_norm(len: u32, avg_len: f32) -> f32 {
    K1 * (1.0 - B + B * len as f32 / avg_len)
}

pub(super) fn bm25(idf: f32, tf: u32, norm: f32) -> f32 {
    let tf = tf as f32;
    idf * tf * (K1 + 1.0) / (tf + norm)
}

/// 0–15 on a log scale: small differences between weak matches still order results.
pub fn quantize(score: f32, top: f32) -> u8 {
    if score <= 0.0 {
        return 0;
    }
    let q = (15.0 * (1.0 + score).ln() / (1.0 + top).ln()).round();
    q.clamp(1.0, 15.0) as u8
}

/// `quantize` with one `top` for many scores, without a logarithm per score: a score is
/// compared with the 14 scores where the rounded level steps up. Scores too close to a
/// step for the comparison to be sure of the float rounding take the exact formula, so
/// the result is always `quantize(score, top)`.
pub struct Quantizer {
    top: f32,
    steps: [f64; 14],
    /// Scores strictly between `inside[k].0` and `inside[k].1` are surely level `k`.
    inside: [(f32, f32); 16],
}

/// Relative distance from a step within which the float rounding of `quantize` decides:
/// f32 arithmetic is good to about 1e-6 relative, so 1e-4 leaves a wide berth.
const NEAR_STEP: f64 = 1e-4;

impl Quantizer {
    pub fn new(top: f32) -> Quantizer {
        let l = (1.0 + top as f64).ln();
        // Level k + 1 starts where 15 ln(1 + s) / ln(1 + top) reaches k + 0.5.
        let steps: [f64; 14] = std::array::from_fn(|k| ((k as f64 + 1.5) * l / 15.0).exp() - 1.0);
        let inside = std::array::from_fn(|k| match k {
            0 => (f32::NEG_INFINITY, 0.0),
            1 => (0.0, (steps[0] * (1.0 - NEAR_STEP)) as f32),
            15 => ((steps[13] * (1.0 + NEAR_STEP)) as f32, f32::INFINITY),
            _ => (
                (steps[k - 2] * (1.0 + NEAR_STEP)) as f32,
                (steps[k - 1] * (1.0 - NEAR_STEP)) as f32,
            ),
        });
        Quantizer { top, steps, inside }
    }

    pub fn quantize(&self, score: f32) -> u8 {
        if score <= 0.0 {
            return 0;
        }
        let s = score as f64;
        // Counted rather than searched: no branch to mispredict, a few vector compares.
        let k = self
            .steps
            .iter()
            .map(|&b| usize::from(b <= s))
            .sum::<usize>();
        let near = |b: f64| (s - b).abs() <= b * NEAR_STEP;
        if (k > 0 && near(self.steps[k - 1])) || (k < 14 && near(self.steps[k])) {
            return quantize(score, self.top);
        }
        (k + 1) as u8
    }

    /// Whether `quantize(score) == level`, in two comparisons when the level is unchanged
    /// (the common case when requantizing after a small edit).
    pub fn is_level(&self, score: f32, level: u8) -> bool {
        let (lo, hi) = self.inside[usize::from(level & 15)];
        (score > lo && score < hi) || self.quantize(score) == level
    }

    /// `quantize(score)`, in two comparisons when it is `guess` (any value: a guess > 15 is
    /// simply wrong).
    pub fn quantize_near(&self, score: f32, guess: u8) -> u8 {
        match self.inside.get(usize::from(guess)) {
            Some(&(lo, hi)) if score > lo && score < hi => guess,
            _ => self.quantize(score),
        }
    }
}

/// The label most documents write, the first one written on a tie (as the tag pages
/// choose a tag's name).
fn most_written(labels: Vec<(String, usize, u32)>) -> String {
    let mut best: Option<(String, usize)> = None;
    for (label, n, _) in labels {
        if best.as_ref().is_none_or(|(_, most)| n > *most) {
            best = Some((label, n));
        }
    }
    best.map(|(l, _)| l).unwrap_or_default()
}

/// The facet keys of a document (kind, tags, severity, services) are all `facets` reads.
pub(super) fn facets<D: std::borrow::Borrow<SearchDoc>>(docs: &[D]) -> Vec<Facet> {
    let mut out = Vec::new();
    let mut push_group =
        |name: &'static str, key: &dyn Fn(&SearchDoc) -> Vec<(String, String)>, cap: usize| {
            // value → (its labels with the documents writing each and the last of them,
            // first seen first; docs)
            type Labels = Vec<(String, usize, u32)>;
            let mut groups: std::collections::BTreeMap<String, (Labels, Vec<u32>)> =
                std::collections::BTreeMap::new();
            for (i, d) in docs.iter().enumerate() {
                for (value, label) in key(d.borrow()) {
                    let (labels, docs) = groups.entry(value).or_default();
                    let i = i as u32;
                    match labels.iter_mut().find(|(l, ..)| *l == label) {
                        Some((_, n, last)) if *last != i => (*n, *last) = (*n + 1, i),
                        Some(_) => {}
                        None => labels.push((label, 1, i)),
                    }
                    // A page listing a tag twice is in its facet once (the encoding of
                    // ascending document numbers has no room for a repeat).
                    if docs.last() != Some(&i) {
                        docs.push(i);
                    }
                }
            }
            let mut list: Vec<Facet> = groups
                .into_iter()
                .map(|(value, (labels, docs))| Facet {
                    name,
                    value,
                    label: most_written(labels),
                    docs,
                })
                .collect();
            // Most used first, then alphabetical; kinds keep their natural order.
            if name != "kind" {
                list.sort_by(|a, b| b.docs.len().cmp(&a.docs.len()).then(a.value.cmp(&b.value)));
                list.truncate(cap);
                list.sort_by(|a, b| a.value.cmp(&b.value));
            }
            out.extend(list);
        };
    push_group(
        "kind",
        &|d| vec![(d.kind.name().to_string(), d.kind.label().1.to_string())],
        usize::MAX,
    );
    push_group(
        "tag",
        // Filed under the tag pages' slugs, so spellings that share a tag page share a
        // filter too.
        &|d| {
            d.tags
                .iter()
                .map(|t| (crate::content::tags::tag_slug(t), t.clone()))
                .filter(|(slug, _)| !slug.is_empty())
                .collect()
        },
        FACET_VALUES,
    );
    push_group(
        "severity",
        &|d| {
            d.severity
                .iter()
                .map(|s| (s.to_lowercase(), s.clone()))
                .collect()
        },
        FACET_VALUES,
    );
    push_group(
        "service",
        &|d| {
            d.services
                .iter()
                .map(|s| (s.to_lowercase(), s.clone()))
                .collect()
        },
        FACET_VALUES,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantizer_agrees_with_quantize() {
        let mut x = 987_654_321u32;
        let mut next = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 8) as f32 / (1u32 << 24) as f32
        };
        for top in [MIN_TOP, 0.5, 1.0, 3.7, 12.25, 40.0, 1000.0] {
            let q = Quantizer::new(top);
            let mut scores: Vec<f32> = (0..20_000).map(|_| next() * top * 1.2).collect();
            // Right at, just below and just above every step.
            for b in q.steps {
                let b = b as f32;
                scores.extend([
                    b,
                    f32::from_bits(b.to_bits() - 1),
                    f32::from_bits(b.to_bits() + 1),
                ]);
            }
            scores.extend([0.0, -1.0, f32::MIN_POSITIVE, 1e-9, top, top * 2.0]);
            for s in scores {
                let want = quantize(s, top);
                assert_eq!(q.quantize(s), want, "score {s} top {top}");
                for level in 0..16 {
                    assert_eq!(q.is_level(s, level), level == want, "score {s} top {top}");
                }
                for guess in [0, 1, want, want.wrapping_sub(1), want + 1, 15, 16, 255] {
                    assert_eq!(q.quantize_near(s, guess), want, "score {s} top {top}");
                }
            }
        }
    }
}
