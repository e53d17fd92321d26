//! Quality gates in a real browser (headless Chromium, see tests/common/browser.rs):
//! axe-core finds no serious or critical accessibility problem in light and dark mode,
//! keyboard users can tab through every page with a visible focus and no trap, the site
//! works without JavaScript (features that need it say so), and nothing overflows a phone
//! screen. Screenshots of key pages at phone and desktop widths go to target/screenshots/.
//! Every check also runs on a deliberately broken fixture, to prove it can fail.

mod common;

use std::path::Path;

use common::FixtureSite;
use common::browser::{Browser, Tab, target_dir};

/// A page the browser checks visit, in a given state. Add one line per page as features
/// land; `prepare` and `ready` bring the page into the state to check.
struct CheckedPage {
    name: &'static str,
    /// URL path under the site root.
    path: &'static str,
    /// JavaScript run after the page loads (open results, start practice); "" for none.
    prepare: &'static str,
    /// CSS selector to wait for after `prepare`; "" for none.
    ready: &'static str,
    /// Needs JavaScript to work: without it the page must say so.
    needs_js: bool,
}

const fn page(name: &'static str, path: &'static str) -> CheckedPage {
    CheckedPage {
        name,
        path,
        prepare: "",
        ready: "",
        needs_js: false,
    }
}

const PAGES: &[CheckedPage] = &[
    page("home", ""),
    page("glossary", "glossary/"),
    page("term", "glossary/error-budget/"),
    page("postmortem", "postmortems/gitlab-2017-01-31/"),
    // A page bundle: a post-mortem with its figure beside it.
    page(
        "postmortem bundle",
        "postmortems/database-replication-failure/",
    ),
    page("script", "scripts/database-replication-failure/"),
    page("postmortems", "postmortems/"),
    page("postmortem insights", "postmortems/insights/"),
    page("guideline", "guidelines/facts-not-blame/"),
    // A Mermaid diagram: drawn with JavaScript, its source without.
    page(
        "guideline with a diagram",
        "guidelines/following-through-on-action-items/",
    ),
    page("path", "paths/architect-onboarding/"),
    page("tags", "tags/"),
    page("tag", "tags/database/"),
    page("404", "no-such-page/"),
    CheckedPage {
        name: "search results",
        path: "search/?q=failover",
        prepare: "",
        ready: ".search-page-results li",
        needs_js: true,
    },
    CheckedPage {
        name: "search box",
        path: "glossary/",
        prepare: "(() => { const i = document.querySelector('#search-input'); i.value = 'replication'; i.dispatchEvent(new Event('input')); })()",
        ready: "#search-results [role=option]",
        // The page works without JavaScript; only the box is hidden then.
        needs_js: false,
    },
    CheckedPage {
        name: "script practice",
        path: "scripts/database-replication-failure/",
        prepare: "document.querySelector('.practice-toggle').click()",
        ready: ".dialogue.practising",
        needs_js: true,
    },
    CheckedPage {
        name: "path step",
        path: "glossary/blast-radius/?path=architect-onboarding",
        prepare: "",
        ready: ".path-nav:not([hidden])",
        needs_js: false,
    },
    CheckedPage {
        name: "practice hub",
        path: "train/",
        prepare: "",
        ready: "",
        needs_js: false,
    },
    CheckedPage {
        name: "flashcards",
        path: "train/flashcards/",
        prepare: "",
        ready: ".trainer-app:not([hidden])",
        needs_js: true,
    },
    CheckedPage {
        name: "quiz",
        path: "train/quiz/",
        prepare: "",
        ready: ".trainer-app:not([hidden])",
        needs_js: true,
    },
    // As features land, e.g.:
    // CheckedPage { name: "search results", path: "search/?q=failover", prepare: "",
    //               ready: "#search-results li", needs_js: true },
    // CheckedPage { name: "script practice", path: "scripts/database-replication-failure/",
    //               prepare: "document.querySelector('#practice-start').click()",
    //               ready: ".practice-active", needs_js: true },
];

