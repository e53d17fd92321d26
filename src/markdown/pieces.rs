//! Parsing a large, dense body a piece at a time. pulldown-cmark builds a tree of its whole
//! input before its first event, a 48-byte node for about every element (see
//! [`super::too_many_elements`]). A body past its element budget is parsed instead in pieces
//! of whole top-level blocks, and a large table a few thousand rows at a time, so that one
//! piece's tree is held at once; only a single block past the budget is refused.
//!
//! The events are those of a parse of the whole body:
//! - A piece ends where pulldown-cmark itself starts a top-level block after a blank line.
//!   The starts come from parsing a window of the body and keeping those before its last
//!   block: block structure up to a line depends only on the lines before it and the next
//!   one, so every block but the last ended in the window as it does in the body (the last
//!   may be cut by the window). (After a blank line, as a block right after a paragraph may
//!   be the paragraph's: after its link reference definitions, `</pre>` is text.)
//!   Definition lists are the exception (a paragraph becomes a term when a `:` line follows,
//!   even after blank lines): a body with a line starting with `:` is not split.
//! - Link reference definitions are collected from every piece while the pieces are found,
//!   and a reference its own piece does not define is resolved from them, through
//!   pulldown-cmark's broken-link callback and with its case folding (`unicase`). A body
//!   that defines a label twice, or has footnotes (a reference is one only when its
//!   definition is in the same parse), is not split; nor is one whose parse might run out of
//!   pulldown-cmark's fuel for expanding references. That fuel is per parse (the length of
//!   its text): a piece that might need more is parsed after enough blank lines.
//! - A table's rows are parsed under a copy of its header and delimiter lines: a row is one
//!   line and a cell cannot leave it. The copied header's events are dropped from every
//!   group but the first, and the table's end from every group but the last. pulldown-cmark
//!   stops filling a table's missing cells after 2^18; a table whose rows may be that many
//!   cells short (counted from their unescaped `|`, each of which ends a cell) is not split.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use pulldown_cmark::{BrokenLink, CowStr, Event, OffsetIter, Parser, Tag, TagEnd};
use unicase::UniCase;

use super::{line_elements, markdown_options};

/// Bytes of the body parsed at once to find block starts, and of table rows in one group.
const WINDOW: usize = 256 * 1024;

/// pulldown-cmark's limit on the cells it fills into one table's short rows.
const MAX_FILLED_CELLS: usize = 1 << 18;

enum Piece {
    /// Whole top-level blocks: a range of the body.
    Blocks(Range<usize>),
    /// Rows of a table, parsed under a copy of its header (`head`: header and delimiter
    /// lines). `opens` for the first group (its header is written), `closes` for the last.
    Rows {
        head: Range<usize>,
        rows: Range<usize>,
        opens: bool,
        closes: bool,
    },
}

/// Link reference definitions of the body by label: destination and title.
type Refs = HashMap<UniCase<String>, (CowStr<'static>, CowStr<'static>)>;

/// Why a body is not split.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unsplit {
    /// It has footnotes or defines a link label twice: pieces would not parse as the whole.
    Whole,
    /// One block, starting at this byte of the body, makes more elements than the budget.
    DenseBlock { offset: usize },
}

/// The events of `markdown`, parsed a piece at a time, with their ranges in `markdown`.
pub(super) struct PieceEvents<'m> {
    markdown: &'m str,
    /// The most fuel one reference link costs: its destination and title.
    reference_cost: usize,
    pieces: std::vec::IntoIter<Piece>,
    refs: Rc<Refs>,
    current: Current<'m>,
}

