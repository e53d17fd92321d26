//! axe-core, the accessibility engine, run inside pages of the browser harness.
//!
//! axe-core comes from npm into `target/npm/` (`.ci/run` installs it; a test installs it
//! on first use if npm is there) and is injected into the page by the test: no CDN.
//!
//! ```ignore
//! let Some(_) = common::axe::source() else { return }; // skipped (reason printed) outside CI
//! let tab = browser.open(&server.url(""));
//! let serious = common::axe::serious_violations(&tab); // Vec<String>, one per rule
//! assert!(serious.is_empty(), "{}", serious.join("\n"));
//! ```

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use super::browser::{Tab, skip_notice, target_dir};

/// The axe-core release the tests use (kept in step with `.ci/run`).
pub const AXE_VERSION: &str = "4.14.1";

fn axe_file() -> PathBuf {
    target_dir().join("npm/node_modules/axe-core/axe.min.js")
}

/// The source of `axe.min.js`, installing it with npm on first use.
///
/// `None` (with the reason printed) when it cannot be had, unless `CI=true`, where it
/// panics: like the browser, axe-core must never be skipped on CI.
pub fn source() -> Option<&'static str> {
    static SOURCE: OnceLock<Result<String, String>> = OnceLock::new();
    match SOURCE.get_or_init(load) {
        Ok(s) => Some(s),
        Err(reason) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("CI=true but axe-core is not available: {reason}");
            }
            skip_notice(&format!("skipping accessibility tests: {reason}"));
            None
        }
    }
}

fn load() -> Result<String, String> {
    let file = axe_file();
    let manifest = file.with_file_name("package.json");
    let installed = std::fs::read_to_string(&manifest)
        .is_ok_and(|m| m.contains(&format!("\"version\": \"{AXE_VERSION}\"")));
    if !installed || !file.is_file() {
        let prefix = target_dir().join("npm");
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(format!("axe-core@{AXE_VERSION}"))
            .status();
        if !status.as_ref().is_ok_and(|s| s.success()) {
            return Err(format!(
                "axe-core is missing at {} and `npm install axe-core@{AXE_VERSION}` failed \
                 ({status:?}); run .ci/run or install nodejs and npm",
                file.display()
            ));
        }
    }
    std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))
}

/// Runs axe-core on the page as it is now and returns its serious and critical violations,
/// one line each: `rule (impact): help — selectors`.
pub fn serious_violations(tab: &Tab) -> Vec<String> {
    if tab.eval("typeof window.axe") != "object" {
        let axe = source().expect("check common::axe::source() before running axe");
        tab.eval(&format!("{axe};0"));
    }
    let result = tab.eval(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
           .filter(v => v.impact === 'serious' || v.impact === 'critical')
           .map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                     v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ') +
                     (v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : '')))",
    );
    result
        .as_array()
        .unwrap_or_else(|| panic!("axe.run returned {result}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}
