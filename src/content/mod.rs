//! Stage 2: discover the Markdown files under the content dir and parse each into a typed `Page`.
//!
//! Content knows pages only generically: the home page, section pages, plain pages, and
//! pages of a kind ([`PageKind::Of`]) whose [`KindDescription`] is handed down as data in
//! [`DiscoverOptions::kinds`]: the built-in kinds' from their folders under `src/kinds`
//! (through the registry, which the pipeline above reads), the declared ones' from
//! `book.toml` ([`declared`]). A page's top folder picks its kind; the kind's description
//! parses and checks its front matter. Only the glossary's description lives here
//! ([`glossary`]), as term linking, below the kinds, reads its terms.

pub mod assets;
pub mod declared;
pub mod front_matter;
pub mod glossary;
pub mod history;
pub mod kinds;
pub mod order;
pub mod positions;
pub mod tags;
pub mod title;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use declared::DeclaredFields;
use front_matter::{FrontMatterError, SplitSource, parse_yaml, split_front_matter};
use glossary::GlossaryTerm;
pub use kinds::{CommonMeta, FrontMatter, KindDescription, PageKinds};

/// What a page is: decided by its place (the home page, a folder's `_index.md`) and its top
/// folder under the content dir (a kind's folder, else a plain page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Section,
    Plain,
    /// A page of a kind: built in (`glossary`) or declared in `book.toml` (`runbook`).
    Of(&'static KindDescription),
}

/// Templates and search see a kind as its name (`glossary`, `runbook`).
impl Serialize for PageKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Kinds are listed (backlink groups) as: the home page, sections, the built-in kinds in
/// the registry's order, plain pages, then declared kinds by name.
impl Ord for PageKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let key = |kind: &PageKind| match *kind {
            PageKind::Home => (0, 0, ""),
            PageKind::Section => (1, 0, ""),
            PageKind::Of(k) if !k.declared => (2, k.position, ""),
            PageKind::Plain => (3, 0, ""),
            PageKind::Of(k) => (4, 0, k.id),
        };
        key(self).cmp(&key(other))
    }
}

impl PartialOrd for PageKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PageKind {
    /// The kind's name: `glossary`, or a declared kind's key (`runbook`).
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Plain => "plain",
            PageKind::Of(k) => k.id,
        }
    }

    /// The description of a page's kind; `None` for the home page, sections and plain pages.
    pub fn description(self) -> Option<&'static KindDescription> {
        match self {
            PageKind::Of(k) => Some(k),
            _ => None,
        }
    }

    /// Whether this is a page of `kind` (compared by name).
    pub fn is(self, kind: &KindDescription) -> bool {
        self.description().is_some_and(|k| k.id == kind.id)
    }

    /// The template that renders a page of this kind.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Plain => "page.html",
            PageKind::Of(k) => k.template,
        }
    }

    /// Human label, singular and plural, for badges and backlink groups.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            PageKind::Home => ("home page", "home pages"),
            PageKind::Section => ("section", "sections"),
            PageKind::Plain => ("page", "pages"),
            PageKind::Of(k) => k.label,
        }
    }
}

/// Index of a page in `Site::pages`.
pub type PageId = usize;

/// A parsed source page, before rendering.
#[derive(Debug, Clone)]
pub struct Page {
    /// Source path relative to the site root, as shown in diagnostics (`content/glossary/slo.md`).
    pub source_path: PathBuf,
    /// Path relative to the content dir with `/` separators (`glossary/slo.md`).
    pub rel_path: String,
    /// Top folder under the content dir (`glossary`), empty for top-level files.
    pub section: String,
    pub slug: String,
    /// Output path relative to the site root, ending in `/` (`glossary/slo/`), empty for home.
    pub url: String,
    pub kind: PageKind,
    pub meta: CommonMeta,
    /// The whole front matter, typed by the page's kind ([`Page::front_matter_as`]).
    pub data: Arc<dyn FrontMatter>,
    /// Byte offset in `source` where the Markdown body starts (after the front matter).
    pub body_start: usize,
    /// 1-based line in the source file where the body starts.
    pub body_line: usize,
    /// The `# heading` the body opened with, taken out of the body: the page's visible
    /// heading (`page.heading`), whatever its title says.
    pub heading: Option<String>,
    /// The file has front matter (a plain Markdown file has none).
    pub front_matter: bool,
    /// Full source text: the body is a slice of it, and diagnostics quote its lines.
    pub source: String,
    /// Fields `book.toml` declares for the page's kind, checked.
    pub fields: Option<Box<DeclaredFields>>,
    /// Problems with declared fields, reported by the link stage with every other error.
    pub problems: Vec<Diagnostic>,
}

