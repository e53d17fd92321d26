//! Incremental rebuilds for `serve`, exact by construction: every shortcut is keyed by the
//! complete inputs of what it skips, so a rebuild writes the same bytes as a clean build.
//!
//! - Sources: a file is re-read and re-parsed only when the watcher names it.
//! - Bodies: a body's HTML depends on its own file, on the other pages' link views (path,
//!   address, kind, title, a term's aliases and summary) and on the files it shows or links
//!   to (their sizes), never on other bodies. While no link view changes (`names_key`), the
//!   last build's bodies of unchanged files whose images and files are unchanged too are
//!   reused by page id, and so are the name index, term matcher and links (`Reuse::Names`).
//! - Files beside pages: any change to a file that is not a page lists the content folder's
//!   files again; each is read again only when its length or modification time changed,
//!   and copied into the site as the same shared bytes otherwise.
//! - Front data: while no front matter, setting or the build date changes (`front_key`),
//!   everything derived from front matter is reused (`Reuse::Front`), and so are the outputs
//!   of features that read only front matter (insights, feeds, sitemap).
//! - Search: the index keeps its analysis of each page and re-indexes changed bodies only.
//! - Outputs: with the same front data and templates, a page whose body and backlinks are
//!   unchanged is kept without a look at its context; any other page is re-rendered only
//!   when the digest of its template context (body as a token) differs from the last build's.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tera::Context;

use crate::config::{CONFIG_FILE, Config};
use crate::content::assets::AssetIndex;
use crate::content::{DiscoverOptions, Page, PageId, check_unique_urls, list_sources, load_page};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::registry::{self, KindsData};
use crate::linking::{PreviousBuild, Reuse, link_view};
use crate::markdown::BodyContext;
use crate::output::OutputSink;
use crate::pipeline::{BuildOptions, assemble, index_for_search, read_config, render_page_body};
use crate::render::outputs::{Reads, RenderMemo, render_site_with};
use crate::render::theme::Theme;
use crate::search::SearchState;
use crate::site::Site;
use crate::timings::StageTimer;

/// A complete built site in memory; requests are served from one snapshot at a time.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Output path (`glossary/slo/index.html`) → file. Shared with the next snapshot:
    /// a rebuild copies no key and no file it did not change.
    pub files: HashMap<Arc<str>, SiteFile>,
    pub base_path: String,
}

/// One output file as the server holds it.
#[derive(Debug, Clone)]
pub enum SiteFile {
    /// Bytes shared with the stage that made them (the search index keeps its files): kept
    /// as they are, and known unchanged when the next build hands over the same `Arc`.
    Shared(Arc<[u8]>),
    /// Everything else, LZ4-compressed: the pages of a 10,000-page site are ~450 MB of HTML,
    /// and a request decompresses one page in well under a millisecond.
    Compressed(Arc<[u8]>),
}

impl SiteFile {
    pub fn compress(bytes: &[u8]) -> SiteFile {
        SiteFile::Compressed(lz4_flex::block::compress_prepend_size(bytes).into())
    }

    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match self {
            SiteFile::Shared(b) => std::borrow::Cow::Borrowed(b),
            // Compressed here from bytes that were whole: decompressing cannot fail.
            SiteFile::Compressed(c) => std::borrow::Cow::Owned(
                lz4_flex::block::decompress_size_prepended(c).unwrap_or_default(),
            ),
        }
    }

    /// Same contents (compression is deterministic, so equal bytes compress equally).
    fn same_as(&self, other: &SiteFile) -> bool {
        match (self, other) {
            (SiteFile::Shared(a), SiteFile::Shared(b)) => Arc::ptr_eq(a, b) || a == b,
            (SiteFile::Compressed(a), SiteFile::Compressed(b)) => a == b,
            _ => self.bytes() == other.bytes(),
        }
    }
}

