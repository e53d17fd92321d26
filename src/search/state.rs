//! The search index kept between the builds of `serve`, so a save re-analyses only the
//! pages it changed. The files it produces are byte for byte those of a fresh index of the
//! same pages (`index::build_index` + `shards::index_files`): the global statistics (mean
//! length, the best score quantization scales to) are recomputed every time, in document
//! order, from the per-term postings; only the expensive parts are cached: tokenizing and
//! stemming of each document, the encoding of each term, and every file's bytes.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::index::{self, DocTerms, Facet, Field, MIN_TOP, Posting, SearchDoc};
use super::shards;
use super::tokenize::WordStemmer;
use crate::content::Page;
use crate::markdown::RenderedBody;
use crate::timings::StageTimer;

/// (document, best field, term frequency).
type RawPosting = (u32, Field, u32);

/// The guess for a posting with no quantized score before.
const NO_LEVEL: u8 = u8::MAX;

/// Lower and upper bound of a term's best score (equal once it has been computed).
type Bounds = (f64, f64);

/// One term of the index, with everything its shard needs.
struct TermEntry {
    term: Arc<str>,
    /// By document.
    raw: Vec<RawPosting>,
    /// Quantized BM25 score of each posting of `raw`.
    scores: Vec<u8>,
    encoded: Arc<str>,
}

/// The search index of one build, kept by `serve` so the next build re-analyses only
/// changed pages.
#[derive(Clone)]
pub struct SearchState {
    /// The page index of each document.
    order: Vec<usize>,
    /// Documents in id order, with their excerpts dropped (their doc files hold them).
    docs: Vec<Arc<SearchDoc>>,
    /// The body each document was analysed from: an unchanged body is the same `Arc`.
    bodies: Vec<Arc<RenderedBody>>,
    lengths: Vec<u32>,
    top: f32,
    /// Sorted by term.
    terms: Vec<Arc<TermEntry>>,
    /// Bounds of each term's best unquantized score, so finding the best score of the index
    /// after an edit rescores only the terms that may hold it.
    bests: Vec<Bounds>,
    /// BM25 length normalisation of each document.
    norms: Vec<f32>,
    /// The term range of each shard.
    shards: Vec<Range<usize>>,
    facets: Vec<Facet>,
    /// Shards, then document buckets, then facets, then vocabularies, then the manifest
    /// (as `index_files` orders them).
    files: Vec<(String, Arc<[u8]>)>,
}

// `serve` keeps the state between builds, possibly on another thread.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<SearchState>()
};

/// A term's postings before scoring.
enum Draft {
    /// Postings of the previous build's term, unchanged, and its best score's bounds then.
    Same(Arc<TermEntry>, Bounds),
    /// New or changed postings, and the previous build's entry for the term if any.
    New {
        term: Arc<str>,
        raw: Vec<RawPosting>,
        /// Each posting's quantized score in the previous build, or empty.
        guesses: Vec<u8>,
        prev: Option<Arc<TermEntry>>,
    },
}

impl Draft {
    fn raw(&self) -> &[RawPosting] {
        match self {
            Draft::Same(e, _) => &e.raw,
            Draft::New { raw, .. } => raw,
        }
    }
}

/// The documents of a build, by id, as `finish` takes them.
struct Docs {
    order: Vec<usize>,
    docs: Vec<Arc<SearchDoc>>,
    bodies: Vec<Arc<RenderedBody>>,
    lengths: Vec<u32>,
    /// The bucket files of the documents, in order.
    buckets: Vec<Arc<[u8]>>,
}

/// A document analysed this build: facet keys, term counts, the JSON its bucket holds.
type Analysed = (SearchDoc, DocTerms, Vec<u8>);

fn analyse_doc(stemmer: &WordStemmer, page: &Page, body: &RenderedBody) -> Analysed {
    let (mut doc, terms) = index::analyse(stemmer, page, body);
    let json = shards::doc_json(&doc);
    // The bucket file holds the excerpts; the state keeps only what facets read.
    doc.sections = Vec::new();
    (doc, terms, json)
}

