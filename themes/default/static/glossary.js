/* The glossary index's filter: names (and other names) as you type, and tags. The tools
   are in the page from the start, so nothing moves when this file arrives; without
   JavaScript they are hidden (section.html) and the index is still complete, grouped by
   letter with jumps to each letter. */
(function () {
  "use strict";
  var tools = document.querySelector(".glossary-tools");
  if (!tools) return;
  var input = document.getElementById("glossary-filter");
  var count = document.getElementById("glossary-count");
  var empty = document.querySelector(".glossary-empty");
  var groups = Array.prototype.slice.call(document.querySelectorAll(".letter-group"));
  var jumps = {};
  document.querySelectorAll(".letter-jumps a").forEach(function (a) { jumps[a.dataset.letter] = a; });
  var tagButtons = Array.prototype.slice.call(tools.querySelectorAll(".glossary-tag"));
  var items = groups.map(function (g) {
    return Array.prototype.slice.call(g.querySelectorAll("li[data-name]")).map(function (li) {
      return { li: li, names: li.dataset.name.split("|"), tags: li.dataset.tags ? li.dataset.tags.split("|") : [] };
    });
  });
  var total = items.reduce(function (n, g) { return n + g.length; }, 0);

  function matches(item, q, tags) {
    for (var t = 0; t < tags.length; t++) if (item.tags.indexOf(tags[t]) < 0) return false;
    if (!q) return true;
    for (var i = 0; i < item.names.length; i++) {
      var n = item.names[i];
      if (n.indexOf(q) === 0 || n.indexOf(" " + q) >= 0 || (q.length > 2 && n.indexOf(q) >= 0)) return true;
    }
    return false;
  }

  function apply() {
    var q = input.value.trim().toLowerCase();
    var tags = tagButtons.filter(function (b) { return b.getAttribute("aria-pressed") === "true"; })
      .map(function (b) { return b.dataset.tag; });
    var shown = 0;
    groups.forEach(function (g, gi) {
      var here = 0;
      items[gi].forEach(function (item) {
        var ok = matches(item, q, tags);
        item.li.hidden = !ok;
        if (ok) here++;
      });
      g.hidden = here === 0;
      var letter = g.id.replace("group-", "");
      if (jumps[letter]) jumps[letter].parentNode.classList.toggle("is-empty", here === 0);
      shown += here;
    });
    var filtering = q || tags.length;
    count.textContent = filtering ? shown + " of " + total + " terms" : "";
    empty.hidden = shown > 0;
  }

  input.addEventListener("input", apply);
  tagButtons.forEach(function (b) {
    b.addEventListener("click", function () {
      b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
      apply();
    });
  });
  document.querySelector(".glossary-clear").addEventListener("click", function () {
    input.value = "";
    tagButtons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    apply();
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && input.value) { input.value = ""; apply(); }
    if (e.key === "Enter") {
      var first = document.querySelector(".letter-group li:not([hidden]) a");
      if (first) { e.preventDefault(); first.click(); }
    }
  });
  if (input.value) apply();
})();
