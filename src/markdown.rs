//! Rendering a page body from Markdown to HTML: heading ids and self-links, a table of
//! contents, highlighted code, GFM alerts, and internal links resolved to output URLs.
//! It also collects what later stages need: outgoing links, anchors, and plain text
//! sections for the search index.

mod pieces;

use std::collections::VecDeque;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd, html,
};
use serde::Serialize;

use crate::config::AutolinkMode;
use crate::content::assets::{
    AssetIndex, ImageSize, join_relative, output_path, percent_decode, percent_encode_path,
};
use crate::content::{Page, PageId};
use crate::diagnostics::{Diagnostic, MAX_PROBLEMS, thousands};
pub use crate::escape::{escape_attr, escape_html, escape_html_into};
use crate::highlight::highlight_code;
use crate::links::{OutgoingLink, Resolution, SiteIndex, WrittenLink, link_href};
use crate::terms::fold::Folded;
use crate::terms::{TermLinker, TermMention, term_link_open};

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// The plain text under one heading, for the search index.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TextSection {
    pub heading: String,
    pub anchor: String,
    pub text: String,
}

impl TextSection {
    /// The section as held until the search index is built, without the spare capacity its
    /// text grew by: the text of every body is held at once, and the slack was as much again.
    fn kept(mut self) -> TextSection {
        self.text.shrink_to_fit();
        self
    }
}

#[derive(Debug, Default)]
pub struct RenderedBody {
    /// The body's HTML, LZ4-compressed: every body is held from the link stage until its
    /// page renders, and on a 10,000-page site the plain HTML was a third of peak memory.
    html_lz4: Vec<u8>,
    pub toc: Vec<TocEntry>,
    pub anchors: Vec<String>,
    pub links: Vec<OutgoingLink>,
    /// The page's front-matter prose with term links, as HTML, one entry per text of
    /// [`BodyHooks::prose`].
    pub prose: Vec<String>,
    /// The page's declared `text` fields with term links, as HTML: (field, HTML).
    pub fields_html: Vec<(String, String)>,
    /// Some link names an `#anchor` (most bodies have none: anchor checks skip them).
    pub links_to_anchors: bool,
    pub sections: Vec<TextSection>,
    pub diagnostics: Vec<Diagnostic>,
    /// Links whose target runs script: errors even with `--warn-links`.
    pub refused: Vec<Diagnostic>,
    /// Problems past [`MAX_PROBLEMS`], counted rather than reported: (link problems, refused).
    hidden_problems: (usize, usize),
    /// Words in the body's text, counted once here rather than at every render.
    pub word_count: usize,
    /// The body has a ```` ```mermaid ```` diagram: its page loads the diagram library.
    pub diagrams: bool,
    /// Files of the content folder the body shows or links to (images, PDFs), found or not.
    pub files: Vec<FileUse>,
    /// Warnings about the body (an image without alt text).
    pub warnings: Vec<Diagnostic>,
}

/// A file of the content folder that a body refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUse {
    /// Its path in the content folder.
    pub source: String,
    /// Where it is copied in the output; `None` when there is no such file.
    pub output: Option<String>,
    /// The file's fingerprint when the body was rendered (see `Asset::fingerprint`): the
    /// body holds while the file is unchanged.
    pub fingerprint: Option<u64>,
}

/// What kinds add to the bodies of their pages. The renderer names no kind: the kinds'
/// registry implements this.
pub trait BodyHooks: Sync {
    /// Front-matter prose of `page` that gets term links with its body, in the order the
    /// page shows it; `true` for prose shown above the body.
    fn prose<'p>(&self, _page: &'p Page) -> Vec<(bool, &'p str)> {
        Vec::new()
    }

    /// How much of a paragraph's plain text is words to search and quote.
    fn searchable_len(&self, _page: &Page, text: &str) -> usize {
        text.len()
    }
}

/// Bodies rendered as Markdown alone.
pub struct NoHooks;

impl BodyHooks for NoHooks {}

/// What rendering one body needs to know about the rest of the site.
pub struct BodyContext<'a> {
    pub page_id: PageId,
    pub pages: &'a [Page],
    pub index: &'a SiteIndex,
    pub terms: &'a TermLinker,
    /// The content folder's other files, which images and file links name.
    pub assets: &'a AssetIndex,
}

impl BodyContext<'_> {
    /// Whether a body rendered earlier (`body`) still holds for its files: each file it
    /// names is as it was then, or still missing.
    pub fn files_unchanged(&self, body: &RenderedBody) -> bool {
        body.files
            .iter()
            .all(|f| self.assets.get(&f.source).map(|a| a.fingerprint) == f.fingerprint)
    }
}

impl RenderedBody {
    /// Report a problem at `line`:`column` of `page`, or count it once [`MAX_PROBLEMS`] are
    /// reported. `refused` problems stay errors with `--warn-links`.
    fn problem(&mut self, page: &Page, line: usize, column: usize, message: String, refused: bool) {
        if self.diagnostics.len() + self.refused.len() >= MAX_PROBLEMS {
            let (links, scripts) = &mut self.hidden_problems;
            *(if refused { scripts } else { links }) += 1;
            return;
        }
        let error = page.error(line, column, message);
        if refused {
            self.refused.push(error);
        } else {
            self.diagnostics.push(error);
        }
    }

    /// One report for the problems past [`MAX_PROBLEMS`].
    fn report_hidden_problems(&mut self, page: &Page) {
        let (links, scripts) = self.hidden_problems;
        let hidden = links + scripts;
        if hidden == 0 {
            return;
        }
        let summary = Diagnostic::error(
            &page.source_path,
            1,
            1,
            format!(
                "{hidden} more link problems in this file are not shown (the first {MAX_PROBLEMS} are)"
            ),
        );
        if scripts > 0 {
            self.refused.push(summary);
        } else {
            self.diagnostics.push(summary);
        }
    }

    /// The body's HTML.
    pub fn html(&self) -> String {
        lz4_flex::block::decompress_size_prepended(&self.html_lz4)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    pub fn set_html(&mut self, html: &str) {
        self.html_lz4 = lz4_flex::block::compress_prepend_size(html.as_bytes());
    }
}

pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS
}

struct OpenHeading {
    level: HeadingLevel,
    explicit_id: Option<String>,
    classes: Vec<String>,
    /// Index in the output of the placeholder replaced by the opening tag.
    placeholder: usize,
    text: String,
}

/// Where each line of a body starts, so that finding the line and column of a link is a
/// binary search rather than a scan from the start of the body.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// Line of the file where the body starts.
    first_line: usize,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str, first_line: usize) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            text,
            starts,
            first_line,
        }
    }

    /// File line and column (1-based, in characters) of a byte offset in the body.
    fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let i = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[i]..offset].chars().count() + 1;
        (self.first_line + i, column)
    }
}

/// Consecutive text events (split by smart quotes, entities and soft breaks) merged into
/// one, so that a term mention spanning them is found.
#[derive(Default)]
struct TextRun {
    text: String,
    /// Where each merged event starts: (offset in `text`, offset in the source).
    starts: Vec<(usize, usize)>,
}

