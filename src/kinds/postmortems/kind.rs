//! Post-mortems plugged into the pipeline: the catalog is their derived data; they add the
//! insights page, the feeds, and their front-matter prose to their bodies' term links.

use crate::config::BuildOptions;
use crate::content::{KindData, Page, PageId};
use crate::diagnostics::Diagnostics;
use crate::kinds::kind::{DerivedKind, GeneratedPage, Kind, Reads};
use crate::linking::LinkedSite;

use super::Catalog;

/// The post-mortem kind.
pub struct Postmortems;

impl Kind for Postmortems {
    fn name(&self) -> &'static str {
        "postmortems"
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

    fn prose<'p>(&self, page: &'p Page) -> Vec<(bool, &'p str)> {
        match &page.data {
            KindData::Postmortem(pm) => super::prose::prose_fields(pm)
                .into_iter()
                .map(|(field, text)| (field.before_body(), text))
                .collect(),
            _ => Vec::new(),
        }
    }
}
