//! The default theme at every width, in a real browser (tests/common/browser.rs): at 320 to
//! 1,920 px, light and dark, on the bundled site, a fresh `hindsight init` site and a
//! glossary of 1,000 terms under a 40-character title. No page scrolls sideways; from
//! 1,024 px the header is one row (≤ 72 px) and every inline section link is visible; on a
//! phone the header names the current section; at 390 px no visible text in the main
//! content or in a chart is under 11 px (SVG text measured at its rendered size); no two
//! chart labels overlap. Each check also runs on a page made to fail it.
//!
//! One browser and one tab per site; each page loads once per width and is checked in
//! both colour schemes.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::FixtureSite;
use common::browser::{Browser, Tab};

const WIDTHS: &[u32] = &[320, 390, 768, 1024, 1280, 1440, 1920];
/// The width at which text sizes are checked: a common phone.
const PHONE: u32 = 390;

/// The layout problems of the page shown in `tab` (empty when there are none).
fn layout_problems(tab: &Tab) -> Vec<String> {
    strings(&tab.eval(
        r#"(() => {
      const out = [];
      const w = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth > w) {
        const wide = Array.from(document.querySelectorAll('body *')).filter(e =>
          e.getBoundingClientRect().right > w + 1 && !e.parentElement.closest('pre, .table-wrap'));
        out.push('scrolls sideways (' + document.documentElement.scrollWidth + ' > ' + w + '): ' +
          wide.slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + String(e.className.baseVal ?? e.className)).join(', '));
      }
      const header = document.querySelector('.site-header').getBoundingClientRect();
      if (w >= 1024 && header.height > 72) out.push('header is ' + header.height + ' px tall');
      const nav = document.querySelector('.site-nav');
      if (getComputedStyle(nav).display !== 'none') {
        const tools = document.querySelector('.header-tools').getBoundingClientRect();
        const links = Array.from(nav.querySelectorAll('a'));
        const cut = links.filter(a => { const r = a.getBoundingClientRect();
          return r.width === 0 || r.right > tools.left + 1 || r.top > header.bottom; });
        if (cut.length) out.push('section links hidden or overlapping the tools: ' + cut.map(a => a.textContent).join(', '));
      } else {
        const summary = document.querySelector('.nav-menu summary').getBoundingClientRect();
        if (summary.width === 0 || summary.right > w) out.push('the section menu is not visible');
      }
      const current = document.querySelector('.site-nav a[aria-current]');
      if (current) {
        const shown = getComputedStyle(nav).display !== 'none'
          ? current.getBoundingClientRect().width > 0
          : document.querySelector('.nav-current').textContent === current.textContent &&
            document.querySelector('.nav-current').getBoundingClientRect().width > 0;
        if (!shown) out.push('the current section (' + current.textContent + ') is not shown');
      }
      return out; })()"#,
    ))
}

/// Visible text in the main content or a chart drawn smaller than 11 px.
fn small_text(tab: &Tab) -> Vec<String> {
    strings(&tab.eval(
        r#"(() => {
      const out = [];
      const hidden = e => { for (let x = e; x; x = x.parentElement) {
          const s = getComputedStyle(x);
          if (s.visibility === 'hidden' || s.display === 'none') return true;
          if (s.clip === 'rect(0px, 0px, 0px, 0px)' || (s.position === 'absolute' && x.clientWidth <= 1 && s.overflow === 'hidden')) return true;
        } return false; };
      const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
      for (let n; (n = walk.nextNode());) {
        if (!n.textContent.trim()) continue;
        const e = n.parentElement;
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || e.closest('title, desc, noscript') || hidden(e)) continue;
        let size = parseFloat(getComputedStyle(e).fontSize);
        if (e instanceof SVGElement) { const m = e.getScreenCTM(); if (m) size *= Math.hypot(m.a, m.b); }
        if (size < 10.95) out.push(size.toFixed(1) + ' px: "' + n.textContent.trim().slice(0, 40) + '" in ' +
          e.tagName.toLowerCase() + '.' + String(e.className.baseVal ?? e.className));
      }
      return out.slice(0, 8); })()"#,
    ))
}

