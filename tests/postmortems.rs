//! Post-mortems as data: validation rules with positions, computed metrics (time zones and
//! DST included), catalog, similar incidents, insights figures, JSON and Atom output.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use hindsight::diagnostics::{Diagnostic, Diagnostics};
use hindsight::output::MemorySink;
use hindsight::pipeline::{BuildOptions, load_site};
use hindsight::render::outputs::render_site;
use scraper::{Html, Selector};

fn options(today: &str) -> BuildOptions {
    BuildOptions {
        build_date: Some(today.parse().unwrap()),
        ..BuildOptions::default()
    }
}

/// A temporary site with the given content files (paths relative to `content/`).
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Test\"\n").unwrap();
    for (rel, text) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Build into memory: the output files, and the warnings.
fn build(root: &Path, today: &str) -> Result<(BTreeMap<String, String>, Diagnostics), Diagnostics> {
    let opts = options(today);
    let (site, warnings) = load_site(root, &opts)?;
    let sink = MemorySink::default();
    render_site(&site, &sink, &opts)?;
    let files = sink
        .files
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8(v).unwrap()))
        .collect();
    Ok((files, warnings))
}

fn errors_of(files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let dir = site(files);
    match build(dir.path(), "2026-06-01") {
        Ok(_) => panic!("expected errors"),
        Err(d) => d.errors().cloned().collect(),
    }
}

/// The one error whose message contains `needle`, as `line:col`.
fn error_at(errors: &[Diagnostic], needle: &str) -> (usize, usize) {
    let found: Vec<_> = errors
        .iter()
        .filter(|e| e.message.contains(needle))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "want one error with {needle:?}, got {errors:#?}"
    );
    (found[0].line, found[0].column)
}

const VALID: &str = "---
title: Valid
date: 2026-03-12
severity: SEV2
status: published
services: [api]
detection: An alert.
contributing_factors:
  - category: config
    description: d
timeline:
  - at: 2026-03-12T09:00:00Z
    event: Impact.
    marks: impact-start
  - at: 2026-03-12T09:05:00Z
    event: Alert.
    marks: detected
  - at: 2026-03-12T09:30:00Z
    event: Fixed.
    marks: resolved
action_items:
  - title: Fix it.
    type: prevent
    owner: Team
    status: open
    due: 2026-04-01
---
Body.
";

#[test]
fn valid_postmortem_builds_without_warnings() {
    let dir = site(&[("postmortems/valid.md", VALID)]);
    let (files, warnings) = build(dir.path(), "2026-06-01").unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    assert!(files.contains_key("postmortems/valid/index.html"));
}

/// Replace `from` in the valid post-mortem and return the build's errors.
fn errors_with(from: &str, to: &str) -> Vec<Diagnostic> {
    assert!(VALID.contains(from), "{from}");
    let text = VALID.replacen(from, to, 1);
    errors_of(&[("postmortems/x.md", &text)])
}

#[test]
fn timeline_out_of_order_points_at_the_late_entry() {
    let e = errors_with("2026-03-12T09:30:00Z", "2026-03-12T09:04:00Z");
    // Line 18 is the third `at:`; its value starts at column 9.
    assert_eq!(error_at(&e, "out of order"), (18, 9));
    assert!(e[0].path.ends_with("content/postmortems/x.md"));
}

#[test]
fn milestone_marked_twice() {
    let e = errors_with("marks: detected", "marks: impact-start");
    assert_eq!(error_at(&e, "marked twice"), (17, 12));
}

#[test]
fn resolved_before_impact_start() {
    let text = VALID
        .replacen("marks: impact-start", "marks: resolved", 1)
        .replacen("marks: resolved\naction", "marks: impact-start\naction", 1);
    let e = errors_of(&[("postmortems/x.md", &text)]);
    assert_eq!(error_at(&e, "resolved before impact started"), (14, 12));
}

#[test]
fn milestone_before_impact_start() {
    let text = VALID
        .replacen("marks: impact-start", "marks: detected", 1)
        .replacen(
            "    marks: detected\n  - at: 2026-03-12T09:30",
            "    marks: impact-start\n  - at: 2026-03-12T09:30",
            1,
        );
    let e = errors_of(&[("postmortems/x.md", &text)]);
    assert_eq!(error_at(&e, "`detected` is before impact-start"), (14, 12));
}

#[test]
fn mitigated_after_resolved() {
    let text = VALID.replacen(
        "    marks: resolved\n",
        "    marks: resolved\n  - at: 2026-03-12T09:40:00Z\n    event: Later.\n    marks: mitigated\n",
        1,
    );
    let e = errors_of(&[("postmortems/x.md", &text)]);
    assert_eq!(error_at(&e, "mitigated after resolved"), (23, 12));
}

