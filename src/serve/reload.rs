//! Live reload over Server-Sent Events: every open page keeps a connection to
//! `/__hindsight/events` and receives one `build` event per rebuild, carrying what changed
//! and the current errors (for the overlay).

use std::io::Write;
use std::sync::Mutex;

use crate::diagnostics::Diagnostic;
use crate::serve::incremental::SiteChanges;

/// The client script, served at `/__hindsight/live-reload.js`, only by `serve`.
pub const LIVE_RELOAD_JS: &str = include_str!("live-reload.js");

/// One error as the overlay shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OverlayError {
    /// `path:line:col`
    pub location: String,
    pub message: String,
    pub source_line: Option<String>,
    /// 1-based column in `source_line`, for the caret under it; 0 when unknown.
    pub column: usize,
}

impl OverlayError {
    pub fn of(d: &Diagnostic) -> OverlayError {
        OverlayError {
            location: format!("{}:{}:{}", d.path.display(), d.line, d.column),
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

    fn to_sse(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "{}".into());
        format!("event: build\ndata: {json}\n\n")
    }
}

/// The open event streams. Connections are parked here, so no worker thread is held.
#[derive(Default)]
pub struct ReloadHub {
    clients: Mutex<Vec<Box<dyn Write + Send>>>,
}

impl ReloadHub {
    /// Start an event stream on a raw connection: headers, then the current state.
    pub fn connect(&self, mut conn: Box<dyn Write + Send>, current: &BuildEvent) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n";
        // `retry` makes browsers reconnect quickly after a server restart.
        let hello = format!("{head}retry: 500\n\n{}", current.to_sse());
        if conn.write_all(hello.as_bytes()).is_ok() && conn.flush().is_ok() {
            self.lock().push(conn);
        }
    }

    pub fn broadcast(&self, event: &BuildEvent) {
        self.send_raw(&event.to_sse());
    }

    /// A comment line: keeps proxies from timing out and drops dead connections.
    pub fn ping(&self) {
        self.send_raw(": ping\n\n");
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Close every stream (shutdown).
    pub fn close_all(&self) {
        self.lock().clear();
    }

    fn send_raw(&self, text: &str) {
        self.lock()
            .retain_mut(|c| c.write_all(text.as_bytes()).is_ok() && c.flush().is_ok());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Box<dyn Write + Send>>> {
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn sse_frame_is_one_event() {
        let e = BuildEvent::new(3, vec![], SiteChanges::default());
        let s = e.to_sse();
        assert!(s.starts_with("event: build\ndata: {"));
        assert!(s.ends_with("}\n\n"));
        assert_eq!(s.matches("\n\n").count(), 1);
    }
}
