//! Tags: every tag a page shows links to `tags/<slug>/`, which lists the tagged pages of
//! every kind grouped by kind; `tags/` lists every tag with its count; both are in the
//! sitemap and linked from the footer; search files pages under the same slugs and lists no
//! tag page. Spellings that slugify alike are one tag, with a warning at each other
//! spelling; a tag without a word is an error at its position; a site without tags writes
//! no tag pages.

mod common;

use common::FixtureSite;
use common::checks::{BuiltSite, link_problems};
use common::{attrs, sel, texts};

/// A site with tagged pages of four kinds, one of them two folders deep.
fn tagged_site() -> FixtureSite {
    FixtureSite::with_files(&[
        ("book.toml", "[book]\ntitle = \"Tagged\"\n"),
        ("content/index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "content/glossary/slo.md",
            "---\ntitle: SLO\nsummary: A target for a service level.\ntags: [reliability, On-call]\n---\nText.\n",
        ),
        (
            "content/glossary/sli.md",
            "---\ntitle: SLI\nsummary: A measure of a service level.\ntags: [reliability]\n---\nText.\n",
        ),
        (
            "content/postmortems/db.md",
            "---\ntitle: Database failover\ndate: 2026-01-05\nsummary: The replica fell behind.\ntags:\n  - on-call\n  - databases\n---\nText.\n",
        ),
        (
            "content/scripts/drill.md",
            "---\ntitle: Pager drill\ntags: [on-call]\nroles:\n  You: The engineer on call.\n---\nText.\n",
        ),
        (
            "content/notes/deep/handover.md",
            "---\ntitle: Handover notes\nsummary: What the next shift needs.\ntags: [on-call, reliability]\n---\nText.\n",
        ),
        (
            "content/notes/plain.md",
            "---\ntitle: Untagged\n---\nText.\n",
        ),
    ])
}

#[test]
fn tag_links_lead_to_tag_pages_from_any_depth() {
    let site = tagged_site();
    let out = site.build();
    let term = site.html("glossary/slo/index.html");
    assert_eq!(
        texts(&term, ".page-header .tags a"),
        ["reliability", "on-call"]
    );
    assert_eq!(
        attrs(&term, ".page-header .tags a", "href"),
        ["../../tags/reliability/", "../../tags/on-call/"]
    );
    let deep = site.html("notes/deep/handover/index.html");
    assert_eq!(
        attrs(&deep, ".page-header .tags a", "href"),
        ["../../../tags/on-call/", "../../../tags/reliability/"]
    );
    let pm = site.html("postmortems/db/index.html");
    assert_eq!(
        attrs(&pm, ".page-header .tags a", "href"),
        ["../../tags/on-call/", "../../tags/databases/"]
    );
    // Every link of the site resolves to a file, as it must from `file://`.
    let problems = link_problems(&BuiltSite::load(&out));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The footer of every page leads to the tags index.
    for page in [
        "index.html",
        "glossary/index.html",
        "tags/on-call/index.html",
    ] {
        let doc = site.html(page);
        let depth = page.matches('/').count();
        assert_eq!(
            attrs(&doc, ".site-footer a", "href"),
            [format!("{}tags/", "../".repeat(depth))],
            "{page}"
        );
    }
}

#[test]
fn a_tag_page_lists_its_pages_grouped_by_kind() {
    let site = tagged_site();
    site.build();
    let tag = site.html("tags/on-call/index.html");
    assert_eq!(texts(&tag, "h1"), ["on-call"]);
    assert_eq!(
        texts(&tag, ".lead"),
        ["4 pages tagged “on-call”: 1 term, 1 post-mortem, 1 script and 1 page."]
    );
    assert_eq!(
        texts(&tag, ".tag-group h2"),
        ["Terms 1", "Post-mortems 1", "Scripts 1", "Pages 1"]
    );
    assert_eq!(
        texts(&tag, ".tag-group li > a"),
        ["SLO", "Database failover", "Pager drill", "Handover notes"]
    );
    assert_eq!(
        attrs(&tag, ".tag-group li > a", "href"),
        [
            "../../glossary/slo/",
            "../../postmortems/db/",
            "../../scripts/drill/",
            "../../notes/deep/handover/"
        ]
    );
    // Each page with its short description where it has one.
    assert_eq!(
        texts(&tag, ".tag-group li > p"),
        [
            "A target for a service level.",
            "The replica fell behind.",
            "What the next shift needs."
        ]
    );
    assert_eq!(attrs(&tag, ".tag-group time", "datetime"), ["2026-01-05"]);
    assert_eq!(attrs(&tag, ".tag-all a", "href"), ["../../tags/"]);
    assert_eq!(texts(&tag, "title"), ["Tag: on-call · Tagged"]);

    // One kind: the summary names it rather than "pages".
    let one = site.html("tags/databases/index.html");
    assert_eq!(texts(&one, ".lead"), ["1 post-mortem tagged “databases”."]);
}

