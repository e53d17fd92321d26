//! Search in a real browser (headless Chromium, tests/common/browser.rs): the header box
//! ranks, navigates by keyboard and works when the site is opened from disk (file://).
//! Screenshots of the results in light and dark mode go to target/screenshots/.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::FixtureSite;
use common::browser::{Browser, Tab, target_dir};

/// A small site where "blast" is a term's name, part of a title, a heading and body text,
/// and a post-mortem about replication never says "replicating".
fn fixture() -> &'static PathBuf {
    static SITE: OnceLock<(FixtureSite, PathBuf)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let site = FixtureSite::new()
                .file("content/glossary/blast-radius.md", "---\ntitle: Blast Radius\nsummary: How far an incident's impact reaches.\naliases: [impact radius]\n---\n## What it is\nThe users and services an incident touches.\n")
                .file("content/glossary/failover.md", "---\ntitle: Failover\nsummary: Switching to a standby.\n---\n## What it is\nA failover keeps the blast small when the primary fails.\n")
                .file("content/guidelines/cells.md", "---\ntitle: Limiting blast with cells\nsummary: Cells keep failures small.\n---\n## Why\nSmaller cells, smaller incidents.\n")
                .file("content/postmortems/db.md", "---\ntitle: Database replication failure\ndate: 2024-03-02\nseverity: SEV2\nservices: [postgres]\nsummary: A replica fell behind for hours.\ntimeline:\n  - at: 2024-03-02T10:00:00Z\n    event: Lag alert fired.\n    marks: impact-start\n---\n## What happened\nThe replica stopped applying the write-ahead log, so reads showed stale data.\n");
            let out = site.build();
            (site, out)
        })
        .1
}

fn server() -> &'static common::StaticServer {
    static SERVER: OnceLock<common::StaticServer> = OnceLock::new();
    SERVER.get_or_init(|| common::serve(fixture()))
}

/// Types `text` into the header box and waits for the results list to settle.
fn search(tab: &Tab, text: &str) {
    tab.wait_for("#search-input");
    tab.click("#search-input");
    tab.eval("document.querySelector('#search-input').value = ''");
    tab.type_text(text);
    let shown = serde_json::to_string(text).unwrap_or_default();
    tab.wait_until(&format!(
        "document.querySelector('.search').dataset.shown === {shown} \
         && document.querySelector('.search-input').getAttribute('aria-expanded') === 'true'"
    ));
}

fn result_titles(tab: &Tab) -> Vec<String> {
    let v = tab.eval(
        "[...document.querySelectorAll('#search-results [role=option] .search-title')].map(e => e.textContent)",
    );
    serde_json::from_value(v).unwrap_or_default()
}

#[test]
fn typing_blast_shows_the_term_first_and_announces_the_count() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let tab = browser.open(&server().url("guidelines/cells/"));
    search(&tab, "blast");
    let titles = result_titles(&tab);
    assert_eq!(
        titles.first().map(String::as_str),
        Some("Blast Radius"),
        "{titles:?}"
    );
    assert_eq!(titles.len(), 3, "{titles:?}");
    let status = tab.eval("document.querySelector('.search-status').textContent");
    assert_eq!(status, "3 results");
    let marks = tab.eval("document.querySelectorAll('#search-results mark').length");
    assert!(
        marks.as_u64().unwrap_or(0) >= 3,
        "query words are highlighted: {marks}"
    );
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
}

#[test]
fn replicating_finds_the_replication_postmortem() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let tab = browser.open(&server().url(""));
    search(&tab, "replicating");
    assert_eq!(result_titles(&tab), ["Database replication failure"]);
    let kind = tab.eval("document.querySelector('#search-results .search-kind').textContent");
    assert_eq!(kind, "post-mortem");
}

#[test]
fn keyboard_reaches_a_result_and_the_page_highlights_the_query() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let tab = browser.open(&server().url("glossary/failover/"));
    tab.wait_for("#search-input");
    tab.press_key("/");
    assert_eq!(tab.eval("document.activeElement.id"), "search-input");
    tab.type_text("blast");
    tab.wait_for("#search-results [role=option]");
    tab.press_key("ArrowDown");
    tab.press_key("ArrowDown");
    let active =
        tab.eval("document.querySelector('#search-input').getAttribute('aria-activedescendant')");
    assert_eq!(active, "search-option-1");
    assert_eq!(
        tab.eval("document.querySelector('#search-option-1').getAttribute('aria-selected')"),
        "true"
    );
    tab.press_key("ArrowUp");
    tab.press_key("Enter");
    tab.wait_until("location.pathname.endsWith('/glossary/blast-radius/')");
    tab.wait_for("mark.search-hit");
    let hit = tab.eval("document.querySelector('mark.search-hit').textContent");
    assert_eq!(hit, "Blast");
    // Escape closes the popup, Ctrl-K comes back to the box.
    tab.press_key("Control+k");
    assert_eq!(tab.eval("document.activeElement.id"), "search-input");
    tab.type_text("fail");
    tab.wait_for("#search-results [role=option]");
    tab.press_key("Escape");
    assert_eq!(
        tab.eval("document.querySelector('.search-input').getAttribute('aria-expanded')"),
        "false"
    );
}

