//! Integration tests of `hindsight serve`: each test starts the dev server on a free port
//! over a fixture site and talks HTTP and Server-Sent Events to it.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod common;

use hindsight::output::MemorySink;
use hindsight::pipeline::{BuildOptions, load_site};
use hindsight::render::outputs::render_site;
use hindsight::serve::incremental::{ChangeSet, IncrementalBuild, SiteChanges};
use hindsight::serve::{ServeError, ServeHandle, ServeOptions, start};
use serde_json::Value;

const TERM: &str = "---\ntitle: Blast Radius\nsummary: How far an incident's impact reaches.\naliases: [impact radius]\nrelated: [runbook]\n---\n\n## What it is\n\nThe reach of a failure.\n";
const RUNBOOK: &str = "---\ntitle: Runbook\nsummary: A written procedure for a kind of incident.\n---\n\n## Steps\n\nSee [[Blast Radius]].\n";
const POSTMORTEM: &str = "---\ntitle: Cache stampede\ndate: 2024-03-01\nsummary: The cache fell over.\n---\n\n## What happened\n\nThe [[runbook]] was missing a step.\n";

struct Site {
    /// Holds `root/` (the site) and `secret.txt` beside it.
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let site = Site { dir };
        site.write("book.toml", "[book]\ntitle = \"Serve KB\"\n");
        site.write("content/glossary/blast-radius.md", TERM);
        site.write("content/glossary/runbook.md", RUNBOOK);
        site.write("content/postmortems/cache-stampede.md", POSTMORTEM);
        site.write("static/extra.css", "body { margin: 0; }\n");
        std::fs::write(
            site.dir.path().join("secret.txt"),
            "TOP-SECRET outside the site\n",
        )
        .unwrap();
        site
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn serve(&self) -> ServeHandle {
        start(options(&self.root(), Some(0))).expect("server starts")
    }
}

fn options(root: &Path, port: Option<u16>) -> ServeOptions {
    ServeOptions {
        port,
        ..common::quiet_serve_options(root)
    }
}

struct Reply {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request with the target sent exactly as given (no client-side cleanup).
fn request(addr: SocketAddr, method: &str, target: &str) -> Reply {
    request_with(addr, method, target, "")
}

/// The same, with `headers` (`Name: value\r\n` lines) added to the request.
fn request_with(addr: SocketAddr, method: &str, target: &str, headers: &str) -> Reply {
    let raw = exchange(
        addr,
        format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    parse_reply(&raw)
}

/// Send `bytes` as they are and read the whole answer.
fn exchange(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(bytes).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    raw
}

fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, target: &str) -> Reply {
    request(addr, "GET", target)
}

/// A live-reload connection, as an open page holds it.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let s = open_events(addr);
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut events = Events {
            reader: BufReader::new(s),
        };
        let hello = events.next(Duration::from_secs(10)).expect("initial event");
        assert_eq!(hello["changed"], serde_json::json!([]), "{hello}");
        events
    }

    /// The next `build` event's data, if one arrives in time.
    fn next(&mut self, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        let mut line = String::new();
        while Instant::now() < deadline {
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {
                    if let Some(data) = line.strip_prefix("data: ") {
                        return Some(serde_json::from_str(data).unwrap());
                    }
                    line.clear();
                }
                // Timeout: keep what was read of a partial line and try again.
                Err(_) => {}
            }
        }
        None
    }

    /// Wait for a build event satisfying `pred`.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(e) = self.next(Duration::from_secs(1))
                && pred(&e)
            {
                return e;
            }
        }
        panic!("no build event with {what} within 20 s");
    }
}

fn changed(e: &Value, rel: &str) -> bool {
    e["changed"]
        .as_array()
        .is_some_and(|c| c.iter().any(|f| f == rel))
}

fn status(addr: SocketAddr) -> Value {
    serde_json::from_slice(&get(addr, "/__hindsight/status").body).unwrap()
}

