//! Stage 3: resolve links between pages. `SiteIndex` answers "which page is this
//! wikilink or relative path?"; once every page body has been rendered, `check_anchors`
//! verifies `#anchor`s and `find_backlinks` (or `update_backlinks`, from a previous build's)
//! lists each page's backlinks in title order.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::content::{Page, PageId, PageKind, slugify};
use crate::diagnostics::{Diagnostic, MAX_PROBLEMS};

/// A link found in a page body, resolved to its target page.
#[derive(Debug, Clone)]
pub struct OutgoingLink {
    pub target: PageId,
    pub anchor: Option<String>,
    pub line: usize,
    pub column: usize,
    /// Inserted by glossary autolinking rather than written by the author.
    pub automatic: bool,
}

/// Lookup tables over all pages, built once per build.
#[derive(Debug, Default)]
pub struct SiteIndex {
    /// `glossary/runbook` → page.
    by_reference: HashMap<String, PageId>,
    /// `glossary/runbook.md` → page.
    by_rel_path: HashMap<String, PageId>,
    /// Lowercased title, alias or slug → pages (more than one means ambiguous).
    by_name: HashMap<String, Vec<PageId>>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Resolution {
    Found(PageId),
    Missing { suggestion: Option<String> },
    Ambiguous(Vec<PageId>),
}

/// A link written in a page, split into the page part and its `#anchor`.
pub struct WrittenLink<'a> {
    pub path: &'a str,
    pub anchor: Option<&'a str>,
}

impl<'a> WrittenLink<'a> {
    pub fn parse(dest: &'a str) -> WrittenLink<'a> {
        match dest.split_once('#') {
            Some((path, anchor)) => WrittenLink {
                path,
                anchor: Some(anchor).filter(|a| !a.is_empty()),
            },
            None => WrittenLink {
                path: dest,
                anchor: None,
            },
        }
    }
}

/// A relative link to a Markdown source (`../glossary/slo.md`), as opposed to a URL.
pub fn is_local_markdown(path: &str) -> bool {
    !path.contains("://")
        && !path.starts_with("mailto:")
        && (path.ends_with(".md") || path.ends_with(".markdown"))
}

impl SiteIndex {
    /// The page a link written in page `from` names: a wikilink (`wiki`) by name, a
    /// Markdown link by relative path. `None` for a link that is not to a page of the site
    /// (a URL). The one resolver of every Markdown the site renders: bodies, script lines.
    pub fn resolve_written(
        &self,
        pages: &[Page],
        from: PageId,
        wiki: bool,
        link: &WrittenLink<'_>,
    ) -> Option<Resolution> {
        if wiki {
            Some(if link.path.is_empty() {
                Resolution::Found(from)
            } else {
                self.resolve_name(link.path)
            })
        } else if link.path.is_empty() && link.anchor.is_some() {
            Some(Resolution::Found(from))
        } else if is_local_markdown(link.path) {
            Some(self.resolve_relative(&pages[from].rel_path, link.path))
        } else {
            None
        }
    }

    pub fn new(pages: &[Page]) -> SiteIndex {
        let mut index = SiteIndex::default();
        for (id, p) in pages.iter().enumerate() {
            index.by_reference.insert(p.reference(), id);
            index.by_rel_path.insert(p.rel_path.clone(), id);
            let mut names = vec![p.meta.title.to_lowercase(), p.slug.clone()];
            if let Some(t) = p.glossary() {
                names.extend(t.aliases.iter().map(|a| a.to_lowercase()));
            }
            names.sort();
            names.dedup();
            for n in names {
                if !n.is_empty() {
                    index.by_name.entry(n).or_default().push(id);
                }
            }
        }
        index
    }

    /// Resolve a wikilink target: `folder/slug`, or a title, alias or slug of any page.
    pub fn resolve_name(&self, target: &str) -> Resolution {
        let target = target.trim();
        if let Some(&id) = self.by_reference.get(target.trim_matches('/')) {
            return Resolution::Found(id);
        }
        let key = target.to_lowercase();
        let found = self
            .by_name
            .get(&key)
            .or_else(|| self.by_name.get(&slugify(target)));
        match found.map(Vec::as_slice) {
            Some([id]) => Resolution::Found(*id),
            Some(ids) if ids.len() > 1 => Resolution::Ambiguous(ids.to_vec()),
            _ => Resolution::Missing {
                suggestion: self.suggest(&key),
            },
        }
    }

