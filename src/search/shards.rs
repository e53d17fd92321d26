//! The index as files the browser loads with `<script>` tags (so search works from
//! file://, where `fetch` is blocked), or over http loads parts of by byte range. Layout
//! under `search/`:
//!
//! - `index.js`: the manifest: first term of every shard, document count, filters, and
//!   the shape of the document buckets.
//! - `s/<n>.js`: a shard, a contiguous range of sorted terms with their postings, each
//!   shard about `SHARD_BYTES`; a word loads the one shard its term falls in.
//! - `d/<b>.js`: a bucket of `BUCKET_DOCS` documents (document `n` in slot
//!   `n % BUCKET_DOCS` of bucket `n / BUCKET_DOCS`): each one's title, URL, kind and
//!   excerpt text, for the results shown. It starts with a fixed-size header: the call's
//!   opening, then where each slot starts in the file (`OFFSET_LETTERS` letters each, and
//!   one more for where a slot after the last would start); each document is a JSON
//!   object of its own. Over http `search.js` asks for a result's two offsets (8 bytes),
//!   then for just its document's bytes (`Range`), so a result costs what a file per page
//!   cost (less: no call around it); a server that ignores `Range` sends the whole
//!   bucket, and from file:// the bucket loads whole as a script.
//! - `f/<n>.js`: the documents of one filter value, loaded only when the filter is on.
//! - `v/<n>.js`: the terms starting with one letter, most documents first, loaded only when
//!   a query word has no exact or prefix match, to correct a typo (the first letter is
//!   taken as typed, so a correction loads one small file instead of the whole vocabulary).
//!
//! Why buckets of 64: a file per page made half the files of a 10,000-page site (issue
//! 18); 64 makes that 157, and the header 291 bytes. More per bucket only makes the
//! headers longer and a whole bucket heavier where ranges are not served (64 documents
//! of ~1.6–3 KB: 100–200 KB, loaded once); fewer gives back files. A result reads two
//! offsets rather than the whole header, so a first query showing 8 results from 8
//! buckets does not pay for 8 headers (issue 16's 60 KB budget had ~1 KB to spare).
//! Documents are capped at `DOC_BYTES` (their excerpts at 6,000 characters, so only a
//! page of a thousand sections gets near it; `doc_json` then keeps the sections that fit)
//! so that offsets fit their letters.
//!
//! A term's postings are grouped by impact (field and score): per group, one letter for
//! field (2 bits) and score (4 bits), the group's size, then its document ids as gaps.
//! Numbers are varints in a 64-letter alphabet (5 data bits a letter, the sixth says "more
//! follows"), so a document in a dense group costs one letter.

use serde_json::json;

use super::index::{Facet, Posting, SearchDoc, SearchIndex};
use super::tokenize::{FILLER_WORDS, STEM_ENDINGS, STOP_WORDS};

/// Target size of one shard; a single very common term may exceed it on its own.
pub const SHARD_BYTES: usize = 12 * 1024;
/// Most bytes of one vocabulary file; past it, the terms in fewest documents are left out.
pub const VOCAB_BYTES: usize = 12 * 1024;
/// Length in letters of the terms a typo may be corrected to.
const VOCAB_LETTERS: std::ops::RangeInclusive<usize> = 3..=24;
/// The browser global every data file registers with.
const GLOBAL: &str = "window.__hindsightSearch";
/// Documents a bucket file holds: document `n` is slot `n % BUCKET_DOCS` of bucket
/// `n / BUCKET_DOCS`. See the module doc for why 64.
pub const BUCKET_DOCS: usize = 64;
/// Letters (of `ALPHABET`, 6 bits each) of one offset in a bucket's header.
pub const OFFSET_LETTERS: usize = 4;
/// Most bytes of one document's JSON, so that a full bucket's offsets fit their letters.
pub const DOC_BYTES: usize = 200_000;
const _: () =
    assert!(BUCKET_HEADER_BYTES + 3 + BUCKET_DOCS * (DOC_BYTES + 1) < 1 << (6 * OFFSET_LETTERS));
/// What a bucket file starts with, before its header's offsets.
pub const BUCKET_PREFIX: &str = "window.__hindsightSearch.docs(\"";
/// Bytes of a bucket's header: the prefix and `BUCKET_DOCS + 1` offsets.
pub const BUCKET_HEADER_BYTES: usize = BUCKET_PREFIX.len() + (BUCKET_DOCS + 1) * OFFSET_LETTERS;