#[test]
fn serves_site_with_types_redirects_head_and_404() {
    let site = Site::new();
    let server = site.serve();
    let addr = server.addr();

    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(home.headers["cache-control"], "no-store");
    assert!(
        home.text().contains("/__hindsight/live-reload.js"),
        "serve injects the live-reload script"
    );

    let folder = get(addr, "/glossary?x=1");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.headers["location"], "/glossary/?x=1");
    let index = get(addr, "/glossary/");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("Blast Radius"));

    let css = get(addr, "/extra.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(css.text(), "body { margin: 0; }\n");
    assert_eq!(
        get(addr, "/favicon.svg").headers["content-type"],
        "image/svg+xml"
    );
    assert_eq!(
        get(addr, "/sitemap.xml").headers["content-type"],
        "application/xml; charset=utf-8"
    );
    let script = get(addr, "/__hindsight/live-reload.js");
    assert_eq!(script.status, 200);
    assert!(script.headers["content-type"].starts_with("text/javascript"));
    assert!(script.text().contains("EventSource"));

    let head = request(addr, "HEAD", "/glossary/runbook/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD sends no body");
    let full = get(addr, "/glossary/runbook/");
    assert_eq!(
        head.headers["content-length"],
        full.body.len().to_string(),
        "HEAD reports the GET length"
    );

    let missing = get(addr, "/no/such/page/");
    assert_eq!(missing.status, 404);
    let clean_404 = clean_build(&site.root(), true)["404.html"].clone();
    assert_eq!(missing.body, clean_404, "the site's own 404 page");
    assert_eq!(request(addr, "POST", "/").status, 405);
    server.stop();
}

#[test]
fn build_output_has_no_live_reload_script() {
    let site = Site::new();
    for (rel, bytes) in clean_build(&site.root(), false) {
        assert!(
            // The dev server's endpoints live under `/__hindsight/`.
            !String::from_utf8_lossy(&bytes).contains("__hindsight/"),
            "{rel} of `build` mentions the dev server"
        );
    }
}

#[test]
fn refuses_paths_outside_the_site() {
    let site = Site::new();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.dir.path().join("secret.txt"),
        site.path("static/leak.txt"),
    )
    .unwrap();
    let server = site.serve();
    let addr = server.addr();
    for target in [
        "/../secret.txt",
        "/glossary/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/glossary%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/glossary\\runbook\\index.html",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "http://localhost/../secret.txt",
        "/leak.txt",
        "/%00",
    ] {
        let reply = get(addr, target);
        assert_eq!(reply.status, 404, "{target}");
        assert!(!reply.text().contains("TOP-SECRET"), "{target} leaked");
    }
    // The same files through legitimate paths are served.
    assert_eq!(get(addr, "/glossary/runbook/index.html").status, 200);
    assert_eq!(get(addr, "/glossary/%72unbook/").status, 200);
    server.stop();
}

#[test]
fn saving_a_page_sends_reload_with_new_content() {
    let site = Site::new();
    site.write(
        "content/postmortems/other.md",
        "---\ntitle: Other\n---\n\nKeeps the section alive.\n",
    );
    let server = site.serve();
    let addr = server.addr();
    let mut events = Events::connect(addr);
    site.write(
        "content/glossary/runbook.md",
        &RUNBOOK.replace("## Steps", "## Steps\n\nFreshly saved words."),
    );
    let e = events.wait_for("the runbook page", |e| {
        changed(e, "glossary/runbook/index.html")
    });
    assert_eq!(e["errors"], serde_json::json!([]));
    assert_eq!(e["css_only"], false);
    assert!(
        get(addr, "/glossary/runbook/")
            .text()
            .contains("Freshly saved words.")
    );

    // A stylesheet-only change is marked so pages swap it in place.
    site.write("static/extra.css", "body { margin: 1px; }\n");
    let e = events.wait_for("the stylesheet", |e| changed(e, "extra.css"));
    assert_eq!(e["css_only"], true, "{e}");

    // A deleted page points its open tabs at the nearest section.
    std::fs::remove_file(site.path("content/postmortems/cache-stampede.md")).unwrap();
    let e = events.wait_for("the removal", |e| {
        e["removed"].get("postmortems/cache-stampede/").is_some()
    });
    assert_eq!(e["removed"]["postmortems/cache-stampede/"], "postmortems/");
    assert_eq!(get(addr, "/postmortems/cache-stampede/").status, 404);
    server.stop();
}

