/* Term tooltips, enhanced. Without this file tooltips still show on hover and focus
   (terms.css); this adds: on touch, a first tap shows the tooltip and a second follows the
   link; Escape hides an open tooltip; and, for browsers without CSS anchor positioning,
   a shift that keeps the tooltip inside the viewport. */
(function () {
  "use strict";
  var refs = document.querySelectorAll(".term-ref");
  if (!refs.length) return;
  var anchored = window.CSS && CSS.supports && CSS.supports("anchor-scope: all") &&
    CSS.supports("position-try-fallbacks: flip-inline");
  var open = null;

  function clamp(ref) {
    if (anchored) return;
    var tip = ref.querySelector(".term-tip");
    if (!tip) return;
    tip.style.transform = "";
    var r = tip.getBoundingClientRect();
    var vw = document.documentElement.clientWidth;
    var dx = 0;
    if (r.right > vw - 8) dx = vw - 8 - r.right;
    if (r.left + dx < 8) dx = 8 - r.left;
    if (dx) tip.style.transform = "translateX(" + Math.round(dx) + "px)";
  }

  function close() {
    if (open) open.classList.remove("is-open");
    open = null;
  }

  refs.forEach(function (ref) {
    var link = ref.querySelector(":scope > a");
    if (!link) return;
    ref.addEventListener("mouseenter", function () { ref.classList.remove("is-dismissed"); clamp(ref); });
    link.addEventListener("focus", function () { ref.classList.remove("is-dismissed"); clamp(ref); });
    link.addEventListener("pointerup", function (e) {
      if (e.pointerType !== "touch" || open === ref) return;
      close();
      open = ref;
      ref.classList.add("is-open");
      clamp(ref);
    });
    link.addEventListener("click", function (e) {
      // The first tap only opened the tooltip; the next one follows the link.
      if (open === ref && !ref.dataset.tapped) {
        ref.dataset.tapped = "1";
        e.preventDefault();
      }
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    refs.forEach(function (ref) {
      if (ref.matches(":hover") || ref.contains(document.activeElement) || ref === open) {
        ref.classList.add("is-dismissed");
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
})();
