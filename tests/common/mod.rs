//! Shared test support: fixture sites in temp dirs, the bundled site built once per test
//! binary, and a tiny static file server for browser tests ([`browser`]).
//!
//! ```ignore
//! mod common;
//!
//! let site = common::FixtureSite::new()
//!     .file("content/glossary/slo.md", "---\ntitle: SLO\n---\nA target.\n");
//! let out = site.build();                  // panics with every diagnostic on failure
//! let html = common::read(&out, "glossary/slo/index.html");
//! let server = common::serve(&out);        // http://127.0.0.1:PORT/, lives until exit
//! let url = server.url("glossary/slo/");
//! ```
//!
//! Each test binary uses only some of these helpers.
#![allow(dead_code)]

pub mod axe;
pub mod browser;
pub mod checks;
pub mod contrast;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hindsight::diagnostics::Diagnostics;
use hindsight::pipeline::{BuildOptions, build};

/// A site in a temp dir (deleted on drop), with a minimal `book.toml` unless one is written.
pub struct FixtureSite {
    dir: tempfile::TempDir,
}

impl Default for FixtureSite {
    fn default() -> Self {
        Self::new()
    }
}

impl FixtureSite {
    pub fn new() -> FixtureSite {
        let dir = tempfile::tempdir().expect("cannot create a temp dir");
        let site = FixtureSite { dir };
        site.write(
            "book.toml",
            "[book]\ntitle = \"Fixture\"\ndescription = \"A test site.\"\nlanguage = \"en\"\n",
        );
        site
    }

    /// Writes `contents` at `rel` (folders are created) and returns the site, for chaining.
    pub fn file(self, rel: &str, contents: &str) -> FixtureSite {
        self.write(rel, contents);
        self
    }

    /// A site with these files; a `book.toml` among them replaces the default one.
    pub fn with_files(files: &[(&str, &str)]) -> FixtureSite {
        let site = FixtureSite::new();
        for (rel, contents) in files {
            site.write(rel, contents);
        }
        site
    }

    /// Writes `contents` at `rel`, creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("cannot create fixture folder");
        }
        std::fs::write(&path, contents).expect("cannot write fixture file");
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the `hindsight` binary on this site: `hindsight ARGS --root ROOT`.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .output()
            .expect("cannot run the hindsight binary")
    }

    /// `site/REL` of the last build, parsed.
    pub fn html(&self, rel: &str) -> scraper::Html {
        let path = self.root().join("site").join(rel);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        scraper::Html::parse_document(&text)
    }

    /// Builds into `<root>/site` and returns that folder; panics with every diagnostic.
    pub fn build(&self) -> PathBuf {
        self.try_build()
            .unwrap_or_else(|d| panic!("fixture site failed to build:\n{d}"))
    }

    /// Builds into `<root>/site`, returning the output folder or every error.
    pub fn try_build(&self) -> Result<PathBuf, Diagnostics> {
        let out = self.dir.path().join("site");
        build(
            self.dir.path(),
            &BuildOptions {
                out_dir: Some(out.clone()),
                ..BuildOptions::default()
            },
        )?;
        Ok(out)
    }
}

/// What a run of the binary printed on stderr.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The repository's bundled knowledge base (content/ and book.toml), built once per test
/// binary into a temp dir that lives until the process exits.
pub fn bundled_site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // Kept (not deleted on drop): the path is handed out for the whole run.
        let dir = tempfile::tempdir()
            .expect("cannot create a temp dir")
            .keep();
        let out = dir.join("site");
        build(
            root,
            &BuildOptions {
                out_dir: Some(out.clone()),
                ..BuildOptions::default()
            },
        )
        .unwrap_or_else(|d| panic!("the bundled site failed to build:\n{d}"));
        out
    })
}

/// The bundled site, served once per test binary.
pub fn bundled_server() -> &'static StaticServer {
    static SERVER: OnceLock<StaticServer> = OnceLock::new();
    SERVER.get_or_init(|| serve(bundled_site()))
}

/// Reads an output file as text; panics with its path if it is missing.
pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", out.join(rel).display()))
}

/// A static file server on a free loopback port, serving one folder until the test
/// process exits. Folders serve their `index.html`; missing files get `404.html` with
/// status 404, as on a real static host.
pub struct StaticServer {
    port: u16,
}

impl StaticServer {
    /// The absolute URL of `path` (relative to the site root, no leading `/`).
    pub fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}/{}",
            self.port,
            path.trim_start_matches('/')
        )
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

/// Serves `dir` on `127.0.0.1` at a free port, one thread per connection.
pub fn serve(dir: &Path) -> StaticServer {
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind a loopback port");
    let port = listener.local_addr().expect("no local address").port();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let _ = serve_one(&dir, stream);
            });
        }
    });
    StaticServer { port }
}

/// Answers one request and closes the connection (`Connection: close` keeps this simple).
fn serve_one(dir: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; GET and HEAD requests have no body.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let safe = !path.split('/').any(|seg| seg == "..");
    let mut file = dir.join(path.trim_start_matches('/'));
    if file.is_dir() {
        if !path.ends_with('/') {
            let location = format!("{path}/");
            return write!(
                stream,
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        file = file.join("index.html");
    }
    let (status, file) = if safe && file.is_file() {
        ("200 OK", file)
    } else {
        ("404 Not Found", dir.join("404.html"))
    };
    let body = std::fs::read(&file).unwrap_or_else(|_| b"not found".to_vec());
    let kind = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// `%2e` → `.`: request paths and hrefs compare decoded.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(&String::from_utf8_lossy(hex), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A valid PNG of `width` × `height` pixels, all one colour, for fixture images.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    use std::io::Write as _;
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    }
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    let row: Vec<u8> = std::iter::once(0)
        .chain((0..width).flat_map(|_| [0x2a, 0x6f, 0xdb]))
        .collect();
    let mut pixels = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    for _ in 0..height {
        pixels.write_all(&row).expect("in memory");
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &pixels.finish().expect("in memory"));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A CSS selector; panics on a bad one (tests write them).
pub fn sel(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).unwrap()
}

/// The text of each element `css` selects, whitespace collapsed.
pub fn texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Attribute `attr` of each element `css` selects (`""` where it is absent).
pub fn attrs(doc: &scraper::Html, css: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| e.value().attr(attr).unwrap_or_default().to_string())
        .collect()
}

/// A site where `pages` post-mortems (titles `Outage 000`…) all mention one term.
pub fn widely_mentioned_term(pages: usize) -> FixtureSite {
    let mut f = FixtureSite::new()
        .file("book.toml", "[book]\ntitle = \"Fixture\"\n")
        .file(
            "content/glossary/runbook.md",
            "---\ntitle: Runbook\nsummary: A written procedure.\n---\n\nText.\n",
        );
    for n in 0..pages {
        f = f.file(
            &format!("content/postmortems/outage-{n:03}.md"),
            &format!(
                "---\ntitle: Outage {n:03}\nsummary: Outage {n:03}.\n---\n\nWe used the runbook.\n"
            ),
        );
    }
    f
}

/// `serve`'s options for a test: any free port on 127.0.0.1, no polling, no drafts, quiet.
pub fn quiet_serve_options(root: &Path) -> hindsight::serve::ServeOptions {
    hindsight::serve::ServeOptions {
        root: root.to_path_buf(),
        port: Some(0),
        bind: "127.0.0.1".parse().unwrap(),
        poll: false,
        include_drafts: false,
        warn_links: false,
        quiet: true,
    }
}
