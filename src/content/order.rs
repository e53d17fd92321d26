//! The order of the pages within each section, decided once from front matter and read by
//! everything that lists a section (its index page, a page's previous/next links, the
//! post-mortem catalog), so they all agree. `weight` comes first: pages with one, lowest
//! first, before pages without one (as in Hugo). Then each section's natural order, as its
//! kind's description says ([`Listing`]): newest first (post-mortems), or by title. An A–Z
//! index (the glossary) keeps its pages under their letter, `weight` ordering them within it.
//!
//! A section is a page's top folder under the content dir (top-level pages form the root
//! section, `""`); the home page and section pages are not in any section's list.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::content::kinds::Listing;
use crate::content::{Page, PageId, PageKind};

/// Each section's pages in order, and each page's place.
#[derive(Debug, Default)]
pub struct SectionOrder {
    /// Section name (top folder) → its pages, in order.
    sections: HashMap<String, Vec<PageId>>,
    /// Section name → the page introducing it (its `_index.md`, or the synthetic one).
    intros: HashMap<String, PageId>,
    /// Each page's place in its section's list; `None` for the home page and sections.
    place: Vec<Option<usize>>,
}

/// A page's previous and next pages in its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Neighbours {
    pub previous: Option<PageId>,
    pub next: Option<PageId>,
    /// The page introducing the section, when there is one.
    pub section: Option<PageId>,
}

impl SectionOrder {
    pub fn new(pages: &[Page]) -> SectionOrder {
        let mut sections: HashMap<String, Vec<PageId>> = HashMap::new();
        let mut intros = HashMap::new();
        for (id, page) in pages.iter().enumerate() {
            match page.kind {
                PageKind::Home => {}
                PageKind::Section if is_top_section(page) => {
                    intros.insert(page.section.clone(), id);
                }
                PageKind::Section => {}
                _ => sections.entry(page.section.clone()).or_default().push(id),
            }
        }
        let mut place = vec![None; pages.len()];
        for list in sections.values_mut() {
            let keys: HashMap<PageId, SortKey> = list
                .iter()
                .map(|&id| (id, SortKey::of(&pages[id])))
                .collect();
            list.sort_by(|a, b| keys[a].cmp(&keys[b]).then(a.cmp(b)));
            for (i, &id) in list.iter().enumerate() {
                place[id] = Some(i);
            }
        }
        SectionOrder {
            sections,
            intros,
            place,
        }
    }

    /// The pages of `section` (a top folder name; `""` for top-level pages), in order.
    pub fn pages(&self, section: &str) -> &[PageId] {
        self.sections.get(section).map_or(&[], Vec::as_slice)
    }

    /// Page `id`'s place in its section, from 0; `None` for the home page and sections.
    pub fn place(&self, id: PageId) -> Option<usize> {
        self.place.get(id).copied().flatten()
    }

    /// The pages before and after `id` in its section.
    pub fn neighbours(&self, pages: &[Page], id: PageId) -> Neighbours {
        let Some(i) = self.place(id) else {
            return Neighbours::default();
        };
        let list = self.pages(&pages[id].section);
        Neighbours {
            previous: i.checked_sub(1).map(|p| list[p]),
            next: list.get(i + 1).copied(),
            section: self.intros.get(&pages[id].section).copied(),
        }
    }
}

/// Whether a section page introduces a top folder (`glossary/`), not a folder inside one.
fn is_top_section(page: &Page) -> bool {
    !page.url.trim_end_matches('/').contains('/')
}

/// The letter a glossary term is listed under in the A–Z index: its first character
/// upper-cased, or `#` when that is not a letter.
pub fn index_letter(title: &str) -> String {
    let letter = title
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    if !letter.is_empty() && letter.chars().all(char::is_alphabetic) {
        letter
    } else {
        "#".into()
    }
}

