//! `hindsight import DIR`: brings a team's existing Markdown into the content dir, so that
//! adopting Hindsight starts from what they have rather than from a blank site.
//!
//! Two sources are understood. An mdBook book (a `book.toml` and the `SUMMARY.md` of its
//! source folder): its chapters, in `SUMMARY.md` order, become one section whose pages carry
//! that order as `weight`, plus a learning path through them. Any other folder: every `.md`
//! file under it. Files keep their relative places, so relative `.md` links and images keep
//! working; other files (images, diagrams) are copied beside them.
//!
//! Pages are given front matter (title from `SUMMARY.md`, else the first `# heading`, else the
//! file name) unless they have some. Everything is written into a hidden staging folder first
//! and renamed into place at the end: an import that fails leaves nothing behind, and an
//! existing section or path is never overwritten.

mod summary;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::content::slugify;

pub use summary::{Chapter, read_summary};

/// What an import did, for its report.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// The section's folder under the content dir.
    pub section_dir: PathBuf,
    pub pages: usize,
    pub assets: usize,
    /// The learning path written for an mdBook book.
    pub path_file: Option<PathBuf>,
    /// The book's title, for an mdBook book.
    pub book_title: Option<String>,
    /// Things left as written, each `file:line: what` (mdBook preprocessor directives).
    pub notes: Vec<String>,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum ImportError {
    /// The source, the site or a destination is not usable.
    Refused(String),
    /// A problem in the book at its position.
    At {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Refused(why) => f.write_str(why),
            ImportError::At {
                file,
                line,
                column,
                message,
            } => write!(f, "{}:{line}:{column} {message}", file.display()),
            ImportError::Io(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> ImportError + '_ {
    move |e| ImportError::Io(path.to_path_buf(), e)
}

/// One page to write: where it comes from, where it goes (relative to the section), its
/// title when known, and its place in the book's order.
struct PlannedPage {
    from: PathBuf,
    to: PathBuf,
    title: Option<String>,
    weight: Option<usize>,
}

/// An mdBook book's settings that matter here.
struct Book {
    title: Option<String>,
    description: Option<String>,
    src: PathBuf,
}

/// Import `source` into the content dir of the site at `root`, as section `section`
/// (default: the book's title or the folder's name, as a slug).
pub fn import(
    root: &Path,
    content_dir: &Path,
    source: &Path,
    section: Option<&str>,
) -> Result<ImportReport, ImportError> {
    if !source.is_dir() {
        return Err(ImportError::Refused(format!(
            "{} is not a folder: import takes a folder of Markdown or an mdBook book",
            source.display()
        )));
    }
    if !root.join("book.toml").is_file() {
        return Err(ImportError::Refused(format!(
            "{} has no book.toml: run `hindsight init` first, or pass the site with --root",
            root.display()
        )));
    }
    refuse_overlap(source, content_dir)?;
    let book = read_book(source)?;
    let name = section
        .map(str::to_string)
        .or_else(|| book.as_ref().and_then(|b| b.title.clone()))
        .or_else(|| folder_name(source))
        .unwrap_or_default();
    let slug = slugify(&name);
    if slug.is_empty() {
        return Err(ImportError::Refused(format!(
            "`{name}` gives an empty section name: pass one with --section"
        )));
    }
    let section_dir = content_dir.join(&slug);
    let path_file = content_dir.join("paths").join(format!("{slug}.md"));
    for taken in [&section_dir, &path_file] {
        if taken.exists() {
            return Err(ImportError::Refused(format!(
                "{} exists already; choose another name with --section",
                taken.display()
            )));
        }
    }
    let (from_dir, pages, summary_file) = match &book {
        Some(b) => {
            let summary_file = b.src.join("SUMMARY.md");
            let pages = book_pages(&b.src, &summary_file)?;
            (b.src.clone(), pages, Some(summary_file))
        }
        None => (source.to_path_buf(), folder_pages(source)?, None),
    };
    if pages.is_empty() {
        return Err(ImportError::Refused(format!(
            "{} holds no Markdown pages to import",
            source.display()
        )));
    }
    let staging = content_dir.join(format!(".import-{slug}-{}", std::process::id()));
    let written = stage(&staging, &from_dir, &pages, summary_file.as_deref(), &book);
    let mut report = match written {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    std::fs::rename(&staging, &section_dir).map_err(io_at(&section_dir))?;
    report.section_dir = section_dir;
    if let Some(b) = &book {
        write_path(&path_file, &slug, b, &pages)?;
        report.path_file = Some(path_file);
        report.book_title = b.title.clone();
    }
    Ok(report)
}

/// A source inside the content dir is content already; one holding it would copy the site
/// into itself.
fn refuse_overlap(source: &Path, content_dir: &Path) -> Result<(), ImportError> {
    let (Ok(source), Ok(content)) = (source.canonicalize(), content_dir.canonicalize()) else {
        return Ok(());
    };
    if source.starts_with(&content) || content.starts_with(&source) {
        return Err(ImportError::Refused(format!(
            "{} overlaps the site's content folder {}: import brings in Markdown from elsewhere",
            source.display(),
            content.display()
        )));
    }
    Ok(())
}

fn folder_name(dir: &Path) -> Option<String> {
    let canonical = dir.canonicalize().ok()?;
    Some(canonical.file_name()?.to_string_lossy().into_owned())
}

/// The book at `source`, if it is an mdBook book (`book.toml` beside a `SUMMARY.md`).
fn read_book(source: &Path) -> Result<Option<Book>, ImportError> {
    let toml_path = source.join("book.toml");
    let Ok(text) = std::fs::read_to_string(&toml_path) else {
        return Ok(None);
    };
    let value: toml::Table = toml::from_str(&text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| crate::diagnostics::line_col(&text, s.start))
            .unwrap_or((1, 1));
        ImportError::At {
            file: toml_path.clone(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    let book = value.get("book").and_then(|b| b.as_table());
    let text_of = |key: &str| {
        book.and_then(|b| b.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let src = source.join(text_of("src").unwrap_or_else(|| "src".into()));
    if !src.join("SUMMARY.md").is_file() {
        return Ok(None);
    }
    Ok(Some(Book {
        title: text_of("title"),
        description: text_of("description"),
        src,
    }))
}

/// The chapters `SUMMARY.md` lists, in its order; a listed file that is missing is an error
/// at its link.
fn book_pages(src: &Path, summary_file: &Path) -> Result<Vec<PlannedPage>, ImportError> {
    let text = std::fs::read_to_string(summary_file).map_err(io_at(summary_file))?;
    let mut pages = Vec::new();
    for (n, chapter) in read_summary(&text).into_iter().enumerate() {
        let Some(rel) = &chapter.path else { continue };
        let at = |message: String| ImportError::At {
            file: summary_file.to_path_buf(),
            line: chapter.line,
            column: chapter.column,
            message,
        };
        let inside = Path::new(rel).components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        if !inside {
            return Err(at(format!(
                "chapter `{}` names `{rel}`, outside the book's source folder: import keeps files where the book has them",
                chapter.title
            )));
        }
        let from = src.join(rel);
        if !from.is_file() {
            return Err(at(format!(
                "chapter `{}` names a missing file `{rel}`",
                chapter.title
            )));
        }
        if pages.iter().any(|p: &PlannedPage| p.to == Path::new(rel)) {
            continue;
        }
        pages.push(PlannedPage {
            from,
            to: PathBuf::from(rel),
            title: Some(chapter.title),
            weight: Some(n + 1),
        });
    }
    Ok(pages)
}

/// Every `.md` file under `dir` (hidden ones skipped), in path order.
fn folder_pages(dir: &Path) -> Result<Vec<PlannedPage>, ImportError> {
    let mut pages = Vec::new();
    for entry in visible_files(dir) {
        let entry = entry.map_err(|e| ImportError::Refused(e.to_string()))?;
        if entry.path().extension().is_some_and(|e| e == "md") {
            let to = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            pages.push(PlannedPage {
                from: entry.path().to_path_buf(),
                to: to.to_path_buf(),
                title: None,
                weight: None,
            });
        }
    }
    Ok(pages)
}

/// Files under `dir`, sorted, without hidden files and folders (`.git`) or mdBook's output.
fn visible_files(dir: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    let out = dir.join("book");
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            !hidden && e.path() != out
        })
        .filter(|e| e.as_ref().map_or(true, |e| e.file_type().is_file()))
}

/// Write the pages, the assets beside them and the section's `_index.md` into `staging`.
fn stage(
    staging: &Path,
    from_dir: &Path,
    pages: &[PlannedPage],
    summary_file: Option<&Path>,
    book: &Option<Book>,
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    for page in pages {
        let text = std::fs::read_to_string(&page.from).map_err(io_at(&page.from))?;
        report.notes.extend(preprocessor_notes(&page.from, &text));
        write_file(&staging.join(&page.to), with_front_matter(page, &text))?;
        report.pages += 1;
    }
    for entry in visible_files(from_dir) {
        let entry = entry.map_err(|e| ImportError::Refused(e.to_string()))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") || Some(path) == summary_file {
            continue;
        }
        let rel = path.strip_prefix(from_dir).unwrap_or(path);
        let to = staging.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        std::fs::copy(path, &to).map_err(io_at(path))?;
        report.assets += 1;
    }
    if let Some(b) = book {
        let mut index = String::from("---\n");
        if let Some(title) = &b.title {
            index.push_str(&format!("title: {}\n", yaml_string(title)));
        }
        if let Some(description) = &b.description {
            index.push_str(&format!("summary: {}\n", yaml_string(description)));
        }
        index.push_str("---\n");
        let path = staging.join("_index.md");
        if !path.exists() {
            write_file(&path, index)?;
        }
    }
    Ok(report)
}

fn write_file(path: &Path, text: String) -> Result<(), ImportError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_at(parent))?;
    }
    std::fs::write(path, text).map_err(io_at(path))
}

/// A YAML double-quoted scalar: JSON's string syntax is valid YAML.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The page's text with front matter giving its title and weight, unless it has some.
fn with_front_matter(page: &PlannedPage, text: &str) -> String {
    if text.starts_with("---\n") || text.starts_with("---\r\n") {
        return text.to_string();
    }
    let title = page
        .title
        .clone()
        .or_else(|| first_heading(text))
        .unwrap_or_else(|| title_from_file(&page.to));
    let mut out = format!("---\ntitle: {}\n", yaml_string(&title));
    if let Some(w) = page.weight {
        out.push_str(&format!("weight: {w}\n"));
    }
    out.push_str("---\n");
    out.push_str(text);
    out
}

/// The text of the first ATX `# heading`, outside code fences.
fn first_heading(text: &str) -> Option<String> {
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced && let Some(rest) = trimmed.strip_prefix("# ") {
            let title = rest.trim().trim_end_matches('#').trim();
            return (!title.is_empty()).then(|| title.to_string());
        }
    }
    None
}