/// `bytes`, or the previous build's file when its bytes are equal (so the caller can tell
/// an unchanged file by `Arc::ptr_eq`).
fn reuse(prev: Option<&Arc<[u8]>>, bytes: Vec<u8>) -> Arc<[u8]> {
    match prev {
        Some(p) if **p == *bytes => p.clone(),
        _ => bytes.into(),
    }
}

fn same_facet_keys(a: &SearchDoc, b: &SearchDoc) -> bool {
    a.kind == b.kind && a.tags == b.tags && a.severity == b.severity && a.services == b.services
}

impl SearchState {
    /// Index every searchable page. With `previous` (the last build's state), pages whose
    /// body is the same `Arc<RenderedBody>` (`Arc::ptr_eq`) at the same URL, in the same doc
    /// order, reuse their analysis; only changed docs are re-tokenized. A different set of
    /// searchable URLs re-analyses everything (files whose bytes are unchanged are still
    /// the previous `Arc`s). A page whose front matter changed must come with a new body
    /// `Arc` too (as `serve` does): search reads its title, summary, tags and kind data.
    pub fn build(
        pages: &[Page],
        bodies: &[Arc<RenderedBody>],
        previous: Option<&SearchState>,
    ) -> SearchState {
        let mut timer = StageTimer::new();
        // The same searchable pages at the same indices need no sorting by URL again.
        let order = match previous.filter(|p| p.same_pages(pages)) {
            Some(p) => p.order.clone(),
            None => index::doc_order(pages),
        };
        let stemmer = WordStemmer::default();
        timer.lap("      search: document order");
        let same_docs = |p: &&SearchState| {
            p.docs.len() == order.len()
                && p.docs
                    .iter()
                    .zip(&order)
                    .all(|(d, &i)| d.url == pages[i].url)
        };
        match previous.filter(same_docs) {
            Some(prev) => Self::update(prev, pages, bodies, &order, &stemmer, &mut timer),
            None => Self::fresh(pages, bodies, &order, &stemmer, previous, &mut timer),
        }
    }

    /// Every file of the index: (path under the site root, bytes). A file whose bytes equal
    /// the previous state's file at the same path is the same `Arc` as there.
    pub fn files(&self) -> &[(String, Arc<[u8]>)] {
        &self.files
    }

    /// Whether `pages` has searchable pages at just the indices and URLs of this build's.
    fn same_pages(&self, pages: &[Page]) -> bool {
        let same = |(&i, d): (&usize, &Arc<SearchDoc>)| {
            pages
                .get(i)
                .is_some_and(|p| p.url == d.url && index::is_searchable(p))
        };
        self.order.iter().zip(&self.docs).all(same)
            && pages.iter().filter(|p| index::is_searchable(p)).count() == self.docs.len()
    }

    /// The document bucket files, in order.
    fn buckets(&self) -> &[(String, Arc<[u8]>)] {
        let count = shards::bucket_count(self.docs.len());
        &self.files[self.shards.len()..][..count]
    }

    fn vocab_files(&self) -> &[(String, Arc<[u8]>)] {
        let start = self.shards.len() + self.buckets().len() + self.facets.len();
        &self.files[start..self.files.len() - 1]
    }

    fn prev_facet_file(&self, n: usize) -> Option<&Arc<[u8]>> {
        let start = self.shards.len() + self.buckets().len();
        (n < self.facets.len()).then(|| &self.files[start + n].1)
    }