/// Pairs of labels in one chart whose boxes overlap.
fn chart_overlaps(tab: &Tab) -> Vec<String> {
    strings(&tab.eval(
        r#"(() => {
      const out = [];
      document.querySelectorAll('svg.pm-chart').forEach(svg => {
        const boxes = Array.from(svg.querySelectorAll('text'))
          .filter(t => getComputedStyle(t).display !== 'none' && t.textContent.trim())
          .map(t => [t, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const [a, p] = boxes[i], [b, q] = boxes[j];
          if (p.left < q.right - .5 && q.left < p.right - .5 && p.top < q.bottom - .5 && q.top < p.bottom - .5)
            out.push(svg.getAttribute('aria-labelledby').split(' ')[0] + ': "' + a.textContent + '" overlaps "' + b.textContent + '"');
        }
      });
      return out.slice(0, 8); })()"#,
    ))
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Loads every page at every width and collects what fails, as `site page @width scheme: …`.
fn problems_on(base: &str, site: &str, pages: &[&str]) -> Vec<String> {
    let Some(browser) = Browser::shared() else {
        return Vec::new();
    };
    let tab = browser.blank_tab();
    let mut problems = Vec::new();
    for &width in WIDTHS {
        tab.set_viewport(width, if width < 600 { 844 } else { 900 });
        for page in pages {
            tab.set_color_scheme("light");
            tab.goto(&format!("{base}{page}"));
            for scheme in ["light", "dark"] {
                tab.set_color_scheme(scheme);
                let mut found = layout_problems(&tab);
                found.extend(chart_overlaps(&tab));
                if width == PHONE {
                    found.extend(small_text(&tab));
                }
                problems.extend(
                    found
                        .into_iter()
                        .map(|p| format!("{site} /{page} @{width} {scheme}: {p}")),
                );
            }
        }
    }
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
    problems
}

#[test]
fn bundled_site_reads_at_every_width() {
    let pages = [
        "",
        "glossary/",
        "glossary/error-budget/",
        "postmortems/",
        "postmortems/gitlab-2017-01-31/",
        "postmortems/database-replication-failure/",
        "postmortems/insights/",
        "scripts/database-replication-failure/",
        "guidelines/facts-not-blame/",
        "paths/architect-onboarding/",
        "train/",
        "search/?q=failover",
    ];
    let base = common::bundled_server().url("");
    let problems = problems_on(&base, "bundled", &pages);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fresh_init_site_reads_at_every_width() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("kb");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .arg("init")
        .arg(&root)
        .output()
        .expect("run hindsight init");
    assert!(status.status.success(), "{}", common::stderr(&status));
    let out = root.join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run hindsight build");
    assert!(status.status.success(), "{}", common::stderr(&status));
    let server = common::serve(&out);
    let pages = [
        "",
        "glossary/",
        "glossary/blast-radius/",
        "postmortems/",
        "postmortems/sample-outage/",
        "postmortems/insights/",
        "scripts/opening-the-review/",
        "guidelines/",
    ];
    let problems = problems_on(&server.url(""), "init", &pages);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The name of term `i` of the 1,000-term fixture: made-up words, every third with a second.
fn term_name(i: usize) -> String {
    const SYL: [&str; 12] = [
        "ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "be", "do", "fa", "gu",
    ];
    let mut s = String::new();
    let mut n = i + 13;
    while n > 0 {
        s.push_str(SYL[n % 12]);
        n /= 12;
    }
    let mut c = s.chars();
    let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or('X');
    format!(
        "{first}{}{}",
        c.as_str(),
        if i.is_multiple_of(3) { " rate" } else { "" }
    )
}

fn term_slug(i: usize) -> String {
    term_name(i).to_lowercase().replace(' ', "-")
}

/// A glossary of 1,000 terms (tags, related terms, one term mentioned on 60 pages) under a
/// 40-character site title, built once.
fn thousand_terms() -> &'static PathBuf {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = FixtureSite::new()
            .file(
                "book.toml",
                "[book]\ntitle = \"Platform reliability knowledge base (EU)\"\ndescription = \"A thousand terms.\"\nlanguage = \"en\"\n",
            )
            .file("content/index.md", "---\ntitle: Home\nsummary: The home page.\n---\nWelcome.\n")
            .file("content/glossary/_index.md", "---\ntitle: Glossary\nsummary: Every term.\n---\n")
            .file("content/notes/_index.md", "---\ntitle: Notes\nsummary: Notes.\n---\n");
        let tags = ["reliability", "process", "metrics", "network", "storage", "people"];
        for i in 0..1000 {
            site.write(
                &format!("content/glossary/{}.md", term_slug(i)),
                format!(
                    "---\ntitle: {}\nsummary: The {} of a system, in one sentence.\nrelated: [{}]\ntags: [{}, {}]\n---\nSee [[{}]].\n",
                    term_name(i),
                    term_name(i).to_lowercase(),
                    term_slug((i + 1) % 1000),
                    tags[i % 6],
                    tags[(i % 6 + 1 + (i / 6) % 5) % 6], // never the same tag twice
                    term_slug((i + 1) % 1000),
                ),
            );
        }
        for j in 0..60 {
            site.write(
                &format!("content/notes/note-{j}.md"),
                format!("---\ntitle: Note {j}\nsummary: A note.\n---\nThis note mentions {}.\n", term_name(0)),
            );
        }
        let out = site.build();
        // The fixture folder must outlive this function: keep it, like the bundled site.
        std::mem::forget(site);
        out
    })
}

