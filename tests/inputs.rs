//! Hostile and broken inputs end in a clear error at the file, or are handled as CommonMark
//! and other static site generators handle them; never a panic, never a silently wrong site.

mod common;

use std::process::{Command, Stdio};

use common::FixtureSite;

const PAGE: &str = "---\ntitle: Page\n---\nText.\n";

fn errors(site: &FixtureSite) -> Vec<String> {
    let diags = site.try_build().expect_err("the build should fail");
    diags.errors().map(ToString::to_string).collect()
}

#[test]
fn a_name_without_letters_or_digits_is_an_error_at_its_file() {
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        (
            "content/guides/_index.md",
            "---\ntitle: Guides\n---\nAll guides.\n",
        ),
        (
            "content/guides/..md",
            "---\ntitle: Dots\n---\nReplaces the section?\n",
        ),
        ("content/!!!.md", PAGE),
        ("content/¿¿/page.md", PAGE),
    ]);
    let found = errors(&site);
    for (file, name) in [
        ("content/guides/..md", "file name `..md`"),
        ("content/!!!.md", "file name `!!!.md`"),
        ("content/¿¿/page.md", "folder name `¿¿`"),
    ] {
        let expected = format!("{file}:1:1: error: the {name} gives an empty URL slug");
        assert!(
            found.iter().any(|e| e.starts_with(&expected)),
            "{expected:?} not in {found:#?}"
        );
    }
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(!site.root().join("site").exists(), "nothing is written");
}

#[test]
fn the_sitemap_has_no_empty_segments() {
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        ("content/about.md", PAGE),
        ("content/guides/_index.md", PAGE),
        ("content/guides/deploys/rollback.md", PAGE),
    ]);
    let out = site.build();
    let sitemap = common::read(&out, "sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert_eq!(locs.len(), 4, "{sitemap}");
    for loc in locs {
        assert!(!loc.contains("//"), "{loc} in {sitemap}");
    }
}

#[test]
fn files_and_folders_starting_with_a_dot_are_not_content() {
    let broken = "not front matter at all";
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        ("content/.git/notes.md", broken),
        ("content/.hidden/page.md", broken),
        ("content/glossary/.draft.md", broken),
        ("content/.obsidian/deep/er/page.md", broken),
        (
            "content/glossary/slo.md",
            "---\ntitle: SLO\nsummary: A target.\n---\nText.\n",
        ),
    ]);
    let out = site.build();
    assert!(out.join("glossary/slo/index.html").is_file());
    for gone in [
        "git",
        ".git",
        "hidden",
        ".hidden",
        "glossary/draft",
        "glossary/.draft",
        "obsidian",
    ] {
        assert!(!out.join(gone).exists(), "{gone} was published");
    }
    let sitemap = common::read(&out, "sitemap.xml");
    assert!(
        !sitemap.contains("hidden") && !sitemap.contains("draft"),
        "{sitemap}"
    );
}

#[test]
fn nul_becomes_the_replacement_character_in_body_and_title() {
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        (
            "content/notes.md",
            "---\ntitle: \"Bad\0Title\"\n---\nA\0B and `c\0d`\n\n# H\0\n",
        ),
    ]);
    let out = site.build();
    let html = common::read(&out, "notes/index.html");
    assert!(html.contains("A\u{FFFD}B"), "{html}");
    assert!(html.contains("c\u{FFFD}d"), "{html}");
    assert!(html.contains("Bad\u{FFFD}Title"), "{html}");
    for entry in walkdir::WalkDir::new(&out).into_iter().flatten() {
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(!bytes.contains(&0), "NUL in {}", entry.path().display());
        }
    }
}

#[test]
fn an_error_in_a_huge_line_shows_a_short_excerpt() {
    let line = format!(
        "{} [broken](missing.md) {}",
        "word ".repeat(1_000_000),
        "tail ".repeat(1_000_000)
    );
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        (
            "content/long.md",
            &format!("---\ntitle: Long\n---\n{line}\n"),
        ),
    ]);
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.len() < 1_000, "{} bytes on stderr", err.len());
    assert!(
        err.contains("content/long.md:4:5000002: error: link to a missing page `missing.md`"),
        "{err}"
    );
    let shown = err
        .lines()
        .find(|l| l.starts_with("  | "))
        .expect("a source line");
    assert!(shown.contains("[broken](missing.md)"), "{shown}");
    assert!(
        shown.starts_with("  | …") && shown.ends_with('…'),
        "{shown}"
    );
}

