//! `hindsight init` and `hindsight new`: a new site, or a new page from its kind's template.

use std::io;
use std::path::{Path, PathBuf};

use crate::content::slugify;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PageTemplateKind {
    Glossary,
    Postmortem,
    Script,
    Guideline,
    Path,
    Page,
}

impl PageTemplateKind {
    fn folder(self) -> &'static str {
        match self {
            PageTemplateKind::Glossary => "glossary",
            PageTemplateKind::Postmortem => "postmortems",
            PageTemplateKind::Script => "scripts",
            PageTemplateKind::Guideline => "guidelines",
            PageTemplateKind::Path => "paths",
            PageTemplateKind::Page => "",
        }
    }

    /// The front matter and body of a new page, with every field in place and explained.
    fn template(self, title: &str, today: &str) -> String {
        let title = yaml_string(title);
        match self {
            PageTemplateKind::Glossary => format!(
                "---\ntitle: {title}\n# One precise sentence: shown in tooltips wherever the term is linked.\nsummary: One precise sentence that defines the term.\n# Other names and abbreviations; each is linked like the title.\naliases: []\n# Slugs of related glossary terms (shown on both pages).\nrelated: []\ntags: []\n---\n\n## What it is\n\n## Why it matters in a post-mortem\n\n## Example\n"
            ),
            PageTemplateKind::Postmortem => format!(
                "---\ntitle: {title}\ndate: {today}\n# SEV1 (critical) .. SEV4 (low); levels are set in book.toml [postmortems].\nseverity: SEV2\n# draft | in-review | reviewed | published\nstatus: draft\nauthors: []\nservices: []\nsummary: What happened, in one or two sentences.\nimpact:\n  description: Who was affected and how.\n  # users_affected: 0\n  # requests_failed: 0\n  # slo_breached: availability\nblast_radius: Which services, regions and customers were touched.\ntrigger: The change or event that set it off.\n# Causes; the narrative may argue there is no single root cause.\nroot_causes: []\n# category: change, config, capacity, dependency, monitoring, process, tooling, hardware, software, human-factors\ncontributing_factors: []\ndetection: How it was noticed (alert, customer report, ...).\nresolution: What ended the impact.\n# Set an IANA zone to write local times; otherwise every `at` needs an offset (Z or +01:00).\ntimezone: UTC\n# marks: impact-start, detected, acknowledged, declared, mitigated, resolved, closed\n# mitigated = most users' impact ended; resolved = fully back to normal (mark only resolved\n# when both are the same moment). source: the id of the `sources` entry an entry comes from.\ntimeline:\n  - at: {today}T09:00:00\n    event: Impact begins.\n    marks: impact-start\n  - at: {today}T09:05:00\n    event: Alert fires.\n    marks: detected\n    source: alerts\n  - at: {today}T09:30:00\n    event: Service restored.\n    marks: resolved\n# type: prevent | mitigate | detect | process; status: open | in-progress | done | wont-do\n# owner, priority, status and due are optional (an open item should have an owner).\naction_items:\n  - title: Describe the follow-up.\n    type: prevent\n    owner: Team name\n    priority: P2\n    status: open\nlessons:\n  went_well: []\n  went_wrong: []\n  got_lucky: []\n# Where the facts come from; timeline entries cite a source by its id.\nsources:\n  - id: alerts\n    title: Alert history for the incident\n    url: https://example.com/alerts\n---\n\n## What happened\n\n## Why it happened\n\n## What we learned\n"
            ),
            PageTemplateKind::Script => format!(
                "---\ntitle: {title}\nsummary: What this role-play practises.\nscenario: The situation, in a paragraph.\n# Speaker name -> who they are.\nroles:\n  You: Post-mortem lead\n  CTO: Chief Technology Officer\n# The role the trainee plays.\nlearner: You\n# postmortem: slug-of-the-incident\n---\n\n## Opening {{minutes=2}}\n\nYou: Thanks for coming. We are here to learn, not to blame.\n\nCTO: I want to know who caused this.\n\n## Closing {{minutes=2}}\n\nYou: I will circulate the document with owners and dates today.\n"
            ),
            PageTemplateKind::Guideline => format!(
                "---\ntitle: {title}\nsummary: The principle in one sentence.\n# Techniques scripts can tag lines with: {{technique=id}}.\ntechniques: []\n---\n\n## The principle\n\n## Why it matters\n\n## Do\n\n## Don't\n"
            ),
            PageTemplateKind::Path => format!(
                "---\ntitle: {title}\nsummary: Who this path is for and what they will know at the end.\n# Ordered page references as folder/slug.\nsteps: []\n---\n\nWhat this path covers.\n"
            ),
            PageTemplateKind::Page => {
                format!("---\ntitle: {title}\nsummary: What this page is about.\n---\n\n")
            }
        }
    }
}

fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

/// Write a new page for `title` under its kind's folder; never overwrites.
pub fn new_page(root: &Path, kind: PageTemplateKind, title: &str) -> io::Result<PathBuf> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the title has no letters or digits to make a slug from",
        ));
    }
    let mut config_diags = crate::diagnostics::Diagnostics::default();
    let content_dir = crate::config::load_config(root, &mut config_diags)
        .map(|c| c.content_dir())
        .ok_or_else(|| io::Error::other(config_diags.to_string()))?;
    let dir = content_dir.join(kind.folder());
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
    io::Write::write_all(&mut file, kind.template(title, &today()).as_bytes())?;
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
        let p = new_page(&dir, PageTemplateKind::Glossary, "Blast Radius").unwrap();
        assert!(p.ends_with("content/glossary/blast-radius.md"));
        let err = new_page(&dir, PageTemplateKind::Glossary, "Blast Radius").unwrap_err();
        assert!(err.to_string().contains("already exists"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
