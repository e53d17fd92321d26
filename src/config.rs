//! Stage 1: load `book.toml`, the site's configuration.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, line_col};

pub const CONFIG_FILE: &str = "book.toml";

/// Where `key` is set in the site's `book.toml` (its line, column 1), or 1:1 when it is not.
pub fn key_position(root: &Path, key: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    let sets_key = |line: &str| {
        let rest = line.trim_start().strip_prefix(key);
        rest.is_some_and(|r| r.trim_start().starts_with('='))
    };
    text.lines()
        .position(sets_key)
        .map_or((1, 1), |i| (i + 1, 1))
}

/// Every key `book.toml` understands, as dotted paths. Unknown keys get a warning
/// naming the nearest of these.
const KNOWN_KEYS: &[&str] = &[
    "book",
    "book.title",
    "book.description",
    "book.authors",
    "book.language",
    "build",
    "build.content-dir",
    "build.build-dir",
    "build.theme",
    "build.base-url",
    "build.last-updated",
    "output",
    "output.html",
    "output.html.edit-url-template",
    "output.html.additional-css",
    "glossary",
    "glossary.autolink",
    "search",
    "search.enabled",
    "postmortems",
    "postmortems.severities",
    "postmortems.factor-categories",
    "kinds",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Folder holding `book.toml`; every other path is relative to it.
    #[serde(skip)]
    pub root: PathBuf,
    pub book: BookConfig,
    pub build: BuildConfig,
    pub output: OutputConfig,
    pub glossary: GlossaryConfig,
    pub search: SearchConfig,
    pub postmortems: PostmortemConfig,
    /// `[kinds.<name>]` tables as written; see [`Config::declared`] for the checked form.
    pub kinds: indexmap::IndexMap<String, KindConfig>,
    /// The kinds `book.toml` declares and the fields it adds to built-in kinds, checked.
    /// Held for the whole run (pages point at their kind), so leaked once per load.
    #[serde(skip)]
    pub declared: &'static DeclaredKinds,
}

/// One `[kinds.<name>]` table of `book.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindConfig {
    /// Folder under the content dir (`runbooks`); the kind's name when unset.
    pub folder: Option<String>,
    /// One page's label (`Runbook`).
    pub name: Option<String>,
    /// The section's title and nav entry (`Runbooks`).
    pub title: Option<String>,
    /// The page template; the theme's `page.html` (with the fields as a fact box) when unset.
    pub template: Option<String>,
    #[serde(default)]
    pub fields: indexmap::IndexMap<String, FieldSpec>,
}

/// One field of `[kinds.<name>.fields]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    #[serde(rename = "type")]
    pub ty: FieldType,
    #[serde(default)]
    pub required: bool,
    /// The allowed values of an `enum`.
    #[serde(default)]
    pub values: Vec<String>,
    /// The kind a `page`/`pages` field must point to.
    #[serde(default)]
    pub kind: Option<String>,
}

/// The types a declared field can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    /// Markdown, term-linked.
    Text,
    Integer,
    Number,
    Boolean,
    Date,
    Datetime,
    Enum,
    List,
    Url,
    /// A reference to one page (`folder/slug` or a name), checked like a link.
    Page,
    Pages,
}

impl FieldType {
    pub const NAMES: [&'static str; 12] = [
        "string", "text", "integer", "number", "boolean", "date", "datetime", "enum", "list",
        "url", "page", "pages",
    ];
}

/// A kind declared in `book.toml`, checked.
#[derive(Debug)]
pub struct DeclaredKind {
    /// The key of its table (`runbook`): `hindsight new runbook`, search's kind chip.
    pub id: String,
    pub folder: String,
    /// One page's label and the section's title.
    pub label: String,
    pub title: String,
    pub template: Option<String>,
    pub fields: indexmap::IndexMap<String, FieldSpec>,
}

// A kind is one table of `book.toml`: its key names it.
impl PartialEq for DeclaredKind {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for DeclaredKind {}
impl std::hash::Hash for DeclaredKind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state)
    }
}
impl PartialOrd for DeclaredKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for DeclaredKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id.cmp(&other.id)
    }
}

/// Every kind `book.toml` declares, and the fields it adds to built-in kinds.
#[derive(Debug, Default)]
pub struct DeclaredKinds {
    pub kinds: Vec<DeclaredKind>,
    /// Built-in kind (`postmortem`) → its added fields.
    pub builtin_fields: Vec<(String, indexmap::IndexMap<String, FieldSpec>)>,
}