impl TextRun {
    /// Append an event's text found at `source`. Only where the text stops following the
    /// source (an entity, a smart quote) is a start kept: one per event cost 16 bytes a line
    /// break, 190 MB for a paragraph of 6 million short lines.
    fn push(&mut self, text: &str, source: usize) {
        let follows = self
            .starts
            .last()
            .is_some_and(|&(o, s)| s + (self.text.len() - o) == source);
        if !follows {
            self.starts.push((self.text.len(), source));
        }
        self.text.push_str(text);
    }

    fn source_offset(&self, at: usize) -> usize {
        let i = self
            .starts
            .partition_point(|&(o, _)| o <= at)
            .saturating_sub(1);
        self.starts.get(i).map_or(0, |&(o, s)| s + (at - o))
    }
}

/// Term links of one page: which terms are linked already, and a counter for tooltip ids.
struct PageTermLinks<'a> {
    ctx: &'a BodyContext<'a>,
    /// The relative prefix from this page to the site root.
    root: &'a str,
    enabled: bool,
    linked: std::collections::HashSet<PageId>,
    folded: Folded,
    mentions: Vec<TermMention>,
}

impl PageTermLinks<'_> {
    /// Plain text from the front matter as HTML, with its term mentions linked.
    fn link_prose(&mut self, page: &Page, text: &str, links: &mut Vec<OutgoingLink>) -> String {
        let first_line = text.lines().next().unwrap_or_default();
        let at = crate::content::positions::locate_in_front_matter(page, first_line);
        let mut run = TextRun::default();
        run.push(text, 0);
        let mut out = VecDeque::new();
        self.flush(&mut run, true, &|_| at, &mut out, links);
        match out.pop_back() {
            Some(Event::InlineHtml(html)) => html.to_string(),
            Some(Event::Text(text)) => escape_html(&text),
            _ => String::new(),
        }
    }

    /// A declared `text` field's Markdown as HTML, its term mentions linked (not inside its
    /// links). Positions are the field's first line: a field is a line or a few.
    fn link_markdown(&mut self, page: &Page, text: &str, links: &mut Vec<OutgoingLink>) -> String {
        let first_line = text.lines().next().unwrap_or_default();
        let at = crate::content::positions::locate_in_front_matter(page, first_line);
        let mut run = TextRun::default();
        let mut out = VecDeque::new();
        let mut link_depth = 0usize;
        for event in Parser::new_ext(text, markdown_options()) {
            if let Event::Text(t) = &event {
                run.push(t, 0);
                continue;
            }
            self.flush(&mut run, link_depth == 0, &|_| at, &mut out, links);
            match &event {
                Event::Start(Tag::Link { .. }) => link_depth += 1,
                Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
                _ => {}
            }
            out.push_back(event);
        }
        self.flush(&mut run, link_depth == 0, &|_| at, &mut out, links);
        let mut html = String::with_capacity(text.len() * 2);
        html::push_html(&mut html, out.into_iter());
        html
    }

    /// Emit a merged text run, linking the term mentions in it when `allowed`.
    fn flush(
        &mut self,
        run: &mut TextRun,
        allowed: bool,
        position: &dyn Fn(usize) -> (usize, usize),
        out: &mut VecDeque<Event<'_>>,
        links: &mut Vec<OutgoingLink>,
    ) {
        if run.text.is_empty() {
            return;
        }
        let (ctx, root) = (self.ctx, self.root);
        let text = std::mem::take(&mut run.text);
        let mut mentions = std::mem::take(&mut self.mentions);
        mentions.clear();
        if allowed && self.enabled {
            ctx.terms.mentions(&text, &mut self.folded, &mut mentions);
        }
        // With links, the whole run becomes one HTML string (text escaped here).
        let mut html = String::new();
        let mut last = 0;
        for m in &mentions {
            // The mention still consumes its text, so a shorter term inside it is not linked.
            if m.term == ctx.page_id
                || (ctx.terms.mode == AutolinkMode::First && self.linked.contains(&m.term))
            {
                continue;
            }
            self.linked.insert(m.term);
            if html.is_empty() {
                html.reserve(text.len() + 256 * mentions.len());
            }
            escape_html_into(&mut html, &text[last..m.range.start]);
            ctx.terms
                .push_link(&mut html, root, m.term, &text[m.range.clone()]);
            let (line, column) = position(run.source_offset(m.range.start));
            links.push(OutgoingLink {
                target: m.term,
                anchor: None,
                line,
                column,
                automatic: true,
            });
            last = m.range.end;
        }
        self.mentions = mentions;
        run.starts.clear();
        if last == 0 {
            out.push_back(Event::Text(text.into()));
        } else {
            escape_html_into(&mut html, &text[last..]);
            out.push_back(Event::InlineHtml(html.into()));
        }
    }
}

/// Raw HTML elements inside which no term link goes.
const NO_LINK_ELEMENTS: &[&str] = &[
    "a", "abbr", "button", "code", "dfn", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "pre", "samp",
    "script", "style", "textarea",
];

/// How a raw HTML fragment changes the depth of `NO_LINK_ELEMENTS` open around the text.
fn no_link_depth_change(html: &str) -> isize {
    let mut delta = 0;
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.split_once("-->").map_or("", |(_, after)| after);
            continue;
        }
        let closing = rest.starts_with('/');
        let tag = rest.trim_start_matches('/');
        let name_len = tag
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        let name = tag[..name_len].to_ascii_lowercase();
        if !NO_LINK_ELEMENTS.contains(&name.as_str()) {
            continue;
        }
        let end = tag.find('>').unwrap_or(tag.len());
        if closing {
            delta -= 1;
        } else if !tag[..end].ends_with('/') {
            delta += 1;
        }
    }
    delta
}

