//! Term tooltips in a real browser: the summary shows on hover and on keyboard focus, with
//! and without JavaScript, stays inside the viewport wherever the link sits (wide and narrow
//! screens), gives screen readers the summary (the link's description with JavaScript, part
//! of the focused link's name without), and Escape hides it.

mod common;

use common::browser::{Browser, Tab};
use common::{FixtureSite, widely_mentioned_term};

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

/// What a tooltip shows: the link's generated content (from term-tips.css), name then
/// summary, with the line break between them as a space.
const TIP_TEXT: &str =
    "(a => [...getComputedStyle(a, '::after').content.matchAll(/\"((?:[^\"\\\\]|\\\\.)*)\"/g)]
      .map(m => m[1]).join('').replace(/\\\\a ?/gi, ' '))";

/// Numbers the term links (`data-n`), so that a selector can name link `n`.
const NUMBER_LINKS: &str = "document.querySelectorAll('a.t').forEach((a, i) => a.dataset.n = i)";

fn link(n: usize) -> String {
    format!("a.t[data-n=\"{n}\"]")
}

/// `{visible, left, right, top, bottom, vw, vh, text}` of the tooltip of link `n`. A
/// pseudo-element has no DOM rectangle, so its box comes from the DevTools protocol.
fn tip_state(tab: &Tab<'_>, n: usize) -> serde_json::Value {
    let mut state = tab.eval(&format!(
        "(() => {{ const a = document.querySelectorAll('a.t')[{n}];
           const s = getComputedStyle(a, '::after');
           return {{ visible: s.visibility === 'visible' && s.opacity === '1',
                     vw: document.documentElement.clientWidth, vh: window.innerHeight,
                     text: {TIP_TEXT}(a) }}; }})()"
    ));
    let root = tab.call("DOM.getDocument", serde_json::json!({ "depth": 0 }));
    let node = tab.call(
        "DOM.querySelector",
        serde_json::json!({ "nodeId": root["root"]["nodeId"], "selector": link(n) }),
    );
    let described = tab.call(
        "DOM.describeNode",
        serde_json::json!({ "nodeId": node["nodeId"], "depth": 1 }),
    );
    let after = described["node"]["pseudoElements"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["pseudoType"] == "after")
        .unwrap_or_else(|| panic!("link {n} has no ::after: {described}"));
    let model = tab.call(
        "DOM.getBoxModel",
        serde_json::json!({ "backendNodeId": after["backendNodeId"] }),
    );
    let quad: Vec<f64> = model["model"]["border"]
        .as_array()
        .expect("a border quad")
        .iter()
        .filter_map(|v| v.as_f64())
        .collect();
    let xs = [quad[0], quad[2], quad[4], quad[6]];
    let ys = [quad[1], quad[3], quad[5], quad[7]];
    state["left"] = xs.iter().cloned().fold(f64::INFINITY, f64::min).into();
    state["right"] = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max).into();
    state["top"] = ys.iter().cloned().fold(f64::INFINITY, f64::min).into();
    state["bottom"] = ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max).into();
    state
}

fn visible_expr(n: usize) -> String {
    format!(
        "(() => {{ const s = getComputedStyle(document.querySelectorAll('a.t')[{n}], '::after');
           return s.visibility === 'visible' && s.opacity === '1'; }})()"
    )
}

fn hidden_expr(n: usize) -> String {
    format!(
        "getComputedStyle(document.querySelectorAll('a.t')[{n}], '::after').visibility === 'hidden'"
    )
}

const ALL_HIDDEN: &str = "[...document.querySelectorAll('a.t')].every(a => getComputedStyle(a, '::after').visibility === 'hidden')";

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
    tab.eval(NUMBER_LINKS);
    let count = tab
        .eval("document.querySelectorAll('a.t').length")
        .as_u64()
        .unwrap_or(0) as usize;
    assert!(count >= 40, "{what}: only {count} term links");
    for n in 0..count {
        // Every tooltip closed first: an open one may cover the next link.
        tab.hover("h1");
        tab.wait_until(ALL_HIDDEN);
        tab.hover(&link(n));
        tab.wait_until(&visible_expr(n));
        assert_inside_viewport(&tip_state(tab, n), &format!("{what}, link {n}"));
    }
}