/// Screenshots for the visual check: name, path, and an element to hover first if the
/// page has one (a glossary term link, to show its tooltip).
const SHOTS: &[(&str, &str, &str)] = &[
    ("home", "", ""),
    (
        "term",
        "glossary/error-budget/",
        ".prose a[href*='glossary/']",
    ),
    ("glossary", "glossary/", ""),
    ("postmortem", "postmortems/gitlab-2017-01-31/", ""),
    ("postmortems", "postmortems/", ""),
    ("insights", "postmortems/insights/", ""),
    ("script", "scripts/database-replication-failure/", ""),
    ("guideline", "guidelines/facts-not-blame/", ""),
    ("path", "paths/architect-onboarding/", ""),
    ("tags", "tags/", ""),
    ("tag", "tags/database/", ""),
    (
        "postmortem-bundle",
        "postmortems/database-replication-failure/",
        "",
    ),
    (
        "diagram",
        "guidelines/following-through-on-action-items/",
        "",
    ),
    ("flashcards", "train/flashcards/", ""),
    ("quiz", "train/quiz/", ""),
];

const WIDTHS: &[(&str, u32, u32)] = &[("phone", 390, 844), ("desktop", 1280, 800)];

/// Loads `path` of the served site in `tab` and brings it into its checked state.
fn show(tab: &Tab, base: &str, p: &CheckedPage) {
    tab.goto(&format!("{base}{}", p.path));
    if !p.prepare.is_empty() {
        tab.eval(p.prepare);
    }
    if !p.ready.is_empty() {
        tab.wait_for(p.ready);
    }
}

fn base_url(server: &common::StaticServer) -> String {
    server.url("")
}

// ---- Accessibility (axe-core) and resources that fail to load ---------------------------

fn axe_problems(tab: &Tab, base: &str, pages: &[CheckedPage], scheme: &str) -> Vec<String> {
    tab.set_color_scheme(scheme);
    let mut problems = Vec::new();
    for p in pages {
        show(tab, base, p);
        let bg = tab.eval("getComputedStyle(document.body).backgroundColor");
        let dark = bg != "rgb(255, 255, 255)";
        assert_eq!(
            dark,
            scheme == "dark",
            "{}: {scheme} mode not applied ({bg})",
            p.name
        );
        let url = format!("{base}{}", p.path);
        problems.extend(
            tab.failed_requests()
                .into_iter()
                .filter(|f| !f.ends_with(&format!(" {url}"))) // the 404 page's own status
                .map(|f| format!("{}: request failed: {f}", p.name)),
        );
        problems.extend(
            common::axe::serious_violations(tab)
                .into_iter()
                .map(|v| format!("{} ({scheme}): {v}", p.name)),
        );
    }
    problems
}

#[test]
fn axe_finds_no_serious_problem_in_light_mode() {
    let (Some(browser), Some(_)) = (Browser::shared(), common::axe::source()) else {
        return;
    };
    let base = base_url(common::bundled_server());
    let tab = browser.blank_tab();
    let problems = axe_problems(&tab, &base, PAGES, "light");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn axe_finds_no_serious_problem_in_dark_mode() {
    let (Some(browser), Some(_)) = (Browser::shared(), common::axe::source()) else {
        return;
    };
    let base = base_url(common::bundled_server());
    let tab = browser.blank_tab();
    let problems = axe_problems(&tab, &base, PAGES, "dark");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A fixture with the problems axe must catch, in the default theme.
fn broken_fixture() -> FixtureSite {
    FixtureSite::new()
        .file("content/index.md", "---\ntitle: Home\nsummary: Home.\n---\nWelcome.\n")
        .file(
            "content/notes/ok.md",
            "---\ntitle: Fine\nsummary: Fine.\n---\nA page with enough text to count as content.\n",
        )
        .file(
            "content/notes/bad.md",
            "---\ntitle: Bad\nsummary: Bad page.\n---\n\
             <p style=\"color: #999; background: #aaa\">Grey on grey nobody can read.</p>\n\n\
             <p><img src=\"../../favicon.svg\"></p>\n\n\
             <p><img alt=\"A picture that is not there\" src=\"../../missing.png\"></p>\n\n\
             <button type=\"button\" class=\"expand\"></button>\n\n\
             <p><a href=\"../ok/\" style=\"outline: none\">A link without a focus ring</a></p>\n\n\
             <p><input aria-label=\"Trap\" onkeydown=\"if (event.key === 'Tab') event.preventDefault()\"></p>\n\n\
             <div style=\"width: 1500px\">A box wider than a phone.</div>\n",
        )
}

#[test]
fn axe_and_request_checks_report_problems_on_a_broken_fixture() {
    let (Some(browser), Some(_)) = (Browser::shared(), common::axe::source()) else {
        return;
    };
    let site = broken_fixture();
    let server = common::serve(&site.build());
    let tab = browser.blank_tab();
    let bad = [page("bad", "notes/bad/")];
    for scheme in ["light", "dark"] {
        let problems = axe_problems(&tab, &server.url(""), &bad, scheme);
        for rule in ["color-contrast", "image-alt", "button-name"] {
            assert!(
                problems.iter().any(|p| p.contains(&format!(": {rule} ("))),
                "axe missed {rule} in {scheme} mode:\n{}",
                problems.join("\n")
            );
        }
        assert!(
            problems
                .iter()
                .any(|p| p.contains("request failed: 404 ") && p.ends_with("/missing.png")),
            "the missing image was not reported:\n{}",
            problems.join("\n")
        );
    }
}

// ---- Keyboard -----------------------------------------------------------------------

/// Tabs through the page: every stop must show a focus indicator, and focus must keep
/// moving until it leaves the page (no keyboard trap).
fn keyboard_problems(tab: &Tab) -> Vec<String> {
    const FOCUS: &str = "(() => { const e = document.activeElement;
        if (!e || e === document.body || e === document.documentElement) return null;
        const s = getComputedStyle(e);
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                     || s.boxShadow !== 'none';
        const all = Array.from(document.querySelectorAll('*'));
        const label = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
            (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
            ' \"' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30) + '\"';
        return {index: all.indexOf(e), label, ring}; })()";
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut previous = None;
    for _ in 0..400 {
        tab.press_key("Tab");
        let focus = tab.eval(FOCUS);
        if focus.is_null() {
            if previous.is_none() {
                problems.push("Tab focuses nothing".into());
            }
            return problems; // focus left the page: no trap
        }
        let index = focus["index"].as_i64();
        let label = focus["label"].as_str().unwrap_or_default().to_string();
        if previous == index {
            problems.push(format!("keyboard trap: Tab stays on {label}"));
            return problems;
        }
        if !seen.insert(index) {
            return problems; // wrapped around to the start
        }
        if focus["ring"] != true {
            problems.push(format!("no visible focus indicator on {label}"));
        }
        previous = index;
    }
    problems.push("Tab never left the page after 400 presses".into());
    problems
}