/// What a page is sorted by within its section, most significant first.
#[derive(Debug, PartialEq, Eq)]
struct SortKey {
    /// The glossary's index letter; empty elsewhere.
    letter: String,
    /// Pages with a weight first, lowest first.
    weight: (bool, i64),
    /// Newest first where the section is dated (`None` dates last).
    newest: std::cmp::Reverse<Option<jiff::civil::Date>>,
    title: String,
    rel_path: String,
}

impl SortKey {
    fn of(page: &Page) -> SortKey {
        let listing = page
            .kind
            .description()
            .map_or(Listing::ByTitle, |k| k.listing);
        let dated = listing == Listing::NewestFirst;
        SortKey {
            letter: if listing == Listing::ByLetter {
                index_letter(&page.meta.title)
            } else {
                String::new()
            },
            weight: (page.meta.weight.is_none(), page.meta.weight.unwrap_or(0)),
            newest: std::cmp::Reverse(if dated { page.meta.date } else { None }),
            title: page.meta.title.to_lowercase(),
            rel_path: page.rel_path.clone(),
        }
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        // `#` sorts before letters, and letters in code point order (É after Z).
        self.letter
            .cmp(&other.letter)
            .then(self.weight.cmp(&other.weight))
            .then(self.newest.cmp(&other.newest))
            .then_with(|| self.title.cmp(&other.title))
            .then_with(|| self.rel_path.cmp(&other.rel_path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(rel: &str, front: &str) -> Page {
        crate::content::page_from_front_matter(rel, front)
    }

    fn titles(pages: &[Page], order: &SectionOrder, section: &str) -> Vec<String> {
        order
            .pages(section)
            .iter()
            .map(|&id| pages[id].meta.title.clone())
            .collect()
    }

    #[test]
    fn weight_first_then_title_and_ties_by_title() {
        let pages = vec![
            page("notes/_index.md", "title: Notes"),
            page("notes/c.md", "title: Cedar"),
            page("notes/a.md", "title: apple"),
            page("notes/b.md", "title: Birch\nweight: 2"),
            page("notes/d.md", "title: Ash\nweight: 2"),
            page("notes/e.md", "title: Elm\nweight: -5"),
        ];
        let order = SectionOrder::new(&pages);
        assert_eq!(
            titles(&pages, &order, "notes"),
            ["Elm", "Ash", "Birch", "apple", "Cedar"]
        );
        assert_eq!(order.place(0), None, "the section page is not listed");
        let n = order.neighbours(&pages, 2);
        assert_eq!((n.previous, n.next, n.section), (Some(3), Some(1), Some(0)));
        let first = order.neighbours(&pages, 5);
        assert_eq!((first.previous, first.next), (None, Some(4)));
        let last = order.neighbours(&pages, 1);
        assert_eq!((last.previous, last.next), (Some(2), None));
    }

    #[test]
    fn post_mortems_newest_first_and_glossary_by_letter() {
        let pages = vec![
            page("postmortems/a.md", "title: Old\ndate: 2020-01-01"),
            page("postmortems/b.md", "title: New\ndate: 2024-01-01"),
            page("postmortems/c.md", "title: Undated"),
            page(
                "postmortems/d.md",
                "title: Pinned\ndate: 2019-01-01\nweight: 1",
            ),
            page("glossary/a.md", "title: Zone\nsummary: s\nweight: 1"),
            page("glossary/b.md", "title: Alpha\nsummary: s"),
            page("glossary/c.md", "title: Zebra\nsummary: s"),
            page("glossary/d.md", "title: 5xx\nsummary: s"),
        ];
        let order = SectionOrder::new(&pages);
        assert_eq!(
            titles(&pages, &order, "postmortems"),
            ["Pinned", "New", "Old", "Undated"]
        );
        assert_eq!(
            titles(&pages, &order, "glossary"),
            ["5xx", "Alpha", "Zone", "Zebra"]
        );
    }

    #[test]
    fn index_letters() {
        assert_eq!(index_letter("blast radius"), "B");
        assert_eq!(index_letter("5xx"), "#");
        assert_eq!(index_letter("Éclair"), "É");
        assert_eq!(index_letter(""), "#");
    }
}
