//! The front matter of scripts, guidelines and learning paths, and the descriptions that
//! make each a kind of page: its folder, template, labels and the text of a new one.

use serde::{Deserialize, Serialize};

use crate::content::kinds::{KindDescription, Listing, front_matter, parse_as};

/// Role-play scripts.
pub const SCRIPT: KindDescription = KindDescription {
    id: "script",
    folder: "scripts",
    section_title: "Scripts",
    template: "script.html",
    label: ("script", "scripts"),
    listing: Listing::ByTitle,
    parse: parse_as::<Script>,
    new_page: Some(include_str!("new-script.md")),
    ..KindDescription::PLAIN
};

/// Guidelines on conducting a post-mortem.
pub const GUIDELINE: KindDescription = KindDescription {
    id: "guideline",
    folder: "guidelines",
    section_title: "Guidelines",
    template: "guideline.html",
    label: ("guideline", "guidelines"),
    listing: Listing::ByTitle,
    parse: parse_as::<Guideline>,
    new_page: Some(include_str!("new-guideline.md")),
    ..KindDescription::PLAIN
};

/// Learning paths.
pub const PATH: KindDescription = KindDescription {
    id: "path",
    folder: "paths",
    section_title: "Learning paths",
    template: "path.html",
    label: ("learning path", "learning paths"),
    listing: Listing::ByTitle,
    parse: parse_as::<LearningPath>,
    new_page: Some(include_str!("new-path.md")),
    ..KindDescription::PLAIN
};

front_matter! {
    /// A role-play script for leading a post-mortem meeting.
    pub struct Script {
        #[serde(default)]
        pub scenario: Option<String>,
        /// Speaker name → who they are. Order is kept as written.
        #[serde(default)]
        pub roles: indexmap::IndexMap<String, String>,
        #[serde(default)]
        pub learner: Option<String>,
        #[serde(default)]
        pub duration: Option<u32>,
        #[serde(default)]
        pub postmortem: Option<String>,
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

front_matter! {
    /// A guideline on conducting a post-mortem; defines techniques scripts refer to.
    pub struct Guideline {
        #[serde(default)]
        pub techniques: Vec<Technique>,
    }
}

front_matter! {
    /// An ordered path through pages of any kind.
    pub struct LearningPath {
        #[serde(default)]
        pub steps: Vec<String>,
    }
}
