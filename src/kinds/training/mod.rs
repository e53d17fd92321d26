//! Training: role-play scripts parsed into dialogues, guidelines with the script lines that
//! demonstrate each technique, learning paths, and flashcards and a quiz generated from the
//! glossary.
//!
//! Scripts, guidelines and learning paths are its three kinds of page: their front matter and
//! descriptions are in [`front_matter`], the text `hindsight new` writes for each in
//! `new-script.md`, `new-guideline.md` and `new-path.md`.
//!
//! It plugs in as one kind ([`kind::TrainingKind`]): [`Training::build`] runs once the
//! bodies are linked (it validates scripts and paths, so its errors are reported with every
//! other error of the build); rendering then asks it for each page's derived template
//! values, the generated pages and the card data file.

pub mod deck;
pub mod dialogue;
pub mod front_matter;
pub mod guideline;
pub mod kind;
pub mod paths;
pub mod script;

use std::collections::HashMap;

use pulldown_cmark::{Event, LinkType, Parser, Tag, html};
use rayon::prelude::*;
use serde::Serialize;

use crate::content::positions::FrontMatterPositions;
use crate::content::{Page, PageId};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::postmortems::front_matter::POSTMORTEM;
use crate::linking::LinkedSite;
use crate::links::{Resolution, SiteIndex, WrittenLink, link_href, root_prefix};
use front_matter::{GUIDELINE, SCRIPT, Script};
use script::{Block, ScriptRules, parse_script};

/// A technique declared by a guideline.
#[derive(Debug, Clone, Serialize)]
pub struct Technique {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub guideline: PageId,
}

impl Technique {
    /// The technique's anchor on its guideline page.
    pub fn anchor(&self) -> String {
        format!("technique-{}", self.id)
    }
}

/// Everything training pages need, computed once per build.
#[derive(Debug, Default)]
pub struct Training {
    pub techniques: HashMap<String, Technique>,
    scripts: HashMap<PageId, dialogue::ScriptView>,
    /// Lines demonstrating each technique, in script order.
    demos: HashMap<String, Vec<Demo>>,
    paths: HashMap<PageId, paths::PathView>,
    /// For each page that is a step of a path: where it sits in each path.
    steps: HashMap<PageId, Vec<paths::StepNav>>,
    /// Problems found building it, reported by every build that uses it.
    problems: Vec<Diagnostic>,
}

/// A script line that demonstrates a technique, as its guideline page quotes it.
#[derive(Debug, Clone, Serialize)]
pub struct Demo {
    #[serde(skip)]
    pub script: PageId,
    pub script_title: String,
    /// Site-relative URL of the line (`scripts/x/#opening-line-2`).
    pub url: String,
    pub phase: String,
    pub speaker: String,
    /// The line rendered for the guideline page (links relative to it).
    pub html: String,
}

/// What checking one script produced; scripts are checked in parallel, then merged.
struct CheckedScript {
    id: PageId,
    view: dialogue::ScriptView,
    demos: Vec<(String, Demo)>,
    diags: Vec<Diagnostic>,
}

/// The site's lookups a script is checked against.
struct ScriptContext<'a> {
    pages: &'a [Page],
    index: &'a SiteIndex,
    techniques: &'a HashMap<String, Technique>,
    technique_ids: std::collections::HashSet<&'a str>,
    postmortems: HashMap<&'a str, PageId>,
}

