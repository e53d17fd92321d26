//! Stage 2: discover the Markdown files under the content dir and parse each into a typed `Page`.

pub mod front_matter;
pub mod history;
pub mod kinds;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use front_matter::{FrontMatterError, SplitSource, parse_yaml, split_front_matter};
use kinds::*;

/// What a page is, decided by its top folder under the content dir.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Home,
    Section,
    Glossary,
    Postmortem,
    Script,
    Guideline,
    Path,
    Plain,
}

impl PageKind {
    fn from_top_folder(folder: &str) -> PageKind {
        match folder {
            "glossary" => PageKind::Glossary,
            "postmortems" => PageKind::Postmortem,
            "scripts" => PageKind::Script,
            "guidelines" => PageKind::Guideline,
            "paths" => PageKind::Path,
            _ => PageKind::Plain,
        }
    }

    /// The template that renders a page of this kind.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Glossary => "glossary.html",
            PageKind::Postmortem => "postmortem.html",
            PageKind::Script => "script.html",
            PageKind::Guideline => "guideline.html",
            PageKind::Path => "path.html",
            PageKind::Plain => "page.html",
        }
    }

    /// Human label, singular and plural, for badges and backlink groups.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            PageKind::Home => ("home page", "home pages"),
            PageKind::Section => ("section", "sections"),
            PageKind::Glossary => ("term", "terms"),
            PageKind::Postmortem => ("post-mortem", "post-mortems"),
            PageKind::Script => ("script", "scripts"),
            PageKind::Guideline => ("guideline", "guidelines"),
            PageKind::Path => ("learning path", "learning paths"),
            PageKind::Plain => ("page", "pages"),
        }
    }
}

/// The kind-specific front matter of a page.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum KindData {
    Plain(PlainFrontMatter),
    Glossary(GlossaryTerm),
    Postmortem(Box<PostMortem>),
    Script(Script),
    Guideline(Guideline),
    Path(LearningPath),
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
    pub data: KindData,
    /// Byte offset in `source` where the Markdown body starts (after the front matter).
    pub body_start: usize,
    /// 1-based line in the source file where the body starts.
    pub body_line: usize,
    /// Full source text: the body is a slice of it, and diagnostics quote its lines.
    pub source: String,
}

impl Page {
    /// The Markdown body, after the front matter.
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }

    /// The `folder/slug` reference form used in learning paths and wikilinks.
    pub fn reference(&self) -> String {
        self.url.trim_end_matches('/').to_string()
    }

    pub fn glossary(&self) -> Option<&GlossaryTerm> {
        match &self.data {
            KindData::Glossary(t) => Some(t),
            _ => None,
        }
    }

    pub fn error(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.source_path, line, column, message).with_source(&self.source)
    }

    pub fn warning(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.source_path, line, column, message).with_source(&self.source)
    }
}

/// Options that decide which sources become pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiscoverOptions {
    pub include_drafts: bool,
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
    for entry in walkdir::WalkDir::new(&content_dir).sort_by_file_name() {
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
    let fm_error = |e: FrontMatterError| {
        Diagnostic::error(&source_path, e.line, e.column, e.message).with_source(&text)
    };
    let split = split_front_matter(&text).map_err(fm_error)?;
    let parts: Vec<&str> = rel_path.split('/').collect();
    let file_stem = parts.last().unwrap_or(&"").trim_end_matches(".md");
    let is_index = file_stem == "_index" || file_stem == "index";
    let folders = &parts[..parts.len() - 1];
    let section = if parts.len() > 1 {
        parts[0].to_string()
    } else {
        String::new()
    };

    let (kind, slug, url) = if is_index {
        let url: String = folders.iter().map(|f| format!("{}/", slugify(f))).collect();
        let kind = if folders.is_empty() {
            PageKind::Home
        } else {
            PageKind::Section
        };
        (
            kind,
            folders.last().map(|f| slugify(f)).unwrap_or_default(),
            url,
        )
    } else {
        let slug = slugify(file_stem);
        let mut url: String = folders.iter().map(|f| format!("{}/", slugify(f))).collect();
        url.push_str(&slug);
        url.push('/');
        (
            PageKind::from_top_folder(if folders.is_empty() { "" } else { folders[0] }),
            slug,
            url,
        )
    };

    let data = parse_kind(kind, &split).map_err(fm_error)?;
    let meta = match &data {
        KindData::Plain(f) => f.common(),
        KindData::Glossary(f) => f.common(),
        KindData::Postmortem(f) => f.common(),
        KindData::Script(f) => f.common(),
        KindData::Guideline(f) => f.common(),
        KindData::Path(f) => f.common(),
    };
    if meta.title.trim().is_empty() {
        return Err(fm_error(FrontMatterError {
            line: split.yaml_line,
            column: 1,
            message: "`title` must not be empty".into(),
        }));
    }
    if kind == PageKind::Glossary && meta.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(fm_error(FrontMatterError {
            line: split.yaml_line,
            column: 1,
            message:
                "missing required key `summary`: a glossary term needs its one-sentence definition"
                    .into(),
        }));
    }
    if meta.draft && !options.include_drafts {
        return Ok(None);
    }
    let SplitSource {
        body, body_line, ..
    } = split;
    let body_start = text.len() - body.len();
    Ok(Some(Page {
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
        source: text,
    }))
}

fn parse_kind(kind: PageKind, split: &SplitSource<'_>) -> Result<KindData, FrontMatterError> {
    Ok(match kind {
        PageKind::Glossary => KindData::Glossary(parse_yaml(split)?),
        PageKind::Postmortem => KindData::Postmortem(Box::new(parse_yaml(split)?)),
        PageKind::Script => KindData::Script(parse_yaml(split)?),
        PageKind::Guideline => KindData::Guideline(parse_yaml(split)?),
        PageKind::Path => KindData::Path(parse_yaml(split)?),
        PageKind::Home | PageKind::Section | PageKind::Plain => KindData::Plain(parse_yaml(split)?),
    })
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
        assert_eq!(p.kind, PageKind::Glossary);
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
    fn date_is_parsed() {
        let p = parse("a.md", "---\ntitle: A\ndate: 2021-06-08\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!(p.meta.date.unwrap().to_string(), "2021-06-08");
        let e = parse("a.md", "---\ntitle: A\ndate: June\n---\n").unwrap_err();
        assert_eq!(e.line, 3);
    }
}
