//! Times the search index build and adds up the bytes queries download, on any site:
//! `cargo run --release --example search_bench -- SITE_DIR [QUERY...]`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use hindsight::markdown::RenderedBody;
use hindsight::pipeline::{BuildOptions, load_site};
use hindsight::search::{index::build_index, query, shards::index_files, state::SearchState};
use hindsight::site::Site;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: search_bench SITE_DIR [QUERY...]");
        std::process::exit(2);
    };
    let mut queries: Vec<String> = args.collect();
    let t = Instant::now();
    let (site, _) = match load_site(std::path::Path::new(&root), &BuildOptions::default()) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d:?}");
            std::process::exit(1);
        }
    };
    println!("load_site: {:?} ({} pages)", t.elapsed(), site.pages.len());
    let t = Instant::now();
    let index = build_index(&site.pages, &site.bodies);
    let t_index = t.elapsed();
    let t = Instant::now();
    let files = index_files(&index);
    let t_files = t.elapsed();
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let count = |p: &str| files.iter().filter(|(f, _)| f.starts_with(p)).count();
    let bytes = |p: &str| -> usize {
        files
            .iter()
            .filter(|(f, _)| f.starts_with(p))
            .map(|(_, b)| b.len())
            .sum()
    };
    println!("build_index: {t_index:?}; index_files: {t_files:?}");
    println!(
        "index: {} terms, {total} bytes in {} files (manifest {} B; {} shards {} B; {} docs {} B; {} filters {} B; {} vocabularies {} B)",
        index.terms.len(),
        files.len(),
        bytes("search/index.js"),
        count("search/s/"),
        bytes("search/s/"),
        count("search/d/"),
        bytes("search/d/"),
        count("search/f/"),
        bytes("search/f/"),
        count("search/v/"),
        bytes("search/v/"),
    );
    incremental(&site, &files);
    let files: HashMap<String, Vec<u8>> = files.into_iter().collect();
    if queries.is_empty() {
        queries = [
            "adaptive barrier",
            "database latency",
            "failover quorum",
            "\"rolling deploy\"",
            "checkpoint",
            "blast",
            "replicating",
            "chekpoint",
            "failvoer quorum",
            "migraton",
        ]
        .map(String::from)
        .to_vec();
    }
    // Files the browser already holds from the queries before (a warm query loads the rest).
    let mut cached: std::collections::HashSet<String> = std::collections::HashSet::new();
    for q in &queries {
        // As typed: every prefix of the query, then the query itself; bytes are counted once.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut last = None;
        for end in (1..=q.len()).filter(|&e| q.is_char_boundary(e)) {
            let out = query::run(&files, &q[..end], &[]);
            for (f, bytes) in &out.files {
                seen.insert(f.clone(), *bytes);
            }
            last = Some(out);
        }
        let last = last.unwrap_or_default();
        let final_only = query::run(&files, q, &[]);
        let warm: usize = final_only
            .files
            .iter()
            .filter(|f| !cached.contains(&f.0))
            .map(|f| f.1)
            .sum();
        cached.extend(final_only.files.iter().map(|f| f.0.clone()));
        println!(
            "query {q:?}: {} matches, {} shown, corrections {:?}; typed letter by letter {} B in {} files; \
             first query (nothing cached) {} B; warm (after the queries above) {warm} B",
            last.total_matches,
            last.shown.len(),
            final_only.corrections,
            seen.values().sum::<usize>(),
            seen.len(),
            final_only.bytes
        );
    }
}

/// Times `SearchState`: a fresh build, then rebuilds after editing one page's body, each
/// checked byte for byte against the one-shot index of the edited pages.
fn incremental(site: &Site, one_shot: &[(String, Vec<u8>)]) {
    let (rss, t) = (resident_mb(), Instant::now());
    let fresh = SearchState::build(&site.pages, &site.bodies, None);
    println!(
        "SearchState fresh: {:?}, resident memory +{} MB",
        t.elapsed(),
        resident_mb() - rss
    );
    assert!(
        same(&fresh, one_shot),
        "a fresh SearchState differs from index_files"
    );
    let t = Instant::now();
    let again = SearchState::build(&site.pages, &site.bodies, Some(&fresh));
    println!("SearchState, nothing changed: {:?}", t.elapsed());
    drop(again);
    // Pages with some text to edit, spread over the site.
    let targets: Vec<usize> = (0..ROUNDS)
        .filter_map(|r| {
            let from = site.pages.len() * (2 * r + 1) / (2 * ROUNDS);
            (from..site.pages.len())
                .find(|&i| site.bodies[i].sections.iter().any(|s| s.text.len() > 40))
        })
        .collect();
    type TextEdit = fn(&mut String);
    let edits: [(&str, TextEdit); 3] = [
        ("one word replaced", |t| {
            let w = t.split_whitespace().nth(3).unwrap_or("x").to_string();
            *t = t.replacen(&w, "quorum", 1);
        }),
        ("words appended", |t| {
            t.push_str(" a brand new sentence about zebrafish failover")
        }),
        ("half the text cut", |t| {
            let mut cut = t.len() / 2;
            while !t.is_char_boundary(cut) {
                cut -= 1;
            }
            t.truncate(cut);
        }),
    ];
    let mut prev = fresh;
    let mut bodies = site.bodies.clone();
    let mut times = vec![Vec::new(); edits.len()];
    for (round, &i) in targets.iter().enumerate() {
        for (k, (what, edit)) in edits.iter().enumerate() {
            let mut body = RenderedBody::default();
            body.sections = bodies[i].sections.clone();
            if let Some(s) = body.sections.iter_mut().max_by_key(|s| s.text.len()) {
                edit(&mut s.text);
            }
            bodies[i] = Arc::new(body);
            let t = Instant::now();
            let next = SearchState::build(&site.pages, &bodies, Some(&prev));
            times[k].push(t.elapsed());
            if round == 0 {
                let changed = next
                    .files()
                    .iter()
                    .zip(prev.files())
                    .filter(|(a, b)| !Arc::ptr_eq(&a.1, &b.1))
                    .count();
                let want = index_files(&build_index(&site.pages, &bodies));
                assert!(
                    same(&next, &want),
                    "incremental index differs after: {what}"
                );
                println!(
                    "SearchState after one edit ({what}): {changed} of {} files new; exact",
                    next.files().len()
                );
            }
            prev = next;
        }
    }
    for ((what, _), mut t) in edits.iter().zip(times) {
        t.sort();
        println!(
            "SearchState after one edit ({what}), {} pages: min {:?}, median {:?}",
            t.len(),
            t[0],
            t[t.len() / 2]
        );
    }
}

/// Pages edited, one after another, by each kind of edit.
const ROUNDS: usize = 7;

fn same(state: &SearchState, files: &[(String, Vec<u8>)]) -> bool {
    state.files().len() == files.len()
        && state
            .files()
            .iter()
            .zip(files)
            .all(|(a, b)| a.0 == b.0 && *a.1 == *b.1)
}

/// Resident memory of this process (Linux), to see what a kept `SearchState` costs.
fn resident_mb() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok());
    kb.unwrap_or(0) / 1024
}
