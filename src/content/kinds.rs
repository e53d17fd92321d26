//! What content knows of a kind of page, whatever the kind: its [`KindDescription`], handed
//! down as data (a built-in kind's from its folder under `src/kinds` through the registry, a
//! declared kind's from `book.toml`), and the [`FrontMatter`] every kind's typed front
//! matter implements. Each kind's own struct lives with its kind (`front_matter!` gives it
//! the keys every kind accepts); only the plain page's is here.

use std::any::Any;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::FieldSpec;
use crate::content::front_matter::{FrontMatterError, SplitSource, parse_yaml};

/// Fields every kind accepts. Declared through `front_matter!` so each kind's struct can
/// reject unknown keys (serde's `flatten` cannot be combined with `deny_unknown_fields`).
macro_rules! front_matter {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
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
            /// not a whole number is reported at its position by `weight_problem`.
            #[serde(default, skip_serializing)]
            pub weight: Option<serde_json::Value>,
            /// Anything a team wants its templates to show: any YAML, not validated,
            /// handed to templates as `page.extra`.
            #[serde(default, skip_serializing)]
            pub extra: Option<serde_json::Value>,
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $crate::content::kinds::FrontMatter for $name {
            fn written_title(&self) -> Option<&str> {
                self.title.as_deref()
            }

            fn common(&self) -> $crate::content::kinds::CommonMeta {
                $crate::content::kinds::CommonMeta {
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

            fn weight_problem(&self) -> Option<String> {
                $crate::content::kinds::weight_problem(self.weight.as_ref()?)
            }
        }
    };
}
pub(crate) use front_matter;

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

/// The typed front matter of a page, whatever its kind: what content reads of every kind
/// (the common keys), and the whole of it for templates (`page.data`). A kind reads its
/// own struct back with [`crate::content::Page::front_matter_as`].
pub trait FrontMatter: Any + Send + Sync + std::fmt::Debug + erased_serde::Serialize {
    /// The `title` as written, if any.
    fn written_title(&self) -> Option<&str>;

    /// The keys every kind accepts.
    fn common(&self) -> CommonMeta;

    /// What is wrong with `weight`, if it is written and not a whole number.
    fn weight_problem(&self) -> Option<String>;
}

erased_serde::serialize_trait_object!(FrontMatter);

/// Parses a page's front matter into its kind's typed struct (unknown keys are errors at
/// their position).
pub type ParseFrontMatter = fn(&SplitSource<'_>) -> Result<Arc<dyn FrontMatter>, FrontMatterError>;

/// Checks what a kind requires of a page beyond its struct's types (a glossary term's
/// `summary`), once its common keys are read.
pub type CheckFrontMatter = fn(&CommonMeta, &SplitSource<'_>) -> Result<(), FrontMatterError>;

/// The [`ParseFrontMatter`] of a kind whose front matter is the struct `T`.
pub fn parse_as<T: FrontMatter + DeserializeOwned>(
    split: &SplitSource<'_>,
) -> Result<Arc<dyn FrontMatter>, FrontMatterError> {
    Ok(Arc::new(parse_yaml::<T>(split)?))
}

/// The [`CheckFrontMatter`] of a kind that requires nothing more.
pub fn no_check(_: &CommonMeta, _: &SplitSource<'_>) -> Result<(), FrontMatterError> {
    Ok(())
}

/// How a kind's section lists its pages, after `weight` (see [`crate::content::order`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// By title.
    ByTitle,
    /// Newest `date` first, then by title.
    NewestFirst,
    /// An A–Z index: under each title's first letter, then by title.
    ByLetter,
}

/// Everything content needs to know of one kind of page, as data: which folder holds its
/// pages, how they are labelled, listed and rendered, how their front matter is parsed and
/// checked, and what `hindsight new` writes for one. A built-in kind's folder under
/// `src/kinds` gives its description and the registry hands it down; a kind `book.toml`
/// declares gets one of the same shape ([`crate::content::declared::describe`]).
#[derive(Debug, Clone, Copy)]
pub struct KindDescription {
    /// The kind's name: `glossary`, `runbook`; `hindsight new <id>`, `[kinds.<id>]`.
    pub id: &'static str,
    /// The top folder under the content dir that holds its pages (`runbooks`).
    pub folder: &'static str,
    /// The title of its section when the folder has no `_index.md` (`Runbooks`).
    pub section_title: &'static str,
    /// The template that renders one of its pages (`glossary.html`).
    pub template: &'static str,
    /// One page's label and several pages' (`term`, `terms`).
    pub label: (&'static str, &'static str),
    pub listing: Listing,
    pub parse: ParseFrontMatter,
    pub check: CheckFrontMatter,
    /// The text of a new page for `hindsight new`, with `{title}` (a quoted YAML string)
    /// and `{today}` to fill in; `None` writes a title and a summary line.
    pub new_page: Option<&'static str>,
    /// Fields `book.toml` declares for the kind (`[kinds.<id>.fields]`), checked on each page.
    pub fields: Option<&'static indexmap::IndexMap<String, FieldSpec>>,
    /// `book.toml` declares the kind: its front matter takes no key but the common ones and
    /// its declared fields, and its pages are grouped after plain pages.
    pub declared: bool,
    /// Its place among the kinds of a build ([`crate::content::PageKinds`] sets it): the
    /// order of backlink groups.
    pub position: usize,
}

impl KindDescription {
    /// What a plain page is (the common keys only, listed by title, `page.html`), and what
    /// every description leaves as it is (`..KindDescription::PLAIN`).
    pub const PLAIN: KindDescription = KindDescription {
        id: "page",
        folder: "",
        section_title: "",
        template: "page.html",
        label: ("page", "pages"),
        listing: Listing::ByTitle,
        parse: parse_as::<PlainFrontMatter>,
        check: no_check,
        new_page: None,
        fields: None,
        declared: false,
        position: 0,
    };

    /// The text of a new page of this kind titled `title` (a quoted YAML string).
    pub fn new_page_text(&self, title: &str, today: &str) -> String {
        match self.new_page {
            Some(text) => text.replace("{today}", today).replace("{title}", title),
            None => format!(
                "---\ntitle: {title}\nsummary: What this {} is about.\n---\n\n",
                self.label.0.to_lowercase()
            ),
        }
    }
}

/// Two descriptions are of the same kind when they have the same name.
impl PartialEq for KindDescription {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for KindDescription {}

impl std::hash::Hash for KindDescription {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state)
    }
}

front_matter! {
    /// A plain page, a section's `_index.md`, or a page of a kind `book.toml` declares.
    pub struct PlainFrontMatter {}
}

/// Every kind of page a build knows, handed down to content loading by the pipeline: the
/// built-in kinds' descriptions in the registry's order, then the kinds `book.toml`
/// declares ([`crate::content::declared::page_kinds`]). A page's top folder picks its kind.
#[derive(Debug, Default)]
pub struct PageKinds {
    kinds: Vec<KindDescription>,
}

impl PageKinds {
    /// `kinds` in order, each told its position.
    pub fn new(kinds: impl IntoIterator<Item = KindDescription>) -> PageKinds {
        let kinds = kinds
            .into_iter()
            .enumerate()
            .map(|(position, kind)| KindDescription { position, ..kind })
            .collect();
        PageKinds { kinds }
    }

    /// The kind whose pages are in the top folder `folder`.
    pub fn by_folder(&self, folder: &str) -> Option<&KindDescription> {
        self.kinds
            .iter()
            .find(|k| k.folder == folder && !folder.is_empty())
    }

    /// The kind named `id`.
    pub fn by_id(&self, id: &str) -> Option<&KindDescription> {
        self.kinds.iter().find(|k| k.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &KindDescription> {
        self.kinds.iter()
    }
}
