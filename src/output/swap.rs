//! Putting a new site in place so that a complete site (the old one or the new one) is at
//! the output path at every instant, even if the process is killed. The site is written
//! into a staging folder beside the output (`site.tmp-PID`), marked as this tool's from the
//! start. On Linux one `renameat2(RENAME_EXCHANGE)` swaps it with the old site; elsewhere (or
//! on a filesystem without exchange) two renames do, through `site.old-PID`. The old tree is
//! deleted after the swap. Staging and old folders left by a build that died are marked and
//! named with its PID, so the next build finds and removes them (and, if a build died between
//! the two renames, first puts the old site back).
//!
//! Deleting the old tree is not part of the build: unlinking 20,000 files takes seconds on
//! some disks, as long as the whole build. `commit` hands back an [`OldSite`]; the command
//! line gives it to a detached `hindsight discard-site` process and exits with the new site
//! already in place. The discarding process first renames the tree to `site.del-PID` (its own
//! PID), so a later build skips a tree being deleted and removes one whose deleter died.
//!
//! A file whose bytes are those of the old site's file at the same path is hard-linked into
//! the staging folder rather than written ([`StagingDir`]'s `link_unchanged`): the old site
//! is only read, so it stays complete until the swap, and a rebuild then creates and frees
//! files only for what changed.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::OutputSink;
use super::owned::SITE_MARKER;

/// Set to a step name, a test makes the build abort there (see [`SwapStep`]).
pub const CRASH_HOOK: &str = "HINDSIGHT_TEST_CRASH_AT";
/// Set to `rename`, a test makes the swap use the portable two-rename path.
pub const SWAP_HOOK: &str = "HINDSIGHT_TEST_SWAP";

/// The points of a swap at which a test may kill the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapStep {
    /// Every file is written to the staging folder; nothing is swapped yet.
    Staged,
    /// Exchange path: the new site is in place; the old one waits at the staging name.
    Exchanged,
    /// Two-rename path: the old site moved aside; the new one not yet in place.
    OldMovedAside,
    /// The new site is in place; the old tree is not yet deleted.
    Swapped,
}

impl SwapStep {
    pub const ALL: [SwapStep; 4] = [
        SwapStep::Staged,
        SwapStep::Exchanged,
        SwapStep::OldMovedAside,
        SwapStep::Swapped,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SwapStep::Staged => "staged",
            SwapStep::Exchanged => "exchanged",
            SwapStep::OldMovedAside => "old-moved-aside",
            SwapStep::Swapped => "swapped",
        }
    }
}

fn crash_point(step: SwapStep) {
    if std::env::var(CRASH_HOOK).is_ok_and(|s| s == step.name()) {
        std::process::abort();
    }
}

/// A fresh, marked folder next to the final output, swapped in by `commit`.
pub struct StagingDir {
    staging: PathBuf,
    target: PathBuf,
    /// The site being replaced, when there is one: its unchanged files are linked, not
    /// written again ([`StagingDir::link_unchanged`]).
    previous: Option<PathBuf>,
    /// Cleared when the file system refuses a hard link as such (FAT and exFAT, some network
    /// shares): the rest of the build writes every file without comparing it first.
    links_work: AtomicBool,
}

impl StagingDir {
    /// `target` must have passed [`super::owned::check_output_dir`].
    pub fn create(target: &Path) -> io::Result<StagingDir> {
        let parent = parent_of(target);
        std::fs::create_dir_all(parent)?;
        remove_debris(target);
        let staging = sibling(target, "tmp", std::process::id());
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir_all(&staging)?;
        mark(&staging)?;
        Ok(StagingDir {
            staging,
            target: target.to_path_buf(),
            previous: target.is_dir().then(|| target.to_path_buf()),
            links_work: AtomicBool::new(true),
        })
    }

    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Move the staged site into place, replacing the previous one; returns the previous
    /// site, for the caller to discard (dropping it deletes it).
    pub fn commit(self) -> io::Result<Option<OldSite>> {
        crash_point(SwapStep::Staged);
        let old = if self.target.exists() {
            // A folder that passed the ownership check with --force: mark it as ours, so
            // that if this build dies before deleting it the next build can.
            mark(&self.target)?;
            Some(self.swap_with_existing()?)
        } else {
            std::fs::rename(&self.staging, &self.target)?;
            None
        };
        crash_point(SwapStep::Swapped);
        let old = old.map(|path| OldSite {
            path,
            target: self.target.clone(),
        });
        std::mem::forget(self);
        Ok(old)
    }

