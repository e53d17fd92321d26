//! `hindsight serve`: build the site into memory, serve it, rebuild on every save and tell
//! open pages over Server-Sent Events. Requests arriving during a rebuild wait for it, so
//! a page is never served from a half-built site; a failed rebuild keeps the last good
//! site and shows its errors over every open page.

pub mod incremental;
pub mod reload;
pub mod server;
pub mod watch;

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::watch::Sender as SlotSender;

use crate::diagnostics::{Diagnostics, display_path};
use crate::pipeline::BuildOptions;
use incremental::{ChangeSet, IncrementalBuild, SiteChanges, SiteFile, Snapshot};
use reload::{BuildEvent, EventStream, OverlayError, ReloadHub};
use server::HttpServer;
use watch::{SourceWatcher, WatchSet};

pub const DEFAULT_PORT: u16 = 3000;
/// A request never waits longer than this for a rebuild.
const MAX_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// `None`: 3000, or the next free port if it is taken.
    pub port: Option<u16>,
    pub bind: IpAddr,
    pub poll: bool,
    pub include_drafts: bool,
    pub warn_links: bool,
    /// No terminal output (tests).
    pub quiet: bool,
}

#[derive(Debug)]
pub enum ServeError {
    PortInUse { port: u16, bind: IpAddr },
    NoFreePort { from: u16 },
    Io(String),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::PortInUse { port, bind } => write!(
                f,
                "port {port} is already in use on {bind}; choose another with --port (e.g. --port {})",
                port.wrapping_add(1)
            ),
            ServeError::NoFreePort { from } => write!(
                f,
                "ports {from}–{} are all in use; choose one with --port",
                from + 19
            ),
            ServeError::Io(e) => f.write_str(e),
        }
    }
}

/// Shared between request tasks and the rebuild loop. The rebuild thread only ever
/// replaces the slot and queues an event; it never waits for a client.
pub struct ServerState {
    slot: SlotSender<SiteSlot>,
    hub: ReloadHub,
}

struct SiteSlot {
    snapshot: Arc<Snapshot>,
    building: bool,
    event: BuildEvent,
}

impl ServerState {
    /// The site's current state for a page that just connected (no changes to apply).
    pub fn current_event(&self) -> BuildEvent {
        Self::connect_event(&self.slot.borrow())
    }

    fn connect_event(slot: &SiteSlot) -> BuildEvent {
        // Pages removed by the last build stay listed, so a tab that was reloading
        // when its page went away still finds its way to the section.
        let changes = SiteChanges {
            removed: slot.event.changes.removed.clone(),
            ..SiteChanges::default()
        };
        BuildEvent::new(slot.event.generation, slot.event.errors.clone(), changes)
    }

    /// A new page's event stream. Taken under the slot's lock, as `publish` broadcasts
    /// under it: the stream starts at the current state and misses no later build.
    pub fn subscribe(&self) -> EventStream {
        let slot = self.slot.borrow();
        self.hub.subscribe(&Self::connect_event(&slot))
    }

    /// Open event streams.
    pub fn streams(&self) -> usize {
        self.hub.len()
    }

    fn set_building(&self) {
        self.slot.send_modify(|slot| slot.building = true);
    }

    fn publish(&self, snapshot: Option<Arc<Snapshot>>, event: BuildEvent) {
        self.slot.send_modify(|slot| {
            if let Some(s) = snapshot {
                slot.snapshot = s;
            }
            self.hub.broadcast(&event);
            slot.event = event;
            slot.building = false;
        });
    }
}

/// The snapshot to serve, waiting (up to [`MAX_WAIT`]) for a rebuild in progress.
pub async fn site(state: &ServerState) -> Arc<Snapshot> {
    let mut slot = state.slot.subscribe();
    let _ = tokio::time::timeout(MAX_WAIT, slot.wait_for(|s| !s.building)).await;
    slot.borrow().snapshot.clone()
}

/// A running server. `stop` (or drop) shuts it down and frees the port.
pub struct ServeHandle {
    addr: SocketAddr,
    base_path: String,
    pub state: Arc<ServerState>,
    stop: Arc<AtomicBool>,
    http: HttpServer,
    rebuilds: Option<JoinHandle<()>>,
    watcher: Arc<Mutex<Option<SourceWatcher>>>,
    /// Pages in the first build and how long it took.
    pub initial: (usize, Duration),
}

