//! The site in memory, handed from stage to stage once the kinds have derived their data:
//! the linked site ([`LinkedSite`]: pages, bodies, links), each kind's derived data and the
//! search index. Assembled by [`crate::pipeline`], rendered by [`crate::render::outputs`].

use std::sync::Arc;

use crate::content::history::History;
use crate::kinds::registry::KindsData;
use crate::linking::LinkedSite;

/// The whole site in memory after the content stages, ready to render.
pub struct Site {
    pub linked: LinkedSite,
    /// Each kind's derived data, in the registry's order.
    pub kinds: KindsData,
    /// The search index, when `serve` keeps it between builds (see
    /// [`crate::pipeline::index_for_search`]); a one-shot build indexes while it writes the
    /// files instead.
    pub search: Option<Arc<crate::search::SearchState>>,
    /// When each page's file was last committed; empty outside git or when switched off.
    pub history: Arc<History>,
}

impl std::ops::Deref for Site {
    type Target = LinkedSite;

    fn deref(&self) -> &LinkedSite {
        &self.linked
    }
}