impl Page {
    /// The Markdown body, after the front matter and the leading `# heading`.
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }

    /// The `folder/slug` reference form used in learning paths and wikilinks.
    pub fn reference(&self) -> String {
        self.url.trim_end_matches('/').to_string()
    }

    /// The page's front matter as its kind's struct `T`, when it is one.
    pub fn front_matter_as<T: FrontMatter>(&self) -> Option<&T> {
        let data: &dyn std::any::Any = self.data.as_ref();
        data.downcast_ref()
    }

    /// The page's glossary term, when it is one.
    pub fn glossary(&self) -> Option<&GlossaryTerm> {
        self.front_matter_as()
    }

    pub fn error(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.source_path, line, column, message).with_source(&self.source)
    }

    pub fn warning(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.source_path, line, column, message).with_source(&self.source)
    }
}

/// Options that decide which sources become pages and what they are.
#[derive(Debug, Clone, Copy)]
pub struct DiscoverOptions {
    pub include_drafts: bool,
    /// Every kind of page the build knows, with the fields `book.toml` declares for each.
    pub kinds: &'static PageKinds,
}

/// Find every `.md` file under the content dir and parse it; all problems are collected.
pub fn discover_content(
    config: &Config,
    options: DiscoverOptions,
    diags: &mut Diagnostics,
) -> Vec<Page> {
    let content_dir = config.content_dir();
    let files = list_sources(config, diags);
    let results: Vec<Result<Option<Page>, Diagnostic>> = files
        .par_iter()
        .map(|path| load_page(config, &content_dir, path, options))
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(Some(p)) => pages.push(p),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    check_unique_urls(&pages, diags);
    pages
}

/// Every `.md` file under the content dir, in build order (sorted by path components).
pub fn list_sources(config: &Config, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let content_dir = config.content_dir();
    if !content_dir.is_dir() {
        diags.push(Diagnostic::error(
            display_path(&config.root, &content_dir),
            0,
            0,
            "content folder not found (set `build.content-dir` in book.toml)",
        ));
        return Vec::new();
    }
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(&content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()));
    for entry in walk {
        match entry {
            Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") => {
                files.push(e.into_path())
            }
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_path(&config.root, p))
                    .unwrap_or_default();
                diags.push(Diagnostic::error(path, 0, 0, format!("cannot read: {e}")));
            }
        }
    }
    files
}

/// Files and folders whose names start with `.` (`.git/`, `.obsidian/`, `.draft.md`) are
/// not content, as in Hugo and Zola. A name that is only dots before `.md` (`..md`) is not
/// hidden but a page without a name: it is listed, and parsing reports it.
fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
        && !name
            .strip_suffix(".md")
            .is_some_and(|s| s.bytes().all(|b| b == b'.'))
}

/// Read and parse one source file; `Ok(None)` for a draft that is not built.
pub fn load_page(
    config: &Config,
    content_dir: &Path,
    path: &Path,
    options: DiscoverOptions,
) -> Result<Option<Page>, Diagnostic> {
    let shown = display_path(&config.root, path);
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(&shown, 0, 0, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let (line, col) =
            crate::diagnostics::line_col(&String::from_utf8_lossy(&e.as_bytes()[..valid]), valid);
        Diagnostic::error(&shown, line, col, "file is not valid UTF-8")
    })?;
    let rel = path.strip_prefix(content_dir).unwrap_or(path);
    let rel_path = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    parse_page(shown, rel_path, text, options)
}