impl ServeHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:3000/` (with the site's base path).
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            IpAddr::V4(v4) if v4.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(v6) if v6.is_unspecified() => "[::1]".to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
            ip => ip.to_string(),
        };
        format!("http://{host}:{}{}", self.addr.port(), self.base_path)
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if self.stop.swap(true, Ordering::SeqCst) {
            return;
        }
        // Dropping the watcher stops its thread (and the events it sends).
        self.watcher
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        // Closes the listening socket and every connection, event streams included.
        self.http.stop();
        if let Some(rebuilds) = self.rebuilds.take() {
            let _ = rebuilds.join();
        }
    }
}

impl Drop for ServeHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Build the site, bind the port and start serving and watching.
pub fn start(options: ServeOptions) -> Result<ServeHandle, ServeError> {
    let root = std::fs::canonicalize(&options.root)
        .map_err(|e| ServeError::Io(format!("cannot open {}: {e}", options.root.display())))?;
    let listener = bind(options.bind, options.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError::Io(e.to_string()))?;

    let build_options = BuildOptions {
        include_drafts: options.include_drafts,
        warn_links: options.warn_links,
        live_reload: true,
        ..BuildOptions::default()
    };
    let mut engine = IncrementalBuild::new(&root, build_options);
    let started = Instant::now();
    let first = engine.rebuild(&ChangeSet {
        rescan: true,
        ..ChangeSet::default()
    });
    let elapsed = started.elapsed();
    let (snapshot, event, pages) = match first {
        Ok((_, warnings)) => {
            print_diags(&options, &warnings);
            let snap = engine.snapshot();
            let pages = snap.files.keys().filter(|k| k.ends_with(".html")).count();
            (
                snap,
                BuildEvent::new(1, Vec::new(), SiteChanges::default()),
                pages,
            )
        }
        Err(diags) => {
            print_failure(&options, &diags);
            let errors = diags.errors().map(OverlayError::of).collect();
            (
                Arc::new(failed_site()),
                BuildEvent::new(1, errors, SiteChanges::default()),
                0,
            )
        }
    };
    let base_path = snapshot.base_path.clone();
    let state = Arc::new(ServerState {
        slot: SlotSender::new(SiteSlot {
            snapshot,
            building: false,
            event,
        }),
        hub: ReloadHub::default(),
    });

    let watch_set = watch_set(&root, &engine);
    let (tx, rx) = mpsc::channel();
    let watcher = SourceWatcher::start(watch_set.clone(), options.poll, tx)
        .map_err(|e| ServeError::Io(format!("cannot watch {}: {e}", root.display())))?;
    let watcher = Arc::new(Mutex::new(Some(watcher)));
    let stop = Arc::new(AtomicBool::new(false));

    let http = HttpServer::start(listener, state.clone())
        .map_err(|e| ServeError::Io(format!("cannot serve on {addr}: {e}")))?;
    let rebuilds = {
        let (state, stop, watcher) = (state.clone(), stop.clone(), watcher.clone());
        let options = options.clone();
        spawn("hindsight-rebuild", move || {
            rebuild_loop(
                engine, rx, &state, &stop, &watcher, &watch_set, &root, &options,
            )
        })
    };
    Ok(ServeHandle {
        addr,
        base_path,
        state,
        stop,
        http,
        rebuilds: Some(rebuilds),
        watcher,
        initial: (pages, elapsed),
    })
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .expect("spawn thread")
}

fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, ServeError> {
    let try_port = |p: u16| TcpListener::bind(SocketAddr::new(ip, p));
    match port {
        Some(p) => try_port(p).map_err(|e| match e.kind() {
            io::ErrorKind::AddrInUse => ServeError::PortInUse { port: p, bind: ip },
            _ => ServeError::Io(format!("cannot listen on {ip}:{p}: {e}")),
        }),
        None => (DEFAULT_PORT..DEFAULT_PORT + 20)
            .find_map(|p| try_port(p).ok())
            .ok_or(ServeError::NoFreePort { from: DEFAULT_PORT }),
    }
}

fn watch_set(root: &Path, engine: &IncrementalBuild) -> WatchSet {
    let (content_dir, build_dir) = match engine.config() {
        Some(c) => (c.content_dir(), c.build_dir()),
        None => (root.join("content"), root.join("site")),
    };
    WatchSet {
        root: root.to_path_buf(),
        content_dir,
        build_dir,
    }
}

/// Served while the very first build fails: just enough page for the overlay to appear
/// and for live reload to bring in the site once it builds.
fn failed_site() -> Snapshot {
    let page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed · Hindsight</title></head>\n<body><main><h1>The site does not build yet</h1><p>Its errors are listed below and in the terminal. This page reloads by itself once they are fixed.</p></main>\n<script src=\"/__hindsight/live-reload.js\" defer></script></body></html>\n";
    let mut s = Snapshot {
        base_path: "/".into(),
        ..Snapshot::default()
    };
    s.files.insert(
        "404.html".into(),
        SiteFile::Shared(Arc::from(page.as_bytes())),
    );
    s
}

#[allow(clippy::too_many_arguments)]
fn rebuild_loop(
    mut engine: IncrementalBuild,
    rx: Receiver<ChangeSet>,
    state: &ServerState,
    stop: &AtomicBool,
    watcher: &Mutex<Option<SourceWatcher>>,
    watch_set: &WatchSet,
    root: &Path,
    options: &ServeOptions,
) {
    let mut generation = state.slot.borrow().event.generation;
    while !stop.load(Ordering::SeqCst) {
        let mut changes = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(c) => c,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // The debouncer settles each path on its own; a burst over many files (a
        // `git checkout`, a search-and-replace) arrives as several batches close together.
        // Requests wait from now on, and the batches join one rebuild.
        state.set_building();
        let burst = Instant::now();
        while burst.elapsed() < Duration::from_millis(500)
            && let Ok(more) = rx.recv_timeout(watch::SETTLE)
        {
            changes.rescan |= more.rescan;
            changes.paths.extend(more.paths);
        }
        if let Some(w) = watcher.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            w.follow_new_folders(watch_set, &changes.paths);
        }
        let started = Instant::now();
        let result = engine.rebuild(&changes);
        let elapsed = started.elapsed();
        generation += 1;
        match result {
            Ok((site_changes, warnings)) => {
                if !options.quiet {
                    print_diags(options, &warnings);
                    crate::outln!(
                        "{} rebuilt in {} ms: {} ({})",
                        clock(),
                        elapsed.as_millis(),
                        describe(&site_changes),
                        describe_sources(root, &changes)
                    );
                }
                let event = BuildEvent::new(generation, Vec::new(), site_changes);
                state.publish(Some(engine.snapshot()), event);
            }
            Err(diags) => {
                if !options.quiet {
                    crate::outln!(
                        "{} build failed in {} ms; still serving the last good site",
                        clock(),
                        elapsed.as_millis()
                    );
                }
                print_failure(options, &diags);
                let errors = diags.errors().map(OverlayError::of).collect();
                state.publish(
                    None,
                    BuildEvent::new(generation, errors, SiteChanges::default()),
                );
            }
        }
    }
}

fn describe(changes: &SiteChanges) -> String {
    let n = changes.changed.len();
    let mut s = match n {
        0 => "no output changed".to_string(),
        1 => format!("{} changed", changes.changed[0]),
        _ => format!("{n} files changed"),
    };
    if !changes.removed.is_empty() {
        s.push_str(&format!(", {} pages removed", changes.removed.len()));
    }
    s
}

fn describe_sources(root: &Path, changes: &ChangeSet) -> String {
    if changes.rescan {
        return "full rescan".into();
    }
    let mut paths: Vec<String> = changes
        .paths
        .iter()
        .map(|p| display_path(root, p).display().to_string())
        .collect();
    paths.sort();
    match paths.len() {
        1 => paths.remove(0),
        n => format!("{}, and {} more", paths[0], n - 1),
    }
}

fn clock() -> String {
    let now = jiff::Zoned::now();
    now.strftime("%H:%M:%S").to_string()
}

fn print_diags(options: &ServeOptions, diags: &Diagnostics) {
    if !options.quiet && !diags.is_empty() {
        crate::console::err(format_args!("{diags}"));
    }
}

fn print_failure(options: &ServeOptions, diags: &Diagnostics) {
    if options.quiet {
        return;
    }
    crate::console::err(format_args!("{diags}"));
    let n = diags.errors().count();
    crate::errln!(
        "error: build failed with {n} error{}; fix and save to retry",
        if n == 1 { "" } else { "s" }
    );
}

/// `hindsight serve` from the command line: serve until Ctrl-C.
pub fn run(options: ServeOptions, open: bool) -> Result<(), ServeError> {
    if options.bind.is_unspecified() {
        crate::errln!(
            "warning: --bind {} makes the dev server (and your drafts) reachable from other machines on your network",
            options.bind
        );
    }
    let handle = start(options.clone())?;
    let (pages, elapsed) = handle.initial;
    crate::outln!(
        "Serving {} at {} ({pages} pages built in {} ms). Watching for changes; press Ctrl-C to stop.",
        options.root.display(),
        handle.url(),
        elapsed.as_millis()
    );
    if open {
        open_browser(&handle.url());
    }
    let (tx, rx) = mpsc::channel::<()>();
    let on_signal: Sender<()> = tx.clone();
    ctrlc::set_handler(move || {
        let _ = on_signal.send(());
    })
    .map_err(|e| ServeError::Io(format!("cannot handle Ctrl-C: {e}")))?;
    let _ = rx.recv();
    handle.stop();
    crate::outln!("Stopped.");
    Ok(())
}

fn open_browser(url: &str) {
    let (cmd, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(cmd)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        crate::errln!("warning: cannot open a browser ({cmd}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;

    fn open_stream(addr: SocketAddr) -> TcpStream {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET /__hindsight/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        s
    }

    /// The generation of the next `build` event on an open stream.
    fn next_generation(stream: &mut BufReader<TcpStream>) -> u64 {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(stream.read_line(&mut line).unwrap() > 0, "stream closed");
            if let Some(rest) = line.strip_prefix("data: {\"generation\":") {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                return digits.parse().unwrap();
            }
        }
    }

    #[test]
    fn a_build_is_published_at_once_however_many_pages_stop_reading() {
        let state = Arc::new(ServerState {
            slot: SlotSender::new(SiteSlot {
                snapshot: Arc::new(failed_site()),
                building: false,
                event: BuildEvent::new(1, Vec::new(), SiteChanges::default()),
            }),
            hub: ReloadHub::default(),
        });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let _http = HttpServer::start(listener, state.clone()).unwrap();
        let _stalled: Vec<TcpStream> = (0..10).map(|_| open_stream(addr)).collect();
        let mut reader = BufReader::new(open_stream(addr));
        reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        assert_eq!(next_generation(&mut reader), 1);
        let deadline = Instant::now() + Duration::from_secs(10);
        while state.streams() < 11 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(state.streams(), 11);

        // ~600 KB an event: twelve are more than the kernel buffers for a client that never
        // reads (about 4 MB on loopback), so writes to the stalled pages block from then on.
        let changed: Vec<String> = (0..10_000)
            .map(|i| format!("postmortems/an-incident-with-a-rather-long-slug-{i:05}/index.html"))
            .collect();
        let filling = Instant::now();
        for generation in 2..14 {
            let changes = SiteChanges {
                changed: changed.clone(),
                ..SiteChanges::default()
            };
            state.publish(None, BuildEvent::new(generation, Vec::new(), changes));
            assert_eq!(next_generation(&mut reader), generation);
        }
        // Written to each page in turn with a 2 s timeout, this would take minutes.
        let filling = filling.elapsed();
        assert!(filling < Duration::from_secs(10), "{filling:?}");
        let (mut publish, mut delivery) = (Duration::ZERO, Duration::ZERO);
        for generation in 14..17 {
            let event = BuildEvent::new(generation, Vec::new(), SiteChanges::default());
            let started = Instant::now();
            state.publish(None, event);
            publish = publish.max(started.elapsed());
            assert_eq!(next_generation(&mut reader), generation);
            delivery = delivery.max(started.elapsed());
        }
        assert!(
            publish < Duration::from_millis(100),
            "publishing took {publish:?}"
        );
        assert!(
            delivery < Duration::from_secs(1),
            "delivery took {delivery:?}"
        );

        // The stalled pages' connections are closed once nothing moved for a while; the
        // reading page stays.
        let deadline = Instant::now() + server::WRITE_STALL + Duration::from_secs(10);
        while state.streams() > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(state.streams(), 1, "stalled streams still open");
    }
}
