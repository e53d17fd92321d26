//! `hindsight init` and `hindsight new`: a new site, or a new page from its kind's
//! description (the text a built-in kind's folder gives, or a title and summary for a plain
//! page or a kind `book.toml` declares), with the fields `book.toml` declares for the kind.

use std::io;
use std::path::{Path, PathBuf};

use crate::config::{FieldSpec, FieldType};
use crate::content::{KindDescription, PageKinds, slugify};

fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

/// Front-matter lines for declared fields, each with a comment saying what it takes.
fn declared_field_lines(fields: &indexmap::IndexMap<String, FieldSpec>, today: &str) -> String {
    let mut out = String::new();
    for (name, f) in fields {
        let need = if f.required { "required" } else { "optional" };
        let (what, value) = match f.ty {
            FieldType::String => ("text".to_string(), "\"\"".to_string()),
            FieldType::Text => ("Markdown text, term-linked".into(), "\"\"".into()),
            FieldType::Integer => ("a whole number".into(), "0".into()),
            FieldType::Number => ("a number".into(), "0".into()),
            FieldType::Boolean => ("true or false".into(), "false".into()),
            FieldType::Date => ("a date".into(), today.to_string()),
            FieldType::Datetime => ("a date and time".into(), format!("{today}T09:00:00Z")),
            FieldType::Enum => (
                format!("one of {}", f.values.join(", ")),
                f.values[0].clone(),
            ),
            FieldType::List => ("a list".into(), "[]".into()),
            FieldType::Url => ("a URL".into(), "https://example.com".into()),
            FieldType::Page | FieldType::Pages => {
                let of = f
                    .kind
                    .as_deref()
                    .map(|k| format!(" of kind {k}"))
                    .unwrap_or_default();
                let many = if f.ty == FieldType::Pages {
                    "pages"
                } else {
                    "a page"
                };
                let empty = if f.ty == FieldType::Pages {
                    "[]"
                } else {
                    "\"\""
                };
                (format!("{many}{of}, as folder/slug"), empty.to_string())
            }
        };
        out.push_str(&format!("# {what} ({need})\n{name}: {value}\n"));
    }
    out
}

/// The kind `hindsight new` was asked for: `page` (a plain page at the top of the content
/// dir) or a kind's name (a built-in one's in any case).
fn find_kind(kinds: &PageKinds, name: &str) -> Option<KindDescription> {
    if name.eq_ignore_ascii_case("page") {
        return Some(KindDescription::PLAIN);
    }
    kinds
        .by_id(name)
        .or_else(|| {
            kinds
                .iter()
                .find(|k| !k.declared && k.id.eq_ignore_ascii_case(name))
        })
        .copied()
}

/// The kinds `hindsight new` knows, for an error message.
fn kind_names(kinds: &PageKinds) -> String {
    let builtin = kinds.iter().filter(|k| !k.declared).map(|k| k.id);
    let declared = kinds.iter().filter(|k| k.declared).map(|k| k.id);
    builtin
        .chain(["page"])
        .chain(declared)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text of a new page of `kind` titled `title`, with a line for each field `book.toml`
/// declares for the kind just before the closing `---`.
fn new_page_text(kind: &KindDescription, title: &str, today: &str) -> String {
    let mut text = kind.new_page_text(&yaml_string(title), today);
    if let Some(fields) = kind.fields {
        let end = text[4..].find("\n---\n").map_or(text.len(), |i| i + 5);
        text.insert_str(end, &declared_field_lines(fields, today));
    }
    text
}

/// Write a new page of `kind` (a built-in kind or one `book.toml` declares) for `title`
/// under its kind's folder; never overwrites.
pub fn new_page(root: &Path, kind: &str, title: &str) -> io::Result<PathBuf> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the title has no letters or digits to make a slug from",
        ));
    }
    let mut config_diags = crate::diagnostics::Diagnostics::default();
    let config = crate::pipeline::read_config(root, &mut config_diags)
        .ok_or_else(|| io::Error::other(config_diags.to_string()))?;
    let kinds = crate::kinds::registry::page_kinds(config.declared);
    let Some(description) = find_kind(kinds, kind) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unknown kind `{kind}`: one of {}", kind_names(kinds)),
        ));
    };
    let folder = description.folder;
    let text = new_page_text(&description, title, &today());
    let dir = config.content_dir().join(folder);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{slug}.md"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(
                    e.kind(),
                    format!("{} already exists; not overwriting it", path.display()),
                )
            } else {
                e
            }
        })?;
    io::Write::write_all(&mut file, text.as_bytes())?;
    Ok(path)
}

