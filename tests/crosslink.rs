//! Cross-linking, end to end: fixture sites built through the binary, with assertions on
//! automatic term links (where they go and where they never go), wikilinks, tooltips,
//! backlinks, related terms, and each link error with its position.

mod common;

use common::{FixtureSite, stderr, widely_mentioned_term};

use scraper::{ElementRef, Html, Selector};

fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text_of(e: &ElementRef<'_>) -> String {
    e.text().collect()
}

/// (link text, href) of every term link in the page body.
fn term_links(doc: &Html) -> Vec<(String, String)> {
    select(doc, ".prose a.t")
        .iter()
        .map(|a| (text_of(a), a.value().attr("href").unwrap_or("").to_string()))
        .collect()
}

fn links_to(doc: &Html, slug: &str) -> usize {
    let href = format!("../../glossary/{slug}/");
    term_links(doc).iter().filter(|(_, h)| *h == href).count()
}

/// 1-based line and column of the first `needle` in `text`, as an editor shows it.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in fixture"));
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

const BLAST: &str = "---\ntitle: Blast Radius\nsummary: How far an incident's impact reaches.\naliases: [impact radius]\nrelated: [runbook]\n---\n\nAn outage's blast radius is its reach. A runbook can shrink it.\n";
const RUNBOOK: &str = "---\ntitle: Runbook\nsummary: A written procedure for one kind of incident.\n---\n\n## When to write one\n\nAfter the second page for the same alert.\n";
const MTTR: &str = "---\ntitle: MTTR\nsummary: Mean time from the start of an incident to its resolution.\naliases: [Mean Time To Resolution]\n---\n\nAverage over incidents.\n";
const RESOLUTION: &str = "---\ntitle: Resolution\nsummary: The point where users are no longer affected.\n---\n\nText.\n";
const SLO: &str = "---\ntitle: SLO\nsummary: A target for a service level indicator.\n---\n\nAn SLO is a target; this SLO page does not link to itself.\n";
const UBER: &str = "---\ntitle: Überwachung\nsummary: Monitoring, in German.\n---\n\nText.\n";
const POLICY: &str =
    "---\ntitle: Retry Policy\nsummary: When and how often to retry.\n---\n\nText.\n";

const MATCHING: &str = "---\ntitle: Matching\n---\n\nThe BLAST RADIUS was wide. Our Mean Time To Resolution fell, and resolution matters.\nTwo runbooks helped; the SLO's owner agreed. ÜBERWACHUNG ran, Überwachungssystem did not.\nRetry policies apply. The impact radius, and the blast radius again.\n";

const POSITIONS: &str = "---\ntitle: Positions\n---\n\n## SLO targets\n\nInline `SLO` code, [an SLO link](https://example.com/x), ![SLO alt](https://example.com/x.png) and <kbd>SLO</kbd>.\n\n```text\nSLO in a block\n```\n\n<div>\nSLO in an HTML block\n</div>\n\n> Quoted: a runbook here is fine.\n";

const MERGED: &str = "---\ntitle: Merged\n---\n\n\"Runbook\" in smart quotes; Mean&nbsp;Time To Resolution across an entity; the\nimpact\nradius across line breaks.\n";

const OPT_OUT: &str =
    "---\ntitle: Opt out\nautolink: false\n---\n\nA runbook and an SLO, but no automatic links.\n";

const WIKILINKS: &str = "---\ntitle: Wikilinks\n---\n\n## Local\n\nBy title [[Blast Radius]], by slug with text [[blast-radius|the blast radius]], by alias [[impact radius]], with an anchor [[runbook#when-to-write-one]], to any kind [[postmortems/matching]], to a heading here [[#local]], and relative [the procedure](../glossary/runbook.md#when-to-write-one).\n";

