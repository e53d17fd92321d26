//! Every built-in kind, one line each: adding a kind is a folder under `src/kinds` that
//! implements [`Kind`] (with its `pub mod` in `kinds`), plus its line in [`BUILTIN`], and
//! its template in the theme unless its pages render with the plain `page.html` (a test
//! below checks each one is there).
//!
//! Each kind describes its kinds of page ([`Kind::page_kinds`]: folder, template, labels,
//! front matter, the text of a new page), and the pipeline hands those descriptions down:
//! names and folders to config ([`builtin_kinds`]), whole descriptions to content loading
//! ([`page_kinds`]), so config, content, links and markdown name no kind. The pipeline
//! derives each kind's data in this order, and render, nav, bodies, search and `serve` ask
//! each kind in turn; nothing else names a kind. The glossary is the one kind of page
//! described below the kinds, in [`crate::content::glossary`] (term linking reads its
//! terms); it is listed here first.

use std::sync::{Arc, LazyLock, Mutex};

use rayon::prelude::*;

use crate::config::{BuildOptions, BuiltinKind, DeclaredKinds};
use crate::content::glossary::GLOSSARY;
use crate::content::{KindDescription, Page, PageId, PageKind, PageKinds};
use crate::diagnostics::Diagnostics;
use crate::kinds::kind::{DerivedKind, Kind, NavItem, Reads, SearchFacets, ShownText, shown};
use crate::linking::{LinkedSite, PreviousBuild};
use crate::markdown::BodyHooks;

/// The built-in kinds.
pub static BUILTIN: &[&dyn Kind] = &[
    &crate::kinds::postmortems::kind::Postmortems,
    &crate::kinds::training::kind::TrainingKind,
];

/// The built-in kinds of page, in order: the glossary, then each kind's in [`BUILTIN`]'s
/// order (navigation and backlink groups list them so).
pub fn builtin_descriptions() -> impl Iterator<Item = KindDescription> {
    std::iter::once(GLOSSARY).chain(BUILTIN.iter().flat_map(|k| k.page_kinds().iter().copied()))
}

/// The built-in kinds of page as `book.toml` sees them (names and folders), for
/// [`crate::config::load_config`].
pub fn builtin_kinds() -> &'static [BuiltinKind] {
    static NAMES: LazyLock<Vec<BuiltinKind>> = LazyLock::new(|| {
        builtin_descriptions()
            .map(|k| BuiltinKind {
                id: k.id,
                folder: k.folder,
            })
            .collect()
    });
    &NAMES
}

/// The kinds of page of a build whose `book.toml` declares `declared`: the built-in ones,
/// then the declared ones. Pages keep their kind for the life of the process, so one set
/// is made for a `book.toml` that declares nothing, and one kept (leaked, a few hundred
/// bytes, as `declared` itself is) for each loading of one that does: `serve` loads it
/// again each time `book.toml` changes.
pub fn page_kinds(declared: &'static DeclaredKinds) -> &'static PageKinds {
    static BUILTIN_ONLY: LazyLock<PageKinds> = LazyLock::new(|| {
        crate::content::declared::page_kinds(builtin_descriptions(), DeclaredKinds::none())
    });
    static MADE: Mutex<Vec<(usize, &'static PageKinds)>> = Mutex::new(Vec::new());
    if declared.kinds.is_empty() && declared.builtin_fields.is_empty() {
        return &BUILTIN_ONLY;
    }
    let key = std::ptr::from_ref(declared) as usize;
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&(_, kinds)) = made.iter().find(|(k, _)| *k == key) {
        return kinds;
    }
    let kinds: &'static PageKinds = Box::leak(Box::new(crate::content::declared::page_kinds(
        builtin_descriptions(),
        declared,
    )));
    made.push((key, kinds));
    kinds
}

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
                !kinds.iter().any(|k| site.pages[id].kind.is(k))
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

/// The lists of pages the kinds add to the home page, by template variable.
pub fn home_lists(pages: &[Page]) -> Vec<(&'static str, Vec<PageId>)> {
    BUILTIN.iter().flat_map(|k| k.home_lists(pages)).collect()
}

/// Whether pages of `kind` show data some kind made from other pages' bodies.
pub fn shows_other_bodies(kind: PageKind) -> bool {
    BUILTIN.iter().any(|k| k.shows_other_bodies(kind))
}

/// What `page` shows of its front matter beside its body, by section: its kind's sections,
/// or only its summary.
pub fn shown_text(page: &Page) -> Vec<Option<ShownText>> {
    BUILTIN
        .iter()
        .find_map(|k| k.shown_text(page))
        .unwrap_or_else(|| {
            let summary = page.meta.summary.as_deref().unwrap_or("");
            vec![shown("", "", &[summary])]
        })
}

/// Search facets of `page`: its kind's, or none.
pub fn search_facets(page: &Page) -> SearchFacets {
    BUILTIN
        .iter()
        .find_map(|k| k.search_facets(page))
        .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What adding a kind must not break: every kind of page has its own name and folder,
    /// the default theme has its template, and pages of it parse as that kind.
    #[test]
    fn built_in_kinds_of_page_are_distinct_and_complete() {
        let kinds: Vec<KindDescription> = builtin_descriptions().collect();
        let templates =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        for (i, kind) in kinds.iter().enumerate() {
            let others = || kinds.iter().skip(i + 1);
            assert!(others().all(|k| k.id != kind.id), "two kinds `{}`", kind.id);
            assert!(
                others().all(|k| k.folder != kind.folder),
                "two kinds in `{}/`",
                kind.folder
            );
            assert!(!kind.folder.is_empty() && !kind.declared, "{}", kind.id);
            assert!(templates.join(kind.template).is_file(), "{}", kind.template);
        }
        let names: Vec<&str> = builtin_kinds().iter().map(|k| k.id).collect();
        assert_eq!(
            names,
            ["glossary", "postmortem", "script", "guideline", "path"]
        );
    }

    #[test]
    fn declared_kinds_follow_the_built_in_ones_with_their_fields() {
        let mut config = crate::config::parse_config(
            "[kinds.runbook]\nfolder = \"runbooks\"\n[kinds.runbook.fields.team]\ntype = \"string\"\n[kinds.postmortem.fields.team]\ntype = \"string\"\n",
            std::path::Path::new("."),
            builtin_kinds(),
            &mut Diagnostics::default(),
        )
        .unwrap();
        let kinds = page_kinds(config.declared);
        assert!(
            std::ptr::eq(kinds, page_kinds(config.declared)),
            "made once"
        );
        let runbook = kinds.by_folder("runbooks").unwrap();
        assert!(runbook.declared && runbook.fields.is_some_and(|f| f.contains_key("team")));
        assert_eq!(runbook.position, kinds.iter().count() - 1);
        let postmortem = kinds.by_id("postmortem").unwrap();
        assert!(!postmortem.declared && postmortem.fields.is_some());
        config.declared = DeclaredKinds::none();
        let plain = page_kinds(config.declared);
        assert!(plain.by_id("runbook").is_none());
        assert!(plain.by_id("postmortem").unwrap().fields.is_none());
    }
}