enum Current<'m> {
    Done,
    Blocks(Box<OffsetIter<'m, RefsCallback>>, usize),
    /// Events of a parse of a copy: a table's rows under its header, or a piece given
    /// more fuel.
    Owned(std::vec::IntoIter<(Event<'m>, Range<usize>)>),
}

/// Resolves a reference its piece does not define from the whole body's definitions.
struct RefsCallback(Rc<Refs>);

impl<'m> pulldown_cmark::BrokenLinkCallback<'m> for RefsCallback {
    fn handle_broken_link(&mut self, link: BrokenLink<'m>) -> Option<(CowStr<'m>, CowStr<'m>)> {
        self.0
            .get(&UniCase::new(link.reference.to_string()))
            .cloned()
    }
}

/// Plan the pieces of `markdown`, no block of which may make more than `budget` elements.
pub(super) fn split(markdown: &str, budget: usize) -> Result<PieceEvents<'_>, Unsplit> {
    split_in_windows(markdown, budget, WINDOW)
}

/// [`split`], with windows and row groups of `window` bytes.
fn split_in_windows(
    markdown: &str,
    budget: usize,
    window: usize,
) -> Result<PieceEvents<'_>, Unsplit> {
    // A footnote reference is one only when its definition is in the same parse, and a
    // paragraph becomes a definition list's term when a `:` line follows, even after blank
    // lines: a block start would change with what comes after the window.
    let definition = || markdown.lines().any(|l| l.trim_start().starts_with(':'));
    if markdown.contains("[^") || definition() {
        return Err(Unsplit::Whole);
    }
    let mut planner = Planner {
        markdown,
        budget,
        window,
        pieces: Vec::new(),
        refs: HashMap::new(),
    };
    planner.plan()?;
    if !planner.fuel_lasts() {
        return Err(Unsplit::Whole);
    }
    Ok(PieceEvents {
        markdown,
        reference_cost: planner.reference_cost(),
        pieces: planner.pieces.into_iter(),
        refs: Rc::new(planner.refs),
        current: Current::Done,
    })
}

struct Planner<'m> {
    markdown: &'m str,
    budget: usize,
    window: usize,
    pieces: Vec<Piece>,
    refs: Refs,
}

/// What parsing a window of the body found.
struct Window {
    /// Where its top-level blocks start (at the start of their line), in the window.
    starts: Vec<usize>,
    /// The number of columns of its first block, when that is a table.
    table_columns: Option<usize>,
    /// Its link reference definitions: label, where it starts in the window, destination
    /// and title.
    refs: Vec<(String, usize, CowStr<'static>, CowStr<'static>)>,
}

impl<'m> Planner<'m> {
    fn plan(&mut self) -> Result<(), Unsplit> {
        let len = self.markdown.len();
        let (mut start, mut size) = (0, self.window);
        while start < len {
            let (end, capped) = self.window_end(start, size)?;
            let window = scan(&self.markdown[start..end]);
            let last = window.starts.iter().copied().rfind(|&b| b > 0);
            let cut = if end == len { Some(end - start) } else { last };
            if let Some(cut) = cut {
                self.take_refs(&window, cut)?;
                self.pieces.push(Piece::Blocks(start..start + cut));
                (start, size) = (start + cut, self.window);
                continue;
            }
            // One block runs past the window: a table is split by rows, another block is
            // parsed whole if it is within the budget.
            let first = window.starts.first().copied().unwrap_or(0);
            if let Some(columns) = window.table_columns {
                self.take_refs(&window, first)?;
                if first > 0 {
                    self.pieces.push(Piece::Blocks(start..start + first));
                }
                start = self.split_table(start + first, columns)?;
                size = self.window;
                continue;
            }
            if capped {
                return Err(Unsplit::DenseBlock {
                    offset: start + first,
                });
            }
            size *= 2;
        }
        Ok(())
    }

    /// Where a window of `size` bytes from `start` ends (at a line end). Where its elements
    /// pass half the budget it ends after the line that passes (then `true`), so that a
    /// block ending on that line is seen to end: no window holds more than the budget. A
    /// line past half the budget on its own is a block too dense to parse.
    fn window_end(&self, start: usize, size: usize) -> Result<(usize, bool), Unsplit> {
        let want = line_end(self.markdown, start + size);
        let (mut end, mut elements) = (start, 0);
        while end < want {
            let next = line_end(self.markdown, end);
            let line = line_elements(&self.markdown[end..next]);
            if line > self.budget / 2 {
                return Err(Unsplit::DenseBlock { offset: end });
            }
            elements += line;
            if elements > self.budget / 2 {
                return Ok((next, true));
            }
            end = next;
        }
        Ok((want, false))
    }