/// Parse one source file. Public so tests and the dev server can parse a single file.
pub fn parse_page(
    source_path: PathBuf,
    rel_path: String,
    text: String,
    options: DiscoverOptions,
) -> Result<Option<Page>, Diagnostic> {
    // CommonMark §2.3: U+0000 is replaced by U+FFFD, in the whole file (titles too) so that
    // no NUL reaches the HTML. One character for one keeps every column as it was.
    let text = if text.contains('\0') {
        text.replace('\0', "\u{FFFD}")
    } else {
        text
    };
    let fm_error = |e: FrontMatterError| {
        Diagnostic::error(&source_path, e.line, e.column, e.message).with_source(&text)
    };
    let parts: Vec<&str> = rel_path.split('/').collect();
    let file_name = parts.last().copied().unwrap_or_default();
    let file_stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let folders = &parts[..parts.len() - 1];
    // Zola's and Hugo's convention: `_index.md` introduces its folder's section, and a
    // folder's `index.md` is a page whose files sit beside it (a page bundle); at the top of
    // the content dir, either is the home page.
    let introduces_section = file_stem == "_index" || (file_stem == "index" && folders.is_empty());
    let is_bundle = file_stem == "index" && !folders.is_empty();
    let section = if parts.len() > 1 {
        parts[0].to_string()
    } else {
        String::new()
    };
    let own_slug = !(introduces_section || is_bundle);
    let slugs = url_slugs(folders, own_slug.then_some(file_name))
        .map_err(|message| Diagnostic::error(&source_path, 1, 1, message).with_source(&text))?;
    let split = split_front_matter(&text).map_err(fm_error)?;
    let url: String = slugs.iter().map(|s| format!("{s}/")).collect();
    let slug = slugs.last().cloned().unwrap_or_default();
    let kind = match (introduces_section, folders.first()) {
        (true, None) => PageKind::Home,
        (true, Some(_)) => PageKind::Section,
        (false, top) => top
            .and_then(|top| options.kinds.by_folder(top))
            .map_or(PageKind::Plain, PageKind::Of),
    };
    let description = kind.description().unwrap_or(&KindDescription::PLAIN);
    let spec = description.fields;
    // Declared fields are checked below; the typed front matter never sees them (nor, for
    // a declared kind, any key but the common ones: an unknown one is reported there too).
    let closed = description.declared;
    let typed_yaml = spec.map(|spec| {
        declared::without_keys(split.yaml, &|key| {
            spec.contains_key(key) || (closed && !declared::COMMON_KEYS.contains(&key))
        })
    });
    let typed_split = SplitSource {
        yaml: typed_yaml.as_deref().unwrap_or(split.yaml),
        yaml_line: split.yaml_line,
        body: split.body,
        body_line: split.body_line,
        present: split.present,
    };
    let data = (description.parse)(&typed_split).map_err(fm_error)?;
    let found: Option<indexmap::IndexMap<String, serde_json::Value>> = match spec {
        Some(_) => Some(parse_yaml(&split).map_err(fm_error)?),
        None => None,
    };
    let mut meta = data.common();
    let weight_problem = data.weight_problem();
    let written_title = data.written_title();
    if written_title.is_some_and(|t| t.trim().is_empty()) {
        return Err(fm_error(FrontMatterError {
            line: split.yaml_line,
            column: 1,
            message: "`title` must not be empty".into(),
        }));
    }
    let heading = title::leading_heading(split.body);
    meta.title = match (written_title, &heading) {
        (Some(t), _) => t.to_string(),
        (None, Some(h)) => h.text.clone(),
        (None, None) => title_from_name(file_stem, folders, options.kinds),
    };
    (description.check)(&meta, &split).map_err(fm_error)?;
    if meta.draft && !options.include_drafts {
        return Ok(None);
    }
    let body_offset = text.len() - split.body.len();
    let heading_problem = written_title
        .zip(heading.as_ref())
        .filter(|(t, h)| !title::same_title(t, &h.text))
        .map(|(t, h)| {
            let before = &split.body[..h.start];
            let line = split.body_line + before.matches('\n').count();
            let indent = split.body[h.start..].len() - split.body[h.start..].trim_start().len();
            Diagnostic::warning(
                &source_path,
                line,
                indent + 1,
                format!(
                    "the heading `{}` differs from the title `{t}`: the page shows the heading and is listed, linked and searched as `{t}`; make them the same, or drop one",
                    h.text
                ),
            )
            .with_source(&text)
        });
    let (body_start, body_line) = match &heading {
        Some(h) => (
            body_offset + h.end,
            split.body_line + split.body[..h.end].matches('\n').count(),
        ),
        None => (body_offset, split.body_line),
    };
    let front_matter = split.present;
    let page = Page {
        source_path,
        rel_path,
        section,
        slug,
        url,
        kind,
        meta,
        data,
        body_start,
        body_line,
        heading: heading.map(|h| h.text),
        front_matter,
        source: text,
        fields: None,
        problems: heading_problem.into_iter().collect(),
    };
    if let Some(problem) = weight_problem {
        let (line, column) = positions::FrontMatterPositions::new(&page).key("weight");
        return Err(page.error(line, column, problem));
    }
    Ok(Some(with_declared_fields(
        page,
        spec,
        found.as_ref(),
        closed,
    )))
}

