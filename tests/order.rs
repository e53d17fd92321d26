//! Order and neighbours: `weight` (any kind) puts a page before the pages without one,
//! lowest first, ties and unweighted pages in the section's own order (title, or newest
//! first for post-mortems); the section index lists in that order and every page links to
//! its previous and next page in it. A `weight` that is not an integer is an error at its
//! position.

mod common;

use common::FixtureSite;
use common::{attrs, sel, texts};

/// `(previous href, next href)` of a page's section neighbours, `""` where there is none.
fn neighbours(site: &FixtureSite, page: &str) -> (String, String) {
    let doc = site.html(&format!("{page}index.html"));
    let one = |css: &str| attrs(&doc, css, "href").pop().unwrap_or_default();
    (
        one(".page-neighbours a[rel=prev]"),
        one(".page-neighbours a[rel=next]"),
    )
}

/// A guide section: two pages weighted 1 (a tie), one weighted 2, one weighted -3 and two
/// without a weight.
fn guide_site() -> FixtureSite {
    let page = |title: &str, weight: Option<i64>| {
        let weight = weight.map(|w| format!("weight: {w}\n")).unwrap_or_default();
        format!("---\ntitle: {title}\n{weight}---\nAbout {title}.\n")
    };
    FixtureSite::with_files(&[
        ("content/index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "content/guide/_index.md",
            "---\ntitle: The guide\n---\nRead in order.\n",
        ),
        ("content/guide/zeta.md", &page("Zeta", None)),
        ("content/guide/gamma.md", &page("Gamma", None)),
        ("content/guide/setup.md", &page("Setup", Some(2))),
        ("content/guide/beta.md", &page("Beta", Some(1))),
        ("content/guide/alpha.md", &page("Alpha", Some(1))),
        ("content/guide/intro.md", &page("Intro", Some(-3))),
    ])
}

#[test]
fn weight_orders_the_section_index_then_title_with_ties_by_title() {
    let site = guide_site();
    site.build();
    let index = site.html("guide/index.html");
    assert_eq!(
        texts(&index, ".card-list > li > a"),
        ["Intro", "Alpha", "Beta", "Setup", "Gamma", "Zeta"]
    );
}

#[test]
fn every_page_links_to_its_previous_and_next_page_in_the_section_order() {
    let site = guide_site();
    site.build();
    let chain = ["intro", "alpha", "beta", "setup", "gamma", "zeta"];
    for (i, page) in chain.iter().enumerate() {
        let href = |j: Option<usize>| {
            j.and_then(|j| chain.get(j))
                .map(|p| format!("../../guide/{p}/"))
                .unwrap_or_default()
        };
        assert_eq!(
            neighbours(&site, &format!("guide/{page}/")),
            (href(i.checked_sub(1)), href(Some(i + 1))),
            "{page}"
        );
    }
    // With the titles, and labelled by the section.
    let beta = site.html("guide/beta/index.html");
    assert_eq!(
        texts(&beta, ".page-neighbours a"),
        ["← Previous Alpha", "Next → Setup"]
    );
    assert_eq!(
        attrs(&beta, ".page-neighbours", "aria-label"),
        ["More in The guide"]
    );
    // The section index and the home page have none.
    for page in ["guide/index.html", "index.html"] {
        let doc = site.html(page);
        assert_eq!(doc.select(&sel(".page-neighbours")).count(), 0, "{page}");
    }
}

