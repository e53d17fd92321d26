//! What the content targets share: a small real site (pages of every kind from the
//! repository's own content/) that a fuzzed page joins, and the link stage run on it.
//! Each target includes it (`#[path]`) and uses only some of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use hindsight::config::{Config, DeclaredKinds};
use hindsight::content::{DiscoverOptions, Page, parse_page};
use hindsight::diagnostics::{Diagnostics, EXCERPT_CHARS};
use hindsight::linking::Reuse;
use hindsight::pipeline::{BuildOptions, Carried, assemble, render_page_body};
use hindsight::site::Site;

const COMPANIONS: &[(&str, &str)] = &[
    ("index.md", include_str!("../../content/index.md")),
    (
        "glossary/_index.md",
        include_str!("../../content/glossary/_index.md"),
    ),
    (
        "glossary/blast-radius.md",
        include_str!("../../content/glossary/blast-radius.md"),
    ),
    (
        "glossary/mttr.md",
        include_str!("../../content/glossary/mttr.md"),
    ),
    (
        "glossary/runbook.md",
        include_str!("../../content/glossary/runbook.md"),
    ),
    (
        "glossary/error-budget.md",
        include_str!("../../content/glossary/error-budget.md"),
    ),
    (
        "postmortems/fastly-2021-06-08.md",
        include_str!("../../content/postmortems/fastly-2021-06-08.md"),
    ),
    (
        "postmortems/database-replication-failure/index.md",
        include_str!("../../content/postmortems/database-replication-failure/index.md"),
    ),
    (
        "scripts/database-replication-failure.md",
        include_str!("../../content/scripts/database-replication-failure.md"),
    ),
    (
        "guidelines/facts-not-blame.md",
        include_str!("../../content/guidelines/facts-not-blame.md"),
    ),
    (
        "paths/architect-onboarding.md",
        include_str!("../../content/paths/architect-onboarding.md"),
    ),
];

/// Folders that decide a page's kind, picked by a byte of the input.
pub const FOLDERS: &[&str] = &[
    "",
    "glossary/",
    "postmortems/",
    "scripts/",
    "guidelines/",
    "paths/",
    "notes/",
    "a/b/",
];

pub fn parse(rel: &str, text: &str) -> Option<Page> {
    parse_page(
        PathBuf::from(format!("content/{rel}")),
        rel.to_string(),
        text.to_string(),
        DiscoverOptions {
            include_drafts: true,
            kinds: hindsight::kinds::registry::page_kinds(DeclaredKinds::none()),
        },
    )
    .ok()
    .flatten()
}

/// The companion pages, parsed once per process.
pub fn companions() -> Vec<Page> {
    static PAGES: std::sync::OnceLock<Vec<Page>> = std::sync::OnceLock::new();
    PAGES
        .get_or_init(|| {
            COMPANIONS
                .iter()
                .map(|(rel, text)| parse(rel, text).expect("companion pages parse"))
                .collect()
        })
        .clone()
}

/// The link and kinds stages (bodies, terms, post-mortem timelines, training) on the
/// companions and `page`, as a build runs them; checks what must hold of any input.
pub fn link_with(page: Page) -> Site {
    let mut pages = companions();
    pages.retain(|p| p.url != page.url);
    pages.push(page);
    let mut diags = Diagnostics::default();
    let carried = Carried {
        reuse: Reuse::Nothing,
        kinds: None,
        history: Arc::default(),
        assets: Arc::default(),
    };
    let site = assemble(
        Config::default(),
        pages,
        &mut diags,
        &BuildOptions::default(),
        carried,
        &render_page_body,
    );
    for d in &diags.items {
        if let Some(line) = &d.source_line {
            assert!(
                line.chars().count() <= EXCERPT_CHARS + 2,
                "uncut source line"
            );
        }
    }
    for body in &site.bodies {
        assert!(!body.html().contains('\0'), "NUL in the HTML");
    }
    site
}
