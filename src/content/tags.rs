//! The site's tags, from every page's `tags:`, whatever its kind: each tag's address
//! (`tags/<slug>/`), the name it is shown by and the pages carrying it. Read by the tag
//! pages, the tag links on each page and the sitemap; search files pages under the same
//! slugs.
//!
//! Tags whose names slugify alike (`On-call`, `on call`, `on-call`) are one tag: they would
//! share an address, and a reader means one thing by them. It is shown by the spelling most
//! pages use (the first one met, on a tie), and every other spelling gets a warning at its
//! position so the author can make them agree. A tag with no letter or digit has no address
//! and is an error; so is a page whose own address is under `tags/` when the site has tags.

use std::collections::{BTreeMap, HashMap};

use crate::content::positions::FrontMatterPositions;
use crate::content::{Page, PageId, slugify};
use crate::diagnostics::Diagnostics;

/// Where the tag pages live, relative to the site root.
pub const TAGS_URL: &str = "tags/";

/// One tag and the pages carrying it.
#[derive(Debug, Clone)]
pub struct Tag {
    pub slug: String,
    /// The spelling shown (see the module docs).
    pub name: String,
    /// Pages carrying the tag, each once, in page order.
    pub pages: Vec<PageId>,
}

impl Tag {
    /// The tag page's address relative to the site root (`tags/on-call/`).
    pub fn url(&self) -> String {
        tag_url(&self.slug)
    }
}

/// The address of the tag page of `slug`, relative to the site root.
pub fn tag_url(slug: &str) -> String {
    format!("{TAGS_URL}{slug}/")
}

/// The slug a tag name files under: the same words as a page address.
pub fn tag_slug(name: &str) -> String {
    slugify(name)
}

/// Every tag of the site, by name.
#[derive(Debug, Default)]
pub struct TagIndex {
    /// Sorted by name, case-insensitively.
    tags: Vec<Tag>,
    by_slug: HashMap<String, usize>,
}

/// The pages using one spelling of a tag.
type Spelling<'a> = (&'a str, Vec<PageId>);

/// A slug's spellings, in first-seen order, and the pages carrying any of them.
#[derive(Default)]
struct Found<'a> {
    spellings: Vec<Spelling<'a>>,
    pages: Vec<PageId>,
}

impl TagIndex {
    /// The tags of `pages`; problems go into `diags`.
    pub fn new(pages: &[Page], diags: &mut Diagnostics) -> TagIndex {
        let mut found: BTreeMap<String, Found> = BTreeMap::new();
        for (id, page) in pages.iter().enumerate() {
            for name in &page.meta.tags {
                let slug = tag_slug(name);
                if slug.is_empty() {
                    let (line, col) = FrontMatterPositions::new(page).in_key("tags", name);
                    diags.push(page.error(
                        line,
                        col,
                        format!(
                            "the tag `{name}` has no letter or digit, so it has no address: give it a word"
                        ),
                    ));
                    continue;
                }
                let entry = found.entry(slug).or_default();
                if entry.pages.last() != Some(&id) {
                    entry.pages.push(id);
                }
                match entry
                    .spellings
                    .iter_mut()
                    .find(|(s, _)| *s == name.as_str())
                {
                    Some((_, users)) if users.last() == Some(&id) => {}
                    Some((_, users)) => users.push(id),
                    None => entry.spellings.push((name, vec![id])),
                }
            }
        }
        let mut tags: Vec<Tag> = found
            .into_iter()
            .map(|(slug, found)| {
                let shown = found
                    .spellings
                    .iter()
                    .enumerate()
                    .max_by_key(|(i, (_, users))| (users.len(), std::cmp::Reverse(*i)))
                    .map(|(_, (name, _))| name.to_string())
                    .unwrap_or_default();
                warn_other_spellings(pages, &shown, &slug, &found.spellings, diags);
                Tag {
                    slug,
                    name: shown,
                    pages: found.pages,
                }
            })
            .collect();
        tags.sort_by_cached_key(|t| (t.name.to_lowercase(), t.slug.clone()));
        if !tags.is_empty() {
            refuse_pages_under_tags(pages, diags);
        }
        let by_slug = tags
            .iter()
            .enumerate()
            .map(|(i, t)| (t.slug.clone(), i))
            .collect();
        TagIndex { tags, by_slug }
    }

