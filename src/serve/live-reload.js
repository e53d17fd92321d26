/* Hindsight dev server: live reload and the build-error overlay. Injected only by `serve`. */
(function () {
  "use strict";
  if (!window.EventSource) return;
  var src = document.currentScript && document.currentScript.src;
  if (!src) return;
  var base = src.replace(/__hindsight\/live-reload\.js.*$/, "");
  var basePath = new URL(base).pathname;
  var scrollKey = "hindsight-scroll:" + location.pathname;

  /* The open page as an output path (`glossary/slo/index.html`) and its folder. */
  function currentFile() {
    var p = decodeURIComponent(location.pathname);
    p = p.indexOf(basePath) === 0 ? p.slice(basePath.length) : p.replace(/^\//, "");
    return p === "" || p.slice(-1) === "/" ? p + "index.html" : p;
  }
  function currentFolder() {
    var f = currentFile();
    return /(^|\/)index\.html$/.test(f) ? f.slice(0, f.length - "index.html".length) : null;
  }

  try {
    var y = sessionStorage.getItem(scrollKey);
    if (y !== null) {
      sessionStorage.removeItem(scrollKey);
      /* Ours, not the browser's: it may restore an older position after `load`. */
      if ("scrollRestoration" in history) history.scrollRestoration = "manual";
      var restore = function () {
        window.scrollTo(0, parseFloat(y));
        requestAnimationFrame(function () { window.scrollTo(0, parseFloat(y)); });
      };
      if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be disabled */ }

  var generationKey = "hindsight-generation";
  function reloadKeepingScroll(generation) {
    try {
      sessionStorage.setItem(scrollKey, String(window.scrollY));
      sessionStorage.setItem(generationKey, String(generation));
    } catch (e) {}
    location.reload();
  }

  function swapStylesheets(changed) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      var rel = decodeURIComponent(url.pathname).slice(basePath.length);
      if (changed.indexOf(rel) === -1) return;
      var fresh = link.cloneNode();
      url.searchParams.set("hindsight", String(Date.now()));
      fresh.href = url.href;
      /* Remove the old sheet only once the new one applies, so nothing flashes. */
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { link.remove(); });
      link.after(fresh);
    });
  }

  var overlay = null;
  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function showOverlay(errors) {
    hideOverlay();
    overlay = document.createElement("div");
    overlay.id = "hindsight-error-overlay";
    overlay.setAttribute("data-errors", String(errors.length));
    var root = overlay.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent =
      ":host{all:initial}" +
      ".box{position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "font:15px/1.5 system-ui,sans-serif;background:#fff;color:#1a1a1a;border:2px solid #b3261e;" +
      "border-radius:8px;box-shadow:0 8px 30px rgba(0,0,0,.3);padding:1rem 1.25rem}" +
      "h2{margin:0 0 .5rem;font-size:1.05rem;color:#b3261e}" +
      "p.note{margin:0 0 .75rem;color:#444}" +
      "ol{margin:0;padding-left:1.25rem}li{margin:.5rem 0}" +
      "code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}" +
      ".loc{font-weight:600}pre{margin:.25rem 0 0;padding:.4rem .6rem;background:#f4f4f4;border-radius:4px;overflow:auto}" +
      "button{position:absolute;top:.5rem;right:.5rem;font:inherit;background:none;border:1px solid #888;" +
      "border-radius:4px;color:inherit;cursor:pointer;padding:0 .5rem}" +
      "button:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}" +
      ".caret{color:#b3261e;font-weight:700}" +
      /* Dark when the page is: the reader's toggle (data-theme) or, without one, the system. */
      ".box.dark{background:#1e1e1e;color:#eee;border-color:#ff8a80}" +
      ".dark h2,.dark .caret{color:#ff8a80}.dark p.note{color:#bbb}.dark pre{background:#2a2a2a}";
    var box = document.createElement("section");
    var theme = document.documentElement.dataset.theme;
    var dark = theme ? theme === "dark" : !!(window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
    box.className = dark ? "box dark" : "box";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "hindsight-overlay-title");
    var title = document.createElement("h2");
    title.id = "hindsight-overlay-title";
    title.textContent = "Build failed: " + errors.length + " error" + (errors.length === 1 ? "" : "s");
    var note = document.createElement("p");
    note.className = "note";
    note.textContent = "The last good version of the site is shown. Fix the file and this goes away by itself.";
    var list = document.createElement("ol");
    errors.forEach(function (e) {
      var item = document.createElement("li");
      var loc = document.createElement("code");
      loc.className = "loc";
      loc.textContent = e.location;
      item.appendChild(loc);
      item.appendChild(document.createTextNode(": " + e.message));
      if (e.source_line) {
        var pre = document.createElement("pre");
        pre.textContent = e.source_line;
        if (e.column > 0) {
          /* A caret under the column; tabs stay tabs so it lines up. */
          var pad = Array.from(e.source_line).slice(0, e.column - 1)
            .map(function (c) { return c === "\t" ? "\t" : " "; }).join("");
          var caret = document.createElement("span");
          caret.className = "caret";
          caret.setAttribute("aria-hidden", "true");
          caret.textContent = "\n" + pad + "^";
          pre.appendChild(caret);
        }
        item.appendChild(pre);
      }
      list.appendChild(item);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.setAttribute("aria-label", "Hide build errors");
    close.textContent = "\u00d7";
    close.addEventListener("click", hideOverlay);
    box.append(title, note, list, close);
    root.append(style, box);
    document.body.appendChild(overlay);
  }

  var connected = false;
  /* The last build this page heard of; kept across reconnects. */
  var heard = null;
  function onBuild(data) {
    var first = !connected;
    connected = true;
    var before = heard;
    heard = data.generation;
    if (data.errors && data.errors.length) { showOverlay(data.errors); return; }
    hideOverlay();
    var folder = currentFolder();
    if (folder !== null && data.removed && Object.prototype.hasOwnProperty.call(data.removed, folder)) {
      location.href = base + data.removed[folder];
      return;
    }
    if (first) {
      /* A save that landed while this page was reloading, or while its stream was closed
         (the server drops a stream that falls behind), would otherwise be missed. */
      var seen = before;
      if (seen === null) {
        try { seen = sessionStorage.getItem(generationKey); } catch (e) {}
      }
      if (seen !== null && data.generation > Number(seen)) reloadKeepingScroll(data.generation);
      return;
    }
    var changed = data.changed || [];
    if (!changed.length) return;
    if (data.css_only) { swapStylesheets(changed); return; }
    var here = currentFile();
    var affects = changed.some(function (f) {
      return f === here || !/\.(html|css)$/.test(f);
    });
    if (affects || changed.some(function (f) { return /\.css$/.test(f); })) reloadKeepingScroll(data.generation);
  }

  function connect() {
    var events = new EventSource(base + "__hindsight/events");
    events.addEventListener("open", function () { connected = false; });
    /* Readable by tests and curious authors: "open" once saves will show up here. */
    events.addEventListener("open", function () { window.hindsightLiveReload = "open"; });
    events.addEventListener("error", function () { window.hindsightLiveReload = "reconnecting"; });
    events.addEventListener("build", function (e) {
      try { onBuild(JSON.parse(e.data)); } catch (err) { console.error("hindsight live reload:", err); }
    });
  }
  /* Opened before `load`, an event stream would keep the page "loading" forever. */
  if (document.readyState === "complete") connect(); else window.addEventListener("load", connect);
})();
