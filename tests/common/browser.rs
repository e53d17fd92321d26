//! Headless Chromium for browser tests, driven over the Chrome DevTools Protocol (CDP).
//!
//! One browser is started per test binary ([`Browser::shared`]); every [`Tab`] gets its own
//! browser context (fresh cookies and localStorage), so tests can run in parallel.
//!
//! ```ignore
//! mod common;
//! use common::browser::Browser;
//!
//! #[test]
//! fn theme_toggle_switches_to_dark() {
//!     // Outside CI, no browser → prints why and returns (the test is skipped).
//!     // With CI=true, no browser → panics.
//!     let Some(browser) = Browser::shared() else { return };
//!     let server = common::bundled_server(); // the bundled site, built and served once
//!     let tab = browser.open(&server.url(""));
//!     tab.wait_for("#theme-toggle");
//!     tab.click("#theme-toggle");
//!     assert_eq!(tab.eval("document.documentElement.dataset.theme"), "dark");
//! }
//! ```
//!
//! [`Tab`] methods panic with a clear message on failure (tests want that), and a tab
//! dropped while its test panics saves a screenshot into `target/test-failures/`.
//! Useful calls: [`Tab::goto`], [`Tab::eval`], [`Tab::wait_for`], [`Tab::wait_until`],
//! [`Tab::click`], [`Tab::hover`], [`Tab::type_text`], [`Tab::press_key`], [`Tab::set_viewport`],
//! [`Tab::set_color_scheme`], [`Tab::set_javascript`], [`Tab::screenshot`],
//! [`Tab::screenshot_full_page`], [`Tab::js_errors`], [`Tab::failed_requests`].
//!
//! The browser is `/usr/bin/chromium` (Debian's package), or `$HINDSIGHT_CHROMIUM`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

type Socket = WebSocket<TcpStream>;

/// How long one CDP command, page load or `wait_for` may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A running headless Chromium.
pub struct Browser {
    port: u16,
    control: Mutex<Socket>,
    next_id: AtomicU64,
    /// The `sh` that runs chromium; it kills chromium and deletes the profile when this
    /// process exits (its stdin, our pipe, closes), since a static is never dropped.
    _launcher: Mutex<Child>,
}

impl Browser {
    /// The browser shared by every test of this test binary, started on first use.
    ///
    /// `None` (with the reason printed) when no browser can start, unless `CI=true`,
    /// where it panics: on CI a browser test must never pass by skipping.
    pub fn shared() -> Option<&'static Browser> {
        static SHARED: OnceLock<Result<Browser, String>> = OnceLock::new();
        match SHARED.get_or_init(Browser::launch) {
            Ok(b) => Some(b),
            Err(reason) => {
                if std::env::var("CI").as_deref() == Ok("true") {
                    panic!("CI=true but the browser cannot start: {reason}");
                }
                skip_notice(&format!("skipping browser tests: {reason}"));
                None
            }
        }
    }

    /// The same as [`Browser::shared`].
    pub fn start() -> Option<&'static Browser> {
        Browser::shared()
    }

    fn launch() -> Result<Browser, String> {
        let bin = chromium_path().ok_or_else(|| {
            "no chromium found (install Debian's `chromium` or set HINDSIGHT_CHROMIUM)".to_string()
        })?;
        let dir = std::env::temp_dir().join(format!("hindsight-chromium-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {dir:?}: {e}"))?;
        let profile = dir.join("profile");
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox", // tests run as root in CI, where the sandbox cannot start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--mute-audio",
            "--remote-debugging-port=0",
        ]
        .map(String::from)
        .to_vec();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push("about:blank".into());
        // `sh` starts chromium in a process group of its own, then waits on its stdin (our
        // pipe): when this process exits the pipe closes, and `sh` stops every chromium
        // process and then deletes the profile (which a late child would write into again).
        // `exited` tells us chromium died at start.
        let script = r#"b="$1"; shift
s=; command -v setsid >/dev/null 2>&1 && s=setsid
( $s "$b" "$@" >"$HS_DIR/chromium.log" 2>&1 & echo $! >"$HS_DIR/pid"; wait $!; : >"$HS_DIR/exited" ) &
read -r _
pid=$(cat "$HS_DIR/pid" 2>/dev/null)
if [ -n "$pid" ]; then
  kill -TERM -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null
  i=0; while kill -0 -"$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL -"$pid" 2>/dev/null
