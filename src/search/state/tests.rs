//! The incremental index must write exactly what a fresh index of the same pages writes.

use std::sync::Arc;

use super::SearchState;
use crate::content::Page;
use crate::markdown::{RenderedBody, TextSection};
use crate::pipeline::{BuildOptions, load_site};
use crate::search::{index::build_index, shards::index_files};

fn write(root: &std::path::Path, rel: &str, text: &str) {
    let path = root.join("content").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Enough pages, words and filters that quantization, shards and facets all matter.
fn fixture() -> (Vec<Page>, Vec<Arc<RenderedBody>>) {
    fixture_of(40)
}

fn fixture_of(count: usize) -> (Vec<Page>, Vec<Arc<RenderedBody>>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    let words = [
        "latency", "replica", "failover", "quorum", "cache", "deploy", "rollback", "alert",
        "pager", "queue", "backlog", "timeout", "retry", "storm", "shard", "leader",
    ];
    for i in 0..count {
        let w: Vec<&str> = (0..12)
            .map(|k| words[(i * 7 + k * 3) % words.len()])
            .collect();
        let body = format!(
            "## Overview {i}\n{} word{i} extra{}\n\n## Details\n{} {}\n\n## Codes\n{}\n",
            w.join(" "),
            i % 5,
            w[..6].join(" "),
            "filler ".repeat(i % 9),
            // Words of their own fill several shards.
            (0..150)
                .map(|k| format!("c{i}x{k}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let (dir, fm) = match i % 3 {
            0 => (
                "postmortems",
                format!(
                    "date: 2024-01-{:02}\nseverity: SEV{}\nservices: [svc{}]\ntags: [t{}]\nsummary: Outage {i}.\ntimeline:\n  - at: 2024-01-01T10:00:00Z\n    event: Alert {i}.\n    marks: impact-start\n",
                    i % 28 + 1,
                    i % 3 + 1,
                    i % 4,
                    i % 6
                ),
            ),
            1 => (
                "glossary",
                format!("summary: Term {i}.\ntags: [t{}]\n", i % 6),
            ),
            _ => ("guidelines", format!("summary: Guide {i}.\n")),
        };
        write(
            root,
            &format!("{dir}/page-{i:02}.md"),
            &format!(
                "---\ntitle: Page {i} {}\n{fm}---\n{body}",
                words[i % words.len()]
            ),
        );
    }
    let (site, _) = match load_site(root, &BuildOptions::default()) {
        Ok(s) => s,
        Err(d) => panic!("fixture does not build: {d:?}"),
    };
    (site.linked.pages, site.linked.bodies)
}

/// A new body of page `url` with its sections changed by `edit`.
fn edit(
    pages: &[Page],
    bodies: &mut [Arc<RenderedBody>],
    url: &str,
    edit: impl FnOnce(&mut Vec<TextSection>),
) {
    let i = pages.iter().position(|p| p.url == url).unwrap();
    let mut body = RenderedBody::default();
    body.sections = bodies[i].sections.clone();
    edit(&mut body.sections);
    bodies[i] = Arc::new(body);
}

/// `state` writes what a fresh state and the one-shot index write, and every file equal to
/// `previous`'s at the same path is the same `Arc`.
fn assert_exact(
    state: &SearchState,
    previous: &SearchState,
    pages: &[Page],
    bodies: &[Arc<RenderedBody>],
) {
    let fresh = SearchState::build(pages, bodies, None);
    let got: Vec<(&str, &[u8])> = state
        .files()
        .iter()
        .map(|(p, b)| (p.as_str(), &**b))
        .collect();
    let want: Vec<(&str, &[u8])> = fresh
        .files()
        .iter()
        .map(|(p, b)| (p.as_str(), &**b))
        .collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.0, w.0);
        assert!(g.1 == w.1, "{} differs from a fresh index", g.0);
    }
    let one_shot = index_files(&build_index(pages, bodies));
    let one_shot: Vec<(&str, &[u8])> = one_shot
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    assert!(got == one_shot, "the state differs from the one-shot index");
    let before: std::collections::HashMap<&str, &Arc<[u8]>> = previous
        .files()
        .iter()
        .map(|(p, b)| (p.as_str(), b))
        .collect();
    for (path, bytes) in state.files() {
        if let Some(old) = before.get(path.as_str()) {
            assert_eq!(
                Arc::ptr_eq(old, bytes),
                ***old == **bytes,
                "{path}: unchanged files are shared, changed ones are not"
            );
        }
    }
}

type SectionsEdit = dyn Fn(&mut Vec<TextSection>);

fn changed_files(a: &SearchState, b: &SearchState) -> Vec<String> {
    b.files()
        .iter()
        .filter(|(p, f)| !a.files().iter().any(|(q, g)| q == p && Arc::ptr_eq(f, g)))
        .map(|(p, _)| p.clone())
        .collect()
}

#[test]
fn a_fresh_state_writes_the_one_shot_index() {
    let (pages, bodies) = fixture();
    let a = SearchState::build(&pages, &bodies, None);
    let empty = SearchState::build(&[], &[], None);
    assert_exact(&a, &empty, &pages, &bodies);
    assert!(a.shards.len() > 3, "only {} shards", a.shards.len());
    assert!(a.files().iter().any(|(p, _)| p.starts_with("search/f/")));
}

#[test]
fn no_change_shares_every_file() {
    let (pages, bodies) = fixture();
    let a = SearchState::build(&pages, &bodies, None);
    let b = SearchState::build(&pages, &bodies, Some(&a));
    assert!(changed_files(&a, &b).is_empty());
}

#[test]
fn edits_update_exactly() {
    let (pages, mut bodies) = fixture();
    let mut prev = SearchState::build(&pages, &bodies, None);
    let edits: Vec<(&str, Box<SectionsEdit>)> = vec![
        // New words, and a longer document.
        (
            "glossary/page-01/",
            Box::new(|s| s[0].text.push_str(" zebra xylophone quorum quorum")),
        ),
        // Words removed: `word4` and `extra4` occur nowhere else, so their terms vanish.
        (
            "glossary/page-04/",
            Box::new(|s| s[0].text = "latency".into()),
        ),
        // Same length, different words.
        (
            "guidelines/page-05/",
            Box::new(|s| s[1].text = s[1].text.replace("filler", "pager")),
        ),
        // 150 terms gone from the middle of the term order: later shards shift.
        ("postmortems/page-12/", Box::new(|s| s.truncate(2))),
        // A heading, a better field than the body.
        (
            "postmortems/page-09/",
            Box::new(|s| s[1].heading = "Zebra storm".into()),
        ),
    ];
    for (url, f) in &edits {
        edit(&pages, &mut bodies, url, f);
        let next = SearchState::build(&pages, &bodies, Some(&prev));
        assert_exact(&next, &prev, &pages, &bodies);
        let changed = changed_files(&prev, &next);
        assert!(!changed.is_empty(), "{url}: an edit changes some file");
        assert!(
            changed.len() < next.files().len() / 2,
            "{url}: {} of {} files rewritten",
            changed.len(),
            next.files().len()
        );
        prev = next;
    }
    // Two documents at once, one losing every word.
    edit(&pages, &mut bodies, "glossary/page-07/", |s| s.clear());
    edit(&pages, &mut bodies, "postmortems/page-30/", |s| {
        s.push(TextSection {
            heading: "More".into(),
            anchor: "more".into(),
            text: "cache cache rollback newword".into(),
        })
    });
    let next = SearchState::build(&pages, &bodies, Some(&prev));
    assert_exact(&next, &prev, &pages, &bodies);
}

#[test]
fn an_edit_that_moves_the_best_score_requantizes_everything() {
    let (pages, mut bodies) = fixture();
    let a = SearchState::build(&pages, &bodies, None);
    // A rare word many times in a short document outscores everything else.
    edit(&pages, &mut bodies, "guidelines/page-02/", |s| {
        s.truncate(1);
        s[0].text = "singular ".repeat(50);
    });
    let b = SearchState::build(&pages, &bodies, Some(&a));
    assert!(b.top > a.top, "the edit was meant to raise the best score");
    assert_exact(&b, &a, &pages, &bodies);
    // And back: the best score falls again.
    let (_, original) = fixture();
    let i = pages
        .iter()
        .position(|p| p.url == "guidelines/page-02/")
        .unwrap();
    bodies[i] = original[i].clone();
    let c = SearchState::build(&pages, &bodies, Some(&b));
    assert!(c.top < b.top);
    assert_exact(&c, &b, &pages, &bodies);
}

#[test]
fn a_front_matter_change_updates_the_filters() {
    let (mut pages, mut bodies) = fixture();
    let a = SearchState::build(&pages, &bodies, None);
    let i = pages
        .iter()
        .position(|p| p.url == "glossary/page-10/")
        .unwrap();
    pages[i].meta.tags = vec!["brand-new".into()];
    // `serve` renews the body of a page whose front matter changed.
    edit(&pages, &mut bodies, "glossary/page-10/", |_| {});
    let b = SearchState::build(&pages, &bodies, Some(&a));
    assert_exact(&b, &a, &pages, &bodies);
    assert!(
        changed_files(&a, &b)
            .iter()
            .any(|p| p.starts_with("search/f/"))
    );
}

#[test]
fn a_different_page_set_reindexes_everything() {
    let (pages, bodies) = fixture();
    let a = SearchState::build(&pages, &bodies, None);
    // The last page by URL goes: earlier doc ids stay, later ones do not exist.
    let last = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| crate::search::index::is_searchable(p))
        .max_by(|a, b| a.1.url.cmp(&b.1.url))
        .unwrap()
        .0;
    let (mut fewer_pages, mut fewer_bodies) = (pages.clone(), bodies.clone());
    fewer_pages.remove(last);
    fewer_bodies.remove(last);
    let b = SearchState::build(&fewer_pages, &fewer_bodies, Some(&a));
    assert_exact(&b, &a, &fewer_pages, &fewer_bodies);
    assert_eq!(b.docs.len() + 1, a.docs.len());
    // A page added back in the middle of the order shifts the ids after it.
    let (mut more_pages, mut more_bodies) = (pages.clone(), bodies.clone());
    let mut extra = pages[last].clone();
    extra.url = "glossary/aaa-first/".into();
    more_pages.push(extra);
    more_bodies.push(bodies[last].clone());
    let c = SearchState::build(&more_pages, &more_bodies, Some(&b));
    assert_exact(&c, &b, &more_pages, &more_bodies);
    // The same pages listed in another order: the same documents.
    let (mut shuffled_pages, mut shuffled_bodies) = (pages.clone(), bodies.clone());
    shuffled_pages.reverse();
    shuffled_bodies.reverse();
    let same = SearchState::build(&shuffled_pages, &shuffled_bodies, Some(&a));
    assert_exact(&same, &a, &shuffled_pages, &shuffled_bodies);
    assert!(changed_files(&a, &same).is_empty());
    // And an edit on top of the new page set is incremental again.
    edit(&more_pages, &mut more_bodies, "glossary/aaa-first/", |s| {
        s[0].text = "quorum".into()
    });
    let d = SearchState::build(&more_pages, &more_bodies, Some(&c));
    assert_exact(&d, &c, &more_pages, &more_bodies);
}