pub fn render_body<'m>(
    ctx: &BodyContext<'_>,
    markdown: &'m str,
    hooks: &dyn BodyHooks,
) -> RenderedBody {
    let page = &ctx.pages[ctx.page_id];
    let root = crate::links::root_prefix(&page.url);
    let mut result = RenderedBody::default();
    if let Some((line, column)) = nested_too_deep(markdown) {
        let message = format!(
            "block quotes and lists nested more than {MAX_NESTING} deep: a page needs far fewer, and each level costs the parser memory for the whole body"
        );
        result
            .refused
            .push(page.error(page.body_line + line - 1, column, message));
        return result;
    }
    // pulldown-cmark parses the whole body into a tree when its parser is made: a body past
    // its element budget is parsed a piece at a time instead, or refused.
    let events = match too_many_elements(markdown)
        .map(|over| pieces::split(markdown, over.budget).map_err(|unsplit| (over, unsplit)))
    {
        None => BodyEvents::Whole(Parser::new_ext(markdown, markdown_options()).into_offset_iter()),
        Some(Ok(split)) => BodyEvents::Pieces(split),
        Some(Err((over, unsplit))) => {
            result
                .refused
                .push(too_dense(page, markdown, &over, unsplit));
            return result;
        }
    };
    let mut heading: Option<OpenHeading> = None;
    let mut code: Option<(String, String)> = None;
    let mut section = TextSection::default();
    let mut id_counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let lines = LineIndex::new(markdown, page.body_line);
    let position = |offset: usize| lines.position(offset);
    let mut run = TextRun::default();
    let mut terms = PageTermLinks {
        ctx,
        root: &root,
        enabled: ctx.terms.enabled_for(page),
        linked: Default::default(),
        folded: Folded::default(),
        mentions: Vec::new(),
    };
    // Front-matter prose shown above the body takes the first term links.
    let prose = hooks.prose(page);
    let (before, after): (Vec<_>, Vec<_>) = prose.iter().partition(|(above, _)| *above);
    for (_, text) in before {
        let html = terms.link_prose(page, text, &mut result.links);
        result.prose.push(html);
    }
    link_declared_fields(ctx, &mut terms, &mut result);
    // Open links and images, and raw HTML elements such as `<a>` or `<code>`: no term links.
    let mut link_depth = 0usize;
    let mut html_depth = 0isize;
    // A wikilink written by slug (`[[architect-onboarding]]`) shows its page's title: the
    // title, and whether its text was already put in place of the slug.
    let mut slug_link: Option<(String, bool)> = None;
    let mut open_images: Vec<OpenImage> = Vec::new();

    // Events stream into the HTML writer as they are made: collected first, a 12 MB table's
    // millions of cells took gigabytes. Only an open heading or image holds them back, until
    // the heading's id (made from its text) or the image's alt text is known. `step` handles
    // one parser event and says whether to hold.
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    {
        let mut step = |item: Option<(Event<'m>, std::ops::Range<usize>)>,
                        out: &mut VecDeque<Event<'m>>| {
            let Some((event, range)) = item else {
                terms.flush(
                    &mut run,
                    link_depth == 0 && html_depth == 0,
                    &position,
                    out,
                    &mut result.links,
                );
                return false;
            };
            'event: {
                let event = match (event, &mut slug_link) {
                    (Event::Text(_), Some((_, true))) => break 'event,
                    (Event::Text(_), Some((title, shown))) => {
                        *shown = true;
                        Event::Text(CowStr::from(title.clone()))
                    }
                    (event, _) => event,
                };
                if code.is_none() && heading.is_none() {
                    match &event {
                        Event::Text(t) => {
                            section.text.push_str(t);
                            run.push(t, range.start);
                            break 'event;
                        }
                        Event::SoftBreak => {
                            section.text.push(' ');
                            run.push("\n", range.start);
                            break 'event;
                        }
                        _ => terms.flush(
                            &mut run,
                            link_depth == 0 && html_depth == 0,
                            &position,
                            out,
                            &mut result.links,
                        ),
                    }
                }
                match event {
                    Event::Start(Tag::Heading {
                        level, id, classes, ..
                    }) => {
                        out.push_back(Event::Html(CowStr::Borrowed("")));
                        heading = Some(OpenHeading {
                            level,
                            explicit_id: id.map(|s| s.to_string()),
                            classes: classes.iter().map(|c| c.to_string()).collect(),
                            placeholder: out.len() - 1,
                            text: String::new(),
                        });
                    }
                    Event::End(TagEnd::Heading(level)) => {
                        let Some(h) = heading.take() else {
                            break 'event;
                        };
                        let title = h.text.trim().to_string();
                        let base = h.explicit_id.clone().unwrap_or_else(|| heading_id(&title));
                        let id = unique_id(base, &mut id_counts);
                        let class = if h.classes.is_empty() {
                            String::new()
                        } else {
                            format!(" class=\"{}\"", escape_attr(&h.classes.join(" ")))
                        };
                        out[h.placeholder] = Event::Html(
                            format!("<{level} id=\"{}\"{class}>", escape_attr(&id)).into(),
                        );
                        out.push_back(Event::Html(
                            format!(
                                "<a class=\"heading-anchor\" href=\"#{0}\" aria-label=\"Link to section: {1}\">#</a></{level}>\n",
                                escape_attr(&id),
                                escape_attr(&title)
                            )
                            .into(),
                        ));
                        if matches!(h.level, HeadingLevel::H2 | HeadingLevel::H3) {
                            result.toc.push(TocEntry {
                                level: h.level as u8,
                                id: id.clone(),
                                title: title.clone(),
                            });
                        }
                        result.anchors.push(id.clone());
                        let finished = std::mem::replace(
                            &mut section,
                            TextSection {
                                heading: title,
                                anchor: id,
                                text: String::new(),
                            },
                        );
                        if !finished.text.trim().is_empty() || !finished.heading.is_empty() {
                            result.sections.push(finished.kept());
                        }
                    }
                    Event::Start(Tag::CodeBlock(kind)) => {
                        let lang = match kind {
                            CodeBlockKind::Fenced(info) => {
                                info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                            }
                            CodeBlockKind::Indented => String::new(),
                        };
                        code = Some((lang, String::new()));
                    }
                    Event::End(TagEnd::CodeBlock) => {
                        let Some((lang, text)) = code.take() else {
                            break 'event;
                        };
                        let html = if lang == "mermaid" {
                            result.diagrams = true;
                            diagram_html(&text)
                        } else {
                            code_block_html(&lang, &text)
                        };
                        out.push_back(Event::Html(html.into()));
                    }
                    Event::Text(t) if code.is_some() => {
                        if let Some((_, buf)) = code.as_mut() {
                            buf.push_str(&t);
                        }
                    }
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }) => {
                        link_depth += 1;
                        let (line, column) = position(range.start);
                        let before = result.links.len();
                        let dest = if refuse_script_url(page, &dest_url, line, column, &mut result)
                        {
                            Some("#".to_string())
                        } else {
                            resolve_link(
                                ctx,
                                &root,
                                link_type,
                                &dest_url,
                                line,
                                column,
                                &mut result,
                            )
                        };
                        let target = result.links[before..].first().map(|l| l.target);
                        if let (LinkType::WikiLink { has_pothole: false }, Some(t)) =
                            (link_type, target)
                            && written_as_slug(&dest_url, &ctx.pages[t])
                        {
                            slug_link = Some((ctx.pages[t].meta.title.clone(), false));
                        }
                        let term = target
                            .filter(|&t| t != ctx.page_id && ctx.pages[t].glossary().is_some());
                        match (term, &dest) {
                            // A written link to a term gets the term's tooltip too, outside headings.
                            (Some(term), Some(dest)) if heading.is_none() => {
                                terms.linked.insert(term);
                                out.push_back(Event::InlineHtml(
                                    term_link_open(dest, Some(&title)).into(),
                                ));
                            }
                            _ => {
                                if let Some(term) = term {
                                    terms.linked.insert(term);
                                }
                                out.push_back(Event::Start(Tag::Link {
                                    link_type,
                                    dest_url: dest.map_or(dest_url, CowStr::from),
                                    title,
                                    id,
                                }));
                            }
                        }
                    }
                    Event::End(TagEnd::Link) => {
                        link_depth = link_depth.saturating_sub(1);
                        slug_link = None;
                        // A term link, opened as HTML, closes as any link does: `</a>`.
                        out.push_back(Event::End(TagEnd::Link));
                    }
                    Event::Start(Tag::Image {
                        dest_url, title, ..
                    }) => {
                        link_depth += 1;
                        let (line, column) = position(range.start);
                        let (src, size) =
                            if refuse_script_url(page, &dest_url, line, column, &mut result) {
                                (String::new(), None)
                            } else {
                                match local_file(
                                    ctx,
                                    &root,
                                    &dest_url,
                                    line,
                                    column,
                                    &mut result,
                                    true,
                                ) {
                                    Some(file) => (file.href, file.size),
                                    None => (dest_url.to_string(), None),
                                }
                            };
                        // The `<img>` is written at the end of the image, once its alt text
                        // is known (events are held while an image is open).
                        out.push_back(Event::InlineHtml(CowStr::Borrowed("")));
                        open_images.push(OpenImage {
                            placeholder: out.len() - 1,
                            src,
                            title: title.to_string(),
                            size,
                            line,
                            column,
                        });
                    }
                    Event::End(TagEnd::Image) => {
                        link_depth = link_depth.saturating_sub(1);
                        if let Some(image) = open_images.pop() {
                            let alt = image_alt(out.drain(image.placeholder + 1..));
                            if alt.trim().is_empty() {
                                let message = format!(
                                    "image `{}` has no alt text: write what it shows between the brackets (`![Error rate during the outage]({})`) for readers who cannot see it",
                                    image.src, image.src
                                );
                                result.warnings.push(page.warning(
                                    image.line,
                                    image.column,
                                    message,
                                ));
                            }
                            out[image.placeholder] = Event::InlineHtml(image.html(&alt).into());
                        }
                    }
                    Event::Html(ref h) | Event::InlineHtml(ref h) => {
                        html_depth = (html_depth + no_link_depth_change(h)).max(0);
                        out.push_back(event);
                    }
                    Event::Start(Tag::BlockQuote(Some(kind))) => {
                        let (class, label) = alert_kind(kind);
                        out.push_back(Event::Html(
                            format!("<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{label}</p>\n").into(),
                        ));
                    }
                    Event::End(TagEnd::BlockQuote(Some(_))) => {
                        out.push_back(Event::Html("</div>\n".into()))
                    }
                    Event::Start(Tag::Table(a)) => {
                        out.push_back(Event::Html("<div class=\"table-wrap\">".into()));
                        out.push_back(Event::Start(Tag::Table(a)));
                    }
                    Event::End(TagEnd::Table) => {
                        out.push_back(Event::End(TagEnd::Table));
                        out.push_back(Event::Html("</div>\n".into()));
                    }
                    Event::Text(ref t) | Event::Code(ref t) => {
                        if let Some(h) = heading.as_mut() {
                            h.text.push_str(t);
                        } else {
                            section.text.push_str(t);
                        }
                        out.push_back(event);
                    }
                    Event::SoftBreak | Event::HardBreak if heading.is_none() => {
                        section.text.push(' ');
                        out.push_back(event);
                    }
                    Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                        // Inline HTML cannot span blocks: an unclosed `<code>` stops here.
                        html_depth = 0;
                        // Kinds may mark up a paragraph's end (a script line's `{technique=id}`).
                        let kept = hooks.searchable_len(page, &section.text);
                        section.text.truncate(kept);
                        section.text.push(' ');
                        out.push_back(event);
                    }
                    other => out.push_back(other),
                }
            }
            heading.is_some() || !open_images.is_empty()
        };
        let mut parser = events;
        let mut out = VecDeque::new();
        let (mut holding, mut ended) = (false, false);
        let events = std::iter::from_fn(|| {
            loop {
                if (!holding || ended)
                    && let Some(event) = out.pop_front()
                {
                    return Some(event);
                }
                if ended {
                    return None;
                }
                let item = parser.next();
                ended = item.is_none();
                holding = step(item, &mut out);
            }
        });
        html::push_html(&mut html, events);
    }
    if !section.text.trim().is_empty() {
        result.sections.push(section.kept());
    }
    for (_, text) in after {
        let html = terms.link_prose(page, text, &mut result.links);
        result.prose.push(html);
    }
    result.prose.shrink_to_fit();
    // Every body is kept until the templates run: growth slack (term tooltips make bodies
    // outgrow the estimate) would be held for the whole build.
    html.shrink_to_fit();
    result.set_html(&html);
    result.report_hidden_problems(page);
    result.links.shrink_to_fit();
    result.links_to_anchors = result.links.iter().any(|l| l.anchor.is_some());
    result.word_count = result
        .sections
        .iter()
        .map(|s| s.text.split_whitespace().count())
        .sum();
    result
}

