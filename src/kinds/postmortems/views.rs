//! What the post-mortem templates see: a post-mortem's computed view (metrics, timeline
//! to scale, action-item table, similar incidents) and the catalog's rows and filters.

use jiff::Zoned;
use serde::Serialize;
use serde_json::{Value, json};

use super::metrics::human_seconds;
use super::timeline::Timeline;
use super::{Catalog, Incident, postmortem};
use crate::kinds::postmortems::front_matter::{PostMortem, Source};
use crate::linking::LinkedSite;

/// Height of a whole timeline, in rem, if every gap were drawn to scale.
const TIMELINE_REM: f64 = 34.0;
const GAP_MIN_REM: f64 = 1.1;
/// Gaps longer than this are drawn shortened, with a visible break and their length.
const GAP_MAX_REM: f64 = 6.0;

#[derive(Debug, Serialize)]
struct TimelineEntryView {
    datetime: String,
    /// The day, on the first entry and whenever the day changes.
    day: Option<String>,
    time: String,
    zone: String,
    event: String,
    /// Position in the front matter's `timeline` (the entries are shown in time order).
    index: usize,
    milestone: Option<Value>,
    /// The source the entry cites: its number in the sources list, title, URL and anchor.
    source: Option<Value>,
    /// Elapsed since impact started (`T+1 h 2 min`), when impact-start is marked.
    elapsed: Option<String>,
    gap: Option<String>,
    gap_rem: f64,
    gap_broken: bool,
}

fn day_label(z: &Zoned) -> String {
    z.strftime("%a %-d %b %Y").to_string()
}

/// The sources list of a post-mortem: numbered from 1, each with the anchor that timeline
/// citations link to.
pub fn sources_view(sources: &[Source]) -> Vec<Value> {
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let url = s.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
            let title = s
                .title
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .or(url);
            json!({
                "id": s.id, "number": i + 1, "title": title, "url": url,
                "is_link": url.is_some_and(|u| u.starts_with("http://") || u.starts_with("https://")),
                "anchor": source_anchor(s, i),
            })
        })
        .collect()
}

/// `pm-source-<id>`, or `pm-source-<n>` for a source without an id.
fn source_anchor(s: &Source, index: usize) -> String {
    match s.id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => format!("pm-source-{}", crate::content::slugify(id)),
        _ => format!("pm-source-{}", index + 1),
    }
}

pub fn timeline_view(t: &Timeline, sources: &[Source]) -> Value {
    let cited = sources_view(sources);
    let start = t.milestone(super::timeline::Milestone::ImpactStart);
    let (first, last) = match (t.points.first(), t.points.last()) {
        (Some(f), Some(l)) => (f.at.timestamp(), l.at.timestamp()),
        _ => return json!({ "entries": [], "zone": t.zone_name }),
    };
    let span = last.duration_since(first).as_secs().max(60) as f64;
    let rem_per_sec = TIMELINE_REM / span;
    let mut entries = Vec::with_capacity(t.points.len());
    let mut prev: Option<&Zoned> = None;
    for p in &t.points {
        let day = day_label(&p.at);
        let (gap, gap_rem, gap_broken) = match prev {
            None => (None, 0.0, false),
            Some(q) => {
                let secs = p.at.timestamp().duration_since(q.timestamp()).as_secs();
                let rem = secs as f64 * rem_per_sec;
                (
                    Some(format!("+{}", human_seconds(secs))),
                    (rem.clamp(GAP_MIN_REM, GAP_MAX_REM) * 100.0).round() / 100.0,
                    rem > GAP_MAX_REM,
                )
            }
        };
        let show_day = prev.is_none_or(|q| day_label(q) != day);
        entries.push(TimelineEntryView {
            datetime: p.at.timestamp().to_string(),
            day: show_day.then_some(day),
            time: p.at.strftime("%H:%M").to_string(),
            zone: p.at.strftime("%Z").to_string(),
            event: p.event.clone(),
            index: p.index,
            milestone: p
                .marks
                .map(|m| json!({ "id": m.id(), "label": m.label(), "outage": m.is_outage() })),
            source: p.source.and_then(|i| cited.get(i).cloned()),
            elapsed: start.map(|s| {
                let secs = p.at.timestamp().duration_since(s).as_secs();
                if secs == 0 {
                    "T+0".to_string()
                } else if secs > 0 {
                    format!("T+{}", human_seconds(secs))
                } else {
                    format!("T−{}", human_seconds(-secs))
                }
            }),
            gap,
            gap_rem,
            gap_broken,
        });
        prev = Some(&p.at);
    }
    json!({
        "entries": entries,
        "zone": t.zone_name.clone().unwrap_or_else(|| "UTC".into()),
        "span": human_seconds(last.duration_since(first).as_secs()),
    })
}