    /// The most fuel one reference link costs: its destination and title.
    fn reference_cost(&self) -> usize {
        let cost = self.refs.values().map(|(d, t)| d.len() + t.len());
        cost.max().unwrap_or(0)
    }

    /// Whether the body's parse cannot run out of pulldown-cmark's fuel for reference links
    /// (the length of its text, at least 100,000; each expansion costs its destination and
    /// title, and each reference link ends at a `]`). Then neither does a piece's, given
    /// more fuel where it needs it ([`PieceEvents::padding`]): both expand the same.
    fn fuel_lasts(&self) -> bool {
        let ends = self.markdown.matches(']').count();
        ends.saturating_mul(self.reference_cost()) < self.markdown.len().max(100_000)
    }

    /// Keep the definitions of `window` that start before `cut`.
    fn take_refs(&mut self, window: &Window, cut: usize) -> Result<(), Unsplit> {
        for (label, at, dest, title) in &window.refs {
            if *at >= cut {
                continue;
            }
            let key = UniCase::new(label.clone());
            if self.refs.contains_key(&key) {
                return Err(Unsplit::Whole);
            }
            self.refs.insert(key, (dest.clone(), title.clone()));
        }
        Ok(())
    }

    /// Plan the row groups of the table whose header line starts at `table`; returns where
    /// the table ends.
    fn split_table(&mut self, table: usize, columns: usize) -> Result<usize, Unsplit> {
        let len = self.markdown.len();
        let head = table..line_end(self.markdown, line_end(self.markdown, table + 1));
        let (mut rows, mut opens, mut short) = (head.end, true, 0usize);
        loop {
            let end = line_end(self.markdown, rows + self.window);
            let group = format!(
                "{}{}",
                &self.markdown[head.clone()],
                &self.markdown[rows..end]
            );
            let table_end = Parser::new_ext(&group, markdown_options())
                .into_offset_iter()
                .find_map(|(event, range)| {
                    matches!(event, Event::Start(Tag::Table(_))).then_some(range.end)
                })
                .unwrap_or(head.len());
            let rows_end = rows + table_end.saturating_sub(head.len()).min(end - rows);
            for row in self.markdown[rows..rows_end].lines() {
                short += columns.saturating_sub(cell_ends(row).saturating_sub(1));
            }
            if short >= MAX_FILLED_CELLS {
                return Err(Unsplit::Whole);
            }
            let closes = rows_end < end || end == len;
            self.pieces.push(Piece::Rows {
                head: head.clone(),
                rows: rows..rows_end,
                opens,
                closes,
            });
            if closes {
                return Ok(rows_end);
            }
            (rows, opens) = (end, false);
        }
    }
}

