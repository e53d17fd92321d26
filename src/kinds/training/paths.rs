//! Learning paths: ordered steps (`folder/slug` page references) checked at build time, the
//! path page's step list, and the "step 3 of 9 — next: …" navigation on each step's page.

use std::collections::HashMap;

use serde::Serialize;

use crate::content::positions::locate_in_front_matter;
use crate::content::{Page, PageId, PageKind};
use crate::diagnostics::Diagnostics;
use crate::kinds::training::front_matter::LearningPath;

/// A step as the path page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub number: usize,
    pub title: String,
    /// Site-relative URL of the step's page.
    pub url: String,
    pub reference: String,
    pub kind: PageKind,
    pub kind_label: &'static str,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathView {
    /// Key of the path in `?path=` and in the reader's saved progress.
    pub slug: String,
    pub steps: Vec<StepView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepLink {
    pub title: String,
    pub url: String,
}

/// Where a page sits in one path; shown when the reader arrives with `?path=<slug>`.
#[derive(Debug, Clone, Serialize)]
pub struct StepNav {
    pub path_slug: String,
    pub path_title: String,
    pub path_url: String,
    pub number: usize,
    pub total: usize,
    pub previous: Option<StepLink>,
    pub next: Option<StepLink>,
}

type PathMaps = (HashMap<PageId, PathView>, HashMap<PageId, Vec<StepNav>>);

/// Resolve every path's steps; unknown or repeated steps are errors at their line.
pub fn resolve_paths(pages: &[Page], diags: &mut Diagnostics) -> PathMaps {
    let by_reference: HashMap<String, PageId> = pages
        .iter()
        .enumerate()
        .map(|(id, p)| (p.reference(), id))
        .collect();
    let mut views = HashMap::new();
    let mut navs: HashMap<PageId, Vec<StepNav>> = HashMap::new();
    for (path_id, page) in pages.iter().enumerate() {
        let Some(lp) = page.front_matter_as::<LearningPath>() else {
            continue;
        };
        let mut steps: Vec<PageId> = Vec::new();
        for step in &lp.steps {
            let reference = step.trim().trim_matches('/');
            let (line, col) = locate_step(page, step);
            match by_reference.get(reference) {
                Some(&id) if id == path_id => {
                    diags.push(page.error(line, col, "a path cannot be a step of itself"))
                }
                Some(&id) if steps.contains(&id) => diags.push(page.error(
                    line,
                    col,
                    format!("step `{reference}` appears twice in this path"),
                )),
                Some(&id) => steps.push(id),
                None => {
                    let hint =
                        crate::config::nearest(reference, by_reference.keys().map(String::as_str))
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_else(|| {
                                " (steps are `folder/slug`, like `glossary/blast-radius`)".into()
                            });
                    diags.push(page.error(line, col, format!("unknown step `{step}`{hint}")));
                }
            }
        }
        let link = |id: PageId| StepLink {
            title: pages[id].meta.title.clone(),
            url: pages[id].url.clone(),
        };
        for (i, &id) in steps.iter().enumerate() {
            navs.entry(id).or_default().push(StepNav {
                path_slug: page.slug.clone(),
                path_title: page.meta.title.clone(),
                path_url: page.url.clone(),
                number: i + 1,
                total: steps.len(),
                previous: i.checked_sub(1).map(|p| link(steps[p])),
                next: steps.get(i + 1).map(|&n| link(n)),
            });
        }
        let steps = steps
            .iter()
            .enumerate()
            .map(|(i, &id)| {
                let p = &pages[id];
                StepView {
                    number: i + 1,
                    title: p.meta.title.clone(),
                    url: p.url.clone(),
                    reference: p.reference(),
                    kind: p.kind,
                    kind_label: p.kind.label().0,
                    summary: p.meta.summary.clone(),
                }
            })
            .collect();
        views.insert(
            path_id,
            PathView {
                slug: page.slug.clone(),
                steps,
            },
        );
    }
    (views, navs)
}

/// The position of a step's value in the `steps:` list of the front matter.
fn locate_step(page: &Page, step: &str) -> (usize, usize) {
    let mut in_steps = false;
    for (i, line) in page
        .source
        .lines()
        .enumerate()
        .take(page.body_line.saturating_sub(1))
    {
        if line.starts_with("steps:") {
            in_steps = true;
            if let Some(col) = line.find(step) {
                return (i + 1, line[..col].chars().count() + 1);
            }
            continue;
        }
        if in_steps {
            if !line.starts_with([' ', '-', '\t']) {
                in_steps = false;
                continue;
            }
            let item = line.trim_start().trim_start_matches('-').trim_start();
            if item.trim_matches(['"', '\'']).trim() == step
                && let Some(col) = line.find(step)
            {
                return (i + 1, line[..col].chars().count() + 1);
            }
        }
    }
    locate_in_front_matter(page, step)
}
