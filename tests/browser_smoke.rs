//! Smoke test of the shared browser harness on the bundled site: the home page loads with
//! its title, and the theme toggle switches between light and dark.

mod common;

use common::browser::Browser;

#[test]
fn home_page_loads_and_theme_toggle_switches_modes() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.open(&server.url(""));
    tab.set_color_scheme("light");

    let title = tab.eval("document.title");
    let title = title.as_str().unwrap_or_default();
    assert!(
        title.starts_with("Hindsight"),
        "home page title is {title:?}"
    );

    let theme = "document.documentElement.dataset.theme || null";
    assert_eq!(
        tab.eval(theme),
        serde_json::Value::Null,
        "no theme before a click"
    );
    tab.wait_for("#theme-toggle");
    tab.click("#theme-toggle");
    assert_eq!(tab.eval(theme), "dark");
    assert_eq!(
        tab.eval("document.getElementById('theme-toggle').getAttribute('aria-pressed')"),
        "true"
    );
    // The dark palette really applies: the body background turns dark.
    let bg = tab.eval("getComputedStyle(document.body).backgroundColor");
    assert_ne!(
        bg, "rgb(255, 255, 255)",
        "body background stayed white in dark mode"
    );
    tab.click("#theme-toggle");
    assert_eq!(tab.eval(theme), "light");
    // The choice is remembered across pages.
    tab.goto(&server.url("glossary/"));
    assert_eq!(tab.eval(theme), "light");
    assert!(
        tab.js_errors().is_empty(),
        "JavaScript errors: {:?}",
        tab.js_errors()
    );
}

/// The harness's input calls behave like a person at a keyboard and mouse, so feature tests
/// (search, practice mode) can rely on them.
#[test]
fn harness_types_presses_keys_clicks_and_hovers_like_a_person() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = common::FixtureSite::new().file(
        "content/input.md",
        "---\ntitle: Input\nsummary: Input test.\n---\n\
         <p><input id=\"q\" aria-label=\"Query\"> <span id=\"target\" tabindex=\"0\">hover me</span></p>\n\n\
         <script>\n\
         window.seen = [];\n\
         const q = document.getElementById('q');\n\
         q.addEventListener('keydown', e => seen.push('down:' + e.key));\n\
         q.addEventListener('input', () => seen.push('input:' + q.value));\n\
         q.addEventListener('click', () => seen.push('click'));\n\
         document.getElementById('target').addEventListener('mouseover', () => seen.push('hover'));\n\
         </script>\n",
    );
    let server = common::serve(&site.build());
    let tab = browser.open(&server.url("input/"));
    tab.click("#q");
    assert_eq!(tab.eval("document.activeElement.id"), "q");
    tab.type_text("abc");
    tab.press_key("Backspace");
    tab.press_key("Enter");
    tab.press_key("Shift+Tab");
    tab.hover("#target");
    assert_eq!(tab.eval("document.getElementById('q').value"), "ab");
    let seen: Vec<String> = serde_json::from_value(tab.eval("seen")).expect("a list");
    assert_eq!(
        seen,
        [
            "click",
            "down:a",
            "input:a",
            "down:b",
            "input:ab",
            "down:c",
            "input:abc",
            "down:Backspace",
            "input:ab",
            "down:Enter",
            "down:Tab",
            "hover"
        ]
    );
    assert_ne!(
        tab.eval("document.activeElement.id"),
        "q",
        "Shift+Tab moved focus"
    );

    // Scripts off: the page's own scripts do not run, but eval still does.
    let off = browser.blank_tab();
    off.set_javascript(false);
    off.goto(&server.url("input/"));
    assert_eq!(off.eval("typeof window.seen"), "undefined");

    let shot = common::browser::target_dir().join("screenshots/harness-input.png");
    tab.screenshot(&shot);
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 1000));
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
    assert!(
        tab.failed_requests().is_empty(),
        "{:?}",
        tab.failed_requests()
    );
}