pub use crate::varint::{ALPHABET, encode_docs, push_varint};

/// Field (2 bits) and score (4 bits) of a posting: its group, also the group's letter.
fn impact(p: &Posting) -> usize {
    (((p.field as u8) << 4) | (p.score & 15)) as usize
}

/// Postings (by document) grouped by impact, best group first.
pub fn encode_postings(postings: &[Posting]) -> String {
    // A counting sort by impact keeps documents ascending within each group, in one pass
    // however many groups there are (the common terms of a big site have dozens).
    let mut counts = [0usize; 64];
    for p in postings {
        counts[impact(p)] += 1;
    }
    let mut starts = [0usize; 64];
    let mut at = 0;
    for g in (0..64).rev() {
        starts[g] = at;
        at += counts[g];
    }
    let mut docs = vec![0u32; postings.len()];
    let mut next = starts;
    for p in postings {
        let g = impact(p);
        docs[next[g]] = p.doc;
        next[g] += 1;
    }
    let mut out = String::with_capacity(postings.len() + 16);
    for g in (0..64).rev().filter(|&g| counts[g] > 0) {
        out.push(ALPHABET[g] as char);
        push_varint(&mut out, counts[g] as u32);
        let mut prev = 0u32;
        for &d in &docs[starts[g]..][..counts[g]] {
            push_varint(&mut out, d - prev);
            prev = d + 1;
        }
    }
    out
}

/// Split sorted terms into consecutive ranges of about `target` bytes each.
pub fn shard_ranges(sizes: &[usize], target: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, &size) in sizes.iter().enumerate() {
        if bytes > 0 && bytes + size > target {
            ranges.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < sizes.len() {
        ranges.push(start..sizes.len());
    }
    ranges
}

/// What a result shows: one document of a bucket file, short keys as there are 10,000 of
/// them on a big site.
#[derive(serde::Serialize)]
struct DocJson<'a> {
    t: &'a str,
    u: &'a str,
    k: crate::content::PageKind,
    kl: &'a str,
    d: Option<&'a str>,
    sv: Option<&'a str>,
    /// Sections: heading, anchor, excerpt text.
    x: &'a [[&'a str; 3]],
    /// A glossary term's other names, shown when the query matched one of them.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    a: &'a [String],
}

fn script(call: &str, id: usize, value: &serde_json::Value) -> Vec<u8> {
    format!("{GLOBAL}.{call}({id},{value});\n").into_bytes()
}

/// Bytes a term costs in the shard layout: what `shard_ranges` packs.
pub fn term_size(term: &str, encoded: &str) -> usize {
    term.len() + encoded.len() + 6
}

pub fn shard_path(n: usize) -> String {
    format!("search/s/{n}.js")
}

/// The bucket file holding document `doc`.
pub fn bucket_of(doc: usize) -> usize {
    doc / BUCKET_DOCS
}

pub fn bucket_path(bucket: usize) -> String {
    format!("search/d/{bucket}.js")
}

/// How many bucket files `docs` documents take.
pub fn bucket_count(docs: usize) -> usize {
    docs.div_ceil(BUCKET_DOCS)
}

pub fn facet_path(n: usize) -> String {
    format!("search/f/{n}.js")
}

pub const MANIFEST_PATH: &str = "search/index.js";

/// Shard `n`: its terms with their encoded postings, in term order.
pub fn shard_file<'a>(n: usize, terms: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let flat: Vec<&str> = terms.flat_map(|(t, p)| [t, p]).collect();
    script("shard", n, &json!(flat))
}

/// What document `d`'s result shows, as a JSON object of at most `DOC_BYTES` bytes.
pub fn doc_json(d: &SearchDoc) -> Vec<u8> {
    let sections: Vec<[&str; 3]> = d
        .sections
        .iter()
        .map(|s| [s.heading.as_str(), s.anchor.as_str(), s.text.as_str()])
        .collect();
    let json = |title: &str, sections: &[[&str; 3]], aliases: &[String]| {
        let doc = DocJson {
            t: title,
            u: &d.url,
            k: d.kind,
            kl: d.kind.label().0,
            d: d.date.as_deref(),
            sv: d.severity.as_deref(),
            x: sections,
            a: aliases,
        };
        // Serialized straight from borrowed fields: 10,000 of these add up.
        serde_json::to_vec(&doc).unwrap_or_default()
    };
    let whole = json(&d.title, &sections, &d.aliases);
    if whole.len() <= DOC_BYTES {
        return whole;
    }
    // Past the most a bucket's header can say (thousands of sections): the sections that
    // fit, then if even the title does not, a short title alone.
    let base = json(&d.title, &[], &d.aliases).len();
    let mut left = DOC_BYTES.saturating_sub(base);
    let fits = sections
        .iter()
        .take_while(|s| {
            let size = serde_json::to_string(s).map_or(usize::MAX, |j| j.len() + 1);
            let fits = size <= left;
            left = left.saturating_sub(size);
            fits
        })
        .count();
    let cut = json(&d.title, &sections[..fits], &d.aliases);
    if cut.len() <= DOC_BYTES {
        return cut;
    }
    let title: String = d.title.chars().take(200).collect();
    json(&title, &[], &[])
}

