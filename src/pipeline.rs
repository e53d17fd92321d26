//! The build pipeline, one stage after another:
//! load config → discover and parse content → resolve links and terms → render bodies →
//! render templates → write output. `hindsight build`, `check` and `serve` all run it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Context;

use crate::config::{Config, load_config};
use crate::content::{
    DiscoverOptions, KindData, Page, PageId, PageKind, discover_content, kinds::PlainFrontMatter,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links::{
    SiteIndex, backlink_groups, check_anchors, find_backlinks, root_prefix, update_backlinks,
};
use crate::markdown::{BodyContext, RenderedBody, render_body};
use crate::output::{NullSink, OutputSink, StagingDir};
use crate::render::theme::Theme;
use crate::render::views::{LetterGroup, NavItem, PageRef, PageView, SectionView, TermRef};
use crate::render::{Renderer, site_globals};
use crate::terms::TermLinker;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub include_drafts: bool,
    /// Report link problems as warnings instead of failing the build.
    pub warn_links: bool,
    /// Overrides `build.build-dir`.
    pub out_dir: Option<PathBuf>,
    /// Set by `serve`: templates add the live-reload script.
    pub live_reload: bool,
    /// The build date (overdue action items); default `SOURCE_DATE_EPOCH` or today (UTC).
    pub build_date: Option<jiff::civil::Date>,
}

/// The whole site in memory after the content stages, ready to render.
pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    /// Shared so that `serve` can reuse the bodies of unchanged pages across rebuilds.
    pub bodies: Vec<Arc<RenderedBody>>,
    /// Pages linking to each page (written or automatic links), each once.
    pub backlinks: Vec<Vec<PageId>>,
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

/// Everything the link stage derives from the config and the pages' front matter, never
/// from a body: the name index, related terms, the term matcher and the post-mortem
/// catalog. A build whose config, page list and front matter equal an earlier build's can
/// reuse that build's `FrontData` (`serve` does, keyed by a hash of exactly those inputs).
pub struct FrontData {
    names: Arc<NameData>,
    related: Arc<Vec<Vec<PageId>>>,
    postmortems: Arc<crate::postmortems::Catalog>,
    /// Problems found deriving it, given again to every build that reuses it.
    diags: Diagnostics,
    /// Unknown `related` slugs: link problems, which `--warn-links` downgrades.
    link_diags: Diagnostics,
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
    pub fn derive(
        config: &Config,
        pages: &[Page],
        options: &BuildOptions,
        names: Option<Arc<NameData>>,
    ) -> FrontData {
        let mut timer = crate::timings::StageTimer::new();
        let names = names.unwrap_or_else(|| Arc::new(NameData::derive(config, pages)));
        timer.lap("    names and terms");
        let mut link_diags = Diagnostics::default();
        let related = resolve_related(pages, &mut link_diags);
        let mut diags = Diagnostics::default();
        diags.extend(names.diags.items.iter().cloned());
        let postmortems = crate::postmortems::Catalog::build(
            config,
            pages,
            crate::postmortems::build_date(options.build_date),
            &mut diags,
        );
        timer.lap("    related and catalog");
        FrontData {
            names,
            related: Arc::new(related),
            postmortems: Arc::new(postmortems),
            diags,
            link_diags,
        }
    }
}

/// What a successful build reports.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub out_dir: PathBuf,
    pub elapsed: Duration,
    pub warnings: Diagnostics,
}

/// Stages 1–3: config, content, links. Returns the site and its warnings, or every error.
pub fn load_site(root: &Path, options: &BuildOptions) -> Result<(Site, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(config) = load_config(root, &mut diags) else {
        return Err(diags);
    };
    let pages = discover_content(
        &config,
        DiscoverOptions {
            include_drafts: options.include_drafts,
        },
        &mut diags,
    );
    let site = link_site(
        config,
        pages,
        &mut diags,
        options,
        Reuse::Nothing,
        &|ctx: &BodyContext<'_>| Arc::new(render_body(ctx, ctx.pages[ctx.page_id].body())),
    );
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((site, diags))
}

/// Renders one page body; `serve` passes one that reuses the bodies of unchanged pages.
pub type BodyRenderer<'a> = dyn Fn(&BodyContext<'_>) -> Arc<RenderedBody> + Sync + 'a;