/// What a successful rebuild changed, for the live-reload event.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SiteChanges {
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Page folder that disappeared (`glossary/old/`) → nearest remaining section (`glossary/`).
    pub removed: BTreeMap<String, String>,
    /// Pages rendered by this build (the rest were reused).
    #[serde(skip)]
    pub rendered: usize,
    /// Bodies rendered from Markdown by this build (the rest were reused).
    #[serde(skip)]
    pub bodies: usize,
}

struct Source {
    /// Hash of the whole file, of its path and front matter, and of its page's
    /// [`link_view`] (what other pages' bodies read).
    text_hash: u64,
    front_hash: u64,
    names_hash: u64,
    /// The page is lent to the build in progress.
    lent: bool,
    /// The page while it rests here between builds (`None` while lent to a build, for
    /// drafts and for files that failed to parse).
    page: Option<Page>,
    error: Option<Diagnostic>,
}

pub struct IncrementalBuild {
    root: PathBuf,
    options: BuildOptions,
    config: Option<(Config, Diagnostics, u64)>,
    /// Keyed by absolute path; `Path` order is `walkdir`'s sorted order, the build order.
    sources: BTreeMap<PathBuf, Source>,
    listing_diags: Diagnostics,
    /// Kept through failed builds: fixing a typo in a title brings its reuse back.
    last: Option<Arc<LastBuild>>,
    /// The last successful build's search index.
    search: Option<Arc<SearchState>>,
    /// Git dates of the pages, read at the first build and after a rescan (a save changes
    /// the work tree, not the history).
    history: Option<Arc<crate::content::history::History>>,
    outputs: OutputMemo,
    snapshot: Arc<Snapshot>,
    /// The content folder's other files, listed again whenever a file that is not a page
    /// changes (what was read of unchanged files is kept).
    assets: Arc<AssetIndex>,
    /// The bytes of the files copied into the site, by source path with their fingerprint:
    /// an unchanged image is neither read nor stored again at a rebuild.
    file_bytes: FileBytes,
}

/// Copied files' bytes by source path, with the fingerprint they were read at.
type FileBytes = Mutex<HashMap<PathBuf, (u64, Arc<[u8]>)>>;

/// The last successful build and what it was built from.
struct LastBuild {
    /// Hash of the config, settings and every page's [`link_view`].
    names_key: u64,
    /// Hash of the config, settings and every source's path and front matter.
    front_key: u64,
    /// Per page id, the hash of its file.
    text_hashes: Vec<u64>,
    build: Arc<PreviousBuild>,
    /// Each kind's derived data.
    kinds: KindsData,
}

/// Stands in for a page's body HTML in its template inputs: a hash of everything the body
/// is rendered from (its file and the link views of all pages).
#[derive(Default)]
struct BodyTokens {
    names: u64,
    text_hashes: Vec<u64>,
}

impl BodyTokens {
    /// `files`: the files the body names, as they were when it was rendered (an image's
    /// size is in the body).
    fn of(&self, page: &Page, id: PageId, files: &[crate::markdown::FileUse]) -> String {
        let text = self.text_hashes.get(id).copied().unwrap_or(0);
        let files: Vec<_> = files.iter().map(|f| (&f.source, f.fingerprint)).collect();
        let hash = hash_of(&(self.names, text, &page.rel_path, &page.url, files));
        format!("hindsight-body:{hash:016x}")
    }
}

/// What to re-read before a rebuild.
#[derive(Debug, Default, Clone)]
pub struct ChangeSet {
    pub paths: HashSet<PathBuf>,
    /// The watcher lost track (or the config changed): forget every cache.
    pub rescan: bool,
}

impl IncrementalBuild {
    /// `root` should be absolute, as the watcher reports absolute paths.
    pub fn new(root: &Path, options: BuildOptions) -> IncrementalBuild {
        IncrementalBuild {
            root: root.to_path_buf(),
            options,
            config: None,
            sources: BTreeMap::new(),
            listing_diags: Diagnostics::default(),
            last: None,
            search: None,
            history: None,
            outputs: OutputMemo::default(),
            snapshot: Arc::new(Snapshot::default()),
            assets: Arc::default(),
            file_bytes: Mutex::default(),
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.clone()
    }

    /// The content dir, build dir and theme folders of the current config.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref().map(|(c, _, _)| c)
    }