/// A bucket's header: `GLOBAL.docs("`, then where each slot starts in the file, and
/// where one after the last would: `OFFSET_LETTERS` letters of `ALPHABET` each, most
/// significant first. A document is followed by one byte (`,` or `]`), so slot `k` holds
/// the bytes from its offset to one before the next slot's; an empty slot (past the last
/// document of the last bucket) starts where the next does.
fn bucket_header(docs: &[impl AsRef<[u8]>]) -> String {
    let mut out = String::with_capacity(BUCKET_HEADER_BYTES);
    out.push_str(BUCKET_PREFIX);
    let mut at = BUCKET_HEADER_BYTES + 3;
    for k in 0..=BUCKET_DOCS {
        for place in (0..OFFSET_LETTERS).rev() {
            out.push(ALPHABET[(at >> (6 * place)) & 63] as char);
        }
        at += docs.get(k).map_or(0, |d| d.as_ref().len() + 1);
    }
    out
}

/// Bucket file `bucket`: the header, then its documents' JSON (each from `doc_json`, so
/// at most `DOC_BYTES`) as an array, a valid script:
/// `GLOBAL.docs("<offsets>",[<doc>,<doc>,…],<bucket>);`.
pub fn bucket_file(bucket: usize, docs: &[impl AsRef<[u8]>]) -> Vec<u8> {
    debug_assert!(docs.len() <= BUCKET_DOCS);
    let body: usize = docs.iter().map(|d| d.as_ref().len() + 1).sum();
    let mut out = Vec::with_capacity(BUCKET_HEADER_BYTES + body + 16);
    out.extend_from_slice(bucket_header(docs).as_bytes());
    out.extend_from_slice(b"\",[");
    for (k, d) in docs.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(d.as_ref());
    }
    out.extend_from_slice(format!("],{bucket});\n").as_bytes());
    out
}

/// The bytes of a bucket file the browser asks for to find slot `slot`: its offset and
/// the next one.
pub fn slot_offsets(slot: usize) -> std::ops::Range<usize> {
    let start = BUCKET_PREFIX.len() + slot * OFFSET_LETTERS;
    start..start + 2 * OFFSET_LETTERS
}

/// The number `letters` (of `ALPHABET`, most significant first) say.
pub fn read_offset(letters: &[u8]) -> Option<usize> {
    letters.iter().try_fold(0, |n, &b| {
        let digit = ALPHABET.iter().position(|&a| a == b)?;
        Some(n * 64 + digit)
    })
}

/// The bytes of a document from its slot's offset and the next (`slot_offsets`): empty
/// for an empty slot, `None` if they are not two offsets in order.
pub fn doc_range(offsets: &[u8]) -> Option<std::ops::Range<usize>> {
    let (a, b) = offsets.get(..2 * OFFSET_LETTERS)?.split_at(OFFSET_LETTERS);
    let (start, next) = (read_offset(a)?, read_offset(b)?);
    match next.checked_sub(start)? {
        0 => Some(start..start),
        1 => None,
        _ => Some(start..next - 1),
    }
}

/// Where each document of a bucket lies in its file, read from the file's first
/// `BUCKET_HEADER_BYTES` bytes: one range per slot, empty for an empty slot. `None` if
/// `header` is not a bucket header.
pub fn bucket_ranges(header: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
    header
        .get(..BUCKET_HEADER_BYTES)?
        .strip_prefix(BUCKET_PREFIX.as_bytes())?;
    (0..BUCKET_DOCS)
        .map(|k| doc_range(&header[slot_offsets(k)]))
        .collect()
}