/// The title of a page that has neither a `title` nor a leading heading: its file name
/// (`my-notes.md` → "My notes"), or its folder's for an index page.
fn title_from_name(file_stem: &str, folders: &[&str], kinds: &PageKinds) -> String {
    match (file_stem, folders.last()) {
        ("_index", Some(folder)) => title::section_title(folder, kinds),
        ("index", Some(folder)) => title::humanise(folder),
        ("index" | "_index", None) => "Home".to_string(),
        _ => title::humanise(file_stem),
    }
}

/// Check the page's declared fields (when its kind has any) and keep their values.
fn with_declared_fields(
    mut page: Page,
    spec: Option<&'static indexmap::IndexMap<String, crate::config::FieldSpec>>,
    found: Option<&indexmap::IndexMap<String, serde_json::Value>>,
    closed: bool,
) -> Page {
    if let (Some(spec), Some(found)) = (spec, found) {
        let label = page.kind.label().0;
        let (fields, problems) = declared::check_fields(&page, label, spec, found, closed);
        page.fields = Some(Box::new(fields));
        page.problems.extend(problems);
    }
    page
}

/// The URL slug of each folder, then of the file (its stem) unless it is an index page. A
/// name with no letter or digit (`..md`, `!!!/`) has an empty slug: its URL would be its
/// folder's (`guides//`), silently replacing the section page, so it is an error.
fn url_slugs(folders: &[&str], file: Option<&str>) -> Result<Vec<String>, String> {
    let named = folders
        .iter()
        .map(|f| ("folder", *f, *f))
        .chain(file.map(|f| ("file", f, f.strip_suffix(".md").unwrap_or(f))));
    named
        .map(|(what, name, stem)| {
            let slug = slugify(stem);
            if slug.is_empty() {
                Err(format!(
                    "the {what} name `{name}` gives an empty URL slug: name it with at least one letter or digit"
                ))
            } else {
                Ok(slug)
            }
        })
        .collect()
}

pub fn check_unique_urls(pages: &[Page], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    for p in pages {
        if let Some(first) = seen.insert(&p.url, p) {
            diags.push(Diagnostic::error(
                &p.source_path,
                1,
                1,
                format!(
                    "duplicate slug: `{}` is also the page of {}",
                    if p.url.is_empty() { "/" } else { &p.url },
                    first.source_path.display()
                ),
            ));
        }
    }
}