#[test]
fn keyboard_reaches_everything_with_a_visible_focus_and_no_trap() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let base = base_url(common::bundled_server());
    let tab = browser.blank_tab();
    let mut problems = Vec::new();
    for p in PAGES {
        show(&tab, &base, p);
        // The skip link comes first and moves focus to the content.
        tab.press_key("Tab");
        assert_eq!(
            tab.eval("document.activeElement.className"),
            "skip-link",
            "{}: the first Tab stop is not the skip link",
            p.name
        );
        tab.press_key("Enter");
        tab.wait_until("location.hash === '#main'");
        show(&tab, &base, p);
        problems.extend(
            keyboard_problems(&tab)
                .into_iter()
                .map(|k| format!("{}: {k}", p.name)),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn keyboard_check_reports_a_trap_and_a_missing_focus_ring_on_a_broken_fixture() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = broken_fixture();
    let server = common::serve(&site.build());
    let tab = browser.open(&server.url("notes/bad/"));
    let problems = keyboard_problems(&tab);
    for e in [
        "no visible focus indicator on a \"A link without a focus",
        "keyboard trap: Tab stays on input",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(e)),
            "missing `{e}` in:\n{}",
            problems.join("\n")
        );
    }
}

// ---- Without JavaScript ---------------------------------------------------------------

/// With scripts off: the page shows its heading, content and navigation, shows no button
/// that would do nothing, and a page whose feature needs JavaScript says so.
fn no_js_problems(tab: &Tab, needs_js: bool) -> Vec<String> {
    let problems = tab.eval(
        "(() => {
          const visible = e => { const r = e.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
          const out = [];
          const h1 = document.querySelector('h1');
          if (!h1 || !visible(h1)) out.push('no visible <h1>');
          const main = document.querySelector('main');
          if (!main || main.innerText.trim().length < 40) out.push('the main content is (almost) empty');
          if (document.querySelectorAll('header a[href]').length < 2) out.push('no site navigation');
          document.querySelectorAll('button, [role=button]').forEach(b => {
            const submits = b.form && (b.type === 'submit' || b.type === 'reset');
            if (visible(b) && !submits) out.push('visible control that needs JavaScript: ' +
              (b.getAttribute('aria-label') || b.textContent.trim() || b.outerHTML.slice(0, 60)));
          });
          return out; })()",
    );
    let mut problems: Vec<String> = problems
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let says_so = tab.eval("/javascript/i.test(document.body.innerText)");
    if needs_js && says_so != true {
        problems.push("needs JavaScript but does not say so when it is off".into());
    }
    problems
}

