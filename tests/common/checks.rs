//! Checks on a built site's output folder, without a browser: links and anchors resolve,
//! every page is well-formed and has what readers and assistive technology need, and a
//! page's weight stays within budget. Each check returns its problems, one line each
//! (`page: problem`), so a test can assert that a good site has none and a broken fixture
//! has the expected ones.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};

/// Every HTML file of a built site, parsed once.
pub struct BuiltSite {
    pub root: PathBuf,
    /// Output-relative path (`glossary/slo/index.html`) → parsed document.
    pub pages: BTreeMap<String, Html>,
}

impl BuiltSite {
    pub fn load(root: &Path) -> BuiltSite {
        let mut pages = BTreeMap::new();
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.expect("cannot walk the output folder");
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "html") {
                let rel = rel_path(root, path);
                let text = std::fs::read_to_string(path).expect("cannot read output HTML");
                pages.insert(rel, parse_with_exact_errors(&text));
            }
        }
        BuiltSite {
            root: root.to_path_buf(),
            pages,
        }
    }

    /// Ids (and legacy `<a name>`s) of each page, for `#anchor` checks.
    fn anchors(&self) -> HashMap<&str, HashSet<String>> {
        let named = sel("[id], a[name]");
        self.pages
            .iter()
            .map(|(rel, doc)| {
                let ids = doc
                    .select(&named)
                    .flat_map(|e| [e.attr("id"), e.attr("name")])
                    .flatten()
                    .map(String::from)
                    .collect();
                (rel.as_str(), ids)
            })
            .collect()
    }
}

/// Like `Html::parse_document`, but parse errors name the offending token and parser
/// state instead of a generic "Unexpected token".
fn parse_with_exact_errors(text: &str) -> Html {
    use html5ever::driver::{ParseOpts, parse_document};
    use html5ever::tendril::TendrilSink;
    let mut opts = ParseOpts::default();
    opts.tokenizer.exact_errors = true;
    opts.tree_builder.exact_errors = true;
    parse_document(scraper::HtmlTreeSink::new(Html::new_document()), opts).one(text)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e}"))
}

fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every internal `href`/`src` points at an output file, every `#anchor` at an id of its
/// target page, and no page loads anything from another origin (the theme works offline).
pub fn link_problems(site: &BuiltSite) -> Vec<String> {
    let anchors = site.anchors();
    let linking = sel(
        "a[href], area[href], link[href], script[src], img[src], source[src], iframe[src], use[href]",
    );
    let mut problems = Vec::new();
    for (rel, doc) in &site.pages {
        for el in doc.select(&linking) {
            let name = el.value().name();
            let attr = if el.attr("href").is_some() {
                "href"
            } else {
                "src"
            };
            let url = el.attr(attr).unwrap_or_default().trim();
            if is_external(url) {
                // Following a link away is fine; loading a resource from elsewhere is not.
                if name != "a" && name != "area" && !url.starts_with("data:") {
                    problems.push(format!(
                        "{rel}: <{name} {attr}=\"{url}\"> loads an external resource"
                    ));
                }
                continue;
            }
            match resolve(site, rel, url) {
                Err(why) => problems.push(format!("{rel}: broken link `{url}`: {why}")),
                Ok((target, fragment)) => {
                    if let Some(frag) = fragment.filter(|f| !f.is_empty() && *f != "top") {
                        let frag = super::percent_decode(frag);
                        let found = anchors
                            .get(target.as_str())
                            .is_some_and(|ids| ids.contains(&frag));
                        if !found {
                            problems.push(format!(
                                "{rel}: broken anchor `{url}`: no id `{frag}` in {target}"
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    let scheme_end = url.find(':');
    let first_special = url.find(['/', '?', '#']);
    match (scheme_end, first_special) {
        (Some(c), Some(s)) => c < s,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Resolves `url` found in page `from` to an output file (`dir/index.html` for folders)
/// and its fragment.
fn resolve<'u>(
    site: &BuiltSite,
    from: &str,
    url: &'u str,
) -> Result<(String, Option<&'u str>), String> {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() {
        return Ok((from.to_string(), fragment));
    }
    let path = super::percent_decode(path);
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<&str> = from.split('/').collect();
        dir.pop(); // the file name
        dir
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("goes above the site root".into());
                }
            }
            s => parts.push(s),
        }
    }
    let mut target = parts.join("/");
    let on_disk = site.root.join(&target);
    if path.ends_with('/') || on_disk.is_dir() {
        target = if target.is_empty() {
            "index.html".into()
        } else {
            format!("{target}/index.html")
        };
    }
    if site.root.join(&target).is_file() {
        Ok((target, fragment))
    } else {
        Err(format!("no file {target}"))
    }
}

/// Each page parses without HTML errors and has one `<h1>`, a `<title>`, a `lang`, a meta
/// description, unique ids, alt text on images, labelled form controls, named buttons,
/// and ARIA/label references to ids that exist.
pub fn structure_problems(site: &BuiltSite) -> Vec<String> {
    let mut problems = Vec::new();
    let (h1, title, html, desc, ided, img) = (
        sel("h1"),
        sel("head > title"),
        sel("html"),
        sel("head > meta[name=description]"),
        sel("[id]"),
        sel("img"),
    );
    let (controls, buttons, labels, refs) = (
        sel("input, select, textarea"),
        sel("button, [role=button]"),
        sel("label[for]"),
        sel("[aria-labelledby], [aria-describedby], [aria-controls], label[for]"),
    );
    for (rel, doc) in &site.pages {
        let mut report = |p: String| problems.push(format!("{rel}: {p}"));
        for e in doc.errors.iter().take(5) {
            report(format!("HTML parse error: {e}"));
        }
        match doc.select(&h1).count() {
            1 => {}
            n => report(format!("has {n} <h1> elements, want exactly 1")),
        }
        if doc
            .select(&title)
            .next()
            .is_none_or(|t| text_of(t).is_empty())
        {
            report("has no <title> text".into());
        }
        if doc
            .select(&html)
            .next()
            .and_then(|h| h.attr("lang"))
            .is_none_or(|l| l.trim().is_empty())
        {
            report("has no lang on <html>".into());
        }
        if doc
            .select(&desc)
            .next()
            .and_then(|m| m.attr("content"))
            .is_none_or(|c| c.trim().is_empty())
        {
            report("has no meta description".into());
        }
        let mut seen = HashSet::new();
        let mut ids = HashSet::new();
        for e in doc.select(&ided) {
            let id = e.attr("id").unwrap_or_default();
            if id.is_empty() {
                report(format!("<{}> has an empty id", e.value().name()));
            } else if !seen.insert(id) {
                report(format!("duplicate id `{id}`"));
            }
            ids.insert(id.to_string());
        }
        for e in doc.select(&img) {
            if e.attr("alt").is_none() {
                report(format!(
                    "<img src=\"{}\"> has no alt text",
                    e.attr("src").unwrap_or_default()
                ));
            }
        }
        let labelled_ids: HashSet<&str> =
            doc.select(&labels).filter_map(|l| l.attr("for")).collect();
        for c in doc.select(&controls) {
            let kind = c.attr("type").unwrap_or("text");
            if c.value().name() == "input"
                && matches!(kind, "hidden" | "submit" | "button" | "reset")
            {
                continue;
            }
            let in_label = c
                .ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().name() == "label");
            let by_for = c.attr("id").is_some_and(|id| labelled_ids.contains(id));
            if !(in_label || by_for || has_aria_name(c)) {
                report(format!(
                    "form control <{} type=\"{kind}\"> has no label",
                    c.value().name()
                ));
            }
        }
        for b in doc.select(&buttons) {
            if text_of(b).is_empty() && !has_aria_name(b) {
                report(format!("<{}> has no accessible name", b.value().name()));
            }
        }
        for e in doc.select(&refs) {
            for attr in [
                "aria-labelledby",
                "aria-describedby",
                "aria-controls",
                "for",
            ] {
                for id in e.attr(attr).unwrap_or_default().split_whitespace() {
                    if !ids.contains(id) {
                        report(format!("{attr}=\"{id}\" names no element of the page"));
                    }
                }
            }
        }
    }
    problems
}

fn text_of(e: ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

fn has_aria_name(e: ElementRef) -> bool {
    ["aria-label", "aria-labelledby", "title"]
        .iter()
        .any(|a| e.attr(a).is_some_and(|v| !v.trim().is_empty()))
}

/// The gzip-compressed bytes a reader downloads for one page: its HTML plus every
/// stylesheet and script it references (icons and images excluded), each counted once.
/// Search index shards (files named `*shard*`) load on demand, so they are not counted.
pub fn compressed_page_weight(site: &BuiltSite, page: &str) -> usize {
    let doc = &site.pages[page];
    let assets = sel("link[rel=stylesheet][href], script[src]");
    let mut files = vec![page.to_string()];
    for e in doc.select(&assets) {
        let url = e.attr("href").or(e.attr("src")).unwrap_or_default();
        if is_external(url) {
            continue;
        }
        if let Ok((target, _)) = resolve(site, page, url)
            && !target.contains("shard")
            && !files.contains(&target)
        {
            files.push(target);
        }
    }
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(site.root.join(f)).unwrap_or_default();
            gzip_len(&bytes)
        })
        .sum()
}

pub fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip into memory");
    enc.finish().expect("gzip into memory").len()
}