    fn fresh(
        pages: &[Page],
        bodies: &[Arc<RenderedBody>],
        order: &[usize],
        stemmer: &WordStemmer,
        prev: Option<&SearchState>,
        timer: &mut StageTimer,
    ) -> SearchState {
        let mut docs = Vec::with_capacity(order.len());
        let mut lengths = Vec::with_capacity(order.len());
        let mut buckets = Vec::with_capacity(shards::bucket_count(order.len()));
        let prev_buckets = prev.map_or(&[][..], |p| p.buckets());
        let mut ids: index::WordMap<Arc<str>, usize> = index::WordMap::default();
        let mut raws: Vec<(Arc<str>, Vec<RawPosting>)> = Vec::new();
        // Chunks bound the memory held by per-document term lists and JSON before they are
        // merged; each is whole buckets.
        for chunk in order.chunks(CHUNK_DOCS) {
            let analysed: Vec<Analysed> = chunk
                .par_iter()
                .map(|&i| analyse_doc(stemmer, &pages[i], &bodies[i]))
                .collect();
            let jsons: Vec<&[u8]> = analysed.iter().map(|a| a.2.as_slice()).collect();
            for part in jsons.chunks(shards::BUCKET_DOCS) {
                let b = buckets.len();
                let file = shards::bucket_file(b, part);
                buckets.push(reuse(prev_buckets.get(b).map(|f| &f.1), file));
            }
            for (doc, terms, _) in analysed {
                let d = docs.len();
                for (term, field, tf) in terms.terms {
                    let id = *ids.entry(term.clone()).or_insert_with(|| {
                        raws.push((term, Vec::new()));
                        raws.len() - 1
                    });
                    raws[id].1.push((d as u32, field, tf));
                }
                docs.push(Arc::new(doc));
                lengths.push(terms.length);
            }
        }
        drop(ids);
        raws.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let drafts = raws
            .into_iter()
            .map(|(term, raw)| Draft::New {
                term,
                raw,
                guesses: Vec::new(),
                prev: None,
            })
            .collect();
        let bodies = order.iter().map(|&i| bodies[i].clone()).collect();
        timer.lap("      search: analyse every document");
        let docs = Docs {
            order: order.to_vec(),
            docs,
            bodies,
            lengths,
            buckets,
        };
        Self::finish(docs, drafts, None, prev, timer)
    }

