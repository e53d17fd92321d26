//! Training plugged into the pipeline: scripts, guidelines and paths checked and viewed
//! together ([`Training`]), the practice hub with flashcards and quiz, and the anchors of
//! script lines and techniques.

use crate::config::BuildOptions;
use crate::content::{KindDescription, Page, PageId, PageKind};
use crate::diagnostics::Diagnostics;
use crate::kinds::kind::{DerivedKind, GeneratedPage, Kind, NavItem, Reads, ShownText, shown};
use crate::linking::LinkedSite;

use super::front_matter::{GUIDELINE, Guideline, PATH, SCRIPT, Script};
use super::{Training, deck, script};

/// Scripts, guidelines, learning paths and the glossary drills, as one kind of content.
pub struct TrainingKind;

impl Kind for TrainingKind {
    fn name(&self) -> &'static str {
        "training"
    }

    fn page_kinds(&self) -> &'static [KindDescription] {
        &[SCRIPT, GUIDELINE, PATH]
    }

    /// Scripts' bodies are parsed into dialogues.
    fn reads(&self) -> Reads {
        Reads::BodiesOf(&[SCRIPT])
    }

    fn derive(&self, site: &LinkedSite, _options: &BuildOptions) -> DerivedKind {
        let training = Training::build(&site.pages, site.index());
        let diags = Diagnostics {
            items: training.problems().to_vec(),
        };
        DerivedKind::new(training, diags)
    }

    fn anchors(&self, derived: &DerivedKind, add: &mut dyn FnMut(PageId, String)) {
        if let Some(t) = derived.get::<Training>() {
            t.add_anchors(add);
        }
    }

    fn page_derived(
        &self,
        site: &LinkedSite,
        derived: &DerivedKind,
        id: PageId,
    ) -> Option<serde_json::Value> {
        derived.get::<Training>()?.page_derived(site, id)
    }

    fn generated_pages(&self, site: &LinkedSite, _derived: &DerivedKind) -> Vec<GeneratedPage> {
        deck::generated_pages(site)
    }

    fn files(&self, site: &LinkedSite, _derived: &DerivedKind) -> Vec<(String, Vec<u8>)> {
        deck::extra_files(site)
    }

    fn nav(&self, pages: &[Page]) -> Option<NavItem> {
        deck::practice_nav(pages)
    }

    /// A script shows its parsed lines, a guideline quotes the lines that demonstrate its
    /// techniques.
    fn shows_other_bodies(&self, kind: PageKind) -> bool {
        kind.is(&SCRIPT) || kind.is(&GUIDELINE)
    }

    /// A script shows its scenario and its cast; a guideline its techniques.
    fn shown_text(&self, page: &Page) -> Option<Vec<Option<ShownText>>> {
        let summary = page.meta.summary.as_deref().unwrap_or("");
        if let Some(s) = page.front_matter_as::<Script>() {
            let roles: Vec<String> = s
                .roles
                .iter()
                .map(|(who, what)| format!("{who}: {what}"))
                .collect();
            let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
            return Some(vec![
                shown("", "", &[summary, s.scenario.as_deref().unwrap_or("")]),
                shown("Roles", "cast-title", &roles),
            ]);
        }
        let g = page.front_matter_as::<Guideline>()?;
        let techniques: Vec<&str> = g
            .techniques
            .iter()
            .flat_map(|t| [t.name.as_str(), t.description.as_deref().unwrap_or("")])
            .collect();
        Some(vec![
            shown("", "", &[summary]),
            shown("Techniques to practise", "techniques-title", &techniques),
        ])
    }

    /// A script line's trailing `{technique=id}` is markup for the dialogue, not words to
    /// search or quote in an excerpt.
    fn searchable_len(&self, page: &Page, text: &str) -> usize {
        if page.kind.is(&SCRIPT) {
            script::split_technique_tag(text).0.len()
        } else {
            text.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{DiscoverOptions, parse_page};

    fn page(rel: &str) -> Page {
        parse_page(
            format!("content/{rel}").into(),
            rel.into(),
            "---\ntitle: T\n---\n".into(),
            DiscoverOptions::default(),
        )
        .unwrap()
        .unwrap()
    }

    #[test]
    fn technique_tags_of_script_lines_are_not_search_text() {
        let line = "You: Hold the who. {technique=redirect-blame}";
        let kept = TrainingKind.searchable_len(&page("scripts/s.md"), line);
        assert_eq!(line[..kept].trim_end(), "You: Hold the who.");
        let other = TrainingKind.searchable_len(&page("notes/n.md"), line);
        assert_eq!(other, line.len());
    }
}