    /// Resolve a relative Markdown link (`../glossary/runbook.md`) written in `from_rel_path`.
    pub fn resolve_relative(&self, from_rel_path: &str, link_path: &str) -> Resolution {
        let (normal, _) = crate::content::assets::join_relative(from_rel_path, link_path);
        match self.by_rel_path.get(&normal) {
            Some(&id) => Resolution::Found(id),
            None => {
                let candidates = self.by_rel_path.keys().map(String::as_str);
                let suggestion = crate::config::nearest(&normal, candidates).map(str::to_owned);
                Resolution::Missing { suggestion }
            }
        }
    }

    fn suggest(&self, key: &str) -> Option<String> {
        let names = self
            .by_name
            .keys()
            .map(String::as_str)
            .chain(self.by_reference.keys().map(String::as_str));
        crate::config::nearest(key, names).map(str::to_owned)
    }
}

/// Why `url` is not a well-formed external URL, or `None` when it is fine or is not an
/// external URL at all (relative paths, anchors). Nothing is fetched: builds are offline.
pub fn malformed_external_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if url.chars().any(char::is_whitespace) {
        return Some("it contains a space (write it as `%20`)".into());
    }
    for scheme in ["https", "http"] {
        if lower.starts_with(&format!("{scheme}//")) {
            return Some(format!("`:` is missing after `{scheme}`"));
        }
    }
    if lower.starts_with("www.") {
        return Some("it has no scheme; write `https://` before it".into());
    }
    let (scheme, rest) = lower.split_once(':')?;
    let scheme_ok = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    if !scheme_ok {
        return None;
    }
    match scheme {
        "http" | "https" | "ftp" | "ftps" | "ws" | "wss" => {
            let Some(after) = rest.strip_prefix("//") else {
                return Some(format!("`//` is missing after `{scheme}:`"));
            };
            let authority = after.split(['/', '?', '#']).next().unwrap_or("");
            let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            if host_port.starts_with('[') {
                return (!host_port.contains(']')).then(|| "unclosed `[` in the host".into());
            }
            let (host, port) = match host_port.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            };
            if host.is_empty() {
                return Some("the host name is missing".into());
            }
            if let Some(p) = port
                && p.parse::<u16>().is_err()
            {
                return Some(format!("`{p}` is not a port number"));
            }
            let bad_label = host.split('.').any(|l| {
                l.is_empty()
                    || l.starts_with('-')
                    || l.ends_with('-')
                    || l.chars()
                        .any(|c| c.is_ascii() && !c.is_ascii_alphanumeric() && c != '-')
            });
            bad_label.then(|| format!("`{host}` is not a valid host name"))
        }
        "mailto" => {
            let addr = rest.split('?').next().unwrap_or("");
            match addr.split_once('@') {
                Some((user, domain)) if !user.is_empty() && domain.contains('.') => None,
                _ => Some(format!("`{addr}` is not an email address")),
            }
        }
        _ => None,
    }
}

/// The `href` from page `from` (whose [`root_prefix`] is `root`) to `target` at `anchor`:
/// a bare fragment within a page.
pub fn link_href(
    root: &str,
    pages: &[Page],
    from: PageId,
    target: PageId,
    anchor: Option<&str>,
) -> String {
    let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
    if target == from && !fragment.is_empty() {
        fragment
    } else {
        format!("{root}{}{fragment}", pages[target].url)
    }
}

/// The scheme of a link target that runs script when followed (`javascript:`, `vbscript:`,
/// `data:text/html`), or `None`. Read as a browser reads it: leading spaces and control
/// characters are dropped, tabs and line breaks inside are ignored, case does not matter,
/// and character references were decoded by the Markdown parser already.
pub fn script_url_scheme(url: &str) -> Option<&'static str> {
    let normal: String = url
        .trim_start_matches(|c: char| c == ' ' || c.is_ascii_control())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text/html"]
        .into_iter()
        .find(|scheme| normal.starts_with(scheme))
}

/// The relative prefix from a page's output folder to the site root (`../../`).
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// A page that links here, as templates see it. Borrowed from the pages: a term mentioned
/// everywhere has thousands, so they are built per page while rendering, not stored.
#[derive(Debug, Clone, Serialize)]
pub struct Backlink<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub summary: Option<&'a str>,
    pub kind: PageKind,
}

