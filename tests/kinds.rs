//! Content kinds: `extra:` front matter on every kind, handed to templates unvalidated.

use std::collections::BTreeMap;
use std::path::Path;

use hindsight::diagnostics::Diagnostics;
use hindsight::output::MemorySink;
use hindsight::pipeline::{BuildOptions, load_site};
use hindsight::render::outputs::render_site;

/// A temporary site: `book.toml` extra lines, then files relative to the site root.
fn site(book: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!("[book]\ntitle = \"Test\"\n{book}");
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn options() -> BuildOptions {
    BuildOptions {
        build_date: Some("2026-06-01".parse().unwrap()),
        ..BuildOptions::default()
    }
}

/// Build into memory: the output files by path.
fn build(root: &Path) -> Result<BTreeMap<String, String>, Diagnostics> {
    let (site, _) = load_site(root, &options())?;
    let sink = MemorySink::default();
    render_site(&site, &sink, &options())?;
    Ok(sink
        .files
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect())
}

/// The text of the element `id="x"` of an output page.
fn shown(files: &BTreeMap<String, String>, page: &str) -> String {
    let html = &files[&format!("{page}index.html")];
    let start = html.find("<p id=\"x\">").unwrap() + "<p id=\"x\">".len();
    let end = html[start..].find("</p>").unwrap() + start;
    html[start..end].to_string()
}

#[test]
fn extra_reaches_templates_of_every_kind_unvalidated() {
    let glossary = "<p id=\"x\">{% if page.extra == 5 %}five{% elif page.extra %}\
                    {{ page.extra.owner }} {{ page.extra.review }}{% else %}none{% endif %}</p>";
    let postmortem = "<p id=\"x\">{% for j in page.extra.jira %}{{ j }};{% endfor %}\
                      {{ page.extra.nested.depth.n }}</p>";
    let dir = site(
        "",
        &[
            (
                "content/glossary/slo.md",
                "---\ntitle: SLO\nsummary: A target.\nextra:\n  owner: sre\n  review: 2026-01-01\n---\nx",
            ),
            (
                "content/glossary/five.md",
                "---\ntitle: Five\nsummary: s\nextra: 5\n---\nx",
            ),
            (
                "content/glossary/none.md",
                "---\ntitle: None\nsummary: s\n---\nx",
            ),
            (
                "content/postmortems/db.md",
                "---\ntitle: DB\ndate: 2026-01-02\nextra:\n  jira: [OPS-1, OPS-2]\n  nested: {depth: {n: 3}}\n---\nx",
            ),
            ("templates/glossary.html", glossary),
            ("templates/postmortem.html", postmortem),
        ],
    );
    let out = build(dir.path()).unwrap();
    assert_eq!(shown(&out, "glossary/slo/"), "sre 2026-01-01");
    assert_eq!(shown(&out, "glossary/five/"), "five");
    assert_eq!(shown(&out, "glossary/none/"), "none");
    assert_eq!(shown(&out, "postmortems/db/"), "OPS-1;OPS-2;3");
}
