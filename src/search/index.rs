//! Building the in-memory index: one `SearchDoc` per page worth finding, and for every
//! term the documents containing it with the best field it appears in and a BM25 score.

use std::cell::RefCell;
use std::collections::HashMap;

use rayon::prelude::*;

use super::tokenize::{WordStemmer, for_each_word, is_stop_word};
use crate::content::{KindData, Page, PageKind};
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

/// Text shown as an excerpt under a result; capped so a result costs a few KB to show.
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

/// Per-document term statistics from one pass over its text.
struct DocTerms {
    length: u32,
    /// term → (best field, term frequency)
    terms: HashMap<String, (Field, u32)>,
}

thread_local! {
    /// Folded word → stem; stemming each distinct word once per thread keeps indexing cheap.
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

fn with_stem<R>(stemmer: &WordStemmer, word: &str, f: impl FnOnce(&str) -> R) -> R {
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(s) = cache.get(word) {
            return f(s);
        }
        let s = stemmer.stem(word);
        let r = f(&s);
        cache.insert(word.to_string(), s);
        r
    })
}

fn add_text(stemmer: &WordStemmer, doc: &mut DocTerms, text: &str, field: Field, counts: bool) {
    for_each_word(text, |w| {
        if is_stop_word(w) {
            return;
        }
        with_stem(stemmer, w, |stem| {
            if counts {
                doc.length += 1;
            }
            match doc.terms.get_mut(stem) {
                Some((f, tf)) => {
                    *f = (*f).max(field);
                    *tf += u32::from(counts);
                }
                None => {
                    doc.terms
                        .insert(stem.to_string(), (field, u32::from(counts)));
                }
            }
        })
    });
}

/// Whether a page is worth a search result (section listings and the home page are not).
pub fn is_searchable(page: &Page) -> bool {
    !matches!(page.kind, PageKind::Home | PageKind::Section)
}

/// Front-matter prose of a post-mortem, indexed and excerpted as its "Overview".
fn postmortem_overview(page: &Page) -> String {
    let KindData::Postmortem(pm) = &page.data else {
        return String::new();
    };
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(page.meta.summary.as_deref());
    if let Some(i) = &pm.impact {
        parts.extend(i.description.as_deref());
    }
    parts.extend(pm.trigger.as_deref());
    parts.extend(pm.root_causes.iter().map(String::as_str));
    parts.extend(
        pm.contributing_factors
            .iter()
            .map(|f| f.description.as_str()),
    );
    parts.extend(pm.blast_radius.as_deref());
    parts.extend(pm.detection.as_deref());
    parts.extend(pm.resolution.as_deref());
    parts.extend(pm.timeline.iter().map(|t| t.event.as_str()));
    parts.join(" ")
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => {
            let cut = text[..i].rfind(' ').unwrap_or(i);
            format!("{}…", &text[..cut])
        }
        None => text.to_string(),
    }
}

