//! The build pipeline, one stage after another:
//! load config ([`crate::config`]) → discover and parse content ([`crate::content`]) →
//! resolve links and terms, render bodies ([`crate::linking`]) → index for search
//! ([`index_for_search`], [`crate::search`]) → render with templates
//! ([`crate::render::outputs`]) → write output ([`crate::output`]). `hindsight build`,
//! `check` and `serve` all run it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{Config, load_config};
use crate::content::{DiscoverOptions, discover_content};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::linking::{Reuse, link_site};
use crate::markdown::{BodyContext, render_body};
use crate::output::{NullSink, OutputRefusal, ProtectedPaths, StagingDir, check_output_dir};
use crate::render::outputs::render_site;
use crate::site::Site;

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
    /// Replace an existing output folder even if this tool did not build it.
    pub force: bool,
    /// Overrides `build.base-url` (CI sets the URL its host publishes the site at).
    pub base_url: Option<String>,
}

/// `book.toml` as overridden on the command line.
fn configure(root: &Path, options: &BuildOptions, diags: &mut Diagnostics) -> Option<Config> {
    let mut config = load_config(root, diags)?;
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

/// Stage 4 for `serve`: the search index of `site`, updated from `previous` (the last
/// build's) by re-indexing only pages whose body changed. `build` skips this stage and
/// indexes while writing, so as not to hold the index's working data (~60 MB on a
/// 10,000-page site) for nothing.
pub fn index_for_search(site: &mut Site, previous: Option<&crate::search::SearchState>) {
    site.search = crate::search::search_state(site, previous).map(Arc::new);
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
    staging
        .commit()
        .map_err(|e| output_error("cannot move the new site into place", e))?;
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
    let (mut site, mut warnings) = load_site(root, options)?;
    release_sources(&mut site);
    render_site(&site, &NullSink, options)?;
    if site.config.site_origin().is_none() {
        warnings.push(Diagnostic::warning(
            crate::config::CONFIG_FILE,
            0,
            0,
            "base-url is a path, not a full URL: sitemap.xml has no host in its addresses and \
             robots.txt names no sitemap; set base-url to where the site is published \
             (https://kb.example.org/) for a sitemap search engines accept",
        ));
    }
    Ok(warnings)
}
