/* Hindsight default theme: dark-mode toggle, copy buttons on code, the rest of a long
   backlink list, and links that work when the site is opened straight from disk (file://). */
(function () {
  "use strict";
  var root = document.documentElement;

  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    var current = function () {
      if (root.dataset.theme) return root.dataset.theme;
      return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    };
    var sync = function () { toggle.setAttribute("aria-pressed", current() === "dark" ? "true" : "false"); };
    sync();
    toggle.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("hindsight-theme", next); } catch (e) { /* storage may be off */ }
      sync();
    });
  }

  document.querySelectorAll("pre.code").forEach(function (pre) {
    if (!navigator.clipboard) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "copy-code";
    b.textContent = "Copy";
    b.setAttribute("aria-label", "Copy code to clipboard");
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(function () {
        b.textContent = "Copied";
        setTimeout(function () { b.textContent = "Copy"; }, 1500);
      });
    });
    pre.appendChild(b);
  });

  /* A long backlink list names its first pages; the rest are places in the site's page
     list (page-list.js, every page's address and title in title order), written as gaps in
     a 64-letter alphabet (src/varint.rs). Opening "show all" loads the list once. */
  var LETTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var pageList = null;
  function loadPageList(src) {
    if (!pageList) {
      pageList = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = function () { resolve(window.__hindsightPages || []); };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return pageList;
  }
  function places(letters) {
    var out = [], next = 0, value = 0, shift = 0;
    for (var i = 0; i < letters.length; i++) {
      var c = LETTERS.indexOf(letters.charAt(i));
      if (c < 0) break;
      value += (c & 31) * Math.pow(2, shift);
      shift += 5;
      if (c < 32) { next += value; out.push(next); next += 1; value = 0; shift = 0; }
    }
    return out;
  }
  function fixHref(a) {
    if (location.protocol !== "file:") return;
    var h = a.getAttribute("href");
    if (/^[a-z]+:/i.test(h) || h.charAt(0) === "#") return;
    var parts = h.split("#");
    if (parts[0] === "" || /\/$/.test(parts[0])) {
      parts[0] = (parts[0] || "./") + "index.html";
      a.setAttribute("href", parts.join("#"));
    }
  }
  document.querySelectorAll("details[data-more]").forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (!d.open || d.dataset.listed) return;
      d.dataset.listed = "1";
      var src = d.dataset.pages, prefix = src.slice(0, src.lastIndexOf("/") + 1);
      loadPageList(src).then(function (pages) {
        var list = d.querySelector("ul");
        places(d.dataset.more).forEach(function (n) {
          if (!pages[n]) return;
          var li = document.createElement("li"), a = document.createElement("a");
          a.setAttribute("href", prefix + pages[n][0]);
          a.textContent = pages[n][1];
          fixHref(a);
          li.appendChild(a);
          list.appendChild(li);
        });
        var note = d.querySelector(".backlinks-later");
        if (note) note.remove();
      }, function () { delete d.dataset.listed; });
    });
  });

  /* Pretty URLs end in a folder; from disk, a folder is not a page, so point at index.html. */
  if (location.protocol === "file:") document.querySelectorAll("a[href]").forEach(fixHref);
})();
