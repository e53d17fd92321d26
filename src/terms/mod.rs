//! Glossary terms linked wherever they are mentioned. `TermLinker` is built once per build:
//! one leftmost-longest Aho-Corasick automaton over the folded title, aliases, plural and
//! possessive of every term, so finding every mention in a text run is one pass over it,
//! whatever the number of terms. Rendering decides where linking is allowed
//! (see `markdown::render_body`); this module finds mentions and writes the link markup.

pub mod fold;

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use indexmap::IndexMap;

use crate::config::AutolinkMode;
use crate::content::{Page, PageId};
use crate::diagnostics::Diagnostic;
use crate::escape::{css_string, escape_attr};
use crate::links::OutgoingLink;
use fold::{Folded, fold_name};

/// A mention of a term in a text run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMention {
    /// Byte range in the text run as given.
    pub range: Range<usize>,
    pub term: PageId,
}

/// Finds glossary terms in text.
pub struct TermLinker {
    pub mode: AutolinkMode,
    automaton: Option<AhoCorasick>,
    /// The term page of each automaton pattern.
    pattern_term: Vec<PageId>,
    /// Per page id, for terms: the term's URL, escaped once per build rather than per link.
    term_links: Vec<Option<String>>,
}

/// How a name came to point at a term; exact names win over derived forms.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameSource {
    Title,
    Alias,
    Inflection,
}

impl TermLinker {
    /// Build the automaton over every glossary term. Also reports a name (title or alias)
    /// claimed by two terms, which would make both links and wikilinks ambiguous.
    pub fn new(pages: &[Page], mode: AutolinkMode) -> (TermLinker, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut names: IndexMap<String, (PageId, NameSource)> = IndexMap::new();
        let mut inflected: Vec<(String, PageId)> = Vec::new();
        for (id, page) in pages.iter().enumerate() {
            let Some(term) = page.glossary() else {
                continue;
            };
            let written = std::iter::once((page.meta.title.as_str(), NameSource::Title))
                .chain(term.aliases.iter().map(|a| (a.as_str(), NameSource::Alias)));
            for (name, source) in written {
                // A name without a letter or digit would match punctuation everywhere.
                if !name.chars().any(fold::is_word_char) {
                    continue;
                }
                let key = fold_name(name);
                match names.get(&key) {
                    Some(&(other, other_source)) if other != id => {
                        diags.push(claimed_twice(
                            page,
                            name,
                            source,
                            &pages[other],
                            other_source,
                        ));
                    }
                    Some(_) => {}
                    None => {
                        names.insert(key, (id, source));
                    }
                }
                inflected.extend(inflections(name).into_iter().map(|f| (f, id)));
            }
        }
        for (form, id) in inflected {
            let key = fold_name(&form);
            names.entry(key).or_insert((id, NameSource::Inflection));
        }
        let mut linker = TermLinker {
            mode,
            automaton: None,
            pattern_term: names.values().map(|&(id, _)| id).collect(),
            term_links: pages
                .iter()
                .map(|p| p.glossary().map(|_| escape_attr(&p.url)))
                .collect(),
        };
        if mode != AutolinkMode::Off && !names.is_empty() {
            match AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                // Every folded name starts with the word-boundary byte, which the prefilter
                // would look for: it occurs at every word, so the prefilter only adds work
                // (dense 10,000-page `check`: user CPU 6.87 → 6.76 s, three interleaved pairs).
                .prefilter(false)
                .build(names.keys())
            {
                Ok(ac) => linker.automaton = Some(ac),
                Err(e) => diags.push(Diagnostic::error(
                    "book.toml",
                    0,
                    0,
                    format!("cannot build the glossary term matcher: {e}"),
                )),
            }
        }
        (linker, diags)
    }

    /// Whether automatic links are made on this page at all.
    pub fn enabled_for(&self, page: &Page) -> bool {
        self.automaton.is_some() && page.meta.autolink
    }

    /// Append an automatic link to `term` around `text` (unescaped): the same markup as
    /// [`term_link_open`], the text, then `</a>`.
    pub fn push_link(&self, html: &mut String, root: &str, term: PageId, text: &str) {
        let Some(Some(url)) = self.term_links.get(term) else {
            crate::escape::escape_html_into(html, text);
            return;
        };
        html.push_str(TERM_LINK_START);
        html.push_str(root);
        html.push_str(url);
        html.push_str("\">");
        crate::escape::escape_html_into(html, text);
        html.push_str("</a>");
    }

    /// Every term mention in `text`, left to right, longest first at each position,
    /// non-overlapping. `folded` is a scratch buffer reused between calls.
    pub fn mentions(&self, text: &str, folded: &mut Folded, out: &mut Vec<TermMention>) {
        let Some(ac) = &self.automaton else { return };
        folded.fold(text);
        for m in ac.find_iter(folded.text.as_slice()) {
            out.push(TermMention {
                range: folded.original(m.start(), m.end()),
                term: self.pattern_term[m.pattern().as_usize()],
            });
        }
    }
}