/// Vocabulary file `n`: its terms, space-separated.
pub fn vocab_file(n: usize, terms: &[&str]) -> Vec<u8> {
    script("vocab", n, &json!(terms.join(" ")))
}

pub fn vocab_path(n: usize) -> String {
    format!("search/v/{n}.js")
}

/// The terms a typo may be corrected to, from every term and its document count: per first
/// letter, words of letters only, most documents first (ties in term order), cut to
/// `VOCAB_BYTES`.
pub fn vocabularies<'a>(
    terms: impl Iterator<Item = (&'a str, usize)>,
) -> Vec<(char, Vec<&'a str>)> {
    let mut by_letter: std::collections::BTreeMap<char, Vec<(usize, &str)>> = Default::default();
    for (term, docs) in terms {
        let letters = term.chars().count();
        if VOCAB_LETTERS.contains(&letters) && term.chars().all(char::is_alphabetic) {
            let first = term.chars().next().unwrap_or(' ');
            by_letter.entry(first).or_default().push((docs, term));
        }
    }
    by_letter
        .into_iter()
        .map(|(letter, mut list)| {
            list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            let mut bytes = 0;
            let kept = list
                .into_iter()
                .map(|(_, t)| t)
                .take_while(|t| {
                    bytes += t.len() + 1;
                    bytes <= VOCAB_BYTES
                })
                .collect();
            (letter, kept)
        })
        .collect()
}

/// Filter value `n`: the documents it keeps.
pub fn facet_file(n: usize, f: &Facet) -> Vec<u8> {
    let docs = encode_docs(f.docs.iter().copied(), |_, _| {});
    script("facet", n, &json!(docs))
}

/// The manifest: document count, first term of every shard, the filters, the first
/// letter of each vocabulary file.
pub fn manifest_file<'a>(
    docs: usize,
    firsts: impl Iterator<Item = &'a str>,
    facets: &[Facet],
    vocab_letters: &[char],
) -> Vec<u8> {
    let firsts: Vec<&str> = firsts.collect();
    let facets: Vec<serde_json::Value> = facets
        .iter()
        .map(|f| json!([f.name, f.value, f.label, f.docs.len()]))
        .collect();
    let manifest = json!({
        "version": 1,
        "docs": docs,
        "shards": firsts,
        "facets": facets,
        "stop": STOP_WORDS,
        "filler": FILLER_WORDS,
        "endings": STEM_ENDINGS,
        "vocab": vocab_letters,
        "bucket": [BUCKET_DOCS, OFFSET_LETTERS, BUCKET_PREFIX.len()],
    });
    script("manifest", 0, &manifest)
}