    /// Rebuild after `changes`. On success the new snapshot replaces the old one and the
    /// changes are returned with the warnings; on failure the old snapshot stays.
    pub fn rebuild(
        &mut self,
        changes: &ChangeSet,
    ) -> Result<(SiteChanges, Diagnostics), Diagnostics> {
        let mut timer = StageTimer::new();
        let config_path = self.root.join(CONFIG_FILE);
        if changes.rescan || self.config.is_none() || changes.paths.contains(&config_path) {
            self.reset();
            let mut diags = Diagnostics::default();
            let config = read_config(&self.root, &mut diags);
            let hash = hash_of(&std::fs::read(&config_path).unwrap_or_default());
            match config {
                Some(c) => self.config = Some((c, diags, hash)),
                None => return Err(diags),
            }
            self.rescan();
        } else {
            self.apply(changes);
        }
        let (config, config_diags, config_hash) = self.config.clone().expect("config loaded");

        let mut diags = config_diags;
        diags.extend(self.listing_diags.items.iter().cloned());
        let mut front = DefaultHasher::new();
        (config_hash, self.options.include_drafts).hash(&mut front);
        let mut names = DefaultHasher::new();
        (config_hash, self.options.include_drafts).hash(&mut names);
        let mut pages = Vec::with_capacity(self.sources.len());
        // Indexed by page id; synthetic pages (appended by the build) have no file.
        let mut text_hashes: Vec<u64> = Vec::with_capacity(self.sources.len());
        for source in self.sources.values_mut() {
            front.write_u64(source.front_hash);
            if let Some(e) = &source.error {
                diags.push(e.clone());
            }
            if let Some(page) = source.page.take() {
                names.write_u64(source.names_hash);
                source.lent = true;
                text_hashes.push(source.text_hash);
                pages.push(page);
            }
        }
        // Past midnight, action items may become overdue: the date is an input too.
        self.options.build_date().hash(&mut front);
        let front = front.finish();
        let names = names.finish();
        // The last build had pages of the same names and addresses: a body depends only on
        // its own file and those, so bodies of unchanged files hold, and so do their links.
        let last = self.last.clone().filter(|l| l.names_key == names);
        if last.is_none() {
            // (Unchanged addresses were checked by the last build.)
            check_unique_urls(&pages, &mut diags);
        }
        let reuse = match &last {
            Some(l) if l.front_key == front => Reuse::Front(&l.build),
            Some(l) => Reuse::Names(&l.build),
            None => Reuse::Nothing,
        };
        timer.lap("sources");

        let history = self
            .history
            .get_or_insert_with(|| Arc::new(crate::pipeline::read_history(&config, &pages)))
            .clone();
        let bodies_rendered = std::sync::atomic::AtomicUsize::new(0);
        let mut site = assemble(
            config,
            pages,
            &mut diags,
            &self.options,
            crate::pipeline::Carried {
                reuse,
                kinds: last.as_ref().map(|l| &l.kinds),
                history,
                assets: self.assets.clone(),
            },
            &|ctx: &BodyContext<'_>| {
                let id = ctx.page_id;
                let reused = last
                    .as_ref()
                    .filter(|l| l.text_hashes.get(id) == text_hashes.get(id))
                    .and_then(|l| l.build.bodies.get(id))
                    .filter(|body| ctx.files_unchanged(body));
                match reused {
                    Some(body) => body.clone(),
                    None => {
                        bodies_rendered.fetch_add(1, Ordering::Relaxed);
                        render_page_body(ctx)
                    }
                }
            },
        );
        timer.lap("link");
        if !diags.has_errors() {
            let previous = self.search.as_deref();
            index_for_search(&mut site, previous);
        }
        timer.lap("search index");