fi
wait; rm -rf "$HS_DIR""#;
        let mut launcher = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(&bin)
            .args(&args)
            .env("HS_DIR", &dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run sh to start {bin:?}: {e}"))?;
        // Chromium writes its debugging port into the profile once it listens.
        let port_file = profile.join("DevToolsActivePort");
        let start = Instant::now();
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|s| s.lines().next().and_then(|l| l.trim().parse::<u16>().ok()))
            {
                break port;
            }
            let log = || std::fs::read_to_string(dir.join("chromium.log")).unwrap_or_default();
            if start.elapsed() > TIMEOUT {
                return Err(format!("{bin:?} did not start in {TIMEOUT:?}:\n{}", log()));
            }
            if dir.join("exited").exists() || launcher.try_wait().ok().flatten().is_some() {
                // Dropping `launcher` closes its stdin, so `sh` cleans up.
                return Err(format!("{bin:?} exited at start:\n{}", log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let version = http_get(port, "/json/version")?;
        let ws_url = serde_json::from_str::<Value>(&version)
            .ok()
            .and_then(|v| v["webSocketDebuggerUrl"].as_str().map(String::from))
            .ok_or_else(|| format!("unexpected /json/version answer: {version}"))?;
        let control = connect(&ws_url)?;
        Ok(Browser {
            port,
            control: Mutex::new(control),
            next_id: AtomicU64::new(1),
            _launcher: Mutex::new(launcher),
        })
    }

    /// A browser-level CDP command (`Target.*`, `Browser.*`).
    pub fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut ws = self.control.lock().unwrap_or_else(|e| e.into_inner());
        rpc(&mut ws, id, method, params, |_| {})
    }

    /// A new tab in a fresh browser context, 1280×800, showing `url` once it has loaded.
    pub fn open(&self, url: &str) -> Tab<'_> {
        let tab = self.blank_tab();
        tab.goto(url);
        tab
    }

    /// A new tab in a fresh browser context showing `about:blank`, for setting emulation
    /// (viewport, colour scheme, JavaScript off) before the first page load.
    pub fn blank_tab(&self) -> Tab<'_> {
        let context = self
            .call("Target.createBrowserContext", json!({}))
            .unwrap_or_else(|e| panic!("cannot create a browser context: {e}"))["browserContextId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let target = self
            .call(
                "Target.createTarget",
                json!({"url": "about:blank", "browserContextId": context}),
            )
            .unwrap_or_else(|e| panic!("cannot open a tab: {e}"))["targetId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ws = connect(&format!(
            "ws://127.0.0.1:{}/devtools/page/{target}",
            self.port
        ))
        .unwrap_or_else(|e| panic!("cannot attach to the new tab: {e}"));
        let tab = Tab {
            browser: self,
            target,
            context,
            ws: RefCell::new(ws),
            next_id: Cell::new(1),
            loads: Cell::new(0),
            errors: RefCell::new(Vec::new()),
            requests: RefCell::new(HashMap::new()),
            failed: RefCell::new(Vec::new()),
        };
        tab.call("Page.enable", json!({}));
        tab.call("Runtime.enable", json!({}));
        tab.call("Network.enable", json!({}));
        tab.set_viewport(1280, 800);
        tab
    }
}

/// One page of the browser, with its own CDP connection. Not `Send`: use it on the test's
/// thread. Closed (with its browser context) when dropped.
pub struct Tab<'b> {
    browser: &'b Browser,
    target: String,
    context: String,
    ws: RefCell<Socket>,
    next_id: Cell<u64>,
    /// `Page.loadEventFired` events seen so far.
    loads: Cell<u64>,
    /// Uncaught JavaScript exceptions of the page, in order.
    errors: RefCell<Vec<String>>,
    /// URL of each request in flight, by CDP request id.
    requests: RefCell<HashMap<String, String>>,
    /// Requests since the last `goto` that failed or got an HTTP error status.
    failed: RefCell<Vec<String>>,
}