impl Training {
    /// Parse and check scripts, guidelines and paths; see [`Training::problems`].
    pub fn build(pages: &[Page], index: &SiteIndex) -> Training {
        let mut found = Diagnostics::default();
        let diags = &mut found;
        let techniques = guideline::collect_techniques(pages, diags);
        let ctx = ScriptContext {
            pages,
            index,
            techniques: &techniques,
            technique_ids: techniques.keys().map(String::as_str).collect(),
            postmortems: pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind.is(&POSTMORTEM))
                .map(|(id, p)| (p.slug.as_str(), id))
                .collect(),
        };
        let checked: Vec<CheckedScript> = (0..pages.len())
            .into_par_iter()
            .filter(|&id| pages[id].kind.is(&SCRIPT))
            .filter_map(|id| check_script(&ctx, id))
            .collect();
        let mut scripts = HashMap::new();
        let mut demos: HashMap<String, Vec<Demo>> = HashMap::new();
        for c in checked {
            diags.extend(c.diags);
            for (technique, demo) in c.demos {
                demos.entry(technique).or_default().push(demo);
            }
            scripts.insert(c.id, c.view);
        }
        for list in demos.values_mut() {
            list.sort_by_key(|d| (pages[d.script].meta.title.to_lowercase(), d.script));
        }
        let (paths, steps) = paths::resolve_paths(pages, diags);
        Training {
            techniques,
            scripts,
            demos,
            paths,
            steps,
            problems: found.items,
        }
    }

    /// Errors and warnings in scripts, guidelines and paths.
    pub fn problems(&self) -> &[Diagnostic] {
        &self.problems
    }

    /// Template values for one page, under `page.derived.training`; `None` when it has none.
    pub fn page_derived(&self, site: &LinkedSite, id: PageId) -> Option<serde_json::Value> {
        let mut extra = serde_json::Map::new();
        if let Some(v) = self.scripts.get(&id) {
            extra.insert("script".into(), serde_json::to_value(v).unwrap_or_default());
        }
        if site.pages[id].kind.is(&GUIDELINE) {
            extra.insert(
                "guideline".into(),
                guideline::guideline_view(site, self, id),
            );
        }
        if let Some(p) = self.paths.get(&id) {
            extra.insert("path".into(), serde_json::to_value(p).unwrap_or_default());
        }
        if let Some(s) = self.steps.get(&id) {
            extra.insert("steps".into(), serde_json::to_value(s).unwrap_or_default());
        }
        (!extra.is_empty()).then_some(serde_json::Value::Object(extra))
    }

    /// Ids that training pages have beyond their body's headings (script lines, phases,
    /// techniques), so that links like `[[scripts/x#opening-line-2]]` are checked.
    pub fn add_anchors(&self, add: &mut dyn FnMut(PageId, String)) {
        for (&id, view) in &self.scripts {
            for anchor in view.anchors() {
                add(id, anchor);
            }
        }
        for t in self.techniques.values() {
            add(t.guideline, t.anchor());
        }
    }

    /// Script lines demonstrating `technique`, in script order.
    pub fn demos(&self, technique: &str) -> &[Demo] {
        self.demos.get(technique).map_or(&[], Vec::as_slice)
    }
}

