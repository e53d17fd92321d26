//! HTTP: serves the current snapshot of the site from memory, plus the dev server's own
//! endpoints under `/__hindsight/`. Only files of the built site can be served; any path
//! that tries to leave it is a 404.
//!
//! axum (hyper) on a runtime of its own with a fixed number of threads, whatever its
//! clients do: connections are capped, a request head must arrive within a deadline
//! (slowloris, idle preconnected sockets), a client that stops reading is dropped, and
//! event streams are fed from bounded per-client queues (see `reload`), so no client can
//! hold up a rebuild or another client.

use std::io;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{
    ACCEPT_RANGES, ALLOW, CACHE_CONTROL, CONTENT_RANGE, CONTENT_TYPE, IF_RANGE, LOCATION, RANGE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use http_range_header::RangeUnsatisfiableError;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;

use crate::serve::incremental::Snapshot;
use crate::serve::reload::LIVE_RELOAD_JS;
use crate::serve::{ServerState, site};

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

/// Connections open at once; more wait in the listen backlog until one closes.
pub const MAX_CONNECTIONS: usize = 512;
/// Threads that run every connection, however many there are.
const WORKERS: usize = 2;
/// A client must send a whole request head within this time, on a new connection and
/// between requests on a kept-alive one (slowloris, idle preconnected sockets).
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A client that takes nothing of what is written to it for this long is disconnected
/// (shorter in unit tests, which wait for it).
pub(crate) const WRITE_STALL: Duration = Duration::from_secs(if cfg!(test) { 2 } else { 10 });

/// The HTTP side of a running server: its own small runtime. Stopping (or dropping) it
/// closes every connection and the listening socket.
pub struct HttpServer {
    runtime: Option<Runtime>,
}

impl HttpServer {
    /// Serve `state` on `listener` (already bound) until stopped.
    pub fn start(listener: std::net::TcpListener, state: Arc<ServerState>) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .max_blocking_threads(1)
            .thread_name("hindsight-http")
            .enable_io()
            .enable_time()
            .build()?;
        listener.set_nonblocking(true)?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener)?
        };
        runtime.spawn(accept(listener, state));
        Ok(HttpServer {
            runtime: Some(runtime),
        })
    }

    pub fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Drops every task: the accept loop (and its socket) and each connection.
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn accept(listener: TcpListener, state: Arc<ServerState>) {
    let app = Router::new().fallback(handle).with_state(state);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve_connection(stream, app.clone(), slot));
            }
            // Out of file descriptors, or reset before it was accepted: try again shortly.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn serve_connection(stream: TcpStream, app: Router, _slot: OwnedSemaphorePermit) {
    let _ = stream.set_nodelay(true);
    let mut stream = TimeoutStream::new(stream);
    stream.set_write_timeout(Some(WRITE_STALL));
    let io = TokioIo::new(Box::pin(stream));
    // A connection's end (the client left, timed out or sent garbage) is not an error
    // worth reporting: hyper has already answered what it could (400, 408, 431).
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .serve_connection(io, TowerToHyperService::new(app))
        .await;
}

/// Answer one request; every answer is uncached and never sniffed.
async fn handle(
    State(state): State<Arc<ServerState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut response = answer(&state, &method, &uri, &headers).await;
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

async fn answer(state: &ServerState, method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let allow = [
            (ALLOW, "GET, HEAD"),
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
        ];
        return (StatusCode::METHOD_NOT_ALLOWED, allow, "method not allowed").into_response();
    }
    let snapshot = site(state).await;
    let own = format!("{}__hindsight/", snapshot.base_path);
    if let Some(endpoint) = uri.path().strip_prefix(&own) {
        return match endpoint {
            "live-reload.js" => {
                let script = Bytes::from_static(LIVE_RELOAD_JS.as_bytes());
                ([(CONTENT_TYPE, content_type("x.js"))], script).into_response()
            }
            "events" => state.subscribe().into_response(),
            "status" => {
                let body = serde_json::to_vec(&state.current_event()).unwrap_or_default();
                ([(CONTENT_TYPE, "application/json")], body).into_response()
            }
            _ => not_found(&snapshot),
        };
    }
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    match resolve(target, &snapshot) {
        Target::File(rel) => {
            let bytes = Bytes::from(snapshot.files[rel.as_str()].bytes().into_owned());
            let range = if method == Method::GET {
                requested_range(headers, bytes.len() as u64)
            } else {
                Ranged::Whole
            };
            file(&rel, bytes, range)
        }
        Target::Redirect(location) => redirect(&location),
        Target::NotFound => not_found(&snapshot),
    }
}

