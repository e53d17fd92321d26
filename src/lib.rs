//! Hindsight: a static site generator for incident knowledge bases.
//!
//! The build is one pipeline, a module per stage, run by [`pipeline`]:
//! [`config`] → [`content`] → [`linking`] (with [`links`], [`markdown`], [`terms`]) →
//! [`kinds`] → [`site`] (with [`search`]) → [`render`] → [`output`]; [`serve`] reruns the
//! same stages incrementally, [`scaffold`] creates new sites and pages, and [`import`]
//! brings in existing Markdown. Each content kind is a folder of [`kinds`] that plugs in
//! through [`kinds::kind::Kind`] (its front matter, its kinds of page, the text of a new
//! page, what it derives and adds), and [`kinds::registry`] names them all: adding a kind
//! is a folder (and its `pub mod`) plus one line there. No stage names a kind: the
//! pipeline hands the kinds' descriptions down to [`config`] (names and folders) and
//! [`content`] (everything content needs to load a page of a kind,
//! [`content::KindDescription`]). The glossary's description lives in [`content::glossary`],
//! as the term linking below the kinds reads its terms.
//!
//! Layers, bottom to top: a module imports only from its own layer or one below, and no
//! two parts import each other around a circle (`tests/architecture.rs` checks both).
//!
//! 1. foundations: `diagnostics`, `escape`, `timings`, `highlight`, `output`, `console`, `varint`
//! 2. config: `config`
//! 3. content: `content`
//! 4. links, terms, markdown: `links`, `terms`, `markdown`
//! 5. linking: `linking`
//! 6. kind contract: `kinds::kind`
//! 7. kinds: `kinds`
//! 8. registry: `kinds::registry`
//! 9. search: `search`
//! 10. site: `site`
//! 11. render: `render`
//! 12. pipeline: `pipeline`
//! 13. commands: `serve`, `scaffold`, `import`

pub mod config;
pub mod console;
pub mod content;
pub mod diagnostics;
pub mod escape;
pub mod highlight;
pub mod import;
pub mod kinds;
pub mod linking;
pub mod links;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod terms;
pub mod timings;
pub mod varint;
