//! ```mermaid blocks: drawn as SVG by the vendored library, offline, on the pages that have
//! one; shown as their source without JavaScript; and the library is neither written into a
//! site without diagrams nor loaded by a page without one.

mod common;

use common::FixtureSite;
use common::browser::Browser;

const FLOW: &str = "---\ntitle: Deploy flow\n---\n\nHow a change ships:\n\n```mermaid\ngraph TD\n  A[Merge] --> B[Canary]\n  B --> C{Errors up?}\n  C -->|yes| D[Roll back]\n  C -->|no| E[Full rollout]\n```\n";

fn site() -> FixtureSite {
    FixtureSite::with_files(&[
        ("content/index.md", "---\ntitle: Home\n---\n\nHello.\n"),
        ("content/deploy-flow.md", FLOW),
        (
            "content/plain.md",
            "---\ntitle: Plain\n---\n\nNo diagram.\n",
        ),
    ])
}

#[test]
fn the_library_ships_only_with_diagrams_and_loads_only_where_one_is() {
    let with = site();
    let out = with.build();
    assert!(out.join("vendor/mermaid/mermaid.min.js").is_file());
    assert!(out.join("vendor/mermaid/LICENSE").is_file());
    assert!(!out.join("vendor/mermaid/README.md").exists());
    let page = std::fs::read_to_string(out.join("deploy-flow/index.html")).unwrap();
    assert!(
        page.contains("../vendor/mermaid/mermaid.min.js"),
        "relative, works from disk"
    );
    assert!(page.contains("<pre class=\"mermaid\">graph TD"));
    let plain = std::fs::read_to_string(out.join("plain/index.html")).unwrap();
    assert!(!plain.contains("mermaid.min.js"));

    let without =
        FixtureSite::with_files(&[("content/index.md", "---\ntitle: Home\n---\n\nHi.\n")]);
    let out = without.build();
    assert!(!out.join("vendor").exists());
    assert!(!out.join("diagrams.js").exists());
}

#[test]
fn a_diagram_draws_with_javascript_and_reads_as_source_without() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let fixture = site();
    let server = common::serve(&fixture.build());
    let tab = browser.open(&server.url("deploy-flow/"));
    tab.wait_until("!!document.querySelector('pre.mermaid svg')");
    let labels = tab.eval("document.querySelector('pre.mermaid svg').textContent");
    let labels = labels.as_str().unwrap();
    assert!(
        labels.contains("Canary") && labels.contains("Roll back"),
        "{labels}"
    );
    assert!(
        tab.failed_requests().is_empty(),
        "{:?}",
        tab.failed_requests()
    );
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());

    let tab = browser.blank_tab();
    tab.set_javascript(false);
    tab.goto(&server.url("deploy-flow/"));
    let text = tab.eval("document.querySelector('pre.mermaid').innerText");
    assert!(
        text.as_str().unwrap().contains("A[Merge] --> B[Canary]"),
        "{text}"
    );
}
