//! When each content file last changed, from the site's git history: the "Last updated" date
//! of a page and the `<lastmod>` of the sitemap. One `git log` walk serves the whole site
//! (not one process per page), and it stops as soon as every file has been seen, so a long
//! history costs only as far back as the oldest file's last change. Outside a git work tree,
//! or without git, there are no dates and the build goes on.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use jiff::civil::Date;

/// The last commit date of each content file, by its path under the content dir
/// (`glossary/slo.md`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct History {
    dates: HashMap<String, Date>,
}

impl History {
    /// Walks `git log` in `content_dir` until each of `files` (paths under it, with `/`) has
    /// its newest commit. Empty when `content_dir` is not in a git work tree.
    pub fn read(content_dir: &Path, files: &[&str]) -> History {
        let mut wanted: HashSet<&str> = files.iter().copied().collect();
        let Ok(mut child) = Command::new("git")
            .arg("-C")
            .arg(content_dir)
            .args(["-c", "core.quotePath=false", "log", "--format=%x00%cs"])
            .args(["--name-only", "--relative", "--no-renames", "--", "."])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
        else {
            return History::default();
        };
        let mut history = History::default();
        if let Some(stdout) = child.stdout.take() {
            history.collect(BufReader::new(stdout), &mut wanted);
        }
        // Stopping early closes the pipe; git then ends on SIGPIPE, which is expected.
        let _ = child.kill();
        let _ = child.wait();
        history
    }

    /// Reads `git log` output (a `\0date` line per commit, then its files) newest first,
    /// keeping each wanted file's first date and stopping when none is left.
    fn collect(&mut self, log: impl BufRead, wanted: &mut HashSet<&str>) {
        let mut date = None;
        for line in log.lines() {
            let Ok(line) = line else { return };
            if let Some(d) = line.strip_prefix('\0') {
                date = d.parse::<Date>().ok();
            } else if let Some(d) = date
                && wanted.remove(line.as_str())
            {
                self.dates.insert(line, d);
                if wanted.is_empty() {
                    return;
                }
            }
        }
    }

    /// The date of the last commit touching `rel_path`, if it was ever committed.
    pub fn last_updated(&self, rel_path: &str) -> Option<Date> {
        self.dates.get(rel_path).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str], date: &str) {
        let ok = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(args)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_DATE", date)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn newest_commit_per_file_and_nothing_for_uncommitted_or_outside_git() {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        std::fs::create_dir_all(content.join("glossary")).unwrap();
        git(tmp.path(), &["init", "-q"], "2026-01-01T10:00:00Z");
        std::fs::write(content.join("glossary/slo.md"), "a").unwrap();
        std::fs::write(content.join("index.md"), "a").unwrap();
        git(tmp.path(), &["add", "."], "2026-01-01T10:00:00Z");
        git(
            tmp.path(),
            &["commit", "-qm", "one"],
            "2026-01-01T10:00:00Z",
        );
        std::fs::write(content.join("glossary/slo.md"), "b").unwrap();
        git(
            tmp.path(),
            &["commit", "-qam", "two"],
            "2026-03-15T10:00:00Z",
        );
        std::fs::write(content.join("new.md"), "c").unwrap();

        let h = History::read(&content, &["glossary/slo.md", "index.md", "new.md"]);
        assert_eq!(
            h.last_updated("glossary/slo.md"),
            Some(Date::constant(2026, 3, 15))
        );
        assert_eq!(h.last_updated("index.md"), Some(Date::constant(2026, 1, 1)));
        assert_eq!(h.last_updated("new.md"), None);

        let elsewhere = tempfile::tempdir().unwrap();
        assert!(History::read(elsewhere.path(), &["index.md"]).is_empty());
    }

    #[test]
    fn the_walk_stops_when_every_file_is_dated() {
        let log =
            "\u{0}2026-05-01\n\na.md\n\n\u{0}2026-04-01\n\nb.md\na.md\n\n\u{0}2020-01-01\n\nc.md\n";
        let mut h = History::default();
        let mut wanted: HashSet<&str> = ["a.md", "b.md"].into_iter().collect();
        h.collect(log.as_bytes(), &mut wanted);
        assert_eq!(h.last_updated("a.md"), Some(Date::constant(2026, 5, 1)));
        assert_eq!(h.last_updated("b.md"), Some(Date::constant(2026, 4, 1)));
        assert_eq!(h.last_updated("c.md"), None);
    }
}
