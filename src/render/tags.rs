//! The tag pages, made from the site's [`TagIndex`] whatever the kinds of the tagged pages:
//! `tags/` lists every tag with how many pages carry it, and `tags/<slug>/` lists those
//! pages grouped by kind. A site without tags gets neither. Also the tag links a page
//! shows. Tag pages are found through the tags on pages, the footer and the sitemap, not
//! through search: they hold no words of their own, so search files pages under their tags
//! instead (see `search::index::facets`).

use serde::Serialize;

use crate::content::tags::{TAGS_URL, Tag, TagIndex};
use crate::content::{Page, PageKind};
use crate::kinds::kind::GeneratedPage;
use crate::linking::LinkedSite;
use crate::render::views::PageRef;

/// A tag as a page shows it: the name it is listed by and its page.
#[derive(Debug, Clone, Serialize)]
pub struct TagLink<'a> {
    pub name: &'a str,
    pub url: String,
}

/// The tags `page` carries, each once, in the order it lists them.
pub fn tag_links<'a>(tags: &'a TagIndex, page: &Page) -> Vec<TagLink<'a>> {
    let mut links: Vec<TagLink<'a>> = Vec::new();
    for tag in page.meta.tags.iter().filter_map(|t| tags.find(t)) {
        let url = tag.url();
        if !links.iter().any(|l| l.url == url) {
            links.push(TagLink {
                name: &tag.name,
                url,
            });
        }
    }
    links
}

/// The tags index and one page per tag; none without tags.
pub fn tag_pages(site: &LinkedSite) -> Vec<GeneratedPage> {
    let tags = site.tags();
    if tags.is_empty() {
        return Vec::new();
    }
    let mut pages = vec![tags_index(tags)];
    pages.extend(tags.tags().iter().map(|t| tag_page(site, t)));
    pages
}

/// Every address the tag pages take, for the sitemap.
pub fn tag_page_urls(tags: &TagIndex) -> Vec<String> {
    if tags.is_empty() {
        return Vec::new();
    }
    std::iter::once(TAGS_URL.to_string())
        .chain(tags.tags().iter().map(Tag::url))
        .collect()
}

/// A tag in the index: its name, page, count and a size step from 1 to 4 that grows with
/// the count on a log scale (the most used tag is 4), for a hint of weight.
#[derive(Debug, Serialize)]
struct TagEntry<'a> {
    name: &'a str,
    url: String,
    count: usize,
    size: u8,
}

fn tags_index(tags: &TagIndex) -> GeneratedPage {
    let most = tags.tags().iter().map(|t| t.pages.len()).max().unwrap_or(1);
    let entries: Vec<TagEntry> = tags
        .tags()
        .iter()
        .map(|t| TagEntry {
            name: &t.name,
            url: t.url(),
            count: t.pages.len(),
            size: size_step(t.pages.len(), most),
        })
        .collect();
    let count = entries.len();
    GeneratedPage {
        url: TAGS_URL.into(),
        template: "tags.html",
        title: "Tags".into(),
        summary: Some(format!(
            "{count} {} across the site, each with the pages that carry it.",
            if count == 1 { "tag" } else { "tags" }
        )),
        context: serde_json::json!({ "tags": entries }),
    }
}

/// 1 to 4: the count's place between 1 and `most` on a log scale.
fn size_step(count: usize, most: usize) -> u8 {
    if most <= 1 {
        return 1;
    }
    let share = (count.clamp(1, most) as f64).ln() / (most as f64).ln();
    1 + (share * 3.0).floor() as u8
}

/// The pages of one kind carrying a tag.
#[derive(Debug, Serialize)]
struct KindGroup {
    kind: PageKind,
    /// Plural, as a heading: "Post-mortems".
    label: String,
    pages: Vec<PageRef>,
}

fn tag_page(site: &LinkedSite, tag: &Tag) -> GeneratedPage {
    let groups = kind_groups(site, tag);
    let parts: Vec<String> = groups
        .iter()
        .map(|g| {
            let n = g.pages.len();
            let (one, many) = g.kind.label();
            format!("{n} {}", if n == 1 { one } else { many })
        })
        .collect();
    let n = tag.pages.len();
    let summary = match parts.as_slice() {
        [one_kind] => format!("{one_kind} tagged “{}”.", tag.name),
        _ => format!(
            "{n} {} tagged “{}”: {}.",
            if n == 1 { "page" } else { "pages" },
            tag.name,
            join_words(&parts)
        ),
    };
    GeneratedPage {
        url: tag.url(),
        template: "tag.html",
        title: tag.name.clone(),
        summary: Some(summary),
        context: serde_json::json!({
            "tag": { "name": tag.name, "slug": tag.slug, "count": n, "groups": groups },
            "tags_url": TAGS_URL,
        }),
    }
}

/// The tagged pages by kind (the sections' kinds in navigation order, then plain pages,
/// sections and the home page), each group in its section's order.
fn kind_groups(site: &LinkedSite, tag: &Tag) -> Vec<KindGroup> {
    let order = site.order();
    let mut ids = tag.pages.clone();
    let rank = |kind: PageKind| match kind {
        PageKind::Plain => 1,
        PageKind::Section => 2,
        PageKind::Home => 3,
        _ => 0,
    };
    ids.sort_by_cached_key(|&id| {
        let p = &site.pages[id];
        (
            rank(p.kind),
            p.kind,
            p.section.clone(),
            order.place(id),
            p.meta.title.to_lowercase(),
        )
    });
    let mut groups: Vec<KindGroup> = Vec::new();
    for id in ids {
        let page = &site.pages[id];
        match groups.last_mut() {
            Some(g) if g.kind == page.kind => g.pages.push(PageRef::of(page)),
            _ => groups.push(KindGroup {
                kind: page.kind,
                label: capitalized(page.kind.label().1),
                pages: vec![PageRef::of(page)],
            }),
        }
    }
    groups
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a", "a and b", "a, b and c".
fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_grow_with_the_count_on_a_log_scale() {
        assert_eq!(size_step(1, 1), 1);
        assert_eq!(size_step(1, 40), 1);
        assert_eq!(size_step(2, 40), 1);
        assert_eq!(size_step(6, 40), 2);
        assert_eq!(size_step(13, 40), 3);
        assert_eq!(size_step(40, 40), 4);
    }

    #[test]
    fn words_are_joined_as_in_a_sentence() {
        let w = |s: &[&str]| join_words(&s.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(&["2 terms"]), "2 terms");
        assert_eq!(w(&["2 terms", "1 script"]), "2 terms and 1 script");
        assert_eq!(w(&["a", "b", "c"]), "a, b and c");
    }
}
