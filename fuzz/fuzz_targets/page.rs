//! Front matter and page parsing of every kind, then the link stage with a small site: the
//! first byte picks the folder (and so the kind), the first line is the file name, the rest
//! is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let (name, text) = input.split_once('\n').unwrap_or(("page", input));
    if name.contains('/') || name.is_empty() {
        return;
    }
    let folder = common::FOLDERS[pick as usize % common::FOLDERS.len()];
    let rel = format!("{folder}{name}.md");
    let Some(page) = common::parse(&rel, text) else {
        return;
    };
    assert!(!page.url.contains("//"), "empty segment in {:?}", page.url);
    assert!(!page.meta.title.contains('\0'), "NUL in the title");
    common::link_with(page);
});
