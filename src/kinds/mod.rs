//! Content kinds plug in here, each a folder. [`kind`] is the contract between a kind and
//! the pipeline: the kinds of page it brings (each described for content loading: folder,
//! front-matter struct, template, labels, the text of a new page), what it derives from the
//! linked site, adds to its pages' bodies, templates and search, which pages and files it
//! generates, and what `serve` must re-run when what changes. [`registry`] names every
//! built-in kind; the pipeline, render, nav, search and serve loop over it and name no kind
//! themselves.

pub mod kind;
pub mod postmortems;
pub mod registry;
pub mod training;
