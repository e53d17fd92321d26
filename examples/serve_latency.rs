//! Measures `hindsight serve`'s save-to-reload latency: starts the dev server on a site,
//! edits one page's body 20 times, and times each save until the live-reload event that
//! names the page arrives on the event stream.
//!
//! cargo run --release --example synth_site -- --pages 10000 --out /tmp/synth
//! cargo run --release --example serve_latency -- /tmp/synth [EDITS] [PAGE]
//!
//! PAGE is a file under the content folder (`glossary/adaptive-backoff.md`); the default is
//! the first post-mortem. With `HINDSIGHT_EDIT=front`, each edit changes the page's
//! `summary:` in its front matter instead of its body.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use hindsight::serve::{ServeOptions, start};

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: serve_latency SITE_DIR"),
    );
    let edits: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let handle = start(ServeOptions {
        root: root.clone(),
        port: Some(0),
        bind: "127.0.0.1".parse().unwrap(),
        poll: false,
        include_drafts: false,
        warn_links: false,
        quiet: true,
    })
    .expect("start server");
    let (pages, initial) = handle.initial;
    println!("initial build: {pages} pages in {} ms", initial.as_millis());

    let page = match std::env::args().nth(3) {
        Some(rel) => root.join("content").join(rel),
        None => std::fs::read_dir(root.join("content/postmortems"))
            .expect("content/postmortems")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().is_some_and(|n| n != "_index.md"))
            .min()
            .expect("a post-mortem"),
    };
    let rel = page
        .strip_prefix(root.join("content"))
        .expect("a page under content/");
    let out = format!("{}/index.html", rel.with_extension("").display());
    let original = std::fs::read_to_string(&page).unwrap();

    let mut stream = TcpStream::connect(handle.addr()).unwrap();
    write!(
        stream,
        "GET /__hindsight/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut events = BufReader::new(stream);
    let mut next_build = || -> String {
        let mut line = String::new();
        loop {
            line.clear();
            events.read_line(&mut line).expect("event stream");
            if let Some(data) = line.strip_prefix("data: ") {
                return data.to_string();
            }
        }
    };
    next_build(); // the current state, sent on connect

    let mut times = Vec::new();
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(150));
        let edited = if std::env::var("HINDSIGHT_EDIT").is_ok_and(|v| v == "front") {
            original.replacen("\nsummary: ", &format!("\nsummary: Edit {i}. "), 1)
        } else {
            format!("{original}\nEdit number {i} for the latency benchmark.\n")
        };
        let saved = Instant::now();
        std::fs::write(&page, edited).unwrap();
        loop {
            let data = next_build();
            if data.contains(&out) {
                times.push(saved.elapsed());
                break;
            }
        }
    }
    std::fs::write(&page, original).unwrap();
    times.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    println!(
        "save → reload event over {edits} edits of {}: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        page.display(),
        ms(&times[times.len() / 2]),
        ms(&times[0]),
        ms(&times[times.len() - 1])
    );
    handle.stop();
}
