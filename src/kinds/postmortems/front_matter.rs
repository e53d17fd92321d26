//! A post-mortem's front matter, modelled on the Google SRE, PagerDuty and Atlassian
//! templates, and the description that makes post-mortems a kind of page: the folder, the
//! template, the labels and the text of a new one.

use serde::{Deserialize, Serialize};

use crate::content::kinds::{KindDescription, Listing, front_matter, parse_as};

/// The post-mortem kind of page.
pub const POSTMORTEM: KindDescription = KindDescription {
    id: "postmortem",
    folder: "postmortems",
    section_title: "Post-mortems",
    template: "postmortem.html",
    label: ("post-mortem", "post-mortems"),
    listing: Listing::NewestFirst,
    parse: parse_as::<PostMortem>,
    new_page: Some(include_str!("new-page.md")),
    ..KindDescription::PLAIN
};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub users_affected: Option<u64>,
    #[serde(default)]
    pub requests_failed: Option<u64>,
    #[serde(default)]
    pub slo_breached: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContributingFactor {
    pub category: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// RFC 3339 with offset, or a local time when the post-mortem sets `timezone`.
    pub at: String,
    pub event: String,
    #[serde(default)]
    pub marks: Option<String>,
    /// Id of the `sources` entry this entry comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// One cited source of a post-mortem: `{id, title, url}`, or, as before, a plain string
/// (a URL, or a title when it is not one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Source {
    /// What timeline entries write in `source:` to cite it.
    pub id: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}

impl Source {
    /// A plain string: a URL when it looks like one, else a title.
    pub fn from_plain(text: &str) -> Source {
        let text = text.trim();
        if text.starts_with("http://") || text.starts_with("https://") {
            Source {
                url: Some(text.to_string()),
                ..Source::default()
            }
        } else {
            Source {
                title: Some(text.to_string()),
                ..Source::default()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            #[serde(default)]
            id: Option<String>,
            #[serde(default)]
            title: Option<String>,
            #[serde(default)]
            url: Option<String>,
        }
        struct SourceVisitor;
        impl<'de> serde::de::Visitor<'de> for SourceVisitor {
            type Value = Source;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a URL, or a map with `id`, `title` and `url`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Source, E> {
                Ok(Source::from_plain(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Source, A::Error> {
                let full = Full::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Source {
                    id: full.id,
                    title: full.title,
                    url: full.url,
                })
            }
        }
        d.deserialize_any(SourceVisitor)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    /// `None` when the status is not known (e.g. a public report that gives none).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default)]
    pub ticket: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lessons {
    #[serde(default)]
    pub went_well: Vec<String>,
    #[serde(default)]
    pub went_wrong: Vec<String>,
    #[serde(default)]
    pub got_lucky: Vec<String>,
}

front_matter! {
    /// A post-mortem, modelled on the Google SRE, PagerDuty and Atlassian templates.
    pub struct PostMortem {
        #[serde(default)]
        pub severity: Option<String>,
        #[serde(default)]
        pub status: Option<String>,
        #[serde(default)]
        pub authors: Vec<String>,
        #[serde(default)]
        pub services: Vec<String>,
        #[serde(default)]
        pub impact: Option<Impact>,
        #[serde(default)]
        pub blast_radius: Option<String>,
        #[serde(default)]
        pub trigger: Option<String>,
        #[serde(default)]
        pub root_causes: Vec<String>,
        #[serde(default)]
        pub contributing_factors: Vec<ContributingFactor>,
        #[serde(default)]
        pub detection: Option<String>,
        #[serde(default)]
        pub resolution: Option<String>,
        #[serde(default)]
        pub timezone: Option<String>,
        #[serde(default)]
        pub timeline: Vec<TimelineEntry>,
        #[serde(default)]
        pub action_items: Vec<ActionItem>,
        #[serde(default)]
        pub lessons: Option<Lessons>,
        #[serde(default)]
        pub sources: Vec<Source>,
    }
}
