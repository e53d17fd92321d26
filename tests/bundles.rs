//! Page bundles and images beside pages: a folder's `index.md` is a page whose files are
//! copied beside its output; an image a page shows resolves from the page's Markdown file,
//! is copied beside the page's output and gets its size and lazy loading; a missing image
//! is an error at its position, an image without alt text a warning. Every address is
//! relative, so the site works from `file://` and under a sub-path.

mod common;

use std::path::Path;

use common::browser::{Browser, Tab};
use common::{FixtureSite, png};
use scraper::{Html, Selector};

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 320 180\"><rect width=\"320\" height=\"180\" fill=\"#2a6fdb\"/></svg>\n";

/// A post-mortem bundle with a PNG and an SVG beside it, a nested folder of raw data, a
/// nested bundle of its own, and a plain page with an image beside it.
fn bundle_site() -> FixtureSite {
    let site = FixtureSite::new()
        .file(
            "content/postmortems/checkout-2026-03/index.md",
            "---\ntitle: Checkout outage\ndate: 2026-03-12\nsummary: Checkout failed for 40 minutes.\n---\n\
             # Checkout outage\n\n\
             ![Error rate over the outage](timeline.png)\n\n\
             ![The checkout dashboard at 09:20](dashboard.svg \"Dashboard\")\n\n\
             The [raw numbers](raw/errors.csv) and the [follow-up](followup/index.md).\n",
        )
        .file("content/postmortems/checkout-2026-03/dashboard.svg", SVG)
        .file("content/postmortems/checkout-2026-03/raw/errors.csv", "t,errors\n0,1\n")
        .file(
            "content/postmortems/checkout-2026-03/followup/index.md",
            "# Follow-up\n\n![Retry queue depth](queue.png)\n",
        )
        .file(
            "content/notes/disk-full.md",
            "# Disk full\n\n![How the disk filled](disk.png)\n\n![Our logo](../shared/logo.png)\n",
        );
    site.write(
        "content/postmortems/checkout-2026-03/timeline.png",
        png(64, 24),
    );
    site.write(
        "content/postmortems/checkout-2026-03/followup/queue.png",
        png(8, 8),
    );
    site.write("content/notes/disk.png", png(30, 50));
    site.write("content/shared/logo.png", png(16, 16));
    site
}

fn images(doc: &Html) -> Vec<scraper::ElementRef<'_>> {
    doc.select(&Selector::parse("main img").unwrap()).collect()
}

fn same_bytes(site: &FixtureSite, source: &str, output: &str) {
    let a = std::fs::read(site.root().join("content").join(source)).unwrap();
    let b = std::fs::read(site.root().join("site").join(output))
        .unwrap_or_else(|e| panic!("{output} is not in the output: {e}"));
    assert_eq!(a, b, "{output} is not a copy of {source}");
}

#[test]
fn a_bundle_is_a_page_whose_files_are_copied_beside_it() {
    let site = bundle_site();
    site.build();
    let doc = site.html("postmortems/checkout-2026-03/index.html");
    assert_eq!(
        doc.select(&Selector::parse("h1").unwrap()).count(),
        1,
        "one h1"
    );

    let imgs = images(&doc);
    assert_eq!(imgs.len(), 2);
    let attrs = |i: usize, name: &str| imgs[i].value().attr(name).unwrap_or_default().to_string();
    assert_eq!(
        [
            attrs(0, "src"),
            attrs(0, "width"),
            attrs(0, "height"),
            attrs(0, "loading")
        ],
        ["timeline.png", "64", "24", "lazy"]
    );
    assert_eq!(attrs(0, "alt"), "Error rate over the outage");
    assert_eq!(
        [
            attrs(1, "src"),
            attrs(1, "width"),
            attrs(1, "height"),
            attrs(1, "title")
        ],
        ["dashboard.svg", "320", "180", "Dashboard"]
    );
    same_bytes(
        &site,
        "postmortems/checkout-2026-03/timeline.png",
        "postmortems/checkout-2026-03/timeline.png",
    );
    same_bytes(
        &site,
        "postmortems/checkout-2026-03/dashboard.svg",
        "postmortems/checkout-2026-03/dashboard.svg",
    );
    // Unreferenced files of the bundle come along, sub-folders too; a nested bundle's
    // files go beside the nested page only.
    same_bytes(
        &site,
        "postmortems/checkout-2026-03/raw/errors.csv",
        "postmortems/checkout-2026-03/raw/errors.csv",
    );
    same_bytes(
        &site,
        "postmortems/checkout-2026-03/followup/queue.png",
        "postmortems/checkout-2026-03/followup/queue.png",
    );
    let html = common::read(
        &site.root().join("site"),
        "postmortems/checkout-2026-03/index.html",
    );
    assert!(html.contains("href=\"raw/errors.csv\""), "{html}");
    assert!(html.contains("href=\"../../postmortems/checkout-2026-03/followup/\""));
    // A post-mortem like any other: in the catalog.
    let catalog = common::read(&site.root().join("site"), "postmortems/index.html");
    assert!(catalog.contains("checkout-2026-03/"), "{catalog}");
}

#[test]
fn an_image_beside_a_plain_page_is_copied_beside_its_output() {
    let site = bundle_site();
    site.build();
    let doc = site.html("notes/disk-full/index.html");
    let imgs = images(&doc);
    let src: Vec<&str> = imgs
        .iter()
        .map(|i| i.value().attr("src").unwrap())
        .collect();
    assert_eq!(src, ["disk.png", "../../shared/logo.png"]);
    assert_eq!(imgs[0].value().attr("width"), Some("30"));
    assert_eq!(imgs[0].value().attr("height"), Some("50"));
    same_bytes(&site, "notes/disk.png", "notes/disk-full/disk.png");
    same_bytes(&site, "shared/logo.png", "shared/logo.png");
    // Not copied where nothing uses it.
    assert!(!site.root().join("site/notes/disk.png").exists());
}