#[test]
fn search_works_from_disk() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let index = fixture().join("index.html");
    let tab = browser.open(&format!("file://{}", index.display()));
    search(&tab, "replication");
    assert_eq!(result_titles(&tab), ["Database replication failure"]);
    let href = tab.eval("document.querySelector('#search-results [role=option]').dataset.href");
    let href = href.as_str().unwrap_or_default();
    assert!(
        href.starts_with("postmortems/db/index.html?h=replication"),
        "{href}"
    );
    assert!(
        tab.failed_requests().is_empty(),
        "{:?}",
        tab.failed_requests()
    );
}

#[test]
fn search_page_filters_by_kind_and_keeps_the_query_in_the_url() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let tab = browser.open(&server().url("search/?q=blast&kind=guideline"));
    tab.wait_for(".search-page-results .search-result");
    let titles = tab.eval(
        "[...document.querySelectorAll('.search-page-results .search-title')].map(e => e.textContent)",
    );
    assert_eq!(titles, serde_json::json!(["Limiting blast with cells"]));
    let checked = tab.eval("document.querySelector('input[name=kind][value=guideline]').checked");
    assert_eq!(checked, true);
    tab.click("input[name=kind][value=guideline]");
    tab.wait_until("document.querySelectorAll('.search-page-results .search-result').length === 3");
    assert_eq!(tab.eval("location.search"), "?q=blast");
}

/// The README's screenshots: results open over the bundled knowledge base.
#[test]
fn screenshots_of_results_in_light_and_dark() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    for scheme in ["light", "dark"] {
        let tab = browser.blank_tab();
        tab.set_viewport(1280, 800);
        tab.set_color_scheme(scheme);
        tab.goto(&server.url("postmortems/"));
        search(&tab, "replication lag");
        assert!(!result_titles(&tab).is_empty());
        let path = dir.join(format!("search-{scheme}.png"));
        tab.screenshot(&path);
        assert!(path.metadata().map(|m| m.len() > 10_000).unwrap_or(false));
        tab.goto(&server.url("search/?q=database&kind=postmortem"));
        tab.wait_for(".search-page-results .search-result");
        tab.screenshot(&dir.join(format!("search-page-{scheme}.png")));
        tab.set_viewport(390, 844);
        tab.goto(&server.url("glossary/"));
        search(&tab, "blast");
        tab.screenshot(&dir.join(format!("search-phone-{scheme}.png")));
    }
}

/// Why each result is there: a corrected word is named and marked, with a way back to the
/// typed word; an alias match shows the term's other names; a partial match says so; a
/// word too short to search asks for more letters.
#[test]
fn results_say_why_they_match() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.open(&server.url(""));
    search(&tab, "obserability");
    let note = tab.eval("document.querySelector('.search-note').textContent");
    let note = note.as_str().unwrap_or_default();
    assert!(
        note.starts_with("Showing results for observability."),
        "{note}"
    );
    let exact = tab.eval("document.querySelector('.search-note a').getAttribute('href')");
    assert!(
        exact
            .as_str()
            .unwrap_or_default()
            .ends_with("?q=%22obserability%22"),
        "{exact}"
    );
    assert_eq!(result_titles(&tab)[0], "Observability");
    assert_eq!(
        tab.eval("document.querySelector('#search-results .search-title mark').textContent"),
        "Observability",
        "the corrected word is marked"
    );
    let marked = tab.eval(
        "[...document.querySelectorAll('#search-results .search-excerpt mark')].map(m => m.textContent.toLowerCase())",
    );
    assert!(
        marked.as_array().is_some_and(|m| !m.is_empty()
            && m.iter()
                .all(|w| w.as_str().is_some_and(|w| w.starts_with("observ")))),
        "words with the corrected stem are marked in excerpts: {marked}"
    );
    // The typed word searched exactly finds nothing and corrects nothing.
    tab.goto(&server.url("search/?q=%22obserability%22"));
    tab.wait_until(
        "document.querySelector('.search-page-status').textContent.startsWith('No results')",
    );
    assert_eq!(
        tab.eval("document.querySelector('.search-page-note').hidden"),
        true
    );

    tab.goto(&server.url(""));
    search(&tab, "postmortem");
    assert_eq!(result_titles(&tab)[0], "Post-mortem");
    let aka = tab.eval("document.querySelector('#search-results .search-aka').textContent");
    assert!(
        aka.as_str()
            .unwrap_or_default()
            .starts_with("also known as: postmortem,"),
        "{aka}"
    );
    assert_eq!(
        tab.eval("document.querySelector('#search-results .search-aka mark').textContent"),
        "postmortem"
    );

    search(&tab, "gitlab backup restore kubernetes");
    let partial = tab.eval("document.querySelector('#search-results .search-partial').textContent");
    assert_eq!(partial, "matches 3 of 4 words");

    search(&tab, "ic");
    assert_eq!(
        tab.eval("document.querySelector('.search-note').textContent"),
        "Keep typing…"
    );
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
}

