//! The build never destroys what it did not create, and a complete site (old or new) is at
//! the output path at every instant of the swap, even when the build is killed there.
//! Every case runs the real binary against a site made by `hindsight init`, with a sentinel.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hindsight::output::SITE_MARKER;
use hindsight::output::swap::{CRASH_HOOK, SWAP_HOOK, SwapStep};

fn hindsight(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

/// `<tmp>/r1`, made by `hindsight init`, with `SENTINEL` and a `.git/HEAD` of the user's.
fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = hindsight(tmp.path(), &["init", "r1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = tmp.path().join("r1");
    std::fs::write(root.join("SENTINEL"), "k").unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    (tmp, root)
}

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            files.insert(
                rel.to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    files
}

fn assert_refused(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains(needle), "{needle:?} not in: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

fn refused_untouched(cwd: &Path, root: &Path, args: &[&str], needle: &str) {
    let tmp_before = tree(root.parent().unwrap());
    assert_refused(&hindsight(cwd, args), needle);
    assert_eq!(
        tree(root.parent().unwrap()),
        tmp_before,
        "{args:?} touched files"
    );
}

#[test]
fn the_site_its_sources_and_their_ancestors_are_refused() {
    let (tmp, root) = project();
    let r = root.to_str().unwrap();
    let cases: &[(&Path, Vec<&str>, &str)] = &[
        (
            tmp.path(),
            vec!["build", "--root", "r1", "--out", r],
            "site's own folder",
        ),
        (
            tmp.path(),
            vec!["build", "--root", "r1", "--out", "r1/content"],
            "content folder",
        ),
        (
            tmp.path(),
            vec!["build", "--root", "r1", "--out", "r1/content/glossary/x"],
            "inside the content folder",
        ),
        (&root, vec!["build", "--out", "../r1"], "site's own folder"),
        (
            &root,
            vec!["build", "--out", ".."],
            "contains the site's own folder",
        ),
        (&root, vec!["build", "--out", "/"], "filesystem root"),
        (
            &root,
            vec!["build", "--out", "themes/x", "--force"],
            "themes folder",
        ),
    ];
    for (cwd, args, needle) in cases {
        refused_untouched(cwd, &root, args, needle);
    }
    assert_eq!(std::fs::read_to_string(root.join("SENTINEL")).unwrap(), "k");
}

#[test]
fn config_build_dir_gets_the_same_checks() {
    let (_tmp, root) = project();
    let book = std::fs::read_to_string(root.join("book.toml")).unwrap();
    for (dir, needle) in [
        ("", "site's own folder"),
        ("../r1", "site's own folder"),
        ("..", "contains"),
    ] {
        assert!(book.contains("build-dir = \"site\""), "{book}");
        let edited = book.replace("build-dir = \"site\"", &format!("build-dir = \"{dir}\""));
        std::fs::write(root.join("book.toml"), &edited).unwrap();
        refused_untouched(&root, &root, &["build"], needle);
    }
    let parent_entries: Vec<_> = std::fs::read_dir(root.parent().unwrap()).unwrap().collect();
    assert_eq!(parent_entries.len(), 1, "no r1.old-PID beside the project");
}

#[test]
fn a_users_folder_or_file_or_home_is_refused_and_force_replaces_a_folder() {
    let (tmp, root) = project();
    let mine = tmp.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep").unwrap();
    let m = mine.to_str().unwrap();
    refused_untouched(&root, &root, &["build", "--out", m], "--force");
    std::fs::write(tmp.path().join("file"), "keep").unwrap();
    let f = tmp.path().join("file");
    refused_untouched(
        &root,
        &root,
        &["build", "--out", f.to_str().unwrap(), "--force"],
        "a file is there",
    );

    let home = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .current_dir(&root)
        .env("HOME", &mine)
        .args(["build", "--out", m, "--force"])
        .output()
        .unwrap();
    assert_refused(&home, "home folder");
    assert!(mine.join("notes.txt").exists());

    let forced = hindsight(&root, &["build", "--out", m, "--force"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    assert!(!mine.join("notes.txt").exists());
    assert!(mine.join(SITE_MARKER).is_file());
    // Now the folder is the build's own: no --force needed, and no debris beside it.
    assert!(hindsight(&root, &["build", "--out", m]).status.success());
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains(".tmp-") && !n.contains(".old-")),
        "{names:?}"
    );
}

/// Builds `root` into a fresh folder and returns its files: the reference for "complete".
fn reference_build(root: &Path, name: &str) -> BTreeMap<String, Vec<u8>> {
    let out = root.parent().unwrap().join(name);
    let built = hindsight(root, &["build", "--out", out.to_str().unwrap()]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let files = tree(&out);
    std::fs::remove_dir_all(&out).unwrap();
    files
}

/// A file a guideline's body names, which the build copies rather than renders.
fn add_copied_image(root: &Path) {
    let page = root.join("content/guidelines/facts-not-blame.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\n![A diagram](diagram.png)\n");
    std::fs::write(&page, text).unwrap();
    std::fs::write(
        root.join("content/guidelines/diagram.png"),
        b"\x89PNG\r\n\x1a\n",
    )
    .unwrap();
}

fn set_home_title(root: &Path, title: &str) {
    let index = root.join("content/index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    let body = text.splitn(3, "---").nth(2).unwrap().to_string();
    std::fs::write(&index, format!("---\ntitle: {title}\n---{body}")).unwrap();
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The entries of `dir` once the site a build replaced is gone: a detached process deletes
/// it after the build exits (waits up to 30 s for it).
fn entries_once_discarded(dir: &Path) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let names = entries(dir);
        let discarding = names.iter().any(|n| n.starts_with("site."));
        if !discarding || std::time::Instant::now() > deadline {
            return names;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn the_replaced_site_is_deleted_after_the_build_and_only_a_marked_one() {
    let (_tmp, root) = project();
    let project_entries = entries(&root);
    assert!(hindsight(&root, &["build"]).status.success());
    set_home_title(&root, "Again");
    assert!(hindsight(&root, &["build"]).status.success());
    let mut expected = project_entries.clone();
    expected.push("site".into());
    expected.sort();
    assert_eq!(entries_once_discarded(&root), expected);
    assert!(tree(&root.join("site")).contains_key("index.html"));

    // The internal discard command refuses whatever is not a marked previous site beside
    // the output: the project's own folders, an unmarked folder with a debris name.
    let own = root.join("site.old-1");
    std::fs::create_dir(&own).unwrap();
    std::fs::write(own.join("keep"), "k").unwrap();
    for old in [root.join("content"), own.clone(), root.clone()] {
        let site = root.join("site");
        let out = hindsight(
            &root,
            &[
                "discard-site",
                "--site",
                site.to_str().unwrap(),
                old.to_str().unwrap(),
            ],
        );
        assert!(!out.status.success(), "{}", old.display());
    }
    assert_eq!(std::fs::read_to_string(own.join("keep")).unwrap(), "k");
    assert!(root.join("content/index.md").is_file());
    assert_eq!(std::fs::read_to_string(root.join("SENTINEL")).unwrap(), "k");
}

#[test]
fn a_build_killed_at_any_step_of_the_swap_leaves_a_complete_site_and_no_debris() {
    let (_tmp, root) = project();
    set_home_title(&root, "Version one");
    let v1 = reference_build(&root, "ref1");
    set_home_title(&root, "Version two");
    let v2 = reference_build(&root, "ref2");
    assert_ne!(v1, v2);
    let project_entries = entries(&root);
    for step in SwapStep::ALL {
        set_home_title(&root, "Version one");
        let _ = std::fs::remove_dir_all(root.join("site"));
        assert!(hindsight(&root, &["build"]).status.success());
        set_home_title(&root, "Version two");
        let swap = if step == SwapStep::OldMovedAside {
            "rename"
        } else {
            "exchange"
        };
        let killed = Command::new(env!("CARGO_BIN_EXE_hindsight"))
            .current_dir(&root)
            .env(CRASH_HOOK, step.name())
            .env(SWAP_HOOK, swap)
            .arg("build")
            .output()
            .unwrap();
        assert!(!killed.status.success(), "{step:?}: the hook did not fire");
        let site = root.join("site");
        if step == SwapStep::OldMovedAside {
            // Between two renames the output is briefly absent; the next build restores it.
            assert!(!site.exists());
        } else {
            let files = tree(&site);
            assert!(
                files == v1 || files == v2,
                "{step:?}: the site is neither old nor new"
            );
        }
        assert!(hindsight(&root, &["build"]).status.success(), "{step:?}");
        assert_eq!(tree(&site), v2, "{step:?}: the next build is complete");
        let mut expected = project_entries.clone();
        if !expected.contains(&"site".to_string()) {
            expected.push("site".into());
            expected.sort();
        }
        assert_eq!(
            entries_once_discarded(&root),
            expected,
            "{step:?}: debris survived the next build"
        );
    }
    assert_eq!(std::fs::read_to_string(root.join("SENTINEL")).unwrap(), "k");
}

#[test]
fn a_reader_never_finds_the_site_missing_during_builds() {
    let (_tmp, root) = project();
    assert!(hindsight(&root, &["build"]).status.success());
    let index = root.join("site/index.html");
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (done, index) = (done.clone(), index.clone());
        std::thread::spawn(move || {
            let (mut checks, mut missing) = (0u32, 0u32);
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                checks += 1;
                if std::fs::read(&index).is_err() {
                    missing += 1;
                }
            }
            (checks, missing)
        })
    };
    for _ in 0..10 {
        assert!(hindsight(&root, &["build"]).status.success());
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let (checks, missing) = reader.join().unwrap();
    assert!(checks > 100, "the reader ran ({checks} checks)");
    assert_eq!(
        missing, 0,
        "index.html missing in {missing} of {checks} checks"
    );
}

/// Each file under `dir` with its inode number.
#[cfg(unix)]
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    tree(dir)
        .into_keys()
        .map(|rel| {
            let ino = std::fs::metadata(dir.join(&rel)).unwrap().ino();
            (rel, ino)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_rebuild_keeps_the_files_of_unchanged_pages_and_writes_changed_ones_anew() {
    use std::os::unix::fs::MetadataExt;
    let (_tmp, root) = project();
    let site = root.join("site");
    add_copied_image(&root);
    assert!(hindsight(&root, &["build"]).status.success());
    assert!(
        site.join("guidelines/facts-not-blame/diagram.png")
            .is_file()
    );
    let (before, before_inodes) = (tree(&site), inodes(&site));
    set_home_title(&root, "Again");
    let expected = reference_build(&root, "reference");
    let modified_before = std::fs::metadata(site.join("404.html")).unwrap().modified();
    assert!(hindsight(&root, &["build"]).status.success());
    entries_once_discarded(&root);

    assert_eq!(tree(&site), expected, "the rebuilt site is a clean build");
    let after_inodes = inodes(&site);
    let (mut kept, mut rewritten) = (0, 0);
    // The marker is written when the staging folder is made, not through the site's files.
    for (rel, bytes) in expected.iter().filter(|(rel, _)| *rel != SITE_MARKER) {
        let same_file = before_inodes.get(rel) == after_inodes.get(rel);
        if before.get(rel) == Some(bytes) {
            assert!(same_file, "{rel} is unchanged but was written again");
            kept += 1;
        } else {
            assert!(!same_file, "{rel} changed but kept its old file");
            rewritten += 1;
        }
        let links = std::fs::metadata(site.join(rel)).unwrap().nlink();
        assert_eq!(links, 1, "{rel}: the replaced site's link is gone");
    }
    assert!(
        kept > 10 && rewritten > 0,
        "{kept} kept, {rewritten} rewritten"
    );
    let modified_after = std::fs::metadata(site.join("404.html")).unwrap().modified();
    assert_eq!(modified_before.unwrap(), modified_after.unwrap());
}