/// The `|` of a table row not after a backslash: pulldown-cmark ends a cell at each.
fn cell_ends(row: &str) -> usize {
    let bytes = row.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

/// The end of the line `at` is in (after its `\n`), or the end of `text`.
fn line_end(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    text.as_bytes()[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| at + i + 1)
}

/// Parse `text` for its top-level block starts, first table and reference definitions.
fn scan(text: &str) -> Window {
    let mut parser = Parser::new_ext(text, markdown_options()).into_offset_iter();
    let mut window = Window {
        starts: Vec::new(),
        table_columns: None,
        refs: Vec::new(),
    };
    let mut depth = 0usize;
    for (event, range) in parser.by_ref() {
        let top = depth == 0;
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if !top || matches!(event, Event::End(_)) {
            continue;
        }
        // A block starts a piece after a blank line: one right after a paragraph may be its
        // continuation (the paragraph's link reference definitions taken out).
        let line = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let before = text[..line.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if !text[line..range.start].trim().is_empty()
            || line > 0 && !text[before..line].trim().is_empty()
        {
            continue;
        }
        if let (Event::Start(Tag::Table(columns)), true) = (&event, window.starts.is_empty()) {
            window.table_columns = Some(columns.len());
        }
        window.starts.push(line);
    }
    for (label, def) in parser.reference_definitions().iter() {
        let title = def.title.clone().unwrap_or_else(|| "".into());
        let dest = def.dest.clone().into_static();
        window
            .refs
            .push((label.to_string(), def.span.start, dest, title.into_static()));
    }
    window
}

impl<'m> Iterator for PieceEvents<'m> {
    type Item = (Event<'m>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match &mut self.current {
                Current::Blocks(events, offset) => {
                    if let Some((event, range)) = events.next() {
                        return Some((event, range.start + *offset..range.end + *offset));
                    }
                }
                Current::Owned(events) => {
                    if let Some(item) = events.next() {
                        return Some(item);
                    }
                }
                Current::Done => {}
            }
            // The piece's tree goes before the next is built.
            self.current = Current::Done;
            self.current = match self.pieces.next()? {
                Piece::Blocks(range) if self.padding(&[&self.markdown[range.clone()]]) > 0 => {
                    Current::Owned(self.owned_events(&[range], |_| true).into_iter())
                }
                Piece::Blocks(range) => {
                    let callback = RefsCallback(Rc::clone(&self.refs));
                    let text = &self.markdown[range.clone()];
                    let parser = Parser::new_with_broken_link_callback(
                        text,
                        markdown_options(),
                        Some(callback),
                    );
                    Current::Blocks(Box::new(parser.into_offset_iter()), range.start)
                }
                Piece::Rows {
                    head,
                    rows,
                    opens,
                    closes,
                } => Current::Owned(self.row_events(head, rows, opens, closes).into_iter()),
            };
        }
    }
}

impl<'m> PieceEvents<'m> {
    /// Fuel a parse of `text` may need for reference links beyond the length of `text` (see
    /// [`Planner::fuel_lasts`]): given as blank lines before it, which parse to nothing.
    fn padding(&self, texts: &[&str]) -> usize {
        let len: usize = texts.iter().map(|t| t.len()).sum();
        let ends: usize = texts.iter().map(|t| t.matches(']').count()).sum();
        let needed = ends * self.reference_cost;
        if needed < len.max(100_000) {
            0
        } else {
            needed + 1 - len
        }
    }

    /// The events of a parse of the body's `parts` one after the other (a table's header,
    /// then rows), each with its range in the body, and what `keep` keeps of them.
    fn owned_events(
        &self,
        parts: &[Range<usize>],
        mut keep: impl FnMut(&Event<'_>) -> bool,
    ) -> Vec<(Event<'m>, Range<usize>)> {
        let texts: Vec<&str> = parts.iter().map(|r| &self.markdown[r.clone()]).collect();
        let pad = self.padding(&texts);
        let mut text = "\n".repeat(pad);
        texts.iter().for_each(|t| text.push_str(t));
        let refs = Rc::clone(&self.refs);
        let callback = move |link: BrokenLink<'_>| {
            refs.get(&UniCase::new(link.reference.to_string()))
                .map(|(dest, title)| (dest.clone(), title.clone()))
        };
        let at = |offset: usize| {
            let mut offset = offset.saturating_sub(pad);
            for part in parts {
                if offset < part.len() {
                    return part.start + offset;
                }
                offset -= part.len();
            }
            parts.last().map_or(0, |p| p.end)
        };
        let parser =
            Parser::new_with_broken_link_callback(&text, markdown_options(), Some(callback));
        parser
            .into_offset_iter()
            .filter(|(event, _)| keep(event))
            .map(|(event, range)| (event.into_static(), at(range.start)..at(range.end)))
            .collect()
    }

