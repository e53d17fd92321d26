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

/// (document, best field, term frequency).
type RawPosting = (u32, Field, u32);

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
    /// Documents in id order, with their excerpts dropped (their doc files hold them).
    docs: Vec<Arc<SearchDoc>>,
    /// The body each document was analysed from: an unchanged body is the same `Arc`.
    bodies: Vec<Arc<RenderedBody>>,
    lengths: Vec<u32>,
    avg_len: f32,
    top: f32,
    /// Sorted by term.
    terms: Vec<Arc<TermEntry>>,
    /// Best unquantized score of each term, so an edit that moves neither the mean length
    /// nor the best score of the index rescores only the terms it touched.
    bests: Vec<f32>,
    /// The term range of each shard.
    shards: Vec<Range<usize>>,
    facets: Vec<Facet>,
    /// Shards, then documents, then facets, then the manifest (as `index_files` orders them).
    files: Vec<(String, Arc<[u8]>)>,
}

/// A term's postings before scoring.
enum Draft {
    /// Postings of the previous build's term, unchanged, and its best score then.
    Same(Arc<TermEntry>, f32),
    /// New or changed postings, and the previous build's entry for the term if any.
    New {
        term: Arc<str>,
        raw: Vec<RawPosting>,
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

/// A document analysed this build: facet keys, term counts, doc file.
type Analysed = (SearchDoc, DocTerms, Vec<u8>);

fn analyse_doc(stemmer: &WordStemmer, page: &Page, body: &RenderedBody, d: usize) -> Analysed {
    let (mut doc, terms) = index::analyse(stemmer, page, body);
    let file = shards::doc_file(d, &doc);
    // The doc file holds the excerpts; the state keeps only what facets read.
    doc.sections = Vec::new();
    (doc, terms, file)
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
    /// the previous `Arc`s).
    pub fn build(
        pages: &[Page],
        bodies: &[Arc<RenderedBody>],
        previous: Option<&SearchState>,
    ) -> SearchState {
        let order = index::doc_order(pages);
        let stemmer = WordStemmer::default();
        let same_docs = |p: &&SearchState| {
            p.docs.len() == order.len()
                && p.docs
                    .iter()
                    .zip(&order)
                    .all(|(d, &i)| d.url == pages[i].url)
        };
        match previous.filter(same_docs) {
            Some(prev) => Self::update(prev, pages, bodies, &order, &stemmer),
            None => Self::fresh(pages, bodies, &order, &stemmer, previous),
        }
    }

    /// Every file of the index: (path under the site root, bytes). A file whose bytes equal
    /// the previous state's file at the same path is the same `Arc` as there.
    pub fn files(&self) -> &[(String, Arc<[u8]>)] {
        &self.files
    }

    fn prev_doc_file(&self, d: usize) -> Option<&Arc<[u8]>> {
        (d < self.docs.len()).then(|| &self.files[self.shards.len() + d].1)
    }

    fn prev_facet_file(&self, n: usize) -> Option<&Arc<[u8]>> {
        (n < self.facets.len()).then(|| &self.files[self.shards.len() + self.docs.len() + n].1)
    }

    fn fresh(
        pages: &[Page],
        bodies: &[Arc<RenderedBody>],
        order: &[usize],
        stemmer: &WordStemmer,
        prev: Option<&SearchState>,
    ) -> SearchState {
        let mut docs = Vec::with_capacity(order.len());
        let mut lengths = Vec::with_capacity(order.len());
        let mut doc_files = Vec::with_capacity(order.len());
        let mut ids: index::WordMap<Arc<str>, usize> = index::WordMap::default();
        let mut raws: Vec<(Arc<str>, Vec<RawPosting>)> = Vec::new();
        // Chunks bound the memory held by per-document term lists before they are merged.
        for chunk in order.chunks(1024) {
            let base = docs.len();
            let analysed: Vec<Analysed> = chunk
                .par_iter()
                .enumerate()
                .map(|(j, &i)| analyse_doc(stemmer, &pages[i], &bodies[i], base + j))
                .collect();
            for (doc, terms, file) in analysed {
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
                doc_files.push(reuse(prev.and_then(|p| p.prev_doc_file(d)), file));
            }
        }
        drop(ids);
        raws.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let drafts = raws
            .into_iter()
            .map(|(term, raw)| Draft::New {
                term,
                raw,
                prev: None,
            })
            .collect();
        let bodies = order.iter().map(|&i| bodies[i].clone()).collect();
        Self::finish(docs, bodies, lengths, drafts, doc_files, None, prev)
    }

    fn update(
        prev: &SearchState,
        pages: &[Page],
        bodies: &[Arc<RenderedBody>],
        order: &[usize],
        stemmer: &WordStemmer,
    ) -> SearchState {
        let changed: Vec<u32> = (0..order.len())
            .filter(|&d| !Arc::ptr_eq(&bodies[order[d]], &prev.bodies[d]))
            .map(|d| d as u32)
            .collect();
        if changed.is_empty() {
            return prev.clone();
        }
        let analysed: Vec<Analysed> = changed
            .par_iter()
            .map(|&d| {
                let i = order[d as usize];
                analyse_doc(stemmer, &pages[i], &bodies[i], d as usize)
            })
            .collect();
        let mut docs = prev.docs.clone();
        let mut kept_bodies = prev.bodies.clone();
        let mut lengths = prev.lengths.clone();
        let first_doc_file = prev.shards.len();
        let mut doc_files: Vec<Arc<[u8]>> = prev.files[first_doc_file..][..prev.docs.len()]
            .iter()
            .map(|(_, f)| f.clone())
            .collect();
        let mut facets_changed = false;
        // Postings of the changed documents by term; `changed` ascends, so each is sorted.
        let mut added: BTreeMap<Arc<str>, Vec<RawPosting>> = BTreeMap::new();
        for (&d, (doc, terms, file)) in changed.iter().zip(analysed) {
            let du = d as usize;
            facets_changed |= !same_facet_keys(&docs[du], &doc);
            docs[du] = Arc::new(doc);
            kept_bodies[du] = bodies[order[du]].clone();
            lengths[du] = terms.length;
            doc_files[du] = reuse(prev.prev_doc_file(du), file);
            for (term, field, tf) in terms.terms {
                added.entry(term).or_default().push((d, field, tf));
            }
        }
        // A few changed documents are found by binary search in each term; many, by a mask.
        let mask: Vec<bool> = if changed.len() > 32 {
            let mut m = vec![false; docs.len()];
            changed.iter().for_each(|&d| m[d as usize] = true);
            m
        } else {
            Vec::new()
        };
        let is_changed = |d: u32| {
            if mask.is_empty() {
                changed.binary_search(&d).is_ok()
            } else {
                mask[d as usize]
            }
        };
        // Merge the previous terms with the changed documents' ones, keeping term order.
        let mut drafts = Vec::with_capacity(prev.terms.len() + 16);
        let mut added = added.into_iter().peekable();
        for (e, &best) in prev.terms.iter().zip(&prev.bests) {
            while let Some((term, raw)) = added.next_if(|(t, _)| **t < *e.term) {
                drafts.push(Draft::New {
                    term,
                    raw,
                    prev: None,
                });
            }
            let add = added.next_if(|(t, _)| **t == *e.term).map(|(_, raw)| raw);
            let touched = if mask.is_empty() {
                changed
                    .iter()
                    .any(|&d| e.raw.binary_search_by_key(&d, |p| p.0).is_ok())
            } else {
                e.raw.iter().any(|p| mask[p.0 as usize])
            };
            if !touched && add.is_none() {
                drafts.push(Draft::Same(e.clone(), best));
                continue;
            }
            let mut raw: Vec<RawPosting> =
                e.raw.iter().filter(|p| !is_changed(p.0)).copied().collect();
            raw.extend(add.unwrap_or_default());
            raw.sort_unstable_by_key(|p| p.0);
            if !raw.is_empty() {
                drafts.push(Draft::New {
                    term: e.term.clone(),
                    raw,
                    prev: Some(e.clone()),
                });
            }
        }
        drafts.extend(added.map(|(term, raw)| Draft::New {
            term,
            raw,
            prev: None,
        }));
        let facets = (!facets_changed).then(|| prev.facets.clone());
        Self::finish(
            docs,
            kept_bodies,
            lengths,
            drafts,
            doc_files,
            facets,
            Some(prev),
        )
    }

    /// Score, quantize and encode the terms, lay out the shards and write every file,
    /// reusing whatever the previous build already has.
    fn finish(
        docs: Vec<Arc<SearchDoc>>,
        bodies: Vec<Arc<RenderedBody>>,
        lengths: Vec<u32>,
        drafts: Vec<Draft>,
        doc_files: Vec<Arc<[u8]>>,
        facets: Option<Vec<Facet>>,
        prev: Option<&SearchState>,
    ) -> SearchState {
        let n = docs.len() as u32;
        let avg_len = index::average_length(&lengths);
        // Same arithmetic as `build_index`, with the per-document part done once per document.
        let norms: Vec<f32> = lengths
            .iter()
            .map(|&l| index::length_norm(l, avg_len))
            .collect();
        let best = |raw: &[RawPosting]| bm25_scores(raw, n, &norms).fold(0.0f32, f32::max);
        // With the same mean length (and so the same document count and lengths of the
        // untouched documents), an unchanged term scores as before.
        let same_len = prev.is_some_and(|p| p.avg_len.to_bits() == avg_len.to_bits());
        let bests: Vec<f32> = drafts
            .par_iter()
            .map(|t| match t {
                Draft::Same(_, best) if same_len => *best,
                _ => best(t.raw()),
            })
            .collect();
        let top = bests.iter().copied().fold(0.0f32, f32::max).max(MIN_TOP);
        let same_scores = same_len && prev.is_some_and(|p| p.top.to_bits() == top.to_bits());
        let terms: Vec<Arc<TermEntry>> = drafts
            .into_par_iter()
            .map(|t| {
                let quantized = |raw: &[RawPosting]| -> Vec<u8> {
                    bm25_scores(raw, n, &norms)
                        .map(|s| index::quantize(s, top))
                        .collect()
                };
                match t {
                    Draft::Same(e, _) if same_scores => e,
                    Draft::Same(e, _) => {
                        let q = quantized(&e.raw);
                        if q == e.scores {
                            e
                        } else {
                            Arc::new(entry(e.term.clone(), e.raw.clone(), q, Some(&e)))
                        }
                    }
                    Draft::New { term, raw, prev } => {
                        let q = quantized(&raw);
                        Arc::new(entry(term, raw, q, prev.as_deref()))
                    }
                }
            })
            .collect();
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
        files.reserve(docs.len() + 64);
        let first_doc_file = prev.map(|p| p.shards.len());
        for (d, file) in doc_files.into_iter().enumerate() {
            let path = match (prev, first_doc_file) {
                (Some(p), Some(first)) if d < p.docs.len() => p.files[first + d].0.clone(),
                _ => shards::doc_path(d),
            };
            files.push((path, file));
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
        let firsts = ranges.iter().map(|r| &*terms[r.start].term);
        let manifest = shards::manifest_file(docs.len(), firsts, &facets);
        let old = prev.and_then(|p| p.files.last().map(|f| &f.1));
        files.push((shards::MANIFEST_PATH.into(), reuse(old, manifest)));
        SearchState {
            docs,
            bodies,
            lengths,
            avg_len,
            top,
            terms,
            bests,
            shards: ranges,
            facets,
            files,
        }
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
