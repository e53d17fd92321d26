//! Where a page's title comes from when its front matter does not say: the `# heading` its
//! body opens with, else its file name. A body's leading heading is the page's heading in
//! any case, so a page never shows two `<h1>`s (the template's and the body's): the heading
//! is taken out of the body and handed to the template as `page.heading`.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The level-1 heading a body opens with (ATX `# Title` or setext `Title` / `===`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadingHeading {
    /// Its text, without markup (`` # The `fsync` bug `` → `The fsync bug`).
    pub text: String,
    /// Byte offset in the body where the heading starts.
    pub start: usize,
    /// Byte offset in the body just past the heading's last line (its line break included).
    pub end: usize,
}

/// The heading `body` opens with, if its first block is a level-1 heading with text.
/// Only the first block is parsed, so this costs little on any body.
pub fn leading_heading(body: &str) -> Option<LeadingHeading> {
    let start = body.len() - body.trim_start_matches(['\n', '\r', ' ', '\t']).len();
    let start = body[..start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &body[start..];
    let block_len = rest.find("\n\n").map_or(rest.len(), |i| i + 1);
    let block = &rest[..block_len];
    if !could_open_with_heading(block) {
        return None;
    }
    // Heading attributes (`# Title {#id}`) are not part of the title; smart punctuation is
    // left out so that the text compares with a front-matter title as written.
    let mut events = Parser::new_ext(block, Options::ENABLE_HEADING_ATTRIBUTES).into_offset_iter();
    let (first, range) = events.next()?;
    if !matches!(
        first,
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        })
    ) {
        return None;
    }
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    let mut end = start + range.end;
    if !body[..end].ends_with('\n') {
        end = body[end..].find('\n').map_or(body.len(), |i| end + i + 1);
    }
    Some(LeadingHeading { text, start, end })
}

/// A cheap test before parsing: the block's first line starts with `#` (after at most three
/// spaces), or a later line is a setext `===` underline.
fn could_open_with_heading(block: &str) -> bool {
    let first = block.lines().next().unwrap_or_default();
    let indent = first.len() - first.trim_start_matches(' ').len();
    (indent <= 3 && first.trim_start().starts_with('#'))
        || block.lines().skip(1).any(|l| {
            let l = l.trim();
            !l.is_empty() && l.bytes().all(|b| b == b'=')
        })
}

/// Whether a front-matter title and a leading heading say the same thing (case and runs of
/// spaces aside).
pub fn same_title(title: &str, heading: &str) -> bool {
    let normal = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    normal(title) == normal(heading)
}

/// A file or folder name as a title: `my-notes` → "My notes", `incident_review` →
/// "Incident review".
pub fn humanise(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut title = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(first) = title.chars().next() {
        let upper: String = first.to_uppercase().collect();
        title.replace_range(..first.len_utf8(), &upper);
    }
    title
}

/// The title of a section folder without one: its kind's (`postmortems` → "Post-mortems"),
/// else the folder's name, humanised.
pub fn section_title(folder: &str, kinds: &crate::content::PageKinds) -> String {
    match kinds.by_folder(folder) {
        Some(kind) => kind.section_title.to_string(),
        None => humanise(folder),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(body: &str) -> Option<(String, &str)> {
        leading_heading(body).map(|h| (h.text, &body[h.end..]))
    }

    #[test]
    fn an_atx_heading_first_is_the_title_and_leaves_the_body() {
        assert_eq!(
            heading("# Checkout outage\n\nText.\n"),
            Some(("Checkout outage".into(), "\nText.\n"))
        );
        assert_eq!(
            heading("\n\n  # Indented {#id}\nText.\n"),
            Some(("Indented".into(), "Text.\n"))
        );
        assert_eq!(
            heading("# The `fsync` *bug*"),
            Some(("The fsync bug".into(), ""))
        );
        assert_eq!(heading("#"), None);
    }

    #[test]
    fn a_setext_heading_counts_and_nothing_else_does() {
        assert_eq!(
            heading("Checkout\noutage\n===\n\nText.\n"),
            Some(("Checkout outage".into(), "\nText.\n"))
        );
        for body in [
            "Intro.\n\n# Later\n",
            "## Second level\n",
            "#hashtag\n",
            "    # code\n",
            "Title\n---\n",
            "```\n# in code\n```\n",
            "",
        ] {
            assert_eq!(heading(body), None, "{body:?}");
        }
    }

    #[test]
    fn titles_compare_without_case_or_spacing() {
        assert!(same_title("Checkout  outage", "checkout outage"));
        assert!(!same_title("Checkout outage", "Checkout outage, March"));
    }

    #[test]
    fn names_are_humanised() {
        assert_eq!(humanise("my-notes"), "My notes");
        assert_eq!(humanise("incident_review--2026"), "Incident review 2026");
        assert_eq!(humanise("élan"), "Élan");
        let kinds = crate::kinds::registry::page_kinds(crate::config::DeclaredKinds::none());
        assert_eq!(section_title("postmortems", kinds), "Post-mortems");
        assert_eq!(section_title("team-notes", kinds), "Team notes");
    }
}
