//! `hindsight serve` in a real browser: a page open beside the editor follows every save
//! without any action: new text appears (keeping the scroll position), a stylesheet swaps
//! in place, a broken save shows the error overlay and the fix clears it, and a deleted
//! page sends its tab to its section.

mod common;

use common::browser::Browser;
use hindsight::serve::start;

fn long_body(words: &str) -> String {
    (0..80)
        .map(|i| format!("Paragraph {i} about the runbook and {words}.\n\n"))
        .collect()
}

#[test]
fn open_page_follows_saves_without_any_action() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let site = common::FixtureSite::new()
        .file(
            "content/glossary/runbook.md",
            &format!(
                "---\ntitle: Runbook\nsummary: A written procedure.\n---\n\n{}",
                long_body("first words")
            ),
        )
        .file(
            "content/glossary/toil.md",
            "---\ntitle: Toil\nsummary: Manual, repetitive work.\n---\n\nToil body.\n",
        )
        .file(
            "static/live.css",
            "main { border-top: 1px solid rgb(1, 2, 3); }\n",
        )
        .file(
            "book.toml",
            "[book]\ntitle = \"Live KB\"\n\n[output.html]\nadditional-css = [\"live.css\"]\n",
        );
    let server = start(common::quiet_serve_options(site.root())).expect("server starts");
    // Navigate without waiting for `load` through the harness: the page opens its event
    // stream on `load`, and we wait for that stream instead.
    let tab = browser.blank_tab();
    tab.call(
        "Page.navigate",
        serde_json::json!({ "url": format!("{}glossary/runbook/", server.url()) }),
    );
    tab.wait_for("main");
    // The live-reload connection is open before we save.
    tab.wait_until("window.hindsightLiveReload === 'open'");

    // 1. An edit shows up by itself, at the same scroll position.
    tab.eval("window.scrollTo(0, 600); window.scrollY");
    let before = tab.eval("window.scrollY").as_f64().unwrap();
    assert!(before > 0.0, "the page is long enough to scroll");
    site.write(
        "content/glossary/runbook.md",
        format!(
            "---\ntitle: Runbook\nsummary: A written procedure.\n---\n\n{}",
            long_body("SECOND WORDS")
        ),
    );
    tab.wait_until("document.body && document.body.textContent.includes('SECOND WORDS')");
    let start = std::time::Instant::now();
    while tab.eval(&format!("Math.abs(window.scrollY - {before}) < 2")) != true {
        if start.elapsed() > std::time::Duration::from_secs(10) {
            panic!(
                "scroll not kept: {}",
                tab.eval("JSON.stringify([window.scrollY, document.body.scrollHeight, Object.assign({}, sessionStorage), history.scrollRestoration])")
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    tab.wait_until("window.hindsightLiveReload === 'open'");

    // 2. A stylesheet-only change applies without reloading the page.
    tab.eval("window.__stillHere = true");
    site.write(
        "static/live.css",
        "main { border-top: 1px solid rgb(9, 8, 7); }\n",
    );
    tab.wait_until(
        "getComputedStyle(document.querySelector('main')).borderTopColor === 'rgb(9, 8, 7)'",
    );
    assert_eq!(
        tab.eval("window.__stillHere === true"),
        true,
        "the page reloaded"
    );

    // 3. A broken save shows the overlay with the error's place and source line ...
    site.write(
        "content/glossary/runbook.md",
        "---\ntitle: [Runbook\nsummary: A written procedure.\n---\n\nBroken.\n",
    );
    tab.wait_for("#hindsight-error-overlay");
    let overlay =
        tab.eval("document.getElementById('hindsight-error-overlay').shadowRoot.textContent");
    let overlay = overlay.as_str().unwrap_or_default();
    assert!(
        overlay.contains("content/glossary/runbook.md:2:") && overlay.contains("title: [Runbook"),
        "overlay text: {overlay}"
    );
    // A caret marks the column under the source line.
    let caret = tab.eval(
        "(() => { const root = document.getElementById('hindsight-error-overlay').shadowRoot;
           const pre = root.querySelector('pre'); const c = root.querySelector('.caret');
           return c && pre.textContent.split('\\n')[1]; })()",
    );
    assert!(
        caret.as_str().is_some_and(|c| c.ends_with('^')),
        "caret line: {caret}"
    );
    assert_eq!(
        tab.eval("document.querySelector('[role=alert]') === null"),
        true,
        "the overlay lives in its own shadow root, apart from the page"
    );
    // ... and the fix clears it by itself.
    site.write(
        "content/glossary/runbook.md",
        "---\ntitle: Runbook\nsummary: A written procedure.\n---\n\nFixed body.\n",
    );
    tab.wait_until("!document.getElementById('hindsight-error-overlay') && document.body.textContent.includes('Fixed body.')");

    tab.wait_until("window.hindsightLiveReload === 'open'");
    // 4. Deleting the open page sends the tab to its section page.
    std::fs::remove_file(site.root().join("content/glossary/runbook.md")).unwrap();
    tab.wait_until("location.pathname === '/glossary/'");
    tab.wait_until("document.body && document.body.textContent.includes('Toil')");
    assert!(
        tab.js_errors().is_empty(),
        "JavaScript errors: {:?}",
        tab.js_errors()
    );
    server.stop();
}
