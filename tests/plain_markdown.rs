//! Plain Markdown: a file without front matter is a page of its folder's kind where the
//! kind allows it, titled by its leading `# heading` (shown once) or its file name; a
//! heading that differs from a front-matter title is a warning at its position.

mod common;

use common::FixtureSite;
use common::texts;
use scraper::Html;

/// The page's `<h1>` texts, less the self-link `#` headings carry.
fn h1s(doc: &Html) -> Vec<String> {
    texts(doc, "h1")
        .into_iter()
        .map(|t| t.trim_end_matches('#').trim().to_string())
        .collect()
}

fn title(doc: &Html) -> String {
    texts(doc, "title").remove(0)
}

#[test]
fn a_file_without_front_matter_is_titled_by_its_heading_shown_once() {
    let site = FixtureSite::new()
        .file(
            "content/notes/disk.md",
            "# Disk full on db-3\n\nThe disk filled at 03:12. See [the other](my-notes.md).\n\n## What we did\n\nCleaned up.\n",
        )
        .file("content/notes/my-notes.md", "Notes without a heading.\n")
        .file(
            "content/postmortems/plain.md",
            "Checkout outage, March\n===\n\nA post-mortem written as plain Markdown.\n",
        )
        .file(
            "content/guidelines/listen.md",
            "# Listen first\n\nLet people finish.\n",
        );
    let out = site.build();

    let disk = site.html("notes/disk/index.html");
    assert_eq!(h1s(&disk), ["Disk full on db-3"]);
    assert!(
        title(&disk).starts_with("Disk full on db-3 ·"),
        "{}",
        title(&disk)
    );
    assert!(texts(&disk, "h2").contains(&"What we did#".to_string()));
    assert!(
        common::read(&out, "notes/disk/index.html").contains("href=\"../../notes/my-notes/\""),
        "the relative .md link resolves"
    );

    let named = site.html("notes/my-notes/index.html");
    assert_eq!(h1s(&named), ["My notes"]);
    assert!(title(&named).starts_with("My notes ·"));

    assert_eq!(
        h1s(&site.html("postmortems/plain/index.html")),
        ["Checkout outage, March"]
    );
    assert_eq!(
        h1s(&site.html("guidelines/listen/index.html")),
        ["Listen first"]
    );
    // Listed under their titles.
    let notes = common::read(&out, "notes/index.html");
    assert!(notes.contains("Disk full on db-3") && notes.contains("My notes"));
}

#[test]
fn a_heading_repeating_the_title_renders_one_h1_and_warns_of_nothing() {
    let site = FixtureSite::new().file(
        "content/notes/dup.md",
        "---\ntitle: Disk full\n---\n\n# Disk full\n\nText.\n",
    );
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("warning"), "{err}");
    assert_eq!(h1s(&site.html("notes/dup/index.html")), ["Disk full"]);
}

#[test]
fn a_heading_that_differs_from_the_title_is_shown_and_warned_at_its_position() {
    let site = FixtureSite::new().file(
        "content/notes/differs.md",
        "---\ntitle: Disk full\nsummary: s\n---\n\n# Disk full on db-3, March\n\nText.\n",
    );
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/notes/differs.md:6:1: warning: the heading `Disk full on db-3, March` differs from the title `Disk full`"),
        "{err}"
    );
    // One h1: the heading; the title names the page everywhere else.
    let doc = site.html("notes/differs/index.html");
    assert_eq!(h1s(&doc), ["Disk full on db-3, March"]);
    assert!(title(&doc).starts_with("Disk full ·"), "{}", title(&doc));
}

#[test]
fn kinds_that_require_fields_still_need_front_matter() {
    let site = FixtureSite::new()
        .file(
            "book.toml",
            "[book]\ntitle = \"T\"\n\n[kinds.runbook]\nfolder = \"runbooks\"\n\n[kinds.runbook.fields]\nservice = { type = \"string\", required = true }\n",
        )
        .file("content/glossary/slo.md", "# SLO\n\nA target.\n")
        .file("content/runbooks/failover.md", "# Fail over\n\nSteps.\n");
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/glossary/slo.md:1:1: error: missing required key `summary`")
            && err.contains("this file has no front matter"),
        "{err}"
    );
    assert!(
        err.contains("content/runbooks/failover.md:1:1: error: missing required field `service`"),
        "{err}"
    );
    assert!(!site.root().join("site").exists(), "nothing was written");
}
