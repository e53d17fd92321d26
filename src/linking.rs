//! Stage 3: resolve links and terms. Adds section pages a folder lacks, derives what front
//! matter says about the whole site (names, terms, related terms, section order, tags),
//! renders every body with links and term links resolved and collects backlinks, into a [`LinkedSite`] that the
//! kinds derive their data from. Anchors are checked once the kinds have added theirs
//! ([`check_link_anchors`]). `serve` hands in its last build so that only what changed is
//! done again.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{BuildOptions, Config};
use crate::content::assets::AssetIndex;
use crate::content::kinds::PlainFrontMatter;
use crate::content::order::SectionOrder;
use crate::content::positions::locate_in_front_matter;
use crate::content::tags::TagIndex;
use crate::content::{FrontMatter, Page, PageId, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links::{Backlinks, SiteIndex, check_anchors, find_backlinks, update_backlinks};
use crate::markdown::{BodyContext, RenderedBody};
use crate::terms::TermLinker;

/// Everything the link stage derives from the config and the pages' front matter, never
/// from a body: the name index, related terms and the term matcher. A build whose config, page list and front matter equal an earlier build's can
/// reuse that build's `FrontData` (`serve` does, keyed by a hash of exactly those inputs).
pub struct FrontData {
    names: Arc<NameData>,
    related: Arc<Vec<Vec<PageId>>>,
    /// Problems found deriving it, given again to every build that reuses it.
    diags: Diagnostics,
    /// Unknown `related` slugs: link problems, which `--warn-links` downgrades.
    link_diags: Diagnostics,
    order: SectionOrder,
    tags: TagIndex,
}

/// The part of [`FrontData`] that bodies are rendered with: what pages are called and
/// where they are. It reads only each page's [`link_view`], so a build whose pages have
/// the same link views as an earlier build's can reuse it, and the bodies of unchanged files.
pub struct NameData {
    index: SiteIndex,
    terms: TermLinker,
    /// Each page's place in title order, the order of backlink lists.
    ranks: Vec<usize>,
    diags: Diagnostics,
}

/// What other pages' bodies (links, term links and their tooltips) and backlink order
/// read of a page: its file, address, kind and names, and a term's summary.
pub fn link_view(page: &Page) -> impl std::hash::Hash + '_ {
    let term = page.glossary().map(|t| (&t.aliases, &page.meta.summary));
    (
        &page.rel_path,
        &page.url,
        &page.slug,
        page.kind,
        &page.meta.title,
        term,
    )
}

impl NameData {
    pub fn derive(config: &Config, pages: &[Page]) -> NameData {
        let index = SiteIndex::new(pages);
        let (terms, term_diags) = TermLinker::new(pages, config.glossary.autolink);
        let mut diags = Diagnostics::default();
        diags.extend(term_diags);
        NameData {
            index,
            terms,
            ranks: crate::links::title_ranks(pages),
            diags,
        }
    }
}

impl FrontData {
    /// Derive the front data of `pages` (section pages already added), reusing `names`
    /// when given (derived from pages with the same link views).
    pub fn derive(config: &Config, pages: &[Page], names: Option<Arc<NameData>>) -> FrontData {
        let mut timer = crate::timings::StageTimer::new();
        let names = names.unwrap_or_else(|| Arc::new(NameData::derive(config, pages)));
        timer.lap("    names and terms");
        let mut link_diags = Diagnostics::default();
        let related = resolve_related(pages, &mut link_diags);
        let mut diags = Diagnostics::default();
        diags.extend(names.diags.items.iter().cloned());
        timer.lap("    related");
        let order = SectionOrder::new(pages);
        let tags = TagIndex::new(pages, &mut diags);
        timer.lap("    order and tags");
        FrontData {
            names,
            related: Arc::new(related),
            diags,
            link_diags,
            order,
            tags,
        }
    }
}

