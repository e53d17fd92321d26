//! Ranking and layout checks on a small site built by the real pipeline.

use std::collections::HashMap;

use super::query::{SHOWN, run};
use super::shards;
use crate::pipeline::{BuildOptions, load_site};

fn write(root: &std::path::Path, rel: &str, text: &str) {
    let path = root.join("content").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A fixture where "blast" appears as a term name, in a title, in a heading and in a body.
fn fixture() -> (tempfile::TempDir, HashMap<String, Vec<u8>>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    write(
        root,
        "glossary/blast-radius.md",
        "---\ntitle: Blast Radius\nsummary: How far an incident's impact reaches.\naliases: [impact radius]\n---\n## What it is\nThe users and services an incident touches.\n",
    );
    write(
        root,
        "glossary/failover.md",
        "---\ntitle: Failover\nsummary: Switching to a standby.\n---\n## What it is\nA failover keeps the blast small. Blast blast.\n",
    );
    write(
        root,
        "guidelines/cells.md",
        "---\ntitle: Limiting blast with cells\nsummary: Cells.\n---\n## Why\nSmaller cells.\n",
    );
    write(
        root,
        "guidelines/limits.md",
        "---\ntitle: Limits\nsummary: Limits.\n---\n## Blast zones\nKeep them apart.\n",
    );
    write(
        root,
        "postmortems/db.md",
        "---\ntitle: Database replication failure\ndate: 2024-03-02\nseverity: SEV2\nservices: [postgres]\nsummary: A replica fell behind for hours.\ntags: [database, database]\ntimeline:\n  - at: 2024-03-02T10:00:00Z\n    event: Lag alert fired.\n    marks: impact-start\naction_items:\n  - title: Set up continuous archiving.\n    type: prevent\nlessons:\n  went_wrong:\n    - The pager woke nobody.\n---\n## What happened\nThe replica stopped applying the write-ahead log; the café dashboard showed stale data.\n",
    );
    write(
        root,
        "postmortems/cdn.md",
        "---\ntitle: CDN outage\ndate: 2024-01-05\nseverity: SEV1\nservices: [cdn]\nsummary: The edge went down.\ntimeline:\n  - at: 2024-01-05T10:00:00Z\n    event: Edge errors.\n    marks: impact-start\n---\n## What happened\nA config push broke replication of edge config. The blast reached everyone.\n",
    );
    let (site, _) = match load_site(root, &BuildOptions::default()) {
        Ok(s) => s,
        Err(d) => panic!("fixture does not build: {d:?}"),
    };
    let files: HashMap<String, Vec<u8>> = super::search_files(&site).into_iter().collect();
    let index = super::index::build_index(&site.pages, &site.bodies);
    let urls = index.docs.iter().map(|d| d.url.clone()).collect();
    (dir, files, urls)
}

fn titles(urls: &[String], shown: &[u32]) -> Vec<String> {
    shown.iter().map(|&d| urls[d as usize].clone()).collect()
}

#[test]
fn term_name_then_title_then_heading_then_body() {
    let (_dir, files, urls) = fixture();
    let out = run(&files, "blast", &[]);
    assert_eq!(
        titles(&urls, &out.shown),
        [
            "glossary/blast-radius/",
            "guidelines/cells/",
            "guidelines/limits/",
            "glossary/failover/",
            "postmortems/cdn/",
        ]
    );
}

#[test]
fn alias_ranks_like_a_title_of_a_term() {
    let (_dir, files, urls) = fixture();
    let out = run(&files, "impact radius ", &[]);
    assert_eq!(titles(&urls, &out.shown)[0], "glossary/blast-radius/");
}

#[test]
fn stemming_prefixes_and_diacritics_match() {
    let (_dir, files, urls) = fixture();
    for q in [
        "replicating",
        "Replication ",
        "repl",
        "replicat",
        "CAFÉ",
        "cafe ",
    ] {
        let shown = titles(&urls, &run(&files, q, &[]).shown);
        assert!(
            shown.contains(&"postmortems/db/".to_string()),
            "{q:?} → {shown:?}"
        );
    }
}

#[test]
fn words_are_anded_and_phrases_checked() {
    let (_dir, files, urls) = fixture();
    let both = run(&files, "replication edge", &[]);
    // One page has both words; with fewer than three, pages with one of two follow.
    assert_eq!(titles(&urls, &both.shown)[0], "postmortems/cdn/");
    assert_eq!(both.matched[0], 2);
    assert!(
        both.matched[1..].iter().all(|&m| m == 1),
        "{:?}",
        both.matched
    );
    let phrase = titles(&urls, &run(&files, "\"stale data\"", &[]).shown);
    assert_eq!(phrase, ["postmortems/db/"]);
    assert!(run(&files, "\"data stale\"", &[]).shown.is_empty());
}

#[test]
fn front_matter_a_page_shows_is_found_and_excerpted() {
    let (_dir, files, urls) = fixture();
    for q in ["continuous archiving", "pager woke"] {
        let out = run(&files, q, &[]);
        assert_eq!(titles(&urls, &out.shown), ["postmortems/db/"], "{q:?}");
    }
    let d = urls.iter().position(|u| u == "postmortems/db/").unwrap();
    let bucket = &files[&shards::bucket_path(shards::bucket_of(d))];
    let range = shards::bucket_ranges(bucket).unwrap()[d % shards::BUCKET_DOCS].clone();
    let doc = String::from_utf8(bucket[range].to_vec()).unwrap();
    assert!(
        doc.contains(r#"["Action items","pm-actions","Set up continuous archiving."]"#),
        "{doc}"
    );
}

#[test]
fn filters_narrow_by_kind_and_severity() {
    let (_dir, files, urls) = fixture();
    let pm = titles(
        &urls,
        &run(&files, "blast", &[("kind", "postmortem")]).shown,
    );
    assert_eq!(pm, ["postmortems/cdn/"]);
    let sev = run(&files, "replication ", &[("severity", "sev2")]);
    assert_eq!(titles(&urls, &sev.shown), ["postmortems/db/"]);
    assert!(sev.files.iter().any(|f| f.0.starts_with("search/f/")));
    // The page lists its tag twice and is in that tag's filter once.
    let tagged = run(&files, "replica", &[("tag", "database")]);
    assert_eq!(titles(&urls, &tagged.shown), ["postmortems/db/"]);
}

#[test]
fn a_query_loads_manifest_one_shard_per_word_and_shown_docs() {
    let (_dir, files, _) = fixture();
    let out = run(&files, "blast ", &[]);
    assert_eq!(out.files[0].0, "search/index.js");
    let loaded = |prefix: &str| -> Vec<&(String, usize)> {
        out.files
            .iter()
            .filter(|f| f.0.starts_with(prefix))
            .collect()
    };
    let shard_loads = loaded("search/s/");
    assert_eq!(shard_loads.len(), 1);
    assert_eq!(shard_loads[0].1, files[&shard_loads[0].0].len());
    // Of each document (all in bucket 0 here), its two offsets, then its bytes.
    let docs = loaded("search/d/");
    assert_eq!(docs.len(), 2 * out.shown.len().min(SHOWN));
    for pair in docs.chunks(2) {
        assert_eq!(pair[0].1, 2 * shards::OFFSET_LETTERS);
        assert!(pair[1].1 > 50, "{pair:?}");
        assert!(pair.iter().all(|f| f.0.starts_with("search/d/0.js#")));
    }
    let sum: usize = out.files.iter().map(|f| f.1).sum();
    assert_eq!(sum, out.bytes);
}

#[test]
fn disabled_search_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[search]\nenabled = false\n").unwrap();
    write(dir.path(), "a.md", "---\ntitle: A\n---\nText.\n");
    let (site, _) = load_site(dir.path(), &BuildOptions::default()).unwrap();
    assert!(super::search_files(&site).is_empty());
    assert!(super::search_page(&site).is_none());
}

/// `search.js` must stem exactly as the index does, or queries miss. Runs its stemmer in
/// node over every word of the bundled content plus the stemmer's tricky cases.
#[test]
fn browser_stemmer_matches_rust_stemmers() {
    let Ok(probe) = std::process::Command::new("node").arg("--version").output() else {
        // CI installs node (.ci/run); there this check must run, not skip.
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true but node is missing"
        );
        println!("skipped: node is not installed, cannot run search.js outside a browser");
        return;
    };
    assert!(probe.status.success());
    let mut words: std::collections::BTreeSet<String> = [
        "generously",
        "communication",
        "arsenal",
        "skies",
        "dying",
        "news",
        "inning",
        "succeeded",
        "hopping",
        "hoped",
        "filing",
        "cries",
        "ties",
        "gaps",
        "kiwis",
        "gas",
        "cry",
        "by",
        "say",
        "happy",
        "sky",
        "agreed",
        "feed",
        "luxuriating",
        "hopeful",
        "electrical",
        "formality",
        "conditional",
        "rational",
        "valenci",
        "hesitanci",
        "digitizer",
        "operator",
        "feudalism",
        "decisiveness",
        "hopefulness",
        "callousness",
        "formaliti",
        "sensitiviti",
        "sensibiliti",
        "logically",
        "cheerfulli",
        "lessli",
        "analogi",
        "controll",
        "rolling",
        "yelling",
        "yay",
        "youth",
        "eyes",
        "replication",
        "replicating",
        "replicated",
        "failover",
        "2017",
        "p99",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let content = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
    for entry in walkdir::WalkDir::new(content).into_iter().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            super::tokenize::for_each_word(&text, |w| {
                words.insert(w.to_string());
            });
        }
    }
    let list = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        list.path(),
        words.iter().cloned().collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let script = format!(
        "globalThis.window = globalThis; require({:?}); const fs = require('fs'); \
         const ws = fs.readFileSync({:?}, 'utf8').split('\\n'); \
         process.stdout.write(ws.map(w => __hindsightSearch.stem(w)).join('\\n'));",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/search.js"
        ),
        list.path()
    );
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js = String::from_utf8(out.stdout).unwrap();
    let stemmer = super::tokenize::WordStemmer::default();
    let wrong: Vec<String> = words
        .iter()
        .zip(js.split('\n'))
        .filter(|(w, s)| stemmer.stem(w) != *s)
        .map(|(w, s)| format!("{w}: rust {} js {s}", stemmer.stem(w)))
        .collect();
    assert!(
        words.len() > 1000,
        "too few words to compare: {}",
        words.len()
    );
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        words.len(),
        wrong.join("\n")
    );
}
