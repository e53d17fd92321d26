//! Which folder a build may replace. The output folder is owned, never guessed: a build
//! refuses any path whose replacement could destroy what it did not create (the site's own
//! sources, their ancestors, the home folder, a user's folder), before it reads a page.
//! A folder counts as the build's own only when it carries [`SITE_MARKER`], which every
//! build writes, or when it is empty; `--force` overrides only that last test.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Written at the top of every site (and staging folder) this tool builds.
pub const SITE_MARKER: &str = ".hindsight-site";

/// Why an output path was refused. Shown as one line; `hindsight build` exits 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputRefusal {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for OutputRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to write the site to {}: {}",
            self.path.display(),
            self.reason
        )
    }
}

impl std::error::Error for OutputRefusal {}

/// The folders of a site that a build must never replace, enter or contain.
pub struct ProtectedPaths {
    pub root: PathBuf,
    /// (what it is, where): the content dir, `themes/`, `templates/`, `static/`.
    pub sources: Vec<(&'static str, PathBuf)>,
}

impl ProtectedPaths {
    pub fn of_site(root: &Path, content_dir: &Path) -> ProtectedPaths {
        ProtectedPaths {
            root: root.to_path_buf(),
            sources: vec![
                ("the content folder", content_dir.to_path_buf()),
                ("the themes folder", root.join("themes")),
                ("the templates folder", root.join("templates")),
                ("the static folder", root.join("static")),
            ],
        }
    }
}

/// Checks that `out` may receive a site and returns it resolved (absolute, symlinks of its
/// existing part followed), which is where the build must write.
pub fn check_output_dir(
    out: &Path,
    protected: &ProtectedPaths,
    force: bool,
) -> Result<PathBuf, OutputRefusal> {
    let refuse = |reason: String| OutputRefusal {
        path: out.to_path_buf(),
        reason,
    };
    let resolved = resolve(out).map_err(|e| refuse(format!("cannot resolve the path ({e})")))?;
    if resolved.parent().is_none() {
        return Err(refuse("it is the filesystem root".into()));
    }
    if home_dir().and_then(|h| resolve(&h).ok()).as_ref() == Some(&resolved) {
        return Err(refuse("it is your home folder".into()));
    }
    let root = resolve(&protected.root).map_err(|e| refuse(format!("{e}")))?;
    if resolved == root {
        return Err(refuse("it is the site's own folder".into()));
    }
    if root.starts_with(&resolved) {
        return Err(refuse("it contains the site's own folder".into()));
    }
    for (what, path) in &protected.sources {
        let Ok(source) = resolve(path) else { continue };
        if resolved == source {
            return Err(refuse(format!("it is {what}")));
        }
        if resolved.starts_with(&source) {
            return Err(refuse(format!("it is inside {what}")));
        }
        if source.starts_with(&resolved) {
            return Err(refuse(format!("it contains {what}")));
        }
    }
    check_existing(&resolved, force).map_err(refuse)?;
    Ok(resolved)
}

/// What is already at the output path: nothing, an empty folder or a site this tool built
/// may be replaced; a file never; any other folder only with `--force`.
fn check_existing(resolved: &Path, force: bool) -> Result<(), String> {
    let meta = match std::fs::symlink_metadata(resolved) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot inspect it ({e})")),
    };
    if !meta.is_dir() {
        return Err("a file is there, not a folder".into());
    }
    if force || resolved.join(SITE_MARKER).is_file() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(resolved).map_err(|e| format!("cannot read it ({e})"))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(format!(
        "the folder exists and was not built by hindsight (no {SITE_MARKER} in it); \
         move it away, or pass --force to replace it and everything in it"
    ))
}

/// `path` made absolute, its longest existing prefix canonicalized (symlinks followed) and
/// the rest normalized lexically (`.` dropped, `..` taking off one component).
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        match existing.canonicalize() {
            Ok(c) => break c,
            Err(_) => match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_owned());
                    existing = parent;
                }
                // `..` at the end, or a path that no prefix of exists: normalize it all.
                _ => break normalize(existing),
            },
        }
    };
    let mut out = base;
    for name in rest.iter().rev() {
        out.push(name);
    }
    Ok(normalize(&out))
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, ProtectedPaths) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        std::fs::create_dir_all(root.join("content/glossary")).unwrap();
        std::fs::create_dir_all(root.join("themes")).unwrap();
        let protected = ProtectedPaths::of_site(&root, &root.join("content"));
        (dir, protected)
    }

    fn reason(out: &Path, p: &ProtectedPaths, force: bool) -> String {
        check_output_dir(out, p, force).unwrap_err().reason
    }

    #[test]
    fn refuses_the_site_its_ancestors_and_its_sources() {
        let (dir, p) = site();
        let root = p.root.clone();
        assert_eq!(reason(&root, &p, true), "it is the site's own folder");
        assert_eq!(
            reason(&root.join("./x/.."), &p, true),
            "it is the site's own folder"
        );
        assert_eq!(
            reason(dir.path(), &p, true),
            "it contains the site's own folder"
        );
        assert_eq!(
            reason(Path::new("/"), &p, true),
            "it is the filesystem root"
        );
        assert_eq!(
            reason(&root.join("content"), &p, true),
            "it is the content folder"
        );
        assert_eq!(
            reason(&root.join("content/glossary/new"), &p, true),
            "it is inside the content folder"
        );
        assert_eq!(
            reason(&root.join("static/x"), &p, true),
            "it is inside the static folder"
        );
        assert_eq!(
            reason(&root.join("themes"), &p, true),
            "it is the themes folder"
        );
    }

    #[test]
    fn a_symlink_to_the_site_is_the_site() {
        let (dir, p) = site();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&p.root, &link).unwrap();
        assert_eq!(reason(&link, &p, true), "it is the site's own folder");
        assert_eq!(
            reason(&link.join("content"), &p, true),
            "it is the content folder"
        );
    }

    #[test]
    fn a_users_folder_or_file_is_refused_and_force_overrides_only_the_folder() {
        let (dir, p) = site();
        let mine = dir.path().join("mine");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), "keep").unwrap();
        assert!(reason(&mine, &p, false).contains("--force"));
        assert!(check_output_dir(&mine, &p, true).is_ok());
        let file = dir.path().join("file");
        std::fs::write(&file, "keep").unwrap();
        assert_eq!(reason(&file, &p, true), "a file is there, not a folder");
    }

    #[test]
    fn empty_absent_and_marked_folders_are_accepted() {
        let (dir, p) = site();
        let out = p.root.join("site");
        assert_eq!(
            check_output_dir(&out, &p, false).unwrap(),
            resolve(&out).unwrap()
        );
        std::fs::create_dir_all(&out).unwrap();
        assert!(check_output_dir(&out, &p, false).is_ok());
        std::fs::write(out.join("index.html"), "x").unwrap();
        assert!(check_output_dir(&out, &p, false).is_err());
        std::fs::write(out.join(SITE_MARKER), "").unwrap();
        assert!(check_output_dir(&out, &p, false).is_ok());
        assert!(check_output_dir(&dir.path().join("a/b/../c"), &p, false).is_ok());
    }
}