    /// Every tag, by name (case-insensitively).
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// The tag `name` files under, if any page carries it.
    pub fn find(&self, name: &str) -> Option<&Tag> {
        self.by_slug.get(&tag_slug(name)).map(|&i| &self.tags[i])
    }
}

/// A warning at each use of a spelling other than the one shown.
fn warn_other_spellings(
    pages: &[Page],
    shown: &str,
    slug: &str,
    spellings: &[Spelling<'_>],
    diags: &mut Diagnostics,
) {
    for (name, users) in spellings.iter().filter(|(s, _)| *s != shown) {
        for &id in users {
            let page = &pages[id];
            let (line, col) = FrontMatterPositions::new(page).in_key("tags", name);
            diags.push(page.warning(
                line,
                col,
                format!(
                    "the tag `{name}` is listed as `{shown}` (the spelling most pages use): both are {}; write it the same way everywhere",
                    tag_url(slug)
                ),
            ));
        }
    }
}

/// A page at `tags/` or under it would be replaced by a generated tag page.
fn refuse_pages_under_tags(pages: &[Page], diags: &mut Diagnostics) {
    for page in pages
        .iter()
        .filter(|p| p.url.starts_with(TAGS_URL) && !p.source.is_empty())
    {
        diags.push(page.error(
            1,
            1,
            format!(
                "this page's address `{}` is under `{TAGS_URL}`, where the tag pages go; rename its file or folder",
                page.url
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(rel: &str, front: &str) -> Page {
        crate::content::page_from_front_matter(rel, front)
    }

    #[test]
    fn spellings_that_slugify_alike_are_one_tag_shown_as_most_pages_write_it() {
        let pages = vec![
            page("a.md", "title: A\ntags: [On call, databases]"),
            page("b.md", "title: B\ntags: [on-call]"),
            page("c.md", "title: C\ntags:\n  - on-call\n  - Databases"),
            page("d.md", "title: D\ntags: [on-call, On-Call]"),
        ];
        let mut diags = Diagnostics::default();
        let index = TagIndex::new(&pages, &mut diags);
        diags.sort();
        let tags: Vec<(&str, &str, &[PageId])> = index
            .tags()
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.pages.as_slice()))
            .collect();
        assert_eq!(
            tags,
            [
                ("databases", "databases", &[0, 2][..]),
                ("on-call", "on-call", &[0, 1, 2, 3][..])
            ]
        );
        let warnings: Vec<String> = diags.items.iter().map(|d| d.to_string()).collect();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings[0]
                .starts_with("content/a.md:3:8: warning: the tag `On call` is listed as `on-call`"),
            "{warnings:?}"
        );
        assert!(warnings[1].starts_with("content/c.md:5:5:"), "{warnings:?}");
        assert!(
            warnings[2].starts_with("content/d.md:3:17:"),
            "{warnings:?}"
        );
        assert!(!diags.has_errors());
        assert_eq!(
            index.find("ON CALL").map(|t| t.url()),
            Some("tags/on-call/".into())
        );
    }

    #[test]
    fn a_tag_without_a_word_is_an_error_at_its_position() {
        let pages = vec![page("a.md", "title: A\ntags: [ok, \"!!!\"]")];
        let mut diags = Diagnostics::default();
        let index = TagIndex::new(&pages, &mut diags);
        assert_eq!(index.tags().len(), 1);
        let e = diags.items[0].to_string();
        assert!(
            e.starts_with("content/a.md:3:13: error: the tag `!!!`"),
            "{e}"
        );
    }

    #[test]
    fn pages_under_tags_are_refused_only_when_there_are_tags() {
        let under = page("tags/mine.md", "title: Mine");
        let mut diags = Diagnostics::default();
        TagIndex::new(std::slice::from_ref(&under), &mut diags);
        assert!(diags.items.is_empty());
        let pages = vec![under, page("a.md", "title: A\ntags: [x]")];
        TagIndex::new(&pages, &mut diags);
        assert!(
            diags.items[0]
                .to_string()
                .contains("`tags/mine/` is under `tags/`"),
            "{}",
            diags.items[0]
        );
    }
}
