//! Stage 6: write the output. A build writes into a staging folder beside the build dir
//! and swaps it into place only when every file was written, so a failed build leaves the
//! previous site untouched ([`swap`]); and it writes only where it may ([`owned`]).

pub mod owned;
pub mod swap;

pub use owned::{OutputRefusal, ProtectedPaths, SITE_MARKER, check_output_dir};
pub use swap::{OldSite, StagingDir, discard_site};

use std::collections::BTreeMap;
use std::io;
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
    /// A file copied as it is (an image beside its page).
    fn copy_file(&self, rel_path: &str, source: &std::path::Path) -> io::Result<()> {
        self.write(rel_path, &std::fs::read(source)?)
    }
}

/// Discards everything: `hindsight check` renders to it.
pub struct NullSink;

impl OutputSink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }

    fn copy_file(&self, _: &str, _: &std::path::Path) -> io::Result<()> {
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