#[test]
fn broken_edit_shows_errors_and_fix_clears_them() {
    let site = Site::new();
    let server = site.serve();
    let addr = server.addr();
    let mut events = Events::connect(addr);
    let before = get(addr, "/glossary/runbook/").body;

    site.write(
        "content/glossary/runbook.md",
        "---\ntitle: [Runbook\nsummary: A written procedure.\n---\n\nBroken.\n",
    );
    let e = events.wait_for("errors", |e| {
        e["errors"].as_array().is_some_and(|a| !a.is_empty())
    });
    let first = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|err| err["location"].as_str().unwrap().contains("runbook.md"))
        .expect("an error in the edited file");
    let location = first["location"].as_str().unwrap();
    assert!(
        location.starts_with("content/glossary/runbook.md:2:"),
        "path:line:col, got {location}"
    );
    assert!(!first["message"].as_str().unwrap().is_empty());
    assert_eq!(first["source_line"], "title: [Runbook");
    // The status endpoint (read by pages opened later) has the same errors,
    assert_eq!(status(addr)["errors"], e["errors"]);
    // and the last good site is still served.
    assert_eq!(get(addr, "/glossary/runbook/").body, before);

    site.write("content/glossary/runbook.md", RUNBOOK);
    events.wait_for("no errors", |e| e["errors"] == serde_json::json!([]));
    assert_eq!(status(addr)["errors"], serde_json::json!([]));
    server.stop();
}

#[test]
fn burst_of_saves_is_one_rebuild() {
    let site = Site::new();
    for i in 0..20 {
        site.write(
            &format!("content/postmortems/p{i}.md"),
            &format!("---\ntitle: Incident {i}\n---\n\nFirst version.\n"),
        );
    }
    let server = site.serve();
    let addr = server.addr();
    let mut events = Events::connect(addr);
    let generation = status(addr)["generation"].as_u64().unwrap();
    for i in 0..20 {
        site.write(
            &format!("content/postmortems/p{i}.md"),
            &format!("---\ntitle: Incident {i}\n---\n\nSecond version.\n"),
        );
    }
    let e = events.wait_for("the burst", |e| changed(e, "postmortems/p0/index.html"));
    // Let any straggling batch arrive before counting.
    assert!(
        events.next(Duration::from_millis(800)).is_none(),
        "a second rebuild"
    );
    assert_eq!(e["generation"].as_u64().unwrap(), generation + 1);
    for i in 0..20 {
        assert!(changed(&e, &format!("postmortems/p{i}/index.html")), "p{i}");
        assert!(
            get(addr, &format!("/postmortems/p{i}/"))
                .text()
                .contains("Second version.")
        );
    }
    server.stop();
}

#[test]
fn idle_connections_do_not_hold_up_requests() {
    // Browsers open spare connections and leave them idle; requests must not queue
    // behind them (tiny_http 0.12 stalled behind four).
    let site = Site::new();
    let server = site.serve();
    let idle: Vec<TcpStream> = (0..16)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    let started = Instant::now();
    assert_eq!(get(server.addr(), "/glossary/").status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a request waited {:?} behind idle connections",
        started.elapsed()
    );
    drop(idle);
    server.stop();
}

/// A connection that has asked for the event stream (and read nothing yet).
fn open_events(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /__hindsight/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    s
}