/// Renders one page body; `serve` passes one that reuses the bodies of unchanged pages.
pub type BodyRenderer<'a> = dyn Fn(&BodyContext<'_>) -> Arc<RenderedBody> + Sync + 'a;

/// The site after the link stage: pages, their rendered bodies and links. What every kind
/// derives its data from.
pub struct LinkedSite {
    pub config: Config,
    pub pages: Vec<Page>,
    /// Shared so that `serve` can reuse the bodies of unchanged pages across rebuilds.
    pub bodies: Vec<Arc<RenderedBody>>,
    /// Pages linking to each page (written or automatic links), each once.
    pub backlinks: Backlinks,
    /// Related glossary terms of each page, symmetric.
    pub related: Arc<Vec<Vec<PageId>>>,
    /// What the link stage derived from front matter alone; `serve` passes it to the next
    /// build while no front matter changes.
    pub front: Arc<FrontData>,
    /// The content folder's other files: what bodies show and bundles carry.
    pub assets: Arc<AssetIndex>,
}

impl LinkedSite {
    /// Where every page is, by name and by path: how links are resolved.
    pub fn index(&self) -> &SiteIndex {
        &self.front.names.index
    }

    /// The order of each section's pages.
    pub fn order(&self) -> &SectionOrder {
        &self.front.order
    }

    /// Every tag of the site.
    pub fn tags(&self) -> &TagIndex {
        &self.front.tags
    }

    /// Each page's place in title order: the order of backlink lists and the page list.
    pub fn title_ranks(&self) -> &[usize] {
        &self.front.names.ranks
    }
}

/// What a build of the same pages with the same front matter left behind (see
/// [`FrontData`]): `serve` passes its last build so that the next one reuses it.
pub struct PreviousBuild {
    pub front: Arc<FrontData>,
    pub bodies: Vec<Arc<RenderedBody>>,
    pub backlinks: Backlinks,
}

impl PreviousBuild {
    pub fn of(site: &LinkedSite) -> PreviousBuild {
        PreviousBuild {
            front: site.front.clone(),
            bodies: site.bodies.clone(),
            backlinks: site.backlinks.clone(),
        }
    }
}

