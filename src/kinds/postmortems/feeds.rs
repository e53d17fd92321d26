//! Post-mortems for other tools: an Atom feed (`postmortems/atom.xml`) and a JSON export
//! (`postmortems.json`) with every front-matter field plus the computed metrics.

use std::fmt::Write;

use serde_json::{Value, json};

use rayon::prelude::*;

use super::{ATOM_PATH, Catalog, Incident, postmortem};
use crate::linking::LinkedSite;
use crate::markdown::escape_html;

/// Where site URLs point from outside the site: the absolute origin when `base-url` is a
/// full URL, else the base path.
fn url_base(site: &LinkedSite) -> String {
    site.config
        .site_origin()
        .map(|o| format!("{o}/"))
        .unwrap_or_else(|| site.config.base_path())
}

/// The JSON export: one object per post-mortem, newest first, one line each. Post-mortems
/// are serialized in parallel, each one's `Value` dropped as soon as its line is written.
pub fn json(catalog: &Catalog, site: &LinkedSite) -> String {
    let base = url_base(site);
    let lines: Vec<String> = catalog
        .incidents
        .par_iter()
        .map(|inc| {
            let entry = export_entry(catalog, site, &base, inc);
            serde_json::to_string(&entry).unwrap_or_else(|_| "null".into())
        })
        .collect();
    let head = json!({
        "version": 1,
        "generator": concat!("Hindsight ", env!("CARGO_PKG_VERSION")),
        "build_date": catalog.today.map(|d| d.to_string()),
        "site": site.config.book.title,
    });
    let mut out = serde_json::to_string(&head).unwrap_or_else(|_| "{}".into());
    out.pop(); // reopen the object to append the list
    out.push_str(",\"postmortems\":[\n");
    out.push_str(&lines.join(",\n"));
    out.push_str("\n]}\n");
    out
}

/// One post-mortem of the export: its front matter, plus each timeline entry's UTC time,
/// overdue action items, its address, metrics, milestones, progress and similar incidents.
fn export_entry(catalog: &Catalog, site: &LinkedSite, base: &str, inc: &Incident) -> Value {
    let page = &site.pages[inc.page];
    let pm = postmortem(page).expect("incidents are post-mortems");
    let mut v = serde_json::to_value(pm).unwrap_or(Value::Null);
    let Value::Object(map) = &mut v else {
        return v;
    };
    if let Some(Value::Array(entries)) = map.get_mut("timeline") {
        for p in &inc.timeline.points {
            if let Some(Value::Object(e)) = entries.get_mut(p.index) {
                e.insert("at_utc".into(), json!(p.at.timestamp().to_string()));
            }
        }
    }
    if let Some(Value::Array(items)) = map.get_mut("action_items") {
        mark_overdue(items, &inc.due, catalog.today);
    }
    let (done, total) = super::views::done_ratio(pm);
    let similar: Vec<&str> = inc
        .similar
        .iter()
        .map(|&i| site.pages[catalog.incidents[i].page].slug.as_str())
        .collect();
    map.insert("slug".into(), json!(page.slug));
    map.insert("url".into(), json!(format!("{base}{}", page.url)));
    map.insert("source_path".into(), json!(page.rel_path));
    map.insert("metrics".into(), metrics(inc));
    map.insert("milestones".into(), milestones(inc));
    map.insert(
        "action_items_done".into(),
        json!({ "done": done, "total": total }),
    );
    map.insert("similar".into(), json!(similar));
    v
}

/// `overdue` on each action item: still open and its due date before the build date.
fn mark_overdue(
    items: &mut [Value],
    due: &[Option<jiff::civil::Date>],
    today: Option<jiff::civil::Date>,
) {
    for (item, due) in items.iter_mut().zip(due) {
        if let Value::Object(o) = item {
            let open = super::views::is_open(o.get("status").and_then(Value::as_str));
            let late = open && due.zip(today).is_some_and(|(d, t)| d < t);
            o.insert("overdue".into(), json!(late));
        }
    }
}