/// What part of a file to send.
#[derive(Debug, PartialEq, Eq)]
enum Ranged {
    Whole,
    Part(RangeInclusive<u64>),
    Unsatisfiable,
}

/// RFC 9110 §14: one satisfiable range gets that part (206); ranges that all lie past the
/// end get 416. Anything else gets the whole file, as the RFC allows: no `Range`, several
/// ranges (no multipart answers), a malformed header, or an `If-Range` (there is no
/// validator to check it against).
fn requested_range(headers: &HeaderMap, len: u64) -> Ranged {
    if headers.contains_key(IF_RANGE) {
        return Ranged::Whole;
    }
    let Some(value) = headers.get(RANGE).and_then(|v| v.to_str().ok()) else {
        return Ranged::Whole;
    };
    let Ok(parsed) = http_range_header::parse_range_header(value) else {
        return Ranged::Whole;
    };
    match parsed.validate(len) {
        Ok(ranges) if ranges.len() == 1 => Ranged::Part(ranges[0].clone()),
        Err(RangeUnsatisfiableError::Unsatisfiable) => Ranged::Unsatisfiable,
        _ => Ranged::Whole,
    }
}

fn file(rel: &str, bytes: Bytes, range: Ranged) -> Response {
    let len = bytes.len();
    let kind = [(CONTENT_TYPE, content_type(rel)), (ACCEPT_RANGES, "bytes")];
    match range {
        Ranged::Whole => (kind, bytes).into_response(),
        Ranged::Part(r) => {
            let (start, end) = (*r.start() as usize, *r.end() as usize);
            let content_range = format!("bytes {start}-{end}/{len}");
            let part = bytes.slice(start..=end);
            let status = StatusCode::PARTIAL_CONTENT;
            (status, kind, [(CONTENT_RANGE, content_range)], part).into_response()
        }
        Ranged::Unsatisfiable => {
            let content_range = format!("bytes */{len}");
            let status = StatusCode::RANGE_NOT_SATISFIABLE;
            (status, [(CONTENT_RANGE, content_range)]).into_response()
        }
    }
}

/// A redirect to a path taken from the request. `Uri` already refuses control characters;
/// anything outside visible ASCII is percent-encoded all the same, so no request byte can
/// end the header or start another.
fn redirect(location: &str) -> Response {
    let value = HeaderValue::try_from(header_safe(location))
        .unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::MOVED_PERMANENTLY, [(LOCATION, value)]).into_response()
}

fn header_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if (0x21..=0x7e).contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn not_found(snapshot: &Snapshot) -> Response {
    let status = StatusCode::NOT_FOUND;
    match snapshot.files.get("404.html") {
        Some(page) => {
            let body = page.bytes().into_owned();
            (status, [(CONTENT_TYPE, content_type("404.html"))], body).into_response()
        }
        None => {
            let kind = [(CONTENT_TYPE, "text/plain; charset=utf-8")];
            (status, kind, "404 Not Found").into_response()
        }
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

    fn range(value: &str, len: u64) -> Ranged {
        let mut headers = HeaderMap::new();
        headers.insert(RANGE, HeaderValue::from_str(value).unwrap());
        requested_range(&headers, len)
    }

    #[test]
    fn ranges() {
        assert_eq!(range("bytes=0-0", 10), Ranged::Part(0..=0));
        assert_eq!(range("bytes=2-", 10), Ranged::Part(2..=9));
        assert_eq!(range("bytes=-4", 10), Ranged::Part(6..=9));
        assert_eq!(range("bytes=-40", 10), Ranged::Part(0..=9));
        assert_eq!(range("bytes=5-400", 10), Ranged::Part(5..=9));
        assert_eq!(range("bytes=10-", 10), Ranged::Unsatisfiable);
        assert_eq!(range("bytes=0-1", 0), Ranged::Unsatisfiable);
        for whole in ["bytes=0-1,4-5", "bytes=5-2", "bytes=x", "lines=1-2", ""] {
            assert_eq!(range(whole, 10), Ranged::Whole, "{whole}");
        }
        assert_eq!(requested_range(&HeaderMap::new(), 10), Ranged::Whole);
    }

    #[test]
    fn header_values_carry_no_control_characters() {
        assert_eq!(header_safe("/glossary/?q=1"), "/glossary/?q=1");
        assert_eq!(
            header_safe("/a\r\nSet-Cookie: x"),
            "/a%0D%0ASet-Cookie:%20x"
        );
        assert_eq!(header_safe("/caf\u{e9}/"), "/caf%C3%A9/");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.svg"), "image/svg+xml");
        assert_eq!(content_type("search/shard-1.json"), "application/json");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