#[test]
fn post_mortems_list_newest_first_after_weighted_ones_in_catalog_and_neighbours() {
    let pm = |title: &str, date: &str, weight: &str| {
        format!(
            "---\ntitle: {title}\ndate: {date}\n{weight}timeline:\n  - at: {date}T10:00:00Z\n    event: It began.\n    marks: impact-start\n---\nWhat happened.\n"
        )
    };
    let site = FixtureSite::with_files(&[
        ("content/index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("content/postmortems/old.md", &pm("Old", "2020-03-01", "")),
        ("content/postmortems/new.md", &pm("New", "2025-03-01", "")),
        ("content/postmortems/mid.md", &pm("Mid", "2023-03-01", "")),
        (
            "content/postmortems/teaching.md",
            &pm("Teaching case", "2019-03-01", "weight: 1\n"),
        ),
    ]);
    site.build();
    let catalog = site.html("postmortems/index.html");
    assert_eq!(
        texts(&catalog, ".pm-row-title"),
        ["Teaching case", "New", "Mid", "Old"]
    );
    // Weighted, the catalog does not claim to be sorted by date.
    assert_eq!(attrs(&catalog, "th[aria-sort]", "aria-sort").len(), 0);
    assert!(
        texts(&catalog, "caption")[0].contains("in the order their weights set"),
        "{:?}",
        texts(&catalog, "caption")
    );
    assert_eq!(
        neighbours(&site, "postmortems/new/"),
        (
            "../../postmortems/teaching/".into(),
            "../../postmortems/mid/".into()
        )
    );
    assert_eq!(
        neighbours(&site, "postmortems/old/"),
        ("../../postmortems/mid/".into(), String::new())
    );

    // Without weights, newest first, as the sortable table says.
    site.write(
        "content/postmortems/teaching.md",
        pm("Teaching case", "2019-03-01", ""),
    );
    site.build();
    let catalog = site.html("postmortems/index.html");
    assert_eq!(
        texts(&catalog, ".pm-row-title"),
        ["New", "Mid", "Old", "Teaching case"]
    );
    assert_eq!(
        attrs(&catalog, "th[aria-sort]", "aria-sort"),
        ["descending"]
    );
}

#[test]
fn glossary_terms_stay_under_their_letter_and_weight_orders_within_it() {
    let term = |title: &str, weight: &str| {
        format!("---\ntitle: {title}\nsummary: About {title}.\n{weight}---\nText.\n")
    };
    let site = FixtureSite::with_files(&[
        ("content/index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("content/glossary/apdex.md", &term("Apdex", "")),
        ("content/glossary/alert.md", &term("Alert", "")),
        (
            "content/glossary/availability.md",
            &term("Availability", "weight: 1\n"),
        ),
        ("content/glossary/backoff.md", &term("Backoff", "")),
    ]);
    site.build();
    let index = site.html("glossary/index.html");
    assert_eq!(
        texts(&index, ".term-grid li > a"),
        ["Availability", "Alert", "Apdex", "Backoff"]
    );
    assert_eq!(texts(&index, ".letter-group h2"), ["A 3", "B 1"]);
    // Previous and next follow the index.
    assert_eq!(
        neighbours(&site, "glossary/apdex/"),
        (
            "../../glossary/alert/".into(),
            "../../glossary/backoff/".into()
        )
    );
}

#[test]
fn weight_is_accepted_on_every_kind() {
    let site = FixtureSite::with_files(&[
        (
            "book.toml",
            "[book]\ntitle = \"Kinds\"\n[kinds.runbook]\nfolder = \"runbooks\"\n",
        ),
        (
            "content/index.md",
            "---\ntitle: Home\nweight: 1\n---\nHi.\n",
        ),
        (
            "content/glossary/_index.md",
            "---\ntitle: Glossary\nweight: 1\n---\n",
        ),
        (
            "content/glossary/slo.md",
            "---\ntitle: SLO\nsummary: s\nweight: 1\n---\n",
        ),
        (
            "content/postmortems/x.md",
            "---\ntitle: X\nweight: 1\n---\n",
        ),
        (
            "content/scripts/x.md",
            "---\ntitle: X\nweight: 1\nroles:\n  You: The lead.\n---\n",
        ),
        ("content/guidelines/x.md", "---\ntitle: X\nweight: 1\n---\n"),
        ("content/paths/x.md", "---\ntitle: X\nweight: 1\n---\n"),
        ("content/runbooks/b.md", "---\ntitle: B\nweight: 1\n---\n"),
        ("content/runbooks/a.md", "---\ntitle: A\nweight: 2\n---\n"),
        ("content/notes/x.md", "---\ntitle: X\nweight: 0\n---\n"),
    ]);
    site.build();
    assert_eq!(
        neighbours(&site, "runbooks/b/"),
        (String::new(), "../../runbooks/a/".into())
    );
}

#[test]
fn a_weight_that_is_not_an_integer_is_an_error_at_its_position() {
    for (weight, found) in [
        ("heavy", "not the text `heavy`"),
        ("1.5", "not `1.5`"),
        ("[1]", "not a list"),
        ("\"2\"", "not the text `2` (write a number without quotes)"),
        ("9223372036854775808", "which is too large"),
    ] {
        let site = guide_site();
        site.write(
            "content/guide/beta.md",
            format!("---\ntitle: Beta\nweight: {weight}\n---\nText.\n"),
        );
        let run = site.run(&["check"]);
        let stderr = common::stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{weight}: {stderr}");
        let at =
            "content/guide/beta.md:3:9: error: `weight` must be a whole number such as 10 or -1";
        assert!(stderr.contains(at), "{weight}: missing `{at}` in\n{stderr}");
        assert!(
            stderr.contains(found),
            "{weight}: missing `{found}` in\n{stderr}"
        );
    }
    // An empty weight is no weight.
    let site = guide_site();
    site.write(
        "content/guide/beta.md",
        "---\ntitle: Beta\nweight:\n---\nText.\n",
    );
    site.build();
}

#[test]
fn a_page_on_a_learning_path_shows_the_section_neighbours_for_the_path_bar_to_hide() {
    let site = FixtureSite::with_files(&[
        ("content/index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "content/glossary/a.md",
            "---\ntitle: A\nsummary: s\n---\nText.\n",
        ),
        (
            "content/glossary/b.md",
            "---\ntitle: B\nsummary: s\n---\nText.\n",
        ),
        (
            "content/paths/start.md",
            "---\ntitle: Start\nsteps: [glossary/b, glossary/a]\n---\n",
        ),
    ]);
    site.build();
    let step = site.html("glossary/b/index.html");
    // The path bar (shown by training.js with `?path=start`, which then hides the section
    // neighbours) and the section's own previous link.
    assert_eq!(
        attrs(&step, ".path-nav .path-next", "href"),
        ["../../glossary/a/?path=start"]
    );
    assert_eq!(
        attrs(&step, ".page-neighbours a", "href"),
        ["../../glossary/a/"]
    );
    assert_eq!(step.select(&sel(".page-neighbours[hidden]")).count(), 0);
}
