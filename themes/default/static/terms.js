/* Term tooltips, enhanced. Without this file tooltips still show on hover and focus
   (terms.css); this adds: each term's summary as its links' accessible description; on
   touch, a first tap shows the tooltip and a second follows the link; Escape hides an open
   tooltip; and, for browsers without CSS anchor positioning, a shift that keeps the tooltip
   inside the viewport. */
(function () {
  "use strict";
  var links = document.querySelectorAll("a.t");
  if (!links.length) return;
  var anchored = window.CSS && CSS.supports && CSS.supports("anchor-scope: all") &&
    CSS.supports("position-try-fallbacks: flip-inline");
  var open = null;

  /* A CSS string as term-tips.css writes it ("…" with \" \\ and \hex escapes), as text. */
  function cssText(value) {
    var s = value.trim();
    if (s.charAt(0) !== '"') return "";
    return s.slice(1, -1).replace(/\\([0-9a-fA-F]{1,6} ?|[\s\S])/g, function (_, e) {
      var hex = e.trim();
      return /^[0-9a-fA-F]+$/.test(hex) ? String.fromCodePoint(parseInt(hex, 16)) : e;
    });
  }

  /* One hidden description per term, named by every link to it (the link's name stays its
     text: terms.css then keeps the visible tooltip out of it). */
  function describe() {
    if (!(window.CSS && CSS.supports && CSS.supports("content", '"a" / ""'))) return;
    var box = document.createElement("div");
    box.hidden = true;
    var ids = {};
    links.forEach(function (link) {
      var key = link.getAttribute("href");
      if (!ids[key]) {
        var style = getComputedStyle(link);
        var summary = cssText(style.getPropertyValue("--term-summary"));
        if (!summary) return;
        var span = document.createElement("span");
        ids[key] = span.id = "term-description-" + box.childElementCount;
        span.textContent = cssText(style.getPropertyValue("--term-name")) + ": " + summary;
        box.appendChild(span);
      }
      link.setAttribute("aria-describedby", ids[key]);
    });
    document.body.appendChild(box);
    document.documentElement.classList.add("terms-described");
  }

  function clamp(link) {
    if (anchored) return;
    link.style.removeProperty("--tip-shift");
    var r = link.getBoundingClientRect();
    var width = parseFloat(getComputedStyle(link, "::after").width) || 0;
    var vw = document.documentElement.clientWidth;
    var dx = 0;
    if (r.left + width > vw - 8) dx = vw - 8 - (r.left + width);
    if (r.left + dx < 8) dx = 8 - r.left;
    if (dx) link.style.setProperty("--tip-shift", Math.round(dx) + "px");
  }

  function close() {
    if (open) open.classList.remove("is-open");
    open = null;
  }

  links.forEach(function (link) {
    link.addEventListener("mouseenter", function () { link.classList.remove("is-dismissed"); clamp(link); });
    link.addEventListener("focus", function () { link.classList.remove("is-dismissed"); clamp(link); });
    link.addEventListener("pointerup", function (e) {
      if (e.pointerType !== "touch" || open === link) return;
      close();
      open = link;
      link.classList.add("is-open");
      clamp(link);
    });
    link.addEventListener("click", function (e) {
      // The first tap only opened the tooltip; the next one follows the link.
      if (open === link && !link.dataset.tapped) {
        link.dataset.tapped = "1";
        e.preventDefault();
      }
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    links.forEach(function (link) {
      if (link.matches(":hover") || link === document.activeElement || link === open) {
        link.classList.add("is-dismissed");
      }
    });
    close();
  });
  document.addEventListener("pointerdown", function (e) {
    if (open && !open.contains(e.target)) {
      delete open.dataset.tapped;
      close();
    }
  });

  if (window.requestIdleCallback) requestIdleCallback(describe);
  else setTimeout(describe, 0);
})();