#[test]
fn pages_that_stop_reading_do_not_delay_reloads() {
    let site = Site::new();
    let server = site.serve();
    let addr = server.addr();
    let stalled: Vec<TcpStream> = (0..10).map(|_| open_events(addr)).collect();
    let mut events = Events::connect(addr);
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.state.streams() < 11 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(server.state.streams(), 11, "every stream is open");
    let mut slowest = Duration::ZERO;
    for i in 0..3 {
        let saved = Instant::now();
        site.write(
            "content/glossary/runbook.md",
            &format!("{RUNBOOK}\nSave number {i}.\n"),
        );
        events.wait_for("the runbook page", |e| {
            changed(e, "glossary/runbook/index.html")
        });
        slowest = slowest.max(saved.elapsed());
    }
    // Save to event includes the debounce and the rebuild; a stream written in turn
    // with a 2 s timeout per client would take 20 s.
    assert!(
        slowest < Duration::from_secs(1),
        "a reload took {slowest:?} beside 10 stalled pages"
    );
    assert_eq!(get(addr, "/glossary/").status, 200);
    drop(stalled);
    server.stop();
}

#[test]
fn a_carriage_return_in_the_target_never_reaches_a_header() {
    let site = Site::new();
    let server = site.serve();
    let addr = server.addr();
    for target in [
        &b"/glossary\rSet-Cookie:x=1"[..],
        b"/glossary?\rSet-Cookie:x=1",
        b"/glossary\r\nSet-Cookie:x=1",
        b"/glossary?a\xff",
    ] {
        let mut req = b"GET ".to_vec();
        req.extend_from_slice(target);
        req.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let raw = exchange(addr, &req);
        let shown = String::from_utf8_lossy(target).into_owned();
        let head_end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(raw.len());
        let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
        assert!(head.starts_with("HTTP/1.1 400"), "{shown:?}: {head}");
        assert!(
            head.split("\r\n").all(|line| !line.contains(['\r', '\n'])),
            "{shown:?}: a bare CR or LF in {head:?}"
        );
        assert!(!head.to_ascii_lowercase().contains("set-cookie"), "{head}");
    }
    // Encoded, the same bytes stay encoded in the redirect.
    let folder = get(addr, "/glossary?a%0D%0ASet-Cookie:%20x=1");
    assert_eq!(folder.status, 301);
    assert_eq!(
        folder.headers["location"],
        "/glossary/?a%0D%0ASet-Cookie:%20x=1"
    );
    assert!(!folder.headers.contains_key("set-cookie"));
    assert_eq!(get(addr, "/glossary%0D%0ASet-Cookie:%20x=1").status, 404);
    server.stop();
}

#[test]
fn range_requests_get_the_bytes_asked_for() {
    let site = Site::new();
    let server = site.serve();
    let addr = server.addr();
    let whole = "body { margin: 0; }\n";
    let range = |spec: &str| request_with(addr, "GET", "/extra.css", &format!("Range: {spec}\r\n"));

    let part = range("bytes=5-10");
    assert_eq!(part.status, 206);
    assert_eq!(part.headers["content-range"], "bytes 5-10/20");
    assert_eq!(part.headers["content-length"], "6");
    assert_eq!(part.headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(part.text(), &whole[5..=10]);
    let tail = range("bytes=-3");
    assert_eq!((tail.status, tail.text()), (206, " }\n".to_string()));
    assert_eq!(tail.headers["content-range"], "bytes 17-19/20");
    let open = range("bytes=15-");
    assert_eq!((open.status, open.text()), (206, "0; }\n".to_string()));
    // A last byte past the end is cut to the end.
    assert_eq!(range("bytes=18-1000").text(), "}\n");

    let past = range("bytes=20-");
    assert_eq!(past.status, 416);
    assert_eq!(past.headers["content-range"], "bytes */20");
    assert!(past.body.is_empty());
    assert_eq!(range("bytes=100-200").status, 416);

    // Several ranges, a malformed header or an unverifiable If-Range: the whole file.
    for spec in ["bytes=0-1, 5-6", "bytes=abc", "items=0-1"] {
        let reply = range(spec);
        assert_eq!(
            (reply.status, reply.text()),
            (200, whole.to_string()),
            "{spec}"
        );
    }
    let if_range = request_with(
        addr,
        "GET",
        "/extra.css",
        "Range: bytes=0-1\r\nIf-Range: \"x\"\r\n",
    );
    assert_eq!(if_range.status, 200);
    let plain = get(addr, "/extra.css");
    assert_eq!(plain.headers["accept-ranges"], "bytes");
    server.stop();
}

/// `Threads:` of a process, from /proc.
#[cfg(target_os = "linux")]
fn threads_of(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Kills the server process when the test ends, pass or fail.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn idle_half_open_connections_cost_no_threads() {
    let site = Site::new();
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut banner = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let port: u16 = banner
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {banner:?}"));
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let pid = child.0.id();
    assert_eq!(get(addr, "/").status, 200);
    let before = threads_of(pid);

    // Slowloris: connections that send part of a request head and then nothing.
    let idle: Vec<TcpStream> = (0..400)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                .unwrap();
            s
        })
        .collect();
    for _ in 0..5 {
        let started = Instant::now();
        assert_eq!(get(addr, "/glossary/").status, 200);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "a request waited {:?} beside 400 idle connections",
            started.elapsed()
        );
    }
    let during = threads_of(pid);
    assert!(
        during <= before + 2,
        "{before} threads before 400 idle connections, {during} with them"
    );
    drop(idle);
}

