//! Every built-in kind, one line each. The pipeline derives each kind's data in this order,
//! and render, nav, bodies and `serve` ask each kind in turn; nothing else names a kind.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::BuildOptions;
use crate::content::{Page, PageId, PageKind};
use crate::diagnostics::Diagnostics;
use crate::kinds::kind::{DerivedKind, Kind, NavItem, Reads};
use crate::linking::{LinkedSite, PreviousBuild};
use crate::markdown::BodyHooks;

/// The built-in kinds.
pub static BUILTIN: &[&dyn Kind] = &[
    &crate::kinds::postmortems::kind::Postmortems,
    &crate::kinds::training::kind::TrainingKind,
];

/// Each kind's derived data, in [`BUILTIN`]'s order.
pub type KindsData = Vec<Arc<DerivedKind>>;

/// Derive every kind's data, reusing `previous` (an earlier build and its kinds' data) for
/// each kind that read nothing that changed. Problems go into `diags`.
pub fn derive(
    site: &LinkedSite,
    options: &BuildOptions,
    previous: Option<(&PreviousBuild, &KindsData)>,
    diags: &mut Diagnostics,
) -> KindsData {
    let derived: KindsData = BUILTIN
        .par_iter()
        .enumerate()
        .map(|(i, kind)| match previous {
            Some((build, data)) if unchanged(site, build, kind.reads()) && i < data.len() => {
                data[i].clone()
            }
            _ => Arc::new(kind.derive(site, options)),
        })
        .collect();
    for d in &derived {
        diags.extend(d.diags.items.iter().cloned());
    }
    derived
}

/// Whether nothing that `reads` names changed since `before`.
fn unchanged(site: &LinkedSite, before: &PreviousBuild, reads: Reads) -> bool {
    let same_front =
        Arc::ptr_eq(&before.front, &site.front) && before.bodies.len() == site.pages.len();
    same_front
        && match reads {
            Reads::FrontMatter => true,
            Reads::BodiesOf(kinds) => (0..site.pages.len()).all(|id| {
                !kinds.contains(&site.pages[id].kind)
                    || Arc::ptr_eq(&before.bodies[id], &site.bodies[id])
            }),
        }
}

/// Every anchor the kinds add to pages beyond their headings.
pub fn anchors(data: &KindsData, add: &mut dyn FnMut(PageId, String)) {
    for (kind, derived) in BUILTIN.iter().zip(data) {
        kind.anchors(derived, add);
    }
}

/// `page.derived` of page `id`: each kind's values under its name.
pub fn page_derived(site: &LinkedSite, data: &KindsData, id: PageId) -> serde_json::Value {
    let mut values = serde_json::Map::new();
    for (kind, derived) in BUILTIN.iter().zip(data) {
        if let Some(v) = kind.page_derived(site, derived, id) {
            values.insert(kind.name().into(), v);
        }
    }
    serde_json::Value::Object(values)
}

/// Entries the kinds add to the navigation.
pub fn nav(pages: &[Page]) -> Vec<NavItem> {
    BUILTIN.iter().filter_map(|k| k.nav(pages)).collect()
}

/// Whether pages of `kind` show data some kind made from other pages' bodies.
pub fn shows_other_bodies(kind: PageKind) -> bool {
    BUILTIN.iter().any(|k| k.shows_other_bodies(kind))
}

/// The kinds' additions to page bodies, for the Markdown stage.
pub struct KindBodyHooks;

impl BodyHooks for KindBodyHooks {
    fn prose<'p>(&self, page: &'p Page) -> Vec<(bool, &'p str)> {
        BUILTIN.iter().flat_map(|k| k.prose(page)).collect()
    }

    fn searchable_len(&self, page: &Page, text: &str) -> usize {
        BUILTIN
            .iter()
            .map(|k| k.searchable_len(page, text))
            .min()
            .unwrap_or(text.len())
    }
}
