//! Quality gates on the built output, without a browser: every internal link and anchor
//! resolves, every page is well-formed and accessible in its markup, a content page stays
//! within its download budget, and the theme's colours meet WCAG AA in both modes. Each
//! check also runs on a deliberately broken fixture, to prove it can fail.

mod common;

use common::FixtureSite;
use common::checks::{BuiltSite, compressed_page_weight, link_problems, structure_problems};
use common::contrast::{self, Palette};

/// A content page's HTML + CSS + JS, gzip-compressed, must stay under this.
const PAGE_BUDGET_BYTES: usize = 60 * 1024;

fn bundled() -> BuiltSite {
    BuiltSite::load(common::bundled_site())
}

#[test]
fn bundled_site_links_and_anchors_resolve() {
    let site = bundled();
    assert!(
        site.pages.len() > 20,
        "only {} pages built",
        site.pages.len()
    );
    let problems = link_problems(&site);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn bundled_site_pages_are_well_formed_and_accessible() {
    let site = bundled();
    let problems = structure_problems(&site);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_bundled_page_stays_within_the_compressed_budget() {
    let site = bundled();
    let mut weights: Vec<(usize, &str)> = site
        .pages
        .keys()
        .map(|p| (compressed_page_weight(&site, p), p.as_str()))
        .collect();
    weights.sort();
    let (heaviest, page) = *weights.last().expect("no pages");
    println!("heaviest page: {page}, {heaviest} bytes compressed");
    assert!(heaviest > 1000, "weights look wrong: {weights:?}");
    assert!(
        heaviest <= PAGE_BUDGET_BYTES,
        "{page} weighs {heaviest} bytes compressed (HTML+CSS+JS), over the {PAGE_BUDGET_BYTES}-byte budget"
    );
}

#[test]
fn default_theme_colours_meet_wcag_aa_in_both_modes() {
    let css = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/static/theme.css"
    ))
    .expect("theme.css");
    let problems = contrast::theme_problems(&css);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_new_site_from_init_passes_the_output_checks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("kb");
    hindsight::scaffold::init_site(&root, None).expect("init");
    let out = dir.path().join("out");
    hindsight::pipeline::build(
        &root,
        &hindsight::pipeline::BuildOptions {
            out_dir: Some(out.clone()),
            ..Default::default()
        },
    )
    .unwrap_or_else(|d| panic!("the new site does not build:\n{d}"));
    let site = BuiltSite::load(&out);
    let problems: Vec<String> = link_problems(&site)
        .into_iter()
        .chain(structure_problems(&site))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- Each check fails on a broken fixture ------------------------------------------------

fn fixture() -> FixtureSite {
    FixtureSite::new()
        .file("content/index.md", "---\ntitle: Home\nsummary: The home page.\n---\nWelcome. See [the notes](notes/ok.md).\n")
        .file("content/notes/ok.md", "---\ntitle: Fine\nsummary: A fine page.\n---\n## Part\n\nText.\n")
}

#[test]
fn a_good_fixture_passes_every_output_check() {
    let site = fixture();
    let built = BuiltSite::load(&site.build());
    assert!(
        link_problems(&built).is_empty(),
        "{:?}",
        link_problems(&built)
    );
    assert!(
        structure_problems(&built).is_empty(),
        "{:?}",
        structure_problems(&built)
    );
}

#[test]
fn broken_links_and_anchors_are_reported() {
    // Raw HTML in Markdown bypasses the build's own link check, so the output check must
    // catch what slips through.
    let site = fixture().file(
        "content/notes/links.md",
        "---\ntitle: Links\nsummary: Broken links.\n---\n\
         <a href=\"../missing/\">gone</a> <a href=\"#nowhere\">no anchor</a>\n\
         <a href=\"../ok/#no-such-part\">no anchor there</a> <a href=\"../ok/#part\">fine</a>\n\
         <a href=\"../../../../etc/\">above</a>\n\
         <img alt=\"x\" src=\"https://cdn.example.com/x.png\">\n",
    );
    let problems = link_problems(&BuiltSite::load(&site.build()));
    let expect = [
        "notes/links/index.html: broken link `../missing/`",
        "notes/links/index.html: broken anchor `#nowhere`",
        "notes/links/index.html: broken anchor `../ok/#no-such-part`: no id `no-such-part`",
        "notes/links/index.html: broken link `../../../../etc/`: goes above the site root",
        "loads an external resource",
    ];
    for e in expect {
        assert!(
            problems.iter().any(|p| p.contains(e)),
            "missing `{e}` in:\n{}",
            problems.join("\n")
        );
    }
    assert_eq!(problems.len(), expect.len(), "{}", problems.join("\n"));
}

#[test]
fn malformed_and_inaccessible_markup_is_reported() {
    let site = fixture().file(
        "content/notes/bad.md",
        "---\ntitle: Bad\nsummary: Bad markup.\n---\n\
         <h1>A second h1</h1>\n\n<span id=\"twice\">a</span><span id=\"twice\">b</span>\n\n\
         <img src=\"../../favicon.svg\">\n\n<input type=\"text\">\n\n\
         <button type=\"button\"></button>\n\n<div aria-labelledby=\"ghost\">x</div>\n\n\
         <p>unclosed <b>bold</i></p>\n",
    );
    let problems = structure_problems(&BuiltSite::load(&site.build()));
    for e in [
        "has 2 <h1> elements",
        "duplicate id `twice`",
        "<img src=\"../../favicon.svg\"> has no alt text",
        "form control <input type=\"text\"> has no label",
        "<button> has no accessible name",
        "aria-labelledby=\"ghost\" names no element",
        "HTML parse error",
        "while closing Atom('p'",
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("notes/bad/index.html: ") && p.contains(e)),
            "missing `{e}` in:\n{}",
            problems.join("\n")
        );
    }
    assert!(
        problems.iter().all(|p| p.starts_with("notes/bad/")),
        "only the bad page has problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_theme_without_title_lang_or_description_is_reported() {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/templates/base.html"
    ))
    .expect("base.html");
    let broken: String = base
        .replace("<html lang=\"{{ site.language }}\">", "<html>")
        .lines()
        .map(|l| {
            // Pages still fill the blocks, so keep them, but inside comments.
            if l.starts_with("<title>") {
                "<!-- {% block title %}{% endblock title %} -->"
            } else if l.starts_with("<meta name=\"description\"") {
                "<!-- {% block description %}{% endblock description %} -->"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(
        broken, base,
        "the default base.html changed; update this fixture"
    );
    let site = fixture().file("templates/base.html", &broken);
    let problems = structure_problems(&BuiltSite::load(&site.build()));
    for e in [
        "index.html: has no <title> text",
        "index.html: has no lang on <html>",
        "index.html: has no meta description",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(e)),
            "missing `{e}` in:\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn an_oversized_page_breaks_the_budget() {
    // Pseudo-random words compress badly, like real prose does not; 150 KB of them is
    // far over budget even gzipped.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut body = String::new();
    while body.len() < 150_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let word: String = (0..(3 + seed % 8))
            .map(|i| (b'a' + ((seed >> (i * 5)) % 26) as u8) as char)
            .collect();
        body.push_str(&word);
        body.push(if seed.is_multiple_of(11) { '\n' } else { ' ' });
    }
    let site = fixture().file(
        "content/notes/huge.md",
        &format!("---\ntitle: Huge\nsummary: Too big.\n---\n{body}\n"),
    );
    let built = BuiltSite::load(&site.build());
    let heavy = compressed_page_weight(&built, "notes/huge/index.html");
    let light = compressed_page_weight(&built, "notes/ok/index.html");
    assert!(heavy > PAGE_BUDGET_BYTES, "huge page weighs only {heavy}");
    assert!(light < PAGE_BUDGET_BYTES, "small page weighs {light}");
    // CSS and JS count too: the small page weighs more than its HTML alone.
    let html_only =
        common::checks::gzip_len(common::read(&built.root, "notes/ok/index.html").as_bytes());
    assert!(
        light > html_only,
        "{light} <= {html_only}: assets were not counted"
    );
}

#[test]
fn low_contrast_theme_colours_are_reported() {
    let css = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/static/theme.css"
    ))
    .expect("theme.css");
    let light = Palette::parse(&css, ":root").expect("light palette");
    // Pale grey muted text on white, in the light palette only.
    let broken = css.replacen(
        &format!(
            "--fg-muted: {};",
            light.get("--fg-muted").unwrap_or_default()
        ),
        "--fg-muted: #aaaaaa;",
        1,
    );
    assert_ne!(broken, css, "could not break theme.css");
    let problems = contrast::theme_problems(&broken);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("light: --fg-muted on --bg")),
        "{}",
        problems.join("\n")
    );
    assert!(
        problems.iter().all(|p| p.starts_with("light:")),
        "{}",
        problems.join("\n")
    );
}