fn site(autolink: Option<&str>) -> FixtureSite {
    let config = match autolink {
        Some(mode) => format!("[book]\ntitle = \"KB\"\n\n[glossary]\nautolink = \"{mode}\"\n"),
        None => "[book]\ntitle = \"KB\"\n".to_string(),
    };
    let f = FixtureSite::with_files(&[
        ("content/glossary/blast-radius.md", BLAST),
        ("content/glossary/runbook.md", RUNBOOK),
        ("content/glossary/mttr.md", MTTR),
        ("content/glossary/resolution.md", RESOLUTION),
        ("content/glossary/slo.md", SLO),
        ("content/glossary/uberwachung.md", UBER),
        ("content/glossary/retry-policy.md", POLICY),
        ("content/postmortems/matching.md", MATCHING),
        ("content/postmortems/positions.md", POSITIONS),
        ("content/postmortems/merged.md", MERGED),
        ("content/postmortems/opt-out.md", OPT_OUT),
        ("content/guidelines/wikilinks.md", WIKILINKS),
    ]);
    f.write("book.toml", &config);
    f
}

#[test]
fn terms_linked_by_case_plural_possessive_unicode_and_longest_match() {
    let f = site(None);
    f.build();
    let doc = f.html("postmortems/matching/index.html");
    let links = term_links(&doc);
    let expect = [
        ("BLAST RADIUS", "blast-radius"),
        ("Mean Time To Resolution", "mttr"),
        ("resolution", "resolution"),
        ("runbooks", "runbook"),
        ("SLO\u{2019}s", "slo"),
        ("ÜBERWACHUNG", "uberwachung"),
        ("Retry policies", "retry-policy"),
    ];
    let want: Vec<(String, String)> = expect
        .iter()
        .map(|(t, s)| (t.to_string(), format!("../../glossary/{s}/")))
        .collect();
    assert_eq!(links, want);
}

#[test]
fn autolink_modes_first_all_off() {
    // The Blast Radius term is mentioned three times on the page (twice by title, once by alias).
    for (mode, blast, total) in [(None, 1, 7), (Some("first"), 1, 7), (Some("all"), 3, 9)] {
        let f = site(mode);
        f.build();
        let doc = f.html("postmortems/matching/index.html");
        assert_eq!(links_to(&doc, "blast-radius"), blast, "mode {mode:?}");
        assert_eq!(term_links(&doc).len(), total, "mode {mode:?}");
    }
    let f = site(Some("off"));
    f.build();
    assert!(term_links(&f.html("postmortems/matching/index.html")).is_empty());
    // Written links to terms still work and keep their tooltip when autolinking is off.
    let wiki = f.html("guidelines/wikilinks/index.html");
    assert_eq!(links_to(&wiki, "blast-radius"), 3);
}

#[test]
fn never_linked_in_code_links_headings_alt_raw_html_or_own_page() {
    let f = site(Some("all"));
    f.build();
    let doc = f.html("postmortems/positions/index.html");
    assert_eq!(
        term_links(&doc),
        [("runbook".to_string(), "../../glossary/runbook/".to_string())],
        "only the quoted prose mention is linked"
    );
    assert_eq!(select(&doc, ".prose h2 a.t").len(), 0);
    assert_eq!(select(&doc, ".prose a a").len(), 0, "no link inside a link");
    assert_eq!(
        select(&doc, ".prose img")[0].value().attr("alt"),
        Some("SLO alt")
    );
    let own = f.html("glossary/slo/index.html");
    assert_eq!(links_to(&own, "slo"), 0);
    let opt_out = f.html("postmortems/opt-out/index.html");
    assert!(term_links(&opt_out).is_empty());
}

#[test]
fn text_split_by_smart_quotes_entities_and_line_breaks_is_merged() {
    let f = site(None);
    f.build();
    let doc = f.html("postmortems/merged/index.html");
    let slugs: Vec<String> = term_links(&doc).into_iter().map(|(_, h)| h).collect();
    assert_eq!(
        slugs,
        [
            "../../glossary/runbook/",
            "../../glossary/mttr/",
            "../../glossary/blast-radius/"
        ]
    );
    let texts: Vec<String> = term_links(&doc).into_iter().map(|(t, _)| t).collect();
    assert_eq!(texts[1], "Mean\u{a0}Time To Resolution");
    assert_eq!(texts[2], "impact\nradius");
}

