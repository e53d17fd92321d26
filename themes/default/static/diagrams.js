// Renders ```mermaid blocks (pre.mermaid, whose text is the diagram's source) with the
// vendored Mermaid library, in the page's colour scheme. The library (~800 KB compressed)
// is fetched only when a diagram comes near the viewport, so a page with a diagram further
// down loads as fast as one without. Without JavaScript, or if a source does not parse, the
// source stays visible as text.
(function () {
  var script = document.currentScript;
  var diagrams = document.querySelectorAll('pre.mermaid');
  if (!script || !diagrams.length) return;
  var requested = false;

  function draw() {
    var root = document.documentElement;
    var dark = root.dataset.theme === 'dark' ||
      (!root.dataset.theme && window.matchMedia('(prefers-color-scheme: dark)').matches);
    window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });
    window.mermaid.run({ querySelector: 'pre.mermaid', suppressErrors: true });
  }

  function load() {
    if (requested) return;
    requested = true;
    var lib = document.createElement('script');
    lib.src = script.dataset.mermaid;
    lib.onload = draw;
    document.head.appendChild(lib);
  }

  if (!('IntersectionObserver' in window)) return load();
  var watcher = new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) {
      watcher.disconnect();
      load();
    }
  }, { rootMargin: '600px 0px' });
  diagrams.forEach(function (d) { watcher.observe(d); });
})();