    /// The events of one group of table rows, their ranges in the body.
    fn row_events(
        &self,
        head: Range<usize>,
        rows: Range<usize>,
        opens: bool,
        closes: bool,
    ) -> Vec<(Event<'m>, Range<usize>)> {
        let mut in_head = false;
        self.owned_events(&[head, rows], |event| match event {
            Event::Start(Tag::Table(_)) if !opens => {
                in_head = true;
                false
            }
            Event::End(TagEnd::TableHead) if in_head => {
                in_head = false;
                false
            }
            Event::End(TagEnd::Table) => closes,
            _ => !in_head,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::html::push_html;

    fn whole(markdown: &str) -> String {
        let mut html = String::new();
        push_html(&mut html, Parser::new_ext(markdown, markdown_options()));
        html
    }

    fn pieced(markdown: &str, window: usize) -> String {
        let events = split_in_windows(markdown, usize::MAX, window).expect("split");
        let mut html = String::new();
        push_html(&mut html, events.map(|(event, _)| event));
        html
    }

    const TRICKY: &[&str] = &[
        // Lists loose and tight, across blank lines, then a paragraph.
        "- a\n- b\n\n- c\n\n  more of c\n\nAfter.\n\n1. one\n\n2) two\n",
        // Fenced code and HTML blocks with blank lines inside.
        "Intro\n\n```\ncode\n\n\nstill code\n```\n\n<pre>\n\n| not | a |\n\n</pre>\n\n<!--\n\n[x]\n\n-->\n\nEnd.\n",
        // A fence that never closes.
        "Start\n\n~~~\n\n[x]: /nowhere\n\nnever closed\n",
        // Reference definitions used before and after, with titles and case.
        "See [Runbook] and [the guide][G] and [b].\n\nMiddle.\n\n[runbook]: /r \"R\"\n\nMore [RUNBOOK].\n\n[g]:\n  /guide\n  'Guide'\n\n[b]: </with space>\n",
        // Setext headings, block quotes, indented code, breaks.
        "Title\n=====\n\n> quote\nlazy\n\n> [!NOTE]\n> alert\n\n    indented\n\n    code\n\n***\n\nSub\n---\n\nPara\n***\n",
        // Tables: escaped pipes, pipes in code, short and long rows, links by reference.
        "| a | b | c |\n|:--|:-:|--:|\n| 1 \\| x | `y|z` | [r] |\n| short |\n| 1 | 2 | 3 | 4 |\n|x|y|z|\n| [r][] | **b** | ~~s~~ |\n\nAfter the table.\n\n[r]: /ref\n",
        // A table ended by a block, and one that is a paragraph (its delimiter is wrong).
        "|h|i|\n|-|-|\n|1|2|\n|3|4|\n> quote\n\n|h|i|\n|-|\n|1|2|\n",
    ];

    #[test]
    fn pieces_parse_as_the_whole_body() {
        for markdown in TRICKY {
            let expected = whole(markdown);
            for window in [1, 8, 20, 40, 100, 10_000] {
                assert_eq!(
                    pieced(markdown, window),
                    expected,
                    "window {window}: {markdown}"
                );
            }
        }
        let all = TRICKY.concat();
        for window in [1, 30, 200] {
            assert_eq!(pieced(&all, window), whole(&all), "window {window}");
        }
    }

    #[test]
    fn random_bodies_of_tricky_lines_parse_in_pieces_as_whole() {
        const LINES: &[&str] = &[
            "",
            "",
            "",
            "text",
            "more *text",
            "_em_ and **strong**",
            "- item",
            "  - nested",
            "1. one",
            "2) two",
            "> quote",
            "> [!TIP]",
            "    code",
            "```",
            "~~~",
            "```rust",
            "<div>",
            "</div>",
            "<pre>",
            "</pre>",
            "<!--",
            "-->",
            "<?php",
            "?>",
            "# Head",
            "Setext",
            "===",
            "---",
            "***",
            "|a|b|",
            "|-|-|",
            "|:-|--:|",
            "a|b",
            "|1|2|3|",
            "| x \\| y | `p|q` |",
            "[r]: /url",
            "[r]: /url 'title'",
            "'title'",
            "[R] link",
            "[text][r]",
            "[[Wiki]]",
            "<http://a.b>",
            "&amp; &copy;",
            "trailing  ",
            "\\",
            "  indented two",
            "   three",
            "\t tab",
            "- [ ] task",
            "+ plus",
            "* star",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut tried = 0;
        for _ in 0..400 {
            let body: String = (0..next(40) + 1)
                .map(|_| format!("{}\n", LINES[next(LINES.len())]))
                .collect();
            let window = [1, 6, 24, 80, 3, 200][next(6)];
            let Ok(events) = split_in_windows(&body, usize::MAX, window) else {
                continue;
            };
            tried += 1;
            let mut html = String::new();
            push_html(&mut html, events.map(|(event, _)| event));
            assert_eq!(html, whole(&body), "window {window}: {body:?}");
        }
        assert!(tried > 300, "{tried}");
    }

    #[test]
    fn a_large_table_is_parsed_in_row_groups() {
        let table = format!(
            "Intro with a [ref].\n\n|a|b|\n|-|-|\n{}\nAfter.\n\n[ref]: /r\n",
            (0..500)
                .map(|i| format!("|{i}|[ref]|\n"))
                .collect::<String>()
        );
        let events = split_in_windows(&table, usize::MAX, 200).expect("split");
        let rows = events
            .pieces
            .as_slice()
            .iter()
            .filter(|p| matches!(p, Piece::Rows { .. }));
        assert!(rows.count() > 10);
        assert_eq!(pieced(&table, 200), whole(&table));
        // Ranges point into the body.
        let events = split_in_windows(&table, usize::MAX, 200).expect("split");
        for (event, range) in events {
            if let Event::Text(text) = event {
                assert_eq!(&table[range], &*text);
            }
        }
    }

    #[test]
    fn footnotes_definitions_a_label_defined_twice_and_a_dense_block_are_not_split() {
        assert_eq!(
            split_in_windows("a[^1]\n\n[^1]: x\n", usize::MAX, 4).err(),
            Some(Unsplit::Whole)
        );
        // Cut before `Term2`, its definition would start a list of its own.
        let terms = "Term\n: def\n\nTerm2\n\n: def2\n";
        assert_eq!(
            split_in_windows(terms, usize::MAX, 4).err(),
            Some(Unsplit::Whole)
        );
        let twice = "[a]: /1\n\nText [a].\n\n[a]: /2\n";
        assert_eq!(
            split_in_windows(twice, usize::MAX, 4).err(),
            Some(Unsplit::Whole)
        );
        // Fuel for expanding references is per parse: 300 uses of a 1,000-byte destination
        // would run out of the 100,000 every parse has at least; 50 would not.
        let long = format!("[a]: /{}\n\n", "x".repeat(999));
        let uses = |n: usize| format!("{long}{}", "[a]\n\n".repeat(n));
        assert_eq!(
            split_in_windows(&uses(300), usize::MAX, 100).err(),
            Some(Unsplit::Whole)
        );
        assert!(split_in_windows(&uses(50), usize::MAX, 100).is_ok());
        // A piece that might need more than its own length is given it.
        let filled = format!("{}{}", uses(150), "Filler text.\n\n".repeat(20_000));
        assert_eq!(pieced(&filled, 50_000), whole(&filled));
        assert_eq!(pieced(&filled, 50_000).matches("<a href").count(), 150);
        let dense = format!("Intro.\n\n{}\n", "[".repeat(100));
        assert_eq!(
            split_in_windows(&dense, 50, 8).err(),
            Some(Unsplit::DenseBlock { offset: 8 })
        );
        let lines = format!("Intro.\n\n{}", "a\n".repeat(100));
        assert_eq!(
            split_in_windows(&lines, 50, 8).err(),
            Some(Unsplit::DenseBlock { offset: 8 })
        );
    }
}
