//! The site in memory, handed from stage to stage: pages, their rendered bodies, links and
//! what each feature derived from them. Built by [`crate::linking`], indexed for search by
//! [`crate::pipeline::index_for_search`], rendered by [`crate::render::outputs`].

use std::sync::Arc;

use crate::config::Config;
use crate::content::{Page, PageId};
use crate::linking::FrontData;
use crate::markdown::RenderedBody;

/// The whole site in memory after the content stages, ready to render.
pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    /// Shared so that `serve` can reuse the bodies of unchanged pages across rebuilds.
    pub bodies: Vec<Arc<RenderedBody>>,
    /// Pages linking to each page (written or automatic links), each once.
    pub backlinks: crate::links::Backlinks,
    /// Related glossary terms of each page, symmetric.
    pub related: Arc<Vec<Vec<PageId>>>,
    pub postmortems: Arc<crate::postmortems::Catalog>,
    pub training: Arc<crate::training::Training>,
    /// What the link stage derived from front matter alone; `serve` passes it to the next
    /// build while no front matter changes.
    pub front: Arc<FrontData>,
    /// The search index, when `serve` keeps it between builds (see [`index_for_search`]);
    /// a one-shot build indexes while it writes the files instead.
    pub search: Option<Arc<crate::search::SearchState>>,
}

/// A page the build makes from site data rather than from a Markdown file
/// (insights, flashcards, the search page, ...).
pub struct GeneratedPage {
    /// Output folder relative to the site root, ending in `/` (`postmortems/insights/`).
    pub url: String,
    pub template: &'static str,
    pub title: String,
    pub summary: Option<String>,
    /// Extra template variables: each key of this object becomes a template variable.
    pub context: serde_json::Value,
}

/// A file's path under the site root and its bytes (shared, so `serve` can keep them).
pub type OutputFile = (String, Arc<[u8]>);
