// Renders ```mermaid blocks (pre.mermaid, whose text is the diagram's source) with the
// vendored Mermaid library, in the page's colour scheme. Without JavaScript, or if the
// source does not parse, the source stays visible as text.
(function () {
  if (!window.mermaid) return;
  var dark = document.documentElement.dataset.theme === 'dark' ||
    (!document.documentElement.dataset.theme &&
      window.matchMedia('(prefers-color-scheme: dark)').matches);
  window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });
  window.mermaid.run({ querySelector: 'pre.mermaid', suppressErrors: true });
})();