/// Sample files of a new site: one or more entries of each kind, cross-linked.
const SAMPLE_SITE: &[(&str, &str)] = &[
    (
        "book.toml",
        "[book]\ntitle = \"Our incident knowledge base\"\ndescription = \"Glossary, post-mortems and practice scripts for our on-call engineers.\"\nlanguage = \"en\"\n\n[build]\ncontent-dir = \"content\"\nbuild-dir = \"site\"\n",
    ),
    (
        "content/index.md",
        "---\ntitle: Our incident knowledge base\nsummary: Learn the vocabulary, practise the review meeting, and study past incidents.\n---\n\nStart with the [[Glossary|glossary]], then read a post-mortem and practise a script.\n",
    ),
    (
        "content/glossary/_index.md",
        "---\ntitle: Glossary\nsummary: The words of incident response, one precise definition each.\n---\n",
    ),
    (
        "content/glossary/blast-radius.md",
        "---\ntitle: Blast Radius\nsummary: How far an incident's impact reaches across users, services and business operations.\naliases: [impact radius]\nrelated: [runbook]\ntags: [reliability]\n---\n\n## What it is\n\nThe set of users, services and regions an incident touches.\n\n## Why it matters in a post-mortem\n\nIt sizes the impact and tells you which isolation failed.\n\n## Example\n\nA bad config pushed to every region at once has a global blast radius.\n",
    ),
    (
        "content/glossary/runbook.md",
        "---\ntitle: Runbook\nsummary: A written procedure for responding to a specific kind of incident.\nrelated: [blast-radius]\ntags: [operations]\n---\n\n## What it is\n\nStep-by-step instructions an on-call engineer can follow under pressure.\n\n## Why it matters in a post-mortem\n\nA missing or outdated runbook is a common contributing factor.\n\n## Example\n\n```bash\nkubectl rollout undo deployment/api\n```\n",
    ),
    (
        "content/postmortems/_index.md",
        "---\ntitle: Post-mortems\nsummary: Past incidents, as data and as stories.\n---\n",
    ),
    (
        "content/postmortems/sample-outage.md",
        "---\ntitle: Sample API outage\ndate: 2026-01-15\nseverity: SEV2\nstatus: published\nauthors: [On-call team]\nservices: [api]\nsummary: A configuration change took the API down for 25 minutes.\nimpact:\n  description: API requests failed for all customers.\nblast_radius: Every customer of the public API.\ntrigger: A configuration change with a typo.\nroot_causes:\n  - The change was not validated before it was applied.\ncontributing_factors:\n  - category: config\n    description: No schema check on the configuration file.\ndetection: An availability alert.\nresolution: The change was rolled back.\ntimeline:\n  - at: 2026-01-15T10:00:00Z\n    event: The configuration change is applied; errors start.\n    marks: impact-start\n  - at: 2026-01-15T10:04:00Z\n    event: The availability alert fires.\n    marks: detected\n  - at: 2026-01-15T10:20:00Z\n    event: The change is rolled back.\n    marks: mitigated\n  - at: 2026-01-15T10:25:00Z\n    event: Error rates are back to normal.\n    marks: resolved\naction_items:\n  - title: Validate configuration against a schema in CI.\n    type: prevent\n    owner: Platform team\n    priority: P1\n    status: open\n    due: 2026-02-15\nlessons:\n  went_well: [The alert fired within five minutes.]\n  went_wrong: [Nothing checked the configuration before it shipped.]\n  got_lucky: [It happened during working hours.]\n---\n\n## What happened\n\nA typo in a configuration change widened the blast radius to every customer. The on-call engineer followed the [runbook](../glossary/runbook.md).\n",
    ),
    (
        "content/scripts/_index.md",
        "---\ntitle: Scripts\nsummary: Role-plays for leading a post-mortem meeting.\n---\n",
    ),
    (
        "content/scripts/opening-the-review.md",
        "---\ntitle: Opening the review\nsummary: Set a blameless tone in the first two minutes.\nscenario: The API outage review starts; the CTO is frustrated.\nroles:\n  You: Post-mortem lead\n  CTO: Chief Technology Officer\nlearner: You\n---\n\n## Opening {minutes=2}\n\nYou: Thanks for coming. We are here to understand what happened, not to find someone to blame.\n\nCTO: I still want to know who pushed that change.\n\nYou: We will look at how the change got through, because that is what we can fix.\n\n## Closing {minutes=1}\n\nYou: I will send the document with owners and dates today.\n",
    ),
    (
        "content/guidelines/_index.md",
        "---\ntitle: Guidelines\nsummary: How to conduct a post-mortem.\n---\n",
    ),
    (
        "content/guidelines/facts-not-blame.md",
        "---\ntitle: Focus on facts, not blame\nsummary: Steer the discussion to what happened and why the system allowed it.\n---\n\n## The principle\n\nAsk what and how, not who.\n",
    ),
    (
        "content/paths/_index.md",
        "---\ntitle: Learning paths\nsummary: Ordered reading for newcomers.\n---\n",
    ),
    (
        "content/paths/first-day.md",
        "---\ntitle: First day\nsummary: The basics in four steps.\nsteps:\n  - glossary/blast-radius\n  - glossary/runbook\n  - postmortems/sample-outage\n  - scripts/opening-the-review\n---\n\nFour pages to read on your first day.\n",
    ),
];