/// The glossary terms a page links to (automatically or not), each once, in glossary
/// order (by file name).
pub fn terms_used(pages: &[Page], page: PageId, links: &[OutgoingLink]) -> Vec<PageId> {
    let mut terms: Vec<PageId> = links
        .iter()
        .map(|l| l.target)
        .filter(|&t| t != page && pages[t].glossary().is_some())
        .collect();
    terms.sort_unstable();
    terms.dedup();
    terms
}

fn claimed_twice(
    page: &Page,
    name: &str,
    source: NameSource,
    other: &Page,
    other_source: NameSource,
) -> Diagnostic {
    let role = |s: NameSource| match s {
        NameSource::Title => "the title",
        _ => "an alias",
    };
    let (line, col) = crate::content::positions::locate_in_front_matter(page, name);
    page.error(
        line,
        col,
        format!(
            "`{name}` is {} of {} and {} of {}: a name can belong to one term only",
            role(source),
            page.source_path.display(),
            role(other_source),
            other.source_path.display()
        ),
    )
}

/// Simple English plural and possessive of a name: "runbook" → "runbooks", "runbook's";
/// "policy" → "policies"; "patch" → "patches". Possessives of plurals ("runbooks'") need no
/// form of their own: the apostrophe is already a word boundary.
fn inflections(name: &str) -> Vec<String> {
    let name = name.trim();
    let Some(last) = name.chars().last() else {
        return Vec::new();
    };
    if !last.is_alphabetic() {
        return Vec::new();
    }
    let lower = name.to_lowercase();
    let before_last = lower.chars().rev().nth(1);
    let plural = if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        format!("{name}es")
    } else if lower.ends_with('y') && before_last.is_some_and(|c| !"aeiou".contains(c)) {
        format!("{}ies", &name[..name.len() - 1])
    } else {
        format!("{name}s")
    };
    vec![plural, format!("{name}'s")]
}

/// How every link to a term starts. A term link is nothing but a link with the class `t`:
/// its tooltip is the link's own generated content (terms.css), and what the tooltip says
/// comes from [`tips_stylesheet`], selected by the link's address. A densely linked page has
/// ~90 of these, so every byte here is ~90 bytes a page.
const TERM_LINK_START: &str = "<a class=t href=\"";

/// Where the definitions' stylesheet is written, at the site root.
pub const TIPS_STYLESHEET: &str = "term-tips.css";

/// What every term's tooltip says, once for the whole site rather than once on every page
/// that mentions the term (about 13 KB a page on a densely linked site): for each term, a
/// rule giving the links to it the term's name (`--term-name`: a link's text may be an
/// alias or an inflection) and one-line summary (`--term-summary`), which terms.css shows
/// as the link's tooltip.
///
/// A rule selects the term links whose address contains the term's URL. A link's address
/// is the way up to the site root (`../`, or nothing), the URL, then maybe `#anchor`, so
/// another term's rule matches it only if that term's URL is a shorter part of this one
/// (`glossary/a/` of `glossary/a/b/`): rules go shortest URL first, so the term's own rule
/// comes last and wins. Adding, removing or renaming a term changes its own rule
/// and no page but those that link to it.
pub fn tips_stylesheet(pages: &[Page]) -> String {
    use std::fmt::Write;
    let mut terms: Vec<&Page> = pages.iter().filter(|p| p.glossary().is_some()).collect();
    terms.sort_by_key(|p| p.url.len());
    let mut css = String::from("/* Glossary term tooltips: each term's name and summary. */\n");
    for page in terms {
        let summary = page.meta.summary.as_deref().unwrap_or_default();
        let _ = writeln!(
            css,
            ".t[href*={}]{{--term-name:{};--term-summary:{}}}",
            css_string(&page.url),
            css_string(&page.meta.title),
            css_string(summary)
        );
    }
    css
}

