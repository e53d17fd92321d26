//! Times the search index build and adds up the bytes queries download, on any site:
//! `cargo run --release --example search_bench -- SITE_DIR [QUERY...]`.

use std::collections::HashMap;
use std::time::Instant;

use hindsight::pipeline::{BuildOptions, load_site};
use hindsight::search::{index::build_index, query, shards::index_files};

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
        "index: {} terms, {total} bytes in {} files (manifest {} B; {} shards {} B; {} docs {} B; {} filters {} B)",
        index.terms.len(),
        files.len(),
        bytes("search/index.js"),
        count("search/s/"),
        bytes("search/s/"),
        count("search/d/"),
        bytes("search/d/"),
        count("search/f/"),
        bytes("search/f/"),
    );
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
        ]
        .map(String::from)
        .to_vec();
    }
    for q in &queries {
        // As typed: every prefix of the query, then the query itself; bytes are counted once.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut last = None;
        for end in (1..=q.len()).filter(|&e| q.is_char_boundary(e)) {
            let out = query::run(&files, &q[..end], &[]);
            for f in &out.files {
                seen.insert(f.clone(), files[f].len());
            }
            last = Some(out);
        }
        let last = last.unwrap_or_default();
        let final_only = query::run(&files, q, &[]);
        println!(
            "query {q:?}: {} matches, {} shown; typed letter by letter {} B in {} files; final query alone {} B",
            last.total_matches,
            last.shown.len(),
            seen.values().sum::<usize>(),
            seen.len(),
            final_only.bytes
        );
    }
}
