//! Embeds `themes/default/` into the binary, so `hindsight` works from any folder. The
//! templates are indented for reading; what is embedded has each line's leading
//! indentation removed (line numbers stay), as every page would carry it: ~600 bytes a
//! page, 6 MB on a 10,000-page site. No default template has a `<pre>` or `<textarea>`.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let theme = Path::new("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    collect(theme, theme, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Files of the default theme: (path inside the theme, contents).\npub static EMBEDDED_THEME: &[(&str, &[u8])] = &[\n",
    );
    let out_dir = Path::new(&std::env::var("OUT_DIR").unwrap()).to_path_buf();
    for rel in &files {
        let mut abs = std::fs::canonicalize(theme.join(rel)).expect("theme file");
        if rel.starts_with("templates/") && rel.ends_with(".html") {
            abs = dedented(&abs, &out_dir.join("theme").join(rel));
        }
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = out_dir.join("embedded_theme.rs");
    std::fs::write(out, code).expect("write embedded theme list");
}

/// `source` with each line's leading spaces and tabs removed, written to `to`.
fn dedented(source: &Path, to: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(source).expect("template is UTF-8");
    assert!(
        !text.contains("<pre") && !text.contains("<textarea"),
        "{}: indentation inside <pre> or <textarea> would be lost",
        source.display()
    );
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.trim_start_matches([' ', '\t']))
        .collect();
    std::fs::create_dir_all(to.parent().unwrap()).expect("theme copy folder");
    std::fs::write(to, lines.join("\n")).expect("write dedented template");
    to.to_path_buf()
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(base, &p, files);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push(rel);
        }
    }
}