impl Tab<'_> {
    /// Sends a CDP command to this page and returns its result; panics on error.
    pub fn call(&self, method: &str, params: Value) -> Value {
        self.try_call(method, params)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Sends a CDP command to this page and returns its result or error.
    pub fn try_call(&self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let mut ws = self.ws.borrow_mut();
        rpc(&mut ws, id, method, params, |event| self.on_event(event))
    }

    fn on_event(&self, event: &Value) {
        match event["method"].as_str() {
            Some("Page.loadEventFired") => self.loads.set(self.loads.get() + 1),
            Some("Runtime.exceptionThrown") => {
                let d = &event["params"]["exceptionDetails"];
                let text = d["exception"]["description"]
                    .as_str()
                    .or(d["text"].as_str())
                    .unwrap_or("unknown error");
                self.errors.borrow_mut().push(format!(
                    "{text} ({}:{})",
                    d["url"].as_str().unwrap_or(""),
                    d["lineNumber"]
                ));
            }
            Some("Network.requestWillBeSent") => {
                let p = &event["params"];
                if let (Some(id), Some(url)) =
                    (p["requestId"].as_str(), p["request"]["url"].as_str())
                {
                    self.requests.borrow_mut().insert(id.into(), url.into());
                }
            }
            Some("Network.responseReceived") => {
                let r = &event["params"]["response"];
                let status = r["status"].as_u64().unwrap_or(0);
                if status >= 400 {
                    let url = r["url"].as_str().unwrap_or_default();
                    self.failed.borrow_mut().push(format!("{status} {url}"));
                }
            }
            Some("Network.loadingFailed") => {
                let p = &event["params"];
                if p["canceled"] != true {
                    let url = p["requestId"]
                        .as_str()
                        .and_then(|id| self.requests.borrow().get(id).cloned())
                        .unwrap_or_default();
                    let why = p["errorText"].as_str().unwrap_or("failed");
                    self.failed.borrow_mut().push(format!("{why} {url}"));
                }
            }
            _ => {}
        }
    }

    /// Reads events until `done()` holds or [`TIMEOUT`] passes.
    fn pump_until(&self, what: &str, done: impl Fn() -> bool) {
        let start = Instant::now();
        while !done() {
            if start.elapsed() > TIMEOUT {
                panic!("timed out after {TIMEOUT:?} waiting for {what}");
            }
            // A cheap command: its round trip delivers any events queued before it. It may
            // fail while the old document goes away; that is fine here.
            let _ = self.try_call("Runtime.evaluate", json!({"expression": "0"}));
            if !done() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// Loads `url` and waits for its `load` event (stylesheets, scripts and images done).
    /// A URL differing only in its `#fragment` scrolls the current page instead.
    pub fn goto(&self, url: &str) {
        self.failed.borrow_mut().clear();
        let before = self.loads.get();
        let r = self.call("Page.navigate", json!({ "url": url }));
        if let Some(err) = r["errorText"].as_str().filter(|e| !e.is_empty()) {
            panic!("cannot load {url}: {err}");
        }
        // No loader: a same-document navigation, which fires no `load` event.
        if r.get("loaderId").is_some() {
            self.pump_until(&format!("{url} to load"), || self.loads.get() > before);
        }
    }

    /// Runs `js` in the page (awaiting a returned promise) and returns its JSON value
    /// (`Value::Null` for `undefined`). Panics if it throws.
    pub fn eval(&self, js: &str) -> Value {
        self.try_eval(js).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like [`Tab::eval`], but returns the exception's text as an error instead of panicking.
    pub fn try_eval(&self, js: &str) -> Result<Value, String> {
        let r = self.try_call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true, "userGesture": true}),
        )?;
        if let Some(d) = r.get("exceptionDetails") {
            let text = d["exception"]["description"]
                .as_str()
                .or(d["text"].as_str())
                .unwrap_or("unknown error");
            let shown: String = js.chars().take(200).collect();
            return Err(format!("JavaScript threw: {text}\nin: {shown}"));
        }
        Ok(r["result"]["value"].clone())
    }

    /// Waits until `document.querySelector(selector)` finds an element.
    pub fn wait_for(&self, selector: &str) {
        let sel = serde_json::to_string(selector).unwrap_or_default();
        self.wait_until(&format!("!!document.querySelector({sel})"));
    }

    /// Waits until the JavaScript expression `condition` is truthy.
    pub fn wait_until(&self, condition: &str) {
        let start = Instant::now();
        loop {
            if self.try_eval(condition).is_ok_and(|v| truthy(&v)) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out after {TIMEOUT:?} waiting until `{condition}`");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Clicks the middle of the first element matching `selector` with the mouse, as a
    /// person would (scrolling it into view first).
    pub fn click(&self, selector: &str) {
        let (x, y) = self.center_of(selector, "click");
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    /// Moves the mouse over the first element matching `selector` (opens tooltips).
    pub fn hover(&self, selector: &str) {
        let (x, y) = self.center_of(selector, "hover");
        self.call(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseMoved", "x": x, "y": y}),
        );
    }

    /// Viewport coordinates of the middle of an element, scrolled into view. Waits (up to
    /// 2 s) until the element is what a click there would hit, so that a layout still
    /// settling on a busy machine does not send the click elsewhere.
    fn center_of(&self, selector: &str, action: &str) -> (f64, f64) {
        let sel = serde_json::to_string(selector).unwrap_or_default();
        let probe = format!(
            "(() => {{ const e = document.querySelector({sel}); if (!e) return null;
               e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();
               const x = r.x + r.width / 2, y = r.y + r.height / 2;
               const hit = document.elementFromPoint(x, y);
               const ok = !!hit && (e.contains(hit) || hit.contains(e) || (hit.control === e));
               return [x, y, ok]; }})()"
        );
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let at = self.eval(&probe);
            let (Some(x), Some(y)) = (at[0].as_f64(), at[1].as_f64()) else {
                panic!("{action}: no element matches `{selector}`");
            };
            if at[2] == Value::Bool(true) || Instant::now() > deadline {
                return (x, y);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `text` into the focused element, one key press per character.
    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            let s = c.to_string();
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": "keyDown", "key": s, "text": s, "unmodifiedText": s}),
            );
            self.call("Input.dispatchKeyEvent", json!({"type": "keyUp", "key": s}));
        }
    }

    /// Presses one named key, optionally with modifiers: `"Enter"`, `"Escape"`, `"Tab"`,
    /// `"Shift+Tab"`, `"ArrowDown"`, `"ArrowUp"`, `"ArrowLeft"`, `"ArrowRight"`,
    /// `"Backspace"`, `"Space"`, `"Home"`, `"End"`, `"PageDown"`, `"PageUp"`, `"/"`,
    /// or a single letter or digit.
    pub fn press_key(&self, key: &str) {
        let (mods, name) = match key.rsplit_once('+') {
            Some((m, n)) if !n.is_empty() => (m, n),
            _ => ("", key),
        };
        let modifiers = mods.split('+').fold(0, |acc, m| {
            acc | match m {
                "Alt" => 1,
                "Control" | "Ctrl" => 2,
                "Meta" => 4,
                "Shift" => 8,
                _ => 0,
            }
        });
        let (key_name, code, key_code, text): (&str, String, u32, &str) = match name {
            "Enter" => ("Enter", "Enter".into(), 13, "\r"),
            "Escape" => ("Escape", "Escape".into(), 27, ""),
            "Tab" => ("Tab", "Tab".into(), 9, ""),
            "Backspace" => ("Backspace", "Backspace".into(), 8, ""),
            "Space" | " " => (" ", "Space".into(), 32, " "),
            "ArrowDown" => ("ArrowDown", "ArrowDown".into(), 40, ""),
            "ArrowUp" => ("ArrowUp", "ArrowUp".into(), 38, ""),
            "ArrowLeft" => ("ArrowLeft", "ArrowLeft".into(), 37, ""),
            "ArrowRight" => ("ArrowRight", "ArrowRight".into(), 39, ""),
            "Home" => ("Home", "Home".into(), 36, ""),
            "End" => ("End", "End".into(), 35, ""),
            "PageDown" => ("PageDown", "PageDown".into(), 34, ""),
            "PageUp" => ("PageUp", "PageUp".into(), 33, ""),
            "/" => ("/", "Slash".into(), 191, "/"),
            one if one.chars().count() == 1 && one.chars().all(|c| c.is_ascii_alphanumeric()) => {
                let c = one.chars().next().unwrap_or('a');
                let code = if c.is_ascii_digit() {
                    format!("Digit{c}")
                } else {
                    format!("Key{}", c.to_ascii_uppercase())
                };
                (one, code, c.to_ascii_uppercase() as u32, one)
            }
            other => panic!("press_key: unknown key `{other}`"),
        };
        // Typing text is suppressed while Ctrl/Alt/Meta are held, as in a real browser.
        let text = if modifiers & 7 != 0 { "" } else { text };
        let down = if text.is_empty() {
            "rawKeyDown"
        } else {
            "keyDown"
        };
        self.call(
            "Input.dispatchKeyEvent",
            json!({"type": down, "key": key_name, "code": code, "windowsVirtualKeyCode": key_code,
                   "text": text, "unmodifiedText": text, "modifiers": modifiers}),
        );
        self.call(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": key_name, "code": code,
                   "windowsVirtualKeyCode": key_code, "modifiers": modifiers}),
        );
    }

    /// Sets the viewport in CSS pixels; widths under 600 also emulate a phone (touch,
    /// mobile viewport). Reload or [`Tab::goto`] after it if the page measured itself.
    pub fn set_viewport(&self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}),
        );
    }

    /// Emulates the reader's colour-scheme preference: `"light"` or `"dark"`.
    pub fn set_color_scheme(&self, scheme: &str) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
    }

    /// Turns the page's own scripts on or off (set it before [`Tab::goto`]).
    /// [`Tab::eval`] keeps working either way.
    pub fn set_javascript(&self, enabled: bool) {
        self.call(
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": !enabled }),
        );
    }

    /// Saves what the viewport shows as a PNG at `path` (folders are created).
    pub fn screenshot(&self, path: &Path) {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        write_png(path, &r);
    }

    /// Saves the whole page, top to bottom, as a PNG at `path`.
    pub fn screenshot_full_page(&self, path: &Path) {
        let size = self
            .eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]");
        let (w, h) = (
            size[0].as_f64().unwrap_or(1280.0),
            size[1].as_f64().unwrap_or(800.0),
        );
        let r = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}}),
        );
        write_png(path, &r);
    }

    /// Requests since the last [`Tab::goto`] that failed or got an HTTP status of 400 or
    /// more, as `404 http://…/x.css` (the page's own document included).
    pub fn failed_requests(&self) -> Vec<String> {
        let _ = self.try_call("Runtime.evaluate", json!({"expression": "0"}));
        self.failed.borrow().clone()
    }

    /// Uncaught JavaScript exceptions the page has thrown so far.
    pub fn js_errors(&self) -> Vec<String> {
        // A round trip first, so exceptions already sent by the browser are counted.
        let _ = self.try_call("Runtime.evaluate", json!({"expression": "0"}));
        self.errors.borrow().clone()
    }
}