pub fn status_label(status: Option<&str>) -> &'static str {
    match status {
        None => "Not stated",
        Some("open") => "Open",
        Some("in-progress") => "In progress",
        Some("done") => "Done",
        Some("wont-do") => "Won't do",
        Some(_) => "Unknown",
    }
}

/// Open means not finished: `open` or `in-progress`. An item without a status is not
/// counted as open: nothing says it is still being worked on.
pub fn is_open(status: Option<&str>) -> bool {
    matches!(status, Some("open" | "in-progress"))
}

/// The action-item table of one post-mortem, with due dates checked against the build date.
pub fn action_items_view(catalog: &Catalog, pm: &PostMortem, incident: &Incident) -> Value {
    let mut overdue = 0;
    let items: Vec<Value> = pm
        .action_items
        .iter()
        .zip(&incident.due)
        .map(|(a, due)| {
            let status = a.status.as_deref();
            let late = is_open(status) && due.zip(catalog.today).is_some_and(|(d, t)| d < t);
            overdue += usize::from(late);
            json!({
                "title": a.title, "type": a.kind, "owner": a.owner, "priority": a.priority,
                "status": status, "status_label": status_label(status),
                "due": due.map(|d| d.to_string()), "overdue": late,
                "ticket": a.ticket,
                "ticket_is_link": a.ticket.as_deref().is_some_and(|t| t.starts_with("http://") || t.starts_with("https://")),
            })
        })
        .collect();
    let (done, total) = done_ratio(pm);
    json!({
        "items": items, "done": done, "total": total, "overdue": overdue,
        "percent": percent(done, total),
        "without_status": pm.action_items.len() - total,
    })
}

/// Items done, of the items that have a status (an item without one is neither done nor
/// open, so it counts in neither).
pub fn done_ratio(pm: &PostMortem) -> (usize, usize) {
    let done = pm
        .action_items
        .iter()
        .filter(|a| a.status.as_deref() == Some("done"))
        .count();
    let tracked = pm
        .action_items
        .iter()
        .filter(|a| a.status.is_some())
        .count();
    (done, tracked)
}

pub fn percent(part: usize, total: usize) -> usize {
    (part * 100 + total / 2).checked_div(total).unwrap_or(0)
}

fn severity_view(site: &LinkedSite, pm: &PostMortem) -> Value {
    let Some(id) = &pm.severity else {
        return Value::Null;
    };
    let levels = &site.config.postmortems.severities;
    match levels.iter().position(|s| &s.id == id) {
        Some(rank) => json!({ "id": id, "description": levels[rank].description, "rank": rank }),
        None => json!({ "id": id, "description": "", "rank": levels.len() }),
    }
}

