//! The glossary: one term a page, under `glossary/`. It is a kind like any other (its
//! description is handed down by the registry with the others), but its description and
//! its struct live here, in content, not in a folder of `src/kinds`: term linking
//! (`terms`, `markdown`, `links`) sits below the kinds and reads every term's names and
//! definition, so the glossary's front matter must be known at this layer.

use crate::content::front_matter::{FrontMatterError, SplitSource};
use crate::content::kinds::{CommonMeta, KindDescription, Listing, front_matter, parse_as};

front_matter! {
    /// A glossary entry: `summary` is required, as it is the term's one-line definition.
    pub struct GlossaryTerm {
        #[serde(default)]
        pub aliases: Vec<String>,
        /// Slugs of other glossary terms; shown on both ends.
        #[serde(default)]
        pub related: Vec<String>,
    }
}

/// The glossary kind.
pub const GLOSSARY: KindDescription = KindDescription {
    id: "glossary",
    folder: "glossary",
    section_title: "Glossary",
    template: "glossary.html",
    label: ("term", "terms"),
    listing: Listing::ByLetter,
    parse: parse_as::<GlossaryTerm>,
    check: require_summary,
    new_page: Some(include_str!("new-page.md")),
    ..KindDescription::PLAIN
};

/// A term without its definition could not be shown in a tooltip.
fn require_summary(meta: &CommonMeta, split: &SplitSource<'_>) -> Result<(), FrontMatterError> {
    if meta
        .summary
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
    {
        return Ok(());
    }
    let hint = if split.present {
        ""
    } else {
        "; this file has no front matter: start it with a `---` line, `summary: ...` and `---`"
    };
    Err(FrontMatterError {
        line: split.yaml_line,
        column: 1,
        message: format!(
            "missing required key `summary`: a glossary term needs its one-sentence definition{hint}"
        ),
    })
}