static NO_DECLARED_KINDS: DeclaredKinds = DeclaredKinds {
    kinds: Vec::new(),
    builtin_fields: Vec::new(),
};

/// A built-in kind of page as `book.toml` sees it: `[kinds.<id>]` may only add `fields` to
/// it, and no declared kind may take its folder. Config knows no kind by itself: the
/// pipeline hands these down from the kinds' registry ([`load_config`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinKind {
    pub id: &'static str,
    pub folder: &'static str,
}

impl DeclaredKinds {
    pub fn none() -> &'static DeclaredKinds {
        &NO_DECLARED_KINDS
    }

    /// The declared kind whose folder is `folder`.
    pub fn by_folder(&self, folder: &str) -> Option<&DeclaredKind> {
        self.kinds.iter().find(|k| k.folder == folder)
    }

    pub fn by_id(&self, id: &str) -> Option<&DeclaredKind> {
        self.kinds.iter().find(|k| k.id == id)
    }

    /// Fields `book.toml` adds to the built-in kind `name`.
    pub fn builtin(&self, name: &str) -> Option<&indexmap::IndexMap<String, FieldSpec>> {
        self.builtin_fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f)
    }
}

/// Checks the `[kinds]` tables; problems name their place in `book.toml`.
fn check_kinds(
    config: &Config,
    builtin: &[BuiltinKind],
    text: &str,
    diags: &mut Diagnostics,
) -> DeclaredKinds {
    let mut declared = DeclaredKinds::default();
    let error = |key: &str, message: String| {
        let (line, col) = find_key_position(text, key);
        Diagnostic::error(CONFIG_FILE, line, col, message).with_source(text)
    };
    let known: Vec<&str> = builtin
        .iter()
        .map(|k| k.id)
        .chain(config.kinds.keys().map(String::as_str))
        .collect();
    for (id, table) in &config.kinds {
        for (name, field) in &table.fields {
            check_field(id, name, field, &known, diags, &error);
        }
        if builtin.iter().any(|k| k.id == id) {
            if table.folder.is_some()
                || table.name.is_some()
                || table.title.is_some()
                || table.template.is_some()
            {
                diags.push(error(
                    id,
                    format!("`[kinds.{id}]` is a built-in kind: it takes only `fields`"),
                ));
            }
            declared
                .builtin_fields
                .push((id.clone(), table.fields.clone()));
            continue;
        }
        let folder = table.folder.clone().unwrap_or_else(|| id.clone());
        if let Some(BuiltinKind { id: name, .. }) = builtin.iter().find(|k| k.folder == folder) {
            diags.push(error(
                id,
                format!("folder `{folder}` is the built-in kind `{name}`'s; choose another"),
            ));
            continue;
        }
        let label = table.name.clone().unwrap_or_else(|| capitalized(id));
        declared.kinds.push(DeclaredKind {
            id: id.clone(),
            title: table.title.clone().unwrap_or_else(|| capitalized(&folder)),
            folder,
            label,
            template: table.template.clone(),
            fields: table.fields.clone(),
        });
    }
    declared
}

