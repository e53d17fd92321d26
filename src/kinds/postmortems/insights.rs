//! What the catalog learns across post-mortems: counts, time-to-detect and time-to-resolve
//! as distributions (median, p90 and every incident; never a bare mean), action items
//! across incidents, and repeat patterns. Charts are inline SVG drawn here at build time.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use super::metrics::{Distribution, distribution, human_seconds};
use super::views::{done_ratio, is_open, percent, status_label};
use super::{Catalog, categories, postmortem, services};
use crate::linking::LinkedSite;
use crate::markdown::escape_html;

/// A label and a count, for the count charts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Count {
    pub label: String,
    pub count: usize,
}

/// Incidents per severity (configured order), per service (most frequent first) and per
/// factor category (configured order; an incident counts once per category it has).
pub fn counts(catalog: &Catalog, site: &LinkedSite) -> (Vec<Count>, Vec<Count>, Vec<Count>) {
    let pms: Vec<_> = catalog
        .incidents
        .iter()
        .filter_map(|i| postmortem(&site.pages[i.page]))
        .collect();
    let cfg = &site.config.postmortems;
    let by_severity = cfg
        .severities
        .iter()
        .map(|s| Count {
            label: s.id.clone(),
            count: pms
                .iter()
                .filter(|p| p.severity.as_deref() == Some(&s.id))
                .count(),
        })
        .collect();
    let mut services_count: BTreeMap<String, usize> = BTreeMap::new();
    for p in &pms {
        for s in services(p) {
            *services_count.entry(s).or_default() += 1;
        }
    }
    let mut by_service: Vec<Count> = services_count
        .into_iter()
        .map(|(label, count)| Count { label, count })
        .collect();
    by_service.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    let cats: Vec<_> = pms.iter().map(|p| categories(p)).collect();
    let by_category = cfg
        .factor_categories
        .iter()
        .map(|c| Count {
            label: c.clone(),
            count: cats.iter().filter(|set| set.contains(c)).count(),
        })
        .collect();
    (by_severity, by_service, by_category)
}

/// One incident's value of a metric, for a distribution.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sample {
    pub title: String,
    pub url: String,
    pub seconds: i64,
    pub text: String,
}

/// Every incident with the metric, shortest first.
pub fn samples(catalog: &Catalog, site: &LinkedSite, metric: &str) -> Vec<Sample> {
    let mut v: Vec<Sample> = catalog
        .incidents
        .iter()
        .filter_map(|i| {
            let m = i.metric(metric)?;
            let page = &site.pages[i.page];
            Some(Sample {
                title: page.meta.title.clone(),
                url: page.url.clone(),
                seconds: m.seconds,
                text: m.text.clone(),
            })
        })
        .collect();
    v.sort_by(|a, b| {
        a.seconds
            .cmp(&b.seconds)
            .then_with(|| a.title.cmp(&b.title))
    });
    v
}

fn distribution_view(id: &str, title: &str, samples: &[Sample]) -> Value {
    let values: Vec<i64> = samples.iter().map(|s| s.seconds).collect();
    let dist = distribution(&values);
    json!({
        "id": id,
        "title": title,
        "samples": samples,
        "count": samples.len(),
        "median": dist.map(|d| human_seconds(d.median)),
        "p90": dist.map(|d| human_seconds(d.p90)),
        "median_seconds": dist.map(|d| d.median),
        "p90_seconds": dist.map(|d| d.p90),
        "svg": dist.map(|d| distribution_svg(id, title, samples, &d)),
    })
}