impl Drop for Tab<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let name: String = std::thread::current()
                .name()
                .unwrap_or("test")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let path = target_dir()
                .join("test-failures")
                .join(format!("{name}.png"));
            if let Ok(r) = self.try_call("Page.captureScreenshot", json!({"format": "png"})) {
                write_png(&path, &r);
                eprintln!("screenshot of the failing page: {}", path.display());
            }
        }
        let _ = self
            .browser
            .call("Target.closeTarget", json!({"targetId": self.target}));
        let _ = self.browser.call(
            "Target.disposeBrowserContext",
            json!({"browserContextId": self.context}),
        );
    }
}

/// Tells the person running the tests why some were skipped, once per test binary. Written
/// straight to stderr, because the test harness hides what passing tests print.
pub fn skip_notice(message: &str) {
    use std::io::Write;
    static SHOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut shown = SHOWN.lock().unwrap_or_else(|e| e.into_inner());
    if !shown.iter().any(|m| m == message) {
        let _ = writeln!(std::io::stderr(), "{message}");
        shown.push(message.to_string());
    }
}

/// Cargo's target folder (`target/`), where screenshots go.
pub fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

fn write_png(path: &Path, result: &Value) {
    let data = result["data"].as_str().unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap_or_else(|e| panic!("screenshot is not base64: {e}"));
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("cannot write {path:?}: {e}"));
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn chromium_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HINDSIGHT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .chain([PathBuf::from("/usr/bin/chromium")])
        .find(|p| p.is_file())
}

