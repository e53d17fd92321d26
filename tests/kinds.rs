//! Content kinds: `extra:` front matter on every kind, handed to templates unvalidated.

mod common;

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

/// A runbook kind with one field of every type, and a field added to post-mortems.
const BOOK: &str = r#"
[kinds.runbook]
folder = "runbooks"
name = "Runbook"
title = "Runbooks"

[kinds.runbook.fields]
service = { type = "string", required = true }
notes = { type = "text" }
severity = { type = "enum", values = ["SEV1", "SEV2", "SEV3"] }
last_tested = { type = "date" }
drilled_at = { type = "datetime" }
owners = { type = "list" }
steps = { type = "integer" }
error_budget = { type = "number" }
paging = { type = "boolean" }
dashboard = { type = "url" }
service_page = { type = "page" }
postmortems = { type = "pages", kind = "postmortem" }

[kinds.postmortem.fields]
team = { type = "string", required = true }
"#;

const RUNBOOK: &str = "---
title: Failover the database
summary: Promote the replica.
service: payments-db
notes: Check the *blast radius* first; see [the drill](https://example.com/drill).
severity: SEV1
last_tested: 2026-03-01
drilled_at: 2026-03-01T10:00:00Z
owners: [dba, sre]
steps: 7
error_budget: 0.5
paging: true
dashboard: https://grafana.example.com/d/db
service_page: notes/payments
postmortems:
  - postmortems/db-outage
---
Promote the replica, then repoint the pool.
";

fn fixture(runbook: &str, postmortem_team: &str) -> tempfile::TempDir {
    let postmortem = format!(
        "---\ntitle: DB outage\ndate: 2026-01-02\n{postmortem_team}---\nThe primary failed.\n"
    );
    site(
        BOOK,
        &[
            ("content/runbooks/failover.md", runbook),
            ("content/postmortems/db-outage.md", &postmortem),
            (
                "content/notes/payments.md",
                "---\ntitle: Payments\n---\nThe service.\n",
            ),
            (
                "content/glossary/blast-radius.md",
                "---\ntitle: Blast radius\nsummary: How far an incident reaches.\n---\nx\n",
            ),
        ],
    )
}

fn text_of(html: &str, selector: &str) -> Vec<String> {
    common::texts(&scraper::Html::parse_document(html), selector)
}

#[test]
fn a_declared_kind_gets_section_nav_facts_backlinks_term_links_and_search() {
    let dir = fixture(RUNBOOK, "team: storage\n");
    let out = build(dir.path()).unwrap();
    let page = &out["runbooks/failover/index.html"];
    assert_eq!(text_of(page, ".kind-badge"), ["Runbook"]);
    let facts = text_of(page, ".facts > div");
    for want in [
        "Service payments-db",
        "Severity SEV1",
        "Last tested 2026-03-01",
        "Owners dba, sre",
        "Steps 7",
        "Error budget 0.5",
        "Paging Yes",
        "Dashboard https://grafana.example.com/d/db",
        "Service page Payments",
        "Postmortems DB outage",
    ] {
        assert!(
            facts.iter().any(|f| f == want),
            "{want:?} not in {facts:#?}"
        );
    }
    // The text field is Markdown with term links; `page` fields link to their page.
    let notes = text_of(page, ".fact-text dd em a.t");
    assert_eq!(notes, ["blast radius"], "{page}");
    assert!(
        page.contains("<a href=\"https://example.com/drill\">the drill</a>"),
        "{page}"
    );
    assert!(page.contains("<a href=\"../../notes/payments/\">Payments</a>"));
    // Section page with its title, and a nav entry.
    let section = &out["runbooks/index.html"];
    assert_eq!(text_of(section, "h1"), ["Runbooks"]);
    assert!(section.contains("Failover the database"));
    let home = &out["index.html"];
    assert!(
        text_of(home, "nav a")
            .iter()
            .any(|a| a.starts_with("Runbooks")),
        "{home}"
    );
    // A `pages` field is a link: the post-mortem lists the runbook among its backlinks.
    let pm = &out["postmortems/db-outage/index.html"];
    assert!(
        text_of(pm, ".backlinks a")
            .iter()
            .any(|a| a == "Failover the database"),
        "{pm}"
    );
    // Search has the kind chip.
    let search: String = out
        .iter()
        .filter(|(k, _)| k.starts_with("search/"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert!(
        search.contains("\"runbook\""),
        "no runbook facet in the search files"
    );
    assert!(search.contains("Runbooks"));
    // Declared fields are searchable, each under its label, as the page shows it.
    for want in [
        "payments-db",
        "\"Owners\"",
        "dba, sre",
        "\"Team\"",
        "storage",
    ] {
        assert!(search.contains(want), "{want} not in the search files");
    }
}

/// Every error of the fixture site with this runbook, as `path:line:col message`.
fn errors(runbook: &str, postmortem_team: &str) -> Vec<String> {
    errors_of(fixture(runbook, postmortem_team).path())
}

/// Every error of the site at `root`, as `path:line:col message`.
fn errors_of(root: &Path) -> Vec<String> {
    build(root)
        .unwrap_err()
        .errors()
        .map(|d| format!("{}:{}:{} {}", d.path.display(), d.line, d.column, d.message))
        .collect()
}

fn has(errors: &[String], want: &str) {
    assert!(
        errors.iter().any(|e| e.contains(want)),
        "{want:?} not in {errors:#?}"
    );
}

#[test]
fn every_field_type_violation_is_an_error_at_its_value() {
    let bad = RUNBOOK
        .replace("service: payments-db\n", "")
        .replace("severity: SEV1", "severity: SEV4")
        .replace("last_tested: 2026-03-01", "last_tested: March")
        .replace("drilled_at: 2026-03-01T10:00:00Z", "drilled_at: noon")
        .replace("owners: [dba, sre]", "owners: dba")
        .replace("steps: 7", "steps: seven")
        .replace("error_budget: 0.5", "error_budget: half")
        .replace("paging: true", "paging: sometimes")
        .replace(
            "dashboard: https://grafana.example.com/d/db",
            "dashboard: grafana",
        )
        .replace(
            "service_page: notes/payments",
            "service_page: notes/paymnts",
        )
        .replace("  - postmortems/db-outage", "  - notes/payments")
        .replace(
            "summary: Promote the replica.",
            "summary: Promote.\nservcie: x",
        );
    let e = errors(&bad, "team: storage\n");
    let f = "content/runbooks/failover.md";
    has(
        &e,
        &format!("{f}:2:1 missing required field `service` (string)"),
    );
    has(
        &e,
        &format!(
            "{f}:4:1 unknown field `servcie`: did you mean `service`? a Runbook has `service`, `notes`"
        ),
    );
    has(
        &e,
        &format!(
            "{f}:6:11 field `severity` must be one of SEV1, SEV2, SEV3, not `SEV4`; did you mean `SEV3`?"
        ),
    );
    has(
        &e,
        &format!("{f}:7:14 field `last_tested` must be a date such as 2026-03-12, not `March`"),
    );
    has(
        &e,
        &format!("{f}:8:13 field `drilled_at` must be a date and time"),
    );
    has(
        &e,
        &format!("{f}:9:9 field `owners` must be a list; write it as [a, b]"),
    );
    has(&e, &format!("{f}:10:8 field `steps` must be an integer"));
    has(
        &e,
        &format!("{f}:11:15 field `error_budget` must be a number"),
    );
    has(&e, &format!("{f}:12:9 field `paging` must be a boolean"));
    has(
        &e,
        &format!("{f}:13:12 field `dashboard` must be a URL starting with https://"),
    );
    has(
        &e,
        &format!(
            "{f}:14:15 field `service_page` names a missing page `notes/paymnts`; did you mean `notes/payments`?"
        ),
    );
    has(
        &e,
        &format!("{f}:16:5 field `postmortems` takes postmortem pages; `notes/payments` is a page"),
    );
    assert_eq!(e.len(), 12, "{e:#?}");
}

#[test]
fn fields_declared_for_a_builtin_kind_are_validated_there() {
    let e = errors(RUNBOOK, "");
    has(
        &e,
        "content/postmortems/db-outage.md:2:1 missing required field `team` (string)",
    );
    let e = errors(RUNBOOK, "team: [a]\n");
    has(
        &e,
        "content/postmortems/db-outage.md:4:7 field `team` must be a string",
    );
}

#[test]
fn a_bad_declaration_is_an_error_in_book_toml() {
    let dir = site(
        "[kinds.runbook]\nfolder = \"runbooks\"\n[kinds.runbook.fields]\nlevel = { type = \"enum\" }\nsize = { type = \"bigint\" }\n",
        &[("content/index.md", "---\ntitle: Home\n---\n")],
    );
    let e = errors_of(dir.path());
    assert!(
        e.iter()
            .any(|m| m.starts_with("book.toml:7:17") && m.contains("bigint")),
        "{e:#?}"
    );
    let dir = site(
        "[kinds.runbook.fields]\nlevel = { type = \"enum\" }\nlink = { type = \"pages\", kind = \"postmortm\" }\n",
        &[("content/index.md", "---\ntitle: Home\n---\n")],
    );
    let e = errors_of(dir.path());
    has(
        &e,
        "book.toml:4:1 field `level` of kind `runbook` is an enum: list its `values`",
    );
    has(
        &e,
        "book.toml:5:1 field `link` of kind `runbook` points to unknown kind `postmortm`; did you mean `postmortem`?",
    );
}

#[test]
fn new_scaffolds_a_declared_kind_from_its_fields() {
    let dir = fixture(RUNBOOK, "team: storage\n");
    let path = hindsight::scaffold::new_page(dir.path(), "runbook", "Restart the queue").unwrap();
    assert!(path.ends_with("content/runbooks/restart-the-queue.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# text (required)\nservice: \"\"\n"),
        "{text}"
    );
    assert!(
        text.contains("# one of SEV1, SEV2, SEV3 (optional)\nseverity: SEV1\n"),
        "{text}"
    );
    assert!(text.contains("postmortems: []\n"), "{text}");
    let pm = hindsight::scaffold::new_page(dir.path(), "postmortem", "Queue stall").unwrap();
    let text = std::fs::read_to_string(pm).unwrap();
    assert!(
        text.contains("url: https://example.com/alerts\n# text (required)\nteam: \"\"\n---\n"),
        "{text}"
    );
    let err = hindsight::scaffold::new_page(dir.path(), "runbok", "X").unwrap_err();
    assert!(
        err.to_string()
            .contains("glossary, postmortem, script, guideline, path, page, runbook")
    );
    // The scaffolded runbook builds once its required field is filled in.
    std::fs::write(
        dir.path().join("content/runbooks/restart-the-queue.md"),
        std::fs::read_to_string(&path)
            .unwrap()
            .replace("service: \"\"", "service: queue"),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("content/postmortems/queue-stall.md")).unwrap();
    build(dir.path()).unwrap();
}

/// A declared kind's section is titled by its `title` whether its folder has an `_index.md`
/// without a title or heading, or none: the kind's description titles it, as a built-in
/// kind's does (`postmortems/` → "Post-mortems").
#[test]
fn a_declared_kind_titles_its_section_with_or_without_an_index() {
    let book = "[kinds.runbook]\nfolder = \"runbooks\"\ntitle = \"Operational runbooks\"\n";
    let runbook = ("content/runbooks/a.md", "---\ntitle: A\n---\nx\n");
    for with_index in [false, true] {
        let index = ("content/runbooks/_index.md", "What to do when.\n");
        let files = if with_index {
            vec![runbook, index]
        } else {
            vec![runbook]
        };
        let dir = site(book, &files);
        let out = build(dir.path()).unwrap();
        let section = &out["runbooks/index.html"];
        assert_eq!(
            text_of(section, "h1"),
            ["Operational runbooks"],
            "with _index.md: {with_index}"
        );
    }
}