/// `getting_started.md` → "Getting started".
fn title_from_file(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => stem,
    }
}

/// mdBook's `{{#include …}}`-style directives, which Hindsight leaves as written.
fn preprocessor_notes(file: &Path, text: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let at = line.find("{{#")?;
            let directive: String = line[at..].chars().take(60).collect();
            Some(format!(
                "{}:{}:{} mdBook directive `{directive}` left as written",
                file.display(),
                i + 1,
                at + 1
            ))
        })
        .collect()
}

/// The learning path through the book's chapters, in `SUMMARY.md` order.
fn write_path(
    path_file: &Path,
    section: &str,
    book: &Book,
    pages: &[PlannedPage],
) -> Result<(), ImportError> {
    let title = book.title.clone().unwrap_or_else(|| section.to_string());
    let mut text = format!("---\ntitle: {}\n", yaml_string(&title));
    if let Some(d) = &book.description {
        text.push_str(&format!("summary: {}\n", yaml_string(d)));
    }
    text.push_str("steps:\n");
    for page in pages {
        text.push_str(&format!("  - {}\n", step_reference(section, &page.to)));
    }
    text.push_str("---\n");
    text.push_str(&format!(
        "The chapters of *{title}*, in the order its table of contents gives.\n"
    ));
    write_file(path_file, text)
}