fn connect(ws_url: &str) -> Result<Socket, String> {
    let addr = ws_url
        .strip_prefix("ws://")
        .and_then(|r| r.split('/').next())
        .ok_or_else(|| format!("not a ws:// URL: {ws_url}"))?;
    let stream = TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    // Screenshots of long pages are large messages.
    let config = WebSocketConfig::default()
        .max_message_size(None)
        .max_frame_size(None);
    let (ws, _) = tungstenite::client::client_with_config(ws_url, stream, Some(config))
        .map_err(|e| format!("WebSocket handshake with {ws_url} failed: {e}"))?;
    Ok(ws)
}

/// Sends one command and reads messages until its answer, passing events to `on_event`.
fn rpc(
    ws: &mut Socket,
    id: u64,
    method: &str,
    params: Value,
    mut on_event: impl FnMut(&Value),
) -> Result<Value, String> {
    let msg = json!({"id": id, "method": method, "params": params}).to_string();
    ws.send(Message::Text(msg.into()))
        .map_err(|e| format!("{method}: cannot send: {e}"))?;
    loop {
        let text = match ws.read() {
            Ok(Message::Text(t)) => t,
            Ok(_) => continue,
            Err(e) => return Err(format!("{method}: no answer from the browser: {e}")),
        };
        let v: Value = serde_json::from_str(text.as_str())
            .map_err(|e| format!("{method}: bad message from the browser: {e}"))?;
        if v["id"].as_u64() == Some(id) {
            if let Some(err) = v.get("error") {
                return Err(format!("{method} failed: {err}"));
            }
            return Ok(v["result"].clone());
        }
        on_event(&v);
    }
}

/// A plain HTTP GET to the browser's debugging port. Chromium keeps the connection open,
/// so the body is read by its `Content-Length`.
fn http_get(port: u16, path: &str) -> Result<String, String> {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(s);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}