/// The events of a body: of one parse, or, for a body past its element budget, of a parse a
/// piece at a time (see [`pieces`]). One a body, on the stack: boxing the usual parse would
/// cost an allocation a page for nothing.
#[allow(clippy::large_enum_variant)]
enum BodyEvents<'m> {
    Whole(pulldown_cmark::OffsetIter<'m, pulldown_cmark::DefaultBrokenLinkCallback>),
    Pieces(pieces::PieceEvents<'m>),
}

impl<'m> Iterator for BodyEvents<'m> {
    type Item = (Event<'m>, std::ops::Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            BodyEvents::Whole(events) => events.next(),
            BodyEvents::Pieces(events) => events.next(),
        }
    }
}

/// The error for a body past its element budget that cannot be parsed in pieces: at the
/// block past the budget, or (a body with footnotes, a definition list, a link label defined
/// twice or very many reference links) at the line where the whole body passes it.
fn too_dense(
    page: &Page,
    markdown: &str,
    over: &OverBudget,
    unsplit: pieces::Unsplit,
) -> Diagnostic {
    let limit = format!(
        "the limit of {} for a file of its size (one for every {BYTES_PER_ELEMENT} bytes, at least {})",
        thousands(over.budget),
        thousands(MIN_ELEMENT_BUDGET)
    );
    let (line, message) = match unsplit {
        pieces::Unsplit::DenseBlock { offset } => {
            let blank = markdown[offset..].len() - markdown[offset..].trim_start().len();
            let before = &markdown[..offset + blank];
            (
                before.matches('\n').count() + 1,
                format!(
                    "this block is too dense to parse: one block of a file this size may make at most {} Markdown elements (a line or a punctuation mark each; one for every {BYTES_PER_ELEMENT} bytes, at least {}), and one line half that; split it, or link large data as a file",
                    thousands(over.budget),
                    thousands(MIN_ELEMENT_BUDGET)
                ),
            )
        }
        pieces::Unsplit::Whole => (
            over.line,
            format!(
                "this body is too dense to parse: it makes about {} Markdown elements (a line or a punctuation mark each), and this line passes {limit}; with footnotes, a definition list, a link label defined twice or very many reference links it cannot be parsed in pieces: split it into several pages, or link large data as a file",
                thousands(over.elements)
            ),
        ),
    };
    page.error(page.body_line + line - 1, 1, message)
}

