//! Errors and warnings about the site's sources, each pointing at a file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in the sources. Line and column are 1-based; 0 means "whole file".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending source line, when known, for display in terminals and the dev server overlay.
    pub source_line: Option<String>,
}

/// The most problems reported for one file's links. A generated page can hold hundreds of
/// thousands of broken links on one line: each report quotes its line, so without a cap the
/// build would spend hours and print gigabytes to say the same thing.
pub const MAX_PROBLEMS: usize = 100;

/// The most characters of a source line shown under a diagnostic.
pub const EXCERPT_CHARS: usize = 160;

/// The most characters of a message: one quoting a whole 10 MB value says no more than
/// its first thousand characters do.
const MESSAGE_CHARS: usize = 1000;

impl Diagnostic {
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let mut message = message.into();
        if let Some((cut, _)) = message.char_indices().nth(MESSAGE_CHARS) {
            message.truncate(cut);
            message.push('…');
        }
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            column,
            message,
            source_line: None,
        }
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, column, message)
        }
    }

    /// Attach the text of the source line the diagnostic points at, cut to
    /// [`EXCERPT_CHARS`] around the column (a minified or generated file can hold megabytes
    /// on one line).
    pub fn with_source(mut self, source: &str) -> Self {
        if self.line > 0 {
            self.source_line = source
                .lines()
                .nth(self.line - 1)
                .map(|l| excerpt(l, self.column));
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Line 0: a problem of the whole file (it cannot be read, a template is missing).
        if self.line == 0 {
            return write!(f, "{}: {kind}: {}", self.path.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {kind}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// All diagnostics of one build, so that every problem is reported at once.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    /// Sorted by file, then position, so output is stable across parallel runs.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
        });
        self.items.dedup();
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
            if let Some(src) = &d.source_line {
                writeln!(f, "  | {src}")?;
            }
        }
        Ok(())
    }
}

/// At most [`EXCERPT_CHARS`] characters of `line` around `column` (1-based, in
/// characters), with `…` where it was cut.
pub fn excerpt(line: &str, column: usize) -> String {
    let total = line.chars().count();
    if total <= EXCERPT_CHARS {
        return line.to_owned();
    }
    let start = column
        .saturating_sub(1 + EXCERPT_CHARS / 2)
        .min(total - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut out: String = line.chars().skip(start).take(EXCERPT_CHARS).collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < total {
        out.push('…');
    }
    out
}

/// A path shown relative to the site root when possible, as authors see it in their editor.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Line and column (1-based) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// `250000` → `250,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncd\nef";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 4), (2, 2));
        assert_eq!(line_col(t, 6), (3, 1));
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let short = "a".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&short, 5), short);
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let cut = excerpt(&line, 5001);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 2, "{cut}");
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        let x = cut.chars().position(|c| c == 'X').unwrap();
        assert!((75..=85).contains(&x), "X at {x} in {cut}");
        let start = excerpt(&line, 1);
        assert!(start.starts_with("aaa") && start.ends_with('…'), "{start}");
        let end = excerpt(&line, 10_001);
        assert!(end.starts_with('…') && end.ends_with("bbb"), "{end}");
        let d = Diagnostic::error("a.md", 2, 5001, "bad").with_source(&format!("x\n{line}\ny"));
        assert_eq!(d.source_line.as_deref(), Some(cut.as_str()));
    }

    #[test]
    fn long_messages_are_cut() {
        let d = Diagnostic::error("a.md", 1, 1, "x".repeat(5000));
        assert_eq!(d.message.chars().count(), MESSAGE_CHARS + 1);
    }

    #[test]
    fn display_is_path_line_col() {
        let d = Diagnostic::error("content/a.md", 3, 7, "bad");
        assert_eq!(d.to_string(), "content/a.md:3:7: error: bad");
        let whole_file = Diagnostic::error("content/b.md", 0, 0, "cannot read: denied");
        assert_eq!(
            whole_file.to_string(),
            "content/b.md: error: cannot read: denied"
        );
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(64), "64");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(250_000), "250,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