#[test]
fn the_tags_index_lists_every_tag_by_name_with_its_count() {
    let site = tagged_site();
    site.build();
    let index = site.html("tags/index.html");
    assert_eq!(texts(&index, "h1"), ["Tags"]);
    assert_eq!(
        texts(&index, ".tag-index a"),
        [
            "databases (1 page)",
            "on-call (4 pages)",
            "reliability (3 pages)"
        ]
    );
    assert_eq!(
        texts(&index, ".tag-index .tag-count"),
        ["(1 page)", "(4 pages)", "(3 pages)"]
    );
    assert_eq!(
        attrs(&index, ".tag-index a", "href"),
        [
            "../tags/databases/",
            "../tags/on-call/",
            "../tags/reliability/"
        ]
    );
    // The most used tag is the largest; a tag on one page the smallest.
    assert_eq!(
        attrs(&index, ".tag-index li", "class"),
        ["tag-size-1", "tag-size-4", "tag-size-3"]
    );
}

#[test]
fn tag_pages_are_in_the_sitemap_with_full_urls_under_a_sub_path() {
    let site = tagged_site();
    site.write(
        "book.toml",
        "[book]\ntitle = \"Tagged\"\n[build]\nbase-url = \"https://kb.example.org/docs/\"\n",
    );
    site.build();
    let sitemap = std::fs::read_to_string(site.root().join("site/sitemap.xml")).unwrap();
    for url in [
        "tags/",
        "tags/on-call/",
        "tags/databases/",
        "tags/reliability/",
    ] {
        assert!(
            sitemap.contains(&format!(
                "<url><loc>https://kb.example.org/docs/{url}</loc></url>"
            )),
            "{url} missing from\n{sitemap}"
        );
    }
    // Links stay relative, so the site works under the sub-path and from disk.
    let term = site.html("glossary/slo/index.html");
    assert_eq!(
        attrs(&term, ".page-header .tags a", "href"),
        ["../../tags/reliability/", "../../tags/on-call/"]
    );
}

/// The search index manifest's facets, as `[name, value, label, count]`.
fn search_facets(out: &std::path::Path) -> Vec<serde_json::Value> {
    let text = common::read(out, "search/index.js");
    let json = text
        .trim()
        .strip_prefix("window.__hindsightSearch.manifest(0,")
        .and_then(|t| t.strip_suffix(");"))
        .expect("manifest call");
    let manifest: serde_json::Value = serde_json::from_str(json).unwrap();
    manifest["facets"].as_array().unwrap().clone()
}

#[test]
fn search_files_pages_under_tag_slugs_and_lists_no_tag_page() {
    let site = tagged_site();
    site.write(
        "content/guidelines/pager.md",
        "---\ntitle: Pager etiquette\ntags: [On call]\n---\nText.\n",
    );
    let out = site.build();
    let tags: Vec<(String, String, u64)> = search_facets(&out)
        .into_iter()
        .filter(|f| f[0] == "tag")
        .map(|f| {
            (
                f[1].as_str().unwrap().into(),
                f[2].as_str().unwrap().into(),
                f[3].as_u64().unwrap(),
            )
        })
        .collect();
    // `On-call`, `on-call` and `On call` share one tag page and one filter, shown as most
    // pages write it. (The home page and sections are not searched.)
    assert_eq!(
        tags,
        [
            ("databases".into(), "databases".into(), 1),
            ("on-call".into(), "on-call".into(), 5),
            ("reliability".into(), "reliability".into(), 3)
        ]
    );
    let docs: String = std::fs::read_dir(out.join("search/d"))
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    assert!(
        docs.contains("\"u\":\"glossary/slo/\""),
        "documents not found"
    );
    assert!(
        !docs.contains("\"u\":\"tags/"),
        "a tag page is a search result"
    );
}

