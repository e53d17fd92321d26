//! Term tooltips in a real browser: the summary shows on hover and on keyboard focus, with
//! and without JavaScript, stays inside the viewport wherever the link sits (wide and narrow
//! screens), is the link's accessible description, and Escape hides it.

mod common;

use common::FixtureSite;
use common::browser::{Browser, Tab};

const SUMMARY: &str = "A written procedure for one kind of incident.";

/// A page where the term is mentioned many times (`autolink = "all"`), so its links sit at
/// every horizontal position, including right at the edge of the column.
fn site() -> FixtureSite {
    let mut body = String::from("Intro paragraph without terms.\n\n");
    for i in 0..40 {
        let filler = "word ".repeat(i % 9);
        body.push_str(&format!("{filler}runbook "));
    }
    body.push('\n');
    FixtureSite::new()
        .file(
            "book.toml",
            "[book]\ntitle = \"Fixture\"\ndescription = \"A test site.\"\nlanguage = \"en\"\n\n[glossary]\nautolink = \"all\"\n",
        )
        .file(
            "content/glossary/runbook.md",
            &format!("---\ntitle: Runbook\nsummary: {SUMMARY}\n---\n\nText.\n"),
        )
        .file(
            "content/postmortems/outage.md",
            &format!("---\ntitle: Outage\nsummary: An outage.\n---\n\n{body}"),
        )
}

/// What a tooltip shows: its generated content (term-tips.css), name then summary.
const TIP_TEXT: &str = "(tip => ['::before', '::after'].map(pe =>
    [...getComputedStyle(tip, pe).content.matchAll(/\"((?:[^\"\\\\]|\\\\.)*)\"/g)]
      .map(m => m[1]).join('')).join(''))";

/// `{visible, left, right, top, bottom, vw, vh, text}` of the tooltip of link `n`.
fn tip_state(tab: &Tab<'_>, n: usize) -> serde_json::Value {
    tab.eval(&format!(
        "(() => {{ const a = document.querySelectorAll('.term-ref > a')[{n}];
           const tip = document.getElementById(a.getAttribute('aria-describedby'));
           const r = tip.getBoundingClientRect(); const s = getComputedStyle(tip);
           return {{ visible: s.visibility === 'visible' && s.opacity === '1',
                     left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                     vw: document.documentElement.clientWidth, vh: window.innerHeight,
                     text: {TIP_TEXT}(tip) }}; }})()"
    ))
}

fn visible_expr(n: usize) -> String {
    format!(
        "(() => {{ const a = document.querySelectorAll('.term-ref > a')[{n}];
           const s = getComputedStyle(document.getElementById(a.getAttribute('aria-describedby')));
           return s.visibility === 'visible' && s.opacity === '1'; }})()"
    )
}

fn hidden_expr(n: usize) -> String {
    format!(
        "(() => {{ const a = document.querySelectorAll('.term-ref > a')[{n}];
           return getComputedStyle(document.getElementById(a.getAttribute('aria-describedby'))).visibility === 'hidden'; }})()"
    )
}

const ALL_HIDDEN: &str = "[...document.querySelectorAll('.term-tip')].every(t => getComputedStyle(t).visibility === 'hidden')";

fn assert_inside_viewport(state: &serde_json::Value, what: &str) {
    let f = |k: &str| state[k].as_f64().unwrap_or(f64::NAN);
    assert!(
        f("left") >= 0.0 && f("right") <= f("vw") && f("top") >= 0.0 && f("bottom") <= f("vh"),
        "{what}: tooltip overflows the viewport: {state}"
    );
    // The tooltip names its term, then gives the summary.
    assert_eq!(state["text"], format!("Runbook {SUMMARY}"), "{what}");
}

/// Hovers every term link in turn; each tooltip shows and stays inside the viewport.
fn hover_each_link(tab: &Tab<'_>, what: &str) {
    let count = tab
        .eval("document.querySelectorAll('.term-ref > a').length")
        .as_u64()
        .unwrap_or(0) as usize;
    assert!(count >= 40, "{what}: only {count} term links");
    for n in 0..count {
        // Every tooltip closed first: an open one may cover the next link.
        tab.hover("h1");
        tab.wait_until(ALL_HIDDEN);
        tab.hover(&format!(".term-ref > a[aria-describedby$=\".{}\"]", n + 1));
        tab.wait_until(&visible_expr(n));
        assert_inside_viewport(&tip_state(tab, n), &format!("{what}, link {n}"));
    }
}

#[test]
fn tooltip_shows_on_hover_and_focus_inside_the_viewport() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let fixture = site();
    let out = fixture.build();
    let server = common::serve(&out);
    let url = server.url("postmortems/outage/");
    let tab = browser.open(&url);
    tab.set_viewport(1280, 800);
    tab.goto(&url);
    tab.wait_for(".term-ref > a");
    // Hidden while nothing points at it (tests share one browser, so park the mouse first).
    tab.hover("h1");
    tab.wait_until(&hidden_expr(0));
    hover_each_link(&tab, "desktop");

    // Keyboard: Tab from the paragraph before lands on the first term link and shows its tip.
    tab.hover("h1");
    tab.wait_until(&hidden_expr(0));
    tab.eval(
        "(() => { const p = document.querySelector('.prose p'); p.tabIndex = -1; p.focus(); })()",
    );
    tab.press_key("Tab");
    assert_eq!(
        tab.eval("document.activeElement.parentElement.classList.contains('term-ref')"),
        true
    );
    tab.wait_until(&visible_expr(0));
    assert_inside_viewport(&tip_state(&tab, 0), "keyboard focus");

    // The tooltip is the link's accessible description.
    let tree = tab.call("Accessibility.getFullAXTree", serde_json::json!({}));
    let described = tree["nodes"].as_array().into_iter().flatten().any(|n| {
        n["role"]["value"] == "link"
            && n["name"]["value"] == "runbook"
            && n["description"]["value"] == format!("Runbook {SUMMARY}")
    });
    assert!(described, "no link described by the summary in the AX tree");

    // Escape hides a tooltip that is open (WCAG 1.4.13: dismissible).
    tab.press_key("Escape");
    tab.wait_until(&hidden_expr(0));
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
}

#[test]
fn tooltip_works_without_javascript_and_on_a_phone() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let fixture = site();
    let out = fixture.build();
    let server = common::serve(&out);
    let url = server.url("postmortems/outage/");
    let tab = browser.open("about:blank");
    tab.set_javascript(false);
    tab.set_viewport(1024, 700);
    tab.goto(&url);
    tab.wait_for(".term-ref > a");
    hover_each_link(&tab, "no JavaScript");

    tab.set_javascript(true);
    tab.set_viewport(360, 640);
    tab.goto(&url);
    tab.wait_for(".term-ref > a");
    for n in [0, 7, 23] {
        tab.hover("h1");
        tab.wait_until(ALL_HIDDEN);
        tab.hover(&format!(".term-ref > a[aria-describedby$=\".{}\"]", n + 1));
        tab.wait_until(&visible_expr(n));
        assert_inside_viewport(&tip_state(&tab, n), &format!("phone, link {n}"));
    }
}