/// How a path step names an imported page: `section/folder/slug`, each part a slug.
fn step_reference(section: &str, rel: &Path) -> String {
    let mut parts = vec![section.to_string()];
    let components: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| slugify(&c.as_os_str().to_string_lossy()))
        .collect();
    parts.extend(components);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_the_heading_or_the_file_name() {
        assert_eq!(
            first_heading("```\n# not this\n```\n\n# Getting started #\n"),
            Some("Getting started".into())
        );
        assert_eq!(first_heading("## Only a subheading\n"), None);
        assert_eq!(
            title_from_file(Path::new("dir/getting_started.md")),
            "Getting started"
        );
    }

    #[test]
    fn front_matter_is_added_only_where_missing() {
        let page = PlannedPage {
            from: PathBuf::new(),
            to: PathBuf::from("intro.md"),
            title: Some("Intro: \"quoted\"".into()),
            weight: Some(2),
        };
        assert_eq!(
            with_front_matter(&page, "Body\n"),
            "---\ntitle: \"Intro: \\\"quoted\\\"\"\nweight: 2\n---\nBody\n"
        );
        assert_eq!(
            with_front_matter(&page, "---\ntitle: Own\n---\nBody\n"),
            "---\ntitle: Own\n---\nBody\n"
        );
    }

    #[test]
    fn steps_name_pages_by_their_slugs() {
        assert_eq!(
            step_reference("my-book", Path::new("Guide/Getting Started.md")),
            "my-book/guide/getting-started"
        );
    }

    #[test]
    fn directives_are_noted_with_their_position() {
        let notes = preprocessor_notes(Path::new("a.md"), "x\n  {{#include ../x.rs}}\n");
        assert_eq!(
            notes,
            ["a.md:2:3 mdBook directive `{{#include ../x.rs}}` left as written"]
        );
    }
}