    /// Swaps the staging folder with the existing site; returns where the old site is now.
    fn swap_with_existing(&self) -> io::Result<PathBuf> {
        if std::env::var(SWAP_HOOK).is_ok_and(|s| s == "rename") {
            return self.swap_by_renames();
        }
        match exchange(&self.staging, &self.target) {
            Ok(()) => {
                crash_point(SwapStep::Exchanged);
                Ok(self.staging.clone())
            }
            Err(e) if exchange_unsupported(&e) => self.swap_by_renames(),
            Err(e) => Err(e),
        }
    }

    fn swap_by_renames(&self) -> io::Result<PathBuf> {
        let old = sibling(&self.target, "old", std::process::id());
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        std::fs::rename(&self.target, &old)?;
        crash_point(SwapStep::OldMovedAside);
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            let _ = std::fs::rename(&old, &self.target);
            return Err(e);
        }
        Ok(old)
    }
}

impl Drop for StagingDir {
    /// An abandoned build removes its half-written folder.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

impl StagingDir {
    /// Where `rel_path` goes in the staging folder, its folders created. A path that could
    /// lead out of it (absolute, or with `..`) is refused: a build writes nowhere else.
    fn staged(&self, rel_path: &str) -> io::Result<PathBuf> {
        let rel = Path::new(rel_path);
        let inside = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside || rel_path.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{rel_path}` is not a path inside the output folder"),
            ));
        }
        let path = self.staging.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        Ok(path)
    }
}

impl StagingDir {
    /// When the site being replaced has this file with these very bytes, hard-link it into
    /// the staging folder instead of writing a new one; true if it did. The old site is only
    /// read. An unchanged page then keeps its inode and modification time (so `rsync` and
    /// `Last-Modified` see it unchanged), and replacing a site allocates and frees no inode
    /// for it: on ext4 without a journal, allocating inodes soon after freeing thousands
    /// scans past every recently freed one (`recently_deleted`), which made back-to-back
    /// builds of 10,000 pages spend 4–14 s in the kernel. Any failure falls back to writing;
    /// one that rules out every link (see [`refuses_all_links`]) stops the comparing too.
    fn link_unchanged(&self, rel_path: &str, staged: &Path, bytes: &[u8]) -> bool {
        if !self.links_work.load(Ordering::Relaxed) {
            return false;
        }
        let Some(old) = self.previous_file(rel_path, bytes.len() as u64) else {
            return false;
        };
        if !std::fs::read(&old).is_ok_and(|old_bytes| old_bytes == bytes) {
            return false;
        }
        match std::fs::hard_link(&old, staged) {
            Ok(()) => true,
            Err(e) => {
                if refuses_all_links(&e) {
                    self.links_work.store(false, Ordering::Relaxed);
                }
                false
            }
        }
    }

    /// The old site's regular file at `rel_path`, if it has `len` bytes.
    fn previous_file(&self, rel_path: &str, len: u64) -> Option<PathBuf> {
        let old = self.previous.as_ref()?.join(rel_path);
        let meta = std::fs::symlink_metadata(&old).ok()?;
        (meta.is_file() && meta.len() == len).then_some(old)
    }
}

impl OutputSink for StagingDir {
    fn write(&self, rel_path: &str, bytes: &[u8]) -> io::Result<()> {
        let staged = self.staged(rel_path)?;
        if self.link_unchanged(rel_path, &staged, bytes) {
            return Ok(());
        }
        std::fs::write(staged, bytes)
    }

    fn copy_file(&self, rel_path: &str, source: &Path) -> io::Result<()> {
        let len = std::fs::metadata(source)?.len();
        if self.previous_file(rel_path, len).is_some() {
            // The old site has a file of this size here: compare the bytes, link or write.
            return self.write(rel_path, &std::fs::read(source)?);
        }
        std::fs::copy(source, self.staged(rel_path)?).map(|_| ())
    }
}

/// Whether a failed `link` means no file of this site can be linked: the file system has no
/// hard links (`EPERM` on FAT, `ENOTSUP`), or the two paths are on different devices.
fn refuses_all_links(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::CrossesDevices
            | io::ErrorKind::Unsupported
            | io::ErrorKind::PermissionDenied
    )
}

/// The previous site after a swap, at a marked staging or old name beside the output.
/// Dropping it deletes it here and now; [`OldSite::discard_in_background`] does not wait.
#[derive(Debug)]
pub struct OldSite {
    path: PathBuf,
    target: PathBuf,
}

impl OldSite {
    /// Delete the tree in a detached `program discard-site` process (`program` is the
    /// `hindsight` binary), with no terminal or pipe of ours; here and now if it cannot start.
    pub fn discard_in_background(self, program: &Path) {
        let spawned = std::process::Command::new(program)
            .arg("discard-site")
            .arg("--site")
            .arg(&self.target)
            .arg(&self.path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if spawned.is_ok() {
            std::mem::forget(self);
        }
    }
}

impl Drop for OldSite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// `hindsight discard-site`: delete `old`, a previous site of the output `target`, but only
/// if it is a marked site folder beside it. Renamed first to `site.del-PID`, this process's
/// PID, so a build meanwhile leaves it alone, and takes it over should this process die.
pub fn discard_site(target: &Path, old: &Path) -> io::Result<()> {
    let beside = old.parent().map(|p| p.to_path_buf()) == Some(parent_of(target).to_path_buf());
    let named = old
        .file_name()
        .is_some_and(|n| debris_name(&file_name(target), &n.to_string_lossy()).is_some());
    if !beside || !named || !old.join(SITE_MARKER).is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is not a previous site of {}",
                old.display(),
                target.display()
            ),
        ));
    }
    let doomed = sibling(target, "del", std::process::id());
    std::fs::rename(old, &doomed)?;
    std::fs::remove_dir_all(&doomed)
}

fn mark(dir: &Path) -> io::Result<()> {
    std::fs::write(
        dir.join(SITE_MARKER),
        "Built by hindsight: `hindsight build` replaces this folder.\n",
    )
}

fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn file_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into())
}

/// `site.tmp-PID`, `site.old-PID` or `site.del-PID` beside `site`.
fn sibling(target: &Path, role: &str, pid: u32) -> PathBuf {
    parent_of(target).join(format!("{}.{role}-{pid}", file_name(target)))
}

/// Removes the marked staging, old and discarded folders of processes that are no longer
/// running. If the output is missing because a build died between its two renames, its old
/// site goes back.
fn remove_debris(target: &Path) {
    let name = file_name(target);
    let Ok(entries) = std::fs::read_dir(parent_of(target)) else {
        return;
    };
    let mut debris: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let Some((role, pid)) = debris_name(&name, &entry_name) else {
            continue;
        };
        let path = entry.path();
        if pid != std::process::id() && !process_alive(pid) && path.join(SITE_MARKER).is_file() {
            debris.push((role.to_string(), path));
        }
    }
    if !target.exists()
        && let Some((_, old)) = debris.iter().find(|(role, _)| role == "old")
        && std::fs::rename(old, target).is_ok()
    {
        debris.retain(|(role, _)| role != "old");
    }
    for (_, path) in debris {
        let _ = std::fs::remove_dir_all(path);
    }
}

/// `("tmp", 42)` for `site.tmp-42` when the output is named `site`.
fn debris_name<'a>(site_name: &str, entry: &'a str) -> Option<(&'a str, u32)> {
    let rest = entry.strip_prefix(site_name)?.strip_prefix('.')?;
    let (role, pid) = rest.split_once('-')?;
    matches!(role, "tmp" | "old" | "del").then_some(())?;
    Some((role, pid.parse().ok()?))
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without a cheap portable liveness test, another PID's folders are kept.
#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    true
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Kernels before 3.15 (ENOSYS) and some filesystems (EINVAL) cannot exchange.
fn exchange_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported || matches!(e.raw_os_error(), Some(22 | 38 | 95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("site");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let abandoned = StagingDir::create(&target).unwrap();
        abandoned.write("new.html", b"x").unwrap();
        let staged = abandoned.path().to_path_buf();
        drop(abandoned);
        assert!(!staged.exists());
        assert!(target.join("old.html").exists());

        let s = StagingDir::create(&target).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert!(target.join(SITE_MARKER).is_file());
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the site remains");
    }

    #[test]
    fn nothing_is_written_outside_the_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let staging = StagingDir::create(&dir.path().join("site")).unwrap();
        for rel in ["../escape.txt", "/tmp/escape.txt", "a/../../escape.txt", ""] {
            assert!(staging.write(rel, b"x").is_err(), "{rel}");
            assert!(
                staging.copy_file(rel, Path::new("Cargo.toml")).is_err(),
                "{rel}"
            );
        }
        assert!(!dir.path().join("escape.txt").exists());
        staging
            .copy_file("a/b.toml", Path::new("Cargo.toml"))
            .unwrap();
        assert!(staging.path().join("a/b.toml").is_file());
    }

    #[test]
    #[cfg(unix)]
    fn a_refused_link_stops_the_comparing_and_the_file_is_written() {
        // /dev/shm is a file system of its own on Linux: linking from it fails with EXDEV.
        let Ok(elsewhere) = tempfile::tempdir_in("/dev/shm") else {
            return;
        };
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("a.html"), "same").unwrap();
        let mut staging = StagingDir::create(&tmp.path().join("site")).unwrap();
        staging.previous = Some(elsewhere.path().to_path_buf());
        staging.write("a.html", b"same").unwrap();
        let written = std::fs::read(staging.path().join("a.html")).unwrap();
        assert_eq!(written, b"same");
        let same_device = {
            use std::os::unix::fs::MetadataExt;
            let dev = |p: &Path| std::fs::metadata(p).unwrap().dev();
            dev(elsewhere.path()) == dev(tmp.path())
        };
        assert_eq!(staging.links_work.load(Ordering::Relaxed), same_device);
    }

    #[test]
    fn link_errors_that_rule_out_every_link() {
        use io::ErrorKind::*;
        for kind in [CrossesDevices, Unsupported, PermissionDenied] {
            assert!(refuses_all_links(&io::Error::from(kind)), "{kind:?}");
        }
        for kind in [AlreadyExists, NotFound, TooManyLinks, StorageFull] {
            assert!(!refuses_all_links(&io::Error::from(kind)), "{kind:?}");
        }
    }

    #[test]
    fn debris_names() {
        assert_eq!(debris_name("site", "site.tmp-42"), Some(("tmp", 42)));
        assert_eq!(debris_name("site", "site.old-7"), Some(("old", 7)));
        assert_eq!(debris_name("site", "site.bak-7"), None);
        assert_eq!(debris_name("site", "site2.tmp-7"), None);
        assert_eq!(debris_name("site", "site.tmp-x"), None);
    }

    #[test]
    fn unmarked_or_live_debris_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("site");
        // PID 1 is alive; u32::MAX - 1 is not a PID.
        let dead = sibling(&target, "tmp", u32::MAX - 1);
        let live = sibling(&target, "tmp", 1);
        let users = sibling(&target, "old", u32::MAX - 2);
        for d in [&dead, &live, &users] {
            std::fs::create_dir_all(d).unwrap();
        }
        mark(&dead).unwrap();
        mark(&live).unwrap();
        let s = StagingDir::create(&target).unwrap();
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(users.exists());
        drop(s);
    }
}
