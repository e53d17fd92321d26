//! The contract every kind implements ([`Kind`]), and what kinds hand to the stages above
//! them: generated pages, output files, navigation entries and their derived data.

use std::any::Any;
use std::sync::Arc;

use serde::Serialize;

use crate::config::BuildOptions;
use crate::content::{KindDescription, Page, PageId, PageKind};
use crate::diagnostics::Diagnostics;
use crate::linking::LinkedSite;

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

/// A top-level entry in the site's navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub count: usize,
    /// "39 entries", "5 activities".
    pub count_label: String,
}

/// What a kind's derived data is computed from besides the config and the build date. A
/// `serve` rebuild keeps the last build's data while none of it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// Every page's front matter (and the site's names and addresses).
    FrontMatter,
    /// Front matter, and the bodies of the pages of these kinds.
    BodiesOf(&'static [KindDescription]),
}

/// Text a page shows beside its Markdown body, under the heading and anchor it has on the
/// page (`""` for the lead, shown first): search makes everything a reader can see on the
/// page findable, and an excerpt can show it.
pub struct ShownText {
    pub heading: std::borrow::Cow<'static, str>,
    pub anchor: &'static str,
    pub text: String,
}

/// The non-empty `parts`, joined, under `heading` and `anchor`; `None` when all are empty.
pub fn shown(heading: &'static str, anchor: &'static str, parts: &[&str]) -> Option<ShownText> {
    let text = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(ShownText {
        heading: heading.into(),
        anchor,
        text,
    })
}

/// What search filters a page by beyond its kind and tags.
#[derive(Debug, Clone, Default)]
pub struct SearchFacets {
    pub severity: Option<String>,
    pub services: Vec<String>,
}

/// What one kind derived from the whole site in one build, and the problems it found
/// (given again to every build that reuses it). Each kind reads back its own type.
pub struct DerivedKind {
    data: Box<dyn Any + Send + Sync>,
    pub diags: Diagnostics,
}

impl DerivedKind {
    pub fn new<T: Any + Send + Sync>(data: T, diags: Diagnostics) -> DerivedKind {
        DerivedKind {
            data: Box::new(data),
            diags,
        }
    }

    /// The data, when it is a `T` (always, for the kind that derived it).
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.data.downcast_ref()
    }
}

/// A kind of content plugged into the pipeline. Every method but [`Kind::name`],
/// [`Kind::reads`] and [`Kind::derive`] has a default that adds nothing.
pub trait Kind: Sync {
    /// Names the kind's derived values in templates (`page.derived.<name>`) and its outputs.
    fn name(&self) -> &'static str;

    /// The kinds of page it brings, each described for content loading (its folder,
    /// template, labels, front matter and the text of a new page).
    fn page_kinds(&self) -> &'static [KindDescription] {
        &[]
    }

    /// What [`Kind::derive`] reads, so `serve` knows when to derive again.
    fn reads(&self) -> Reads;

    /// Validates the kind's pages against the whole site and derives its data.
    fn derive(&self, site: &LinkedSite, options: &BuildOptions) -> DerivedKind;

    /// Ids that pages have beyond their body's headings, so links to them are checked.
    fn anchors(&self, _derived: &DerivedKind, _add: &mut dyn FnMut(PageId, String)) {}

    /// Template values for page `id`, as `page.derived.<name>`; `None` when it has none.
    fn page_derived(
        &self,
        _site: &LinkedSite,
        _derived: &DerivedKind,
        _id: PageId,
    ) -> Option<serde_json::Value> {
        None
    }

    /// Pages the kind generates from site data.
    fn generated_pages(&self, _site: &LinkedSite, _derived: &DerivedKind) -> Vec<GeneratedPage> {
        Vec::new()
    }

    /// Files the kind writes besides pages (feeds, data files).
    fn files(&self, _site: &LinkedSite, _derived: &DerivedKind) -> Vec<(String, Vec<u8>)> {
        Vec::new()
    }

    /// An entry the kind adds to the navigation after the sections.
    fn nav(&self, _pages: &[Page]) -> Option<NavItem> {
        None
    }

    /// Lists of pages the home page shows, each under the name of its template variable
    /// (`recent_postmortems`).
    fn home_lists(&self, _pages: &[Page]) -> Vec<(&'static str, Vec<PageId>)> {
        Vec::new()
    }

    /// Whether pages of `kind` show data this kind made from other pages' bodies (`serve`
    /// then renders them again whenever the derived data changes).
    fn shows_other_bodies(&self, _kind: PageKind) -> bool {
        false
    }

    /// Front-matter prose of `page` that gets term links with its body, in the order the
    /// page shows it; `true` for prose shown above the body.
    fn prose<'p>(&self, _page: &'p Page) -> Vec<(bool, &'p str)> {
        Vec::new()
    }

    /// What `page` shows of its front matter beside its body, by section, when it is a page
    /// of this kind (`None` otherwise: search then takes its summary).
    fn shown_text(&self, _page: &Page) -> Option<Vec<Option<ShownText>>> {
        None
    }

    /// Search facets of `page`, when it is a page of this kind that has some.
    fn search_facets(&self, _page: &Page) -> Option<SearchFacets> {
        None
    }

    /// How much of a paragraph's plain text is words to search and quote (a script line's
    /// trailing technique tag is markup, not words).
    fn searchable_len(&self, _page: &Page, text: &str) -> usize {
        text.len()
    }
}