/// Create a new site in `dir`, which must be empty or absent.
/// Where `hindsight init --ci` sets up publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CiProvider {
    /// `.github/workflows/pages.yml`: build and publish to GitHub Pages.
    Github,
    /// `.gitlab-ci.yml`: build and publish to GitLab Pages.
    Gitlab,
}

impl CiProvider {
    /// The workflow file's path in the site and its text.
    pub fn workflow(self) -> (&'static str, &'static str) {
        match self {
            CiProvider::Github => (
                ".github/workflows/pages.yml",
                include_str!("github-pages.yml"),
            ),
            CiProvider::Gitlab => (".gitlab-ci.yml", include_str!("gitlab-pages.yml")),
        }
    }
}

/// Keeps built sites and their staging folders out of version control.
const GITIGNORE: &str = "# Built by `hindsight build`; never commit it.\n/site/\n/site.tmp-*/\n/site.old-*/\n/public/\n";

/// A new site in `dir` (absent or empty): sample pages of every kind, a `.gitignore`, and a
/// publishing workflow when `ci` names one.
pub fn init_site(dir: &Path, ci: Option<CiProvider>) -> io::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is not empty; choose a new folder", dir.display()),
        ));
    }
    let extra = [(".gitignore", GITIGNORE)]
        .into_iter()
        .chain(ci.map(CiProvider::workflow));
    for (rel, text) in SAMPLE_SITE.iter().copied().chain(extra) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_page_refuses_to_overwrite() {
        let dir = std::env::temp_dir().join(format!("hindsight-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = new_page(&dir, "glossary", "Blast Radius").unwrap();
        assert!(p.ends_with("content/glossary/blast-radius.md"));
        let err = new_page(&dir, "glossary", "Blast Radius").unwrap_err();
        assert!(err.to_string().contains("already exists"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Each built-in kind's new page, from the text its folder gives, is a valid page of
    /// that kind, and its title is written as a quoted YAML string.
    #[test]
    fn every_built_in_kind_gives_a_new_page_of_its_kind() {
        let kinds = crate::kinds::registry::page_kinds(crate::config::DeclaredKinds::none());
        for kind in kinds.iter() {
            let text = new_page_text(kind, "A: \"quoted\" {today}", "2026-03-12");
            let rel = format!("{}/x.md", kind.folder);
            let page = crate::content::parse_page(
                format!("content/{rel}").into(),
                rel,
                text.clone(),
                crate::content::DiscoverOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", kind.id))
            .unwrap();
            assert!(page.kind.is(kind), "{}", kind.id);
            assert_eq!(page.meta.title, "A: \"quoted\" {today}", "{}", kind.id);
        }
        let names = kind_names(kinds);
        assert_eq!(names, "glossary, postmortem, script, guideline, path, page");
    }
}