#[test]
fn port_in_use_is_a_clear_error_and_stop_frees_the_port() {
    let site = Site::new();
    let server = site.serve();
    let port = server.addr().port();
    match start(options(&site.root(), Some(port))) {
        Err(e @ ServeError::PortInUse { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains(&port.to_string()) && msg.contains("--port"),
                "{msg}"
            );
        }
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("a second server bound port {port}"),
    }
    server.stop();
    let again = std::net::TcpListener::bind(("127.0.0.1", port));
    assert!(again.is_ok(), "port {port} still held after stop");
}

/// `serve`'s engine on `root` (live reload on), after its first build.
fn first_build(root: &Path) -> IncrementalBuild {
    let options = BuildOptions {
        live_reload: true,
        ..BuildOptions::default()
    };
    let mut engine = IncrementalBuild::new(root, options);
    engine
        .rebuild(&ChangeSet {
            rescan: true,
            ..Default::default()
        })
        .expect("first build");
    engine
}

/// A clean build of `root` in memory: output path → bytes.
fn clean_build(root: &Path, live_reload: bool) -> BTreeMap<String, Vec<u8>> {
    let options = BuildOptions {
        live_reload,
        ..BuildOptions::default()
    };
    let (site, _) = load_site(root, &options).expect("clean build");
    let sink = MemorySink::default();
    render_site(&site, &sink, &options).expect("clean render");
    sink.files.into_inner().unwrap()
}

fn assert_same_as_clean_build(engine: &IncrementalBuild, root: &Path, step: &str) {
    let clean = clean_build(root, true);
    let snapshot = engine.snapshot();
    let served: BTreeMap<String, Vec<u8>> = snapshot
        .files
        .iter()
        .map(|(k, v)| (k.to_string(), v.bytes().into_owned()))
        .collect();
    let only_served: Vec<&String> = served.keys().filter(|k| !clean.contains_key(*k)).collect();
    let only_clean: Vec<&String> = clean.keys().filter(|k| !served.contains_key(*k)).collect();
    assert!(
        only_served.is_empty() && only_clean.is_empty(),
        "after {step}: only in rebuild {only_served:?}, only in clean build {only_clean:?}"
    );
    for (rel, bytes) in &clean {
        assert!(
            served[rel] == *bytes,
            "after {step}: {rel} differs from a clean build"
        );
    }
}

