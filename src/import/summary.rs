//! mdBook's `SUMMARY.md`: the book's table of contents, read for its chapters in order.
//! Links anywhere in it are chapters (prefix chapters, numbered ones at any depth, suffix
//! chapters); part titles and separators only group them. A link with no target
//! (`[Draft]()`) is a draft chapter with no file.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// One chapter as the table of contents lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub title: String,
    /// The file, relative to the book's source folder; `None` for a draft chapter.
    pub path: Option<String>,
    /// Where its link starts in `SUMMARY.md`.
    pub line: usize,
    pub column: usize,
}

/// The chapters of `summary`, in the order it lists them.
pub fn read_summary(summary: &str) -> Vec<Chapter> {
    let mut chapters = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (event, range) in Parser::new(summary).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open = Some((dest_url.to_string(), range.start, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title)) = open.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::End(TagEnd::Link) => {
                let Some((dest, start, title)) = open.take() else {
                    continue;
                };
                let (line, column) = crate::diagnostics::line_col(summary, start);
                chapters.push(Chapter {
                    title: title.trim().to_string(),
                    path: chapter_file(&dest),
                    line,
                    column,
                });
            }
            _ => {}
        }
    }
    chapters
}

/// The file a chapter link names: `./intro.md#top` → `intro.md`; spaces written `%20`.
fn chapter_file(dest: &str) -> Option<String> {
    let path = dest.split('#').next().unwrap_or_default();
    let path = path.trim_start_matches("./").replace("%20", " ");
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_are_read_in_order_at_every_depth() {
        let summary = "# Summary\n\n[Introduction](README.md)\n\n# Guide\n\n- [Getting `started`](guide/start.md)\n    - [Nested](./guide/nested%20one.md#top)\n- [Draft]()\n\n---\n\n[Thanks](thanks.md)\n";
        let chapters = read_summary(summary);
        let got: Vec<(&str, Option<&str>, usize)> = chapters
            .iter()
            .map(|c| (c.title.as_str(), c.path.as_deref(), c.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Introduction", Some("README.md"), 3),
                ("Getting started", Some("guide/start.md"), 7),
                ("Nested", Some("guide/nested one.md"), 8),
                ("Draft", None, 9),
                ("Thanks", Some("thanks.md"), 13),
            ]
        );
        assert_eq!(chapters[1].column, 3);
    }
}
