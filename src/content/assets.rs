//! The content folder's other files: images, diagrams, PDFs that pages show or link to.
//! [`AssetIndex`] lists them once per build (regular files only: a symlink is not followed,
//! so nothing outside the content folder is ever read). A page's relative reference
//! resolves against the page's own folder, as in an editor or on GitHub ([`join_relative`]),
//! and the file is copied next to the page's output ([`output_path`]), so the reference
//! keeps working from `page/index.html`, from `file://` and under any sub-path.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::config::Config;
use crate::content::{Page, slugify};

/// An image's size in CSS pixels, for `width`/`height` attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
}

/// One file of the content folder that is not a page.
#[derive(Debug)]
pub struct Asset {
    /// Its path in the content folder (`postmortems/checkout/timeline.png`).
    pub rel: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// Changes when the file does (its length and modification time).
    pub fingerprint: u64,
    /// Read from the file's header on first use.
    size: OnceLock<Option<ImageSize>>,
}

impl Asset {
    fn new(rel: String, path: PathBuf, metadata: &std::fs::Metadata) -> Asset {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (metadata.len(), metadata.modified().ok()).hash(&mut h);
        Asset {
            rel,
            path,
            fingerprint: h.finish(),
            size: OnceLock::new(),
        }
    }

    /// Its size if it is an image whose header says (SVG: its root element's `width` and
    /// `height`, else its `viewBox`).
    pub fn image_size(&self) -> Option<ImageSize> {
        *self.size.get_or_init(|| read_image_size(&self.path))
    }
}

/// Every non-page file of the content folder, by its path in the folder (`postmortems/
/// checkout/timeline.png`).
#[derive(Debug, Default)]
pub struct AssetIndex {
    files: BTreeMap<String, Arc<Asset>>,
}

impl AssetIndex {
    /// List the content folder's files that are not pages, skipping hidden ones (as pages
    /// are) and symlinks.
    pub fn list(config: &Config) -> AssetIndex {
        let content_dir = config.content_dir();
        let mut files = BTreeMap::new();
        let walk = walkdir::WalkDir::new(&content_dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            // An unreadable folder is reported by the page listing already.
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() || entry.path().extension().is_some_and(|x| x == "md") {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&content_dir) else {
                continue;
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if let Ok(metadata) = entry.metadata() {
                let asset = Asset::new(rel.clone(), entry.into_path(), &metadata);
                files.insert(rel, Arc::new(asset));
            }
        }
        AssetIndex { files }
    }

    /// The same listing, keeping what `previous` read of files that did not change
    /// (`serve` lists again at every change of a file that is not a page).
    pub fn reusing(mut self, previous: &AssetIndex) -> AssetIndex {
        for (rel, asset) in &mut self.files {
            if let Some(before) = previous.files.get(rel)
                && before.fingerprint == asset.fingerprint
                && before.path == asset.path
            {
                *asset = before.clone();
            }
        }
        self
    }

    /// Where the files are on disk.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.values().map(|a| a.path.as_path())
    }

    pub fn get(&self, rel: &str) -> Option<&Asset> {
        self.files.get(rel).map(Arc::as_ref)
    }

    /// The files under `folder` (`postmortems/checkout`), with their paths below it.
    pub fn under<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = (&'a str, &'a Asset)> {
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let skip = prefix.len();
        self.files
            .range(prefix.clone()..)
            .take_while(move |(rel, _)| rel.starts_with(&prefix))
            .map(move |(rel, asset)| (&rel[skip..], asset.as_ref()))
    }

    /// The listed file nearest to `rel` by name, in the same folder, for a "did you mean".
    pub fn nearest<'a>(&'a self, rel: &'a str) -> Option<&'a str> {
        let folder = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let siblings = self
            .under(folder)
            .filter(|(below, _)| !below.contains('/'))
            .map(|(below, _)| below);
        let name = rel.rsplit('/').next().unwrap_or(rel);
        crate::config::nearest(name, siblings)
    }
}

/// A path written in `from_rel_path` (`glossary/slo.md`), relative to its folder or, with a
/// leading `/`, to the content folder, as a path in the content folder with `.` and `..`
/// resolved. The `bool` is true when `..` climbed above the content folder (the path is then
/// clamped at it).
pub fn join_relative(from_rel_path: &str, path: &str) -> (String, bool) {
    let joined = if let Some(abs) = path.strip_prefix('/') {
        abs.to_string()
    } else {
        match from_rel_path.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{path}"),
            None => path.to_string(),
        }
    };
    let mut parts: Vec<&str> = Vec::new();
    let mut escaped = false;
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => escaped |= parts.pop().is_none(),
            s => parts.push(s),
        }
    }
    (parts.join("/"), escaped)
}

