//! Where a value sits in a page's YAML front matter, so a diagnostic can point at the
//! offending list entry rather than at the first line that happens to contain the text.
//! The one front-matter locator: every kind's validation points through it.
//! A line scanner for block-style YAML (what authors and `hindsight new` write); flow
//! style (`[a, b]`) is found on its key's line.

use crate::content::Page;

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

/// One `key:` line of the front matter.
#[derive(Debug, Clone)]
struct KeyLine {
    line: usize,
    indent: usize,
    key: String,
    /// Column (1-based) of the value after `key:`, or of the key when the value is empty.
    value_col: usize,
    /// The line starts a list item (`- key: ...`).
    item_start: bool,
}

/// Positions of keys and list items in one page's front matter.
pub struct FrontMatterPositions<'a> {
    page: &'a Page,
    lines: Vec<KeyLine>,
    /// Every `- ` list item line: (line, indent of the dash, column of the value).
    items: Vec<(usize, usize, usize)>,
}

impl<'a> FrontMatterPositions<'a> {
    pub fn new(page: &'a Page) -> Self {
        let mut lines = Vec::new();
        let mut items = Vec::new();
        let yaml_end = page.body_line.saturating_sub(2);
        for (i, text) in page.source.lines().enumerate().take(yaml_end).skip(1) {
            let line = i + 1;
            let indent = text.len() - text.trim_start().len();
            let mut rest = text.trim_start();
            let mut col = indent;
            let mut item_start = false;
            if let Some(after) =
                rest.strip_prefix("- ")
                    .or(if rest == "-" { Some("") } else { None })
            {
                let inner = after.len() - after.trim_start().len();
                items.push((line, indent, indent + 2 + inner + 1));
                col = indent + 2 + inner;
                rest = after.trim_start();
                item_start = true;
            }
            if let Some((key, value)) = split_key(rest) {
                let value_trimmed = value.trim_start();
                let value_col = if value_trimmed.is_empty() {
                    col + 1
                } else {
                    col + key.len() + 1 + (value.len() - value_trimmed.len()) + 1
                };
                lines.push(KeyLine {
                    line,
                    indent: col,
                    key: key.to_string(),
                    value_col,
                    item_start,
                });
            }
        }
        FrontMatterPositions { page, lines, items }
    }

    /// Line and column of a top-level key's value.
    pub fn key(&self, key: &str) -> (usize, usize) {
        self.lines
            .iter()
            .find(|l| l.indent == 0 && l.key == key)
            .map(|l| (l.line, l.value_col))
            .unwrap_or_else(|| locate_in_front_matter(self.page, key))
    }

    /// Position of `needle` inside the value of a top-level key (for flow lists).
    pub fn in_key(&self, key: &str, needle: &str) -> (usize, usize) {
        let (line, col) = self.key(key);
        if let Some(text) = self.page.source.lines().nth(line.saturating_sub(1))
            && let Some(at) = text.find(needle)
        {
            return (line, text[..at].chars().count() + 1);
        }
        // A block list: the item line holding the needle.
        self.list_items(key)
            .into_iter()
            .find_map(|(l, _)| {
                let text = self.page.source.lines().nth(l - 1)?;
                text.find(needle)
                    .map(|at| (l, text[..at].chars().count() + 1))
            })
            .unwrap_or((line, col))
    }

    /// Line and column of each item of a top-level block list, in order.
    fn list_items(&self, key: &str) -> Vec<(usize, usize)> {
        let Some(start) = self
            .lines
            .iter()
            .position(|l| l.indent == 0 && l.key == key)
        else {
            return Vec::new();
        };
        let from = self.lines[start].line;
        // The list ends at the next top-level key.
        let to = self.lines[start + 1..]
            .iter()
            .find(|l| l.indent == 0 && !l.item_start)
            .map_or(usize::MAX, |l| l.line);
        let in_range: Vec<_> = self
            .items
            .iter()
            .filter(|(l, _, _)| *l > from && *l < to)
            .collect();
        let Some(dash) = in_range.iter().map(|(_, d, _)| *d).min() else {
            return Vec::new();
        };
        in_range
            .into_iter()
            .filter(|(_, d, _)| *d == dash)
            .map(|(l, _, c)| (*l, *c))
            .collect()
    }

    /// Line and column of the `index`th item of a top-level list.
    pub fn item(&self, key: &str, index: usize) -> (usize, usize) {
        self.list_items(key)
            .get(index)
            .copied()
            .unwrap_or_else(|| self.key(key))
    }

    /// Line and column of `field`'s value in the `index`th item of a top-level list; the
    /// item's own position when the field is absent.
    pub fn item_field(&self, key: &str, index: usize, field: &str) -> (usize, usize) {
        let items = self.list_items(key);
        let Some(&(line, col)) = items.get(index) else {
            return self.key(key);
        };
        let end = items.get(index + 1).map_or_else(
            || {
                self.lines
                    .iter()
                    .find(|l| l.line > line && l.indent == 0 && !l.item_start)
                    .map_or(usize::MAX, |l| l.line)
            },
            |next| next.0,
        );
        let item_indent = self
            .lines
            .iter()
            .find(|l| l.line == line && l.item_start)
            .map(|l| l.indent);
        self.lines
            .iter()
            .filter(|l| l.line >= line && l.line < end && l.key == field)
            .find(|l| Some(l.indent) == item_indent || (l.item_start && l.line == line))
            .map(|l| (l.line, l.value_col))
            .unwrap_or((line, col))
    }
}

/// `key: value` at the start of `text`, for plain YAML keys.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    let key = &text[..colon];
    let after = &text[colon + 1..];
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    (plain && (after.is_empty() || after.starts_with(' '))).then_some((key, after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{DiscoverOptions, parse_page};

    const SRC: &str = "---\ntitle: T\nservices: [api, db]\ntimeline:\n  - at: 2026-01-01T00:00:00Z\n    event: One\n    marks: impact-start\n  - at: 2026-01-01T00:05:00Z\n    event: Two\naction_items:\n  - title: Fix\n    type: prevent\n    status: open\n  -   title: Other\n      type: detect\n      status: open\n---\nBody\n";

    fn page() -> Page {
        parse_page(
            "content/postmortems/x.md".into(),
            "postmortems/x.md".into(),
            SRC.into(),
            DiscoverOptions::default(),
        )
        .unwrap()
        .unwrap()
    }

    #[test]
    fn finds_items_and_fields() {
        let p = page();
        let pos = FrontMatterPositions::new(&p);
        assert_eq!(pos.key("timeline"), (4, 1));
        assert_eq!(pos.item("timeline", 1), (8, 5));
        assert_eq!(pos.item_field("timeline", 0, "marks"), (7, 12));
        assert_eq!(pos.item_field("timeline", 1, "at"), (8, 9));
        // `status: open` twice: each item finds its own.
        assert_eq!(pos.item_field("action_items", 0, "status"), (13, 13));
        assert_eq!(pos.item_field("action_items", 1, "status"), (16, 15));
        // A missing field points at the item.
        assert_eq!(pos.item_field("timeline", 1, "marks"), (8, 5));
        assert_eq!(pos.in_key("services", "db"), (3, 17));
    }
}