/// `page.derived` of one post-mortem.
pub fn postmortem_view(catalog: &Catalog, site: &LinkedSite, incident: &Incident) -> Value {
    let page = &site.pages[incident.page];
    let pm = postmortem(page).expect("incidents are post-mortems");
    let similar: Vec<Value> = incident
        .similar
        .iter()
        .map(|&i| {
            let other = &catalog.incidents[i];
            let other_page = &site.pages[other.page];
            json!({
                "title": other_page.meta.title,
                "url": other_page.url,
                "date": other_page.meta.date.map(|d| d.to_string()),
                "services": other.services.intersection(&incident.services).collect::<Vec<_>>(),
                "categories": other.categories.intersection(&incident.categories).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "severity": severity_view(site, pm),
        "metrics": incident.metrics,
        "timeline": timeline_view(&incident.timeline, &pm.sources),
        "sources": sources_view(&pm.sources),
        "action_items": action_items_view(catalog, pm, incident),
        "linked": super::prose::linked_view(pm, &site.bodies[incident.page].prose),
        "similar": similar,
        "catalog_url": "postmortems/",
        "insights_url": super::INSIGHTS_URL,
        "has_lessons": pm.lessons.as_ref().is_some_and(|l| !(l.went_well.is_empty() && l.went_wrong.is_empty() && l.got_lucky.is_empty())),
        "today": catalog.today.map(|d| d.to_string()),
    })
}

/// `page.derived` of the post-mortems section: one row per post-mortem and the filters.
pub fn catalog_view(catalog: &Catalog, site: &LinkedSite, _url: &str) -> Value {
    let mut all_services = std::collections::BTreeSet::new();
    let mut all_categories = std::collections::BTreeSet::new();
    let mut years = std::collections::BTreeSet::new();
    let mut used_severities = std::collections::BTreeSet::new();
    // Listed in the section's order, as every list of the section is (`weight` first).
    let mut listed: Vec<&super::Incident> = catalog.incidents.iter().collect();
    listed.sort_by_key(|inc| site.order().place(inc.page));
    let weighted = listed
        .iter()
        .any(|inc| site.pages[inc.page].meta.weight.is_some());
    let rows: Vec<Value> = listed
        .into_iter()
        .map(|inc| {
            let page = &site.pages[inc.page];
            let pm = postmortem(page).expect("incidents are post-mortems");
            let svcs = &inc.services;
            let cats = &inc.categories;
            all_services.extend(svcs.iter().cloned());
            all_categories.extend(cats.iter().cloned());
            let year = page.meta.date.map(|d| d.year());
            if let Some(y) = year {
                years.insert(y);
            }
            if let Some(s) = &pm.severity {
                used_severities.insert(s.clone());
            }
            let (done, total) = done_ratio(pm);
            let metric = |id: &str| inc.metric(id);
            json!({
                "title": page.meta.title, "url": page.url, "summary": page.meta.summary,
                "date": page.meta.date.map(|d| d.to_string()), "year": year,
                "severity": severity_view(site, pm), "status": pm.status,
                "services": svcs, "categories": cats,
                "impact_seconds": metric("impact_duration").map(|m| m.seconds),
                "impact": metric("impact_duration").map(|m| m.text.clone()),
                "ttd": metric("time_to_detect").map(|m| m.text.clone()),
                "ttr": metric("time_to_resolve").map(|m| m.text.clone()),
                "actions_done": done, "actions_total": total,
                "actions_ratio": (total > 0).then(|| done as f64 / total as f64),
            })
        })
        .collect();
    let categories: Vec<&String> = site
        .config
        .postmortems
        .factor_categories
        .iter()
        .filter(|c| all_categories.contains(*c))
        .collect();
    let severities: Vec<Value> = site
        .config
        .postmortems
        .severities
        .iter()
        .filter(|s| used_severities.contains(&s.id))
        .map(|s| json!({ "id": s.id, "description": s.description }))
        .collect();
    json!({
        "rows": rows,
        "weighted": weighted,
        "severities": severities,
        "services": all_services,
        "categories": categories,
        "years": years.into_iter().rev().collect::<Vec<_>>(),
        "insights_url": super::INSIGHTS_URL,
        "atom_url": super::ATOM_PATH,
        "json_url": super::JSON_PATH,
    })
}
