//! The typed front matter of each kind of page. Each kind is one struct here plus its
//! template (`<kind>.html`); validation specific to a kind lives beside its struct.

use serde::{Deserialize, Serialize};

/// Fields every kind accepts. Declared through `front_matter!` so each kind's struct can
/// reject unknown keys (serde's `flatten` cannot be combined with `deny_unknown_fields`).
macro_rules! front_matter {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Optional: without it, the page is titled by its leading `# heading`, else by
            /// its file name (see `content::title`).
            #[serde(default)]
            pub title: Option<String>,
            #[serde(default)]
            pub summary: Option<String>,
            #[serde(default)]
            pub tags: Vec<String>,
            #[serde(default)]
            pub date: Option<jiff::civil::Date>,
            #[serde(default)]
            pub draft: bool,
            /// Per-page opt-out of automatic glossary links.
            #[serde(default)]
            pub autolink: Option<bool>,
            /// Place within the section, as written: any YAML, so that a value that is
            /// not a whole number is reported at its position by [`weight_problem`].
            #[serde(default, skip_serializing)]
            pub weight: Option<serde_json::Value>,
            /// Anything a team wants its templates to show: any YAML, not validated,
            /// handed to templates as `page.extra`.
            #[serde(default, skip_serializing)]
            pub extra: Option<serde_json::Value>,
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $name {
            /// The `title` as written, if any.
            pub fn written_title(&self) -> Option<&str> {
                self.title.as_deref()
            }

            pub fn common(&self) -> CommonMeta {
                CommonMeta {
                    title: self.title.clone().unwrap_or_default(),
                    summary: self.summary.clone(),
                    tags: self.tags.clone(),
                    date: self.date,
                    draft: self.draft,
                    autolink: self.autolink.unwrap_or(true),
                    weight: self.weight.as_ref().and_then(serde_json::Value::as_i64),
                    extra: self.extra.clone().unwrap_or_default(),
                }
            }

            /// What is wrong with `weight`, if it is written and not a whole number.
            pub fn weight_problem(&self) -> Option<String> {
                weight_problem(self.weight.as_ref()?)
            }
        }
    };
}

/// Why a written `weight` is not a whole number (`None` when it is one, or empty).
pub fn weight_problem(weight: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let found = match weight {
        Value::Null => return None,
        Value::Number(n) if n.is_i64() => return None,
        Value::Number(n) if n.is_u64() => format!("`{n}`, which is too large"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) if s.trim().parse::<f64>().is_ok() => {
            format!("the text `{s}` (write a number without quotes)")
        }
        Value::String(s) => format!("the text `{s}`"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    };
    Some(format!(
        "`weight` must be a whole number such as 10 or -1 (lower comes first), not {found}"
    ))
}

/// What every page has, whatever its kind.
#[derive(Debug, Clone, Serialize)]
pub struct CommonMeta {
    pub title: String,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub date: Option<jiff::civil::Date>,
    pub draft: bool,
    pub autolink: bool,
    /// Orders the page within its section (see [`crate::content::order`]).
    pub weight: Option<i64>,
    /// The page's `extra:` front matter as written (`null` without one).
    pub extra: serde_json::Value,
}

front_matter! {
    /// A plain page or a section's `_index.md`.
    pub struct PlainFrontMatter {}
}

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
