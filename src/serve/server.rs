//! HTTP: serves the current snapshot of the site from memory, plus the dev server's own
//! endpoints under `/__hindsight/`. Only files of the built site can be served; any path
//! that tries to leave it is a 404.
//!
//! One short-lived thread per connection and one request per connection (`Connection:
//! close`): a browser's idle preconnected sockets then cost an idle thread each and can
//! never hold up a request (tiny_http 0.12's pool stalls behind 4 of them).

use std::sync::Arc;

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::serve::incremental::Snapshot;
use crate::serve::reload::{BuildEvent, LIVE_RELOAD_JS};
use crate::serve::{ServerState, wait_for_site};

/// What a request path names, after refusing anything unsafe.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// An output file (`glossary/slo/index.html`).
    File(String),
    /// A folder requested without its trailing slash: redirect to this path.
    Redirect(String),
    NotFound,
}

/// Map a raw request target (`/glossary/slo/?q=1`) to an output file of `snapshot`.
/// Refuses `..`, `.`, encoded slashes and dots-as-segments, backslashes, empty segments,
/// absolute-form targets and control characters.
pub fn resolve(raw: &str, snapshot: &Snapshot) -> Target {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let base = snapshot.base_path.as_str();
    if !path.starts_with('/') {
        return Target::NotFound;
    }
    if format!("{path}/") == base {
        return Target::Redirect(base.to_string());
    }
    let Some(rest) = path.strip_prefix(base) else {
        return Target::NotFound;
    };
    let Some(segments) = decode_segments(rest) else {
        return Target::NotFound;
    };
    let joined = segments.join("/");
    let folder = rest.is_empty() || rest.ends_with('/');
    if folder {
        let rel = if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        };
        return found(rel, snapshot);
    }
    if snapshot.files.contains_key(joined.as_str()) {
        return Target::File(joined);
    }
    if snapshot
        .files
        .contains_key(format!("{joined}/index.html").as_str())
    {
        let query = raw.find('?').map_or("", |i| &raw[i..]);
        return Target::Redirect(format!("{path}/{query}"));
    }
    Target::NotFound
}

fn found(rel: String, snapshot: &Snapshot) -> Target {
    if snapshot.files.contains_key(rel.as_str()) {
        Target::File(rel)
    } else {
        Target::NotFound
    }
}

/// Percent-decode each `/`-separated segment; `None` if any segment is unsafe.
fn decode_segments(rest: &str) -> Option<Vec<String>> {
    let trimmed = rest.strip_suffix('/').unwrap_or(rest);
    if trimmed.is_empty() {
        return Some(Vec::new());
    }
    trimmed
        .split('/')
        .map(|raw| {
            let seg = percent_decode(raw)?;
            let unsafe_segment = seg.is_empty()
                || seg == "."
                || seg == ".."
                || seg.contains(['/', '\\', ':', '\0'])
                || seg.chars().any(char::is_control);
            (!unsafe_segment).then_some(seg)
        })
        .collect()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type of every kind of file a site emits.
pub fn content_type(rel: &str) -> &'static str {
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// One parsed request: only what a static dev server needs.
pub struct Request {
    pub method: String,
    pub target: String,
    stream: TcpStream,
}

/// Longest request head we accept; browsers send a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;

impl Request {
    /// Read one request head from a fresh connection; `None` if the client sent nothing
    /// usable before the read timeout.
    pub fn read(stream: TcpStream) -> Option<Request> {
        let mut head = Vec::with_capacity(1024);
        let mut buf = [0u8; 2048];
        let mut reader = &stream;
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = reader.read(&mut buf).ok()?;
            if n == 0 || head.len() + n > MAX_HEAD {
                return None;
            }
            head.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&head);
        let mut parts = text.lines().next()?.split(' ');
        let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
        Some(Request {
            method,
            target,
            stream,
        })
    }

    fn respond(self, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        let mut stream = self.stream;
        // A client that went away is not an error worth reporting.
        let _ = stream.write_all(head.as_bytes());
        if self.method != "HEAD" {
            let _ = stream.write_all(body);
        }
        let _ = stream.flush();
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    }
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>) {
    request.respond(status, &[("Content-Type", content_type)], &body);
}

