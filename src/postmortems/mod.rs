//! Post-mortems as data. Each post-mortem's front matter is validated (vocabularies,
//! timeline chronology, milestones, action items), its metrics are computed from its
//! milestones, and the catalog learns across all of them: similar incidents, insights,
//! action items by owner, and feeds.
//!
//! The pipeline builds one [`Catalog`] after content is parsed (`Catalog::build`), then
//! asks it for per-page template values, generated pages and extra files.

pub mod feeds;
pub mod insights;
pub mod metrics;
pub mod positions;
pub mod rules;
pub mod timeline;
pub mod views;

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::kinds::PostMortem;
use crate::content::{KindData, Page, PageId, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::pipeline::{GeneratedPage, Site};
use metrics::Metric;
use positions::FrontMatterPositions;
use timeline::Timeline;

/// URL of the insights page, relative to the site root.
pub const INSIGHTS_URL: &str = "postmortems/insights/";
pub const ATOM_PATH: &str = "postmortems/atom.xml";
pub const JSON_PATH: &str = "postmortems.json";

/// One post-mortem, read and measured.
#[derive(Debug, Clone)]
pub struct Incident {
    pub page: PageId,
    pub timeline: Timeline,
    pub metrics: Vec<Metric>,
    /// Parsed `due` of each action item, in order.
    pub due: Vec<Option<Date>>,
    /// Services (lowercased) and contributing-factor categories, computed once.
    pub services: BTreeSet<String>,
    pub categories: BTreeSet<String>,
    /// Other incidents (indices into `Catalog::incidents`) sharing a service and a
    /// contributing-factor category, most similar first, at most [`SIMILAR_MAX`].
    pub similar: Vec<usize>,
}

/// A page lists this many similar incidents at most: the ones sharing the most services
/// and categories, then the most recent.
pub const SIMILAR_MAX: usize = 5;

impl Incident {
    pub fn metric(&self, id: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id == id)
    }
}

/// Every post-mortem of the site, newest first, plus what is learned across them.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub incidents: Vec<Incident>,
    by_page: HashMap<PageId, usize>,
    /// The build date: action items due before it are overdue.
    pub today: Option<Date>,
    /// URL of the glossary's MTTR term, when the site has one.
    pub mttr_url: Option<String>,
}

pub fn postmortem(page: &Page) -> Option<&PostMortem> {
    match &page.data {
        KindData::Postmortem(pm) => Some(pm),
        _ => None,
    }
}

/// The build date: `today` when given (tests, `--build-date`), else `SOURCE_DATE_EPOCH`
/// (reproducible builds), else the current UTC date.
pub fn build_date(today: Option<Date>) -> Date {
    today
        .or_else(|| {
            let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
                .ok()?
                .trim()
                .parse()
                .ok()?;
            Some(
                jiff::Timestamp::from_second(secs)
                    .ok()?
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .date(),
            )
        })
        .unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
        })
}