/// Backlinks of one page, grouped by the linking page's kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BacklinkGroups<'a> {
    pub total: usize,
    /// "Mentioned in 4 post-mortems, 2 scripts".
    pub summary: String,
    pub groups: Vec<BacklinkGroup<'a>>,
}

/// Backlinks from one kind of page. A long list shows its first few with their summaries
/// and the rest by name only, behind "show all": a term mentioned on 900 pages would
/// otherwise carry 900 summaries, and its page's context would be built from all of them.
#[derive(Debug, Clone, Serialize)]
pub struct BacklinkGroup<'a> {
    pub kind: PageKind,
    pub label: &'static str,
    /// How many pages of this kind link here.
    pub count: usize,
    /// Shown in full: all of them when there are at most [`BACKLINKS_IN_FULL`], else the
    /// first [`BACKLINKS_BEFORE_MORE`].
    pub shown: Vec<Backlink<'a>>,
    /// The rest, by title and address: the first [`BACKLINK_NAMES_IN_PAGE`] of them.
    pub more: Vec<BacklinkName<'a>>,
    /// How many of the rest are past those, listed by the browser from the site's page
    /// list ([`page_list_script`]) when "show all" is opened.
    pub more_later: usize,
    /// Those pages' places in title order ([`title_ranks`]), ascending, as gaps in
    /// [`crate::varint`] letters: about one letter a page, where a name costs ~70 bytes.
    pub more_ranks: String,
}

/// A group of at most this many backlinks is shown in full.
pub const BACKLINKS_IN_FULL: usize = 20;
/// How many backlinks of a longer group are shown before its "show all".
pub const BACKLINKS_BEFORE_MORE: usize = 8;

/// How many backlinks of a group, past those shown in full, a page lists by name itself. A
/// term mentioned on 900 pages would otherwise carry 900 names (~60 KB) on its page; the
/// rest come from the site's one page list, in the browser.
pub const BACKLINK_NAMES_IN_PAGE: usize = 20;

/// Where the site's page list is written, at the site root.
pub const PAGE_LIST_SCRIPT: &str = "page-list.js";

/// Whether the site needs the page list: some page has more backlinks than it names itself
/// (a group of them may be that long).
pub fn needs_page_list(backlinks: &Backlinks) -> bool {
    backlinks
        .iter()
        .any(|b| b.len() > BACKLINKS_BEFORE_MORE + BACKLINK_NAMES_IN_PAGE)
}

/// Every page's address and title, in title order (the order [`title_ranks`] numbers), as
/// a script that hands them to the browser: what "show all" reads for the backlinks a page
/// leaves out. Loaded by a script tag, so it works from file:// too.
pub fn page_list_script(pages: &[Page], ranks: &[usize]) -> String {
    let mut by_rank: Vec<(&str, &str)> = vec![("", ""); pages.len()];
    for (page, &rank) in pages.iter().zip(ranks) {
        by_rank[rank] = (page.url.as_str(), page.meta.title.as_str());
    }
    let json = serde_json::to_string(&by_rank).unwrap_or_else(|_| "[]".into());
    format!("window.__hindsightPages={json};\n")
}

/// A backlink shown by name only.
#[derive(Debug, Clone, Serialize)]
pub struct BacklinkName<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

/// Every link to `page#anchor` where the target has no such anchor, with a suggestion.
/// `may_have_anchors(page)` false skips a page's links.
pub fn check_anchors(
    pages: &[Page],
    links: &[&[OutgoingLink]],
    anchors: &[&[String]],
    may_have_anchors: &dyn Fn(PageId) -> bool,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (from, page_links) in links.iter().enumerate() {
        if !may_have_anchors(from) {
            continue;
        }
        let mut found = 0;
        for link in page_links.iter() {
            let Some(anchor) = &link.anchor else { continue };
            if anchors[link.target].iter().any(|a| a == anchor) {
                continue;
            }
            found += 1;
            if found > MAX_PROBLEMS {
                continue;
            }
            let hint =
                crate::config::nearest(anchor, anchors[link.target].iter().map(String::as_str))
                    .map(|a| format!("; did you mean `#{a}`?"))
                    .unwrap_or_default();
            diags.push(pages[from].error(
                link.line,
                link.column,
                format!(
                    "missing anchor `#{anchor}` on {}{hint}",
                    pages[link.target].source_path.display()
                ),
            ));
        }
        if let Some(hidden) = found.checked_sub(MAX_PROBLEMS)
            && hidden > 0
        {
            diags.push(Diagnostic::error(
                &pages[from].source_path,
                1,
                1,
                format!(
                    "{hidden} more missing anchors in this file are not shown (the first {} are)",
                    MAX_PROBLEMS
                ),
            ));
        }
    }
    diags
}

