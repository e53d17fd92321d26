//! Live reload over Server-Sent Events: every open page keeps a connection to
//! `/__hindsight/events` and receives one `build` event per rebuild, carrying what changed
//! and the current errors (for the overlay). A page that stops reading never holds up a
//! rebuild or another page: each stream has its own bounded queue.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;

use crate::diagnostics::Diagnostic;
use crate::serve::incremental::SiteChanges;

/// The client script, served at `/__hindsight/live-reload.js`, only by `serve`.
pub const LIVE_RELOAD_JS: &str = include_str!("live-reload.js");

/// One error as the overlay shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OverlayError {
    /// `path:line:col`, or `path` for a problem of the whole file.
    pub location: String,
    pub message: String,
    pub source_line: Option<String>,
    /// 1-based column in `source_line`, for the caret under it; 0 when unknown.
    pub column: usize,
}

impl OverlayError {
    pub fn of(d: &Diagnostic) -> OverlayError {
        OverlayError {
            location: match d.line {
                0 => d.path.display().to_string(),
                line => format!("{}:{line}:{}", d.path.display(), d.column),
            },
            message: d.message.clone(),
            source_line: d.source_line.clone(),
            column: d.column,
        }
    }
}

/// The state of the site after a build, as sent to pages.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BuildEvent {
    /// Counts finished builds (successful or not) since the server started.
    pub generation: u64,
    pub errors: Vec<OverlayError>,
    #[serde(flatten)]
    pub changes: SiteChanges,
    /// True when only stylesheets changed: pages swap them without reloading.
    pub css_only: bool,
}

impl BuildEvent {
    pub fn new(generation: u64, errors: Vec<OverlayError>, changes: SiteChanges) -> BuildEvent {
        let css_only = !changes.changed.is_empty()
            && changes.removed.is_empty()
            && changes.changed.iter().all(|f| f.ends_with(".css"));
        BuildEvent {
            generation,
            errors,
            changes,
            css_only,
        }
    }

    /// The event's data line: JSON has no raw newlines, so it is one `data:` line.
    fn to_json(&self) -> Arc<str> {
        serde_json::to_string(self)
            .unwrap_or_else(|_| "{}".into())
            .into()
    }
}

/// Events a stream can fall behind by before it is closed. A page reads each within
/// milliseconds; one that stops reading is dropped once this many pile up, reconnects when
/// it wakes, and reloads because it missed a build.
const QUEUE: usize = 16;

/// How long a page waits before reconnecting after its stream closed (server restart, or
/// a stream dropped for falling behind).
const RETRY: Duration = Duration::from_millis(500);

/// A comment line this often keeps proxies from timing out and finds dead connections.
const PING: Duration = Duration::from_secs(15);

/// Fans each build out to every open stream without waiting for any of them: the rebuild
/// thread puts the event into a bounded broadcast queue and goes on; each stream takes it
/// from there on its own connection task.
pub struct ReloadHub {
    sender: broadcast::Sender<Arc<str>>,
}

impl Default for ReloadHub {
    fn default() -> ReloadHub {
        ReloadHub {
            sender: broadcast::Sender::new(QUEUE),
        }
    }
}

impl ReloadHub {
    /// Never blocks: a stream that is behind loses its oldest events and is closed.
    pub fn broadcast(&self, event: &BuildEvent) {
        // No open stream is not an error.
        let _ = self.sender.send(event.to_json());
    }

    /// A new stream's queue; `current` is sent first.
    pub fn subscribe(&self, current: &BuildEvent) -> EventStream {
        EventStream {
            hello: Some(current.to_json()),
            queue: self.sender.subscribe(),
        }
    }

    /// Open streams.
    pub fn len(&self) -> usize {
        self.sender.receiver_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One page's event stream: the site's state when it connected, then every build.
pub struct EventStream {
    hello: Option<Arc<str>>,
    queue: broadcast::Receiver<Arc<str>>,
}

impl EventStream {
    /// The next event's data; `None` ends the stream (server stopping, or this stream fell
    /// more than [`QUEUE`] events behind).
    pub async fn next(&mut self) -> Option<Arc<str>> {
        if let Some(hello) = self.hello.take() {
            return Some(hello);
        }
        self.queue.recv().await.ok()
    }

    /// The `text/event-stream` response: `retry` with the first event so browsers reconnect
    /// quickly, and a ping comment while nothing happens.
    pub fn into_response(self) -> Response {
        let events = futures_util::stream::unfold(self, |mut stream| async move {
            let first = stream.hello.is_some();
            let data = stream.next().await?;
            let mut event = Event::default().event("build").data(&*data);
            if first {
                event = event.retry(RETRY);
            }
            Some((Ok::<Event, Infallible>(event), stream))
        });
        let mut response = Sse::new(events)
            .keep_alive(KeepAlive::new().interval(PING).text("ping"))
            .into_response();
        let headers = response.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;

    #[test]
    fn css_only_needs_only_stylesheets() {
        let css = SiteChanges {
            changed: vec!["theme.css".into()],
            ..Default::default()
        };
        assert!(BuildEvent::new(1, vec![], css).css_only);
        let mixed = SiteChanges {
            changed: vec!["theme.css".into(), "index.html".into()],
            ..Default::default()
        };
        assert!(!BuildEvent::new(1, vec![], mixed).css_only);
        assert!(!BuildEvent::new(1, vec![], SiteChanges::default()).css_only);
    }

    #[test]
    fn data_is_one_line() {
        let e = BuildEvent::new(3, vec![], SiteChanges::default());
        let json = e.to_json();
        assert!(json.starts_with('{') && !json.contains('\n'), "{json}");
    }

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn generation(data: &str) -> u64 {
        let v: serde_json::Value = serde_json::from_str(data).unwrap();
        v["generation"].as_u64().unwrap()
    }

    #[test]
    fn a_stream_that_falls_behind_is_closed_and_others_keep_every_event() {
        let hub = ReloadHub::default();
        let hello = BuildEvent::new(1, vec![], SiteChanges::default());
        let mut stalled = hub.subscribe(&hello);
        let mut reader = hub.subscribe(&hello);
        assert_eq!(hub.len(), 2);
        run(async {
            assert_eq!(generation(&reader.next().await.unwrap()), 1);
            // The reader keeps up; the stalled stream reads nothing meanwhile.
            for g in 2..QUEUE as u64 + 4 {
                hub.broadcast(&BuildEvent::new(g, vec![], SiteChanges::default()));
                assert_eq!(generation(&reader.next().await.unwrap()), g);
            }
            // The stalled stream still gets the state it connected to, then it ends
            // (its page reconnects and reloads).
            assert_eq!(generation(&stalled.next().await.unwrap()), 1);
            assert!(stalled.next().await.is_none());
        });
    }
}
