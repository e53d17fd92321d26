//! The layers of the crate: a module imports only from its own layer or a layer below, and
//! no two parts of the crate import each other, directly or around a circle. The layer list
//! here is the map in `src/lib.rs`'s docs (checked too), bottom to top. Reads every
//! `crate::…` path of `src/`, outside comments and `#[cfg(test)]` code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top: each layer's parts, as module paths (the longest prefix of an import
/// decides its part).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundations",
        &[
            "diagnostics",
            "escape",
            "timings",
            "highlight",
            "output",
            "console",
            "varint",
        ],
    ),
    ("config", &["config"]),
    ("content", &["content"]),
    ("links, terms, markdown", &["links", "terms", "markdown"]),
    ("linking", &["linking"]),
    ("kind contract", &["kinds::kind"]),
    // Every folder of `kinds` but the contract and the registry is a kind.
    ("kinds", &["kinds"]),
    ("registry", &["kinds::registry"]),
    ("search", &["search"]),
    ("site", &["site"]),
    ("render", &["render"]),
    ("pipeline", &["pipeline"]),
    ("commands", &["serve", "scaffold", "import"]),
];

/// Macros exported at the crate root (`crate::outln!`), with the module that defines them.
const ROOT_MACROS: &[(&str, &str)] = &[("outln", "console"), ("errln", "console")];

/// Where `path` (`a::b::c`) sits: its part and its layer's index.
fn part_of(path: &str) -> Option<(&'static str, usize)> {
    let mut best: Option<(&'static str, usize)> = None;
    for (layer, (_, parts)) in LAYERS.iter().enumerate() {
        for &part in *parts {
            let matches = path == part || path.starts_with(&format!("{part}::"));
            if matches && best.is_none_or(|(b, _)| part.len() > b.len()) {
                best = Some((part, layer));
            }
        }
    }
    best
}

/// The module path of a source file (`src/render/outputs.rs` → `render::outputs`).
fn module_of(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut path: Vec<&str> = parts.iter().map(|p| p.trim_end_matches(".rs")).collect();
    if path.last() == Some(&"mod") {
        path.pop();
    }
    path.join("::")
}

/// The code of a file without comments and without its `#[cfg(test)]` items.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Every path a `crate::` prefix starts in `code`, with `use` groups expanded
/// (`crate::a::{b, c::d}` → `a::b`, `a::c::d`).
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        expand(rest, String::new(), &mut found);
    }
    found
}

/// Expands the use tree at the start of `text` under `prefix`.
fn expand(text: &str, prefix: String, found: &mut Vec<String>) {
    let ident_len = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let head = text[..ident_len].trim_end_matches("::");
    let path = match (prefix.is_empty(), head.is_empty()) {
        (true, _) => head.to_string(),
        (false, true) => prefix.clone(),
        (false, false) => format!("{prefix}::{head}"),
    };
    let after = &text[ident_len..];
    if text[..ident_len].ends_with("::") && after.starts_with('{') {
        let mut depth = 0;
        let mut start = 1;
        for (i, c) in after.char_indices() {
            match c {
                '{' => depth += 1,
                '}' | ',' if depth == 1 => {
                    let item = after[start..i].trim();
                    if !item.is_empty() && item != "self" {
                        expand(item, path.clone(), found);
                    } else if item == "self" {
                        found.push(path.clone());
                    }
                    start = i + 1;
                    if c == '}' {
                        return;
                    }
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
    } else if !path.is_empty() {
        found.push(path);
    }
}

/// Every import of `src/` as (file, its module, the imported path).
fn imports() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    for entry in walkdir(&src) {
        let rel = entry.strip_prefix(&src).unwrap().to_path_buf();
        let name = rel.file_name().unwrap().to_string_lossy().into_owned();
        if name == "lib.rs" || name == "main.rs" || name == "tests.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap();
        let module = module_of(&rel);
        for path in crate_paths(&code_of(&text)) {
            let path = match ROOT_MACROS.iter().find(|(name, _)| path == *name) {
                Some((name, module)) => format!("{module}::{name}"),
                None => path,
            };
            all.push((format!("src/{}", rel.display()), module.clone(), path));
        }
    }
    all
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let imports = imports();
    assert!(
        imports
            .iter()
            .any(|(_, m, p)| m == "pipeline" && p.starts_with("linking")),
        "the reader found no import of `crate::linking` in src/pipeline.rs: it reads nothing"
    );
    let mut wrong = Vec::new();
    for (file, module, path) in &imports {
        let Some((from, from_layer)) = part_of(module) else {
            wrong.push(format!(
                "{file}: module `{module}` is in no layer of LAYERS"
            ));
            continue;
        };
        let Some((to, to_layer)) = part_of(path) else {
            wrong.push(format!("{file}: `crate::{path}` is in no layer of LAYERS"));
            continue;
        };
        if to_layer > from_layer {
            wrong.push(format!(
                "{file}: `{from}` ({}) imports `crate::{path}` from `{to}` ({}), a layer above",
                LAYERS[from_layer].0, LAYERS[to_layer].0
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_circle_between_parts_of_the_crate() {
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let imports = imports();
    for (_, module, path) in &imports {
        if let (Some((from, _)), Some((to, _))) = (part_of(module), part_of(path))
            && from != to
        {
            edges.entry(from).or_default().insert(to);
        }
    }
    // A part on a circle reaches itself.
    let mut circles = Vec::new();
    for &start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = edges[start].iter().copied().collect();
        while let Some(part) = stack.pop() {
            if part == start {
                circles.push(start);
                break;
            }
            if seen.insert(part) {
                stack.extend(edges.get(part).into_iter().flatten().copied());
            }
        }
    }
    assert!(
        circles.is_empty(),
        "parts on an import circle: {circles:?}\n{edges:#?}"
    );
}

#[test]
fn the_layers_are_the_map_in_the_crate_docs() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    // `//! N. name: [`a`], [`b::c`]`: one line per layer, bottom to top.
    let documented: Vec<(String, Vec<String>)> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! "))
        .filter_map(|l| {
            let (number, rest) = l.split_once(". ")?;
            number.parse::<usize>().ok()?;
            let (name, parts) = rest.split_once(": ")?;
            let parts = parts
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            Some((name.to_string(), parts))
        })
        .collect();
    let expected: Vec<(String, Vec<String>)> = LAYERS
        .iter()
        .map(|(name, parts)| {
            (
                name.to_string(),
                parts.iter().map(|p| p.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        documented, expected,
        "src/lib.rs's layer map differs from LAYERS"
    );
}

#[test]
fn use_trees_expand_to_paths() {
    let code = "use crate::a::{b, c::{d, e}, self};\nlet x = crate::f::g(1);\n// crate::h\n";
    let mut paths = crate_paths(&code_of(code));
    paths.sort();
    assert_eq!(paths, ["a", "a::b", "a::c::d", "a::c::e", "f::g"]);
}
