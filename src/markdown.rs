//! Rendering a page body from Markdown to HTML: heading ids and self-links, a table of
//! contents, highlighted code, GFM alerts, and internal links resolved to output URLs.
//! It also collects what later stages need: outgoing links, anchors, and plain text
//! sections for the search index.

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd, html,
};
use serde::Serialize;

use crate::content::{Page, PageId};
use crate::diagnostics::{Diagnostic, line_col};
use crate::highlight::highlight_code;
use crate::links::{OutgoingLink, Resolution, SiteIndex};

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

#[derive(Debug, Default)]
pub struct RenderedBody {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub anchors: Vec<String>,
    pub links: Vec<OutgoingLink>,
    pub sections: Vec<TextSection>,
    pub diagnostics: Vec<Diagnostic>,
    /// Words in the body's text, counted once here rather than at every render.
    pub word_count: usize,
}

/// What rendering one body needs to know about the rest of the site.
pub struct BodyContext<'a> {
    pub page_id: PageId,
    pub pages: &'a [Page],
    pub index: &'a SiteIndex,
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

pub fn render_body(ctx: &BodyContext<'_>, markdown: &str) -> RenderedBody {
    let page = &ctx.pages[ctx.page_id];
    let root = crate::links::root_prefix(&page.url);
    let mut out: Vec<Event<'_>> = Vec::new();
    let mut result = RenderedBody::default();
    let mut heading: Option<OpenHeading> = None;
    let mut code: Option<(String, String)> = None;
    let mut section = TextSection::default();
    let mut id_counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let position = |offset: usize| {
        let (l, c) = line_col(markdown, offset);
        (l + page.body_line - 1, c)
    };

    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                out.push(Event::Html(CowStr::Borrowed("")));
                heading = Some(OpenHeading {
                    level,
                    explicit_id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    placeholder: out.len() - 1,
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(level)) => {
                let Some(h) = heading.take() else { continue };
                let title = h.text.trim().to_string();
                let base = h.explicit_id.clone().unwrap_or_else(|| heading_id(&title));
                let id = unique_id(base, &mut id_counts);
                let class = if h.classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape_attr(&h.classes.join(" ")))
                };
                out[h.placeholder] =
                    Event::Html(format!("<{level} id=\"{}\"{class}>", escape_attr(&id)).into());
                out.push(Event::Html(
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
                    result.sections.push(finished);
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
                    continue;
                };
                out.push(Event::Html(code_block_html(&lang, &text).into()));
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
                let (line, column) = position(range.start);
                let dest =
                    resolve_link(ctx, &root, link_type, &dest_url, line, column, &mut result);
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest.map_or(dest_url, CowStr::from),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = alert_kind(kind);
                out.push(Event::Html(
                    format!("<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{label}</p>\n").into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => out.push(Event::Html("</div>\n".into())),
            Event::Start(Tag::Table(a)) => {
                out.push(Event::Html("<div class=\"table-wrap\">".into()));
                out.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html("</div>\n".into()));
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(t);
                } else {
                    section.text.push_str(t);
                }
                out.push(event);
            }
            Event::SoftBreak | Event::HardBreak if heading.is_none() => {
                section.text.push(' ');
                out.push(event);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                section.text.push(' ');
                out.push(event);
            }
            other => out.push(other),
        }
    }
    if !section.text.trim().is_empty() {
        result.sections.push(section);
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html, out.into_iter());
    result.html = html;
    result.word_count = result
        .sections
        .iter()
        .map(|s| s.text.split_whitespace().count())
        .sum();
    result
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
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string()).filter(|a| !a.is_empty())),
        None => (dest, None),
    };
    let resolution = if matches!(link_type, LinkType::WikiLink { .. }) {
        if path.is_empty() {
            Resolution::Found(ctx.page_id)
        } else {
            ctx.index.resolve_name(path)
        }
    } else if path.is_empty() && anchor.is_some() {
        Resolution::Found(ctx.page_id)
    } else if is_local_markdown(path) {
        ctx.index.resolve_relative(&page.rel_path, path)
    } else {
        return None;
    };
    match resolution {
        Resolution::Found(target) => {
            result.links.push(OutgoingLink {
                target,
                anchor: anchor.clone(),
                line,
                column,
                automatic: false,
            });
            let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            if target == ctx.page_id && !fragment.is_empty() {
                Some(fragment)
            } else {
                Some(format!("{root}{}{fragment}", ctx.pages[target].url))
            }
        }
        Resolution::Missing { suggestion } => {
            let hint = suggestion
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let what = if matches!(link_type, LinkType::WikiLink { .. }) {
                "unresolved wikilink"
            } else {
                "link to a missing page"
            };
            result
                .diagnostics
                .push(page.error(line, column, format!("{what} `{dest}`{hint}")));
            None
        }
        Resolution::Ambiguous(ids) => {
            let names: Vec<String> = ids
                .iter()
                .map(|&i| format!("`{}`", ctx.pages[i].reference()))
                .collect();
            result.diagnostics.push(page.error(
                line,
                column,
                format!(
                    "ambiguous wikilink `{dest}`: it matches {}; write the page as `folder/slug`",
                    names.join(" and ")
                ),
            ));
            None
        }
    }
}

fn is_local_markdown(path: &str) -> bool {
    !path.contains("://")
        && !path.starts_with("mailto:")
        && (path.ends_with(".md") || path.ends_with(".markdown"))
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

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

pub fn escape_attr(s: &str) -> String {
    escape_html(s).replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{DiscoverOptions, parse_page};

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
        render_body(
            &BodyContext {
                page_id: 1,
                pages: &pages,
                index: &index,
            },
            md,
        )
    }

    #[test]
    fn headings_get_ids_anchors_and_toc() {
        let r = render("## Why it matters\n\n### Why it matters\n\n## Custom {#mine}\n");
        assert!(r.html.contains("<h2 id=\"why-it-matters\">Why it matters<a class=\"heading-anchor\" href=\"#why-it-matters\""), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"why-it-matters-1\">"));
        assert!(r.html.contains("<h2 id=\"mine\">"));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.anchors, ["why-it-matters", "why-it-matters-1", "mine"]);
    }

    #[test]
    fn links_rewritten_and_recorded() {
        let r = render(
            "See [it](../glossary/runbook.md#when-to-write-one), [[Runbook]] and [[runbook|the book]].\n",
        );
        assert!(
            r.html
                .contains("href=\"../../glossary/runbook/#when-to-write-one\""),
            "{}",
            r.html
        );
        assert!(r.html.contains(">the book</a>"));
        assert_eq!(r.links.len(), 3);
        assert_eq!(r.links[0].anchor.as_deref(), Some("when-to-write-one"));
        assert_eq!((r.links[0].line, r.links[0].column), (4, 5));
        assert!(r.diagnostics.is_empty());
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
        assert!(r.html.contains("<pre class=\"code\" data-lang=\"yaml\""));
        assert!(r.html.contains("hl-"));
        assert!(r.html.contains("alert-warning"));
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
            assert!(r.html.contains(needle), "{needle} missing in {}", r.html);
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
