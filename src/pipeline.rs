//! The build pipeline, one stage after another:
//! load config ([`crate::config`]) → discover and parse content ([`crate::content`]) →
//! resolve links and terms, render bodies ([`crate::linking`]) → derive each kind's data
//! ([`crate::kinds`]) → assemble the [`Site`] ([`assemble`]) → index for search
//! ([`index_for_search`], [`crate::search`]) → render with templates
//! ([`crate::render::outputs`]) → write output ([`crate::output`]). `hindsight build`,
//! `check` and `serve` all run it; `serve` through the same [`assemble`], with its last
//! build to reuse.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::config::BuildOptions;
use crate::config::{Config, load_config};
use crate::content::assets::AssetIndex;
use crate::content::history::History;
use crate::content::{DiscoverOptions, discover_content};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::registry::{self, KindBodyHooks, KindsData};
use crate::linking::{BodyRenderer, Reuse, check_link_anchors, link_site};
use crate::markdown::{BodyContext, RenderedBody, render_body};
use crate::output::{
    NullSink, OldSite, OutputRefusal, ProtectedPaths, StagingDir, check_output_dir,
};
use crate::render::outputs::render_site;
use crate::site::Site;

/// `book.toml`, its `[kinds]` checked against the registry's built-in kinds: how every
/// command reads it.
pub fn read_config(root: &Path, diags: &mut Diagnostics) -> Option<Config> {
    load_config(root, registry::builtin_kinds(), diags)
}

/// `book.toml` as overridden on the command line.
fn configure(root: &Path, options: &BuildOptions, diags: &mut Diagnostics) -> Option<Config> {
    let mut config = read_config(root, diags)?;
    if let Some(url) = &options.base_url {
        config.build.base_url = url.clone();
    }
    Some(config)
}

/// Why `hindsight build` wrote nothing.
#[derive(Debug)]
pub enum BuildError {
    /// Errors in the sources, each at its position (exit 1).
    Content(Diagnostics),
    /// The output path may not be written (exit 2): nothing was read or touched.
    Output(OutputRefusal),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Content(d) => write!(f, "{d}"),
            BuildError::Output(r) => write!(f, "error: {r}"),
        }
    }
}