fn search_doc(page: &Page, body: &RenderedBody) -> SearchDoc {
    let mut sections = Vec::new();
    let lead = match page.kind {
        PageKind::Postmortem => postmortem_overview(page),
        _ => page.meta.summary.clone().unwrap_or_default(),
    };
    if !lead.trim().is_empty() {
        sections.push(ExcerptSection {
            heading: String::new(),
            anchor: String::new(),
            text: lead,
        });
    }
    sections.extend(body.sections.iter().map(|s| ExcerptSection {
        heading: s.heading.clone(),
        anchor: s.anchor.clone(),
        text: s.text.split_whitespace().collect::<Vec<_>>().join(" "),
    }));
    let (severity, services, aliases) = match &page.data {
        KindData::Postmortem(pm) => (pm.severity.clone(), pm.services.clone(), Vec::new()),
        KindData::Glossary(t) => (None, Vec::new(), t.aliases.clone()),
        _ => (None, Vec::new(), Vec::new()),
    };
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

fn doc_terms(stemmer: &WordStemmer, doc: &SearchDoc) -> DocTerms {
    let mut t = DocTerms {
        length: 0,
        terms: HashMap::new(),
    };
    let name_field = if doc.kind == PageKind::Glossary {
        Field::TermName
    } else {
        Field::Title
    };
    add_text(stemmer, &mut t, &doc.title, name_field, true);
    for a in &doc.aliases {
        add_text(stemmer, &mut t, a, Field::TermName, true);
    }
    for s in &doc.sections {
        add_text(stemmer, &mut t, &s.heading, Field::Heading, true);
        add_text(stemmer, &mut t, &s.text, Field::Body, true);
    }
    for extra in doc.tags.iter().chain(&doc.services).chain(&doc.severity) {
        add_text(stemmer, &mut t, extra, Field::Body, true);
    }
    t
}

/// Build the index of every searchable page. Runs in parallel over pages, then merges.
pub fn build_index(pages: &[Page], bodies: &[RenderedBody]) -> SearchIndex {
    let stemmer = WordStemmer::default();
    let searchable: Vec<usize> = (0..pages.len())
        .filter(|&i| is_searchable(&pages[i]))
        .collect();
    let mut order = searchable;
    // Stable ids by URL, so a rebuild of unchanged content writes identical files.
    order.sort_by(|&a, &b| pages[a].url.cmp(&pages[b].url));
    let analysed: Vec<(SearchDoc, DocTerms)> = order
        .par_iter()
        .map(|&i| {
            // Index the full text, then keep only the start of it for excerpts.
            let doc = search_doc(&pages[i], &bodies[i]);
            let terms = doc_terms(&stemmer, &doc);
            (cap_excerpts(doc), terms)
        })
        .collect();
    merge(analysed)
}

fn cap_excerpts(mut doc: SearchDoc) -> SearchDoc {
    let mut left = DOC_EXCERPT_CHARS;
    for s in &mut doc.sections {
        let max = SECTION_EXCERPT_CHARS.min(left.max(200));
        s.text = truncate_chars(&s.text, max);
        left = left.saturating_sub(s.text.len());
    }
    doc
}

fn merge(analysed: Vec<(SearchDoc, DocTerms)>) -> SearchIndex {
    let n = analysed.len() as u32;
    let avg_len =
        (analysed.iter().map(|(_, t)| t.length as f32).sum::<f32>() / n.max(1) as f32).max(1.0);
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut raw: Vec<Vec<(u32, Field, u32, u32)>> = Vec::new();
    let mut docs = Vec::with_capacity(analysed.len());
    for (d, (doc, terms)) in analysed.into_iter().enumerate() {
        for (term, (field, tf)) in terms.terms {
            let id = match ids.get(&term) {
                Some(&id) => id,
                None => {
                    ids.insert(term, raw.len());
                    raw.push(Vec::new());
                    raw.len() - 1
                }
            };
            raw[id].push((d as u32, field, tf, terms.length));
        }
        docs.push(doc);
    }
    let mut names: Vec<(String, usize)> = ids.into_iter().collect();
    names.sort_unstable();
    let scored: Vec<(String, Vec<(u32, Field, f32)>)> = names
        .into_par_iter()
        .map(|(term, id)| {
            let list = &raw[id];
            let df = list.len() as u32;
            let mut postings: Vec<(u32, Field, f32)> = list
                .iter()
                .map(|&(doc, field, tf, len)| {
                    (doc, field, bm25(tf as f32, n, df, len as f32, avg_len))
                })
                .collect();
            postings.sort_unstable_by_key(|p| p.0);
            (term, postings)
        })
        .collect();
    let top = scored
        .iter()
        .flat_map(|(_, p)| p.iter().map(|x| x.2))
        .fold(0.0f32, f32::max)
        .max(1e-3);
    let terms = scored
        .into_iter()
        .map(|(term, list)| {
            let postings = list
                .into_iter()
                .map(|(doc, field, s)| Posting {
                    doc,
                    field,
                    score: quantize(s, top),
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

fn bm25(tf: f32, n: u32, df: u32, len: f32, avg_len: f32) -> f32 {
    let idf = (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
    idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg_len))
}

/// 0–15 on a log scale: small differences between weak matches still order results.
pub fn quantize(score: f32, top: f32) -> u8 {
    if score <= 0.0 {
        return 0;
    }
    let q = (15.0 * (1.0 + score).ln() / (1.0 + top).ln()).round();
    q.clamp(1.0, 15.0) as u8
}

fn facets(docs: &[SearchDoc]) -> Vec<Facet> {
    let mut out = Vec::new();
    let mut push_group =
        |name: &'static str, key: &dyn Fn(&SearchDoc) -> Vec<(String, String)>, cap: usize| {
            let mut groups: std::collections::BTreeMap<String, (String, Vec<u32>)> =
                std::collections::BTreeMap::new();
            for (i, d) in docs.iter().enumerate() {
                for (value, label) in key(d) {
                    groups
                        .entry(value)
                        .or_insert_with(|| (label, Vec::new()))
                        .1
                        .push(i as u32);
                }
            }
            let mut list: Vec<Facet> = groups
                .into_iter()
                .map(|(value, (label, docs))| Facet {
                    name,
                    value,
                    label,
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
        &|d| {
            vec![(
                format!("{:?}", d.kind).to_lowercase(),
                d.kind.label().1.to_string(),
            )]
        },
        usize::MAX,
    );
    push_group(
        "tag",
        &|d| {
            d.tags
                .iter()
                .map(|t| (t.to_lowercase(), t.clone()))
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