#[test]
fn a_closed_stdout_or_stderr_ends_the_build_quietly() {
    let site = FixtureSite::with_files(&[("content/index.md", PAGE)]);
    // `hindsight build | true`: stdout is a pipe nobody reads.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["build", "--root"])
        .arg(site.root())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(site.root().join("site/index.html").is_file());

    // A failing build whose stderr is a pipe nobody reads: exit 1, not a panic's 101.
    site.write("content/bad.md", "A [broken](missing.md) link.\n");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["build", "--root"])
        .arg(site.root())
        .stdout(Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn yaml_limits_are_told_in_words() {
    let nodes = format!("---\ntitle: T\ntags: [{}]\n---\n", "a,".repeat(250_001));
    let aliases = format!(
        "---\ntitle: T\ntags: [&a x, {}]\n---\n",
        "*a, ".repeat(10_001)
    );
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        ("content/nodes.md", &nodes),
        ("content/aliases.md", &aliases),
    ]);
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/nodes.md:")
            && err.contains("front matter has more than 250,000 YAML nodes"),
        "{err}"
    );
    assert!(
        err.contains("content/aliases.md:")
            && err.contains("front matter uses anchors (`*name`) more than 10,000 times"),
        "{err}"
    );
    assert!(!err.contains("budget") && !err.contains('{'), "{err}");
}

#[test]
fn script_link_targets_are_errors_at_their_position() {
    let body = "Safe [link](https://example.com).\n\n[x](javascript:alert(1)) and ![i](data:text/html,<script>)\n\n<VBScript:msgbox> [[javascript:alert(2)]]\n";
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        (
            "content/notes.md",
            &format!("---\ntitle: Notes\n---\n{body}"),
        ),
    ]);
    // Errors even where broken links are only warnings.
    let out = site.run(&["build", "--warn-links"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for at in [
        "content/notes.md:6:1: error: `javascript:` link target",
        "content/notes.md:6:30: error: `data:text/html` link target",
        "content/notes.md:8:1: error: `vbscript:` link target",
        "content/notes.md:8:19: error: `javascript:` link target",
    ] {
        assert!(err.lines().any(|l| l.starts_with(at)), "{at} in {err}");
    }
    assert!(!site.root().join("site").exists(), "nothing is written");
}

#[test]
fn a_line_of_many_broken_links_reports_the_first_hundred() {
    let line = "[x](missing.md) ".repeat(20_000);
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        (
            "content/many.md",
            &format!("---\ntitle: Many\n---\n{line}\n"),
        ),
    ]);
    let started = std::time::Instant::now();
    let out = site.run(&["build"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    let reported = err
        .lines()
        .filter(|l| l.contains(": error: link to a missing page"))
        .count();
    assert_eq!(reported, hindsight::diagnostics::MAX_PROBLEMS, "{err}");
    assert!(
        err.contains(
            "content/many.md:1:1: error: 19900 more link problems in this file are not shown"
        ),
        "{err}"
    );
}

#[test]
fn block_quotes_nested_past_the_limit_are_an_error_at_the_marker() {
    let deep = format!("---\ntitle: Deep\n---\nIntro.\n\n{}x\n", ">".repeat(5_000));
    let fine = format!("---\ntitle: Fine\n---\n{}quoted\n", "> ".repeat(20));
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        ("content/notes/deep.md", &deep),
        ("content/notes/fine.md", &fine),
    ]);
    let found = errors(&site);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(
            "content/notes/deep.md:6:101: error: block quotes and lists nested more than 100 deep"
        ),
        "{found:#?}"
    );
}

#[test]
fn a_block_denser_than_the_element_budget_is_an_error_at_its_line() {
    use hindsight::markdown::MIN_ELEMENT_BUDGET;
    // Short lines of brackets, one paragraph: a Markdown element for every byte (each line
    // is 100 `[` and itself).
    let dense = format!(
        "---\ntitle: Dense\n---\nIntro.\n\n{}",
        format!("{}\n", "[".repeat(100)).repeat(MIN_ELEMENT_BUDGET / 100 + 10)
    );
    // As long, in words: built.
    let long = format!(
        "---\ntitle: Long\n---\n{}",
        "A blameless review asks what made the mistake easy to make.\n\n".repeat(dense.len() / 60)
    );
    let site = FixtureSite::with_files(&[
        ("content/index.md", PAGE),
        ("content/notes/dense.md", &dense),
        ("content/notes/long.md", &long),
    ]);
    let found = errors(&site);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("content/notes/dense.md:6:1: error: this block is too dense to parse"),
        "{found:#?}"
    );
}
