//! Body rendering with glossary term links, wikilinks and relative links: the input is the
//! Markdown body of a plain page in a small site with glossary terms.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let text = format!("---\ntitle: Fuzzed\n---\n{body}");
    let Some(page) = common::parse("notes/fuzzed.md", &text) else {
        return;
    };
    common::link_with(page);
});