/// The accessibility tree's links named `name`: `(name, description)` of each.
fn ax_links(tab: &Tab<'_>) -> Vec<(String, String)> {
    let tree = tab.call("Accessibility.getFullAXTree", serde_json::json!({}));
    tree["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["role"]["value"] == "link")
        .map(|n| {
            let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            (s(&n["name"]["value"]), s(&n["description"]["value"]))
        })
        .collect()
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
    tab.wait_for("a.t");
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
        tab.eval("document.activeElement.classList.contains('t')"),
        true
    );
    tab.wait_until(&visible_expr(0));
    assert_inside_viewport(&tip_state(&tab, 0), "keyboard focus");

    // With JavaScript the summary is each link's accessible description, and the visible
    // tooltip of the focused link stays out of its name.
    tab.wait_until("document.documentElement.classList.contains('terms-described')");
    let links = ax_links(&tab);
    let term_links: Vec<_> = links.iter().filter(|(n, _)| n == "runbook").collect();
    assert!(term_links.len() >= 40, "{links:?}");
    assert!(
        term_links
            .iter()
            .all(|(_, d)| *d == format!("Runbook: {SUMMARY}")),
        "{term_links:?}"
    );

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
    tab.wait_for("a.t");
    hover_each_link(&tab, "no JavaScript");
    // Without JavaScript, a screen reader hears the tooltip with the focused link.
    tab.hover("h1");
    tab.wait_until(ALL_HIDDEN);
    tab.eval("document.querySelector('a.t').focus()");
    tab.wait_until(&visible_expr(0));
    let links = ax_links(&tab);
    assert!(
        links
            .iter()
            .any(|(name, _)| name.contains("runbook") && name.contains(SUMMARY)),
        "{links:?}"
    );

    tab.set_javascript(true);
    tab.set_viewport(360, 640);
    tab.goto(&url);
    tab.wait_for("a.t");
    tab.eval(NUMBER_LINKS);
    for n in [0, 7, 23] {
        tab.hover("h1");
        tab.wait_until(ALL_HIDDEN);
        tab.hover(&link(n));
        tab.wait_until(&visible_expr(n));
        assert_inside_viewport(&tip_state(&tab, n), &format!("phone, link {n}"));
    }
}

/// "Show all" on a term page lists every backlink: the names on the page, then the rest from
/// the site's page list, with working links (served, and from file://).
#[test]
fn show_all_lists_every_backlink_from_the_page_list() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let fixture = widely_mentioned_term(70);
    let out = fixture.build();
    let server = common::serve(&out);
    let file_url = format!(
        "file://{}",
        out.join("glossary/runbook/index.html").display()
    );
    for url in [server.url("glossary/runbook/"), file_url] {
        let tab = browser.open(&url);
        tab.goto(&url);
        tab.wait_for("details.backlinks-more");
        assert_eq!(
            tab.eval("document.querySelectorAll('.backlinks-more li').length"),
            20
        );
        tab.click("details.backlinks-more summary");
        tab.wait_until("document.querySelectorAll('.backlinks-more li').length === 62");
        assert_eq!(
            tab.eval("document.querySelector('.backlinks-later') === null"),
            true
        );
        let last = tab.eval(
            "(() => { const a = [...document.querySelectorAll('.backlinks-more li a')].pop();
               return [a.textContent, a.getAttribute('href')]; })()",
        );
        let href = if url.starts_with("file:") {
            "../../postmortems/outage-069/index.html"
        } else {
            "../../postmortems/outage-069/"
        };
        assert_eq!(last, serde_json::json!(["Outage 069", href]), "{url}");
        assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
    }
}