fn check_field(
    kind: &str,
    name: &str,
    field: &FieldSpec,
    known: &[&str],
    diags: &mut Diagnostics,
    error: &dyn Fn(&str, String) -> Diagnostic,
) {
    if field.ty == FieldType::Enum && field.values.is_empty() {
        diags.push(error(
            name,
            format!("field `{name}` of kind `{kind}` is an enum: list its `values`"),
        ));
    }
    if field.ty != FieldType::Enum && !field.values.is_empty() {
        diags.push(error(
            name,
            format!("field `{name}` of kind `{kind}` has `values` but is not an enum"),
        ));
    }
    match (&field.kind, field.ty) {
        (Some(k), FieldType::Page | FieldType::Pages) if !known.contains(&k.as_str()) => {
            let hint = nearest(k, known.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            diags.push(error(
                name,
                format!("field `{name}` of kind `{kind}` points to unknown kind `{k}`{hint}"),
            ));
        }
        (Some(_), FieldType::Page | FieldType::Pages) | (None, _) => {}
        (Some(_), _) => diags.push(error(
            name,
            format!(
                "field `{name}` of kind `{kind}` has `kind` but is not a `page` or `pages` field"
            ),
        )),
    }
}

fn capitalized(s: &str) -> String {
    let words = s.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BookConfig {
    pub title: String,
    pub description: String,
    pub authors: Vec<String>,
    pub language: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct BuildConfig {
    pub content_dir: PathBuf,
    pub build_dir: PathBuf,
    pub theme: String,
    pub base_url: String,
    /// Date each page by the last git commit touching its file.
    pub last_updated: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OutputConfig {
    pub html: HtmlOutputConfig,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct HtmlOutputConfig {
    /// `{path}` is replaced by the page's source path relative to the site root.
    pub edit_url_template: Option<String>,
    pub additional_css: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutolinkMode {
    #[default]
    First,
    All,
    Off,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GlossaryConfig {
    pub autolink: AutolinkMode,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SearchConfig {
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeverityLevel {
    pub id: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct PostmortemConfig {
    pub severities: Vec<SeverityLevel>,
    pub factor_categories: Vec<String>,
}

impl Default for PostmortemConfig {
    fn default() -> Self {
        let sev = |id: &str, d: &str| SeverityLevel {
            id: id.into(),
            description: d.into(),
        };
        PostmortemConfig {
            severities: vec![
                sev(
                    "SEV1",
                    "Critical: a core service is down or data is lost for many users.",
                ),
                sev(
                    "SEV2",
                    "Major: a core feature is degraded for many users, or down for some.",
                ),
                sev("SEV3", "Minor: limited impact, a workaround exists."),
                sev(
                    "SEV4",
                    "Low: little or no user-facing impact; worth learning from.",
                ),
            ],
            factor_categories: [
                "change",
                "config",
                "capacity",
                "dependency",
                "monitoring",
                "process",
                "tooling",
                "hardware",
                "software",
                "human-factors",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            title: "Hindsight".into(),
            description: String::new(),
            authors: Vec::new(),
            language: "en".into(),
        }
    }
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            content_dir: "content".into(),
            build_dir: "site".into(),
            theme: "default".into(),
            base_url: "/".into(),
            last_updated: true,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            root: PathBuf::from("."),
            book: BookConfig::default(),
            build: BuildConfig::default(),
            output: OutputConfig::default(),
            glossary: GlossaryConfig::default(),
            search: SearchConfig::default(),
            postmortems: PostmortemConfig::default(),
            kinds: Default::default(),
            declared: DeclaredKinds::none(),
        }
    }
}

impl Config {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.build.content_dir)
    }

    pub fn build_dir(&self) -> PathBuf {
        self.root.join(&self.build.build_dir)
    }

    /// The base URL, always starting and ending with `/` (`/`, `/docs/`).
    pub fn base_path(&self) -> String {
        let trimmed = self.build.base_url.trim().trim_matches('/');
        // A full URL (https://host/sub) contributes only its path.
        let path = match trimmed.find("://") {
            Some(i) => trimmed[i + 3..].split_once('/').map_or("", |(_, p)| p),
            None => trimmed,
        };
        let path = path.trim_matches('/');
        if path.is_empty() {
            "/".into()
        } else {
            format!("/{path}/")
        }
    }

    /// The absolute site URL when `base-url` is a full URL (for the sitemap and feeds).
    pub fn site_origin(&self) -> Option<String> {
        let b = self.build.base_url.trim().trim_end_matches('/');
        b.contains("://").then(|| b.to_string())
    }
}

/// Load `book.toml` from `root`, its `[kinds]` checked against the `builtin` kinds. A
/// missing file gives the defaults; warnings for unknown keys go into `diags`; a malformed
/// file is an error.
pub fn load_config(
    root: &Path,
    builtin: &[BuiltinKind],
    diags: &mut Diagnostics,
) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(Config {
                root: root.to_path_buf(),
                ..Config::default()
            });
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                CONFIG_FILE,
                0,
                0,
                format!("cannot read: {e}"),
            ));
            return None;
        }
    };
    parse_config(&text, root, builtin, diags)
}

pub fn parse_config(
    text: &str,
    root: &Path,
    builtin: &[BuiltinKind],
    diags: &mut Diagnostics,
) -> Option<Config> {
    let toml_error = |e: toml::de::Error, diags: &mut Diagnostics| {
        let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        diags.push(
            Diagnostic::error(CONFIG_FILE, line, col, e.message().to_string()).with_source(text),
        );
    };
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            toml_error(e, diags);
            return None;
        }
    };
    warn_unknown_keys(&table, "", text, diags);
    match toml::from_str::<Config>(text) {
        Ok(mut c) => {
            c.root = root.to_path_buf();
            let errors = diags.errors().count();
            let declared = check_kinds(&c, builtin, text, diags);
            if diags.errors().count() > errors {
                return None;
            }
            if !declared.kinds.is_empty() || !declared.builtin_fields.is_empty() {
                c.declared = Box::leak(Box::new(declared));
            }
            Some(c)
        }
        Err(e) => {
            toml_error(e, diags);
            None
        }
    }
}

