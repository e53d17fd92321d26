//! Guidelines: the techniques they declare, and their pages' view (the body's principle /
//! why / do / don't sections, then each technique with the script lines that demonstrate it).

use std::collections::HashMap;

use serde::Serialize;

use super::{Demo, Technique, Training};
use crate::content::positions::locate_in_front_matter;
use crate::content::{Page, PageId};
use crate::diagnostics::Diagnostics;
use crate::kinds::training::front_matter::Guideline;
use crate::linking::LinkedSite;

/// Every technique declared by a guideline, by id. A repeated id is an error.
pub fn collect_techniques(pages: &[Page], diags: &mut Diagnostics) -> HashMap<String, Technique> {
    let mut techniques: HashMap<String, Technique> = HashMap::new();
    for (id, page) in pages.iter().enumerate() {
        let Some(g) = page.front_matter_as::<Guideline>() else {
            continue;
        };
        for t in &g.techniques {
            let (line, col) = locate_in_front_matter(page, &format!("id: {}", t.id));
            if t.id.is_empty() || t.id != crate::content::slugify(&t.id) {
                diags.push(page.error(
                    line,
                    col,
                    format!(
                        "technique id `{}` must be lowercase words joined by hyphens (like `redirect-blame`)",
                        t.id
                    ),
                ));
                continue;
            }
            if let Some(first) = techniques.get(&t.id) {
                diags.push(page.error(
                    line,
                    col + 4,
                    format!(
                        "technique `{}` is already declared by {}",
                        t.id,
                        pages[first.guideline].source_path.display()
                    ),
                ));
                continue;
            }
            techniques.insert(
                t.id.clone(),
                Technique {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    description: t.description.clone(),
                    guideline: id,
                },
            );
        }
    }
    techniques
}

#[derive(Debug, Serialize)]
struct Section<'a> {
    id: &'a str,
    /// `principle`, `why`, `do`, `dont`, `phrases` or `other`: how the theme lays it out.
    role: &'static str,
    html: &'a str,
}

#[derive(Debug, Serialize)]
struct TechniqueView<'a> {
    id: &'a str,
    name: &'a str,
    description: Option<&'a str>,
    anchor: String,
    demos: &'a [Demo],
}

/// `page.derived.training.guideline`: the body cut into its sections, and the techniques.
pub fn guideline_view(site: &LinkedSite, training: &Training, id: PageId) -> serde_json::Value {
    let html = site.bodies[id].html();
    let (intro, sections) = split_sections(&html);
    let techniques: Vec<TechniqueView> = match site.pages[id].front_matter_as::<Guideline>() {
        Some(g) => g
            .techniques
            .iter()
            .map(|t| TechniqueView {
                id: &t.id,
                name: &t.name,
                description: t.description.as_deref(),
                anchor: format!("technique-{}", t.id),
                demos: training.demos(&t.id),
            })
            .collect(),
        _ => Vec::new(),
    };
    let demo_count: usize = techniques.iter().map(|t| t.demos.len()).sum();
    serde_json::json!({
        "intro": intro,
        "sections": sections,
        "techniques": techniques,
        "demo_count": demo_count,
    })
}

/// Cut rendered body HTML at its top-level `<h2>` headings.
fn split_sections(html: &str) -> (&str, Vec<Section<'_>>) {
    const OPEN: &str = "<h2 id=\"";
    let mut starts: Vec<usize> = html.match_indices(OPEN).map(|(i, _)| i).collect();
    let intro = &html[..starts.first().copied().unwrap_or(html.len())];
    starts.push(html.len());
    let sections = starts
        .windows(2)
        .map(|w| {
            let html = &html[w[0]..w[1]];
            let id = html[OPEN.len()..].split('"').next().unwrap_or_default();
            Section {
                id,
                role: section_role(id),
                html,
            }
        })
        .collect();
    (intro, sections)
}

fn section_role(id: &str) -> &'static str {
    match id {
        "the-principle" | "principle" => "principle",
        "why-it-matters" | "why" => "why",
        "do" => "do",
        "don-t" | "dont" | "do-not" => "dont",
        "phrases-that-work" | "phrases" => "phrases",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_at_h2() {
        let html = "<p>Intro</p>\n<h2 id=\"the-principle\">The principle</h2>\n<p>P</p>\n<h2 id=\"do\">Do</h2>\n<ul><li>x</li></ul>\n<h2 id=\"don-t\">Don’t</h2>\n<ul><li>y</li></ul>\n";
        let (intro, s) = split_sections(html);
        assert_eq!(intro, "<p>Intro</p>\n");
        let roles: Vec<_> = s.iter().map(|s| (s.id, s.role)).collect();
        assert_eq!(
            roles,
            [
                ("the-principle", "principle"),
                ("do", "do"),
                ("don-t", "dont")
            ]
        );
        assert!(s[1].html.contains("<li>x</li>") && !s[1].html.contains("<li>y</li>"));
    }
}