/// Two buckets' worth of pages that all say "widget", each with a paragraph of its own, so
/// a whole bucket is far bigger than the few documents a query shows.
fn many_pages() -> &'static (FixtureSite, PathBuf) {
    static SITE: OnceLock<(FixtureSite, PathBuf)> = OnceLock::new();
    SITE.get_or_init(|| {
        let mut site = FixtureSite::new();
        for i in 0..100 {
            let words = "gear sprocket lever spring axle pulley ".repeat(40 + i % 7);
            site = site.file(
                &format!("content/glossary/widget-{i:03}.md"),
                &format!(
                    "---\ntitle: Widget part {i}\nsummary: Part {i} of the widget.\n---\n## About part {i}\nThe widget {}uses {words}\n",
                    "widget ".repeat(i % 5)
                ),
            );
        }
        let out = site.build();
        (site, out)
    })
}

/// `S.query(text)` in `tab`, then the search/d/ requests it made: (URL, body bytes).
fn query_and_doc_requests(tab: &Tab, text: &str) -> (Vec<String>, Vec<(String, u64)>) {
    tab.wait_for("#search-input");
    let shown = tab.eval(&format!(
        "window.__hindsightSearch.query({}).then(r => r.shown)",
        serde_json::to_string(text).unwrap_or_default()
    ));
    let requests = tab.eval(
        "performance.getEntriesByType('resource').filter(e => e.name.includes('/search/d/')).map(e => [e.name, e.encodedBodySize, e.initiatorType])",
    );
    let requests: Vec<(String, u64, String)> = serde_json::from_value(requests).unwrap_or_default();
    assert!(
        requests.iter().all(|r| r.2 == "fetch"),
        "over http documents are fetched, not loaded by <script>: {requests:?}"
    );
    let shown = serde_json::from_value(shown).unwrap_or_default();
    (shown, requests.into_iter().map(|r| (r.0, r.1)).collect())
}

fn bucket_bytes(out: &std::path::Path, n: usize) -> u64 {
    std::fs::metadata(out.join(format!("search/d/{n}.js")))
        .map(|m| m.len())
        .unwrap_or(0)
}

/// Over `hindsight serve` (which answers Range requests) a query downloads each shown
/// document's offsets and bytes, not the buckets; a static server without ranges sends
/// each bucket once, whole, and the results are the same.
#[test]
fn over_http_a_query_loads_document_ranges_not_whole_buckets() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let (site, out) = many_pages();
    let whole = bucket_bytes(out, 0);
    assert!(
        whole > 64 * 1500,
        "the first bucket holds 64 pages: {whole} bytes"
    );
    assert!(bucket_bytes(out, 1) > 0, "100 pages take two buckets");

    let server =
        hindsight::serve::start(common::quiet_serve_options(site.root())).expect("serve starts");
    let tab = browser.open(&format!("{}glossary/", server.url()));
    let (shown, requests) = query_and_doc_requests(&tab, "widget");
    assert_eq!(shown.len(), 8, "{shown:?}");
    let bytes: u64 = requests.iter().map(|r| r.1).sum();
    // 8 documents of ~1.6 KB, and each one's two offsets (8 bytes).
    assert!(
        bytes > 8 * 1000 && bytes < whole / 3,
        "{bytes} bytes for 8 documents of a {whole}-byte bucket: {requests:?}"
    );
    assert_eq!(requests.len(), 16, "{requests:?}");
    assert_eq!(
        requests.iter().filter(|r| r.1 == 8).count(),
        8,
        "{requests:?}"
    );
    let loaded = tab.eval("window.__hindsightSearch.loaded.filter(p => p.startsWith('d/'))");
    assert!(
        loaded.as_array().is_some_and(|a| a
            .iter()
            .all(|p| p.as_str().is_some_and(|p| p.contains('#')))),
        "{loaded}"
    );
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());

    // The test's static server ignores Range: the first request of a bucket gets all of it.
    let plain = common::serve(out);
    let tab = browser.open(&plain.url("glossary/"));
    let (same, requests) = query_and_doc_requests(&tab, "widget");
    assert_eq!(same, shown);
    let bytes: u64 = requests.iter().map(|r| r.1).sum();
    let buckets: std::collections::BTreeSet<&str> = requests.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        buckets.len(),
        requests.len(),
        "one request a bucket: {requests:?}"
    );
    assert!(bytes >= whole, "whole buckets arrive: {bytes} bytes");
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
}