    fn update(
        prev: &SearchState,
        pages: &[Page],
        bodies: &[Arc<RenderedBody>],
        order: &[usize],
        stemmer: &WordStemmer,
        timer: &mut StageTimer,
    ) -> SearchState {
        let changed: Vec<u32> = (0..order.len())
            .filter(|&d| !Arc::ptr_eq(&bodies[order[d]], &prev.bodies[d]))
            .map(|d| d as u32)
            .collect();
        if changed.is_empty() {
            return prev.clone();
        }
        // Most pages changed (a front-matter edit renews every body): merging saves nothing.
        if changed.len() * 2 > order.len() {
            return Self::fresh(pages, bodies, order, stemmer, Some(prev), timer);
        }
        let analysed: Vec<Analysed> = changed
            .par_iter()
            .map(|&d| {
                let i = order[d as usize];
                analyse_doc(stemmer, &pages[i], &bodies[i])
            })
            .collect();
        timer.lap("      search: analyse changed documents");
        let mut docs = prev.docs.clone();
        let mut kept_bodies = prev.bodies.clone();
        let mut lengths = prev.lengths.clone();
        let mut facets_changed = false;
        // The new JSON of the changed documents, by bucket, with their slots.
        let mut rewritten: BTreeMap<usize, Vec<(usize, Vec<u8>)>> = BTreeMap::new();
        // Postings of the changed documents by term; `changed` ascends, so each is sorted.
        let mut added: BTreeMap<Arc<str>, Vec<RawPosting>> = BTreeMap::new();
        for (&d, (doc, terms, json)) in changed.iter().zip(analysed) {
            let du = d as usize;
            facets_changed |= !same_facet_keys(&docs[du], &doc);
            docs[du] = Arc::new(doc);
            kept_bodies[du] = bodies[order[du]].clone();
            lengths[du] = terms.length;
            let slot = du % shards::BUCKET_DOCS;
            rewritten
                .entry(shards::bucket_of(du))
                .or_default()
                .push((slot, json));
            for (term, field, tf) in terms.terms {
                added.entry(term).or_default().push((d, field, tf));
            }
        }
        let changes = Changes::new(&changed, docs.len());
        // The previous terms with the changed documents' postings replaced (None: no
        // document has the term any more), in parallel: common terms have long lists.
        let updated: Vec<Option<Draft>> = prev
            .terms
            .par_iter()
            .zip(&prev.bests)
            .map(|(e, &bounds)| {
                let add = added.get(&*e.term).map_or(&[][..], Vec::as_slice);
                if changes.keep(&e.raw, add) {
                    return Some(Draft::Same(e.clone(), bounds));
                }
                let (raw, guesses) = changes.apply(&e.raw, &e.scores, add);
                (!raw.is_empty()).then(|| Draft::New {
                    term: e.term.clone(),
                    raw,
                    guesses,
                    prev: Some(e.clone()),
                })
            })
            .collect();
        // Terms no document had before, slotted in by term order.
        let mut fresh_terms = added
            .into_iter()
            .filter(|(t, _)| {
                prev.terms
                    .binary_search_by(|e| (*e.term).cmp(&**t))
                    .is_err()
            })
            .peekable();
        let mut drafts = Vec::with_capacity(prev.terms.len() + 16);
        for (e, draft) in prev.terms.iter().zip(updated) {
            while let Some((term, raw)) = fresh_terms.next_if(|(t, _)| **t < *e.term) {
                drafts.push(Draft::New {
                    term,
                    raw,
                    guesses: Vec::new(),
                    prev: None,
                });
            }
            drafts.extend(draft);
        }
        drafts.extend(fresh_terms.map(|(term, raw)| Draft::New {
            term,
            raw,
            guesses: Vec::new(),
            prev: None,
        }));
        let facets = (!facets_changed).then(|| prev.facets.clone());
        timer.lap("      search: merge postings");
        let docs = Docs {
            order: order.to_vec(),
            docs,
            bodies: kept_bodies,
            lengths,
            buckets: updated_buckets(prev.buckets(), rewritten),
        };
        Self::finish(docs, drafts, facets, Some(prev), timer)
    }