/// How much of an earlier build a new build may reuse.
#[derive(Clone, Copy)]
pub enum Reuse<'a> {
    Nothing,
    /// A build of the same config and options, with pages of the same link views
    /// ([`link_view`]) in the same order: its names, and the links of unchanged bodies.
    Names(&'a PreviousBuild),
    /// A build with the same front matter too: all its front data.
    Front(&'a PreviousBuild),
}

/// Stage 3 on discovered pages: section pages, related terms, bodies, links and backlinks.
/// Always returns the site (so `serve` can keep its pages); errors go into `diags`.
/// `pages` keep their order, followed by any synthetic section and home pages.
/// With `reuse`, only changed bodies' links are followed again.
pub fn link_site(
    config: Config,
    mut pages: Vec<Page>,
    assets: Arc<AssetIndex>,
    diags: &mut Diagnostics,
    options: &BuildOptions,
    reuse: Reuse<'_>,
    body: &BodyRenderer<'_>,
) -> LinkedSite {
    let mut timer = crate::timings::StageTimer::new();
    add_missing_section_pages(&config, &mut pages, diags);
    for page in &pages {
        diags.extend(page.problems.iter().cloned());
    }
    let (previous, front) = match reuse {
        Reuse::Front(p) if p.bodies.len() == pages.len() => (Some(p), p.front.clone()),
        Reuse::Names(p) if p.bodies.len() == pages.len() => {
            let names = Some(p.front.names.clone());
            let front = FrontData::derive(&config, &pages, names);
            (Some(p), Arc::new(front))
        }
        _ => (None, Arc::new(FrontData::derive(&config, &pages, None))),
    };
    diags.extend(front.diags.items.iter().cloned());
    let (index, terms) = (&front.names.index, &front.names.terms);
    let bodies: Vec<Arc<RenderedBody>> = (0..pages.len())
        .into_par_iter()
        .map(|id| {
            body(&BodyContext {
                page_id: id,
                pages: &pages,
                index,
                terms,
                assets: &assets,
            })
        })
        .collect();
    timer.lap("    bodies");
    let mut link_diags: Vec<Diagnostic> = bodies
        .iter()
        .flat_map(|b| b.diagnostics.iter().cloned())
        .collect();
    let links: Vec<_> = bodies.iter().map(|b| b.links.as_slice()).collect();
    let changed: Vec<_> = previous.map_or(Vec::new(), |before| {
        (0..pages.len())
            .filter(|&id| !Arc::ptr_eq(&before.bodies[id], &bodies[id]))
            .map(|id| (id, before.bodies[id].links.as_slice(), links[id]))
            .collect()
    });
    // Updating in place pays per changed link; past a few changed pages in ten, starting
    // over is cheaper.
    let backlinks = match previous {
        Some(before) if changed.len() <= pages.len() / 8 => {
            update_backlinks(&before.backlinks, &changed, &front.names.ranks)
        }
        _ => find_backlinks(&links, &front.names.ranks),
    };
    timer.lap("    backlinks");
    link_diags.extend(front.link_diags.items.iter().cloned());
    diags.extend(link_problems(link_diags, options));
    // Script link targets are refused whatever `--warn-links` says.
    diags.extend(bodies.iter().flat_map(|b| b.refused.iter().cloned()));
    diags.extend(bodies.iter().flat_map(|b| b.warnings.iter().cloned()));
    LinkedSite {
        config,
        pages,
        bodies,
        backlinks,
        related: front.related.clone(),
        front,
        assets,
    }
}

/// Link problems are errors, or warnings with `--warn-links`.
fn link_problems(mut found: Vec<Diagnostic>, options: &BuildOptions) -> Vec<Diagnostic> {
    if options.warn_links {
        for d in &mut found {
            d.severity = crate::diagnostics::Severity::Warning;
        }
    }
    found
}

/// Receives each anchor a page has beyond its headings.
pub type AddAnchor<'a> = dyn FnMut(PageId, String) + 'a;

/// Check every link's `#anchor` against the target's headings and the anchors kinds add
/// (`add_anchors` calls its argument once per extra anchor).
pub fn check_link_anchors(
    site: &LinkedSite,
    add_anchors: &dyn Fn(&mut AddAnchor<'_>),
    options: &BuildOptions,
    diags: &mut Diagnostics,
) {
    let (pages, bodies) = (&site.pages, &site.bodies);
    let links: Vec<_> = bodies.iter().map(|b| b.links.as_slice()).collect();
    // Pages with anchors beyond their headings; only theirs are copied.
    let mut extra_anchors: std::collections::HashMap<PageId, Vec<String>> = Default::default();
    add_anchors(&mut |id, anchor| {
        extra_anchors
            .entry(id)
            .or_insert_with(|| bodies[id].anchors.clone())
            .push(anchor)
    });
    let anchors: Vec<&[String]> = (0..pages.len())
        .map(|id| {
            extra_anchors
                .get(&id)
                .unwrap_or(&bodies[id].anchors)
                .as_slice()
        })
        .collect();
    let found = check_anchors(pages, &links, &anchors, &|id| bodies[id].links_to_anchors);
    diags.extend(link_problems(found, options));
}

/// A section folder without `_index.md` still gets a section page, unless its `index.md`
/// makes the folder a page (a bundle): then the folder's other pages have no list, which
/// is most likely an `index.md` written as a section's introduction, so that is a warning.
fn add_missing_section_pages(config: &Config, pages: &mut Vec<Page>, diags: &mut Diagnostics) {
    let mut have: std::collections::HashSet<String> = pages
        .iter()
        .filter(|p| p.kind == PageKind::Section)
        .map(|p| p.section.clone())
        .collect();
    for bundle in pages.iter().filter(|p| is_top_level_bundle(p)) {
        if have.insert(bundle.section.clone())
            && pages
                .iter()
                .any(|p| p.section == bundle.section && !is_top_level_bundle(p))
        {
            diags.push(Diagnostic::warning(
                &bundle.source_path,
                1,
                1,
                format!(
                    "`{0}/index.md` is a page (its folder's files sit beside it), so the other pages in `{0}/` are not listed on a section page; rename it `_index.md` to introduce the section",
                    bundle.section
                ),
            ));
        }
    }
    let has_home = pages.iter().any(|p| p.kind == PageKind::Home);
    let mut missing = Vec::new();
    // Pages come folder by folder: look a section up once per run, not once per page (this
    // runs at every `serve` rebuild).
    let mut previous = None;
    for p in pages.iter() {
        if previous == Some(p.section.as_str()) {
            continue;
        }
        previous = Some(p.section.as_str());
        if !p.section.is_empty() && !have.contains(&p.section) {
            have.insert(p.section.clone());
            missing.push((p.section.clone(), p.kind.description()));
        }
    }
    let synthetic = |title: String, rel: String, section: String, kind: PageKind, url: String| {
        let fm = PlainFrontMatter {
            title: Some(title),
            summary: None,
            tags: vec![],
            date: None,
            draft: false,
            autolink: None,
            weight: None,
            extra: None,
        };
        Page {
            source_path: config.build.content_dir.join(&rel),
            rel_path: rel,
            slug: section.clone(),
            section,
            url,
            kind,
            meta: fm.common(),
            data: std::sync::Arc::new(fm),
            body_start: 0,
            body_line: 1,
            heading: None,
            front_matter: false,
            source: String::new(),
            fields: None,
            problems: Vec::new(),
        }
    };
    // A folder's pages are all of its kind, or plain: the kind titles the section.
    for (s, kind) in missing {
        let title = match kind {
            Some(kind) => kind.section_title.to_string(),
            None => crate::content::title::humanise(&s),
        };
        pages.push(synthetic(
            title,
            format!("{s}/_index.md"),
            s.clone(),
            PageKind::Section,
            format!("{}/", crate::content::slugify(&s)),
        ));
    }
    if !has_home {
        pages.push(synthetic(
            config.book.title.clone(),
            "index.md".into(),
            String::new(),
            PageKind::Home,
            String::new(),
        ));
    }
}

/// `related:` of glossary terms: every slug must be a term; relations show on both ends.
/// `content/<folder>/index.md`: a page whose URL is its top folder's.
fn is_top_level_bundle(page: &Page) -> bool {
    page.kind != PageKind::Section
        && page
            .rel_path
            .strip_suffix("/index.md")
            .is_some_and(|folder| folder == page.section)
}

fn resolve_related(pages: &[Page], diags: &mut Diagnostics) -> Vec<Vec<PageId>> {
    let by_slug: std::collections::HashMap<&str, PageId> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.glossary().is_some())
        .map(|(i, p)| (p.slug.as_str(), i))
        .collect();
    let mut related: Vec<Vec<PageId>> = vec![Vec::new(); pages.len()];
    for (id, page) in pages.iter().enumerate() {
        let Some(term) = page.glossary() else {
            continue;
        };
        for slug in &term.related {
            match by_slug.get(slug.as_str()) {
                Some(&other) if other != id => {
                    related[id].push(other);
                    related[other].push(id);
                }
                Some(_) => {}
                None => {
                    let (line, col) = locate_in_front_matter(page, slug);
                    let hint = crate::config::nearest(slug, by_slug.keys().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    diags.push(page.error(
                        line,
                        col,
                        format!("unknown related term `{slug}`{hint}"),
                    ));
                }
            }
        }
    }
    for (id, r) in related.iter_mut().enumerate() {
        r.sort_by_key(|&o| pages[o].meta.title.to_lowercase());
        r.dedup();
        r.retain(|&o| o != id);
    }
    related
}
