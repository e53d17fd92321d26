//! Stage 4: the static search index. Built from the text the Markdown stage already
//! extracted (no HTML re-parsing), written as script files the browser loads on demand,
//! plus the `/search/` page. `[search] enabled = false` turns all of it off.

pub mod index;
pub mod query;
pub mod shards;
pub mod state;
pub mod tokenize;

use crate::kinds::kind::GeneratedPage;
use crate::linking::LinkedSite;
pub use state::SearchState;

/// Every file of the search index, built in one go (a one-shot build).
pub fn search_files(site: &LinkedSite) -> Vec<(String, Vec<u8>)> {
    if !site.config.search.enabled {
        return Vec::new();
    }
    let index = index::build_index(&site.pages, &site.bodies);
    shards::index_files(&index)
}

/// The search index of `site` for `serve`, re-analysing only the pages whose body is not
/// the same `Arc` as in `previous` (the last build's). `None` when search is off.
pub fn search_state(site: &LinkedSite, previous: Option<&SearchState>) -> Option<SearchState> {
    site.config
        .search
        .enabled
        .then(|| SearchState::build(&site.pages, &site.bodies, previous))
}

/// The shareable results page, `search/?q=…`.
pub fn search_page(site: &LinkedSite) -> Option<GeneratedPage> {
    site.config.search.enabled.then(|| GeneratedPage {
        url: "search/".into(),
        template: "search.html",
        title: "Search".into(),
        summary: Some(format!("Search {}", site.config.book.title)),
        context: serde_json::json!({}),
    })
}

#[cfg(test)]
mod tests;
