//! Training plugged into the pipeline: scripts, guidelines and paths checked and viewed
//! together ([`Training`]), the practice hub with flashcards and quiz, and the anchors of
//! script lines and techniques.

use crate::config::BuildOptions;
use crate::content::{Page, PageId, PageKind};
use crate::diagnostics::Diagnostics;
use crate::kinds::kind::{DerivedKind, GeneratedPage, Kind, NavItem, Reads};
use crate::linking::LinkedSite;

use super::{Training, deck, script};

/// Scripts, guidelines, learning paths and the glossary drills, as one kind of content.
pub struct TrainingKind;

impl Kind for TrainingKind {
    fn name(&self) -> &'static str {
        "training"
    }

    /// Scripts' bodies are parsed into dialogues.
    fn reads(&self) -> Reads {
        Reads::BodiesOf(&[PageKind::Script])
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
        matches!(kind, PageKind::Script | PageKind::Guideline)
    }

    /// A script line's trailing `{technique=id}` is markup for the dialogue, not words to
    /// search or quote in an excerpt.
    fn searchable_len(&self, page: &Page, text: &str) -> usize {
        if page.kind == PageKind::Script {
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