#[test]
fn rebuilds_equal_a_clean_build_after_every_kind_of_edit() {
    let site = Site::new();
    let root = std::fs::canonicalize(site.root()).unwrap();
    let mut engine = first_build(&root);
    assert_same_as_clean_build(&engine, &root, "the first build");

    type Edit<'a> = (&'a str, &'a [&'a str], Box<dyn Fn(&Site)>);
    let edits: Vec<Edit> = vec![
        (
            "a body edit",
            &["content/glossary/runbook.md"],
            Box::new(|s| {
                s.write(
                    "content/glossary/runbook.md",
                    &format!("{RUNBOOK}\nMore.\n"),
                )
            }),
        ),
        (
            "a new link (backlinks of another page change)",
            &["content/postmortems/cache-stampede.md"],
            Box::new(|s| {
                s.write(
                    "content/postmortems/cache-stampede.md",
                    &format!("{POSTMORTEM}\nIt grew the [[Blast Radius]].\n"),
                )
            }),
        ),
        (
            "tags (tag pages appear, the page and every footer link to them)",
            &["content/glossary/runbook.md"],
            Box::new(|s| {
                s.write(
                    "content/glossary/runbook.md",
                    &RUNBOOK.replace("title: Runbook\n", "title: Runbook\ntags: [ops, On call]\n"),
                )
            }),
        ),
        (
            "a title change (links, lists and related terms change; the tags go)",
            &["content/glossary/runbook.md"],
            Box::new(|s| {
                s.write(
                    "content/glossary/runbook.md",
                    &RUNBOOK.replace("title: Runbook", "title: Run Book"),
                )
            }),
        ),
        (
            "a new page",
            &["content/postmortems/new-one.md"],
            Box::new(|s| {
                s.write(
                    "content/postmortems/new-one.md",
                    "---\ntitle: New one\ndate: 2025-01-01\n---\n\nSee the [[runbook]].\n",
                )
            }),
        ),
        (
            "a weight (the section's order and previous/next change)",
            &["content/postmortems/cache-stampede.md"],
            Box::new(|s| {
                s.write(
                    "content/postmortems/cache-stampede.md",
                    &POSTMORTEM.replace("date: 2024-03-01\n", "date: 2024-03-01\nweight: 1\n"),
                )
            }),
        ),
        (
            "a new section folder",
            &["content/guidelines"],
            Box::new(|s| {
                s.write(
                    "content/guidelines/facts.md",
                    "---\ntitle: Facts first\nsummary: Facts, not blame.\n---\n\nBody.\n",
                )
            }),
        ),
        (
            "a deleted page",
            &["content/postmortems/new-one.md"],
            Box::new(|s| std::fs::remove_file(s.path("content/postmortems/new-one.md")).unwrap()),
        ),
        (
            "a rename",
            &[
                "content/postmortems/cache-stampede.md",
                "content/postmortems/stampede.md",
            ],
            Box::new(|s| {
                std::fs::rename(
                    s.path("content/postmortems/cache-stampede.md"),
                    s.path("content/postmortems/stampede.md"),
                )
                .unwrap()
            }),
        ),
        (
            "a draft",
            &["content/guidelines/facts.md"],
            Box::new(|s| {
                s.write(
                    "content/guidelines/facts.md",
                    "---\ntitle: Facts first\nsummary: Facts, not blame.\ndraft: true\n---\n\nBody.\n",
                )
            }),
        ),
        (
            "an image beside a page",
            &["content/glossary/runbook.md", "content/glossary/flow.png"],
            Box::new(|s| {
                std::fs::write(s.path("content/glossary/flow.png"), common::png(20, 10)).unwrap();
                s.write(
                    "content/glossary/runbook.md",
                    &format!("{RUNBOOK}\n![The flow](flow.png)\n"),
                )
            }),
        ),
        (
            "the image redrawn at another size",
            &["content/glossary/flow.png"],
            Box::new(|s| {
                std::fs::write(s.path("content/glossary/flow.png"), common::png(40, 25)).unwrap()
            }),
        ),
        (
            "a page bundle with a file",
            &["content/postmortems/bundle"],
            Box::new(|s| {
                s.write("content/postmortems/bundle/data.csv", "t,n\n1,2\n");
                s.write(
                    "content/postmortems/bundle/index.md",
                    "# Bundle\n\nThe [data](data.csv).\n",
                )
            }),
        ),
        (
            "a bundle file added and one removed",
            &[
                "content/postmortems/bundle/more.txt",
                "content/postmortems/bundle/index.md",
                "content/postmortems/bundle/data.csv",
            ],
            Box::new(|s| {
                s.write("content/postmortems/bundle/more.txt", "more\n");
                s.write(
                    "content/postmortems/bundle/index.md",
                    "# Bundle\n\nNo data.\n",
                );
                std::fs::remove_file(s.path("content/postmortems/bundle/data.csv")).unwrap()
            }),
        ),
        (
            "a plain Markdown page's heading (its title)",
            &["content/postmortems/bundle/index.md"],
            Box::new(|s| {
                s.write(
                    "content/postmortems/bundle/index.md",
                    "# Bundle, renamed\n\nNo data.\n",
                )
            }),
        ),
        (
            "a template override",
            &["templates/page.html"],
            Box::new(|s| {
                s.write(
                    "templates/glossary.html",
                    "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock main %}",
                )
            }),
        ),
        (
            "a stylesheet",
            &["static/extra.css"],
            Box::new(|s| s.write("static/extra.css", "body { margin: 2px; }\n")),
        ),
        (
            "a config change",
            &["book.toml"],
            Box::new(|s| s.write("book.toml", "[book]\ntitle = \"Renamed KB\"\n")),
        ),
    ];
    let mut touched: HashSet<PathBuf> = HashSet::new();
    for (step, paths, edit) in &edits {
        edit(&site);
        touched.clear();
        touched.extend(paths.iter().map(|p| root.join(p)));
        engine
            .rebuild(&ChangeSet {
                paths: touched.clone(),
                rescan: false,
            })
            .unwrap_or_else(|d| panic!("{step}: {d}"));
        assert_same_as_clean_build(&engine, &root, step);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Edit `rel` by replacing `from` with `to`, rebuild incrementally, compare with a clean build.
fn edit_and_compare(
    engine: &mut IncrementalBuild,
    root: &Path,
    rel: &str,
    from: &str,
    to: &str,
) -> SiteChanges {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    let (changes, _) = engine
        .rebuild(&ChangeSet {
            paths: [path].into_iter().collect(),
            rescan: false,
        })
        .unwrap_or_else(|d| panic!("{rel}: {d}"));
    assert_same_as_clean_build(engine, root, &format!("editing {rel}"));
    changes
}

#[test]
fn rebuilds_of_the_bundled_site_equal_a_clean_build() {
    // Every feature (post-mortems and their insights, training scripts, guidelines, paths)
    // on real content.
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("book.toml"), root.join("book.toml")).unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    copy_dir(&repo.join("content"), &root.join("content"));
    let mut engine = first_build(&root);
    assert_same_as_clean_build(&engine, &root, "the first build");
    edit_and_compare(
        &mut engine,
        &root,
        "content/scripts/database-replication-failure.md",
        "CTO: Fine.",
        "CTO: Fine, then.",
    );
    edit_and_compare(
        &mut engine,
        &root,
        "content/guidelines/facts-not-blame.md",
        "name: Redirect blame to the system",
        "name: Point blame at the system",
    );
    edit_and_compare(
        &mut engine,
        &root,
        "content/postmortems/cloudflare-2019-07-02.md",
        "severity: SEV1",
        "severity: SEV2",
    );
    edit_and_compare(
        &mut engine,
        &root,
        "content/glossary/runbook.md",
        "\n## ",
        "\nA new sentence about the runbook.\n\n## ",
    );
    // Body-only edits take the fast path (no front matter changed): a new link adds a
    // backlink to another page, removing it takes the backlink away again.
    let mttr_end = "rather than fixing them.";
    let changes = edit_and_compare(
        &mut engine,
        &root,
        "content/glossary/mttr.md",
        mttr_end,
        "rather than fixing them.\n\nKeep the [[runbook#example]] at hand.",
    );
    // The edited page and the page it now links to; nothing else is rendered again.
    assert_eq!(changes.bodies, 1);
    assert_eq!(changes.rendered, 2, "{:?}", changes.changed);
    assert!(
        changes
            .changed
            .contains(&"glossary/runbook/index.html".to_string())
    );
    edit_and_compare(
        &mut engine,
        &root,
        "content/glossary/mttr.md",
        "\n\nKeep the [[runbook#example]] at hand.",
        "",
    );
    edit_and_compare(
        &mut engine,
        &root,
        "content/postmortems/cloudflare-2019-07-02.md",
        "- **Guard the guards.**",
        "- **Watch the error budget.** Spend it knowingly.\n- **Guard the guards.**",
    );
    // A body edit that removes an anchor another page links to fails the build; putting
    // the heading back builds the same site as a clean build.
    edit_and_compare(
        &mut engine,
        &root,
        "content/glossary/mttr.md",
        mttr_end,
        "rather than fixing them.\n\nKeep the [[runbook#example]] at hand.",
    );
    let runbook = root.join("content/glossary/runbook.md");
    let text = std::fs::read_to_string(&runbook).unwrap();
    std::fs::write(&runbook, text.replace("## Example", "## Examples")).unwrap();
    let failed = engine.rebuild(&ChangeSet {
        paths: [runbook.clone()].into_iter().collect(),
        rescan: false,
    });
    let errors = failed.expect_err("a link to a removed heading fails the rebuild");
    assert!(
        errors.to_string().contains("missing anchor `#example`"),
        "{errors}"
    );
    std::fs::write(&runbook, text).unwrap();
    engine
        .rebuild(&ChangeSet {
            paths: [runbook].into_iter().collect(),
            rescan: false,
        })
        .expect("the fix builds");
    assert_same_as_clean_build(&engine, &root, "fixing the heading");
    edit_and_compare(
        &mut engine,
        &root,
        "content/guidelines/facts-not-blame.md",
        "\n## ",
        "\nOne more thought on blame.\n\n## ",
    );
    // A failed edit of names (an alias two terms claim) keeps the last good build for reuse:
    // once fixed, nothing needs rendering again.
    let mttr = root.join("content/glossary/mttr.md");
    let text = std::fs::read_to_string(&mttr).unwrap();
    std::fs::write(&mttr, text.replace("aliases: [", "aliases: [Runbook, ")).unwrap();
    let changed = || ChangeSet {
        paths: [mttr.clone()].into_iter().collect(),
        rescan: false,
    };
    let errors = engine
        .rebuild(&changed())
        .expect_err("an alias claimed twice");
    assert!(errors.to_string().contains("Runbook"), "{errors}");
    std::fs::write(&mttr, &text).unwrap();
    let (changes, _) = engine.rebuild(&changed()).expect("the fix builds");
    assert_eq!(
        (changes.bodies, changes.rendered),
        (0, 0),
        "{:?}",
        changes.changed
    );
    assert_same_as_clean_build(&engine, &root, "fixing the alias");
}

/// The site's page list exists while some backlink list is too long to name in full, which
/// a body edit can change: a rebuild adds and removes it as a clean build would.
#[test]
fn a_body_edit_that_lengthens_a_backlink_list_adds_the_page_list() {
    let fixture = common::widely_mentioned_term(29);
    let root = std::fs::canonicalize(fixture.root()).unwrap();
    let mut engine = first_build(&root);
    let has_list = |engine: &IncrementalBuild| {
        clean_build(&root, true).contains_key("page-list.js")
            && engine.snapshot().files.contains_key("page-list.js")
    };
    assert!(
        has_list(&engine),
        "29 mentions: 8 in full, 20 by name, 1 in the list"
    );
    let rel = "content/postmortems/outage-028.md";
    edit_and_compare(&mut engine, &root, rel, "the runbook", "the procedure");
    assert!(!clean_build(&root, true).contains_key("page-list.js"));
    edit_and_compare(&mut engine, &root, rel, "the procedure", "the runbook");
    assert!(has_list(&engine));
}