/// Stage 3 on discovered pages: section pages, related terms, bodies, links and backlinks.
/// Always returns the site (so `serve` can keep its pages); errors go into `diags`.
/// `pages` keep their order, followed by any synthetic section and home pages.
/// What a build of the same pages with the same front matter left behind (see
/// [`FrontData`]): `serve` passes its last build so that the next one reuses it.
pub struct PreviousBuild {
    pub front: Arc<FrontData>,
    pub bodies: Vec<Arc<RenderedBody>>,
    pub backlinks: Vec<Vec<PageId>>,
    pub training: Arc<crate::training::Training>,
}

impl PreviousBuild {
    pub fn of(site: &Site) -> PreviousBuild {
        PreviousBuild {
            front: site.front.clone(),
            training: site.training.clone(),
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

/// With `reuse`, only changed bodies' links are followed again.
pub fn link_site(
    config: Config,
    mut pages: Vec<Page>,
    diags: &mut Diagnostics,
    options: &BuildOptions,
    reuse: Reuse<'_>,
    body: &BodyRenderer<'_>,
) -> Site {
    let mut timer = crate::timings::StageTimer::new();
    add_missing_section_pages(&config, &mut pages);
    let (previous, front) = match reuse {
        Reuse::Front(p) if p.bodies.len() == pages.len() => (Some(p), p.front.clone()),
        Reuse::Names(p) if p.bodies.len() == pages.len() => {
            let names = Some(p.front.names.clone());
            let front = FrontData::derive(&config, &pages, options, names);
            (Some(p), Arc::new(front))
        }
        _ => (
            None,
            Arc::new(FrontData::derive(&config, &pages, options, None)),
        ),
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
            })
        })
        .collect();
    timer.lap("    bodies");
    // Training reads front matter and scripts' bodies.
    let training = match previous {
        Some(before)
            if Arc::ptr_eq(&before.front, &front)
                && (0..pages.len()).all(|id| {
                    pages[id].kind != PageKind::Script
                        || Arc::ptr_eq(&before.bodies[id], &bodies[id])
                }) =>
        {
            before.training.clone()
        }
        _ => Arc::new(crate::training::Training::build(&pages, index)),
    };
    diags.extend(training.problems().iter().cloned());
    timer.lap("    training");
    let mut link_diags: Vec<Diagnostic> = bodies
        .iter()
        .flat_map(|b| b.diagnostics.iter().cloned())
        .collect();
    let links: Vec<_> = bodies.iter().map(|b| b.links.as_slice()).collect();
    // Training pages have anchors beyond their headings; only theirs are copied.
    let mut extra_anchors: std::collections::HashMap<PageId, Vec<String>> = Default::default();
    training.add_anchors(&mut |id, anchor| {
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
    let anchor_diags = check_anchors(&pages, &links, &anchors, &|id| bodies[id].links_to_anchors);
    timer.lap("    anchors");
    let backlinks = match previous {
        Some(before) => {
            let changed: Vec<_> = (0..pages.len())
                .filter(|&id| !Arc::ptr_eq(&before.bodies[id], &bodies[id]))
                .map(|id| (id, before.bodies[id].links.as_slice(), links[id]))
                .collect();
            update_backlinks(&before.backlinks, &changed, &front.names.ranks)
        }
        None => find_backlinks(&links, &front.names.ranks),
    };
    timer.lap("    backlinks");
    link_diags.extend(anchor_diags);
    link_diags.extend(front.link_diags.items.iter().cloned());
    if options.warn_links {
        for d in &mut link_diags {
            d.severity = crate::diagnostics::Severity::Warning;
        }
    }
    diags.extend(link_diags);
    diags.sort();
    Site {
        config,
        pages,
        bodies,
        backlinks,
        related: front.related.clone(),
        postmortems: front.postmortems.clone(),
        training,
        front,
        search: None,
    }
}

/// Stage 4 for `serve`: the search index of `site`, updated from `previous` (the last
/// build's) by re-indexing only pages whose body changed. `build` skips this stage and
/// indexes while writing, so as not to hold the index's working data (~60 MB on a
/// 10,000-page site) for nothing.
pub fn index_for_search(site: &mut Site, previous: Option<&crate::search::SearchState>) {
    site.search = crate::search::search_state(site, previous).map(Arc::new);
}

/// A section folder without `_index.md` still gets a section page.
fn add_missing_section_pages(config: &Config, pages: &mut Vec<Page>) {
    let mut have: std::collections::HashSet<String> = pages
        .iter()
        .filter(|p| p.kind == PageKind::Section)
        .map(|p| p.section.clone())
        .collect();
    let has_home = pages.iter().any(|p| p.kind == PageKind::Home);
    let mut missing = Vec::new();
    for p in pages.iter() {
        if !p.section.is_empty() && have.insert(p.section.clone()) {
            missing.push(p.section.clone());
        }
    }
    let synthetic = |title: String, rel: String, section: String, kind: PageKind, url: String| {
        let fm = PlainFrontMatter {
            title,
            summary: None,
            tags: vec![],
            date: None,
            draft: false,
            autolink: None,
        };
        Page {
            source_path: config.build.content_dir.join(&rel),
            rel_path: rel,
            slug: section.clone(),
            section,
            url,
            kind,
            meta: fm.common(),
            data: KindData::Plain(fm),
            body_start: 0,
            body_line: 1,
            source: String::new(),
        }
    };
    for s in missing {
        let title = section_title(&s);
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

fn section_title(folder: &str) -> String {
    match folder {
        "glossary" => "Glossary".into(),
        "postmortems" => "Post-mortems".into(),
        "scripts" => "Scripts".into(),
        "guidelines" => "Guidelines".into(),
        "paths" => "Learning paths".into(),
        other => {
            let mut c = other.replace(['-', '_'], " ");
            if let Some(first) = c.get(0..1) {
                c.replace_range(0..1, &first.to_uppercase());
            }
            c
        }
    }
}

/// `related:` of glossary terms: every slug must be a term; relations show on both ends.
fn resolve_related(pages: &[Page], diags: &mut Diagnostics) -> Vec<Vec<PageId>> {
    let by_slug: std::collections::HashMap<&str, PageId> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PageKind::Glossary)
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

/// Line and column of the first occurrence of `needle` in a page's front matter.
pub fn locate_in_front_matter(page: &Page, needle: &str) -> (usize, usize) {
    for (i, line) in page
        .source
        .lines()
        .enumerate()
        .take(page.body_line.saturating_sub(1))
    {
        if let Some(col) = line.find(needle) {
            return (i + 1, line[..col].chars().count() + 1);
        }
    }
    (1, 1)
}

/// Lets `render_site` skip outputs whose inputs did not change (`serve`'s incremental
/// rebuilds). The inputs of an output are its template and full context, so skipping is
/// exact: equal inputs render equal bytes.
pub trait RenderMemo: Sync {
    /// Called once per build with everything every output depends on besides its context.
    fn begin(&self, site: &Site, theme: &Theme, globals: &Context);
    /// True when page `id`'s output is known to equal the last build's without looking at
    /// its inputs: nothing it reads has changed.
    fn page_unchanged(&self, site: &Site, id: PageId) -> bool;
    /// True when the outputs of `feature`, which reads only what `reads` says, are known to
    /// equal the last build's.
    fn feature_unchanged(&self, site: &Site, feature: &'static str, reads: Reads) -> bool;
    /// The outputs `feature` produced in this build.
    fn feature_outputs(&self, feature: &'static str, rels: Vec<String>);
    /// A short stand-in for page `id`'s body HTML that changes whenever the HTML does, so
    /// contexts compare without copying bodies; `None` renders the page unconditionally.
    fn body_token(&self, site: &Site, id: PageId) -> Option<String>;
    /// True when `rel` was rendered by the previous build from the same inputs (see
    /// [`render_inputs`]); the sink then already holds its bytes and nothing is written.
    fn unchanged(&self, rel: &str, inputs: &dyn Fn() -> u128) -> bool;
}

/// Everything an output is rendered from besides the templates and globals: its template
/// name and context, serialized and digested (128-bit XXH3, so equal digests mean equal
/// inputs, and equal inputs mean equal output bytes).
pub fn render_inputs(template: &str, context: &impl serde::Serialize) -> u128 {
    struct Digest(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Digest {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut digest = Digest(xxhash_rust::xxh3::Xxh3::new());
    digest.0.update(template.as_bytes());
    digest.0.update(&[0]);
    // Serializing plain data cannot fail.
    let _ = serde_json::to_writer(
        std::io::BufWriter::with_capacity(4096, &mut digest),
        context,
    );
    digest.0.digest128()
}

/// `hindsight build` renders everything.
struct RenderAll;

impl RenderMemo for RenderAll {
    fn begin(&self, _: &Site, _: &Theme, _: &Context) {}
    fn page_unchanged(&self, _: &Site, _: PageId) -> bool {
        false
    }
    fn feature_unchanged(&self, _: &Site, _: &'static str, _: Reads) -> bool {
        false
    }
    fn feature_outputs(&self, _: &'static str, _: Vec<String>) {}
    fn body_token(&self, _: &Site, _: PageId) -> Option<String> {
        None
    }
    fn unchanged(&self, _: &str, _: &dyn Fn() -> u128) -> bool {
        false
    }
}

/// Stages 5–6: render every page and write the site into `sink`.
pub fn render_site(
    site: &Site,
    sink: &dyn OutputSink,
    options: &BuildOptions,
) -> Result<usize, Diagnostics> {
    render_site_with(site, sink, options, &RenderAll)
}

/// `render_site`, skipping the outputs `memo` reports unchanged.
pub fn render_site_with(
    site: &Site,
    sink: &dyn OutputSink,
    options: &BuildOptions,
    memo: &dyn RenderMemo,
) -> Result<usize, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut timer = crate::timings::StageTimer::new();
    let theme = match Theme::load(&site.config) {
        Ok(t) => t,
        Err(e) => {
            diags.extend(e);
            return Err(diags);
        }
    };
    let nav = navigation(site);
    let globals = site_globals(&site.config, &nav, options.live_reload);
    memo.begin(site, &theme, &globals);
    let renderer = match Renderer::new(&theme, &globals) {
        Ok(r) => r,
        Err(e) => {
            diags.extend(e);
            return Err(diags);
        }
    };
    let failed = |rel: &str, e: std::io::Error| {
        Diagnostic::error(rel, 0, 0, format!("cannot write output file: {e}"))
    };
    let write = |rel: &str, bytes: &[u8]| sink.write(rel, bytes).map_err(|e| failed(rel, e));
    let write_shared =
        |rel: &str, bytes: &Arc<[u8]>| sink.write_shared(rel, bytes).map_err(|e| failed(rel, e));

    // Feature outputs (search index, feeds) are built after the pages, not beside them:
    // building them concurrently was no faster on 2 cores and raised peak memory by ~70 MB.
    timer.lap("    theme+globals");
    let results = render_pages(site, &renderer, memo, &write);
    diags.extend(results.into_iter().filter_map(Result::err));
    let mut files = site.pages.len();
    timer.lap("    pages");

    for feature in FEATURES {
        if memo.feature_unchanged(site, feature.name, feature.reads) {
            continue;
        }
        let mut rels = Vec::new();
        for generated in (feature.pages)(site) {
            let rel = format!("{}index.html", generated.url);
            rels.push(rel.clone());
            files += 1;
            if let Err(d) = render_generated(&renderer, memo, generated, &rel, &write) {
                diags.push(d);
            }
        }
        timer.lap(&format!("    {} pages", feature.name));
        let outputs = (feature.files)(site);
        files += outputs.len();
        let written: Vec<Result<(), Diagnostic>> = outputs
            .par_iter()
            .map(|(rel, bytes)| write_shared(rel, bytes))
            .collect();
        diags.extend(written.into_iter().filter_map(Result::err));
        rels.extend(outputs.into_iter().map(|(rel, _)| rel));
        memo.feature_outputs(feature.name, rels);
        timer.lap(&format!("    {} files", feature.name));
    }

    let mut not_found = Context::new();
    // 404.html is served at any depth, so its links are absolute from the base path.
    not_found.insert("root", &site.config.base_path());
    not_found.insert("page", &serde_json::json!({"title": "Page not found", "url": "404.html", "kind": "page", "summary": null}));
    if !memo.unchanged("404.html", &|| {
        render_inputs("404.html", &site.config.base_path())
    }) {
        match renderer.render("404.html", &not_found) {
            Ok(html) => {
                if let Err(d) = write("404.html", html.as_bytes()) {
                    diags.push(d);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    let extra: [(String, Vec<u8>); 1] = [(
        "highlight.css".into(),
        crate::highlight::highlight_css().into_bytes(),
    )];
    let outputs: Vec<(&str, &[u8])> = extra
        .iter()
        .map(|(r, b)| (r.as_str(), b.as_slice()))
        .chain(
            theme
                .static_files
                .iter()
                .map(|(r, f)| (r.as_str(), f.bytes.as_slice())),
        )
        .collect();
    files += outputs.len();
    let written: Vec<Result<(), Diagnostic>> = outputs
        .par_iter()
        .map(|(rel, bytes)| write(rel, bytes))
        .collect();
    diags.extend(written.into_iter().filter_map(Result::err));
    files += 1;
    // Written by every build; listed so that `serve` notices one going away.
    let site_files = outputs.iter().map(|(rel, _)| rel.to_string());
    memo.feature_outputs(
        "site",
        std::iter::once("404.html".into())
            .chain(site_files)
            .collect(),
    );
    timer.lap("    write extra");
    diags.sort();
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(files)
    }
}

/// Writes one output file, reporting failure as a diagnostic.
type WriteOutput<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// Every content page, in parallel; `serve`'s memo skips pages whose inputs did not change.
fn render_pages(
    site: &Site,
    renderer: &Renderer,
    memo: &dyn RenderMemo,
    write: &WriteOutput<'_>,
) -> Vec<Result<(), Diagnostic>> {
    (0..site.pages.len())
        .into_par_iter()
        .map(|id| {
            if memo.page_unchanged(site, id) {
                return Ok(());
            }
            let rel = format!("{}index.html", site.pages[id].url);
            if let Some(token) = memo.body_token(site, id) {
                let (template, ctx) = page_context(site, renderer, id, &token);
                if memo.unchanged(&rel, &|| render_inputs(&template, &ctx)) {
                    return Ok(());
                }
            }
            let html = render_page(site, renderer, id)?;
            write(&rel, html.as_bytes())
        })
        .collect()
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

/// What a feature's outputs are computed from (besides templates and settings). `serve`
/// keeps a feature's outputs while none of it changed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    FrontMatter,
    /// Front matter and the training data (which reads scripts' bodies).
    Training,
    Bodies,
}

/// A feature that adds pages made from site data (insights, flashcards, the search page)
/// and other files (feeds, JSON, search shards).
struct Feature {
    name: &'static str,
    reads: Reads,
    pages: fn(&Site) -> Vec<GeneratedPage>,
    files: fn(&Site) -> Vec<OutputFile>,
}

/// A file's path under the site root and its bytes (shared, so `serve` can keep them).
pub type OutputFile = (String, Arc<[u8]>);

fn shared(files: Vec<(String, Vec<u8>)>) -> Vec<OutputFile> {
    files.into_iter().map(|(r, b)| (r, b.into())).collect()
}

/// Extension point: the features that add pages and files, one entry each.
const FEATURES: &[Feature] = &[
    Feature {
        name: "sitemap",
        reads: Reads::FrontMatter,
        pages: |_| Vec::new(),
        files: |site| {
            shared(vec![
                ("sitemap.xml".into(), sitemap(site).into_bytes()),
                ("robots.txt".into(), robots(&site.config).into_bytes()),
            ])
        },
    },
    Feature {
        name: "postmortems",
        reads: Reads::FrontMatter,
        pages: |site| site.postmortems.generated_pages(site),
        files: |site| shared(site.postmortems.extra_files(site)),
    },
    Feature {
        name: "training",
        reads: Reads::Training,
        pages: crate::training::generated_pages,
        files: |site| shared(crate::training::extra_files(site)),
    },
    Feature {
        name: "search",
        reads: Reads::Bodies,
        pages: |site| crate::search::search_page(site).into_iter().collect(),
        files: |site| match &site.search {
            Some(state) => state.files().to_vec(),
            None => shared(crate::search::search_files(site)),
        },
    },
];

/// Render one generated page unless `memo` knows its inputs are unchanged.
fn render_generated(
    renderer: &Renderer,
    memo: &dyn RenderMemo,
    generated: GeneratedPage,
    rel: &str,
    write: &WriteOutput<'_>,
) -> Result<(), Diagnostic> {
    let inputs = (
        &generated.url,
        &generated.title,
        &generated.summary,
        &generated.context,
    );
    if memo.unchanged(rel, &|| render_inputs(generated.template, &inputs)) {
        return Ok(());
    }
    let mut ctx = Context::new();
    ctx.insert("root", &root_prefix(&generated.url));
    ctx.insert(
        "page",
        &serde_json::json!({
            "title": generated.title, "summary": generated.summary, "url": generated.url,
            "kind": "generated", "kind_label": "", "toc": [], "tags": [],
        }),
    );
    if let serde_json::Value::Object(map) = generated.context {
        for (k, v) in map {
            ctx.insert(k, &v);
        }
    }
    let html = renderer.render(generated.template, &ctx)?;
    write(rel, html.as_bytes())
}

/// Extension point: kind-specific values computed for one page, as `page.extra`.
fn page_extra(site: &Site, id: PageId) -> serde_json::Value {
    let mut extra = serde_json::Map::new();
    if let Some(t) = site.training.page_extra(site, id) {
        extra.insert("training".into(), t);
    }
    if let Some(p) = site.postmortems.page_extra(site, id) {
        extra.insert("postmortems".into(), p);
    }
    serde_json::Value::Object(extra)
}

fn render_page(site: &Site, renderer: &Renderer, id: PageId) -> Result<String, Diagnostic> {
    let html = site.bodies[id].html();
    let (template, inputs) = page_context(site, renderer, id, &html);
    match Context::from_serialize(&inputs) {
        Ok(ctx) => renderer.render(&template, &ctx),
        Err(e) => Err(Diagnostic::error(
            &site.pages[id].source_path,
            0,
            0,
            format!("cannot prepare the page for its template: {e}"),
        )),
    }
}

/// What a page template sees besides the site globals.
#[derive(serde::Serialize)]
struct PageContext<'a> {
    root: String,
    page: PageView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<SectionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recent_postmortems: Option<Vec<PageRef>>,
}

/// The template and context of page `id`, with `content` as its body HTML.
fn page_context<'a>(
    site: &'a Site,
    renderer: &Renderer,
    id: PageId,
    content: &'a str,
) -> (String, PageContext<'a>) {
    let page = &site.pages[id];
    let body = &site.bodies[id];
    let edit_url = site
        .config
        .output
        .html
        .edit_url_template
        .as_ref()
        .map(|t| t.replace("{path}", &page.source_path.to_string_lossy()));
    let view = PageView {
        title: &page.meta.title,
        summary: page.meta.summary.as_deref(),
        tags: &page.meta.tags,
        date: page.meta.date.map(|d| d.to_string()),
        kind: page.kind,
        kind_label: page.kind.label().0,
        url: &page.url,
        content,
        toc: &body.toc,
        backlinks: backlink_groups(&site.pages, &site.backlinks[id]),
        related: site.related[id]
            .iter()
            .map(|&o| PageRef::of(&site.pages[o]))
            .collect(),
        terms_used: crate::terms::terms_used(&site.pages, id, &body.links)
            .into_iter()
            .map(|t| TermRef::of(&site.pages[t]))
            .collect(),
        data: &page.data,
        extra: page_extra(site, id),
        source_path: page.source_path.to_string_lossy().into_owned(),
        edit_url,
        word_count: body.word_count,
    };
    let mut ctx = PageContext {
        root: root_prefix(&page.url),
        page: view,
        section: None,
        recent_postmortems: None,
    };
    match page.kind {
        PageKind::Section => ctx.section = Some(section_view(site, &page.section)),
        PageKind::Home => {
            let mut recent: Vec<PageRef> = site
                .pages
                .iter()
                .filter(|p| p.kind == PageKind::Postmortem)
                .map(PageRef::of)
                .collect();
            recent.sort_by(|a, b| b.date.cmp(&a.date));
            recent.truncate(5);
            ctx.recent_postmortems = Some(recent);
        }
        _ => {}
    }
    // A section may have its own listing template, `<section>-section.html`.
    let section_template = format!("{}-section.html", page.section);
    let template = if page.kind == PageKind::Section && renderer.has_template(&section_template) {
        &section_template
    } else {
        page.kind.template()
    };
    let template = if renderer.has_template(template) {
        template
    } else {
        "page.html"
    };
    (template.to_string(), ctx)
}

fn section_view(site: &Site, section: &str) -> SectionView {
    let mut pages: Vec<&Page> = site
        .pages
        .iter()
        .filter(|p| p.section == section && p.kind != PageKind::Section)
        .collect();
    if section == "postmortems" {
        pages.sort_by(|a, b| {
            b.meta
                .date
                .cmp(&a.meta.date)
                .then_with(|| a.meta.title.cmp(&b.meta.title))
        });
    } else {
        pages.sort_by_key(|p| p.meta.title.to_lowercase());
    }
    let refs: Vec<PageRef> = pages.iter().map(|p| PageRef::of(p)).collect();
    let mut letters: Vec<LetterGroup> = Vec::new();
    if section == "glossary" {
        for r in &refs {
            let letter = r
                .title
                .chars()
                .next()
                .map(|c| c.to_uppercase().to_string())
                .unwrap_or_default();
            let letter = if letter.chars().all(char::is_alphabetic) {
                letter
            } else {
                "#".into()
            };
            match letters.last_mut() {
                Some(g) if g.letter == letter => g.pages.push(r.clone()),
                _ => letters.push(LetterGroup {
                    letter,
                    pages: vec![r.clone()],
                }),
            }
        }
    }
    SectionView {
        name: section.to_string(),
        pages: refs,
        letters,
    }
}

/// Top-level sections in a fixed, meaningful order, then any others alphabetically.
fn navigation(site: &Site) -> Vec<NavItem> {
    const ORDER: [&str; 5] = ["glossary", "postmortems", "scripts", "guidelines", "paths"];
    let mut items: Vec<(usize, NavItem)> = site
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Section && !p.url.trim_end_matches('/').contains('/'))
        .map(|p| {
            let rank = ORDER
                .iter()
                .position(|s| *s == p.section)
                .unwrap_or(ORDER.len());
            let count = site
                .pages
                .iter()
                .filter(|q| q.section == p.section && q.kind != PageKind::Section)
                .count();
            (
                rank,
                NavItem {
                    title: p.meta.title.clone(),
                    url: p.url.clone(),
                    summary: p.meta.summary.clone(),
                    count,
                    count_label: format!(
                        "{count} {}",
                        if count == 1 { "entry" } else { "entries" }
                    ),
                },
            )
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.title.cmp(&b.1.title)));
    let mut nav: Vec<NavItem> = items.into_iter().map(|(_, n)| n).collect();
    nav.extend(crate::training::practice_nav(&site.pages));
    nav
}

fn sitemap(site: &Site) -> String {
    let origin = site.config.site_origin().unwrap_or_default();
    let base = if origin.is_empty() {
        site.config.base_path()
    } else {
        format!("{origin}/")
    };
    let mut urls: Vec<&Page> = site.pages.iter().collect();
    urls.sort_by(|a, b| a.url.cmp(&b.url));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in urls {
        out.push_str("  <url><loc>");
        out.push_str(&crate::markdown::escape_html(&format!("{base}{}", p.url)));
        out.push_str("</loc>");
        if let Some(d) = p.meta.date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

fn robots(config: &Config) -> String {
    let origin = config.site_origin().unwrap_or_default();
    let sitemap = if origin.is_empty() {
        format!("{}sitemap.xml", config.base_path())
    } else {
        format!("{origin}/sitemap.xml")
    };
    format!("User-agent: *\nAllow: /\nSitemap: {sitemap}\n")
}

/// Once bodies are rendered and validated, the Markdown sources are needed no more: a
/// one-shot build frees them before rendering templates (~100 MB on a 10,000-page site).
/// `serve` keeps them for its incremental rebuilds.
fn release_sources(site: &mut Site) {
    for page in &mut site.pages {
        page.source = String::new();
        page.body_start = 0;
    }
}

/// `hindsight build`: the whole pipeline, written atomically into the build dir.
pub fn build(root: &Path, options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let (mut site, warnings) = load_site(root, options)?;
    release_sources(&mut site);
    let out_dir = options
        .out_dir
        .clone()
        .unwrap_or_else(|| site.config.build_dir());
    let staging = StagingDir::create(&out_dir).map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error(
            &out_dir,
            0,
            0,
            format!("cannot create output folder: {e}"),
        ));
        d
    })?;
    let files = render_site(&site, &staging, options)?;
    staging.commit().map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error(
            &out_dir,
            0,
            0,
            format!("cannot move the new site into place: {e}"),
        ));
        d
    })?;
    Ok(BuildReport {
        pages: site.pages.len(),
        files,
        out_dir,
        elapsed: start.elapsed(),
        warnings,
    })
}

/// `hindsight check`: every validation of a build, writing nothing.
pub fn check(root: &Path, options: &BuildOptions) -> Result<Diagnostics, Diagnostics> {
    let (mut site, warnings) = load_site(root, options)?;
    release_sources(&mut site);
    render_site(&site, &NullSink, options)?;
    Ok(warnings)
}
