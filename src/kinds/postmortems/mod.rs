//! Post-mortems as data. Each post-mortem's front matter is validated (vocabularies,
//! timeline chronology, milestones, action items), its metrics are computed from its
//! milestones, and the catalog learns across all of them: similar incidents, insights,
//! action items by owner, and feeds.
//!
//! It plugs in as one kind ([`kind::Postmortems`]): the pipeline builds one [`Catalog`] once
//! the site is linked (`Catalog::build`), then asks it for per-page template values,
//! generated pages and extra files. Its front matter, and its description as a kind of page
//! that content loading is handed, are in [`front_matter`]; the text `hindsight new
//! postmortem` writes is `new-page.md`; what search reads of it is in [`search`].

pub mod feeds;
pub mod front_matter;
pub mod insights;
pub mod kind;
pub mod metrics;
pub mod prose;
pub mod rules;
pub mod search;
pub mod timeline;
pub mod views;

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::glossary::GLOSSARY;
use crate::content::positions::FrontMatterPositions;
use crate::content::{Page, PageId, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::kind::GeneratedPage;
use crate::linking::LinkedSite;
use front_matter::{POSTMORTEM, PostMortem};
use metrics::Metric;
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
    page.front_matter_as()
}

impl Catalog {
    /// Validate and measure every post-mortem; errors and warnings go into `diags`.
    pub fn build(config: &Config, pages: &[Page], today: Date, diags: &mut Diagnostics) -> Catalog {
        let results: Vec<(Incident, Vec<Diagnostic>)> = pages
            .par_iter()
            .enumerate()
            .filter(|(_, p)| p.kind.is(&POSTMORTEM))
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
            .find(|p| p.kind.is(&GLOSSARY) && p.slug == "mttr")
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

    /// `page.derived.postmortems` of a post-mortem (its computed view) or of the
    /// post-mortems section (the catalog); none for other pages.
    pub fn page_derived(&self, site: &LinkedSite, id: PageId) -> Option<serde_json::Value> {
        let page = &site.pages[id];
        if let Some(incident) = self.incident_of(id) {
            return Some(views::postmortem_view(self, site, incident));
        }
        if page.kind == PageKind::Section && page.section == POSTMORTEM.folder {
            return Some(views::catalog_view(self, site, &page.url));
        }
        None
    }

    /// The insights page, when the site has post-mortems.
    pub fn generated_pages(&self, site: &LinkedSite) -> Vec<GeneratedPage> {
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
    pub fn extra_files(&self, site: &LinkedSite) -> Vec<(String, Vec<u8>)> {
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
    let services: Vec<&BTreeSet<String>> = incidents.iter().map(|i| &i.services).collect();
    let categories: Vec<&BTreeSet<String>> = incidents.iter().map(|i| &i.categories).collect();
    let similar = similar_incidents(&services, &categories);
    for (inc, list) in incidents.iter_mut().zip(similar) {
        inc.similar = list;
    }
}

/// For each incident, the indexes of at most [`SIMILAR_MAX`] others sharing a service and
/// a contributing-factor category: the more shared, the more similar; ties to the earlier.
fn similar_incidents(
    services: &[&BTreeSet<String>],
    categories: &[&BTreeSet<String>],
) -> Vec<Vec<usize>> {
    // Names become small ids so that a pair compares sorted integer lists, not string sets:
    // a large catalog has millions of pairs sharing a service.
    fn intern<'a>(
        sets: impl Iterator<Item = &'a BTreeSet<String>>,
        ids: &mut HashMap<&'a str, u32>,
    ) -> Vec<Vec<u32>> {
        sets.map(|set| {
            let mut list: Vec<u32> = set
                .iter()
                .map(|name| {
                    let next = ids.len() as u32;
                    *ids.entry(name.as_str()).or_insert(next)
                })
                .collect();
            list.sort_unstable();
            list
        })
        .collect()
    }
    fn common(a: &[u32], b: &[u32]) -> usize {
        a.iter().filter(|x| b.binary_search(x).is_ok()).count()
    }
    let mut ids = HashMap::new();
    let services = intern(services.iter().copied(), &mut ids);
    let mut ids = HashMap::new();
    let categories = intern(categories.iter().copied(), &mut ids);
    let mut by_service: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, list) in services.iter().enumerate() {
        for &s in list {
            by_service.entry(s).or_default().push(i);
        }
    }
    (0..services.len())
        .into_par_iter()
        .map(|a| {
            let mut found: Vec<(usize, usize)> = Vec::new();
            for (k, s) in services[a].iter().enumerate() {
                for &b in &by_service[s] {
                    // Each other incident once: under the first service the two share.
                    if b == a
                        || services[a][..k]
                            .iter()
                            .any(|x| services[b].binary_search(x).is_ok())
                    {
                        continue;
                    }
                    let shared_categories = common(&categories[a], &categories[b]);
                    if shared_categories > 0 {
                        found.push((b, shared_categories + common(&services[a], &services[b])));
                    }
                }
            }
            let order = |x: &(usize, usize), y: &(usize, usize)| y.1.cmp(&x.1).then(x.0.cmp(&y.0));
            if found.len() > SIMILAR_MAX {
                found.select_nth_unstable_by(SIMILAR_MAX, order);
                found.truncate(SIMILAR_MAX);
            }
            found.sort_by(order);
            found.into_iter().map(|(i, _)| i).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, pair by pair.
    fn similar_by_pairs(
        services: &[BTreeSet<String>],
        categories: &[BTreeSet<String>],
    ) -> Vec<Vec<usize>> {
        (0..services.len())
            .map(|a| {
                let mut found: Vec<(usize, usize)> = (0..services.len())
                    .filter(|&b| b != a)
                    .filter_map(|b| {
                        let s = services[a].intersection(&services[b]).count();
                        let c = categories[a].intersection(&categories[b]).count();
                        (s > 0 && c > 0).then_some((b, s + c))
                    })
                    .collect();
                found.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
                found
                    .into_iter()
                    .take(SIMILAR_MAX)
                    .map(|(b, _)| b)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn similar_incidents_match_the_pairwise_definition() {
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut set = |pool: u64, most: u64, prefix: &str| -> BTreeSet<String> {
            (0..next(most) + 1)
                .map(|_| format!("{prefix}{}", next(pool)))
                .collect()
        };
        let services: Vec<BTreeSet<String>> = (0..300).map(|_| set(12, 3, "svc-")).collect();
        let categories: Vec<BTreeSet<String>> = (0..300).map(|_| set(6, 2, "cat-")).collect();
        let expected = similar_by_pairs(&services, &categories);
        let s: Vec<&BTreeSet<String>> = services.iter().collect();
        let c: Vec<&BTreeSet<String>> = categories.iter().collect();
        assert_eq!(similar_incidents(&s, &c), expected);
        assert!(
            expected.iter().any(|l| l.len() == SIMILAR_MAX),
            "some incident has a full list"
        );
    }
}