#[test]
fn unknown_vocabulary_values() {
    let e = errors_with("severity: SEV2", "severity: sev2");
    let (l, c) = error_at(&e, "unknown severity `sev2`; did you mean `SEV2`?");
    assert_eq!((l, c), (4, 11));
    let e = errors_with("status: published", "status: done");
    assert_eq!(error_at(&e, "unknown status `done`"), (5, 9));
    let e = errors_with("category: config", "category: configuration");
    assert_eq!(
        error_at(&e, "unknown contributing-factor category"),
        (9, 15)
    );
    let e = errors_with("type: prevent", "type: fix");
    assert_eq!(error_at(&e, "unknown action-item type `fix`"), (23, 11));
    let e = errors_with("status: open", "status: closed");
    assert_eq!(
        error_at(&e, "unknown action-item status `closed`"),
        (25, 13)
    );
    let e = errors_with("marks: detected", "marks: detect");
    let msg = &e[0].message;
    assert!(
        msg.contains("unknown milestone `detect`") && msg.contains("did you mean `detected`"),
        "{msg}"
    );
}

#[test]
fn configured_vocabularies_replace_the_defaults() {
    let dir = site(&[(
        "postmortems/x.md",
        &VALID.replacen("severity: SEV2", "severity: P0", 1),
    )]);
    std::fs::write(
        dir.path().join("book.toml"),
        "[postmortems]\nseverities = [{ id = \"P0\", description = \"Everything is down.\" }]\nfactor-categories = [\"config\"]\n",
    )
    .unwrap();
    let (files, _) = build(dir.path(), "2026-06-01").unwrap();
    let html = &files["postmortems/x/index.html"];
    assert!(html.contains("Everything is down."));
}

#[test]
fn timestamp_without_offset_needs_a_timezone() {
    let e = errors_with("2026-03-12T09:05:00Z", "2026-03-12T09:05:00");
    let (l, c) = error_at(&e, "has no UTC offset");
    assert_eq!((l, c), (15, 9));
    // With a zone the same local time is fine.
    let text = VALID
        .replacen("2026-03-12T09:05:00Z", "2026-03-12T10:05:00", 1)
        .replacen("services:", "timezone: Europe/Paris\nservices:", 1);
    let dir = site(&[("postmortems/x.md", &text)]);
    build(dir.path(), "2026-06-01").unwrap();
}

#[test]
fn unknown_time_zone_and_dst_gap() {
    let text = VALID.replacen("services:", "timezone: Europe/Pariss\nservices:", 1);
    let e = errors_of(&[("postmortems/x.md", &text)]);
    assert_eq!(error_at(&e, "unknown time zone `Europe/Pariss`"), (6, 11));
    let text = VALID
        .replacen("services:", "timezone: Europe/Paris\nservices:", 1)
        .replace("2026-03-12T09:00:00Z", "2026-03-29T01:30:00")
        .replace("2026-03-12T09:05:00Z", "2026-03-29T02:30:00")
        .replace("2026-03-12T09:30:00Z", "2026-03-29T03:30:00");
    let e = errors_of(&[("postmortems/x.md", &text)]);
    assert_eq!(error_at(&e, "does not exist in Europe/Paris"), (16, 9));
}

#[test]
fn action_item_without_owner_and_bad_due() {
    // An open item without an owner is a warning at the item (line 22, after `- `).
    let text = VALID.replacen("    owner: Team\n", "", 1);
    let dir = site(&[("postmortems/x.md", &text)]);
    let (_, warnings) = build(dir.path(), "2026-06-01").unwrap();
    let w: Vec<_> = warnings.warnings().collect();
    assert_eq!(w.len(), 1, "{warnings}");
    assert!(w[0].message.contains("has no owner"), "{}", w[0].message);
    assert_eq!((w[0].line, w[0].column), (22, 5));
    // Without a status (as a public report gives it) no owner is needed.
    let text = text.replacen("    status: open\n", "", 1);
    let dir = site(&[("postmortems/x.md", &text)]);
    assert!(build(dir.path(), "2026-06-01").unwrap().1.is_empty());
    let e = errors_with("due: 2026-04-01", "due: next week");
    assert_eq!(error_at(&e, "is not a date"), (26, 10));
    let e = errors_with("due: 2026-04-01", "due: 2026-02-30");
    error_at(&e, "is not a date");
}

/// A post-mortem citing two sources, one by a plain URL.
const CITED: &str = "---
title: Cited
date: 2026-03-12
status: published
detection: An alert.
timeline:
  - at: 2026-03-12T09:00:00Z
    event: Impact.
    marks: impact-start
    source: rep
  - at: 2026-03-12T09:05:00Z
    event: Alert.
    marks: detected
  - at: 2026-03-12T09:30:00Z
    event: Fixed.
    marks: resolved
    source: status
action_items:
  - title: Stated remediation.
    type: prevent
    owner: Example Corp