/// Lowercase ASCII/Unicode words joined by `-`: "Blast Radius!" → "blast-radius".
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// A page at `content/<rel>` with front matter `front` and no body, for unit tests.
#[cfg(test)]
pub(crate) fn page_from_front_matter(rel: &str, front: &str) -> Page {
    parse_page(
        format!("content/{rel}").into(),
        rel.into(),
        format!("---\n{front}\n---\n"),
        DiscoverOptions::default(),
    )
    .unwrap()
    .unwrap()
}

/// Tests parse pages with every built-in kind, as a build without declared kinds does.
#[cfg(test)]
impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            include_drafts: false,
            kinds: crate::kinds::registry::page_kinds(crate::config::DeclaredKinds::none()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(rel: &str, text: &str) -> Result<Option<Page>, Diagnostic> {
        parse_page(
            PathBuf::from(format!("content/{rel}")),
            rel.into(),
            text.into(),
            DiscoverOptions::default(),
        )
    }

    #[test]
    fn slugify_words() {
        assert_eq!(slugify("Blast Radius!"), "blast-radius");
        assert_eq!(slugify("  MTTR (Mean Time) "), "mttr-mean-time");
        assert_eq!(slugify("Café Über"), "café-über");
    }

    #[test]
    fn kind_and_url_from_folder() {
        let p = parse(
            "glossary/Blast Radius.md",
            "---\ntitle: Blast Radius\nsummary: s\n---\nx",
        )
        .unwrap()
        .unwrap();
        assert!(p.kind.is(&glossary::GLOSSARY));
        assert_eq!(p.url, "glossary/blast-radius/");
        let s = parse("glossary/_index.md", "---\ntitle: G\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!((s.kind, s.url.as_str()), (PageKind::Section, "glossary/"));
        let h = parse("index.md", "---\ntitle: H\n---\n").unwrap().unwrap();
        assert_eq!((h.kind, h.url.as_str()), (PageKind::Home, ""));
        let plain = parse("about/team.md", "---\ntitle: T\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            (plain.kind, plain.url.as_str()),
            (PageKind::Plain, "about/team/")
        );
    }

    #[test]
    fn a_folder_index_is_a_page_bundle_and_underscore_index_a_section() {
        let bundle = parse(
            "glossary/Error Budget 2026/index.md",
            "---\ntitle: C\nsummary: s\n---\n",
        )
        .unwrap()
        .unwrap();
        assert!(bundle.kind.is(&glossary::GLOSSARY));
        assert_eq!(bundle.url, "glossary/error-budget-2026/");
        assert_eq!(bundle.slug, "error-budget-2026");
        let section = parse("glossary/_index.md", "---\ntitle: P\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!(section.kind, PageKind::Section);
        let home = parse("_index.md", "# Welcome\n").unwrap().unwrap();
        assert_eq!(
            (home.kind, home.meta.title.as_str()),
            (PageKind::Home, "Welcome")
        );
    }

    #[test]
    fn plain_markdown_is_titled_by_its_heading_or_its_name() {
        let p = parse("notes/x.md", "\n# Disk full on db-3\n\nText [a](b.md).\n")
            .unwrap()
            .unwrap();
        assert_eq!(p.meta.title, "Disk full on db-3");
        assert_eq!(p.heading.as_deref(), Some("Disk full on db-3"));
        assert!(!p.front_matter);
        assert_eq!((p.body(), p.body_line), ("\nText [a](b.md).\n", 3));
        let named = parse("notes/my-notes.md", "Just text.\n").unwrap().unwrap();
        assert_eq!(named.meta.title, "My notes");
        assert_eq!(
            (named.heading.as_deref(), named.body()),
            (None, "Just text.\n")
        );
        let bundle = parse("notes/checkout-2026-03/index.md", "Text.\n")
            .unwrap()
            .unwrap();
        assert_eq!(bundle.meta.title, "Checkout 2026 03");
        assert_eq!(
            parse("runbooks/_index.md", "").unwrap().unwrap().meta.title,
            "Runbooks"
        );
        let e = parse("glossary/slo.md", "# SLO\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(
            e.message.contains("`summary`") && e.message.contains("no front matter"),
            "{e}"
        );
    }

    #[test]
    fn a_heading_that_repeats_the_title_is_shown_once_and_one_that_differs_warns() {
        let same = parse("a.md", "---\ntitle: Disk full\n---\n# Disk  full\nText.\n")
            .unwrap()
            .unwrap();
        assert!(same.problems.is_empty());
        assert_eq!((same.body(), same.body_line), ("Text.\n", 5));
        let differs = parse(
            "a.md",
            "---\ntitle: Disk full\n---\n\n # Disk full on db-3\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(differs.meta.title, "Disk full");
        assert_eq!(differs.heading.as_deref(), Some("Disk full on db-3"));
        let w = &differs.problems[0];
        assert_eq!((w.line, w.column), (5, 2), "{w}");
        assert_eq!(w.severity, crate::diagnostics::Severity::Warning);
        assert!(
            w.message.contains("differs from the title `Disk full`"),
            "{w}"
        );
        let e = parse("a.md", "---\ntitle: ''\n---\n# Heading\n").unwrap_err();
        assert!(e.message.contains("must not be empty"), "{e}");
    }

    #[test]
    fn glossary_requires_summary() {
        let e = parse("glossary/x.md", "---\ntitle: X\n---\n").unwrap_err();
        assert!(e.message.contains("summary"));
        assert_eq!(e.line, 2);
    }

    #[test]
    fn unknown_key_is_an_error() {
        let e = parse(
            "glossary/x.md",
            "---\ntitle: X\nsummary: s\nalias: [y]\n---\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("alias"));
    }

    #[test]
    fn drafts_skipped_unless_asked() {
        assert!(
            parse("a.md", "---\ntitle: A\ndraft: true\n---\n")
                .unwrap()
                .is_none()
        );
        let with = parse_page(
            "content/a.md".into(),
            "a.md".into(),
            "---\ntitle: A\ndraft: true\n---\n".into(),
            DiscoverOptions {
                include_drafts: true,
                ..DiscoverOptions::default()
            },
        );
        assert!(with.unwrap().is_some());
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let config = Config::default();
        let missing = Path::new("content/glossary/vanished.md");
        let e = load_page(
            &config,
            Path::new("content"),
            missing,
            DiscoverOptions::default(),
        )
        .unwrap_err();
        assert!(e.message.starts_with("cannot read:"), "{e}");
        assert_eq!(e.path, PathBuf::from("content/glossary/vanished.md"));
    }

    #[test]
    fn extra_is_accepted_on_every_kind_as_any_yaml() {
        let extra = "extra:\n  a: [1, {b: true}]\n  2026: year\n";
        let kinds = DiscoverOptions::default().kinds.iter();
        let of_kinds = kinds.map(|k| format!("{}/x.md", k.folder));
        let generic = ["notes/x.md", "notes/_index.md", "index.md"].map(String::from);
        for rel in of_kinds.chain(generic) {
            let rel = rel.as_str();
            let p = parse(rel, &format!("---\ntitle: X\nsummary: s\n{extra}---\n"))
                .unwrap_or_else(|e| panic!("{rel}: {e}"))
                .unwrap();
            assert_eq!(
                p.meta.extra,
                serde_json::json!({"a": [1, {"b": true}], "2026": "year"}),
                "{rel}"
            );
        }
    }

    #[test]
    fn date_is_parsed() {
        let p = parse("a.md", "---\ntitle: A\ndate: 2021-06-08\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!(p.meta.date.unwrap().to_string(), "2021-06-08");
        let e = parse("a.md", "---\ntitle: A\ndate: June\n---\n").unwrap_err();
        assert_eq!(e.line, 3);
    }
}