        let result = if diags.has_errors() {
            Err(diags)
        } else {
            let tokens = BodyTokens {
                names,
                text_hashes: text_hashes.clone(),
            };
            self.outputs.start(
                tokens,
                last.as_ref().map(|l| (l.build.clone(), l.kinds.clone())),
            );
            self.render(&site).map(|mut changes| {
                changes.bodies = bodies_rendered.into_inner();
                (changes, diags)
            })
        };
        // A failed build leaves nothing to reuse: the last good one stays.
        if result.is_ok() {
            self.search = site.search.clone();
            self.last = Some(Arc::new(LastBuild {
                names_key: names,
                front_key: front,
                text_hashes,
                build: Arc::new(PreviousBuild::of(&site.linked)),
                kinds: site.kinds.clone(),
            }));
        }
        timer.lap("render");
        // Give the pages back to their sources for the next build.
        let mut pages = site.linked.pages.into_iter();
        for source in self.sources.values_mut().filter(|s| s.lent) {
            source.lent = false;
            source.page = pages.next();
        }
        timer.lap("return pages");
        result
    }

    fn render(&mut self, site: &Site) -> Result<SiteChanges, Diagnostics> {
        let sink = SnapshotSink {
            previous: self.snapshot.clone(),
            files: Mutex::default(),
            same: Mutex::default(),
            file_bytes: &self.file_bytes,
        };
        let mut timer = StageTimer::new();
        let result = render_site_with(site, &sink, &self.options, &self.outputs);
        timer.lap("  render_site");
        let kept = self.outputs.finish(result.is_ok());
        timer.lap("  memo commit");
        result?;
        let previous = &self.snapshot.files;
        let written = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut changes = SiteChanges {
            rendered: written.keys().filter(|k| k.ends_with(".html")).count(),
            ..SiteChanges::default()
        };
        let (mut files, gone) = match kept {
            Kept::Listed(kept) => {
                let same = sink.same.into_inner().unwrap_or_else(|e| e.into_inner());
                let mut files = HashMap::with_capacity(previous.len());
                let kept = kept
                    .iter()
                    .map(String::as_str)
                    .chain(same.iter().map(|r| &**r));
                for rel in kept {
                    if let Some((rel, bytes)) = previous.get_key_value(rel) {
                        files.insert(rel.clone(), bytes.clone());
                    }
                }
                let gone: Vec<Arc<str>> = previous
                    .keys()
                    .filter(|k| !files.contains_key(*k) && !written.contains_key(*k))
                    .cloned()
                    .collect();
                (files, gone)
            }
            Kept::AllBut(dropped) => {
                let mut files = previous.clone();
                let gone = dropped
                    .iter()
                    .filter_map(|rel| files.remove_entry(rel.as_str()))
                    .filter(|(rel, _)| !written.contains_key(rel))
                    .map(|(rel, _)| rel)
                    .collect();
                (files, gone)
            }
        };
        for (rel, file) in written {
            if previous.get(&rel).is_none_or(|old| !old.same_as(&file)) {
                changes.changed.push(rel.to_string());
            }
            files.insert(rel, file);
        }
        changes.changed.sort();
        for rel in gone {
            if let Some(folder) = rel.strip_suffix("index.html") {
                changes
                    .removed
                    .insert(folder.to_string(), nearest_folder(&files, folder));
            }
        }
        timer.lap("  snapshot");
        self.snapshot = Arc::new(Snapshot {
            files,
            base_path: site.config.base_path(),
        });
        Ok(changes)
    }

    fn reset(&mut self) {
        self.config = None;
        self.sources.clear();
        self.last = None;
        self.search = None;
        self.history = None;
        self.outputs = OutputMemo::default();
        self.assets = Arc::default();
        *lock(&mut self.file_bytes) = HashMap::new();
    }

    /// List the content dir again: parse new files, drop vanished ones.
    fn rescan(&mut self) {
        let Some((config, _, _)) = &self.config else {
            return;
        };
        let mut diags = Diagnostics::default();
        let listed = list_sources(config, &mut diags);
        self.listing_diags = diags;
        let assets = AssetIndex::list(config).reusing(&self.assets);
        let on_disk: HashSet<&Path> = assets.paths().collect();
        lock(&mut self.file_bytes).retain(|path, _| on_disk.contains(path.as_path()));
        self.assets = Arc::new(assets);
        let listed_set: HashSet<&PathBuf> = listed.iter().collect();
        self.sources.retain(|p, _| listed_set.contains(p));
        let new: Vec<PathBuf> = listed
            .iter()
            .filter(|p| !self.sources.contains_key(*p))
            .cloned()
            .collect();
        self.read_all(&new);
    }

    fn apply(&mut self, changes: &ChangeSet) {
        let mut reread = Vec::new();
        let mut relist = false;
        for path in &changes.paths {
            if self.sources.contains_key(path) {
                reread.push(path.clone());
            } else {
                // A new file, a folder renamed or removed, or a non-Markdown file.
                relist = true;
            }
        }
        // Folder-level changes can add or remove many files at once.
        if relist {
            self.rescan();
        }
        reread.retain(|p| self.sources.contains_key(p));
        self.read_all(&reread);
    }

    fn read_all(&mut self, paths: &[PathBuf]) {
        use rayon::prelude::*;
        let Some((config, _, _)) = &self.config else {
            return;
        };
        let content_dir = config.content_dir();
        let options = DiscoverOptions {
            include_drafts: self.options.include_drafts,
            kinds: crate::kinds::registry::page_kinds(config.declared),
        };
        let read: Vec<(PathBuf, Option<Source>)> = paths
            .par_iter()
            .map(|path| {
                let Ok(bytes) = std::fs::read(path) else {
                    // Gone since the event: a clean build would not list it either.
                    return (path.clone(), None);
                };
                let text_hash = hash_of(&bytes);
                let (page, error) = match load_page(config, &content_dir, path, options) {
                    Ok(p) => (p, None),
                    Err(e) => (None, Some(e)),
                };
                let front_hash = hash_of(&(path, front_matter_hash(&bytes, page.as_ref())));
                let source = Source {
                    text_hash,
                    front_hash,
                    names_hash: page.as_ref().map_or(0, |p| hash_of(&link_view(p))),
                    lent: false,
                    page,
                    error,
                };
                (path.clone(), Some(source))
            })
            .collect();
        for (path, source) in read {
            match source {
                Some(s) => {
                    self.sources.insert(path, s);
                }
                None => {
                    self.sources.remove(&path);
                }
            }
        }
    }
}