sources:
  - id: rep
    title: \"Example Corp, incident report\"
    url: https://example.com/report
  - {id: status, title: Status page, url: \"https://status.example.com/1\"}
  - https://example.com/plain
---
Body.
";

#[test]
fn sources_are_listed_with_titles_and_cited_from_the_timeline() {
    let dir = site(&[("postmortems/c.md", CITED)]);
    let (files, warnings) = build(dir.path(), "2026-06-01").unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    let doc = Html::parse_document(&files["postmortems/c/index.html"]);
    // The list: numbered, titles as links, the plain URL as its own title.
    let items: Vec<_> = doc
        .select(&Selector::parse("#pm-sources ~ ol.pm-source-list > li").unwrap())
        .collect();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].value().attr("id"), Some("pm-source-rep"));
    let link = |li: &scraper::ElementRef| {
        let a = li.select(&Selector::parse("a").unwrap()).next().unwrap();
        (
            a.text().collect::<String>(),
            a.value().attr("href").unwrap().to_string(),
        )
    };
    assert_eq!(
        link(&items[0]),
        (
            "Example Corp, incident report".into(),
            "https://example.com/report".into()
        )
    );
    assert_eq!(link(&items[1]).0, "Status page");
    assert_eq!(items[2].value().attr("id"), Some("pm-source-3"));
    assert_eq!(link(&items[2]).0, "https://example.com/plain");
    // Each cited timeline entry links to its source; the uncited one has no citation.
    let cites: Vec<_> = doc
        .select(&Selector::parse(".pm-timeline .pm-event").unwrap())
        .map(|e| {
            e.select(&Selector::parse(".pm-cite a").unwrap())
                .next()
                .map(|a| {
                    (
                        a.text().collect::<String>(),
                        a.value().attr("href").unwrap().to_string(),
                    )
                })
        })
        .collect();
    assert_eq!(
        cites,
        [
            Some((
                "[1] source: Example Corp, incident report".to_string(),
                "#pm-source-rep".to_string()
            )),
            None,
            Some((
                "[2] source: Status page".to_string(),
                "#pm-source-status".to_string()
            )),
        ]
    );
    // No status on the item: no progress bar, no invented status.
    assert!(
        doc.select(&Selector::parse(".pm-progress-line").unwrap())
            .next()
            .is_none()
    );
    assert_eq!(
        select(&doc, ".pm-actions-table tbody td:nth-child(5)"),
        ["—"]
    );
    // The JSON export: structured sources, each entry's source id, no status.
    let v: serde_json::Value = serde_json::from_str(&files["postmortems.json"]).unwrap();
    let pm = &v["postmortems"][0];
    assert_eq!(
        pm["sources"],
        serde_json::json!([
            {"id": "rep", "title": "Example Corp, incident report", "url": "https://example.com/report"},
            {"id": "status", "title": "Status page", "url": "https://status.example.com/1"},
            {"id": null, "title": null, "url": "https://example.com/plain"},
        ])
    );
    assert_eq!(pm["timeline"][0]["source"], "rep");
    assert_eq!(pm["timeline"][1]["source"], serde_json::Value::Null);
    assert_eq!(pm["timeline"][2]["source"], "status");
    assert_eq!(pm["action_items"][0]["status"], serde_json::Value::Null);
    assert_eq!(pm["action_items"][0]["overdue"], false);
    assert_eq!(
        pm["action_items_done"],
        serde_json::json!({"done": 0, "total": 0})
    );
}

#[test]
fn plain_string_sources_still_build() {
    let text = VALID.replacen(
        "---\nBody.",
        "sources: [\"https://example.com/a\", \"Internal review notes\"]\n---\nBody.",
        1,
    );
    let dir = site(&[("postmortems/x.md", &text)]);
    let (files, warnings) = build(dir.path(), "2026-06-01").unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    let doc = Html::parse_document(&files["postmortems/x/index.html"]);
    assert_eq!(
        select(&doc, "ol.pm-source-list > li"),
        ["https://example.com/a", "Internal review notes"]
    );
}

#[test]
fn unknown_source_id_is_an_error_at_its_position() {
    let text = CITED.replacen("    source: status\n", "    source: stats\n", 1);
    let e = errors_of(&[("postmortems/c.md", &text)]);
    // Line 17 is the third entry's `source:`; its value starts at column 13.
    assert_eq!(error_at(&e, "unknown source `stats`"), (17, 13));
    assert!(
        e[0].message.contains("did you mean `status`?"),
        "{}",
        e[0].message
    );
    assert!(
        e[0].message.contains("source ids are rep, status"),
        "{}",
        e[0].message
    );
    assert!(e[0].path.ends_with("content/postmortems/c.md"));
    // With no ids at all, the message says how to give one.
    let e = errors_with(
        "    marks: detected\n",
        "    marks: detected\n    source: gh\n",
    );
    assert_eq!(error_at(&e, "unknown source `gh`"), (18, 13));
    assert!(e[0].message.contains("no entry of `sources` has an `id`"));
}