/// Every `src` and `href` of every page, resolved as a browser resolves it from the page's
/// own folder (as from `file://`), names a file of the output.
fn every_local_reference_resolves(out: &Path) {
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        // The 404 page is served at any depth: its links start from the base path.
        if entry.path().extension().is_none_or(|x| x != "html") || entry.file_name() == "404.html" {
            continue;
        }
        let doc = Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
        let dir = entry.path().parent().unwrap();
        for e in doc.select(&Selector::parse("main img[src], main a[href]").unwrap()) {
            let target = e.value().attr("src").or(e.value().attr("href")).unwrap();
            if target.contains(':') || target.starts_with('#') {
                continue;
            }
            assert!(
                !target.starts_with('/'),
                "{}: `{target}` is absolute",
                entry.path().display()
            );
            let path = common::percent_decode(target.split(['#', '?']).next().unwrap());
            let file = dir.join(&path);
            assert!(
                file.is_file() || file.join("index.html").is_file(),
                "{}: `{target}` resolves to nothing",
                entry.path().display()
            );
        }
    }
}

#[test]
fn files_resolve_from_file_urls_and_under_a_sub_path() {
    let site = bundle_site();
    let out = site.build();
    every_local_reference_resolves(&out);
    let out = site.root().join("sub");
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["build", "--base-url", "/docs/kb/", "--root"])
        .arg(site.root())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", common::stderr(&built));
    every_local_reference_resolves(&out);
    let html = common::read(&out, "postmortems/checkout-2026-03/index.html");
    assert!(html.contains("<img src=\"timeline.png\""), "{html}");
}

#[test]
fn a_missing_image_or_file_is_an_error_at_its_position() {
    let site = FixtureSite::new().file(
        "content/notes/page.md",
        "# Page\n\nText, then ![A chart](chart.png) and\n[the data](data/errors.csv).\n",
    );
    site.write("content/notes/chart.svg", SVG);
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/notes/page.md:3:12: error: missing image `chart.png`")
            && err.contains("did you mean `chart.svg`?"),
        "{err}"
    );
    assert!(
        err.contains("content/notes/page.md:4:1: error: missing file `data/errors.csv`"),
        "{err}"
    );
    assert!(!site.root().join("site").exists(), "nothing was written");
    // `check` finds the same, and an image outside the content folder is refused.
    site.write("content/notes/page.md", "![Secret](../../book.toml)\n");
    let out = site.run(&["check"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/notes/page.md:1:1: error: image `../../book.toml` is outside the content folder"),
        "{err}"
    );
}

#[test]
fn an_image_without_alt_text_is_a_warning_at_its_position() {
    let site = FixtureSite::new().file(
        "content/notes/page.md",
        "# Page\n\nSee:\n\n  ![](chart.svg)\n",
    );
    site.write("content/notes/chart.svg", SVG);
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/notes/page.md:5:3: warning: image `chart.svg` has no alt text"),
        "{err}"
    );
    let doc = site.html("notes/page/index.html");
    assert_eq!(images(&doc)[0].value().attr("alt"), Some(""));
}

#[test]
fn a_top_level_index_md_is_a_page_and_says_its_folder_has_no_section() {
    let site = FixtureSite::new()
        .file(
            "content/about/index.md",
            "# About us\n\n![The team](team.png)\n",
        )
        .file("content/runbooks/index.md", "# Runbooks\n")
        .file("content/runbooks/failover.md", "# Fail over\n");
    site.write("content/about/team.png", png(4, 4));
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/runbooks/index.md:1:1: warning: `runbooks/index.md` is a page")
            && err.contains("rename it `_index.md`"),
        "{err}"
    );
    assert!(!err.contains("about/index.md"), "{err}");
    let about = site.html("about/index.html");
    assert_eq!(images(&about)[0].value().attr("src"), Some("team.png"));
    same_bytes(&site, "about/team.png", "about/team.png");
}

/// Every image of the page's content loaded, with its size known before it did.
fn assert_images_load(tab: &Tab, what: &str) {
    // Lazy images load when near the viewport: load them all now.
    tab.eval("document.querySelectorAll('main img').forEach(i => i.loading = 'eager')");
    tab.wait_until("[...document.querySelectorAll('main img')].every(i => i.complete)");
    let broken = tab.eval(
        "[...document.querySelectorAll('main img')].filter(i => !(i.naturalWidth > 0)).map(i => i.getAttribute('src'))",
    );
    assert_eq!(
        broken,
        serde_json::json!([]),
        "{what}: images that did not load"
    );
    assert_eq!(
        tab.eval("document.querySelectorAll('main img').length"),
        2,
        "{what}"
    );
    assert!(
        tab.failed_requests().is_empty(),
        "{what}: {:?}",
        tab.failed_requests()
    );
}

#[test]
fn images_load_in_a_browser_from_disk_and_under_a_sub_path() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = bundle_site();
    let out = site.build();
    let page = out.join("postmortems/checkout-2026-03/index.html");
    let tab = browser.open(&format!("file://{}", page.display()));
    assert_images_load(&tab, "from file://");

    let host = tempfile::tempdir().unwrap();
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["build", "--base-url", "/docs/kb/", "--root"])
        .arg(site.root())
        .arg("--out")
        .arg(host.path().join("docs/kb"))
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", common::stderr(&built));
    let server = common::serve(host.path());
    let tab = browser.open(&server.url("docs/kb/postmortems/checkout-2026-03/"));
    assert_images_load(&tab, "under /docs/kb/");
}
