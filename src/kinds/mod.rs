//! Content kinds plug in here. [`kind`] is the contract between a kind and the pipeline:
//! what a kind derives from the linked site, adds to its pages' bodies and templates, which
//! pages and files it generates, and what `serve` must re-run when what changes.
//! [`registry`] names every built-in kind; the pipeline, render, nav and serve loop over it
//! and name no kind themselves.

pub mod kind;
pub mod postmortems;
pub mod registry;
pub mod training;