#[test]
fn wikilinks_of_each_form_and_relative_links() {
    let f = site(None);
    f.build();
    let doc = f.html("guidelines/wikilinks/index.html");
    let hrefs: Vec<(String, String)> = select(&doc, ".prose p a")
        .iter()
        .map(|a| (text_of(a), a.value().attr("href").unwrap().to_string()))
        .collect();
    let want = [
        ("Blast Radius", "../../glossary/blast-radius/"),
        ("the blast radius", "../../glossary/blast-radius/"),
        ("impact radius", "../../glossary/blast-radius/"),
        (
            "runbook#when-to-write-one",
            "../../glossary/runbook/#when-to-write-one",
        ),
        // Written by path, shown by title.
        ("Matching", "../../postmortems/matching/"),
        ("#local", "#local"),
        ("the procedure", "../../glossary/runbook/#when-to-write-one"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(t, h)| (t.to_string(), h.to_string()))
        .collect();
    assert_eq!(hrefs, want);
}

#[test]
fn every_term_link_has_its_summary_as_tooltip() {
    let f = site(None);
    f.build();
    let tips_css = std::fs::read_to_string(f.root().join("site/term-tips.css")).unwrap();
    let sources = [
        ("blast-radius", BLAST),
        ("runbook", RUNBOOK),
        ("mttr", MTTR),
        ("resolution", RESOLUTION),
        ("slo", SLO),
        ("uberwachung", UBER),
        ("retry-policy", POLICY),
    ];
    for page in [
        "postmortems/matching/index.html",
        "guidelines/wikilinks/index.html",
    ] {
        let doc = f.html(page);
        let links = select(&doc, "a.t");
        assert!(!links.is_empty());
        assert!(select(&doc, ".term-tip, [role=tooltip]").is_empty());
        for a in links {
            // A term link is the bare link: its tooltip is generated content (terms.css).
            assert_eq!(a.value().attrs().count(), 2, "{page}: {:?}", a.value());
            let href = a.value().attr("href").unwrap();
            let slug = href.trim_start_matches("../../glossary/");
            let slug = slug.split(['/', '#']).next().unwrap();
            let (_, src) = sources.iter().find(|(s, _)| *s == slug).unwrap();
            let summary = src
                .lines()
                .find_map(|l| l.strip_prefix("summary: "))
                .unwrap();
            let title = src.lines().find_map(|l| l.strip_prefix("title: ")).unwrap();
            // The site's one stylesheet of definitions gives the links to a term its name
            // and summary, selected by address (which may end in an anchor).
            let rule = format!(
                ".t[href*=\"glossary/{slug}/\"]{{--term-name:\"{title}\";--term-summary:\"{summary}\"}}"
            );
            assert!(
                tips_css.lines().any(|l| l == rule),
                "{page} {href}: no {rule}"
            );
        }
    }
    let base = f.html("postmortems/matching/index.html");
    assert!(
        select(&base, "link[rel=stylesheet]")
            .iter()
            .any(|l| l.value().attr("href") == Some("../../terms.css"))
    );
    // Linked with its version, so no browser pairs new pages with a cached old stylesheet.
    let tips_link = select(&base, "body > link[rel=stylesheet]")
        .iter()
        .filter_map(|l| l.value().attr("href"))
        .find(|h| h.starts_with("../../term-tips.css?v="))
        .map(str::to_string);
    let version = tips_link
        .expect("a versioned term-tips.css link")
        .split_off(22);
    assert_eq!(version.len(), 8, "{version}");
    assert!(f.root().join("site/terms.css").is_file());
    assert!(f.root().join("site/terms.js").is_file());
}

#[test]
fn backlinks_count_automatic_and_written_links_by_kind() {
    let f = site(None);
    f.build();
    let doc = f.html("glossary/blast-radius/index.html");
    // Linking here: matching, merged (automatic, post-mortems), wikilinks (guideline).
    assert_eq!(
        select(&doc, "#backlinks-title")
            .first()
            .map(text_of)
            .as_deref(),
        Some("Mentioned in 2 post-mortems, 1 guideline")
    );
    // Automatic links from three post-mortems, a written one from a guideline; the page that
    // opted out of autolinking does not count, nor does the term Blast Radius, which links
    // here but is listed once, among the related terms.
    let runbook = f.html("glossary/runbook/index.html");
    assert_eq!(
        select(&runbook, "#backlinks-title")
            .first()
            .map(text_of)
            .as_deref(),
        Some("Mentioned in 3 post-mortems, 1 guideline")
    );
}

/// Decodes `data-more`: gaps in the 64-letter alphabet of `src/varint.rs`.
fn places(letters: &str) -> Vec<usize> {
    let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    let (mut out, mut next, mut value, mut shift) = (Vec::new(), 0, 0, 0);
    for c in letters.chars() {
        let v = alphabet.find(c).expect("a letter of the alphabet");
        value += (v & 31) << shift;
        shift += 5;
        if v < 32 {
            next += value;
            out.push(next);
            next += 1;
            (value, shift) = (0, 0);
        }
    }
    out
}

#[test]
fn a_long_backlink_list_names_its_first_pages_and_points_at_the_rest_in_the_page_list() {
    let f = widely_mentioned_term(70);
    f.build();
    let doc = f.html("glossary/runbook/index.html");
    let shown: Vec<String> = select(&doc, ".backlinks .card-list li > a")
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(shown.len(), 8);
    assert_eq!(shown[0], "Outage 000");
    let named: Vec<String> = select(&doc, ".backlinks-more li > a")
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(named.len(), 20);
    assert_eq!(named[0], "Outage 008");
    assert_eq!(named[19], "Outage 027");
    let details = select(&doc, "details.backlinks-more");
    let more = details[0].value().attr("data-more").expect("data-more");
    assert_eq!(
        details[0].value().attr("data-pages"),
        Some("../../page-list.js")
    );
    assert_eq!(
        select(&doc, ".backlinks-later")
            .first()
            .map(text_of)
            .as_deref(),
        Some("42 more are listed with JavaScript on.")
    );
    // The places are in the site's page list, in title order: the 42 pages not named.
    let script = std::fs::read_to_string(f.root().join("site/page-list.js")).unwrap();
    let json = script
        .strip_prefix("window.__hindsightPages=")
        .and_then(|s| s.trim_end().strip_suffix(';'))
        .expect("the page list's global");
    let list: Vec<(String, String)> = serde_json::from_str(json).unwrap();
    let rest: Vec<&str> = places(more)
        .into_iter()
        .map(|n| list[n].1.as_str())
        .collect();
    let want: Vec<String> = (28..70).map(|n| format!("Outage {n:03}")).collect();
    assert_eq!(rest, want);
    assert!(list.iter().any(|(url, _)| url == "postmortems/outage-069/"));
    // A short list needs no page list at all.
    let short = widely_mentioned_term(25);
    short.build();
    assert!(!short.root().join("site/page-list.js").exists());
    let doc = short.html("glossary/runbook/index.html");
    assert_eq!(select(&doc, ".backlinks-more li").len(), 17);
    assert!(select(&doc, "[data-more]").is_empty());
}

#[test]
fn related_terms_show_on_both_ends_and_terms_used_is_listed() {
    let f = site(None);
    f.build();
    let related = |slug: &str| {
        let doc = f.html(&format!("glossary/{slug}/index.html"));
        select(&doc, ".related li > a")
            .iter()
            .map(text_of)
            .collect::<Vec<_>>()
    };
    assert_eq!(related("blast-radius"), ["Runbook"]);
    assert_eq!(related("runbook"), ["Blast Radius"]);
    // A theme shows `page.terms_used` its own way; here, a site-level template override.
    f.write(
        "templates/page_footer.html",
        "<ul class=\"used\">{% for t in page.terms_used %}<li><a href=\"{{ root }}{{ t.url }}\" title=\"{{ t.summary }}\">{{ t.title }}</a></li>{% endfor %}</ul>",
    );
    f.build();
    let doc = f.html("postmortems/matching/index.html");
    let used: Vec<String> = select(&doc, ".used li a").iter().map(text_of).collect();
    assert_eq!(
        used,
        [
            "Blast Radius",
            "MTTR",
            "Resolution",
            "Retry Policy",
            "Runbook",
            "SLO",
            "Überwachung"
        ]
    );
    let mttr = select(&doc, ".used li a")[1];
    assert_eq!(mttr.value().attr("href"), Some("../../glossary/mttr/"));
    assert_eq!(
        mttr.value().attr("title"),
        MTTR.lines().find_map(|l| l.strip_prefix("summary: "))
    );
}

const ERRORS: &str = "---\ntitle: Errors\n---\n\n## Steps\n\nSee [[Blast Radios]] and [gone](../glossary/nope.md).\nAn anchor [[runbook#nowhere]] and [[DB]] and [web](http//example.com).\n";
const TOIL: &str =
    "---\ntitle: Toil\nsummary: Manual, repetitive work.\nrelated: [runbok]\n---\n\nText.\n";

/// Adds one page with each kind of link error, and a term with an unknown related slug.
fn break_links(f: &FixtureSite) {
    f.write("content/postmortems/errors.md", ERRORS);
    f.write(
        "content/postmortems/db.md",
        "---\ntitle: DB\n---\n\nText.\n",
    );
    f.write("content/guidelines/db.md", "---\ntitle: DB\n---\n\nText.\n");
    f.write("content/glossary/toil.md", TOIL);
}

#[test]
fn each_link_error_with_line_column_and_suggestion_all_at_once() {
    let f = site(None);
    f.build();
    let old_page = std::fs::read(f.root().join("site/postmortems/matching/index.html")).unwrap();
    break_links(&f);
    let out = f.run(&["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    let at = |needle: &str| {
        let (l, c) = position(ERRORS, needle);
        format!("content/postmortems/errors.md:{l}:{c}: error: ")
    };
    let (l, c) = position(TOIL, "runbok");
    let expected = [
        format!(
            "{}unresolved wikilink `Blast Radios`; did you mean `blast radius`?",
            at("[[Blast Radios]]")
        ),
        format!(
            "{}link to a missing page `../glossary/nope.md`",
            at("[gone]")
        ),
        format!(
            "{}missing anchor `#nowhere` on content/glossary/runbook.md",
            at("[[runbook#nowhere]]")
        ),
        format!("{}ambiguous wikilink `DB`", at("[[DB]]")),
        format!(
            "{}malformed URL `http//example.com`: `:` is missing after `http`",
            at("[web]")
        ),
        format!(
            "content/glossary/toil.md:{l}:{c}: error: unknown related term `runbok`; did you mean `runbook`?"
        ),
        "6 errors".to_string(),
    ];
    for e in &expected {
        assert!(err.contains(e.as_str()), "missing {e:?} in:\n{err}");
    }
    // The old site stays when the build fails.
    assert_eq!(
        std::fs::read(f.root().join("site/postmortems/matching/index.html")).unwrap(),
        old_page
    );
    assert!(!f.root().join("site/postmortems/errors").exists());
    // --warn-links turns every one of them into a warning and the build succeeds.
    let out = f.run(&["build", "--warn-links"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: unresolved wikilink `Blast Radios`"),
        "{err}"
    );
    assert!(
        err.contains("warning: unknown related term `runbok`"),
        "{err}"
    );
    assert!(
        f.root()
            .join("site/postmortems/errors/index.html")
            .is_file()
    );
}

#[test]
fn two_terms_claiming_one_alias_is_an_error_naming_both_files() {
    let f = site(None);
    let zone = "---\ntitle: Blast Zone\nsummary: s\naliases: [Impact Radius]\n---\n\nText.\n";
    f.write("content/glossary/blast-zone.md", zone);
    let out = f.run(&["check"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    let (l, c) = position(zone, "Impact Radius");
    let want = format!(
        "content/glossary/blast-zone.md:{l}:{c}: error: `Impact Radius` is an alias of content/glossary/blast-zone.md and an alias of content/glossary/blast-radius.md"
    );
    assert!(err.contains(&want), "missing {want:?} in:\n{err}");
}