/// The opening markup of a written link to a term (which gets the term's tooltip too).
/// `title` is a Markdown link title, if any. Closed by a plain `</a>`.
pub fn term_link_open(href: &str, title: Option<&str>) -> String {
    let title = title
        .filter(|t| !t.is_empty())
        .map(|t| format!(" title=\"{}\"", escape_attr(t)))
        .unwrap_or_default();
    format!("{TERM_LINK_START}{}\"{title}>", escape_attr(href))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{DiscoverOptions, parse_page};

    fn term(slug: &str, fm: &str) -> Page {
        parse_page(
            format!("content/glossary/{slug}.md").into(),
            format!("glossary/{slug}.md"),
            format!("---\n{fm}\n---\n"),
            DiscoverOptions::default(),
        )
        .unwrap()
        .unwrap()
    }

    fn note() -> Page {
        parse_page(
            "content/notes/n.md".into(),
            "notes/n.md".into(),
            "---\ntitle: Note\n---\n".into(),
            DiscoverOptions::default(),
        )
        .unwrap()
        .unwrap()
    }

    #[test]
    fn a_term_link_is_a_classed_link_and_its_tooltip_is_selected_by_address() {
        let a = || term("alpha", "title: Alpha\nsummary: First \"letter\".");
        let b = || term("beta", "title: Beta\nsummary: Second.");
        let without = vec![a(), b()];
        let with = vec![a(), note(), b()];
        let mut html = String::new();
        linker(&with).push_link(&mut html, "../../", 2, "betas & co");
        assert_eq!(
            html,
            "<a class=t href=\"../../glossary/beta/\">betas &amp; co</a>"
        );
        let mut plain = String::new();
        linker(&with).push_link(&mut plain, "../../", 1, "a <note>");
        assert_eq!(
            plain, "a &lt;note&gt;",
            "a page that is no term gets no link"
        );
        // A page of another kind changes nothing in the stylesheet.
        assert_eq!(tips_stylesheet(&without), tips_stylesheet(&with));
        assert!(tips_stylesheet(&with).contains(
            ".t[href*=\"glossary/alpha/\"]{--term-name:\"Alpha\";--term-summary:\"First \\\"letter\\\".\"}"
        ));
        assert_eq!(
            term_link_open("../glossary/beta/", Some("Read \"this\"")),
            "<a class=t href=\"../glossary/beta/\" title=\"Read &quot;this&quot;\">"
        );
    }

    #[test]
    fn a_term_whose_address_contains_another_s_comes_after_it_so_its_rule_wins() {
        let long = term("a/b", "title: Long\nsummary: L.");
        let short = term("a", "title: Short\nsummary: S.");
        let css = tips_stylesheet(&[long, short]);
        let at = |url: &str| css.find(&format!("[href*=\"{url}\"]")).unwrap();
        assert!(at("glossary/a/") < at("glossary/a/b/"), "{css}");
    }

    fn linker(pages: &[Page]) -> TermLinker {
        let (l, diags) = TermLinker::new(pages, AutolinkMode::First);
        assert!(diags.is_empty(), "{diags:?}");
        l
    }

    fn found<'t>(l: &TermLinker, text: &'t str) -> Vec<(&'t str, PageId)> {
        let mut out = Vec::new();
        l.mentions(text, &mut Folded::default(), &mut out);
        out.into_iter().map(|m| (&text[m.range], m.term)).collect()
    }

    #[test]
    fn inflections_of_names() {
        assert_eq!(inflections("Runbook"), ["Runbooks", "Runbook's"]);
        assert_eq!(inflections("Policy")[0], "Policies");
        assert_eq!(inflections("Game Day")[0], "Game Days");
        assert_eq!(inflections("Patch")[0], "Patches");
        assert!(inflections("C++").is_empty());
    }

    #[test]
    fn longest_match_wins_on_word_boundaries() {
        let pages = vec![
            term(
                "mttr",
                "title: MTTR\nsummary: s\naliases: [Mean Time To Resolution]",
            ),
            term("resolution", "title: Resolution\nsummary: s"),
            term("slo", "title: SLO\nsummary: s"),
        ];
        let l = linker(&pages);
        assert_eq!(
            found(&l, "Our mean time to resolution fell; resolution matters."),
            [("mean time to resolution", 0), ("resolution", 1)]
        );
        assert_eq!(
            found(&l, "Two SLOs, the SLO’s owner, slower, isSLO."),
            [("SLOs", 2), ("SLO’s", 2)]
        );
    }

    #[test]
    fn unicode_words_and_case() {
        let pages = vec![
            term("uberwachung", "title: Überwachung\nsummary: s"),
            term("cafe", "title: Café\nsummary: s"),
        ];
        let l = linker(&pages);
        assert_eq!(
            found(&l, "ÜBERWACHUNG, Überwachungssystem, café, cafés, Cafébar"),
            [("ÜBERWACHUNG", 0), ("café", 1), ("cafés", 1)]
        );
    }

    #[test]
    fn a_name_claimed_by_two_terms_is_an_error() {
        let pages = vec![
            term("ic", "title: Incident Commander\nsummary: s\naliases: [IC]"),
            term(
                "ic2",
                "title: Integrated Circuit\nsummary: s\naliases: [ic]",
            ),
        ];
        let (_, diags) = TermLinker::new(&pages, AutolinkMode::First);
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        assert_eq!((d.line, d.column), (4, 11));
        assert!(
            d.message.contains("content/glossary/ic.md"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("content/glossary/ic2.md"),
            "{}",
            d.message
        );
    }

    #[test]
    fn names_without_letters_or_digits_are_not_matched() {
        let pages = vec![term("dash", "title: Dash\nsummary: s\naliases: [\"—\"]")];
        let l = linker(&pages);
        assert_eq!(found(&l, "a — b, dash"), [("dash", 0)]);
    }

    #[test]
    fn off_builds_no_automaton() {
        let pages = vec![term("slo", "title: SLO\nsummary: s")];
        let (l, _) = TermLinker::new(&pages, AutolinkMode::Off);
        assert!(!l.enabled_for(&pages[0]));
        assert!(found(&l, "SLO").is_empty());
    }
}
