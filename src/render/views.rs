//! What templates see: plain serializable views of the site and its pages.

use serde::Serialize;

use crate::content::{FrontMatter, Page, PageKind};
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
    /// The narrowest viewport (CSS px) at which the header shows every section inline; below
    /// it the sections collapse into a menu. See [`header_fits_from`].
    pub nav_inline_from: u32,
    /// The tags index (`tags/`), when the site has tags.
    pub tags_url: Option<String>,
    /// The URL (from the root) of the glossary terms' tooltips stylesheet
    /// (`terms::tips_stylesheet`), with its version in a published build, when the site has
    /// terms. Linked at the end of the body: it never delays the first paint.
    pub term_tips: Option<String>,
    pub live_reload: bool,
    pub generator: &'static str,
}

/// A top-level entry in the site's navigation.
pub use crate::kinds::kind::NavItem;

/// The viewport width from which the site title, every section link, the search box and
/// the theme toggle fit on one header row of the default theme. Estimated from character
/// counts with generous average glyph widths (system fonts differ), so the nav collapses a
/// little early rather than ever wrapping: a stylesheet cannot measure, and measuring in
/// JavaScript would move the header after it is painted.
pub fn header_fits_from(title: &str, nav: &[NavItem]) -> u32 {
    // theme.css: brand 17px bold (logo 28px + gap), links 15.2px medium with .6rem padding,
    // search box 15rem, toggle 2.3rem, gaps 1.25rem, side padding 1.25rem.
    const BRAND_CHAR: f64 = 10.2;
    const LINK_CHAR: f64 = 8.6;
    let brand = 28.0 + 9.0 + title.chars().count() as f64 * BRAND_CHAR;
    let links: f64 = nav
        .iter()
        .map(|n| n.title.chars().count() as f64 * LINK_CHAR + 19.2 + 4.0)
        .sum();
    let tools = 240.0 + 8.0 + 37.0;
    let chrome = 3.0 * 20.0 + 2.0 * 20.0 + 16.0;
    (brand + links + tools + chrome).ceil() as u32
}

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
    /// What the page shows as its `<h1>`: the `# heading` its body opened with (taken out of
    /// the body), else its title.
    pub heading: &'a str,
    pub summary: Option<&'a str>,
    /// The tags as written.
    pub tags: &'a [String],
    /// Each tag once, by the name it is listed under, with its page.
    pub tag_links: Vec<crate::render::tags::TagLink<'a>>,
    /// The pages before and after this one in its section.
    pub neighbours: Option<NeighboursView>,
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
    pub data: &'a dyn FrontMatter,
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

/// A page's previous and next pages in its section.
#[derive(Debug, Clone, Serialize)]
pub struct NeighboursView {
    /// The section's title.
    pub section: Option<String>,
    pub previous: Option<PageRef>,
    pub next: Option<PageRef>,
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
    pub pages: Vec<IndexTerm>,
}

/// A term in the glossary index, with its other names for the filter.
#[derive(Debug, Clone, Serialize)]
pub struct IndexTerm {
    #[serde(flatten)]
    pub page: PageRef,
    pub aliases: Vec<String>,
    /// The slugs of its tags, for the tag filter.
    pub tag_slugs: Vec<String>,
}

/// A tag and how many pages carry it.
#[derive(Debug, Clone, Serialize)]
pub struct TagCount {
    /// The name it is listed by.
    pub tag: String,
    pub slug: String,
    pub count: usize,
}

/// A section page's listing.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub name: String,
    pub pages: Vec<PageRef>,
    /// Only for the glossary: its terms by first letter.
    pub letters: Vec<LetterGroup>,
    /// Only for the glossary: its tags, most used first.
    pub tags: Vec<TagCount>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nav(titles: &[&str]) -> Vec<NavItem> {
        titles
            .iter()
            .map(|t| NavItem {
                title: t.to_string(),
                url: format!("{}/", t.to_lowercase()),
                summary: None,
                count: 1,
                count_label: "1 entry".into(),
            })
            .collect()
    }

    #[test]
    fn header_fits_later_with_a_longer_title_or_more_sections() {
        let sections = nav(&["Glossary", "Post-mortems", "Scripts", "Guidelines"]);
        let short = header_fits_from("Hindsight", &sections);
        let long = header_fits_from("Platform reliability knowledge base (EU)", &sections);
        assert!(short < long, "{short} {long}");
        // 31 more title characters need at least 31 × 9 px more room.
        assert!(long - short >= 31 * 9, "{short} {long}");
        let more = header_fits_from(
            "Hindsight",
            &nav(&[
                "Glossary",
                "Post-mortems",
                "Scripts",
                "Guidelines",
                "Learning paths",
                "Practice",
            ]),
        );
        assert!(more > short && more < 1440, "{more}");
    }
}
