//! Stage 6: write the output. A build writes into a temporary folder beside the build dir
//! and swaps it into place only when every file was written, so a failed build leaves the
//! previous site untouched.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;

/// Where rendered files go. Implementations must accept writes from many threads.
pub trait OutputSink: Sync {
    /// `rel_path` uses `/` and is relative to the output root (`glossary/slo/index.html`).
    fn write(&self, rel_path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Bytes that may be shared with an earlier build (`serve` keeps them without a copy).
    fn write_shared(&self, rel_path: &str, bytes: &Arc<[u8]>) -> io::Result<()> {
        self.write(rel_path, bytes)
    }
}

/// Discards everything: `hindsight check` renders to it.
pub struct NullSink;

impl OutputSink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
}

/// Keeps files in memory (tests, and the dev server's comparisons).
#[derive(Default)]
pub struct MemorySink {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl OutputSink for MemorySink {
    fn write(&self, rel_path: &str, bytes: &[u8]) -> io::Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel_path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// A fresh folder next to the final build dir, swapped in by `commit`.
pub struct StagingDir {
    staging: PathBuf,
    target: PathBuf,
}

impl StagingDir {
    pub fn create(target: &Path) -> io::Result<StagingDir> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let staging = parent.join(format!("{name}.tmp-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir_all(&staging)?;
        Ok(StagingDir {
            staging,
            target: target.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Move the staged site into place, replacing the previous one.
    pub fn commit(self) -> io::Result<()> {
        let target = self.target.clone();
        let old = target.with_file_name(format!(
            "{}.old-{}",
            target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_previous = target.exists();
        if had_previous {
            std::fs::rename(&target, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &target) {
            if had_previous {
                let _ = std::fs::rename(&old, &target);
            }
            return Err(e);
        }
        if had_previous {
            let _ = std::fs::remove_dir_all(&old);
        }
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for StagingDir {
    /// An abandoned build removes its half-written folder.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

impl OutputSink for StagingDir {
    fn write(&self, rel_path: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.staging.join(rel_path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = std::env::temp_dir().join(format!("hindsight-out-{}", std::process::id()));
        let target = tmp.join("site");
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
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
