/* Post-mortem catalog: filters (severity, service, factor category, year) and sortable
   columns. Progressive enhancement: without this script the full table shows, newest first.
   Filter state is kept in the URL query so a filtered view can be shared. */
(function () {
  "use strict";
  var table = document.getElementById("pm-catalog");
  var form = document.getElementById("pm-filters");
  if (!table || !form) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var count = document.getElementById("pm-count");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));

  function matches(row, key, value) {
    if (!value) return true;
    var have = row.getAttribute("data-" + key) || "";
    return have.split("|").indexOf(value) !== -1;
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = selects.every(function (s) { return matches(row, s.getAttribute("data-filter"), s.value); });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown === rows.length
      ? "Showing all " + rows.length + " post-mortems"
      : "Showing " + shown + " of " + rows.length + " post-mortems";
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) { if (s.value) params.set(s.name, s.value); else params.delete(s.name); });
    var q = params.toString();
    try { history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash); } catch (e) { /* file:// may refuse */ }
  }

  var initial = new URLSearchParams(location.search);
  selects.forEach(function (s) {
    var v = initial.get(s.name);
    if (v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) s.value = v;
    s.addEventListener("change", apply);
  });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  var note = document.getElementById("pm-nojs-note");
  if (note) note.hidden = true;

  /* Sorting: each sortable header becomes a button; aria-sort tells screen readers. */
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function sortBy(th, direction) {
    var key = "data-" + th.getAttribute("data-sort");
    var numeric = th.getAttribute("data-type") === "number";
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = a.getAttribute(key) || "", y = b.getAttribute(key) || "";
      /* Rows without a value go last whichever way the column is sorted. */
      if (x === "" || y === "") return (x === "") - (y === "");
      var c = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      if (c === 0) c = (a.getAttribute("data-date") || "").localeCompare(b.getAttribute("data-date") || "") * -1;
      return c * sign;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
    headers.forEach(function (h) { if (h !== th) h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", direction);
  }
  headers.forEach(function (th) {
    if (!th.hasAttribute("data-sort")) return;
    var b = document.createElement("button");
    b.type = "button";
    while (th.firstChild) b.appendChild(th.firstChild);
    th.appendChild(b);
    b.addEventListener("click", function () {
      var now = th.getAttribute("aria-sort");
      /* Dates and durations read best longest/newest first; names A to Z. */
      var first = th.getAttribute("data-type") === "number" || th.getAttribute("data-sort") === "date" ? "descending" : "ascending";
      if (th.getAttribute("data-sort") === "rank") first = "ascending";
      sortBy(th, now ? (now === "ascending" ? "descending" : "ascending") : first);
    });
  });
  apply();
})();