    /// Score, quantize and encode the terms, lay out the shards and write every file,
    /// reusing whatever the previous build already has.
    fn finish(
        docs: Docs,
        drafts: Vec<Draft>,
        facets: Option<Vec<Facet>>,
        prev: Option<&SearchState>,
        timer: &mut StageTimer,
    ) -> SearchState {
        let Docs {
            order,
            docs,
            bodies,
            lengths,
            buckets,
        } = docs;
        let n = docs.len() as u32;
        let avg_len = index::average_length(&lengths);
        // Same arithmetic as `build_index`, with the per-document part done once per document.
        let norms: Vec<f32> = lengths
            .iter()
            .map(|&l| index::length_norm(l, avg_len))
            .collect();
        let best = |raw: &[RawPosting]| bm25_scores(raw, n, &norms).fold(0.0f32, f32::max);
        let exact = |b: f32| (b as f64, b as f64);
        // An unchanged term's scores move only through the documents' length norms, each by
        // at most the factor its document's norm moved (a score is c / (tf + norm)).
        let same_norms = prev.is_some_and(|p| p.norms == norms);
        let (shrink, grow) = match prev {
            Some(p) if p.norms.len() == norms.len() && !same_norms => {
                let ratios = p
                    .norms
                    .iter()
                    .zip(&norms)
                    .map(|(&a, &b)| a as f64 / b as f64);
                let (lo, hi) = ratios.fold((1.0f64, 1.0f64), |(lo, hi), r| (lo.min(r), hi.max(r)));
                // Far more than the float rounding of a score.
                (lo * (1.0 - 1e-5), hi * (1.0 + 1e-5))
            }
            _ => (1.0, 1.0),
        };
        let mut bests: Vec<Bounds> = drafts
            .par_iter()
            .map(|t| match t {
                Draft::Same(_, (lo, hi)) => (lo * shrink, hi * grow),
                Draft::New { raw, .. } => exact(best(raw)),
            })
            .collect();
        // The best score of the index is the best of the terms that may hold it: those
        // whose upper bound reaches the highest lower bound of any term.
        let floor = bests.iter().fold(0.0f64, |m, b| m.max(b.0));
        bests
            .par_iter_mut()
            .zip(&drafts)
            .filter(|(b, _)| b.0 != b.1 && b.1 >= floor)
            .for_each(|(b, t)| *b = exact(best(t.raw())));
        let top = bests
            .iter()
            .filter(|b| b.1 >= floor)
            .fold(0.0f32, |m, b| m.max(b.1 as f32))
            .max(MIN_TOP);
        let same_scores = same_norms && prev.is_some_and(|p| p.top.to_bits() == top.to_bits());
        timer.lap("      search: best score");
        let quantizer = index::Quantizer::new(top);
        let (terms, bests): (Vec<Arc<TermEntry>>, Vec<Bounds>) = drafts
            .into_par_iter()
            .zip(bests)
            .map(|(t, bounds)| {
                let quantized = |raw| -> Vec<u8> {
                    bm25_scores(raw, n, &norms)
                        .map(|s| quantizer.quantize(s))
                        .collect()
                };
                match t {
                    Draft::Same(e, _) if same_scores => (e, bounds),
                    Draft::Same(e, _) => {
                        // Scored anyway, so its best becomes exact again.
                        let (mut best, mut same) = (0.0f32, true);
                        for (s, &old) in bm25_scores(&e.raw, n, &norms).zip(&e.scores) {
                            best = best.max(s);
                            same &= quantizer.is_level(s, old);
                        }
                        if same {
                            (e, exact(best))
                        } else {
                            let q = quantized(&e.raw);
                            let entry = entry(e.term.clone(), e.raw.clone(), q, Some(&e));
                            (Arc::new(entry), exact(best))
                        }
                    }
                    Draft::New {
                        term,
                        raw,
                        guesses,
                        prev,
                    } => {
                        let q = if guesses.is_empty() {
                            quantized(&raw)
                        } else {
                            bm25_scores(&raw, n, &norms)
                                .zip(guesses)
                                .map(|(s, guess)| quantizer.quantize_near(s, guess))
                                .collect()
                        };
                        (Arc::new(entry(term, raw, q, prev.as_deref())), bounds)
                    }
                }
            })
            .unzip();
        timer.lap("      search: quantize and encode");
        let sizes: Vec<usize> = terms
            .iter()
            .map(|t| shards::term_size(&t.term, &t.encoded))
            .collect();
        let ranges = shards::shard_ranges(&sizes, shards::SHARD_BYTES);
        let mut files: Vec<(String, Arc<[u8]>)> = ranges
            .par_iter()
            .enumerate()
            .map(|(k, r)| {
                let old = prev.and_then(|p| Some((p.shards.get(k)?, &p.files[k].1, p)));
                if let Some((pr, file, p)) = old {
                    let same = pr.len() == r.len()
                        && p.terms[pr.clone()]
                            .iter()
                            .zip(&terms[r.clone()])
                            .all(|(a, b)| {
                                Arc::ptr_eq(&a.term, &b.term) && Arc::ptr_eq(&a.encoded, &b.encoded)
                            });
                    if same {
                        return (shards::shard_path(k), file.clone());
                    }
                }
                let bytes =
                    shards::shard_file(k, terms[r.clone()].iter().map(|t| (&*t.term, &*t.encoded)));
                (shards::shard_path(k), reuse(old.map(|o| o.1), bytes))
            })
            .collect();
        timer.lap("      search: shards");
        files.reserve(buckets.len() + 64);
        for (b, file) in buckets.into_iter().enumerate() {
            files.push((shards::bucket_path(b), file));
        }
        let facets_kept = facets.is_some();
        let facets = facets.unwrap_or_else(|| index::facets(&docs));
        for (k, f) in facets.iter().enumerate() {
            let old = prev.and_then(|p| p.prev_facet_file(k));
            let file = match old {
                Some(old) if facets_kept => old.clone(),
                _ => reuse(old, shards::facet_file(k, f)),
            };
            files.push((shards::facet_path(k), file));
        }
        let vocab = shards::vocabularies(terms.iter().map(|t| (&*t.term, t.raw.len())));
        let prev_vocab = prev.map_or(&[][..], |p| p.vocab_files());
        for (k, (_, list)) in vocab.iter().enumerate() {
            let file = reuse(prev_vocab.get(k).map(|f| &f.1), shards::vocab_file(k, list));
            files.push((shards::vocab_path(k), file));
        }
        let letters: Vec<char> = vocab.iter().map(|v| v.0).collect();
        let firsts = ranges.iter().map(|r| &*terms[r.start].term);
        let manifest = shards::manifest_file(docs.len(), firsts, &facets, &letters);
        let old = prev.and_then(|p| p.files.last().map(|f| &f.1));
        files.push((shards::MANIFEST_PATH.into(), reuse(old, manifest)));
        timer.lap("      search: documents, filters, manifest");
        SearchState {
            order,
            docs,
            bodies,
            lengths,
            top,
            terms,
            bests,
            norms,
            shards: ranges,
            facets,
            files,
        }
    }
}