/// Where a page's file goes in the output: a file in the page's folder or below it goes
/// next to the page's output under the same relative path, so `![](timeline.png)` in
/// `postmortems/checkout/index.md` or in `postmortems/checkout.md` still finds it from
/// `postmortems/checkout/index.html`. A file elsewhere (`../shared/logo.png`) keeps its
/// place in the content folder, under its folders' URL slugs.
pub fn output_path(page: &Page, asset_rel: &str) -> String {
    let page_dir = page.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
    let below = if page_dir.is_empty() {
        Some(asset_rel)
    } else {
        asset_rel
            .strip_prefix(page_dir)
            .and_then(|r| r.strip_prefix('/'))
    };
    match below {
        Some(rest) => format!("{}{rest}", page.url),
        None => {
            let (folders, name) = asset_rel.rsplit_once('/').unwrap_or(("", asset_rel));
            let mut out = String::new();
            for folder in folders.split('/').filter(|f| !f.is_empty()) {
                let slug = slugify(folder);
                out.push_str(if slug.is_empty() { folder } else { &slug });
                out.push('/');
            }
            out.push_str(name);
            out
        }
    }
}

/// The folder whose files a page carries: a page bundle's (`content/x/index.md`, not the
/// home page) is all of its folder, less sub-folders that are bundles or sections of their own.
pub fn bundle_folder(page: &Page) -> Option<&str> {
    page.rel_path.strip_suffix("/index.md")
}

/// `%20` → ` `: a written reference as a file name. Invalid escapes stay as written.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// A path as a URL path: every byte but unreserved ones and `/` percent-encoded.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn read_image_size(path: &Path) -> Option<ImageSize> {
    let is_svg = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("svg"));
    if is_svg {
        let mut head = Vec::new();
        std::fs::File::open(path)
            .ok()?
            .take(64 * 1024)
            .read_to_end(&mut head)
            .ok()?;
        return svg_size(&String::from_utf8_lossy(&head));
    }
    let size = imagesize::size(path).ok()?;
    Some(ImageSize {
        width: u32::try_from(size.width).ok()?,
        height: u32::try_from(size.height).ok()?,
    })
}

/// An SVG's size from its root element: `width` and `height` in pixels (or unitless),
/// else its `viewBox`'s. (Hand-written: resolving an SVG's size in full needs a whole SVG
/// library, and these two attributes are what browsers use for an `<img>`.)
fn svg_size(text: &str) -> Option<ImageSize> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let px = |name: &str| {
        let value = attribute(tag, name)?;
        let number = value.strip_suffix("px").unwrap_or(value).trim();
        let n: f64 = number.parse().ok()?;
        (n > 0.0 && n < 1e6).then(|| n.round() as u32)
    };
    if let (Some(width), Some(height)) = (px("width"), px("height")) {
        return Some(ImageSize { width, height });
    }
    let view_box: Vec<f64> = attribute(tag, "viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match view_box[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w < 1e6 && h < 1e6 => Some(ImageSize {
            width: w.round().max(1.0) as u32,
            height: h.round().max(1.0) as u32,
        }),
        _ => None,
    }
}

/// The value of attribute `name` in a start tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + name.len()..].trim_start();
        rest = &rest[i + name.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote == '"' || quote == '\'' {
            let inner = &value[1..];
            return inner.find(quote).map(|end| &inner[..end]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_join_the_page_folder() {
        assert_eq!(
            join_relative("postmortems/x/index.md", "timeline.png"),
            ("postmortems/x/timeline.png".into(), false)
        );
        assert_eq!(
            join_relative("glossary/slo.md", "../shared/./logo.png"),
            ("shared/logo.png".into(), false)
        );
        assert_eq!(
            join_relative("a.md", "/img/x.png"),
            ("img/x.png".into(), false)
        );
        assert_eq!(
            join_relative("glossary/slo.md", "../../../etc/passwd"),
            ("etc/passwd".into(), true)
        );
    }

    #[test]
    fn svg_sizes_come_from_the_root_element() {
        let size = |w, h| {
            Some(ImageSize {
                width: w,
                height: h,
            })
        };
        assert_eq!(
            svg_size("<?xml?><svg xmlns=\"x\" width=\"640\" height='360.4px'>"),
            size(640, 360)
        );
        assert_eq!(
            svg_size("<svg viewBox=\"0 0 800,450\" width=\"100%\">"),
            size(800, 450)
        );
        assert_eq!(
            svg_size("<svg stroke-width=\"2\" viewBox=\"0 0 0 0\">"),
            None
        );
        assert_eq!(svg_size("<html>"), None);
    }

    #[test]
    fn paths_decode_and_encode() {
        assert_eq!(percent_decode("my%20shot.png"), "my shot.png");
        assert_eq!(percent_decode("100%.png"), "100%.png");
        assert_eq!(percent_encode_path("a b/ü#.png"), "a%20b/%C3%BC%23.png");
    }
}