#[test]
fn thousand_term_glossary_reads_at_every_width() {
    let out = thousand_terms();
    let server = common::serve(out);
    let term = format!("glossary/{}/", term_slug(0));
    let problems = problems_on(&server.url(""), "1000 terms", &["", "glossary/", &term]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn thousand_term_glossary_filters_by_name_and_tag_and_collapses_backlinks() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::serve(thousand_terms());
    let tab = browser.open(&server.url("glossary/"));
    let visible = "document.querySelectorAll('.term-grid li:not([hidden])').length";
    assert_eq!(tab.eval(visible), 1000);
    let groups = tab.eval("document.querySelectorAll('.letter-group').length");
    assert!(groups.as_u64() > Some(5), "{groups} letter groups");
    tab.click("#glossary-filter");
    tab.type_text("lolo");
    tab.wait_until("document.getElementById('glossary-count').textContent !== ''");
    let names = tab.eval(
        "Array.from(document.querySelectorAll('.term-grid li:not([hidden]) a')).map(a => a.textContent.toLowerCase())",
    );
    let names = strings(&names);
    assert!(
        !names.is_empty() && names.iter().all(|n| n.contains("lolo")),
        "{names:?}"
    );
    // A tag narrows further; only letter groups with a match stay.
    tab.click(".glossary-tag[data-tag='people']");
    let tagged = tab.eval(
        "Array.from(document.querySelectorAll('.term-grid li:not([hidden])')).every(li => li.dataset.tags.split('|').includes('people'))",
    );
    assert_eq!(tagged, true);
    assert_eq!(
        tab.eval("Array.from(document.querySelectorAll('.letter-group:not([hidden])')).every(g => g.querySelector('li:not([hidden])'))"),
        true
    );
    // The term mentioned on 60 pages lists a few and folds the rest behind "Show all".
    tab.goto(&server.url(&format!("glossary/{}/", term_slug(0))));
    let summary = tab.eval("document.querySelector('.backlinks-more summary').textContent");
    assert_eq!(summary, "Show all 60 pages");
    assert_eq!(
        tab.eval("document.querySelectorAll('.backlinks .card-list > li').length"),
        8
    );
    // Its related term links to it but is listed once, under related terms.
    let repeated = tab.eval(
        "(() => { const rel = Array.from(document.querySelectorAll('.related a')).map(a => a.href);
           return Array.from(document.querySelectorAll('.backlinks a')).filter(a => rel.includes(a.href)).length; })()",
    );
    assert_eq!(repeated, 0);
}

/// Each check reports a page built to fail it.
#[test]
fn width_checks_report_a_broken_page() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = FixtureSite::new().file(
        "content/notes/bad.md",
        "---\ntitle: Bad\nsummary: Bad.\n---\n\
         <p style=\"font-size: 9px\">Tiny print nobody can read.</p>\n\n\
         <div style=\"width: 1500px\">Wider than any phone.</div>\n\n\
         <svg class=\"pm-chart\" aria-labelledby=\"c\" viewBox=\"0 0 1000 100\" width=\"100%\"><text x=\"10\" y=\"50\" font-size=\"14\">one</text><text x=\"12\" y=\"52\" font-size=\"14\">two</text></svg>\n",
    );
    let server = common::serve(&site.build());
    let tab = browser.blank_tab();
    tab.set_viewport(PHONE, 844);
    tab.goto(&server.url("notes/bad/"));
    let layout = layout_problems(&tab);
    assert!(
        layout.iter().any(|p| p.starts_with("scrolls sideways")),
        "{layout:?}"
    );
    let small = small_text(&tab);
    assert!(small.iter().any(|p| p.contains("Tiny print")), "{small:?}");
    // The chart's 14-unit text is drawn at about 5 px on a phone.
    assert!(
        small.iter().any(|p| p.contains("\"one\" in text")),
        "{small:?}"
    );
    let overlaps = chart_overlaps(&tab);
    assert!(
        overlaps
            .iter()
            .any(|p| p.contains("\"one\" overlaps \"two\"")),
        "{overlaps:?}"
    );
}