/// Documents analysed in one go by a fresh index: whole buckets.
const CHUNK_DOCS: usize = 1024;
const _: () = assert!(CHUNK_DOCS.is_multiple_of(shards::BUCKET_DOCS));

/// The previous build's bucket files with the changed documents' JSON (`rewritten`: by
/// bucket, (slot, JSON)) put in; the other documents are read back from their old bucket.
/// A bucket whose documents all come out as before stays the same `Arc`.
fn updated_buckets(
    prev: &[(String, Arc<[u8]>)],
    rewritten: BTreeMap<usize, Vec<(usize, Vec<u8>)>>,
) -> Vec<Arc<[u8]>> {
    let mut buckets: Vec<Arc<[u8]>> = prev.iter().map(|(_, f)| f.clone()).collect();
    for (b, changes) in rewritten {
        let old = &prev[b].1;
        let ranges = shards::bucket_ranges(old).unwrap_or_default();
        let mut jsons: Vec<&[u8]> = ranges
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| &old[r])
            .collect();
        if changes
            .iter()
            .all(|(slot, json)| jsons.get(*slot) == Some(&json.as_slice()))
        {
            continue;
        }
        for (slot, json) in &changes {
            if let Some(j) = jsons.get_mut(*slot) {
                *j = json;
            }
        }
        buckets[b] = shards::bucket_file(b, &jsons).into();
    }
    buckets
}

/// The documents re-analysed this build, for replacing their postings in each term.
struct Changes<'a> {
    /// Ascending.
    docs: &'a [u32],
    /// By document, when there are too many to look up one by one.
    mask: Vec<bool>,
}