#[test]
fn duplicate_or_empty_sources_are_errors() {
    let text = CITED.replacen("{id: status,", "{id: rep,", 1);
    let e = errors_of(&[("postmortems/c.md", &text)]);
    // The second `rep`, on the flow-style line 26.
    assert_eq!(error_at(&e, "source id `rep` is used twice").0, 26);
    let text = CITED.replacen("  - https://example.com/plain\n", "  - id: empty\n", 1);
    let e = errors_of(&[("postmortems/c.md", &text)]);
    assert_eq!(error_at(&e, "without `url` or `title`"), (27, 5));
    let text = CITED.replacen("    url: https://example.com/report\n", "    link: x\n", 1);
    let e = errors_of(&[("postmortems/c.md", &text)]);
    assert!(e.iter().any(|d| d.message.contains("link")), "{e:#?}");
}

#[test]
fn every_error_of_a_build_is_reported_together() {
    let text = VALID
        .replacen("severity: SEV2", "severity: SEV9", 1)
        .replacen("type: prevent", "type: fix", 1)
        .replacen("2026-03-12T09:30:00Z", "2026-03-12T08:00:00Z", 1);
    let e = errors_of(&[
        ("postmortems/x.md", &text),
        (
            "postmortems/y.md",
            &VALID.replacen("status: published", "status: nope", 1),
        ),
    ]);
    assert_eq!(e.len(), 5, "{e:#?}"); // severity, type, order, resolved<impact-start, status in y
}

#[test]
fn published_without_action_items_or_detection_warns() {
    let text = VALID
        .replacen("detection: An alert.\n", "", 1)
        .replacen("action_items:\n  - title: Fix it.\n    type: prevent\n    owner: Team\n    status: open\n    due: 2026-04-01\n", "", 1);
    let dir = site(&[("postmortems/x.md", &text)]);
    let (_, warnings) = build(dir.path(), "2026-06-01").unwrap();
    let msgs: Vec<_> = warnings.warnings().map(|w| w.message.clone()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("without action items")));
    assert!(msgs.iter().any(|m| m.contains("without `detection`")));
    // A draft is not nagged.
    let draft = text.replacen("status: published", "status: draft", 1);
    let dir = site(&[("postmortems/x.md", &draft)]);
    assert!(build(dir.path(), "2026-06-01").unwrap().1.is_empty());
}

#[test]
fn cli_exits_non_zero_with_path_line_col_and_writes_nothing() {
    let dir = site(&[(
        "postmortems/x.md",
        &VALID.replacen(
            "    marks: detected\n",
            "    marks: detected\n    source: gh\n",
            1,
        ),
    )]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/postmortems/x.md:18:13: error: unknown source `gh`"),
        "{stderr}"
    );
    assert!(!dir.path().join("site").exists());
}

fn select(doc: &Html, css: &str) -> Vec<String> {
    common::texts(doc, css)
}

/// Key figures of a rendered post-mortem: label → value.
fn figures(html: &str) -> BTreeMap<String, String> {
    let doc = Html::parse_document(html);
    let labels = select(&doc, ".pm-metric dt");
    let values = select(&doc, ".pm-metric .pm-metric-value");
    labels.into_iter().zip(values).collect()
}

#[test]
fn metrics_shown_only_where_both_ends_exist() {
    let text = "---
title: Figures
date: 2021-06-08
timeline:
  - at: 2021-06-08T09:47:00Z
    event: Impact.
    marks: impact-start
  - at: 2021-06-08T09:48:00Z
    event: Detected.
    marks: detected
  - at: 2021-06-08T09:58:30Z
    event: Acknowledged.
    marks: acknowledged
  - at: 2021-06-08T12:35:00Z
    event: Mitigated.
    marks: mitigated
  - at: 2021-06-08T14:44:00+02:00
    event: Resolved, written with another offset.
    marks: resolved
---
";
    let no_detect = "---
title: Partial
timeline:
  - at: 2017-02-28T17:37:00Z
    event: Impact.
    marks: impact-start
  - at: 2017-02-28T21:54:00Z
    event: Resolved.
    marks: resolved
---
";
    let dir = site(&[("postmortems/f.md", text), ("postmortems/p.md", no_detect)]);
    let (files, _) = build(dir.path(), "2026-06-01").unwrap();
    let f = figures(&files["postmortems/f/index.html"]);
    assert_eq!(f["Time to detect"], "1 min");
    assert_eq!(f["Time to acknowledge"], "11 min");
    assert_eq!(f["Time to mitigate"], "2 h 48 min");
    assert_eq!(f["Time to resolve"], "2 h 57 min");
    assert_eq!(f["Impact duration"], "2 h 48 min");
    let p = figures(&files["postmortems/p/index.html"]);
    assert_eq!(
        p.keys().cloned().collect::<Vec<_>>(),
        ["Impact duration", "Time to resolve"]
    );
    assert_eq!(p["Time to resolve"], "4 h 17 min");
}