/// The nearest folder above `folder` that still has a page (the home page at worst).
fn nearest_folder(files: &HashMap<Arc<str>, SiteFile>, folder: &str) -> String {
    let mut current = folder.trim_end_matches('/');
    while let Some((parent, _)) = current.rsplit_once('/') {
        let candidate = format!("{parent}/");
        if files.contains_key(format!("{candidate}index.html").as_str()) {
            return candidate;
        }
        current = parent;
    }
    String::new()
}

/// Everything but the body: what other pages' bodies can depend on. For a parsed page,
/// that is all before its body: the front matter and the leading `# heading`, which may be
/// its title.
fn front_matter_hash(bytes: &[u8], page: Option<&Page>) -> u64 {
    if let Some(page) = page {
        return hash_of(&(&page.source[..page.body_start], page.body_line));
    }
    let text = String::from_utf8_lossy(bytes);
    match crate::content::front_matter::split_front_matter(&text) {
        Ok(split) => hash_of(&(split.yaml, split.body_line)),
        Err(_) => hash_of(&bytes),
    }
}

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Collects a build's outputs in memory.
struct SnapshotSink<'a> {
    previous: Arc<Snapshot>,
    files: Mutex<HashMap<Arc<str>, SiteFile>>,
    /// Shared bytes written again unchanged (the same `Arc` as in `previous`).
    same: Mutex<Vec<Arc<str>>>,
    file_bytes: &'a FileBytes,
}