impl Changes<'_> {
    fn new(docs: &[u32], count: usize) -> Changes<'_> {
        let mut mask = Vec::new();
        if docs.len() > 32 {
            mask = vec![false; count];
            docs.iter().for_each(|&d| mask[d as usize] = true);
        }
        Changes { docs, mask }
    }

    /// Whether the changed documents have a term's postings `add` just as they had in `raw`
    /// (an edit leaves most words of a page as they were), so `raw` stays.
    fn keep(&self, raw: &[RawPosting], add: &[RawPosting]) -> bool {
        let mut add = add.iter();
        if self.mask.is_empty() {
            for &d in self.docs {
                let old = raw.binary_search_by_key(&d, |p| p.0).ok().map(|i| &raw[i]);
                let new = add.as_slice().first().filter(|p| p.0 == d);
                if old != new {
                    return false;
                }
                if new.is_some() {
                    add.next();
                }
            }
            true
        } else {
            raw.iter().filter(|p| self.mask[p.0 as usize]).eq(add)
        }
    }

    /// `raw` with the changed documents' postings replaced by `add` (theirs now, by document).
    /// Also returns each posting's quantized score before (`NO_LEVEL` if it had none), a
    /// good guess of its score now.
    fn apply(
        &self,
        raw: &[RawPosting],
        levels: &[u8],
        add: &[RawPosting],
    ) -> (Vec<RawPosting>, Vec<u8>) {
        let mut out = Vec::with_capacity(raw.len() + add.len());
        let mut guesses = Vec::with_capacity(raw.len() + add.len());
        let mut add = add.iter().copied().peekable();
        if self.mask.is_empty() {
            // Copy the runs between changed documents whole.
            let (mut rest, mut rest_levels) = (raw, levels);
            for &d in self.docs {
                let at = rest.partition_point(|p| p.0 < d);
                out.extend_from_slice(&rest[..at]);
                guesses.extend_from_slice(&rest_levels[..at]);
                (rest, rest_levels) = (&rest[at..], &rest_levels[at..]);
                let mut guess = NO_LEVEL;
                if rest.first().is_some_and(|p| p.0 == d) {
                    guess = rest_levels[0];
                    (rest, rest_levels) = (&rest[1..], &rest_levels[1..]);
                }
                if let Some(p) = add.next_if(|p| p.0 == d) {
                    out.push(p);
                    guesses.push(guess);
                }
            }
            out.extend_from_slice(rest);
            guesses.extend_from_slice(rest_levels);
        } else {
            for (&p, &level) in raw.iter().zip(levels) {
                while let Some(q) = add.next_if(|q| q.0 < p.0) {
                    out.push(q);
                    guesses.push(NO_LEVEL);
                }
                if !self.mask[p.0 as usize] {
                    out.push(p);
                    guesses.push(level);
                }
            }
            guesses.extend(add.clone().map(|_| NO_LEVEL));
            out.extend(add);
        }
        (out, guesses)
    }
}

/// BM25 score of each posting of a term, given each document's length normalisation.
fn bm25_scores<'a>(
    raw: &'a [RawPosting],
    n: u32,
    norms: &'a [f32],
) -> impl Iterator<Item = f32> + 'a {
    let idf = index::idf(n, raw.len() as u32);
    raw.iter()
        .map(move |&(d, _, tf)| index::bm25(idf, tf, norms[d as usize]))
}

fn entry(
    term: Arc<str>,
    raw: Vec<RawPosting>,
    scores: Vec<u8>,
    prev: Option<&TermEntry>,
) -> TermEntry {
    // The same documents, fields and levels encode the same (a page's word counts moved,
    // not enough to change its level).
    if let Some(p) = prev.filter(|p| p.scores == scores)
        && p.raw
            .iter()
            .map(|q| (q.0, q.1))
            .eq(raw.iter().map(|q| (q.0, q.1)))
    {
        let encoded = p.encoded.clone();
        return TermEntry {
            term,
            raw,
            scores,
            encoded,
        };
    }
    let postings: Vec<Posting> = raw
        .iter()
        .zip(&scores)
        .map(|(&(doc, field, _), &score)| Posting { doc, field, score })
        .collect();
    let encoded = shards::encode_postings(&postings);
    let encoded = match prev {
        Some(p) if *p.encoded == *encoded => p.encoded.clone(),
        _ => encoded.into(),
    };
    TermEntry {
        term,
        raw,
        scores,
        encoded,
    }
}

#[cfg(test)]
mod tests;