/// Each page's place among all pages sorted by title, case-insensitively (ties by id):
/// backlinks are listed in this order. Titles are lowercased once per build, not once
/// per backlink.
pub fn title_ranks(pages: &[Page]) -> Vec<usize> {
    let mut by_title: Vec<PageId> = (0..pages.len()).collect();
    by_title.sort_by_cached_key(|&id| pages[id].meta.title.to_lowercase());
    let mut rank = vec![0; pages.len()];
    for (r, id) in by_title.into_iter().enumerate() {
        rank[id] = r;
    }
    rank
}

/// For each page, the other pages linking to it, each once, in `ranks` order.
/// Each page's backlinks. A list is shared (`Arc`) so that a rebuild that changes a few
/// lists copies and compares only those.
pub type Backlinks = Vec<Arc<[PageId]>>;

pub fn find_backlinks(links: &[&[OutgoingLink]], ranks: &[usize]) -> Backlinks {
    let mut incoming: Vec<Vec<PageId>> = vec![Vec::new(); links.len()];
    for (from, page_links) in links.iter().enumerate() {
        for link in page_links.iter() {
            // Links are in page order, so a repeat from the same page is the last entry.
            if link.target != from && incoming[link.target].last() != Some(&from) {
                incoming[link.target].push(from);
            }
        }
    }
    incoming
        .into_par_iter()
        .map(|mut list| {
            list.sort_unstable_by_key(|&id| ranks[id]);
            list.into()
        })
        .collect()
}

/// [`find_backlinks`] after some pages' links changed, from the backlinks before: the
/// result is the same, at a cost that grows with the changed links only.
/// `changed` holds (page, its links before, its links now).
pub fn update_backlinks(
    previous: &[Arc<[PageId]>],
    changed: &[(PageId, &[OutgoingLink], &[OutgoingLink])],
    ranks: &[usize],
) -> Backlinks {
    // Only the lists that change are copied; the rest stay shared with `previous`.
    let mut edited: HashMap<PageId, Vec<PageId>> = HashMap::new();
    for &(from, before, now) in changed {
        let targets = |links: &[OutgoingLink]| -> std::collections::BTreeSet<PageId> {
            links
                .iter()
                .map(|l| l.target)
                .filter(|&t| t != from)
                .collect()
        };
        let (before, now) = (targets(before), targets(now));
        let key = ranks[from];
        for &t in before.difference(&now) {
            let list = edited.entry(t).or_insert_with(|| previous[t].to_vec());
            if let Ok(i) = list.binary_search_by_key(&key, |&id| ranks[id]) {
                list.remove(i);
            }
        }
        for &t in now.difference(&before) {
            let list = edited.entry(t).or_insert_with(|| previous[t].to_vec());
            if let Err(i) = list.binary_search_by_key(&key, |&id| ranks[id]) {
                list.insert(i, from);
            }
        }
    }
    let mut incoming = previous.to_vec();
    for (t, list) in edited {
        incoming[t] = list.into();
    }
    incoming
}

/// The backlinks of one page for templates, grouped by kind, in the order of `incoming`
/// (title order: `ranks`).
pub fn backlink_groups<'a>(
    pages: &'a [Page],
    incoming: &[PageId],
    ranks: &[usize],
) -> BacklinkGroups<'a> {
    let mut by_kind: BTreeMap<PageKind, Vec<(PageId, Backlink<'a>)>> = BTreeMap::new();
    for &id in incoming {
        let p = &pages[id];
        if matches!(p.kind, PageKind::Home | PageKind::Section) {
            continue;
        }
        by_kind.entry(p.kind).or_default().push((
            id,
            Backlink {
                title: &p.meta.title,
                url: &p.url,
                summary: p.meta.summary.as_deref(),
                kind: p.kind,
            },
        ));
    }
    let mut total = 0;
    let mut parts = Vec::new();
    let groups = by_kind
        .into_iter()
        .map(|(kind, pages)| {
            total += pages.len();
            let (one, many) = kind.label();
            let label = if pages.len() == 1 { one } else { many };
            parts.push(format!("{} {label}", pages.len()));
            backlink_group(kind, label, pages, ranks)
        })
        .collect();
    let summary = if total == 0 {
        String::new()
    } else {
        format!("Mentioned in {}", parts.join(", "))
    };
    BacklinkGroups {
        total,
        summary,
        groups,
    }
}