#[test]
fn pages_work_without_javascript() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let base = base_url(common::bundled_server());
    let tab = browser.blank_tab();
    tab.set_javascript(false);
    let mut problems = Vec::new();
    for p in PAGES {
        tab.goto(&format!("{base}{}", p.path));
        // With scripting off, the parser builds <noscript>'s content as elements.
        assert_eq!(
            tab.eval("!!document.querySelector('noscript style')"),
            true,
            "{}: scripting is not off",
            p.name
        );
        problems.extend(
            no_js_problems(&tab, p.needs_js)
                .into_iter()
                .map(|k| format!("{}: {k}", p.name)),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_javascript_check_reports_dead_controls_and_silent_features_on_a_broken_fixture() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = broken_fixture();
    let server = common::serve(&site.build());
    let tab = browser.blank_tab();
    tab.set_javascript(false);
    tab.goto(&server.url("notes/bad/"));
    let problems = no_js_problems(&tab, false);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("visible control that needs JavaScript: <button")),
        "{}",
        problems.join("\n")
    );
    // A page that needs JavaScript must say so; this one does not.
    tab.goto(&server.url("notes/ok/"));
    let problems = no_js_problems(&tab, true);
    assert_eq!(
        problems,
        ["needs JavaScript but does not say so when it is off"],
        "{problems:?}"
    );
}

// ---- Visual check: screenshots and layout -----------------------------------------------

/// Elements that stick out of the viewport sideways, making the page scroll horizontally.
fn overflow_problems(tab: &Tab) -> Vec<String> {
    let r = tab.eval(
        "(() => { const w = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= w) return [];
          const wide = Array.from(document.querySelectorAll('body *')).filter(e =>
            e.getBoundingClientRect().right > w + 1 &&
            !e.parentElement.closest('pre, .table-wrap, [style*=overflow]'));
          return ['page scrolls sideways (' + document.documentElement.scrollWidth + 'px > ' + w + 'px): ' +
            wide.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).join(', ')];
        })()",
    );
    r.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Width of a PNG file, from its header.
fn png_width(path: &Path) -> u32 {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[1..4], b"PNG", "{} is not a PNG", path.display());
    u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]])
}

#[test]
fn screenshots_at_phone_and_desktop_widths_show_no_overflow() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let base = base_url(common::bundled_server());
    let dir = target_dir().join("screenshots");
    let mut problems = Vec::new();
    for &(label, width, height) in WIDTHS {
        let tab = browser.blank_tab();
        tab.set_viewport(width, height);
        tab.set_color_scheme("light");
        for &(name, path, hover) in SHOTS {
            tab.goto(&format!("{base}{path}"));
            problems.extend(
                overflow_problems(&tab)
                    .into_iter()
                    .map(|o| format!("{name} at {width}px: {o}")),
            );
            let full = dir.join(format!("{name}-{label}-full.png"));
            tab.screenshot_full_page(&full);
            if !hover.is_empty()
                && tab.eval(&format!("!!document.querySelector({hover:?})")) == true
            {
                tab.eval(&format!(
                    "document.querySelector({hover:?}).scrollIntoView({{block: 'center'}})"
                ));
                tab.hover(hover);
            }
            let shot = dir.join(format!("{name}-{label}.png"));
            tab.screenshot(&shot);
            assert_eq!(png_width(&shot), width, "{}", shot.display());
            if std::env::var("HINDSIGHT_UPDATE_README_SCREENSHOTS").as_deref() == Ok("1") {
                let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
                std::fs::create_dir_all(&docs).expect("create docs/screenshots");
                std::fs::copy(&shot, docs.join(format!("{name}-{label}.png")))
                    .expect("copy screenshot into docs/");
            }
            // The same view in dark mode, for reviewing the dark palette.
            tab.set_color_scheme("dark");
            tab.screenshot(&dir.join(format!("{name}-{label}-dark.png")));
            tab.set_color_scheme("light");
        }
        assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
    }
    println!("screenshots in {}", dir.display());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn overflow_check_reports_a_too_wide_page_on_a_broken_fixture() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = broken_fixture();
    let server = common::serve(&site.build());
    let tab = browser.blank_tab();
    tab.set_viewport(390, 844);
    tab.goto(&server.url("notes/ok/"));
    assert_eq!(overflow_problems(&tab), Vec::<String>::new());
    tab.goto(&server.url("notes/bad/"));
    let problems = overflow_problems(&tab);
    assert!(
        problems.len() == 1 && problems[0].contains("page scrolls sideways"),
        "{problems:?}"
    );
}