#[test]
fn local_times_across_dst_changes() {
    // New York falls back on 2026-11-01: 01:00–02:00 happens twice. 00:30 EDT to 03:30 EST
    // is four hours, not three; the ambiguous 01:30 must carry its offset.
    let text = "---
title: Fall back
timezone: America/New_York
timeline:
  - at: 2026-11-01T00:30:00
    event: Impact.
    marks: impact-start
  - at: 2026-11-01T01:30:00-05:00
    event: Detected in the repeated hour.
    marks: detected
  - at: 2026-11-01T03:30:00
    event: Resolved.
    marks: resolved
---
";
    let dir = site(&[("postmortems/nyc.md", text)]);
    let (files, _) = build(dir.path(), "2026-12-01").unwrap();
    let html = &files["postmortems/nyc/index.html"];
    let f = figures(html);
    assert_eq!(f["Time to detect"], "2 h");
    assert_eq!(f["Time to resolve"], "4 h");
    // Times are shown in the post-mortem's zone, with its abbreviation.
    let doc = Html::parse_document(html);
    let clocks = select(&doc, ".pm-when time");
    assert!(clocks[0].contains("00:30 EDT"), "{clocks:?}");
    assert!(clocks[1].contains("01:30 EST"), "{clocks:?}");
    let ambiguous = text.replace("01:30:00-05:00", "01:30:00");
    let e = errors_of(&[("postmortems/nyc.md", &ambiguous)]);
    assert_eq!(error_at(&e, "happens twice in America/New_York"), (8, 9));
}

/// A post-mortem with the given fields, for catalog-wide tests.
#[allow(clippy::too_many_arguments)]
fn incident(
    title: &str,
    date: &str,
    severity: &str,
    services: &str,
    categories: &[&str],
    ttd_min: Option<u32>,
    ttr_min: Option<u32>,
    actions: &[(&str, &str, Option<&str>)],
) -> String {
    let mut s = format!(
        "---\ntitle: {title}\ndate: {date}\nseverity: {severity}\nstatus: reviewed\nservices: [{services}]\ncontributing_factors:\n"
    );
    for c in categories {
        s.push_str(&format!("  - category: {c}\n    description: d\n"));
    }
    if categories.is_empty() {
        s = s.replace("contributing_factors:\n", "");
    }
    s.push_str(&format!(
        "timeline:\n  - at: {date}T10:00:00Z\n    event: Impact.\n    marks: impact-start\n"
    ));
    let mut points: Vec<(u32, &str)> = Vec::new();
    if let Some(d) = ttd_min {
        points.push((d, "detected"));
    }
    if let Some(r) = ttr_min {
        points.push((r, "resolved"));
    }
    points.sort();
    for (m, mark) in points {
        s.push_str(&format!(
            "  - at: {date}T{:02}:{:02}:00Z\n    event: {mark}.\n    marks: {mark}\n",
            10 + m / 60,
            m % 60
        ));
    }
    if !actions.is_empty() {
        s.push_str("action_items:\n");
        for (owner, status, due) in actions {
            s.push_str(&format!("  - title: Item of {owner}\n    type: prevent\n    owner: {owner}\n    status: {status}\n"));
            if let Some(d) = due {
                s.push_str(&format!("    due: {d}\n"));
            }
        }
    }
    s.push_str("---\nBody.\n");
    s
}

/// Five incidents with known answers: TTD 1, 2, 3, 10, 60 min (median 3, p90 60); TTR
/// 10, 20, 30, 40 min on four of them (median 25, p90 40).
fn fixture_set() -> tempfile::TempDir {
    site(&[
        (
            "postmortems/a.md",
            &incident(
                "Alpha",
                "2024-01-10",
                "SEV1",
                "api, db",
                &["config", "software"],
                Some(1),
                Some(10),
                &[
                    ("Team A", "done", None),
                    ("Team B", "open", Some("2024-02-01")),
                ],
            ),
        ),
        (
            "postmortems/b.md",
            &incident(
                "Bravo",
                "2024-05-10",
                "SEV2",
                "api",
                &["config"],
                Some(2),
                Some(20),
                &[
                    ("Team A", "open", Some("2030-01-01")),
                    ("Team A", "in-progress", None),
                ],
            ),
        ),
        (
            "postmortems/c.md",
            &incident(
                "Charlie",
                "2025-03-01",
                "SEV1",
                "api",
                &["capacity"],
                Some(3),
                Some(30),
                &[("Team B", "wont-do", Some("2020-01-01"))],
            ),
        ),
        (
            "postmortems/d.md",
            &incident(
                "Delta",
                "2025-07-01",
                "SEV2",
                "web",
                &["config"],
                Some(10),
                Some(40),
                &[],
            ),
        ),
        (
            "postmortems/e.md",
            &incident(
                "Echo",
                "2025-09-01",
                "SEV3",
                "db",
                &["software"],
                Some(60),
                None,
                &[("Team C", "done", None)],
            ),
        ),
        (
            "glossary/mttr.md",
            "---\ntitle: MTTR\nsummary: Mean time to something.\n---\n",
        ),
    ])
}