/// One kind's backlinks: the first few in full, the next by name, the rest as ranks.
fn backlink_group<'a>(
    kind: PageKind,
    label: &'static str,
    pages: Vec<(PageId, Backlink<'a>)>,
    ranks: &[usize],
) -> BacklinkGroup<'a> {
    let count = pages.len();
    let in_full = if count > BACKLINKS_IN_FULL {
        BACKLINKS_BEFORE_MORE
    } else {
        count
    };
    let mut rest = pages.into_iter();
    let shown = rest.by_ref().take(in_full).map(|(_, b)| b).collect();
    let more = rest
        .by_ref()
        .take(BACKLINK_NAMES_IN_PAGE)
        .map(|(_, b)| BacklinkName {
            title: b.title,
            url: b.url,
        })
        .collect();
    let mut later: Vec<u32> = rest.map(|(id, _)| ranks[id] as u32).collect();
    later.sort_unstable();
    BacklinkGroup {
        kind,
        label,
        count,
        shown,
        more,
        more_later: later.len(),
        more_ranks: crate::varint::encode_docs(later.into_iter(), |_, _| {}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{DiscoverOptions, parse_page};

    #[test]
    fn updated_backlinks_equal_backlinks_found_afresh() {
        let mut seed = 11u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as usize
        };
        let pages = 60;
        let random_links = |next: &mut dyn FnMut(u64) -> usize| -> Vec<OutgoingLink> {
            (0..next(8))
                .map(|_| OutgoingLink {
                    target: next(pages as u64),
                    anchor: None,
                    line: 1,
                    column: 1,
                    automatic: false,
                })
                .collect()
        };
        let ranks: Vec<usize> = (0..pages).map(|i| (i * 37) % pages).collect();
        let mut links: Vec<Vec<OutgoingLink>> =
            (0..pages).map(|_| random_links(&mut next)).collect();
        for _round in 0..20 {
            let before = links.clone();
            let slices: Vec<&[OutgoingLink]> = before.iter().map(Vec::as_slice).collect();
            let previous = find_backlinks(&slices, &ranks);
            for _ in 0..next(4) + 1 {
                let id = next(pages as u64);
                links[id] = random_links(&mut next);
            }
            let changed: Vec<(PageId, &[OutgoingLink], &[OutgoingLink])> = (0..pages)
                .filter(|&id| {
                    before[id]
                        .iter()
                        .map(|l| l.target)
                        .ne(links[id].iter().map(|l| l.target))
                })
                .map(|id| (id, before[id].as_slice(), links[id].as_slice()))
                .collect();
            let now: Vec<&[OutgoingLink]> = links.iter().map(Vec::as_slice).collect();
            assert_eq!(
                update_backlinks(&previous, &changed, &ranks),
                find_backlinks(&now, &ranks)
            );
        }
    }

    fn page(rel: &str, fm: &str) -> Page {
        parse_page(
            format!("content/{rel}").into(),
            rel.into(),
            format!("---\n{fm}\n---\n"),
            DiscoverOptions::default(),
        )
        .unwrap()
        .unwrap()
    }

    fn site() -> Vec<Page> {
        vec![
            page(
                "glossary/blast-radius.md",
                "title: Blast Radius\nsummary: s\naliases: [impact radius]",
            ),
            page("glossary/runbook.md", "title: Runbook\nsummary: s"),
            page("postmortems/db.md", "title: DB failure"),
            page("scripts/db.md", "title: DB script"),
        ]
    }

    #[test]
    fn resolves_by_title_alias_slug_and_reference() {
        let idx = SiteIndex::new(&site());
        assert_eq!(idx.resolve_name("Blast Radius"), Resolution::Found(0));
        assert_eq!(idx.resolve_name("impact radius"), Resolution::Found(0));
        assert_eq!(idx.resolve_name("runbook"), Resolution::Found(1));
        assert_eq!(idx.resolve_name("postmortems/db"), Resolution::Found(2));
        assert!(matches!(idx.resolve_name("db"), Resolution::Ambiguous(ids) if ids.len() == 2));
        match idx.resolve_name("blast-radios") {
            Resolution::Missing { suggestion } => {
                assert_eq!(suggestion.as_deref(), Some("blast-radius"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn resolves_relative_paths() {
        let idx = SiteIndex::new(&site());
        assert_eq!(
            idx.resolve_relative("postmortems/db.md", "../glossary/runbook.md"),
            Resolution::Found(1)
        );
        assert_eq!(
            idx.resolve_relative("glossary/runbook.md", "blast-radius.md"),
            Resolution::Found(0)
        );
        assert!(matches!(
            idx.resolve_relative("glossary/runbook.md", "nope.md"),
            Resolution::Missing { .. }
        ));
    }

    #[test]
    fn malformed_urls_are_explained() {
        for ok in [
            "https://example.com",
            "http://example.com:8080/a?b#c",
            "https://user@sub.example.co.uk/x",
            "https://[::1]:80/",
            "https://bücher.example/",
            "mailto:sre@example.com",
            "tel:+123",
            "../glossary/slo/",
            "#anchor",
            "images/a.png",
        ] {
            assert_eq!(malformed_external_url(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("http//example.com", "`:` is missing"),
            ("https:/example.com", "`//` is missing"),
            ("https://", "host name is missing"),
            ("https://exa_mple.com", "not a valid host"),
            ("https://example..com", "not a valid host"),
            ("https://example.com:99999", "not a port"),
            ("www.example.com", "no scheme"),
            ("mailto:nobody", "not an email"),
        ] {
            let got = malformed_external_url(bad).unwrap_or_default();
            assert!(got.contains(why), "{bad}: {got}");
        }
    }

    #[test]
    fn script_urls_are_found_as_browsers_read_them() {
        for (url, scheme) in [
            ("javascript:alert(1)", "javascript:"),
            ("JavaScript:alert(1)", "javascript:"),
            ("  \u{1}javascript:x", "javascript:"),
            ("java\tscr\nipt:x", "javascript:"),
            ("vbscript:msgbox", "vbscript:"),
            ("data:text/html;base64,PHNjcmlwdD4=", "data:text/html"),
            ("DATA:TEXT/HTML,<script>", "data:text/html"),
        ] {
            assert_eq!(script_url_scheme(url), Some(scheme), "{url}");
        }
        for url in [
            "https://example.com/javascript:x",
            "data:image/png;base64,AAAA",
            "../javascript.md",
            "#javascript:",
            "mailto:a@b.c",
        ] {
            assert_eq!(script_url_scheme(url), None, "{url}");
        }
    }

    #[test]
    fn root_prefix_depth() {
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("glossary/"), "../");
        assert_eq!(root_prefix("glossary/slo/"), "../../");
    }

    #[test]
    fn backlinks_grouped_and_anchors_checked() {
        let pages = site();
        let link = |target, anchor: Option<&str>| OutgoingLink {
            target,
            anchor: anchor.map(String::from),
            line: 5,
            column: 3,
            automatic: false,
        };
        let links = [
            vec![],
            vec![link(0, None)],
            vec![
                link(0, Some("example")),
                link(0, None),
                link(1, Some("nope")),
            ],
            vec![],
        ];
        let anchors = [
            vec!["example".to_string()],
            vec!["steps".to_string()],
            vec![],
            vec![],
        ];
        let links: Vec<&[OutgoingLink]> = links.iter().map(Vec::as_slice).collect();
        let anchors: Vec<&[String]> = anchors.iter().map(Vec::as_slice).collect();
        let diags = check_anchors(&pages, &links, &anchors, &|_| true);
        let incoming = find_backlinks(&links, &title_ranks(&pages));
        assert_eq!(diags.len(), 1);
        assert_eq!((diags[0].line, diags[0].column), (5, 3));
        assert!(diags[0].message.contains("#nope"));
        assert_eq!(*incoming[0], [2, 1], "each linking page once, by title");
        let back = backlink_groups(&pages, &incoming[0], &title_ranks(&pages));
        assert_eq!(back.total, 2);
        assert_eq!(back.summary, "Mentioned in 1 term, 1 post-mortem");
    }
}
