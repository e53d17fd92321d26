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
