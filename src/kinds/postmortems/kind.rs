//! Post-mortems plugged into the pipeline: the catalog is their derived data; they add the
//! insights page, the feeds, and their front-matter prose to their bodies' term links.

use crate::config::BuildOptions;
use crate::content::{KindDescription, Page, PageId};
use crate::diagnostics::Diagnostics;
use crate::kinds::kind::{DerivedKind, GeneratedPage, Kind, Reads, SearchFacets, ShownText};
use crate::linking::LinkedSite;

use super::front_matter::POSTMORTEM;
use super::{Catalog, postmortem};

/// The post-mortem kind.
pub struct Postmortems;

impl Kind for Postmortems {
    fn name(&self) -> &'static str {
        "postmortems"
    }

    fn page_kinds(&self) -> &'static [KindDescription] {
        &[POSTMORTEM]
    }

    fn reads(&self) -> Reads {
        Reads::FrontMatter
    }

    fn derive(&self, site: &LinkedSite, options: &BuildOptions) -> DerivedKind {
        let mut diags = Diagnostics::default();
        let catalog = Catalog::build(&site.config, &site.pages, options.build_date(), &mut diags);
        DerivedKind::new(catalog, diags)
    }

    fn page_derived(
        &self,
        site: &LinkedSite,
        derived: &DerivedKind,
        id: PageId,
    ) -> Option<serde_json::Value> {
        derived.get::<Catalog>()?.page_derived(site, id)
    }

    fn generated_pages(&self, site: &LinkedSite, derived: &DerivedKind) -> Vec<GeneratedPage> {
        derived
            .get::<Catalog>()
            .map_or_else(Vec::new, |c| c.generated_pages(site))
    }

    fn files(&self, site: &LinkedSite, derived: &DerivedKind) -> Vec<(String, Vec<u8>)> {
        derived
            .get::<Catalog>()
            .map_or_else(Vec::new, |c| c.extra_files(site))
    }

    /// The home page lists the five most recent post-mortems.
    fn home_lists(&self, pages: &[Page]) -> Vec<(&'static str, Vec<PageId>)> {
        let mut recent: Vec<PageId> = (0..pages.len())
            .filter(|&id| pages[id].kind.is(&POSTMORTEM))
            .collect();
        recent.sort_by_key(|&id| std::cmp::Reverse(pages[id].meta.date));
        recent.truncate(5);
        vec![("recent_postmortems", recent)]
    }

    fn shown_text(&self, page: &Page) -> Option<Vec<Option<ShownText>>> {
        let summary = page.meta.summary.as_deref().unwrap_or("");
        postmortem(page).map(|pm| super::search::shown_text(pm, summary))
    }

    fn search_facets(&self, page: &Page) -> Option<SearchFacets> {
        postmortem(page).map(super::search::facets)
    }

    fn prose<'p>(&self, page: &'p Page) -> Vec<(bool, &'p str)> {
        match postmortem(page) {
            Some(pm) => super::prose::prose_fields(pm)
                .into_iter()
                .map(|(field, text)| (field.before_body(), text))
                .collect(),
            None => Vec::new(),
        }
    }
}
