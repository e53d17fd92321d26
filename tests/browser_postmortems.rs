//! The post-mortem catalog in a browser: filters by severity, service, factor category and
//! year, sortable columns, the filter state in the URL, and the full list without JS.

mod common;

use common::browser::{Browser, Tab};

fn postmortem(
    title: &str,
    date: &str,
    severity: &str,
    services: &str,
    category: &str,
    resolve_min: u32,
) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\nseverity: {severity}\nstatus: reviewed\nservices: [{services}]\n\
         contributing_factors:\n  - category: {category}\n    description: d\n\
         timeline:\n  - at: {date}T10:00:00Z\n    event: Impact.\n    marks: impact-start\n\
         \x20 - at: {date}T{:02}:{:02}:00Z\n    event: Resolved.\n    marks: resolved\n---\nBody.\n",
        10 + resolve_min / 60,
        resolve_min % 60
    )
}

/// Four incidents whose filter answers are known.
fn fixture() -> common::FixtureSite {
    common::FixtureSite::new()
        .file(
            "content/postmortems/_index.md",
            "---\ntitle: Post-mortems\nsummary: All incidents.\n---\n",
        )
        .file(
            "content/postmortems/a.md",
            &postmortem("Alpha", "2024-01-10", "SEV1", "api, db", "config", 30),
        )
        .file(
            "content/postmortems/b.md",
            &postmortem("Bravo", "2024-06-10", "SEV2", "api", "capacity", 90),
        )
        .file(
            "content/postmortems/c.md",
            &postmortem("Charlie", "2025-03-01", "SEV1", "web", "config", 10),
        )
        .file(
            "content/postmortems/d.md",
            &postmortem("Delta", "2025-08-01", "SEV3", "db", "software", 200),
        )
}

fn visible_titles(tab: &Tab) -> Vec<String> {
    let v = tab.eval(
        "Array.from(document.querySelectorAll('#pm-catalog tbody tr')).filter(r => !r.hidden).map(r => r.querySelector('.pm-row-title').textContent)",
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn choose(tab: &Tab, select: &str, value: &str) {
    tab.eval(&format!(
        "(() => {{ const s = document.querySelector('{select}'); s.value = '{value}'; s.dispatchEvent(new Event('change')); }})()"
    ));
}

#[test]
fn catalog_filters_and_sorts() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = fixture();
    let out = site.build();
    let server = common::serve(&out);
    let tab = browser.open(&server.url("postmortems/"));
    tab.wait_for("#pm-filters:not([hidden])");
    assert_eq!(visible_titles(&tab), ["Delta", "Charlie", "Bravo", "Alpha"]);
    assert_eq!(
        tab.eval("document.getElementById('pm-nojs-note').hidden"),
        serde_json::Value::Bool(true)
    );
    assert_eq!(
        tab.eval("document.getElementById('pm-count').textContent"),
        "Showing all 4 post-mortems"
    );

    choose(&tab, "#pm-f-severity", "SEV1");
    assert_eq!(visible_titles(&tab), ["Charlie", "Alpha"]);
    choose(&tab, "#pm-f-service", "db");
    assert_eq!(visible_titles(&tab), ["Alpha"]);
    assert_eq!(
        tab.eval("document.getElementById('pm-count').textContent"),
        "Showing 1 of 4 post-mortems"
    );
    // The filter state is in the URL, so a filtered view can be shared.
    let search = tab.eval("location.search");
    assert_eq!(search, "?severity=SEV1&service=db");

    tab.click(".pm-reset");
    tab.wait_until(
        "document.getElementById('pm-count').textContent === 'Showing all 4 post-mortems'",
    );
    choose(&tab, "#pm-f-category", "config");
    assert_eq!(visible_titles(&tab), ["Charlie", "Alpha"]);
    choose(&tab, "#pm-f-category", "");
    choose(&tab, "#pm-f-year", "2024");
    assert_eq!(visible_titles(&tab), ["Bravo", "Alpha"]);
    choose(&tab, "#pm-f-year", "");

    // Sorting by impact: longest first, then shortest first; aria-sort follows.
    tab.click("th[data-sort=duration] button");
    assert_eq!(visible_titles(&tab), ["Delta", "Bravo", "Alpha", "Charlie"]);
    assert_eq!(
        tab.eval("document.querySelector('th[data-sort=duration]').getAttribute('aria-sort')"),
        "descending"
    );
    assert_eq!(
        tab.eval("document.querySelector('th[data-sort=date]').hasAttribute('aria-sort')"),
        serde_json::Value::Bool(false)
    );
    tab.click("th[data-sort=duration] button");
    assert_eq!(visible_titles(&tab), ["Charlie", "Alpha", "Bravo", "Delta"]);
    tab.click("th[data-sort=title] button");
    assert_eq!(visible_titles(&tab), ["Alpha", "Bravo", "Charlie", "Delta"]);
    tab.click("th[data-sort=rank] button");
    let by_severity = visible_titles(&tab);
    assert_eq!(by_severity[2..], ["Bravo", "Delta"]);

    // Opening a shared URL applies its filters.
    let tab = browser.open(&server.url("postmortems/?year=2025&severity=SEV3"));
    tab.wait_for("#pm-filters:not([hidden])");
    assert_eq!(visible_titles(&tab), ["Delta"]);
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
}

#[test]
fn catalog_without_javascript_lists_everything() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = fixture();
    let out = site.build();
    let server = common::serve(&out);
    let tab = browser.blank_tab();
    tab.set_javascript(false);
    tab.goto(&server.url("postmortems/?severity=SEV1"));
    tab.wait_for("#pm-catalog");
    // eval works with page scripts off: it inspects what a reader sees.
    assert_eq!(visible_titles(&tab), ["Delta", "Charlie", "Bravo", "Alpha"]);
    assert_eq!(
        tab.eval("getComputedStyle(document.getElementById('pm-filters')).display"),
        "none"
    );
    // The page says why there are no filters.
    assert_eq!(
        tab.eval("document.getElementById('pm-nojs-note').hidden"),
        serde_json::Value::Bool(false)
    );
}

/// In print, a post-mortem keeps its timeline (rail and milestones drawn with borders, so
/// they print without background graphics) and drops the site chrome.
#[test]
fn postmortem_prints_its_timeline() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.blank_tab();
    tab.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({ "media": "print" }),
    );
    tab.goto(&server.url("postmortems/fastly-2021-06-08/"));
    tab.wait_for(".pm-timeline");
    let shown = |sel: &str| {
        tab.eval(&format!(
            "getComputedStyle(document.querySelector('{sel}')).display"
        ))
    };
    assert_eq!(shown(".site-header"), "none");
    assert_eq!(shown(".toc"), "none");
    assert_eq!(shown(".pm-timeline"), "block");
    // The rail is a border, not a background.
    assert_eq!(
        tab.eval(
            "getComputedStyle(document.querySelector('.pm-timeline'), '::before').borderLeftStyle"
        ),
        "solid"
    );
    let entries = tab.eval("document.querySelectorAll('.pm-timeline .pm-event').length");
    assert_eq!(entries, 9);
    tab.screenshot_full_page(
        &common::browser::target_dir().join("screenshots/postmortem-print.png"),
    );
}