impl From<BuildError> for Diagnostics {
    fn from(e: BuildError) -> Diagnostics {
        match e {
            BuildError::Content(d) => d,
            BuildError::Output(r) => {
                let mut d = Diagnostics::default();
                d.push(Diagnostic::error(&r.path, 0, 0, r.to_string()));
                d
            }
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
    /// The site this build replaced, to discard: deleted when the report is dropped, or
    /// handed to a background process by the command line (see [`crate::output::swap`]).
    pub old_site: Option<OldSite>,
}

/// Stages 1–3: config, content, links. Returns the site and its warnings, or every error.
pub fn load_site(root: &Path, options: &BuildOptions) -> Result<(Site, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(config) = configure(root, options, &mut diags) else {
        return Err(diags);
    };
    load_content(config, diags, options)
}

/// Stages 2–3 for a loaded config; `diags` holds the config's warnings.
fn load_content(
    config: Config,
    mut diags: Diagnostics,
    options: &BuildOptions,
) -> Result<(Site, Diagnostics), Diagnostics> {
    let pages = discover_content(
        &config,
        DiscoverOptions {
            include_drafts: options.include_drafts,
            kinds: registry::page_kinds(config.declared),
        },
        &mut diags,
    );
    let history = Arc::new(read_history(&config, &pages));
    let assets = Arc::new(AssetIndex::list(&config));
    let site = assemble(
        config,
        pages,
        &mut diags,
        options,
        Carried {
            reuse: Reuse::Nothing,
            kinds: None,
            history,
            assets,
        },
        &render_page_body,
    );
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((site, diags))
}

/// Renders a page's body from its Markdown, with the kinds' additions.
pub fn render_page_body(ctx: &BodyContext<'_>) -> Arc<RenderedBody> {
    Arc::new(render_body(
        ctx,
        ctx.pages[ctx.page_id].body(),
        &KindBodyHooks,
    ))
}

/// The pages' last commit dates, unless `build.last-updated` is off.
pub fn read_history(config: &Config, pages: &[crate::content::Page]) -> History {
    if !config.build.last_updated {
        return History::default();
    }
    let files: Vec<&str> = pages.iter().map(|p| p.rel_path.as_str()).collect();
    History::read(&config.content_dir(), &files)
}

/// What a build takes over rather than derives: what the last build may lend (`serve` only),
/// the pages' git dates and the content folder's other files.
pub struct Carried<'a> {
    /// Names and bodies of the last build that still hold.
    pub reuse: Reuse<'a>,
    /// The last build's kinds data.
    pub kinds: Option<&'a KindsData>,
    pub history: Arc<History>,
    pub assets: Arc<AssetIndex>,
}

/// Stages 3–4 on discovered pages: links and bodies, then each kind's data, then anchors
/// (kinds add some). `serve` passes what its last build may lend in `carried`. Always
/// returns the site, so `serve` can keep its pages; problems go into `diags`, sorted.
pub fn assemble(
    config: Config,
    pages: Vec<crate::content::Page>,
    diags: &mut Diagnostics,
    options: &BuildOptions,
    carried: Carried<'_>,
    body: &BodyRenderer<'_>,
) -> Site {
    let Carried {
        reuse,
        kinds,
        history,
        assets,
    } = carried;
    let mut timer = crate::timings::StageTimer::new();
    let linked = link_site(config, pages, assets, diags, options, reuse, body);
    let previous = match reuse {
        Reuse::Names(p) | Reuse::Front(p) => kinds.map(|k| (p, k)),
        Reuse::Nothing => None,
    };
    let kinds = registry::derive(&linked, options, previous, diags);
    timer.lap("    kinds");
    check_link_anchors(
        &linked,
        &|add| registry::anchors(&kinds, add),
        options,
        diags,
    );
    timer.lap("    anchors");
    diags.sort();
    Site {
        linked,
        kinds,
        search: None,
        history,
    }
}

/// Stage 4 for `serve`: the search index of `site`, updated from `previous` (the last
/// build's) by re-indexing only pages whose body changed. `build` skips this stage and
/// indexes while writing, so as not to hold the index's working data (~60 MB on a
/// 10,000-page site) for nothing.
pub fn index_for_search(site: &mut Site, previous: Option<&crate::search::SearchState>) {
    site.search = crate::search::search_state(&site.linked, previous).map(Arc::new);
}

/// Once bodies are rendered and validated, the Markdown sources are needed no more: a
/// one-shot build frees them before rendering templates (~100 MB on a 10,000-page site).
/// `serve` keeps them for its incremental rebuilds.
fn release_sources(site: &mut Site) {
    for page in &mut site.linked.pages {
        page.source = String::new();
        page.body_start = 0;
    }
}

/// `hindsight build`: the whole pipeline, written atomically into the build dir. The output
/// path is checked before any page is read; an unsafe one is refused and nothing is touched.
pub fn build(root: &Path, options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let mut diags = Diagnostics::default();
    let Some(config) = configure(root, options, &mut diags) else {
        return Err(BuildError::Content(diags));
    };
    let out_dir = options
        .out_dir
        .clone()
        .unwrap_or_else(|| config.build_dir());
    let protected = ProtectedPaths::of_site(&config.root, &config.content_dir());
    let target =
        check_output_dir(&out_dir, &protected, options.force).map_err(BuildError::Output)?;
    let (mut site, warnings) = load_content(config, diags, options).map_err(BuildError::Content)?;
    release_sources(&mut site);
    let output_error = |what: &str, e: std::io::Error| {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error(&out_dir, 0, 0, format!("{what}: {e}")));
        BuildError::Content(d)
    };
    let staging =
        StagingDir::create(&target).map_err(|e| output_error("cannot create output folder", e))?;
    let files = render_site(&site, &staging, options).map_err(BuildError::Content)?;
    let old_site = staging
        .commit()
        .map_err(|e| output_error("cannot move the new site into place", e))?;
    Ok(BuildReport {
        pages: site.pages.len(),
        files,
        out_dir,
        elapsed: start.elapsed(),
        warnings,
        old_site,
    })
}

/// `hindsight check`: every validation of a build, writing nothing.
pub fn check(root: &Path, options: &BuildOptions) -> Result<Diagnostics, Diagnostics> {
    let (mut site, mut warnings) = load_site(root, options)?;
    release_sources(&mut site);
    render_site(&site, &NullSink, options)?;
    if site.config.site_origin().is_none() {
        let (line, column) = crate::config::key_position(root, "base-url");
        warnings.push(Diagnostic::warning(
            crate::config::CONFIG_FILE,
            line,
            column,
            "base-url is a path, not a full URL: sitemap.xml has no host in its addresses and \
             robots.txt names no sitemap; set base-url to where the site is published \
             (https://kb.example.org/) for a sitemap search engines accept",
        ));
    }
    Ok(warnings)
}
