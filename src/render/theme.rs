//! The theme: templates and static files. The default theme is embedded in the binary;
//! `themes/<name>/` on disk replaces it file by file, and the site's own `templates/` and
//! `static/` override the theme file by file (Zola's convention).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, display_path};

include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));

/// A theme file and where it came from, so errors can name the file an author edits.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub origin: PathBuf,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`page.html`) → source.
    pub templates: BTreeMap<String, ThemeFile>,
    /// Path under the output root (`theme.css`) → contents.
    pub static_files: BTreeMap<String, ThemeFile>,
}

impl Theme {
    pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let mut theme = Theme::default();
        let mut errors = Vec::new();
        let name = &config.build.theme;
        if name == "default" {
            for (rel, bytes) in EMBEDDED_THEME {
                theme.insert(
                    rel,
                    PathBuf::from(format!("themes/default/{rel}")),
                    bytes.to_vec(),
                );
            }
        }
        let on_disk = config.root.join("themes").join(name);
        if on_disk.is_dir() {
            theme.overlay(&config.root, &on_disk.join("templates"), "", &mut errors);
            theme.overlay(
                &config.root,
                &on_disk.join("static"),
                "static/",
                &mut errors,
            );
        } else if name != "default" {
            errors.push(Diagnostic::error(
                "book.toml",
                0,
                0,
                format!(
                    "missing theme `{name}`: no folder {}",
                    display_path(&config.root, &on_disk).display()
                ),
            ));
        }
        theme.overlay(
            &config.root,
            &config.root.join("templates"),
            "",
            &mut errors,
        );
        theme.overlay(
            &config.root,
            &config.root.join("static"),
            "static/",
            &mut errors,
        );
        if errors.is_empty() {
            Ok(theme)
        } else {
            Err(errors)
        }
    }

    fn insert(&mut self, rel: &str, origin: PathBuf, bytes: Vec<u8>) {
        if let Some(t) = rel.strip_prefix("templates/") {
            self.templates
                .insert(t.to_string(), ThemeFile { origin, bytes });
        } else if let Some(s) = rel.strip_prefix("static/") {
            self.static_files
                .insert(s.to_string(), ThemeFile { origin, bytes });
        }
    }

    fn overlay(&mut self, root: &Path, dir: &Path, kind: &str, errors: &mut Vec<Diagnostic>) {
        if !dir.is_dir() {
            return;
        }
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push(Diagnostic::error(
                        display_path(root, dir),
                        0,
                        0,
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let shown = display_path(root, entry.path());
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    let key = if kind.is_empty() {
                        format!("templates/{rel}")
                    } else {
                        format!("{kind}{rel}")
                    };
                    self.insert(&key, shown, bytes);
                }
                Err(e) => errors.push(Diagnostic::error(shown, 0, 0, format!("cannot read: {e}"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_theme_has_core_templates() {
        let names: Vec<&str> = EMBEDDED_THEME.iter().map(|(n, _)| *n).collect();
        for t in [
            "templates/base.html",
            "templates/page.html",
            "templates/404.html",
            "static/theme.css",
        ] {
            assert!(names.contains(&t), "{t} missing from {names:?}");
        }
    }
}