/// The insights page's template values.
pub fn insights_view(catalog: &Catalog, site: &LinkedSite) -> Value {
    let (by_severity, by_service, by_category) = counts(catalog, site);
    let ttd = samples(catalog, site, "time_to_detect");
    let ttr = samples(catalog, site, "time_to_resolve");

    let mut by_owner: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut overdue = Vec::new();
    let mut per_postmortem = Vec::new();
    let (mut open_total, mut done_total, mut all_total) = (0, 0, 0);
    for inc in &catalog.incidents {
        let page = &site.pages[inc.page];
        let Some(pm) = postmortem(page) else { continue };
        let (done, total) = done_ratio(pm);
        done_total += done;
        all_total += total;
        let mut open_here = 0;
        for (a, due) in pm.action_items.iter().zip(&inc.due) {
            if !is_open(a.status.as_deref()) {
                continue;
            }
            open_here += 1;
            let late = due.zip(catalog.today).is_some_and(|(d, t)| d < t);
            let item = json!({
                "title": a.title, "owner": a.owner, "priority": a.priority,
                "status": a.status, "status_label": status_label(a.status.as_deref()),
                "due": due.map(|d| d.to_string()), "overdue": late,
                "postmortem": page.meta.title, "url": page.url,
            });
            if late {
                overdue.push(item.clone());
            }
            let owner = a.owner.clone().unwrap_or_default();
            by_owner.entry(owner).or_default().push(item);
        }
        open_total += open_here;
        per_postmortem.push(json!({
            "title": page.meta.title, "url": page.url, "done": done, "total": total,
            "open": open_here, "percent": percent(done, total),
        }));
    }
    // Most overdue first; JSON strings of ISO dates sort as dates.
    overdue.sort_by(|a, b| {
        a["due"]
            .as_str()
            .cmp(&b["due"].as_str())
            .then_with(|| a["title"].as_str().cmp(&b["title"].as_str()))
    });
    let mut owners: Vec<Value> = by_owner
        .into_iter()
        .map(|(owner, items)| {
            let late = items.iter().filter(|i| i["overdue"] == true).count();
            json!({ "owner": owner, "count": items.len(), "overdue": late, "items": items })
        })
        .collect();
    owners.sort_by(|a, b| {
        b["count"]
            .as_u64()
            .cmp(&a["count"].as_u64())
            .then_with(|| a["owner"].as_str().cmp(&b["owner"].as_str()))
    });

    // Repeat patterns: each service × factor category seen in more than one incident.
    let mut patterns: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, inc) in catalog.incidents.iter().enumerate() {
        for s in &inc.services {
            for c in &inc.categories {
                patterns
                    .entry((s.as_str(), c.as_str()))
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut patterns: Vec<_> = patterns.into_iter().filter(|(_, v)| v.len() > 1).collect();
    patterns.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let patterns: Vec<Value> = patterns
        .into_iter()
        .map(|((service, category), incs)| {
            let list: Vec<Value> = incs
                .iter()
                .map(|&i| {
                    let p = &site.pages[catalog.incidents[i].page];
                    json!({ "title": p.meta.title, "url": p.url, "date": p.meta.date.map(|d| d.to_string()) })
                })
                .collect();
            json!({ "service": service, "category": category, "count": list.len(), "incidents": list })
        })
        .collect();

    json!({
        "total": catalog.incidents.len(),
        "today": catalog.today.map(|d| d.to_string()),
        "mttr_url": catalog.mttr_url,
        "by_severity": count_view("severity", "Incidents by severity", &by_severity),
        "by_service": count_view("service", "Incidents by service", &by_service),
        "by_category": count_view("category", "Incidents by contributing-factor category", &by_category),
        "ttd": distribution_view("ttd", "Time to detect", &ttd),
        "ttr": distribution_view("ttr", "Time to resolve", &ttr),
        "actions": {
            "open": open_total, "done": done_total, "total": all_total,
            "overdue": overdue, "by_owner": owners, "per_postmortem": per_postmortem,
        },
        "patterns": patterns,
    })
}

fn count_view(id: &str, title: &str, counts: &[Count]) -> Value {
    json!({ "id": id, "title": title, "rows": counts, "svg": count_svg(id, title, counts) })
}

// Charts are drawn for any width without scaling: the SVG has no viewBox and is as wide as
// its box, horizontal positions are percentages of that width, and vertical ones pixels.
// Text is therefore drawn at its CSS size (12–13 px) on a phone and on a desktop alike, and
// each label has a band of its own, so no two labels can overlap at any width.

/// Height of one labelled bar: the label on its own line, the bar and its value below.
const ROW: f64 = 44.0;
const BAR: f64 = 14.0;
/// Baselines within a row, and the bar's top.
const LABEL_Y: f64 = 14.0;
const BAR_Y: f64 = 21.0;
const VALUE_Y: f64 = 33.0;
/// Share of the width a full-length duration bar takes, leaving room for its value.
const DURATION_PLOT: f64 = 64.0;
/// The same for counts, whose values are short.
const COUNT_PLOT: f64 = 85.0;
/// Room above the rows for the p90 and median labels, one line each.
const MARKERS_H: f64 = 36.0;
/// Room below the rows for the time axis labels.
const AXIS_H: f64 = 26.0;
/// Label length in characters: what fits on a 320 px phone at 13 px.
const LABEL_MAX: usize = 32;

/// `text` cut to `max` characters with an ellipsis, for chart labels.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The opening `<svg>` of a chart, named and described for screen readers.
fn chart_frame(id: &str, class: &str, height: f64, title: &str, desc: &str) -> String {
    format!(
        r#"<svg class="pm-chart{class}" width="100%" height="{height}" role="img" aria-labelledby="chart-{id}-title chart-{id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="chart-{id}-title">{}</title><desc id="chart-{id}-desc">{}</desc>"#,
        escape_html(title),
        escape_html(desc)
    )
}

/// One labelled bar: the label on the row's first line, the bar below it reaching `pct` of
/// the width, and the value just after the bar's end.
fn write_bar_row(
    s: &mut String,
    y: f64,
    label: &str,
    tip: Option<&str>,
    pct: f64,
    value: &str,
    empty: bool,
) {
    let tip = tip
        .map(|t| format!("<title>{}</title>", escape_html(t)))
        .unwrap_or_default();
    let _ = write!(
        s,
        r#"<g>{tip}<text class="chart-label" x="0" y="{:.1}">{}</text><rect class="bar{}" x="0" y="{:.1}" width="{pct:.2}%" height="{BAR}" rx="3"/><text class="chart-value" x="{pct:.2}%" dx="6" y="{:.1}">{}</text></g>"#,
        y + LABEL_Y,
        escape_html(&shorten(label, LABEL_MAX)),
        if empty { " empty" } else { "" },
        y + BAR_Y,
        y + VALUE_Y,
        escape_html(value)
    );
}

/// Horizontal bars, one per count. The accessible name and description carry the numbers;
/// the page also shows the same figures as a table.
pub fn count_svg(id: &str, title: &str, counts: &[Count]) -> String {
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1) as f64;
    let height = ROW * counts.len() as f64;
    let desc = counts
        .iter()
        .map(|c| format!("{}: {}", c.label, c.count))
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = chart_frame(id, "", height, title, &desc);
    for (i, c) in counts.iter().enumerate() {
        let pct = if c.count == 0 {
            0.0
        } else {
            (c.count as f64 / max * COUNT_PLOT).max(0.5)
        };
        let value = c.count.to_string();
        write_bar_row(
            &mut s,
            ROW * i as f64,
            &c.label,
            None,
            pct,
            &value,
            c.count == 0,
        );
    }
    s.push_str("</svg>");
    s
}

/// A round step for duration axis ticks: about four ticks across `max` seconds.
fn tick_step(max: i64) -> i64 {
    const STEPS: [i64; 16] = [
        60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
        2592000, 31536000,
    ];
    STEPS.into_iter().find(|s| max / s <= 4).unwrap_or(31536000)
}

/// Vertical grid lines with duration labels every `step` seconds up to `axis_max`, at
/// `x(t)` percent of the width. Every other label is marked minor: narrow screens hide those
/// (postmortems.css), so that neighbours never touch.
fn write_time_axis(
    s: &mut String,
    axis_max: i64,
    step: i64,
    x: &dyn Fn(i64) -> f64,
    top: f64,
    bottom: f64,
) {
    let mut t = 0;
    let mut i = 0;
    while t <= axis_max {
        let label = if t == 0 {
            "0".to_string()
        } else {
            human_seconds(t)
        };
        let anchor = if t == 0 { "start" } else { "middle" };
        let minor = if i % 2 == 1 { " tick-minor" } else { "" };
        let _ = write!(
            s,
            r#"<line class="grid" x1="{0:.2}%" x2="{0:.2}%" y1="{top}" y2="{bottom}"/><text class="chart-tick{minor}" x="{0:.2}%" y="{1:.1}" text-anchor="{anchor}">{label}</text>"#,
            x(t),
            bottom + 18.0,
        );
        t += step;
        i += 1;
    }
}

/// The p90 and median as vertical lines, each labelled on a line of its own above the plot
/// (so the two labels never overlap, however close the values), pointing into the chart.
fn write_markers(s: &mut String, d: &Distribution, x: &dyn Fn(i64) -> f64, bottom: f64) {
    for (class, value, y) in [("p90", d.p90, 13.0), ("median", d.median, 29.0)] {
        let at = x(value);
        let anchor = if at < 40.0 { "start" } else { "end" };
        let dx = if at < 40.0 { -1.0 } else { 1.0 };
        let _ = write!(
            s,
            r#"<line class="{class}" x1="{at:.2}%" x2="{at:.2}%" y1="{:.1}" y2="{bottom}"/><text class="chart-marker {class}-label" x="{at:.2}%" dx="{dx}" y="{y}" text-anchor="{anchor}">{class} {}</text>"#,
            y - 10.0,
            escape_html(&human_seconds(value))
        );
    }
}

/// Up to this many incidents get a bar each; more are drawn as a histogram (every
/// incident is still listed in the data table beside the chart).
const BARS_MAX: usize = 40;

/// One bar per incident, shortest first, with the median and p90 drawn as lines: the
/// skew of incident durations is visible at a glance, which a single mean would hide.
pub fn distribution_svg(id: &str, title: &str, samples: &[Sample], d: &Distribution) -> String {
    if samples.len() > BARS_MAX {
        return histogram_svg(id, title, samples, d);
    }
    let top = MARKERS_H;
    let max = d.max.max(60);
    let step = tick_step(max);
    let axis_max = (max + step - 1) / step * step;
    let x = |secs: i64| secs.max(0) as f64 / axis_max as f64 * DURATION_PLOT;
    let bottom = top + ROW * samples.len() as f64;
    let desc = format!(
        "{} incidents. Median {}, 90th percentile {}. {}.",
        d.count,
        human_seconds(d.median),
        human_seconds(d.p90),
        samples
            .iter()
            .map(|s| format!("{}: {}", s.title, s.text))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let mut s = chart_frame(id, " pm-distribution", bottom + AXIS_H, title, &desc);
    write_time_axis(&mut s, axis_max, step, &x, top, bottom);
    // Lines first, then bars and labels over them: labels have a halo in the card's colour
    // (postmortems.css), so a line passes behind a figure instead of through it.
    write_markers(&mut s, d, &x, bottom);
    for (i, sample) in samples.iter().enumerate() {
        let tip = format!("{}: {}", sample.title, sample.text);
        let pct = x(sample.seconds).max(0.3);
        write_bar_row(
            &mut s,
            top + ROW * i as f64,
            &sample.title,
            Some(&tip),
            pct,
            &sample.text,
            false,
        );
    }
    s.push_str("</svg>");
    s
}

/// Incidents per duration bin, with median and p90 lines, for large catalogs.
fn histogram_svg(id: &str, title: &str, samples: &[Sample], d: &Distribution) -> String {
    const BINS: i64 = 24;
    let (top, plot_h) = (MARKERS_H + 8.0, 180.0);
    let step = tick_step(d.max.max(60));
    let axis_max = (d.max.max(60) + step - 1) / step * step;
    let bin_w = (axis_max + BINS - 1) / BINS;
    let mut counts = vec![0usize; BINS as usize];
    for s in samples {
        counts[((s.seconds.max(0) / bin_w).min(BINS - 1)) as usize] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    // The axis ends short of the right edge, so its last label is not cut off.
    let x = |secs: i64| secs.max(0) as f64 / axis_max as f64 * 94.0;
    let bottom = top + plot_h;
    let desc = format!(
        "Histogram of {} incidents. Median {}, 90th percentile {}, shortest {}, longest {}. The tallest bar is {} incidents.",
        d.count,
        human_seconds(d.median),
        human_seconds(d.p90),
        human_seconds(d.min),
        human_seconds(d.max),
        most as usize
    );
    let mut s = chart_frame(id, " pm-distribution", bottom + AXIS_H, title, &desc);
    write_time_axis(&mut s, axis_max, step, &x, top, bottom);
    for (i, &c) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        let from = i as i64 * bin_w;
        let h = c as f64 / most * plot_h;
        let _ = write!(
            s,
            r#"<rect class="bar" x="{:.2}%" y="{:.1}" width="{:.2}%" height="{h:.1}"><title>{c} incidents from {} to {}</title></rect>"#,
            x(from) + 0.1,
            bottom - h,
            (x(from + bin_w) - x(from) - 0.3).max(0.2),
            human_seconds(from),
            human_seconds(from + bin_w)
        );
    }
    write_markers(&mut s, d, &x, bottom);
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_incidents_become_a_histogram() {
        let samples: Vec<Sample> = (1..=100)
            .map(|i| Sample {
                title: format!("I{i}"),
                url: String::new(),
                seconds: i * 60,
                text: String::new(),
            })
            .collect();
        let values: Vec<i64> = samples.iter().map(|s| s.seconds).collect();
        let d = distribution(&values).unwrap();
        let svg = distribution_svg("t", "T", &samples, &d);
        assert!(
            svg.contains("Histogram of 100 incidents. Median 50 min, 90th percentile 1 h 30 min")
        );
        let bars = svg.matches("<rect").count();
        assert!(bars > 1 && bars <= 24, "{bars}");
        let few = distribution_svg(
            "t",
            "T",
            &samples[..3],
            &distribution(&values[..3]).unwrap(),
        );
        assert_eq!(few.matches("<rect").count(), 3);
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(240), 60);
        assert_eq!(tick_step(3900), 900);
        assert_eq!(tick_step(87060), 21600);
    }

    #[test]
    fn svg_has_accessible_name_and_bars() {
        let counts = [
            Count {
                label: "SEV1".into(),
                count: 3,
            },
            Count {
                label: "SEV2".into(),
                count: 0,
            },
        ];
        let svg = count_svg("sev", "By severity", &counts);
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<desc id=\"chart-sev-desc\">SEV1: 3, SEV2: 0</desc>"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