fn table_rows(doc: &Html, css: &str) -> Vec<Vec<String>> {
    let row = Selector::parse(css).unwrap();
    let cell = Selector::parse("td, th").unwrap();
    doc.select(&row)
        .map(|r| {
            r.select(&cell)
                .map(|c| {
                    c.text()
                        .collect::<String>()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect()
}

#[test]
fn insights_figures_on_a_known_fixture_set() {
    let dir = fixture_set();
    let (files, _) = build(dir.path(), "2025-01-01").unwrap();
    let doc = Html::parse_document(&files["postmortems/insights/index.html"]);
    let captions = select(&doc, ".pm-figure figcaption");
    let ttd = captions
        .iter()
        .find(|c| c.starts_with("Time to detect"))
        .unwrap();
    assert!(ttd.contains("median 3 min, p90 1 h (5 incidents"), "{ttd}");
    let ttr = captions
        .iter()
        .find(|c| c.starts_with("Time to resolve"))
        .unwrap();
    assert!(
        ttr.contains("median 25 min, p90 40 min (4 incidents"),
        "{ttr}"
    );
    // Counts by severity, in configured order, zero included.
    let sev = table_rows(
        &doc,
        ".pm-chart-grid > .pm-figure:nth-child(1) .pm-data tbody tr",
    );
    assert_eq!(
        sev,
        [["SEV1", "2"], ["SEV2", "2"], ["SEV3", "1"], ["SEV4", "0"]]
    );
    let svc = table_rows(
        &doc,
        ".pm-chart-grid > .pm-figure:nth-child(3) .pm-data tbody tr",
    );
    assert_eq!(svc, [["api", "3"], ["db", "2"], ["web", "1"]]);
    let cat = table_rows(
        &doc,
        ".pm-chart-grid > .pm-figure:nth-child(2) .pm-data tbody tr",
    );
    assert!(cat.contains(&vec!["config".to_string(), "3".into()]));
    assert!(cat.contains(&vec!["software".to_string(), "2".into()]));
    assert!(cat.contains(&vec!["hardware".to_string(), "0".into()]));
    // The page says why there is no mean, and links the MTTR term.
    let why = select(&doc, ".pm-why");
    assert!(why[0].contains("skewed"));
    assert_eq!(
        doc.select(&Selector::parse(".pm-why a").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("href"),
        Some("../../glossary/mttr/")
    );
    // Each chart is an SVG with an accessible name and description.
    let svgs = doc
        .select(&Selector::parse("svg.pm-chart[role=img]").unwrap())
        .count();
    assert_eq!(svgs, 5);
    assert!(
        !files["postmortems/insights/index.html"]
            .to_lowercase()
            .contains("mean time to")
    );
}

#[test]
fn action_items_across_postmortems() {
    let dir = fixture_set();
    let (files, _) = build(dir.path(), "2025-01-01").unwrap();
    let doc = Html::parse_document(&files["postmortems/insights/index.html"]);
    // Open = open or in progress: Team A has 2, Team B 1 (its wont-do is not open).
    let owners = select(&doc, ".pm-owner summary");
    assert_eq!(owners, ["Team A 2 open", "Team B 1 open, 1 overdue"]);
    // Overdue against the injected build date: only Team B's 2024-02-01 item.
    let overdue = select(&doc, ".pm-item-list li.is-overdue");
    assert!(overdue[0].contains("Item of Team B"), "{overdue:?}");
    assert_eq!(
        doc.select(&Selector::parse("h3 + ul.pm-item-list > li").unwrap())
            .count(),
        1
    );
    let done = table_rows(&doc, ".pm-done-table tbody tr");
    let alpha = done.iter().find(|r| r[0] == "Alpha").unwrap();
    assert_eq!(&alpha[1..4], ["1 / 2", "1", "50%"]);
    // A later build date makes Bravo's 2030 item overdue too; earlier, none.
    let (later, _) = build(dir.path(), "2031-01-01").unwrap();
    let doc = Html::parse_document(&later["postmortems/insights/index.html"]);
    assert_eq!(select(&doc, ".pm-item-list li.is-overdue").len(), 4); // 2 in Overdue, 2 under owners
    let (earlier, _) = build(dir.path(), "2020-01-01").unwrap();
    let doc = Html::parse_document(&earlier["postmortems/insights/index.html"]);
    assert!(select(&doc, ".pm-item-list li.is-overdue").is_empty());
    // The post-mortem's own table flags it too.
    let doc = Html::parse_document(&files["postmortems/a/index.html"]);
    assert_eq!(
        select(&doc, ".pm-actions-table tr.is-overdue td:first-child"),
        ["Item of Team B"]
    );
}

#[test]
fn similar_incidents_link_both_ways() {
    let dir = fixture_set();
    let (files, _) = build(dir.path(), "2025-01-01").unwrap();
    let similar = |slug: &str| {
        let doc = Html::parse_document(&files[&format!("postmortems/{slug}/index.html")]);
        select(&doc, "#pm-similar ~ ul li > a")
    };
    // Alpha and Bravo share api + config; Alpha and Echo share db + software; Charlie
    // shares api but no category; Delta shares config but no service.
    assert_eq!(similar("a"), ["Echo", "Bravo"]);
    assert_eq!(similar("b"), ["Alpha"]);
    assert_eq!(similar("e"), ["Alpha"]);
    assert!(similar("c").is_empty());
    assert!(similar("d").is_empty());
}

#[test]
fn catalog_lists_every_postmortem_with_filters() {
    let dir = fixture_set();
    let (files, _) = build(dir.path(), "2025-01-01").unwrap();
    let doc = Html::parse_document(&files["postmortems/index.html"]);
    let titles = select(&doc, "#pm-catalog tbody .pm-row-title");
    assert_eq!(titles, ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]);
    let row = doc
        .select(&Selector::parse("#pm-catalog tbody tr").unwrap())
        .nth(4)
        .unwrap();
    assert_eq!(row.value().attr("data-services"), Some("api|db"));
    assert_eq!(row.value().attr("data-categories"), Some("config|software"));
    assert_eq!(row.value().attr("data-year"), Some("2024"));
    assert_eq!(row.value().attr("data-duration"), Some("600"));
    let cells = table_rows(&doc, "#pm-catalog tbody tr");
    assert_eq!(cells[4][2], "SEV1");
    assert_eq!(cells[4][4], "10 min");
    assert_eq!(select(&doc, "#pm-f-year option"), ["All", "2025", "2024"]);
    assert_eq!(
        select(&doc, "#pm-f-severity option"),
        ["All", "SEV1", "SEV2", "SEV3"]
    );
    assert_eq!(
        select(&doc, "#pm-f-service option"),
        ["All", "api", "db", "web"]
    );
    // Without JavaScript the filters stay hidden and every row shows.
    assert!(
        doc.select(&Selector::parse("form#pm-filters[hidden]").unwrap())
            .next()
            .is_some()
    );
    assert!(
        doc.select(&Selector::parse("#pm-catalog tr[hidden]").unwrap())
            .next()
            .is_none()
    );
    assert!(files.contains_key("postmortems.js") && files.contains_key("postmortems.css"));
    // Post-mortem CSS is linked only from post-mortem pages.
    assert!(!files["glossary/mttr/index.html"].contains("postmortems.css"));
}

#[test]
fn json_export_has_fields_and_metrics() {
    let dir = fixture_set();
    let (files, _) = build(dir.path(), "2025-01-01").unwrap();
    let v: serde_json::Value = serde_json::from_str(&files["postmortems.json"]).unwrap();
    assert_eq!(v["build_date"], "2025-01-01");
    let pms = v["postmortems"].as_array().unwrap();
    assert_eq!(pms.len(), 5);
    let alpha = pms.iter().find(|p| p["slug"] == "a").unwrap();
    assert_eq!(alpha["title"], "Alpha");
    assert_eq!(alpha["severity"], "SEV1");
    assert_eq!(alpha["services"], serde_json::json!(["api", "db"]));
    assert_eq!(alpha["contributing_factors"][0]["category"], "config");
    assert_eq!(alpha["metrics"]["time_to_detect"]["seconds"], 60);
    assert_eq!(alpha["metrics"]["time_to_resolve"]["seconds"], 600);
    assert_eq!(alpha["metrics"]["time_to_resolve"]["text"], "10 min");
    assert!(alpha["metrics"].get("time_to_mitigate").is_none());
    assert_eq!(alpha["milestones"]["detected"], "2024-01-10T10:01:00Z");
    assert_eq!(alpha["timeline"][1]["at_utc"], "2024-01-10T10:01:00Z");
    assert_eq!(alpha["action_items"][1]["overdue"], true);
    assert_eq!(alpha["action_items"][0]["type"], "prevent");
    assert_eq!(
        alpha["action_items_done"],
        serde_json::json!({"done": 1, "total": 2})
    );
    assert_eq!(alpha["similar"], serde_json::json!(["e", "b"]));
    assert_eq!(alpha["url"], "/postmortems/a/");
}

#[test]
fn atom_feed_lists_postmortems_newest_first() {
    let dir = fixture_set();
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"KB & co\"\n[build]\nbase-url = \"https://example.org/kb/\"\n",
    )
    .unwrap();
    let (files, _) = build(dir.path(), "2025-01-01").unwrap();
    let atom = &files["postmortems/atom.xml"];
    assert!(atom.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    ));
    assert!(atom.contains("<title>KB &amp; co · Post-mortems</title>"));
    assert!(atom.contains("<updated>2025-09-01T00:00:00Z</updated>"));
    assert!(atom.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/kb/postmortems/atom.xml\"/>"));
    assert_eq!(atom.matches("<entry>").count(), 5);
    let order: Vec<usize> = ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]
        .iter()
        .map(|t| atom.find(&format!("<title>{t}</title>")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(atom.contains("<id>https://example.org/kb/postmortems/a/</id>"));
    assert!(atom.contains("<category term=\"SEV1\""));
    assert!(atom.contains("Time to resolve: 10 min"));
    // The catalog advertises the feed.
    assert!(files["postmortems/index.html"].contains("type=\"application/atom+xml\""));
}

#[test]
fn a_page_at_the_insights_address_is_an_error() {
    let e = errors_of(&[
        ("postmortems/valid.md", VALID),
        ("postmortems/insights.md", "---\ntitle: Insights\n---\n"),
    ]);
    assert_eq!(
        error_at(&e, "taken by the generated post-mortem insights page"),
        (1, 1)
    );
}

#[test]
fn no_postmortems_no_extra_outputs() {
    let dir = site(&[("glossary/x.md", "---\ntitle: X\nsummary: s\n---\n")]);
    let (files, _) = build(dir.path(), "2025-01-01").unwrap();
    assert!(!files.contains_key("postmortems.json"));
    assert!(!files.contains_key("postmortems/insights/index.html"));
}

#[test]
fn bundled_postmortems_validate_and_render() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (files, warnings) = build(root, "2026-11-28").unwrap();
    assert!(!has_postmortem_diagnostics(&warnings), "{warnings}");
    let f = figures(&files["postmortems/cloudflare-2019-07-02/index.html"]);
    assert_eq!(f["Impact duration"], "27 min");
    let f = figures(&files["postmortems/github-2018-10-21/index.html"]);
    assert_eq!(f["Time to resolve"], "24 h 11 min");
}

#[test]
fn scaffolded_postmortem_validates() {
    let dir = site(&[]);
    let path = hindsight::scaffold::new_page(dir.path(), "postmortem", "Checkout outage").unwrap();
    assert!(path.ends_with("content/postmortems/checkout-outage.md"));
    let (files, warnings) = build(dir.path(), "2030-01-01").unwrap();
    assert!(!has_postmortem_diagnostics(&warnings), "{warnings}");
    let f = figures(&files["postmortems/checkout-outage/index.html"]);
    assert_eq!(f["Time to detect"], "5 min");
    assert_eq!(f["Time to resolve"], "30 min");
}

#[test]
fn sample_site_postmortem_validates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    hindsight::scaffold::init_site(&root, None).unwrap();
    let (files, warnings) = build(&root, "2026-01-20").unwrap();
    assert!(!has_postmortem_diagnostics(&warnings), "{warnings}");
    assert!(files.contains_key("postmortems/insights/index.html"));
}

