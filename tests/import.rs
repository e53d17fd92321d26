//! `hindsight import`: a small mdBook book written here (book.toml, src/SUMMARY.md with
//! prefix, nested and draft chapters, a relative link, an image and an `{{#include}}`) and a
//! plain folder of notes are imported into a fresh `init` site, which then builds; a broken
//! book is refused at its position with nothing written.

use std::path::Path;
use std::process::Command;

fn hindsight(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"></svg>";

/// An mdBook book as `mdbook init` lays it out, with a few chapters.
fn write_book(dir: &Path) {
    write(
        dir,
        "book.toml",
        "[book]\ntitle = \"Ops Handbook\"\ndescription = \"How the team runs production.\"\nauthors = [\"SRE\"]\nsrc = \"src\"\n",
    );
    write(
        dir,
        "src/SUMMARY.md",
        "# Summary\n\n[Introduction](README.md)\n\n# Guide\n\n- [Getting started](guide/start.md)\n    - [On call](guide/on-call.md)\n- [Reference](reference.md)\n- [Not written yet]()\n",
    );
    write(
        dir,
        "src/README.md",
        "# Introduction\n\nThis handbook starts with [getting started](guide/start.md).\n",
    );
    write(
        dir,
        "src/guide/start.md",
        "# Getting started\n\nRead the [reference](../reference.md) first.\n\n![Flow of a page](flow.svg)\n",
    );
    write(dir, "src/guide/flow.svg", SVG);
    write(
        dir,
        "src/guide/on-call.md",
        "# On call\n\nThe rota.\n\n{{#include ../../rota.txt}}\n",
    );
    write(dir, "src/reference.md", "# Reference\n\nEvery command.\n");
    write(dir, "book/index.html", "mdBook's own output, not imported");
}

fn init(tmp: &Path) -> std::path::PathBuf {
    let site = tmp.join("site");
    let out = hindsight(tmp, &["init", "site"]);
    assert!(out.status.success(), "{out:?}");
    site
}

fn html(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join("site").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn an_mdbook_book_becomes_an_ordered_section_and_a_learning_path() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("handbook");
    write_book(&book);
    let site = init(tmp.path());
    let out = hindsight(&site, &["import", book.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("Imported 4 pages and 1 other files from the mdBook book \"Ops Handbook\""),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "on-call.md:5:1 mdBook directive `{{#include ../../rota.txt}}` left as written"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("The site builds"), "{stdout}");

    // SUMMARY.md's titles and order become front matter; mdBook's output is not imported.
    let start = std::fs::read_to_string(site.join("content/ops-handbook/guide/start.md")).unwrap();
    assert!(
        start.starts_with("---\ntitle: \"Getting started\"\nweight: 2\n---\n# Getting started"),
        "{start}"
    );
    assert!(!site.join("content/ops-handbook/book").exists());
    assert!(site.join("content/ops-handbook/guide/flow.svg").is_file());
    let path = std::fs::read_to_string(site.join("content/paths/ops-handbook.md")).unwrap();
    assert!(
        path.contains("steps:\n  - ops-handbook/readme\n  - ops-handbook/guide/start\n  - ops-handbook/guide/on-call\n  - ops-handbook/reference\n"),
        "{path}"
    );

    // The site builds; relative links between chapters resolve.
    let built = hindsight(&site, &["build"]);
    assert!(built.status.success(), "{built:?}");
    let page = html(&site, "ops-handbook/guide/start/index.html");
    assert!(
        page.contains("href=\"../../../ops-handbook/reference/\""),
        "{page}"
    );
    // The image beside the chapter is copied next to its page, with its size.
    assert!(
        page.contains("<img src=\"flow.svg\" alt=\"Flow of a page\" width=\"40\" height=\"20\""),
        "{page}"
    );
    assert!(
        site.join("site/ops-handbook/guide/start/flow.svg")
            .is_file()
    );
    // The chapter's own `# Getting started` is its one <h1>.
    assert_eq!(page.matches("<h1").count(), 1, "{page}");
    let section = html(&site, "ops-handbook/index.html");
    let order: Vec<usize> = ["Introduction", "Getting started", "On call", "Reference"]
        .iter()
        .map(|t| {
            section
                .find(&format!(">{t}<"))
                .unwrap_or_else(|| panic!("{t} in {section}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "section order {order:?}"
    );
    let path_page = html(&site, "paths/ops-handbook/index.html");
    assert!(path_page.contains("Ops Handbook"), "{path_page}");
}

#[test]
fn a_folder_of_notes_is_imported_with_titles_from_headings_or_names() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("team-notes");
    write(&notes, "deploys.md", "# How we deploy\n\nCarefully.\n");
    write(&notes, "sub/db_failover.md", "Promote the replica.\n");
    write(&notes, "own.md", "---\ntitle: Kept\n---\nAs written.\n");
    write(&notes, ".git/HEAD", "ref: refs/heads/main\n");
    let site = init(tmp.path());
    let out = hindsight(
        &site,
        &["import", notes.to_str().unwrap(), "--section", "Notes"],
    );
    assert!(out.status.success(), "{out:?}");
    let read = |rel: &str| std::fs::read_to_string(site.join("content/notes").join(rel)).unwrap();
    assert!(read("deploys.md").starts_with("---\ntitle: \"How we deploy\"\n---\n"));
    assert!(read("sub/db_failover.md").starts_with("---\ntitle: \"Db failover\"\n---\n"));
    assert_eq!(read("own.md"), "---\ntitle: Kept\n---\nAs written.\n");
    assert!(!site.join("content/notes/.git").exists());
    assert!(!site.join("content/paths/notes.md").exists());
    assert!(hindsight(&site, &["build"]).status.success());

    // The site itself, or a folder of its content, is not imported into itself.
    for own in [".", "content/notes"] {
        let out = hindsight(&site, &["import", own, "--section", "again"]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("overlaps the site's content folder")
        );
    }
    assert!(!site.join("content/again").exists());
}

#[test]
fn a_broken_book_or_a_taken_name_is_refused_with_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("handbook");
    write_book(&book);
    std::fs::remove_file(book.join("src/reference.md")).unwrap();
    let site = init(tmp.path());
    let before: Vec<_> = walk(&site.join("content"));
    let out = hindsight(&site, &["import", book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("SUMMARY.md:9:3 chapter `Reference` names a missing file `reference.md`"),
        "{stderr}"
    );
    assert_eq!(
        walk(&site.join("content")),
        before,
        "the import wrote something"
    );

    // A chapter outside the book's source folder is refused: nothing is written above it.
    write(&book, "src/reference.md", "# Reference\n");
    let summary = std::fs::read_to_string(book.join("src/SUMMARY.md")).unwrap();
    write(
        &book,
        "src/SUMMARY.md",
        &summary.replace("(reference.md)", "(../../site/book.toml)"),
    );
    let out = hindsight(&site, &["import", book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("SUMMARY.md:9:3 chapter `Reference` names `../../site/book.toml`, outside"),
        "{out:?}"
    );
    assert_eq!(
        walk(&site.join("content")),
        before,
        "the import wrote something"
    );
    write(&book, "src/SUMMARY.md", &summary);

    // A section that exists is never overwritten.
    write(&book, "src/reference.md", "# Reference\n");
    write(
        &site,
        "content/ops-handbook/mine.md",
        "---\ntitle: Mine\n---\n",
    );
    let out = hindsight(&site, &["import", book.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already"));
    assert_eq!(
        std::fs::read_dir(site.join("content/ops-handbook"))
            .unwrap()
            .count(),
        1
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().path().to_path_buf())
        .collect();
    all.sort();
    all
}
