//! "Last updated": in a git work tree each page shows the date of the last commit touching
//! its file, also as the sitemap's `<lastmod>`; `build.last-updated = false` turns it off.

mod common;

use std::path::Path;
use std::process::Command;

use common::FixtureSite;

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn site_with_two_commits() -> FixtureSite {
    let site = FixtureSite::with_files(&[
        (
            "book.toml",
            "[build]\nbase-url = \"https://kb.example.org/\"\n",
        ),
        ("content/index.md", "---\ntitle: Home\n---\n\nHi.\n"),
        (
            "content/glossary/slo.md",
            "---\ntitle: SLO\nsummary: A target.\n---\n\nOne.\n",
        ),
        (
            "content/glossary/sli.md",
            "---\ntitle: SLI\nsummary: A measure.\n---\n\nOne.\n",
        ),
    ]);
    let root = site.root();
    git(root, &["init", "-q"], "2026-01-05T09:00:00Z");
    git(root, &["add", "."], "2026-01-05T09:00:00Z");
    git(root, &["commit", "-qm", "first"], "2026-01-05T09:00:00Z");
    site.write(
        "content/glossary/slo.md",
        "---\ntitle: SLO\nsummary: A target.\n---\n\nTwo.\n",
    );
    git(root, &["commit", "-qam", "second"], "2026-02-20T09:00:00Z");
    site.write(
        "content/glossary/new.md",
        "---\ntitle: New\nsummary: Not committed.\n---\n\nX.\n",
    );
    site
}

fn updated(site: &FixtureSite, page: &str) -> Option<String> {
    let doc = site.html(page);
    let sel = scraper::Selector::parse(".last-updated time").unwrap();
    doc.select(&sel)
        .next()
        .map(|t| t.value().attr("datetime").unwrap().to_owned())
}

#[test]
fn each_page_shows_its_last_commit_and_the_sitemap_agrees() {
    let site = site_with_two_commits();
    site.build();
    assert_eq!(
        updated(&site, "glossary/slo/index.html").as_deref(),
        Some("2026-02-20")
    );
    assert_eq!(
        updated(&site, "glossary/sli/index.html").as_deref(),
        Some("2026-01-05")
    );
    assert_eq!(
        updated(&site, "glossary/new/index.html"),
        None,
        "never committed"
    );
    let sitemap = std::fs::read_to_string(site.root().join("site/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains(
            "<loc>https://kb.example.org/glossary/slo/</loc><lastmod>2026-02-20</lastmod>"
        ),
        "{sitemap}"
    );
}

#[test]
fn the_book_toml_key_turns_it_off() {
    let site = site_with_two_commits();
    site.write(
        "book.toml",
        "[build]\nbase-url = \"https://kb.example.org/\"\nlast-updated = false\n",
    );
    site.build();
    assert_eq!(updated(&site, "glossary/slo/index.html"), None);
    let sitemap = std::fs::read_to_string(site.root().join("site/sitemap.xml")).unwrap();
    assert!(!sitemap.contains("<lastmod>2026-02-20"), "{sitemap}");
}