impl SnapshotSink<'_> {
    /// The bytes of `source`, read again only when it changed since the last read.
    fn file_bytes(&self, source: &Path) -> io::Result<Arc<[u8]>> {
        let metadata = std::fs::metadata(source)?;
        let fingerprint = hash_of(&(metadata.len(), metadata.modified().ok()));
        let known = self.file_bytes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((f, bytes)) = known.get(source)
            && *f == fingerprint
        {
            return Ok(bytes.clone());
        }
        drop(known);
        let bytes: Arc<[u8]> = std::fs::read(source)?.into();
        self.file_bytes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(source.to_path_buf(), (fingerprint, bytes.clone()));
        Ok(bytes)
    }
}

impl OutputSink for SnapshotSink<'_> {
    fn copy_file(&self, rel_path: &str, source: &Path) -> io::Result<()> {
        let bytes = self.file_bytes(source)?;
        self.write_shared(rel_path, &bytes)
    }

    fn write(&self, rel_path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = SiteFile::compress(bytes);
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel_path.into(), file);
        Ok(())
    }

    fn write_shared(&self, rel_path: &str, bytes: &Arc<[u8]>) -> io::Result<()> {
        if let Some((rel, SiteFile::Shared(old))) = self.previous.files.get_key_value(rel_path)
            && Arc::ptr_eq(old, bytes)
        {
            self.same
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rel.clone());
            return Ok(());
        }
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel_path.into(), SiteFile::Shared(bytes.clone()));
        Ok(())
    }
}

/// Template sources (name, origin, text) and site globals: inputs of every output.
type TemplateInputs = (Vec<(String, PathBuf, Vec<u8>)>, Context);

/// The inputs each output of the last successful build was rendered from.
#[derive(Default)]
struct OutputMemo {
    /// Template sources and site globals of the last successful build.
    theme: Option<TemplateInputs>,
    /// Output path → digest of its inputs (template name and context), of every output
    /// rendered through the memo by the last successful build.
    inputs: HashMap<String, u128>,
    /// The last successful build, when its pages had the same link views as this one's
    /// (see `Reuse`), and its kinds' data; `same_base` says whether its front data is this
    /// build's too.
    last: Option<(Arc<PreviousBuild>, KindsData)>,
    /// Outputs of each feature in the last successful build.
    features: HashMap<&'static str, Vec<String>>,
    /// Filled during a build; committed if the build succeeds.
    next_theme: Mutex<Option<TemplateInputs>>,
    next_inputs: Mutex<Vec<(String, u128)>>,
    next_features: Mutex<HashMap<&'static str, Vec<String>>>,
    kept: Mutex<Vec<String>>,
    theme_changed: AtomicBool,
    /// Templates, globals and front data are those of the last build: only bodies and
    /// what is computed from them can differ.
    same_base: AtomicBool,
    tokens: BodyTokens,
}

impl OutputMemo {
    fn start(&mut self, tokens: BodyTokens, last: Option<(Arc<PreviousBuild>, KindsData)>) {
        self.tokens = tokens;
        self.last = last;
        self.next_inputs = Mutex::default();
        self.next_features = Mutex::default();
        self.kept = Mutex::default();
    }

    /// Outputs reused from the previous snapshot; commits this build's inputs when
    /// `built` (the site it built) is given.
    /// Which outputs of the last snapshot this build kept; commits this build's inputs
    /// when it succeeded.
    fn finish(&mut self, success: bool) -> Kept {
        let next = std::mem::take(lock(&mut self.next_inputs));
        let theme = lock(&mut self.next_theme).take();
        let features = std::mem::take(lock(&mut self.next_features));
        let kept = std::mem::take(lock(&mut self.kept));
        let kept = if *self.same_base.get_mut() {
            // Same pages and front matter: every output of the last build is produced
            // again, except feature outputs that are no longer listed.
            let mut dropped = Vec::new();
            for (name, rels) in &features {
                if let Some(before) = self.features.get(name) {
                    let now: HashSet<&String> = rels.iter().collect();
                    dropped.extend(before.iter().filter(|r| !now.contains(r)).cloned());
                }
            }
            Kept::AllBut(dropped)
        } else {
            Kept::Listed(kept)
        };
        if !success {
            return kept;
        }
        // Forget outputs this build did not produce, so none is ever "kept" from a
        // snapshot that no longer has it.
        match &kept {
            Kept::Listed(kept) => {
                let produced: HashSet<&str> = kept
                    .iter()
                    .map(String::as_str)
                    .chain(next.iter().map(|(r, _)| r.as_str()))
                    .collect();
                self.inputs.retain(|rel, _| produced.contains(rel.as_str()));
            }
            Kept::AllBut(dropped) => {
                for rel in dropped {
                    self.inputs.remove(rel);
                }
            }
        }
        self.inputs.extend(next);
        self.theme = theme;
        self.features = features;
        kept
    }