impl Catalog {
    /// Validate and measure every post-mortem; errors and warnings go into `diags`.
    pub fn build(config: &Config, pages: &[Page], today: Date, diags: &mut Diagnostics) -> Catalog {
        let results: Vec<(Incident, Vec<Diagnostic>)> = pages
            .par_iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PageKind::Postmortem)
            .filter_map(|(id, p)| Some((id, p, postmortem(p)?)))
            .map(|(id, page, pm)| {
                let mut found = Vec::new();
                let pos = FrontMatterPositions::new(page);
                let due = rules::check_fields(page, pm, &config.postmortems, &pos, &mut found);
                let timeline = timeline::read_timeline(page, pm, &pos, &mut found);
                let metrics = metrics::compute(&timeline);
                (
                    Incident {
                        page: id,
                        timeline,
                        metrics,
                        due,
                        services: services(pm),
                        categories: categories(pm),
                        similar: Vec::new(),
                    },
                    found,
                )
            })
            .collect();
        // The insights page is generated at a fixed address; a source page there would be
        // silently replaced.
        if let Some(p) = pages.iter().find(|p| p.url == INSIGHTS_URL) {
            diags.push(p.error(
                1,
                1,
                format!("this page's address `{INSIGHTS_URL}` is taken by the generated post-mortem insights page; rename the file"),
            ));
        }
        let mut incidents = Vec::with_capacity(results.len());
        for (incident, found) in results {
            diags.extend(found);
            incidents.push(incident);
        }
        incidents.sort_by(|a, b| {
            let (pa, pb) = (&pages[a.page], &pages[b.page]);
            pb.meta
                .date
                .cmp(&pa.meta.date)
                .then_with(|| pa.meta.title.cmp(&pb.meta.title))
        });
        link_similar(&mut incidents);
        let by_page = incidents
            .iter()
            .enumerate()
            .map(|(i, inc)| (inc.page, i))
            .collect();
        let mttr_url = pages
            .iter()
            .find(|p| p.kind == PageKind::Glossary && p.slug == "mttr")
            .map(|p| p.url.clone());
        Catalog {
            incidents,
            by_page,
            today: Some(today),
            mttr_url,
        }
    }

    pub fn incident_of(&self, page: PageId) -> Option<&Incident> {
        self.by_page.get(&page).map(|&i| &self.incidents[i])
    }

    /// `page.extra.postmortems` of a post-mortem (its computed view) or of the
    /// post-mortems section (the catalog); none for other pages.
    pub fn page_extra(&self, site: &Site, id: PageId) -> Option<serde_json::Value> {
        let page = &site.pages[id];
        if let Some(incident) = self.incident_of(id) {
            return Some(views::postmortem_view(self, site, incident));
        }
        if page.kind == PageKind::Section && page.section == "postmortems" {
            return Some(views::catalog_view(self, site, &page.url));
        }
        None
    }

    /// The insights page, when the site has post-mortems.
    pub fn generated_pages(&self, site: &Site) -> Vec<GeneratedPage> {
        if self.incidents.is_empty() {
            return Vec::new();
        }
        vec![GeneratedPage {
            url: INSIGHTS_URL.into(),
            template: "postmortems-insights.html",
            title: "Post-mortem insights".into(),
            summary: Some(
                "What the catalog learns across incidents: counts, detection and resolution times as distributions, open action items and repeat patterns.".into(),
            ),
            context: serde_json::json!({ "insights": insights::insights_view(self, site) }),
        }]
    }

    /// The Atom feed and the JSON export.
    pub fn extra_files(&self, site: &Site) -> Vec<(String, Vec<u8>)> {
        if self.incidents.is_empty() {
            return Vec::new();
        }
        vec![
            (ATOM_PATH.into(), feeds::atom(self, site).into_bytes()),
            (JSON_PATH.into(), feeds::json(self, site).into_bytes()),
        ]
    }
}

/// Services of a post-mortem, lowercased so `API` and `api` are the same service.
pub fn services(pm: &PostMortem) -> BTreeSet<String> {
    pm.services
        .iter()
        .map(|s| s.trim().to_lowercase())
        .collect()
}

pub fn categories(pm: &PostMortem) -> BTreeSet<String> {
    pm.contributing_factors
        .iter()
        .map(|f| f.category.clone())
        .collect()
}

/// Incidents sharing at least one service and one factor category link to each other.
/// Candidates come from a service → incidents index, so the work grows with the number
/// of incidents per service rather than with every pair. `incidents` is newest first, so
/// among equally similar ones the most recent win.
fn link_similar(incidents: &mut [Incident]) {
    let mut by_service: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, inc) in incidents.iter().enumerate() {
        for s in &inc.services {
            by_service.entry(s.as_str()).or_default().push(i);
        }
    }
    let mut candidates: Vec<Vec<(usize, usize)>> = vec![Vec::new(); incidents.len()];
    let mut seen: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for group in by_service.values() {
        for (x, &a) in group.iter().enumerate() {
            for &b in &group[x + 1..] {
                let (ia, ib) = (&incidents[a], &incidents[b]);
                let shared_categories = ia.categories.intersection(&ib.categories).count();
                if shared_categories == 0 || !seen.insert((a, b)) {
                    continue;
                }
                let score = shared_categories + ia.services.intersection(&ib.services).count();
                candidates[a].push((b, score));
                candidates[b].push((a, score));
            }
        }
    }
    for (inc, mut c) in incidents.iter_mut().zip(candidates) {
        c.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        inc.similar = c.into_iter().take(SIMILAR_MAX).map(|(i, _)| i).collect();
    }
}
