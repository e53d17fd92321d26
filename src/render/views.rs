//! What templates see: plain serializable views of the site and its pages.

use serde::Serialize;

use crate::content::{KindData, Page, PageKind};
use crate::links::BacklinkGroups;
use crate::markdown::TocEntry;

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub authors: Vec<String>,
    pub base_path: String,
    pub search_enabled: bool,
    pub additional_css: Vec<String>,
    pub nav: Vec<NavItem>,
    pub live_reload: bool,
    pub generator: &'static str,
}

/// A top-level entry in the site's navigation.
pub use crate::kinds::kind::NavItem;

/// A page as a list entry (section listings, backlinks, related terms).
#[derive(Debug, Clone, Serialize)]
pub struct PageRef {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub kind: PageKind,
    pub kind_label: &'static str,
    pub date: Option<String>,
    pub tags: Vec<String>,
}

impl PageRef {
    pub fn of(page: &Page) -> PageRef {
        PageRef {
            title: page.meta.title.clone(),
            url: page.url.clone(),
            summary: page.meta.summary.clone(),
            kind: page.kind,
            kind_label: page.kind.label().0,
            date: page.meta.date.map(|d| d.to_string()),
            tags: page.meta.tags.clone(),
        }
    }
}

/// A glossary term a page links to. Borrowed, as a page may link to dozens of terms.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub summary: Option<&'a str>,
}

impl<'a> TermRef<'a> {
    pub fn of(page: &'a Page) -> TermRef<'a> {
        TermRef {
            title: &page.meta.title,
            url: &page.url,
            summary: page.meta.summary.as_deref(),
        }
    }
}

/// Everything a page template renders.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub tags: &'a [String],
    pub date: Option<String>,
    pub kind: PageKind,
    pub kind_label: &'static str,
    pub url: &'a str,
    /// The body rendered to HTML.
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub backlinks: BacklinkGroups<'a>,
    pub related: Vec<PageRef>,
    /// Glossary terms this page links to, automatically or explicitly, in glossary order.
    pub terms_used: Vec<TermRef<'a>>,
    /// The page's kind-specific front matter as written.
    pub data: &'a KindData,
    /// The page's `extra:` front matter as written: a team's own values, not validated.
    pub extra: &'a serde_json::Value,
    /// Kind-specific values computed at build time (metrics, parsed dialogue, ...).
    pub derived: serde_json::Value,
    pub source_path: String,
    pub edit_url: Option<String>,
    /// Words in the body, for a reading-time estimate.
    pub word_count: usize,
    /// The body has a Mermaid diagram: the page loads the diagram library.
    pub diagrams: bool,
    /// The date of the last git commit touching the page's file (`YYYY-MM-DD`).
    pub updated: Option<String>,
    /// Fields `book.toml` declares for the page's kind, in declared order (the fact box).
    pub fields: Vec<FieldView<'a>>,
}

/// A declared field as the fact box shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView<'a> {
    pub name: &'a str,
    /// The name as a label: `last_tested` → "Last tested".
    pub label: String,
    #[serde(rename = "type")]
    pub ty: crate::config::FieldType,
    pub value: &'a crate::content::declared::FieldValue,
    /// A `text` field's value with term links, as HTML.
    pub html: Option<&'a str>,
    /// The pages a `page`/`pages` field names.
    pub pages: Vec<PageRef>,
}

/// A letter of the glossary's A–Z index.
#[derive(Debug, Clone, Serialize)]
pub struct LetterGroup {
    pub letter: String,
    pub pages: Vec<PageRef>,
}

/// A section page's listing.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub name: String,
    pub pages: Vec<PageRef>,
    /// Only for the glossary: its terms by first letter.
    pub letters: Vec<LetterGroup>,
}
