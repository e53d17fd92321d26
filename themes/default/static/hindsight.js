/* Hindsight default theme: dark-mode toggle, copy buttons on code, and links that work
   when the site is opened straight from disk (file://). */
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

  /* Pretty URLs end in a folder; from disk, a folder is not a page, so point at index.html. */
  if (location.protocol === "file:") {
    document.querySelectorAll("a[href]").forEach(function (a) {
      var h = a.getAttribute("href");
      if (/^[a-z]+:/i.test(h) || h.charAt(0) === "#") return;
      var parts = h.split("#");
      if (parts[0] === "" || /\/$/.test(parts[0])) {
        parts[0] = (parts[0] || "./") + "index.html";
        a.setAttribute("href", parts.join("#"));
      }
    });
  }
})();