/// Check one script against its roles, the techniques and the post-mortems, and build its view.
fn check_script(ctx: &ScriptContext<'_>, id: PageId) -> Option<CheckedScript> {
    let pages = ctx.pages;
    let page = &pages[id];
    let fm = page.front_matter_as::<Script>()?;
    let mut diags = Vec::new();
    let roles: Vec<&str> = fm.roles.keys().map(String::as_str).collect();
    let learner = fm.learner.as_deref().unwrap_or("You");
    if !roles.contains(&learner) {
        let (line, col) = match fm.learner {
            Some(_) => FrontMatterPositions::new(page).key("learner"),
            None => FrontMatterPositions::new(page).key("roles"),
        };
        let how = if fm.learner.is_some() {
            ""
        } else {
            " (the default); set `learner:` to the role the trainee plays"
        };
        diags.push(page.error(
            line,
            col,
            format!(
                "learner `{learner}`{how} is not among the script's `roles` ({})",
                roles.join(", ")
            ),
        ));
    }
    let postmortem = fm.postmortem.as_deref().and_then(|slug| {
        let found = ctx.postmortems.get(slug).map(|&p| &pages[p]);
        if found.is_none() {
            let (line, col) = FrontMatterPositions::new(page).key("postmortem");
            let hint = crate::config::nearest(slug, ctx.postmortems.keys().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            diags.push(page.error(line, col, format!("unknown post-mortem `{slug}`{hint}")));
        }
        found
    });
    let (parsed, errors) = parse_script(
        page.body(),
        page.body_line,
        &ScriptRules {
            roles,
            techniques: &ctx.technique_ids,
        },
    );
    for e in errors {
        diags.push(page.error(e.line, e.column, e.message));
    }
    let phase_minutes = parsed.phase_minutes();
    if let Some(d) = fm.duration
        && !parsed.phases.is_empty()
        && d != phase_minutes
    {
        let (line, col) = FrontMatterPositions::new(page).key("duration");
        diags.push(page.warning(
            line,
            col,
            format!("`duration: {d}` differs from the sum of the phases' time boxes ({phase_minutes} minutes)"),
        ));
    }
    let mut demos = Vec::new();
    for phase in &parsed.phases {
        for b in &phase.blocks {
            if let Block::Line(l) = b
                && let Some(t) = l.technique.as_ref().and_then(|t| ctx.techniques.get(t))
            {
                // Rendered for the guideline page that quotes it, so its links resolve there.
                let links = Links {
                    pages,
                    index: ctx.index,
                    from: t.guideline,
                };
                demos.push((
                    t.id.clone(),
                    Demo {
                        script: id,
                        script_title: page.meta.title.clone(),
                        url: format!("{}#{}", page.url, l.anchor),
                        phase: phase.title.clone(),
                        speaker: l.speaker.clone(),
                        html: links.render_inline(&l.text),
                    },
                ));
            }
        }
    }
    let links = Links {
        pages,
        index: ctx.index,
        from: id,
    };
    let view = dialogue::script_view(fm, learner, &parsed, postmortem, ctx.techniques, &links);
    Some(CheckedScript {
        id,
        view,
        demos,
        diags,
    })
}

/// Renders Markdown fragments of a page (script lines, stage directions) with its internal
/// links resolved, like the page body. Broken links are reported by the body pass, not here.
pub struct Links<'a> {
    pub pages: &'a [Page],
    pub index: &'a SiteIndex,
    pub from: PageId,
}

impl Links<'_> {
    /// A fragment as HTML, without the `<p>` around a single paragraph.
    pub fn render_inline(&self, markdown: &str) -> String {
        let html = self.render(markdown);
        let trimmed = html.trim_end();
        match trimmed
            .strip_prefix("<p>")
            .and_then(|s| s.strip_suffix("</p>"))
        {
            Some(inner) if !inner.contains("<p>") => inner.to_string(),
            _ => html,
        }
    }

    pub fn render(&self, markdown: &str) -> String {
        let page = &self.pages[self.from];
        let root = root_prefix(&page.url);
        let events =
            Parser::new_ext(markdown, crate::markdown::markdown_options()).map(
                |event| match event {
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }) => {
                        let dest = self
                            .resolve(link_type, &dest_url, &root)
                            .map_or(dest_url, Into::into);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url: dest,
                            title,
                            id,
                        })
                    }
                    other => other,
                },
            );
        let mut out = String::new();
        html::push_html(&mut out, events);
        out
    }

    /// The body's resolver ([`SiteIndex::resolve_written`]); unresolved links stay as written.
    fn resolve(&self, link_type: LinkType, dest: &str, root: &str) -> Option<String> {
        // The body pass reports it; like the body, the fragment never carries it.
        if crate::links::script_url_scheme(dest).is_some() {
            return Some("#".into());
        }
        let written = WrittenLink::parse(dest);
        let wiki = matches!(link_type, LinkType::WikiLink { .. });
        match self
            .index
            .resolve_written(self.pages, self.from, wiki, &written)?
        {
            Resolution::Found(t) => Some(link_href(root, self.pages, self.from, t, written.anchor)),
            _ => None,
        }
    }
}
