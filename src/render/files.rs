//! Copying the content folder's files next to the pages that use them: each image or file a
//! body names (see `markdown::FileUse`), and every file of a page bundle (`content/x/
//! index.md` with `timeline.png` beside it). Copies, not links: the output is a plain
//! folder that any host serves.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

use crate::content::PageId;
use crate::content::assets::{Asset, bundle_folder};
use crate::diagnostics::Diagnostic;
use crate::output::OutputSink;
use crate::site::Site;

/// One file to copy: from the content folder (`source`) for page `page`.
struct FileCopy<'a> {
    source: &'a str,
    asset: &'a Asset,
    page: PageId,
}

/// Copy every page's files into `sink`; returns the output paths written, or the problems
/// (two files for one output path, a file in a page's place, a failed copy).
pub fn write_page_files(
    site: &Site,
    sink: &dyn OutputSink,
) -> Result<Vec<String>, Vec<Diagnostic>> {
    let mut copies: BTreeMap<String, FileCopy<'_>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (output, copy) in referenced(site).into_iter().chain(bundled(site)) {
        match copies.get(&output) {
            Some(first) if first.source != copy.source => {
                problems.push(site.pages[copy.page].error(
                    0,
                    0,
                    format!(
                        "`{}` and `{}` would both be copied to `{output}`: rename one",
                        first.source, copy.source
                    ),
                ))
            }
            Some(_) => {}
            None => {
                copies.insert(output, copy);
            }
        }
    }
    let pages: HashSet<String> = site
        .pages
        .iter()
        .map(|p| format!("{}index.html", p.url))
        .collect();
    for (output, copy) in &copies {
        if pages.contains(output) {
            problems.push(site.pages[copy.page].error(
                0,
                0,
                format!(
                    "`{}` would be copied over the page at `{output}`: rename it",
                    copy.source
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let failed: Vec<Diagnostic> = copies
        .par_iter()
        .filter_map(|(output, copy)| {
            sink.copy_file(output, &copy.asset.path).err().map(|e| {
                site.pages[copy.page].error(
                    0,
                    0,
                    format!("cannot copy `{}` to the output: {e}", copy.source),
                )
            })
        })
        .collect();
    if failed.is_empty() {
        Ok(copies.into_keys().collect())
    } else {
        Err(failed)
    }
}

/// The files bodies name, at the output paths the bodies link to.
fn referenced(site: &Site) -> Vec<(String, FileCopy<'_>)> {
    let mut copies = Vec::new();
    for (page, body) in site.bodies.iter().enumerate() {
        for file in &body.files {
            if let (Some(output), Some(asset)) = (&file.output, site.assets.get(&file.source)) {
                let copy = FileCopy {
                    source: &asset.rel,
                    asset,
                    page,
                };
                copies.push((output.clone(), copy));
            }
        }
    }
    copies
}

/// Every file of each page bundle's folder, beside the bundle's page, less the folders
/// below it that have an `index.md` or `_index.md` of their own.
fn bundled(site: &Site) -> Vec<(String, FileCopy<'_>)> {
    let own_folders: HashSet<&str> = site
        .pages
        .iter()
        .filter_map(|p| {
            p.rel_path
                .strip_suffix("/index.md")
                .or_else(|| p.rel_path.strip_suffix("/_index.md"))
        })
        .collect();
    let mut copies = Vec::new();
    for (page, p) in site.pages.iter().enumerate() {
        let Some(folder) = bundle_folder(p) else {
            continue;
        };
        for (below, asset) in site.assets.under(folder) {
            let inner = below
                .match_indices('/')
                .any(|(i, _)| own_folders.contains(format!("{folder}/{}", &below[..i]).as_str()));
            if !inner {
                let copy = FileCopy {
                    source: &asset.rel,
                    asset,
                    page,
                };
                copies.push((format!("{}{below}", p.url), copy));
            }
        }
    }
    copies
}
