//! Hindsight: a static site generator for incident knowledge bases.
//!
//! The build is one pipeline, a module per stage, run by [`pipeline`]:
//! [`config`] → [`content`] → [`linking`] (with [`links`], [`markdown`], [`terms`]) →
//! [`search`] → [`render`] → [`output`]; the site travels between stages as a
//! [`site::Site`]. Features add their data and outputs: [`postmortems`], [`training`],
//! [`search`]. [`serve`] reruns the pipeline incrementally; [`scaffold`] creates new sites
//! and pages.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod highlight;
pub mod linking;
pub mod links;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod postmortems;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod terms;
pub mod timings;
pub mod training;