#[test]
fn spellings_that_slugify_alike_are_one_tag_with_a_warning_at_each_other_spelling() {
    let site = tagged_site();
    site.write(
        "content/guidelines/pager.md",
        "---\ntitle: Pager etiquette\ntags: [ops, On call]\n---\nText.\n",
    );
    let run = site.run(&["build"]);
    let stderr = common::stderr(&run);
    assert!(run.status.success(), "{stderr}");
    // `On-call` (glossary/slo.md) and `On call` are the other spellings of `on-call`.
    for at in [
        "content/glossary/slo.md:4:21: warning: the tag `On-call` is listed as `on-call`",
        "content/guidelines/pager.md:3:13: warning: the tag `On call` is listed as `on-call`",
    ] {
        assert!(stderr.contains(at), "missing `{at}` in:\n{stderr}");
    }
    assert!(stderr.contains("both are tags/on-call/"), "{stderr}");
    let index = site.html("tags/index.html");
    assert_eq!(
        texts(&index, ".tag-index a"),
        [
            "databases (1 page)",
            "on-call (5 pages)",
            "ops (1 page)",
            "reliability (3 pages)"
        ]
    );
    // The glossary's tag filter files terms under the same slugs and names.
    let glossary = site.html("glossary/index.html");
    assert_eq!(
        attrs(&glossary, ".glossary-tag", "data-tag"),
        ["reliability", "on-call"]
    );
    assert_eq!(
        texts(&glossary, ".glossary-tag"),
        ["reliability 2", "on-call 1"]
    );
    assert_eq!(
        attrs(&glossary, ".term-grid li", "data-tags"),
        ["reliability", "reliability|on-call"]
    );
    let guideline = site.html("guidelines/pager/index.html");
    assert_eq!(
        texts(&guideline, ".page-header .tags a"),
        ["ops", "on-call"]
    );
    assert_eq!(
        attrs(&guideline, ".page-header .tags a", "href"),
        ["../../tags/ops/", "../../tags/on-call/"]
    );
}

#[test]
fn a_tag_without_a_word_is_an_error_at_its_position() {
    let site = tagged_site();
    site.write(
        "content/notes/plain.md",
        "---\ntitle: Untagged\ntags:\n  - fine\n  - \"???\"\n---\nText.\n",
    );
    let run = site.run(&["check"]);
    let stderr = common::stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/notes/plain.md:5:6: error: the tag `???` has no letter or digit"),
        "{stderr}"
    );
}

#[test]
fn a_page_at_the_tag_pages_address_is_refused_when_there_are_tags() {
    let site = tagged_site();
    site.write("content/tags/mine.md", "---\ntitle: Mine\n---\nText.\n");
    let run = site.run(&["check"]);
    let stderr = common::stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "content/tags/mine.md:1:1: error: this page's address `tags/mine/` is under `tags/`"
        ),
        "{stderr}"
    );
}

#[test]
fn a_site_without_tags_writes_no_tag_pages() {
    let site = FixtureSite::with_files(&[
        ("content/index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "content/glossary/slo.md",
            "---\ntitle: SLO\nsummary: A target.\n---\nText.\n",
        ),
    ]);
    let out = site.build();
    assert!(!out.join("tags").exists());
    let term = site.html("glossary/slo/index.html");
    assert_eq!(term.select(&sel(".tags")).count(), 0);
    assert_eq!(term.select(&sel(".site-footer a")).count(), 0);
    let sitemap = common::read(&out, "sitemap.xml");
    assert!(!sitemap.contains("tags/"), "{sitemap}");
    assert!(search_facets(&out).iter().all(|f| f[0] != "tag"));

    // Without tags, `tags/` is an address like any other.
    site.write("content/tags/mine.md", "---\ntitle: Mine\n---\nText.\n");
    site.build();
    let section = site.html("tags/index.html");
    assert_eq!(section.select(&sel(".tag-index")).count(), 0);
    assert_eq!(texts(&section, ".card-list a"), ["Mine"]);
}