#[test]
fn replacing_postings_by_lookup_and_by_mask_agree() {
    use super::{Changes, RawPosting};
    use crate::search::index::Field;
    let raw: Vec<RawPosting> = (0..200)
        .step_by(3)
        .map(|d| (d, Field::Body, d % 7 + 1))
        .collect();
    let changed: Vec<u32> = vec![0, 4, 9, 10, 11, 99, 150, 199];
    // Changed documents that have the term now: some had it, some did not.
    let add: Vec<RawPosting> = [4, 9, 11, 199].map(|d| (d, Field::Heading, 2)).to_vec();
    let mut want: Vec<RawPosting> = raw
        .iter()
        .filter(|p| !changed.contains(&p.0))
        .copied()
        .chain(add.iter().copied())
        .collect();
    want.sort_by_key(|p| p.0);
    let lookup = Changes::new(&changed, 200);
    assert!(lookup.mask.is_empty());
    let mut mask = vec![false; 200];
    changed.iter().for_each(|&d| mask[d as usize] = true);
    let masked = Changes {
        docs: &changed,
        mask,
    };
    let levels: Vec<u8> = raw.iter().map(|p| (p.0 % 16) as u8).collect();
    let want_guesses: Vec<u8> = want
        .iter()
        .map(|p| match raw.iter().position(|q| q.0 == p.0) {
            Some(i) if !changed.contains(&p.0) => levels[i],
            _ => super::NO_LEVEL,
        })
        .collect();
    for c in [&lookup, &masked] {
        let (got, guesses) = c.apply(&raw, &levels, &add);
        assert_eq!(got, want);
        // A changed document's old level is a fine guess too, but not required.
        for ((g, w), p) in guesses.iter().zip(&want_guesses).zip(&got) {
            if !changed.contains(&p.0) {
                assert_eq!(g, w);
            }
        }
        assert!(!c.keep(&raw, &add));
        // Changed documents that kept their postings of the term, and ones that never had it.
        let kept: Vec<RawPosting> = raw
            .iter()
            .filter(|p| changed.contains(&p.0))
            .copied()
            .collect();
        assert!(c.keep(&raw, &kept));
        assert!(c.keep(&[(1, Field::Body, 1), (2, Field::Body, 1)], &[]));
        assert!(!c.keep(&[(1, Field::Body, 1), (4, Field::Body, 1)], &[]));
        let other_tf: Vec<RawPosting> = kept.iter().map(|p| (p.0, p.1, p.2 + 1)).collect();
        assert!(!c.keep(&raw, &other_tf));
        assert!(!c.keep(&raw, &kept[1..]));
        assert_eq!(c.apply(&[], &[], &add).0, add);
    }
}