fn has_postmortem_diagnostics(d: &Diagnostics) -> bool {
    d.items
        .iter()
        .any(|w| w.path.starts_with("content/postmortems"))
}

#[test]
fn front_matter_prose_gets_term_links_in_page_order() {
    let term = |title: &str| {
        format!(
            "---\ntitle: {title}\nsummary: What {title} means.\n---\n\n## What it is\n\nText.\n"
        )
    };
    let dir = site(&[
        ("glossary/failover.md", &term("Failover")),
        ("glossary/replication-lag.md", &term("Replication lag")),
        (
            "postmortems/db.md",
            "---
title: Replica outage
date: 2026-03-12
trigger: A failover <script> moved writes.
timeline:
  - at: 2026-03-12T09:00:00Z
    event: Replication lag grows.
    marks: impact-start
  - at: 2026-03-12T10:00:00Z
    event: Service restored.
    marks: resolved
lessons:
  went_well: [The failover itself worked.]
---

The replication lag was nobody's alert.
",
        ),
    ]);
    let (files, _) = build(dir.path(), "2026-06-01").unwrap();
    let page = Html::parse_document(&files["postmortems/db/index.html"]);
    let linked = |selector: &str| -> Vec<String> {
        page.select(&Selector::parse(selector).unwrap())
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    // The trigger is shown after the narrative but is the first mention of failover.
    let trigger = Selector::parse("#pm-causes ~ p, .pm-section h3 + p").unwrap();
    let trigger_html: Vec<String> = page.select(&trigger).map(|p| p.inner_html()).collect();
    assert!(
        trigger_html
            .iter()
            .any(|h| h.contains("glossary/failover/") && h.contains("&lt;script&gt;")),
        "the trigger links its term and stays escaped: {trigger_html:?}"
    );
    // The body mentions replication lag before the timeline does: "first" mode links it there.
    assert_eq!(
        linked(".pm-narrative a.t"),
        ["../../glossary/replication-lag/"]
    );
    assert!(linked(".pm-what a.t").is_empty(), "already linked above");
    assert!(
        linked(".pm-lessons a.t").is_empty(),
        "failover is linked in the trigger"
    );
    // Front-matter links count like body links: the term page lists the post-mortem.
    let term_page = Html::parse_document(&files["glossary/failover/index.html"]);
    let backlinks: Vec<String> = term_page
        .select(&Selector::parse(".backlinks a").unwrap())
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(backlinks, ["Replica outage"]);
}
