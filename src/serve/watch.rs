//! Watching the site's sources. `notify-debouncer-full` turns an editor's atomic save, a
//! rename, a burst of saves or a `git checkout` into one batch; we drop editor temp files
//! and the output dir, and hand the remaining paths to the rebuild loop.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer_opt};

use crate::config::CONFIG_FILE;
use crate::serve::incremental::ChangeSet;

/// Quiet time that closes a batch: long enough to merge an editor's save sequence,
/// short enough to stay well inside the 100 ms save-to-reload budget.
pub const DEBOUNCE: Duration = Duration::from_millis(20);
/// The debouncer settles each path separately; batches this close together are one burst.
/// (The debouncer emits every 5 ms tick, so this joins consecutive ticks' batches.)
pub const SETTLE: Duration = Duration::from_millis(8);

/// What the watcher looks at, all absolute.
#[derive(Debug, Clone)]
pub struct WatchSet {
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub build_dir: PathBuf,
}

impl WatchSet {
    /// The folders watched recursively (those that exist).
    fn recursive(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.content_dir.clone()];
        for d in ["themes", "templates", "static"] {
            dirs.push(self.root.join(d));
        }
        dirs.retain(|d| d.is_dir());
        dirs
    }

    /// Whether a changed path can affect the site.
    pub fn is_relevant(&self, path: &Path) -> bool {
        if path.starts_with(&self.build_dir) || is_editor_temp(path) {
            return false;
        }
        if path.parent() == Some(self.root.as_path()) {
            // Directly in the root: only the config, or a watched folder appearing/going.
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            return name == CONFIG_FILE
                || path == self.content_dir
                || ["themes", "templates", "static"].contains(&name);
        }
        path.starts_with(&self.content_dir)
            || ["themes", "templates", "static"]
                .iter()
                .any(|d| path.starts_with(self.root.join(d)))
    }
}

/// Swap files, backups and lock files of common editors, and VCS internals.
pub fn is_editor_temp(path: &Path) -> bool {
    if path
        .components()
        .any(|c| matches!(c.as_os_str().to_str(), Some(".git" | ".hg" | ".svn")))
    {
        return true;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || name == ".DS_Store"
        // Vim probes whether it may write a folder with a file named 4913 (or 5036, ...).
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
}

/// The running watcher; dropping it stops watching.
pub enum SourceWatcher {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

impl SourceWatcher {
    /// Start watching; each relevant batch is sent as a `ChangeSet`.
    pub fn start(
        set: WatchSet,
        poll: bool,
        tx: Sender<ChangeSet>,
    ) -> notify::Result<SourceWatcher> {
        let filter = set.clone();
        let handler = move |result: DebounceEventResult| {
            let mut changes = ChangeSet::default();
            match result {
                Ok(events) => {
                    for e in events {
                        if e.need_rescan() {
                            changes.rescan = true;
                        }
                        // Our own builds read the sources: reads are not changes.
                        if matches!(e.kind, EventKind::Access(_)) {
                            continue;
                        }
                        changes
                            .paths
                            .extend(e.paths.iter().filter(|p| filter.is_relevant(p)).cloned());
                    }
                }
                // Lost events (queue overflow): only a full rescan is safe.
                Err(_) => changes.rescan = true,
            }
            if changes.rescan || !changes.paths.is_empty() {
                let _ = tx.send(changes);
            }
        };
        let tick = Some(Duration::from_millis(5));
        let mut watcher = if poll {
            let config = notify::Config::default()
                .with_poll_interval(Duration::from_millis(300))
                .with_compare_contents(true);
            SourceWatcher::Poll(new_debouncer_opt(
                DEBOUNCE,
                tick,
                handler,
                RecommendedCache::new(),
                config,
            )?)
        } else {
            SourceWatcher::Native(new_debouncer_opt(
                DEBOUNCE,
                tick,
                handler,
                RecommendedCache::new(),
                notify::Config::default(),
            )?)
        };
        watcher.watch(&set.root, RecursiveMode::NonRecursive)?;
        for dir in set.recursive() {
            watcher.watch(&dir, RecursiveMode::Recursive)?;
        }
        Ok(watcher)
    }

    /// Watch a folder that appeared after start (`templates/` created later).
    pub fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            SourceWatcher::Native(d) => d.watch(path, mode),
            SourceWatcher::Poll(d) => d.watch(path, mode),
        }
    }

    /// Add recursive watches for watched folders among `paths` that now exist.
    pub fn follow_new_folders(&mut self, set: &WatchSet, paths: &HashSet<PathBuf>) {
        for p in paths {
            if p.parent() == Some(set.root.as_path()) && p.is_dir() && set.is_relevant(p) {
                let _ = self.watch(p, RecursiveMode::Recursive);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files() {
        for t in [
            "content/.slo.md.swp",
            "content/slo.md~",
            "content/4913",
            "content/.#slo.md",
            "content/#slo.md#",
            "content/slo.md___jb_tmp___",
            "content/.git/index",
        ] {
            assert!(is_editor_temp(Path::new(t)), "{t}");
        }
        for ok in ["content/slo.md", "content/glossary/4913-incident.md"] {
            assert!(!is_editor_temp(Path::new(ok)), "{ok}");
        }
    }

    #[test]
    fn relevance() {
        let set = WatchSet {
            root: "/s".into(),
            content_dir: "/s/content".into(),
            build_dir: "/s/site".into(),
        };
        assert!(set.is_relevant(Path::new("/s/book.toml")));
        assert!(set.is_relevant(Path::new("/s/content/glossary/slo.md")));
        // Images and other files beside pages are copied into the site.
        assert!(set.is_relevant(Path::new("/s/content/postmortems/x/timeline.png")));
        assert!(set.is_relevant(Path::new("/s/templates/page.html")));
        assert!(set.is_relevant(Path::new("/s/static/x.css")));
        assert!(!set.is_relevant(Path::new("/s/site/index.html")));
        assert!(!set.is_relevant(Path::new("/s/README.md")));
        assert!(!set.is_relevant(Path::new("/s/content/.slo.md.swp")));
    }
}