/// Each computed metric by id: seconds, text, and the milestone it ran until.
fn metrics(inc: &Incident) -> Value {
    let metrics = inc.metrics.iter().map(|m| {
        let value = json!({ "seconds": m.seconds, "text": m.text, "until": m.until });
        (m.id.to_string(), value)
    });
    Value::Object(metrics.collect())
}

/// Each marked milestone's UTC time, by milestone id.
fn milestones(inc: &Incident) -> Value {
    let marked = inc.timeline.points.iter().filter_map(|p| {
        let at = json!(p.at.timestamp().to_string());
        Some((p.marks?.id().to_string(), at))
    });
    Value::Object(marked.collect())
}

fn day_stamp(date: Option<jiff::civil::Date>, fallback: Option<jiff::civil::Date>) -> String {
    date.or(fallback)
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

/// The Atom feed (RFC 4287), newest first. Entry ids are stable: the entry's URL when the
/// site has an absolute base URL, else a `urn:` built from the slug.
pub fn atom(catalog: &Catalog, site: &LinkedSite) -> String {
    let base = url_base(site);
    let absolute = site.config.site_origin().is_some();
    let id_of = |url: &str, slug: &str| {
        if absolute {
            format!("{base}{url}")
        } else {
            format!("urn:hindsight:postmortem:{slug}")
        }
    };
    let updated = catalog
        .incidents
        .iter()
        .filter_map(|i| site.pages[i.page].meta.date)
        .max();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    let _ = writeln!(
        out,
        "  <title>{} · Post-mortems</title>\n  <id>{}</id>\n  <updated>{}</updated>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <author><name>{}</name></author>\n  <generator>Hindsight</generator>",
        escape_html(&site.config.book.title),
        escape_html(&id_of("postmortems/", "catalog")),
        day_stamp(updated, catalog.today),
        escape_html(&format!("{base}{ATOM_PATH}")),
        escape_html(&format!("{base}postmortems/")),
        escape_html(
            &site
                .config
                .book
                .authors
                .first()
                .cloned()
                .unwrap_or_else(|| site.config.book.title.clone())
        ),
    );
    for inc in &catalog.incidents {
        let page = &site.pages[inc.page];
        let pm = postmortem(page).expect("incidents are post-mortems");
        let stamp = day_stamp(page.meta.date, catalog.today);
        let _ = writeln!(
            out,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{stamp}</published>\n    <updated>{stamp}</updated>",
            escape_html(&page.meta.title),
            escape_html(&id_of(&page.url, &page.slug)),
            escape_html(&format!("{base}{}", page.url)),
        );
        for a in &pm.authors {
            let _ = writeln!(out, "    <author><name>{}</name></author>", escape_html(a));
        }
        if let Some(sev) = &pm.severity {
            let _ = writeln!(
                out,
                "    <category term=\"{}\" label=\"Severity {}\"/>",
                escape_html(sev),
                escape_html(sev)
            );
        }
        for s in super::services(pm) {
            let _ = writeln!(
                out,
                "    <category term=\"service:{}\" label=\"{}\"/>",
                escape_html(&s),
                escape_html(&s)
            );
        }
        if let Some(summary) = &page.meta.summary {
            let _ = writeln!(out, "    <summary>{}</summary>", escape_html(summary));
        }
        let mut content = String::new();
        if let Some(summary) = &page.meta.summary {
            let _ = write!(content, "<p>{}</p>", escape_html(summary));
        }
        if !inc.metrics.is_empty() {
            content.push_str("<ul>");
            for m in &inc.metrics {
                let _ = write!(
                    content,
                    "<li>{}: {}</li>",
                    escape_html(m.label),
                    escape_html(&m.text)
                );
            }
            content.push_str("</ul>");
        }
        let _ = writeln!(
            out,
            "    <content type=\"html\">{}</content>\n  </entry>",
            escape_html(&content)
        );
    }
    out.push_str("</feed>\n");
    out
}