    fn keep(&self, rel: String) {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rel);
    }
}

/// The outputs of the last snapshot that a build did not write again but still produces.
enum Kept {
    Listed(Vec<String>),
    /// All of them, except these.
    AllBut(Vec<String>),
}

fn lock<T>(m: &mut Mutex<T>) -> &mut T {
    m.get_mut().unwrap_or_else(|e| e.into_inner())
}

impl RenderMemo for OutputMemo {
    fn begin(&self, site: &Site, theme: &Theme, globals: &Context) {
        let templates: Vec<(String, PathBuf, Vec<u8>)> = theme
            .templates
            .iter()
            .map(|(n, f)| (n.clone(), f.origin.clone(), f.bytes.clone()))
            .collect();
        let changed = self
            .theme
            .as_ref()
            .is_none_or(|(t, g)| *t != templates || g != globals);
        self.theme_changed.store(changed, Ordering::Relaxed);
        let same_front = self.last.as_ref().is_some_and(|(last, _)| {
            Arc::ptr_eq(&last.front, &site.front) && last.bodies.len() == site.pages.len()
        });
        self.same_base
            .store(!changed && same_front, Ordering::Relaxed);
        *self.next_theme.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((templates, globals.clone()));
    }

    fn page_unchanged(&self, site: &Site, id: PageId) -> bool {
        // A page's context reads its own page and body, its backlinks, and front data
        // (lists, related terms, post-mortem metrics); training pages also read scripts.
        // (With the same base, every output not written again is kept: see `finish`.)
        self.same_base.load(Ordering::Relaxed)
            && !registry::shows_other_bodies(site.pages[id].kind)
            && self.last.as_ref().is_some_and(|(last, _)| {
                Arc::ptr_eq(&last.bodies[id], &site.bodies[id])
                    && (Arc::ptr_eq(&last.backlinks[id], &site.backlinks[id])
                        || last.backlinks[id] == site.backlinks[id])
            })
    }

    fn feature_unchanged(&self, _: &Site, feature: &'static str, reads: Reads<'_>) -> bool {
        let same = self.same_base.load(Ordering::Relaxed)
            && match reads {
                Reads::FrontMatter => true,
                Reads::Kind(derived) => self.last.as_ref().is_some_and(|(_, kinds)| {
                    kinds.iter().any(|before| Arc::ptr_eq(before, derived))
                }),
                Reads::Bodies => false,
            };
        if !same {
            return false;
        }
        let Some(rels) = self.features.get(feature) else {
            return false;
        };
        self.feature_outputs(feature, rels.clone());
        true
    }

    fn feature_outputs(&self, feature: &'static str, rels: Vec<String>) {
        self.next_features
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(feature, rels);
    }

    fn body_token(&self, site: &Site, id: PageId) -> Option<String> {
        Some(self.tokens.of(&site.pages[id], id, &site.bodies[id].files))
    }

    fn unchanged(&self, rel: &str, inputs: &dyn Fn() -> u128) -> bool {
        let inputs = inputs();
        let same =
            !self.theme_changed.load(Ordering::Relaxed) && self.inputs.get(rel) == Some(&inputs);
        self.next_inputs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), inputs));
        if same {
            self.keep(rel.to_string());
        }
        same
    }
}