/// A page's declared fields, shown above its body: each `page`/`pages` reference is checked
/// like a link and counted as one (backlinks), and `text` fields get term links.
fn link_declared_fields(
    ctx: &BodyContext<'_>,
    terms: &mut PageTermLinks<'_>,
    result: &mut RenderedBody,
) {
    use crate::config::FieldType;
    let page = &ctx.pages[ctx.page_id];
    let Some(fields) = &page.fields else { return };
    let pos = crate::content::positions::FrontMatterPositions::new(page);
    for (name, value) in &fields.values {
        let spec = &fields.spec[name];
        match spec.ty {
            FieldType::Text => {
                if let crate::content::declared::FieldValue::Text(text) = value {
                    let html = terms.link_markdown(page, text, &mut result.links);
                    result.fields_html.push((name.clone(), html));
                }
            }
            FieldType::Page | FieldType::Pages => {
                for reference in value.references() {
                    let (line, column) = pos.in_key(name, reference);
                    let problem = match ctx.index.resolve_name(reference) {
                        Resolution::Found(target) => match &spec.kind {
                            Some(k) if ctx.pages[target].kind.name() != k => Some(format!(
                                "field `{name}` takes {k} pages; `{reference}` is a {}",
                                ctx.pages[target].kind.label().0
                            )),
                            _ => {
                                result.links.push(OutgoingLink {
                                    target,
                                    anchor: None,
                                    line,
                                    column,
                                    automatic: false,
                                });
                                None
                            }
                        },
                        Resolution::Missing { suggestion } => Some(format!(
                            "field `{name}` names a missing page `{reference}`{}",
                            suggestion
                                .map(|s| format!("; did you mean `{s}`?"))
                                .unwrap_or_default()
                        )),
                        Resolution::Ambiguous(_) => Some(format!(
                            "field `{name}`: `{reference}` matches several pages; write it as `folder/slug`"
                        )),
                    };
                    if let Some(message) = problem {
                        result.problem(page, line, column, message, false);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a wikilink's target is written as its slug or path (`architect-onboarding`,
/// `paths/architect-onboarding`) rather than a name: then the link shows the page's title.
fn written_as_slug(dest: &str, target: &Page) -> bool {
    let path = dest.split('#').next().unwrap_or_default();
    !path.is_empty()
        && !path.chars().any(char::is_whitespace)
        && !path.eq_ignore_ascii_case(&target.meta.title)
        && target.url.trim_end_matches('/').ends_with(path)
}

/// The deepest block quotes and lists may nest. CommonMark sets no limit, but
/// pulldown-cmark builds a tree of the whole body first, so a line of a million `>` costs
/// about 100 MB before the first event; markdown-it stops at the same depth.
pub const MAX_NESTING: usize = 100;

/// Where (line and column, 1-based, within `markdown`) a line opens its block quote or list
/// marker number [`MAX_NESTING`] + 1, outside fenced code; `None` when none does.
fn nested_too_deep(markdown: &str) -> Option<(usize, usize)> {
    let mut fence: Option<&str> = None;
    for (n, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let mut rest = line;
        for depth in 0.. {
            rest = rest.trim_start_matches([' ', '\t']);
            let marker = container_marker(rest);
            if marker == 0 {
                break;
            }
            if depth == MAX_NESTING {
                return Some((n + 1, line.len() - rest.len() + 1));
            }
            rest = &rest[marker..];
        }
    }
    None
}

/// The fewest elements (see [`too_many_elements`]) a body is parsed whole with, and one
/// block of a body parsed in pieces may make. pulldown-cmark holds its tree of what it
/// parses, about two 48-byte nodes an element, until that is written: this much is under
/// 100 MB.
pub const MIN_ELEMENT_BUDGET: usize = 500_000;

/// A body is parsed whole with one element for every this many bytes, when that is more
/// than [`MIN_ELEMENT_BUDGET`]: the parser's tree then stays within 16 times the file. Written
/// pages make one for every 18 bytes (the median of the bundled content and docs), the
/// densest (a README of tables and code) one for every 7.
pub const BYTES_PER_ELEMENT: usize = 6;

/// Where a body passes its element budget.
#[derive(Debug, PartialEq, Eq)]
struct OverBudget {
    /// Line (1-based, within the body) where the count passes the budget.
    line: usize,
    elements: usize,
    budget: usize,
}

/// Whether parsing `markdown` would need more tree nodes than its budget, counted cheaply
/// before parsing as elements: a line that is not blank, or an ASCII punctuation mark. Every
/// block and inline marker pulldown-cmark makes a node for is a punctuation mark, and the
/// text after it makes at most one more. Code counts too, so that no marker can hide what
/// follows it. A body too short to pass even if every byte counted is not scanned: the
/// usual page costs nothing here.
fn too_many_elements(markdown: &str) -> Option<OverBudget> {
    let budget = MIN_ELEMENT_BUDGET.max(markdown.len() / BYTES_PER_ELEMENT);
    if markdown.len() <= budget {
        return None;
    }
    let mut elements = 0;
    for (n, line) in markdown.lines().enumerate() {
        elements += line_elements(line);
        if elements > budget {
            let rest: usize = markdown.lines().skip(n + 1).map(line_elements).sum();
            return Some(OverBudget {
                line: n + 1,
                elements: elements + rest,
                budget,
            });
        }
    }
    None
}

/// The elements of one line: itself unless blank, and its punctuation marks.
fn line_elements(line: &str) -> usize {
    let bytes = line.as_bytes();
    let punctuation = bytes.iter().filter(|b| b.is_ascii_punctuation()).count();
    punctuation + usize::from(bytes.iter().any(|b| !b.is_ascii_whitespace()))
}

/// The length of the block quote (`>`) or list marker (`-`, `*`, `+`, `1.`, `1)`, then a
/// space or the line's end) `text` starts with, or 0.
fn container_marker(text: &str) -> usize {
    let bytes = text.as_bytes();
    let spaced = |at: usize| bytes.get(at).is_none_or(|b| *b == b' ' || *b == b'\t');
    match bytes.first() {
        Some(b'>') => 1,
        Some(b'-' | b'*' | b'+') if spaced(1) => 1,
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            let closed = matches!(bytes.get(digits), Some(b'.' | b')'));
            if digits <= 9 && closed && spaced(digits + 1) {
                digits + 1
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// A link or image whose target runs script (`javascript:`, `vbscript:`, `data:text/html`)
/// is an error at its position, even with `--warn-links`: a knowledge base never needs one,
/// and a page that carries one attacks its readers. The target is not written either.
fn refuse_script_url(
    page: &Page,
    dest: &str,
    line: usize,
    column: usize,
    result: &mut RenderedBody,
) -> bool {
    let Some(scheme) = crate::links::script_url_scheme(dest) else {
        return false;
    };
    result.problem(
        page,
        line,
        column,
        format!("`{scheme}` link target `{dest}`: a link that runs script is not allowed"),
        true,
    );
    true
}

fn resolve_link(
    ctx: &BodyContext<'_>,
    root: &str,
    link_type: LinkType,
    dest: &str,
    line: usize,
    column: usize,
    result: &mut RenderedBody,
) -> Option<String> {
    let page = &ctx.pages[ctx.page_id];
    let written = WrittenLink::parse(dest);
    let wiki = matches!(link_type, LinkType::WikiLink { .. });
    let Some(resolution) = ctx
        .index
        .resolve_written(ctx.pages, ctx.page_id, wiki, &written)
    else {
        // A link to a file (`raw/errors.csv`), checked and copied like an image; any other
        // address is checked for a malformed URL (`local_file` does that first too).
        if is_file_link(dest) {
            return local_file(ctx, root, dest, line, column, result, false).map(|f| f.href);
        }
        report_malformed_url(page, dest, line, column, result);
        return None;
    };
    match resolution {
        Resolution::Found(target) => {
            result.links.push(OutgoingLink {
                target,
                anchor: written.anchor.map(str::to_string),
                line,
                column,
                automatic: false,
            });
            Some(link_href(
                root,
                ctx.pages,
                ctx.page_id,
                target,
                written.anchor,
            ))
        }
        Resolution::Missing { suggestion } => {
            let hint = suggestion
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let what = if wiki {
                "unresolved wikilink"
            } else {
                "link to a missing page"
            };
            result.problem(page, line, column, format!("{what} `{dest}`{hint}"), false);
            None
        }
        Resolution::Ambiguous(ids) => {
            let names: Vec<String> = ids
                .iter()
                .map(|&i| format!("`{}`", ctx.pages[i].reference()))
                .collect();
            result.problem(
                page,
                line,
                column,
                format!(
                    "ambiguous wikilink `{dest}`: it matches {}; write the page as `folder/slug`",
                    names.join(" and ")
                ),
                false,
            );
            None
        }
    }
}

/// Report `dest` at its position when it is a malformed URL (`http//x.org`); says whether it was.
fn report_malformed_url(
    page: &Page,
    dest: &str,
    line: usize,
    column: usize,
    result: &mut RenderedBody,
) -> bool {
    let Some(why) = crate::links::malformed_external_url(dest) else {
        return false;
    };
    let message = format!("malformed URL `{dest}`: {why}");
    result.problem(page, line, column, message, false);
    true
}

/// An image whose `<img>` is written at its end, once its alt text is known.
struct OpenImage {
    /// Index in the output of the placeholder the `<img>` replaces.
    placeholder: usize,
    src: String,
    title: String,
    size: Option<ImageSize>,
    line: usize,
    column: usize,
}

impl OpenImage {
    /// The `<img>`: with its size, so the page does not move when it loads, and loaded
    /// only when it nears the viewport.
    fn html(&self, alt: &str) -> String {
        let title = if self.title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{}\"", escape_attr(&self.title))
        };
        let size = self
            .size
            .map(|s| format!(" width=\"{}\" height=\"{}\"", s.width, s.height))
            .unwrap_or_default();
        format!(
            "<img src=\"{}\" alt=\"{}\"{title}{size} loading=\"lazy\" decoding=\"async\">",
            escape_attr(&self.src),
            escape_attr(alt.trim())
        )
    }
}

/// An image's alt text: the text of what was written between its brackets.
fn image_alt<'e>(events: impl Iterator<Item = Event<'e>>) -> String {
    let mut alt = String::new();
    for event in events {
        match event {
            // As pulldown-cmark writes alt text: raw HTML as text (escaped with the rest).
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => {
                alt.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt.replace('\n', " ")
}

/// A file of the content folder that an image or a link names, as the page reaches it.
struct LocalFile {
    href: String,
    size: Option<ImageSize>,
}

/// A written address that names a file by a relative path (`timeline.png`,
/// `../shared/runbook.pdf`): no scheme, not from the site root, not a bare `#anchor`.
fn is_relative_path(dest: &str) -> bool {
    let has_scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    !dest.is_empty() && !has_scheme && !dest.starts_with(['/', '#', '?', '\\'])
}

/// A link (not an image) to a file rather than a page: a relative path whose last segment
/// has an extension other than a page's (`.html`, and `.md`, which links resolve as pages).
fn is_file_link(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    is_relative_path(dest)
        && name.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && !["html", "htm"].contains(&ext.to_ascii_lowercase().as_str())
        })
}

/// The file a relative image or file link names, resolved from the page's own folder (as an
/// editor or GitHub resolves it): recorded so that the output copies it next to the page,
/// and addressed relative to the page. A missing file is an error at the reference, as a
/// missing page is. `None` when `dest` names no file of the content folder.
fn local_file(
    ctx: &BodyContext<'_>,
    root: &str,
    dest: &str,
    line: usize,
    column: usize,
    result: &mut RenderedBody,
    image: bool,
) -> Option<LocalFile> {
    let page = &ctx.pages[ctx.page_id];
    // `http//example.com/a.png` reads as a relative path: say what is wrong with it.
    if report_malformed_url(page, dest, line, column, result) || !is_relative_path(dest) {
        return None;
    }
    let split = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(split);
    let what = if image { "image" } else { "file" };
    let (rel, escaped) = join_relative(&page.rel_path, &percent_decode(path));
    if escaped {
        let message = format!(
            "{what} `{dest}` is outside the content folder: keep the files pages show inside it"
        );
        result.problem(page, line, column, message, false);
        return None;
    }
    let Some(asset) = ctx.assets.get(&rel) else {
        result.files.push(FileUse {
            source: rel.clone(),
            output: None,
            fingerprint: None,
        });
        let hint = ctx
            .assets
            .nearest(&rel)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        let message = format!(
            "missing {what} `{dest}`: there is no `{rel}` in the content folder (paths are relative to this file){hint}"
        );
        result.problem(page, line, column, message, false);
        return None;
    };
    let output = output_path(page, &rel);
    let href = match output.strip_prefix(page.url.as_str()) {
        Some(below) => percent_encode_path(below),
        None => format!("{root}{}", percent_encode_path(&output)),
    };
    result.files.push(FileUse {
        source: rel,
        output: Some(output),
        fingerprint: Some(asset.fingerprint),
    });
    Some(LocalFile {
        href: format!("{href}{suffix}"),
        size: if image { asset.image_size() } else { None },
    })
}

fn alert_kind(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// A Mermaid diagram's source, shown as text until the theme's script draws it (and as text
/// for readers without JavaScript).
fn diagram_html(source: &str) -> String {
    format!("<pre class=\"mermaid\">{}</pre>\n", escape_html(source))
}

fn code_block_html(lang: &str, code: &str) -> String {
    let inner = if lang.is_empty() {
        None
    } else {
        highlight_code(lang, code)
    };
    let lang_attr = if lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape_attr(lang))
    };
    let class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape_attr(lang))
    };
    let inner = inner.unwrap_or_else(|| escape_html(code));
    format!("<pre class=\"code\"{lang_attr} tabindex=\"0\"><code{class}>{inner}</code></pre>\n")
}

/// The id of a heading: its text as a slug, e.g. "Why it matters" → `why-it-matters`.
pub fn heading_id(text: &str) -> String {
    let s = crate::content::slugify(text);
    if s.is_empty() { "section".into() } else { s }
}

fn unique_id(base: String, counts: &mut std::collections::HashMap<String, usize>) -> String {
    let n = counts.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base
    } else {
        format!("{base}-{}", *n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{DiscoverOptions, parse_page};
    use crate::diagnostics::line_col;

    fn pages() -> Vec<Page> {
        let p = |rel: &str, fm: &str, body: &str| {
            parse_page(
                format!("content/{rel}").into(),
                rel.into(),
                format!("---\n{fm}\n---\n{body}"),
                DiscoverOptions::default(),
            )
            .unwrap()
            .unwrap()
        };
        vec![
            p(
                "glossary/runbook.md",
                "title: Runbook\nsummary: s",
                "## When to write one\n",
            ),
            p("postmortems/db.md", "title: DB", ""),
        ]
    }

    fn render(md: &str) -> RenderedBody {
        let pages = pages();
        let index = SiteIndex::new(&pages);
        let (terms, _) = TermLinker::new(&pages, AutolinkMode::First);
        render_body(
            &BodyContext {
                page_id: 1,
                pages: &pages,
                index: &index,
                terms: &terms,
                assets: &AssetIndex::default(),
            },
            md,
            &NoHooks,
        )
    }

    #[test]
    fn mermaid_blocks_are_diagram_sources_not_highlighted_code() {
        let r = render("Flow:\n\n```mermaid\ngraph TD\n  A[Deploy] --> B{Errors > 1%?}\n```\n");
        assert!(r.diagrams);
        assert!(
            r.html().contains(
                "<pre class=\"mermaid\">graph TD\n  A[Deploy] --&gt; B{Errors &gt; 1%?}\n</pre>"
            ),
            "{}",
            r.html()
        );
        assert!(!render("```yaml\na: 1\n```\n").diagrams);
    }

    #[test]
    fn hooks_cut_paragraph_ends_out_of_search_text() {
        /// Cuts a trailing ` {...}` as the training kind cuts technique tags.
        struct CutTags;
        impl BodyHooks for CutTags {
            fn searchable_len(&self, _: &Page, text: &str) -> usize {
                text.rfind(" {").unwrap_or(text.len())
            }
        }
        let mut pages = pages();
        pages.push(
            parse_page(
                "content/scripts/s.md".into(),
                "scripts/s.md".into(),
                "---\ntitle: S\n---\n## A {minutes=1}\n\nYou: Hold the who. {technique=redirect-blame}\n\nCTO: Fine.\n".into(),
                DiscoverOptions::default(),
            )
            .unwrap()
            .unwrap(),
        );
        let index = SiteIndex::new(&pages);
        let (terms, _) = TermLinker::new(&pages, AutolinkMode::First);
        let ctx = BodyContext {
            page_id: 2,
            pages: &pages,
            index: &index,
            terms: &terms,
            assets: &AssetIndex::default(),
        };
        let r = render_body(&ctx, pages[2].body(), &CutTags);
        let text: String = r.sections.iter().map(|s| s.text.as_str()).collect();
        assert!(text.contains("You: Hold the who."), "{text}");
        assert!(!text.contains("technique"), "{text}");
        assert!(text.contains("CTO: Fine."), "{text}");
    }

    #[test]
    fn raw_html_depth_counts_no_link_elements_only() {
        assert_eq!(no_link_depth_change("<kbd>"), 1);
        assert_eq!(no_link_depth_change("</kbd>"), -1);
        assert_eq!(no_link_depth_change("<a href=\"x\">y</a>"), 0);
        assert_eq!(no_link_depth_change("<span class=\"x\">"), 0);
        assert_eq!(no_link_depth_change("<br/><code/>"), 0);
        assert_eq!(no_link_depth_change("<!-- <a> --><CODE>"), 1);
    }

    #[test]
    fn line_index_matches_line_col() {
        let text = "ab\ncé\n\nxyz";
        let idx = LineIndex::new(text, 5);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let (l, c) = line_col(text, offset);
            assert_eq!(idx.position(offset), (l + 4, c), "offset {offset}");
        }
    }

    #[test]
    fn headings_get_ids_anchors_and_toc() {
        let r = render("## Why it matters\n\n### Why it matters\n\n## Custom {#mine}\n");
        assert!(r.html().contains("<h2 id=\"why-it-matters\">Why it matters<a class=\"heading-anchor\" href=\"#why-it-matters\""), "{}", r.html());
        assert!(r.html().contains("<h3 id=\"why-it-matters-1\">"));
        assert!(r.html().contains("<h2 id=\"mine\">"));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.anchors, ["why-it-matters", "why-it-matters-1", "mine"]);
    }

    #[test]
    fn links_rewritten_and_recorded() {
        let r = render(
            "See [it](../glossary/runbook.md#when-to-write-one), [[Runbook]] and [[runbook|the book]].\n",
        );
        assert!(
            r.html()
                .contains("href=\"../../glossary/runbook/#when-to-write-one\""),
            "{}",
            r.html()
        );
        assert!(r.html().contains(">the book</a>"));
        assert_eq!(r.links.len(), 3);
        assert_eq!(r.links[0].anchor.as_deref(), Some("when-to-write-one"));
        assert_eq!((r.links[0].line, r.links[0].column), (4, 5));
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn wikilinks_by_slug_show_the_page_title() {
        let r = render(
            "By path [[glossary/runbook]], by name [[runbook]], piped [[glossary/runbook|here]].\n",
        );
        let html = r.html();
        assert!(
            html.contains("By path <a class=t href=\"../../glossary/runbook/\">Runbook</a>"),
            "{html}"
        );
        assert!(html.contains(">runbook</a>"), "{html}");
        assert!(html.contains(">here</a>"), "{html}");
        assert!(!html.contains(">glossary/runbook<"), "{html}");
    }

    #[test]
    fn broken_links_are_errors_with_position() {
        let r = render("Intro\n\nSee [[Runbok]] and [x](nope.md).\n");
        assert_eq!(r.diagnostics.len(), 2);
        assert_eq!((r.diagnostics[0].line, r.diagnostics[0].column), (6, 5));
        assert!(
            r.diagnostics[0].message.contains("did you mean `runbook`"),
            "{}",
            r.diagnostics[0].message
        );
    }

    #[test]
    fn code_is_highlighted_and_alerts_rendered() {
        let r = render("```yaml\nkey: value\n```\n\n> [!WARNING]\n> Careful.\n");
        assert!(r.html().contains("<pre class=\"code\" data-lang=\"yaml\""));
        assert!(r.html().contains("<span class=\"h"));
        assert!(r.html().contains("alert-warning"));
    }

    #[test]
    fn extensions_enabled() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ \"quoted\"\n\nTerm\n: Definition\n\nNote[^1]\n\n[^1]: Foot.\n",
        );
        for needle in [
            "<table>",
            "table-wrap",
            "checkbox",
            "<del>",
            "\u{201c}",
            "<dl>",
            "footnote",
        ] {
            assert!(
                r.html().contains(needle),
                "{needle} missing in {}",
                r.html()
            );
        }
    }

    #[test]
    fn images_load_lazily_and_one_without_alt_text_is_a_warning() {
        let r = render(
            "![A *chart*](https://example.com/c.png \"T\")\n\n![](https://example.com/d.png)\n",
        );
        assert!(
            r.html().contains("<img src=\"https://example.com/c.png\" alt=\"A chart\" title=\"T\" loading=\"lazy\" decoding=\"async\">"),
            "{}",
            r.html()
        );
        assert_eq!(r.warnings.len(), 1);
        assert_eq!((r.warnings[0].line, r.warnings[0].column), (6, 1));
        assert!(r.warnings[0].message.contains("no alt text"));
        assert!(r.diagnostics.is_empty() && r.files.is_empty());
    }

    #[test]
    fn a_missing_local_image_or_file_is_a_problem_at_its_position() {
        let r = render(
            "Text\n\n![A](img/nope.png) and [data](d.csv#x), not [page](../x/) or [s](/s.pdf).\n",
        );
        let at: Vec<_> = r.diagnostics.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, [(6, 1), (6, 24)], "{:?}", r.diagnostics);
        assert!(
            r.diagnostics[0].message.starts_with(
                "missing image `img/nope.png`: there is no `postmortems/img/nope.png`"
            )
        );
        assert!(
            r.diagnostics[1]
                .message
                .starts_with("missing file `d.csv#x`")
        );
        assert_eq!(r.files.len(), 2);
        assert!(
            r.files
                .iter()
                .all(|f| f.output.is_none() && f.fingerprint.is_none())
        );
        let r = render("![Chart](http//example.com/c.png) [x](mailto:nobody)\n");
        let messages: Vec<_> = r.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "malformed URL `http//example.com/c.png`: `:` is missing after `http`",
                "malformed URL `mailto:nobody`: `nobody` is not an email address"
            ]
        );
    }

    #[test]
    fn nesting_past_the_limit_is_found_outside_code() {
        let ok = format!("{}x\n- - 1. item\n", "> ".repeat(MAX_NESTING));
        assert_eq!(nested_too_deep(&ok), None);
        let deep = format!("Intro\n\n{}x\n", "> ".repeat(MAX_NESTING + 5));
        assert_eq!(nested_too_deep(&deep), Some((3, 2 * MAX_NESTING + 1)));
        let lists = format!("{}x\n", "- ".repeat(MAX_NESTING + 1));
        assert_eq!(nested_too_deep(&lists), Some((1, 2 * MAX_NESTING + 1)));
        let fenced = format!("```\n{}\n```\n", ">".repeat(500));
        assert_eq!(nested_too_deep(&fenced), None);
        // Not markers: `-x`, `1.5`, `**`.
        assert_eq!(nested_too_deep(&"-x 1.5 ** ".repeat(200)), None);
    }

    #[test]
    fn bodies_past_the_element_budget_are_parsed_in_pieces_or_refused_at_the_dense_block() {
        // A table of one-letter cells: an element for every two bytes, just past the budget.
        let row = format!("|{}\n", "a|".repeat(50));
        let rows = MIN_ELEMENT_BUDGET / 50;
        let table = format!(
            "Intro\n\n|{}\n|{}\n{}",
            "h|".repeat(50),
            "-|".repeat(50),
            row.repeat(rows)
        );
        let over = too_many_elements(&table).expect("past the budget");
        assert_eq!(over.budget, MIN_ELEMENT_BUDGET);
        assert!(over.elements > MIN_ELEMENT_BUDGET, "{over:?}");
        // Intro 1, header 52 (51 `|` and the line), delimiter 102 (`|` and `-`), a row 52.
        assert_eq!(over.line, 4 + (MIN_ELEMENT_BUDGET - 155) / 52 + 1);
        // Built a few thousand rows at a time, as one table.
        let r = render(&table);
        assert!(r.refused.is_empty(), "{:?}", r.refused);
        let html = r.html();
        assert_eq!(html.matches("<table>").count(), 1);
        assert_eq!(html.matches("<tr>").count(), rows + 1);
    }

    #[test]
    fn a_block_past_the_element_budget_is_refused_at_its_first_line() {
        // One paragraph as dense as the table above is refused at its first line; with a
        // footnote, the body is parsed whole and refused where it passes the budget.
        let lines = format!("Intro\n\n{}", "a\n".repeat(MIN_ELEMENT_BUDGET));
        let r = render(&lines);
        assert_eq!(r.refused.len(), 1);
        assert_eq!(r.refused[0].line, 3 + 3);
        let message = &r.refused[0].message;
        assert!(message.starts_with("this block is too dense"), "{message}");
        assert!(r.html().is_empty());
        let noted = format!(
            "Intro[^1]\n\n[^1]: Note.\n\n{}",
            "a\n".repeat(MIN_ELEMENT_BUDGET)
        );
        let r = render(&noted);
        let over = too_many_elements(&noted).expect("past the budget");
        assert_eq!(r.refused[0].line, 3 + over.line);
        let message = &r.refused[0].message;
        assert!(message.starts_with("this body is too dense"), "{message}");
        // The same bulk of prose is well within the budget, and is not scanned when short.
        let prose = "An incident review names causes, not culprits.\n\n".repeat(25_000);
        assert!(prose.len() > MIN_ELEMENT_BUDGET);
        assert_eq!(too_many_elements(&prose), None);
        assert_eq!(too_many_elements(&"[".repeat(MIN_ELEMENT_BUDGET)), None);
        assert!(too_many_elements(&"[".repeat(MIN_ELEMENT_BUDGET + 1)).is_some());
    }

    #[test]
    fn file_links_are_relative_paths_with_a_file_extension() {
        for yes in [
            "data.csv",
            "../shared/run book.pdf",
            "a/b.tar.gz#part",
            "x.PNG?v=2",
        ] {
            assert!(is_file_link(yes), "{yes}");
        }
        for no in [
            "https://x.org/a.pdf",
            "/static/a.pdf",
            "../glossary/",
            "page.html",
            "#anchor",
            "mailto:a@b.c",
            ".hidden",
            "folder",
        ] {
            assert!(!is_file_link(no), "{no}");
        }
    }

    #[test]
    fn sections_collect_text_for_search() {
        let r = render("Intro text.\n\n## Steps\n\nDo `this` first.\n");
        assert_eq!(r.sections.len(), 2);
        assert_eq!(r.sections[1].heading, "Steps");
        assert!(r.sections[1].text.contains("Do this first."));
    }
}