/// Every file of the search index, as (path under the site root, contents).
pub fn index_files(index: &SearchIndex) -> Vec<(String, Vec<u8>)> {
    let encoded: Vec<(&str, String)> = index
        .terms
        .iter()
        .map(|(t, p)| (t.as_str(), encode_postings(p)))
        .collect();
    let sizes: Vec<usize> = encoded.iter().map(|(t, p)| term_size(t, p)).collect();
    let ranges = shard_ranges(&sizes, SHARD_BYTES);
    let buckets = bucket_count(index.docs.len());
    let mut files = Vec::with_capacity(ranges.len() + buckets + index.facets.len() + 1);
    for (n, r) in ranges.iter().enumerate() {
        let terms = encoded[r.clone()].iter().map(|(t, p)| (*t, p.as_str()));
        files.push((shard_path(n), shard_file(n, terms)));
    }
    for (b, docs) in index.docs.chunks(BUCKET_DOCS).enumerate() {
        let docs: Vec<Vec<u8>> = docs.iter().map(doc_json).collect();
        files.push((bucket_path(b), bucket_file(b, &docs)));
    }
    for (n, f) in index.facets.iter().enumerate() {
        files.push((facet_path(n), facet_file(n, f)));
    }
    let vocab = vocabularies(index.terms.iter().map(|(t, p)| (t.as_str(), p.len())));
    for (n, (_, terms)) in vocab.iter().enumerate() {
        files.push((vocab_path(n), vocab_file(n, terms)));
    }
    let letters: Vec<char> = vocab.iter().map(|v| v.0).collect();
    let firsts = ranges.iter().map(|r| encoded[r.start].0);
    let manifest = manifest_file(index.docs.len(), firsts, &index.facets, &letters);
    files.push((MANIFEST_PATH.into(), manifest));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::Field;

    fn decode_varints(s: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let (mut v, mut shift) = (0u32, 0);
        for b in s.bytes() {
            let d = ALPHABET.iter().position(|&a| a == b).unwrap() as u32;
            if d >= 32 {
                v |= (d - 32) << shift;
                shift += 5;
            } else {
                out.push(v | (d << shift));
                v = 0;
                shift = 0;
            }
        }
        out
    }

    #[test]
    fn varints_round_trip() {
        let mut s = String::new();
        for v in [0, 1, 31, 32, 1000, 9999, 1 << 20] {
            push_varint(&mut s, v);
        }
        assert_eq!(decode_varints(&s), [0, 1, 31, 32, 1000, 9999, 1 << 20]);
    }

    #[test]
    fn dense_groups_cost_one_letter_a_document() {
        let postings: Vec<Posting> = (5..105)
            .map(|doc| Posting {
                doc,
                field: Field::Body,
                score: 3,
            })
            .collect();
        let enc = encode_postings(&postings);
        // Impact letter, group size (100: two letters), first gap 5, then 99 gaps of 0.
        assert_eq!(enc.len(), 1 + 2 + 100);
        assert_eq!(enc.as_bytes()[0], ALPHABET[3]);
        assert_eq!(
            decode_varints(&enc[1..]),
            [&[100, 5][..], &[0; 99][..]].concat()
        );
        let mixed = encode_postings(&[
            Posting {
                doc: 0,
                field: Field::Body,
                score: 1,
            },
            Posting {
                doc: 7,
                field: Field::TermName,
                score: 15,
            },
        ]);
        // The best group comes first.
        assert_eq!(mixed.as_bytes()[0], ALPHABET[(3 << 4) | 15]);
    }

    /// The layout as first written: one pass over the postings per group.
    fn encode_postings_by_filtering(postings: &[Posting]) -> String {
        let mut groups: Vec<usize> = postings.iter().map(impact).collect();
        groups.sort_unstable_by(|a, b| b.cmp(a));
        groups.dedup();
        let mut out = String::new();
        for g in groups {
            let docs: Vec<u32> = postings
                .iter()
                .filter(|p| impact(p) == g)
                .map(|p| p.doc)
                .collect();
            out.push(ALPHABET[g] as char);
            push_varint(&mut out, docs.len() as u32);
            out.push_str(&encode_docs(docs.into_iter(), |_, _| {}));
        }
        out
    }

    #[test]
    fn grouping_by_counting_sort_keeps_the_layout() {
        let fields = [Field::Body, Field::Heading, Field::Title, Field::TermName];
        // A fixed pseudo-random walk over documents, fields and scores.
        let mut x = 12345u32;
        let mut step = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            x >> 8
        };
        for len in [0, 1, 2, 7, 100, 3000] {
            let mut doc = 0;
            let postings: Vec<Posting> = (0..len)
                .map(|_| {
                    doc += 1 + step() % 40;
                    Posting {
                        doc,
                        field: fields[(step() % 4) as usize],
                        score: (step() % 16) as u8,
                    }
                })
                .collect();
            assert_eq!(
                encode_postings(&postings),
                encode_postings_by_filtering(&postings)
            );
        }
    }

    fn doc(n: usize, sections: usize) -> SearchDoc {
        SearchDoc {
            title: format!("Page «{n}» \"quoted\""),
            url: format!("p/{n}/"),
            kind: crate::content::PageKind::Plain,
            date: None,
            severity: None,
            services: Vec::new(),
            tags: Vec::new(),
            aliases: vec![format!("alias {n}")],
            sections: (0..sections)
                .map(|k| crate::search::index::ExcerptSection {
                    heading: format!("Part {k}"),
                    anchor: format!("part-{k}"),
                    text: "word ".repeat(k * 7 + n % 13),
                })
                .collect(),
        }
    }

    #[test]
    fn every_document_of_a_bucket_is_where_its_header_says() {
        for count in [1, 5, BUCKET_DOCS] {
            let docs: Vec<Vec<u8>> = (0..count).map(|n| doc_json(&doc(n, n % 4))).collect();
            let file = bucket_file(7, &docs);
            // The browser reads the header from exactly this many bytes.
            let ranges = bucket_ranges(&file[..BUCKET_HEADER_BYTES]).unwrap();
            assert_eq!(ranges.len(), BUCKET_DOCS);
            for (n, r) in ranges.iter().enumerate() {
                // What the browser reads: the slot's two offsets only.
                assert_eq!(doc_range(&file[slot_offsets(n)]).as_ref(), Some(r));
                if n >= count {
                    assert!(r.is_empty(), "slot {n} of {count}");
                    continue;
                }
                assert_eq!(&file[r.clone()], docs[n].as_slice());
                let value: serde_json::Value = serde_json::from_slice(&file[r.clone()]).unwrap();
                assert_eq!(value["u"], format!("p/{n}/"));
            }
            // The whole file is a script call: its array parses to the same documents.
            let text = std::str::from_utf8(&file).unwrap();
            let array = &text[BUCKET_HEADER_BYTES + 2..text.rfind("],7);").unwrap() + 1];
            let all: Vec<serde_json::Value> = serde_json::from_str(array).unwrap();
            assert_eq!(all.len(), count);
            assert!(text.starts_with("window.__hindsightSearch.docs(\""));
            assert!(text.ends_with("],7);\n"));
        }
        assert_eq!(bucket_ranges(b"window.__hindsightSearch.doc(1,{})"), None);
        assert_eq!(bucket_ranges(&[b'0'; BUCKET_HEADER_BYTES]), None);
    }

    #[test]
    fn offsets_are_fixed_width_base_64() {
        let docs = [vec![b'x'; 64 * 64 + 5], b"{}".to_vec()];
        let header = bucket_header(&docs);
        assert_eq!(header.len(), BUCKET_HEADER_BYTES);
        // The first document starts after the header and `",[`: 294 = 4·64 + 38 ("4c").
        let first = BUCKET_HEADER_BYTES + 3;
        assert_eq!(first, 4 * 64 + 38);
        assert_eq!(&header[slot_offsets(0)][..4], "004c");
        // The second, 4101 + 1 bytes on: 4396 = 1·64² + 4·64 + 44 ("14i").
        assert_eq!(&header[slot_offsets(1)][..4], "014i");
        let ranges = bucket_ranges(header.as_bytes()).unwrap();
        assert_eq!(ranges[0], first..first + 4101);
        assert_eq!(ranges[1], first + 4102..first + 4104);
        assert!(ranges[2..].iter().all(|r| r.is_empty()));
        // Offsets out of order, or one apart (a document of no bytes), are not a document.
        assert_eq!(doc_range(b"00100010"), Some(64..64));
        assert_eq!(doc_range(b"00100011"), None);
        assert_eq!(doc_range(b"0010000z"), None);
        assert_eq!(doc_range(b"0010 012"), None);
        assert_eq!(doc_range(b"001000"), None);
    }

    #[test]
    fn documents_and_buckets() {
        assert_eq!((bucket_of(0), bucket_of(63), bucket_of(64)), (0, 0, 1));
        assert_eq!(
            (bucket_count(0), bucket_count(64), bucket_count(65)),
            (0, 1, 2)
        );
        assert_eq!(bucket_path(3), "search/d/3.js");
    }

    #[test]
    fn a_document_too_big_for_its_header_keeps_the_sections_that_fit() {
        let mut big = doc(1, 0);
        big.sections = (0..200)
            .map(|k| crate::search::index::ExcerptSection {
                heading: format!("Part {k}"),
                anchor: format!("part-{k}"),
                text: "long text ".repeat(150),
            })
            .collect();
        let json = doc_json(&big);
        assert!(json.len() <= DOC_BYTES, "{}", json.len());
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let kept = value["x"].as_array().unwrap().len();
        assert!((100..200).contains(&kept), "{kept} sections kept");
        assert_eq!(value["x"][0][0], "Part 0");
        big.title = "t".repeat(DOC_BYTES + 1);
        let json = doc_json(&big);
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["t"].as_str().unwrap().len(), 200);
        assert_eq!(value["u"], "p/1/");
    }

    #[test]
    fn shards_are_contiguous_and_bounded() {
        let sizes = [5, 5, 5, 20, 1, 1, 9];
        let ranges = shard_ranges(&sizes, 10);
        assert_eq!(ranges, [0..2, 2..3, 3..4, 4..6, 6..7]);
        let covered: usize = ranges.iter().map(|r| r.len()).sum();
        assert_eq!(covered, sizes.len());
        for r in &ranges {
            let total: usize = sizes[r.clone()].iter().sum();
            assert!(total <= 10 || r.len() == 1, "{r:?} holds {total} bytes");
        }
    }
}