fn redirect(request: Request, location: &str) {
    request.respond(301, &[("Location", location)], b"");
}

/// Answer one request. Event streams are parked in the hub instead of holding a thread.
pub fn handle(request: Request, state: &ServerState) {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        request.respond(
            405,
            &[
                ("Allow", "GET, HEAD"),
                ("Content-Type", "text/plain; charset=utf-8"),
            ],
            b"method not allowed",
        );
        return;
    }
    let url = request.target.clone();
    let snapshot: Arc<Snapshot> = wait_for_site(state);
    let own = format!("{}__hindsight/", snapshot.base_path);
    if let Some(endpoint) = url.strip_prefix(&own) {
        let endpoint = endpoint.split('?').next().unwrap_or("");
        match endpoint {
            "live-reload.js" => respond(
                request,
                200,
                content_type("x.js"),
                LIVE_RELOAD_JS.as_bytes().to_vec(),
            ),
            "events" => {
                let current: BuildEvent = state.current_event();
                // The stream lives on without a read timeout; writes fail once it closes.
                let _ = request.stream.set_read_timeout(None);
                // A page that stops reading must not hold up the others' events for long.
                let _ = request
                    .stream
                    .set_write_timeout(Some(std::time::Duration::from_secs(2)));
                state.hub.connect(Box::new(request.stream), &current);
            }
            "status" => {
                let body = serde_json::to_vec(&state.current_event()).unwrap_or_default();
                respond(request, 200, "application/json", body);
            }
            _ => not_found(request, &snapshot),
        }
        return;
    }
    match resolve(&url, &snapshot) {
        Target::File(rel) => {
            let bytes = snapshot.files[rel.as_str()].bytes().into_owned();
            respond(request, 200, content_type(&rel), bytes);
        }
        Target::Redirect(location) => redirect(request, &location),
        Target::NotFound => not_found(request, &snapshot),
    }
}

fn not_found(request: Request, snapshot: &Snapshot) {
    match snapshot.files.get("404.html") {
        Some(page) => respond(
            request,
            404,
            content_type("404.html"),
            page.bytes().into_owned(),
        ),
        None => respond(
            request,
            404,
            "text/plain; charset=utf-8",
            b"404 Not Found".to_vec(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::incremental::SiteFile;

    fn site(base: &str) -> Snapshot {
        let mut s = Snapshot {
            base_path: base.into(),
            ..Default::default()
        };
        for f in [
            "index.html",
            "glossary/index.html",
            "glossary/slo/index.html",
            "theme.css",
        ] {
            s.files
                .insert(f.into(), SiteFile::Shared(Arc::from(&b"x"[..])));
        }
        s
    }

    #[test]
    fn folders_files_and_redirects() {
        let s = site("/");
        assert_eq!(resolve("/", &s), Target::File("index.html".into()));
        assert_eq!(
            resolve("/glossary/slo/?x=1", &s),
            Target::File("glossary/slo/index.html".into())
        );
        assert_eq!(resolve("/theme.css", &s), Target::File("theme.css".into()));
        assert_eq!(
            resolve("/glossary?x=1", &s),
            Target::Redirect("/glossary/?x=1".into())
        );
        assert_eq!(resolve("/nope/", &s), Target::NotFound);
    }

    #[test]
    fn base_path_prefix() {
        let s = site("/kb/");
        assert_eq!(
            resolve("/kb/theme.css", &s),
            Target::File("theme.css".into())
        );
        assert_eq!(resolve("/kb", &s), Target::Redirect("/kb/".into()));
        assert_eq!(resolve("/theme.css", &s), Target::NotFound);
    }

    #[test]
    fn refuses_escapes() {
        let s = site("/");
        for bad in [
            "/../etc/passwd",
            "/glossary/../theme.css",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/glossary%2fslo/index.html",
            "/glossary%5cslo/index.html",
            "/glossary\\slo/index.html",
            "//etc/passwd",
            "/./theme.css",
            "/C:/windows",
            "http://example.org/theme.css",
            "theme.css",
            "/%00",
            "/%zz",
        ] {
            assert_eq!(resolve(bad, &s), Target::NotFound, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.svg"), "image/svg+xml");
        assert_eq!(content_type("search/shard-1.json"), "application/json");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
