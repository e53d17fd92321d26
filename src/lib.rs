//! Hindsight: a static site generator for incident knowledge bases.
//!
//! The build is one pipeline, a module per stage:
//! [`config`] → [`content`] → [`links`] and [`markdown`] → [`render`] → [`output`],
//! run by [`pipeline`]. [`scaffold`] creates new sites and pages.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod highlight;
pub mod links;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod postmortems;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod terms;
pub mod timings;
pub mod training;