fn warn_unknown_keys(table: &toml::Table, prefix: &str, text: &str, diags: &mut Diagnostics) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if !KNOWN_KEYS.contains(&path.as_str()) {
            let (line, col) = find_key_position(text, key);
            let hint = nearest(&path, KNOWN_KEYS.iter().copied())
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            diags.push(
                Diagnostic::warning(
                    CONFIG_FILE,
                    line,
                    col,
                    format!("unknown key `{path}`{hint}"),
                )
                .with_source(text),
            );
            continue;
        }
        // Array-of-tables values such as `severities` are data, not further keys; kinds'
        // tables are checked key by key as they are read.
        if let toml::Value::Table(inner) = value
            && path != "kinds"
        {
            warn_unknown_keys(inner, &path, text, diags);
        }
    }
}

fn find_key_position(text: &str, key: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        if t.starts_with(key) && t[key.len()..].trim_start().starts_with('=') {
            return (i + 1, indent + 1);
        }
        if let Some(pos) = t
            .find(&format!("[{key}]"))
            .or_else(|| t.find(&format!(".{key}]")))
        {
            return (i + 1, indent + pos + 2);
        }
    }
    (0, 0)
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// How one run of the pipeline builds: set by the command line (`build`, `check`, `serve`).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub include_drafts: bool,
    /// Report link problems as warnings instead of failing the build.
    pub warn_links: bool,
    /// Overrides `build.build-dir`.
    pub out_dir: Option<PathBuf>,
    /// Set by `serve`: templates add the live-reload script.
    pub live_reload: bool,
    /// The build date (overdue action items); default `SOURCE_DATE_EPOCH` or today (UTC).
    pub build_date: Option<jiff::civil::Date>,
    /// Replace an existing output folder even if this tool did not build it.
    pub force: bool,
    /// Overrides `build.base-url` (CI sets the URL its host publishes the site at).
    pub base_url: Option<String>,
}

impl BuildOptions {
    /// The build date: `build_date` when given (tests, `--build-date`), else
    /// `SOURCE_DATE_EPOCH` (reproducible builds), else the current UTC date.
    pub fn build_date(&self) -> jiff::civil::Date {
        self.build_date
            .or_else(|| {
                let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
                    .ok()?
                    .trim()
                    .parse()
                    .ok()?;
                Some(
                    jiff::Timestamp::from_second(secs)
                        .ok()?
                        .to_zoned(jiff::tz::TimeZone::UTC)
                        .date(),
                )
            })
            .unwrap_or_else(|| {
                jiff::Timestamp::now()
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .date()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_file() {
        let c = Config::default();
        assert_eq!(c.build.content_dir, PathBuf::from("content"));
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn base_path_normalised() {
        let mut c = Config::default();
        c.build.base_url = "docs".into();
        assert_eq!(c.base_path(), "/docs/");
        c.build.base_url = "https://example.org/kb/".into();
        assert_eq!(c.base_path(), "/kb/");
        assert_eq!(c.site_origin().as_deref(), Some("https://example.org/kb"));
    }

    #[test]
    fn unknown_key_warns_with_suggestion() {
        let mut d = Diagnostics::default();
        let c = parse_config("[book]\ntitel = \"x\"\n", Path::new("."), &[], &mut d).unwrap();
        assert_eq!(c.book.title, "Hindsight");
        let w = &d.items[0];
        assert_eq!((w.line, w.column), (2, 1));
        assert!(w.message.contains("book.title"), "{}", w.message);
    }

    #[test]
    fn malformed_toml_is_an_error_with_position() {
        let mut d = Diagnostics::default();
        assert!(parse_config("[book]\ntitle = \n", Path::new("."), &[], &mut d).is_none());
        assert!(d.has_errors());
        assert_eq!(d.items[0].line, 2);
    }
}