#[test]
fn random_edits_update_exactly() {
    // 80 pages: 35 changed at once is under half, and over the lookup limit (a mask).
    let (pages, mut bodies) = fixture_of(80);
    let words = [
        "quorum", "latency", "zeta", "omega", "pager", "shard", "new", "cache",
    ];
    let mut x = 42u32;
    let mut next = |n: usize| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (x >> 8) as usize % n
    };
    let searchable: Vec<usize> = (0..pages.len())
        .filter(|&i| crate::search::index::is_searchable(&pages[i]))
        .collect();
    assert_eq!(searchable.len(), 80);
    let mut prev = SearchState::build(&pages, &bodies, None);
    for round in 0..24 {
        let start = next(searchable.len());
        let picks: Vec<usize> = match round % 5 {
            // 36 distinct pages: more than the lookup limit, under half.
            4 => (0..36).map(|k| searchable[(start + 2 * k) % 80]).collect(),
            r => (0..[1, 1, 2, 5][r]).map(|_| searchable[next(80)]).collect(),
        };
        for i in picks {
            let mut body = RenderedBody::default();
            body.sections = bodies[i].sections.clone();
            let s = &mut body.sections;
            match next(6) {
                0 => {
                    let w = words[next(words.len())];
                    if let Some(t) = s.first_mut() {
                        t.text.push_str(&format!(" {w} {w}{round}"));
                    }
                }
                1 => s.iter_mut().for_each(|t| t.text.truncate(t.text.len() / 2)),
                2 => s
                    .iter_mut()
                    .for_each(|t| t.text = t.text.replace("latency", "zeta")),
                3 => s.clear(),
                4 => {
                    let copy = s.clone();
                    s.extend(copy);
                }
                _ => {
                    if let Some(t) = s.last_mut() {
                        t.heading = words[next(words.len())].to_string();
                    }
                }
            }
            bodies[i] = Arc::new(body);
        }
        let state = SearchState::build(&pages, &bodies, Some(&prev));
        assert_exact(&state, &prev, &pages, &bodies);
        prev = state;
    }
}

/// An edit rewrites the bucket file of the edited document, and no other bucket.
#[test]
fn an_edit_rewrites_only_its_documents_bucket() {
    let (pages, mut bodies) = fixture_of(150);
    let prev = SearchState::build(&pages, &bodies, None);
    assert_eq!(prev.buckets().len(), 3);
    let url = "glossary/page-100/";
    edit(&pages, &mut bodies, url, |s| s[0].text.push_str(" zebra"));
    let next = SearchState::build(&pages, &bodies, Some(&prev));
    assert_exact(&next, &prev, &pages, &bodies);
    let d = next.docs.iter().position(|d| d.url == url).unwrap();
    let buckets: Vec<String> = changed_files(&prev, &next)
        .into_iter()
        .filter(|p| p.starts_with("search/d/"))
        .collect();
    let bucket = crate::search::shards::bucket_of(d);
    assert_eq!(buckets, [crate::search::shards::bucket_path(bucket)]);
}
